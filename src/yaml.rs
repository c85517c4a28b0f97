//! The one place that talks to the YAML parser: errors become [`Diagnostic`]s in file coordinates.

use crate::diag::{Diagnostic, did_you_mean};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Deepest `[`/`{` nesting accepted. The YAML scanner spends time proportional to the
/// nesting depth on every token, so `[[[[…` a few thousand deep took seconds and 100,000 deep
/// minutes; the parser refuses more than 128 levels of any kind anyway.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Parses `text` (which starts at line `first_line` of `path`) into `T`.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    check_flow_depth(text, path, first_line)?;
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
    check_flow_depth(text, path, first_line)?;
    serde_yaml::from_str::<serde_yaml::Value>(text)
        .map_err(|e| to_diagnostic(&e, text, path, first_line, &[]))
}

fn check_flow_depth(text: &str, path: &Path, first_line: usize) -> Result<(), Diagnostic> {
    match flow_depth_exceeded(text, MAX_FLOW_DEPTH) {
        None => Ok(()),
        Some(offset) => {
            let (l, c) = crate::diag::line_col(text, offset);
            Err(Diagnostic::error(
                path,
                l + first_line - 1,
                c,
                format!("the YAML nests `[` and `{{` more than {MAX_FLOW_DEPTH} levels deep"),
            )
            .with_hint("write nested lists and maps one item per line, indented"))
        }
    }
}

/// Byte offset of the first `[` or `{` that opens a flow collection deeper than `limit`, as a
/// YAML scanner would see it. The model errs on the side of counting: a quote starts only
/// where a scalar may start, and a quoted text is taken to end at the end of its line, so
/// brackets inside a multi-line quoted text may be counted, but no real bracket is missed.
pub fn flow_depth_exceeded(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    // Where a token may start: the next quote opens a quoted scalar.
    let mut token_start = true;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    let mut prev = '\n';
    for (i, c) in text.char_indices() {
        if c == '\n' {
            quote = None;
            comment = false;
            escaped = false;
            // In block context a line starts a token; inside brackets a line break is a space.
            if depth == 0 {
                token_start = true;
            }
            prev = c;
            continue;
        }
        if comment {
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
                token_start = false;
            }
            prev = c;
            continue;
        }
        match c {
            '#' if prev.is_whitespace() => comment = true,
            '"' | '\'' if token_start => quote = Some(c),
            '[' | '{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
                token_start = true;
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                token_start = false;
            }
            ',' => token_start = true,
            // `- `, `? `, `: ` are indicators; `-` or `:` inside a word (`2025-04-28`) is not.
            ':' | '-' | '?' => {
                token_start = matches!(
                    text.as_bytes().get(i + 1),
                    None | Some(b' ' | b'\t' | b'\n' | b'\r')
                )
            }
            c if c.is_whitespace() => {}
            _ => token_start = false,
        }
        prev = c;
    }
    None
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
    // The key as written: bare, or in double or single quotes.
    let written = |t: &str| -> Option<usize> {
        if let Some(rest) = t.strip_prefix(key) {
            return Some(t.len() - rest.len());
        }
        for q in ['"', '\''] {
            if let Some(rest) = t
                .strip_prefix(q)
                .and_then(|r| r.strip_prefix(key))
                .and_then(|r| r.strip_prefix(q))
            {
                return Some(t.len() - rest.len());
            }
        }
        None
    };
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        if let Some(end) = written(t)
            && t[end..].trim_start().starts_with(':')
        {
            return Some((i + 1, 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_depth() {
        let deep = format!("x: {}", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert_eq!(
            flow_depth_exceeded(&deep, MAX_FLOW_DEPTH),
            Some(3 + MAX_FLOW_DEPTH)
        );
        let ok = format!("x: {}", "[".repeat(MAX_FLOW_DEPTH));
        assert_eq!(flow_depth_exceeded(&ok, MAX_FLOW_DEPTH), None);
        // Brackets in quoted text and comments do not count; apostrophes in words do not quote.
        let quoted = format!(
            "t: \"{}\"\nu: '{}'\n# {}\n",
            "[".repeat(99),
            "{".repeat(99),
            "[".repeat(99)
        );
        assert_eq!(flow_depth_exceeded(&quoted, MAX_FLOW_DEPTH), None);
        let word = format!("t: don't\nx: {}", "{a: ".repeat(MAX_FLOW_DEPTH + 1));
        assert!(flow_depth_exceeded(&word, MAX_FLOW_DEPTH).is_some());
        // A quote that is not where a scalar starts hides nothing.
        let hidden = format!("x: [a \"b, {}", "{".repeat(MAX_FLOW_DEPTH + 1));
        assert!(flow_depth_exceeded(&hidden, MAX_FLOW_DEPTH).is_some());
        let dash = format!("x: [a-\"b, {}", "{".repeat(MAX_FLOW_DEPTH + 1));
        assert!(flow_depth_exceeded(&dash, MAX_FLOW_DEPTH).is_some());
        let closes = format!("x: [\"]]]]\", {}", "[".repeat(MAX_FLOW_DEPTH));
        assert!(flow_depth_exceeded(&closes, MAX_FLOW_DEPTH).is_some());
    }
}
