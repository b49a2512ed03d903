//! Robots rules: robots.txt per RFC 9309 (via `texting_robots`) and page-level directives (meta robots,
//! `X-Robots-Tag`).
//!
//! Status handling follows RFC 9309 §2.3.1: a 2xx robots.txt is parsed; 4xx ("unavailable") allows everything;
//! 5xx, 429 and network failures ("unreachable") disallow everything for the host until the cache entry expires.
//! Only the first 500 KiB are parsed (the RFC's minimum).

use std::time::Duration;

use url::Url;

/// How many bytes of a robots.txt are read and parsed.
pub const ROBOTS_MAX_BYTES: usize = 500 * 1024;

/// The robots.txt rules of one host, for our user-agent token.
#[derive(Debug)]
pub enum RobotsRules {
    /// No usable robots.txt (4xx): everything allowed.
    AllowAll,
    /// robots.txt unavailable because of a server error (5xx, 429): everything disallowed.
    DisallowAll,
    /// robots.txt could not be fetched at all (connection or DNS failure): everything disallowed.
    Unreachable,
    /// A parsed robots.txt.
    Parsed(Box<texting_robots::Robot>),
}

impl RobotsRules {
    /// Builds the rules from a robots.txt response (`None` status = the fetch failed).
    ///
    /// ```
    /// use sotehaku_crawl::robots::RobotsRules;
    /// let rules = RobotsRules::from_response(Some(200), b"User-agent: *\nDisallow: /haku/\nCrawl-delay: 2\n", "sotehaku");
    /// assert!(!rules.allowed(&"https://paijatha.fi/haku/?q=sote".parse().unwrap()));
    /// assert!(rules.allowed(&"https://paijatha.fi/ajankohtaista/".parse().unwrap()));
    /// assert_eq!(rules.crawl_delay(), Some(std::time::Duration::from_secs(2)));
    /// ```
    pub fn from_response(status: Option<u16>, body: &[u8], agent_token: &str) -> RobotsRules {
        match status {
            Some(200..=299) => {
                let body = &body[..body.len().min(ROBOTS_MAX_BYTES)];
                match texting_robots::Robot::new(agent_token, body) {
                    Ok(robot) => RobotsRules::Parsed(Box::new(robot)),
                    // An unparsable file is treated like an empty one (the parser is very forgiving).
                    Err(_) => RobotsRules::AllowAll,
                }
            }
            Some(429) => RobotsRules::DisallowAll,
            Some(400..=499) => RobotsRules::AllowAll,
            Some(_) => RobotsRules::DisallowAll,
            None => RobotsRules::Unreachable,
        }
    }

    /// Whether our agent may fetch this URL.
    pub fn allowed(&self, url: &Url) -> bool {
        match self {
            RobotsRules::AllowAll => true,
            RobotsRules::DisallowAll | RobotsRules::Unreachable => url.path() == "/robots.txt",
            RobotsRules::Parsed(robot) => robot.allowed(url.as_str()),
        }
    }

    /// The `Crawl-delay` for our agent, if any (negative or non-finite values are ignored).
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            RobotsRules::Parsed(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f64(f64::from(d))),
            _ => None,
        }
    }

    /// `Sitemap:` lines of the file.
    pub fn sitemaps(&self) -> Vec<String> {
        match self {
            RobotsRules::Parsed(robot) => robot.sitemaps.clone(),
            _ => Vec::new(),
        }
    }
}

const KNOWN_DIRECTIVES: &[&str] = &[
    "all",
    "noindex",
    "nofollow",
    "none",
    "noarchive",
    "nosnippet",
    "notranslate",
    "noimageindex",
    "unavailable_after",
    "max-snippet",
    "max-image-preview",
    "max-video-preview",
    "indexifembedded",
    "index",
    "follow",
];

/// Parses `X-Robots-Tag` header values into lowercase directives that apply to our agent (values without an agent
/// prefix, or prefixed with `agent_token:`). `unavailable_after: <date>` is kept whole.
///
/// ```
/// use sotehaku_crawl::robots::parse_x_robots_tag;
/// let d = parse_x_robots_tag(&["noindex, nofollow", "otherbot: noarchive", "sotehaku: noarchive"], "sotehaku");
/// assert_eq!(d, vec!["noindex", "nofollow", "noarchive"]);
/// ```
pub fn parse_x_robots_tag(values: &[&str], agent_token: &str) -> Vec<String> {
    let mut out = Vec::new();
    for value in values.iter().take(16) {
        let mut rest = value.trim();
        if let Some((head, tail)) = rest.split_once(':') {
            let head_l = head.trim().to_ascii_lowercase();
            if !KNOWN_DIRECTIVES.contains(&head_l.as_str()) {
                if head_l != agent_token.to_ascii_lowercase() {
                    continue;
                }
                rest = tail.trim();
            }
        }
        push_directives(rest, &mut out);
    }
    out
}

/// Parses a meta robots `content` value (`noindex, nofollow`) into lowercase directives, appending to `out`.
pub fn push_directives(content: &str, out: &mut Vec<String>) {
    let lower = content.to_ascii_lowercase();
    if let Some(pos) = lower.find("unavailable_after") {
        let d = lower[pos..].trim().to_string();
        if !out.contains(&d) {
            out.push(d);
        }
    }
    for part in lower.split(',').take(32) {
        let d = part.trim();
        if d.is_empty() || d.starts_with("unavailable_after") {
            continue;
        }
        if KNOWN_DIRECTIVES
            .iter()
            .any(|k| d == *k || d.starts_with(&format!("{k}:")))
            && !out.iter().any(|o| o == d)
        {
            out.push(d.to_string());
        }
    }
}

/// Whether a directive list forbids following links (`nofollow` or `none`).
pub fn is_nofollow(directives: &[String]) -> bool {
    directives.iter().any(|d| d == "nofollow" || d == "none")
}

/// Whether a directive list forbids indexing (`noindex` or `none`).
pub fn is_noindex(directives: &[String]) -> bool {
    directives.iter().any(|d| d == "noindex" || d == "none")
}

/// Whether a directive list forbids keeping a copy (`noarchive` or `none`).
pub fn is_noarchive(directives: &[String]) -> bool {
    directives.iter().any(|d| d == "noarchive" || d == "none")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    #[test]
    fn rfc9309_status_classes() {
        assert!(RobotsRules::from_response(Some(404), b"", "sotehaku").allowed(&url("https://a.fi/x")));
        assert!(!RobotsRules::from_response(Some(503), b"", "sotehaku").allowed(&url("https://a.fi/x")));
        assert!(!RobotsRules::from_response(None, b"", "sotehaku").allowed(&url("https://a.fi/x")));
        assert!(!RobotsRules::from_response(Some(429), b"", "sotehaku").allowed(&url("https://a.fi/x")));
    }

    #[test]
    fn allow_beats_shorter_disallow_and_wildcards_match_queries() {
        let txt = b"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\nDisallow: /*?replytocom=\n\
                    Sitemap: https://paijatha.fi/sitemap_index.xml\n";
        let r = RobotsRules::from_response(Some(200), txt, "sotehaku");
        assert!(r.allowed(&url("https://paijatha.fi/wp-admin/admin-ajax.php")));
        assert!(!r.allowed(&url("https://paijatha.fi/wp-admin/options.php")));
        assert!(!r.allowed(&url("https://paijatha.fi/ajankohtaista/x/?replytocom=5")));
        assert!(r.allowed(&url("https://paijatha.fi/ajankohtaista/x/")));
        assert_eq!(r.sitemaps(), vec!["https://paijatha.fi/sitemap_index.xml".to_string()]);
        assert_eq!(r.crawl_delay(), None);
    }

    #[test]
    fn specific_group_applies_to_our_agent() {
        let txt = b"User-agent: *\nDisallow: /\n\nUser-agent: sotehaku\nDisallow: /cgi/\nCrawl-delay: 0.5\n";
        let r = RobotsRules::from_response(Some(200), txt, "sotehaku");
        assert!(r.allowed(&url("https://espoo04.hosting.documenta.fi/kokous/TELIMET.HTM")));
        assert!(!r.allowed(&url(
            "https://espoo04.hosting.documenta.fi/cgi/DREQUEST.PHP?page=search"
        )));
        assert_eq!(r.crawl_delay(), Some(Duration::from_millis(500)));
    }

    #[test]
    fn meta_directives() {
        let mut d = Vec::new();
        push_directives("NOINDEX, nofollow", &mut d);
        assert!(is_noindex(&d) && is_nofollow(&d) && !is_noarchive(&d));
        let mut d = Vec::new();
        push_directives("none", &mut d);
        assert!(is_noindex(&d) && is_nofollow(&d) && is_noarchive(&d));
    }
}
