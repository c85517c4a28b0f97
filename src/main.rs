//! `dastan`: one dispatch; errors become exit codes in one place.
//! 0 success, 1 content or configuration errors, 2 usage errors (clap's own).

use clap::Parser;
use dastan::build::{self, BuildOptions};
use dastan::diag::Diagnostics;
use std::process::ExitCode;
use std::time::Instant;

mod cli;

fn print(diags: &Diagnostics) {
    for d in diags.sorted() {
        eprintln!("{d}");
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Build(a) => {
            let started = Instant::now();
            let opts = BuildOptions {
                root: a.root.root,
                output: a.output,
                base_url: a.base_url,
                drafts: a.drafts,
                allow_outside_output: a.allow_outside_output,
                serving: false,
            };
            let (generated, diags) = build::build(&opts);
            print(&diags);
            if diags.has_errors() {
                eprintln!(
                    "build failed: {} error(s), {} warning(s); the previous site was left as it was",
                    diags.error_count(),
                    diags.warning_count()
                );
                return ExitCode::from(1);
            }
            if let Some(g) = generated {
                let per: Vec<String> = g.pages_per_language().iter().map(|(l, n)| format!("{l} {n}")).collect();
                eprintln!(
                    "built {} files ({}) in {} ms",
                    g.files.len(),
                    per.join(", "),
                    started.elapsed().as_millis()
                );
            }
            ExitCode::SUCCESS
        }
    }
}
