//! The search index of each language: a small JSON file that the search page's script loads
//! on demand. Russian and English words are reduced to their Snowball stems, so that other
//! forms of a word find the report; for languages without a stemmer (Kazakh, Uzbek) the
//! script matches words by their common beginning. The only module that knows the stemmer.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeMap;

/// One searchable page.
pub struct Doc<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub date: &'a str,
    pub summary: &'a str,
    /// Everything searchable: title, summary, headings, place, event, tags, the text's start.
    pub text: String,
}

/// Lowercase words with apostrophes removed (Uzbek `oʻ`, English `it's`), `ё` as `е`.
/// The script of the search page does the same to the query.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| {
        !(c.is_alphanumeric()
            || matches!(
                c,
                '\'' | '\u{2019}' | '\u{2018}' | '\u{02BB}' | '\u{02BC}' | '`'
            ))
    })
    .map(|w| {
        w.chars()
            .filter(|c| c.is_alphanumeric() && !matches!(c, '\u{02BB}' | '\u{02BC}'))
            .flat_map(char::to_lowercase)
            .map(|c| if c == 'ё' { 'е' } else { c })
            .collect::<String>()
    })
    .filter(|w| w.chars().count() >= 2)
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
    let stem = stemmer(lang);
    let mut terms: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        for w in words(&d.text) {
            let t = match &stem {
                Some(s) => s.stem(&w).into_owned(),
                None => w,
            };
            let list = terms.entry(t).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let docs: Vec<[&str; 4]> = docs
        .iter()
        .map(|d| [d.url, d.title, d.date, d.summary])
        .collect();
    serde_json::to_vec(
        &serde_json::json!({ "stemmed": stem.is_some(), "docs": docs, "terms": terms }),
    )
    .unwrap_or_default()
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
