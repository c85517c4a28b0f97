//! Rendering: Markdown bodies, typed contexts, templates, feeds and the sitemap, in parallel.
//! Returns the files of the site in memory; nothing here writes to disk.

pub mod context;
pub mod feeds;
pub mod links;
pub mod live;
pub mod templates;

use crate::config::SiteConfig;
use crate::content::Kind;
use crate::diag::Diagnostic;
use crate::format::Formats;
use crate::i18n::{Arg, I18n};
use crate::markdown::{self, MdInput, Rendered};
use crate::site::{Site, alias_path};
use context::*;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Messages the renderer itself asks for (besides those the templates use), and prefixes of
/// messages it looks up by key (`tag-<key>`, `taxonomy-<name>`); for `check`.
pub const RENDER_MESSAGES: &[&str] = &[
    "archive-title",
    "search-title",
    "latest-reports",
    "nav-home",
    "not-found-title",
    "page-number",
    "site-description",
    "site-title",
    "language-name",
    "og-locale",
    "serve-errors",
];
pub const RENDER_MESSAGE_PREFIXES: &[&str] = &["tag-", "tags-", "taxonomy-"];

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub data: Data,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    Bytes(Vec<u8>),
    /// Copied from this file as it is.
    Copy(PathBuf),
    /// Already in the sink, taken unchanged from the previous build.
    Reused,
}

/// Everything `render` needs, borrowed.
pub struct Inputs<'a> {
    pub cfg: &'a SiteConfig,
    pub site: &'a Site,
    pub i18n: Arc<I18n>,
    pub formats: Arc<Formats>,
    pub serving: bool,
    /// Print `rendering n/total` to stderr as pages are done.
    pub progress: bool,
    /// The previous build's manifest and the site-wide key, for incremental builds.
    pub cache: Option<(&'a crate::cache::Manifest, blake3::Hash)>,
    /// Keep the renderer's state for later partial renders (`serve`).
    pub keep: bool,
    /// Make the smaller copies of images (not for `check`).
    pub image_variants: bool,
    /// The pages' sources, taken out of the site (`build`): each is freed as soon as its page
    /// is rendered, so that a large site's text is never held whole. `None`: the site keeps
    /// them (`check`, `serve`).
    pub texts: Option<&'a [std::sync::Mutex<String>]>,
}

/// What the renderer keeps of a full render, so that `serve` can re-render parts of the site.
pub struct Kept {
    pub(crate) templates: templates::Templates,
    pub(crate) asset_map: Arc<BTreeMap<String, String>>,
    pub(crate) site_ctx: SiteCtx,
    pub(crate) bodies: Vec<Rendered>,
    pub(crate) summaries: Vec<Option<SummaryCtx>>,
    pub(crate) nav: BTreeMap<String, Vec<NavItem>>,
    pub(crate) names: BTreeMap<String, String>,
    pub(crate) fallback_paths: Vec<(String, usize)>,
    pub(crate) index: links::LinkIndex,
}

struct Renderer<'a> {
    cfg: &'a SiteConfig,
    site: &'a Site,
    i18n: &'a I18n,
    formats: &'a Formats,
    templates: &'a templates::Templates,
    bodies: Vec<Rendered>,
    summaries: Vec<Option<SummaryCtx>>,
    nav: BTreeMap<String, Vec<NavItem>>,
    names: BTreeMap<String, String>,
    fallback_paths: Vec<(String, usize)>,
    /// Paths of the pages already handed to the sink.
    written: Vec<String>,
    index: links::LinkIndex,
    /// For incremental builds: the previous manifest and the site-wide key.
    reuse: Option<(&'a crate::cache::Manifest, blake3::Hash)>,
    /// For incremental builds: the key of the site's structure, and each page's key.
    structure: Option<blake3::Hash>,
    page_keys: Vec<Option<String>>,
    sink: &'a dyn Sink,
    /// See [`Inputs::texts`].
    texts: Option<&'a [std::sync::Mutex<String>]>,
}

#[derive(Debug, Clone)]
enum Job {
    Page(usize),
    Fallback {
        lang: String,
        original: usize,
        path: String,
    },
    Home {
        lang: String,
        number: usize,
    },
    Terms {
        lang: String,
        taxonomy: String,
    },
    Archive {
        lang: String,
        year: Option<i32>,
    },
    Search {
        lang: String,
    },
    Term {
        lang: String,
        taxonomy: String,
        term: usize,
        number: usize,
    },
    NotFound {
        lang: String,
        root: bool,
    },
    Chooser,
    Alias {
        page: usize,
        path: String,
    },
}

/// Where rendered files go: kept in memory (`check`, `serve`, tests) or written at once
/// (`build`, so that a large site is never held in memory whole).
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic>;
    /// Tells the key the file at `path` is made from (before it is reused or put).
    fn note(&self, _path: &str, _key: &str) {}
    /// Takes `path` unchanged from the previous output, if the sink can. `false` when not.
    fn reuse(&self, _path: &str) -> bool {
        false
    }
}

/// What pass 1 gives for one page: its body's summary, the files written, its cache key.
type PassOne = (Rendered, Vec<Result<String, Diagnostic>>, Option<String>);

/// The key of one page: the site-wide key and structure, and the page's own source.
fn page_key(structure: &blake3::Hash, p: &crate::site::Page) -> String {
    let mut h = blake3::Hasher::new();
    h.update(structure.as_bytes());
    h.update(p.path.as_bytes());
    h.update(p.lang.as_bytes());
    h.update(&p.hash);
    h.finalize().to_hex().to_string()
}

/// Keeps the files in memory.
#[derive(Default)]
pub struct MemSink(std::sync::Mutex<Vec<OutputFile>>);

impl Sink for MemSink {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        match self.0.lock() {
            Ok(mut v) => v.push(file),
            Err(poisoned) => poisoned.into_inner().push(file),
        }
        Ok(())
    }
}

impl MemSink {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut v = self.0.into_inner().unwrap_or_else(|p| p.into_inner());
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v
    }
}

/// Templates, feeds, the sitemap and assets, from the linked site and its rendered bodies.
/// Files go to `sink` as they are made; the paths written are returned.
pub fn render(
    inp: &Inputs,
    sink: &dyn Sink,
    timings: &mut Vec<(&'static str, std::time::Duration)>,
) -> Rendering {
    let (files, mut diags, mut paths, manifest, kept) = render_all(inp, sink, timings);
    for f in files {
        let path = f.path.clone();
        match sink.put(f) {
            Ok(()) => paths.push(path),
            Err(d) => diags.push(d),
        }
    }
    Rendering {
        paths,
        diags,
        manifest,
        kept,
    }
}

/// What [`render`] gives back.
pub struct Rendering {
    pub paths: Vec<String>,
    pub diags: Vec<Diagnostic>,
    pub manifest: crate::cache::Manifest,
    pub kept: Option<Kept>,
}

fn render_all(
    inp: &Inputs,
    sink: &dyn Sink,
    timings: &mut Vec<(&'static str, std::time::Duration)>,
) -> (
    Vec<OutputFile>,
    Vec<Diagnostic>,
    Vec<String>,
    crate::cache::Manifest,
    Option<Kept>,
) {
    let cfg = inp.cfg;
    let mut diags = Vec::new();
    let mut files = Vec::new();

    let (asset_map, asset_files) = feeds::theme_assets(cfg, &mut diags);
    files.extend(asset_files);
    files.extend(feeds::site_static(cfg, &mut diags));
    let names: BTreeMap<String, String> = cfg
        .languages
        .iter()
        .map(|l| {
            (
                l.clone(),
                inp.i18n
                    .format(l, "language-name", &[])
                    .unwrap_or_else(|| l.clone()),
            )
        })
        .collect();
    let site_ctx = SiteCtx {
        base_url: cfg.base_url.clone(),
        base_path: cfg.base_path.clone(),
        default_language: cfg.default_language.clone(),
        languages: cfg
            .languages
            .iter()
            .map(|l| LanguageCtx {
                code: l.clone(),
                name: names[l].clone(),
                home: format!("{}{l}/", cfg.base_path),
            })
            .collect(),
        extra: cfg.extra.clone(),
        serving: inp.serving,
    };
    let asset_map = Arc::new(asset_map);
    let templates = match templates::Templates::load(
        &cfg.root,
        &cfg.theme_dir().join("templates"),
        inp.i18n.clone(),
        asset_map.clone(),
        &site_ctx,
    ) {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            return (
                files,
                diags,
                Vec::new(),
                crate::cache::Manifest::default(),
                None,
            );
        }
    };

    let mut r = Renderer {
        cfg,
        site: inp.site,
        i18n: &inp.i18n,
        formats: &inp.formats,
        templates: &templates,
        bodies: Vec::new(),
        summaries: Vec::new(),
        nav: BTreeMap::new(),
        names,
        fallback_paths: Vec::new(),
        written: Vec::new(),
        index: links::LinkIndex::new(inp.site, &cfg.base_path),
        reuse: inp.cache,
        structure: None,
        page_keys: Vec::new(),
        sink,
        texts: inp.texts,
    };
    r.nav = cfg
        .languages
        .iter()
        .map(|l| (l.clone(), r.nav_for(l)))
        .collect();
    r.fallback_paths = r.fallback_pages();

    // Pass 1, in parallel: each page's Markdown, then the page itself (and its fallback
    // copies) straight to the sink. Only the summary of a body is kept, not its HTML.
    let started = std::time::Instant::now();
    let md_nanos = std::sync::atomic::AtomicU64::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = inp.site.pages.len();
    let progress = |_: ()| {
        if inp.progress {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(250) || n == total {
                eprint!("\rrendering {n}/{total} pages");
                if n == total {
                    eprint!("\r\x1b[K");
                }
            }
        }
    };
    let mut fallbacks_of: std::collections::HashMap<usize, Vec<&String>> =
        std::collections::HashMap::new();
    for (path, original) in &r.fallback_paths {
        fallbacks_of.entry(*original).or_default().push(path);
    }
    let structure = inp.cache.map(|(_, global)| r.structure_key(&global));
    r.structure = structure;
    let pass: Vec<PassOne> = inp
        .site
        .pages
        .par_iter()
        .map(|p| {
            progress(());
            let fallbacks = fallbacks_of.get(&p.id).map_or(&[][..], Vec::as_slice);
            // Incremental: a page whose inputs did not change is taken from the last build.
            let key = structure.as_ref().map(|s| page_key(s, p));
            if let (Some(key), Some((manifest, _))) = (&key, inp.cache) {
                let mut paths = vec![format!("{}index.html", p.path)];
                paths.extend(fallbacks.iter().map(|f| format!("{f}index.html")));
                for path in &paths {
                    sink.note(path, key);
                }
                if let Some(e) = manifest.pages.get(&p.path)
                    && e.key == *key
                    && paths.iter().all(|path| sink.reuse(path))
                {
                    let b = std::mem::take(&mut *e.body.lock().unwrap_or_else(|e| e.into_inner()));
                    let body = Rendered {
                        summary_html: b.summary_html,
                        summary_text: b.summary_text,
                        word_count: b.word_count,
                        search_terms: b.search_terms,
                        ..Rendered::default()
                    };
                    return (body, paths.into_iter().map(Ok).collect(), Some(key.clone()));
                }
            }
            let text = match r.source(p.id) {
                Ok(t) => t,
                Err(d) => return (Rendered::default(), vec![Err(d)], None),
            };
            let t0 = std::time::Instant::now();
            let body = r.markdown_of(p.id, &text);
            drop(text);
            md_nanos.fetch_add(
                t0.elapsed().as_nanos() as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            let mut out = Vec::new();
            let mut emit = |job: Job| {
                out.push(r.run(&job, Some(&body)).and_then(|f| {
                    let path = f.path.clone();
                    sink.put(f).map(|()| path)
                }))
            };
            emit(Job::Page(p.id));
            for path in fallbacks {
                let lang = path.split('/').next().unwrap_or_default().to_string();
                emit(Job::Fallback {
                    lang,
                    original: p.id,
                    path: (*path).clone(),
                });
            }
            (r.digest(p.id, body), out, key)
        })
        .collect();
    let mut written = Vec::new();
    let mut digests = Vec::with_capacity(pass.len());
    let mut manifest = crate::cache::Manifest {
        version: crate::cache::FORMAT.into(),
        ..Default::default()
    };
    let mut page_keys = Vec::with_capacity(pass.len());
    for (body, results, key) in pass {
        // The manifest's entries are made at the end, from the bodies.
        page_keys.push(key.filter(|_| body.diagnostics.is_empty()));
        diags.extend(body.diagnostics.iter().cloned());
        for res in results {
            match res {
                Ok(p) => written.push(p),
                Err(d) => diags.push(d),
            }
        }
        digests.push(body);
    }
    let md = std::time::Duration::from_nanos(md_nanos.load(std::sync::atomic::Ordering::Relaxed));
    timings.push(("markdown (cpu)", md));
    timings.push(("pages", started.elapsed()));
    crate::build::trace_mem("pages");
    let started = std::time::Instant::now();
    r.bodies = digests;
    r.page_keys = page_keys;
    r.summaries = inp
        .site
        .pages
        .iter()
        .map(|p| (p.kind == Kind::Report).then(|| r.summary(p.id)))
        .collect();

    // Pass 2: lists, terms, archives, 404s, aliases.
    // The search indexes are made alongside (they need the pages' terms, not the lists).
    let jobs = r.jobs();
    let (results, (search, sitemap)): (Vec<Result<String, Diagnostic>>, _) = rayon::join(
        || {
            jobs.par_iter()
                .map(|j| {
                    let f = r.run(j, None)?;
                    let path = f.path.clone();
                    sink.put(f).map(|()| path)
                })
                .collect()
        },
        || rayon::join(|| r.search_indexes(), || feeds::sitemap(&r)),
    );
    for res in results {
        match res {
            Ok(p) => written.push(p),
            Err(d) => diags.push(d),
        }
    }
    r.written = written;
    crate::build::trace_mem("lists+search");
    files.extend(feeds::feeds(&r));
    crate::build::trace_mem("feeds");
    files.extend(search);
    files.extend(sitemap);
    crate::build::trace_mem("sitemap");
    timings.push(("lists+feeds", started.elapsed()));
    files.push(OutputFile {
        path: "robots.txt".into(),
        data: Data::Bytes(
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
                cfg.base_url
            )
            .into_bytes(),
        ),
    });
    let mut rasters = Vec::new();
    for b in &inp.site.bundles {
        if b.pages.is_empty() {
            continue;
        }
        for a in &b.assets {
            let path = format!("{}{a}", b.asset_path);
            if inp.image_variants && crate::images::is_raster(a) {
                rasters.push((b.abs_dir.join(a), path.clone(), b.dir.clone(), a.clone()));
            }
            files.push(OutputFile {
                path,
                data: Data::Copy(b.abs_dir.join(a)),
            });
        }
    }
    // Smaller copies of images, in parallel, from the cache when their bytes are unchanged.
    let started = std::time::Instant::now();
    let cache_dir = cfg.root.join(".dastan-cache").join("images");
    let made: Vec<_> = rasters
        .par_iter()
        .map(|(abs, path, dir, name)| {
            crate::images::variants(abs, path, Some(&cache_dir)).map_err(|e| {
                Diagnostic::warning(
                    PathBuf::from("content").join(dir).join(name),
                    1,
                    1,
                    format!("no smaller copies of this image were made: {e}"),
                )
                .with_hint("save it again as a JPEG or PNG")
            })
        })
        .collect();
    for m in made {
        match m {
            Ok(f) => files.extend(f),
            Err(d) => diags.push(d),
        }
    }
    timings.push(("images", started.elapsed()));
    let written = std::mem::take(&mut r.written);
    if r.reuse.is_some() {
        // What the next build needs of each page's body, moved out of the renderer (it is
        // done with the bodies).
        for (p, (key, body)) in inp
            .site
            .pages
            .iter()
            .zip(r.page_keys.iter_mut().zip(r.bodies.iter_mut()))
        {
            if let Some(key) = key.take() {
                let body = crate::cache::Body {
                    summary_html: std::mem::take(&mut body.summary_html),
                    summary_text: std::mem::take(&mut body.summary_text),
                    word_count: body.word_count,
                    search_terms: std::mem::take(&mut body.search_terms),
                };
                manifest.pages.insert(
                    p.path.clone(),
                    crate::cache::Entry {
                        key,
                        body: std::sync::Mutex::new(body),
                    },
                );
            }
        }
    }
    let kept = if inp.keep {
        let Renderer {
            bodies,
            summaries,
            nav,
            names,
            fallback_paths,
            index,
            ..
        } = r;
        Some(Kept {
            templates,
            asset_map,
            site_ctx,
            bodies,
            summaries,
            nav,
            names,
            fallback_paths,
            index,
        })
    } else {
        None
    };
    (files, diags, written, manifest, kept)
}

/// First 160 characters of a text, cut at a word.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

/// JSON for a `<script>` element: nothing in it can close the element.
pub fn script_json(v: &serde_json::Value) -> String {
    serde_json::to_string(v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

impl<'a> Renderer<'a> {
    fn msg(&self, lang: &str, id: &str, args: &[(&str, Arg)]) -> String {
        self.i18n
            .format(lang, id, args)
            .unwrap_or_else(|| id.to_string())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.base_path)
    }

    fn abs(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.base_url)
    }

    fn site_title(&self, lang: &str) -> String {
        self.msg(lang, "site-title", &[])
    }

    fn date(&self, lang: &str, d: &crate::frontmatter::PageDate) -> String {
        self.formats.long_date(lang, d.year, d.month, d.day)
    }

    fn og_locale(&self, lang: &str) -> String {
        self.i18n
            .format(lang, "og-locale", &[])
            .unwrap_or_else(|| lang.replace('-', "_"))
    }

    fn term_name(&self, lang: &str, taxonomy: &str, key: &str) -> String {
        let slug = crate::slug::slugify_nonempty(key, lang);
        let ids = if taxonomy == "tags" {
            vec![format!("tag-{slug}"), format!("tags-{slug}")]
        } else {
            vec![format!("{taxonomy}-{slug}")]
        };
        ids.iter()
            .find_map(|id| self.i18n.format(lang, id, &[]))
            .unwrap_or_else(|| key.to_string())
    }

    fn term_path(&self, lang: &str, taxonomy: &str, slug: &str) -> String {
        format!("{lang}/{taxonomy}/{slug}/")
    }

    fn cover(&self, page: usize) -> Option<CoverCtx> {
        let p = self.site.page(page);
        let c = p.meta.cover.as_ref()?;
        let src = c.src.as_ref()?;
        let b = &self.site.bundles[p.bundle];
        let clean = crate::site::clean_relative(src)?;
        let src = self.url(&format!("{}{clean}", b.asset_path));
        let abs = b.abs_dir.join(&clean);
        let responsive = crate::images::describe(&abs, &src);
        let size = match &responsive {
            Some(r) => Some((r.width as usize, r.height as usize)),
            None => imagesize::size(&abs).ok().map(|d| (d.width, d.height)),
        };
        Some(CoverCtx {
            width: size.map(|d| d.0),
            height: size.map(|d| d.1),
            srcset: responsive.as_ref().map(|r| r.srcset.clone()),
            webp_srcset: responsive.map(|r| r.webp_srcset),
            src,
            alt: c
                .alt
                .clone()
                .map(|a| markdown::typeset(&a, &p.lang))
                .unwrap_or_default(),
            credit: c.credit.clone().map(|a| markdown::typeset(&a, &p.lang)),
        })
    }

    fn summary(&self, id: usize) -> SummaryCtx {
        let p = self.site.page(id);
        let body = &self.bodies[id];
        let summary = match &p.meta.summary {
            Some(s) => format!(
                "<p>{}</p>",
                feeds::xml_escape(&markdown::typeset(s, &p.lang))
            ),
            None => body.summary_html.clone(),
        };
        let d = p.meta.date.clone().unwrap_or_default_date();
        SummaryCtx {
            title: markdown::typeset(p.meta.title.as_deref().unwrap_or(""), &p.lang),
            url: self.url(&p.path),
            date: self.date(&p.lang, &d),
            date_iso: d.rfc3339.clone(),
            location: p.meta.location.clone(),
            summary,
            cover: self.cover(id),
            machine_translated: p.meta.machine_translated,
            digest: String::new(),
            card: Default::default(),
        }
        .sealed()
    }

    fn description(&self, id: usize, body: &Rendered) -> String {
        let p = self.site.page(id);
        let text = match &p.meta.summary {
            Some(s) => markdown::typeset(s, &p.lang),
            None => body.summary_text.clone(),
        };
        shorten(&text, 160)
    }

    fn nav_for(&self, lang: &str) -> Vec<NavItem> {
        let mut v = vec![NavItem {
            title: self.msg(lang, "nav-home", &[]),
            href: self.url(&format!("{lang}/")),
            current: false,
        }];
        let mut pages: Vec<&crate::site::Page> = self
            .site
            .pages
            .iter()
            .filter(|p| p.kind == Kind::Page && p.lang == lang)
            .collect();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        for p in pages {
            v.push(NavItem {
                title: p.meta.title.clone().unwrap_or_default(),
                href: self.url(&p.path),
                current: false,
            });
        }
        v.push(NavItem {
            title: self.msg(lang, "archive-title", &[]),
            href: self.url(&format!("{lang}/archive/")),
            current: false,
        });
        for tax in &self.cfg.taxonomies {
            v.push(NavItem {
                title: self.msg(lang, &format!("taxonomy-{tax}"), &[]),
                href: self.url(&format!("{lang}/{tax}/")),
                current: false,
            });
        }
        // A plain link: search works from its own page, and says so without JavaScript.
        v.push(NavItem {
            title: self.msg(lang, "search-title", &[]),
            href: self.url(&format!("{lang}/search/")),
            current: false,
        });
        v
    }

    /// Reports missing in a language, shown there in a fallback language (opt-in).
    fn fallback_pages(&self) -> Vec<(String, usize)> {
        if !self.cfg.fallback_pages {
            return Vec::new();
        }
        let taken: std::collections::HashSet<&str> =
            self.site.pages.iter().map(|p| p.path.as_str()).collect();
        let mut out = Vec::new();
        for b in &self.site.bundles {
            if b.kind != Kind::Report || b.pages.is_empty() {
                continue;
            }
            for lang in &self.cfg.languages {
                if b.pages.iter().any(|(l, _)| l == lang) {
                    continue;
                }
                let Some(original) = self
                    .cfg
                    .chain(lang)
                    .iter()
                    .skip(1)
                    .find_map(|l| b.pages.iter().find(|(pl, _)| pl == l).map(|(_, id)| *id))
                else {
                    continue;
                };
                let path = format!("{lang}/reports/{}/", self.site.page(original).slug);
                if !taken.contains(path.as_str()) {
                    out.push((path, original));
                }
            }
        }
        out
    }

    fn fallback_of(&self, lang: &str, original: usize) -> Option<&str> {
        self.fallback_paths
            .iter()
            .find(|(p, id)| *id == original && p.starts_with(&format!("{lang}/")))
            .map(|(p, _)| p.as_str())
    }

    fn jobs(&self) -> Vec<Job> {
        // Pages and their fallback copies are rendered with their bodies, in pass 1.
        let mut jobs: Vec<Job> = Vec::new();
        for lang in &self.cfg.languages {
            let n = self.site.reports.get(lang).map_or(0, Vec::len);
            let pages = n.div_ceil(self.cfg.paginate).max(1);
            for number in 1..=pages {
                jobs.push(Job::Home {
                    lang: lang.clone(),
                    number,
                });
            }
            for tax in &self.cfg.taxonomies {
                jobs.push(Job::Terms {
                    lang: lang.clone(),
                    taxonomy: tax.clone(),
                });
                let terms = self
                    .site
                    .terms
                    .get(lang)
                    .and_then(|t| t.get(tax))
                    .map_or(&[][..], Vec::as_slice);
                for (ti, term) in terms.iter().enumerate() {
                    for number in 1..=term.pages.len().div_ceil(self.cfg.paginate).max(1) {
                        jobs.push(Job::Term {
                            lang: lang.clone(),
                            taxonomy: tax.clone(),
                            term: ti,
                            number,
                        });
                    }
                }
            }
            jobs.push(Job::NotFound {
                lang: lang.clone(),
                root: false,
            });
            jobs.push(Job::Archive {
                lang: lang.clone(),
                year: None,
            });
            jobs.push(Job::Search { lang: lang.clone() });
            for (year, _) in self.years(lang) {
                jobs.push(Job::Archive {
                    lang: lang.clone(),
                    year: Some(year),
                });
            }
        }
        jobs.push(Job::NotFound {
            lang: self.cfg.default_language.clone(),
            root: true,
        });
        jobs.push(Job::Chooser);
        for p in &self.site.pages {
            for a in &p.meta.aliases {
                if let Some(path) = alias_path(a) {
                    jobs.push(Job::Alias { page: p.id, path });
                }
            }
        }
        jobs
    }

    fn head(
        &self,
        lang: &str,
        title: String,
        description: String,
        path: &str,
        alternates: Vec<Alternate>,
        kind: &'static str,
    ) -> Head {
        let locale_alternates = alternates
            .iter()
            .filter(|a| a.hreflang != lang && a.hreflang != "x-default")
            .map(|a| self.og_locale(&a.hreflang))
            .collect();
        Head {
            title,
            description,
            canonical: self.abs(path),
            alternates,
            og: OpenGraph {
                kind,
                locale: self.og_locale(lang),
                locale_alternates,
                image: None,
                image_alt: None,
            },
            feed: self.url(&format!("{lang}/atom.xml")),
            noindex: false,
            json_ld: None,
        }
    }

    /// Alternates among pages that exist: `(lang, path)` pairs, plus x-default.
    fn alternates(&self, versions: &[(String, String)]) -> Vec<Alternate> {
        let mut v: Vec<Alternate> = versions
            .iter()
            .map(|(l, p)| Alternate {
                hreflang: l.clone(),
                href: self.abs(p),
            })
            .collect();
        let default = versions
            .iter()
            .find(|(l, _)| *l == self.cfg.default_language)
            .or_else(|| versions.first());
        if let Some((_, p)) = default {
            v.push(Alternate {
                hreflang: "x-default".into(),
                href: self.abs(p),
            });
        }
        v
    }

    fn switcher(
        &self,
        lang: &str,
        versions: &[(String, String)],
        fallbacks: &[(String, String)],
    ) -> Vec<SwitchItem> {
        self.cfg
            .languages
            .iter()
            .map(|l| {
                let href = versions
                    .iter()
                    .find(|(vl, _)| vl == l)
                    .map(|(_, p)| self.url(p));
                let fallback = fallbacks
                    .iter()
                    .find(|(vl, _)| vl == l)
                    .map(|(_, p)| self.url(p));
                SwitchItem {
                    lang: l.clone(),
                    name: self.names.get(l).cloned().unwrap_or_else(|| l.clone()),
                    href: href.clone().or(fallback.clone()),
                    current: l == lang,
                    fallback: href.is_none() && fallback.is_some(),
                }
            })
            .collect()
    }

    fn homes(&self) -> Vec<(String, String)> {
        self.cfg
            .languages
            .iter()
            .map(|l| (l.clone(), format!("{l}/")))
            .collect()
    }

    /// What every page may depend on besides its own text: the site-wide key, every page's
    /// source, URL and language (links, switchers), titles of plain pages (navigation),
    /// bundles' assets (links to them), fallback pages.
    fn structure_key(&self, global: &blake3::Hash) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(global.as_bytes());
        for p in &self.site.pages {
            h.update(p.source.to_string_lossy().as_bytes());
            h.update(p.path.as_bytes());
            h.update(p.lang.as_bytes());
            if p.kind == Kind::Page {
                h.update(p.meta.title.as_deref().unwrap_or("").as_bytes());
            }
            // Translations inherit fields from each other: a change in one is a change in all.
            h.update(format!("{:?}", p.meta.date).as_bytes());
            h.update(
                format!("{:?}{:?}{:?}", p.meta.updated, p.meta.cover, p.meta.source).as_bytes(),
            );
        }
        for b in &self.site.bundles {
            h.update(b.asset_path.as_bytes());
            for a in &b.assets {
                h.update(a.as_bytes());
                // Pages show images' sizes: a replaced image changes them.
                if crate::images::is_raster(a)
                    && let Ok(m) = std::fs::metadata(b.abs_dir.join(a))
                {
                    h.update(&m.len().to_le_bytes());
                    let t = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    h.update(&t.to_le_bytes());
                }
            }
        }
        for (path, id) in &self.fallback_paths {
            h.update(path.as_bytes());
            h.update(&id.to_le_bytes());
        }
        h.finalize()
    }

    /// The Markdown of one page, with its links resolved.
    fn markdown(&self, id: usize) -> Rendered {
        // Read once already when its page was rendered.
        self.markdown_of(id, &self.source(id).unwrap_or_default())
    }

    /// The source file of a page as the site read it: from the site, or from
    /// [`Inputs::texts`] (taken, so that it is freed once used), or read from disk when it was
    /// already used (a feed with full texts) or not read yet (`build` found it unchanged).
    fn source(&self, id: usize) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        let p = self.site.page(id);
        let Some(texts) = self.texts else {
            return Ok(std::borrow::Cow::Borrowed(&p.text));
        };
        let taken = texts
            .get(id)
            .map(|t| std::mem::take(&mut *t.lock().unwrap_or_else(|e| e.into_inner())))
            .unwrap_or_default();
        if !taken.is_empty() {
            return Ok(std::borrow::Cow::Owned(taken));
        }
        let text = crate::content::read_source(&self.cfg.root.join(&p.source), &p.source)?;
        // The front matter was parsed from the file as it was when the build read it.
        if p.hash != [0; 32] && *blake3::hash(text.as_bytes()).as_bytes() != p.hash {
            return Err(Diagnostic::error(
                &p.source,
                1,
                1,
                "the file changed while the site was being built",
            )
            .with_hint("build again"));
        }
        Ok(std::borrow::Cow::Owned(text))
    }

    /// The Markdown of a page's source `text`, with its links resolved.
    fn markdown_of(&self, id: usize, text: &str) -> Rendered {
        let p = self.site.page(id);
        let resolver = links::PageResolver {
            index: &self.index,
            site: self.site,
            page: id,
        };
        markdown::render(
            &MdInput {
                body: text.get(p.body_start..).unwrap_or(""),
                body_line: p.body_line,
                path: &p.source,
                lang: &p.lang,
                raw_html: self.cfg.raw_html,
            },
            &resolver,
        )
    }

    fn page_ctx(&self, id: usize, lang: &str, body: &Rendered) -> PageCtx {
        let p = self.site.page(id);
        let tags = p
            .meta
            .taxonomies
            .get("tags")
            .map(|terms| {
                terms
                    .iter()
                    .map(|t| {
                        let slug = crate::slug::slugify_nonempty(t, &p.lang);
                        TermLink {
                            name: self.term_name(lang, "tags", t),
                            href: self.url(&self.term_path(lang, "tags", &slug)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        PageCtx {
            kind: p.kind,
            title: markdown::typeset(p.meta.title.as_deref().unwrap_or(""), &p.lang),
            url: self.url(&p.path),
            date: p.meta.date.as_ref().map(|d| self.date(lang, d)),
            date_iso: p.meta.date.as_ref().map(|d| d.rfc3339.clone()),
            updated: p.meta.updated.as_ref().map(|d| self.date(lang, d)),
            updated_iso: p.meta.updated.as_ref().map(|d| d.rfc3339.clone()),
            location: p
                .meta
                .location
                .as_ref()
                .map(|s| markdown::typeset(s, &p.lang)),
            event: p.meta.event.as_ref().map(|s| markdown::typeset(s, &p.lang)),
            tags,
            cover: self.cover(id),
            content: body.html.clone(),
            summary: self.description(id, body),
            source: p.meta.source.as_ref().map(|s| SourceCtx {
                name: s.name.clone(),
                url: s.url.clone(),
            }),
            machine_translated: p.meta.machine_translated,
            content_lang: p.lang.clone(),
            fallback_from: (p.lang != lang).then(|| p.lang.clone()),
            extra: p.meta.extra.clone(),
            word_count: body.word_count,
        }
    }

    fn json_ld(&self, id: usize, page: &PageCtx) -> String {
        let p = self.site.page(id);
        let org = serde_json::json!({"@type": "Organization", "name": self.site_title(&p.lang), "url": self.abs(&format!("{}/", p.lang))});
        let mut v = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": page.title,
            "inLanguage": p.lang,
            "url": self.abs(&p.path),
            "mainEntityOfPage": self.abs(&p.path),
            "description": page.summary,
            "publisher": org.clone(),
            "author": org,
        });
        if let Some(d) = &p.meta.date {
            v["datePublished"] = d.rfc3339.clone().into();
            v["dateModified"] = p.meta.updated.as_ref().unwrap_or(d).rfc3339.clone().into();
        }
        if let Some(c) = &page.cover {
            v["image"] = format!("{}{}", origin(&self.cfg.base_url), c.src).into();
        }
        if let Some(l) = &page.location {
            v["contentLocation"] = serde_json::json!({"@type": "Place", "name": l});
        }
        if let Some(e) = &page.event {
            v["about"] = serde_json::json!({"@type": "Event", "name": e});
        }
        script_json(&v)
    }

    /// The search index of each language: its reports, newest first, then its plain pages.
    fn search_indexes(&self) -> Vec<OutputFile> {
        self.cfg
            .languages
            .par_iter()
            .map(|lang| self.search_index(lang))
            .collect()
    }

    fn search_index(&self, lang: &str) -> OutputFile {
        let ids = self.search_ids(lang);
        let path = format!("{lang}/search/index.json");
        let key = self.pages_key(&path, &ids);
        self.file_cached(path, key, || {
            let docs: Vec<crate::search::Doc> =
                ids.iter().map(|id| self.search_doc(lang, *id)).collect();
            crate::search::index(lang, &docs)
        })
    }

    /// The searchable pages of a language: its reports, newest first, then its plain pages.
    fn search_ids(&self, lang: &str) -> Vec<usize> {
        let reports = self.site.reports.get(lang).map_or(&[][..], Vec::as_slice);
        let pages = self
            .site
            .pages
            .iter()
            .filter(|p| p.kind == Kind::Page && p.lang == *lang)
            .map(|p| p.id);
        reports.iter().copied().chain(pages).collect()
    }

    /// The searchable pages of a language.
    fn search_docs(&self, lang: &str) -> Vec<crate::search::Doc> {
        let ids = self.search_ids(lang);
        ids.iter().map(|id| self.search_doc(lang, *id)).collect()
    }

    /// For incremental builds, the key of a file made from the pages `ids` and the site's
    /// structure alone (a feed, a search index, the sitemap): `None` when a page has no key.
    pub(super) fn pages_key(&self, path: &str, ids: &[usize]) -> Option<String> {
        let structure = self.structure?;
        let mut h = blake3::Hasher::new();
        h.update(structure.as_bytes());
        h.update(path.as_bytes());
        for id in ids {
            h.update(self.page_keys.get(*id)?.as_ref()?.as_bytes());
        }
        Some(h.finalize().to_hex().to_string())
    }

    /// The file at `path`: taken from the previous build when its key is the same, else made.
    pub(super) fn file_cached(
        &self,
        path: String,
        key: Option<String>,
        make: impl FnOnce() -> Vec<u8>,
    ) -> OutputFile {
        if let Some(key) = key
            && self.reused(&path, &key)
        {
            return OutputFile {
                path,
                data: Data::Reused,
            };
        }
        OutputFile {
            data: Data::Bytes(make()),
            path,
        }
    }

    /// Whether the file at `path`, made from `key`, is taken from the previous build: the
    /// key is told to the sink (for the next manifest) either way.
    fn reused(&self, path: &str, key: &str) -> bool {
        let Some((manifest, _)) = &self.reuse else {
            return false;
        };
        self.sink.note(path, key);
        manifest.files.get(path).is_some_and(|k| k == key) && self.sink.reuse(path)
    }

    /// One searchable page.
    fn search_doc(&self, lang: &str, id: usize) -> crate::search::Doc {
        let p = self.site.page(id);
        let body = &self.bodies[id];
        let title = markdown::typeset(p.meta.title.as_deref().unwrap_or(""), &p.lang);
        let date = p
            .meta
            .date
            .as_ref()
            .map(|d| self.date(lang, d))
            .unwrap_or_default();
        crate::search::Doc {
            url: self.url(&p.path),
            title,
            date,
            summary: self.description(id, body),
            terms: body.search_terms.clone(),
        }
    }

    /// What is kept of a rendered body once its page is written: the summary for lists and
    /// feeds, and the search terms (title, summary, place, event, tags, the text's start).
    fn digest(&self, id: usize, mut body: Rendered) -> Rendered {
        let p = self.site.page(id);
        let tags: Vec<String> = p
            .meta
            .taxonomies
            .values()
            .flatten()
            .map(|t| self.term_name(&p.lang, "tags", t))
            .collect();
        let text = format!(
            "{} {} {} {} {} {}",
            p.meta.title.as_deref().unwrap_or(""),
            self.description(id, &body),
            p.meta.location.as_deref().unwrap_or(""),
            p.meta.event.as_deref().unwrap_or(""),
            tags.join(" "),
            body.search_text
        );
        body.search_terms = crate::search::terms(&p.lang, &text);
        body.html = String::new();
        body.search_text = String::new();
        body.toc = Vec::new();
        body
    }

    fn years(&self, lang: &str) -> Vec<(i32, usize)> {
        let mut m: BTreeMap<i32, usize> = BTreeMap::new();
        for id in self.site.reports.get(lang).map_or(&[][..], Vec::as_slice) {
            if let Some(d) = &self.site.page(*id).meta.date {
                *m.entry(d.year).or_default() += 1;
            }
        }
        m.into_iter().rev().collect()
    }

    fn pager(&self, base: &str, number: usize, total: usize) -> Pager {
        let href = |n: usize| {
            if n == 1 {
                self.url(base)
            } else {
                self.url(&format!("{base}page/{n}/"))
            }
        };
        Pager {
            current: number,
            total,
            prev: (number > 1).then(|| href(number - 1)),
            next: (number < total).then(|| href(number + 1)),
            // The first, the last and two either side of the current page: a list of a
            // thousand pages would make every page of it quadratic in size.
            pages: {
                let mut shown: Vec<usize> = (1..=total)
                    .filter(|n| *n == 1 || *n == total || n.abs_diff(number) <= 2)
                    .collect();
                shown.dedup();
                let mut prev = 0;
                shown
                    .into_iter()
                    .map(|n| {
                        let gap = n > prev + 1;
                        prev = n;
                        PagerLink {
                            number: n,
                            href: href(n),
                            current: n == number,
                            gap,
                        }
                    })
                    .collect()
            },
        }
    }

    fn list_path(base: &str, number: usize) -> String {
        if number == 1 {
            base.to_string()
        } else {
            format!("{base}page/{number}/")
        }
    }

    /// Renders one page. Pages of reports and plain pages need their `body`.
    fn run(&self, job: &Job, body: Option<&Rendered>) -> Result<OutputFile, Diagnostic> {
        let no_body =
            || Diagnostic::error("(internal)", 1, 1, "a page was rendered without its body");
        let empty_nav: Vec<NavItem> = Vec::new();
        let nav = |lang: &str| self.nav.get(lang).unwrap_or(&empty_nav).as_slice();
        match job {
            Job::Page(id) => {
                let p = self.site.page(*id);
                let versions: Vec<(String, String)> = self
                    .site
                    .translations(*id)
                    .iter()
                    .map(|(l, i)| (l.clone(), self.site.page(*i).path.clone()))
                    .collect();
                let fallbacks: Vec<(String, String)> = self
                    .cfg
                    .languages
                    .iter()
                    .filter_map(|l| {
                        self.fallback_of(
                            l,
                            self.site.translations(*id).first().map_or(*id, |(_, i)| *i),
                        )
                        .map(|p| (l.clone(), p.to_string()))
                    })
                    .collect();
                let page = self.page_ctx(*id, &p.lang, body.ok_or_else(no_body)?);
                let kind = if p.kind == Kind::Report {
                    "report"
                } else {
                    "page"
                };
                let mut head = self.head(
                    &p.lang,
                    format!("{} — {}", page.title, self.site_title(&p.lang)),
                    page.summary.clone(),
                    &p.path,
                    self.alternates(&versions),
                    if p.kind == Kind::Report {
                        "article"
                    } else {
                        "website"
                    },
                );
                if let Some(c) = &page.cover {
                    head.og.image = Some(format!("{}{}", origin(&self.cfg.base_url), c.src));
                    head.og.image_alt = Some(c.alt.clone());
                }
                if p.kind == Kind::Report {
                    head.json_ld = Some(self.json_ld(*id, &page));
                }
                let ctx = Ctx {
                    lang: &p.lang,
                    kind,
                    head,
                    switcher: self.switcher(&p.lang, &versions, &fallbacks),
                    nav: nav(&p.lang),
                    home: self.url(&format!("{}/", p.lang)),
                    page: Some(page),
                    list: None,
                    terms: None,
                    archive: None,
                    list_feed: None,
                    redirect: None,
                };
                self.html(
                    &format!("{}index.html", p.path),
                    if p.kind == Kind::Report {
                        "report.html"
                    } else {
                        "page.html"
                    },
                    &ctx,
                )
            }
            Job::Fallback {
                lang,
                original,
                path,
            } => {
                let p = self.site.page(*original);
                let versions: Vec<(String, String)> = self
                    .site
                    .translations(*original)
                    .iter()
                    .map(|(l, i)| (l.clone(), self.site.page(*i).path.clone()))
                    .collect();
                let page = self.page_ctx(*original, lang, body.ok_or_else(no_body)?);
                let mut head = self.head(
                    lang,
                    format!("{} — {}", page.title, self.site_title(lang)),
                    page.summary.clone(),
                    &p.path,
                    Vec::new(),
                    "article",
                );
                head.canonical = self.abs(&p.path);
                let fallbacks = vec![(lang.clone(), path.clone())];
                let ctx = Ctx {
                    lang,
                    kind: "report",
                    head,
                    switcher: self.switcher(lang, &versions, &fallbacks),
                    nav: nav(lang),
                    home: self.url(&format!("{lang}/")),
                    page: Some(page),
                    list: None,
                    terms: None,
                    archive: None,
                    list_feed: None,
                    redirect: None,
                };
                self.html(&format!("{path}index.html"), "report.html", &ctx)
            }
            Job::Home { lang, number } => {
                let ids = self.site.reports.get(lang).map_or(&[][..], Vec::as_slice);
                let total = ids.len().div_ceil(self.cfg.paginate).max(1);
                let base = format!("{lang}/");
                let path = Self::list_path(&base, *number);
                let items = ids
                    .iter()
                    .skip((number - 1) * self.cfg.paginate)
                    .take(self.cfg.paginate)
                    .filter_map(|id| self.summaries[*id].as_ref())
                    .collect();
                let versions = if *number == 1 {
                    self.homes()
                } else {
                    vec![(lang.clone(), path.clone())]
                };
                let title = if *number == 1 {
                    self.site_title(lang)
                } else {
                    format!(
                        "{} — {}",
                        self.msg(lang, "page-number", &[("number", Arg::Num(*number as f64))]),
                        self.site_title(lang)
                    )
                };
                let ctx = Ctx {
                    lang,
                    kind: "home",
                    head: self.head(
                        lang,
                        title,
                        self.msg(lang, "site-description", &[]),
                        &path,
                        self.alternates(&versions),
                        "website",
                    ),
                    switcher: self.switcher(lang, &self.homes(), &[]),
                    nav: nav(lang),
                    home: self.url(&base),
                    page: None,
                    list: Some(ListCtx {
                        title: self.msg(lang, "latest-reports", &[]),
                        items,
                        pager: self.pager(&base, *number, total),
                        count: ids.len(),
                    }),
                    terms: None,
                    archive: None,
                    list_feed: None,
                    redirect: None,
                };
                self.html_cached(&format!("{path}index.html"), "home.html", &ctx)
            }
            Job::Terms { lang, taxonomy } => {
                let terms = self
                    .site
                    .terms
                    .get(lang)
                    .and_then(|t| t.get(taxonomy))
                    .map_or(&[][..], Vec::as_slice);
                let mut counts: Vec<TermCount> = terms
                    .iter()
                    .map(|t| TermCount {
                        name: self.term_name(lang, taxonomy, &t.key),
                        href: self.url(&self.term_path(lang, taxonomy, &t.slug)),
                        count: t.pages.len(),
                    })
                    .collect();
                counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
                let path = format!("{lang}/{taxonomy}/");
                let versions: Vec<(String, String)> = self
                    .cfg
                    .languages
                    .iter()
                    .map(|l| (l.clone(), format!("{l}/{taxonomy}/")))
                    .collect();
                let title = self.msg(lang, &format!("taxonomy-{taxonomy}"), &[]);
                let ctx = Ctx {
                    lang,
                    kind: "terms",
                    head: self.head(
                        lang,
                        format!("{title} — {}", self.site_title(lang)),
                        title.clone(),
                        &path,
                        self.alternates(&versions),
                        "website",
                    ),
                    switcher: self.switcher(lang, &versions, &[]),
                    nav: nav(lang),
                    home: self.url(&format!("{lang}/")),
                    page: None,
                    list: None,
                    terms: Some(TermsCtx {
                        taxonomy: taxonomy.clone(),
                        title: title.clone(),
                        entries: counts,
                    }),
                    archive: None,
                    list_feed: None,
                    redirect: None,
                };
                self.html_cached(&format!("{path}index.html"), "terms.html", &ctx)
            }
            Job::Term {
                lang,
                taxonomy,
                term,
                number,
            } => {
                let terms = self
                    .site
                    .terms
                    .get(lang)
                    .and_then(|t| t.get(taxonomy))
                    .map_or(&[][..], Vec::as_slice);
                let t = &terms[*term];
                let base = self.term_path(lang, taxonomy, &t.slug);
                let path = Self::list_path(&base, *number);
                let total = t.pages.len().div_ceil(self.cfg.paginate).max(1);
                let items = t
                    .pages
                    .iter()
                    .skip((number - 1) * self.cfg.paginate)
                    .take(self.cfg.paginate)
                    .filter_map(|id| self.summaries[*id].as_ref())
                    .collect();
                // The same term in other languages, when it is a shared key.
                let versions: Vec<(String, String)> = if *number == 1 {
                    self.cfg
                        .languages
                        .iter()
                        .filter(|l| {
                            self.site
                                .terms
                                .get(*l)
                                .and_then(|m| m.get(taxonomy))
                                .is_some_and(|ts| ts.iter().any(|x| x.slug == t.slug))
                        })
                        .map(|l| (l.clone(), self.term_path(l, taxonomy, &t.slug)))
                        .collect()
                } else {
                    vec![(lang.clone(), path.clone())]
                };
                let name = self.term_name(lang, taxonomy, &t.key);
                let ctx = Ctx {
                    lang,
                    kind: "term",
                    head: self.head(
                        lang,
                        format!("{name} — {}", self.site_title(lang)),
                        name.clone(),
                        &path,
                        self.alternates(&versions),
                        "website",
                    ),
                    switcher: self.switcher(lang, &versions, &[]),
                    nav: nav(lang),
                    home: self.url(&format!("{lang}/")),
                    page: None,
                    list: Some(ListCtx {
                        title: name,
                        items,
                        pager: self.pager(&base, *number, total),
                        count: t.pages.len(),
                    }),
                    terms: None,
                    archive: None,
                    list_feed: Some(self.url(&format!("{base}atom.xml"))),
                    redirect: None,
                };
                self.html_cached(&format!("{path}index.html"), "term.html", &ctx)
            }
            Job::NotFound { lang, root } => {
                let path = if *root {
                    "404.html".to_string()
                } else {
                    format!("{lang}/404.html")
                };
                let mut head = self.head(
                    lang,
                    format!(
                        "{} — {}",
                        self.msg(lang, "not-found-title", &[]),
                        self.site_title(lang)
                    ),
                    String::new(),
                    &path,
                    Vec::new(),
                    "website",
                );
                head.noindex = true;
                let ctx = Ctx {
                    lang,
                    kind: "404",
                    head,
                    switcher: self.switcher(lang, &self.homes(), &[]),
                    nav: nav(lang),
                    home: self.url(&format!("{lang}/")),
                    page: None,
                    list: None,
                    terms: None,
                    archive: None,
                    list_feed: None,
                    redirect: None,
                };
                self.html_cached(&path, "404.html", &ctx)
            }
            Job::Archive { lang, year } => {
                let title = self.msg(lang, "archive-title", &[]);
                let path = match year {
                    Some(y) => format!("{lang}/archive/{y}/"),
                    None => format!("{lang}/archive/"),
                };
                let years: Vec<YearLink> = self
                    .years(lang)
                    .into_iter()
                    .map(|(y, count)| YearLink {
                        year: y,
                        href: self.url(&format!("{lang}/archive/{y}/")),
                        count,
                        current: Some(y) == *year,
                    })
                    .collect();
                let mut months: Vec<MonthGroup> = Vec::new();
                if let Some(y) = year {
                    let ids = self.site.reports.get(lang).map_or(&[][..], Vec::as_slice);
                    let mut current: Option<u8> = None;
                    for id in ids {
                        let Some(d) = &self.site.page(*id).meta.date else {
                            continue;
                        };
                        if d.year != *y {
                            continue;
                        }
                        let Some(summary) = self.summaries[*id].as_ref() else {
                            continue;
                        };
                        if current != Some(d.month) {
                            current = Some(d.month);
                            months.push(MonthGroup {
                                heading: format!(
                                    "{} {}",
                                    self.formats.month_name(lang, d.month),
                                    d.year
                                ),
                                items: Vec::new(),
                            });
                        }
                        if let Some(m) = months.last_mut() {
                            m.items.push(summary);
                        }
                    }
                }
                let versions: Vec<(String, String)> = self
                    .cfg
                    .languages
                    .iter()
                    .filter(|l| year.is_none_or(|y| self.years(l).iter().any(|(yy, _)| *yy == y)))
                    .map(|l| (l.clone(), path.replacen(lang.as_str(), l, 1)))
                    .collect();
                let heading = match year {
                    Some(y) => format!("{title}: {y}"),
                    None => title.clone(),
                };
                let ctx = Ctx {
                    lang,
                    kind: "archive",
                    head: self.head(
                        lang,
                        format!("{heading} — {}", self.site_title(lang)),
                        heading.clone(),
                        &path,
                        self.alternates(&versions),
                        "website",
                    ),
                    switcher: self.switcher(lang, &versions, &[]),
                    nav: nav(lang),
                    home: self.url(&format!("{lang}/")),
                    page: None,
                    list: None,
                    terms: None,
                    archive: Some(ArchiveCtx {
                        title: heading,
                        years,
                        year: *year,
                        months,
                    }),
                    list_feed: None,
                    redirect: None,
                };
                self.html_cached(&format!("{path}index.html"), "archive.html", &ctx)
            }
            Job::Search { lang } => {
                let path = format!("{lang}/search/");
                let title = self.msg(lang, "search-title", &[]);
                let versions: Vec<(String, String)> = self
                    .cfg
                    .languages
                    .iter()
                    .map(|l| (l.clone(), format!("{l}/search/")))
                    .collect();
                let mut head = self.head(
                    lang,
                    format!("{title} — {}", self.site_title(lang)),
                    title.clone(),
                    &path,
                    self.alternates(&versions),
                    "website",
                );
                head.noindex = true;
                let ctx = Ctx {
                    lang,
                    kind: "search",
                    head,
                    switcher: self.switcher(lang, &versions, &[]),
                    nav: nav(lang),
                    home: self.url(&format!("{lang}/")),
                    page: None,
                    list: None,
                    terms: None,
                    archive: None,
                    list_feed: None,
                    redirect: None,
                };
                self.html_cached(&format!("{path}index.html"), "search.html", &ctx)
            }
            Job::Chooser => {
                let lang = &self.cfg.default_language;
                let ctx = Ctx {
                    lang,
                    kind: "chooser",
                    head: self.head(
                        lang,
                        self.site_title(lang),
                        self.msg(lang, "site-description", &[]),
                        "",
                        self.alternates(&self.homes()),
                        "website",
                    ),
                    switcher: self.switcher(lang, &self.homes(), &[]),
                    nav: nav(lang),
                    home: self.url(&format!("{lang}/")),
                    page: None,
                    list: None,
                    terms: None,
                    archive: None,
                    list_feed: None,
                    redirect: Some(self.url(&format!("{lang}/"))),
                };
                self.html_cached("index.html", "index.html", &ctx)
            }
            Job::Alias { page, path } => {
                let p = self.site.page(*page);
                let mut head = self.head(
                    &p.lang,
                    p.meta.title.clone().unwrap_or_default(),
                    String::new(),
                    &p.path,
                    Vec::new(),
                    "website",
                );
                head.noindex = true;
                let ctx = Ctx {
                    lang: &p.lang,
                    kind: "alias",
                    head,
                    switcher: Vec::new(),
                    nav: nav(&p.lang),
                    home: self.url(&format!("{}/", p.lang)),
                    page: None,
                    list: None,
                    terms: None,
                    archive: None,
                    list_feed: None,
                    redirect: Some(self.url(&p.path)),
                };
                self.html_cached(&format!("{path}index.html"), "alias.html", &ctx)
            }
        }
    }

    /// A list page: its key is a hash of its whole context, so it is taken from the previous
    /// build when nothing it shows has changed (templates and messages are in the key too).
    fn html_cached(&self, path: &str, template: &str, ctx: &Ctx) -> Result<OutputFile, Diagnostic> {
        let Some((_, global)) = &self.reuse else {
            return self.html(path, template, ctx);
        };
        let mut h = blake3::Hasher::new();
        h.update(global.as_bytes());
        h.update(template.as_bytes());
        // Serialized straight into the hash through a buffer (the hasher is fastest with large
        // pieces): no copy of the page's data is kept.
        context::hashing(|| {
            let mut w = std::io::BufWriter::with_capacity(16 * 1024, &mut h);
            let _ = serde_json::to_writer(&mut w, ctx);
            let _ = std::io::Write::flush(&mut w);
        });
        let key = h.finalize().to_hex().to_string();
        if self.reused(path, &key) {
            return Ok(OutputFile {
                path: path.to_string(),
                data: Data::Reused,
            });
        }
        self.html(path, template, ctx)
    }

    fn html(&self, path: &str, template: &str, ctx: &Ctx) -> Result<OutputFile, Diagnostic> {
        let s = self.templates.render(template, ctx)?;
        Ok(OutputFile {
            path: path.to_string(),
            data: Data::Bytes(s),
        })
    }
}

/// `https://example.org/sub/` → `https://example.org`.
fn origin(base_url: &str) -> &str {
    let after = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after..].find('/') {
        Some(i) => &base_url[..after + i],
        None => base_url,
    }
}

trait OrDefaultDate {
    fn unwrap_or_default_date(self) -> crate::frontmatter::PageDate;
}
impl OrDefaultDate for Option<crate::frontmatter::PageDate> {
    fn unwrap_or_default_date(self) -> crate::frontmatter::PageDate {
        self.unwrap_or(crate::frontmatter::PageDate {
            ts: 0,
            year: 1970,
            month: 1,
            day: 1,
            rfc3339: "1970-01-01T00:00:00+00:00".into(),
            iso_date: "1970-01-01".into(),
        })
    }
}
