//! Builds a lemma frequency prior from unlabelled corpus text. Every token counts for the base forms of its most
//! plausible analyses (`Morphology::analyze_preferred`): a token with one such base form counts fully for it; a
//! token with several is shared among them in proportion to their current estimates, re-estimated a few times
//! (expectation-maximisation, starting from the unambiguous tokens). Ambiguous words can then be resolved towards the
//! base form that is more frequent in the same kind of text, and base forms whose every form is ambiguous
//! (`syöpä`: syövän is also a form of syövä) still get counted.
//!
//! Usage: `cargo run --release -p sotehaku-finnish --example lemma_prior -- [CORPUS.jsonl] [OUT.tsv] [MIN_COUNT]`
//! (default corpus `<workspace>/../shared/corpus/reform-docs.jsonl`, output to stdout, minimum count 3). Output:
//! `base_form<TAB>count`, most frequent first.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use sotehaku_finnish::morphology::Morphology;

/// Re-estimation rounds for tokens with several plausible base forms.
const EM_ROUNDS: usize = 5;
/// Added to every estimate when sharing a token, so unseen base forms get a small share.
const SMOOTHING: f64 = 1.0;

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
    let mut unambiguous: HashMap<String, f64> = HashMap::new();
    let mut ambiguous: Vec<(f64, Vec<String>)> = Vec::new();
    for (form, n) in &form_counts {
        let mut bases: Vec<String> = Vec::new();
        for a in m.analyze_preferred(form) {
            if !bases.contains(&a.base_form) {
                bases.push(a.base_form);
            }
        }
        match bases.len() {
            0 => {}
            1 => *unambiguous.entry(bases.remove(0)).or_default() += *n as f64,
            _ => ambiguous.push((*n as f64, bases)),
        }
    }
    let mut estimate = unambiguous.clone();
    for _ in 0..EM_ROUNDS {
        let mut next = unambiguous.clone();
        for (n, bases) in &ambiguous {
            let weights: Vec<f64> = bases
                .iter()
                .map(|b| estimate.get(b).copied().unwrap_or(0.0) + SMOOTHING)
                .collect();
            let total: f64 = weights.iter().sum();
            for (b, w) in bases.iter().zip(&weights) {
                *next.entry(b.clone()).or_default() += n * w / total;
            }
        }
        estimate = next;
    }
    let mut list: Vec<(String, usize)> = estimate
        .into_iter()
        .map(|(b, n)| (b, n.round() as usize))
        .filter(|(_, n)| *n >= min_count)
        .collect();
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
        "# Lemma frequency prior for Morphology::analyze_ranked: base form<TAB>estimated number of tokens of {} with \
         this base form (tokens with one plausible base form count fully, ambiguous ones are shared by \
         expectation-maximisation; count >= {min_count}). Regenerate with `cargo run --release -p sotehaku-finnish \
         --example lemma_prior -- CORPUS.jsonl data/lemma-prior.tsv {min_count}`.",
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
