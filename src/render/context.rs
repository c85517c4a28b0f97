//! The typed contexts templates see. These structs are the template API: every variable a
//! theme can use is a field here (see README, "Templates").

use serde::Serialize;

/// Site-wide values, the same on every page (in Tera's global context as `site`).
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub base_url: String,
    pub base_path: String,
    pub default_language: String,
    pub languages: Vec<LanguageCtx>,
    pub extra: serde_json::Value,
    /// Whether the output is for `serve` (live reload) rather than `build`.
    pub serving: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageCtx {
    pub code: String,
    /// The language's name in itself (`language-name` in its bundle): `Қазақша`.
    pub name: String,
    /// Root-relative URL of its home page.
    pub home: String,
}

/// `<link rel="alternate" hreflang>`: only pages that exist in that language.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

/// One entry of the language switcher.
#[derive(Debug, Clone, Serialize)]
pub struct SwitchItem {
    pub lang: String,
    pub name: String,
    /// `None` when the page does not exist in that language.
    pub href: Option<String>,
    pub current: bool,
    /// The link leads to a fallback page (the text in another language).
    pub fallback: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenGraph {
    pub kind: &'static str,
    pub locale: String,
    pub locale_alternates: Vec<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
}

/// What every page's `<head>` needs.
#[derive(Debug, Clone, Serialize)]
pub struct Head {
    pub title: String,
    pub description: String,
    /// Absolute.
    pub canonical: String,
    pub alternates: Vec<Alternate>,
    pub og: OpenGraph,
    /// Root-relative URL of this language's Atom feed.
    pub feed: String,
    pub noindex: bool,
    /// JSON-LD, already escaped for a `<script>` element.
    pub json_ld: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub title: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverCtx {
    pub src: String,
    pub alt: String,
    pub credit: Option<String>,
    /// The image's own size, read from its header, so browsers reserve its space.
    pub width: Option<usize>,
    pub height: Option<usize>,
    /// Candidates for `srcset` (JPEG or PNG, and WebP), when smaller copies are made.
    pub srcset: Option<String>,
    pub webp_srcset: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceCtx {
    pub name: Option<String>,
    pub url: Option<String>,
}

/// A report or plain page, for its own page.
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    pub kind: crate::content::Kind,
    pub title: String,
    pub url: String,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub location: Option<String>,
    pub event: Option<String>,
    pub tags: Vec<TermLink>,
    pub cover: Option<CoverCtx>,
    pub content: String,
    pub summary: String,
    pub source: Option<SourceCtx>,
    pub machine_translated: bool,
    /// The page is shown in another language than the site section (fallback page).
    pub content_lang: String,
    pub fallback_from: Option<String>,
    pub extra: serde_json::Value,
    pub word_count: usize,
}

/// A report in a list (home, term pages).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryCtx {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_iso: String,
    pub location: Option<String>,
    pub summary: String,
    pub cover: Option<CoverCtx>,
    pub machine_translated: bool,
    /// A hash of the fields above (see [`hashing`]).
    #[serde(skip)]
    pub digest: String,
    /// The card as the templates see it, made once (a report is shown on many lists).
    #[serde(skip)]
    pub card: super::templates::Card,
}

impl SummaryCtx {
    /// Sets `digest` from the other fields.
    pub fn sealed(mut self) -> SummaryCtx {
        let mut h = blake3::Hasher::new();
        let _ = serde_json::to_writer(&mut h, &self);
        self.digest = h.finalize().to_hex().to_string();
        self
    }
}

thread_local! {
    static DIGESTS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the reports in lists serialized as their digests: the key of a list page is
/// a hash of its whole context, and a report shown on many lists is then hashed only once.
pub fn hashing<R>(f: impl FnOnce() -> R) -> R {
    DIGESTS.set(true);
    let r = f();
    DIGESTS.set(false);
    r
}

fn items<S: serde::Serializer>(items: &[&SummaryCtx], s: S) -> Result<S::Ok, S::Error> {
    if DIGESTS.get() {
        s.collect_seq(items.iter().map(|i| i.digest.as_str()))
    } else if super::templates::cards_shared() {
        // Made into the templates' values: each card by its number among those shared, put in
        // place afterwards (`Templates::render`).
        s.collect_seq(items.iter().map(|i| super::templates::share_card(i)))
    } else {
        s.collect_seq(items)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
    /// Some page numbers are left out before this one.
    pub gap: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListCtx<'a> {
    pub title: String,
    #[serde(serialize_with = "items")]
    pub items: Vec<&'a SummaryCtx>,
    pub pager: Pager,
    /// Total number of reports in the list (all pages).
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermCount {
    pub name: String,
    pub href: String,
    pub count: usize,
}

/// The index of a taxonomy: its terms with counts.
#[derive(Debug, Clone, Serialize)]
pub struct TermsCtx {
    pub taxonomy: String,
    pub title: String,
    pub entries: Vec<TermCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearLink {
    pub year: i32,
    pub href: String,
    pub count: usize,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthGroup<'a> {
    /// `Апрель 2025`: the month in the nominative, from CLDR.
    pub heading: String,
    #[serde(serialize_with = "items")]
    pub items: Vec<&'a SummaryCtx>,
}

/// The archive: years with counts, and for one year its reports under month headings.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveCtx<'a> {
    pub title: String,
    pub years: Vec<YearLink>,
    pub year: Option<i32>,
    pub months: Vec<MonthGroup<'a>>,
}

/// The whole context of one page render.
#[derive(Debug, Clone, Serialize)]
pub struct Ctx<'a> {
    pub lang: &'a str,
    /// `home`, `report`, `page`, `terms`, `term`, `404`, `chooser`, `alias`.
    pub kind: &'static str,
    pub head: Head,
    pub switcher: Vec<SwitchItem>,
    pub nav: &'a [NavItem],
    pub home: String,
    pub page: Option<PageCtx>,
    pub list: Option<ListCtx<'a>>,
    pub terms: Option<TermsCtx>,
    pub archive: Option<ArchiveCtx<'a>>,
    /// Root-relative URL of a feed for this list (term pages), besides the language's feed.
    pub list_feed: Option<String>,
    /// For redirect pages (aliases): where to go.
    pub redirect: Option<String>,
}
