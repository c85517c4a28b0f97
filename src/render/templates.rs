//! The theme's Tera templates, parsed once. The only module that knows about `tera`.
//!
//! Functions for templates: `t(key=…, …)` (a Fluent message in the page's language, with
//! arguments), `asset(path=…)` (URL of a fingerprinted theme file), `url(path=…)`.

use super::context::{Ctx, SiteCtx};
use crate::diag::{Diagnostic, rel};
use crate::i18n::{Arg, I18n};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::{Kwargs, State, Tera};

pub struct Templates {
    tera: Tera,
    /// Template name → file, relative to the site root.
    files: HashMap<String, PathBuf>,
}

fn template_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file()
            && let Ok(r) = e.path().strip_prefix(dir)
            && let Some(name) = r.to_str()
            && !name.split('/').any(|s| s.starts_with('.'))
        {
            out.push((name.replace('\\', "/"), e.path().to_path_buf()));
        }
    }
    out
}

/// Converts a Tera error into a diagnostic at the template's file, line and column.
fn to_diag(e: &tera::Error, files: &HashMap<String, PathBuf>, fallback: &Path) -> Vec<Diagnostic> {
    use std::error::Error as _;
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| fallback.to_path_buf())
    };
    let d = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let mut msg = r.message().to_string();
            let mut src = e.source();
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            let name = if r.filename().is_empty() {
                fallback.to_string_lossy().to_string()
            } else {
                r.filename().to_string()
            };
            Diagnostic::error(
                file_of(&name),
                span.start_line,
                span.start_col + 1,
                format!("template error: {msg}"),
            )
        }
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::error(
            file_of(tpl),
            1,
            1,
            format!(
                "template `{tpl}` extends itself through {}",
                inheritance_chain.join(" → ")
            ),
        ),
        tera::ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
            file_of(tpl),
            1,
            1,
            format!(
                "template `{tpl}` includes itself through {}",
                include_chain.join(" → ")
            ),
        ),
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            file_of(current),
            1,
            1,
            format!("template `{current}` extends `{parent}`, which does not exist"),
        ),
        other => {
            // Several problems found while checking templates come as one text of reports:
            // `error: message` followed by ` --> name:line:col`.
            let text = other.to_string();
            let mut found = Vec::new();
            let mut message = String::new();
            for line in text.lines() {
                if let Some(m) = line.strip_prefix("error: ") {
                    message = m.to_string();
                } else if let Some(loc) = line.trim_start().strip_prefix("--> ") {
                    let mut parts = loc.rsplitn(3, ':');
                    let col = parts.next().and_then(|c| c.parse::<usize>().ok());
                    let line_no = parts.next().and_then(|c| c.parse::<usize>().ok());
                    if let (Some(c), Some(l), Some(name)) = (col, line_no, parts.next()) {
                        found.push(Diagnostic::error(
                            file_of(name),
                            l,
                            c,
                            format!("template error: {message}"),
                        ));
                    }
                }
            }
            if found.is_empty() {
                found.push(Diagnostic::error(
                    fallback,
                    1,
                    1,
                    format!("template error: {text}"),
                ));
            }
            return found;
        }
    };
    vec![d]
}

/// A report card (`SummaryCtx`) as a template value, made the first time a list shows it;
/// later lists share it (a value's maps and strings are reference-counted).
#[derive(Default)]
pub struct Card(std::sync::OnceLock<tera::Value>);

impl Clone for Card {
    /// A copy of a card is a new card: it is made again from its own fields when shown.
    fn clone(&self) -> Card {
        Card::default()
    }
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Card")
    }
}

thread_local! {
    /// While a context is made into values: the cards of its lists, in order, when shared.
    static CARDS: std::cell::RefCell<Option<Vec<tera::Value>>> = const { std::cell::RefCell::new(None) };
}

/// Whether the cards of the context being made are shared (see [`share_card`]).
pub(super) fn cards_shared() -> bool {
    CARDS.with_borrow(Option::is_some)
}

/// Sets a card aside for the context being made and gives its number, which the context holds
/// in its place until [`context_of`] puts the card there.
pub(super) fn share_card(s: &super::context::SummaryCtx) -> usize {
    let value = s
        .card
        .0
        .get_or_init(|| tera::Value::from_serializable(s))
        .clone();
    CARDS.with_borrow_mut(|c| {
        let cards = c.get_or_insert_with(Vec::new);
        cards.push(value);
        cards.len() - 1
    })
}

/// A page's context as template values, with the cards of its lists shared.
fn context_of(ctx: &Ctx) -> tera::TeraResult<tera::Context> {
    CARDS.set(Some(Vec::new()));
    let made = tera::Context::from_serialize(ctx);
    let cards = CARDS.take().unwrap_or_default();
    let mut context = made?;
    if cards.is_empty() {
        return Ok(context);
    }
    // Cards sit in `list.items` and in `archive.months[].items`.
    if let Some(list) = context.remove("list") {
        context.insert_value("list", with_cards(list, &cards));
    }
    if let Some(archive) = context.remove("archive") {
        let archive = map_field(archive, "months", |months| {
            let months: Vec<tera::Value> = months
                .as_array()
                .unwrap_or_default()
                .iter()
                .map(|m| with_cards(m.clone(), &cards))
                .collect();
            tera::Value::from(months)
        });
        context.insert_value("archive", archive);
    }
    Ok(context)
}

/// A map value with one field changed by `f` (anything else is given back as it is).
fn map_field(
    v: tera::Value,
    field: &'static str,
    f: impl FnOnce(tera::Value) -> tera::Value,
) -> tera::Value {
    if !v.is_map() {
        return v;
    }
    let Some(mut map) = v.into_map() else {
        return tera::Value::none();
    };
    let key = tera::value::Key::from(field);
    if let Some(old) = map.remove(&key) {
        map.insert(key, f(old));
    }
    tera::Value::from(map)
}

/// A map value whose `items` are card numbers, with the cards in their place.
fn with_cards(v: tera::Value, cards: &[tera::Value]) -> tera::Value {
    map_field(v, "items", |items| {
        let items: Vec<tera::Value> = items
            .as_array()
            .unwrap_or_default()
            .iter()
            .map(|i| {
                i.as_u64()
                    .and_then(|n| cards.get(n as usize))
                    .cloned()
                    .unwrap_or_else(tera::Value::none)
            })
            .collect();
        tera::Value::from(items)
    })
}

/// Tera's escaping, with the same output (`& < > " '`), writing the text between two
/// escaped characters in one piece rather than byte by byte.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(rep)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// The arguments of `t()` besides `key` and `lang`, borrowed from the call.
fn kwargs_to_args(kwargs: &Kwargs) -> Vec<(&str, Arg)> {
    let mut v = Vec::new();
    for (k, val) in kwargs.iter() {
        let Some(key) = k.as_str() else { continue };
        if key == "key" || key == "lang" {
            continue;
        }
        let arg = if let Some(n) = val.as_number() {
            Arg::Num(n.as_float())
        } else if let Some(s) = val.as_str() {
            Arg::Str(s.to_string())
        } else {
            Arg::Str(val.to_string())
        };
        v.push((key, arg));
    }
    v
}

impl Templates {
    /// Parses every file under `themes/<theme>/templates/`.
    pub fn load(
        root: &Path,
        dir: &Path,
        i18n: Arc<I18n>,
        assets: Arc<BTreeMap<String, String>>,
        site: &SiteCtx,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_html);
        let mut files = HashMap::new();
        let mut sources = Vec::new();
        let mut diags = Vec::new();
        for (name, path) in template_files(dir) {
            match std::fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    files.insert(name.clone(), rel(root, &path));
                    sources.push((name, crate::frontmatter::normalize_newlines(&text)));
                }
                _ => diags.push(Diagnostic::error(
                    rel(root, &path),
                    1,
                    1,
                    "cannot read this template as UTF-8 text",
                )),
            }
        }
        let i = i18n.clone();
        tera.register_function(
            "t",
            move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
                let key: Cow<str> = kwargs.must_get("key")?;
                let page_lang;
                let lang: Cow<str> = match kwargs.get::<Cow<str>>("lang")? {
                    Some(l) => l,
                    None => {
                        page_lang = state.get::<tera::Value>("lang")?;
                        match &page_lang {
                            None => Cow::Borrowed(""),
                            Some(v) => v
                                .as_str()
                                .map_or_else(|| Cow::Owned(v.to_string()), Cow::Borrowed),
                        }
                    }
                };
                let args = kwargs_to_args(&kwargs);
                i.format(&lang, &key, &args).ok_or_else(|| {
                    tera::Error::message(format!("no language has the message `{key}`"))
                })
            },
        );
        let a = assets.clone();
        let base = site.base_path.clone();
        tera.register_function(
            "asset",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: Cow<str> = kwargs.must_get("path")?;
                match a.get(path.trim_start_matches('/')) {
                    Some(url) => Ok(format!("{base}{url}")),
                    None => Err(tera::Error::message(format!(
                        "no file `{path}` in the theme's static/ folder"
                    ))),
                }
            },
        );
        let base = site.base_path.clone();
        tera.register_function(
            "url",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: Cow<str> = kwargs.must_get("path")?;
                Ok(format!("{base}{}", path.trim_start_matches('/')))
            },
        );
        // Parse one by one first, so that every broken template is reported.
        for (name, text) in &sources {
            let mut probe = Tera::new();
            probe.register_from(&tera);
            if let Err(e) = probe.add_raw_template(name, text)
                && !matches!(
                    e.kind(),
                    tera::ErrorKind::MissingParent { .. } | tera::ErrorKind::TemplateNotFound(_)
                )
            {
                diags.extend(to_diag(&e, &files, &rel(root, &dir.join(name))));
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let fallback = rel(root, dir);
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            return Err(to_diag(&e, &files, &fallback));
        }
        tera.global_context().insert("site", site);
        Ok(Templates { tera, files })
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    pub fn render(&self, name: &str, ctx: &Ctx) -> Result<Vec<u8>, Diagnostic> {
        let fallback = self
            .files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name));
        let first = |e: tera::Error| {
            to_diag(&e, &self.files, &fallback)
                .into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::error(&fallback, 1, 1, "template error"))
        };
        let context = context_of(ctx).map_err(first)?;
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(name, &context, &mut out)
            .map_err(first)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping_is_teras() {
        for s in [
            "",
            "plain",
            "a & b < c > d \"e\" 'f'",
            "&&",
            "«ёлка» — 'x'<",
            "<",
        ] {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            super::escape_html(s, &mut ours).unwrap();
            tera::escape_html(s, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "{s}");
        }
    }
}
