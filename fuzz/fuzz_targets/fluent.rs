#![no_main]
use dastan::i18n::{Arg, format_all};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let args = [("count", Arg::Num(3.0)), ("name", Arg::Str("x".into())), ("date", Arg::Str("2025-04-28".into()))];
    for lang in ["ru", "kk"] {
        let _ = format_all(lang, data, &args);
    }
});
