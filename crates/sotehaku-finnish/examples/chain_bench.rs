//! Benchmark of the Finnish chain (`fi_base`): tokens per second uncached and with the word-form cache, on corpus text.
//!
//! Usage: `cargo run -p sotehaku-finnish --example chain_bench [--config 'profile.dev.package.sotehaku-finnish.opt-level=3'] -- [CORPUS.jsonl|TEXT_DIR] [MAX_MB]`
//! (default: `<workspace>/../shared/corpus/reform-docs.jsonl`, first 8 MB of document text). A JSONL corpus has a
//! `text` field per line; a directory is read as `*.txt` files. Single-threaded, so the figures are per core.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use sotehaku_finnish::analyze::WordAnalyzer;
use sotehaku_finnish::analyzers;
use tantivy::tokenizer::TextAnalyzer;

fn load(path: &PathBuf, max_bytes: usize) -> std::io::Result<Vec<String>> {
    let mut docs = Vec::new();
    let mut total = 0usize;
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for f in files.into_iter().filter(|f| f.extension().is_some_and(|x| x == "txt")) {
            let text = std::fs::read_to_string(f)?;
            total += text.len();
            docs.push(text);
            if total >= max_bytes {
                break;
            }
        }
        return Ok(docs);
    }
    let content = std::fs::read_to_string(path)?;
    for line in content.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let Some(text) = value.get("text").and_then(|t| t.as_str()) {
            total += text.len();
            docs.push(text.to_string());
        }
        if total >= max_bytes {
            break;
        }
    }
    Ok(docs)
}

/// Runs the analyzer over all docs; returns (word positions, emitted tokens, seconds).
fn run(analyzer: &mut TextAnalyzer, docs: &[String]) -> (usize, usize, f64) {
    let start = Instant::now();
    let (mut words, mut emitted) = (0usize, 0usize);
    for doc in docs {
        let mut stream = analyzer.token_stream(doc);
        let mut last_position = usize::MAX;
        while let Some(t) = stream.next() {
            emitted += 1;
            if t.position != last_position {
                words += 1;
                last_position = t.position;
            }
        }
    }
    (words, emitted, start.elapsed().as_secs_f64())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/reform-docs.jsonl"));
    let max_mb: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(8);
    let docs = match load(&path, max_mb * 1_000_000) {
        Ok(d) if !d.is_empty() => d,
        Ok(_) | Err(_) => {
            eprintln!("no text found at {}", path.display());
            std::process::exit(1);
        }
    };
    let bytes: usize = docs.iter().map(String::len).sum();
    println!(
        "corpus: {} ({} docs, {:.1} MB of text)",
        path.display(),
        docs.len(),
        bytes as f64 / 1e6
    );

    // Load the dictionary before timing anything.
    let _ = WordAnalyzer::builtin().analyze_word("talo");
    let _ = WordAnalyzer::uncached().analyze_word("talo");

    let mut uncached = analyzers::fi_base_with(Arc::new(WordAnalyzer::uncached()));
    let (w, e, s) = run(&mut uncached, &docs);
    println!(
        "uncached: {w} words ({e} tokens emitted) in {s:.2} s = {:.0} words/s",
        w as f64 / s
    );

    let cached = Arc::new(WordAnalyzer::new(
        Arc::new(sotehaku_finnish::analyze::VoikkoDictionary),
        Some(200_000),
    ));
    let mut chain = analyzers::fi_base_with(Arc::clone(&cached));
    let (w, _, s) = run(&mut chain, &docs);
    println!(
        "cached, cold (first pass fills the cache): {w} words in {s:.2} s = {:.0} words/s",
        w as f64 / s
    );
    let (w, e, s) = run(&mut chain, &docs);
    println!(
        "cached, warm: {w} words ({e} tokens emitted) in {s:.2} s = {:.0} words/s",
        w as f64 / s
    );

    // The dictionary alone (F1's morphology) on the same words, to show where uncached time goes.
    let mut tokenizer = sotehaku_finnish::tokenizer::FinnishTokenizer::keep_case();
    let mut words = Vec::new();
    for doc in &docs {
        let mut stream = tantivy::tokenizer::Tokenizer::token_stream(&mut tokenizer, doc);
        while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
            words.push(t.text.clone());
        }
    }
    let start = Instant::now();
    let mut readings = 0usize;
    for w in &words {
        readings += sotehaku_finnish::morphology::Morphology::builtin().analyze(w).len();
    }
    let s = start.elapsed().as_secs_f64();
    println!(
        "dictionary alone (Morphology::analyze): {} words in {s:.2} s = {:.0} words/s ({readings} readings)",
        words.len(),
        words.len() as f64 / s
    );

    let mut stock = analyzers::snowball();
    let (w, _, s) = run(&mut stock, &docs);
    println!(
        "reference, tantivy stock Finnish Snowball chain: {w} words in {s:.2} s = {:.0} words/s",
        w as f64 / s
    );
}
