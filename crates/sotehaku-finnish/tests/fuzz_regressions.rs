//! Replays the `finnish_analyze` fuzzer's inputs (crash inputs, seeds) through the fuzz target's own body.

#[path = "../../../fuzz/replay.rs"]
mod replay;

#[test]
fn finnish_analyze_inputs_replay_cleanly() {
    replay::replay("finnish_analyze", sotehaku_finnish::fuzzing::finnish_analyze);
}
