//! Replays the crawler fuzzers' inputs (crash inputs, seeds) for the `platform` and `robots_feeds` targets through
//! the targets' own bodies (`sotehaku_crawl::fuzzing`).

#[path = "../../../fuzz/replay.rs"]
mod replay;

use sotehaku_crawl::fuzzing;

#[test]
fn platform_inputs_replay_cleanly() {
    let mut discovered = 0;
    replay::replay("platform", |data| discovered += fuzzing::platform(data));
    // The seeds are real listings: the harness must reach the adapters' link discovery.
    assert!(discovered > 0, "no seed listing gave any link");
}

#[test]
fn robots_feeds_inputs_replay_cleanly() {
    replay::replay("robots_feeds", fuzzing::robots_feeds);
}
