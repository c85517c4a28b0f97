//! One module per command. Each returns an exit status: 0 success, 1 content or
//! configuration errors, 2 usage errors.

pub mod build;
pub mod check;
pub mod cms;
pub mod init;
pub mod new;
pub mod serve;
pub mod status;

use crate::diag::Diagnostics;

/// Exit statuses of PRODUCT.md §4.
pub const OK: u8 = 0;
pub const CONTENT_ERROR: u8 = 1;
pub const USAGE_ERROR: u8 = 2;

/// Whether to color what goes to stderr: a terminal, and no `NO_COLOR`.
pub fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && color_allowed()
}

/// Whether stderr is a terminal (progress lines and colors make sense there).
pub fn color_allowed() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// Prints findings to stderr, sorted, once; in color on a terminal.
pub fn print(diags: &Diagnostics) {
    let color = color();
    for d in diags.sorted() {
        let text = d.to_string();
        if !color {
            eprintln!("{text}");
            continue;
        }
        let (label, code) = match d.severity {
            crate::diag::Severity::Error => (": error: ", "\x1b[1;31m"),
            crate::diag::Severity::Warning => (": warning: ", "\x1b[1;33m"),
        };
        let colored = match text.split_once(label) {
            Some((loc, rest)) => format!(
                "\x1b[1m{loc}\x1b[0m: {code}{}\x1b[0m: {rest}",
                label.trim_matches([':', ' '])
            ),
            None => text,
        };
        eprintln!(
            "{}",
            colored.replace("\n  hint:", "\n  \x1b[36mhint:\x1b[0m")
        );
    }
}
