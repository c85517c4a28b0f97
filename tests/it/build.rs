//! The core: content in, a localized site out.

use crate::support::SiteTest;

#[test]
fn builds_a_minimal_site() {
    let t = SiteTest::new();
    t.report(
        "2025-04-28-visit",
        "ru",
        "title: Визит\ndate: 2025-04-28",
        "Текст.",
    );
    t.build();
    assert!(
        t.read("ru/reports/2025-04-28-visit/index.html")
            .contains("<h1>Визит</h1>")
    );
    for f in [
        "index.html",
        "404.html",
        "ru/404.html",
        "ru/index.html",
        "ru/atom.xml",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(t.exists(f), "{f} missing");
    }
}

#[test]
fn the_sample_site_builds_without_findings() {
    let t = SiteTest::sample();
    let run = t.build();
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(t.exists("ru/index.html"));
    assert!(t.exists("kk/index.html"));
}

#[test]
fn front_matter_errors_name_file_and_line() {
    let t = SiteTest::new();
    t.write(
        "content/reports/a/index.ru.md",
        "---\ntitle: A\ndate: 2025-01-01\ntgas: [x]\n---\nText\n",
    );
    t.write(
        "content/reports/b/index.ru.md",
        "---\ntitle: B\ndate: 2025-02-30\n---\nText\n",
    );
    t.write(
        "content/reports/c/index.ru.md",
        "---\ntitle: \"C\ndate: 2025-01-01\n---\nText\n",
    );
    t.write("content/reports/d/index.ru.md", "No front matter here\n");
    t.write(
        "content/reports/e/index.ru.md",
        "---\ndate: 2025-01-01\n---\nText\n",
    );
    let run = t.build_fails();
    let run = run.stderr_has("content/reports/a/index.ru.md:4:1: error: unknown front-matter key `tgas`\n  hint: did you mean `tags`?")
        .stderr_has("content/reports/b/index.ru.md:3:1: error: `date: 2025-02-30` is not a valid date")
        .stderr_has("content/reports/c/index.ru.md:")
        .stderr_has("content/reports/d/index.ru.md:1:1: error: the file does not start with front matter")
        .stderr_has("content/reports/e/index.ru.md:1:1: error: missing `title`")
        .stderr_has("build failed: 5 error(s)");
    // Line numbers of YAML syntax errors count from the top of the .md file.
    let c_line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("content/reports/c/index.ru.md:"))
        .unwrap();
    let line: usize = c_line.split(':').nth(1).unwrap().parse().unwrap();
    assert!(line >= 2, "{c_line}");
}

#[test]
fn slugs_are_ascii_in_every_script() {
    let t = SiteTest::new();
    t.report(
        "Қазақстан-форумы",
        "kk",
        "title: Форум\ndate: 2025-01-01",
        "Мәтін.",
    );
    t.report(
        "Oʻzbekiston-gʻoyasi",
        "uz",
        "title: Forum\ndate: 2025-01-02",
        "Matn.",
    );
    t.report(
        "Встреча в Москве",
        "ru",
        "title: Встреча\ndate: 2025-01-03",
        "Текст.",
    );
    t.report(
        "o-zb",
        "uz",
        "title: Custom\ndate: 2025-01-04\nslug: \"Oʻquv markazi\"",
        "Matn.",
    );
    t.build();
    assert!(
        t.exists("kk/reports/qazaqstan-forumy/index.html"),
        "{:?}",
        t.files()
    );
    assert!(
        t.exists("uz/reports/ozbekiston-goyasi/index.html"),
        "{:?}",
        t.files()
    );
    assert!(
        t.exists("ru/reports/vstrecha-v-moskve/index.html"),
        "{:?}",
        t.files()
    );
    assert!(
        t.exists("uz/reports/oquv-markazi/index.html"),
        "{:?}",
        t.files()
    );
}

#[test]
fn nfd_folder_names_equal_nfc() {
    let t = SiteTest::new();
    // "й" decomposed: и + combining breve.
    t.report("Йошкар-Ола", "ru", "title: A\ndate: 2025-01-01", "x");
    let nfd = "\u{0418}\u{0306}ошкар-Ола-2";
    t.report(nfd, "ru", "title: B\ndate: 2025-01-02", "x");
    t.build();
    assert!(t.exists("ru/reports/yoshkar-ola/index.html"));
    assert!(
        t.exists("ru/reports/yoshkar-ola-2/index.html"),
        "{:?}",
        t.files()
    );
}

#[test]
fn colliding_urls_are_an_error_naming_both_files() {
    let t = SiteTest::new();
    t.report("Forum", "ru", "title: A\ndate: 2025-01-01", "x");
    t.report(
        "forum-x",
        "ru",
        "title: B\ndate: 2025-01-02\nslug: FORUM",
        "x",
    );
    t.build_fails()
        .stderr_has("this page would be written to `ru/reports/forum/index.html`")
        .stderr_has("content/reports/Forum/index.ru.md")
        .stderr_has("content/reports/forum-x/index.ru.md");
}

#[test]
fn translations_link_each_other_and_the_switcher_names_missing_ones() {
    let t = SiteTest::new();
    t.report("visit", "ru", "title: Визит\ndate: 2025-04-28", "Текст.");
    t.report("visit", "kk", "title: Сапар", "Мәтін.");
    t.build();
    let ru = t.read("ru/reports/visit/index.html");
    assert!(ru.contains(
        r#"<link rel="alternate" hreflang="ru" href="https://example.org/ru/reports/visit/">"#
    ));
    assert!(ru.contains(
        r#"<link rel="alternate" hreflang="kk" href="https://example.org/kk/reports/visit/">"#
    ));
    assert!(ru.contains(r#"<link rel="alternate" hreflang="x-default" href="https://example.org/ru/reports/visit/">"#));
    assert!(
        !ru.contains(r#"hreflang="en" href"#),
        "no alternate for a missing translation"
    );
    assert!(ru.contains(r#"<a href="/kk/reports/visit/" hreflang="kk" lang="kk">Қазақша</a>"#));
    assert!(ru.contains(r#"<span class="missing" lang="en">English<span class="visually-hidden" lang="ru"> — перевода нет</span></span>"#));
    let kk = t.read("kk/reports/visit/index.html");
    assert!(kk.contains(r#"<a href="/ru/reports/visit/" hreflang="ru" lang="ru">Русский</a>"#));
    assert!(kk.contains("аудармасы жоқ"));
    assert!(
        !t.exists("en/reports/visit/index.html"),
        "no page without a translation by default"
    );
}

#[test]
fn translations_inherit_language_neutral_fields() {
    let t = SiteTest::new();
    t.write_bytes("content/reports/visit/photo.jpg", b"\xff\xd8\xff");
    t.report(
        "visit",
        "ru",
        "title: Визит\ndate: 2025-04-28T11:00:00+05:00\nupdated: 2025-05-01\ncover: {src: photo.jpg, alt: Фото, credit: \"ФОТО: ИСМИ\"}\nsource: {name: ИСМИ, url: \"https://ismi.example.org/1\"}",
        "Текст.",
    );
    t.report(
        "visit",
        "en",
        "title: Visit\ncover: {alt: Photo, credit: \"PHOTO: ISMI\"}\nsource: {name: ISMI}",
        "Text.",
    );
    t.build();
    let en = t.read("en/reports/visit/index.html");
    assert!(
        en.contains(r#"<time datetime="2025-04-28T11:00:00+05:00">April 28, 2025</time>"#),
        "{en}"
    );
    assert!(en.contains(r#"<img src="/reports/visit/photo.jpg" alt="Photo""#));
    assert!(en.contains("PHOTO: ISMI"));
    assert!(en.contains(r#"<a href="https://ismi.example.org/1" rel="noopener">ISMI</a>"#));
    assert!(en.contains("updated May 1, 2025"));
    // The asset is written once for all translations.
    assert!(t.exists("reports/visit/photo.jpg"));
    assert!(!t.exists("en/reports/visit/photo.jpg"));
}

#[test]
fn dates_in_four_languages() {
    let t = SiteTest::new();
    t.report("d", "ru", "title: Р\ndate: 2025-04-28", "x");
    t.report("d", "en", "title: E", "x");
    t.report("d", "kk", "title: Қ", "x");
    t.report("d", "uz", "title: U", "x");
    t.build();
    assert!(
        t.read("ru/reports/d/index.html")
            .contains(">28 апреля 2025\u{202f}г.</time>")
    );
    assert!(
        t.read("en/reports/d/index.html")
            .contains(">April 28, 2025</time>")
    );
    assert!(
        t.read("kk/reports/d/index.html")
            .contains(">2025\u{202f}ж. 28 сәуір</time>")
    );
    assert!(
        t.read("uz/reports/d/index.html")
            .contains(">28-aprel, 2025</time>")
    );
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let t = SiteTest::new();
    t.report(
        "draft",
        "ru",
        "title: Черновик\ndate: 2025-01-01\ndraft: true",
        "x",
    );
    t.report("pub", "ru", "title: Опубликовано\ndate: 2025-01-01", "x");
    t.build();
    assert!(!t.exists("ru/reports/draft/index.html"));
    assert!(!t.read("ru/index.html").contains("Черновик"));
    assert!(!t.read("sitemap.xml").contains("/draft/"));
    t.run(&["build", "--drafts"]).ok();
    assert!(t.exists("ru/reports/draft/index.html"));
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: Первый\ndate: 2025-01-01", "x");
    t.build();
    let before = t.read("ru/reports/a/index.html");
    let files_before = t.files();
    t.report("a", "ru", "title: Второй\ndate: 2025-01-01\nbroken: [", "x");
    t.build_fails();
    assert_eq!(t.read("ru/reports/a/index.html"), before);
    assert_eq!(t.files(), files_before);
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(".dastan-tmp") || n.starts_with(".dastan-old")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn dangerous_output_folders_are_refused() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "x");
    t.run(&["build", "--output", "."])
        .fails(1)
        .stderr_has("refusing to write the site into `.`: it is the site folder itself");
    t.run(&["build", "--output", "content"])
        .fails(1)
        .stderr_has("it is inside the site's content/ folder");
    t.run(&["build", "--output", "themes/x"])
        .fails(1)
        .stderr_has("it is inside the site's themes/ folder");
    t.run(&["build", "--output", ".."])
        .fails(1)
        .stderr_has("it contains the site");
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("site-out");
    let target = target.to_str().unwrap();
    t.run(&["build", "--output", target])
        .fails(1)
        .stderr_has("it is outside the site folder")
        .stderr_has("--allow-outside-output");
    t.run(&["build", "--output", target, "--allow-outside-output"])
        .ok();
    assert!(outside.path().join("site-out/ru/index.html").exists());
    let home = t.path().join(".home");
    std::fs::create_dir_all(&home).unwrap();
    t.run(&[
        "build",
        "--output",
        home.to_str().unwrap(),
        "--allow-outside-output",
    ])
    .fails(1)
    .stderr_has("it is the home folder");
    assert!(!t.exists("ru/index.html"), "nothing was written to public/");
}

#[test]
fn output_is_byte_for_byte_reproducible() {
    let t = SiteTest::new();
    for i in 0..8 {
        t.report(
            &format!("r{i}"),
            "ru",
            &format!(
                "title: Отчёт {i}\ndate: 2025-01-0{}\ntags: [a, b{i}]",
                i + 1
            ),
            "Текст **жирный**.",
        );
        t.report(
            &format!("r{i}"),
            "en",
            &format!("title: Report {i}"),
            "Text.",
        );
    }
    t.build();
    let snapshot = |t: &SiteTest| {
        t.files()
            .into_iter()
            .map(|f| {
                (
                    f.clone(),
                    std::fs::read(t.path().join("public").join(&f)).unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let first = snapshot(&t);
    t.build();
    assert_eq!(first, snapshot(&t));
}

#[test]
fn markdown_features_and_typography() {
    let t = SiteTest::new();
    t.write_bytes("content/reports/m/second.jpg", b"\xff\xd8\xff");
    t.report(
        "m",
        "ru",
        "title: 'Форум \"Диалог\"'\ndate: 2025-01-01",
        "Первый \"абзац\" - с тире...\n\n<!-- more -->\n\n## Итоги форума\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n~~старое~~ сноска[^1]\n\n![Зал](second.jpg)\n\n[^1]: Примечание.\n",
    );
    t.report(
        "m",
        "uz",
        "title: \"O'zbekiston\"",
        "O'zbekiston va g'oya \"yangi\".",
    );
    t.report(
        "m",
        "en",
        "title: \"The \\\"Silk Road\\\"\"",
        "It's the \"Silk Road\".",
    );
    t.build();
    let ru = t.main_of("ru/reports/m/index.html");
    assert!(ru.contains("<h1>Форум «Диалог»</h1>"), "{ru}");
    assert!(ru.contains("Первый «абзац»\u{a0}— с тире…"), "{ru}");
    assert!(ru.contains(r#"<h2 id="itogi-foruma">Итоги форума</h2>"#));
    assert!(ru.contains("<table>") && ru.contains("<del>старое</del>") && ru.contains("footnote"));
    assert!(
        ru.contains(
            r#"<img src="/reports/m/second.jpg" alt="Зал" loading="lazy" decoding="async">"#
        ),
        "{ru}"
    );
    let uz = t.main_of("uz/reports/m/index.html");
    assert!(uz.contains("Oʻzbekiston va gʻoya “yangi”."), "{uz}");
    let en = t.main_of("en/reports/m/index.html");
    assert!(en.contains("It’s the “Silk Road”."), "{en}");
    // The summary is the text before <!-- more -->.
    assert!(t.read("ru/index.html").contains("Первый «абзац»"));
}

#[test]
fn a_missing_image_is_an_error_with_its_line() {
    let t = SiteTest::new();
    t.report(
        "m",
        "ru",
        "title: A\ndate: 2025-01-01\ncover: {src: nope.jpg, alt: x}",
        "Text\n\n![x](gone.png)\n",
    );
    t.build_fails()
        .stderr_has("content/reports/m/index.ru.md:4:1: error: cover image `nope.jpg` not found in content/reports/m/")
        .stderr_has("content/reports/m/index.ru.md:8:1: error: image `gone.png` not found in content/reports/m/");
}

#[test]
fn links_to_other_reports_by_source_file() {
    let t = SiteTest::new();
    t.report(
        "a",
        "ru",
        "title: A\ndate: 2025-01-01",
        "См. [отчёт](../b/index.ru.md#itogi).",
    );
    t.report("a", "kk", "title: A", "Қараңыз: [есеп](../b/index.ru.md).");
    t.report(
        "b",
        "ru",
        "title: B\ndate: 2025-01-02\nslug: bee",
        "## Итоги",
    );
    t.report("b", "kk", "title: B", "x");
    t.build();
    assert!(
        t.read("ru/reports/a/index.html")
            .contains(r#"<a href="/ru/reports/bee/#itogi">отчёт</a>"#)
    );
    // The same report in the page's own language when it exists.
    assert!(
        t.read("kk/reports/a/index.html")
            .contains(r#"<a href="/kk/reports/bee/">есеп</a>"#)
    );
    t.report(
        "a",
        "ru",
        "title: A\ndate: 2025-01-01",
        "См. [отчёт](../zzz/index.ru.md).",
    );
    t.build_fails().stderr_has(
        "content/reports/a/index.ru.md:5:5: error: link to `../zzz/index.ru.md`: no such page",
    );
}

#[test]
fn a_static_file_cannot_replace_a_generated_page() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "x");
    t.write("static/robots.txt", "User-agent: *\n");
    t.write("static/favicon.ico", "ico");
    t.build_fails()
        .stderr_has("two files would be written to `robots.txt`");
    t.remove("static/robots.txt");
    t.build();
    assert_eq!(t.read("favicon.ico"), "ico");
}

#[test]
fn an_incremental_build_equals_a_clean_build() {
    use std::os::unix::fs::MetadataExt;
    let t = SiteTest::new();
    for i in 0..6 {
        t.report(
            &format!("r{i}"),
            "ru",
            &format!(
                "title: Отчёт {i}\ndate: 2025-01-0{}\ntags: [t{}]",
                i + 1,
                i % 2
            ),
            "Текст.",
        );
        t.report(
            &format!("r{i}"),
            "kk",
            &format!("title: Есеп {i}"),
            "Мәтін.",
        );
    }
    t.build();
    let inode = |t: &SiteTest, p: &str| {
        std::fs::metadata(t.path().join("public").join(p))
            .unwrap()
            .ino()
    };
    let untouched = inode(&t, "ru/reports/r1/index.html");
    let changed = inode(&t, "ru/reports/r3/index.html");
    let other_term = inode(&t, "ru/tags/t0/index.html");
    let same_term = inode(&t, "ru/tags/t1/index.html");
    t.report(
        "r3",
        "ru",
        "title: Отчёт 3, исправленный\ndate: 2025-01-04\ntags: [t1]",
        "Новый текст.",
    );
    t.build();
    assert_eq!(
        inode(&t, "ru/reports/r1/index.html"),
        untouched,
        "an unchanged page is reused"
    );
    assert_ne!(
        inode(&t, "ru/reports/r3/index.html"),
        changed,
        "a changed page is rendered again"
    );
    assert_eq!(
        inode(&t, "ru/tags/t0/index.html"),
        other_term,
        "a list without the change is reused"
    );
    assert_ne!(
        inode(&t, "ru/tags/t1/index.html"),
        same_term,
        "a list with the change is rendered again"
    );
    assert!(
        t.read("ru/index.html").contains("Отчёт 3, исправленный"),
        "lists show the change"
    );

    // The same content built from scratch gives the same bytes.
    assert_same_as_clean(&t);

    // The third build updates the site kept from the first one (in `.dastan-cache/`).
    let kept = std::fs::read_dir(t.path().join(".dastan-cache"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("previous-"));
    assert!(kept, "the previous site is kept for the next build");
    t.report("r0", "kk", "title: Есеп 0, жаңа\ntags: [t9]", "Жаңа мәтін.");
    t.build();
    assert!(t.read("kk/reports/r0/index.html").contains("Есеп 0, жаңа"));
    assert_same_as_clean(&t);

    // A report removed: its pages go, from the kept site too.
    t.remove("content/reports/r5");
    t.build();
    assert!(!t.exists("ru/reports/r5/index.html"));
    assert_same_as_clean(&t);
    t.build();
    assert_same_as_clean(&t);

    // A failed build leaves the site as it was; the next good one is right.
    t.report("r2", "ru", "title: Отчёт 2\ndate: 2025-13-45", "Текст.");
    t.build_fails();
    assert!(t.exists("ru/reports/r2/index.html"));
    t.report(
        "r2",
        "ru",
        "title: Отчёт 2, снова\ndate: 2025-01-03\ntags: [t0]",
        "Текст.",
    );
    t.build();
    assert_same_as_clean(&t);
}

/// The site of `t`, built from scratch elsewhere, is byte for byte the same as `t`'s.
fn assert_same_as_clean(t: &SiteTest) {
    let clean = SiteTest::new();
    for f in walk(&t.path().join("content")) {
        let rel = f
            .strip_prefix(t.path())
            .unwrap()
            .to_string_lossy()
            .to_string();
        clean.write_bytes(&rel, &std::fs::read(&f).unwrap());
    }
    clean.build();
    assert_eq!(t.files(), clean.files());
    for f in t.files() {
        let bytes = |s: &SiteTest| std::fs::read(s.path().join("public").join(&f)).unwrap();
        assert!(bytes(t) == bytes(&clean), "{f} differs");
    }
}

#[test]
fn unchanged_sources_are_not_parsed_again() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: Отчёт один\ndate: 2025-01-01", "Текст.");
    t.report("b", "ru", "title: Отчёт два\ndate: 2025-01-02", "Текст.");
    // A file changed in the last two seconds is always read (its stamp could still repeat).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    t.build();
    // What the build parsed is kept; changed here behind its back, the next build shows it,
    // which proves that the file itself was not read again.
    let cache = t.path().join(".dastan-cache/sources.bin");
    let bytes = std::fs::read(&cache).unwrap();
    let (from, to) = ("Отчёт один".as_bytes(), "Отчет один".as_bytes());
    assert_eq!(from.len(), to.len());
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("the title is in the cache");
    let mut changed = bytes.clone();
    changed[at..at + to.len()].copy_from_slice(to);
    std::fs::write(&cache, changed).unwrap();
    // Another page changes, so that the lists are made again.
    t.report(
        "b",
        "ru",
        "title: Отчёт два\ndate: 2025-01-02",
        "Новый текст.",
    );
    t.build();
    assert!(t.read("ru/index.html").contains("Отчет один"));
    // A file that changes is read again.
    t.report("a", "ru", "title: Отчёт один\ndate: 2025-01-01", "Текст!");
    t.build();
    assert!(t.read("ru/index.html").contains("Отчёт один"));
    assert_same_as_clean(&t);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

#[test]
fn configuration_errors_have_hints() {
    let t = SiteTest::new();
    t.write(
        "site.yaml",
        "base_url: https://example.org/\nlangauges: [ru]\n",
    );
    t.build_fails().stderr_has(
        "site.yaml:2:1: error: unknown key `langauges`\n  hint: did you mean `languages`?",
    );
    t.write(
        "site.yaml",
        "base_url: example.org\nlanguages: [ru, ru, xx-!!]\ndefault_language: en\n",
    );
    t.build_fails()
        .stderr_has(
            "site.yaml:1:1: error: `base_url` must be an absolute http(s) URL, not `example.org`",
        )
        .stderr_has("error: language `ru` is listed twice")
        .stderr_has("error: `xx-!!` is not a BCP 47 language code")
        .stderr_has("site.yaml:3:1: error: `default_language: en` is not one of `languages`");
    t.write("site.yaml", "languages: [ru]\n");
    t.build_fails()
        .stderr_has("site.yaml:1:1: error: missing required key `base_url`");
}

#[test]
fn usage_errors_exit_with_2_and_every_command_has_help() {
    let t = SiteTest::new();
    t.run(&["build", "--no-such-flag"]).fails(2);
    t.run(&["frobnicate"]).fails(2);
    for cmd in ["build", "serve", "check", "status", "init", "cms-config"] {
        let run = t.run(&[cmd, "--help"]).ok();
        assert!(
            run.stdout.contains("Usage: dastan"),
            "{cmd}: {}",
            run.stdout
        );
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_site() {
    let t = SiteTest::new();
    for i in 0..300 {
        t.report(
            &format!("r{i:03}"),
            "ru",
            &format!("title: Отчёт {i}\ndate: 2025-01-01\ntags: [t{}]", i % 7),
            &"Текст отчёта. ".repeat(200),
        );
    }
    t.build();
    let before = t.read("ru/reports/r042/index.html");
    let files_before = t.files().len();
    t.report(
        "r042",
        "ru",
        "title: Изменённый\ndate: 2025-01-01",
        "Новый текст.",
    );
    for delay_ms in [5u64, 20, 60, 120, 250, 400] {
        let mut child = std::process::Command::new(crate::support::bin())
            .arg("build")
            .current_dir(t.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        // Finished on its own (exit 0) when the kill came too late.
        let _ = child.wait();
        let now = t.read("ru/reports/r042/index.html");
        // Either the old site or, when a build got as far as the swap, the whole new one:
        // the report and the archive that lists it agree.
        let archive = t.read("ru/archive/2025/index.html");
        assert!(
            now == before || now.contains("Изменённый"),
            "after {delay_ms} ms: a half-written page"
        );
        assert_eq!(
            now.contains("Изменённый"),
            archive.contains("Изменённый"),
            "after {delay_ms} ms: a half-written site"
        );
        assert_eq!(t.files().len(), files_before, "after {delay_ms} ms");
    }
    t.build();
    assert!(t.read("ru/reports/r042/index.html").contains("Изменённый"));
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with(".dastan-tmp")
                || e.file_name().to_string_lossy().starts_with(".dastan-old")
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "the next build removes what killed builds left"
    );
}

#[test]
fn a_site_moved_aside_by_a_stopped_build_is_put_back() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: A\ndate: 2025-01-01", "x");
    t.build();
    // As if a build had been stopped between moving the old site aside and the new one in.
    std::fs::rename(
        t.path().join("public"),
        t.path().join(".dastan-old-public-99999"),
    )
    .unwrap();
    t.report("a", "ru", "title: A\ndate: 2025-01-01\nbroken: [", "x");
    t.build_fails();
    assert!(
        t.read("ru/reports/a/index.html").contains("<h1>A</h1>"),
        "the previous site is back"
    );
}

/// A disk that fills up during a build (a small tmpfs; needs the right to mount, as in CI's
/// containers): the build fails with a clear message, and the previous site stays whole.
#[test]
fn a_full_disk_leaves_the_previous_site() {
    let t = SiteTest::new();
    let disk = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(disk.path())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(disk.path());
    let out = disk.path().join("public");
    let out_arg = out.to_string_lossy().to_string();
    t.report("a", "ru", "title: Первая\ndate: 2025-01-01", "Текст.");
    t.run(&["build", "--output", &out_arg, "--allow-outside-output"])
        .ok();
    let before = std::fs::read_to_string(out.join("ru/reports/a/index.html")).unwrap();
    // A second version that does not fit: 2 MB of static files.
    t.report("a", "ru", "title: Вторая\ndate: 2025-01-01", "Текст.");
    t.write_bytes("static/big.bin", &vec![7u8; 2 * 1024 * 1024]);
    t.run(&["build", "--output", &out_arg, "--allow-outside-output"])
        .fails(1)
        .stderr_has("cannot write")
        .stderr_has("No space left on device");
    assert_eq!(
        std::fs::read_to_string(out.join("ru/reports/a/index.html")).unwrap(),
        before
    );
    assert!(!out.join("big.bin").exists());
    let leftovers: Vec<String> = std::fs::read_dir(disk.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n != "public")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

#[test]
fn a_report_lists_other_languages_only_when_the_site_has_them() {
    let t = SiteTest::new();
    t.report("x", "ru", "title: X\ndate: 2025-01-01", "Текст.");
    t.build();
    assert!(
        t.read("ru/reports/x/index.html")
            .contains("class=\"translations\"")
    );
    t.write(
        "site.yaml",
        "base_url: https://example.org/\nlanguages: [ru]\n",
    );
    t.build();
    let html = t.read("ru/reports/x/index.html");
    assert!(!html.contains("class=\"translations\""), "{html}");
}

#[test]
fn manifests_of_earlier_versions_are_removed() {
    let t = SiteTest::new();
    t.report("a", "ru", "title: Отчёт\ndate: 2025-01-01", "Текст.");
    let cache = t.path().join(".dastan-cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(cache.join("pages-0123456789abcdef.json"), "{}").unwrap();
    t.build();
    assert!(!cache.join("pages-0123456789abcdef.json").exists());
    // The current manifest and the parsed sources stay.
    let names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("pages-") && n.ends_with(".bin"))
    );
    assert!(names.iter().any(|n| n == "sources.bin"));
}
