//! The record handed to ingest: one fetched resource with its metadata ([`FetchedPage`]) and what the listing said
//! about it beforehand ([`PageHints`]).

use serde::{Deserialize, Serialize};

/// One fetched resource, as handed to ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchedPage {
    /// The URL that was requested (canonical form).
    pub url: String,
    /// The URL that answered, after redirects.
    pub final_url: String,
    /// Name of the source in the registry (e.g. `paijat-hame-news`), if the page came from a registered source.
    pub source: Option<String>,
    /// Which platform adapter produced it (`news`, `dynasty`, `ktweb`, `casem`, `mfiles`, `valtioneuvosto`, ...).
    pub platform: Option<String>,
    /// HTTP status of the stored response (200 for a page kept after a `304 Not Modified`).
    pub status: u16,
    /// The `Content-Type` header as received.
    pub content_type: Option<String>,
    /// The body exactly as received (after transfer decompression); decoding is ingest's job.
    #[serde(skip)]
    pub body: Vec<u8>,
    /// When the stored body was downloaded.
    pub fetched_at: chrono::DateTime<chrono::Utc>,
    /// Robots directives from `X-Robots-Tag` and meta robots (lowercase, e.g. `noindex`).
    #[serde(default)]
    pub robots: Vec<String>,
    /// Metadata the listing gave before the page was fetched (title, date, document type), as hints for ingest.
    #[serde(default)]
    pub hints: PageHints,
    /// SHA-256 (lowercase hex) of the body: its name in the raw archive (`bodies/<2 hex>/<sha256>`).
    #[serde(default)]
    pub body_sha256: Option<String>,
    /// The `ETag` of the stored response, if the server sent one.
    #[serde(default)]
    pub etag: Option<String>,
    /// The `Last-Modified` of the stored response, if the server sent one.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// When the publisher last confirmed this copy (a `200` with the same bytes or a `304`): the day a re-check of
    /// minutes whose appeal period has ended is judged by. `None` in records written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The source's `show_noindex` setting when the page was fetched: whether a `noindex` page indexed under the
    /// `index` policy may be shown publicly (ingest sets `Document::restricted` from it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_noindex: bool,
}

/// What a listing, feed or sitemap said about an item before it was fetched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageHints {
    /// The title (or link text) the listing showed.
    pub title: Option<String>,
    /// A date string as the listing shows it.
    pub date: Option<String>,
    /// `news`, `minutes`, `agenda`, `attachment`, ...
    pub kind: Option<String>,
    /// The county code of the publisher when the registry knows it (e.g. `09`).
    pub region: Option<String>,
}

impl FetchedPage {
    /// A page fetched outside a crawl (tests, ad-hoc use): final URL = URL, fetched now, no hints.
    pub fn new(url: &str, status: u16, content_type: &str, body: Vec<u8>) -> FetchedPage {
        FetchedPage {
            url: url.to_string(),
            final_url: url.to_string(),
            source: None,
            platform: None,
            status,
            content_type: Some(content_type.to_string()),
            body,
            fetched_at: chrono::Utc::now(),
            robots: Vec::new(),
            hints: PageHints::default(),
            body_sha256: None,
            etag: None,
            last_modified: None,
            verified_at: None,
            show_noindex: false,
        }
    }

    /// Whether the content type says HTML.
    pub fn is_html(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().contains("html"))
    }

    /// Whether the content type says PDF.
    pub fn is_pdf(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().contains("pdf"))
    }

    /// Whether the publisher asked search engines not to index this page (`noindex` or `none`).
    pub fn is_noindex(&self) -> bool {
        self.robots.iter().any(|d| d == "noindex" || d == "none")
    }

    /// Whether the publisher asked search engines not to keep a copy (`noarchive` or `none`).
    pub fn is_noarchive(&self) -> bool {
        self.robots.iter().any(|d| d == "noarchive" || d == "none")
    }

    /// Whether the public endpoint must not show this page: `noindex`, kept under the `index` policy, without
    /// `show_noindex`.
    pub fn is_restricted(&self) -> bool {
        self.is_noindex() && !self.show_noindex
    }
}
