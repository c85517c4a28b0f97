//! `dastan new report` and `dastan new translation`: files an editor fills in.

use crate::cli::{NewArgs, NewCommand};
use crate::config;
use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};

const ARCHETYPE: &str = "---
title: \"{{title}}\"
date: {{date}}
location:
tags: []
# summary: \"…\"
# cover: {src: photo.jpg, alt: \"…\", credit: \"…\"}
# source: {name: \"…\", url: \"https://…\"}
---
Write the report here. The first paragraph is the summary unless you add `summary:` above.
";

pub fn run(cmd: NewCommand) -> u8 {
    let (args, translation) = match cmd {
        NewCommand::Report(a) => (a, false),
        NewCommand::Translation(a) => (a, true),
    };
    match create(&args, translation) {
        Ok(path) => {
            println!("created {}", path.display());
            super::OK
        }
        Err(d) => {
            eprintln!("{d}");
            super::CONTENT_ERROR
        }
    }
}

fn bundle_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
}

/// Creates the file and returns its path relative to the site root.
pub fn create(args: &NewArgs, translation: bool) -> Result<PathBuf, Diagnostic> {
    let root = &args.root.root;
    let cfg = config::load(root, None).map_err(|d| {
        d.sorted()
            .into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::error("site.yaml", 1, 1, "invalid configuration"))
    })?;
    let lang = config::normalize_lang(&args.lang)
        .filter(|l| cfg.has_language(l))
        .ok_or_else(|| {
            Diagnostic::error(
                "site.yaml",
                1,
                1,
                format!("`{}` is not a language of this site", args.lang),
            )
            .with_hint(format!(
                "the site's languages are: {}",
                cfg.languages.join(", ")
            ))
        })?;
    if !bundle_name_ok(&args.bundle) {
        let suggestion = crate::slug::slugify(&args.bundle, &lang);
        return Err(Diagnostic::error(
            "content/reports",
            1,
            1,
            format!("`{}` cannot be a report folder name", args.bundle),
        )
        .with_hint(format!(
            "use lowercase ASCII letters, digits and hyphens, for example `{suggestion}`"
        )));
    }
    let dir = PathBuf::from("content/reports").join(&args.bundle);
    let file = dir.join(format!("index.{lang}.md"));
    if root.join(&file).exists() {
        return Err(Diagnostic::error(
            &file,
            1,
            1,
            "this file already exists; nothing was written",
        )
        .with_hint("edit it, or choose another folder or language"));
    }
    let text = if translation {
        translation_text(root, &cfg, &dir, &lang)?
    } else {
        report_text(root, &cfg)
    };
    std::fs::create_dir_all(root.join(&dir))
        .map_err(|e| Diagnostic::error(&dir, 1, 1, format!("cannot create: {e}")))?;
    std::fs::write(root.join(&file), text)
        .map_err(|e| Diagnostic::error(&file, 1, 1, format!("cannot write: {e}")))?;
    Ok(file)
}

fn report_text(root: &Path, cfg: &config::SiteConfig) -> String {
    let archetype = [
        root.join("archetypes/report.md"),
        cfg.theme_dir().join("archetypes/report.md"),
    ]
    .iter()
    .find_map(|p| std::fs::read_to_string(p).ok())
    .unwrap_or_else(|| ARCHETYPE.to_string());
    let tz = jiff::tz::TimeZone::get(&cfg.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    archetype
        .replace("{{date}}", &today.to_string())
        .replace("{{title}}", "Title of the report")
}

/// The source's front matter without the fields a translation inherits, and the source text
/// in a comment to translate.
fn translation_text(
    root: &Path,
    cfg: &config::SiteConfig,
    dir: &Path,
    lang: &str,
) -> Result<String, Diagnostic> {
    let mut sources: Vec<(usize, PathBuf)> = Vec::new();
    let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
        return Err(Diagnostic::error(dir, 1, 1, "there is no such report")
            .with_hint("`dastan new report <folder> --lang <code>` creates one"));
    };
    for e in rd.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(l) = name
            .strip_prefix("index.")
            .and_then(|r| r.strip_suffix(".md"))
        {
            let pos = cfg
                .languages
                .iter()
                .position(|x| x == l)
                .unwrap_or(usize::MAX - 1);
            sources.push((pos, dir.join(&name)));
        } else if name == "index.md" {
            sources.push((0, dir.join(&name)));
        }
    }
    sources.sort();
    let Some((_, source)) = sources.first() else {
        return Err(Diagnostic::error(
            dir,
            1,
            1,
            "this report has no language file to translate from",
        ));
    };
    let text = std::fs::read_to_string(root.join(source))
        .map_err(|e| Diagnostic::error(source, 1, 1, format!("cannot read: {e}")))?;
    let text = crate::frontmatter::normalize_newlines(text.trim_start_matches('\u{feff}'));
    let split = crate::frontmatter::split(&text, source)?;
    let value = crate::yaml::parse_value(split.yaml, source, split.yaml_line)?;
    let mut out = serde_yaml::Mapping::new();
    if let serde_yaml::Value::Mapping(m) = value {
        for (k, v) in m {
            let Some(key) = k.as_str() else { continue };
            match key {
                // Inherited from the source: written once.
                "date" | "updated" | "slug" | "aliases" | "draft" => {}
                "cover" | "source" => {
                    if let serde_yaml::Value::Mapping(inner) = v {
                        let kept: serde_yaml::Mapping = inner
                            .into_iter()
                            .filter(|(ik, _)| !matches!(ik.as_str(), Some("src") | Some("url")))
                            .collect();
                        if !kept.is_empty() {
                            out.insert(k, serde_yaml::Value::Mapping(kept));
                        }
                    }
                }
                _ => {
                    out.insert(k, v);
                }
            }
        }
    }
    let yaml = serde_yaml::to_string(&out).unwrap_or_default();
    let body = split.body.replace("-->", "--&gt;");
    let _ = lang;
    Ok(format!(
        "---\n{yaml}---\n<!-- Translate from {}: write the translation above this comment, then delete the comment.\n\n{}\n-->\n",
        source.display(),
        body.trim_end()
    ))
}
