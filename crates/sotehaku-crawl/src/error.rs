//! Error type of the crawler.

use std::path::PathBuf;

/// Everything that can go wrong while configuring or running a crawl.
///
/// Per-page failures (a 404, a refused address, a redirect loop) are *not* errors: they are counted in the
/// [`crate::CrawlSummary`] and logged in the state store. These variants stop a whole operation.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The source registry could not be parsed or is inconsistent.
    #[error("source registry: {0}")]
    Registry(String),
    /// A selected source name is not in the registry.
    #[error("unknown source {0:?} (see `sources.toml`)")]
    UnknownSource(String),
    /// A URL given by the user or the registry is not usable.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The SQLite state store failed.
    #[error("state store: {0}")]
    Store(#[from] rusqlite::Error),
    /// A JSON record could not be read or written.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),
    /// Bad options (e.g. a zero page limit).
    #[error("options: {0}")]
    Options(String),
}

impl CrawlError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> CrawlError {
        CrawlError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = CrawlError> = std::result::Result<T, E>;
