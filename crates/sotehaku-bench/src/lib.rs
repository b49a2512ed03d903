//! # sotehaku-bench
//!
//! Benchmarks sotehaku side by side with the engines a user would pick instead, in one run on one machine: raw
//! tantivy with its stock Finnish chain (the baseline: our engine minus our layers), Lucene 8 with its
//! FinnishAnalyzer, and Typesense 0.24 over HTTP. It measures indexing (MB/s, docs/s, index size, peak RSS of each
//! job in its own child process), faceted queries in-process and over HTTP (p50/p95/p99, QPS), the CLI's start-up,
//! and how all of it grows with the corpus; every figure is also given as a ratio to a baseline of the same run.
//!
//! Run it with `cargo run --release -p sotehaku-bench -- [--quick] [--out DIR] [--sizes 10000,36000,71977]`;
//! `scripts/setup-bench-deps.sh` installs the peers.
//!
//! ```
//! use sotehaku_bench::stats::Summary;
//! let s = Summary::of(&[0.4, 0.5, 0.6], 0.0015);
//! assert_eq!(s.p50_ms, 0.5);
//! ```

pub mod corpus;
mod error;
pub mod http;
pub mod jobs;
pub mod lucene;
pub mod plot;
pub mod process;
pub mod queries;
pub mod rawtantivy;
pub mod report;
pub mod run;
pub mod stats;

pub use error::BenchError;
pub use run::{run, BenchConfig};
