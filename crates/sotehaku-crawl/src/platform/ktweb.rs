//! KTweb / Triplan adapter (`*-julkaisu.tweb.fi`, `*.triplancloud.fi`).
//!
//! The entry page `ktwebscr/pk_tek_tweb.htm` (minutes; `epj_tek_tweb.htm` agendas) is a search form: the meeting
//! lists come from a form `POST` to `pk_kokl_tweb.htm` with `oper=where` and one `kirjaamo` (body) per request, or
//! from an RSS feed (`pk_rss_tweb.htm`). Meetings are `pk_asil_tweb.htm?+bid=<n>`, their items
//! `ktwebbin/ktproxy2.dll?doctype=3&docid=<n>`, attachment lists `epjattn_tweb.htm?<docid>` and attachments
//! `ktproxy2.dll?doctype=4&docid=<n>`. Some item pages are UTF-16LE without a byte-order mark (see
//! [`crate::encoding`]).

use url::Url;

use super::{discover_links, discover_xml, file_name, is_pdf_url, Classification, PageContext, Platform, Role, Target};
use crate::registry::PlatformKind;

/// The KTweb adapter.
pub struct Ktweb;

/// At most this many bodies (select options) are queried from one search form.
pub const MAX_FORM_OPTIONS: usize = 200;

/// Classifies a KTweb URL; `None` = not followed.
///
/// ```
/// use sotehaku_crawl::platform::{ktweb::classify, Role};
/// let u = |s: &str| url::Url::parse(s).unwrap();
/// assert_eq!(classify(&u("https://h.tweb.fi/ktwebscr/pk_asil_tweb.htm?+bid=12867"), ""), Some((Role::Document, Some("minutes"))));
/// assert_eq!(classify(&u("https://h.tweb.fi/ktwebscr/epj_asil_tweb.htm?+bid=1"), ""), Some((Role::Document, Some("agenda"))));
/// assert_eq!(classify(&u("https://h.tweb.fi/ktwebbin/ktproxy2.dll?doctype=4&docid=5"), ""), Some((Role::Document, Some("attachment"))));
/// assert_eq!(classify(&u("https://h.tweb.fi/ktwebscr/ktohje.htm"), "Ohje"), None);
/// ```
pub fn classify(url: &Url, _text: &str) -> Classification {
    let name = file_name(url);
    if name == "ktproxy2.dll" {
        let doctype = url
            .query_pairs()
            .find(|(k, _)| k == "doctype")
            .map(|(_, v)| v.into_owned());
        return Some(match doctype.as_deref() {
            Some("3") | Some("1") | Some("2") => (Role::Document, Some("minutes")),
            _ => (Role::Document, Some("attachment")),
        });
    }
    if is_pdf_url(url) {
        return Some((Role::Document, Some("attachment")));
    }
    let stem = name.strip_suffix(".htm")?;
    if stem.ends_with("_asil_tweb") || stem.ends_with("_asil2_tweb") {
        let kind = if stem.starts_with("epj") { "agenda" } else { "minutes" };
        return Some((Role::Document, Some(kind)));
    }
    if stem.ends_with("_tek_tweb")
        || stem.ends_with("_kokl_tweb")
        || stem.ends_with("_rss_tweb")
        || stem == "epjattn_tweb"
    {
        return Some((Role::Listing, None));
    }
    None
}

impl Platform for Ktweb {
    fn kind(&self) -> PlatformKind {
        PlatformKind::Ktweb
    }

    fn discover(&self, page: &PageContext<'_>) -> Vec<Target> {
        if let Some(kind) = page.xml_kind() {
            return discover_xml(page, kind, &classify, Some("minutes"));
        }
        let mut out = discover_links(page, &classify);
        let Some(html) = page.html else { return out };
        // The meeting-list search form: one POST per body (select option), other fields at their defaults.
        for form in &html.forms {
            let Some(action) = &form.action else { continue };
            if form.method != "POST" || !file_name(action).ends_with("_kokl_tweb.htm") {
                continue;
            }
            let Some((select_name, options)) = form.selects.iter().find(|(n, _)| n == "kirjaamo") else {
                continue;
            };
            for (value, label) in options
                .iter()
                .filter(|(v, _)| !v.trim().is_empty())
                .take(MAX_FORM_OPTIONS)
            {
                let mut fields: Vec<(String, String)> =
                    form.inputs.iter().filter(|(n, _)| n != select_name).cloned().collect();
                fields.push((select_name.clone(), value.clone()));
                out.push(Target::post(
                    action.clone(),
                    fields,
                    page.hints(Some(label), None, None),
                ));
            }
        }
        out
    }
}
