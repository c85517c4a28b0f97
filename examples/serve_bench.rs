//! Benchmark of `dastan serve`: the time from saving a file to the new page being served.
//! Starts the release binary on a site (for example the corpus `bench` keeps), edits one
//! report 20 times and a template 5 times, and prints the medians.
//!
//!     cargo build --release
//!     cargo run --release --example bench -- 10000 1 /dev/shm/c   # make a corpus
//!     cargo run --release --example serve_bench -- /dev/shm/c

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(addr: &str, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// Writes `text` to `file` and waits until `url` shows `marker`: the time it took.
fn save_and_wait(addr: &str, file: &Path, text: &str, url: &str, marker: &str) -> Duration {
    let t = Instant::now();
    std::fs::write(file, text).expect("write");
    loop {
        if get(addr, url).contains(marker) {
            return t.elapsed();
        }
        if t.elapsed() > Duration::from_secs(120) {
            panic!("{url} never showed {marker}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: serve_bench <site>"));
    let exe = std::env::current_exe().expect("exe");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("dastan"))
        .expect("target dir");
    let t = Instant::now();
    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .env("NO_COLOR", "1")
        .env("DASTAN_TRACE", "1")
        .stdout(Stdio::piped())
        .stderr(
            std::fs::File::create("/tmp/serve_bench.err")
                .map(Stdio::from)
                .unwrap_or(Stdio::null()),
        )
        .spawn()
        .expect("start dastan serve (run `cargo build --release` first)");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a line").expect("a line");
    let addr = first
        .split("http://")
        .nth(1)
        .expect("an address")
        .trim_end_matches('/')
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    println!(
        "serving after   {:>8.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    // The newest report of the corpus, in Russian.
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(root.join("content/reports"))
        .expect("content/reports")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("index.ru.md").is_file())
        .collect();
    bundles.sort();
    let bundle = bundles.pop().expect("a report");
    let file = bundle.join("index.ru.md");
    let original = std::fs::read_to_string(&file).expect("read");
    let slug = bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let url = format!("/ru/reports/{slug}/");
    assert!(
        get(&addr, &url).starts_with("HTTP/1.1 200"),
        "{url} is served"
    );

    let mut edits = Vec::new();
    for i in 0..20 {
        let marker = format!("правка{i}x");
        let text = format!("{original}\n{marker}\n");
        edits.push(save_and_wait(&addr, &file, &text, &url, &marker));
        std::thread::sleep(Duration::from_millis(150));
    }
    std::fs::write(&file, &original).expect("restore");
    std::thread::sleep(Duration::from_millis(500));

    let tpl = root.join("themes/default/templates/report.html");
    let tpl_original = std::fs::read_to_string(&tpl).expect("template");
    let mut templates = Vec::new();
    for i in 0..5 {
        let marker = format!("template-edit-{i}");
        let text = tpl_original.replace("</article>", &format!("<p>{marker}</p></article>"));
        templates.push(save_and_wait(&addr, &tpl, &text, &url, &marker));
        std::thread::sleep(Duration::from_millis(300));
    }
    std::fs::write(&tpl, &tpl_original).expect("restore");

    println!(
        "report save     {:>8.1} ms  (median of {}; min {:.1}, max {:.1})",
        median(edits.clone()),
        edits.len(),
        edits.iter().min().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        edits.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
    println!(
        "template save   {:>8.1} ms  (median of {})",
        median(templates.clone()),
        templates.len()
    );
    let _ = child.kill();
    let _ = child.wait();
}
