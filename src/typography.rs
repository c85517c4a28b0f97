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
        // Unchanged runs are copied as slices; only the few special characters are looked at.
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len() + 8);
        let mut last = 0;
        let mut i = 0;
        while i < text.len() {
            // Jump to the next byte that may start a special character: the ASCII ones, or
            // the lead byte of ‘ ’ (E2) or of ʻ ʼ (CA). Lead bytes are character boundaries.
            let Some(skip) = bytes[i..]
                .iter()
                .position(|b| matches!(b, b'"' | b'\'' | b'-' | b'.' | b'`' | 0xE2 | 0xCA))
            else {
                if let Some(c) = text[i..].chars().next_back() {
                    self.prev = c;
                }
                break;
            };
            if skip > 0 {
                if let Some(c) = text[i..i + skip].chars().next_back() {
                    self.prev = c;
                }
                i += skip;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let width = c.len_utf8();
            if !matches!(
                c,
                '"' | '\'' | '-' | '.' | '`' | '\u{2018}' | '\u{2019}' | '\u{02BB}' | '\u{02BC}'
            ) {
                self.prev = c;
                i += width;
                continue;
            }
            let next = text[i + width..].chars().next();
            // (replacement, bytes consumed, character that counts as the previous one)
            let rep: Option<(&str, usize, char)> = match c {
                '"' => {
                    let opening = opens(self.prev, next);
                    Some((self.double(opening), 1, c))
                }
                '\'' | '\u{2018}' | '\u{2019}' | '`' | '\u{02BB}' | '\u{02BC}'
                    if self.style == Style::Uzbek && is_letter(self.prev) =>
                {
                    // oʻ gʻ: the okina, whatever the editor typed; elsewhere the glottal stop.
                    let r = if matches!(self.prev, 'o' | 'O' | 'g' | 'G') {
                        "\u{02BB}"
                    } else if next.is_some_and(is_letter) || c == '\u{02BC}' {
                        "\u{02BC}"
                    } else {
                        self.single(false)
                    };
                    Some((r, width, c))
                }
                '\'' => {
                    if is_letter(self.prev) && next.is_some_and(is_letter) {
                        Some(("\u{2019}", 1, c))
                    } else {
                        let opening = opens(self.prev, next);
                        Some((self.single(opening), 1, c))
                    }
                }
                '.' if bytes.get(i + 1) == Some(&b'.') && bytes.get(i + 2) == Some(&b'.') => {
                    Some(("…", 3, '…'))
                }
                '-' if self.prev.is_whitespace()
                    && next.is_none_or(char::is_whitespace)
                    && i > 0 =>
                {
                    // " - " between words: a dash, tied to the word before it.
                    if self.style != Style::English && i > last && bytes[i - 1] == b' ' {
                        out.push_str(&text[last..i - 1]);
                        last = i;
                        Some(("\u{a0}—", 1, c))
                    } else {
                        Some(("—", 1, c))
                    }
                }
                '-' if next == Some('-') && bytes.get(i + 2) != Some(&b'-') => Some(("—", 2, '—')),
                _ => None,
            };
            match rep {
                Some((r, consumed, prev)) => {
                    out.push_str(&text[last..i]);
                    out.push_str(r);
                    i += consumed;
                    last = i;
                    self.prev = prev;
                }
                None => {
                    self.prev = c;
                    i += width;
                }
            }
        }
        out.push_str(&text[last..]);
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
