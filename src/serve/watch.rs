//! Watching the site's sources and rebuilding on every save.

use super::{Shared, rebuild};
use crate::build::BuildOptions;
use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Editors' temporary, swap and backup files, which never trigger a rebuild.
pub fn ignored(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with(".#")
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
        || name == ".DS_Store"
}

/// Whether an event changes a file. Reading files (which every build does) is not a change,
/// nor is a change of access time: without this, a build would trigger the next one.
pub fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    )
}

/// Whether a changed path is one of the site's sources.
pub fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    if ignored(path) {
        return false;
    }
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .unwrap_or_default();
    matches!(
        first.as_str(),
        "content" | "i18n" | "themes" | "static" | "site.yaml"
    )
}

pub fn watch(
    root: &Path,
    poll: bool,
    opts: BuildOptions,
    shared: Arc<Shared>,
    reloader: tower_livereload::Reloader,
    ready: mpsc::Sender<()>,
) {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let delay = Duration::from_millis(50);
    // Both kinds of debouncer are kept alive for the whole loop by this binding.
    let _guard: Box<dyn std::any::Any> = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        match new_debouncer_opt::<_, notify::PollWatcher, notify_debouncer_full::NoCache>(
            delay,
            None,
            tx,
            notify_debouncer_full::NoCache,
            config,
        ) {
            Ok(mut d) => {
                let _ = d.watch(&root, RecursiveMode::Recursive);
                Box::new(d)
            }
            Err(e) => {
                eprintln!("error: cannot watch the site: {e}");
                return;
            }
        }
    } else {
        match new_debouncer(delay, None, tx) {
            Ok(mut d) => {
                if let Err(e) = d.watch(&root, RecursiveMode::Recursive) {
                    eprintln!("error: cannot watch the site ({e}); try --poll");
                }
                Box::new(d)
            }
            Err(e) => {
                eprintln!("error: cannot watch the site ({e}); try --poll");
                return;
            }
        }
    };
    let _ = ready.send(());
    while let Ok(result) = rx.recv() {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut collect = |r: DebounceEventResult| {
            if let Ok(events) = r {
                for e in events {
                    if is_change(&e.event.kind) {
                        changed
                            .extend(e.event.paths.iter().filter(|p| relevant(&root, p)).cloned());
                    }
                }
            }
        };
        collect(result);
        // Saves often come in bursts: take everything that is already waiting.
        while let Ok(more) = rx.try_recv() {
            collect(more);
        }
        if changed.is_empty() {
            continue;
        }
        let started = Instant::now();
        let (files, diags) = rebuild(&opts);
        crate::commands::print(&diags);
        match files {
            Some(f) => {
                shared.set_files(f);
                shared.set_errors(Vec::new());
                eprintln!(
                    "rebuilt in {} ms ({} changed)",
                    started.elapsed().as_millis(),
                    changed.len()
                );
            }
            None => {
                let errors: Vec<_> = diags
                    .sorted()
                    .into_iter()
                    .filter(|d| d.severity == crate::diag::Severity::Error)
                    .collect();
                eprintln!(
                    "the save has {} error(s); still serving the last good version",
                    errors.len()
                );
                shared.set_errors(errors);
            }
        }
        reloader.reload();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        let root = Path::new("/s");
        assert!(relevant(
            root,
            Path::new("/s/content/reports/a/index.ru.md")
        ));
        assert!(relevant(root, Path::new("/s/site.yaml")));
        assert!(!relevant(
            root,
            Path::new("/s/content/reports/a/.index.ru.md.swp")
        ));
        assert!(!relevant(
            root,
            Path::new("/s/content/reports/a/index.ru.md~")
        ));
        assert!(!relevant(root, Path::new("/s/content/reports/a/4913")));
        assert!(!relevant(root, Path::new("/s/public/ru/index.html")));
        assert!(!relevant(root, Path::new("/elsewhere/x.md")));
    }
}
