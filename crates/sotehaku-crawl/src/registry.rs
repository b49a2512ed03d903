//! The source registry: which sites are crawled, on which platform, with which policy.
//!
//! The default registry is `data/sources.toml` (embedded at build time); an operator can load another file with
//! [`Registry::from_path`]. Adding a county on a known platform is a new `[[source]]` entry, no code change.

use std::collections::HashSet;
use std::path::Path;

use regex::Regex;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::canon;
use crate::error::{CrawlError, Result};

/// The embedded default registry (`data/sources.toml`).
pub const DEFAULT_SOURCES: &str = include_str!("../data/sources.toml");

/// Which adapter handles a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlatformKind {
    /// A county's or agency's news CMS (WordPress, Drupal, …): listing pages with pagination, feeds, sitemaps.
    News,
    /// valtioneuvosto.fi and the ministries' Liferay sites (`/-/<id>/<slug>`).
    Valtioneuvosto,
    /// Dynasty meeting publication (`cgi/DREQUEST.PHP?page=meeting…`, `kokous/TELIMET.HTM`).
    Dynasty,
    /// KTweb / Triplan (`ktwebscr/pk_tek_tweb.htm`, form POST meeting lists, RSS).
    Ktweb,
    /// CaseM / CloudNC (`/fi-FI/Toimielimet/…` HTML, `/api/opennc/v1/…` JSON).
    Casem,
    /// M-Files publication (`/kokoukset/<org>/…`).
    Mfiles,
}

impl PlatformKind {
    /// The lowercase name used in the registry and in [`crate::FetchedPage::platform`].
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformKind::News => "news",
            PlatformKind::Valtioneuvosto => "valtioneuvosto",
            PlatformKind::Dynasty => "dynasty",
            PlatformKind::Ktweb => "ktweb",
            PlatformKind::Casem => "casem",
            PlatformKind::Mfiles => "mfiles",
        }
    }
}

/// What happens to a page whose publisher marked it `noindex` (meta robots or `X-Robots-Tag`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoindexPolicy {
    /// The default: the page is not stored, not archived and not handed to ingest; only the fetch log records it.
    /// Links on it are still followed unless it also says `nofollow`.
    #[default]
    Skip,
    /// An operator's explicit choice for a deployment with the right to do so (e.g. an internal research index):
    /// the page is stored and handed to ingest with its `robots` directives recorded, and `nofollow` on it is not
    /// honoured (the operator has decided to crawl the whole publication).
    Index,
}

/// One crawlable source: a county's news, its minutes platform, or a national agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Unique name, e.g. `paijat-hame-news`.
    pub name: String,
    /// The publisher's name (`Päijät-Hämeen hyvinvointialue`).
    pub publisher: String,
    /// County code (`01`–`21`, `90` Helsinki, `HUS`), if any.
    #[serde(default)]
    pub county: Option<String>,
    /// The adapter.
    pub platform: PlatformKind,
    /// Entry URLs (news listing, minutes entry page).
    #[serde(default)]
    pub start: Vec<String>,
    /// RSS/Atom feeds.
    #[serde(default)]
    pub feeds: Vec<String>,
    /// Sitemaps or sitemap indexes.
    #[serde(default)]
    pub sitemaps: Vec<String>,
    /// Also follow `Sitemap:` lines of the hosts' robots.txt (default true for news sources).
    #[serde(default)]
    pub robots_sitemaps: Option<bool>,
    /// Hosts besides those of the URLs above that belong to the source.
    #[serde(default)]
    pub extra_hosts: Vec<String>,
    /// Treat the start URLs as documents rather than listings (ad-hoc `--url` crawls).
    #[serde(default)]
    pub start_as_documents: bool,
    /// Regex on `path?query` that marks a news article (overrides the adapter's default rule).
    #[serde(default)]
    pub article_pattern: Option<String>,
    /// Document kind hint for pages of this source (`news`, `minutes`, …); the adapter decides when unset.
    #[serde(default)]
    pub kind: Option<String>,
    /// Policy for `noindex` pages (`skip` is the default).
    #[serde(default)]
    pub noindex: NoindexPolicy,
    /// Whether the public HTTP endpoint may show `noindex` documents of this source (default: no).
    #[serde(default)]
    pub show_noindex: bool,
    /// How sure the registry is about these URLs (`high`, `medium`, `low`).
    #[serde(default)]
    pub confidence: Option<String>,
    /// Free-form note (provenance, known disagreements).
    #[serde(default)]
    pub note: Option<String>,
}

impl Source {
    /// A source for ad-hoc start URLs (`sotehaku crawl --url`): the platform is guessed from the URL, and the crawl
    /// stays on the URLs' hosts.
    pub fn ad_hoc(urls: &[String]) -> Result<Source> {
        let first = urls.first().ok_or_else(|| CrawlError::Options("no URL given".into()))?;
        let parsed = canon::canonicalize(first)?;
        let host = parsed.host_str().unwrap_or("").to_string();
        Ok(Source {
            name: format!("url:{host}"),
            publisher: host,
            county: None,
            platform: guess_platform(&parsed),
            start: urls.to_vec(),
            feeds: Vec::new(),
            sitemaps: Vec::new(),
            robots_sitemaps: Some(false),
            extra_hosts: Vec::new(),
            start_as_documents: true,
            article_pattern: None,
            kind: None,
            noindex: NoindexPolicy::Skip,
            show_noindex: false,
            confidence: None,
            note: Some("ad-hoc start URLs".into()),
        })
    }

    /// Every URL of the source (start, feeds, sitemaps).
    pub fn urls(&self) -> impl Iterator<Item = &String> {
        self.start.iter().chain(&self.feeds).chain(&self.sitemaps)
    }

    /// Host names the crawl of this source may visit.
    pub fn hosts(&self) -> HashSet<String> {
        let mut hosts: HashSet<String> = self
            .urls()
            .filter_map(|u| Url::parse(u).ok())
            .filter_map(|u| u.host_str().map(str::to_ascii_lowercase))
            .collect();
        hosts.extend(self.extra_hosts.iter().map(|h| h.to_ascii_lowercase()));
        hosts
    }

    /// Whether robots.txt `Sitemap:` lines are followed for this source.
    pub fn use_robots_sitemaps(&self) -> bool {
        self.robots_sitemaps.unwrap_or(matches!(
            self.platform,
            PlatformKind::News | PlatformKind::Valtioneuvosto
        ))
    }

    /// The compiled `article_pattern`, if set and valid.
    pub fn article_regex(&self) -> Option<Regex> {
        self.article_pattern.as_deref().and_then(|p| Regex::new(p).ok())
    }
}

/// Guesses the platform of a URL from its shape.
pub fn guess_platform(url: &Url) -> PlatformKind {
    let path = url.path().to_ascii_lowercase();
    let host = url.host_str().unwrap_or("");
    if path.contains("drequest.php") || path.contains("/kokous/") || host.contains("oncloudos") {
        PlatformKind::Dynasty
    } else if path.contains("ktwebscr") || path.contains("ktwebbin") || host.contains("tweb") {
        PlatformKind::Ktweb
    } else if host.ends_with("cloudnc.fi") || path.contains("/api/opennc/") {
        PlatformKind::Casem
    } else if host.starts_with("mfiles.") {
        PlatformKind::Mfiles
    } else if path.starts_with("/-/") {
        PlatformKind::Valtioneuvosto
    } else {
        PlatformKind::News
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(rename = "source", default)]
    sources: Vec<Source>,
}

/// The list of sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    sources: Vec<Source>,
}

impl Registry {
    /// The embedded default registry.
    ///
    /// ```
    /// let reg = sotehaku_crawl::Registry::default_registry().unwrap();
    /// let src = reg.get("paijat-hame-news").unwrap();
    /// assert_eq!(src.county.as_deref(), Some("09"));
    /// assert_eq!(src.noindex, sotehaku_crawl::NoindexPolicy::Skip);
    /// ```
    pub fn default_registry() -> Result<Registry> {
        Registry::from_toml(DEFAULT_SOURCES)
    }

    /// Reads a registry file.
    pub fn from_path(path: &Path) -> Result<Registry> {
        let text = std::fs::read_to_string(path).map_err(|e| CrawlError::io(path, e))?;
        Registry::from_toml(&text)
    }

    /// Parses and validates registry TOML (`[[source]]` tables).
    pub fn from_toml(text: &str) -> Result<Registry> {
        let file: RegistryFile = toml::from_str(text).map_err(|e| CrawlError::Registry(e.to_string()))?;
        let registry = Registry { sources: file.sources };
        registry.validate()?;
        Ok(registry)
    }

    /// A registry from sources built in code.
    pub fn from_sources(sources: Vec<Source>) -> Result<Registry> {
        let registry = Registry { sources };
        registry.validate()?;
        Ok(registry)
    }

    fn validate(&self) -> Result<()> {
        let mut names = HashSet::new();
        for s in &self.sources {
            if s.name.trim().is_empty() || !names.insert(s.name.as_str()) {
                return Err(CrawlError::Registry(format!(
                    "empty or duplicate source name {:?}",
                    s.name
                )));
            }
            if s.urls().next().is_none() {
                return Err(CrawlError::Registry(format!(
                    "source {:?} has no start, feed or sitemap URL",
                    s.name
                )));
            }
            for u in s.urls() {
                canon::canonicalize(u).map_err(|e| CrawlError::Registry(format!("source {:?}: {e}", s.name)))?;
            }
            if let Some(p) = &s.article_pattern {
                Regex::new(p)
                    .map_err(|e| CrawlError::Registry(format!("source {:?}: article_pattern: {e}", s.name)))?;
            }
        }
        Ok(())
    }

    /// All sources in file order.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// A source by name.
    pub fn get(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// Mutable access (tests and operators adjust policies in code).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Source> {
        self.sources.iter_mut().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_registry_is_valid_and_complete() {
        let reg = Registry::default_registry().unwrap();
        for code in (1..=21)
            .map(|c| format!("{c:02}"))
            .chain(["90".to_string(), "HUS".to_string()])
        {
            assert!(
                reg.sources().iter().any(|s| s.county.as_deref() == Some(code.as_str())),
                "no source for county {code}"
            );
        }
        for name in ["valtioneuvosto", "stm", "thl"] {
            assert!(reg.get(name).is_some(), "{name}");
        }
        assert!(reg
            .sources()
            .iter()
            .all(|s| s.noindex == NoindexPolicy::Skip && !s.show_noindex));
    }

    #[test]
    fn rejects_bad_entries() {
        let dup = "[[source]]\nname='a'\npublisher='A'\nplatform='news'\nstart=['https://a.fi/']\n\
                   [[source]]\nname='a'\npublisher='A'\nplatform='news'\nstart=['https://b.fi/']\n";
        assert!(Registry::from_toml(dup).is_err());
        let bad_platform = "[[source]]\nname='a'\npublisher='A'\nplatform='sharepoint'\nstart=['https://a.fi/']\n";
        assert!(Registry::from_toml(bad_platform).is_err());
        let no_url = "[[source]]\nname='a'\npublisher='A'\nplatform='news'\n";
        assert!(Registry::from_toml(no_url).is_err());
        let index =
            "[[source]]\nname='a'\npublisher='A'\nplatform='dynasty'\nnoindex='index'\nstart=['https://a.fi/']\n";
        assert_eq!(
            Registry::from_toml(index).unwrap().sources()[0].noindex,
            NoindexPolicy::Index
        );
    }

    #[test]
    fn guesses_platforms() {
        let g = |u: &str| guess_platform(&Url::parse(u).unwrap());
        assert_eq!(
            g("https://x.oncloudos.com/cgi/DREQUEST.PHP?page=meeting_frames"),
            PlatformKind::Dynasty
        );
        assert_eq!(
            g("https://x-julkaisu.tweb.fi/ktwebscr/pk_tek_tweb.htm"),
            PlatformKind::Ktweb
        );
        assert_eq!(g("https://pirha.cloudnc.fi/fi-FI/Toimielimet"), PlatformKind::Casem);
        assert_eq!(g("https://valtioneuvosto.fi/-/10616/x"), PlatformKind::Valtioneuvosto);
        assert_eq!(g("https://paijatha.fi/ajankohtaista/"), PlatformKind::News);
    }
}
