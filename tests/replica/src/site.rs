//! The replica's content model: per virtual host, a table from path-and-query to what is served there (a page, a
//! redirect, the lazily generated huge page), plus the host's robots.txt and flags.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;

use crate::platforms::ktweb::KtwebModel;
use crate::text::fnv64;

/// `text/html; charset=UTF-8`
pub(crate) const HTML_UTF8: &str = "text/html; charset=UTF-8";
/// RSS feeds.
pub(crate) const RSS: &str = "application/rss+xml; charset=UTF-8";
/// Sitemaps.
pub(crate) const XML: &str = "application/xml; charset=UTF-8";
/// PDF attachments.
pub(crate) const PDF: &str = "application/pdf";
/// JSON API answers.
pub(crate) const JSON: &str = "application/json; charset=utf-8";

/// A stored response body with its validators.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub content_type: String,
    pub body: Bytes,
    pub etag: String,
    pub last_modified: SystemTime,
    /// May be gzip-encoded when the host compresses.
    pub compressible: bool,
}

impl Page {
    /// A page whose ETag is derived from its bytes.
    pub(crate) fn new(content_type: &str, body: impl Into<Bytes>, last_modified: SystemTime) -> Page {
        let body = body.into();
        let etag = format!("\"{:016x}\"", fnv64(&body));
        let compressible = !content_type.starts_with("application/pdf");
        Page {
            content_type: content_type.to_string(),
            body,
            etag,
            last_modified,
            compressible,
        }
    }
}

/// What a path serves.
#[derive(Debug, Clone)]
pub(crate) enum Entry {
    /// A stored page.
    Page(Page),
    /// A redirect (`status` is 301, 302, 303, 307 or 308).
    Redirect { status: u16, location: String },
    /// The huge page, generated while it is sent.
    Huge { chunked: bool },
}

/// One virtual host.
#[derive(Debug, Default)]
pub(crate) struct HostSite {
    /// Path-and-query (percent-decoded) → entry.
    pub entries: HashMap<String, Entry>,
    /// robots.txt body; `None` → 404.
    pub robots: Option<String>,
    /// Compress compressible bodies when the client accepts gzip.
    pub gzip: bool,
    /// Redirect every request (robots.txt included) to this origin, keeping the path (`https://host`).
    pub host_redirect: Option<String>,
    /// Redirect `/x` → `/x/` when only the latter exists (WordPress behaviour).
    pub add_trailing_slash: bool,
    /// KTweb meeting data for the form POST.
    pub ktweb: Option<Arc<KtwebModel>>,
    /// Short platform name, for the host index.
    pub platform: &'static str,
}

impl HostSite {
    /// A host of the given platform.
    pub(crate) fn new(platform: &'static str) -> HostSite {
        HostSite {
            platform,
            ..HostSite::default()
        }
    }

    /// Adds a page.
    pub(crate) fn page(&mut self, path: &str, content_type: &str, body: impl Into<Bytes>, lm: SystemTime) {
        self.entries
            .insert(path.to_string(), Entry::Page(Page::new(content_type, body, lm)));
    }

    /// Adds a redirect.
    pub(crate) fn redirect(&mut self, path: &str, status: u16, location: &str) {
        self.entries.insert(
            path.to_string(),
            Entry::Redirect {
                status,
                location: location.to_string(),
            },
        );
    }
}

/// All virtual hosts.
#[derive(Debug, Default)]
pub(crate) struct Site {
    pub hosts: BTreeMap<String, HostSite>,
}

impl Site {
    /// Adds (or replaces) a host.
    pub(crate) fn add(&mut self, host: &str, site: HostSite) {
        self.hosts.insert(host.to_string(), site);
    }
}

/// Percent-decodes `%XX` escapes (leaves `+` alone); invalid escapes are kept as they are.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_plus_and_bad_escapes() {
        assert_eq!(
            percent_decode("/download/noname/%7Babc%7D/1"),
            "/download/noname/{abc}/1"
        );
        assert_eq!(percent_decode("/x?+bid=1&a=%zz%"), "/x?+bid=1&a=%zz%");
        assert_eq!(percent_decode("/%C3%A4"), "/ä");
    }
}
