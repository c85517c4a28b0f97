#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &str| {
    let text = dastan::frontmatter::normalize_newlines(data);
    let path = Path::new("content/reports/x/index.ru.md");
    if let Ok(split) = dastan::frontmatter::split(&text, path) {
        let _ = dastan::frontmatter::parse(&split, path, &["tags".into(), "countries".into()], &jiff::tz::TimeZone::UTC);
    }
});
