//! Replays the fuzzer's inputs for the crawler's parsers: crash inputs kept in `fuzz/regressions/<target>/` and the
//! seed corpus in `fuzz/corpus/<target>/` for the `platform` (adapters' `discover`) and `robots_feeds` targets,
//! through the same harnesses as `fuzz/fuzz_targets/*.rs`.

use std::path::PathBuf;

use sotehaku_crawl::platform::feeds::{parse_feed, parse_sitemap, sniff};
use sotehaku_crawl::platform::{adapter, PageContext, Role, Target};
use sotehaku_crawl::robots::{parse_x_robots_tag, push_directives, RobotsRules};
use sotehaku_crawl::{PageHints, PlatformKind, Source};
use url::Url;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut out = Vec::new();
    for dir in ["regressions", "corpus"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                let bytes = std::fs::read(&path).expect("read fuzz input");
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    assert!(
        !out.is_empty(),
        "no inputs for {target}: fuzz/corpus/{target} is missing"
    );
    out
}

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

/// The `platform` harness; returns how many targets the adapter discovered.
fn platform(data: &[u8]) -> usize {
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
    let url = Url::parse(url_str).unwrap();
    let mut source = Source::ad_hoc(&[url_str.to_string()]).unwrap();
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

fn robots_feeds(data: &[u8]) {
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
            let _ = rules.allowed(&Url::parse(u).unwrap());
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

#[test]
fn platform_inputs_replay_cleanly() {
    let mut discovered = 0;
    for (path, data) in inputs("platform") {
        eprintln!("replaying {}", path.display());
        discovered += platform(&data);
    }
    // The seeds are real listings: the harness must reach the adapters' link discovery.
    assert!(discovered > 0, "no seed listing gave any link");
}

#[test]
fn robots_feeds_inputs_replay_cleanly() {
    for (path, data) in inputs("robots_feeds") {
        eprintln!("replaying {}", path.display());
        robots_feeds(&data);
    }
}
