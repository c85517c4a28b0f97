//! A small harness: a temporary site, files written into it, the real `dastan` binary run on
//! it, and helpers to read what it built.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SiteTest {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success, got {}:\n{}",
            self.code, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn fails(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}, got {}:\n{}",
            self.code, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Self {
        assert!(
            self.stderr.contains(text),
            "stderr does not contain {text:?}:\n{}",
            self.stderr
        );
        self
    }
    #[track_caller]
    pub fn stderr_lacks(self, text: &str) -> Self {
        assert!(
            !self.stderr.contains(text),
            "stderr contains {text:?}:\n{}",
            self.stderr
        );
        self
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dastan"))
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub const SITE_YAML: &str = "base_url: https://example.org/\nlanguages: [ru, en, kk, uz]\n";

impl SiteTest {
    /// An empty site with the default theme and the four sample languages.
    pub fn new() -> SiteTest {
        let t = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(
            &repo().join("themes/default"),
            &t.path().join("themes/default"),
        );
        t.write("site.yaml", SITE_YAML);
        t
    }

    /// The repository's own sample site, copied.
    pub fn sample() -> SiteTest {
        let t = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        for d in ["content", "themes", "i18n", "static"] {
            if repo().join(d).exists() {
                copy_dir(&repo().join(d), &t.path().join(d));
            }
        }
        std::fs::copy(repo().join("site.yaml"), t.path().join("site.yaml")).unwrap();
        t
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the site root.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let p = self.path().join(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
        self
    }

    /// A report file with front matter lines and a body.
    pub fn report(&self, bundle: &str, lang: &str, front: &str, body: &str) -> &Self {
        self.write(
            &format!("content/reports/{bundle}/index.{lang}.md"),
            &format!("---\n{front}\n---\n{body}\n"),
        )
    }

    /// Runs `dastan <args>` in the site folder with a controlled environment.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(bin())
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("HOME", self.path().join(".home"))
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn build(&self) -> Run {
        self.run(&["build"]).ok()
    }

    #[track_caller]
    pub fn build_fails(&self) -> Run {
        self.run(&["build"]).fails(1)
    }

    /// A built file, from public/.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let p = self.path().join("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read public/{rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join("public").join(rel).exists()
    }

    /// Every file under public/, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        let root = self.path().join("public");
        if !root.exists() {
            return Vec::new();
        }
        walkdir(&root)
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    /// The `<main>` element of a built page.
    #[track_caller]
    pub fn main_of(&self, rel: &str) -> String {
        let html = self.read(rel);
        let start = html.find("<main").expect("no <main>");
        let end = html.find("</main>").expect("no </main>");
        html[start..end + 7].to_string()
    }
}
