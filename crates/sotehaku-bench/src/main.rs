//! `sotehaku-bench`: runs the benchmark (see the crate documentation), or one of its hidden child jobs.

use std::path::PathBuf;
use std::process::ExitCode;

use sotehaku_bench::jobs::{run_job, JOB_COMMAND};
use sotehaku_bench::{run, BenchConfig, BenchError};

const USAGE: &str = "usage: sotehaku-bench [--quick] [--out DIR] [--sizes N,N,...] [--corpus FILE] [--work DIR]
                      [--queries FILE] [--rounds N] [--http-requests N] [--no-lucene] [--no-typesense|--typesense] [--no-http]
  --quick          smoke mode: the shipped corpus/reform-sample.jsonl, a few queries, no Typesense (--typesense: with)
  --out DIR        where results.md, results.json and the SVG plots go (default bench/results; quick: target/)
  --sizes N,...    corpus sizes, each the first N documents (default 10000,36000,71977)
  --rerender FILE  rewrite results.md and the plots from an earlier results.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(JOB_COMMAND) {
        return match run_job(&args[1..]) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("job failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some(i) = args.iter().position(|a| a == "--rerender") {
        return match rerender(&args, i) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("sotehaku-bench: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match parse(&args).and_then(|c| run(&c)) {
        Ok(results) => {
            println!("{}", results.to_markdown());
            ExitCode::SUCCESS
        }
        Err(BenchError::Usage(msg)) if msg.is_empty() => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sotehaku-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--rerender results.json [--out DIR]`: rewrites the tables, fits and plots of an earlier run without measuring.
fn rerender(args: &[String], i: usize) -> Result<(), BenchError> {
    let input = PathBuf::from(
        args.get(i + 1)
            .ok_or_else(|| BenchError::Usage("--rerender needs a file".into()))?,
    );
    let out = match args.iter().position(|a| a == "--out") {
        Some(j) => PathBuf::from(
            args.get(j + 1)
                .ok_or_else(|| BenchError::Usage("--out needs a value".into()))?,
        ),
        None => input.parent().map(PathBuf::from).unwrap_or_default(),
    };
    let text = std::fs::read_to_string(&input).map_err(BenchError::io(&input))?;
    let mut results: sotehaku_bench::report::Results =
        serde_json::from_str(&text).map_err(|source| BenchError::Json {
            what: input.display().to_string(),
            source,
        })?;
    results.compute_ratios();
    results.compute_growth();
    sotehaku_bench::run::write_outputs(&out, &results)
}

fn parse(args: &[String]) -> Result<BenchConfig, BenchError> {
    let exe = std::env::current_exe().map_err(BenchError::io("current executable"))?;
    let mut config = if args.iter().any(|a| a == "--quick") {
        BenchConfig::quick(exe)?
    } else {
        BenchConfig::full(exe)?
    };
    let mut it = args.iter();
    let usage = |msg: String| BenchError::Usage(format!("{msg}\n{USAGE}"));
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| usage(format!("{name} needs a value")));
        let number = |s: String| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| usage(format!("not a number: {s:?}")))
        };
        match arg.as_str() {
            "--quick" => {}
            "-h" | "--help" => return Err(BenchError::Usage(String::new())),
            "--out" => config.out = PathBuf::from(value("--out")?),
            "--work" => config.work = PathBuf::from(value("--work")?),
            "--corpus" => config.corpus = PathBuf::from(value("--corpus")?),
            "--sizes" => {
                config.sizes = value("--sizes")?
                    .split(',')
                    .map(|s| number(s.to_string()))
                    .collect::<Result<_, _>>()?
            }
            "--queries" => {
                let path = PathBuf::from(value("--queries")?);
                let text = std::fs::read_to_string(&path).map_err(BenchError::io(&path))?;
                config.queries = sotehaku_bench::queries::parse(&text)?;
            }
            "--rounds" => config.rounds = number(value("--rounds")?)?.max(1),
            "--http-requests" => config.http_requests = number(value("--http-requests")?)?.max(1),
            "--no-lucene" => config.lucene = false,
            "--no-typesense" => config.typesense = false,
            "--typesense" => config.typesense = true,
            "--no-http" => config.http = false,
            other => return Err(usage(format!("unknown argument {other:?}"))),
        }
    }
    if config.sizes.is_empty() || config.queries.is_empty() {
        return Err(usage("need at least one size and one query".into()));
    }
    Ok(config)
}
