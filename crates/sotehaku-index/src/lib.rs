//! # sotehaku-index
//!
//! The index of sotehaku: a tantivy schema with boosted title and body fields, a date field for ranges and sorting,
//! hierarchical facets for region, theme, document type and year, and the stored document for display. Documents
//! are upserted by id. The index records its schema and analyzer version and refuses, with a clear message, to be
//! opened by an incompatible build.
//!
//! ```
//! use sotehaku_index::{AnalyzerKind, SearchIndex, SearchRequest};
//! use sotehaku_ingest::{Document, Region};
//!
//! let index = SearchIndex::in_memory(AnalyzerKind::Snowball).unwrap();
//! let mut indexer = index.indexer().unwrap();
//! let mut doc = Document::new("tiedote-1", "Aluevaltuusto kokoontui", "Aluevaltuusto päätti talousarviosta.");
//! doc.regions = vec![Region::County(9)];
//! indexer.upsert(&doc).unwrap();
//! indexer.commit().unwrap();
//! index.reload().unwrap();
//!
//! let results = index.search(&SearchRequest::new("talousarvio")).unwrap();
//! assert_eq!(results.total, 1);
//! assert_eq!(results.facets.region.get("09"), Some(1));
//! ```

use std::path::PathBuf;

mod analysis;
pub mod eval;
mod facets;
#[doc(hidden)]
pub mod fuzzing;
mod index;
mod pruned;
mod query;
mod schema;
mod search;
mod stored;

pub use analysis::AnalyzerKind;
pub use index::{Indexer, SearchIndex};
pub use schema::{IndexMeta, META_FILE, SCHEMA_VERSION};
pub use search::{
    FacetValues, Facets, Hit, SearchRequest, SearchResults, Snippet, SortOrder, MAX_LIMIT, MAX_QUERY_BYTES, MAX_WINDOW,
};

/// What can go wrong with an index or a search. The messages are meant for users: they say what to do.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index at {0}; build one with `sotehaku index --input FILE...`")]
    Missing(PathBuf),
    #[error("the index at {dir} was built by another version of sotehaku ({reason}); rebuild it with `sotehaku index --rebuild --input FILE...`")]
    Stale { dir: PathBuf, reason: String },
    #[error("the index at {dir} is damaged ({reason}); rebuild it with `sotehaku index --rebuild --input FILE...`")]
    Corrupt { dir: PathBuf, reason: String },
    #[error("incompatible index: {0}")]
    Incompatible(String),
    #[error("the index at {0} is being written by another process; try again when it has finished")]
    Locked(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid document: {0}")]
    InvalidDocument(String),
    #[error("cannot understand the query {query:?}: {reason}")]
    Query { query: String, reason: String },
    #[error("invalid search: {0}")]
    InvalidRequest(String),
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("{0}")]
    Other(String),
}

impl IndexError {
    /// Whether the error is the user's to fix (a bad query or parameter) rather than the system's.
    pub fn is_user_error(&self) -> bool {
        matches!(self, IndexError::Query { .. } | IndexError::InvalidRequest(_))
    }
}
