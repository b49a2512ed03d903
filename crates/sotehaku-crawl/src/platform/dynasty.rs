//! Dynasty adapter (`*.oncloudos.com`, self-hosted Dynasty): both URL families of the platform.
//!
//! * `cgi/DREQUEST.PHP?page=<view>&id=…`: `meeting_frames`, `meetings`, … are navigation; `meeting` is a meeting's
//!   minutes or agenda; `meetingitem` an agenda item; `meetingitem_pdf`/`…_attachment`/`attachment` attachments;
//!   `search` is never followed.
//! * `kokous/TELIMET.HTM` (bodies) → `TELIN-<n>.HTM` (meetings of a body) → `<meetingid>.HTM` (minutes or agenda,
//!   by its link text) → `<meetingid>-<n>.HTM` (items) → `*.PDF` (attachments).
//!
//! Frames are followed (`meeting_frames` is a frameset). Pages are windows-1252 and marked `noindex`.

use url::Url;

use super::{discover_links, discover_xml, file_name, is_pdf_url, Classification, PageContext, Platform, Role, Target};
use crate::registry::PlatformKind;

/// The Dynasty adapter.
pub struct Dynasty;

fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.to_ascii_lowercase())
}

fn document_kind(text: &str) -> &'static str {
    let t = text.to_lowercase();
    if t.contains("esityslista") || t.contains("föredragningslista") {
        "agenda"
    } else {
        "minutes"
    }
}

/// Classifies a Dynasty URL (with its link text) as listing or document; `None` = not followed.
///
/// ```
/// use sotehaku_crawl::platform::{dynasty::classify, Role};
/// let u = |s: &str| url::Url::parse(s).unwrap();
/// assert_eq!(classify(&u("https://x.oncloudos.com/kokous/TELIN-214778.HTM"), "Kaupunginhallitus"), Some((Role::Listing, None)));
/// assert_eq!(classify(&u("https://x.oncloudos.com/kokous/2017406946.HTM"), "Esityslista"), Some((Role::Document, Some("agenda"))));
/// assert_eq!(classify(&u("https://x.oncloudos.com/kokous/2017406946-3.HTM"), "§ 3"), Some((Role::Document, Some("minutes"))));
/// assert_eq!(classify(&u("https://x.oncloudos.com/cgi/DREQUEST.PHP?page=search"), "Haku"), None);
/// ```
pub fn classify(url: &Url, text: &str) -> Classification {
    let name = file_name(url);
    if name == "drequest.php" {
        let view = query_param(url, "page").unwrap_or_default();
        return match view.as_str() {
            "meeting" => Some((Role::Document, Some(document_kind(text)))),
            "meetingitem" => Some((Role::Document, Some("minutes"))),
            "meetingitem_pdf" | "meetingitem_attachment" | "attachment" | "meeting_pdf" => {
                Some((Role::Document, Some("attachment")))
            }
            "search" | "" => None,
            "rss" => Some((Role::Listing, None)),
            v if v.starts_with("meeting") || v.contains("frames") || v.starts_with("org") => {
                Some((Role::Listing, None))
            }
            _ => None,
        };
    }
    if !url.path().to_ascii_lowercase().contains("/kokous/") {
        return None;
    }
    if is_pdf_url(url) {
        return Some((Role::Document, Some("attachment")));
    }
    let stem = name.strip_suffix(".htm").or_else(|| name.strip_suffix(".html"))?;
    if stem == "telimet" || stem.starts_with("telin-") {
        return Some((Role::Listing, None));
    }
    let mut parts = stem.split('-');
    let meeting = parts.next()?;
    if meeting.is_empty() || !meeting.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match parts.next() {
        None => Some((Role::Document, Some(document_kind(text)))),
        Some(n) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => Some((Role::Document, Some("minutes"))),
        _ => None,
    }
}

impl Platform for Dynasty {
    fn kind(&self) -> PlatformKind {
        PlatformKind::Dynasty
    }

    fn discover(&self, page: &PageContext<'_>) -> Vec<Target> {
        if let Some(kind) = page.xml_kind() {
            return discover_xml(page, kind, &classify, Some("minutes"));
        }
        discover_links(page, &classify)
    }
}
