//! Benchmark of the Finnish chain (`fi_base`): tokens per second uncached and with the word-form cache, on corpus text.
//!
//! Usage: `cargo run --release -p sotehaku-finnish --example chain_bench -- [CORPUS.jsonl|TEXT_DIR] [MAX_MB] [PART]`
//! (default: `<workspace>/../shared/corpus/reform-docs.jsonl`, first 8 MB of document text). A JSONL corpus has a
//! `text` field per line; a directory is read as `*.txt` files. Single-threaded, so the figures are per core; on Linux
//! each rate is also given per second of CPU time of the thread (`/proc/thread-self/schedstat`), which is what "per
//! core" means on a busy machine. `PART` runs only one measurement (`uncached`, `cached`, `dictionary`, `snowball`),
//! for profilers: `valgrind --tool=callgrind target/release/examples/chain_bench CORPUS 1 uncached`, then compare the
//! instruction count with the `snowball` part.

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

/// CPU time of this thread in nanoseconds, if the kernel exposes it.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Wall-clock and (if available) CPU seconds of one measured run.
struct Timing {
    wall: f64,
    cpu: Option<f64>,
}

impl Timing {
    fn measure(f: impl FnOnce()) -> Timing {
        let (start, cpu_start) = (Instant::now(), cpu_ns());
        f();
        let wall = start.elapsed().as_secs_f64().max(1e-9);
        let cpu = match (cpu_start, cpu_ns()) {
            (Some(a), Some(b)) => Some((b.saturating_sub(a) as f64 / 1e9).max(1e-9)),
            _ => None,
        };
        Timing { wall, cpu }
    }

    /// `N/s per CPU-second (N/s wall clock)` for `n` items.
    fn rate(&self, n: usize) -> String {
        match self.cpu {
            Some(cpu) => format!(
                "{:.0}/s per CPU-second ({:.0}/s wall clock, {:.2} s)",
                n as f64 / cpu,
                n as f64 / self.wall,
                self.wall
            ),
            None => format!("{:.0}/s wall clock ({:.2} s)", n as f64 / self.wall, self.wall),
        }
    }
}

/// Runs the analyzer over all docs; returns (word positions, emitted tokens, timing).
fn run(analyzer: &mut TextAnalyzer, docs: &[String]) -> (usize, usize, Timing) {
    let (mut words, mut emitted) = (0usize, 0usize);
    let timing = Timing::measure(|| {
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
    });
    (words, emitted, timing)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .filter(|a| !a.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/reform-docs.jsonl"));
    let max_mb: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(8.0);
    let part = args.get(2).map(String::as_str).unwrap_or("all");
    let docs = match load(&path, (max_mb * 1e6) as usize) {
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
    let wants = |name: &str| part == "all" || part == name;

    // Load the dictionary before timing anything.
    let _ = WordAnalyzer::builtin().analyze_word("talo");
    let _ = WordAnalyzer::uncached().analyze_word("talo");

    if wants("uncached") {
        let mut uncached = analyzers::fi_base_with(Arc::new(WordAnalyzer::uncached()));
        let (w, e, t) = run(&mut uncached, &docs);
        println!("fi_base uncached: {w} words ({e} tokens emitted): {}", t.rate(w));
    }

    if wants("cached") {
        let cached = Arc::new(WordAnalyzer::new(
            Arc::new(sotehaku_finnish::analyze::VoikkoDictionary),
            Some(200_000),
        ));
        let mut chain = analyzers::fi_base_with(Arc::clone(&cached));
        let (w, _, t) = run(&mut chain, &docs);
        println!(
            "fi_base cached, cold (first pass fills the cache): {w} words: {}",
            t.rate(w)
        );
        let (w, e, t) = run(&mut chain, &docs);
        println!("fi_base cached, warm: {w} words ({e} tokens emitted): {}", t.rate(w));
    }

    if wants("dictionary") {
        // The dictionary alone (the morphology) on the same words, to show where uncached time goes.
        let mut tokenizer = sotehaku_finnish::tokenizer::FinnishTokenizer::keep_case();
        let mut words = Vec::new();
        for doc in &docs {
            let mut stream = tantivy::tokenizer::Tokenizer::token_stream(&mut tokenizer, doc);
            while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
                words.push(t.text.clone());
            }
        }
        let mut readings = 0usize;
        let t = Timing::measure(|| {
            for w in &words {
                readings += sotehaku_finnish::morphology::Morphology::builtin().analyze(w).len();
            }
        });
        println!(
            "dictionary alone (Morphology::analyze), {} words ({readings} readings): {}",
            words.len(),
            t.rate(words.len())
        );
    }

    if wants("snowball") {
        let mut stock = analyzers::snowball();
        let (w, _, t) = run(&mut stock, &docs);
        println!(
            "reference, tantivy stock Finnish Snowball chain: {w} words: {}",
            t.rate(w)
        );
    }
}
