//! `sotehaku eval`: relevance figures for an analysis chain, with a baseline measured in the same run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use sotehaku::eval::{parse_topics, EvalReport, Qrels};
use sotehaku::{corpus_fingerprint, AnalyzerKind, DefaultLocations, Engine};

use crate::progress::BuildBar;

#[derive(Args)]
pub struct EvalArgs {
    /// Topics: qid<TAB>query[<TAB>narrative] lines.
    #[arg(long, value_name = "FILE")]
    topics: PathBuf,
    /// Judgments in TREC qrels format: qid 0 docid grade.
    #[arg(long, value_name = "FILE")]
    qrels: PathBuf,
    /// The corpus the judgments are about (.jsonl, .jsonl.zst); default: the shipped corpus.
    #[arg(long, value_name = "CORPUS")]
    input: Vec<PathBuf>,
    /// The analysis chain to measure: finnish (default), snowball or plain.
    #[arg(long, default_value = "finnish")]
    analyzer: AnalyzerKind,
    /// A second chain measured in the same run and shown beside (e.g. snowball); `none` for none.
    #[arg(long, default_value = "snowball")]
    baseline: String,
    /// Where evaluation indexes are kept between runs (default: the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Print JSON: the report, with the baseline's report under "baseline".
    #[arg(long)]
    json: bool,
}

pub fn run(args: EvalArgs) -> Result<()> {
    let topics_text =
        std::fs::read_to_string(&args.topics).with_context(|| format!("cannot read {}", args.topics.display()))?;
    let topics = parse_topics(&topics_text).with_context(|| format!("{}", args.topics.display()))?;
    let qrels_text =
        std::fs::read_to_string(&args.qrels).with_context(|| format!("cannot read {}", args.qrels.display()))?;
    let qrels = Qrels::parse(&qrels_text).with_context(|| format!("{}", args.qrels.display()))?;
    let inputs = if args.input.is_empty() {
        vec![DefaultLocations::discover().corpus]
    } else {
        args.input.clone()
    };
    let cache = args
        .cache
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("sotehaku-eval"));

    let report = evaluate(args.analyzer, &inputs, &cache, &topics, &qrels)?;
    let baseline = match args.baseline.trim() {
        "" | "none" => None,
        name => {
            let kind: AnalyzerKind = name.parse().map_err(|e: String| crate::UsageError(e))?;
            Some(evaluate(kind, &inputs, &cache, &topics, &qrels)?)
        }
    };
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        if let (Some(b), Some(obj)) = (&baseline, value.as_object_mut()) {
            obj.insert("baseline".into(), serde_json::to_value(b)?);
        }
        println!("{value}");
    } else {
        print_table(&report, baseline.as_ref());
    }
    Ok(())
}

fn evaluate(
    kind: AnalyzerKind,
    inputs: &[PathBuf],
    cache: &Path,
    topics: &[sotehaku::eval::Topic],
    qrels: &Qrels,
) -> Result<EvalReport> {
    let fingerprint = corpus_fingerprint(inputs, kind)?;
    let dir = cache.join(format!("{}-{}", kind.name(), &fingerprint[..16]));
    let engine = match Engine::open(&dir) {
        Ok(engine) if engine.index().meta().source_fingerprint.as_deref() == Some(fingerprint.as_str()) => engine,
        _ => {
            let mut engine = Engine::recreate(&dir, kind)?;
            let mut bar = BuildBar::new(match kind {
                AnalyzerKind::Plain => "indexing (plain)",
                AnalyzerKind::Snowball => "indexing (snowball)",
                AnalyzerKind::Finnish => "indexing (finnish)",
            });
            let report = engine.index_files(inputs, &mut |p| bar.update(p))?;
            bar.finish(&report);
            engine.set_source_fingerprint(Some(fingerprint))?;
            engine
        }
    };
    Ok(engine.evaluate(topics, qrels)?)
}

fn print_table(report: &EvalReport, baseline: Option<&EvalReport>) {
    let row = |r: &EvalReport| {
        format!(
            "{:<10} {:>8.3} {:>11.3} {:>7.3} {:>6.3} {:>9}",
            r.analyzer, r.ndcg_at_10, r.recall_at_100, r.mrr_at_10, r.p_at_10, r.unjudged_at_10
        )
    };
    println!("{} topics", report.topics);
    println!(
        "{:<10} {:>8} {:>11} {:>7} {:>6} {:>9}",
        "analyzer", "nDCG@10", "Recall@100", "MRR@10", "P@10", "unjudged"
    );
    println!("{}", row(report));
    if let Some(b) = baseline {
        println!("{}", row(b));
    }
    println!();
    println!(
        "per topic (nDCG@10{}):",
        if baseline.is_some() { ", baseline" } else { "" }
    );
    for (id, s) in &report.per_topic {
        let b = baseline
            .and_then(|b| b.per_topic.get(id))
            .map(|b| format!("  {:.3}", b.ndcg_at_10))
            .unwrap_or_default();
        println!(
            "  {id:<6} {:.3}{b}  (recall@100 {:.3}, unjudged in top 10: {})",
            s.ndcg_at_10, s.recall_at_100, s.unjudged_at_10
        );
    }
}
