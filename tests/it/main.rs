//! One integration-test binary; a module per feature. See `support` for the harness.

mod browser;
mod support;

mod bad_input;
mod build;
mod check;
mod escaping;
mod i18n;
mod live;
mod publication;
mod quality;
mod random_inputs;
mod serve;
mod tools;
