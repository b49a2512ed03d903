//! Alerts: an Atom feed (RFC 4287) of the newest documents matching a search, so a user can subscribe to, say,
//! "new minutes about health station closures in Pohjois-Savo" in any feed reader.

use std::fmt::Write as _;

use sotehaku::{Hit, RegionTable, SearchResults};

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 does not allow.
///
/// ```
/// assert_eq!(sotehaku_server::atom::escape_xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
/// ```
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a URL path segment or query value (RFC 3986 unreserved characters stay).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Writes the feed. `base` is the server's URL without a trailing slash (e.g. `http://127.0.0.1:8080`), `query` the
/// search's query string, `description` a human summary of the search, `now` the time of the request (RFC 3339).
pub fn feed(results: &SearchResults, base: &str, query: &str, description: &str, now: &str) -> String {
    let self_url = format!(
        "{base}/api/search.atom{}{query}",
        if query.is_empty() { "" } else { "?" }
    );
    let page_url = format!("{base}/{}{query}", if query.is_empty() { "" } else { "?" });
    let updated = results
        .hits
        .iter()
        .filter_map(day)
        .max()
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| now.to_string());
    let mut x = String::with_capacity(2048 + results.hits.len() * 1024);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fi\">\n",
    );
    let _ = writeln!(x, "  <id>{}</id>", escape_xml(&self_url));
    let _ = writeln!(x, "  <title>sotehaku: {}</title>", escape_xml(description));
    let _ = writeln!(x, "  <updated>{}</updated>", escape_xml(&updated));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape_xml(&self_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_xml(&page_url)
    );
    x.push_str("  <author><name>sotehaku</name></author>\n  <generator>sotehaku</generator>\n");
    for hit in &results.hits {
        entry(&mut x, hit, base, &updated);
    }
    x.push_str("</feed>\n");
    x
}

fn day(hit: &Hit) -> Option<chrono::NaiveDate> {
    hit.published.and_then(|p| p.earliest())
}

fn entry(x: &mut String, hit: &Hit, base: &str, fallback_updated: &str) {
    let doc_url = format!("{base}/#doc={}", encode_component(&hit.id));
    let api_url = format!("{base}/api/documents/{}", encode_component(&hit.id));
    let updated = day(hit)
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| fallback_updated.to_string());
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <id>{}</id>", escape_xml(&api_url));
    let _ = writeln!(x, "    <title>{}</title>", escape_xml(&hit.title));
    let _ = writeln!(x, "    <updated>{}</updated>", escape_xml(&updated));
    if day(hit).is_some() {
        let _ = writeln!(x, "    <published>{}</published>", escape_xml(&updated));
    }
    let alternate = hit
        .url
        .as_deref()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let _ = writeln!(
        x,
        "    <link rel=\"alternate\" href=\"{}\"/>",
        escape_xml(alternate.unwrap_or(&doc_url))
    );
    let _ = writeln!(
        x,
        "    <link rel=\"related\" type=\"text/html\" href=\"{}\"/>",
        escape_xml(&doc_url)
    );
    if !hit.source.is_empty() {
        let _ = writeln!(x, "    <author><name>{}</name></author>", escape_xml(&hit.source));
    }
    for region in &hit.regions {
        let label = RegionTable::builtin()
            .info(*region)
            .map(|i| i.name_fi.clone())
            .unwrap_or_else(|| region.code());
        let _ = writeln!(
            x,
            "    <category scheme=\"urn:sotehaku:region\" term=\"{}\" label=\"{}\"/>",
            escape_xml(&region.code()),
            escape_xml(&label)
        );
    }
    for theme in &hit.themes {
        let _ = writeln!(
            x,
            "    <category scheme=\"urn:sotehaku:theme\" term=\"{}\"/>",
            escape_xml(theme.as_str())
        );
    }
    let _ = writeln!(
        x,
        "    <category scheme=\"urn:sotehaku:type\" term=\"{}\" label=\"{}\"/>",
        escape_xml(hit.doc_type.slug()),
        escape_xml(hit.doc_type.label_fi())
    );
    // The snippet HTML is already escaped HTML; escaping it once more makes it the content of a type="html" element.
    let _ = writeln!(
        x,
        "    <summary type=\"html\">{}</summary>",
        escape_xml(&hit.snippet.to_html())
    );
    x.push_str("  </entry>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded() {
        assert_eq!(
            encode_component("finlex:sd:2021/611 ä"),
            "finlex%3Asd%3A2021%2F611%20%C3%A4"
        );
    }
}
