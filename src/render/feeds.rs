//! Files around the pages: theme and site static files, Atom feeds, the sitemap.

use super::{Data, OutputFile, Renderer};
use crate::config::SiteConfig;
use crate::content::Kind;
use crate::diag::{Diagnostic, rel};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            _ => o.push(c),
        }
    }
    o
}

fn walk_files(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !e.file_type().is_file() {
            continue;
        }
        let Ok(r) = e.path().strip_prefix(dir) else {
            continue;
        };
        let Some(name) = r.to_str() else { continue };
        if name.split('/').any(|s| s.starts_with('.')) {
            continue;
        }
        out.push((name.replace('\\', "/"), e.path().to_path_buf()));
    }
    out
}

/// The theme's static files: CSS and JS minified and fingerprinted (`style.3f2a9c1b.css`).
/// Returns the map from the theme's name to the output path, and the files.
pub fn theme_assets(
    cfg: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, Vec<OutputFile>) {
    let dir = cfg.theme_dir().join("static");
    let mut map = BTreeMap::new();
    let mut files = Vec::new();
    for (name, path) in walk_files(&dir) {
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        if ext == "css" || ext == "js" {
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        rel(&cfg.root, &path),
                        1,
                        1,
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            let text = String::from_utf8_lossy(&bytes);
            let bytes = if ext == "css" {
                crate::minify::css(&text).into_bytes()
            } else {
                match crate::minify::js(&text) {
                    Ok(small) => small.into_bytes(),
                    Err(e) => {
                        // The page still works with the script as it was written.
                        diags.push(
                            Diagnostic::warning(
                                rel(&cfg.root, &path),
                                e.line,
                                e.column,
                                format!("JavaScript syntax error: {}", e.message),
                            )
                            .with_hint("the script is published as it is, not minified"),
                        );
                        bytes
                    }
                }
            };
            let hash = blake3::hash(&bytes).to_hex();
            let (stem, _) = name.rsplit_once('.').unwrap_or((&name, ""));
            let out = format!("{stem}.{}.{ext}", &hash[..10]);
            map.insert(name, out.clone());
            files.push(OutputFile {
                path: out,
                data: Data::Bytes(bytes),
            });
        } else {
            map.insert(name.clone(), name.clone());
            files.push(OutputFile {
                path: name,
                data: Data::Copy(path),
            });
        }
    }
    (map, files)
}

/// The site's own `static/` folder, copied to the output root as it is.
pub fn site_static(cfg: &SiteConfig, _diags: &mut [Diagnostic]) -> Vec<OutputFile> {
    walk_files(&cfg.root.join("static"))
        .into_iter()
        .map(|(name, path)| OutputFile {
            path: name,
            data: Data::Copy(path),
        })
        .collect()
}

/// One Atom feed per language, and one per term.
pub(super) fn feeds(r: &Renderer) -> Vec<OutputFile> {
    feeds_where(r, |_| true)
}

/// The feeds that show report `id` (among their latest `feed_limit` entries).
pub(super) fn feeds_of(r: &Renderer, id: usize) -> Vec<OutputFile> {
    let limit = r.cfg.feed_limit;
    feeds_where(r, |ids| ids.iter().take(limit).any(|x| *x == id))
}

fn feeds_where(r: &Renderer, wanted: impl Fn(&[usize]) -> bool) -> Vec<OutputFile> {
    let mut out = Vec::new();
    for lang in &r.cfg.languages {
        let ids = r.site.reports.get(lang).map_or(&[][..], Vec::as_slice);
        if wanted(ids) {
            out.push(atom(r, lang, ids, &format!("{lang}/"), &r.site_title(lang)));
        }
        for tax in &r.cfg.taxonomies {
            for t in r
                .site
                .terms
                .get(lang)
                .and_then(|m| m.get(tax))
                .map_or(&[][..], Vec::as_slice)
            {
                if !wanted(&t.pages) {
                    continue;
                }
                let base = r.term_path(lang, tax, &t.slug);
                let title = format!(
                    "{} — {}",
                    r.term_name(lang, tax, &t.key),
                    r.site_title(lang)
                );
                out.push(atom(r, lang, &t.pages, &base, &title));
            }
        }
    }
    out
}

/// An Atom feed of the reports `ids` (newest first) at `<base>atom.xml`.
fn atom(r: &Renderer, lang: &str, ids: &[usize], base: &str, title: &str) -> OutputFile {
    let path = format!("{base}atom.xml");
    // A feed shows its latest entries; the site's structure gives the rest (dates, titles).
    let shown = &ids[..ids.len().min(r.cfg.feed_limit)];
    let key = r.pages_key(&path, shown);
    r.file_cached(path, key, || atom_xml(r, lang, ids, base, title))
}

fn atom_xml(r: &Renderer, lang: &str, ids: &[usize], base: &str, title: &str) -> Vec<u8> {
    let feed_url = r.abs(&format!("{base}atom.xml"));
    let updated = ids
        .iter()
        .filter_map(|id| {
            let m = &r.site.page(*id).meta;
            m.updated.as_ref().or(m.date.as_ref())
        })
        .max_by_key(|d| d.ts)
        .map_or("1970-01-01T00:00:00+00:00".to_string(), |d| {
            d.rfc3339.clone()
        });
    let mut x = String::new();
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(lang)
    );
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(title));
    let _ = writeln!(
        x,
        "  <subtitle>{}</subtitle>",
        xml_escape(&r.msg(lang, "site-description", &[]))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&feed_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&r.abs(base))
    );
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&feed_url));
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    let _ = writeln!(
        x,
        "  <author><name>{}</name></author>",
        xml_escape(&r.site_title(lang))
    );
    let _ = writeln!(x, "  <generator>dastan</generator>");
    for id in ids.iter().take(r.cfg.feed_limit) {
        let p = r.site.page(*id);
        let Some(date) = &p.meta.date else { continue };
        let url = r.abs(&p.path);
        let entry_title = crate::markdown::typeset(p.meta.title.as_deref().unwrap_or(""), &p.lang);
        let _ = writeln!(x, "  <entry xml:lang=\"{}\">", xml_escape(&p.lang));
        let _ = writeln!(x, "    <title>{}</title>", xml_escape(&entry_title));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&url)
        );
        let _ = writeln!(x, "    <id>{}</id>", xml_escape(&url));
        let _ = writeln!(x, "    <published>{}</published>", date.rfc3339);
        let _ = writeln!(
            x,
            "    <updated>{}</updated>",
            p.meta.updated.as_ref().unwrap_or(date).rfc3339
        );
        let summary = r.summaries[*id]
            .as_ref()
            .map(|s| s.summary.clone())
            .unwrap_or_default();
        let _ = writeln!(
            x,
            "    <summary type=\"html\">{}</summary>",
            xml_escape(&absolutize(&summary, r))
        );
        if r.cfg.feed_full_content {
            let _ = writeln!(
                x,
                "    <content type=\"html\">{}</content>",
                xml_escape(&absolutize(&r.markdown(*id).html, r))
            );
        }
        if let Some(terms) = p.meta.taxonomies.get("tags") {
            for t in terms {
                let _ = writeln!(
                    x,
                    "    <category term=\"{}\" label=\"{}\"/>",
                    xml_escape(t),
                    xml_escape(&r.term_name(lang, "tags", t))
                );
            }
        }
        let _ = writeln!(x, "  </entry>");
    }
    let _ = writeln!(x, "</feed>");
    x.into_bytes()
}

/// Root-relative `src`/`href` become absolute, for feed readers.
fn absolutize(html: &str, r: &Renderer) -> String {
    let origin = super::origin(&r.cfg.base_url);
    html.replace("src=\"/", &format!("src=\"{origin}/"))
        .replace("href=\"/", &format!("href=\"{origin}/"))
}

/// The sitemap, with reciprocal hreflang alternates (never fallback pages): `sitemap.xml`,
/// or, past [`SITEMAP_URLS`] URLs or [`SITEMAP_BYTES`] bytes (the most search engines read
/// from one file), `sitemap.xml` as an index of `sitemap-1.xml`, `sitemap-2.xml`, ….
pub(super) fn sitemap(r: &Renderer) -> Vec<OutputFile> {
    // Paths, dates and translations are the site's structure; the terms come from the pages'
    // front matter.
    let key = r.pages_key("sitemap.xml", &[]).map(|k| {
        let mut h = blake3::Hasher::new();
        h.update(k.as_bytes());
        for (lang, taxonomies) in &r.site.terms {
            for (tax, terms) in taxonomies {
                h.update(format!("{lang}/{tax}:").as_bytes());
                for t in terms {
                    h.update(t.slug.as_bytes());
                    h.update(b"\0");
                }
            }
        }
        h.finalize().to_hex().to_string()
    });
    // Every file of the sitemap is made from the same inputs: when one is reused, all are.
    if let Some(k) = &key
        && let Some(paths) = sitemap_reused(r, k)
    {
        return paths
            .into_iter()
            .map(|path| OutputFile {
                path,
                data: Data::Reused,
            })
            .collect();
    }
    let files = sitemap_files(r);
    if let Some(k) = &key {
        for f in &files {
            r.sink.note(&f.path, k);
        }
    }
    files
}

/// The sitemap's files of the previous build, when they were made from `key` and are all
/// taken again.
fn sitemap_reused(r: &Renderer, key: &str) -> Option<Vec<String>> {
    let (manifest, _) = r.reuse.as_ref()?;
    let same = |path: &str| manifest.files.get(path).is_some_and(|k| k == key);
    if !same("sitemap.xml") {
        return None;
    }
    let mut paths = vec!["sitemap.xml".to_string()];
    while same(&format!("sitemap-{}.xml", paths.len())) {
        paths.push(format!("sitemap-{}.xml", paths.len()));
    }
    for p in &paths {
        r.sink.note(p, key);
    }
    paths.iter().all(|p| r.sink.reuse(p)).then_some(paths)
}

/// Search engines read at most 50,000 URLs and 50 MB from one sitemap file.
const SITEMAP_URLS: usize = 50_000;
const SITEMAP_BYTES: usize = 50_000_000 - 1_000;

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

/// One `<url>` of the sitemap.
fn sitemap_entry(
    r: &Renderer,
    x: &mut String,
    path: &str,
    lastmod: Option<&str>,
    versions: &[(String, String)],
) {
    let _ = writeln!(x, "  <url>");
    let _ = writeln!(x, "    <loc>{}</loc>", xml_escape(&r.abs(path)));
    if let Some(l) = lastmod {
        let _ = writeln!(x, "    <lastmod>{l}</lastmod>");
    }
    if versions.len() > 1 {
        for a in r.alternates(versions) {
            let _ = writeln!(
                x,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml_escape(&a.hreflang),
                xml_escape(&a.href)
            );
        }
    }
    let _ = writeln!(x, "  </url>");
}

/// The `<url>` entries of the site, in order: homes, plain pages, reports, taxonomies.
fn sitemap_entries(r: &Renderer) -> Vec<String> {
    use rayon::prelude::*;
    let homes = r.homes();
    let mut out: Vec<String> = homes
        .iter()
        .map(|(_, path)| {
            let mut x = String::new();
            sitemap_entry(r, &mut x, path, None, &homes);
            x
        })
        .collect();
    let mut pages: Vec<&crate::site::Page> = r.site.pages.iter().collect();
    pages.sort_by(|a, b| (a.kind != Kind::Page, &a.path).cmp(&(b.kind != Kind::Page, &b.path)));
    out.par_extend(pages.par_iter().map(|p| {
        let versions: Vec<(String, String)> = r
            .site
            .translations(p.id)
            .iter()
            .map(|(l, i)| (l.clone(), r.site.page(*i).path.clone()))
            .collect();
        let lastmod = p
            .meta
            .updated
            .as_ref()
            .or(p.meta.date.as_ref())
            .map(|d| d.rfc3339.as_str());
        let mut x = String::with_capacity(512);
        sitemap_entry(r, &mut x, &p.path, lastmod, &versions);
        x
    }));
    for lang in &r.cfg.languages {
        for tax in &r.cfg.taxonomies {
            let mut x = String::new();
            sitemap_entry(r, &mut x, &format!("{lang}/{tax}/"), None, &[]);
            out.push(x);
            if let Some(terms) = r.site.terms.get(lang).and_then(|t| t.get(tax)) {
                out.par_extend(terms.par_iter().map(|t| {
                    let mut x = String::new();
                    sitemap_entry(r, &mut x, &r.term_path(lang, tax, &t.slug), None, &[]);
                    x
                }));
            }
        }
    }
    out
}

/// Entries in consecutive groups of at most `urls` entries and `bytes` bytes (with the
/// `<urlset>` around them); an entry larger than `bytes` alone is a group of its own.
fn split(entries: &[String], urls: usize, bytes: usize) -> Vec<&[String]> {
    let frame = URLSET_OPEN.len() + URLSET_CLOSE.len();
    let mut chunks = Vec::new();
    let (mut start, mut size) = (0, frame);
    for (i, e) in entries.iter().enumerate() {
        if i > start && (i - start == urls || size + e.len() > bytes) {
            chunks.push(&entries[start..i]);
            start = i;
            size = frame;
        }
        size += e.len();
    }
    chunks.push(&entries[start..]);
    chunks
}

fn sitemap_files(r: &Renderer) -> Vec<OutputFile> {
    let entries = sitemap_entries(r);
    let chunks = split(&entries, SITEMAP_URLS, SITEMAP_BYTES);
    let urlset = |chunk: &[String]| {
        let len = URLSET_OPEN.len() + chunk.iter().map(String::len).sum::<usize>();
        let mut x = String::with_capacity(len + URLSET_CLOSE.len());
        x.push_str(URLSET_OPEN);
        for e in chunk {
            x.push_str(e);
        }
        x.push_str(URLSET_CLOSE);
        x.into_bytes()
    };
    if chunks.len() == 1 {
        return vec![OutputFile {
            path: "sitemap.xml".into(),
            data: Data::Bytes(urlset(chunks[0])),
        }];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut files = Vec::new();
    for (n, chunk) in chunks.iter().enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(
            index,
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>",
            xml_escape(&r.abs(&path))
        );
        files.push(OutputFile {
            path,
            data: Data::Bytes(urlset(chunk)),
        });
    }
    index.push_str("</sitemapindex>\n");
    files.insert(
        0,
        OutputFile {
            path: "sitemap.xml".into(),
            data: Data::Bytes(index.into_bytes()),
        },
    );
    files
}

#[cfg(test)]
mod tests {
    #[test]
    fn sitemaps_are_split_by_count_and_size() {
        let e: Vec<String> = (0..7).map(|i| format!("<url>{i}</url>\n")).collect();
        let lens = |c: Vec<&[String]>| c.iter().map(|c| c.len()).collect::<Vec<_>>();
        assert_eq!(lens(super::split(&e, 3, usize::MAX)), [3, 3, 1]);
        assert_eq!(lens(super::split(&e, 7, usize::MAX)), [7]);
        let frame = super::URLSET_OPEN.len() + super::URLSET_CLOSE.len();
        // Room for two entries of 13 bytes besides the frame.
        assert_eq!(lens(super::split(&e, 100, frame + 26)), [2, 2, 2, 1]);
        assert_eq!(lens(super::split(&e[..0], 3, 10)), [0]);
    }
}
