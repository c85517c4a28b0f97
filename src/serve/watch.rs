//! Watching the site's sources and rebuilding on every save.

use super::{Shared, rebuild};
use crate::build::BuildOptions;
use crate::diag::Diagnostics;
use crate::render::live::{Change, Later};
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
    let delay = Duration::from_millis(20);
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
    let indexer = spawn_indexer(shared.clone());
    // Pages a save made out of date, rendered again in the background between saves.
    let mut queue: std::collections::VecDeque<String> = Default::default();
    loop {
        let result = if queue.is_empty() {
            match rx.recv() {
                Ok(r) => r,
                Err(_) => break,
            }
        } else {
            match rx.try_recv() {
                Ok(r) => r,
                Err(mpsc::TryRecvError::Empty) => {
                    refresh(&shared, &mut queue);
                    continue;
                }
                Err(mpsc::TryRecvError::Disconnected) => break,
            }
        };
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
        let mut rels: Vec<String> = changed
            .iter()
            .filter_map(|p| p.strip_prefix(&root).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        rels.sort();
        rels.dedup();
        let started = Instant::now();
        update(
            started, &opts, &shared, &rels, &mut queue, &reloader, &indexer,
        );
        eprintln!(
            "updated in {} ms ({} changed)",
            started.elapsed().as_millis(),
            rels.len()
        );
    }
}

/// Applies one burst of saves: a partial re-render when it can, a full build otherwise.
fn update(
    started: Instant,
    opts: &BuildOptions,
    shared: &Shared,
    rels: &[String],
    queue: &mut std::collections::VecDeque<String>,
    reloader: &tower_livereload::Reloader,
    indexer: &mpsc::Sender<(u64, String, Arc<Vec<crate::search::Doc>>)>,
) {
    let change = match super::lock(&shared.live).as_mut() {
        Some(live) => live.apply(rels),
        None => Change::Rebuild,
    };
    match change {
        Change::Updated {
            files,
            stale,
            later,
            warnings,
            restyle,
        } => {
            let mut d = Diagnostics::new();
            d.extend(warnings);
            crate::commands::print(&d);
            shared.update(files, &stale);
            queue.clear();
            queue.extend(stale);
            {
                let g = super::lock(&shared.live);
                let errors = g.as_ref().map(|l| l.errors()).unwrap_or_default();
                shared.set_errors(g.as_ref(), errors);
            }
            let only_css = !restyle.is_empty() && shared.errors().1.is_empty();
            if only_css {
                // The page stays; its stylesheet is swapped (see `RESTYLE_SCRIPT`).
                let _ = shared.restyle.send(super::restyle_event(&restyle));
            } else {
                reloader.reload();
            }
            if std::env::var_os("DASTAN_TRACE").is_some() {
                eprintln!("served in {} ms", started.elapsed().as_millis());
            }
            // Search indexes are made on another thread, so that the next save is not kept
            // waiting; feeds (only after a change of messages) here.
            let mut g = super::lock(&shared.live);
            if let Some(live) = g.as_mut() {
                let mut langs = Vec::new();
                for l in &later {
                    match l {
                        Later::SearchIndex(lang) => langs.push(lang.clone()),
                        Later::AllFeedsAndIndexes => {
                            shared.update(live.feeds(), &[]);
                            langs.extend(live.languages());
                        }
                    }
                }
                let generation = shared.generation.load(std::sync::atomic::Ordering::SeqCst);
                for lang in langs {
                    let docs = live.search_docs(&lang);
                    let _ = indexer.send((generation, lang, docs));
                }
            }
        }
        Change::Broken(errors) => {
            let mut d = Diagnostics::new();
            d.extend(errors.clone());
            crate::commands::print(&d);
            eprintln!(
                "the save has {} error(s); still serving the last good version",
                d.error_count()
            );
            let g = super::lock(&shared.live);
            shared.set_errors(g.as_ref(), errors);
            drop(g);
            reloader.reload();
        }
        Change::Rebuild => {
            let (built, diags) = rebuild(opts);
            crate::commands::print(&diags);
            match built {
                Some((files, live)) => {
                    shared.set_files(files);
                    queue.clear();
                    let mut g = super::lock(&shared.live);
                    *g = Some(live);
                    shared.set_errors(g.as_ref(), Vec::new());
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
                    let mut g = super::lock(&shared.live);
                    if let Some(live) = g.as_mut() {
                        live.set_build_errors(errors.clone());
                    }
                    shared.set_errors(g.as_ref(), errors);
                }
            }
            reloader.reload();
        }
    }
}

/// A thread that makes search indexes; of several waiting for one language, only the latest.
fn spawn_indexer(shared: Arc<Shared>) -> mpsc::Sender<(u64, String, Arc<Vec<crate::search::Doc>>)> {
    let (tx, rx) = mpsc::channel::<(u64, String, Arc<Vec<crate::search::Doc>>)>();
    std::thread::spawn(move || {
        while let Ok(first) = rx.recv() {
            let mut latest: Vec<(u64, String, Arc<Vec<crate::search::Doc>>)> = vec![first];
            while let Ok((generation, lang, docs)) = rx.try_recv() {
                latest.retain(|(_, l, _)| *l != lang);
                latest.push((generation, lang, docs));
            }
            for (generation, lang, docs) in latest {
                let bytes = crate::search::index(&lang, &docs);
                if shared.generation.load(std::sync::atomic::Ordering::SeqCst) != generation {
                    continue;
                }
                shared.update(
                    vec![crate::render::OutputFile {
                        path: format!("{lang}/search/index.json"),
                        data: crate::render::Data::Bytes(bytes),
                    }],
                    &[],
                );
            }
        }
    });
    tx
}

/// Renders a few of the pages still out of date.
fn refresh(shared: &Shared, queue: &mut std::collections::VecDeque<String>) {
    let mut batch = Vec::new();
    while batch.len() < 64 {
        let Some(p) = queue.pop_front() else { break };
        if shared.is_stale(&p) {
            batch.push(p);
        }
    }
    if batch.is_empty() {
        return;
    }
    let mut g = super::lock(&shared.live);
    let Some(live) = g.as_mut() else { return };
    let before = live.errors().len();
    let rendered = live.render_paths(&batch);
    let files = rendered
        .into_iter()
        .filter_map(|(path, r)| {
            r.ok().map(|b| crate::render::OutputFile {
                path,
                data: crate::render::Data::Bytes(b),
            })
        })
        .collect();
    shared.update(files, &[]);
    let errors = live.errors();
    if errors.len() != before {
        shared.set_errors(Some(live), errors);
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
