//! The sample site checked as a reader's browser sees it: the language switcher, the console,
//! and every internal link. The browser tests skip when chromium or chromedriver is missing,
//! unless `DASTAN_REQUIRE_BROWSER=1` (see `browser`). `.ci/quality.sh` adds the W3C HTML
//! validator and Lighthouse.

use crate::browser::{Browser, StaticServer, percent_decode};
use crate::support::{SiteTest, repo};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The sample site, built.
fn built_sample() -> SiteTest {
    let site = SiteTest::sample();
    site.build();
    site
}

/// Every HTML file of the built site as a URL path (`ru/index.html` → `/ru/`).
fn html_pages(site: &SiteTest) -> Vec<String> {
    site.files()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| match f.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{f}"),
        })
        .collect()
}

/// The site's languages, from the built root page's `hreflang` alternates.
fn languages(site: &SiteTest) -> Vec<String> {
    let root = site.read("index.html");
    attributes(&root)
        .into_iter()
        .filter(|(tag, name, _)| tag == "link" && name == "hreflang")
        .map(|(_, _, v)| v)
        .filter(|v| v != "x-default")
        .collect()
}

/// Report pages: `/<lang>/reports/<slug>/`, with their language and slug.
fn report_pages(site: &SiteTest) -> Vec<(String, String, String)> {
    html_pages(site)
        .into_iter()
        .filter_map(|p| {
            let parts: Vec<&str> = p.trim_matches('/').split('/').collect();
            match parts.as_slice() {
                [lang, "reports", slug] => Some((p.clone(), lang.to_string(), slug.to_string())),
                _ => None,
            }
        })
        .collect()
}

fn sample_has_reports() -> bool {
    let dir = repo().join("content/reports");
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}

/// (a) The language switcher leads to the same report in the other language. For every report
/// (and the home pages), the test starts on its page in the first language it exists in and
/// clicks its way round all its translations and back (ru → en → kk → uz → ru): each click must
/// land on the same slug with `<html lang>` of the language clicked. On every page on the way,
/// each other language must be a link to that language's page of the same report when it exists,
/// and marked missing when it does not; its own language is marked current.
#[test]
fn language_switcher_leads_to_the_same_report() {
    let site = built_sample();
    let server = StaticServer::start(&site.path().join("public"));
    let Some(browser) = Browser::start() else {
        return;
    };
    let langs = languages(&site);
    assert!(langs.len() > 1, "the sample site has several languages");
    let reports = report_pages(&site);
    if sample_has_reports() {
        assert!(!reports.is_empty(), "the sample site's reports were built");
    } else {
        eprintln!("note: the sample site has no reports yet; checking the home pages only");
    }
    // Each bundle by its slug, with the languages it exists in, in the site's order; "" stands
    // for the home pages.
    let mut bundles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    bundles.insert(String::new(), langs.clone());
    for (_, lang, slug) in &reports {
        bundles.entry(slug.clone()).or_default().push(lang.clone());
    }
    let page_of = |lang: &str, slug: &str| {
        if slug.is_empty() {
            format!("/{lang}/")
        } else {
            format!("/{lang}/reports/{slug}/")
        }
    };
    let mut failures = Vec::new();
    let (mut clicks, mut pages) = (0, 0);
    for (slug, present) in &mut bundles {
        present.sort_by_key(|l| langs.iter().position(|x| x == l));
        browser.goto(&server.url(&page_of(&present[0], slug)));
        for (i, lang) in present.iter().enumerate() {
            let here = page_of(lang, slug);
            pages += 1;
            let current = format!("nav.langs [aria-current=\"page\"][lang=\"{lang}\"]");
            if browser.find(&current).is_none() {
                failures.push(format!(
                    "{here}: the switcher does not mark {lang} as current"
                ));
            }
            for other in langs.iter().filter(|l| *l != lang) {
                let link = browser.find(&format!("nav.langs a[hreflang=\"{other}\"]"));
                let href = link
                    .as_ref()
                    .and_then(|a| browser.property(a, "href").as_str().map(str::to_string));
                let expected = server.url(&page_of(other, slug));
                if present.contains(other) {
                    if href.as_deref() != Some(expected.as_str()) {
                        failures.push(format!(
                            "{here}: the {other} link is {href:?}, not {expected}"
                        ));
                    }
                } else if link.is_some()
                    && !site.exists(&format!("{}index.html", &page_of(other, slug)[1..]))
                {
                    failures.push(format!(
                        "{here}: a {other} link to {href:?}, a missing page"
                    ));
                } else if link.is_none()
                    && browser
                        .find(&format!("nav.langs .missing[lang=\"{other}\"]"))
                        .is_none()
                {
                    failures.push(format!(
                        "{here}: {other} is neither linked nor marked missing"
                    ));
                }
            }
            // Click on to the next translation, and from the last back to the first.
            if present.len() < 2 {
                continue;
            }
            let next = &present[(i + 1) % present.len()];
            let Some(link) = browser.find(&format!("nav.langs a[hreflang=\"{next}\"]")) else {
                failures.push(format!("{here}: no {next} link to click; stopped here"));
                break;
            };
            browser.click(&link);
            clicks += 1;
            let arrived = browser.wait_for(Duration::from_secs(10), |b| &b.page_lang() == next);
            let url = browser.current_url();
            let landed = url.strip_prefix(server.base()).unwrap_or(&url).to_string();
            if !arrived || landed != page_of(next, slug) {
                failures.push(format!(
                    "{here} → {next}: landed on {landed} with lang {:?}, not on {}",
                    browser.page_lang(),
                    page_of(next, slug)
                ));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "language switcher ({clicks} clicks):\n{}",
        failures.join("\n")
    );
    eprintln!(
        "language switcher: {} reports and the home pages, {pages} pages, {clicks} clicks",
        bundles.len() - 1
    );
}

/// (b) No page logs a console error: no script error, no failed request (a missing image,
/// font or stylesheet shows up here as `Failed to load resource`), no CSP or mixed content.
/// The log comes from chromedriver's `/se/log` (`goog:loggingPrefs: {browser: ALL}`).
#[test]
fn no_console_errors_on_any_page() {
    let site = built_sample();
    let server = StaticServer::start(&site.path().join("public"));
    let Some(browser) = Browser::start() else {
        return;
    };
    // The log works: a deliberate error is seen.
    browser.goto(&server.url("/"));
    browser.execute("console.error('dastan-probe')", &[]);
    let probe = browser.console();
    assert!(
        probe.iter().any(|e| e.message.contains("dastan-probe")),
        "the browser log is readable: {probe:?}"
    );
    let pages = html_pages(&site);
    let mut errors = Vec::new();
    let mut warnings = 0;
    for page in &pages {
        browser.goto(&server.url(page));
        for entry in browser.console() {
            if entry.level == "SEVERE" {
                errors.push(format!("{page}: [{}] {}", entry.source, entry.message));
            } else if entry.level == "WARNING" {
                warnings += 1;
                eprintln!("note: {page}: console warning: {}", entry.message);
            }
        }
    }
    assert!(
        errors.is_empty(),
        "console errors on {} of {} pages:\n{}",
        errors.len(),
        pages.len(),
        errors.join("\n")
    );
    eprintln!(
        "console: {} pages, no errors, {warnings} warnings",
        pages.len()
    );
}

/// (c) Every link and resource that points into the site exists in `public/`: `href`, `src`,
/// `srcset`, `poster`, `action`, Open Graph URLs, and the sitemap's and feeds' URLs; a
/// `#fragment` names an `id` of its page.
#[test]
fn no_broken_internal_links() {
    let site = built_sample();
    let public = site.path().join("public");
    let base_url = base_url(site.path());
    let pages: BTreeSet<String> = site.files().into_iter().collect();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut ids_of = |file: &str| -> BTreeSet<String> {
        ids.entry(file.to_string())
            .or_insert_with(|| {
                let html = std::fs::read_to_string(public.join(file)).unwrap_or_default();
                attributes(&html)
                    .into_iter()
                    .filter(|(_, n, _)| n == "id" || n == "name")
                    .map(|(_, _, v)| v)
                    .collect()
            })
            .clone()
    };
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in &pages {
        let kind = file.rsplit('.').next().unwrap_or("");
        let text = match kind {
            "html" | "xml" => std::fs::read_to_string(public.join(file)).unwrap(),
            _ => continue,
        };
        let dir = format!("/{}", &file[..file.rfind('/').map_or(0, |i| i + 1)]);
        for url in linked_urls(kind, &text) {
            let Some((path, fragment)) = internal(&url, &base_url, &dir) else {
                continue;
            };
            checked += 1;
            let target = if path.is_empty() {
                Some(file.clone())
            } else {
                resolve(&public, &path)
            };
            match target {
                None => broken.push(format!("{file}: {url} (no {path})")),
                Some(t) if !fragment.is_empty() && t.ends_with(".html") => {
                    if !ids_of(&t).contains(&percent_decode(&fragment)) {
                        broken.push(format!("{file}: {url} (no id {fragment:?} in {t})"));
                    }
                }
                Some(_) => {}
            }
        }
    }
    assert!(checked > 0, "links were found");
    assert!(
        broken.is_empty(),
        "{} broken internal links of {checked}:\n{}",
        broken.len(),
        broken.join("\n")
    );
    eprintln!(
        "links: {checked} internal links in {} files, none broken",
        pages.len()
    );
}

/// The check's own parsing, on a page with every kind of link.
#[test]
fn link_checker_finds_links() {
    let html = r##"<!doctype html><html><head><link rel="stylesheet" href="/s.css">
<meta property="og:image" content="https://ex.org/a.jpg"><script>var x = '<a href="/no">';</script></head>
<body><a href='rel/'>x</a> <img src="i.jpg" srcset="i-480.jpg 480w, /i-960.jpg 960w" alt="">
<!-- <a href="/commented"> --><a href="#top" id=top>t</a><a href="mailto:a@b">m</a></body></html>"##;
    let urls = linked_urls("html", html);
    assert_eq!(
        urls,
        [
            "/s.css",
            "https://ex.org/a.jpg",
            "rel/",
            "i.jpg",
            "i-480.jpg",
            "/i-960.jpg",
            "#top",
            "mailto:a@b"
        ]
    );
    let base = "https://ex.org/".to_string();
    assert_eq!(
        internal("https://ex.org/a.jpg", &base, "/ru/"),
        Some(("/a.jpg".into(), String::new()))
    );
    assert_eq!(
        internal("../x/#f", &base, "/ru/reports/a/"),
        Some(("/ru/reports/x/".into(), "f".into()))
    );
    assert_eq!(internal("mailto:a@b", &base, "/"), None);
    assert_eq!(internal("https://other.org/", &base, "/"), None);
    assert_eq!(
        internal("#top", &base, "/"),
        Some((String::new(), "top".into()))
    );
}

// ---------------------------------------------------------------------------------------------
// A small HTML scanner: enough for the pages dastan writes (quoted or bare attribute values,
// comments, and script/style contents skipped).
// ---------------------------------------------------------------------------------------------

/// Every attribute of every element, in order: (tag, attribute name, value), names lowercased.
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off;
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        let tag = html[i + 1..j].to_ascii_lowercase();
        // Attributes up to the closing '>'.
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                j += 1;
            }
            let name = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                    value = html[j + 1..end].to_string();
                    j = (end + 1).min(b.len());
                } else {
                    let start = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = html[start..j].to_string();
                }
            }
            if name.is_empty() {
                j += 1;
                continue;
            }
            out.push((tag.clone(), name, unescape(&value)));
        }
        i = j;
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = html[i..].find(&close).map_or(b.len(), |e| i + e);
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The URLs a file links to: attributes of HTML; `<loc>`, `href` and `src` of XML (sitemap, feeds).
fn linked_urls(kind: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if kind == "xml" {
        for part in text.split("<loc>").skip(1) {
            if let Some(end) = part.find("</loc>") {
                out.push(unescape(part[..end].trim()));
            }
        }
        for (_, name, value) in attributes(text) {
            if name == "href" || name == "src" {
                out.push(value);
            }
        }
        return out;
    }
    for (tag, name, value) in attributes(text) {
        match (tag.as_str(), name.as_str()) {
            (_, "href" | "src" | "poster" | "action" | "data") => out.push(value),
            (_, "srcset" | "imagesrcset") => out.extend(
                value
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(str::to_string),
            ),
            ("meta", "content") if value.starts_with("http") || value.starts_with('/') => {
                out.push(value)
            }
            // <meta http-equiv="refresh" content="0; url=…">
            ("meta", "content") if value.to_ascii_lowercase().contains("url=") => {
                let at = value.to_ascii_lowercase().find("url=").unwrap() + 4;
                out.push(value[at..].trim().to_string())
            }
            _ => {}
        }
    }
    out
}

/// An internal URL as (absolute path, fragment); `None` for other sites and schemes. A bare
/// `#fragment` gives an empty path (the page itself).
fn internal(url: &str, base_url: &str, dir: &str) -> Option<(String, String)> {
    let url = url.trim();
    let (url, fragment) = match url.split_once('#') {
        Some((u, f)) => (u, f.to_string()),
        None => (url, String::new()),
    };
    let url = url.split('?').next().unwrap_or("");
    let origin_end = base_url
        .find("://")
        .and_then(|s| base_url[s + 3..].find('/').map(|e| s + 3 + e))
        .unwrap_or(base_url.len());
    let origin = &base_url[..origin_end];
    let path = if url.is_empty() {
        String::new()
    } else if let Some(rest) = url.strip_prefix(origin).filter(|r| r.starts_with('/')) {
        rest.to_string()
    } else if url.contains(':') || url.starts_with("//") {
        return None;
    } else if url.starts_with('/') {
        url.to_string()
    } else {
        format!("{dir}{url}")
    };
    Some((normalize(&path), fragment))
}

/// Removes `.` and `..` segments, keeping a trailing slash.
fn normalize(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let mut segs: Vec<&str> = Vec::new();
    for s in path.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let mut out = format!("/{}", segs.join("/"));
    if path.ends_with('/') && out != "/" {
        out.push('/');
    }
    out
}

/// The file a path is served from, relative to public/, if it exists.
fn resolve(public: &Path, path: &str) -> Option<String> {
    let rel = percent_decode(path.trim_start_matches('/'));
    let full: PathBuf = public.join(&rel);
    if full.is_file() {
        return Some(rel);
    }
    if full.is_dir() && full.join("index.html").is_file() {
        let dir = rel.trim_end_matches('/');
        return Some(if dir.is_empty() {
            "index.html".to_string()
        } else {
            format!("{dir}/index.html")
        });
    }
    None
}

fn base_url(site: &Path) -> String {
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    yaml.lines()
        .find_map(|l| l.strip_prefix("base_url:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        .expect("base_url in site.yaml")
}

/// Search, in a real browser, from the keyboard: a Russian word in another form than in the
/// text finds the report (its title does not have the word), results stay in the page's
/// language, and Kazakh finds words by their beginning.
#[test]
fn search_finds_a_report_by_another_form_of_a_word() {
    let site = built_sample();
    if !site
        .path()
        .join("public/ru/reports/2024-07-10-aral-sea-initiative/index.html")
        .exists()
    {
        eprintln!("note: the sample report this test searches for is not there");
        return;
    }
    let server = StaticServer::start(&site.path().join("public"));
    let Some(browser) = Browser::start() else {
        return;
    };
    let results = |browser: &Browser| -> Vec<String> {
        browser
            .find_all("#search-results a")
            .iter()
            .filter_map(|a| browser.attribute(a, "href"))
            .collect()
    };
    for (lang, query) in [("ru", "саженцы"), ("kk", "көшеттер")] {
        browser.goto(&server.url(&format!("/{lang}/search/")));
        let input = browser.find("#q").expect("the search box");
        browser.click(&input);
        browser.send_keys(&input, &format!("{query}\u{E007}"));
        let found = browser.wait_for(Duration::from_secs(10), |b| {
            results(b)
                .iter()
                .any(|h| h.contains("/reports/2024-07-10-aral-sea-initiative/"))
        });
        let hrefs = results(&browser);
        assert!(
            found,
            "{lang}: `{query}` did not find the report: {hrefs:?}"
        );
        assert!(
            hrefs.iter().all(|h| h.starts_with(&format!("/{lang}/"))),
            "{lang}: results in another language: {hrefs:?}"
        );
        assert!(
            browser.current_url().contains("?q="),
            "the query is in the address"
        );
    }
}
