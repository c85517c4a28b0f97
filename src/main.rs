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
        Command::Check(_) => commands::not_yet("check"),
        Command::Status(_) => commands::not_yet("status"),
        Command::New(_) => commands::not_yet("new"),
        Command::Init(_) => commands::not_yet("init"),
        Command::CmsConfig(_) => commands::not_yet("cms-config"),
    };
    ExitCode::from(code)
}
