//! PDF text handling: any bytes given to `pdf_text` give text or a `PdfError`. `pdf-extract` may panic; `pdf_text`
//! catches that, so this target replaces libfuzzer-sys's aborting panic hook with a quiet one: a panic that escapes
//! `pdf_text` still aborts the run (libfuzzer-sys's own `catch_unwind` around the target does that).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sotehaku_ingest::pdf::pdf_text;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        // Give the header for free so the fuzzer spends its time inside the parser.
        let mut bytes = Vec::with_capacity(data.len() + 9);
        if !data.starts_with(b"%PDF-") {
            bytes.extend_from_slice(b"%PDF-1.4\n");
        }
        bytes.extend_from_slice(data);
        if let Ok(text) = pdf_text(&bytes) {
            assert!(!text.is_empty());
        }
    }
);
