//! The search index of each language: a small JSON file that the search page's script loads
//! on demand. Russian and English words are reduced to their Snowball stems, so that other
//! forms of a word find the report; for languages without a stemmer (Kazakh, Uzbek) the
//! script matches words by their common beginning. The only module that knows the stemmer.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeMap;

/// One searchable page.
#[derive(Debug, Clone)]
pub struct Doc {
    pub url: String,
    pub title: String,
    pub date: String,
    pub summary: String,
    /// Everything searchable: title, summary, headings, place, event, tags, the text's start.
    pub text: String,
}

/// Lowercase words with apostrophes removed (Uzbek `oʻ`, English `it's`), `ё` as `е`.
/// The script of the search page does the same to the query.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| {
        !(is_word_char(c)
            || matches!(
                c,
                '\'' | '\u{2019}' | '\u{2018}' | '\u{02BB}' | '\u{02BC}' | '`'
            ))
    })
    .map(|w| {
        let mut out = String::with_capacity(w.len());
        for c in w.chars() {
            if matches!(
                c,
                '\'' | '\u{2019}' | '\u{2018}' | '\u{02BB}' | '\u{02BC}' | '`'
            ) {
                continue;
            }
            push_lower(&mut out, c);
        }
        out
    })
    .filter(|w| w.chars().count() >= 2)
}

/// Letters and digits, with fast paths for ASCII and Cyrillic (most of the text).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('\u{0400}'..='\u{04FF}').contains(&c)
        || (!c.is_ascii() && c.is_alphanumeric() && c != '\u{02BB}' && c != '\u{02BC}')
}

fn push_lower(out: &mut String, c: char) {
    match c {
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' | 'а'..='я' => out.push(c),
        'ё' | 'Ё' => out.push('е'),
        'А'..='Я' => out.push(char::from_u32(c as u32 + 32).unwrap_or(c)),
        _ => out.extend(c.to_lowercase()),
    }
}

fn stemmer(lang: &str) -> Option<Stemmer> {
    match lang.split('-').next().unwrap_or(lang) {
        "ru" => Some(Stemmer::create(Algorithm::Russian)),
        "en" => Some(Stemmer::create(Algorithm::English)),
        _ => None,
    }
}

/// Whether the language's index holds stems (the script then compares stems by prefix).
pub fn stems(lang: &str) -> bool {
    stemmer(lang).is_some()
}

/// The index as JSON: `{"stemmed": bool, "docs": [[url, title, date, summary]], "terms": {term: [doc]}}`.
pub fn index(lang: &str, docs: &[Doc]) -> Vec<u8> {
    use rayon::prelude::*;
    let stemmed = stemmer(lang).is_some();
    // Each document's terms in parallel (the stemmer is made per thread), merged in order.
    let per_doc: Vec<Vec<String>> = docs
        .par_iter()
        .map_init(
            || stemmer(lang),
            |stem, d| {
                let mut ts: Vec<String> = words(&d.text)
                    .map(|w| match stem {
                        Some(s) => s.stem(&w).into_owned(),
                        None => w,
                    })
                    .collect();
                ts.sort_unstable();
                ts.dedup();
                ts
            },
        )
        .collect();
    let mut terms: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, ts) in per_doc.into_iter().enumerate() {
        for t in ts {
            terms.entry(t).or_default().push(i);
        }
    }
    #[derive(serde::Serialize)]
    struct Index<'a> {
        stemmed: bool,
        docs: Vec<[&'a str; 4]>,
        terms: BTreeMap<String, Vec<usize>>,
    }
    let index = Index {
        stemmed,
        docs: docs
            .iter()
            .map(|d| {
                [
                    d.url.as_str(),
                    d.title.as_str(),
                    d.date.as_str(),
                    d.summary.as_str(),
                ]
            })
            .collect(),
        terms,
    };
    serde_json::to_vec(&index).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalized() {
        let w: Vec<String> = words("Oʻzbekiston, «Ёлка» it's 2025-й").collect();
        assert_eq!(
            w,
            ["ozbekiston", "елка", "its", "2025", "й"]
                .iter()
                .filter(|s| s.chars().count() >= 2)
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn russian_forms_share_a_stem() {
        let s = Stemmer::create(Algorithm::Russian);
        assert_eq!(s.stem("соглашения"), s.stem("соглашение"));
        assert_eq!(s.stem("соглашениями"), s.stem("соглашение"));
    }
}
