//! The pipeline, step by step: configuration → content → front matter and links → Markdown,
//! Fluent and templates → files → the output folder.

use crate::cache;
use crate::config::{self, SiteConfig};
use crate::content;
use crate::diag::{Diagnostic, Diagnostics};
use crate::format::Formats;
use crate::i18n;
use crate::output;
use crate::render::{self, Data, MemSink, OutputFile, Sink};
use crate::site::{self, Site};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub allow_outside_output: bool,
    /// For `serve`: templates may add the live-reload script.
    pub serving: bool,
    /// Show a progress line on stderr while rendering (long builds on a terminal).
    pub progress: bool,
    /// Do not make the smaller copies of images (`check`).
    pub no_image_variants: bool,
}

/// Time spent in each stage.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn mark(&mut self, name: &'static str, since: &mut Instant) {
        self.stages.push((name, since.elapsed()));
        trace_mem(name);
        *since = Instant::now();
    }
}

/// A generated site.
pub struct Generated {
    pub config: SiteConfig,
    pub site: Site,
    /// The files, in memory (`generate`), or empty when they were written at once (`build`).
    pub files: Vec<OutputFile>,
    /// Every path of the site, relative to the output folder.
    pub paths: Vec<String>,
    pub timings: Timings,
    /// The renderer's state, when asked for (`serve`).
    pub live: Option<(Arc<i18n::I18n>, Arc<Formats>, render::Kept)>,
}

impl Generated {
    /// HTML pages per language (files under `<lang>/`).
    pub fn pages_per_language(&self) -> BTreeMap<String, usize> {
        let mut m: BTreeMap<String, usize> = self
            .config
            .languages
            .iter()
            .map(|l| (l.clone(), 0))
            .collect();
        for p in &self.paths {
            if p.ends_with(".html")
                && let Some((lang, _)) = p.split_once('/')
                && let Some(n) = m.get_mut(lang)
            {
                *n += 1;
            }
        }
        m
    }
}

/// Where a run's files go, and what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// In memory (`check`, tests).
    Memory,
    /// In memory, keeping the renderer's state and the sources (`serve`).
    Live,
    /// To disk: each page's source is freed once the page is written.
    Disk,
}

/// Runs the pipeline; files go to `sink`. `None` when the configuration itself is broken.
fn run(
    opts: &BuildOptions,
    sink: &dyn Sink,
    t: &mut Instant,
    timings: &mut Timings,
    cfg: SiteConfig,
    cache: Option<&cache::Manifest>,
    mode: Mode,
) -> (Generated, Diagnostics, cache::Manifest) {
    let mut diags = Diagnostics::new();
    let formats = Arc::new(Formats::new(cfg.languages.iter().map(String::as_str)));
    let (i18n, d) = i18n::load(&cfg, formats.clone());
    diags.extend(d);
    let i18n = Arc::new(i18n);
    timings.mark("config+i18n", t);
    // Writing to disk, files unchanged since the last build are not read or parsed again.
    let parsed_before = (mode == Mode::Disk).then(|| cache::Sources::load(&cfg));
    let (sources, d) = content::load_with(&cfg, parsed_before.as_ref());
    drop(parsed_before);
    diags.extend(d);
    timings.mark("load", t);
    let (mut site, d, parsed) = site::link_with(&cfg, sources, opts.drafts);
    diags.extend(d);
    timings.mark("parse+link", t);
    // Saved while the pages render.
    let saving = (mode == Mode::Disk).then(|| {
        let cfg = cfg.clone();
        std::thread::spawn(move || cache::Sources::save(&cfg, &parsed))
    });
    // Writing to disk, the sources are taken out of the site and freed page by page.
    let texts: Option<Vec<std::sync::Mutex<String>>> = (mode == Mode::Disk).then(|| {
        site.pages
            .iter_mut()
            .map(|p| std::sync::Mutex::new(std::mem::take(&mut p.text)))
            .collect()
    });
    let options = format!("{:?}|{:?}|{}", opts.drafts, opts.base_url, opts.serving);
    let global = cache.map(|m| (m, cache::global_key(&cfg, &options)));
    let inputs = render::Inputs {
        cfg: &cfg,
        site: &site,
        i18n,
        formats,
        serving: opts.serving,
        cache: global,
        progress: opts.progress,
        keep: mode == Mode::Live,
        image_variants: !opts.no_image_variants,
        texts: texts.as_deref(),
    };
    let out = render::render(&inputs, sink, &mut timings.stages);
    diags.extend(out.diags);
    if let Some(s) = saving {
        let _ = s.join();
    }
    *t = Instant::now();
    let live = out
        .kept
        .map(|k| (inputs.i18n.clone(), inputs.formats.clone(), k));
    (
        Generated {
            config: cfg,
            site,
            files: Vec::new(),
            paths: out.paths,
            timings: timings.clone(),
            live,
        },
        diags,
        out.manifest,
    )
}

/// Everything `build` does, in memory: used by `check`, `serve` and tests.
pub fn generate(opts: &BuildOptions) -> (Option<Generated>, Diagnostics) {
    generate_with(opts, false)
}

/// Like [`generate`], and keeps the renderer's state for partial re-renders.
pub fn generate_live(opts: &BuildOptions) -> (Option<Generated>, Diagnostics) {
    generate_with(opts, true)
}

fn generate_with(opts: &BuildOptions, keep: bool) -> (Option<Generated>, Diagnostics) {
    let mut t = Instant::now();
    let mut timings = Timings::default();
    let cfg = match config::load(&opts.root, opts.base_url.as_deref()) {
        Ok(c) => c,
        Err(d) => return (None, d),
    };
    let sink = MemSink::default();
    let mode = if keep { Mode::Live } else { Mode::Memory };
    let (mut g, mut diags, _) = run(opts, &sink, &mut t, &mut timings, cfg, None, mode);
    g.files = sink.into_files();
    check_duplicates(&g.config, &g.files, &mut diags);
    (Some(g), diags)
}

/// A site-level static file that has the same path as a generated one.
fn check_duplicates(cfg: &SiteConfig, files: &[OutputFile], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &OutputFile> = HashMap::new();
    for f in files {
        if let Some(prev) = seen.insert(f.path.as_str(), f) {
            let source = match (&f.data, &prev.data) {
                (Data::Copy(p), _) | (_, Data::Copy(p)) => crate::diag::rel(&cfg.root, p),
                _ => PathBuf::from(&f.path),
            };
            diags.push(duplicate(source, &f.path));
        }
    }
}

pub fn duplicate(source: PathBuf, path: &str) -> Diagnostic {
    Diagnostic::error(
        source,
        1,
        1,
        format!("two files would be written to `{path}`"),
    )
    .with_hint("rename or remove the file in static/ that has the same path as a generated page")
}

/// Builds the site into a fresh folder beside the output folder, writing each file as soon
/// as it is rendered, and swaps it in when there are no errors.
pub fn build(opts: &BuildOptions) -> (Option<Generated>, Diagnostics) {
    let mut t = Instant::now();
    let mut timings = Timings::default();
    let cfg = match config::load(&opts.root, opts.base_url.as_deref()) {
        Ok(c) => c,
        Err(d) => return (None, d),
    };
    let configured = opts
        .output
        .clone()
        .unwrap_or_else(|| cfg.output_dir.clone());
    let out = match output::resolve_output_dir(&cfg.root, &configured, opts.allow_outside_output) {
        Ok(o) => o,
        Err(d) => {
            let mut diags = Diagnostics::new();
            diags.push(d);
            return (None, diags);
        }
    };
    let manifest_path = cache::manifest_path(&cfg.root, &out);
    // The previous manifest only counts when the previous site it describes is still there.
    let mut previous = if out.is_dir() {
        cache::Manifest::load(&manifest_path)
    } else {
        cache::Manifest::default()
    };
    // The site before the previous one, kept by the last build: updated in place of a fresh
    // folder when the manifest says what it holds.
    let staging = output::Staging {
        dir: cache::staging_path(&cfg.root, &out),
        files: previous.staged.take(),
    };
    let sink = match output::DiskSink::create(&out, Some(staging)) {
        Ok(s) => s,
        Err(e) => {
            let mut diags = Diagnostics::new();
            diags.push(Diagnostic::error(
                configured,
                1,
                1,
                format!("cannot create the output folder: {e}"),
            ));
            return (None, diags);
        }
    };
    let (mut g, mut diags, mut manifest) = run(
        opts,
        &sink,
        &mut t,
        &mut timings,
        cfg,
        Some(&previous),
        Mode::Disk,
    );
    if diags.has_errors() {
        // The output folder stays as it was, and so does the manifest that describes it; the
        // folder written into is kept for the next build.
        if previous.is_known() {
            previous.staged = sink.discard();
            let _ = previous.save(&manifest_path);
        }
        return (Some(g), diags);
    }
    // From the swap until the new manifest is saved, no manifest: an interrupted run only
    // costs the next build its speed.
    let _ = std::fs::remove_file(&manifest_path);
    match sink.commit() {
        Err(e) => diags.push(
            Diagnostic::error(configured, 1, 1, format!("cannot write the site: {e}"))
                .with_hint("the previous site was left as it was"),
        ),
        Ok(kept) => {
            manifest.files = kept.files;
            // The folder now kept holds the previous site, whose files the old manifest knew.
            manifest.staged = match kept.staged {
                Some(_) if previous.is_known() => Some(std::mem::take(&mut previous.files)),
                _ => None,
            };
            drop(previous);
            let _ = manifest.save(&manifest_path);
            cache::remove_old_manifests(&g.config.root);
        }
    }
    g.timings.mark("swap", &mut t);
    (Some(g), diags)
}

/// With `DASTAN_TRACE` set, prints the resident and peak memory at the end of each stage.
pub(crate) fn trace_mem(label: &str) {
    if std::env::var_os("DASTAN_TRACE").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    // User and system time of the whole process so far (clock ticks, usually 1/100 s).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let ticks: u64 = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|t| t.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    eprintln!(
        "{label:<12} resident {:>5} MiB, peak {:>5} MiB, cpu {:>6.2} s",
        get("VmRSS:"),
        get("VmHWM:"),
        ticks as f64 / 100.0
    );
}
