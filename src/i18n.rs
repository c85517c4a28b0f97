//! Interface text through Fluent: the theme's bundles under the site's, a fallback chain per
//! language, plurals, and numbers and dates formatted by ICU4X inside messages.
//!
//! The only module that knows about `fluent`.

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, line_col, rel};
use crate::format::Formats;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumber;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use intl_memoizer::Memoizable;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unic_langid::LanguageIdentifier;

type Bundle = FluentBundle<FluentResource>;

/// An argument for a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Str(String),
    Num(f64),
}

/// Where a message was defined: for diagnostics and `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSource {
    pub path: PathBuf,
    pub line: usize,
}

pub struct I18n {
    bundles: BTreeMap<String, Bundle>,
    chains: BTreeMap<String, Vec<String>>,
    /// language → message id → where it is defined (the winning definition).
    pub messages: BTreeMap<String, BTreeMap<String, MessageSource>>,
    /// Messages already formatted without arguments, by language and id: the interface text
    /// that every page repeats is formatted once.
    plain: std::sync::RwLock<HashMap<String, HashMap<String, Option<String>>>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("languages", &self.bundles.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// ICU's decimal formatter, memoized per bundle language by Fluent's intl memoizer.
struct IcuNumber(icu_decimal::DecimalFormatter);

impl Memoizable for IcuNumber {
    type Args = ();
    type Error = ();
    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, ()> {
        let locale: icu_locale::Locale = lang.to_string().parse().map_err(|_| ())?;
        icu_decimal::DecimalFormatter::try_new((&locale).into(), Default::default())
            .map(IcuNumber)
            .map_err(|_| ())
    }
}

/// Fluent's own number formatting ignores the locale; this one uses CLDR's.
fn format_number(
    value: &FluentValue,
    intls: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    let digits = n.options.minimum_fraction_digits.unwrap_or(0);
    let text = if n.value.fract() == 0.0 && digits == 0 {
        format!("{}", n.value as i64)
    } else {
        format!(
            "{:.*}",
            digits.max(if n.value.fract() == 0.0 { 0 } else { 1 }),
            n.value
        )
    };
    let dec: icu_decimal::input::Decimal = text.parse().ok()?;
    intls
        .with_try_get::<IcuNumber, _, _>((), |f| f.0.format(&dec).to_string())
        .ok()
}

fn ftl_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl") && p.is_file())
        .collect();
    v.sort();
    v
}

/// A bundle for one language with dastan's settings: no bidi isolation marks, CLDR number
/// formatting, and the `DATE` and `NUMBER` functions.
fn new_bundle(lang: &str, formats: Arc<Formats>) -> Bundle {
    let langid: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![langid]);
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(format_number));
    let l = lang.to_string();
    let _ = bundle.add_function("DATE", move |pos, _named| match pos.first() {
        Some(FluentValue::String(s)) => {
            match crate::frontmatter::PageDate::parse(s, &jiff::tz::TimeZone::UTC) {
                Ok(d) => FluentValue::String(formats.long_date(&l, d.year, d.month, d.day).into()),
                Err(_) => FluentValue::String(s.clone()),
            }
        }
        Some(other) => other.clone(),
        None => FluentValue::Error,
    });
    let _ = bundle.add_function("NUMBER", |pos, _named| match pos.first() {
        Some(FluentValue::Number(n)) => FluentValue::Number(n.clone()),
        Some(FluentValue::String(s)) => FluentValue::try_number(s).into_owned_number(),
        _ => FluentValue::Error,
    });
    bundle
}

/// Parses one Fluent text and formats every message in it, as a build would (for fuzzing).
pub fn format_all(lang: &str, ftl: &str, args: &[(&str, Arg)]) -> usize {
    let formats = Arc::new(Formats::new([lang]));
    let mut bundle = new_bundle(lang, formats);
    let res = match FluentResource::try_new(ftl.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let ids: Vec<String> = res
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    bundle.add_resource_overriding(res);
    let i18n = I18n {
        bundles: [(lang.to_string(), bundle)].into_iter().collect(),
        chains: BTreeMap::new(),
        messages: BTreeMap::new(),
        plain: Default::default(),
    };
    ids.iter()
        .filter_map(|id| i18n.format(lang, id, args))
        .map(|s| s.len())
        .sum()
}

/// Loads the theme's and then the site's `.ftl` files for every language of the site.
pub fn load(cfg: &SiteConfig, formats: Arc<Formats>) -> (I18n, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut bundles = BTreeMap::new();
    let mut messages: BTreeMap<String, BTreeMap<String, MessageSource>> = BTreeMap::new();
    for lang in &cfg.languages {
        let mut bundle = new_bundle(lang, formats.clone());
        let lang_msgs = messages.entry(lang.clone()).or_default();
        let dirs = [
            cfg.theme_dir().join("i18n").join(lang),
            cfg.root.join("i18n").join(lang),
        ];
        for (layer, dir) in dirs.iter().enumerate() {
            for file in ftl_files(dir) {
                let shown = rel(&cfg.root, &file);
                let text = match std::fs::read(&file).map(String::from_utf8) {
                    Ok(Ok(t)) => t,
                    _ => {
                        diags.push(Diagnostic::error(
                            &shown,
                            1,
                            1,
                            "cannot read this Fluent file as UTF-8 text",
                        ));
                        continue;
                    }
                };
                let text =
                    crate::frontmatter::normalize_newlines(text.trim_start_matches('\u{feff}'));
                let (res, errors) = match FluentResource::try_new(text.clone()) {
                    Ok(r) => (r, Vec::new()),
                    Err((r, e)) => (r, e),
                };
                for e in &errors {
                    let (l, c) = line_col(&text, e.pos.start);
                    diags.push(
                        Diagnostic::error(&shown, l, c, format!("Fluent syntax error: {}", e.kind))
                            .with_hint("a message is `id = text`; continuation lines are indented"),
                    );
                }
                for entry in res.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        let offset = text
                            .find(&format!("{} =", m.id.name))
                            .or_else(|| text.find(m.id.name));
                        let line = offset.map_or(1, |o| line_col(&text, o).0);
                        lang_msgs.insert(
                            m.id.name.to_string(),
                            MessageSource {
                                path: shown.clone(),
                                line,
                            },
                        );
                    }
                }
                if layer == 0 {
                    if let Err(errs) = bundle.add_resource(res) {
                        for e in errs {
                            diags.push(Diagnostic::warning(&shown, 1, 1, format!("{e}")));
                        }
                    }
                } else {
                    bundle.add_resource_overriding(res);
                }
            }
        }
        bundles.insert(lang.clone(), bundle);
    }
    let chains = cfg
        .languages
        .iter()
        .map(|l| {
            (
                l.clone(),
                cfg.chain(l).iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    let i18n = I18n {
        bundles,
        chains,
        messages,
        plain: Default::default(),
    };
    // A message missing in one language falls back; say so once, here.
    let all: BTreeSet<&String> = i18n.messages.values().flat_map(|m| m.keys()).collect();
    for lang in &cfg.languages {
        for id in &all {
            if i18n.messages.get(lang).is_some_and(|m| m.contains_key(*id)) {
                continue;
            }
            let used = i18n
                .chain(lang)
                .into_iter()
                .skip(1)
                .find(|l| i18n.messages.get(*l).is_some_and(|m| m.contains_key(*id)));
            let dir = PathBuf::from("i18n").join(lang);
            diags.push(
                Diagnostic::warning(
                    &dir,
                    1,
                    1,
                    match used {
                        Some(u) => {
                            format!("message `{id}` is missing in `{lang}`; the `{u}` text is used")
                        }
                        None => {
                            format!("message `{id}` is missing in `{lang}` and in its fallbacks")
                        }
                    },
                )
                .with_hint(format!("add `{id} = …` to a file in i18n/{lang}/")),
            );
        }
    }
    (i18n, diags)
}

trait IntoOwnedNumber {
    fn into_owned_number(self) -> FluentValue<'static>;
}
impl IntoOwnedNumber for FluentValue<'_> {
    fn into_owned_number(self) -> FluentValue<'static> {
        match self {
            FluentValue::Number(n) => FluentValue::Number(n),
            FluentValue::String(s) => FluentValue::String(s.into_owned().into()),
            _ => FluentValue::Error,
        }
    }
}

impl I18n {
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.bundles.keys().map(String::as_str)
    }

    /// `lang` first, then its fallbacks.
    pub fn chain<'a>(&'a self, lang: &'a str) -> Vec<&'a str> {
        let mut v = vec![lang];
        if let Some(c) = self.chains.get(lang) {
            v.extend(c.iter().map(String::as_str));
        }
        v
    }

    pub fn has(&self, lang: &str, id: &str) -> bool {
        let (msg, _) = split_id(id);
        self.bundles.get(lang).is_some_and(|b| b.has_message(msg))
    }

    /// Formats message `id` (or `id.attribute`) in `lang`, walking the fallback chain.
    /// Returns `None` when no language of the chain has it.
    pub fn format(&self, lang: &str, id: &str, args: &[(&str, Arg)]) -> Option<String> {
        if !args.is_empty() {
            return self.format_now(lang, id, args);
        }
        let cached = self
            .plain
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(lang)
            .and_then(|m| m.get(id))
            .cloned();
        if let Some(done) = cached {
            return done;
        }
        let done = self.format_now(lang, id, args);
        self.plain
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(lang.to_string())
            .or_default()
            .insert(id.to_string(), done.clone());
        done
    }

    fn format_now(&self, lang: &str, id: &str, args: &[(&str, Arg)]) -> Option<String> {
        let (msg_id, attr) = split_id(id);
        let fargs = if args.is_empty() {
            None
        } else {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                match v {
                    Arg::Str(s) => a.set(k.to_string(), FluentValue::String(s.clone().into())),
                    Arg::Num(n) => a.set(
                        k.to_string(),
                        FluentValue::Number(FluentNumber::new(*n, Default::default())),
                    ),
                }
            }
            Some(a)
        };
        for l in self.chain(lang) {
            let Some(bundle) = self.bundles.get(l) else {
                continue;
            };
            let Some(message) = bundle.get_message(msg_id) else {
                continue;
            };
            let pattern = match attr {
                Some(a) => message.get_attribute(a).map(|at| at.value()),
                None => message.value(),
            };
            let Some(pattern) = pattern else { continue };
            let mut errors = Vec::new();
            let s = bundle.format_pattern(pattern, fargs.as_ref(), &mut errors);
            return Some(s.into_owned());
        }
        None
    }
}

fn split_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once('.') {
        Some((m, a)) => (m, Some(a)),
        None => (id, None),
    }
}

/// What `dastan check` finds in the Fluent files of a site (syntax errors and missing
/// messages are reported by [`load`] already):
/// - messages whose variables differ from the default language's;
/// - plural selections that lack a category the language needs (Russian one, few, many);
/// - messages the templates use that no language has (errors);
/// - messages that nothing uses (warnings; `tag-*`, `taxonomy-*` and the like are used
///   through their keys and never reported).
pub fn lint(
    cfg: &SiteConfig,
    used: &BTreeSet<String>,
    dynamic_prefixes: &[&str],
) -> Vec<Diagnostic> {
    use fluent_syntax::ast;
    let mut diags = Vec::new();
    // language → id → (variables, plural keys, file, line)
    type Info = (
        BTreeSet<String>,
        Vec<(BTreeSet<String>, bool)>,
        PathBuf,
        usize,
    );
    let mut per_lang: BTreeMap<String, BTreeMap<String, Info>> = BTreeMap::new();

    fn walk_pattern(
        p: &ast::Pattern<&str>,
        vars: &mut BTreeSet<String>,
        selects: &mut Vec<(BTreeSet<String>, bool)>,
    ) {
        for el in &p.elements {
            if let ast::PatternElement::Placeable { expression } = el {
                walk_expr(expression, vars, selects);
            }
        }
    }
    fn walk_inline(
        e: &ast::InlineExpression<&str>,
        vars: &mut BTreeSet<String>,
        selects: &mut Vec<(BTreeSet<String>, bool)>,
    ) {
        match e {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_string());
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    walk_inline(a, vars, selects);
                }
            }
            ast::InlineExpression::Placeable { expression } => walk_expr(expression, vars, selects),
            _ => {}
        }
    }
    fn walk_expr(
        e: &ast::Expression<&str>,
        vars: &mut BTreeSet<String>,
        selects: &mut Vec<(BTreeSet<String>, bool)>,
    ) {
        match e {
            ast::Expression::Inline(i) => walk_inline(i, vars, selects),
            ast::Expression::Select { selector, variants } => {
                walk_inline(selector, vars, selects);
                let mut keys = BTreeSet::new();
                let mut plural = false;
                for v in variants {
                    if let ast::VariantKey::Identifier { name } = &v.key {
                        if matches!(*name, "zero" | "one" | "two" | "few" | "many") {
                            plural = true;
                        }
                        keys.insert(name.to_string());
                    }
                    walk_pattern(&v.value, vars, selects);
                }
                selects.push((keys, plural));
            }
        }
    }

    for lang in &cfg.languages {
        let entry = per_lang.entry(lang.clone()).or_default();
        for dir in [
            cfg.theme_dir().join("i18n").join(lang),
            cfg.root.join("i18n").join(lang),
        ] {
            for file in ftl_files(&dir) {
                let Ok(text) = std::fs::read_to_string(&file) else {
                    continue;
                };
                let text =
                    crate::frontmatter::normalize_newlines(text.trim_start_matches('\u{feff}'));
                let res = match fluent_syntax::parser::parse(text.as_str()) {
                    Ok(r) => r,
                    Err((r, _)) => r,
                };
                for e in &res.body {
                    if let ast::Entry::Message(m) = e {
                        let mut vars = BTreeSet::new();
                        let mut selects = Vec::new();
                        if let Some(v) = &m.value {
                            walk_pattern(v, &mut vars, &mut selects);
                        }
                        let line = text
                            .find(&format!("{} =", m.id.name))
                            .map_or(1, |o| line_col(&text, o).0);
                        entry.insert(
                            m.id.name.to_string(),
                            (vars, selects, rel(&cfg.root, &file), line),
                        );
                    }
                }
            }
        }
    }

    let default = &cfg.default_language;
    let empty = BTreeMap::new();
    let base = per_lang.get(default).unwrap_or(&empty);
    for (lang, msgs) in &per_lang {
        let required: BTreeSet<&str> = required_plural_categories(lang);
        for (id, (vars, selects, file, line)) in msgs {
            if lang != default
                && let Some((base_vars, ..)) = base.get(id)
                && base_vars != vars
            {
                let fmt = |s: &BTreeSet<String>| {
                    s.iter()
                        .map(|v| format!("${v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                diags.push(
                    Diagnostic::warning(
                        file,
                        *line,
                        1,
                        format!(
                            "message `{id}` uses {} in `{lang}` but {} in `{default}`",
                            or_none(&fmt(vars)),
                            or_none(&fmt(base_vars))
                        ),
                    )
                    .with_hint("translations of a message take the same variables"),
                );
            }
            for (keys, plural) in selects {
                if !plural {
                    continue;
                }
                let missing: Vec<&str> = required
                    .iter()
                    .copied()
                    .filter(|c| !keys.contains(*c))
                    .collect();
                if !missing.is_empty() {
                    diags.push(
                        Diagnostic::warning(
                            file,
                            *line,
                            1,
                            format!(
                                "plural message `{id}` lacks the `{lang}` categories {}",
                                missing.join(", ")
                            ),
                        )
                        .with_hint(format!(
                            "`{lang}` needs [{}] for its numbers",
                            required.iter().copied().collect::<Vec<_>>().join("], [")
                        )),
                    );
                }
            }
        }
    }
    let all: BTreeSet<&String> = per_lang.values().flat_map(|m| m.keys()).collect();
    for id in used {
        if !all.contains(id) {
            diags.push(
                Diagnostic::error(
                    cfg.theme_dir()
                        .join("templates")
                        .strip_prefix(&cfg.root)
                        .map(Path::to_path_buf)
                        .unwrap_or_default(),
                    1,
                    1,
                    format!("the templates use message `{id}`, which no language has"),
                )
                .with_hint(format!("add `{id} = …` to i18n/{default}/")),
            );
        }
    }
    for (id, (_, _, file, line)) in base {
        if !used.contains(id) && !dynamic_prefixes.iter().any(|p| id.starts_with(p)) {
            diags.push(
                Diagnostic::warning(file, *line, 1, format!("message `{id}` is not used"))
                    .with_hint("remove it, or use it in a template"),
            );
        }
    }
    diags
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "no variables".into()
    } else {
        s.to_string()
    }
}

/// CLDR's cardinal plural categories of a language, without `other` (the default variant).
pub fn required_plural_categories(lang: &str) -> BTreeSet<&'static str> {
    use icu_plurals::{PluralCategory, PluralRules};
    let Ok(locale) = lang.parse::<icu_locale::Locale>() else {
        return BTreeSet::new();
    };
    let Ok(rules) = PluralRules::try_new_cardinal((&locale).into()) else {
        return BTreeSet::new();
    };
    rules
        .categories()
        .filter_map(|c| match c {
            PluralCategory::Zero => Some("zero"),
            PluralCategory::One => Some("one"),
            PluralCategory::Two => Some("two"),
            PluralCategory::Few => Some("few"),
            PluralCategory::Many => Some("many"),
            PluralCategory::Other => None,
        })
        .collect()
}
