//! The one place that talks to the YAML parser: errors become [`Diagnostic`]s in file coordinates.

use crate::diag::{Diagnostic, did_you_mean};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Parses `text` (which starts at line `first_line` of `path`) into `T`.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    serde_yaml::from_str::<T>(text)
        .map_err(|e| to_diagnostic(&e, text, path, first_line, known_keys))
}

/// Converts one value already parsed (a front-matter field) into `T`; errors are placed at
/// `line`, the line of the field's key.
pub fn from_value<T: DeserializeOwned>(
    value: &serde_yaml::Value,
    path: &Path,
    line: usize,
    key: &str,
) -> Result<T, Diagnostic> {
    serde_yaml::from_value::<T>(value.clone()).map_err(|e| {
        let mut d = to_diagnostic(&e, "", path, 1, &[]);
        d.line = line;
        d.col = 1;
        if !d.message.contains('`') {
            d.message = format!("`{key}`: {}", d.message);
        }
        d
    })
}

/// Parses into a generic value (used to look at keys before typed parsing).
pub fn parse_value(
    text: &str,
    path: &Path,
    first_line: usize,
) -> Result<serde_yaml::Value, Diagnostic> {
    serde_yaml::from_str::<serde_yaml::Value>(text)
        .map_err(|e| to_diagnostic(&e, text, path, first_line, &[]))
}

fn to_diagnostic(
    e: &serde_yaml::Error,
    text: &str,
    path: &Path,
    first_line: usize,
    known: &[&str],
) -> Diagnostic {
    let full = e.to_string();
    // The parser appends " at line L column C"; we print positions ourselves.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let message = message.trim_start_matches(": ").to_string();
    let (mut line, mut col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let mut hint = None;
    let mut msg = message.clone();
    if let Some(field) = between(&message, "unknown field `", "`") {
        msg = format!("unknown key `{field}`");
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map(|rest| rest.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let candidates: Vec<&str> = if expected.is_empty() {
            known.to_vec()
        } else {
            expected
        };
        hint = did_you_mean(field, candidates.iter().copied()).or_else(|| {
            (!candidates.is_empty()).then(|| format!("allowed keys: {}", candidates.join(", ")))
        });
        if e.location().is_none()
            && let Some((l, c)) = key_position(text, field)
        {
            line = l;
            col = c;
        }
    } else if message.starts_with("duplicate entry") {
        msg = message.replace("duplicate entry with key", "duplicate key");
        hint = Some("each key may appear once; remove or merge the repeated one".into());
    } else if message.contains("recursion limit exceeded")
        || message.contains("repetition limit exceeded")
    {
        msg = "the YAML is nested too deeply or repeats an alias too often".into();
    }
    if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("found character that cannot start")
    {
        hint = Some("check the quotes and the indentation; a value with `:` or `\"` inside can be written in single quotes: title: 'Форум \"Диалог\"'".into());
    }
    if message.contains("invalid type") {
        hint = Some(type_hint(&message));
    }
    let mut d = Diagnostic::error(path, line + first_line - 1, col, msg);
    if let Some(h) = hint {
        d = d.with_hint(h);
    }
    d
}

fn type_hint(message: &str) -> String {
    if message.contains("expected a sequence") {
        "write a list, for example `[one, two]`".into()
    } else if message.contains("expected a boolean") {
        "write `true` or `false`".into()
    } else if message.contains("expected a string") {
        "write text; put it in quotes if it contains `:` or starts with a special character".into()
    } else {
        "check the value's type".into()
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// 1-based position of a top-level `key:` in a YAML text, if written as a plain key.
pub fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        for candidate in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
            if let Some(rest) = t.strip_prefix(candidate.as_str())
                && rest.trim_start().starts_with(':')
            {
                return Some((i + 1, 1));
            }
        }
    }
    None
}
