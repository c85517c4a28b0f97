//! One module per command. Each returns an exit status: 0 success, 1 content or
//! configuration errors, 2 usage errors.

pub mod build;
pub mod serve;

use crate::diag::Diagnostics;

/// Exit statuses of PRODUCT.md §4.
pub const OK: u8 = 0;
pub const CONTENT_ERROR: u8 = 1;
pub const USAGE_ERROR: u8 = 2;

/// Prints findings to stderr, sorted, once.
pub fn print(diags: &Diagnostics) {
    for d in diags.sorted() {
        eprintln!("{d}");
    }
}

/// A command that does not exist yet in this build.
pub fn not_yet(name: &str) -> u8 {
    eprintln!("error: `dastan {name}` is not available in this version");
    USAGE_ERROR
}
