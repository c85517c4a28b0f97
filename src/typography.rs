//! Language typography for running text: quotation marks, apostrophes, dashes and ellipses.
//!
//! ru, kk: «ёлочки» outside, „лапки“ inside. en: “ ” and ‘ ’. uz: “ ” and ‘ ’, and the letter
//! ʻ (U+02BB) in oʻ gʻ whichever apostrophe was typed, ʼ (U+02BC) for the glottal stop.
//! The state runs across the text pieces of one block, so quotes around emphasis pair up.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Guillemets,
    English,
    Uzbek,
    Plain,
}

#[derive(Debug, Clone)]
pub struct Typographer {
    style: Style,
    prev: char,
    depth: usize,
    single_open: bool,
}

const NBSP: char = '\u{a0}';

impl Typographer {
    pub fn new(lang: &str) -> Self {
        let primary = lang.split('-').next().unwrap_or(lang);
        let style = match primary {
            "ru" | "kk" | "uk" | "be" | "ky" | "tg" | "fr" => Style::Guillemets,
            "en" => Style::English,
            "uz" => Style::Uzbek,
            _ => Style::Plain,
        };
        Typographer {
            style,
            prev: ' ',
            depth: 0,
            single_open: false,
        }
    }

    /// Call at the start of every block (paragraph, heading, list item, table cell).
    pub fn reset(&mut self) {
        self.prev = ' ';
        self.depth = 0;
        self.single_open = false;
    }

    /// Text that is not transformed but counts as context (inline code, images).
    pub fn skip(&mut self, text: &str) {
        if let Some(c) = text.chars().last() {
            self.prev = c;
        }
    }

    pub fn apply(&mut self, text: &str) -> String {
        if self.style == Style::Plain {
            self.skip(text);
            return text.to_string();
        }
        // Most text pieces have nothing to change.
        let special = |c: char| {
            matches!(
                c,
                '"' | '\'' | '-' | '.' | '`' | '\u{2018}' | '\u{2019}' | '\u{02BB}' | '\u{02BC}'
            )
        };
        if !text.contains(special) {
            self.skip(text);
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len() + 8);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match c {
                '"' => {
                    let opening = opens(self.prev, next);
                    out.push_str(self.double(opening));
                }
                '\'' | '\u{2018}' | '\u{2019}' | '`' | '\u{02BB}' | '\u{02BC}'
                    if self.style == Style::Uzbek && is_letter(self.prev) =>
                {
                    // oʻ gʻ: the okina, whatever the editor typed; elsewhere the glottal stop.
                    if matches!(self.prev, 'o' | 'O' | 'g' | 'G') {
                        out.push('\u{02BB}');
                    } else if next.is_some_and(is_letter) || c == '\u{02BC}' {
                        out.push('\u{02BC}');
                    } else {
                        out.push_str(self.single(false));
                    }
                }
                '\'' => {
                    if is_letter(self.prev) && next.is_some_and(is_letter) {
                        out.push('\u{2019}');
                    } else {
                        let opening = opens(self.prev, next);
                        out.push_str(self.single(opening));
                    }
                }
                '.' if next == Some('.') && chars.get(i + 2) == Some(&'.') => {
                    out.push('…');
                    i += 3;
                    self.prev = '…';
                    continue;
                }
                '-' if self.prev.is_whitespace()
                    && next.is_none_or(char::is_whitespace)
                    && i > 0 =>
                {
                    // " - " between words: a dash, tied to the word before it.
                    if self.style != Style::English && out.ends_with(' ') {
                        out.pop();
                        out.push(NBSP);
                    }
                    out.push('—');
                }
                '-' if next == Some('-') && chars.get(i + 2) != Some(&'-') => {
                    out.push('—');
                    i += 2;
                    self.prev = '—';
                    continue;
                }
                _ => out.push(c),
            }
            self.prev = c;
            i += 1;
        }
        out
    }

    fn double(&mut self, opening: bool) -> &'static str {
        match self.style {
            Style::Guillemets => {
                if opening {
                    self.depth += 1;
                    if self.depth == 1 { "«" } else { "„" }
                } else {
                    let d = self.depth;
                    self.depth = self.depth.saturating_sub(1);
                    if d <= 1 { "»" } else { "“" }
                }
            }
            _ => {
                if opening {
                    self.depth += 1;
                    "“"
                } else {
                    self.depth = self.depth.saturating_sub(1);
                    "”"
                }
            }
        }
    }

    fn single(&mut self, opening: bool) -> &'static str {
        self.single_open = opening;
        if opening { "‘" } else { "’" }
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphanumeric()
}

/// A quote opens after a space, an opening bracket or another opening quote, or at the start.
fn opens(prev: char, next: Option<char>) -> bool {
    let after_space = prev.is_whitespace() || "([{«„“‘—–-/".contains(prev);
    after_space && next.is_some_and(|n| !n.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(lang: &str, s: &str) -> String {
        Typographer::new(lang).apply(s)
    }

    #[test]
    fn russian_quotes_nest() {
        assert_eq!(
            t("ru", r#"Форум "Диалог "Шёлкового пути"" открыт"#),
            "Форум «Диалог „Шёлкового пути“» открыт"
        );
        assert_eq!(t("kk", r#""Қазақстан" - ел"#), "«Қазақстан»\u{a0}— ел");
    }

    #[test]
    fn english_quotes_and_apostrophes() {
        assert_eq!(
            t("en", r#"The "Silk Road" isn't 'old'..."#),
            "The “Silk Road” isn’t ‘old’…"
        );
    }

    #[test]
    fn uzbek_okina_is_never_a_quote() {
        assert_eq!(t("uz", "O'zbekiston va g'oya"), "Oʻzbekiston va gʻoya");
        assert_eq!(t("uz", "O’zbekiston, o‘quv"), "Oʻzbekiston, oʻquv");
        assert_eq!(t("uz", "ma'naviyat"), "maʼnaviyat");
        assert_eq!(t("uz", r#""Oʻzbekiston" forumi"#), "“Oʻzbekiston” forumi");
    }
}
