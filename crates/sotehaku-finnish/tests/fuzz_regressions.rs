//! Replays the fuzzer's inputs for the Finnish analysis chain: the crash inputs kept in
//! `fuzz/regressions/finnish_analyze/` and the seed corpus in `fuzz/corpus/finnish_analyze/`, through the same
//! harness as `fuzz/fuzz_targets/finnish_analyze.rs` (first byte picks the chain, or 7 for VFST bytes).

use std::path::PathBuf;

use sotehaku_finnish::analyzers;
use sotehaku_finnish::vfst::Transducer;
use tantivy::tokenizer::TokenStream as _;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut out = Vec::new();
    for dir in ["regressions", "corpus"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                let bytes = std::fs::read(&path).expect("read fuzz input");
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

fn harness(data: &[u8]) {
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
    for tok in sotehaku_finnish::analyze(&text) {
        assert!(tok.offset_from <= tok.offset_to && tok.offset_to <= text.len());
        assert!(text.get(tok.offset_from..tok.offset_to).is_some());
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
        assert!(t.offset_from <= t.offset_to && t.offset_to <= text.len());
    }
    drop(stream);
    let _ = analyzers::terms_by_position(&mut chain, &text);
    let _ = sotehaku_finnish::normalize::normalize(&text);
}

#[test]
fn finnish_analyze_inputs_replay_cleanly() {
    let inputs = inputs("finnish_analyze");
    assert!(
        !inputs.is_empty(),
        "the seed corpus fuzz/corpus/finnish_analyze is missing"
    );
    for (path, data) in &inputs {
        eprintln!("replaying {}", path.display());
        harness(data);
    }
}
