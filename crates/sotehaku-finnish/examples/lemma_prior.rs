//! Builds a lemma frequency prior from unlabelled corpus text: for every token whose dictionary analyses all share
//! one base form, that base form is counted. Ambiguous words can then be resolved towards the base form that is more
//! frequent on its own in the same kind of text.
//!
//! Usage: `cargo run --release -p sotehaku-finnish --example lemma_prior -- [CORPUS.jsonl] [OUT.tsv] [MIN_COUNT]`
//! (default corpus `<workspace>/../shared/corpus/reform-docs.jsonl`, output to stdout, minimum count 3). Output:
//! `base_form<TAB>count`, most frequent first.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use sotehaku_finnish::morphology::Morphology;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .filter(|a| !a.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/reform-docs.jsonl"));
    let out_path = args.get(1).filter(|a| !a.is_empty()).cloned();
    let min_count: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let Ok(content) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {}", path.display());
        std::process::exit(1);
    };
    let mut tokenizer = sotehaku_finnish::tokenizer::FinnishTokenizer::keep_case();
    let mut form_counts: HashMap<String, usize> = HashMap::new();
    for line in content.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        let mut stream = tantivy::tokenizer::Tokenizer::token_stream(&mut tokenizer, text);
        while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
            *form_counts.entry(t.text.to_lowercase()).or_default() += 1;
        }
    }
    let m = Morphology::builtin();
    let mut lemma_counts: HashMap<String, usize> = HashMap::new();
    for (form, n) in &form_counts {
        let analyses = m.analyze(form);
        let Some(first) = analyses.first() else {
            continue;
        };
        if analyses.iter().all(|a| a.base_form == first.base_form) {
            *lemma_counts.entry(first.base_form.clone()).or_default() += n;
        }
    }
    let mut list: Vec<(String, usize)> = lemma_counts.into_iter().filter(|(_, n)| *n >= min_count).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out: Box<dyn Write> = match &out_path {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("cannot write {p}: {e}");
                std::process::exit(1);
            }
        },
        None => Box::new(std::io::stdout()),
    };
    let _ = writeln!(
        out,
        "# Lemma frequency prior for Morphology::analyze_ranked: base form<TAB>number of tokens of {} whose \
         dictionary analyses all have this base form (count >= {min_count}). Regenerate with `cargo run --release -p \
         sotehaku-finnish --example lemma_prior -- CORPUS.jsonl data/lemma-prior.tsv {min_count}`.",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    for (lemma, n) in &list {
        let _ = writeln!(out, "{lemma}\t{n}");
    }
    eprintln!(
        "{} base forms with count >= {min_count} from {}",
        list.len(),
        path.display()
    );
}
