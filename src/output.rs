//! Writing the site: the output folder is checked, the new site is written beside it and
//! swapped in whole, so a failed or interrupted build never leaves a half-written site.
//! The only module (with `serve`) that writes files.

use crate::diag::Diagnostic;
use crate::render::{Data, OutputFile};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};

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

/// Writes files into a fresh folder beside the output folder as they come; `commit` swaps it
/// in, `discard` (or dropping it uncommitted) removes it.
pub struct DiskSink {
    tmp: PathBuf,
    out: PathBuf,
    done: std::sync::atomic::AtomicBool,
}

impl DiskSink {
    pub fn create(out: &Path) -> io::Result<DiskSink> {
        clean_leftovers(out);
        let tmp = sibling(out, "tmp");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        Ok(DiskSink {
            tmp,
            out: out.to_path_buf(),
            done: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn commit(self) -> io::Result<()> {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
        let r = swap(&self.tmp, &self.out);
        if r.is_err() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
        r
    }

    pub fn discard(self) {
        // Drop removes the folder.
    }

    fn write(&self, f: &OutputFile) -> io::Result<()> {
        let Some(path) = safe_join(&self.tmp, &f.path) else {
            return Err(io::Error::other(format!(
                "refusing to write `{}` outside the output folder",
                f.path
            )));
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // `create_new`: two files for one path is an error, never a silent overwrite.
        match &f.data {
            Data::Bytes(b) => {
                use std::io::Write as _;
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?;
                file.write_all(b)
            }
            Data::Copy(src) => {
                if path.exists() {
                    return Err(io::Error::new(io::ErrorKind::AlreadyExists, "exists"));
                }
                std::fs::copy(src, &path).map(|_| ())
            }
            Data::Reused => Ok(()),
        }
    }
}

impl Drop for DiskSink {
    fn drop(&mut self) {
        if !self.done.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

impl crate::render::Sink for DiskSink {
    fn reuse(&self, path: &str) -> bool {
        let (Some(from), Some(to)) = (safe_join(&self.out, path), safe_join(&self.tmp, path))
        else {
            return false;
        };
        if let Some(parent) = to.parent()
            && std::fs::create_dir_all(parent).is_err()
        {
            return false;
        }
        std::fs::hard_link(&from, &to).is_ok() || std::fs::copy(&from, &to).is_ok()
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
    let result = write_tree(&tmp, files).and_then(|()| swap(&tmp, out));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
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

fn swap(tmp: &Path, out: &Path) -> io::Result<()> {
    if out.exists() {
        // One atomic step where the system has it: the new site and the old one trade places.
        if exchange(tmp, out).is_ok() {
            remove_tree(tmp);
            return Ok(());
        }
        let old = sibling(out, "old");
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(tmp, out) {
            // Put the previous site back.
            let _ = std::fs::rename(&old, out);
            return Err(e);
        }
        remove_tree(&old);
    } else {
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(tmp, out)?;
    }
    Ok(())
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
