//! The fuzz targets' properties on stable Rust: deterministic random mutations of real inputs
//! through front matter, Markdown with each language's typography, slugs, Fluent and request
//! paths. (`fuzz/` holds the cargo-fuzz targets for longer runs.)

use dastan::i18n::{Arg, format_all};
use dastan::markdown::{KeepAll, MdInput, render};
use std::path::Path;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "---",
    "\n",
    "title: ",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "*a",
    "&a ",
    ": ",
    "- ",
    "#",
    "> ",
    "|",
    "`",
    "```",
    "<!-- more -->",
    "<script>",
    "](",
    "![",
    "[^1]",
    "**",
    "~~",
    "\t",
    "\r\n",
    "\u{feff}",
    "ʻ",
    "oʻ",
    "Қазақ",
    "ё",
    "...",
    " - ",
    "--",
    "%2e%2e/",
    "../",
    "\\",
    "\0",
    "{ $count ->\n",
    "*[other] x\n",
    "[one] y\n",
    "}",
    "= ",
    "-term",
    "DATE($d)",
    "NUMBER($n)",
    "2025-02-30",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(s.len() + 1);
        match rng.below(3) {
            0 => {
                let piece: Vec<char> = PIECES[rng.below(PIECES.len())].chars().collect();
                s.splice(at..at, piece);
            }
            1 if !s.is_empty() => {
                let end = (at + rng.below(20)).min(s.len());
                s.drain(at.min(s.len())..end);
            }
            _ => {
                let c = char::from_u32(rng.below(0x500) as u32).unwrap_or('x');
                s.insert(at.min(s.len()), c);
            }
        }
    }
    s.into_iter().collect()
}

fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v = Vec::new();
    for f in [
        "content/reports/2024-03-14-samarkand-silk-road-forum/index.ru.md",
        "content/reports/2024-07-10-aral-sea-initiative/index.ru.md",
        "content/reports/2025-06-03-karakalpakstan-expedition/index.uz.md",
        "themes/default/i18n/ru/theme.ftl",
    ] {
        v.push(std::fs::read_to_string(root.join(f)).unwrap());
    }
    v
}

#[test]
fn random_inputs_never_panic() {
    let seeds = seeds();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let path = Path::new("content/reports/x/index.ru.md");
    for i in 0..1500 {
        let seed = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        let text = dastan::frontmatter::normalize_newlines(&input);
        if let Ok(split) = dastan::frontmatter::split(&text, path) {
            let _ = dastan::frontmatter::parse(
                &split,
                path,
                &["tags".into()],
                &jiff::tz::TimeZone::UTC,
            );
        }
        let lang = ["ru", "en", "kk", "uz"][i % 4];
        let _ = render(
            &MdInput {
                body: &input,
                body_line: 1,
                path,
                lang,
                raw_html: dastan::markdown::RawHtml::Sanitize,
            },
            &KeepAll,
        );
        let slug = dastan::slug::slugify_nonempty(&input, lang);
        assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug}"
        );
        if i % 10 == 0 {
            let _ = format_all(
                lang,
                &input,
                &[
                    ("count", Arg::Num(i as f64)),
                    ("d", Arg::Str("2025-04-28".into())),
                ],
            );
        }
        if let Some(p) = dastan::serve::path::normalize(&format!("/{input}")) {
            assert!(!p.split('/').any(|s| s == ".."), "{p}");
        }
    }
}
