//! robots.txt, X-Robots-Tag / meta robots, RSS/Atom feeds and sitemaps on arbitrary bytes.
//! The body is `sotehaku_crawl::fuzzing::robots_feeds`, which the crate's regression test also replays.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sotehaku_crawl::fuzzing::robots_feeds(data));
