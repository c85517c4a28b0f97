#!/usr/bin/env bash
# Every check CI runs: formatting, lints, and the tests.
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test
