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
        Command::Build(a) => {
            keep_freed_memory();
            commands::build::run(a)
        }
        Command::Serve(a) => commands::serve::run(a),
        Command::Check(a) => commands::check::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::New(c) => commands::new::run(c),
        Command::Init(a) => commands::init::run(a),
        Command::CmsConfig(a) => commands::cms::run(a),
    };
    ExitCode::from(code)
}

/// `mi_option_purge_delay` in mimalloc.h (mimalloc 3, as libmimalloc-sys builds it).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// A build is one batch: memory freed by one stage is soon needed by the next, so mimalloc is
/// told to keep it instead of returning it to the system, which would zero it again when it
/// is taken back (with transparent huge pages, two megabytes at a time). Not for `serve`, a
/// long-running process that should give memory back.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's options; any value is valid (-1: never purge).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_meant() {
        // mimalloc 3's default purge delay is 1000 ms (options.c): the number names the right
        // option.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads one of mimalloc's options.
            let v = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
            assert_eq!(v, 1000);
        }
    }
}
