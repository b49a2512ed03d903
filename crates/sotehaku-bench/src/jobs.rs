//! The hidden subcommands the bench re-executes itself with, one child process per job: indexing with our engine or
//! raw tantivy, and serving an index over HTTP. Each prints one JSON line ([`JobReport`]) on standard output.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sotehaku::{AnalyzerKind, Engine};

use crate::process::{run_measured, self_vm_hwm_kb};
use crate::BenchError;

/// Name of the hidden subcommand.
pub const JOB_COMMAND: &str = "__job";

/// What an indexing job reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobReport {
    /// Documents indexed.
    pub docs: u64,
    /// Seconds from opening the input to the last commit (merges finished).
    pub secs: f64,
    /// Peak RSS of the job's own process (KiB), read at its end.
    pub peak_rss_kb: u64,
}

/// One indexing engine run as a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexJob {
    /// Our full pipeline (ingest + analysis) with the given chain.
    Ours(AnalyzerKind),
    /// The raw tantivy baseline over exported peer documents.
    RawTantivy,
}

/// Runs a hidden subcommand (`args` are what follows [`JOB_COMMAND`]); returns the line to print.
pub fn run_job(args: &[String]) -> Result<String, BenchError> {
    let usage = || {
        BenchError::Usage(format!(
            "usage: {JOB_COMMAND} index-ours|index-raw|compact|query-loop INDEX ROUNDS [QUERIES.tsv]|serve ..."
        ))
    };
    let arg = |i: usize| args.get(i).ok_or_else(usage);
    let started = Instant::now();
    let docs = match arg(0)?.as_str() {
        "index-ours" => {
            let analyzer: AnalyzerKind = arg(1)?.parse().map_err(BenchError::Usage)?;
            let input = PathBuf::from(arg(2)?);
            let dir = PathBuf::from(arg(3)?);
            let mut engine = Engine::recreate(&dir, analyzer)?;
            let report = engine.index_files(&[input], &mut |_| {})?;
            report.indexed
        }
        "index-raw" => crate::rawtantivy::build(Path::new(arg(1)?), Path::new(arg(2)?))?,
        "compact" => {
            // Merges an index built by `index-ours` into one segment.
            let engine = Engine::open(Path::new(arg(1)?))?;
            engine.compact()?;
            0
        }
        "query-loop" => {
            // For profilers: our engine over the query set (or a query file), `rounds` times; the median time and
            // the hit count of each query go to standard error, slowest first.
            let engine = Engine::open(Path::new(arg(1)?))?;
            let rounds: u64 = arg(2)?.parse().map_err(|_| usage())?;
            let queries = match args.get(3) {
                Some(file) => crate::queries::parse(&std::fs::read_to_string(file).map_err(BenchError::io(file))?)?,
                None => crate::queries::parse(crate::queries::DEFAULT_QUERIES)?,
            };
            let mut n = 0;
            let mut per_query = vec![(Vec::new(), 0usize); queries.len()];
            for _ in 0..rounds.min(1_000_000) {
                for (i, q) in queries.iter().enumerate() {
                    let t = Instant::now();
                    let r = engine.search(&q.to_engine_query()?)?;
                    per_query[i].0.push(t.elapsed().as_secs_f64() * 1000.0);
                    per_query[i].1 = r.total;
                    n += 1;
                }
            }
            let mut medians: Vec<(f64, usize, String)> = queries
                .iter()
                .zip(&mut per_query)
                .map(|(q, (times, total))| {
                    times.sort_by(f64::total_cmp);
                    let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
                    (median, *total, q.to_tsv_line())
                })
                .collect();
            medians.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (median, total, line) in medians {
                eprintln!("{median:.3} ms\t{total} hits\t{line}");
            }
            n
        }
        "serve" => {
            serve(Path::new(arg(1)?), Path::new(arg(2)?))?;
            0
        }
        _ => return Err(usage()),
    };
    let report = JobReport {
        docs,
        secs: started.elapsed().as_secs_f64(),
        peak_rss_kb: self_vm_hwm_kb().unwrap_or(0),
    };
    serde_json::to_string(&report).map_err(|source| BenchError::Json {
        what: "job report".into(),
        source,
    })
}

/// Runs an indexing job in a child process (this same binary) and measures it.
pub fn spawn_index_job(
    exe: &Path,
    job: IndexJob,
    input: &Path,
    dir: &Path,
    timeout: Duration,
) -> Result<(JobReport, u64), BenchError> {
    let mut cmd = std::process::Command::new(exe);
    cmd.arg(JOB_COMMAND);
    match job {
        IndexJob::Ours(kind) => cmd.args(["index-ours", kind.name()]),
        IndexJob::RawTantivy => cmd.arg("index-raw"),
    };
    cmd.arg(input).arg(dir);
    let what = format!("indexing job {job:?}");
    let run = run_measured(&what, cmd, timeout)?;
    let line = run.stdout.lines().last().unwrap_or("");
    let report: JobReport = serde_json::from_str(line).map_err(|source| BenchError::Json {
        what: format!("{what} report {line:?}"),
        source,
    })?;
    Ok((report, run.peak_rss_kb))
}

/// Serves the index in `dir` on 127.0.0.1 (a free port, written to `port_file`) until standard input closes.
fn serve(dir: &Path, port_file: &Path) -> Result<(), BenchError> {
    let engine = Engine::open(dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(BenchError::io("tokio runtime"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(BenchError::io("127.0.0.1:0"))?;
        let port = listener.local_addr().map_err(BenchError::io("listener"))?.port();
        std::fs::write(port_file, port.to_string()).map_err(BenchError::io(port_file))?;
        let config = sotehaku_server::ServerConfig {
            reload_interval: Duration::ZERO,
            ..Default::default()
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        // The parent closes our standard input to stop us.
        std::thread::spawn(move || {
            let mut sink = [0u8; 64];
            while matches!(std::io::stdin().read(&mut sink), Ok(n) if n > 0) {}
            let _ = tx.send(());
        });
        sotehaku_server::serve_on(listener, engine, config, async {
            let _ = rx.await;
        })
        .await
        .map_err(|e| BenchError::child("server", e))
    })
}
