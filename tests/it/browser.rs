//! Minimal helpers for tests in a real browser: a static file server for a built site, and
//! Debian's headless Chromium driven through chromedriver's W3C WebDriver HTTP API.
//!
//! ```ignore
//! let server = StaticServer::start(&site.path().join("public"));
//! let Some(browser) = Browser::start() else { return }; // skipped: no chromium/chromedriver
//! browser.goto(&server.url("/ru/"));
//! let link = browser.find("nav.langs a[hreflang=en]").unwrap();
//! browser.click(&link);
//! assert_eq!(browser.execute("return document.documentElement.lang", &[]), "en");
//! ```
//!
//! A test that needs a browser calls `Browser::start()`, which returns `None` (and says why on
//! stderr) when chromium or chromedriver is missing, unless `DASTAN_REQUIRE_BROWSER=1` is set:
//! then it panics, so that CI cannot pass by skipping. `DASTAN_CHROMIUM` and
//! `DASTAN_CHROMEDRIVER` name other binaries.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// A static file server
// ---------------------------------------------------------------------------------------------

/// Serves a folder on 127.0.0.1 like a static host: `index.html` for folders (and a redirect
/// from `/dir` to `/dir/`), the folder's `404.html` with status 404 for anything missing.
pub struct StaticServer {
    base: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(root: &Path) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let root = root.to_path_buf();
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                std::thread::spawn(move || {
                    let _ = serve_one(stream, &root);
                });
            }
        });
        StaticServer {
            base: format!("http://127.0.0.1:{port}"),
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The absolute URL of a path on the server (`/ru/` → `http://127.0.0.1:PORT/ru/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_one(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path);
    let (status, location, file) = if decoded.split('/').any(|s| s == "..") {
        ("400 Bad Request", None, None)
    } else {
        let full = root.join(decoded.trim_start_matches('/'));
        if full.is_dir() && !decoded.ends_with('/') {
            ("301 Moved Permanently", Some(format!("{path}/")), None)
        } else if full.is_dir() && full.join("index.html").is_file() {
            ("200 OK", None, Some(full.join("index.html")))
        } else if full.is_file() {
            ("200 OK", None, Some(full))
        } else {
            let missing = root.join("404.html");
            ("404 Not Found", None, missing.is_file().then_some(missing))
        }
    };
    let body = match &file {
        Some(f) => std::fs::read(f)?,
        None => Vec::new(),
    };
    let kind = file.as_deref().map(content_type).unwrap_or("text/plain");
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    )?;
    if let Some(l) = location {
        write!(out, "Location: {l}\r\n")?;
    }
    out.write_all(b"\r\n")?;
    if method != "HEAD" {
        out.write_all(&body)?;
    }
    out.flush()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// `%D0%B0` → `а`; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(hex) = std::str::from_utf8(&b[i + 1..i + 3])
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Chromium through chromedriver
// ---------------------------------------------------------------------------------------------

/// The flags every test browser runs with.
pub const CHROME_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
];

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A reference to an element of the current page.
#[derive(Clone, Debug)]
pub struct Element(pub String);

/// One entry of the browser's console log (`level` is `SEVERE`, `WARNING`, `INFO`, …).
#[derive(Clone, Debug)]
pub struct LogEntry {
    pub level: String,
    pub source: String,
    pub message: String,
}

/// A headless Chromium session. Dropping it ends the session and the driver.
pub struct Browser {
    agent: ureq::Agent,
    driver: Child,
    endpoint: String,
    session: String,
    _profile: tempfile::TempDir,
}

/// Whether tests must fail rather than skip when there is no browser.
pub fn browser_required() -> bool {
    std::env::var("DASTAN_REQUIRE_BROWSER").is_ok_and(|v| v == "1" || v == "true")
}

fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium, or `None` when either is missing
    /// (a note goes to stderr) — unless `DASTAN_REQUIRE_BROWSER=1`, which makes that a panic.
    pub fn start() -> Option<Browser> {
        let chromium = find_program(
            "DASTAN_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let driver = find_program("DASTAN_CHROMEDRIVER", &["chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            let note =
                "chromium or chromedriver not found (apt-get install chromium chromium-driver)";
            if browser_required() {
                panic!("DASTAN_REQUIRE_BROWSER=1 but {note}");
            }
            eprintln!("note: browser test skipped: {note}");
            return None;
        };
        Some(Browser::launch(&chromium, &driver))
    }

    fn launch(chromium: &Path, driver_bin: &Path) -> Browser {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let profile = tempfile::tempdir().unwrap();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_bin.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let mut b = Browser {
            agent,
            driver,
            endpoint: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = b
                .agent
                .get(format!("{}/status", b.endpoint))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut args: Vec<String> = CHROME_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", b._profile.path().display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let v = b.send("POST", "/session", Some(caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        b
    }

    /// A raw WebDriver command: `path` is relative to the session (`/url`, `/element`, …) or,
    /// starting with `/session`, absolute. Returns the response's `value`; panics on an error.
    pub fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path.starts_with("/session") && self.session.is_empty() {
            format!("{}{path}", self.endpoint)
        } else {
            format!("{}/session/{}{path}", self.endpoint, self.session)
        };
        let response = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self.agent.post(&url).send_json(body.unwrap_or(json!({}))),
        };
        let mut response =
            response.unwrap_or_else(|e| panic!("WebDriver {method} {path} failed: {e}"));
        let status = response.status().as_u16();
        let v: Value = response
            .body_mut()
            .read_json()
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: bad response: {e}"));
        if status >= 400 || v["value"].get("error").is_some_and(|e| !e.is_null()) {
            panic!(
                "WebDriver {method} {path}: {} {}",
                v["value"]["error"], v["value"]["message"]
            );
        }
        v["value"].clone()
    }

    /// Opens a URL and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.send("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn current_url(&self) -> String {
        self.send("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs JavaScript in the page (`return …` gives the value); `args` are `arguments[i]`.
    pub fn execute(&self, script: &str, args: &[Value]) -> Value {
        self.send(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The first element matching a CSS selector, if any.
    pub fn find(&self, css: &str) -> Option<Element> {
        self.find_all(css).into_iter().next()
    }

    /// Every element matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.send(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn click(&self, el: &Element) {
        self.send("POST", &format!("/element/{}/click", el.0), None);
    }

    /// Types text into an element (a WebDriver key code such as `\u{E007}` for Enter works too).
    pub fn send_keys(&self, el: &Element, text: &str) {
        self.send(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        );
    }

    /// An attribute as written in the HTML (`href` as written, not resolved).
    pub fn attribute(&self, el: &Element, name: &str) -> Option<String> {
        self.send("GET", &format!("/element/{}/attribute/{name}", el.0), None)
            .as_str()
            .map(str::to_string)
    }

    /// A DOM property (`href` resolved to an absolute URL, `value`, …).
    pub fn property(&self, el: &Element, name: &str) -> Value {
        self.send("GET", &format!("/element/{}/property/{name}", el.0), None)
    }

    /// The rendered text of an element.
    pub fn text(&self, el: &Element) -> String {
        self.send("GET", &format!("/element/{}/text", el.0), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// `document.documentElement.lang` of the current page.
    pub fn page_lang(&self) -> String {
        self.execute("return document.documentElement.lang", &[])
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The console entries logged since the last call (console messages, uncaught errors,
    /// failed resource loads), through chromedriver's `/se/log` with `goog:loggingPrefs`.
    pub fn console(&self) -> Vec<LogEntry> {
        let v = self.send("POST", "/se/log", Some(json!({ "type": "browser" })));
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|e| LogEntry {
                        level: e["level"].as_str().unwrap_or_default().to_string(),
                        source: e["source"].as_str().unwrap_or_default().to_string(),
                        message: e["message"].as_str().unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    pub fn wait_for(&self, timeout: Duration, mut condition: impl FnMut(&Browser) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if condition(self) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.endpoint, self.session);
            let _ = self.agent.delete(&url).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Reads a whole stream (for tests that fetch from the static server without a browser).
pub fn http_get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.get(url).call().expect("GET");
    let status = r.status().as_u16();
    let mut body = String::new();
    let _ = r.body_mut().as_reader().read_to_string(&mut body);
    (status, body)
}
