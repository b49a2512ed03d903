//! Charset decoding: the crawler's and ingest's decoders on any body and any Content-Type value.
//! The body is `sotehaku_ingest::fuzzing::charset`, which the crate's regression test also replays.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sotehaku_ingest::fuzzing::charset(data));
