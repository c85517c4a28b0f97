//! Editors' tools: new, init, status, cms-config.

use crate::support::{SiteTest, bin};

#[test]
fn new_report_and_translation() {
    let t = SiteTest::new();
    t.run(&["new", "report", "2025-04-28-visit", "--lang", "ru"])
        .ok();
    let text = std::fs::read_to_string(
        t.path()
            .join("content/reports/2025-04-28-visit/index.ru.md"),
    )
    .unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Title of the report\"\ndate: 20"),
        "{text}"
    );
    assert!(text.contains("tags: []"));
    t.run(&["new", "report", "2025-04-28-visit", "--lang", "ru"])
        .fails(1)
        .stderr_has("content/reports/2025-04-28-visit/index.ru.md:1:1: error: this file already exists; nothing was written");
    t.run(&["new", "report", "Встреча", "--lang", "ru"])
        .fails(1)
        .stderr_has("error: `Встреча` cannot be a report folder name\n  hint: use lowercase ASCII letters, digits and hyphens, for example `vstrecha`");
    t.run(&["new", "report", "x", "--lang", "de"])
        .fails(1)
        .stderr_has("error: `de` is not a language of this site");

    t.report(
        "visit",
        "ru",
        "title: Визит\ndate: 2025-04-28\nupdated: 2025-05-01\ncover: {src: p.jpg, alt: Фото}\nsource: {name: ИСМИ, url: \"https://x.example/1\"}\ntags: [sco]",
        "Текст отчёта.",
    );
    t.run(&["new", "translation", "visit", "--lang", "kk"]).ok();
    let kk = std::fs::read_to_string(t.path().join("content/reports/visit/index.kk.md")).unwrap();
    assert!(kk.contains("title: Визит"), "{kk}");
    assert!(
        !kk.contains("date:")
            && !kk.contains("updated:")
            && !kk.contains("src:")
            && !kk.contains("url:"),
        "{kk}"
    );
    assert!(kk.contains("alt: Фото") && kk.contains("name: ИСМИ"));
    assert!(
        kk.contains("<!-- Translate from content/reports/visit/index.ru.md")
            && kk.contains("Текст отчёта.")
    );
    t.run(&["new", "translation", "nowhere", "--lang", "kk"])
        .fails(1)
        .stderr_has("there is no such report");
}

#[test]
fn init_makes_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("newsite");
    let out = std::process::Command::new(bin())
        .args(["init", site.to_str().unwrap(), "--languages", "kk,ru"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "site.yaml",
        "README.md",
        "themes/default/templates/base.html",
        "i18n/kk/site.ftl",
        "i18n/ru/site.ftl",
    ] {
        assert!(site.join(f).exists(), "{f}");
    }
    let build = std::process::Command::new(bin())
        .args(["build"])
        .current_dir(&site)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(
        site.join("public/kk/reports/2025-01-15-first-report/index.html")
            .exists()
    );
    let again = std::process::Command::new(bin())
        .args(["init", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("exists and is not empty; nothing was written")
    );
}

#[test]
fn status_counts_translations() {
    let t = SiteTest::new();
    t.report(
        "a",
        "ru",
        "title: A\ndate: 2025-01-01\nupdated: 2025-03-01",
        "x",
    );
    t.report("a", "kk", "title: A", "x");
    t.report(
        "a",
        "uz",
        "title: A\nmachine_translated: true\nupdated: 2025-03-02",
        "x",
    );
    t.report("b", "ru", "title: B\ndate: 2025-01-02", "x");
    let html = t.path().join("status.html");
    let run = t.run(&["status", "--html", html.to_str().unwrap()]).ok();
    assert!(
        run.stdout.contains("ru: 2 of 2 reports, 100%"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("kk: 1 of 2 reports, 50% (0 machine-translated, 1 out of date)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("uz: 1 of 2 reports, 50% (1 machine-translated, 0 out of date)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("en: 0 of 2 reports, 0%"));
    assert!(run.stdout.contains("interface text kk:"));
    let page = std::fs::read_to_string(html).unwrap();
    assert!(page.contains("<th scope=\"row\">a</th>") && page.contains("out of date"));
}

#[test]
fn cms_config_is_decap_shaped_yaml() {
    let t = SiteTest::new();
    let run = t.run(&["cms-config"]).ok();
    let v: serde_json::Value =
        serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(&run.stdout).unwrap())
            .unwrap();
    assert_eq!(v["i18n"]["structure"], "multiple_files");
    assert_eq!(
        v["i18n"]["locales"],
        serde_json::json!(["ru", "en", "kk", "uz"])
    );
    let c = &v["collections"][0];
    assert_eq!(c["name"], "reports");
    assert_eq!(c["folder"], "content/reports");
    assert_eq!(c["path"], "{{slug}}/index");
    let names: Vec<&str> = c["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for n in ["title", "date", "tags", "cover", "body"] {
        assert!(names.contains(&n), "{n}");
    }
    for f in c["fields"].as_array().unwrap() {
        assert!(f["widget"].is_string());
    }
}

/// The generated configuration passes the schema Decap CMS checks its configuration with at
/// start-up (`tests/decap/setup.sh` installs it; CI runs it, elsewhere it is skipped when node
/// or the schema is missing).
#[test]
fn cms_config_is_accepted_by_decaps_own_schema() {
    let harness = crate::support::repo().join("tests/decap");
    let ready = harness
        .join("package/dist/esm/constants/configSchema.js")
        .is_file()
        && harness.join("node_modules/ajv").is_dir();
    if !ready {
        assert!(
            std::env::var_os("DASTAN_REQUIRE_BROWSER").is_none(),
            "tests/decap/setup.sh has not been run"
        );
        eprintln!("skipped: run tests/decap/setup.sh to check against Decap's schema");
        return;
    }
    let validate = |yaml: &str| {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), yaml).unwrap();
        let out = std::process::Command::new("node")
            .arg(harness.join("validate.cjs"))
            .arg(file.path())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    for site in [SiteTest::sample(), SiteTest::new()] {
        let run = site.run(&["cms-config"]).ok();
        let (ok, msg) = validate(&run.stdout);
        assert!(ok, "Decap refuses the configuration: {msg}\n{}", run.stdout);
    }
    // The harness does refuse what Decap refuses.
    let run = SiteTest::new().run(&["cms-config"]).ok();
    let broken = run
        .stdout
        .replace("structure: multiple_files", "structure: several_files");
    let (ok, msg) = validate(&broken);
    assert!(!ok && msg.contains("i18n.structure"), "{msg}");
}
