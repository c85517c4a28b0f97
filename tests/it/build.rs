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
    assert!(t.exists("index.html"));
    assert!(t.exists("sitemap.xml"));
}
