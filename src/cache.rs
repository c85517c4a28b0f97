//! The incremental cache of `build`, in `.dastan-cache/` beside the site, never in the output.
//! The manifest: for every file of the output, a key over everything it depends on, the same
//! for the previous site kept for the next build (see `output::Staging`), and what lists,
//! feeds and search need of each page's body. A file whose key is unchanged is not made
//! again. The parsed sources: each Markdown file's front matter under its stamp, so that an
//! unchanged file is neither read nor parsed.

use crate::config::SiteConfig;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the last build rendered, by page path.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`] of the program that wrote it; another format is not read.
    pub version: String,
    pub pages: HashMap<String, Entry>,
    /// Every file of the output folder with the key it was made from ("" when it has none).
    pub files: HashMap<String, String>,
    /// The same for the site before it, kept in `.dastan-cache/` for the next build to update
    /// (`None` when there is none, or what it holds is not known).
    pub staged: Option<HashMap<String, String>>,
}

/// One page of the last build: its key, and what lists, feeds and the
/// search index need of its body (taken, not copied, when the page is reused).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub body: std::sync::Mutex<Body>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Body {
    pub summary_html: String,
    pub summary_text: String,
    pub word_count: usize,
    pub search_terms: String,
}

/// The manifest's format: this program's version and the layout of an entry.
pub const FORMAT: &str = concat!(env!("CARGO_PKG_VERSION"), "+terms+staged+4");

/// The cache folder of a site.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".dastan-cache")
}

/// The manifest of one output folder.
pub fn manifest_path(root: &Path, out: &Path) -> PathBuf {
    let h = blake3::hash(out.to_string_lossy().as_bytes()).to_hex();
    dir(root).join(format!("pages-{}.bin", &h[..16]))
}

/// Removes the manifests of earlier versions of the program (`pages-*.json`), which no
/// build reads any more.
pub fn remove_old_manifests(root: &Path) {
    let Ok(entries) = std::fs::read_dir(dir(root)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("pages-") && name.ends_with(".json") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Where the site before the last one is kept, for the next build of one output folder.
pub fn staging_path(root: &Path, out: &Path) -> PathBuf {
    let h = blake3::hash(out.to_string_lossy().as_bytes()).to_hex();
    dir(root).join(format!("previous-{}", &h[..16]))
}

impl Manifest {
    /// Whether it was read from a manifest of this program (and not made up for a first build).
    pub fn is_known(&self) -> bool {
        self.version == FORMAT
    }

    /// The previous manifest, or an empty one (a missing or unreadable cache only costs time).
    pub fn load(path: &Path) -> Manifest {
        let Ok(bytes) = std::fs::read(path) else {
            return Manifest::default();
        };
        // A compact binary form (postcard): the manifest of a large site is read and written on
        // every build.
        match postcard::from_bytes::<Manifest>(&bytes) {
            Ok(m) if m.version == FORMAT => m,
            _ => Manifest::default(),
        }
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        write_binary(path, self)
    }
}

/// Writes `value` in the cache's compact binary form (postcard) to a temporary file beside
/// `path`, then renames it over `path`: a reader sees the old file or the new one, whole.
fn write_binary<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("bin.tmp");
    let write = || -> std::io::Result<()> {
        let w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        let mut w = postcard::to_io(value, w).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut w)?;
        drop(w);
        std::fs::rename(&tmp, path)
    };
    let r = write();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// A hash over every site-wide input of rendering: site.yaml, the theme, the site's i18n
/// and static files' names, the options of the build, and this program's version.
pub fn global_key(cfg: &SiteConfig, options: &str) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(options.as_bytes());
    h.update(&std::fs::read(cfg.root.join(crate::config::CONFIG_FILE)).unwrap_or_default());
    for dir in [cfg.theme_dir(), cfg.root.join("i18n")] {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for f in files {
            h.update(f.to_string_lossy().as_bytes());
            h.update(&std::fs::read(&f).unwrap_or_default());
        }
    }
    h.finalize()
}

/// What a Markdown file was when it was read: enough to tell that it has not changed since.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified: i128,
    changed: i128,
    inode: u64,
}

/// Seconds a file must have been left alone before its stamp is trusted: a file changed twice
/// within the file system's clock tick could otherwise keep the same stamp.
const SETTLED_NS: i128 = 2_000_000_000;

impl Stamp {
    /// The stamp of a file, when it has been left alone long enough to be trusted.
    pub fn of(m: &std::fs::Metadata, now: std::time::SystemTime) -> Option<Stamp> {
        let ns = |t: std::time::SystemTime| {
            t.duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as i128)
        };
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
                m.ino(),
            )
        };
        #[cfg(not(unix))]
        let (changed, inode) = (m.created().map_or(0, ns), 0);
        let modified = ns(m.modified().ok()?);
        let now = ns(now);
        (modified < now - SETTLED_NS && changed < now - SETTLED_NS).then_some(Stamp {
            len: m.len(),
            modified,
            changed,
            inode,
        })
    }
}

/// One Markdown file as parsed by the last build: its front matter (before translations
/// inherit from each other) and a hash of its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub stamp: Stamp,
    pub hash: [u8; 32],
    pub meta: crate::frontmatter::Meta,
    pub body_start: usize,
    pub body_line: usize,
}

impl Parsed {
    /// What the cache keeps of a file: its stamp, and what was parsed from it in the cache's
    /// compact binary form (a few hundred bytes, where the parsed values themselves take
    /// several small allocations), made while the files are parsed in parallel.
    pub fn stored(
        stamp: Stamp,
        hash: [u8; 32],
        meta: &crate::frontmatter::Meta,
        body_start: usize,
        body_line: usize,
    ) -> Stored {
        /// [`Parsed`], field by field, with the front matter borrowed.
        #[derive(Serialize)]
        struct Borrowed<'a> {
            stamp: Stamp,
            hash: [u8; 32],
            meta: &'a crate::frontmatter::Meta,
            body_start: usize,
            body_line: usize,
        }
        let parsed = postcard::to_allocvec(&Borrowed {
            stamp,
            hash,
            meta,
            body_start,
            body_line,
        })
        .unwrap_or_default();
        Stored { stamp, parsed }
    }
}

/// One file of the cache: its stamp, and its [`Parsed`] in binary form, read back only when
/// the file is unchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    pub stamp: Stamp,
    #[serde(with = "bytes")]
    pub parsed: Vec<u8>,
}

impl Stored {
    /// What was parsed from the file; `None` if it cannot be read back.
    pub fn parsed(&self) -> Option<Parsed> {
        postcard::from_bytes(&self.parsed)
            .ok()
            .filter(|p: &Parsed| p.stamp == self.stamp)
    }
}

/// Bytes as one piece (rather than a sequence of numbers).
mod bytes {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_byte_buf(V)
    }
}

/// The Markdown files of the site as the last build parsed them, by path (as shown in
/// messages): a file whose stamp is the same is not read or parsed again by `build`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Sources {
    version: String,
    pub files: HashMap<String, Stored>,
}

impl Sources {
    /// Everything parsing depends on besides the file: this program, the time zone (dates are
    /// resolved in it) and the taxonomies (they are fields).
    fn version(cfg: &SiteConfig) -> String {
        format!("{FORMAT}|{}|{}", cfg.time_zone, cfg.taxonomies.join(","))
    }

    fn path(cfg: &SiteConfig) -> PathBuf {
        dir(&cfg.root).join("sources.bin")
    }

    /// The cache of the last build, or an empty one.
    pub fn load(cfg: &SiteConfig) -> Sources {
        let version = Sources::version(cfg);
        std::fs::read(Sources::path(cfg))
            .ok()
            .and_then(|b| postcard::from_bytes::<Sources>(&b).ok())
            .filter(|s| s.version == version)
            .unwrap_or_default()
    }

    /// Saves what this build parsed (a failure only costs the next build its speed).
    pub fn save(cfg: &SiteConfig, files: &[(String, Stored)]) {
        /// Written as [`Sources`] is read: the files as a map.
        #[derive(Serialize)]
        struct Out<'a> {
            version: String,
            #[serde(serialize_with = "as_map")]
            files: &'a [(String, Stored)],
        }
        fn as_map<S: serde::Serializer>(
            files: &&[(String, Stored)],
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.collect_map(files.iter().map(|(k, v)| (k, v)))
        }
        let out = Out {
            version: Sources::version(cfg),
            files,
        };
        let _ = write_binary(&Sources::path(cfg), &out);
    }
}
