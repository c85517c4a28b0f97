//! `dastan check`: every problem of the site at once, and nothing written.

use crate::support::SiteTest;

#[test]
fn check_finds_links_fluent_and_stale_translations_and_writes_nothing() {
    let t = SiteTest::new();
    t.report(
        "a",
        "ru",
        "title: A\ndate: 2025-01-01\nupdated: 2025-03-01",
        "## Итоги\n\nСм. [b](../b/index.ru.md#net-takogo).",
    );
    t.report("a", "kk", "title: A\nupdated: 2025-02-01", "Мәтін.");
    t.report("b", "ru", "title: B\ndate: 2025-01-02", "Текст.");
    t.write("i18n/ru/site.ftl", "people = { $count ->\n    [one] { $count } человек\n   *[other] { $count } человек\n}\nhello = Привет, { $name }!\n");
    t.write("i18n/kk/site.ftl", "hello = Сәлем!\n");
    t.write("themes/default/templates/page.html", "{% extends \"base.html\" %}{% block main %}{{ t(key=\"people\", count=2) }}{% endblock main %}");
    let run = t.run(&["check"]).fails(1);
    let run = run
        .stderr_has("content/reports/a/index.ru.md:8:1: error: link to `/ru/reports/b/#net-takogo`: that page has no `#net-takogo`")
        .stderr_has("i18n/ru/site.ftl:1:1: warning: plural message `people` lacks the `ru` categories few, many")
        .stderr_has("i18n/kk/site.ftl:1:1: warning: message `hello` uses no variables in `kk` but $name in `ru`")
        .stderr_has("i18n/ru/site.ftl:5:1: warning: message `hello` is not used")
        .stderr_has("content/reports/a/index.kk.md:3:1: warning: this translation is older than its source content/reports/a/index.ru.md (updated 2025-03-01)");
    assert!(run.stderr.contains("1 error(s)"), "{}", run.stderr);
    assert!(!t.path().join("public").exists(), "check writes nothing");

    let json = t.run(&["check", "--format", "json"]).fails(1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    assert!(
        first["path"].is_string() && first["line"].is_number() && first["severity"].is_string()
    );
}

#[test]
fn check_passes_on_the_sample_site() {
    let t = SiteTest::sample();
    t.run(&["check"]).ok().stderr_has("0 error(s)");
}

#[test]
fn templates_using_a_missing_message_are_errors() {
    let t = SiteTest::new();
    t.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ t(key=\"nowhere\") }}{% endblock main %}",
    );
    t.write("content/about/index.ru.md", "---\ntitle: О нас\n---\nx\n");
    t.run(&["check"])
        .fails(1)
        .stderr_has("no language has the message `nowhere`");
}
