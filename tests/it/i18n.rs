//! Fluent messages, plurals, numbers, fallbacks.

use crate::support::SiteTest;

fn site_with_reports(lang: &str, n: usize) -> SiteTest {
    let t = SiteTest::new();
    for i in 0..n {
        t.report(
            &format!("r{i}"),
            lang,
            &format!("title: R{i}\ndate: 2025-01-01"),
            "x",
        );
    }
    t.build();
    t
}

#[test]
fn plurals_follow_each_language() {
    for (lang, n, text) in [
        ("ru", 1, "1 материал"),
        ("ru", 3, "3 материала"),
        ("ru", 5, "5 материалов"),
        ("ru", 21, "21 материал"),
        ("en", 1, "1 report"),
        ("en", 3, "3 reports"),
        ("kk", 1, "1 материал"),
        ("kk", 3, "3 материал"),
        ("uz", 3, "3 ta material"),
    ] {
        let t = site_with_reports(lang, n);
        let home = t.read(&format!("{lang}/index.html"));
        assert!(
            home.contains(&format!("<span class=\"count\">{text}</span>")),
            "{lang} {n}: {text}"
        );
    }
}

#[test]
fn numbers_inside_messages_use_the_language_format_and_no_isolation_marks() {
    let t = SiteTest::new();
    t.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p id=n>{{ t(key=\"participants-count\", count=10000) }}|{{ t(key=\"participants-count\", count=845) }}|{{ t(key=\"participants-count\", count=3) }}</p>{% endblock main %}",
    );
    for lang in ["ru", "en", "kk", "uz"] {
        t.write(
            &format!("content/about/index.{lang}.md"),
            "---\ntitle: About\n---\nx\n",
        );
    }
    t.write("i18n/ru/site.ftl", "participants-count = { $count ->\n    [one] { $count } участник\n    [few] { $count } участника\n   *[many] { $count } участников\n}\n");
    t.write("i18n/en/site.ftl", "participants-count = { $count ->\n    [one] { $count } participant\n   *[other] { $count } participants\n}\n");
    t.write(
        "i18n/kk/site.ftl",
        "participants-count = { $count } қатысушы\n",
    );
    t.write(
        "i18n/uz/site.ftl",
        "participants-count = { $count } nafar ishtirokchi\n",
    );
    t.build();
    let ru = t.read("ru/about/index.html");
    assert!(
        ru.contains("<p id=n>10\u{a0}000 участников|845 участников|3 участника</p>"),
        "{ru}"
    );
    assert!(
        t.read("en/about/index.html")
            .contains("10,000 participants|845 participants|3 participants")
    );
    assert!(
        t.read("kk/about/index.html")
            .contains("10\u{a0}000 қатысушы")
    );
    assert!(
        t.read("uz/about/index.html")
            .contains("10\u{a0}000 nafar ishtirokchi")
    );
    assert!(
        !ru.contains('\u{2068}') && !ru.contains('\u{2069}'),
        "no bidi isolation marks"
    );
}

#[test]
fn site_messages_override_the_theme_and_missing_ones_fall_back_with_a_warning() {
    let t = SiteTest::new();
    t.write(
        "i18n/ru/site.ftl",
        "site-title = Наш сайт\nonly-ru = только по-русски\n",
    );
    t.write("i18n/kk/site.ftl", "site-title = Біздің сайт\n");
    t.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p id=m>{{ t(key=\"only-ru\") }}</p>{% endblock main %}",
    );
    t.write(
        "content/about/index.kk.md",
        "---\ntitle: Біз туралы\n---\nx\n",
    );
    let run = t.build();
    run.stderr_has(
        "i18n/kk:1:1: warning: message `only-ru` is missing in `kk`; the `ru` text is used",
    );
    let kk = t.read("kk/about/index.html");
    assert!(kk.contains("<p id=m>только по-русски</p>"));
    assert!(kk.contains("Біздің сайт"));
}

#[test]
fn a_fluent_syntax_error_has_file_line_and_column() {
    let t = SiteTest::new();
    t.write(
        "i18n/ru/site.ftl",
        "site-title = Сайт\n\nbroken = { $x ->\n    [one] x\n}\n",
    );
    t.build_fails().stderr_has("i18n/ru/site.ftl:5:1: error: Fluent syntax error: The select expression must have a default variant");
}

#[test]
fn fallback_pages_are_opt_in_and_never_alternates() {
    let t = SiteTest::new();
    t.write(
        "site.yaml",
        "base_url: https://example.org/\nlanguages: [ru, en, kk, uz]\nfallback_pages: true\n",
    );
    t.report("visit", "ru", "title: Визит\ndate: 2025-04-28", "Текст.");
    t.report("visit", "en", "title: Visit", "Text.");
    t.build();
    let kk = t.read("kk/reports/visit/index.html");
    assert!(kk.contains("<html lang=\"kk\""));
    assert!(
        kk.contains("Бұл материал әлі қазақ тіліне аударылмаған. Төменде — орыс тіліндегі мәтін."),
        "{kk}"
    );
    assert!(kk.contains("<div class=\"prose\" lang=\"ru\">"));
    assert!(kk.contains("<link rel=\"canonical\" href=\"https://example.org/ru/reports/visit/\">"));
    assert!(!kk.contains("hreflang=\"kk\" href=\"https://example.org/kk/reports/visit/\""));
    let ru = t.read("ru/reports/visit/index.html");
    assert!(
        !ru.contains("<link rel=\"alternate\" hreflang=\"kk\""),
        "a fallback page is never an alternate"
    );
    assert!(!t.read("sitemap.xml").contains("kk/reports/visit/"));
    // en falls back through en → ru? No: en exists. uz falls back to ru.
    assert!(
        t.read("uz/reports/visit/index.html")
            .contains("rus tilidagi matn")
    );
}

#[test]
fn tags_written_as_keys_are_translated_and_linked_across_languages() {
    let t = SiteTest::new();
    t.write(
        "i18n/ru/site.ftl",
        "tag-public-diplomacy = публичная дипломатия\n",
    );
    t.write(
        "i18n/en/site.ftl",
        "tag-public-diplomacy = public diplomacy\n",
    );
    t.report(
        "v",
        "ru",
        "title: Визит\ndate: 2025-04-28\ntags: [public-diplomacy, Свободный тег]",
        "x",
    );
    t.report("v", "en", "title: Visit\ntags: [public-diplomacy]", "x");
    t.build();
    let ru = t.read("ru/reports/v/index.html");
    assert!(
        ru.contains(r#"<a href="/ru/tags/public-diplomacy/">публичная дипломатия</a>"#),
        "{ru}"
    );
    assert!(ru.contains(r#"<a href="/ru/tags/svobodnyy-teg/">Свободный тег</a>"#));
    let term = t.read("ru/tags/public-diplomacy/index.html");
    assert!(term.contains(r#"hreflang="en" href="https://example.org/en/tags/public-diplomacy/""#));
}

#[test]
fn dates_can_be_formatted_inside_messages() {
    let t = SiteTest::new();
    t.write(
        "i18n/ru/site.ftl",
        "published = Опубликовано { DATE($date) }\n",
    );
    t.write(
        "i18n/kk/site.ftl",
        "published = Жарияланды: { DATE($date) }\n",
    );
    t.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p id=d>{{ t(key=\"published\", date=\"2025-07-23\") }}</p>{% endblock main %}",
    );
    t.write("content/about/index.ru.md", "---\ntitle: О нас\n---\nx\n");
    t.write(
        "content/about/index.kk.md",
        "---\ntitle: Біз туралы\n---\nx\n",
    );
    t.build();
    assert!(
        t.read("ru/about/index.html")
            .contains("<p id=d>Опубликовано 23 июля 2025\u{202f}г.</p>")
    );
    assert!(
        t.read("kk/about/index.html")
            .contains("<p id=d>Жарияланды: 2025\u{202f}ж. 23 шілде</p>")
    );
}
