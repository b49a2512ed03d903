//! Platform adapters: how to walk one publishing system from its entry page to its documents.
//!
//! Every adapter implements [`Platform`]: `seeds` turns a registry [`Source`] into the first requests, and
//! `discover` turns one fetched page into further requests ([`Target`]s), each marked as a navigation page
//! ([`Role::Listing`]: a listing, feed, sitemap or search result, fetched for its links) or a document
//! ([`Role::Document`]: news article, minutes, agenda item, attachment — handed to ingest). The crawler does the
//! fetching, politeness, host scoping and de-duplication; adapters only classify.

pub mod casem;
pub mod dynasty;
pub mod feeds;
pub mod ktweb;
pub mod mfiles;
pub mod news;

use regex::Regex;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::html::HtmlPage;
use crate::page::PageHints;
use crate::registry::{PlatformKind, Source};

/// What an adapter says about a link: `None` = not followed, else the role and a document-kind hint.
pub type Classification = Option<(Role, Option<&'static str>)>;

/// HTTP method of a request in the frontier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST` with a form-urlencoded body.
    Post,
}

/// Whether a fetched resource is a document for ingest or only navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Listing, feed, sitemap, search form, meeting list: fetched for its links only.
    Listing,
    /// A document for ingest (it may have links too, e.g. a meeting page listing its items).
    Document,
}

/// One request the crawler should make.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// `GET` or `POST`.
    pub method: Method,
    /// Canonical URL.
    pub url: Url,
    /// Form fields of a `POST` (empty for `GET`).
    pub form: Vec<(String, String)>,
    /// Listing or document.
    pub role: Role,
    /// What the referring page said about it.
    pub hints: PageHints,
}

impl Target {
    /// A `GET` target.
    pub fn get(url: Url, role: Role, hints: PageHints) -> Target {
        Target {
            method: Method::Get,
            url,
            form: Vec::new(),
            role,
            hints,
        }
    }

    /// A `POST` listing target (form search).
    pub fn post(url: Url, form: Vec<(String, String)>, hints: PageHints) -> Target {
        Target {
            method: Method::Post,
            url,
            form,
            role: Role::Listing,
            hints,
        }
    }

    /// The form fields, urlencoded.
    pub fn form_body(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.form.iter())
            .finish()
    }

    /// The frontier key: `GET <url>` or `POST <url> <form>` — a POST with other fields is another resource.
    ///
    /// ```
    /// use sotehaku_crawl::platform::{Role, Target};
    /// let t = Target::post("https://h.fi/ktwebscr/pk_kokl_tweb.htm".parse().unwrap(),
    ///     vec![("oper".into(), "where".into()), ("kirjaamo".into(), "1001.000000".into())], Default::default());
    /// assert_eq!(t.key(), "POST https://h.fi/ktwebscr/pk_kokl_tweb.htm oper=where&kirjaamo=1001.000000");
    /// ```
    pub fn key(&self) -> String {
        match self.method {
            Method::Get => format!("GET {}", self.url),
            Method::Post => format!("POST {} {}", self.url, self.form_body()),
        }
    }
}

/// What an adapter sees of a fetched page.
pub struct PageContext<'a> {
    /// The source being crawled.
    pub source: &'a Source,
    /// The source's compiled `article_pattern`.
    pub article_re: Option<&'a Regex>,
    /// The request that produced the page.
    pub target: &'a Target,
    /// The URL that answered (after redirects).
    pub url: &'a Url,
    /// `Content-Type` as received.
    pub content_type: Option<&'a str>,
    /// Raw body.
    pub body: &'a [u8],
    /// The parsed page, for HTML.
    pub html: Option<&'a HtmlPage>,
}

impl PageContext<'_> {
    /// The default hints for a discovered target: the source's county and `kind`.
    pub fn hints(&self, title: Option<&str>, date: Option<String>, kind: Option<&str>) -> PageHints {
        PageHints {
            title: title.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string),
            date,
            kind: kind.map(str::to_string).or_else(|| self.source.kind.clone()),
            region: self.source.county.clone(),
        }
    }

    /// Whether the body is XML of a feed or sitemap.
    pub fn xml_kind(&self) -> Option<feeds::XmlKind> {
        feeds::sniff(self.body)
    }
}

/// One publishing system.
pub trait Platform: Send + Sync {
    /// Which platform this is.
    fn kind(&self) -> PlatformKind;

    /// The first requests for a source: start pages, feeds and sitemaps as listings.
    fn seeds(&self, source: &Source) -> Vec<Target> {
        let hints = PageHints {
            region: source.county.clone(),
            ..PageHints::default()
        };
        let start_role = if source.start_as_documents {
            Role::Document
        } else {
            Role::Listing
        };
        let start = source.start.iter().map(|u| (u, start_role));
        let others = source.feeds.iter().chain(&source.sitemaps).map(|u| (u, Role::Listing));
        start
            .chain(others)
            .filter_map(|(u, role)| crate::canon::canonicalize(u).ok().map(|url| (url, role)))
            .map(|(url, role)| Target::get(url, role, hints.clone()))
            .collect()
    }

    /// Requests found in a fetched page. The crawler drops those outside the source's hosts.
    fn discover(&self, page: &PageContext<'_>) -> Vec<Target>;
}

/// The adapter for a platform.
pub fn adapter(kind: PlatformKind) -> &'static dyn Platform {
    match kind {
        PlatformKind::News => &news::News { liferay: false },
        PlatformKind::Valtioneuvosto => &news::News { liferay: true },
        PlatformKind::Dynasty => &dynasty::Dynasty,
        PlatformKind::Ktweb => &ktweb::Ktweb,
        PlatformKind::Casem => &casem::Casem,
        PlatformKind::Mfiles => &mfiles::Mfiles,
    }
}

/// Feed and sitemap handling shared by all adapters: feed items become documents (via `classify` when given),
/// sitemap indexes become listings, sitemap entries become documents when `classify` accepts them.
pub(crate) fn discover_xml(
    page: &PageContext<'_>,
    kind: feeds::XmlKind,
    classify: &dyn Fn(&Url, &str) -> Classification,
    feed_default: Option<&'static str>,
) -> Vec<Target> {
    let mut out = Vec::new();
    match kind {
        feeds::XmlKind::Feed => {
            for item in feeds::parse_feed(page.body) {
                let Some(url) = crate::canon::resolve(page.url, &item.link) else {
                    continue;
                };
                let title = item.title.as_deref().unwrap_or("");
                let (role, kind) = match classify(&url, title) {
                    Some(c) => c,
                    None => (Role::Document, feed_default),
                };
                out.push(Target::get(
                    url,
                    role,
                    page.hints(item.title.as_deref(), item.date, kind),
                ));
            }
        }
        feeds::XmlKind::SitemapIndex | feeds::XmlKind::Sitemap => {
            let index = kind == feeds::XmlKind::SitemapIndex;
            for entry in feeds::parse_sitemap(page.body) {
                let Some(url) = crate::canon::resolve(page.url, &entry.loc) else {
                    continue;
                };
                if index {
                    out.push(Target::get(url, Role::Listing, page.hints(None, entry.lastmod, None)));
                } else if let Some((Role::Document, kind)) = classify(&url, "") {
                    out.push(Target::get(url, Role::Document, page.hints(None, entry.lastmod, kind)));
                }
            }
        }
    }
    out
}

/// Generic HTML discovery: every link that `classify` accepts.
pub(crate) fn discover_links(page: &PageContext<'_>, classify: &dyn Fn(&Url, &str) -> Classification) -> Vec<Target> {
    let Some(html) = page.html else { return Vec::new() };
    html.links
        .iter()
        .filter_map(|link| {
            let (role, kind) = classify(&link.url, &link.text)?;
            Some(Target::get(
                link.url.clone(),
                role,
                page.hints(Some(&link.text), link.date.clone(), kind),
            ))
        })
        .collect()
}

/// The last path segment, lower-cased.
pub(crate) fn file_name(url: &Url) -> String {
    url.path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Whether a URL points at a PDF (by extension).
pub(crate) fn is_pdf_url(url: &Url) -> bool {
    url.path().to_ascii_lowercase().ends_with(".pdf")
}
