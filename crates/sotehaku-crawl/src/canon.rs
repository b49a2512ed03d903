//! URL canonicalisation and address checks.
//!
//! Canonical URLs are the keys of the frontier and the archive: scheme and host lower-cased, default port and
//! fragment dropped, percent-encoding normalised by the `url` crate, and only well-known tracking parameters
//! (`utm_*`, `fbclid`, `gclid`) removed. Everything else in the query string is kept byte for byte and in order,
//! because the platforms put the document identity there (`DREQUEST.PHP?page=meetingitem&id=…`,
//! `pk_asil_tweb.htm?+bid=…`, `ktproxy2.dll?doctype=3&docid=…`).

use std::net::IpAddr;

use url::Url;

use crate::error::{CrawlError, Result};

/// Parses and canonicalises an absolute `http`/`https` URL.
///
/// ```
/// let u = sotehaku_crawl::canon::canonicalize("HTTPS://Paijatha.FI:443/ajankohtaista/?utm_source=x&page=2#top").unwrap();
/// assert_eq!(u.as_str(), "https://paijatha.fi/ajankohtaista/?page=2");
/// let k = sotehaku_crawl::canon::canonicalize("http://h.fi/ktwebscr/pk_asil_tweb.htm?+bid=12867").unwrap();
/// assert_eq!(k.as_str(), "http://h.fi/ktwebscr/pk_asil_tweb.htm?+bid=12867");
/// ```
pub fn canonicalize(input: &str) -> Result<Url> {
    let url = Url::parse(input.trim()).map_err(|e| CrawlError::InvalidUrl {
        url: input.to_string(),
        reason: e.to_string(),
    })?;
    canonical_url(url).ok_or_else(|| CrawlError::InvalidUrl {
        url: input.to_string(),
        reason: "only absolute http and https URLs with a host are crawled".into(),
    })
}

/// Resolves `href` against `base` and canonicalises it; `None` for non-HTTP links (mailto:, javascript:, …).
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = base.join(href).ok()?;
    canonical_url(url)
}

fn canonical_url(mut url: Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    // `url` already drops default ports and lower-cases scheme and host; strip a trailing dot of the host.
    if let Some(host) = url.host_str() {
        if let Some(stripped) = host.strip_suffix('.') {
            let stripped = stripped.to_string();
            url.set_host(Some(&stripped)).ok()?;
        }
    }
    if let Some(query) = url.query() {
        if query.is_empty() {
            url.set_query(None);
        } else if query.split('&').any(is_tracking_param) {
            let kept: Vec<&str> = query.split('&').filter(|p| !is_tracking_param(p)).collect();
            let kept = kept.join("&");
            url.set_query(if kept.is_empty() { None } else { Some(&kept) });
        }
    }
    Some(url)
}

fn is_tracking_param(pair: &str) -> bool {
    let name = pair.split('=').next().unwrap_or("").to_ascii_lowercase();
    name.starts_with("utm_") || name == "fbclid" || name == "gclid" || name == "mc_cid" || name == "mc_eid"
}

/// The origin key of a URL (`scheme://host:port`), used for per-host politeness state and robots.txt.
pub fn origin_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Whether an address is one a public crawler must not reach: loopback, private (RFC 1918, unique-local),
/// link-local, carrier-grade NAT, unspecified, broadcast, multicast or documentation ranges.
///
/// ```
/// use sotehaku_crawl::canon::is_private_address;
/// assert!(is_private_address("127.0.0.1".parse().unwrap()));
/// assert!(is_private_address("169.254.169.254".parse().unwrap()));
/// assert!(is_private_address("::ffff:10.0.0.1".parse().unwrap()));
/// assert!(!is_private_address("193.166.1.1".parse().unwrap()));
/// ```
pub fn is_private_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_address(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || (seg[0] == 0x64 && seg[1] == 0xff9b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_platform_query_strings_and_drops_tracking() {
        let u =
            canonicalize("https://luhva-d10julk.oncloudos.com/cgi/DREQUEST.PHP?page=meetingitem&id=202301-13").unwrap();
        assert_eq!(u.query(), Some("page=meetingitem&id=202301-13"));
        let u = canonicalize("https://a.fi/x?b=2&utm_medium=rss&a=1&fbclid=zz").unwrap();
        assert_eq!(u.query(), Some("b=2&a=1"));
        let u = canonicalize("https://a.fi/x?utm_medium=rss").unwrap();
        assert_eq!(u.as_str(), "https://a.fi/x");
    }

    #[test]
    fn rejects_non_http() {
        assert!(canonicalize("ftp://a.fi/x").is_err());
        assert!(canonicalize("mailto:a@b.fi").is_err());
        let base = canonicalize("https://a.fi/dir/page.htm").unwrap();
        assert!(resolve(&base, "javascript:void(0)").is_none());
        assert!(resolve(&base, "#top").is_none());
        assert_eq!(
            resolve(&base, "../kokous/TELIMET.HTM").unwrap().as_str(),
            "https://a.fi/kokous/TELIMET.HTM"
        );
    }

    #[test]
    fn origin_has_explicit_port() {
        let u = canonicalize("https://julkaisut.kymenhva.fi:8443/ktwebscr/pk_tek_tweb.htm").unwrap();
        assert_eq!(origin_key(&u), "https://julkaisut.kymenhva.fi:8443");
        let u = canonicalize("https://a.fi/").unwrap();
        assert_eq!(origin_key(&u), "https://a.fi:443");
    }

    #[test]
    fn private_ranges() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
        ] {
            assert!(is_private_address(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "2a00:1450::1"] {
            assert!(!is_private_address(ip.parse().unwrap()), "{ip}");
        }
    }
}
