//! Resolves links and images written in a page's Markdown: a link may name another report by
//! its source file (`../other/index.ru.md`), a bundle folder, or an asset beside the page.

use crate::markdown::{Resolve, Resolved};
use crate::site::Site;
use std::collections::HashMap;

/// Lookup tables built once per site.
#[derive(Default)]
pub struct LinkIndex {
    /// `reports/x/index.ru.md` (content-relative) → page id.
    by_file: HashMap<String, usize>,
    /// `reports/x` → bundle index.
    by_dir: HashMap<String, usize>,
    base_path: String,
}

impl LinkIndex {
    pub fn new(site: &Site, base_path: &str) -> LinkIndex {
        let mut by_file = HashMap::new();
        for p in &site.pages {
            let s = p.source.to_string_lossy().replace('\\', "/");
            let s = s.strip_prefix("content/").unwrap_or(&s).to_string();
            by_file.insert(s, p.id);
        }
        let by_dir = site
            .bundles
            .iter()
            .enumerate()
            .map(|(i, b)| (b.dir.clone(), i))
            .collect();
        LinkIndex {
            by_file,
            by_dir,
            base_path: base_path.to_string(),
        }
    }
}

pub struct PageResolver<'a> {
    pub index: &'a LinkIndex,
    pub site: &'a Site,
    pub page: usize,
}

fn is_external(dest: &str) -> bool {
    dest.starts_with('#')
        || dest.starts_with('/')
        || dest.starts_with("//")
        || dest.find(':').is_some_and(|i| {
            dest[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

/// `a%20b` → `a b`, leaving anything malformed as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

impl Resolve for PageResolver<'_> {
    fn resolve(&self, dest: &str, image: bool) -> Resolved {
        let scheme = dest
            .split_once(':')
            .map(|(s, _)| s.trim().to_ascii_lowercase());
        if let Some(s) = scheme.as_deref()
            && matches!(s, "javascript" | "vbscript" | "data" | "file")
        {
            return Resolved::Missing(format!(
                "`{s}:` addresses are not allowed in links and images"
            ));
        }
        if dest.is_empty() || is_external(dest) {
            return Resolved::Keep;
        }
        let (path_part, fragment) = match dest.find(['#', '?']) {
            Some(i) => (&dest[..i], &dest[i..]),
            None => (dest, ""),
        };
        let page = self.site.page(self.page);
        let bundle = &self.site.bundles[page.bundle];
        let joined = format!("{}/{}", bundle.dir, percent_decode(path_part));
        let Some(target) = normalize(&joined) else {
            return Resolved::Missing(format!("`{dest}` points outside the content folder"));
        };
        let lang = &page.lang;
        let page_url = |id: usize| {
            // The same report in this page's language when it exists.
            let id = self.site.translation(id, lang).unwrap_or(id);
            format!(
                "{}{}{}",
                self.index.base_path,
                self.site.page(id).path,
                fragment
            )
        };
        if target.ends_with(".md") {
            return match self.index.by_file.get(&target) {
                Some(id) => Resolved::Url(page_url(*id)),
                None => {
                    Resolved::Missing(format!("link to `{dest}`: no such page (or it is a draft)"))
                }
            };
        }
        if let Some(b) = self.index.by_dir.get(target.trim_end_matches('/')) {
            return match self.site.bundles[*b].pages.first() {
                Some((_, id)) => Resolved::Url(page_url(*id)),
                None => Resolved::Missing(format!(
                    "link to `{dest}`: that report has no published page"
                )),
            };
        }
        // An asset of this bundle or of another one.
        let (dir, file) = match target.rsplit_once('/') {
            Some(x) => x,
            None => ("", target.as_str()),
        };
        let mut d = dir.to_string();
        let mut rest = file.to_string();
        loop {
            if let Some(b) = self.index.by_dir.get(&d) {
                let b = &self.site.bundles[*b];
                if b.assets.contains(&rest) {
                    let url = format!(
                        "{}{}{}{}",
                        self.index.base_path, b.asset_path, rest, fragment
                    );
                    if image
                        && fragment.is_empty()
                        && let Some(r) = crate::images::describe(&b.abs_dir.join(&rest), &url)
                    {
                        return Resolved::Picture(url, r);
                    }
                    return Resolved::Url(url);
                }
            }
            match d.rsplit_once('/') {
                Some((parent, last)) => {
                    rest = format!("{last}/{rest}");
                    d = parent.to_string();
                }
                None => break,
            }
        }
        let what = if image { "image" } else { "link target" };
        Resolved::Missing(format!(
            "{what} `{dest}` not found in content/{}/",
            bundle.dir
        ))
    }
}

fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}
