//! Relevance evaluation: topics and TREC qrels in, nDCG@10, Recall@100, MRR@10 and P@10 out.
//!
//! Unjudged documents count as not relevant; how many of each topic's top 10 were unjudged is reported, because a
//! system unlike the ones the judgments were pooled from can be better than its figures show.
//!
//! ```
//! use sotehaku_index::eval::{Qrels, score_topic};
//! let qrels = Qrels::parse("T1 0 a 2\nT1 0 b 0\nT1 0 c 1\n").unwrap();
//! let ranked = vec!["a".to_string(), "x".to_string(), "c".to_string()];
//! let s = score_topic(&ranked, qrels.judgments("T1"));
//! assert_eq!(s.mrr_at_10, 1.0);
//! assert_eq!(s.recall_at_100, 1.0);
//! assert_eq!(s.unjudged_at_10, 1);
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// One topic: what the user types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: String,
    pub query: String,
}

/// A malformed topics or qrels file.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct EvalFormatError {
    pub line: usize,
    pub message: String,
}

/// Parses `qid<TAB>query[<TAB>narrative]` lines; a first line starting with `qid` is a header.
pub fn parse_topics(text: &str) -> Result<Vec<Topic>, EvalFormatError> {
    let mut topics = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || (i == 0 && line.starts_with("qid")) {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(id), Some(query)) = (cols.next(), cols.next()) else {
            return Err(EvalFormatError {
                line: i + 1,
                message: "expected qid<TAB>query".into(),
            });
        };
        topics.push(Topic {
            id: id.trim().to_string(),
            query: query.trim().to_string(),
        });
    }
    Ok(topics)
}

/// Graded judgments per topic.
#[derive(Debug, Clone, Default)]
pub struct Qrels {
    by_topic: HashMap<String, HashMap<String, u32>>,
}

impl Qrels {
    /// Parses TREC qrels: `qid iteration docid grade`, whitespace-separated.
    pub fn parse(text: &str) -> Result<Qrels, EvalFormatError> {
        let mut qrels = Qrels::default();
        for (i, line) in text.lines().enumerate() {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.is_empty() {
                continue;
            }
            if cols.len() != 4 {
                return Err(EvalFormatError {
                    line: i + 1,
                    message: "expected: qid iteration docid grade".into(),
                });
            }
            let grade: i64 = cols[3].parse().map_err(|_| EvalFormatError {
                line: i + 1,
                message: format!("grade {:?} is not a number", cols[3]),
            })?;
            qrels
                .by_topic
                .entry(cols[0].to_string())
                .or_default()
                .insert(cols[2].to_string(), grade.max(0) as u32);
        }
        Ok(qrels)
    }

    /// The judgments of one topic (document id → grade; 0 = judged not relevant).
    pub fn judgments(&self, topic: &str) -> &HashMap<String, u32> {
        static EMPTY: std::sync::OnceLock<HashMap<String, u32>> = std::sync::OnceLock::new();
        self.by_topic
            .get(topic)
            .unwrap_or_else(|| EMPTY.get_or_init(HashMap::new))
    }
}

/// The figures for one topic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TopicScores {
    #[serde(rename = "ndcg@10")]
    pub ndcg_at_10: f64,
    #[serde(rename = "recall@100")]
    pub recall_at_100: f64,
    #[serde(rename = "mrr@10")]
    pub mrr_at_10: f64,
    #[serde(rename = "p@10")]
    pub p_at_10: f64,
    /// Documents in the top 10 that nobody judged.
    pub unjudged_at_10: usize,
}

/// Scores one ranking (document ids, best first) against a topic's judgments.
pub fn score_topic(ranked: &[String], judgments: &HashMap<String, u32>) -> TopicScores {
    let grade = |id: &String| judgments.get(id).copied().unwrap_or(0);
    let dcg = |grades: &mut dyn Iterator<Item = u32>| -> f64 {
        grades
            .take(10)
            .enumerate()
            .map(|(i, g)| (2f64.powi(g as i32) - 1.0) / ((i + 2) as f64).log2())
            .sum()
    };
    let mut ideal: Vec<u32> = judgments.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg = dcg(&mut ideal.iter().copied());
    let ndcg = if idcg > 0.0 {
        dcg(&mut ranked.iter().map(grade)) / idcg
    } else {
        0.0
    };
    let relevant = judgments.values().filter(|&&g| g > 0).count();
    let found = ranked.iter().take(100).filter(|id| grade(id) > 0).count();
    let recall = if relevant > 0 {
        found as f64 / relevant as f64
    } else {
        0.0
    };
    let mrr = ranked
        .iter()
        .take(10)
        .position(|id| grade(id) > 0)
        .map(|p| 1.0 / (p + 1) as f64)
        .unwrap_or(0.0);
    let p10 = ranked.iter().take(10).filter(|id| grade(id) > 0).count() as f64 / 10.0;
    let unjudged = ranked.iter().take(10).filter(|id| !judgments.contains_key(*id)).count();
    TopicScores {
        ndcg_at_10: ndcg,
        recall_at_100: recall,
        mrr_at_10: mrr,
        p_at_10: p10,
        unjudged_at_10: unjudged,
    }
}

/// The figures for a run: the means and every topic.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub analyzer: String,
    pub topics: usize,
    #[serde(rename = "ndcg@10")]
    pub ndcg_at_10: f64,
    #[serde(rename = "recall@100")]
    pub recall_at_100: f64,
    #[serde(rename = "mrr@10")]
    pub mrr_at_10: f64,
    #[serde(rename = "p@10")]
    pub p_at_10: f64,
    pub unjudged_at_10: usize,
    pub per_topic: BTreeMap<String, TopicScores>,
}

impl EvalReport {
    /// Averages per-topic scores (every topic weighs the same).
    pub fn from_topics(analyzer: &str, per_topic: BTreeMap<String, TopicScores>) -> EvalReport {
        let n = per_topic.len().max(1) as f64;
        let mean = |f: fn(&TopicScores) -> f64| per_topic.values().map(f).sum::<f64>() / n;
        EvalReport {
            analyzer: analyzer.to_string(),
            topics: per_topic.len(),
            ndcg_at_10: mean(|s| s.ndcg_at_10),
            recall_at_100: mean(|s| s.recall_at_100),
            mrr_at_10: mean(|s| s.mrr_at_10),
            p_at_10: mean(|s| s.p_at_10),
            unjudged_at_10: per_topic.values().map(|s| s.unjudged_at_10).sum(),
            per_topic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_ranking_scores_one() {
        let qrels = Qrels::parse("T 0 a 2\nT 0 b 1\nT 0 c 0\n").unwrap();
        let s = score_topic(&["a".into(), "b".into()], qrels.judgments("T"));
        assert!((s.ndcg_at_10 - 1.0).abs() < 1e-9);
        assert_eq!(s.p_at_10, 0.2);
    }

    #[test]
    fn swapped_ranking_scores_less() {
        let qrels = Qrels::parse("T 0 a 2\nT 0 b 1\n").unwrap();
        let s = score_topic(&["b".into(), "a".into()], qrels.judgments("T"));
        assert!(s.ndcg_at_10 < 1.0 && s.ndcg_at_10 > 0.5);
    }

    #[test]
    fn malformed_lines_are_reported() {
        assert_eq!(Qrels::parse("T 0 a\n").unwrap_err().line, 1);
        assert!(parse_topics("qid\tquery\nT1\n").is_err());
    }
}
