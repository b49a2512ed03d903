//! Date parsing: Finnish/Swedish/ISO dates in running text, the publication-date heuristic and single date strings.
//! The body is `sotehaku_ingest::fuzzing::date`, which the crate's regression test also replays.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sotehaku_ingest::fuzzing::date(data));
