//! One integration-test binary; a module per feature. See `support` for the harness.

mod support;

mod build;
mod check;
mod i18n;
mod publication;
mod serve;
mod tools;
