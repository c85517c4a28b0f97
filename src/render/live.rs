//! Partial re-renders for `serve`. A full render keeps its state here (the linked site, the
//! rendered bodies' summaries, the templates); a save then re-renders only what it changes:
//!
//! - a report's text, title or summary: that page, its fallback copies, the list pages, term
//!   pages, archive page and feeds that show it, and (afterwards) its language's search index;
//! - a template: every HTML page becomes out of date and is re-rendered when it is asked for
//!   (and in the background), so the page in the browser is back in milliseconds;
//! - a Fluent file or a theme stylesheet: the same, with the messages or assets reloaded.
//!
//! Anything else (a new or deleted file, a change of date, slug, tags or translations, the
//! configuration) asks for a full build. The result is always what a full build would give.

use super::*;
use crate::config::SiteConfig;
use crate::frontmatter::{self, Meta};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The renderer's state between saves.
pub struct Live {
    pub cfg: SiteConfig,
    pub site: Site,
    i18n: Arc<I18n>,
    formats: Arc<Formats>,
    kept: Kept,
    serving: bool,
    /// Source path (relative to the root, `/`-separated) → page id.
    by_source: HashMap<String, usize>,
    /// Output path of every page rendered from a template → how to render it.
    routes: HashMap<String, Job>,
    /// Errors of the files whose latest save is broken (their last good version is kept),
    /// and of pages whose latest render failed, by file or page.
    broken: BTreeMap<String, Vec<Diagnostic>>,
    /// A full build is needed before anything else (the last one failed).
    pub outdated: bool,
    /// Each language's searchable pages (as in its index), and pages changed since.
    search: HashMap<String, Arc<Vec<crate::search::Doc>>>,
    search_dirty: BTreeSet<usize>,
}

/// Work left after an update has been served: regenerated in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Later {
    SearchIndex(String),
    AllFeedsAndIndexes,
}

/// What a save changes.
pub enum Change {
    /// New versions of these files; these HTML paths are out of date (render on demand).
    Updated {
        files: Vec<OutputFile>,
        stale: Vec<String>,
        later: Vec<Later>,
        warnings: Vec<Diagnostic>,
        /// Only stylesheets changed: their old and new URLs, for the browser to swap without
        /// reloading the page.
        restyle: Vec<(String, String)>,
    },
    /// The saved files have errors; the last good version of everything is kept.
    Broken(Vec<Diagnostic>),
    /// A full build is needed.
    Rebuild,
}

enum Kind2 {
    Page(usize),
    Templates,
    Messages,
    ThemeStatic,
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl Live {
    pub fn new(
        cfg: SiteConfig,
        site: Site,
        i18n: Arc<I18n>,
        formats: Arc<Formats>,
        kept: Kept,
        serving: bool,
    ) -> Live {
        let by_source = site
            .pages
            .iter()
            .map(|p| (slash(&p.source), p.id))
            .collect();
        let mut live = Live {
            cfg,
            site,
            i18n,
            formats,
            kept,
            serving,
            by_source,
            routes: HashMap::new(),
            broken: BTreeMap::new(),
            outdated: false,
            search: HashMap::new(),
            search_dirty: BTreeSet::new(),
        };
        live.routes = live.with(|r| {
            let mut routes = HashMap::new();
            for p in &r.site.pages {
                routes.insert(format!("{}index.html", p.path), Job::Page(p.id));
            }
            for (path, original) in &r.fallback_paths {
                let lang = path.split('/').next().unwrap_or_default().to_string();
                routes.insert(
                    format!("{path}index.html"),
                    Job::Fallback {
                        lang,
                        original: *original,
                        path: path.clone(),
                    },
                );
            }
            for j in r.jobs() {
                routes.insert(r.job_path(&j), j);
            }
            routes
        });
        live
    }

    /// Runs `f` with a renderer over the kept state.
    fn with<R>(&mut self, f: impl FnOnce(&mut Renderer) -> R) -> R {
        let sink = MemSink::default();
        let k = &mut self.kept;
        let mut r = Renderer {
            cfg: &self.cfg,
            site: &self.site,
            i18n: &self.i18n,
            formats: &self.formats,
            templates: &k.templates,
            bodies: std::mem::take(&mut k.bodies),
            summaries: std::mem::take(&mut k.summaries),
            nav: std::mem::take(&mut k.nav),
            names: std::mem::take(&mut k.names),
            fallback_paths: std::mem::take(&mut k.fallback_paths),
            written: Vec::new(),
            index: std::mem::take(&mut k.index),
            reuse: None,
            structure: None,
            page_keys: Vec::new(),
            sink: &sink,
            texts: None,
        };
        let out = f(&mut r);
        let Renderer {
            bodies,
            summaries,
            nav,
            names,
            fallback_paths,
            index,
            ..
        } = r;
        k.bodies = bodies;
        k.summaries = summaries;
        k.nav = nav;
        k.names = names;
        k.fallback_paths = fallback_paths;
        k.index = index;
        out
    }

    /// Every error of the current state: broken saves and failed renders.
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.broken.values().flatten().cloned().collect()
    }

    /// Records the errors of a build that failed as a whole.
    pub fn set_build_errors(&mut self, errors: Vec<Diagnostic>) {
        self.broken.clear();
        self.broken.insert(String::new(), errors);
        self.outdated = true;
    }

    /// Every path rendered from a template.
    pub fn html_paths(&self) -> Vec<String> {
        let mut v: Vec<String> = self.routes.keys().cloned().collect();
        v.sort();
        v
    }

    fn classify(&self, rel: &str) -> Option<Kind2> {
        let theme = format!("themes/{}/", self.cfg.theme);
        if let Some(rest) = rel.strip_prefix(&theme) {
            return if rest.starts_with("templates/") {
                Some(Kind2::Templates)
            } else if rest.starts_with("i18n/") {
                Some(Kind2::Messages)
            } else if rest.starts_with("static/") {
                Some(Kind2::ThemeStatic)
            } else {
                None
            };
        }
        if rel.starts_with("i18n/") {
            return Some(Kind2::Messages);
        }
        if rel.starts_with("content/") && rel.ends_with(".md") {
            return self.by_source.get(rel).map(|id| Kind2::Page(*id));
        }
        None
    }

    /// Applies saved files (paths relative to the site root).
    pub fn apply(&mut self, changed: &[String]) -> Change {
        if self.outdated {
            return Change::Rebuild;
        }
        let mut pages = BTreeSet::new();
        let (mut templates, mut messages, mut assets) = (false, false, false);
        for rel in changed {
            match self.classify(rel) {
                Some(Kind2::Page(id)) => {
                    pages.insert(id);
                }
                Some(Kind2::Templates) => templates = true,
                Some(Kind2::Messages) => messages = true,
                Some(Kind2::ThemeStatic) => assets = true,
                None => return Change::Rebuild,
            }
        }
        let mut files = Vec::new();
        let mut stale = Vec::new();
        let mut later = Vec::new();
        let mut warnings = Vec::new();
        let mut restyle = Vec::new();
        let old_assets = self.kept.asset_map.clone();
        if messages || templates || assets {
            match self.reload(messages, assets) {
                Ok(f) => files.extend(f),
                Err(d) => return Change::Broken(self.note_broken(&[], d)),
            }
            stale = self.html_paths();
            if messages {
                later.push(Later::AllFeedsAndIndexes);
            }
        }
        if !pages.is_empty() {
            match self.pages(&pages.iter().copied().collect::<Vec<_>>()) {
                Ok((f, l, w)) => {
                    let fresh: BTreeSet<&str> = f.iter().map(|f| f.path.as_str()).collect();
                    stale.retain(|p| !fresh.contains(p.as_str()));
                    files.extend(f);
                    for x in l {
                        if !later.contains(&x) {
                            later.push(x);
                        }
                    }
                    warnings = w;
                }
                Err(None) => return Change::Rebuild,
                Err(Some(errors)) => return Change::Broken(errors),
            }
        }
        if assets && !messages && !templates && pages.is_empty() {
            let base = &self.cfg.base_path;
            for (name, old) in old_assets.iter() {
                if let Some(new) = self.kept.asset_map.get(name)
                    && new != old
                    && name.ends_with(".css")
                {
                    restyle.push((format!("{base}{old}"), format!("{base}{new}")));
                }
            }
        }
        Change::Updated {
            files,
            stale,
            later,
            warnings,
            restyle,
        }
    }

    /// Records errors of broken sources (`keys`, or the whole theme when empty).
    fn note_broken(&mut self, keys: &[String], errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let key = if keys.is_empty() {
            "(theme)".to_string()
        } else {
            keys.join("|")
        };
        self.broken.insert(key, errors.clone());
        errors
    }

    /// Reloads messages and/or theme assets, and the templates that use them.
    fn reload(&mut self, messages: bool, assets: bool) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let mut files = Vec::new();
        let mut i18n = self.i18n.clone();
        if messages {
            let (loaded, d) = crate::i18n::load(&self.cfg, self.formats.clone());
            let errors: Vec<Diagnostic> = d
                .into_iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
                .collect();
            if !errors.is_empty() {
                return Err(errors);
            }
            i18n = Arc::new(loaded);
        }
        let mut asset_map = self.kept.asset_map.clone();
        if assets {
            let mut diags = Vec::new();
            let (map, asset_files) = feeds::theme_assets(&self.cfg, &mut diags);
            if diags
                .iter()
                .any(|d| d.severity == crate::diag::Severity::Error)
            {
                return Err(diags);
            }
            asset_map = Arc::new(map);
            files.extend(asset_files);
        }
        let mut site_ctx = self.kept.site_ctx.clone();
        let names: BTreeMap<String, String> = self
            .cfg
            .languages
            .iter()
            .map(|l| {
                (
                    l.clone(),
                    i18n.format(l, "language-name", &[])
                        .unwrap_or_else(|| l.clone()),
                )
            })
            .collect();
        for l in &mut site_ctx.languages {
            if let Some(n) = names.get(&l.code) {
                l.name = n.clone();
            }
        }
        let templates = templates::Templates::load(
            &self.cfg.root,
            &self.cfg.theme_dir().join("templates"),
            i18n.clone(),
            asset_map.clone(),
            &site_ctx,
        )?;
        self.i18n = i18n;
        self.kept.templates = templates;
        self.kept.asset_map = asset_map;
        self.kept.site_ctx = site_ctx;
        self.kept.names = names;
        self.with(|r| {
            r.nav = r
                .cfg
                .languages
                .iter()
                .map(|l| (l.clone(), r.nav_for(l)))
                .collect();
        });
        // Term names may have changed.
        self.search.clear();
        // Every error of a template or a page may be gone now; what is not is found again.
        self.broken.retain(|k, _| k.starts_with("content/"));
        Ok(files)
    }

    /// Re-reads changed pages. `Err(None)` when the change needs a full build.
    #[allow(clippy::type_complexity)]
    fn pages(
        &mut self,
        ids: &[usize],
    ) -> Result<(Vec<OutputFile>, Vec<Later>, Vec<Diagnostic>), Option<Vec<Diagnostic>>> {
        let tz = jiff::tz::TimeZone::get(&self.cfg.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let mut updates: Vec<(usize, String, Meta, usize, usize)> = Vec::new();
        let mut errors: Vec<(String, Vec<Diagnostic>)> = Vec::new();
        for &id in ids {
            let p = self.site.page(id);
            let key = slash(&p.source);
            let abs = self.cfg.root.join(&p.source);
            if !abs.is_file() {
                return Err(None);
            }
            let text = match crate::content::read_source(&abs, &p.source) {
                Ok(t) => t,
                Err(d) => {
                    errors.push((key, vec![d]));
                    continue;
                }
            };
            let parsed = frontmatter::split(&text, &p.source)
                .map_err(|d| vec![d])
                .and_then(|split| {
                    let meta = frontmatter::parse(&split, &p.source, &self.cfg.taxonomies, &tz)?;
                    Ok((meta, text.len() - split.body.len(), split.body_line))
                });
            match parsed {
                Ok((meta, body_start, body_line)) => {
                    updates.push((id, text, meta, body_start, body_line))
                }
                Err(d) => errors.push((key, d)),
            }
        }
        // Front matter after inheritance must leave the site's structure as it was.
        let mut metas: HashMap<usize, Meta> = HashMap::new();
        for (id, text, meta, _, _) in &updates {
            let bundle = &self.site.bundles[self.site.page(*id).bundle];
            if !self.bundle_complete(bundle) {
                return Err(None);
            }
            let mut own: Vec<Meta> = Vec::new();
            let mut at = 0;
            for (i, (_, sid)) in bundle.pages.iter().enumerate() {
                if sid == id {
                    own.push(meta.clone());
                    at = i;
                    continue;
                }
                let sp = self.site.page(*sid);
                let pending = updates.iter().find(|u| u.0 == *sid);
                let text = pending.map_or(sp.text.as_str(), |u| u.1.as_str());
                let Ok(split) = frontmatter::split(text, &sp.source) else {
                    return Err(None);
                };
                match frontmatter::parse(&split, &sp.source, &self.cfg.taxonomies, &tz) {
                    Ok(m) => own.push(m),
                    Err(_) => return Err(None),
                }
            }
            let _ = text;
            crate::site::inherit_metas(&mut own);
            for (i, (_, sid)) in bundle.pages.iter().enumerate() {
                let old = &self.site.page(*sid).meta;
                if !same_structure(old, &own[i], self.site.page(*sid).kind) {
                    return Err(None);
                }
                // A sibling's own fields do not change unless it was saved too.
                if i != at && updates.iter().all(|u| u.0 != *sid) && !same_page(old, &own[i]) {
                    return Err(None);
                }
            }
            metas.insert(*id, own.swap_remove(at));
        }
        if !errors.is_empty() {
            let keys: Vec<String> = errors.iter().map(|(k, _)| k.clone()).collect();
            for (k, d) in &errors {
                self.broken.insert(k.clone(), d.clone());
            }
            let _ = keys;
            return Err(Some(self.errors()));
        }
        // Apply, render, and put everything back if anything fails.
        let saved: Vec<crate::site::Page> = updates
            .iter()
            .map(|u| self.site.page(u.0).clone())
            .collect();
        for (id, text, _, body_start, body_line) in updates.iter_mut() {
            let meta = metas.remove(id).unwrap_or_default();
            let p = &mut self.site.pages[*id];
            p.meta = meta;
            p.text = std::mem::take(text);
            p.body_start = *body_start;
            p.body_line = *body_line;
        }
        let ids: Vec<usize> = updates.iter().map(|u| u.0).collect();
        let result = self.with(|r| rerender(r, &ids));
        match result {
            Ok((files, later, warnings)) => {
                self.search_dirty.extend(ids.iter().copied());
                for id in &ids {
                    let key = slash(&self.site.page(*id).source);
                    self.broken.remove(&key);
                    self.broken
                        .remove(&format!("{}index.html", self.site.page(*id).path));
                }
                Ok((files, later, warnings))
            }
            Err((old_bodies, errs)) => {
                for p in saved {
                    let id = p.id;
                    self.site.pages[id] = p;
                }
                let with_old = old_bodies;
                self.with(|r| {
                    for (id, body, summary) in with_old {
                        r.bodies[id] = body;
                        r.summaries[id] = summary;
                    }
                });
                for id in &ids {
                    let key = slash(&self.site.page(*id).source);
                    let mine: Vec<Diagnostic> = errs
                        .iter()
                        .filter(|d| slash(&d.path) == key)
                        .cloned()
                        .collect();
                    if !mine.is_empty() {
                        self.broken.insert(key, mine);
                    }
                }
                if !errs.iter().any(|d| {
                    ids.iter()
                        .any(|id| slash(&d.path) == slash(&self.site.page(*id).source))
                }) {
                    self.broken.insert("(render)".into(), errs);
                }
                Err(Some(self.errors()))
            }
        }
    }

    /// Whether every `index.*.md` of a bundle's folder is one of its pages (no drafts or
    /// broken files that a full build would consider).
    fn bundle_complete(&self, b: &crate::site::Bundle) -> bool {
        let Ok(rd) = std::fs::read_dir(&b.abs_dir) else {
            return false;
        };
        let n = rd
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("index.") && name.ends_with(".md")
            })
            .count();
        n == b.pages.len()
    }

    /// Renders one page of the site from the current state (for a path marked out of date).
    pub fn render_path(&mut self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        let job = self.routes.get(path)?.clone();
        let out = self.with(|r| render_job(r, &job));
        match &out {
            Ok(_) => {
                self.broken.remove(path);
            }
            Err(d) => {
                self.broken.insert(path.to_string(), vec![d.clone()]);
            }
        }
        Some(out.map(|f| match f.data {
            Data::Bytes(b) => b,
            _ => Vec::new(),
        }))
    }

    /// Renders many pages in parallel; `None` for paths that are not pages of the site.
    pub fn render_paths(&mut self, paths: &[String]) -> Vec<(String, Result<Vec<u8>, Diagnostic>)> {
        let jobs: Vec<(String, Job)> = paths
            .iter()
            .filter_map(|p| self.routes.get(p).map(|j| (p.clone(), j.clone())))
            .collect();
        let out: Vec<(String, Result<Vec<u8>, Diagnostic>)> = self.with(|r| {
            let r = &*r;
            jobs.par_iter()
                .map(|(p, j)| {
                    let res = render_job(r, j).map(|f| match f.data {
                        Data::Bytes(b) => b,
                        _ => Vec::new(),
                    });
                    (p.clone(), res)
                })
                .collect()
        });
        for (p, res) in &out {
            match res {
                Ok(_) => {
                    self.broken.remove(p);
                }
                Err(d) => {
                    self.broken.insert(p.clone(), vec![d.clone()]);
                }
            }
        }
        out
    }

    /// Work left after an update: search indexes and feeds.
    pub fn later(&mut self, what: &[Later]) -> Vec<OutputFile> {
        self.with(|r| {
            let mut out = Vec::new();
            for w in what {
                match w {
                    Later::SearchIndex(lang) => out.push(r.search_index(lang)),
                    Later::AllFeedsAndIndexes => {
                        out.extend(feeds::feeds(r));
                        out.extend(r.search_indexes());
                    }
                }
            }
            out
        })
    }

    /// Whether the live-reload script is in the pages (always, when serving).
    pub fn serving(&self) -> bool {
        self.serving
    }

    /// The searchable pages of a language, for its search index (made outside the lock).
    pub fn search_docs(&mut self, lang: &str) -> Arc<Vec<crate::search::Doc>> {
        let Some(mut docs) = self.search.remove(lang) else {
            let docs = Arc::new(self.with(|r| r.search_docs(lang)));
            self.search.insert(lang.to_string(), docs.clone());
            return docs;
        };
        let dirty: Vec<usize> = self
            .search_dirty
            .iter()
            .copied()
            .filter(|id| self.site.page(*id).lang == lang)
            .collect();
        if !dirty.is_empty() {
            // Positions as in `search_docs`: reports newest first, then plain pages.
            let order: Vec<usize> = self
                .site
                .reports
                .get(lang)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .chain(
                    self.site
                        .pages
                        .iter()
                        .filter(|p| p.kind == Kind::Page && p.lang == lang)
                        .map(|p| p.id),
                )
                .collect();
            let fresh: Vec<(usize, crate::search::Doc)> = self.with(|r| {
                dirty
                    .iter()
                    .filter_map(|id| {
                        let at = order.iter().position(|x| x == id)?;
                        let one = r.search_doc(lang, *id);
                        Some((at, one))
                    })
                    .collect()
            });
            let v = Arc::make_mut(&mut docs);
            for (at, d) in fresh {
                if let Some(slot) = v.get_mut(at) {
                    *slot = d;
                }
            }
            self.search_dirty.retain(|id| !dirty.contains(id));
        }
        self.search.insert(lang.to_string(), docs.clone());
        docs
    }

    /// Feeds of the whole site (after a change of messages).
    pub fn feeds(&mut self) -> Vec<OutputFile> {
        self.with(|r| feeds::feeds(r))
    }

    /// The site's languages.
    pub fn languages(&self) -> Vec<String> {
        self.cfg.languages.clone()
    }

    /// A message of the site's interface text in `lang`.
    pub fn message(&self, lang: &str, id: &str) -> Option<String> {
        self.i18n.format(lang, id, &[])
    }
}

/// A job with its body (pages and their fallback copies need their Markdown).
fn render_job(r: &Renderer, job: &Job) -> Result<OutputFile, Diagnostic> {
    match job {
        Job::Page(id) | Job::Fallback { original: id, .. } => {
            let body = r.markdown(*id);
            r.run(job, Some(&body))
        }
        _ => r.run(job, None),
    }
}

type Undo = Vec<(usize, Rendered, Option<SummaryCtx>)>;

/// Re-renders pages `ids` and everything that shows them.
#[allow(clippy::type_complexity)]
fn rerender(
    r: &mut Renderer,
    ids: &[usize],
) -> Result<(Vec<OutputFile>, Vec<Later>, Vec<Diagnostic>), (Undo, Vec<Diagnostic>)> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut undo: Undo = Vec::new();
    let mut lists: Vec<Job> = Vec::new();
    let mut later = Vec::new();
    for &id in ids {
        let mut body = r.markdown(id);
        for d in std::mem::take(&mut body.diagnostics) {
            if d.severity == crate::diag::Severity::Error {
                errors.push(d);
            } else {
                warnings.push(d);
            }
        }
        let mut jobs = vec![Job::Page(id)];
        for (path, original) in &r.fallback_paths {
            if *original == id {
                jobs.push(Job::Fallback {
                    lang: path.split('/').next().unwrap_or_default().to_string(),
                    original: id,
                    path: path.clone(),
                });
            }
        }
        for j in &jobs {
            match r.run(j, Some(&body)) {
                Ok(f) => files.push(f),
                Err(d) => errors.push(d),
            }
        }
        let body = r.digest(id, body);
        let site = r.site;
        let p = site.page(id);
        let old_body = std::mem::replace(&mut r.bodies[id], body);
        let summary = (p.kind == Kind::Report).then(|| r.summary(id));
        let old_summary = std::mem::replace(&mut r.summaries[id], summary);
        undo.push((id, old_body, old_summary));
        lists.extend(r.lists_showing(id));
        let lang = p.lang.clone();
        let l = Later::SearchIndex(lang);
        if !later.contains(&l) {
            later.push(l);
        }
    }
    // Each list once.
    let mut seen = BTreeSet::new();
    lists.retain(|j| seen.insert(r.job_path(j)));
    for j in &lists {
        match r.run(j, None) {
            Ok(f) => files.push(f),
            Err(d) => errors.push(d),
        }
    }
    let mut feed_paths = BTreeSet::new();
    for &id in ids {
        for f in feeds::feeds_of(r, id) {
            if feed_paths.insert(f.path.clone()) {
                files.push(f);
            }
        }
    }
    if errors.is_empty() {
        Ok((files, later, warnings))
    } else {
        Err((undo, errors))
    }
}

/// Fields that decide where a page is, which lists it is in, and what its translations
/// inherit: a change to any of them needs a full build.
fn same_structure(a: &Meta, b: &Meta, kind: Kind) -> bool {
    a.date == b.date
        && a.updated == b.updated
        && a.taxonomies == b.taxonomies
        && a.cover == b.cover
        && a.source == b.source
        && a.draft == b.draft
        && a.slug == b.slug
        && a.aliases == b.aliases
        && (kind == Kind::Report || a.title == b.title)
}

fn same_page(a: &Meta, b: &Meta) -> bool {
    let strip = |m: &Meta| {
        let mut m = m.clone();
        m.key_lines.clear();
        m
    };
    strip(a) == strip(b)
}

impl Renderer<'_> {
    /// The list pages that show report `id`: its page of the home list, of each of its
    /// terms, its archive year, and the redirects to it.
    fn lists_showing(&self, id: usize) -> Vec<Job> {
        let p = self.site.page(id);
        let mut jobs = Vec::new();
        for a in &p.meta.aliases {
            if let Some(path) = alias_path(a) {
                jobs.push(Job::Alias { page: id, path });
            }
        }
        if p.kind != Kind::Report {
            return jobs;
        }
        let lang = &p.lang;
        let per = self.cfg.paginate.max(1);
        if let Some(pos) = self
            .site
            .reports
            .get(lang)
            .and_then(|v| v.iter().position(|x| *x == id))
        {
            jobs.push(Job::Home {
                lang: lang.clone(),
                number: pos / per + 1,
            });
        }
        for tax in &self.cfg.taxonomies {
            let terms = self
                .site
                .terms
                .get(lang)
                .and_then(|t| t.get(tax))
                .map_or(&[][..], Vec::as_slice);
            for (ti, t) in terms.iter().enumerate() {
                if let Some(pos) = t.pages.iter().position(|x| *x == id) {
                    jobs.push(Job::Term {
                        lang: lang.clone(),
                        taxonomy: tax.clone(),
                        term: ti,
                        number: pos / per + 1,
                    });
                }
            }
        }
        if let Some(d) = &p.meta.date {
            jobs.push(Job::Archive {
                lang: lang.clone(),
                year: Some(d.year),
            });
        }
        jobs
    }

    /// The output path of a job.
    fn job_path(&self, job: &Job) -> String {
        match job {
            Job::Page(id) => format!("{}index.html", self.site.page(*id).path),
            Job::Fallback { path, .. } | Job::Alias { path, .. } => format!("{path}index.html"),
            Job::Home { lang, number } => {
                format!(
                    "{}index.html",
                    Self::list_path(&format!("{lang}/"), *number)
                )
            }
            Job::Terms { lang, taxonomy } => format!("{lang}/{taxonomy}/index.html"),
            Job::Term {
                lang,
                taxonomy,
                term,
                number,
            } => {
                let slug = self
                    .site
                    .terms
                    .get(lang)
                    .and_then(|t| t.get(taxonomy))
                    .and_then(|ts| ts.get(*term))
                    .map_or("", |t| t.slug.as_str());
                let base = self.term_path(lang, taxonomy, slug);
                format!("{}index.html", Self::list_path(&base, *number))
            }
            Job::NotFound { lang, root } => {
                if *root {
                    "404.html".into()
                } else {
                    format!("{lang}/404.html")
                }
            }
            Job::Archive { lang, year } => match year {
                Some(y) => format!("{lang}/archive/{y}/index.html"),
                None => format!("{lang}/archive/index.html"),
            },
            Job::Search { lang } => format!("{lang}/search/index.html"),
            Job::Chooser => "index.html".into(),
        }
    }
}
