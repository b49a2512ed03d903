//! The errors a benchmark run can stop with.

use std::path::PathBuf;

/// Everything that can stop a benchmark run (a peer that is merely missing is skipped, not an error).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Our engine failed.
    #[error(transparent)]
    Engine(#[from] sotehaku::Error),
    /// The raw tantivy baseline failed.
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A child process (an indexing job, a server, Lucene, Typesense) failed or misbehaved.
    #[error("{what}: {detail}")]
    Child { what: String, detail: String },
    /// A JSON document or answer could not be read.
    #[error("{what}: {source}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// The query file is malformed.
    #[error("query file line {line}: {reason}")]
    QueryFile { line: usize, reason: String },
    /// An HTTP exchange failed.
    #[error("HTTP {0}")]
    Http(String),
    /// A plot could not be drawn.
    #[error("plot {path}: {detail}")]
    Plot { path: PathBuf, detail: String },
    /// The command line is wrong.
    #[error("{0}")]
    Usage(String),
}

impl BenchError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BenchError {
        let path = path.into();
        move |source| BenchError::Io { path, source }
    }

    /// A child-process failure.
    pub fn child(what: impl Into<String>, detail: impl std::fmt::Display) -> BenchError {
        BenchError::Child {
            what: what.into(),
            detail: detail.to_string(),
        }
    }
}
