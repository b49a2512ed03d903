//! Reading the fuzzers' inputs back, for the regression tests that replay them (`crates/*/tests/fuzz_regressions.rs`
//! include this file with `#[path]`): the crash inputs kept in `fuzz/regressions/<target>/`, the seeds in
//! `fuzz/corpus/<target>/`, and the seeds made from test fixtures listed in `fuzz/fixture-seeds.tsv`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Longest time one input may take in a debug build (the fuzzer's limit is 10 s on an optimised build).
const PER_INPUT: Duration = Duration::from_secs(20);

fn repository() -> PathBuf {
    // Every caller is a crate in `crates/`.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every input of `target`, sorted by path; fails when there is none (the seeds must ship with the repository).
pub fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = repository();
    let mut out = Vec::new();
    for dir in ["regressions", "corpus"] {
        let Ok(entries) = std::fs::read_dir(root.join("fuzz").join(dir).join(target)) else {
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
    out.extend(fixture_seeds(&root, target));
    out.sort();
    assert!(
        !out.is_empty(),
        "no inputs for {target}: fuzz/corpus/{target} is missing"
    );
    out
}

/// The seeds of `target` made from fixtures: the control bytes, then the fixture's bytes.
fn fixture_seeds(root: &Path, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let list = std::fs::read_to_string(root.join("fuzz/fixture-seeds.tsv")).expect("fuzz/fixture-seeds.tsv");
    let mut out = Vec::new();
    for line in list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, control, path] = fields[..] else {
            panic!("fuzz/fixture-seeds.tsv: not target<TAB>hex<TAB>path: {line:?}");
        };
        if name != target {
            continue;
        }
        let mut bytes: Vec<u8> = (0..control.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&control[i..i + 2], 16).expect("hex control bytes"))
            .collect();
        let path = root.join(path);
        bytes.extend(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
        out.push((path, bytes));
    }
    out
}

/// Runs `harness` on every input of `target`; each must return within [`PER_INPUT`]. Returns how many there were.
pub fn replay(target: &str, mut harness: impl FnMut(&[u8])) -> usize {
    let inputs = inputs(target);
    for (path, data) in &inputs {
        eprintln!("replaying {}", path.display());
        let started = Instant::now();
        harness(data);
        let took = started.elapsed();
        assert!(took < PER_INPUT, "{} took {took:?}", path.display());
    }
    inputs.len()
}
