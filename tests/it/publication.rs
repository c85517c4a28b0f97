//! What readers, search engines and feed readers get around the pages.

use crate::support::SiteTest;

fn site() -> SiteTest {
    let t = SiteTest::new();
    t.write_bytes("content/reports/visit/photo.jpg", b"\xff\xd8\xff");
    t.report(
        "visit",
        "ru",
        "title: Визит делегации\ndate: 2025-04-28T11:00:00+05:00\nupdated: 2025-05-02\nlocation: Ташкент\nevent: Форум\ntags: [sco]\ncover: {src: photo.jpg, alt: Зал}\naliases: [/old/visit/]",
        "Текст отчёта.",
    );
    t.report(
        "visit",
        "kk",
        "title: Делегация сапары\ntags: [sco]",
        "Мәтін.",
    );
    t.report(
        "other",
        "ru",
        "title: Круглый стол\ndate: 2024-03-05",
        "Текст.",
    );
    t.build();
    t
}

#[test]
fn sitemap_has_reciprocal_alternates_and_lastmod() {
    let t = site();
    let sm = t.read("sitemap.xml");
    assert!(sm.contains("<loc>https://example.org/ru/reports/visit/</loc>\n    <lastmod>2025-05-02T00:00:00+00:00</lastmod>"), "{sm}");
    for page in ["ru", "kk"] {
        let entry_start = sm
            .find(&format!(
                "<loc>https://example.org/{page}/reports/visit/</loc>"
            ))
            .unwrap();
        let entry = &sm[entry_start..sm[entry_start..].find("</url>").unwrap() + entry_start];
        assert!(entry.contains(r#"hreflang="ru" href="https://example.org/ru/reports/visit/""#));
        assert!(entry.contains(r#"hreflang="kk" href="https://example.org/kk/reports/visit/""#));
        assert!(
            entry.contains(r#"hreflang="x-default" href="https://example.org/ru/reports/visit/""#)
        );
        assert!(!entry.contains(r#"hreflang="en""#));
    }
    assert_eq!(
        t.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
    );
}

#[test]
fn atom_feeds_per_language_and_term() {
    let t = site();
    let feed = t.read("ru/atom.xml");
    assert!(feed.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru">"#));
    assert!(feed.contains("<id>https://example.org/ru/reports/visit/</id>"));
    assert!(feed.contains("<published>2025-04-28T11:00:00+05:00</published>"));
    assert!(feed.contains("<updated>2025-05-02T00:00:00+00:00</updated>"));
    // Newest first.
    assert!(feed.find("Визит делегации").unwrap() < feed.find("Круглый стол").unwrap());
    let term = t.read("ru/tags/sco/atom.xml");
    assert!(term.contains("Визит делегации") && !term.contains("Круглый стол"));
    assert!(t.read("ru/index.html").contains(r#"<link rel="alternate" type="application/atom+xml" title="Лента Atom" href="/ru/atom.xml">"#));
}

#[test]
fn report_carries_json_ld_and_open_graph() {
    let t = site();
    let html = t.read("ru/reports/visit/index.html");
    let start = html.find(r#"<script type="application/ld+json">"#).unwrap() + 35;
    let end = html[start..].find("</script>").unwrap() + start;
    let v: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(v["@type"], "NewsArticle");
    assert_eq!(v["headline"], "Визит делегации");
    assert_eq!(v["inLanguage"], "ru");
    assert_eq!(v["datePublished"], "2025-04-28T11:00:00+05:00");
    assert_eq!(v["dateModified"], "2025-05-02T00:00:00+00:00");
    assert_eq!(v["image"], "https://example.org/reports/visit/photo.jpg");
    assert_eq!(v["contentLocation"]["name"], "Ташкент");
    assert_eq!(v["about"]["name"], "Форум");
    assert!(html.contains(r#"<meta property="og:locale" content="ru_RU">"#));
    assert!(html.contains(r#"<meta property="og:locale:alternate" content="kk_KZ">"#));
    assert!(html.contains(
        r#"<meta property="og:image" content="https://example.org/reports/visit/photo.jpg">"#
    ));
    assert!(html.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
}

#[test]
fn aliases_redirect_with_a_canonical_link() {
    let t = site();
    let html = t.read("old/visit/index.html");
    assert!(
        html.contains(r#"<link rel="canonical" href="https://example.org/ru/reports/visit/">"#)
    );
    assert!(html.contains(r#"<meta http-equiv="refresh" content="0; url=/ru/reports/visit/">"#));
    assert!(html.contains(r#"<a href="/ru/reports/visit/">"#));
}

#[test]
fn archive_has_month_headings_in_the_nominative() {
    let t = site();
    let ru = t.read("ru/archive/2025/index.html");
    assert!(ru.contains("<h2>Апрель 2025</h2>"), "{ru}");
    assert!(
        t.read("ru/archive/index.html").contains(
            r#"<a href="/ru/archive/2024/">2024</a> <span class="count">1 материал</span>"#
        )
    );
    assert!(
        t.read("kk/archive/2025/index.html")
            .contains("<h2>Сәуір 2025</h2>")
    );
}

#[test]
fn term_index_counts_with_plurals() {
    let t = site();
    let idx = t.read("ru/tags/index.html");
    assert!(
        idx.contains(r#"<a href="/ru/tags/sco/">sco</a> <span class="count">1 материал</span>"#),
        "{idx}"
    );
}

#[test]
fn search_index_per_language_with_stems() {
    let t = SiteTest::new();
    t.report(
        "m",
        "ru",
        "title: Меморандум подписан\ndate: 2025-01-01",
        "Стороны подписали соглашения об обмене.",
    );
    t.report(
        "m",
        "kk",
        "title: Меморандум",
        "Тараптар келісімге қол қойды.",
    );
    t.report(
        "n",
        "ru",
        "title: Другое\ndate: 2025-01-02",
        "Ничего общего.",
    );
    t.build();
    let ru: serde_json::Value = serde_json::from_str(&t.read("ru/search/index.json")).unwrap();
    assert_eq!(ru["stemmed"], true);
    // "соглашения" is stored as its stem, which "соглашение" and "соглашениями" share.
    let docs = &ru["terms"]["соглашен"];
    assert_eq!(docs, &serde_json::json!([1]), "{}", ru["terms"]);
    assert_eq!(ru["docs"][1][0], "/ru/reports/m/");
    let kk: serde_json::Value = serde_json::from_str(&t.read("kk/search/index.json")).unwrap();
    assert_eq!(kk["stemmed"], false);
    assert!(kk["terms"]["келісімге"].is_array());
    let page = t.read("ru/search/index.html");
    assert!(page.contains("<noscript><p class=\"notice\">Поиску нужен JavaScript."));
    assert!(
        t.read("ru/index.html")
            .contains("<a href=\"/ru/search/\">Поиск</a>"),
        "a plain link in every page"
    );
}

/// A JPEG of `w`×`h` with a gradient (something to resize).
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

#[test]
fn images_get_sizes_smaller_copies_and_a_cache() {
    let t = SiteTest::new();
    t.write_bytes("content/reports/a/photo.jpg", &jpeg(1200, 800));
    t.write_bytes("content/reports/a/broken.jpg", b"not a jpeg at all");
    t.report(
        "a",
        "ru",
        "title: Снимки\ndate: 2025-01-01\ncover: {src: photo.jpg, alt: Зал, credit: Фото пресс-службы}",
        "Текст.\n\n![Зал заседаний](photo.jpg)\n",
    );
    let run = t.build();
    assert!(
        run.stderr.contains(
            "content/reports/a/broken.jpg:1:1: warning: no smaller copies of this image were made"
        ),
        "{}",
        run.stderr
    );
    for f in [
        "photo.jpg",
        "photo.480w.jpg",
        "photo.960w.jpg",
        "photo.480w.webp",
        "photo.960w.webp",
        "photo.1200w.webp",
    ] {
        assert!(t.exists(&format!("reports/a/{f}")), "{f}");
    }
    assert!(
        !t.exists("reports/a/photo.1600w.jpg"),
        "never larger than the original"
    );
    let small = image::load_from_memory(
        &std::fs::read(t.path().join("public/reports/a/photo.480w.jpg")).unwrap(),
    )
    .unwrap();
    assert_eq!((small.width(), small.height()), (480, 320));
    let webp = std::fs::read(t.path().join("public/reports/a/photo.960w.webp")).unwrap();
    assert_eq!(&webp[..4], b"RIFF");
    assert_eq!(&webp[8..12], b"WEBP");

    let page = t.read("ru/reports/a/index.html");
    // The image in the text: lazy, with its size and both kinds of candidates.
    assert!(page.contains(
        "<picture><source type=\"image/webp\" srcset=\"/reports/a/photo.480w.webp 480w, /reports/a/photo.960w.webp 960w, /reports/a/photo.1200w.webp 1200w\" sizes=\"(min-width: 44rem) 42rem, 100vw\"><img src=\"/reports/a/photo.jpg\" srcset=\"/reports/a/photo.480w.jpg 480w, /reports/a/photo.960w.jpg 960w, /reports/a/photo.jpg 1200w\" sizes=\"(min-width: 44rem) 42rem, 100vw\" width=\"1200\" height=\"800\" alt=\"Зал заседаний\" loading=\"lazy\" decoding=\"async\"></picture>"
    ), "{page}");
    // The cover: at the top, not lazy, with its credit as the caption.
    assert!(page.contains("srcset=\"/reports/a/photo.480w.jpg 480w"));
    assert!(page.contains("width=\"1200\" height=\"800\" decoding=\"async\">"));
    assert!(page.contains("<figcaption lang=\"ru\">Фото пресс-службы</figcaption>"));
    let home = t.read("ru/index.html");
    assert!(home.contains("sizes=\"(min-width: 72rem) 22rem, (min-width: 40rem) 45vw, 100vw\""));

    // An unchanged image is not encoded again: its cached copies stay as they were.
    let cache = t.path().join(".dastan-cache/images");
    let stamp = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let before: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (stamp(&p), p))
        .collect();
    assert_eq!(before.len(), 5);
    std::thread::sleep(std::time::Duration::from_millis(20));
    t.report(
        "a",
        "ru",
        "title: Снимки 2\ndate: 2025-01-01\ncover: {src: photo.jpg, alt: Зал}",
        "Другой текст.",
    );
    t.build();
    for (t0, p) in &before {
        assert_eq!(stamp(p), *t0, "{} was made again", p.display());
    }
    // A changed image is.
    t.write_bytes("content/reports/a/photo.jpg", &jpeg(1000, 500));
    t.build();
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 10);
    assert!(
        t.read("ru/reports/a/index.html")
            .contains("width=\"1000\" height=\"500\"")
    );
}
