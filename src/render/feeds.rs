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

/// `sitemap.xml` with reciprocal hreflang alternates (never fallback pages).
pub(super) fn sitemap(r: &Renderer) -> OutputFile {
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
    r.file_cached("sitemap.xml".into(), key, || sitemap_xml(r))
}

fn sitemap_xml(r: &Renderer) -> Vec<u8> {
    let mut x = String::new();
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(
        x,
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">"
    );
    let entry =
        |x: &mut String, path: &str, lastmod: Option<&str>, versions: &[(String, String)]| {
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
        };
    let homes = r.homes();
    for (_, path) in &homes {
        entry(&mut x, path, None, &homes);
    }
    let mut pages: Vec<&crate::site::Page> = r.site.pages.iter().collect();
    pages.sort_by(|a, b| (a.kind != Kind::Page, &a.path).cmp(&(b.kind != Kind::Page, &b.path)));
    for p in pages {
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
        entry(&mut x, &p.path, lastmod, &versions);
    }
    for lang in &r.cfg.languages {
        for tax in &r.cfg.taxonomies {
            entry(&mut x, &format!("{lang}/{tax}/"), None, &[]);
            if let Some(terms) = r.site.terms.get(lang).and_then(|t| t.get(tax)) {
                for t in terms {
                    entry(&mut x, &r.term_path(lang, tax, &t.slug), None, &[]);
                }
            }
        }
    }
    let _ = writeln!(x, "</urlset>");
    x.into_bytes()
}
