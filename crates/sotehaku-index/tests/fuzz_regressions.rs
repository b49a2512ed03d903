//! Replays the `query` fuzzer's inputs (crash inputs, seeds) through the target's own body
//! (`sotehaku_index::fuzzing::query`).
//!
//! The crash inputs: a `from` or `to` day before 1678 or after 2261 overflowed `DateTime::from_timestamp_secs`
//! (nanoseconds in an i64) — a panic in debug builds, a wrong range in release. Such days now clamp to the ends.

#[path = "../../../fuzz/replay.rs"]
mod replay;

use sotehaku_index::fuzzing;

#[test]
fn query_inputs_replay_cleanly() {
    let indexes = fuzzing::search_indexes().expect("in-memory indexes");
    let replayed = replay::replay("query", |data| fuzzing::query(&indexes, data));
    assert!(replayed >= 5, "seeds and crash inputs: {replayed}");
}
