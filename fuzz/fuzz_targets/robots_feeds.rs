//! robots.txt, X-Robots-Tag / meta robots, RSS/Atom feeds and sitemaps on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sotehaku_crawl::platform::feeds::{parse_feed, parse_sitemap, sniff};
use sotehaku_crawl::robots::{parse_x_robots_tag, push_directives, RobotsRules};
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
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
        }
        _ => {
            let _ = sniff(body);
            for item in parse_feed(body) {
                let _ = item.link.len();
            }
            for e in parse_sitemap(body) {
                let _ = e;
            }
        }
    }
});
