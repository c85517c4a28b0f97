#![no_main]
use dastan::markdown::{KeepAll, MdInput, render};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &str| {
    for lang in ["ru", "en", "kk", "uz"] {
        let input = MdInput { body: data, body_line: 3, path: Path::new("x.md"), lang, raw_html: dastan::markdown::RawHtml::Sanitize };
        let _ = render(&input, &KeepAll);
    }
});
