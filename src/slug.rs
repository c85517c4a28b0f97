//! ASCII slugs, predictable for each language: NFC first, then per-language transliteration
//! (Russian, Kazakh and Uzbek letters), then `any_ascii` for anything else.

use unicode_normalization::UnicodeNormalization;

/// Apostrophes an editor may type for Uzbek `oʻ`/`gʻ` and the glottal stop.
const APOSTROPHES: &[char] = &[
    '\'', '\u{2018}', '\u{2019}', '\u{02BB}', '\u{02BC}', '`', '\u{00B4}', '\u{02B9}',
];

fn cyrillic(c: char, lang: &str) -> Option<&'static str> {
    let kazakh = lang.starts_with("kk");
    let uzbek = lang.starts_with("uz");
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'ж' => {
            if uzbek {
                "j"
            } else {
                "zh"
            }
        }
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => {
            if kazakh || uzbek {
                "h"
            } else {
                "kh"
            }
        }
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Kazakh
        'ә' => "a",
        'ғ' => {
            if kazakh {
                "gh"
            } else {
                "g"
            }
        }
        'қ' => "q",
        'ң' => "ng",
        'ө' => "o",
        'ұ' => "u",
        'ү' => "u",
        'һ' => "h",
        'і' => "i",
        // Uzbek Cyrillic
        'ў' => "o",
        'ҳ' => "h",
        // Ukrainian and Belarusian letters that may appear in names
        'є' => "ye",
        'ї' => "yi",
        'ґ' => "g",
        _ => return None,
    })
}

/// Turns any text into an ASCII slug: lowercase letters, digits and single hyphens.
/// Returns an empty string only when the text has no letters or digits at all.
pub fn slugify(text: &str, lang: &str) -> String {
    let nfc: String = text.nfc().collect();
    let lower = nfc.to_lowercase();
    let mut ascii = String::with_capacity(lower.len());
    for c in lower.chars() {
        if APOSTROPHES.contains(&c) {
            // Uzbek oʻ gʻ and glottal stops, English "don't": the apostrophe disappears.
            continue;
        }
        if c.is_ascii() {
            ascii.push(c);
        } else if let Some(t) = cyrillic(c, lang) {
            ascii.push_str(t);
        } else {
            ascii.push_str(&any_ascii::any_ascii_char(c).to_lowercase());
        }
    }
    let mut out = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Like [`slugify`], but never empty: falls back to a short hash of the text.
pub fn slugify_nonempty(text: &str, lang: &str) -> String {
    let s = slugify(text, lang);
    if s.is_empty() {
        let hash = blake3::hash(text.as_bytes());
        format!("t-{}", &hash.to_hex()[..8])
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian() {
        assert_eq!(
            slugify("Встреча с делегацией Ассамблеи", "ru"),
            "vstrecha-s-delegatsiey-assamblei"
        );
        assert_eq!(slugify("Щёлково, съезд", "ru"), "shchyolkovo-sezd");
    }

    #[test]
    fn kazakh() {
        assert_eq!(slugify("Қазақстан", "kk"), "qazaqstan");
        assert_eq!(
            slugify("Әлем және ғылым: өңір үні, һәм іс", "kk"),
            "alem-zhane-ghylym-ongir-uni-ham-is"
        );
    }

    #[test]
    fn uzbek_apostrophes() {
        for s in [
            "Oʻzbekiston gʻoyasi",
            "O'zbekiston g'oyasi",
            "O‘zbekiston g‘oyasi",
            "O’zbekiston g’oyasi",
            "O`zbekiston g`oyasi",
        ] {
            assert_eq!(slugify(s, "uz"), "ozbekiston-goyasi", "{s}");
        }
        assert_eq!(slugify("Ma'naviyat", "uz"), "manaviyat");
    }

    #[test]
    fn nfd_equals_nfc() {
        let nfd: String = "Йошкар-Ола".nfd().collect();
        assert_eq!(slugify(&nfd, "ru"), slugify("Йошкар-Ола", "ru"));
        assert_eq!(slugify(&nfd, "ru"), "yoshkar-ola");
    }

    #[test]
    fn other_scripts_and_empty() {
        assert_eq!(slugify("Café Ünïcode", "en"), "cafe-unicode");
        assert_eq!(slugify("北京", "en"), "beijing");
        assert_eq!(slugify("!!!", "en"), "");
        assert!(slugify_nonempty("!!!", "en").starts_with("t-"));
    }
}
