//! # sotehaku-crawl
//!
//! Fetches news releases and meeting minutes (HTML and PDF) from the counties' sites: the source registry, one
//! adapter per publishing platform, politeness (robots.txt, per-host delays, back-off), a persistent frontier so a
//! killed crawl resumes, and an archive of raw responses so ingest can be re-run offline.
//!
//! Its output is a stream of [`FetchedPage`]s; turning them into documents is the ingest crate's job.
//!
//! ```
//! use sotehaku_crawl::FetchedPage;
//! let page = FetchedPage::new("https://example.fi/uutiset/1", 200, "text/html; charset=utf-8", b"<html></html>".to_vec());
//! assert!(page.is_html());
//! ```

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
    pub status: u16,
    pub content_type: Option<String>,
    /// The body exactly as received (after transfer decompression); decoding is ingest's job.
    #[serde(skip)]
    pub body: Vec<u8>,
    pub fetched_at: chrono::DateTime<chrono::Utc>,
    /// Robots directives from `X-Robots-Tag` and meta robots (lowercase, e.g. `noindex`).
    #[serde(default)]
    pub robots: Vec<String>,
    /// Metadata the listing gave before the page was fetched (title, date, document type), as hints for ingest.
    #[serde(default)]
    pub hints: PageHints,
}

/// What a listing, feed or sitemap said about an item before it was fetched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageHints {
    pub title: Option<String>,
    /// A date string as the listing shows it.
    pub date: Option<String>,
    /// `news`, `minutes`, `agenda`, `attachment`, ...
    pub kind: Option<String>,
    /// The county code of the publisher when the registry knows it (e.g. `09`).
    pub region: Option<String>,
}

impl FetchedPage {
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
        }
    }

    pub fn is_html(&self) -> bool {
        self.content_type.as_deref().is_some_and(|c| c.to_ascii_lowercase().contains("html"))
    }

    pub fn is_pdf(&self) -> bool {
        self.content_type.as_deref().is_some_and(|c| c.to_ascii_lowercase().contains("pdf"))
    }
}
