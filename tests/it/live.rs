//! Partial re-renders of `serve`: after any save, the files served are exactly what a full
//! build of the saved site gives, and only the cheap path is taken when it can be.

use crate::support::SiteTest;
use dastan::build::{BuildOptions, generate};
use dastan::render::live::{Change, Live};
use dastan::render::{Data, OutputFile};
use std::collections::BTreeMap;

const REPORT: &str = "content/reports/2024-07-10-aral-sea-initiative/index.ru.md";

fn options(t: &SiteTest) -> BuildOptions {
    BuildOptions {
        root: t.path().to_path_buf(),
        serving: true,
        ..Default::default()
    }
}

fn bytes(data: Data) -> Option<Vec<u8>> {
    match data {
        Data::Bytes(b) => Some(b),
        Data::Copy(p) => std::fs::read(p).ok(),
        Data::Reused => None,
    }
}

fn to_map(files: Vec<OutputFile>) -> BTreeMap<String, Vec<u8>> {
    files
        .into_iter()
        .filter_map(|f| bytes(f.data).map(|b| (f.path, b)))
        .collect()
}

/// The site as `serve` starts it: its files and the renderer's state.
fn start(t: &SiteTest) -> (BTreeMap<String, Vec<u8>>, Live) {
    let (generated, diags) = dastan::build::generate_live(&options(t));
    assert!(!diags.has_errors(), "{:?}", diags.sorted());
    let g = generated.unwrap();
    let (i18n, formats, kept) = g.live.unwrap();
    let map = to_map(g.files);
    let live = Live::new(g.config, g.site, i18n, formats, kept, true);
    (map, live)
}

/// What a full build of the site on disk gives.
fn full(t: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    let (g, diags) = generate(&options(t));
    assert!(!diags.has_errors(), "{:?}", diags.sorted());
    to_map(g.unwrap().files)
}

#[derive(Debug, PartialEq)]
enum Took {
    Partial { files: usize, stale: usize },
    Broken(String),
    Rebuild,
}

/// Applies saves as the watcher does, then renders every page left out of date.
fn apply(map: &mut BTreeMap<String, Vec<u8>>, live: &mut Live, rels: &[&str]) -> Took {
    let rels: Vec<String> = rels.iter().map(|s| s.to_string()).collect();
    match live.apply(&rels) {
        Change::Updated {
            files,
            stale,
            later,
            ..
        } => {
            let n = files.len();
            map.extend(to_map(files));
            map.extend(to_map(live.later(&later)));
            for (path, r) in live.render_paths(&stale) {
                map.insert(path, r.expect("renders"));
            }
            Took::Partial {
                files: n,
                stale: stale.len(),
            }
        }
        Change::Broken(errors) => Took::Broken(
            errors
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Change::Rebuild => Took::Rebuild,
    }
}

#[track_caller]
fn assert_same(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>) {
    let paths: Vec<&String> = got.keys().chain(want.keys()).collect();
    for p in paths {
        assert!(
            got.get(p) == want.get(p),
            "`{p}` differs from a full build:\n--- served\n{}\n--- full build\n{}",
            got.get(p)
                .map(|b| String::from_utf8_lossy(b))
                .unwrap_or_default(),
            want.get(p)
                .map(|b| String::from_utf8_lossy(b))
                .unwrap_or_default(),
        );
    }
}

#[test]
fn a_report_edit_re_renders_only_what_shows_it_and_equals_a_full_build() {
    let t = SiteTest::sample();
    let (mut map, mut live) = start(&t);
    let text = std::fs::read_to_string(t.path().join(REPORT)).unwrap();
    let edited = text
        .replace(
            "Ассамблея поддержала инициативу",
            "Ассамблея «поддержала» инициативу",
        )
        .replace("Волонтёры из Казахстана", "Добровольцы из Казахстана");
    assert_ne!(text, edited);
    t.write(REPORT, &edited);
    let took = apply(&mut map, &mut live, &[REPORT]);
    let Took::Partial { files, stale } = took else {
        panic!("{took:?}")
    };
    assert_eq!(stale, 0);
    // The page, a page of the home list, its terms' pages, its archive year, its feeds.
    assert!((4..40).contains(&files), "{files} files re-rendered");
    assert!(String::from_utf8_lossy(&map["ru/page/2/index.html"]).contains("«поддержала»"));
    assert_same(&map, &full(&t));
}

#[test]
fn template_messages_and_stylesheet_changes_equal_a_full_build() {
    let t = SiteTest::sample();
    let (mut map, mut live) = start(&t);

    let tpl = "themes/default/templates/report.html";
    let text = std::fs::read_to_string(t.path().join(tpl)).unwrap();
    t.write(
        tpl,
        &text.replace("</article>", "<p>marker-of-a-change</p></article>"),
    );
    let took = apply(&mut map, &mut live, &[tpl]);
    assert!(
        matches!(took, Took::Partial { stale, .. } if stale > 100),
        "{took:?}"
    );
    assert!(
        String::from_utf8_lossy(&map["ru/reports/2024-07-10-aral-sea-initiative/index.html"])
            .contains("marker-of-a-change")
    );
    assert_same(&map, &full(&t));

    let ftl = "themes/default/i18n/ru/theme.ftl";
    let text = std::fs::read_to_string(t.path().join(ftl)).unwrap();
    t.write(
        ftl,
        &text.replace("nav-home = Главная", "nav-home = Начало"),
    );
    assert!(matches!(
        apply(&mut map, &mut live, &[ftl]),
        Took::Partial { .. }
    ));
    assert!(String::from_utf8_lossy(&map["ru/index.html"]).contains("Начало"));
    assert_same(&map, &full(&t));

    let css = "themes/default/static/style.css";
    let text = std::fs::read_to_string(t.path().join(css)).unwrap();
    t.write(css, &format!("{text}\n.marker-of-a-change{{color:red}}\n"));
    assert!(matches!(
        apply(&mut map, &mut live, &[css]),
        Took::Partial { .. }
    ));
    // The old fingerprinted stylesheet is no longer linked; the new one is served.
    let full = full(&t);
    let got_css: Vec<&String> = map.keys().filter(|k| k.ends_with(".css")).collect();
    assert!(got_css.iter().any(|k| full.contains_key(*k)));
    map.retain(|k, _| !k.ends_with(".css") || full.contains_key(k));
    assert_same(&map, &full);
}

#[test]
fn structural_changes_ask_for_a_full_build() {
    let t = SiteTest::sample();
    let (mut map, mut live) = start(&t);
    let text = std::fs::read_to_string(t.path().join(REPORT)).unwrap();
    t.write(
        REPORT,
        &text.replace("date: 2024-07-10", "date: 2024-07-11"),
    );
    assert_eq!(apply(&mut map, &mut live, &[REPORT]), Took::Rebuild);
    t.write(REPORT, &text.replace("ecology, volunteering", "ecology"));
    assert_eq!(apply(&mut map, &mut live, &[REPORT]), Took::Rebuild);
    t.write(
        "content/reports/new/index.ru.md",
        "---\ntitle: Н\ndate: 2025-01-01\n---\n",
    );
    assert_eq!(
        apply(&mut map, &mut live, &["content/reports/new/index.ru.md"]),
        Took::Rebuild
    );
    assert_eq!(apply(&mut map, &mut live, &["site.yaml"]), Took::Rebuild);
}

#[test]
fn a_broken_save_keeps_the_last_good_version_until_it_is_fixed() {
    let t = SiteTest::sample();
    let (mut map, mut live) = start(&t);
    let good = std::fs::read_to_string(t.path().join(REPORT)).unwrap();
    let before = map["ru/reports/2024-07-10-aral-sea-initiative/index.html"].clone();
    t.write(REPORT, &good.replace("date: 2024-07-10", "date: [2024"));
    let took = apply(&mut map, &mut live, &[REPORT]);
    let Took::Broken(msg) = took else {
        panic!("{took:?}")
    };
    assert!(msg.contains(&format!("{REPORT}:4:9: error:")), "{msg}");
    assert_eq!(
        map["ru/reports/2024-07-10-aral-sea-initiative/index.html"],
        before
    );
    assert!(!live.errors().is_empty());

    // A link to a page that does not exist: also refused, also kept.
    t.write(REPORT, &format!("{good}\n[x](../nowhere/index.ru.md)\n"));
    let took = apply(&mut map, &mut live, &[REPORT]);
    assert!(
        matches!(&took, Took::Broken(m) if m.contains("nowhere")),
        "{took:?}"
    );

    t.write(REPORT, &good.replace("Нукусе", "Нукусе (Каракалпакстан)"));
    assert!(matches!(
        apply(&mut map, &mut live, &[REPORT]),
        Took::Partial { .. }
    ));
    assert!(live.errors().is_empty());
    assert_same(&map, &full(&t));
}
