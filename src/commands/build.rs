//! `dastan build`.

use crate::build::{self, BuildOptions};
use crate::cli::BuildArgs;
use std::time::Instant;

pub fn run(a: BuildArgs) -> u8 {
    let started = Instant::now();
    let opts = BuildOptions {
        root: a.root.root,
        output: a.output,
        base_url: a.base_url,
        drafts: a.drafts,
        allow_outside_output: a.allow_outside_output,
        serving: false,
        // A progress line only for people: on a terminal, outside CI.
        progress: super::color_allowed() && std::env::var_os("CI").is_none(),
        no_image_variants: false,
    };
    let (generated, diags) = build::build(&opts);
    super::print(&diags);
    if diags.has_errors() {
        eprintln!(
            "build failed: {} error(s), {} warning(s); the previous site was left as it was",
            diags.error_count(),
            diags.warning_count()
        );
        return super::CONTENT_ERROR;
    }
    if let Some(g) = generated {
        if std::env::var_os("DASTAN_TRACE").is_some() {
            for (stage, d) in &g.timings.stages {
                eprintln!("{stage:<15} {:>8.1} ms", d.as_secs_f64() * 1000.0);
            }
        }
        let per: Vec<String> = g
            .pages_per_language()
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        // One line in CI; the same line for people.
        eprintln!(
            "built {} files ({}) in {} ms",
            g.paths.len(),
            per.join(", "),
            started.elapsed().as_millis()
        );
        // The process ends here: freeing a large site piece by piece would only take time.
        std::mem::forget(g);
    }
    super::OK
}
