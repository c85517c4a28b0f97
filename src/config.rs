//! `site.yaml` → a validated [`SiteConfig`]. Raw input and resolved input are separate types:
//! everything after this module may rely on the invariants checked here.

use crate::diag::{Diagnostic, Diagnostics};
use crate::yaml;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "site.yaml";

const KEYS: &[&str] = &[
    "base_url",
    "languages",
    "default_language",
    "theme",
    "output_dir",
    "paginate",
    "fallback",
    "fallback_pages",
    "taxonomies",
    "time_zone",
    "markdown",
    "feed",
    "extra",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: Option<String>,
    languages: Option<Vec<String>>,
    default_language: Option<String>,
    theme: Option<String>,
    output_dir: Option<String>,
    paginate: Option<usize>,
    fallback: Option<BTreeMap<String, Vec<String>>>,
    fallback_pages: Option<bool>,
    taxonomies: Option<Vec<String>>,
    time_zone: Option<String>,
    markdown: Option<RawMarkdown>,
    feed: Option<RawFeed>,
    extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    /// `sanitize` (default), `escape` or `trusted`.
    raw_html: Option<crate::markdown::RawHtml>,
    /// The older spelling of `raw_html: trusted`.
    unsafe_html: Option<bool>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    full_content: Option<bool>,
    limit: Option<usize>,
}

/// The resolved configuration of a site.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub root: PathBuf,
    /// Absolute, with a trailing slash: `https://example.org/` or `https://example.org/sub/`.
    pub base_url: String,
    /// The path part of `base_url`, with leading and trailing slash: `/` or `/sub/`.
    pub base_path: String,
    /// In the order of `site.yaml`.
    pub languages: Vec<String>,
    pub default_language: String,
    pub theme: String,
    pub output_dir: PathBuf,
    pub paginate: usize,
    /// For each language, the languages to borrow from, in order (never itself).
    pub fallback: BTreeMap<String, Vec<String>>,
    pub fallback_pages: bool,
    pub taxonomies: Vec<String>,
    pub time_zone: String,
    pub raw_html: crate::markdown::RawHtml,
    pub feed_full_content: bool,
    pub feed_limit: usize,
    pub extra: serde_json::Value,
}

impl SiteConfig {
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
    pub fn has_language(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }
    /// `lang` first, then its fallbacks.
    pub fn chain<'a>(&'a self, lang: &'a str) -> Vec<&'a str> {
        let mut v = vec![lang];
        if let Some(f) = self.fallback.get(lang) {
            v.extend(f.iter().map(String::as_str));
        }
        v
    }
}

/// Built-in fallbacks, used for the languages a site has when it does not say otherwise.
fn builtin_fallback(lang: &str) -> &'static [&'static str] {
    match lang {
        "kk" | "uz" | "ky" | "tg" | "tk" | "be" | "uk" => &["ru", "en"],
        "ru" => &["en"],
        _ => &["en"],
    }
}

/// Reads and validates `site.yaml` under `root`. `base_url` overrides the file's when given.
pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<SiteConfig, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let shown = PathBuf::from(CONFIG_FILE);
    let mut diags = Diagnostics::new();
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                diags.push(Diagnostic::error(
                    &shown,
                    1,
                    1,
                    "site.yaml is not valid UTF-8 text",
                ));
                return Err(diags);
            }
        },
        Err(e) => {
            diags.push(
                Diagnostic::error(&shown, 1, 1, format!("cannot read site.yaml: {e}")).with_hint(
                    format!(
                        "is {} a dastan site? `dastan init <dir>` creates one",
                        root.display()
                    ),
                ),
            );
            return Err(diags);
        }
    };
    let text = crate::frontmatter::normalize_newlines(text.trim_start_matches('\u{feff}'));
    let raw: RawConfig = if text.trim().is_empty() {
        serde_yaml::from_str("{}").map_err(|_| diags.clone())?
    } else {
        match yaml::parse(&text, &shown, 1, KEYS) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        }
    };
    let at = |key: &str| yaml::key_position(&text, key).unwrap_or((1, 1));
    let err = |key: &str, msg: String| {
        let (l, c) = at(key);
        Diagnostic::error(&shown, l, c, msg)
    };

    let base_url = match base_url_override.map(str::to_string).or(raw.base_url) {
        Some(u) => u,
        None => {
            diags.push(
                Diagnostic::error(&shown, 1, 1, "missing required key `base_url`")
                    .with_hint("add a line such as `base_url: https://example.org/`"),
            );
            String::from("http://localhost/")
        }
    };
    let (base_url, base_path) = match normalize_base_url(&base_url) {
        Some(v) => v,
        None => {
            diags.push(
                err(
                    "base_url",
                    format!("`base_url` must be an absolute http(s) URL, not `{base_url}`"),
                )
                .with_hint("for example `https://example.org/`"),
            );
            ("http://localhost/".into(), "/".into())
        }
    };

    let mut languages = Vec::new();
    match raw.languages {
        None => diags.push(
            Diagnostic::error(&shown, 1, 1, "missing required key `languages`")
                .with_hint("add a list such as `languages: [ru, en, kk, uz]`"),
        ),
        Some(list) if list.is_empty() => diags.push(err(
            "languages",
            "`languages` must name at least one language".into(),
        )),
        Some(list) => {
            for l in list {
                match normalize_lang(&l) {
                    Some(code) if languages.contains(&code) => diags.push(err(
                        "languages",
                        format!("language `{code}` is listed twice"),
                    )),
                    Some(code) => languages.push(code),
                    None => diags.push(
                        err("languages", format!("`{l}` is not a BCP 47 language code"))
                            .with_hint("use codes such as `ru`, `en`, `kk`, `uz`"),
                    ),
                }
            }
        }
    }
    let default_language = match raw.default_language {
        Some(d) => match normalize_lang(&d).filter(|c| languages.contains(c)) {
            Some(c) => c,
            None => {
                diags.push(
                    err(
                        "default_language",
                        format!("`default_language: {d}` is not one of `languages`"),
                    )
                    .with_hint(format!("choose one of: {}", languages.join(", "))),
                );
                languages.first().cloned().unwrap_or_default()
            }
        },
        None => languages.first().cloned().unwrap_or_default(),
    };

    let mut fallback = BTreeMap::new();
    let configured = raw.fallback.unwrap_or_default();
    for key in configured.keys() {
        if !languages
            .iter()
            .any(|l| Some(l.as_str()) == normalize_lang(key).as_deref())
        {
            diags.push(err(
                "fallback",
                format!("`fallback` names `{key}`, which is not one of `languages`"),
            ));
        }
    }
    for lang in &languages {
        let mut chain: Vec<String> = Vec::new();
        let wanted: Vec<String> = match configured.get(lang) {
            Some(list) => list.iter().filter_map(|l| normalize_lang(l)).collect(),
            None => builtin_fallback(lang)
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        for l in wanted
            .into_iter()
            .chain(std::iter::once(default_language.clone()))
        {
            if l != *lang && languages.contains(&l) && !chain.contains(&l) {
                chain.push(l);
            }
        }
        fallback.insert(lang.clone(), chain);
    }

    let theme = raw.theme.unwrap_or_else(|| "default".into());
    if !is_plain_name(&theme) {
        diags.push(err(
            "theme",
            format!("`theme: {theme}` must be a folder name under themes/"),
        ));
    } else if !root.join("themes").join(&theme).join("templates").is_dir() {
        diags.push(
            err(
                "theme",
                format!("theme `{theme}` not found: themes/{theme}/templates/ does not exist"),
            )
            .with_hint("`dastan init` writes the default theme into a site"),
        );
    }
    let taxonomies = raw.taxonomies.unwrap_or_else(|| vec!["tags".into()]);
    for t in &taxonomies {
        if !is_plain_name(t) || (t != "tags" && crate::frontmatter::FIELDS.contains(&t.as_str())) {
            diags.push(err("taxonomies", format!("`{t}` cannot be a taxonomy name")).with_hint(
                "use a lowercase ASCII word that is not a front-matter key, such as `countries`",
            ));
        }
    }
    let paginate = raw.paginate.unwrap_or(10);
    if paginate == 0 {
        diags.push(err("paginate", "`paginate` must be at least 1".into()));
    }
    let time_zone = raw.time_zone.unwrap_or_else(|| "UTC".into());
    if jiff::tz::TimeZone::get(&time_zone).is_err() {
        diags.push(
            err("time_zone", format!("unknown time zone `{time_zone}`"))
                .with_hint("use an IANA name such as `Asia/Almaty`"),
        );
    }
    let md = raw.markdown.unwrap_or_default();
    let feed = raw.feed.unwrap_or_default();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(SiteConfig {
        root: root.to_path_buf(),
        base_url,
        base_path,
        languages,
        default_language,
        theme,
        output_dir: PathBuf::from(raw.output_dir.unwrap_or_else(|| "public".into())),
        paginate: paginate.max(1),
        fallback,
        fallback_pages: raw.fallback_pages.unwrap_or(false),
        taxonomies,
        time_zone,
        raw_html: md.raw_html.unwrap_or(if md.unsafe_html == Some(true) {
            crate::markdown::RawHtml::Trusted
        } else {
            crate::markdown::RawHtml::Sanitize
        }),
        feed_full_content: feed.full_content.unwrap_or(false),
        feed_limit: feed.limit.unwrap_or(20),
        extra: raw.extra.unwrap_or(serde_json::Value::Null),
    })
}

fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A BCP 47 code in canonical case (`ru`, `uz-Latn`), or `None`.
pub fn normalize_lang(s: &str) -> Option<String> {
    let id: unic_langid::LanguageIdentifier = s.parse().ok()?;
    let code = id.to_string();
    (code != "und").then_some(code)
}

fn normalize_base_url(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '?' || c == '#') {
        return None;
    }
    if path.contains(['?', '#', ' ', '"', '<', '>']) {
        return None;
    }
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let scheme = if url.starts_with("https://") {
        "https://"
    } else {
        "http://"
    };
    Some((format!("{scheme}{host}{path}"), path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_normalized() {
        assert_eq!(
            normalize_base_url("https://ex.org").unwrap(),
            ("https://ex.org/".into(), "/".into())
        );
        assert_eq!(
            normalize_base_url("http://ex.org/a/b").unwrap(),
            ("http://ex.org/a/b/".into(), "/a/b/".into())
        );
        assert!(normalize_base_url("ex.org").is_none());
    }

    #[test]
    fn lang_codes() {
        assert_eq!(normalize_lang("uz-latn").as_deref(), Some("uz-Latn"));
        assert_eq!(normalize_lang("not a lang"), None);
    }
}
