//! The bodies of the crawler's fuzz targets (`fuzz/fuzz_targets/platform.rs`, `robots_feeds.rs`), shared with the
//! test that replays their inputs (`tests/fuzz_regressions.rs`). They panic when an invariant breaks; that is what
//! both look for.

use url::Url;

use crate::platform::feeds::{parse_feed, parse_sitemap, sniff};
use crate::platform::{adapter, PageContext, Role, Target};
use crate::robots::{parse_x_robots_tag, push_directives, RobotsRules};
use crate::{PageHints, PlatformKind, Source};

const KINDS: [PlatformKind; 6] = [
    PlatformKind::News,
    PlatformKind::Valtioneuvosto,
    PlatformKind::Dynasty,
    PlatformKind::Ktweb,
    PlatformKind::Casem,
    PlatformKind::Mfiles,
];
const URLS: [&str; 8] = [
    "https://www.example.fi/uutiset/",
    "https://stm.fi/-/1271139/tiedote",
    "https://poytakirjat.example.fi/cgi/DREQUEST.PHP?page=meeting&id=2017406946",
    "https://ktweb.example.fi/ktwebscr/pk_tek_tweb.htm",
    "https://casem.example.fi/fi-FI/Toimielimet/Hallitus",
    "https://casem.example.fi/api/opennc/v1/nodes/11291/subnodes",
    "https://mfiles.example.fi/kokoukset/hyvinvointialue/",
    "https://www.example.fi/feed/",
];
const CONTENT_TYPES: [Option<&str>; 5] = [
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=iso-8859-1"),
    Some("application/json"),
    Some("application/rss+xml"),
    None,
];

/// Two control bytes pick the platform, URL, content type, role and article pattern; the rest is the body, decoded,
/// parsed and given to the adapter's `discover`. Discovered targets must be http(s) URLs. Returns how many the
/// adapter discovered.
pub fn platform(data: &[u8]) -> usize {
    if data.len() < 2 {
        return 0;
    }
    let (ctl, body) = data.split_at(2);
    let kind = KINDS[usize::from(ctl[0]) % KINDS.len()];
    let url_str = URLS[usize::from(ctl[0] / 8) % URLS.len()];
    let content_type = CONTENT_TYPES[usize::from(ctl[1]) % CONTENT_TYPES.len()];
    let role = if ctl[1] & 0x80 == 0 {
        Role::Listing
    } else {
        Role::Document
    };
    let (Ok(url), Ok(mut source)) = (Url::parse(url_str), Source::ad_hoc(&[url_str.to_string()])) else {
        return 0;
    };
    source.platform = kind;
    source.start_as_documents = false;
    if ctl[1] & 0x40 != 0 {
        source.article_pattern = Some("/uutiset/.+|/-/[0-9]+/".into());
    }
    let article_re = source.article_regex();
    let target = Target::get(url.clone(), role, PageHints::default());
    let text = crate::encoding::decode(body, content_type).0;
    let html = crate::html::parse(&text, &url);
    let page = PageContext {
        source: &source,
        article_re: article_re.as_ref(),
        target: &target,
        url: &url,
        content_type,
        body,
        html: Some(&html),
    };
    let found = adapter(kind).discover(&page);
    for t in &found {
        assert!(
            matches!(t.url.scheme(), "http" | "https"),
            "discovered a non-http URL: {}",
            t.url
        );
        let _ = t.key();
    }
    let _ = adapter(kind).seeds(&source);
    found.len()
}

/// The first byte picks robots.txt (+ X-Robots-Tag and meta robots) or feeds and sitemaps; the rest is the body.
pub fn robots_feeds(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    if mode % 3 == 0 {
        let status = [Some(200), Some(404), Some(500), None][usize::from(mode / 3) % 4];
        let rules = RobotsRules::from_response(status, body, "sotehaku");
        let _ = rules.crawl_delay();
        let _ = rules.sitemaps();
        for u in [
            "https://example.fi/",
            "https://example.fi/haku/?q=a*b$",
            "https://example.fi/%C3%A4/x",
        ] {
            if let Ok(url) = Url::parse(u) {
                let _ = rules.allowed(&url);
            }
        }
        let text = String::from_utf8_lossy(body);
        let _ = parse_x_robots_tag(&[&text], "sotehaku");
        let mut out = Vec::new();
        push_directives(&text, &mut out);
    } else {
        let _ = sniff(body);
        let _ = parse_feed(body);
        let _ = parse_sitemap(body);
    }
}
