//! The default theme and interface messages, built into the binary so that `dastan init`
//! works from an installed `dastan` anywhere.

use include_dir::{Dir, include_dir};

pub static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");
pub static I18N: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// Writes every file of `dir` under `target`.
pub fn write_dir(dir: &Dir, target: &std::path::Path) -> std::io::Result<usize> {
    let mut n = 0;
    for f in dir.files() {
        let path = target.join(f.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, f.contents())?;
        n += 1;
    }
    for d in dir.dirs() {
        n += write_dir(d, target)?;
    }
    Ok(n)
}
