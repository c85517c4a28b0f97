//! Text from content reaches every context escaped for it.

use crate::support::SiteTest;

const EVIL: &str = "<script>alert(1)</script> \\\"q\\\" 'a' & ]]> </title>";

fn site() -> SiteTest {
    let t = SiteTest::new();
    t.write_bytes("content/reports/x/p.jpg", b"\xff\xd8\xff");
    t.report(
        "x",
        "ru",
        &format!(
            "title: \"{EVIL}\"\ndate: 2025-01-01\nsummary: \"{EVIL}\"\nlocation: \"{EVIL}\"\nevent: \"{EVIL}\"\ntags: [\"{EVIL}\"]\ncover: {{src: p.jpg, alt: \"{EVIL}\", credit: \"{EVIL}\"}}\nsource: {{name: \"{EVIL}\", url: \"https://example.org/?a=1&b=\\\"2\\\"\"}}"
        ),
        "Text <script>alert(2)</script> and <img src=x onerror=alert(3)>.",
    );
    t.build();
    t
}

#[test]
fn html_text_and_attributes() {
    let t = site();
    let html = t.read("ru/reports/x/index.html");
    assert!(
        !html.contains("<script>alert"),
        "no script element from content"
    );
    assert!(
        !html.contains("alert(2)") && !html.contains("onerror"),
        "raw HTML in Markdown is cleaned by default"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    // Inside attributes quotes cannot end the attribute.
    for line in html.lines().filter(|l| {
        l.contains("og:title") || l.contains("name=\"description\"") || l.contains("alt=")
    }) {
        assert!(!line.contains("\"q\""), "{line}");
    }
    assert!(
        html.contains("href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\""),
        "a URL in an attribute is escaped"
    );
}

/// The three policies for raw HTML in Markdown, in built pages.
#[test]
fn raw_html_policies() {
    let body = "Формула H<sub>2</sub>O, <kbd>Ctrl</kbd>.\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n<p onclick=\"steal()\" style=\"position:fixed\">Текст</p>\n\n<script>steal()</script>\n";
    let build = |policy: &str| {
        let t = SiteTest::new();
        if !policy.is_empty() {
            let cfg = std::fs::read_to_string(t.path().join("site.yaml")).unwrap();
            t.write(
                "site.yaml",
                &format!("{cfg}\nmarkdown:\n  raw_html: {policy}\n"),
            );
        }
        t.report("x", "ru", "title: X\ndate: 2025-01-01", body);
        t.build();
        let html = t.read("ru/reports/x/index.html");
        let start = html.find("<div class=\"prose\"").unwrap();
        let end = html[start..].find("</div>").unwrap() + start;
        html[start..end].to_string()
    };
    let clean = build("");
    assert!(clean.contains("H<sub>2</sub>O, <kbd>Ctrl</kbd>"), "{clean}");
    assert!(clean.contains("<p>Текст</p>"), "{clean}");
    for gone in ["iframe", "onclick", "steal", "position:fixed", "<script"] {
        assert!(!clean.contains(gone), "{gone} in {clean}");
    }
    let text = build("escape");
    assert!(
        text.contains("&lt;sub&gt;2&lt;") || text.contains("&lt;sub&gt;2&lt;&#x2F;sub&gt;"),
        "{text}"
    );
    assert!(
        !text.contains("<iframe") && !text.contains("<script"),
        "{text}"
    );
    let trusted = build("trusted");
    assert!(
        trusted.contains("<iframe src=\"https://evil.example/\"></iframe>"),
        "{trusted}"
    );
    assert!(trusted.contains("onclick=\"steal()\""), "{trusted}");
}

#[test]
fn json_ld_cannot_close_its_script() {
    let t = site();
    let html = t.read("ru/reports/x/index.html");
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = html[start..].find("</script>").unwrap() + start;
    let json = &html[start..end];
    assert!(!json.contains('<') && !json.contains('>'), "{json}");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(v["headline"].as_str().unwrap().contains("<script>"));
}

#[test]
fn atom_and_sitemap_are_well_formed() {
    let t = site();
    let feed = t.read("ru/atom.xml");
    assert!(
        !feed.contains("<script>") && !feed.contains("]]>"),
        "{feed}"
    );
    assert!(feed.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let sitemap = t.read("sitemap.xml");
    assert!(sitemap.matches('"').count().is_multiple_of(2));
    assert!(!sitemap.contains("<script>"));
}

#[test]
fn script_addresses_are_refused() {
    let t = SiteTest::new();
    t.report(
        "x",
        "ru",
        "title: a\ndate: 2025-01-01\nsource: {name: s, url: \"javascript:alert(1)\"}",
        "x",
    );
    t.report(
        "y",
        "ru",
        "title: a\ndate: 2025-01-01",
        "[x](javascript:alert(1)) ![y](data:image/png;base64,xx)",
    );
    t.build_fails()
        .stderr_has("content/reports/x/index.ru.md:4:1: error: `source.url: javascript:alert(1)` must be an http(s) address")
        .stderr_has("content/reports/y/index.ru.md:5:1: error: `javascript:` addresses are not allowed in links and images")
        .stderr_has("content/reports/y/index.ru.md:5:26: error: `data:` addresses are not allowed");
}

#[test]
fn urls_from_content_are_slugs() {
    let t = site();
    // The tag's URL is an ASCII slug, whatever its text.
    let html = t.read("ru/reports/x/index.html");
    assert!(
        html.contains("href=\"/ru/tags/script-alert-1-script-q-a-title/\""),
        "{html}"
    );
}
