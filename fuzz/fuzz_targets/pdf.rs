//! PDF text handling: any bytes given to `pdf_text` give text or a `PdfError`. `pdf-extract` may panic; `pdf_text`
//! catches that, so this target replaces libfuzzer-sys's aborting panic hook with a quiet one: a panic that escapes
//! `pdf_text` still aborts the run (libfuzzer-sys's own `catch_unwind` around the target does that).
//! The body is `sotehaku_ingest::fuzzing::pdf`, which the crate's regression test also replays.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| sotehaku_ingest::fuzzing::pdf(data)
);
