//! Writing the site: the output folder is checked, the new site is written beside it and
//! swapped in whole, so a failed or interrupted build never leaves a half-written site.
//! The only module (with `serve`) that writes files.

use crate::diag::Diagnostic;
use crate::render::{Data, OutputFile};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Lexically normalized absolute path (no `.` or `..`), with symlinks of the existing part resolved.
fn absolute(base: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    // Resolve symlinks in the longest existing prefix.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        real.push(n);
    }
    real
}

/// Decides where the site goes, refusing folders it must never replace.
pub fn resolve_output_dir(
    root: &Path,
    configured: &Path,
    allow_outside: bool,
) -> Result<PathBuf, Diagnostic> {
    let root = absolute(
        Path::new("/"),
        &root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
    );
    let out = absolute(&root, configured);
    let shown = configured.display().to_string();
    let refuse = |why: &str| {
        Diagnostic::error(
            PathBuf::from(crate::config::CONFIG_FILE),
            1,
            1,
            format!("refusing to write the site into `{shown}`: {why}"),
        )
        .with_hint("choose a new folder inside the site, such as `public`")
    };
    if out.parent().is_none() {
        return Err(refuse("it is the file system root"));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && absolute(Path::new("/"), &home) == out
    {
        return Err(refuse("it is the home folder"));
    }
    if out == root {
        return Err(refuse("it is the site folder itself"));
    }
    if root.starts_with(&out) {
        return Err(refuse("it contains the site"));
    }
    for source in ["content", "static", "themes", "i18n"] {
        if out.starts_with(root.join(source)) {
            return Err(refuse(&format!("it is inside the site's {source}/ folder")));
        }
    }
    if out.join("content").exists() || out.join(crate::config::CONFIG_FILE).exists() {
        return Err(refuse("it holds a content/ folder or a site.yaml"));
    }
    if !out.starts_with(&root) && !allow_outside {
        return Err(refuse("it is outside the site folder")
            .with_hint("pass --allow-outside-output if you really want the site written there"));
    }
    if out.exists() && !out.is_dir() {
        return Err(refuse("it is a file"));
    }
    Ok(out)
}

/// A path inside the output folder, or `None` if it would leave it.
fn safe_join(base: &Path, rel: &str) -> Option<PathBuf> {
    let mut p = base.to_path_buf();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') => return None,
            s => p.push(s),
        }
    }
    (p != base).then_some(p)
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".dastan-{tag}-{name}-{}", std::process::id()))
}

/// Removes a folder tree, its files in parallel (a large site has tens of thousands).
pub fn remove_tree(dir: &Path) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// Removes what an interrupted earlier run may have left beside the output folder.
pub fn clean_leftovers(out: &Path) {
    let Some(parent) = out.parent() else { return };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // A run stopped between moving the old site aside and moving the new one in: put it back.
    if !out.exists()
        && let Ok(rd) = std::fs::read_dir(parent)
    {
        let prefix = format!(".dastan-old-{name}-");
        if let Some(old) = rd
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        {
            let _ = std::fs::rename(old.path(), out);
        }
    }
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let n = e.file_name().to_string_lossy().to_string();
        for tag in ["tmp", "old"] {
            let prefix = format!(".dastan-{tag}-{name}-");
            if n.starts_with(&prefix) && n[prefix.len()..].chars().all(|c| c.is_ascii_digit()) {
                remove_tree(&e.path());
            }
        }
    }
}

/// The site before the last one, kept in `.dastan-cache/` so that the next build only has
/// to change in it what differs, instead of making every file again.
#[derive(Debug, Clone)]
pub struct Staging {
    /// Where it is kept.
    pub dir: PathBuf,
    /// Its files with the keys they were made from ("" when a file has none), when known.
    pub files: Option<HashMap<String, String>>,
}

/// One file of the new site: the key it is made from, and whether it is in place yet.
#[derive(Debug, Clone, Default)]
struct Slot {
    key: String,
    written: bool,
    /// Taken from before by `reuse` rather than written: a page whose other files could not
    /// all be taken is made again, and its new file replaces this one.
    reused: bool,
}

/// Writes files into a folder beside the output folder as they come; `commit` swaps it in,
/// `discard` (or dropping it uncommitted) leaves the output folder as it was.
///
/// The folder is either fresh, or the site before the last one (kept from the previous
/// build, see [`Staging`]): then a file whose key is the same as the one already there is
/// left as it is, and the files the new site does not have are removed at the end. After the
/// swap the previous site takes its place in `.dastan-cache/`, for the next build.
pub struct DiskSink {
    tmp: PathBuf,
    out: PathBuf,
    done: std::sync::atomic::AtomicBool,
    /// Where the previous site goes after the swap (`None`: it is removed).
    keep: Option<PathBuf>,
    /// The keys of the files already in `tmp`, when it is a kept site being updated.
    staged: Option<HashMap<String, String>>,
    /// Every file of the new site, by path.
    files: Mutex<HashMap<String, Slot>>,
}

/// What became of the previous site after a build, for the next manifest.
#[derive(Debug, Default)]
pub struct Committed {
    /// The files of the folder kept in `.dastan-cache/` with their keys (`None`: none kept).
    pub staged: Option<HashMap<String, String>>,
    /// The files of the new output folder with their keys (after a commit).
    pub files: HashMap<String, String>,
}

impl DiskSink {
    /// A sink for `out`. With `staging`, the kept site is updated in place of a fresh folder
    /// when its files are known, and the previous site is kept there after the swap.
    pub fn create(out: &Path, staging: Option<Staging>) -> io::Result<DiskSink> {
        clean_leftovers(out);
        let tmp = sibling(out, "tmp");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        let mut staged = None;
        let mut keep = None;
        if let Some(s) = staging {
            if s.dir.is_dir() {
                match s.files {
                    Some(files) if std::fs::rename(&s.dir, &tmp).is_ok() => staged = Some(files),
                    // Unknown contents: of no use.
                    _ => remove_tree(&s.dir),
                }
            }
            keep = Some(s.dir);
        }
        if staged.is_none() {
            std::fs::create_dir_all(&tmp)?;
        }
        Ok(DiskSink {
            tmp,
            out: out.to_path_buf(),
            done: std::sync::atomic::AtomicBool::new(false),
            keep,
            staged,
            files: Mutex::new(HashMap::new()),
        })
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The files written, with their keys.
    fn written(&self) -> HashMap<String, String> {
        self.slots()
            .iter()
            .filter(|(_, s)| s.written)
            .map(|(p, s)| (p.clone(), s.key.clone()))
            .collect()
    }

    /// Swaps the new site in. The previous one is kept for the next build when it can be.
    pub fn commit(self) -> io::Result<Committed> {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
        let files = self.written();
        if let Some(staged) = &self.staged {
            // What the kept site has and the new one does not.
            let stale: Vec<&String> = staged.keys().filter(|p| !files.contains_key(*p)).collect();
            stale.par_iter().for_each(|p| {
                if let Some(path) = safe_join(&self.tmp, p) {
                    remove_path(&path);
                    let mut dir = path.parent();
                    while let Some(d) = dir {
                        if d == self.tmp || std::fs::remove_dir(d).is_err() {
                            break;
                        }
                        dir = d.parent();
                    }
                }
            });
        }
        let previous = match swap(&self.tmp, &self.out) {
            Ok(p) => p,
            Err(e) => {
                remove_tree(&self.tmp);
                return Err(e);
            }
        };
        let staged = match (previous, &self.keep) {
            (Some(old), Some(keep)) => {
                if let Some(parent) = keep.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                if std::fs::rename(&old, keep).is_ok() {
                    Some(HashMap::new())
                } else {
                    remove_tree(&old);
                    None
                }
            }
            (Some(old), None) => {
                remove_tree(&old);
                None
            }
            (None, _) => None,
        };
        Ok(Committed { staged, files })
    }

    /// Leaves the output folder as it was. The folder written into is kept for the next build
    /// (its files and their keys are returned), or removed.
    pub fn discard(self) -> Option<HashMap<String, String>> {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
        let Some(keep) = self.keep.as_ref() else {
            remove_tree(&self.tmp);
            return None;
        };
        let mut files = self.staged.clone().unwrap_or_default();
        files.extend(self.written());
        if let Some(parent) = keep.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if std::fs::rename(&self.tmp, keep).is_ok() {
            Some(files)
        } else {
            remove_tree(&self.tmp);
            None
        }
    }

    fn write(&self, f: &OutputFile) -> io::Result<()> {
        if matches!(f.data, Data::Reused) {
            // Already in place (`reuse`).
            return Ok(());
        }
        let Some(path) = safe_join(&self.tmp, &f.path) else {
            return Err(io::Error::other(format!(
                "refusing to write `{}` outside the output folder",
                f.path
            )));
        };
        // Two files for one path is an error, never a silent overwrite.
        {
            let mut slots = self.slots();
            let slot = slots.entry(f.path.clone()).or_default();
            if slot.written && !slot.reused {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, "exists"));
            }
            if slot.reused {
                // The file taken from before is replaced, never written into.
                let _ = std::fs::remove_file(&path);
            }
            slot.written = true;
            slot.reused = false;
        }
        let result = self.write_at(&path, f);
        if result.is_err() {
            // Whatever is there now is nothing a later build may count on.
            if let Some(slot) = self.slots().get_mut(&f.path) {
                slot.key.clear();
            }
        }
        result
    }

    fn write_at(&self, path: &Path, f: &OutputFile) -> io::Result<()> {
        if self.staged.is_some() {
            // A kept site: the file there may be another site's (a hard link): replace it,
            // never write into it.
            make_room(&self.tmp, path);
        } else if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match &f.data {
            Data::Bytes(b) => {
                use std::io::Write as _;
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)?;
                file.write_all(b)
            }
            Data::Copy(src) => std::fs::copy(src, path).map(|_| ()),
            Data::Reused => Ok(()),
        }
    }
}

/// Removes a file, or a folder with everything in it.
fn remove_path(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => remove_tree(path),
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Clears the way for a new file at `path` inside `base`: whatever is at the path goes, and
/// so does a file where one of its folders must be.
fn make_room(base: &Path, path: &Path) {
    remove_path(path);
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_ok() {
        return;
    }
    let mut dir = parent;
    while dir != base {
        if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
            let _ = std::fs::remove_file(dir);
            break;
        }
        match dir.parent() {
            Some(d) => dir = d,
            None => break,
        }
    }
    let _ = std::fs::create_dir_all(parent);
}

impl Drop for DiskSink {
    fn drop(&mut self) {
        if !self.done.load(std::sync::atomic::Ordering::SeqCst) {
            remove_tree(&self.tmp);
        }
    }
}

impl crate::render::Sink for DiskSink {
    fn note(&self, path: &str, key: &str) {
        let mut slots = self.slots();
        let slot = slots.entry(path.to_string()).or_default();
        if !slot.written {
            slot.key = key.to_string();
        }
    }

    fn reuse(&self, path: &str) -> bool {
        let (Some(from), Some(to)) = (safe_join(&self.out, path), safe_join(&self.tmp, path))
        else {
            return false;
        };
        let key = {
            let mut slots = self.slots();
            let slot = slots.entry(path.to_string()).or_default();
            if slot.written {
                return false;
            }
            slot.key.clone()
        };
        let ok = if !key.is_empty()
            && self
                .staged
                .as_ref()
                .and_then(|s| s.get(path))
                .is_some_and(|k| *k == key)
        {
            // The kept site has this very file already.
            true
        } else {
            if self.staged.is_some() {
                make_room(&self.tmp, &to);
            } else if let Some(parent) = to.parent()
                && std::fs::create_dir_all(parent).is_err()
            {
                return false;
            }
            std::fs::hard_link(&from, &to).is_ok() || std::fs::copy(&from, &to).is_ok()
        };
        if ok && let Some(slot) = self.slots().get_mut(path) {
            slot.written = true;
            slot.reused = true;
        }
        ok
    }

    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.write(&file).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                let source = match &file.data {
                    Data::Copy(p) => p.clone(),
                    Data::Bytes(_) | Data::Reused => PathBuf::from(&file.path),
                };
                crate::build::duplicate(source, &file.path)
            } else {
                Diagnostic::error(
                    PathBuf::from(&file.path),
                    1,
                    1,
                    format!("cannot write: {e}"),
                )
            }
        })
    }
}

/// Writes `files` into a fresh folder beside `out`, then swaps it in.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    clean_leftovers(out);
    let tmp = sibling(out, "tmp");
    match write_tree(&tmp, files).and_then(|()| swap(&tmp, out)) {
        Ok(old) => {
            if let Some(old) = old {
                remove_tree(&old);
            }
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// Writes the files under `dir` (which is created and must not exist yet).
pub fn write_tree(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut dirs = BTreeSet::new();
    let mut targets = Vec::with_capacity(files.len());
    for f in files {
        let Some(path) = safe_join(dir, &f.path) else {
            return Err(io::Error::other(format!(
                "refusing to write `{}` outside the output folder",
                f.path
            )));
        };
        if let Some(parent) = path.parent() {
            dirs.insert(parent.to_path_buf());
        }
        targets.push((path, &f.data));
    }
    for d in dirs {
        std::fs::create_dir_all(d)?;
    }
    targets.par_iter().try_for_each(|(path, data)| match data {
        Data::Bytes(b) => std::fs::write(path, b),
        Data::Copy(src) => std::fs::copy(src, path).map(|_| ()),
        Data::Reused => Ok(()),
    })
}

/// Puts `tmp` in the place of `out`; the previous site, if there was one, is then at the
/// returned path (for the caller to keep or remove).
fn swap(tmp: &Path, out: &Path) -> io::Result<Option<PathBuf>> {
    if out.exists() {
        // One atomic step where the system has it: the new site and the old one trade places.
        if exchange(tmp, out).is_ok() {
            return Ok(Some(tmp.to_path_buf()));
        }
        let old = sibling(out, "old");
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(tmp, out) {
            // Put the previous site back.
            let _ = std::fs::rename(&old, out);
            return Err(e);
        }
        Ok(Some(old))
    } else {
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(tmp, out)?;
        Ok(None)
    }
}

/// `renameat2(RENAME_EXCHANGE)`: swaps two paths atomically (Linux).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths; the call reads them and nothing else.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange on this system"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_taken_from_before_can_be_made_again() {
        // A page with several files: the first is taken from the previous site, the next
        // cannot be, so the page is made again and all its files are written.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.html"), "old").unwrap();
        let sink = DiskSink::create(&out, None).unwrap();
        use crate::render::Sink as _;
        sink.note("a.html", "k");
        sink.note("b.html", "k");
        assert!(sink.reuse("a.html"));
        assert!(!sink.reuse("b.html"));
        for path in ["a.html", "b.html"] {
            let file = crate::render::OutputFile {
                path: path.into(),
                data: crate::render::Data::Bytes(b"new".to_vec()),
            };
            sink.put(file).unwrap();
        }
        // Two files for one path are still an error.
        let again = crate::render::OutputFile {
            path: "a.html".into(),
            data: crate::render::Data::Bytes(b"newer".to_vec()),
        };
        assert!(sink.put(again).is_err());
        sink.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "new");
    }

    #[test]
    fn joins_stay_inside() {
        let b = Path::new("/x/out");
        assert_eq!(
            safe_join(b, "ru/index.html"),
            Some(PathBuf::from("/x/out/ru/index.html"))
        );
        assert_eq!(safe_join(b, "../etc/passwd"), None);
        assert_eq!(safe_join(b, ""), None);
    }
}
