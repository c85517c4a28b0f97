//! `dastan serve`: the site built in memory with the same pipeline as `build`, served from
//! memory on 127.0.0.1, rebuilt on every save, with live reload and the errors of a broken
//! save shown over the last good version of every page.

pub mod path;
mod watch;

use crate::build::{self, BuildOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{Data, OutputFile};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// The files being served: the last good build.
pub struct Files {
    pub map: HashMap<String, Data>,
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
            map: files.into_iter().map(|f| (f.path, f.data)).collect(),
            languages,
            default_language,
        }
    }
}

/// What the server shares with the watcher.
pub struct Shared {
    pub files: RwLock<Arc<Files>>,
    /// Errors of the latest build; empty when it was good.
    pub errors: RwLock<Arc<Vec<Diagnostic>>>,
}

impl Shared {
    fn files(&self) -> Arc<Files> {
        match self.files.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
    fn errors(&self) -> Arc<Vec<Diagnostic>> {
        match self.errors.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
    fn set_files(&self, f: Files) {
        match self.files.write() {
            Ok(mut g) => *g = Arc::new(f),
            Err(p) => *p.into_inner() = Arc::new(f),
        }
    }
    fn set_errors(&self, e: Vec<Diagnostic>) {
        match self.errors.write() {
            Ok(mut g) => *g = Arc::new(e),
            Err(p) => *p.into_inner() = Arc::new(e),
        }
    }
}

/// Builds the site in memory. Returns the files when the build had no errors.
pub fn rebuild(opts: &BuildOptions) -> (Option<Files>, Diagnostics) {
    let (generated, diags) = build::generate(opts);
    match generated {
        Some(g) if !diags.has_errors() => {
            let langs = g.config.languages.clone();
            let default = g.config.default_language.clone();
            (Some(Files::from_files(g.files, langs, default)), diags)
        }
        _ => (None, diags),
    }
}

fn escape(s: &str) -> String {
    crate::render::feeds::xml_escape(s)
}

/// The overlay shown on every HTML page while the latest save has errors.
fn overlay(errors: &[Diagnostic]) -> String {
    let mut s = String::from(
        "<div id=\"dastan-errors\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;z-index:2147483647;\
max-height:70vh;overflow:auto;background:#2b0b0e;color:#ffe9e9;font:14px/1.5 ui-monospace,monospace;\
padding:16px 20px;border-bottom:4px solid #e5484d;white-space:pre-wrap\"><strong style=\"font-size:16px\">\
The last save has errors; the previous version is shown below.</strong>\n",
    );
    for d in errors.iter().take(50) {
        s.push('\n');
        s.push_str(&escape(&d.to_string()));
    }
    s.push_str("</div>");
    s
}

fn inject_overlay(html: &[u8], errors: &[Diagnostic]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let ov = overlay(errors);
    match text
        .find("<body")
        .and_then(|i| text[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => format!("{}{}{}", &text[..at], ov, &text[at..]).into_bytes(),
        None => format!("{ov}{text}").into_bytes(),
    }
}

async fn bytes_of(data: &Data) -> Option<Vec<u8>> {
    match data {
        Data::Bytes(b) => Some(b.clone()),
        Data::Copy(p) => tokio::fs::read(p).await.ok(),
        Data::Reused => None,
    }
}

fn respond(status: StatusCode, path: &str, body: Vec<u8>) -> Response<Body> {
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

/// Serves one request from the in-memory site.
pub async fn handle(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response<Body> {
    let files = shared.files();
    let errors = shared.errors();
    let Some(rel) = path::normalize(req.uri().path()) else {
        return not_found(&files, "", &errors).await;
    };
    let candidate = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if let Some(data) = files.map.get(&candidate) {
        let Some(mut body) = bytes_of(data).await else {
            return not_found(&files, &rel, &errors).await;
        };
        if candidate.ends_with(".html") && !errors.is_empty() {
            body = inject_overlay(&body, &errors);
        }
        return respond(StatusCode::OK, &candidate, body);
    }
    // `/ru/reports/x` → `/ru/reports/x/`.
    if !rel.is_empty()
        && !rel.ends_with('/')
        && files.map.contains_key(&format!("{rel}/index.html"))
    {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
        if let Ok(v) = HeaderValue::from_str(&format!("/{}/", rel)) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    not_found(&files, &rel, &errors).await
}

/// The site's 404 page in the language the path starts with.
async fn not_found(files: &Files, rel: &str, errors: &[Diagnostic]) -> Response<Body> {
    let first = rel.split('/').next().unwrap_or("");
    let page = if files.languages.iter().any(|l| l == first) {
        format!("{first}/404.html")
    } else {
        "404.html".into()
    };
    let body = match files.map.get(&page) {
        Some(d) => bytes_of(d).await.unwrap_or_default(),
        None => b"<!doctype html><title>404</title><h1>404</h1>".to_vec(),
    };
    let body = if errors.is_empty() {
        body
    } else {
        inject_overlay(&body, errors)
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
    let (files, diags) = rebuild(&opts.build);
    crate::commands::print(&diags);
    let Some(files) = files else {
        eprintln!("the site has errors; fix them and run `dastan serve` again");
        return crate::commands::CONTENT_ERROR;
    };
    let languages = files.languages.clone();
    eprintln!("built in {} ms", started.elapsed().as_millis());
    let shared = Arc::new(Shared {
        files: RwLock::new(Arc::new(files)),
        errors: RwLock::new(Arc::new(Vec::new())),
    });
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
