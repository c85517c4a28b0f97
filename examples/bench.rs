//! Benchmark: generates a corpus of N reports (ru always; en 80 %, kk 50 %, uz 40 %) in a
//! temporary site with the repository's theme and i18n, builds it, and prints the time of
//! each stage and the peak memory.
//!
//!     cargo run --release --example bench -- 10000          # N reports, 1 build
//!     cargo run --release --example bench -- 1000 3         # 3 builds, median per stage
//!     cargo run --release --example bench -- 1000 1 /tmp/c  # keep the corpus in /tmp/c
//!
//! The corpus is deterministic (a fixed-seed generator), so figures compare across commits.

use dastan::build::{BuildOptions, build};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
}

const RU: &[&str] = &[
    "ассамблея",
    "делегация",
    "соглашение",
    "сотрудничество",
    "молодёжь",
    "культура",
    "форум",
    "экспедиция",
    "народов",
    "встреча",
    "участники",
    "обсудили",
    "подписали",
    "меморандум",
    "программа",
    "развития",
    "региона",
    "международного",
    "диалога",
    "традиций",
    "наследия",
    "образования",
    "проекта",
    "совместного",
];
const EN: &[&str] = &[
    "assembly",
    "delegation",
    "agreement",
    "cooperation",
    "youth",
    "culture",
    "forum",
    "expedition",
    "peoples",
    "meeting",
    "participants",
    "discussed",
    "signed",
    "memorandum",
    "programme",
    "development",
    "region",
    "international",
    "dialogue",
    "traditions",
    "heritage",
    "education",
    "project",
    "joint",
];
const KK: &[&str] = &[
    "ассамблея",
    "делегация",
    "келісім",
    "ынтымақтастық",
    "жастар",
    "мәдениет",
    "форум",
    "экспедиция",
    "халықтар",
    "кездесу",
    "қатысушылар",
    "талқылады",
    "қол қойды",
    "меморандум",
    "бағдарлама",
    "даму",
    "өңір",
    "халықаралық",
    "диалог",
    "дәстүр",
    "мұра",
    "білім",
    "жоба",
    "бірлескен",
];
const UZ: &[&str] = &[
    "assambleya",
    "delegatsiya",
    "kelishuv",
    "hamkorlik",
    "yoshlar",
    "madaniyat",
    "forum",
    "ekspeditsiya",
    "xalqlar",
    "uchrashuv",
    "ishtirokchilar",
    "muhokama qildi",
    "imzoladi",
    "memorandum",
    "dastur",
    "rivojlanish",
    "mintaqa",
    "xalqaro",
    "muloqot",
    "anʼanalar",
    "meros",
    "taʼlim",
    "loyiha",
    "qoʻshma",
];
const TAGS: &[&str] = &[
    "public-diplomacy",
    "youth",
    "culture",
    "education",
    "ecology",
    "sco",
    "agreements",
    "forums",
    "round-tables",
    "expeditions",
    "media",
    "volunteering",
    "heritage",
    "economy",
];

fn sentence(rng: &mut Rng, words: &[&str], n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(words[rng.below(words.len())]);
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => s,
    }
}

fn body(rng: &mut Rng, words: &[&str]) -> String {
    let mut b = String::new();
    let target = 300 + rng.below(600);
    let mut count = 0;
    let mut section = 0;
    while count < target {
        if count > 0 && rng.chance(0.2) {
            section += 1;
            let _ = writeln!(b, "## {}\n", sentence(rng, words, 3).trim_end_matches('.'));
        }
        let n = 20 + rng.below(40);
        let mut p = String::new();
        for _ in 0..n / 10 {
            p.push_str(&sentence(rng, words, 10));
            p.push(' ');
        }
        let _ = writeln!(
            b,
            "{} **{} {}** {}\n",
            p.trim(),
            100 + rng.below(900),
            words[0],
            sentence(rng, words, 6)
        );
        count += n + 2;
        if rng.chance(0.15) {
            let _ = writeln!(
                b,
                "- {}\n- {}\n- {}\n",
                sentence(rng, words, 4),
                sentence(rng, words, 5),
                sentence(rng, words, 3)
            );
        }
        if rng.chance(0.1) {
            let _ = writeln!(b, "> \"{}\"\n", sentence(rng, words, 12));
        }
        if section == 1 && rng.chance(0.05) {
            let _ = writeln!(
                b,
                "| {} | {} |\n|---|---|\n| 1 | {} |\n| 2 | {} |\n",
                words[1], words[2], words[3], words[4]
            );
        }
    }
    b
}

fn generate(dir: &Path, n: usize) -> usize {
    let mut files = 0;
    for i in 0..n {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1).wrapping_mul(0x1000_0000_01b3));
        let year = 2015 + (i * 11 / n.max(1)).min(10);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let bundle = format!("{year}-{month:02}-{day:02}-report-{i:05}");
        let dir = dir.join("content/reports").join(&bundle);
        std::fs::create_dir_all(&dir).expect("create corpus folder");
        let tags: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| TAGS[rng.below(TAGS.len())])
            .collect();
        for (lang, words, p) in [
            ("ru", RU, 1.0),
            ("en", EN, 0.8),
            ("kk", KK, 0.5),
            ("uz", UZ, 0.4),
        ] {
            if !rng.chance(p) {
                continue;
            }
            let mut front = format!(
                "title: \"{}\"\n",
                sentence(&mut rng, words, 6).trim_end_matches('.')
            );
            if lang == "ru" {
                let _ = writeln!(front, "date: {year}-{month:02}-{day:02}T11:00:00+05:00");
            }
            let _ = writeln!(front, "tags: [{}]", tags.join(", "));
            let _ = writeln!(front, "location: {}", words[rng.below(words.len())]);
            if rng.chance(0.5) {
                let _ = writeln!(front, "summary: \"{}\"", sentence(&mut rng, words, 15));
            }
            let text = format!("---\n{front}---\n{}", body(&mut rng, words));
            std::fs::write(dir.join(format!("index.{lang}.md")), text).expect("write corpus file");
            files += 1;
        }
    }
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walk(from) {
        let target = to.join(e.strip_prefix(from).expect("inside"));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&e, &target).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let tmp;
    let root = match args.get(3) {
        Some(p) => PathBuf::from(p),
        None => {
            tmp = tempfile::tempdir().expect("temp dir");
            tmp.path().to_path_buf()
        }
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = Instant::now();
    let files = if root.join("content").exists() {
        walk(&root.join("content")).len()
    } else {
        let f = generate(&root, n);
        copy_dir(&repo.join("themes"), &root.join("themes"));
        copy_dir(&repo.join("i18n"), &root.join("i18n"));
        std::fs::write(
            root.join("site.yaml"),
            "base_url: https://example.org/\nlanguages: [ru, en, kk, uz]\n",
        )
        .expect("site.yaml");
        f
    };
    eprintln!(
        "corpus: {n} reports, {files} Markdown files ({:.1} s to generate)",
        t.elapsed().as_secs_f64()
    );
    let opts = BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    let mut per_stage: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let mut order: Vec<&'static str> = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let (generated, diags) = build(&opts);
        totals.push(t.elapsed());
        if diags.has_errors() {
            for d in diags.sorted().iter().take(10) {
                eprintln!("{d}");
            }
            std::process::exit(1);
        }
        let Some(g) = generated else {
            std::process::exit(1)
        };
        for (name, d) in &g.timings.stages {
            if !order.contains(name) {
                order.push(name);
            }
            per_stage.entry(name).or_default().push(*d);
        }
        eprintln!(
            "built {} files in {:.3} s",
            g.paths.len(),
            t.elapsed().as_secs_f64()
        );
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    println!("stage           median (of {runs})");
    for name in order {
        let v = per_stage.get_mut(name).expect("stage");
        println!("{name:<15} {:>8.1} ms", median(v).as_secs_f64() * 1000.0);
    }
    println!(
        "{:<15} {:>8.1} ms",
        "total",
        median(&mut totals).as_secs_f64() * 1000.0
    );
    println!("peak memory     {:>8.0} MiB", peak_rss_mib());
}
