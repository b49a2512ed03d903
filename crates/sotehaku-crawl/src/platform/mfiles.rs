//! M-Files publication adapter (Etelä-Karjala, `mfiles.ekhva.fi/kokoukset/<org>/`).
//!
//! Shape (plausible, not verified against the live site): `<entry>/` bodies → `<entry>/<body>/` meetings →
//! `<entry>/<body>/<yyyy-mm-dd>/` a meeting (document listing its items) → `<entry>/<body>/<date>/<n>/` items →
//! `<entry>/document/<id>.pdf` attachments. The entry path is taken from the source's start URL.

use url::Url;

use super::{discover_links, discover_xml, is_pdf_url, Classification, PageContext, Platform, Role, Target};
use crate::registry::PlatformKind;

/// The M-Files adapter.
pub struct Mfiles;

/// Classifies a URL below the entry path `prefix` (with trailing slash); `None` = not followed.
///
/// ```
/// use sotehaku_crawl::platform::{mfiles::classify, Role};
/// let u = |s: &str| url::Url::parse(s).unwrap();
/// let p = "/kokoukset/ekhva/";
/// assert_eq!(classify(p, &u("https://m.fi/kokoukset/ekhva/aluehallitus/")), Some((Role::Listing, None)));
/// assert_eq!(classify(p, &u("https://m.fi/kokoukset/ekhva/aluehallitus/2024-01-15/")), Some((Role::Document, Some("minutes"))));
/// assert_eq!(classify(p, &u("https://m.fi/kokoukset/ekhva/document/77.pdf")), Some((Role::Document, Some("attachment"))));
/// assert_eq!(classify(p, &u("https://m.fi/muu/")), None);
/// ```
pub fn classify(prefix: &str, url: &Url) -> Classification {
    if is_pdf_url(url) {
        return Some((Role::Document, Some("attachment")));
    }
    let rest = url.path().strip_prefix(prefix)?;
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => Some((Role::Listing, None)),
        ["document", ..] => Some((Role::Document, Some("attachment"))),
        [_body] => Some((Role::Listing, None)),
        [_body, _date] | [_body, _date, _] => Some((Role::Document, Some("minutes"))),
        _ => None,
    }
}

impl Platform for Mfiles {
    fn kind(&self) -> PlatformKind {
        PlatformKind::Mfiles
    }

    fn discover(&self, page: &PageContext<'_>) -> Vec<Target> {
        let prefixes: Vec<String> = page
            .source
            .start
            .iter()
            .filter_map(|u| Url::parse(u).ok())
            .map(|u| {
                let p = u.path();
                if p.ends_with('/') {
                    p.to_string()
                } else {
                    format!("{p}/")
                }
            })
            .collect();
        let classify_any = |url: &Url, _t: &str| prefixes.iter().find_map(|p| classify(p, url));
        if let Some(kind) = page.xml_kind() {
            return discover_xml(page, kind, &classify_any, Some("minutes"));
        }
        discover_links(page, &classify_any)
    }
}
