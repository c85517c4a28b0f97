//! Linking: parse every file's front matter, let translations inherit language-neutral
//! fields, assign slugs and URLs, find collisions, and build the immutable [`Site`].

use crate::config::SiteConfig;
use crate::content::{Kind, SourceBundle};
use crate::diag::Diagnostic;
use crate::frontmatter::{self, Cover, Meta};
use crate::slug::{slugify, slugify_nonempty};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A page of the site before its Markdown is rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub id: usize,
    pub bundle: usize,
    pub kind: Kind,
    pub lang: String,
    /// The source file, relative to the site root.
    pub source: PathBuf,
    pub meta: Meta,
    pub slug: String,
    /// URL path under the base, with a trailing slash: `ru/reports/visit/`.
    pub path: String,
    /// The whole source file; the Markdown body starts at `body_start`. Empty when `build`
    /// found the file unchanged since the last build (it is read when the page is rendered).
    pub text: String,
    /// A hash of the source file (`build` only).
    pub hash: [u8; 32],
    pub body_start: usize,
    pub body_line: usize,
}

impl Page {
    /// The Markdown body (after the front matter).
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }
}

/// A bundle after linking: its pages by language and where its assets go.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub dir: String,
    pub kind: Kind,
    pub abs_dir: PathBuf,
    pub assets: Vec<String>,
    /// URL path of the asset folder: `reports/visit/`.
    pub asset_path: String,
    /// Language → page id, in the order of the site's languages.
    pub pages: Vec<(String, usize)>,
}

/// Terms of one taxonomy in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The term as written (a key such as `public-diplomacy`, or free text).
    pub key: String,
    pub slug: String,
    /// Report ids, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub pages: Vec<Page>,
    pub bundles: Vec<Bundle>,
    /// Language → report ids, newest first.
    pub reports: BTreeMap<String, Vec<usize>>,
    /// Language → taxonomy → terms sorted by slug.
    pub terms: BTreeMap<String, BTreeMap<String, Vec<Term>>>,
}

impl Site {
    pub fn page(&self, id: usize) -> &Page {
        &self.pages[id]
    }
    /// The other languages of the same bundle, in site order (including this page).
    pub fn translations(&self, id: usize) -> &[(String, usize)] {
        &self.bundles[self.pages[id].bundle].pages
    }
    pub fn translation(&self, id: usize, lang: &str) -> Option<usize> {
        self.translations(id)
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, i)| *i)
    }
}

struct Parsed {
    lang: String,
    source: PathBuf,
    meta: Meta,
    text: String,
    hash: [u8; 32],
    body_start: usize,
    body_line: usize,
}

/// Parses and links all bundles. Every problem is reported; pages with errors are left out.
pub fn link(cfg: &SiteConfig, sources: Vec<SourceBundle>, drafts: bool) -> (Site, Vec<Diagnostic>) {
    let (site, diags, _) = link_with(cfg, sources, drafts);
    (site, diags)
}

/// Like [`link`]; also gives what was parsed from each file that has a stamp, for the next
/// build's cache of parsed sources.
pub fn link_with(
    cfg: &SiteConfig,
    mut sources: Vec<SourceBundle>,
    drafts: bool,
) -> (Site, Vec<Diagnostic>, Vec<(String, crate::cache::Stored)>) {
    let tz = jiff::tz::TimeZone::get(&cfg.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    /// One bundle after parsing: its files with where each goes, what the cache of parsed
    /// sources keeps of them, and the errors of parsing.
    type Linked = (
        Vec<(Parsed, Placed)>,
        Vec<(String, crate::cache::Stored)>,
        Vec<Diagnostic>,
    );
    // Per bundle, in parallel: each file's front matter (or what the last build parsed of it),
    // inheritance between translations, then each file's slug and URL (or why it has none).
    let linked: Vec<Linked> = sources
        .par_iter_mut()
        .map(|src| {
            let mut parsed = Vec::with_capacity(src.files.len());
            let mut keep = Vec::new();
            let mut diags = Vec::new();
            for f in &mut src.files {
                // Parsed by the last build, and unchanged since.
                let (meta, body_start, body_line) = match f.parsed.take() {
                    Some(p) => {
                        let p = *p;
                        (p.meta, p.body_start, p.body_line)
                    }
                    None => {
                        let split = match frontmatter::split(&f.text, &f.shown) {
                            Ok(s) => s,
                            Err(d) => {
                                diags.push(d);
                                continue;
                            }
                        };
                        match frontmatter::parse(&split, &f.shown, &cfg.taxonomies, &tz) {
                            Ok(meta) => (meta, f.text.len() - split.body.len(), split.body_line),
                            Err(d) => {
                                diags.extend(d);
                                continue;
                            }
                        }
                    }
                };
                if let Some(stamp) = f.stamp {
                    keep.push((
                        f.shown.to_string_lossy().into_owned(),
                        crate::cache::Parsed::stored(stamp, f.hash, &meta, body_start, body_line),
                    ));
                }
                parsed.push(Parsed {
                    lang: f.lang.clone(),
                    source: f.shown.clone(),
                    meta,
                    text: std::mem::take(&mut f.text),
                    hash: f.hash,
                    body_start,
                    body_line,
                });
            }
            let broken = !diags.is_empty();
            inherit(&mut parsed);
            let placed = parsed
                .into_iter()
                .map(|p| {
                    let placed = place(src, &p, broken, drafts);
                    (p, placed)
                })
                .collect();
            (placed, keep, diags)
        })
        .collect();
    let mut diags = Vec::new();
    let mut parsed_files = Vec::with_capacity(linked.iter().map(|l| l.1.len()).sum());
    let mut placed = Vec::with_capacity(linked.len());
    for (p, keep, d) in linked {
        diags.extend(d);
        parsed_files.extend(keep);
        placed.push(p);
    }
    let mut pages: Vec<Page> = Vec::with_capacity(placed.iter().map(Vec::len).sum::<usize>());
    let mut bundles: Vec<Bundle> = Vec::with_capacity(sources.len());
    for (src, placed) in sources.iter().zip(placed) {
        let folder = src.dir.rsplit('/').next().unwrap_or(&src.dir);
        let bundle_idx = bundles.len();
        let mut bundle_pages = Vec::new();
        let mut asset_slug: Option<String> = None;
        for (p, placed) in placed {
            let (slug, path) = match placed {
                Placed::Skip => continue,
                Placed::Error(d) => {
                    diags.push(d);
                    continue;
                }
                Placed::Page(slug, path) => (slug, path),
            };
            asset_slug.get_or_insert_with(|| {
                let mut a = path
                    .split_once('/')
                    .map_or(path.clone(), |(_, rest)| rest.to_string());
                if a.is_empty() {
                    a = format!("{slug}/");
                }
                a
            });
            let id = pages.len();
            bundle_pages.push((p.lang.clone(), id));
            pages.push(Page {
                id,
                bundle: bundle_idx,
                kind: src.kind,
                lang: p.lang,
                source: p.source,
                meta: p.meta,
                slug,
                path,
                text: p.text,
                hash: p.hash,
                body_start: p.body_start,
                body_line: p.body_line,
            });
        }
        let order = |l: &str| {
            cfg.languages
                .iter()
                .position(|x| x == l)
                .unwrap_or(usize::MAX)
        };
        bundle_pages.sort_by_key(|(l, _)| order(l));
        bundles.push(Bundle {
            dir: src.dir.clone(),
            kind: src.kind,
            abs_dir: src.abs_dir.clone(),
            assets: src.assets.clone(),
            asset_path: asset_slug
                .unwrap_or_else(|| format!("{}/", slugify(folder, &cfg.default_language))),
            pages: bundle_pages,
        });
    }

    check_assets(&pages, &bundles, &mut diags);
    check_collisions(cfg, &pages, &bundles, &mut diags);

    let mut reports: BTreeMap<String, Vec<usize>> = cfg
        .languages
        .iter()
        .map(|l| (l.clone(), Vec::new()))
        .collect();
    for p in &pages {
        if p.kind == Kind::Report
            && let Some(list) = reports.get_mut(&p.lang)
        {
            list.push(p.id);
        }
    }
    for list in reports.values_mut() {
        // Newest first; the same date keeps a stable order by URL.
        list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            pb.meta
                .date
                .as_ref()
                .map(|d| d.ts)
                .cmp(&pa.meta.date.as_ref().map(|d| d.ts))
                .then_with(|| pa.path.cmp(&pb.path))
        });
    }
    let terms = collect_terms(cfg, &pages, &reports);
    (
        Site {
            pages,
            bundles,
            reports,
            terms,
        },
        diags,
        parsed_files,
    )
}

/// Where a parsed file of a bundle goes after inheritance: a page with its slug and URL path,
/// an error, or left out (a draft, or a report whose date may be in a broken translation).
enum Placed {
    Skip,
    Error(Diagnostic),
    Page(String, String),
}

fn place(src: &SourceBundle, p: &Parsed, broken: bool, drafts: bool) -> Placed {
    if p.meta.draft && !drafts {
        return Placed::Skip;
    }
    if src.kind == Kind::Report && p.meta.date.is_none() {
        // When a translation could not be read, its date may be the missing one.
        if broken {
            return Placed::Skip;
        }
        return Placed::Error(
            Diagnostic::error(&p.source, 1, 1, "missing `date`")
                .with_hint("a report needs `date: YYYY-MM-DD` in one of its language files"),
        );
    }
    let folder = src.dir.rsplit('/').next().unwrap_or(&src.dir);
    let slug = match &p.meta.slug {
        Some(s) if s.contains('/') || s.contains('\\') || s.contains("..") => {
            return Placed::Error(
                Diagnostic::error(
                    &p.source,
                    p.meta.line_of("slug"),
                    1,
                    format!("`slug: {s}` must be one word of the URL"),
                )
                .with_hint("use letters, digits and hyphens, without `/` or `..`"),
            );
        }
        Some(s) => slugify_nonempty(s, &p.lang),
        None => slugify_nonempty(folder, &p.lang),
    };
    let path = match src.kind {
        Kind::Report => format!("{}/reports/{slug}/", p.lang),
        Kind::Page => {
            let mut path = format!("{}/", p.lang);
            let parents: Vec<&str> = src.dir.split('/').collect();
            for part in &parents[..parents.len().saturating_sub(1)] {
                path.push_str(&slugify_nonempty(part, &p.lang));
                path.push('/');
            }
            path.push_str(&slug);
            path.push('/');
            path
        }
    };
    Placed::Page(slug, path)
}

/// Language-neutral fields left out of a translation come from the bundle's other files
/// (in the order of the site's languages): date, updated, slug, cover image, source URL.
fn inherit(parsed: &mut [Parsed]) {
    let mut metas: Vec<Meta> = parsed
        .iter_mut()
        .map(|p| std::mem::take(&mut p.meta))
        .collect();
    inherit_metas(&mut metas);
    for (p, m) in parsed.iter_mut().zip(metas) {
        p.meta = m;
    }
}

/// Inheritance among the front matter of one bundle's files, in the site's language order.
pub fn inherit_metas(metas: &mut [Meta]) {
    let donors: Vec<Meta> = metas.to_vec();
    for m in metas.iter_mut() {
        let first = |f: &dyn Fn(&Meta) -> bool| donors.iter().find(|d| f(d));
        if m.date.is_none() {
            m.date = first(&|d| d.date.is_some()).and_then(|d| d.date.clone());
        }
        if m.updated.is_none() {
            m.updated = first(&|d| d.updated.is_some()).and_then(|d| d.updated.clone());
        }
        if m.slug.is_none() {
            m.slug = first(&|d| d.slug.is_some()).and_then(|d| d.slug.clone());
        }
        let donor_cover = first(&|d| d.cover.as_ref().is_some_and(|c| c.src.is_some()))
            .and_then(|d| d.cover.clone());
        match (&mut m.cover, donor_cover) {
            (None, Some(c)) => m.cover = Some(c),
            (Some(own), Some(c)) => {
                if own.src.is_none() {
                    own.src = c.src;
                }
                if own.alt.is_none() {
                    own.alt = c.alt;
                }
            }
            _ => {}
        }
        let donor_source = first(&|d| d.source.as_ref().is_some_and(|s| s.url.is_some()))
            .and_then(|d| d.source.clone());
        match (&mut m.source, donor_source) {
            (None, Some(s)) => m.source = Some(s),
            (Some(own), Some(s)) if own.url.is_none() => own.url = s.url,
            _ => {}
        }
    }
}

/// A bundle-relative path without `..`, or `None` if it would leave the bundle.
pub fn clean_relative(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') || path.contains(':') || path.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn check_assets(pages: &[Page], bundles: &[Bundle], diags: &mut Vec<Diagnostic>) {
    for p in pages {
        let Some(Cover { src: Some(src), .. }) = &p.meta.cover else {
            continue;
        };
        let b = &bundles[p.bundle];
        let line = p.meta.line_of("cover");
        match clean_relative(src) {
            None => diags.push(
                Diagnostic::error(
                    &p.source,
                    line,
                    1,
                    format!("`cover.src: {src}` must name a file in the report's folder"),
                )
                .with_hint("put the image beside index.<lang>.md and write only its name"),
            ),
            Some(clean) if !b.assets.contains(&clean) => diags.push(
                Diagnostic::error(
                    &p.source,
                    line,
                    1,
                    format!("cover image `{src}` not found in content/{}/", b.dir),
                )
                .with_hint(
                    match crate::diag::did_you_mean(&clean, b.assets.iter().map(String::as_str)) {
                        Some(h) => h,
                        None => "check the file name, including upper and lower case".into(),
                    },
                ),
            ),
            Some(_) => {}
        }
    }
}

/// Two pages (or assets) that would be written to the same file, also by case alone.
fn check_collisions<'a>(
    cfg: &SiteConfig,
    pages: &'a [Page],
    bundles: &'a [Bundle],
    diags: &mut Vec<Diagnostic>,
) {
    // Output path (lowercased: file systems that ignore case) → who claims it.
    let mut seen: HashMap<String, (&std::path::Path, Cow<str>)> =
        HashMap::with_capacity(pages.len());
    let mut claim = |out: String,
                     source: &'a std::path::Path,
                     line: usize,
                     what: Cow<'a, str>,
                     diags: &mut Vec<Diagnostic>| {
        let key = out.to_lowercase();
        if let Some((other, other_what)) = seen.get(&key) {
            if *other != source || *other_what != what {
                diags.push(
                    Diagnostic::error(
                        source,
                        line,
                        1,
                        format!(
                            "{what} would be written to `{out}`, like {other_what} of {}",
                            other.display()
                        ),
                    )
                    .with_hint("give one of them another `slug:` or folder name"),
                );
            }
        } else {
            seen.insert(key, (source, what));
        }
    };
    for p in pages {
        claim(
            format!("{}index.html", p.path),
            &p.source,
            1,
            Cow::Borrowed("this page"),
            diags,
        );
        for a in &p.meta.aliases {
            match alias_path(a) {
                Some(ap) => claim(
                    format!("{ap}index.html"),
                    &p.source,
                    p.meta.line_of("aliases"),
                    Cow::Owned(format!("alias `{a}`")),
                    diags,
                ),
                None => diags.push(
                    Diagnostic::error(
                        &p.source,
                        p.meta.line_of("aliases"),
                        1,
                        format!("alias `{a}` is not a path inside the site"),
                    )
                    .with_hint("write it like `/old/url/`"),
                ),
            }
        }
    }
    for b in bundles {
        let Some((_, first)) = b.pages.first() else {
            continue;
        };
        for a in &b.assets {
            claim(
                format!("{}{a}", b.asset_path),
                &pages[*first].source,
                1,
                Cow::Owned(format!("asset `{a}`")),
                diags,
            );
        }
    }
    let _ = cfg;
}

/// `/old/url/` → `old/url/`; `None` for anything that leaves the output folder.
pub fn alias_path(alias: &str) -> Option<String> {
    let a = alias.trim();
    if a.contains("://")
        || a.starts_with("//")
        || a.contains('\\')
        || a.contains('\0')
        || a.chars().any(char::is_control)
    {
        return None;
    }
    let a = a.split(['?', '#']).next().unwrap_or("");
    let a = a.strip_suffix("index.html").unwrap_or(a);
    let mut parts = Vec::new();
    for seg in a.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.iter().map(|p| format!("{p}/")).collect())
}

fn collect_terms(
    cfg: &SiteConfig,
    pages: &[Page],
    reports: &BTreeMap<String, Vec<usize>>,
) -> BTreeMap<String, BTreeMap<String, Vec<Term>>> {
    reports
        .par_iter()
        .map(|(lang, ids)| {
            // The same terms come back on many reports: each is slugified once.
            let mut slugs: HashMap<&str, String> = HashMap::new();
            let mut per_tax: BTreeMap<String, Vec<Term>> = BTreeMap::new();
            for tax in &cfg.taxonomies {
                let mut by_slug: BTreeMap<String, Term> = BTreeMap::new();
                for id in ids {
                    let Some(terms) = pages[*id].meta.taxonomies.get(tax) else {
                        continue;
                    };
                    for t in terms {
                        let slug = slugs
                            .entry(t.as_str())
                            .or_insert_with(|| slugify_nonempty(t, lang));
                        let term = match by_slug.get_mut(slug.as_str()) {
                            Some(term) => term,
                            None => by_slug.entry(slug.clone()).or_insert_with(|| Term {
                                key: t.clone(),
                                slug: slug.clone(),
                                pages: Vec::new(),
                            }),
                        };
                        if term.pages.last() != Some(id) {
                            term.pages.push(*id);
                        }
                    }
                }
                per_tax.insert(tax.clone(), by_slug.into_values().collect());
            }
            (lang.clone(), per_tax)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_stay_inside() {
        assert_eq!(alias_path("/old/url/").as_deref(), Some("old/url/"));
        assert_eq!(alias_path("/old/index.html").as_deref(), Some("old/"));
        assert_eq!(alias_path("/../etc/"), None);
        assert_eq!(alias_path("https://evil.example/"), None);
        assert_eq!(alias_path("/"), None);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(clean_relative("./a/b.jpg").as_deref(), Some("a/b.jpg"));
        assert_eq!(clean_relative("../x.jpg"), None);
        assert_eq!(clean_relative("/etc/passwd"), None);
    }
}
