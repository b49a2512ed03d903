//! The platform adapters' listing parsers: any body fetched from a listing, document, feed or JSON API URL of any
//! platform goes through `html::parse` and the adapter's `discover`; discovered targets must be http(s) URLs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sotehaku_crawl::platform::{adapter, PageContext, Role, Target};
use sotehaku_crawl::{PageHints, PlatformKind, Source};
use url::Url;

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

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
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
    let Ok(url) = Url::parse(url_str) else {
        return;
    };
    let Ok(mut source) = Source::ad_hoc(&[url_str.to_string()]) else {
        return;
    };
    source.platform = kind;
    source.start_as_documents = false;
    if ctl[1] & 0x40 != 0 {
        source.article_pattern = Some("/uutiset/.+|/-/[0-9]+/".into());
    }
    let article_re = source.article_regex();
    let target = Target::get(url.clone(), role, PageHints::default());
    let text = sotehaku_crawl::encoding::decode(body, content_type).0;
    let html = sotehaku_crawl::html::parse(&text, &url);
    let page = PageContext {
        source: &source,
        article_re: article_re.as_ref(),
        target: &target,
        url: &url,
        content_type,
        body,
        html: Some(&html),
    };
    for t in adapter(kind).discover(&page) {
        assert!(
            matches!(t.url.scheme(), "http" | "https"),
            "discovered a non-http URL: {}",
            t.url
        );
        let _ = t.key();
    }
    let _ = adapter(kind).seeds(&source);
});
