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
    /// Its index terms, as [`terms`] gives them (each once, separated by spaces).
    pub terms: String,
}

/// The index terms of a text in a language: its words (stemmed where the language has a
/// stemmer), each once, in the order they first appear, separated by spaces. Computed once
/// per page, while the pages are rendered in parallel, and kept in this compact form until
/// the index is made.
pub fn terms(lang: &str, text: &str) -> String {
    STEMS.with_borrow_mut(|all| {
        // The same words come back page after page: each thread keeps their stems, by number,
        // per language.
        let i = match all.iter().position(|c| c.lang == lang) {
            Some(i) => i,
            None => {
                all.push(Stems::default());
                all.len() - 1
            }
        };
        let c = &mut all[i];
        if c.lang != lang || c.raw.len() > 300_000 {
            *c = Stems {
                lang: lang.to_string(),
                stemmer: stemmer(lang),
                ..Stems::default()
            };
        }
        c.call = c.call.wrapping_add(1);
        let call = c.call;
        let mut out = String::new();
        let mut word = String::new();
        for w in raw_words(text) {
            // Most words come back as they were written: their stem's number is kept by the
            // written form too, before lowercasing.
            let id = match c.raw.get(w) {
                Some(Some(id)) => *id,
                Some(None) => continue,
                None => {
                    word.clear();
                    lower_into(&mut word, w);
                    let id = if word.chars().nth(1).is_none() {
                        None
                    } else {
                        Some(c.id_of(&word))
                    };
                    c.raw.insert(w.to_string(), id);
                    match id {
                        Some(id) => id,
                        None => continue,
                    }
                }
            };
            // Each stem once per text, marked with the number of this call.
            let i = id as usize;
            if c.seen[i] != call {
                c.seen[i] = call;
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&c.stems[i]);
            }
        }
        out
    })
}

impl Stems {
    /// The number of a lowercased word's stem.
    fn id_of(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id;
        }
        let stem = match &self.stemmer {
            Some(s) => s.stem(word).into_owned(),
            None => word.to_string(),
        };
        let id = match self.stem_ids.get(&stem) {
            Some(id) => *id,
            None => {
                let id = self.stems.len() as u32;
                self.stems.push(stem.clone());
                self.seen.push(0);
                self.stem_ids.insert(stem, id);
                id
            }
        };
        self.ids.insert(word.to_string(), id);
        id
    }
}

#[derive(Default)]
struct Stems {
    lang: String,
    stemmer: Option<Stemmer>,
    /// Word as written → number of its stem (`None`: too short to be a term).
    raw: rustc_hash::FxHashMap<String, Option<u32>>,
    /// Word → number of its stem in `stems`.
    ids: rustc_hash::FxHashMap<String, u32>,
    /// Stem → its number.
    stem_ids: rustc_hash::FxHashMap<String, u32>,
    stems: Vec<String>,
    /// Per stem, the last call of [`terms`] that gave it.
    seen: Vec<u64>,
    call: u64,
}

thread_local! {
    static STEMS: std::cell::RefCell<Vec<Stems>> = Default::default();
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BB}' | '\u{02BC}' | '`'
    )
}

/// The words of a text as they are written (apostrophes kept).
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(is_word_char(c) || is_apostrophe(c)))
        .filter(|w| !w.is_empty())
}

/// A word lowercased, apostrophes removed (Uzbek `oʻ`, English `it's`), `ё` as `е`. The
/// script of the search page does the same to the query.
fn lower_into(out: &mut String, w: &str) {
    for c in w.chars() {
        if !is_apostrophe(c) {
            push_lower(out, c);
        }
    }
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

/// The index as JSON: `{"stemmed": bool, "docs": [[url, title, date, summary]], "terms": {term: [doc]}}`.
pub fn index(lang: &str, docs: &[Doc]) -> Vec<u8> {
    let stemmed = stemmer(lang).is_some();
    let mut by_term: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
    for (i, d) in docs.iter().enumerate() {
        for t in d.terms.split(' ').filter(|t| !t.is_empty()) {
            by_term.entry(t).or_default().push(i);
        }
    }
    let terms: BTreeMap<&str, Vec<usize>> = by_term.into_iter().collect();
    #[derive(serde::Serialize)]
    struct Index<'a> {
        stemmed: bool,
        docs: Vec<[&'a str; 4]>,
        terms: BTreeMap<&'a str, Vec<usize>>,
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
    // Sized once from the texts (escapes aside), so that the index of a large site is not
    // copied as it grows.
    let postings: usize = index.terms.values().map(Vec::len).sum();
    let size = docs
        .iter()
        .map(|d| d.url.len() + d.title.len() + d.date.len() + d.summary.len() + 16)
        .sum::<usize>()
        + index.terms.keys().map(|t| t.len() + 6).sum::<usize>()
        + postings * 7;
    let mut out = Vec::with_capacity(size + size / 16);
    match serde_json::to_writer(&mut out, &index) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalized() {
        // Kazakh has no stemmer: the words themselves, lowercased, apostrophes dropped, ё as е.
        assert_eq!(
            terms("kk", "Oʻzbekiston, «Ёлка» it's 2025-й"),
            "ozbekiston елка its 2025"
        );
    }

    #[test]
    fn terms_are_stemmed_and_unique() {
        assert_eq!(terms("ru", "Соглашения и соглашение"), "соглашен");
        assert_eq!(terms("kk", "көшеттер көшеттер ағаш"), "көшеттер ағаш");
        assert_eq!(terms("en", "It's signed: agreements"), "it sign agreement");
    }

    #[test]
    fn russian_forms_share_a_stem() {
        let s = Stemmer::create(Algorithm::Russian);
        assert_eq!(s.stem("соглашения"), s.stem("соглашение"));
        assert_eq!(s.stem("соглашениями"), s.stem("соглашение"));
    }
}
