//! Crash consistency of the indexer: the real `sotehaku index` binary is killed with SIGKILL at seeded random points
//! while it indexes the 1,354-document reform corpus (`<workspace>/../shared/corpus/reform-docs.jsonl`; the shipped
//! `corpus/reform-sample.jsonl` when that is absent, failing under CI=true). After every kill the index must open at
//! its last commit (or be missing, before the first); a rerun of the same command must complete; and the final
//! index must hold every document exactly once.
//!
//! Two kinds of kill: twelve during a first build (within its first 5 s, all into one directory, so each run
//! starts over what the previous kill left), then, after a complete rerun, three while re-indexing over the complete
//! index (in the first 10–60 % of a run), after which the complete previous commit must be there. Kills inside the
//! commit are in `sigkill_inside_the_commit_leaves_a_reindexable_index` (it found an orphan-file bug, now fixed).
//!
//! `SOTEHAKU_CRASH_SEED` replays a seed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sotehaku::Engine;

const BIN: &str = env!("CARGO_BIN_EXE_sotehaku");
/// Kills during the first build (each within its first 5 s).
const EARLY_KILLS: usize = 12;
/// Kills while re-indexing over a complete index, before the commit.
const LATE_KILLS: usize = 3;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The corpus to index, and whether it is the full shared one.
fn corpus() -> (PathBuf, bool) {
    let shared = workspace_root().join("../shared/corpus/reform-docs.jsonl");
    if shared.is_file() {
        return (shared, true);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing (CI=true requires the shared corpus)",
        shared.display()
    );
    eprintln!(
        "note: {} is absent; using the shipped corpus/reform-sample.jsonl instead",
        shared.display()
    );
    (workspace_root().join("corpus/reform-sample.jsonl"), false)
}

/// The ids of the corpus records, distinct.
fn corpus_ids(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .expect("read corpus")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect()
}

/// xorshift64*: seeded, so a failing schedule can be replayed.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn index_command(dir: &Path, input: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("index")
        .arg("--input")
        .arg(input)
        .arg("--index")
        .arg(dir)
        .stdin(Stdio::null());
    cmd
}

/// Runs `sotehaku index` to completion; returns how long it took and how many records it skipped.
fn run_to_completion(dir: &Path, input: &Path) -> (Duration, u64) {
    let started = Instant::now();
    let out = index_command(dir, input).output().expect("run sotehaku index");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "sotehaku index failed after the kills: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "N documents in DIR (A added or replaced, S skipped)"
    let skipped = stdout
        .rsplit_once(" skipped)")
        .and_then(|(head, _)| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no skipped count in {stdout:?}"));
    (started.elapsed(), skipped)
}

/// When to kill a run.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after the start.
    After(Duration),
    /// This long after the first new delete file (`*.del`) appears in the index directory: the commit of a
    /// re-index writes them (the replaced documents), then `meta.json`, then collects the old segments, all within
    /// about 100 ms at the end of the run (independent of how fast the machine is).
    Commit(Duration),
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !name.ends_with(".lock"))
                .collect()
        })
        .unwrap_or_default()
}

/// Starts `sotehaku index` and SIGKILLs it at `at` (unless it finished first). Returns when it was killed.
fn run_and_kill(dir: &Path, input: &Path, at: KillAt) -> Option<Duration> {
    let before = files_in(dir);
    let started = Instant::now();
    let log_path = dir.with_extension("stderr.log");
    let log = std::fs::File::create(&log_path).expect("create the log of a run");
    let mut child = index_command(dir, input)
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start sotehaku index");
    let mut deadline = match at {
        KillAt::After(d) => Some(started + d),
        KillAt::Commit(_) => None,
    };
    // Bounded: a run ends on its own, and the test gives it at most ten minutes.
    while started.elapsed() < Duration::from_secs(600) {
        if let Ok(Some(status)) = child.try_wait() {
            let stderr = std::fs::read_to_string(&log_path).unwrap_or_default();
            let tail: String = stderr.lines().rev().take(8).collect::<Vec<_>>().join("\n");
            assert!(
                status.success(),
                "sotehaku index failed on its own ({status}); its last lines:\n{tail}"
            );
            return None;
        }
        match (deadline, at) {
            (Some(d), _) if Instant::now() >= d => break,
            (None, KillAt::Commit(delay)) if files_in(dir).difference(&before).any(|f| f.ends_with(".del")) => {
                deadline = Some(Instant::now() + delay);
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // `Child::kill` is SIGKILL on Unix: no destructor, no flush, no commit runs.
    let killed = child.kill().is_ok();
    let _ = child.wait();
    killed.then(|| started.elapsed())
}

/// What an index directory looks like after a kill.
#[derive(Debug, PartialEq)]
enum State {
    Missing,
    Docs(u64),
}

fn state(dir: &Path) -> Result<State, String> {
    match Engine::open(dir) {
        Ok(engine) => Ok(State::Docs(engine.num_docs())),
        Err(sotehaku::Error::Index(sotehaku::IndexError::Missing(_))) => Ok(State::Missing),
        Err(e) => Err(e.to_string()),
    }
}

/// The corpus ids found in the index at `dir`; asserts the index holds nothing else (no document twice).
fn ids_exactly_once(dir: &Path, ids: &BTreeSet<String>) -> BTreeSet<String> {
    let engine = Engine::open(dir).expect("open the index after a complete run");
    let found: BTreeSet<String> = ids
        .iter()
        .filter(|id| engine.document(id).expect("look a document up").is_some())
        .cloned()
        .collect();
    assert_eq!(
        engine.num_docs(),
        found.len() as u64,
        "every document exactly once: {} corpus ids found, {} documents in the index",
        found.len(),
        engine.num_docs()
    );
    found
}

/// Kills one run and checks the state the directory is left in. Returns the log line and whether the state is
/// acceptable: over a complete index (`complete = Some(n)`) the last commit with `n` documents; in a first build
/// nothing yet, an empty index, or whole batches of 5,000.
fn kill_once(dir: &Path, input: &Path, at: KillAt, complete: Option<u64>, label: &str) -> (String, bool) {
    let killed = run_and_kill(dir, input, at);
    let seen = state(dir);
    let ok = match (&seen, complete) {
        (Ok(State::Docs(d)), Some(n)) => *d == n,
        (Ok(State::Missing), None) => true,
        (Ok(State::Docs(d)), None) => *d % 5_000 == 0,
        _ => false,
    };
    let when = match killed {
        Some(t) => format!("killed at {:>6} ms", t.as_millis()),
        None => "finished before the kill".to_string(),
    };
    let line = format!("{label} ({at:?}): {when}: {seen:?}");
    eprintln!("{line}");
    (line, ok)
}

#[test]
fn sigkill_at_random_points_loses_and_doubles_nothing() {
    let (input, full) = corpus();
    let ids = corpus_ids(&input);
    let seed: u64 = std::env::var("SOTEHAKU_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0c0f_fee5_eed5);
    let mut rng = Rng(seed | 1);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("index");
    let started = Instant::now();
    let mut problems = Vec::new();
    eprintln!(
        "crash test: {} ({} distinct ids), seed {seed}",
        input.display(),
        ids.len()
    );

    // 1. Kills during the first build, all into the same directory (each run starts over what the last left).
    for k in 0..EARLY_KILLS {
        let at = KillAt::After(Duration::from_millis(200 + (rng.next_f64() * 4_800.0) as u64));
        let (line, ok) = kill_once(&dir, &input, at, None, &format!("kill {:>2} first build", k + 1));
        if !ok {
            problems.push(line);
        }
    }
    // 2. The same command, rerun to completion: every document exactly once.
    let (t, skipped) = run_to_completion(&dir, &input);
    let found = ids_exactly_once(&dir, &ids);
    if skipped == 0 {
        assert_eq!(found.len(), ids.len(), "no record was skipped, so every id is indexed");
    }
    let n = found.len() as u64;
    eprintln!("rerun completed in {t:?}: {n} documents, {skipped} records skipped");
    if n < 5_000 {
        eprintln!(
            "note: indexing commits every 5,000 documents, so a run over {n} documents commits once, at its end: \
             a kill leaves the previous commit or the complete new one, never a partial batch"
        );
    }

    // 3. Kills while re-indexing over the complete index, before its commit: the last commit must stay whole.
    //    (Kills inside the commit itself: `sigkill_inside_the_commit_leaves_a_reindexable_index`.)
    let late: Vec<KillAt> = (0..LATE_KILLS)
        .map(|_| KillAt::After(t.mul_f64(0.1 + 0.5 * rng.next_f64())))
        .collect();
    for (k, at) in late.iter().enumerate() {
        let label = format!("kill {:>2} re-index", EARLY_KILLS + k + 1);
        let (line, ok) = kill_once(&dir, &input, *at, Some(n), &label);
        if !ok {
            problems.push(line);
        }
        if let Ok(engine) = Engine::open(&dir) {
            for id in found.iter().step_by(found.len().max(7) / 7) {
                if engine.document(id).ok().flatten().is_none() {
                    problems.push(format!("after {label}: {id} missing from the last commit"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the index was not at its last commit after a kill:\n{}",
        problems.join("\n")
    );

    // 4. A final complete rerun over what the kills left: the same documents, each once.
    run_to_completion(&dir, &input);
    assert_eq!(ids_exactly_once(&dir, &ids), found);
    eprintln!(
        "crash test: {} kills, all checks passed in {:?}{}",
        EARLY_KILLS + late.len(),
        started.elapsed(),
        if full { "" } else { " (sample corpus)" }
    );
}

/// SIGKILL inside the commit of a re-index (0–40 ms after its first delete file appears), then the same command
/// again: the rerun must succeed. It does not always: the killed commit can leave `<old segment>.<opstamp>.del`
/// behind, unreferenced, and the rerun reaches the same opstamp and fails for good with
/// `Failed to open file for write: 'FileAlreadyExists("<segment>.5420.del")'` (seen in
/// `sigkill_at_random_points_loses_and_doubles_nothing` before its kill points were moved out of the commit).
/// tantivy collects unreferenced files only after a successful commit; the indexer now runs
/// `IndexWriter::garbage_collect_files` when it opens, which this test guards.
#[test]
fn sigkill_inside_the_commit_leaves_a_reindexable_index() {
    let (input, _) = corpus();
    let ids = corpus_ids(&input);
    let mut rng = Rng(0x5eed_c0de);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("index");
    run_to_completion(&dir, &input);
    let found = ids_exactly_once(&dir, &ids);
    for k in 0..6 {
        let at = KillAt::Commit(Duration::from_millis((rng.next_f64() * 40.0) as u64));
        let (line, ok) = kill_once(
            &dir,
            &input,
            at,
            Some(found.len() as u64),
            &format!("commit kill {}", k + 1),
        );
        assert!(ok, "{line}");
        run_to_completion(&dir, &input);
        assert_eq!(ids_exactly_once(&dir, &ids), found);
    }
}
