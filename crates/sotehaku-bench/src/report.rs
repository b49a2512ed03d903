//! The results of a run: the tables (Markdown), the JSON, the growth fits and the projection to a million documents.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::stats::{PowerFit, Summary};

/// Engine name of the in-process baseline every ratio refers to.
pub const BASELINE: &str = "tantivy-raw";
/// Engine name of the HTTP baseline.
pub const HTTP_BASELINE: &str = "typesense";

/// Everything one run measured.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Results {
    /// When the run started (UTC, RFC 3339).
    pub started: String,
    pub machine: Machine,
    /// The corpus the subsets were cut from.
    pub corpus: String,
    pub quick: bool,
    /// Number of queries in the set (each run `rounds` times per engine).
    pub queries: usize,
    pub rounds: usize,
    pub sizes: Vec<SizeResults>,
    pub http: Vec<HttpRow>,
    pub cli: Option<CliRow>,
    pub growth: Vec<GrowthRow>,
    pub projection: Vec<String>,
    /// Parts that did not run (and why), and failures seen while running.
    pub skipped: Vec<String>,
    /// Versions of the peers.
    pub peers: Vec<String>,
}

/// The machine, as far as it matters for the figures.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Machine {
    pub cores: usize,
    pub memory_mb: u64,
    pub cpu: String,
}

impl Machine {
    /// Reads the core count, memory and CPU model.
    pub fn detect() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_string())
            .unwrap_or_default();
        let memory_mb = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            })
            .map(|kb| kb / 1024)
            .unwrap_or(0);
        Machine {
            cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            memory_mb,
            cpu,
        }
    }
}

/// Results at one corpus size.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SizeResults {
    pub docs: usize,
    /// Bytes of title + text: the denominator of MB/s.
    pub text_bytes: u64,
    pub indexing: Vec<IndexRow>,
    pub queries: Vec<QueryRow>,
}

/// One engine's indexing at one size.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct IndexRow {
    pub engine: String,
    pub docs: u64,
    pub secs: f64,
    pub mb_per_s: f64,
    pub docs_per_s: f64,
    pub index_bytes: u64,
    pub peak_rss_mb: f64,
    /// MB/s ÷ the baseline's MB/s (above 1: faster than the baseline).
    pub speed_ratio: Option<f64>,
    /// Index size ÷ the baseline's.
    pub size_ratio: Option<f64>,
    /// Peak RSS ÷ the baseline's.
    pub rss_ratio: Option<f64>,
}

/// One engine's in-process queries at one size.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct QueryRow {
    pub engine: String,
    pub summary: Summary,
    /// p50 of the unfiltered and of the filtered queries.
    pub p50_unfiltered_ms: f64,
    pub p50_filtered_ms: f64,
    /// Median number of matching documents over the query set (a check that the engines answer alike).
    pub median_total: u64,
    /// Queries of the set that found at least one document.
    pub queries_with_hits: usize,
    /// p50 ÷ the baseline's p50 (below 1: faster than the baseline).
    pub p50_ratio: Option<f64>,
    pub p99_ratio: Option<f64>,
    /// QPS ÷ the baseline's QPS (above 1: more throughput).
    pub qps_ratio: Option<f64>,
    /// Latency (ms) at each percentile 1..=100, for the plots.
    pub percentiles_ms: Vec<f64>,
}

/// One server under one load.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct HttpRow {
    pub engine: String,
    pub docs: usize,
    pub clients: usize,
    pub summary: Summary,
    pub errors: usize,
    pub server_peak_rss_mb: f64,
    pub p50_ratio: Option<f64>,
    pub qps_ratio: Option<f64>,
    pub percentiles_ms: Vec<f64>,
}

/// `sotehaku search` started from the shell on the largest index.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct CliRow {
    pub docs: usize,
    pub runs: usize,
    pub p50_ms: f64,
    pub max_ms: f64,
}

/// How one measure grows with the number of documents: `value = a · docs^b`, and the value projected to 1M.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GrowthRow {
    pub engine: String,
    pub measure: String,
    pub unit: String,
    pub points: Vec<(f64, f64)>,
    pub fit: Option<PowerFit>,
    pub at_1m: Option<f64>,
}

/// Latency (ms) at each percentile 1..=100 of a set of latencies.
pub fn percentile_curve(latencies_ms: &[f64]) -> Vec<f64> {
    let mut sorted = latencies_ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    (1..=100)
        .map(|p| crate::stats::percentile(&sorted, f64::from(p)))
        .collect()
}

fn ratio(value: f64, base: Option<f64>) -> Option<f64> {
    match base {
        Some(b) if b > 0.0 => Some(value / b),
        _ => None,
    }
}

impl Results {
    /// Fills every ratio from the baselines of the same run.
    pub fn compute_ratios(&mut self) {
        for size in &mut self.sizes {
            let base = size.indexing.iter().find(|r| r.engine == BASELINE).cloned();
            for row in &mut size.indexing {
                row.speed_ratio = ratio(row.mb_per_s, base.as_ref().map(|b| b.mb_per_s));
                row.size_ratio = ratio(row.index_bytes as f64, base.as_ref().map(|b| b.index_bytes as f64));
                row.rss_ratio = ratio(row.peak_rss_mb, base.as_ref().map(|b| b.peak_rss_mb));
            }
            let base = size.queries.iter().find(|r| r.engine == BASELINE).map(|r| r.summary);
            for row in &mut size.queries {
                row.p50_ratio = ratio(row.summary.p50_ms, base.map(|b| b.p50_ms));
                row.p99_ratio = ratio(row.summary.p99_ms, base.map(|b| b.p99_ms));
                row.qps_ratio = ratio(row.summary.qps, base.map(|b| b.qps));
            }
        }
        let http = self.http.clone();
        for row in &mut self.http {
            let base = http
                .iter()
                .find(|b| b.engine == HTTP_BASELINE && b.clients == row.clients)
                .map(|b| b.summary);
            row.p50_ratio = ratio(row.summary.p50_ms, base.map(|b| b.p50_ms));
            row.qps_ratio = ratio(row.summary.qps, base.map(|b| b.qps));
        }
    }

    /// Fits growth over the sizes measured and projects to a million documents.
    pub fn compute_growth(&mut self) {
        let mut engines: Vec<String> = Vec::new();
        for s in &self.sizes {
            for r in &s.indexing {
                if !engines.contains(&r.engine) {
                    engines.push(r.engine.clone());
                }
            }
            for r in &s.queries {
                if !engines.contains(&r.engine) {
                    engines.push(r.engine.clone());
                }
            }
        }
        let mut rows = Vec::new();
        type Pick = fn(&SizeResults, &str) -> Option<f64>;
        let measures: [(&str, &str, Pick); 5] = [
            ("indexing time", "s", |s, e| {
                s.indexing.iter().find(|r| r.engine == e).map(|r| r.secs)
            }),
            ("index size", "MB", |s, e| {
                s.indexing
                    .iter()
                    .find(|r| r.engine == e)
                    .map(|r| r.index_bytes as f64 / 1e6)
            }),
            ("indexing peak RSS", "MB", |s, e| {
                s.indexing.iter().find(|r| r.engine == e).map(|r| r.peak_rss_mb)
            }),
            ("query p50", "ms", |s, e| {
                s.queries.iter().find(|r| r.engine == e).map(|r| r.summary.p50_ms)
            }),
            ("query p99", "ms", |s, e| {
                s.queries.iter().find(|r| r.engine == e).map(|r| r.summary.p99_ms)
            }),
        ];
        for engine in &engines {
            for (measure, unit, pick) in measures {
                let points: Vec<(f64, f64)> = self
                    .sizes
                    .iter()
                    .filter_map(|s| pick(s, engine).map(|v| (s.docs as f64, v)))
                    .collect();
                if points.len() < 2 {
                    continue;
                }
                let fit = PowerFit::fit(&points);
                rows.push(GrowthRow {
                    engine: engine.clone(),
                    measure: measure.to_string(),
                    unit: unit.to_string(),
                    at_1m: fit.map(|f| f.at(1e6)),
                    points,
                    fit,
                });
            }
        }
        self.growth = rows;
        self.projection = self.project();
    }

    /// Plain statements about a million documents, from the fits of our Finnish engine.
    fn project(&self) -> Vec<String> {
        let mut out = Vec::new();
        let find = |measure: &str| {
            self.growth
                .iter()
                .find(|g| g.engine == "sotehaku-finnish" && g.measure == measure)
        };
        let Some(largest) = self.sizes.iter().max_by_key(|s| s.docs) else {
            return out;
        };
        let bytes_per_doc = largest.text_bytes as f64 / largest.docs.max(1) as f64;
        out.push(format!(
            "1M documents of this corpus's kind hold about {:.1} GB of text ({:.1} KB a document).",
            bytes_per_doc * 1e6 / 1e9,
            bytes_per_doc / 1e3
        ));
        if let Some(g) = find("indexing time").and_then(|g| g.at_1m.map(|v| (g, v))) {
            out.push(format!(
                "Indexing 1M documents with our Finnish chain: about {:.0} min on {} cores (time grows as docs^{:.2}).",
                g.1 / 60.0,
                self.machine.cores,
                g.0.fit.map(|f| f.b).unwrap_or(1.0)
            ));
        }
        if let Some((g, v)) = find("index size").and_then(|g| g.at_1m.map(|v| (g, v))) {
            let ram_gb = self.machine.memory_mb as f64 / 1024.0;
            out.push(format!(
                "Index size at 1M: about {:.1} GB (grows as docs^{:.2}); this machine has {:.0} GB of RAM, so the index {} \
                 in the page cache.",
                v / 1e3,
                g.fit.map(|f| f.b).unwrap_or(1.0),
                ram_gb,
                if v / 1e3 < ram_gb * 0.5 { "still fits" } else { "no longer fits" }
            ));
            if let Some(f) = g.fit {
                if f.b > 0.0 {
                    let docs = (ram_gb * 0.5 * 1e3 / f.a).powf(1.0 / f.b);
                    out.push(format!(
                        "The index outgrows half of this machine's RAM (the page cache that keeps queries fast) at about \
                         {:.1}M documents.",
                        docs / 1e6
                    ));
                }
            }
        }
        if let Some(g) = find("query p99") {
            if let (Some(v), Some(f)) = (g.at_1m, g.fit) {
                let mut s = format!(
                    "In-process faceted query p99 at 1M: about {v:.1} ms (grows as docs^{:.2}; the target is 5 ms at 72k).",
                    f.b
                );
                if g.points.iter().all(|p| p.1 > 5.0) {
                    s.push_str(" p99 is already above 5 ms at every size measured.");
                } else if f.b > 0.0 {
                    let n = (5.0 / f.a).powf(1.0 / f.b);
                    let _ = write!(s, " p99 crosses 5 ms at about {:.2}M documents.", n / 1e6);
                }
                out.push(s);
            }
        }
        if let Some(g) = find("query p50").and_then(|g| g.at_1m) {
            out.push(format!(
                "p50 at 1M: about {g:.2} ms. Facet counting visits every match, so latency follows the match count; \
                 past the point above, shard by region or year (tantivy segments searched in parallel, or several \
                 machines) rather than buy a bigger one."
            ));
        }
        out
    }

    /// The Markdown report.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# sotehaku benchmark results\n");
        let _ = writeln!(
            md,
            "Run {} on {} cores ({}), {} MB RAM. Corpus: `{}`{}. {} queries × {} rounds per engine and size, after a \
             warm-up round.\n",
            self.started,
            self.machine.cores,
            self.machine.cpu,
            self.machine.memory_mb,
            self.corpus,
            if self.quick { " (quick smoke mode)" } else { "" },
            self.queries,
            self.rounds
        );
        let _ = writeln!(
            md,
            "Ratios are this engine's figure ÷ the baseline's in the same run: in-process against `{BASELINE}` (raw \
             tantivy 0.27 with its stock Finnish Snowball chain, same fields and facets), HTTP against `{HTTP_BASELINE}`. \
             Speed ratio > 1 and latency ratio < 1 are better than the baseline.\n"
        );
        if !self.peers.is_empty() {
            let _ = writeln!(md, "Peers: {}.\n", self.peers.join("; "));
        }
        for size in &self.sizes {
            let _ = writeln!(
                md,
                "## {} documents ({:.1} MB of text)\n\n### Indexing\n",
                size.docs,
                size.text_bytes as f64 / 1e6
            );
            let _ = writeln!(
                md,
                "| engine | time s | MB/s | docs/s | index MB | peak RSS MB | speed × base | size × base | RSS × base |"
            );
            let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for r in &size.indexing {
                let _ = writeln!(
                    md,
                    "| {} | {:.1} | {:.2} | {:.0} | {:.1} | {:.0} | {} | {} | {} |",
                    r.engine,
                    r.secs,
                    r.mb_per_s,
                    r.docs_per_s,
                    r.index_bytes as f64 / 1e6,
                    r.peak_rss_mb,
                    fmt_ratio(r.speed_ratio),
                    fmt_ratio(r.size_ratio),
                    fmt_ratio(r.rss_ratio)
                );
            }
            let _ = writeln!(
                md,
                "\n### Queries in-process (faceted: region, theme, type, year counted for every query)\n"
            );
            let _ = writeln!(
                md,
                "| engine | p50 ms | p95 ms | p99 ms | QPS (1 thread) | p50 unfiltered | p50 filtered | median hits | queries with hits | p50 × base | p99 × base | QPS × base |"
            );
            let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for r in &size.queries {
                let s = &r.summary;
                let _ = writeln!(
                    md,
                    "| {} | {:.3} | {:.3} | {:.3} | {:.0} | {:.3} | {:.3} | {} | {}/{} | {} | {} | {} |",
                    r.engine,
                    s.p50_ms,
                    s.p95_ms,
                    s.p99_ms,
                    s.qps,
                    r.p50_unfiltered_ms,
                    r.p50_filtered_ms,
                    r.median_total,
                    r.queries_with_hits,
                    self.queries,
                    fmt_ratio(r.p50_ratio),
                    fmt_ratio(r.p99_ratio),
                    fmt_ratio(r.qps_ratio)
                );
            }
            let _ = writeln!(md);
        }
        if !self.http.is_empty() {
            let docs = self.http.first().map(|r| r.docs).unwrap_or(0);
            let _ = writeln!(
                md,
                "## HTTP on loopback ({docs} documents, faceted search, keep-alive clients)\n"
            );
            let _ = writeln!(
                md,
                "| server | clients | p50 ms | p95 ms | p99 ms | QPS | errors | server peak RSS MB | p50 × Typesense | QPS × Typesense |"
            );
            let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for r in &self.http {
                let s = &r.summary;
                let _ = writeln!(
                    md,
                    "| {} | {} | {:.3} | {:.3} | {:.3} | {:.0} | {} | {:.0} | {} | {} |",
                    r.engine,
                    r.clients,
                    s.p50_ms,
                    s.p95_ms,
                    s.p99_ms,
                    s.qps,
                    r.errors,
                    r.server_peak_rss_mb,
                    fmt_ratio(r.p50_ratio),
                    fmt_ratio(r.qps_ratio)
                );
            }
            let _ = writeln!(md);
        }
        if let Some(c) = &self.cli {
            let _ = writeln!(
                md,
                "## CLI\n\n`sotehaku search --index <{} docs>`: started, searched and printed in p50 {:.1} ms (max {:.1} ms) over {} runs.\n",
                c.docs, c.p50_ms, c.max_ms, c.runs
            );
        }
        if !self.growth.is_empty() {
            let _ = writeln!(
                md,
                "## Growth\n\nFitted as value = a · docs^b over the sizes measured; b = 1 is linear.\n"
            );
            let _ = writeln!(md, "| engine | measure | points (docs → value) | b | projected at 1M |");
            let _ = writeln!(md, "|---|---|---|---:|---:|");
            for g in &self.growth {
                let pts: Vec<String> = g
                    .points
                    .iter()
                    .map(|(d, v)| {
                        if *d >= 1e3 {
                            format!("{:.0}k → {:.3}", d / 1e3, v)
                        } else {
                            format!("{d:.0} → {v:.3}")
                        }
                    })
                    .collect();
                let _ = writeln!(
                    md,
                    "| {} | {} ({}) | {} | {} | {} |",
                    g.engine,
                    g.measure,
                    g.unit,
                    pts.join(", "),
                    g.fit.map(|f| format!("{:.2}", f.b)).unwrap_or_else(|| "–".into()),
                    g.at_1m
                        .map(|v| format!("{v:.1} {}", g.unit))
                        .unwrap_or_else(|| "–".into())
                );
            }
            let _ = writeln!(md);
            for p in &self.projection {
                let _ = writeln!(md, "- {p}");
            }
            let _ = writeln!(md);
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(md, "## Skipped and failed\n");
            for s in &self.skipped {
                let _ = writeln!(md, "- {s}");
            }
            let _ = writeln!(md);
        }
        let _ = writeln!(
            md,
            "Plots: `latency-inprocess.svg`, `latency-http.svg` (latency by percentile at the largest size) and \
             `growth.svg` (indexing time, index size and query p50 against corpus size)."
        );
        md
    }
}

fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        Some(v) => format!("{v:.2}×"),
        None => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_row(engine: &str, mb_per_s: f64) -> IndexRow {
        IndexRow {
            engine: engine.into(),
            mb_per_s,
            secs: 10.0 / mb_per_s,
            index_bytes: 1000,
            peak_rss_mb: 100.0,
            ..Default::default()
        }
    }

    #[test]
    fn ratios_refer_to_the_baseline_of_the_same_size() {
        let mut r = Results {
            sizes: vec![SizeResults {
                docs: 10,
                indexing: vec![index_row(BASELINE, 4.0), index_row("sotehaku-finnish", 2.0)],
                ..Default::default()
            }],
            ..Default::default()
        };
        r.compute_ratios();
        assert_eq!(r.sizes[0].indexing[1].speed_ratio, Some(0.5));
        assert_eq!(r.sizes[0].indexing[0].speed_ratio, Some(1.0));
        let md = r.to_markdown();
        assert!(md.contains("| sotehaku-finnish |") && md.contains("0.50×"), "{md}");
    }

    #[test]
    fn growth_is_fitted_across_sizes() {
        let size = |docs: usize, secs: f64| SizeResults {
            docs,
            text_bytes: docs as u64 * 6000,
            indexing: vec![IndexRow {
                engine: "sotehaku-finnish".into(),
                secs,
                index_bytes: docs as u64 * 3000,
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut r = Results {
            machine: Machine {
                cores: 2,
                memory_mb: 24_000,
                cpu: String::new(),
            },
            sizes: vec![size(10_000, 10.0), size(40_000, 40.0)],
            ..Default::default()
        };
        r.compute_growth();
        let t = r.growth.iter().find(|g| g.measure == "indexing time").unwrap();
        assert!((t.at_1m.unwrap() - 1000.0).abs() < 1e-6);
        assert!(
            r.projection
                .iter()
                .any(|p| p.contains("Index size at 1M: about 3.0 GB")),
            "{:?}",
            r.projection
        );
    }
}
