//! `dastan serve`: live preview from memory, errors in the browser, safe paths.

use crate::support::{SiteTest, bin};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(t: &SiteTest) -> Server {
    let mut child = Command::new(bin())
        .args(["serve", "--port", "0"])
        .current_dir(t.path())
        .env("NO_COLOR", "1")
        .env("DASTAN_LANG", "ru")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    // Keep reading stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// A raw HTTP/1.1 GET (the path is sent exactly as given): (status, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn wait_for(addr: &str, path: &str, pred: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (_, body) = get(addr, path);
        if pred(&body) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting on {path}:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn changes_are_served_errors_shown_and_recovered() {
    let t = SiteTest::new();
    t.report(
        "a",
        "ru",
        "title: Первая версия\ndate: 2025-01-01",
        "Текст.",
    );
    let s = start(&t);
    let (status, body) = get(&s.addr, "/ru/reports/a/");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Первая версия</h1>"));
    assert!(
        body.contains("livereload"),
        "the reload script is injected when serving"
    );

    t.report(
        "a",
        "ru",
        "title: Вторая версия\ndate: 2025-01-01",
        "Текст.",
    );
    wait_for(&s.addr, "/ru/reports/a/", |b| {
        b.contains("<h1>Вторая версия</h1>")
    });

    // A broken save: the error is shown over the last good page.
    t.write("content/reports/a/index.ru.md", "---\ntitle: [\n---\n");
    let body = wait_for(&s.addr, "/ru/reports/a/", |b| b.contains("dastan-errors"));
    assert!(
        body.contains("content/reports/a/index.ru.md:3:1: error:"),
        "{body}"
    );
    assert!(
        body.contains("<h1>Вторая версия</h1>"),
        "the last good version stays"
    );
    assert!(
        body.contains("В последнем сохранении есть ошибки"),
        "the overlay speaks the editor's language: {body}"
    );

    // Fixed: the overlay goes away.
    t.report(
        "a",
        "ru",
        "title: Третья версия\ndate: 2025-01-01",
        "Текст.",
    );
    let body = wait_for(&s.addr, "/ru/reports/a/", |b| {
        b.contains("<h1>Третья версия</h1>")
    });
    assert!(!body.contains("dastan-errors"));

    // A template and a message: every page shows them without a restart.
    let tpl = "themes/default/templates/report.html";
    let text = std::fs::read_to_string(t.path().join(tpl)).unwrap();
    t.write(
        tpl,
        &text.replace("</article>", "<p>template-changed</p></article>"),
    );
    wait_for(&s.addr, "/ru/reports/a/", |b| {
        b.contains("template-changed")
    });
    let ftl = "themes/default/i18n/ru/theme.ftl";
    let text = std::fs::read_to_string(t.path().join(ftl)).unwrap();
    t.write(
        ftl,
        &text.replace("nav-home = Главная", "nav-home = Начало"),
    );
    wait_for(&s.addr, "/ru/", |b| b.contains(">Начало<"));

    // A broken template: the error with its file and line, the last good page kept.
    t.write(
        tpl,
        &text_with_error(&std::fs::read_to_string(t.path().join(tpl)).unwrap()),
    );
    let body = wait_for(&s.addr, "/ru/reports/a/", |b| b.contains("dastan-errors"));
    assert!(
        body.contains("themes/default/templates/report.html:"),
        "{body}"
    );
    assert!(body.contains("template-changed"));
}

fn text_with_error(template: &str) -> String {
    template.replace("</article>", "{% if %}</article>")
}

#[test]
fn only_files_of_the_site_are_served() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "x");
    t.write("secret.txt", "do not serve");
    let s = start(&t);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/ru/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/site.yaml",
        "/content/reports/a/index.ru.md",
    ] {
        let (status, body) = get(&s.addr, path);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("do not serve") && !body.contains("root:"),
            "{path}"
        );
    }
    // Unknown paths get the 404 page of their language.
    let (status, body) = get(&s.addr, "/kk/no-such-page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"kk\""));
    // A folder without its slash is redirected.
    let (status, _) = get(&s.addr, "/ru/reports/a");
    assert_eq!(status, 301);
}

#[test]
fn the_build_output_has_no_reload_script() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "x");
    t.build();
    for f in t.files().iter().filter(|f| f.ends_with(".html")) {
        assert!(!t.read(f).contains("livereload"), "{f}");
        assert!(!t.read(f).contains("__dastan"), "{f}");
    }
}

#[test]
fn a_stylesheet_change_is_swapped_in_without_a_reload() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "x");
    let s = start(&t);
    let (_, page) = get(&s.addr, "/ru/reports/a/");
    assert!(
        page.contains("/__dastan/restyle"),
        "the restyle script is there"
    );
    let old = page
        .split("href=\"")
        .map(|x| x.split('"').next().unwrap_or(""))
        .find(|h| h.ends_with(".css"))
        .expect("a stylesheet")
        .to_string();
    // Listen for the swap, then change the stylesheet.
    let mut events = TcpStream::connect(&s.addr).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        events,
        "GET /__dastan/restyle HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let css = "themes/default/static/style.css";
    let text = std::fs::read_to_string(t.path().join(css)).unwrap();
    t.write(css, &format!("{text}\n.changed{{color:red}}\n"));
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    let start = Instant::now();
    while !got
        .split("data: ")
        .nth(1)
        .is_some_and(|x| x.contains("\n\n"))
    {
        assert!(start.elapsed() < Duration::from_secs(10), "no event: {got}");
        match events.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(_) => break,
        }
    }
    assert!(got.contains(&format!("[\"{old}\",\"")), "{got}");
    let new = got
        .split(&format!("[\"{old}\",\""))
        .nth(1)
        .and_then(|x| x.split('"').next())
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    let (status, body) = get(&s.addr, &new);
    assert_eq!(status, 200);
    assert!(body.contains(".changed"));
    // Pages asked for afterwards link the new stylesheet.
    wait_for(&s.addr, "/ru/reports/a/", |b| b.contains(&new));
}

#[test]
fn many_concurrent_requests_and_disconnects() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "x");
    let s = start(&t);
    let addr = s.addr.clone();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                for j in 0..20 {
                    if (i + j) % 5 == 0 {
                        // A client that goes away mid-request.
                        let mut s = TcpStream::connect(&addr).unwrap();
                        let _ = s.write_all(b"GET /ru/ HTTP/1.1\r\nHost: x\r\n");
                        continue;
                    }
                    assert_eq!(get(&addr, "/ru/reports/a/").0, 200);
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    assert_eq!(get(&addr, "/ru/").0, 200, "still serving");
}

/// Slow clients (a request sent a byte at a time, a response read a few bytes at a time) do not
/// hold up anyone else, and each still gets its whole page.
#[test]
fn slow_clients_do_not_block_others() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "Текст.");
    let s = start(&t);
    let slow: Vec<_> = (0..8)
        .map(|_| {
            let addr = s.addr.clone();
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(&addr).unwrap();
                for b in b"GET /ru/reports/a/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" {
                    c.write_all(&[*b]).unwrap();
                    std::thread::sleep(Duration::from_millis(5));
                }
                let mut page = Vec::new();
                let mut buf = [0u8; 64];
                loop {
                    match c.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => page.extend_from_slice(&buf[..n]),
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                String::from_utf8_lossy(&page).into_owned()
            })
        })
        .collect();
    // Meanwhile, ordinary requests are answered at once.
    for _ in 0..20 {
        let started = Instant::now();
        assert_eq!(get(&s.addr, "/ru/").0, 200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "blocked by slow clients"
        );
    }
    for th in slow {
        let page = th.join().unwrap();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(
            page.contains("</html>"),
            "the whole page reaches a slow reader"
        );
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_thousand_rapid_saves_and_a_deleted_content_folder() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: Начало\ndate: 2025-01-01", "Текст.");
    let s = start(&t);
    let pid = s.child.id();
    let rss_before = rss_kib(pid);
    for i in 0..1000 {
        let front = if i % 97 == 13 {
            // Now and then a broken save in the middle of the burst.
            "title: [\ndate: 2025-01-01".to_string()
        } else {
            format!("title: Версия {i}\ndate: 2025-01-01")
        };
        t.report("a", "ru", &front, "Текст.");
    }
    t.report("a", "ru", "title: Последняя\ndate: 2025-01-01", "Текст.");
    let body = wait_for(&s.addr, "/ru/reports/a/", |b| {
        b.contains("<h1>Последняя</h1>") && !b.contains("dastan-errors")
    });
    assert!(body.contains("Текст."));
    let rss_after = rss_kib(pid);
    assert!(
        rss_after < rss_before + 100 * 1024,
        "memory grew from {rss_before} KiB to {rss_after} KiB"
    );

    // The whole content/ folder deleted: the site is empty, the server keeps running.
    t.remove("content");
    wait_for(&s.addr, "/ru/reports/a/", |b| !b.contains("Последняя"));
    let (status, _) = get(&s.addr, "/ru/");
    assert_eq!(status, 200);
    // And back.
    t.report("a", "ru", "title: Снова\ndate: 2025-01-01", "Текст.");
    wait_for(&s.addr, "/ru/reports/a/", |b| b.contains("<h1>Снова</h1>"));
}
