//! Replays ingest fuzzers' inputs (crash inputs, seeds) for the `html_ingest`, `date`, `pdf` and `charset` targets
//! through the targets' own bodies (`sotehaku_ingest::fuzzing`). Each input must finish without a panic and within a
//! few seconds.

#[path = "../../../fuzz/replay.rs"]
mod replay;

use sotehaku_ingest::fuzzing;
use sotehaku_ingest::pdf::pdf_text;
use sotehaku_ingest::Ingester;

#[test]
fn html_ingest_inputs_replay_cleanly() {
    let ingester = Ingester::new();
    replay::replay("html_ingest", |data| fuzzing::html_ingest(&ingester, data));
}

#[test]
fn date_inputs_replay_cleanly() {
    replay::replay("date", fuzzing::date);
}

#[test]
fn pdf_inputs_replay_cleanly() {
    replay::replay("pdf", fuzzing::pdf);
}

#[test]
fn pdf_seed_gives_its_text() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/pdf/minutes.pdf");
    let bytes = std::fs::read(root).expect("the PDF seed");
    let text = pdf_text(&bytes).expect("text of the seed PDF");
    assert!(text.contains("Hyvinvointialueen aluehallitus"), "{text}");
}

#[test]
fn charset_inputs_replay_cleanly() {
    replay::replay("charset", fuzzing::charset);
}
