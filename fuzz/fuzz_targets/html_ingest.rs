//! HTML main-text extraction and whole-page ingest: any bytes served as a page, under any content type, platform and
//! URL, must give a document or an `IngestError`, never a panic, a hang or an unbounded allocation.
//! The body is `sotehaku_ingest::fuzzing::html_ingest`, which the crate's regression test also replays.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sotehaku_ingest::Ingester;

fn ingester() -> &'static Ingester {
    static INGESTER: OnceLock<Ingester> = OnceLock::new();
    INGESTER.get_or_init(Ingester::new)
}

fuzz_target!(|data: &[u8]| sotehaku_ingest::fuzzing::html_ingest(ingester(), data));
