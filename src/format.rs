//! Dates and numbers for each language, from CLDR data through ICU4X.
//! Formatters are created once per language and shared by all pages (they are `Sync`).

use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{M, YMD};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale::Locale;
use std::collections::BTreeMap;

struct LangFormats {
    long_date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    month: FixedCalendarDateTimeFormatter<Gregorian, M>,
    decimal: DecimalFormatter,
}

/// Date and number formatters for the languages of a site.
pub struct Formats {
    by_lang: BTreeMap<String, LangFormats>,
}

impl std::fmt::Debug for Formats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Formats")
            .field("languages", &self.by_lang.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn build(lang: &str) -> Option<LangFormats> {
    let locale: Locale = lang.parse().ok()?;
    Some(LangFormats {
        long_date: FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long()).ok()?,
        month: FixedCalendarDateTimeFormatter::try_new((&locale).into(), M::long()).ok()?,
        decimal: DecimalFormatter::try_new((&locale).into(), Default::default()).ok()?,
    })
}

impl Formats {
    /// Languages without CLDR data fall back to the root locale's patterns.
    pub fn new<'a>(langs: impl IntoIterator<Item = &'a str>) -> Formats {
        let mut by_lang = BTreeMap::new();
        for l in langs {
            if let Some(f) = build(l).or_else(|| build("und")) {
                by_lang.insert(l.to_string(), f);
            }
        }
        Formats { by_lang }
    }

    fn get(&self, lang: &str) -> Option<&LangFormats> {
        self.by_lang
            .get(lang)
            .or_else(|| self.by_lang.values().next())
    }

    /// `28 апреля 2025 г.`, `April 28, 2025`, `2025 ж. 28 сәуір`, `28-aprel, 2025`.
    pub fn long_date(&self, lang: &str, year: i32, month: u8, day: u8) -> String {
        let (Some(f), Ok(d)) = (self.get(lang), Date::try_new_gregorian(year, month, day)) else {
            return format!("{year:04}-{month:02}-{day:02}");
        };
        f.long_date.format(&d).to_string()
    }

    /// The month's name in the nominative (stand-alone) form, capitalized: `Апрель`.
    pub fn month_name(&self, lang: &str, month: u8) -> String {
        let (Some(f), Ok(d)) = (self.get(lang), Date::try_new_gregorian(2000, month, 1)) else {
            return month.to_string();
        };
        capitalize(&f.month.format(&d).to_string())
    }

    /// `10 000` in ru, kk and uz; `10,000` in en.
    pub fn number(&self, lang: &str, n: f64) -> String {
        let Some(f) = self.get(lang) else {
            return n.to_string();
        };
        let dec = if n.fract() == 0.0 && n.abs() < 9.0e15 {
            Decimal::from(n as i64)
        } else {
            match format!("{n}").parse::<Decimal>() {
                Ok(d) => d,
                Err(_) => return n.to_string(),
            }
        };
        f.decimal.format(&dec).to_string()
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates_in_four_languages() {
        let f = Formats::new(["ru", "en", "kk", "uz"]);
        assert_eq!(f.long_date("ru", 2025, 4, 28), "28 апреля 2025\u{202f}г.");
        assert_eq!(f.long_date("en", 2025, 4, 28), "April 28, 2025");
        assert_eq!(f.long_date("kk", 2025, 7, 23), "2025\u{202f}ж. 23 шілде");
        assert_eq!(f.long_date("uz", 2025, 4, 28), "28-aprel, 2025");
    }

    #[test]
    fn numbers_and_months() {
        let f = Formats::new(["ru", "en", "kk", "uz"]);
        assert_eq!(f.number("ru", 10000.0), "10\u{a0}000");
        assert_eq!(f.number("kk", 10000.0), "10\u{a0}000");
        assert_eq!(f.number("uz", 10000.0), "10\u{a0}000");
        assert_eq!(f.number("en", 10000.0), "10,000");
        assert_eq!(f.month_name("ru", 4), "Апрель");
        assert_eq!(f.month_name("kk", 4), "Сәуір");
    }
}
