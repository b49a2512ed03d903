//! News CMS adapter (WordPress, Drupal, Liferay, …): listing pages with pagination, article pages, RSS/Atom feeds
//! and sitemaps.
//!
//! An article is a URL matching the source's `article_pattern`; without one, a URL one or two path segments below
//! a start listing (`/ajankohtaista/<slug>/`) with no query string, or — on Liferay sites such as valtioneuvosto.fi
//! (`liferay`) — a `/-/<id>/<slug>` path. Pagination is recognised by `rel="next"`, a `next`/`pager` class, a
//! `page=`/`sivu=` query on a listing path, or `/page/<n>/` below it. Articles are only parsed for PDF attachments.

use url::Url;

use super::{discover_links, discover_xml, is_pdf_url, PageContext, Platform, Role, Target};
use crate::registry::{PlatformKind, Source};

/// The news adapter; `liferay` adds the `/-/<id>/<slug>` article rule of valtioneuvosto.fi and the ministries.
pub struct News {
    /// Whether `/-/…` paths are articles.
    pub liferay: bool,
}

fn listing_prefixes(source: &Source) -> Vec<String> {
    source
        .start
        .iter()
        .filter_map(|u| Url::parse(u).ok())
        .map(|u| {
            let p = u.path().to_string();
            if p.ends_with('/') {
                p
            } else {
                format!("{p}/")
            }
        })
        .filter(|p| p != "/")
        .collect()
}

impl News {
    fn is_article(&self, page: &PageContext<'_>, url: &Url) -> bool {
        let path_query = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if let Some(re) = page.article_re {
            return re.is_match(&path_query);
        }
        if self.liferay && url.path().starts_with("/-/") && url.path().len() > 3 {
            return true;
        }
        if url.query().is_some() {
            return false;
        }
        listing_prefixes(page.source).iter().any(|prefix| {
            let Some(rest) = url.path().strip_prefix(prefix.as_str()) else {
                return false;
            };
            let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
            !segments.is_empty()
                && segments.len() <= 2
                && !matches!(segments.first(), Some(&"page") | Some(&"sivu") | Some(&"feed"))
        })
    }

    fn is_pagination(page: &PageContext<'_>, url: &Url, rel: &str, class: &str, text: &str) -> bool {
        let prefixes = listing_prefixes(page.source);
        let on_listing_path = prefixes.iter().any(|p| {
            let bare = p.trim_end_matches('/');
            url.path() == p || url.path() == bare
        });
        if rel.contains("next") || rel.contains("prev") {
            return true;
        }
        let class = class.to_ascii_lowercase();
        if (class.contains("next") || class.contains("page-numbers") || class.contains("pager"))
            && (on_listing_path || prefixes.iter().any(|p| url.path().starts_with(p.as_str())))
        {
            return true;
        }
        if on_listing_path {
            if let Some(q) = url.query() {
                return q
                    .split('&')
                    .any(|kv| kv.starts_with("page=") || kv.starts_with("sivu="));
            }
        }
        let text_is_number = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
        prefixes.iter().any(|p| {
            url.path().strip_prefix(p.as_str()).is_some_and(|rest| {
                let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
                segs.len() == 2 && matches!(segs[0], "page" | "sivu") && segs[1].chars().all(|c| c.is_ascii_digit())
            })
        }) || (text_is_number && on_listing_path)
    }
}

impl Platform for News {
    fn kind(&self) -> PlatformKind {
        if self.liferay {
            PlatformKind::Valtioneuvosto
        } else {
            PlatformKind::News
        }
    }

    fn discover(&self, page: &PageContext<'_>) -> Vec<Target> {
        let classify = |url: &Url, _text: &str| {
            if self.is_article(page, url) {
                Some((Role::Document, None))
            } else if is_pdf_url(url) {
                Some((Role::Document, Some("attachment")))
            } else {
                None
            }
        };
        if let Some(kind) = page.xml_kind() {
            return discover_xml(page, kind, &classify, None);
        }
        let Some(html) = page.html else { return Vec::new() };
        if page.target.role == Role::Document {
            // Articles: only their PDF attachments.
            return discover_links(page, &|url: &Url, _t: &str| {
                is_pdf_url(url).then_some((Role::Document, Some("attachment")))
            });
        }
        let mut out = Vec::new();
        for link in &html.links {
            let feed_link = link.tag == "link"
                && link.rel.contains("alternate")
                && (link.mime.contains("rss") || link.mime.contains("atom"));
            if feed_link {
                out.push(Target::get(
                    link.url.clone(),
                    Role::Listing,
                    page.hints(None, None, None),
                ));
            } else if link.tag == "a" && self.is_article(page, &link.url) {
                out.push(Target::get(
                    link.url.clone(),
                    Role::Document,
                    page.hints(Some(&link.text), link.date.clone(), None),
                ));
            } else if Self::is_pagination(page, &link.url, &link.rel, &link.class, &link.text) {
                out.push(Target::get(
                    link.url.clone(),
                    Role::Listing,
                    page.hints(None, None, None),
                ));
            }
        }
        out
    }
}
