//! CaseM / CloudNC adapter (`<county>.cloudnc.fi`): the HTML publication and the OpenNC JSON API.
//!
//! HTML: `/fi-FI/Toimielimet` (bodies) → `/fi-FI/Toimielimet/<Body>` (meetings) → `…/<Body>/Kokous_<ddmmyyyy>`
//! (the meeting's minutes, a document listing its items) → `…/Kokous_<ddmmyyyy>/<Title>(<id>)` (items) →
//! `/download/…` (attachments). JSON (`/api/opennc/v1/`): `Nodes` and `Nodes(<id>)/Subnodes` list nodes, each node
//! gives `Nodes(<id>)/Subnodes` and `Nodes(<id>)/Contents`; each content gives `Contents(<id>)/ExtendedProperties`,
//! the item's text (a document).

use url::Url;

use super::{discover_links, discover_xml, is_pdf_url, Classification, PageContext, Platform, Role, Target};
use crate::registry::PlatformKind;

/// The CaseM adapter.
pub struct Casem;

/// At most this many records are read from one JSON answer.
pub const MAX_JSON_RECORDS: usize = 10_000;

/// Classifies a CaseM HTML URL; `None` = not followed.
///
/// ```
/// use sotehaku_crawl::platform::{casem::classify, Role};
/// let u = |s: &str| url::Url::parse(s).unwrap();
/// assert_eq!(classify(&u("https://pirha.cloudnc.fi/fi-FI/Toimielimet/Aluehallitus"), ""), Some((Role::Listing, None)));
/// assert_eq!(classify(&u("https://pirha.cloudnc.fi/fi-FI/Toimielimet/Aluehallitus/Kokous_12122023"), ""), Some((Role::Document, Some("minutes"))));
/// assert_eq!(classify(&u("https://pirha.cloudnc.fi/download/noname/%7Babc%7D/123"), ""), Some((Role::Document, Some("attachment"))));
/// assert_eq!(classify(&u("https://pirha.cloudnc.fi/fi-FI/Haku"), ""), None);
/// ```
pub fn classify(url: &Url, _text: &str) -> Classification {
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    if segments.first().is_some_and(|s| s.eq_ignore_ascii_case("download")) || is_pdf_url(url) {
        return Some((Role::Document, Some("attachment")));
    }
    if segments.len() >= 2 && segments[1].eq_ignore_ascii_case("toimielimet") {
        return match segments.len() {
            2 | 3 => Some((Role::Listing, None)),
            _ => Some((Role::Document, Some("minutes"))),
        };
    }
    None
}

fn api_base(url: &Url) -> Option<Url> {
    let path = url.path();
    let lower = path.to_ascii_lowercase();
    let pos = lower.find("/api/opennc/v1/")?;
    let mut base = url.clone();
    base.set_path(&path[..pos + "/api/opennc/v1/".len()]);
    base.set_query(None);
    Some(base)
}

fn discover_json(page: &PageContext<'_>) -> Vec<Target> {
    let Some(base) = api_base(page.url) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(page.body) else {
        return Vec::new();
    };
    let records: Vec<&serde_json::Value> = match value.get("value") {
        Some(serde_json::Value::Array(items)) => items.iter().take(MAX_JSON_RECORDS).collect(),
        _ => vec![&value],
    };
    let mut out = Vec::new();
    let join = |p: &str| {
        base.join(p)
            .ok()
            .and_then(|u| crate::canon::canonicalize(u.as_str()).ok())
    };
    for rec in records {
        if let Some(id) = rec.get("NodeId").and_then(serde_json::Value::as_i64) {
            let name = rec
                .get("Names")
                .and_then(|n| n.get(0))
                .and_then(|n| n.get("Name"))
                .and_then(serde_json::Value::as_str);
            let date = rec.get("Date").and_then(serde_json::Value::as_str).map(str::to_string);
            for path in [format!("Nodes({id})/Subnodes"), format!("Nodes({id})/Contents")] {
                if let Some(url) = join(&path) {
                    out.push(Target::get(url, Role::Listing, page.hints(name, date.clone(), None)));
                }
            }
        }
        if let Some(id) = rec.get("ContentId").and_then(serde_json::Value::as_i64) {
            let subject = rec.get("Subject").and_then(serde_json::Value::as_str);
            let date = rec
                .get("PublicDate")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string);
            if let Some(url) = join(&format!("Contents({id})/ExtendedProperties")) {
                out.push(Target::get(
                    url,
                    Role::Document,
                    page.hints(subject, date, Some("minutes")),
                ));
            }
        }
    }
    out
}

impl Platform for Casem {
    fn kind(&self) -> PlatformKind {
        PlatformKind::Casem
    }

    fn discover(&self, page: &PageContext<'_>) -> Vec<Target> {
        if api_base(page.url).is_some() {
            return discover_json(page);
        }
        if let Some(kind) = page.xml_kind() {
            return discover_xml(page, kind, &classify, Some("minutes"));
        }
        discover_links(page, &classify)
    }
}
