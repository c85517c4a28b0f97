//! The pipeline, step by step: configuration → content → front matter and links → Markdown,
//! Fluent and templates → files → the output folder.

use crate::config::{self, SiteConfig};
use crate::content;
use crate::diag::{Diagnostic, Diagnostics};
use crate::format::Formats;
use crate::i18n;
use crate::output;
use crate::render::{self, Data, OutputFile};
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
}

/// Time spent in each stage.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn mark(&mut self, name: &'static str, since: &mut Instant) {
        self.stages.push((name, since.elapsed()));
        *since = Instant::now();
    }
}

/// A site generated in memory.
pub struct Generated {
    pub config: SiteConfig,
    pub site: Site,
    pub files: Vec<OutputFile>,
    pub timings: Timings,
}

impl Generated {
    /// Pages per language (HTML files under `<lang>/`).
    pub fn pages_per_language(&self) -> BTreeMap<String, usize> {
        let mut m: BTreeMap<String, usize> = self
            .config
            .languages
            .iter()
            .map(|l| (l.clone(), 0))
            .collect();
        for f in &self.files {
            if f.path.ends_with(".html")
                && let Some((lang, _)) = f.path.split_once('/')
                && let Some(n) = m.get_mut(lang)
            {
                *n += 1;
            }
        }
        m
    }
}

/// Everything `build` does except writing: used by `build`, `check` and `serve`.
pub fn generate(opts: &BuildOptions) -> (Option<Generated>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut timings = Timings::default();
    let mut t = Instant::now();
    let cfg = match config::load(&opts.root, opts.base_url.as_deref()) {
        Ok(c) => c,
        Err(d) => return (None, d),
    };
    let formats = Arc::new(Formats::new(cfg.languages.iter().map(String::as_str)));
    let (i18n, d) = i18n::load(&cfg, formats.clone());
    diags.extend(d);
    let i18n = Arc::new(i18n);
    timings.mark("config+i18n", &mut t);
    let (sources, d) = content::load(&cfg);
    diags.extend(d);
    timings.mark("load", &mut t);
    let (site, d) = site::link(&cfg, &sources, opts.drafts);
    drop(sources);
    diags.extend(d);
    timings.mark("parse+link", &mut t);
    let bodies = render::bodies(&cfg, &site);
    timings.mark("markdown", &mut t);
    let inputs = render::Inputs {
        cfg: &cfg,
        site: &site,
        i18n,
        formats,
        serving: opts.serving,
    };
    let (files, d) = render::render(&inputs, bodies);
    diags.extend(d);
    timings.mark("templates", &mut t);
    check_duplicates(&cfg, &files, &mut diags);
    (
        Some(Generated {
            config: cfg,
            site,
            files,
            timings,
        }),
        diags,
    )
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
            diags.push(
                Diagnostic::error(source, 1, 1, format!("two files would be written to `{}`", f.path))
                    .with_hint("rename or remove the file in static/ that has the same path as a generated page"),
            );
        }
    }
}

/// Generates the site and, when there are no errors, swaps it into the output folder.
pub fn build(opts: &BuildOptions) -> (Option<Generated>, Diagnostics) {
    let (generated, mut diags) = generate(opts);
    let Some(mut g) = generated else {
        return (None, diags);
    };
    if diags.has_errors() {
        return (Some(g), diags);
    }
    let configured = opts
        .output
        .clone()
        .unwrap_or_else(|| g.config.output_dir.clone());
    let out =
        match output::resolve_output_dir(&g.config.root, &configured, opts.allow_outside_output) {
            Ok(o) => o,
            Err(d) => {
                diags.push(d);
                return (Some(g), diags);
            }
        };
    let mut t = Instant::now();
    if let Err(e) = output::write_site(&out, &g.files) {
        diags.push(
            Diagnostic::error(configured, 1, 1, format!("cannot write the site: {e}"))
                .with_hint("the previous site was left as it was"),
        );
    }
    g.timings.mark("write", &mut t);
    (Some(g), diags)
}
