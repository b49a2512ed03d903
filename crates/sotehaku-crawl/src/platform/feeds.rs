//! RSS/Atom feeds (via `feed-rs`) and XML sitemaps / sitemap indexes (via `quick-xml`), for discovery.

use quick_xml::events::Event;
use quick_xml::Reader;

/// At most this many entries are read from one feed or sitemap (the sitemap protocol's own limit).
pub const MAX_ENTRIES: usize = 50_000;

/// What kind of XML document a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlKind {
    /// RSS 0.9x/1.0/2.0 or Atom.
    Feed,
    /// `<urlset>`.
    Sitemap,
    /// `<sitemapindex>`.
    SitemapIndex,
}

/// Looks at the first root element of a body.
///
/// ```
/// use sotehaku_crawl::platform::feeds::{sniff, XmlKind};
/// assert_eq!(sniff(b"<?xml version=\"1.0\"?>\n<sitemapindex xmlns=\"x\">"), Some(XmlKind::SitemapIndex));
/// assert_eq!(sniff(b"<rss version=\"2.0\"><channel>"), Some(XmlKind::Feed));
/// assert_eq!(sniff(b"<!DOCTYPE html><html>"), None);
/// ```
pub fn sniff(body: &[u8]) -> Option<XmlKind> {
    let head = &body[..body.len().min(2048)];
    let text = String::from_utf8_lossy(head);
    let mut rest: &str = text.trim_start_matches('\u{feff}');
    // Skip the prolog: declarations, comments, processing instructions.
    for _ in 0..16 {
        rest = rest.trim_start();
        if rest.starts_with("<?") || rest.starts_with("<!") {
            match rest.find('>') {
                Some(i) => rest = &rest[i + 1..],
                None => return None,
            }
        } else {
            break;
        }
    }
    let name: String = rest
        .strip_prefix('<')?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == ':')
        .collect();
    match name.to_ascii_lowercase().as_str() {
        "rss" | "feed" | "rdf:rdf" => Some(XmlKind::Feed),
        "urlset" => Some(XmlKind::Sitemap),
        "sitemapindex" => Some(XmlKind::SitemapIndex),
        _ => None,
    }
}

/// One feed item.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// The item's link.
    pub link: String,
    /// Its title.
    pub title: Option<String>,
    /// Published (or updated) date, RFC 3339.
    pub date: Option<String>,
}

/// The items of an RSS/Atom feed; an unparsable feed yields none.
pub fn parse_feed(body: &[u8]) -> Vec<FeedItem> {
    let Ok(feed) = feed_rs::parser::parse(body) else {
        return Vec::new();
    };
    feed.entries
        .into_iter()
        .take(MAX_ENTRIES)
        .filter_map(|e| {
            let link = e
                .links
                .first()
                .map(|l| l.href.clone())
                .or_else(|| Some(e.id.clone()).filter(|i| i.contains("://")))?;
            Some(FeedItem {
                link,
                title: e.title.map(|t| t.content),
                date: e.published.or(e.updated).map(|d| d.to_rfc3339()),
            })
        })
        .collect()
}

/// One sitemap entry (`<url>` or `<sitemap>`).
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapEntry {
    /// `<loc>`.
    pub loc: String,
    /// `<lastmod>`.
    pub lastmod: Option<String>,
}

/// The entries of a sitemap or sitemap index (namespaces ignored; malformed XML ends the list where it breaks).
///
/// ```
/// let xml = br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
///   <url><loc>https://paijatha.fi/ajankohtaista/a/</loc><lastmod>2023-01-24</lastmod></url>
///   <url><loc> https://paijatha.fi/ajankohtaista/b/ </loc></url></urlset>"#;
/// let e = sotehaku_crawl::platform::feeds::parse_sitemap(xml);
/// assert_eq!(e.len(), 2);
/// assert_eq!(e[0].lastmod.as_deref(), Some("2023-01-24"));
/// assert_eq!(e[1].loc, "https://paijatha.fi/ajankohtaista/b/");
/// ```
pub fn parse_sitemap(body: &[u8]) -> Vec<SitemapEntry> {
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<SitemapEntry> = None;
    let mut field: Option<&'static str> = None;
    // Every iteration consumes input, so the loop ends with the body; the entry cap bounds it further.
    loop {
        if out.len() >= MAX_ENTRIES {
            break;
        }
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "url" | "sitemap" => {
                    current = Some(SitemapEntry {
                        loc: String::new(),
                        lastmod: None,
                    })
                }
                "loc" => field = Some("loc"),
                "lastmod" => field = Some("lastmod"),
                _ => {}
            },
            Ok(Event::Text(t)) => push_text(field, current.as_mut(), &t.xml10_content()),
            Ok(Event::CData(t)) => push_text(field, current.as_mut(), &t.into_inner()),
            Ok(Event::GeneralRef(r)) => {
                if let Some(c) = resolve_reference(&r.into_inner()) {
                    push_text(field, current.as_mut(), c.encode_utf8(&mut [0u8; 4]));
                }
            }
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "url" | "sitemap" => {
                    if let Some(mut entry) = current.take() {
                        entry.loc = entry.loc.trim().to_string();
                        entry.lastmod = entry.lastmod.map(|l| l.trim().to_string()).filter(|l| !l.is_empty());
                        if !entry.loc.is_empty() {
                            out.push(entry);
                        }
                    }
                }
                "loc" | "lastmod" => field = None,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn push_text(field: Option<&str>, entry: Option<&mut SitemapEntry>, text: &str) {
    let Some(entry) = entry else { return };
    match field {
        Some("loc") if entry.loc.len() < 4096 => entry.loc.push_str(text),
        Some("lastmod") => entry.lastmod.get_or_insert_with(String::new).push_str(text),
        _ => {}
    }
}

/// `amp`, `lt`, … and `#123` / `#x7B` character references.
fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_with_dates() {
        let rss = br#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>
            <item><title>Aluevaltuusto hyv&#228;ksyi talousarvion</title><link>https://paijatha.fi/ajankohtaista/x/</link>
            <pubDate>Tue, 24 Jan 2023 12:05:00 +0200</pubDate></item>
            <item><title>Ilman linkki&#228;</title></item></channel></rss>"#;
        let items = parse_feed(rss);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].title.as_deref(), Some("Aluevaltuusto hyväksyi talousarvion"));
        assert_eq!(items[0].date.as_deref(), Some("2023-01-24T10:05:00+00:00"));
    }

    #[test]
    fn atom_feed() {
        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>x</id>
            <updated>2024-01-01T00:00:00Z</updated><entry><title>A</title><id>urn:a</id>
            <link href="https://thl.fi/-/a"/><updated>2024-01-02T00:00:00Z</updated></entry></feed>"#;
        assert_eq!(sniff(atom), Some(XmlKind::Feed));
        let items = parse_feed(atom);
        assert_eq!(items[0].link, "https://thl.fi/-/a");
    }

    #[test]
    fn sitemap_index() {
        let xml = br#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>https://vakehyva.fi/sitemap.xml?page=1</loc><lastmod>2024-05-01T10:00:00+03:00</lastmod></sitemap>
          <sitemap><loc>https://vakehyva.fi/sitemap.xml?page=2&amp;x=1</loc></sitemap></sitemapindex>"#;
        assert_eq!(sniff(xml), Some(XmlKind::SitemapIndex));
        let e = parse_sitemap(xml);
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].loc, "https://vakehyva.fi/sitemap.xml?page=2&x=1");
    }
}
