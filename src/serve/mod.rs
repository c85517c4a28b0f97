//! `dastan serve`: the site built in memory with the same pipeline as `build`, served from
//! memory on 127.0.0.1, rebuilt on every save, with live reload and the errors of a broken
//! save shown over the last good version of every page.

pub mod path;
mod watch;

use crate::build::{self, BuildOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::live::Live;
use crate::render::{Data, OutputFile};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

/// The content of a served file.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Bytes),
    /// Read from this file on each request.
    Copy(PathBuf),
}

/// A served file; `stale` when a save made it out of date and it is rendered again on the
/// next request (its previous version is kept, in case that render fails).
#[derive(Debug, Clone)]
pub struct Entry {
    pub content: Content,
    pub stale: bool,
}

impl Entry {
    fn fresh(data: Data) -> Option<Entry> {
        let content = match data {
            Data::Bytes(b) => Content::Bytes(Bytes::from(b)),
            Data::Copy(p) => Content::Copy(p),
            Data::Reused => return None,
        };
        Some(Entry {
            content,
            stale: false,
        })
    }
}

/// The files being served: the last good version of each.
pub struct Files {
    pub map: HashMap<String, Entry>,
    pub languages: Vec<String>,
    pub default_language: String,
}

impl Files {
    pub fn from_files(
        files: Vec<OutputFile>,
        languages: Vec<String>,
        default_language: String,
    ) -> Files {
        Files {
            map: files
                .into_iter()
                .filter_map(|f| Entry::fresh(f.data).map(|e| (f.path, e)))
                .collect(),
            languages,
            default_language,
        }
    }
}

/// What the server shares with the watcher.
pub struct Shared {
    pub files: RwLock<Files>,
    /// Errors of the latest saves; empty when the site is good. With the overlay's title.
    pub errors: RwLock<Arc<(String, Vec<Diagnostic>)>>,
    /// The renderer's state, for partial re-renders.
    pub live: Mutex<Option<Live>>,
    /// The language of the overlay's title.
    pub editor_language: String,
    /// Counts full builds, so that work begun before one is not published after it.
    pub generation: std::sync::atomic::AtomicU64,
    /// Stylesheet swaps for the pages open in browsers (`/__dastan/restyle`).
    pub restyle: tokio::sync::broadcast::Sender<String>,
}

/// Added to every HTML page while serving (never to `build` output): swaps a changed
/// stylesheet in place, so that the page keeps its scroll position and state.
pub const RESTYLE_SCRIPT: &str = "<script>(function(){if(!window.EventSource)return;\
var s=new EventSource('/__dastan/restyle');s.onmessage=function(e){var m=JSON.parse(e.data);\
document.querySelectorAll('link[rel~=stylesheet]').forEach(function(l){var h=l.getAttribute('href');\
for(var i=0;i<m.length;i++){if(h===m[i][0]){l.setAttribute('href',m[i][1]);}}});};})();</script>";

/// The event that tells pages which stylesheet URLs changed.
pub fn restyle_event(pairs: &[(String, String)]) -> String {
    serde_json::to_string(pairs).unwrap_or_default()
}

/// Server-sent events: one `data:` line per stylesheet change.
async fn restyle_events(State(shared): State<Arc<Shared>>) -> Response<Body> {
    let rx = shared.restyle.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(msg) => {
                    let chunk = Bytes::from(format!("data: {msg}\n\n"));
                    return Some((Ok::<Bytes, std::io::Error>(chunk), rx));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn new(files: Files, live: Option<Live>) -> Shared {
        let editor_language = editor_language(&files.languages, &files.default_language);
        Shared {
            files: RwLock::new(files),
            errors: RwLock::new(Arc::new((String::new(), Vec::new()))),
            live: Mutex::new(live),
            editor_language,
            generation: Default::default(),
            restyle: tokio::sync::broadcast::channel(16).0,
        }
    }
    fn entry(&self, path: &str) -> Option<Entry> {
        let g = self.files.read().unwrap_or_else(|p| p.into_inner());
        g.map.get(path).cloned()
    }
    fn has(&self, path: &str) -> bool {
        let g = self.files.read().unwrap_or_else(|p| p.into_inner());
        g.map.contains_key(path)
    }
    fn languages(&self) -> Vec<String> {
        let g = self.files.read().unwrap_or_else(|p| p.into_inner());
        g.languages.clone()
    }
    fn errors(&self) -> Arc<(String, Vec<Diagnostic>)> {
        match self.errors.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
    /// Replaces every file (after a full build).
    pub fn set_files(&self, f: Files) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match self.files.write() {
            Ok(mut g) => *g = f,
            Err(p) => *p.into_inner() = f,
        }
    }
    /// New versions of some files, and files now out of date.
    pub fn update(&self, files: Vec<OutputFile>, stale: &[String]) {
        let mut g = self.files.write().unwrap_or_else(|p| p.into_inner());
        for f in files {
            if let Some(e) = Entry::fresh(f.data) {
                g.map.insert(f.path, e);
            }
        }
        for p in stale {
            if let Some(e) = g.map.get_mut(p) {
                e.stale = true;
            }
        }
    }
    /// Whether a path is still waiting to be rendered again.
    pub fn is_stale(&self, path: &str) -> bool {
        self.entry(path).is_some_and(|e| e.stale)
    }
    /// The errors to show, from the renderer's state.
    pub fn set_errors(&self, live: Option<&Live>, e: Vec<Diagnostic>) {
        let title = live
            .and_then(|l| l.message(&self.editor_language, "serve-errors"))
            .unwrap_or_else(|| {
                "The last save has errors; the previous version is shown below.".into()
            });
        let v = Arc::new((title, e));
        match self.errors.write() {
            Ok(mut g) => *g = v,
            Err(p) => *p.into_inner() = v,
        }
    }
}

/// The language the editor reads: `DASTAN_LANG`, else the locale of the terminal, when the
/// site has it; otherwise the site's default language.
fn editor_language(languages: &[String], default: &str) -> String {
    ["DASTAN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| {
            v.split(['_', '.', '-', '@'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .find(|l| !l.is_empty() && l != "c" && l != "posix")
        .filter(|l| languages.contains(l))
        .unwrap_or_else(|| default.to_string())
}

/// Builds the site in memory. Returns the files and the renderer's state when the build had
/// no errors.
pub fn rebuild(opts: &BuildOptions) -> (Option<(Files, Live)>, Diagnostics) {
    let (generated, diags) = build::generate_live(opts);
    match generated {
        Some(g) if !diags.has_errors() => {
            let langs = g.config.languages.clone();
            let default = g.config.default_language.clone();
            let files = Files::from_files(g.files, langs, default);
            let Some((i18n, formats, kept)) = g.live else {
                return (None, diags);
            };
            let live = Live::new(g.config, g.site, i18n, formats, kept, opts.serving);
            (Some((files, live)), diags)
        }
        _ => (None, diags),
    }
}

fn escape(s: &str) -> String {
    crate::render::feeds::xml_escape(s)
}

/// The overlay shown on every HTML page while the latest save has errors.
fn overlay(title: &str, errors: &[Diagnostic]) -> String {
    let mut s = String::from(
        "<div id=\"dastan-errors\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;z-index:2147483647;\
max-height:70vh;overflow:auto;background:#2b0b0e;color:#ffe9e9;font:14px/1.5 ui-monospace,monospace;\
padding:16px 20px;border-bottom:4px solid #e5484d;white-space:pre-wrap\"><strong style=\"font-size:16px\">",
    );
    s.push_str(&escape(title));
    s.push_str("</strong>\n");
    for d in errors.iter().take(50) {
        s.push('\n');
        s.push_str(&escape(&d.to_string()));
    }
    s.push_str("</div>");
    s
}

fn inject_overlay(html: &[u8], errors: &(String, Vec<Diagnostic>)) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let ov = overlay(&errors.0, &errors.1);
    match text
        .find("<body")
        .and_then(|i| text[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => format!("{}{}{}", &text[..at], ov, &text[at..]).into_bytes(),
        None => format!("{ov}{text}").into_bytes(),
    }
}

/// The restyle script, before `</body>`.
fn inject_restyle(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{}{}", &text[..at], RESTYLE_SCRIPT, &text[at..]).into_bytes(),
        None => html.to_vec(),
    }
}

async fn bytes_of(c: &Content) -> Option<Bytes> {
    match c {
        Content::Bytes(b) => Some(b.clone()),
        Content::Copy(p) => tokio::fs::read(p).await.ok().map(Bytes::from),
    }
}

fn respond(status: StatusCode, path: &str, body: Bytes) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(path::content_type(path)),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Renders a page that a save made out of date; `None` when that fails (the previous
/// version is served, and the error shown).
async fn render_stale(shared: Arc<Shared>, path: String) -> Option<Content> {
    tokio::task::spawn_blocking(move || {
        let mut g = lock(&shared.live);
        let live = g.as_mut()?;
        // Another request may have rendered it meanwhile.
        if let Some(e) = shared.entry(&path)
            && !e.stale
        {
            return Some(e.content);
        }
        match live.render_path(&path)? {
            Ok(b) => {
                let b = Bytes::from(b);
                shared.update(
                    vec![OutputFile {
                        path: path.clone(),
                        data: Data::Bytes(b.to_vec()),
                    }],
                    &[],
                );
                if !shared.errors().1.is_empty() {
                    shared.set_errors(Some(live), live.errors());
                }
                Some(Content::Bytes(b))
            }
            Err(_) => {
                shared.set_errors(Some(live), live.errors());
                None
            }
        }
    })
    .await
    .ok()
    .flatten()
}

/// Serves one request from the in-memory site.
pub async fn handle(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response<Body> {
    let Some(rel) = path::normalize(req.uri().path()) else {
        return not_found(&shared, "").await;
    };
    let candidate = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if let Some(entry) = shared.entry(&candidate) {
        let content = if entry.stale {
            render_stale(shared.clone(), candidate.clone())
                .await
                .unwrap_or(entry.content)
        } else {
            entry.content
        };
        let Some(mut body) = bytes_of(&content).await else {
            return not_found(&shared, &rel).await;
        };
        let errors = shared.errors();
        if candidate.ends_with(".html") {
            if !errors.1.is_empty() {
                body = Bytes::from(inject_overlay(&body, &errors));
            }
            body = Bytes::from(inject_restyle(&body));
        }
        return respond(StatusCode::OK, &candidate, body);
    }
    // `/ru/reports/x` → `/ru/reports/x/`.
    if !rel.is_empty() && !rel.ends_with('/') && shared.has(&format!("{rel}/index.html")) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
        if let Ok(v) = HeaderValue::from_str(&format!("/{}/", rel)) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    not_found(&shared, &rel).await
}

/// The site's 404 page in the language the path starts with.
async fn not_found(shared: &Arc<Shared>, rel: &str) -> Response<Body> {
    let first = rel.split('/').next().unwrap_or("");
    let page = if shared.languages().iter().any(|l| l == first) {
        format!("{first}/404.html")
    } else {
        "404.html".into()
    };
    let body = match shared.entry(&page) {
        Some(e) => {
            let content = if e.stale {
                render_stale(shared.clone(), page.clone())
                    .await
                    .unwrap_or(e.content)
            } else {
                e.content
            };
            bytes_of(&content).await.unwrap_or_default()
        }
        None => Bytes::from_static(b"<!doctype html><title>404</title><h1>404</h1>"),
    };
    let errors = shared.errors();
    let body = if errors.1.is_empty() {
        body
    } else {
        Bytes::from(inject_overlay(&body, &errors))
    };
    respond(StatusCode::NOT_FOUND, "404.html", body)
}

/// Options of `dastan serve`, resolved.
pub struct ServeOptions {
    pub build: BuildOptions,
    pub addr: SocketAddr,
    pub open: bool,
    pub poll: bool,
}

/// Runs the server until interrupted. Returns the exit status.
pub fn serve(opts: ServeOptions) -> u8 {
    let started = Instant::now();
    let (built, diags) = rebuild(&opts.build);
    crate::commands::print(&diags);
    let Some((files, live)) = built else {
        eprintln!("the site has errors; fix them and run `dastan serve` again");
        return crate::commands::CONTENT_ERROR;
    };
    let languages = files.languages.clone();
    eprintln!("built in {} ms", started.elapsed().as_millis());
    let shared = Arc::new(Shared::new(files, Some(live)));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return crate::commands::CONTENT_ERROR;
        }
    };
    runtime.block_on(async move {
        let livereload =
            tower_livereload::LiveReloadLayer::new().request_predicate(|req: &Request<Body>| {
                // Never into pages that are not HTML documents of the site.
                !req.headers().contains_key("x-dastan-no-reload")
            });
        let reloader = livereload.reloader();
        let app = axum::Router::new()
            .route("/__dastan/restyle", axum::routing::get(restyle_events))
            .fallback(handle)
            .with_state(shared.clone())
            .layer(livereload);
        let listener = match tokio::net::TcpListener::bind(opts.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", opts.addr);
                return crate::commands::USAGE_ERROR;
            }
        };
        let addr = listener.local_addr().unwrap_or(opts.addr);
        // Watch before telling anyone the address, so that no save after it is missed.
        let watch_opts = opts.build.clone();
        let watch_shared = shared.clone();
        let root: PathBuf = opts.build.root.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            watch::watch(
                &root,
                opts.poll,
                watch_opts,
                watch_shared,
                reloader,
                ready_tx,
            )
        });
        let _ = ready_rx.recv_timeout(std::time::Duration::from_secs(10));
        println!("Serving the site at http://{addr}/");
        for l in &languages {
            println!("  {l}: http://{addr}/{l}/");
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        if opts.open {
            let _ = std::process::Command::new("xdg-open")
                .arg(format!("http://{addr}/"))
                .spawn();
        }
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("error: the server stopped: {e}");
            return crate::commands::CONTENT_ERROR;
        }
        crate::commands::OK
    })
}
