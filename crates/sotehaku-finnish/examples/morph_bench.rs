//! Speed of the uncached morphology: `cargo run --release -p sotehaku-finnish --example morph_bench [CONLLU]`.
//!
//! Analyses every word type of UD Finnish-TDT dev (default `<workspace>/../shared/eval/ud-fi/fi_tdt-ud-dev.conllu`)
//! and then every running token, without any cache, on one thread, and prints words per second.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sotehaku_finnish::morphology::Morphology;

fn main() {
    let path = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/ud-fi/fi_tdt-ud-dev.conllu")
    });
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "cannot read {}; pass a CoNLL-U file as the first argument",
            path.display()
        );
        std::process::exit(2);
    };
    let tokens: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let id = cols.next()?;
            let form = cols.next()?;
            (!id.contains('-') && !id.contains('.')).then_some(form)
        })
        .collect();
    let mut types: Vec<&str> = tokens.clone();
    types.sort_unstable();
    types.dedup();

    let m = Morphology::builtin();
    let load = Instant::now();
    let _ = m.analyze("talo");
    println!("dictionary load + first lookup: {:?}", load.elapsed());

    let (types_rate, analysed) = run(m, &types, 3);
    println!(
        "word types: {} ({} with analyses), {:.0} words/s uncached (best of 3 passes, 1 thread)",
        types.len(),
        analysed,
        types_rate
    );
    let (tokens_rate, _) = run(m, &tokens, 2);
    println!(
        "running tokens: {}, {:.0} tokens/s uncached (best of 2 passes, 1 thread)",
        tokens.len(),
        tokens_rate
    );
}

/// Best words/s over `passes` passes of `analyze` on `words`, and how many words got analyses.
fn run(m: &Morphology, words: &[&str], passes: usize) -> (f64, usize) {
    let mut best = Duration::MAX;
    let mut analysed = 0;
    for _ in 0..passes {
        let start = Instant::now();
        analysed = 0;
        for w in words {
            if !std::hint::black_box(m.analyze(w)).is_empty() {
                analysed += 1;
            }
        }
        best = best.min(start.elapsed());
    }
    (words.len() as f64 / best.as_secs_f64().max(1e-9), analysed)
}
