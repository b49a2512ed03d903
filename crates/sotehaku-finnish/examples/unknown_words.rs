//! Lists the most frequent word types of a corpus that neither the dictionary nor the lexicon knows (their analysis
//! is guessed from a known ending or falls back to Snowball), to find what `data/lexicon.tsv` is missing.
//!
//! Usage: `cargo run --release -p sotehaku-finnish --example unknown_words -- [CORPUS.jsonl] [TOP] [--shadowed]`
//! (default: `<workspace>/../shared/corpus/reform-docs.jsonl`, top 50). Prints count, token and base form. With
//! `--shadowed` it lists instead the word types that the lexicon analyses although the dictionary knows them (a
//! lexicon stem that captures real words).

use std::collections::HashMap;
use std::path::PathBuf;

use sotehaku_finnish::analyze::Source;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .filter(|a| !a.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/reform-docs.jsonl"));
    let top: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let shadowed = args.iter().any(|a| a == "--shadowed");
    let Ok(content) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {}", path.display());
        std::process::exit(1);
    };
    let analyzer = sotehaku_finnish::analyze::WordAnalyzer::builtin();
    let mut tokenizer = sotehaku_finnish::tokenizer::FinnishTokenizer::keep_case();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let (mut tokens, mut unknown) = (0usize, 0usize);
    for line in content.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        let mut stream = tantivy::tokenizer::Tokenizer::token_stream(&mut tokenizer, text);
        while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
            tokens += 1;
            let source = analyzer.analyze_word(&t.text).source;
            if shadowed {
                if source == Source::Lexicon
                    && !sotehaku_finnish::morphology::Morphology::builtin()
                        .analyze(&t.text)
                        .is_empty()
                {
                    *counts.entry(t.text.clone()).or_default() += 1;
                }
            } else if source == Source::Snowball || source == Source::Guess {
                unknown += 1;
                *counts.entry(t.text.clone()).or_default() += 1;
            }
        }
    }
    println!(
        "{}: {tokens} tokens, {unknown} ({:.2}%) unknown (guessed or Snowball), {} distinct",
        path.display(),
        100.0 * unknown as f64 / tokens.max(1) as f64,
        counts.len()
    );
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (word, n) in list.into_iter().take(top) {
        let a = analyzer.analyze_word(&word);
        println!("{n:>6}  {word:<30} {:<8} {:?}", a.source.as_str(), a.base_forms);
    }
}
