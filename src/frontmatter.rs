//! Front matter: split a Markdown file into YAML and body, and parse the YAML into a typed
//! [`Meta`]. Positions are always reported in the coordinates of the `.md` file.

use crate::diag::{Diagnostic, did_you_mean};
use crate::yaml;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::Path;

/// The front-matter keys a report may use; anything else goes under `extra`.
pub const FIELDS: &[&str] = &[
    "title",
    "date",
    "summary",
    "location",
    "event",
    "tags",
    "cover",
    "source",
    "machine_translated",
    "draft",
    "slug",
    "aliases",
    "updated",
    "extra",
];

/// `\r\n` and lone `\r` become `\n`; line numbers are unchanged.
pub fn normalize_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

/// A file cut in two, with the line where each part starts (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Splits `---\nyaml\n---\nbody`. The text must already have `\n` line ends.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(
            Diagnostic::error(path, 1, 1, "the file does not start with front matter").with_hint(
                "begin the file with a line `---`, then `title: …`, then another line `---`",
            ),
        );
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (i, line) in lines.enumerate() {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(path, 1, 1, "the front matter is never closed")
            .with_hint("add a line `---` after the last front-matter key"),
    )
}

/// A date as written, resolved to a calendar date and an instant.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct PageDate {
    /// Seconds since the epoch, for sorting.
    pub ts: i64,
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// RFC 3339, for feeds, sitemaps and `<time datetime>`.
    pub rfc3339: String,
    /// `YYYY-MM-DD`.
    pub iso_date: String,
}

impl PageDate {
    pub fn parse(s: &str, tz: &jiff::tz::TimeZone) -> Result<PageDate, String> {
        let s = s.trim();
        let zoned = if s.len() == 10 {
            let d: jiff::civil::Date = s.parse().map_err(|e| format!("{e}"))?;
            d.to_zoned(tz.clone()).map_err(|e| format!("{e}"))?
        } else if let Ok(ts) = s.parse::<jiff::Timestamp>() {
            let offset = rfc3339_offset(s).unwrap_or(jiff::tz::Offset::UTC);
            ts.to_zoned(jiff::tz::TimeZone::fixed(offset))
        } else {
            let dt: jiff::civil::DateTime = s.parse().map_err(|e| format!("{e}"))?;
            dt.to_zoned(tz.clone()).map_err(|e| format!("{e}"))?
        };
        let ts = zoned.timestamp().as_second();
        let rfc3339 = zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        Ok(PageDate {
            ts,
            year: i32::from(zoned.year()),
            month: zoned.month() as u8,
            day: zoned.day() as u8,
            rfc3339,
            iso_date: zoned.strftime("%Y-%m-%d").to_string(),
        })
    }
}

fn rfc3339_offset(s: &str) -> Option<jiff::tz::Offset> {
    if s.ends_with('Z') || s.ends_with('z') {
        return Some(jiff::tz::Offset::UTC);
    }
    let tail = s.get(s.len().checked_sub(6)?..)?;
    let sign = match tail.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let h: i32 = tail.get(1..3)?.parse().ok()?;
    let m: i32 = tail.get(4..6)?.parse().ok()?;
    jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// A text value that also accepts numbers and booleans (`title: 2025` is text to an editor).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list, or a single item standing for a list of one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct List(pub Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            Many(Vec<Text>),
            One(Text),
        }
        match Option::<OneOrMany>::deserialize(d)? {
            None => Ok(List(Vec::new())),
            Some(OneOrMany::One(t)) => Ok(List(vec![t.0])),
            Some(OneOrMany::Many(v)) => Ok(List(v.into_iter().map(|t| t.0).collect())),
        }
    }
}

#[derive(Debug, Default)]
struct RawMeta {
    title: Option<Text>,
    date: Option<Text>,
    summary: Option<Text>,
    location: Option<Text>,
    event: Option<Text>,
    tags: Option<List>,
    cover: Option<RawCover>,
    source: Option<RawSource>,
    machine_translated: Option<bool>,
    draft: Option<bool>,
    slug: Option<Text>,
    aliases: Option<List>,
    updated: Option<Text>,
    extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawCover {
    src: Option<Text>,
    alt: Option<Text>,
    credit: Option<Text>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Option<Text>,
    url: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Cover {
    pub src: Option<String>,
    pub alt: Option<String>,
    pub credit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub name: Option<String>,
    pub url: Option<String>,
}

/// Typed front matter of one file, before inheritance from its translations. Kept between
/// builds in the cache of parsed sources (`cache::Sources`).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub title: Option<String>,
    pub date: Option<PageDate>,
    pub updated: Option<PageDate>,
    pub summary: Option<String>,
    pub location: Option<String>,
    pub event: Option<String>,
    /// Taxonomy name → terms as written.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub cover: Option<Cover>,
    pub source: Option<Source>,
    pub machine_translated: bool,
    pub draft: bool,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    #[serde(with = "json_text")]
    pub extra: serde_json::Value,
    /// Line (in the `.md` file) of each top-level key, for later diagnostics.
    pub key_lines: BTreeMap<String, usize>,
}

impl Meta {
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
}

/// Parses the YAML part of a split file. All problems found are returned.
pub fn parse(
    split: &Split,
    path: &Path,
    taxonomies: &[String],
    tz: &jiff::tz::TimeZone,
) -> Result<Meta, Vec<Diagnostic>> {
    let first = split.yaml_line;
    let value = if split.yaml.trim().is_empty() {
        serde_yaml::Value::Null
    } else {
        yaml::parse_value(split.yaml, path, first).map_err(|d| vec![d])?
    };
    let mut diags = Vec::new();
    let mut key_lines = BTreeMap::new();
    let mut taxo: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mapping = match value {
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        serde_yaml::Value::Mapping(m) => m,
        _ => {
            return Err(vec![
                Diagnostic::error(
                    path,
                    first,
                    1,
                    "front matter must be a list of `key: value` lines",
                )
                .with_hint("for example `title: \"…\"` on its own line"),
            ]);
        }
    };
    let mut allowed: Vec<&str> = FIELDS.to_vec();
    allowed.extend(taxonomies.iter().map(String::as_str));
    for (k, v) in &mapping {
        let Some(key) = k.as_str() else {
            diags.push(Diagnostic::error(
                path,
                first,
                1,
                "front-matter keys must be words",
            ));
            continue;
        };
        let line = yaml::key_position(split.yaml, key).map_or(first, |(l, _)| l + first - 1);
        key_lines.insert(key.to_string(), line);
        if !allowed.contains(&key) {
            let mut d =
                Diagnostic::error(path, line, 1, format!("unknown front-matter key `{key}`"));
            d = d.with_hint(match did_you_mean(key, allowed.iter().copied()) {
                Some(h) => format!("{h} (custom data goes under `extra:`)"),
                None => "custom data goes under `extra:`".to_string(),
            });
            diags.push(d);
        } else if key != "tags" && taxonomies.iter().any(|t| t == key) {
            match serde_yaml::from_value::<List>(v.clone()) {
                Ok(l) => {
                    taxo.insert(key.to_string(), l.0);
                }
                Err(_) => diags.push(
                    Diagnostic::error(path, line, 1, format!("`{key}` must be a list of terms"))
                        .with_hint("for example `[one, two]`"),
                ),
            }
        }
    }
    // One parse of the YAML: each field is converted from the parsed value.
    let raw = {
        let line = |k: &str| key_lines.get(k).copied().unwrap_or(first);
        let mut errors = Vec::new();
        let get = |key: &str| -> Option<&serde_yaml::Value> {
            match mapping.get(key) {
                None | Some(serde_yaml::Value::Null) => None,
                Some(v) => Some(v),
            }
        };
        macro_rules! field {
            ($key:literal, $t:ty) => {
                match get($key) {
                    None => None,
                    Some(v) => match yaml::from_value::<$t>(v, path, line($key), $key) {
                        Ok(x) => Some(x),
                        Err(d) => {
                            errors.push(d);
                            None
                        }
                    },
                }
            };
        }
        let raw = RawMeta {
            title: field!("title", Text),
            date: field!("date", Text),
            summary: field!("summary", Text),
            location: field!("location", Text),
            event: field!("event", Text),
            tags: field!("tags", List),
            cover: field!("cover", RawCover),
            source: field!("source", RawSource),
            machine_translated: field!("machine_translated", bool),
            draft: field!("draft", bool),
            slug: field!("slug", Text),
            aliases: field!("aliases", List),
            updated: field!("updated", Text),
            extra: field!("extra", serde_json::Value),
        };
        if !errors.is_empty() {
            diags.extend(errors);
            return Err(diags);
        }
        raw
    };
    let line = |k: &str| key_lines.get(k).copied().unwrap_or(first);
    let date_of = |key: &str, v: Option<Text>, diags: &mut Vec<Diagnostic>| -> Option<PageDate> {
        let s = v?.0;
        match PageDate::parse(&s, tz) {
            Ok(d) => Some(d),
            Err(reason) => {
                diags.push(
                    Diagnostic::error(
                        path,
                        line(key),
                        1,
                        format!("`{key}: {s}` is not a valid date ({reason})"),
                    )
                    .with_hint(
                        "write YYYY-MM-DD or an RFC 3339 time such as 2025-04-28T11:00:00+05:00",
                    ),
                );
                None
            }
        }
    };
    let date = date_of("date", raw.date, &mut diags);
    let updated = date_of("updated", raw.updated, &mut diags);
    let title = raw.title.map(|t| t.0.trim().to_string());
    if title.as_deref().is_none_or(str::is_empty) {
        diags.push(
            Diagnostic::error(
                path,
                if key_lines.contains_key("title") {
                    line("title")
                } else {
                    first.saturating_sub(1)
                },
                1,
                "missing `title`",
            )
            .with_hint("every page needs `title: \"…\"` in its front matter"),
        );
    }
    if let Some(tags) = raw.tags {
        taxo.insert("tags".into(), tags.0);
    }
    for (k, terms) in &taxo {
        for t in terms {
            if t.trim().is_empty() {
                diags.push(Diagnostic::error(
                    path,
                    line(k),
                    1,
                    format!("an empty term in `{k}`"),
                ));
            }
        }
    }
    let non_empty = |t: Option<Text>| t.map(|t| t.0).filter(|s| !s.trim().is_empty());
    if let Some(url) = raw
        .source
        .as_ref()
        .and_then(|s| s.url.as_ref())
        .map(|u| u.0.trim())
        && !url.is_empty()
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        diags.push(
            Diagnostic::error(
                path,
                line("source"),
                1,
                format!("`source.url: {url}` must be an http(s) address"),
            )
            .with_hint("for example `https://example.org/news/1`"),
        );
    }
    let meta = Meta {
        title,
        date,
        updated,
        summary: non_empty(raw.summary),
        location: non_empty(raw.location),
        event: non_empty(raw.event),
        taxonomies: taxo,
        cover: raw.cover.map(|c| Cover {
            src: non_empty(c.src),
            alt: non_empty(c.alt),
            credit: non_empty(c.credit),
        }),
        source: raw.source.map(|s| Source {
            name: non_empty(s.name),
            url: non_empty(s.url),
        }),
        machine_translated: raw.machine_translated.unwrap_or(false),
        draft: raw.draft.unwrap_or(false),
        slug: non_empty(raw.slug),
        aliases: raw.aliases.map(|a| a.0).unwrap_or_default(),
        extra: raw.extra.unwrap_or(serde_json::Value::Null),
        key_lines,
    };
    if diags.is_empty() {
        Ok(meta)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::UTC
    }

    #[test]
    fn split_counts_lines() {
        let s = split("---\ntitle: x\n---\nbody\n", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn split_requires_opening_and_closing() {
        assert!(split("title: x\n", Path::new("a.md")).is_err());
        assert!(split("---\ntitle: x\n", Path::new("a.md")).is_err());
    }

    #[test]
    fn dates() {
        let d = PageDate::parse("2025-04-28T11:00:00+05:00", &utc()).unwrap();
        assert_eq!((d.year, d.month, d.day), (2025, 4, 28));
        assert_eq!(d.rfc3339, "2025-04-28T11:00:00+05:00");
        assert!(PageDate::parse("2025-02-30", &utc()).is_err());
        assert_eq!(
            PageDate::parse("2025-02-03", &utc()).unwrap().rfc3339,
            "2025-02-03T00:00:00+00:00"
        );
    }

    #[test]
    fn unknown_key_has_line_and_hint() {
        let text = "---\ntitle: x\ntgas: [a]\n---\n";
        let s = split(text, Path::new("a.md")).unwrap();
        let e = parse(&s, Path::new("a.md"), &["tags".into()], &utc()).unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(
            e[0].hint.as_deref().unwrap().contains("`tags`"),
            "{:?}",
            e[0]
        );
    }

    #[test]
    fn yaml_error_line_is_in_file_coordinates() {
        let text = "---\ntitle: x\ndate: [\n---\n";
        let s = split(text, Path::new("a.md")).unwrap();
        let e = parse(&s, Path::new("a.md"), &[], &utc()).unwrap_err();
        assert!(e[0].line >= 3, "{:?}", e[0]);
    }
}

/// `extra` as JSON text in the cache: its compact binary format cannot hold a free-form value.
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &serde_json::Value, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}
