//! `dastan status`: which reports exist in which language, which are missing, machine
//! translated or out of date; and how much of the interface text each language has.

use crate::build::{self, BuildOptions};
use crate::cli::StatusArgs;
use crate::content::Kind;
use crate::render::feeds::xml_escape;
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Present,
    Missing,
    Machine,
    Stale,
}

impl Cell {
    fn mark(self) -> &'static str {
        match self {
            Cell::Present => "✓",
            Cell::Missing => "—",
            Cell::Machine => "MT",
            Cell::Stale => "old",
        }
    }
    fn words(self) -> &'static str {
        match self {
            Cell::Present => "translated",
            Cell::Missing => "missing",
            Cell::Machine => "machine-translated",
            Cell::Stale => "out of date",
        }
    }
}

pub fn run(a: StatusArgs) -> u8 {
    let (generated, diags) = build::generate(&BuildOptions {
        root: a.root.root.clone(),
        drafts: true,
        ..Default::default()
    });
    let Some(g) = generated else {
        super::print(&diags);
        return super::CONTENT_ERROR;
    };
    let langs = &g.config.languages;
    let mut rows: Vec<(String, Vec<Cell>)> = Vec::new();
    for b in g
        .site
        .bundles
        .iter()
        .filter(|b| b.kind == Kind::Report && !b.pages.is_empty())
    {
        let source = g.site.page(b.pages[0].1);
        let src_updated = source
            .meta
            .updated
            .as_ref()
            .filter(|_| source.meta.key_lines.contains_key("updated"));
        let cells = langs
            .iter()
            .map(|l| match b.pages.iter().find(|(pl, _)| pl == l) {
                None => Cell::Missing,
                Some((_, id)) => {
                    let p = g.site.page(*id);
                    let own_updated = p.meta.key_lines.contains_key("updated");
                    let stale = *id != b.pages[0].1
                        && src_updated.is_some_and(|su| {
                            if own_updated {
                                p.meta.updated.as_ref().is_some_and(|u| u.ts < su.ts)
                            } else {
                                true
                            }
                        });
                    if stale {
                        Cell::Stale
                    } else if p.meta.machine_translated {
                        Cell::Machine
                    } else {
                        Cell::Present
                    }
                }
            })
            .collect();
        rows.push((b.dir.trim_start_matches("reports/").to_string(), cells));
    }
    let total = rows.len();
    let width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = String::new();
    let _ = write!(out, "{:<width$}", "report");
    for l in langs {
        let _ = write!(out, "  {l:<4}");
    }
    out.push('\n');
    for (name, cells) in &rows {
        let _ = write!(out, "{name:<width$}");
        for c in cells {
            let _ = write!(out, "  {:<4}", c.mark());
        }
        out.push('\n');
    }
    out.push('\n');
    let mut totals = Vec::new();
    for (i, l) in langs.iter().enumerate() {
        let have = rows.iter().filter(|r| r.1[i] != Cell::Missing).count();
        let mt = rows.iter().filter(|r| r.1[i] == Cell::Machine).count();
        let stale = rows.iter().filter(|r| r.1[i] == Cell::Stale).count();
        let pct = (have * 100).checked_div(total).unwrap_or(100);
        let line = format!(
            "{l}: {have} of {total} reports, {pct}% ({mt} machine-translated, {stale} out of date)"
        );
        let _ = writeln!(out, "{line}");
        totals.push(line);
    }
    // Interface text: messages per language against all messages of the site and theme.
    let (i18n, _) = crate::i18n::load(
        &g.config,
        std::sync::Arc::new(crate::format::Formats::new(
            langs.iter().map(String::as_str),
        )),
    );
    let all: std::collections::BTreeSet<&String> =
        i18n.messages.values().flat_map(|m| m.keys()).collect();
    let mut ui = Vec::new();
    for l in langs {
        let n = i18n.messages.get(l).map_or(0, |m| m.len());
        let line = format!("interface text {l}: {n} of {} messages", all.len());
        let _ = writeln!(out, "{line}");
        ui.push(line);
    }
    print!("{out}");
    if let Some(path) = a.html {
        let html = html_page(langs, &rows, &totals, &ui);
        if let Err(e) = std::fs::write(&path, html) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return super::CONTENT_ERROR;
        }
        eprintln!("wrote {}", path.display());
    }
    super::OK
}

fn html_page(
    langs: &[String],
    rows: &[(String, Vec<Cell>)],
    totals: &[String],
    ui: &[String],
) -> String {
    let mut h = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Translation status</title>\n<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1b1f24}table{border-collapse:collapse}th,td{border-bottom:1px solid #d9dde2;padding:.3rem .7rem;text-align:left}td.missing{color:#a4262c}td.machine{color:#8a5300}td.stale{color:#8a5300;font-weight:700}</style>\n</head>\n<body>\n<main>\n<h1>Translation status</h1>\n<table>\n<thead><tr><th scope=\"col\">Report</th>",
    );
    for l in langs {
        let _ = write!(h, "<th scope=\"col\">{}</th>", xml_escape(l));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (name, cells) in rows {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", xml_escape(name));
        for c in cells {
            let class = match c {
                Cell::Present => "ok",
                Cell::Missing => "missing",
                Cell::Machine => "machine",
                Cell::Stale => "stale",
            };
            let _ = write!(
                h,
                "<td class=\"{class}\"><span aria-hidden=\"true\">{}</span><span class=\"sr\"> </span>{}</td>",
                c.mark(),
                c.words()
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n<h2>Totals</h2>\n<ul>\n");
    for t in totals.iter().chain(ui) {
        let _ = writeln!(h, "<li>{}</li>", xml_escape(t));
    }
    h.push_str("</ul>\n</main>\n</body>\n</html>\n");
    h
}
