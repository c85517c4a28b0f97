//! `dastan`: parse the command line, run one command, turn its result into the exit status.
//! 0 success, 1 content or configuration errors, 2 usage errors (clap exits with 2 itself).

use clap::Parser;
use dastan::cli::{Cli, Command};
use dastan::commands;
use std::process::ExitCode;

// Rendering allocates many short-lived strings on every thread; mimalloc is markedly faster
// than the system allocator at that (see README, "Speed").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(a) => commands::build::run(a),
        Command::Serve(a) => commands::serve::run(a),
        Command::Check(a) => commands::check::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::New(c) => commands::new::run(c),
        Command::Init(a) => commands::init::run(a),
        Command::CmsConfig(a) => commands::cms::run(a),
    };
    ExitCode::from(code)
}
