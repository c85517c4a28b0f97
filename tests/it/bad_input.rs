//! Broken and hostile inputs: each gives a clear error naming file and line (or builds
//! safely), never a panic, in bounded time, with the previous site untouched on failure and
//! nothing written outside the site.

use crate::support::SiteTest;
use std::time::{Duration, Instant};

const OK: &str = "";

struct Case {
    name: &'static str,
    setup: fn(&SiteTest),
    /// Empty: the build succeeds. Else: text stderr must contain.
    expect: &'static str,
}

fn report(t: &SiteTest, front: &str, body: &str) {
    t.write(
        "content/reports/x/index.ru.md",
        &format!("---\n{front}\n---\n{body}\n"),
    );
}

const CASES: &[Case] = &[
    Case {
        name: "unclosed quote",
        setup: |t| report(t, "title: \"abc\ndate: 2025-01-01", "x"),
        expect: "content/reports/x/index.ru.md:",
    },
    Case {
        name: "unclosed flow list",
        setup: |t| report(t, "title: a\ndate: 2025-01-01\ntags: [a, b", "x"),
        expect: "content/reports/x/index.ru.md:",
    },
    Case {
        name: "tab indentation",
        setup: |t| report(t, "title: a\ndate: 2025-01-01\ncover:\n\tsrc: a.jpg", "x"),
        expect: "content/reports/x/index.ru.md:",
    },
    Case {
        name: "mapping where text is due",
        setup: |t| report(t, "title: {a: 1}\ndate: 2025-01-01", "x"),
        expect: "content/reports/x/index.ru.md:2:1: error:",
    },
    Case {
        name: "list where text is due",
        setup: |t| report(t, "title: [a, b]\ndate: 2025-01-01", "x"),
        expect: "content/reports/x/index.ru.md:2:1: error:",
    },
    Case {
        name: "text where a boolean is due",
        setup: |t| report(t, "title: a\ndate: 2025-01-01\ndraft: maybe", "x"),
        expect: "index.ru.md:4:1: error:",
    },
    Case {
        name: "impossible date",
        setup: |t| report(t, "title: a\ndate: 2025-02-30", "x"),
        expect: "index.ru.md:3:1: error: `date: 2025-02-30` is not a valid date",
    },
    Case {
        name: "date that is no date",
        setup: |t| report(t, "title: a\ndate: yesterday", "x"),
        expect: "index.ru.md:3:1: error: `date: yesterday` is not a valid date",
    },
    Case {
        name: "unknown key",
        setup: |t| report(t, "title: a\ndate: 2025-01-01\nlocaton: x", "x"),
        expect: "index.ru.md:4:1: error: unknown front-matter key `locaton`\n  hint: did you mean `location`?",
    },
    Case {
        name: "unknown nested key",
        setup: |t| report(t, "title: a\ndate: 2025-01-01\ncover: {srcc: a.jpg}", "x"),
        expect: "index.ru.md:4:1: error: unknown key `srcc`",
    },
    Case {
        name: "duplicate key",
        setup: |t| report(t, "title: a\ntitle: b\ndate: 2025-01-01", "x"),
        expect: "index.ru.md:",
    },
    Case {
        name: "alias bomb",
        setup: |t| {
            report(
                t,
                "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ntitle: a\ndate: 2025-01-01",
                "x",
            )
        },
        expect: "content/reports/x/index.ru.md:",
    },
    Case {
        name: "unknown anchor",
        setup: |t| report(t, "title: *nope\ndate: 2025-01-01", "x"),
        expect: "index.ru.md:2:",
    },
    Case {
        name: "non-UTF-8 bytes",
        setup: |t| {
            t.write_bytes(
                "content/reports/x/index.ru.md",
                b"---\ntitle: a\ndate: 2025-01-01\n---\n\xff\xfe broken\n",
            );
        },
        expect: "content/reports/x/index.ru.md:5:1: error: the file is not UTF-8 text",
    },
    Case {
        name: "empty file",
        setup: |t| {
            t.write("content/reports/x/index.ru.md", "");
        },
        expect: "content/reports/x/index.ru.md:1:1: error: the file does not start with front matter",
    },
    Case {
        name: "front matter never closed",
        setup: |t| {
            t.write("content/reports/x/index.ru.md", "---\ntitle: a\n");
        },
        expect: "index.ru.md:1:1: error: the front matter is never closed",
    },
    Case {
        name: "empty front matter",
        setup: |t| {
            t.write("content/reports/x/index.ru.md", "---\n---\ntext\n");
        },
        expect: "error: missing `title`",
    },
    Case {
        name: "front matter is a list",
        setup: |t| {
            t.write(
                "content/reports/x/index.ru.md",
                "---\n- a\n- b\n---\ntext\n",
            );
        },
        expect: "front matter must be a list of `key: value` lines",
    },
    Case {
        name: "BOM and CRLF work",
        setup: |t| {
            t.write_bytes(
                "content/reports/x/index.ru.md",
                "\u{feff}---\r\ntitle: Заголовок\r\ndate: 2025-01-01\r\n---\r\nТекст.\r\n"
                    .as_bytes(),
            );
        },
        expect: OK,
    },
    Case {
        name: "a 5 MB line",
        setup: |t| report(t, "title: a\ndate: 2025-01-01", &"слово ".repeat(900_000)),
        expect: OK,
    },
    Case {
        name: "deep nesting in Markdown",
        setup: |t| {
            report(
                t,
                "title: a\ndate: 2025-01-01",
                &format!("{}deep", "> ".repeat(5000)),
            )
        },
        expect: OK,
    },
    Case {
        name: "deep nesting in YAML",
        setup: |t| {
            report(
                t,
                &format!(
                    "title: a\ndate: 2025-01-01\nextra: {}1{}",
                    "[".repeat(5000),
                    "]".repeat(5000)
                ),
                "x",
            )
        },
        expect: "index.ru.md:",
    },
    Case {
        name: "unknown language suffix",
        setup: |t| {
            t.write(
                "content/reports/x/index.de.md",
                "---\ntitle: a\ndate: 2025-01-01\n---\nx\n",
            );
        },
        expect: "content/reports/x/index.de.md:1:1: error: `de` is not a language of this site",
    },
    Case {
        name: "slug collision",
        setup: |t| {
            report(t, "title: a\ndate: 2025-01-01\nslug: same", "x");
            t.write(
                "content/reports/y/index.ru.md",
                "---\ntitle: b\ndate: 2025-01-01\nslug: same\n---\nx\n",
            );
        },
        expect: "would be written to `ru/reports/same/index.html`",
    },
    Case {
        name: "case collision",
        setup: |t| {
            t.write(
                "content/reports/Visit/index.ru.md",
                "---\ntitle: a\ndate: 2025-01-01\n---\nx\n",
            );
            t.write(
                "content/reports/visit/index.ru.md",
                "---\ntitle: b\ndate: 2025-01-01\n---\nx\n",
            );
        },
        expect: "would be written to `ru/reports/visit/index.html`",
    },
    Case {
        name: "NFD folder name",
        setup: |t| {
            t.write(
                "content/reports/\u{0418}\u{0306}ошкар/index.ru.md",
                "---\ntitle: a\ndate: 2025-01-01\n---\nx\n",
            );
        },
        expect: OK,
    },
    Case {
        name: "missing cover",
        setup: |t| report(t, "title: a\ndate: 2025-01-01\ncover: {src: nope.jpg}", "x"),
        expect: "index.ru.md:4:1: error: cover image `nope.jpg` not found",
    },
    Case {
        name: "missing image in text",
        setup: |t| report(t, "title: a\ndate: 2025-01-01", "![x](nope.png)"),
        expect: "index.ru.md:5:1: error: image `nope.png` not found",
    },
    Case {
        name: "Fluent syntax error",
        setup: |t| {
            t.write("i18n/ru/site.ftl", "broken = {\n");
            report(t, "title: a\ndate: 2025-01-01", "x");
        },
        expect: "i18n/ru/site.ftl:",
    },
    Case {
        name: "template syntax error",
        setup: |t| {
            t.write("themes/default/templates/page.html", "{% if %}");
            report(t, "title: a\ndate: 2025-01-01", "x");
        },
        expect: "themes/default/templates/page.html:1:",
    },
    Case {
        name: "template that extends itself",
        setup: |t| {
            t.write(
                "themes/default/templates/page.html",
                "{% extends \"page.html\" %}",
            );
            report(t, "title: a\ndate: 2025-01-01", "x");
        },
        expect: "themes/default/templates/page.html",
    },
    Case {
        name: "slug that leaves the site",
        setup: |t| report(t, "title: a\ndate: 2025-01-01\nslug: ../../etc", "x"),
        expect: "index.ru.md:4:1: error: `slug: ../../etc` must be one word of the URL",
    },
    Case {
        name: "absolute alias",
        setup: |t| {
            report(
                t,
                "title: a\ndate: 2025-01-01\naliases: [\"/../../../tmp/evil/\"]",
                "x",
            )
        },
        expect: "is not a path inside the site",
    },
    Case {
        name: "alias that is a URL",
        setup: |t| {
            report(
                t,
                "title: a\ndate: 2025-01-01\naliases: [\"https://evil.example/\"]",
                "x",
            )
        },
        expect: "is not a path inside the site",
    },
    Case {
        name: "cover outside the bundle",
        setup: |t| {
            report(
                t,
                "title: a\ndate: 2025-01-01\ncover: {src: ../../../site.yaml}",
                "x",
            )
        },
        expect: "must name a file in the report's folder",
    },
    Case {
        name: "cover with an absolute path",
        setup: |t| {
            report(
                t,
                "title: a\ndate: 2025-01-01\ncover: {src: /etc/passwd}",
                "x",
            )
        },
        expect: "must name a file in the report's folder",
    },
    Case {
        name: "link out of the content folder",
        setup: |t| {
            report(
                t,
                "title: a\ndate: 2025-01-01",
                "[x](../../../../etc/passwd)",
            )
        },
        expect: "points outside the content folder",
    },
    Case {
        name: "site.yaml with a tab",
        setup: |t| {
            t.write(
                "site.yaml",
                "base_url: https://example.org/\nlanguages:\n\t- ru\n",
            );
        },
        expect: "site.yaml:",
    },
    Case {
        name: "site.yaml that is not YAML",
        setup: |t| {
            t.write_bytes("site.yaml", b"\x00\x01\x02");
        },
        expect: "site.yaml:1:1: error:",
    },
];

#[test]
fn broken_and_hostile_inputs() {
    assert!(CASES.len() >= 30);
    for case in CASES {
        let t = SiteTest::new();
        // A previous good site, which a failed build must leave as it was.
        t.write("public/marker.txt", "previous site");
        let outside_before: Vec<_> = std::fs::read_dir(t.path().parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        (case.setup)(&t);
        let started = Instant::now();
        let run = t.run(&["build"]);
        let elapsed = started.elapsed();
        assert!(
            !run.stderr.contains("panicked"),
            "{}: panic\n{}",
            case.name,
            run.stderr
        );
        assert!(
            elapsed < Duration::from_secs(20),
            "{}: took {elapsed:?}",
            case.name
        );
        if case.expect.is_empty() {
            assert_eq!(
                run.code, 0,
                "{}: expected success\n{}",
                case.name, run.stderr
            );
        } else {
            assert_eq!(
                run.code, 1,
                "{}: expected exit 1\n{}",
                case.name, run.stderr
            );
            assert!(
                run.stderr.contains(case.expect),
                "{}: expected {:?} in\n{}",
                case.name,
                case.expect,
                run.stderr
            );
            assert_eq!(
                t.read("marker.txt"),
                "previous site",
                "{}: public/ changed",
                case.name
            );
        }
        let leftovers: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".dastan-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{}: temporary folder left", case.name);
        let outside_after: Vec<_> = std::fs::read_dir(t.path().parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        // The parent is the shared temporary folder: look for what dastan could have made.
        let new: Vec<_> = outside_after
            .iter()
            .filter(|n| !outside_before.contains(n))
            .filter(|n| {
                let n = n.to_string_lossy();
                n.starts_with(".dastan")
                    || n == "public"
                    || n == "etc"
                    || n == "evil"
                    || n == "reports"
            })
            .collect();
        assert!(
            new.is_empty(),
            "{}: wrote outside the site: {new:?}",
            case.name
        );
    }
}

#[test]
fn deeply_nested_flow_yaml_is_refused_at_once() {
    // 100,000 `[` made the YAML scanner run for minutes (found by fuzzing).
    let t = SiteTest::new();
    report(
        &t,
        &format!("title: a\ndate: 2025-01-01\nextra: {}", "[".repeat(100_000)),
        "x",
    );
    let started = Instant::now();
    t.build_fails()
        .stderr_has("index.ru.md:4:72: error: the YAML nests `[` and `{` more than 64 levels deep");
    assert!(started.elapsed() < Duration::from_secs(5));
}
