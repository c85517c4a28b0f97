//! `dastan init <dir>`: a new site that builds at once, with the default theme built in.

use crate::cli::InitArgs;
use crate::config::normalize_lang;
use crate::embedded;

const EDITORS_README: &str = "# Editing this site

Each report is a folder under `content/reports/`, with one file per language:
`index.ru.md`, `index.en.md`, … Write the date, cover image and source link once, in one of
the files; the translations take them from there.

- `dastan new report 2025-04-28-delegation-visit --lang ru` — a new report;
- `dastan new translation 2025-04-28-delegation-visit --lang kk` — its Kazakh translation;
- `dastan serve` — a live preview at http://127.0.0.1:1111/ that reloads on every save;
- `dastan check` — every problem of the site at once, with the file and the line;
- `dastan status` — which reports are missing or out of date in which language;
- `dastan build` — the finished site in `public/`, ready for any static host.
";

pub fn run(a: InitArgs) -> u8 {
    let dir = &a.dir;
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut r| r.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "error: `{}` exists and is not empty; nothing was written",
            dir.display()
        );
        eprintln!("  hint: choose a new folder name");
        return super::CONTENT_ERROR;
    }
    let mut langs = Vec::new();
    for l in &a.languages {
        match normalize_lang(l) {
            Some(c) if !langs.contains(&c) => langs.push(c),
            Some(_) => {}
            None => {
                eprintln!("error: `{l}` is not a BCP 47 language code");
                eprintln!("  hint: use codes such as ru, en, kk, uz");
                return super::USAGE_ERROR;
            }
        }
    }
    if langs.is_empty() {
        eprintln!("error: name at least one language with --languages");
        return super::USAGE_ERROR;
    }
    match write(dir, &langs) {
        Ok(()) => {
            println!("created a site in {} ({})", dir.display(), langs.join(", "));
            println!("next: cd {} && dastan serve", dir.display());
            super::OK
        }
        Err(e) => {
            eprintln!("error: cannot create the site: {e}");
            super::CONTENT_ERROR
        }
    }
}

fn write(dir: &std::path::Path, langs: &[String]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("site.yaml"),
        format!(
            "# See the dastan README for every key.\nbase_url: https://example.org/\nlanguages: [{}]\n",
            langs.join(", ")
        ),
    )?;
    embedded::write_dir(&embedded::THEME, &dir.join("themes/default"))?;
    for l in langs {
        let target = dir.join("i18n").join(l);
        std::fs::create_dir_all(&target)?;
        let site = embedded::I18N
            .get_file(format!("{l}/site.ftl"))
            .map(|f| f.contents().to_vec());
        let site = site.unwrap_or_else(|| {
            "site-title = My site\nsite-description = News and reports\n"
                .as_bytes()
                .to_vec()
        });
        std::fs::write(target.join("site.ftl"), site)?;
    }
    let first = &langs[0];
    let bundle = dir.join("content/reports/2025-01-15-first-report");
    std::fs::create_dir_all(&bundle)?;
    std::fs::write(
        bundle.join(format!("index.{first}.md")),
        "---\ntitle: \"The first report\"\ndate: 2025-01-15\nlocation: Almaty\ntags: [public-diplomacy]\n---\nThis is an example report. Replace it with your own.\n\n## What happened\n\nWrite the **figures** and the quotes here.\n",
    )?;
    std::fs::write(dir.join("README.md"), EDITORS_README)?;
    std::fs::write(
        dir.join(".gitignore"),
        "/public\n/.dastan-cache\n/.dastan-*\n",
    )?;
    Ok(())
}
