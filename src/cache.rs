//! The incremental cache of `build`: for every page, a key over everything its HTML depends
//! on. A page whose key is unchanged since the last successful build is not rendered again:
//! its file is hard-linked from the previous output, and its summary (for lists and feeds)
//! comes from the manifest. Kept in `.dastan-cache/` beside the site, never in the output.

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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub summary_html: String,
    pub summary_text: String,
    pub word_count: usize,
    pub search_terms: String,
}

/// The manifest's format: this program's version and the layout of an entry.
pub const FORMAT: &str = concat!(env!("CARGO_PKG_VERSION"), "+terms");

/// The cache folder of a site.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".dastan-cache")
}

/// The manifest of one output folder.
pub fn manifest_path(root: &Path, out: &Path) -> PathBuf {
    let h = blake3::hash(out.to_string_lossy().as_bytes()).to_hex();
    dir(root).join(format!("pages-{}.bin", &h[..16]))
}

impl Manifest {
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
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("bin.tmp");
        let w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        let mut w = postcard::to_io(self, w).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut w)?;
        drop(w);
        std::fs::rename(tmp, path)
    }
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
