#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    if let Some(p) = dastan::serve::path::normalize(data) {
        assert!(!p.split('/').any(|s| s == ".."));
        assert!(!p.starts_with('/') && !p.contains('\\') && !p.contains('\0'));
    }
});
