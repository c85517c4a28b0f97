#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    for lang in ["ru", "en", "kk", "uz"] {
        let s = dastan::slug::slugify_nonempty(data, lang);
        assert!(!s.is_empty());
        assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    }
});
