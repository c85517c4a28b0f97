//! Request paths → files of the built site. Pure functions, so they can be tested and fuzzed:
//! nothing here can name a file outside the site.

/// Decodes `%xx` escapes; `None` for malformed escapes or text that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The site-relative path a request names (`""` for the root, `ru/` for a folder), or `None`
/// when the request tries to leave the site: `..` segments (also encoded), backslashes, NUL,
/// or anything that is not a plain path.
pub fn normalize(request_path: &str) -> Option<String> {
    let path = request_path.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    if decoded.contains(['\\', '\0']) || decoded.chars().any(char::is_control) {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if (decoded.ends_with('/') || decoded.ends_with("/.")) && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// The MIME type for a file name.
pub fn content_type(path: &str) -> &'static str {
    match path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths() {
        assert_eq!(normalize("/").as_deref(), Some(""));
        assert_eq!(normalize("/ru/").as_deref(), Some("ru/"));
        assert_eq!(normalize("/ru/reports/x").as_deref(), Some("ru/reports/x"));
        assert_eq!(normalize("/ru//a/./b/?q=1").as_deref(), Some("ru/a/b/"));
        assert_eq!(normalize("/%D0%B0.jpg").as_deref(), Some("а.jpg"));
    }

    #[test]
    fn traversal_is_refused() {
        for p in [
            "/../etc/passwd",
            "/ru/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/ru/%2e%2e/%2e%2e/x",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "etc/passwd",
            "/C:/Windows",
            "/%zz",
        ] {
            assert_eq!(normalize(p), None, "{p}");
        }
    }
}
