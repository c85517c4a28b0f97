//! Loading content: walk `content/`, group files into bundles (one folder, one file per
//! language, assets beside them), and read each Markdown file once.

use crate::config::{SiteConfig, normalize_lang};
use crate::diag::{Diagnostic, rel};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Report,
    Page,
}

/// One Markdown file, read and normalized (no BOM, `\n` line ends).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Path relative to the site root, as shown in messages.
    pub shown: PathBuf,
    pub lang: String,
    /// The text; empty when the file is unchanged since the last build parsed it (`parsed`).
    pub text: String,
    /// A hash of the text.
    pub hash: [u8; 32],
    /// The file's stamp, when it can be trusted to tell a change (`build` only).
    pub stamp: Option<crate::cache::Stamp>,
    /// What the last build parsed from this file, when it has not changed since.
    pub parsed: Option<Box<crate::cache::Parsed>>,
}

/// A folder of translations and their assets.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceBundle {
    /// Path under `content/` with `/` separators and NFC names: `reports/2025-04-28-visit`.
    pub dir: String,
    pub kind: Kind,
    pub abs_dir: PathBuf,
    /// Asset paths relative to the bundle folder (`photo.jpg`, `docs/plan.pdf`), sorted.
    pub assets: Vec<String>,
    /// By language, in no particular order.
    pub files: Vec<SourceFile>,
}

fn ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// `index.ru.md` → (`index`, Some(`ru`)); `index.md` → (`index`, None).
fn split_name(name: &str) -> Option<(&str, Option<&str>)> {
    let stem = name.strip_suffix(".md")?;
    Some(match stem.rsplit_once('.') {
        Some((base, lang)) => (base, Some(lang)),
        None => (stem, None),
    })
}

/// Reads all bundles under `content/`. Problems with single files do not stop the others.
pub fn load(cfg: &SiteConfig) -> (Vec<SourceBundle>, Vec<Diagnostic>) {
    load_with(cfg, None)
}

/// Like [`load`]; a file that `cache` holds with the same stamp is not read again (its text
/// is left empty, and what was parsed from it comes with it).
pub fn load_with(
    cfg: &SiteConfig,
    cache: Option<&crate::cache::Sources>,
) -> (Vec<SourceBundle>, Vec<Diagnostic>) {
    let root = &cfg.root;
    let content = cfg.content_dir();
    let mut diags = Vec::new();
    if !content.is_dir() {
        diags.push(
            Diagnostic::warning(
                PathBuf::from("content"),
                1,
                1,
                "there is no content/ folder; the site has no pages",
            )
            .with_hint("`dastan new report <name> --lang <code>` creates the first report"),
        );
        return (Vec::new(), diags);
    }
    // Bundles by their folder (content-relative, NFC).
    let mut bundles: BTreeMap<String, SourceBundle> = BTreeMap::new();
    let mut loose_files: Vec<(PathBuf, String, String)> = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    let walker =
        walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_none_or(ignored));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| rel(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                diags.push(Diagnostic::error(p, 1, 1, format!("cannot read: {e}")));
                continue;
            }
        };
        if entry.file_type().is_symlink() {
            diags.push(
                Diagnostic::warning(
                    rel(root, entry.path()),
                    1,
                    1,
                    "symbolic links in content/ are skipped",
                )
                .with_hint("copy the file into the folder instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            diags.push(Diagnostic::error(
                rel(root, path),
                1,
                1,
                "the file name is not valid Unicode",
            ));
            continue;
        };
        let parent = path.parent().unwrap_or(&content);
        let dir = content_dir_key(&content, parent);
        let dir_key = dir.clone();
        if let Some((base, _)) = split_name(name)
            && base == "index"
        {
            let kind = if dir.starts_with("reports/") {
                Kind::Report
            } else {
                Kind::Page
            };
            bundles.entry(dir.clone()).or_insert_with(|| SourceBundle {
                dir,
                kind,
                abs_dir: parent.to_path_buf(),
                assets: Vec::new(),
                files: Vec::new(),
            });
        } else if name.ends_with(".md") && !dir.starts_with("reports") {
            // `content/contacts.ru.md`: a one-file page.
            let (base, _) = split_name(name).unwrap_or((name, None));
            let key = if dir.is_empty() {
                base.nfc().collect()
            } else {
                format!("{dir}/{}", base.nfc().collect::<String>())
            };
            bundles.entry(key.clone()).or_insert_with(|| SourceBundle {
                dir: key,
                kind: Kind::Page,
                abs_dir: parent.to_path_buf(),
                assets: Vec::new(),
                files: Vec::new(),
            });
        }
        loose_files.push((path.to_path_buf(), name.to_string(), dir_key));
    }
    // Every Markdown file may be a translation: they are read (or looked up in the cache) in
    // parallel while the second pass, beside it, joins every file to its bundle.
    let markdown: Vec<usize> = loose_files
        .iter()
        .enumerate()
        .filter(|(_, (_, name, _))| split_name(name).is_some())
        .map(|(i, _)| i)
        .collect();
    let now = std::time::SystemTime::now();
    let tz = jiff::tz::TimeZone::get(&cfg.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let read = || -> Vec<Option<Result<Read, ReadError>>> {
        use rayon::prelude::*;
        let mut out: Vec<Option<Result<Read, ReadError>>> =
            (0..loose_files.len()).map(|_| None).collect();
        let done: Vec<(usize, Result<Read, ReadError>)> = markdown
            .par_iter()
            .map(|i| {
                let path = &loose_files[*i].0;
                let shown = rel(root, path);
                let shown = shown.to_string_lossy();
                (*i, read_one(cfg, cache, &tz, now, path, &shown))
            })
            .collect();
        for (i, r) in done {
            out[i] = Some(r);
        }
        out
    };
    // Second pass: every file joins its bundle as a translation or as an asset; the index of
    // each translation among the files, with its bundle and place in it.
    let join = || {
        let mut diags = Vec::new();
        let mut to_read: Vec<(String, usize, usize)> = Vec::new();
        for (fi, (path, name, dir)) in loose_files.iter().enumerate() {
            join_file(
                cfg,
                &mut bundles,
                &mut diags,
                &mut to_read,
                fi,
                path,
                name,
                dir,
            );
        }
        (to_read, diags)
    };
    let (mut texts, (to_read, d)) = rayon::join(read, join);
    diags.extend(d);
    let mut unreadable: Vec<(String, usize)> = Vec::new();
    for (key, i, fi) in to_read {
        let Some(text) = texts.get_mut(fi).and_then(Option::take) else {
            continue;
        };
        let Some(file) = bundles.get_mut(&key).and_then(|b| b.files.get_mut(i)) else {
            continue;
        };
        match text {
            Ok(Read::Text(t, hash, stamp)) => {
                file.text = t;
                file.hash = hash;
                file.stamp = stamp;
            }
            Ok(Read::Parsed(p, stamp)) => {
                file.hash = p.hash;
                file.stamp = stamp;
                file.parsed = Some(p);
            }
            Err(e) => {
                diags.push(
                    e.located(&file.shown)
                        .with_hint("save the file as UTF-8 in your editor"),
                );
                unreadable.push((key, i));
            }
        }
    }
    for (key, i) in unreadable.into_iter().rev() {
        if let Some(b) = bundles.get_mut(&key) {
            b.files.remove(i);
        }
    }
    let mut out: Vec<SourceBundle> = bundles
        .into_values()
        .filter(|b| !b.files.is_empty())
        .collect();
    for b in &mut out {
        b.assets.sort();
        b.files.sort_by(|a, b2| {
            let pos = |l: &str| {
                cfg.languages
                    .iter()
                    .position(|x| x == l)
                    .unwrap_or(usize::MAX)
            };
            pos(&a.lang).cmp(&pos(&b2.lang))
        });
    }
    (out, diags)
}

/// Reads one Markdown file, or takes what the last build parsed from it when its stamp is the
/// same (`build`, which passes the cache).
fn read_one(
    cfg: &SiteConfig,
    cache: Option<&crate::cache::Sources>,
    tz: &jiff::tz::TimeZone,
    now: std::time::SystemTime,
    path: &Path,
    shown: &str,
) -> Result<Read, ReadError> {
    let stamp = cache.and_then(|_| {
        std::fs::metadata(path)
            .ok()
            .and_then(|m| crate::cache::Stamp::of(&m, now))
    });
    // Unchanged since the last build: what was parsed from it, without reading it.
    if stamp.is_some()
        && let Some(stored) = cache.and_then(|c| c.files.get(shown))
        && Some(stored.stamp) == stamp
        && let Some(p) = stored.parsed()
    {
        return Ok(Read::Parsed(Box::new(p), stamp));
    }
    let text = read_text(path)?;
    // The hash is the incremental build's key of the page's own text.
    let hash = match cache {
        Some(_) => *blake3::hash(text.as_bytes()).as_bytes(),
        None => [0; 32],
    };
    // `build` parses the front matter here and lets the text go: the page reads its file
    // again when it is rendered, so the whole site's text is never held at once. A file whose
    // front matter has errors keeps its text, and is parsed again (with its errors reported)
    // when the site is linked.
    if cache.is_some()
        && let Ok(split) = crate::frontmatter::split(&text, Path::new(shown))
        && let Ok(meta) = crate::frontmatter::parse(&split, Path::new(shown), &cfg.taxonomies, tz)
    {
        let parsed = crate::cache::Parsed {
            stamp: stamp.unwrap_or_default(),
            hash,
            meta,
            body_start: text.len() - split.body.len(),
            body_line: split.body_line,
        };
        return Ok(Read::Parsed(Box::new(parsed), stamp));
    }
    Ok(Read::Text(text, hash, stamp))
}

/// Joins one file of `content/` to its bundle: a translation (to be read: its bundle's key,
/// its place in the bundle and `fi` go to `to_read`), or an asset of the nearest bundle above.
#[allow(clippy::too_many_arguments)]
fn join_file(
    cfg: &SiteConfig,
    bundles: &mut BTreeMap<String, SourceBundle>,
    diags: &mut Vec<Diagnostic>,
    to_read: &mut Vec<(String, usize, usize)>,
    fi: usize,
    path: &Path,
    name: &str,
    dir: &str,
) {
    let root = &cfg.root;
    let shown = rel(root, path);
    if let Some((base, lang)) = split_name(name) {
        let key = if base == "index" {
            dir.to_string()
        } else if dir.is_empty() {
            base.nfc().collect()
        } else {
            format!("{dir}/{}", base.nfc().collect::<String>())
        };
        let Some(bundle) = bundles.get_mut(&key) else {
            diags.push(
                Diagnostic::error(
                    &shown,
                    1,
                    1,
                    "a report must be a folder with `index.<lang>.md`",
                )
                .with_hint(format!(
                    "move it to content/reports/{}/index.{}.md",
                    base, cfg.default_language
                )),
            );
            return;
        };
        let lang = match lang {
            None => cfg.default_language.clone(),
            Some(l) => match normalize_lang(l).filter(|c| cfg.has_language(c)) {
                Some(c) => c,
                None => {
                    diags.push(
                        Diagnostic::error(
                            &shown,
                            1,
                            1,
                            format!("`{l}` is not a language of this site"),
                        )
                        .with_hint(format!(
                            "the site's languages are: {}",
                            cfg.languages.join(", ")
                        )),
                    );
                    return;
                }
            },
        };
        if let Some(other) = bundle.files.iter().find(|f| f.lang == lang) {
            diags.push(
                Diagnostic::error(
                    &shown,
                    1,
                    1,
                    format!("a second `{lang}` file in one bundle"),
                )
                .with_hint(format!(
                    "{} is already the `{lang}` version",
                    other.shown.display()
                )),
            );
            return;
        }
        // Read later, in parallel.
        to_read.push((key.clone(), bundle.files.len(), fi));
        bundle.files.push(SourceFile {
            shown,
            lang,
            text: String::new(),
            hash: [0; 32],
            stamp: None,
            parsed: None,
        });
    } else {
        // An asset belongs to the nearest bundle folder above it.
        let mut dir = dir.to_string();
        loop {
            if let Some(b) = bundles.get_mut(&dir) {
                let sub = path
                    .strip_prefix(&b.abs_dir)
                    .map(|p| p.to_string_lossy().replace('\\', "/"));
                if let Ok(sub) = sub {
                    b.assets.push(sub.nfc().collect());
                }
                break;
            }
            match dir.rfind('/') {
                Some(i) => dir.truncate(i),
                None if !dir.is_empty() => dir.clear(),
                None => break,
            }
        }
    }
}

fn content_dir_key(content: &Path, dir: &Path) -> String {
    let r = dir.strip_prefix(content).unwrap_or(Path::new(""));
    // Most folder names are ASCII: already in NFC, with `/` between them on Unix.
    #[cfg(unix)]
    if let Some(s) = r.to_str()
        && s.is_ascii()
    {
        return s.to_string();
    }
    let parts: Vec<String> = r
        .components()
        .map(|c| c.as_os_str().to_string_lossy().nfc().collect())
        .collect();
    parts.join("/")
}

/// A file read, or only looked at (its stamp) when it may be in the cache.
enum Read {
    Text(String, [u8; 32], Option<crate::cache::Stamp>),
    /// Read and parsed; the text was let go.
    Parsed(Box<crate::cache::Parsed>, Option<crate::cache::Stamp>),
}

struct ReadError {
    line: usize,
    message: String,
}

impl ReadError {
    fn located(self, shown: &Path) -> Diagnostic {
        Diagnostic::error(shown, self.line, 1, self.message)
    }
}

/// Reads one source file as [`load`] does (UTF-8, no BOM, `\n` line ends).
pub fn read_source(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    read_text(path).map_err(|e| e.located(shown))
}

fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        line: 1,
        message: format!("cannot read: {e}"),
    })?;
    // Every source is checked (and a page's source a second time when it renders): a SIMD
    // check, several times faster than the standard one on Cyrillic text.
    if let Err(e) = simdutf8::compat::from_utf8(&bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(ReadError {
            line,
            message: "the file is not UTF-8 text".into(),
        });
    }
    // SAFETY: the bytes were checked to be UTF-8 just above.
    let mut text = unsafe { String::from_utf8_unchecked(bytes) };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if text.contains('\r') {
        text = crate::frontmatter::normalize_newlines(&text);
    }
    Ok(text)
}
