//! Markdown → HTML with pulldown-cmark: tables, footnotes, strikethrough, ASCII heading ids,
//! language typography, summaries, and links and images resolved by the caller.
//!
//! This stage knows nothing of templates or Fluent: links are resolved through [`Resolve`].

use crate::diag::{Diagnostic, line_col};
use crate::slug::slugify;
use crate::typography::Typographer;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;
use std::path::Path;

/// `sizes` of images in the text: the text column is at most 42rem wide.
const SIZES: &str = "(min-width: 44rem) 42rem, 100vw";

/// What the caller says about a link or image destination.
pub enum Resolved {
    /// Leave as written (external, absolute or anchor).
    Keep,
    /// Replace by this URL.
    Url(String),
    /// An image of the site with smaller copies: its URL, size and candidates.
    Picture(String, crate::images::Responsive),
    /// Broken: the message says why.
    Missing(String),
}

/// Resolves link and image destinations; `image` tells which kind of reference it is.
pub trait Resolve {
    fn resolve(&self, dest: &str, image: bool) -> Resolved;
}

/// A resolver that keeps everything (for tests and for text without links).
pub struct KeepAll;
impl Resolve for KeepAll {
    fn resolve(&self, _: &str, _: bool) -> Resolved {
        Resolved::Keep
    }
}

pub struct MdInput<'a> {
    pub body: &'a str,
    /// Line of the `.md` file where the body starts.
    pub body_line: usize,
    pub path: &'a Path,
    pub lang: &'a str,
    pub raw_html: RawHtml,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// HTML before `<!-- more -->`, or the first paragraph.
    pub summary_html: String,
    /// The same summary as plain text (for descriptions).
    pub summary_text: String,
    pub toc: Vec<Heading>,
    pub word_count: usize,
    /// The first words of the text, plain, for the search index.
    pub search_text: String,
    /// The page's search terms (`search::terms`), once the renderer has made them.
    pub search_terms: String,
    pub diagnostics: Vec<Diagnostic>,
}

const MORE: &str = "<!-- more -->";

/// What becomes of raw HTML written in Markdown (`markdown.raw_html` in `site.yaml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Kept when it is harmless: an allow-list of tags and attributes; scripts, styles, event
    /// handlers, frames, forms and `javascript:` addresses removed.
    #[default]
    Sanitize,
    /// Shown as text.
    Escape,
    /// Passed through as written, for sites whose editors are trusted.
    Trusted,
}

/// Cleans a page's HTML with an allow-list that keeps everything the Markdown renderer itself
/// writes (headings with ids, tables with alignment, footnotes, `<picture>` with `srcset`).
fn sanitize(html: &str) -> String {
    static CLEANER: std::sync::LazyLock<ammonia::Builder<'static>> =
        std::sync::LazyLock::new(|| {
            let mut b = ammonia::Builder::default();
            b.add_tags(["picture", "source", "section", "figure", "figcaption"])
                .add_generic_attributes(["id", "class", "lang", "dir", "title"])
                .add_tag_attributes(
                    "img",
                    ["srcset", "sizes", "width", "height", "loading", "decoding"],
                )
                .add_tag_attributes("source", ["type", "srcset", "sizes", "media"])
                .add_tag_attributes("th", ["style"])
                .add_tag_attributes("td", ["style"])
                .filter_style_properties(["text-align"].into_iter().collect())
                .link_rel(None);
            b
        });
    CLEANER.clean(html).to_string()
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

pub fn render(input: &MdInput, resolver: &dyn Resolve) -> Rendered {
    let mut diags = Vec::new();
    let pos = |offset: usize| {
        let (l, c) = line_col(input.body, offset);
        (l + input.body_line - 1, c)
    };
    let mut typo = Typographer::new(input.lang);
    let mut events: Vec<Event> = Vec::new();
    let mut more_at: Option<usize> = None;
    let mut in_code = false;
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut has_raw_html = false;
    let mut toc = Vec::new();
    let mut words = 0usize;
    let mut search_text = String::new();
    // Heading being collected: (index of its Start event, text).
    let mut heading: Option<(usize, String)> = None;
    // Image being collected: (dest, title, alt text).
    let mut image: Option<(String, String, String, Option<crate::images::Responsive>)> = None;

    for (event, range) in Parser::new_ext(input.body, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                match &tag {
                    Tag::Paragraph
                    | Tag::Item
                    | Tag::TableCell
                    | Tag::BlockQuote(_)
                    | Tag::FootnoteDefinition(_) => typo.reset(),
                    Tag::Heading { .. } => {
                        typo.reset();
                        heading = Some((events.len(), String::new()));
                    }
                    Tag::CodeBlock(_) => in_code = true,
                    _ => {}
                }
                match tag {
                    Tag::Image {
                        dest_url, title, ..
                    } => {
                        let mut picture = None;
                        let dest = match resolver.resolve(&dest_url, true) {
                            Resolved::Keep => dest_url.to_string(),
                            Resolved::Url(u) => u,
                            Resolved::Picture(u, r) => {
                                picture = Some(r);
                                u
                            }
                            Resolved::Missing(msg) => {
                                let (l, c) = pos(range.start);
                                diags.push(Diagnostic::error(input.path, l, c, msg));
                                dest_url.to_string()
                            }
                        };
                        image = Some((dest, title.to_string(), String::new(), picture));
                    }
                    Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    } => {
                        let dest = match resolver.resolve(&dest_url, false) {
                            Resolved::Keep => dest_url,
                            Resolved::Url(u) | Resolved::Picture(u, _) => CowStr::from(u),
                            Resolved::Missing(msg) => {
                                let (l, c) = pos(range.start);
                                diags.push(Diagnostic::error(input.path, l, c, msg));
                                dest_url
                            }
                        };
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: dest,
                            title,
                            id,
                        }));
                    }
                    other => events.push(Event::Start(other)),
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::CodeBlock => in_code = false,
                    TagEnd::Image => {
                        if let Some((src, title, alt, picture)) = image.take() {
                            let title_attr = if title.is_empty() {
                                String::new()
                            } else {
                                format!(" title=\"{}\"", escape(&title))
                            };
                            let html = match picture {
                                // The text column is at most 42rem wide.
                                Some(r) => format!(
                                    "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{SIZES}\">\
<img src=\"{}\" srcset=\"{}\" sizes=\"{SIZES}\" width=\"{}\" height=\"{}\" alt=\"{}\"{} loading=\"lazy\" decoding=\"async\"></picture>",
                                    escape(&r.webp_srcset),
                                    escape(&src),
                                    escape(&r.srcset),
                                    r.width,
                                    r.height,
                                    escape(alt.trim()),
                                    title_attr
                                ),
                                None => format!(
                                    "<img src=\"{}\" alt=\"{}\"{} loading=\"lazy\" decoding=\"async\">",
                                    escape(&src),
                                    escape(alt.trim()),
                                    title_attr
                                ),
                            };
                            events.push(Event::InlineHtml(CowStr::from(html)));
                        }
                        continue;
                    }
                    TagEnd::Heading(level) => {
                        if let Some((start, text)) = heading.take() {
                            let text = text.trim().to_string();
                            if let Some(Event::Start(Tag::Heading { id, .. })) =
                                events.get_mut(start)
                            {
                                let base = match id.as_deref() {
                                    Some(given) => given.to_string(),
                                    None => {
                                        let s = slugify(&text, input.lang);
                                        if s.is_empty() {
                                            "section".to_string()
                                        } else {
                                            s
                                        }
                                    }
                                };
                                let mut unique = base.clone();
                                let mut n = 1;
                                while !used_ids.insert(unique.clone()) {
                                    unique = format!("{base}-{n}");
                                    n += 1;
                                }
                                *id = Some(CowStr::from(unique.clone()));
                                toc.push(Heading {
                                    level: level_num(level),
                                    id: unique,
                                    text,
                                });
                            }
                        }
                    }
                    _ => {}
                }
                events.push(Event::End(end));
            }
            Event::Text(text) => {
                if in_code {
                    events.push(Event::Text(text));
                    continue;
                }
                let t = typo.apply(&text);
                words += t.split_whitespace().count();
                if words <= SEARCH_WORDS {
                    search_text.push_str(&t);
                    search_text.push(' ');
                }
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some((_, _, alt, _)) = image.as_mut() {
                    alt.push_str(&t);
                    continue;
                }
                events.push(Event::Text(CowStr::from(t)));
            }
            Event::Code(code) => {
                typo.skip(&code);
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&code);
                }
                if let Some((_, _, alt, _)) = image.as_mut() {
                    alt.push_str(&code);
                    continue;
                }
                events.push(Event::Code(code));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let trimmed = h.trim();
                if trimmed == MORE || trimmed.starts_with(MORE) {
                    if more_at.is_none() {
                        more_at = Some(events.len());
                    }
                    continue;
                }
                if trimmed.starts_with("<!--") {
                    continue;
                }
                match input.raw_html {
                    RawHtml::Escape => events.push(Event::Text(h)),
                    RawHtml::Trusted => events.push(Event::Html(h)),
                    RawHtml::Sanitize => {
                        // Cleaned with the whole page below: inline tags come in pieces.
                        has_raw_html = true;
                        events.push(Event::Html(h));
                    }
                }
            }
            Event::SoftBreak => {
                typo.skip(" ");
                if let Some((_, h)) = heading.as_mut() {
                    h.push(' ');
                }
                if let Some((_, _, alt, _)) = image.as_mut() {
                    alt.push(' ');
                    continue;
                }
                events.push(Event::SoftBreak);
            }
            other => {
                if image.is_some() {
                    continue;
                }
                events.push(other);
            }
        }
    }

    let summary_events: &[Event] = match more_at {
        Some(i) => &events[..i],
        None => first_paragraph(&events),
    };
    // Footnote marks lead nowhere outside the page itself.
    let mut summary_html = String::new();
    html::push_html(
        &mut summary_html,
        summary_events
            .iter()
            .filter(|e| !matches!(e, Event::FootnoteReference(_)))
            .cloned(),
    );
    let summary_text = plain_text(summary_events);
    // The body last, consuming the events (no copy of each).
    let mut out = String::with_capacity(input.body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());

    let (out, summary_html) = if has_raw_html {
        (sanitize(&out), sanitize(&summary_html))
    } else {
        (out, summary_html)
    };
    Rendered {
        html: out,
        summary_html,
        summary_text,
        toc,
        word_count: words,
        search_text,
        search_terms: String::new(),
        diagnostics: diags,
    }
}

/// How many words from the start of a text go into the search index.
const SEARCH_WORDS: usize = 200;

fn first_paragraph<'a, 'b>(events: &'b [Event<'a>]) -> &'b [Event<'a>] {
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return &[];
    };
    let end = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |i| start + i + 1);
    &events[start..end]
}

/// The text of some events, without markup, with single spaces.
pub fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => s.push(' '),
            _ => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Typography and escaping for a one-line text from front matter (titles, summaries).
pub fn typeset(text: &str, lang: &str) -> String {
    Typographer::new(lang).apply(text)
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str, lang: &str) -> Rendered {
        render(
            &MdInput {
                body,
                body_line: 5,
                path: Path::new("x.md"),
                lang,
                raw_html: RawHtml::Sanitize,
            },
            &KeepAll,
        )
    }

    #[test]
    fn headings_get_ascii_ids_and_are_unique() {
        let r = md("## Итоги форума\n\n## Итоги форума\n", "ru");
        assert!(r.html.contains(r#"<h2 id="itogi-foruma">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="itogi-foruma-1">"#), "{}", r.html);
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let r = md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] ~~old~~\n\n[^1]: Note.\n",
            "en",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn summary_from_more_or_first_paragraph() {
        let r = md("First \"one\".\n\nSecond.\n", "ru");
        assert_eq!(r.summary_text, "First «one».");
        let r = md("A.\n\nB.\n\n<!-- more -->\n\nC.\n", "en");
        assert_eq!(r.summary_text, "A. B.");
        assert!(!r.html.contains("more"));
    }

    #[test]
    fn raw_html_is_cleaned_by_default() {
        let r = md(
            "<script>alert(1)</script>\n\nH<sub>2</sub>O, <abbr title=\"x\">ШОС</abbr> <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">a</a>\n\n| a |\n|:-:|\n| 1 |\n",
            "en",
        );
        assert!(
            !r.html.contains("script") && !r.html.contains("alert"),
            "{}",
            r.html
        );
        assert!(r.html.contains("H<sub>2</sub>O"), "{}", r.html);
        assert!(
            r.html.contains(r#"<abbr title="x">ШОС</abbr>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"<img src="x">"#), "{}", r.html);
        assert!(
            r.html.contains(r#"<th style="text-align:center">"#),
            "{}",
            r.html
        );
    }

    #[test]
    fn code_is_not_typeset() {
        let r = md("`\"x\"` and \"y\"\n\n```\n\"z\"\n```\n", "ru");
        assert!(r.html.contains("<code>\"x\"</code> and «y»"), "{}", r.html);
        assert!(r.html.contains("<code>\"z\"\n</code>"), "{}", r.html);
    }
}
