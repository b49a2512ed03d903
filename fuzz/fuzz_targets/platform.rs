//! The platform adapters' listing parsers: any body fetched from a listing, document, feed or JSON API URL of any
//! platform goes through `html::parse` and the adapter's `discover`; discovered targets must be http(s) URLs.
//! The body is `sotehaku_crawl::fuzzing::platform`, which the crate's regression test also replays.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sotehaku_crawl::fuzzing::platform(data);
});
