//! `dastan check`: everything `build` checks, without writing anything, and more: every
//! internal link and anchor of the built pages, the Fluent files across languages, and
//! translations older than their source.

use crate::build::{self, BuildOptions};
use crate::cli::{CheckArgs, Format};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{Data, OutputFile};
use std::collections::{BTreeSet, HashMap};

pub fn run(a: CheckArgs) -> u8 {
    let diags = check(&BuildOptions {
        root: a.root.root,
        drafts: a.drafts,
        // Nothing is written, so smaller copies of images are not made either.
        no_image_variants: true,
        ..Default::default()
    });
    match a.format {
        Format::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&diags.sorted()).unwrap_or_else(|_| "[]".into())
            );
        }
        Format::Text => {
            super::print(&diags);
            eprintln!(
                "{} error(s), {} warning(s)",
                diags.error_count(),
                diags.warning_count()
            );
        }
    }
    if diags.has_errors() {
        super::CONTENT_ERROR
    } else {
        super::OK
    }
}

/// All findings for a site.
pub fn check(opts: &BuildOptions) -> Diagnostics {
    let (generated, mut diags) = build::generate(opts);
    let Some(g) = generated else { return diags };
    let cfg = &g.config;

    // Links and anchors in every built page.
    let files: HashMap<&str, &OutputFile> = g.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let page_of: HashMap<String, &crate::site::Page> = g
        .site
        .pages
        .iter()
        .map(|p| (format!("{}index.html", p.path), p))
        .collect();
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    // Pages first: a broken link in a report's text is reported at its line, and not again
    // for every list that shows the report's summary.
    let mut ordered: Vec<&OutputFile> = g.files.iter().collect();
    ordered.sort_by_key(|f| !page_of.contains_key(&f.path));
    for f in ordered {
        let Data::Bytes(bytes) = &f.data else {
            continue;
        };
        if !f.path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            let Some(rest) = link.strip_prefix(cfg.base_path.as_str()) else {
                continue;
            };
            if link.starts_with("//") {
                continue;
            }
            let (path, fragment) = match rest.split_once('#') {
                Some((p, frag)) => (p, Some(frag)),
                None => (rest, None),
            };
            let path = path.split('?').next().unwrap_or("");
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            let problem = match files.get(target.as_str()) {
                None => Some(format!(
                    "link to `{link}`, which is not a page or file of the site"
                )),
                Some(t) => match (fragment, &t.data) {
                    (Some(frag), Data::Bytes(b))
                        if !frag.is_empty() && target.ends_with(".html") =>
                    {
                        let text = String::from_utf8_lossy(b);
                        (!text.contains(&format!("id=\"{frag}\"")))
                            .then(|| format!("link to `{link}`: that page has no `#{frag}`"))
                    }
                    _ => None,
                },
            };
            let Some(message) = problem else { continue };
            match page_of.get(&f.path) {
                Some(p)
                    if p.text
                        .contains(&format!("#{}", fragment.unwrap_or("\u{0}")))
                        || fragment.is_none() =>
                {
                    let needle = fragment
                        .map(|fr| format!("#{fr}"))
                        .unwrap_or_else(|| link.clone());
                    let line = p
                        .text
                        .find(&needle)
                        .map_or(1, |o| crate::diag::line_col(&p.text, o).0);
                    reported.insert((link.clone(), String::new()));
                    diags.push(
                        Diagnostic::error(&p.source, line, 1, message)
                            .with_hint("check the link's file name and heading"),
                    );
                }
                _ => {
                    if reported.insert((link.clone(), String::new())) {
                        let templates = cfg.theme_dir().join("templates");
                        let shown = crate::diag::rel(&cfg.root, &templates);
                        diags.push(Diagnostic::error(
                            shown,
                            1,
                            1,
                            format!("{message} (on {})", f.path),
                        ));
                    }
                }
            }
        }
    }

    // Fluent across languages.
    let mut used: BTreeSet<String> = crate::render::RENDER_MESSAGES
        .iter()
        .map(|s| s.to_string())
        .collect();
    for entry in walkdir::WalkDir::new(cfg.theme_dir().join("templates"))
        .into_iter()
        .filter_map(Result::ok)
    {
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            for part in text.split("key=\"").skip(1) {
                if let Some(id) = part.split('"').next() {
                    used.insert(id.to_string());
                }
            }
        }
    }
    let mut prefixes: Vec<String> = crate::render::RENDER_MESSAGE_PREFIXES
        .iter()
        .map(|s| s.to_string())
        .collect();
    prefixes.extend(cfg.taxonomies.iter().map(|t| format!("{t}-")));
    let prefixes: Vec<&str> = prefixes.iter().map(String::as_str).collect();
    diags.extend(crate::i18n::lint(cfg, &used, &prefixes));

    // Translations older than their source.
    for b in &g.site.bundles {
        let Some((_, source_id)) = b.pages.first() else {
            continue;
        };
        let source = g.site.page(*source_id);
        let Some(src_updated) = source
            .meta
            .updated
            .as_ref()
            .filter(|_| source.meta.key_lines.contains_key("updated"))
        else {
            continue;
        };
        for (_, id) in b.pages.iter().skip(1) {
            let p = g.site.page(*id);
            let own = p.meta.key_lines.contains_key("updated");
            let older = match (&p.meta.updated, own) {
                (Some(u), true) => u.ts < src_updated.ts,
                _ => p.meta.date.as_ref().is_some_and(|d| d.ts < src_updated.ts) && !own,
            };
            if older {
                diags.push(
                    Diagnostic::warning(
                        &p.source,
                        p.meta.line_of("updated"),
                        1,
                        format!(
                            "this translation is older than its source {} (updated {})",
                            source.source.display(),
                            src_updated.iso_date
                        ),
                    )
                    .with_hint(
                        "update the translation, then set its `updated:` to the date of the update",
                    ),
                );
            }
        }
    }
    diags
}

/// Every `href="…"` and `src="…"` value of a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(v) = part.split('"').next() {
                out.push(v.replace("&amp;", "&"));
            }
        }
    }
    out
}
