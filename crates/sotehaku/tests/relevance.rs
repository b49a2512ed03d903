//! Relevance on the development topics (`../shared/eval/dev`) over the 1,354-document reform corpus: our Finnish
//! analysis must stay well ahead of tantivy's stock Snowball chain, measured in the same run.
//!
//! Skips with a message when `../shared` is absent; fails then if `CI=true`.

use std::path::{Path, PathBuf};

use sotehaku::eval::{parse_topics, Qrels};
use sotehaku::{AnalyzerKind, Engine};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.join("eval/dev/qrels.tsv").exists() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared/eval/dev is missing, and CI=true requires it");
    }
    eprintln!("SKIPPED: ../shared/eval/dev not found; the relevance test needs the shared evaluation data");
    None
}

#[test]
fn finnish_analysis_beats_snowball_on_the_dev_topics() {
    let Some(shared) = shared() else { return };
    let topics = parse_topics(&std::fs::read_to_string(shared.join("eval/dev/topics.tsv")).unwrap()).unwrap();
    let qrels = Qrels::parse(&std::fs::read_to_string(shared.join("eval/dev/qrels.tsv")).unwrap()).unwrap();
    let corpus = shared.join("corpus/reform-docs.jsonl");
    let mut reports = Vec::new();
    for kind in [AnalyzerKind::Finnish, AnalyzerKind::Snowball] {
        let dir = tempfile::tempdir().unwrap();
        let mut engine = Engine::create_with(dir.path(), kind).unwrap();
        let build = engine.index_files(&[&corpus], &mut |_| {}).unwrap();
        assert_eq!(build.indexed, 1354, "errors: {:?}", build.errors);
        let report = engine.evaluate(&topics, &qrels).unwrap();
        println!(
            "{:<9} nDCG@10 {:.3}  Recall@100 {:.3}  MRR@10 {:.3}  P@10 {:.3}  unjudged@10 {}",
            report.analyzer,
            report.ndcg_at_10,
            report.recall_at_100,
            report.mrr_at_10,
            report.p_at_10,
            report.unjudged_at_10
        );
        reports.push(report);
    }
    let (ours, snowball) = (&reports[0], &reports[1]);
    // Figures at the time of writing: ours 0.707 / 0.995, Snowball 0.598 / 0.796.
    assert!(ours.ndcg_at_10 >= 0.68, "nDCG@10 fell to {:.3}", ours.ndcg_at_10);
    assert!(
        ours.recall_at_100 >= 0.95,
        "Recall@100 fell to {:.3}",
        ours.recall_at_100
    );
    assert!(
        ours.ndcg_at_10 > snowball.ndcg_at_10 + 0.05,
        "no clear gain over Snowball"
    );
}
