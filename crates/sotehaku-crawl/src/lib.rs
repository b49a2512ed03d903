//! # sotehaku-crawl
//!
//! Fetches news releases and meeting minutes (HTML and PDF) from the counties' sites: the source registry, one
//! adapter per publishing platform, politeness (robots.txt, per-host delays, back-off), a persistent frontier so a
//! killed crawl resumes, and an archive of raw responses so ingest can be re-run offline.
//!
//! Its output is a stream of [`FetchedPage`]s ([`Archive::pages`] reads them back with their bodies); turning them
//! into documents is the ingest crate's job.
//!
//! ```
//! use sotehaku_crawl::FetchedPage;
//! let page = FetchedPage::new("https://example.fi/uutiset/1", 200, "text/html; charset=utf-8", b"<html></html>".to_vec());
//! assert!(page.is_html());
//! ```
//!
//! A crawl from synchronous code (what `sotehaku crawl` does):
//!
//! ```no_run
//! use sotehaku_crawl::{CrawlOptions, Crawler, NoopObserver, Registry, Selection};
//! let registry = Registry::default_registry()?;
//! let mut opts = CrawlOptions::new("crawl-out");
//! opts.max_pages = Some(100);
//! let crawler = Crawler::new(opts)?;
//! let summary = crawler.run_blocking(&registry, &Selection::Sources(vec!["paijat-hame-news".into()]), &NoopObserver)?;
//! for s in &summary.sources {
//!     println!("{}: {} stored, {} unchanged, {} skipped by robots", s.source, s.stored, s.unchanged, s.skipped_robots);
//! }
//! for page in crawler.archive().pages()? {
//!     let page = page?;
//!     println!("{} ({} bytes)", page.url, page.body.len());
//! }
//! # Ok::<(), sotehaku_crawl::CrawlError>(())
//! ```

pub mod archive;
pub mod audit;
pub mod canon;
pub mod crawler;
pub mod encoding;
pub mod error;
mod fetch;
#[doc(hidden)]
pub mod fuzzing;
pub mod html;
pub mod page;
pub mod platform;
pub mod registry;
pub mod robots;
mod store;

pub use archive::Archive;
/// The `chrono` crate whose types appear in this API (`FetchedPage::fetched_at`, audit entries).
pub use chrono;
pub use crawler::{
    CrawlEvent, CrawlObserver, CrawlOptions, CrawlSummary, Crawler, NoopObserver, Overrides, PageOutcome,
    RecheckResult, Selection, SourceSummary,
};
pub use error::{CrawlError, Result};
pub use page::{FetchedPage, PageHints};
pub use registry::{NoindexPolicy, PlatformKind, Registry, Source};
