//! The body of the `finnish_analyze` fuzz target (`fuzz/fuzz_targets/finnish_analyze.rs`), shared with the test that
//! replays its inputs (`tests/fuzz_regressions.rs`). It panics when an invariant breaks; that is what both look for.

use tantivy::tokenizer::TokenStream as _;

use crate::analyzers;
use crate::vfst::Transducer;

/// The first byte picks what runs on the rest: 7 (mod 8) loads the bytes as a VFST transducer and looks a word up;
/// otherwise the text goes through `analyze`, `expansions`, one of the tantivy chains (by the byte) and
/// `normalize`. Token offsets must lie inside the text, on char boundaries.
pub fn finnish_analyze(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 8 == 7 {
        if let Ok(t) = Transducer::from_bytes(rest) {
            let word = String::from_utf8_lossy(rest.get(..rest.len().min(24)).unwrap_or_default());
            let _ = t.lookup(&word);
        }
        return;
    }
    let text = String::from_utf8_lossy(rest);
    for tok in crate::analyze(&text) {
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
        let _ = crate::expansions(&text);
    }
    let mut chain = match mode % 8 {
        1 => analyzers::fi_parts(),
        2 => analyzers::sv_base(),
        3 => analyzers::plain(),
        4 => analyzers::snowball(),
        5 => analyzers::fi_base_for_terms(text.split_whitespace().take(8)),
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
    let _ = crate::normalize::normalize(&text);
}
