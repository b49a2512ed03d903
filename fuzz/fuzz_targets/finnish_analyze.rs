//! The Finnish analysis chain: `analyze`, `expansions`, every tantivy analyzer the index registers, and the VFST
//! transducer reader on arbitrary bytes. Offsets must stay on char boundaries inside the text; nothing may panic.
//! The body is `sotehaku_finnish::fuzzing::finnish_analyze`, which the crate's regression test also replays.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sotehaku_finnish::fuzzing::finnish_analyze(data));
