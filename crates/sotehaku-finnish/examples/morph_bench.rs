//! Speed of the uncached morphology: `cargo run --release -p sotehaku-finnish --example morph_bench [CONLLU]`.
//!
//! Analyses every word type of UD Finnish-TDT dev (default `<workspace>/../shared/eval/ud-fi/fi_tdt-ud-dev.conllu`)
//! and then every running token, without any cache, on one thread, and prints words per second. On Linux the rate is
//! also given per second of CPU time of the benchmark thread (from `/proc/thread-self/schedstat`), which is what
//! "per core" means on a shared, busy machine; wall-clock rates are printed too.

use std::path::PathBuf;
use std::time::Instant;

use sotehaku_finnish::morphology::Morphology;
use sotehaku_finnish::vfst::LookupLimits;

/// CPU time of this thread in nanoseconds, if the kernel exposes it.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Best (wall, cpu) seconds over `passes` runs of `f`.
fn best_of(passes: usize, mut f: impl FnMut()) -> (f64, Option<f64>) {
    let mut wall = f64::MAX;
    let mut cpu: Option<f64> = None;
    for _ in 0..passes {
        let (start, cpu_start) = (Instant::now(), cpu_ns());
        f();
        wall = wall.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, cpu_ns()) {
            let secs = b.saturating_sub(a) as f64 / 1e9;
            cpu = Some(cpu.map_or(secs, |c: f64| c.min(secs)));
        }
    }
    (wall.max(1e-9), cpu.map(|c| c.max(1e-9)))
}

fn report(what: &str, n: usize, (wall, cpu): (f64, Option<f64>)) {
    match cpu {
        Some(cpu) => println!(
            "{what}: {:.0}/s per CPU-second ({:.0}/s wall clock)",
            n as f64 / cpu,
            n as f64 / wall
        ),
        None => println!("{what}: {:.0}/s wall clock", n as f64 / wall),
    }
}

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

    let load = Instant::now();
    let m = Morphology::builtin();
    let _ = m.analyze("talo");
    println!(
        "dictionary load (decode embedded mor.vfst) + first lookup: {:?}",
        load.elapsed()
    );

    let mut analysed = 0;
    let t = best_of(5, || {
        analysed = types
            .iter()
            .filter(|w| !std::hint::black_box(m.analyze(w)).is_empty())
            .count();
    });
    report(
        &format!(
            "Morphology::analyze, {} TDT dev word types ({analysed} analysed), uncached",
            types.len()
        ),
        types.len(),
        t,
    );

    let fst = m.transducer();
    let mut steps = 0u64;
    let t = best_of(5, || {
        steps = 0;
        for w in &types {
            let lower = w.to_lowercase();
            steps += fst.lookup_with(&lower, LookupLimits::default(), |_, _| true).steps;
        }
    });
    report(
        &format!(
            "transducer lookup alone ({:.0} transitions examined per word)",
            steps as f64 / types.len() as f64
        ),
        types.len(),
        t,
    );

    let t = best_of(3, || {
        for w in &tokens {
            std::hint::black_box(m.analyze(w));
        }
    });
    report(
        &format!("Morphology::analyze, {} TDT dev running tokens, uncached", tokens.len()),
        tokens.len(),
        t,
    );
}
