//! The Finnish analysis chain: `analyze`, `expansions`, every tantivy analyzer the index registers, and the VFST
//! transducer reader on arbitrary bytes. Offsets must stay on char boundaries inside the text; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sotehaku_finnish::analyzers;
use sotehaku_finnish::vfst::Transducer;
use tantivy::tokenizer::TokenStream as _;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 8 == 7 {
        // Arbitrary bytes as a VFST file; when they load, look a word up in them.
        if let Ok(t) = Transducer::from_bytes(rest) {
            let word = String::from_utf8_lossy(rest.get(..rest.len().min(24)).unwrap_or_default());
            let _ = t.lookup(&word);
        }
        return;
    }
    let text = String::from_utf8_lossy(rest);
    for tok in sotehaku_finnish::analyze(&text) {
        assert!(
            tok.offset_from <= tok.offset_to && tok.offset_to <= text.len(),
            "offsets out of the text"
        );
        assert!(
            text.get(tok.offset_from..tok.offset_to).is_some(),
            "offsets not on char boundaries"
        );
    }
    if text.len() < 200 {
        let _ = sotehaku_finnish::expansions(&text);
    }
    let mut chain = match mode % 8 {
        0 => analyzers::fi_base(),
        1 => analyzers::fi_parts(),
        2 => analyzers::sv_base(),
        3 => analyzers::plain(),
        4 => analyzers::snowball(),
        _ => analyzers::fi_base(),
    };
    let mut stream = chain.token_stream(&text);
    while stream.advance() {
        let t = stream.token();
        assert!(
            t.offset_from <= t.offset_to && t.offset_to <= text.len(),
            "tantivy offsets out of the text"
        );
    }
    drop(stream);
    let _ = analyzers::terms_by_position(&mut chain, &text);
    let _ = sotehaku_finnish::normalize::normalize(&text);
});
