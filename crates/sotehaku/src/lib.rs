//! # sotehaku
//!
//! Search the documents of Finland's social and health care reform — news releases, minutes, statutes, court
//! rulings — by words, region, theme, document type and date, from a Rust program. This crate is what the
//! `sotehaku` command-line tool and HTTP server are built on.
//!
//! ```
//! use sotehaku::{Document, Engine, Query, Region};
//!
//! # fn main() -> Result<(), sotehaku::Error> {
//! let engine = Engine::in_memory()?;
//! let mut doc = Document::new("esimerkki-1", "Terveysaseman sulkeminen", "Aluehallitus päätti sulkea terveysaseman.");
//! doc.regions = vec![Region::County(13)];
//! engine.add_documents([doc])?;
//!
//! let results = engine.search(&Query::new("terveysasema").region(Region::County(13)))?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].id, "esimerkki-1");
//! # Ok(())
//! # }
//! ```
//!
//! See `examples/search.rs` for a complete program.

mod build;
mod query;

use std::path::Path;

pub use build::{corpus_fingerprint, BuildProgress, BuildReport, DefaultLocations};
pub use query::{parse_day, Query};
pub use sotehaku_finnish::{analyze, expansions, AnalyzedToken};
pub use sotehaku_index::{
    eval, AnalyzerKind, FacetValues, Facets, Hit, IndexError, SearchIndex, SearchRequest, SearchResults, Snippet,
    SortOrder, META_FILE,
};
pub use sotehaku_ingest::{
    dedup::{DedupOutcome, Deduplicator},
    ingest_paths, ingest_paths_parallel, DocType, Document, FileError, Ingester, Language, PartialDate, Region,
    RegionInfo, RegionTable, SourceRecord, Theme, ThemeTaxonomy,
};

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("{0}")]
    InvalidQuery(String),
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the error is the user's to fix (a bad query or parameter).
    pub fn is_user_error(&self) -> bool {
        match self {
            Error::Index(e) => e.is_user_error(),
            Error::InvalidQuery(_) => true,
            Error::Io { .. } => false,
        }
    }
}

/// A search engine over one index.
#[derive(Debug, Clone)]
pub struct Engine {
    index: SearchIndex,
}

impl Engine {
    /// Opens an existing index directory.
    pub fn open(dir: impl AsRef<Path>) -> Result<Engine, Error> {
        Ok(Engine {
            index: SearchIndex::open(dir.as_ref())?,
        })
    }

    /// Creates an empty index in `dir` analysed with sotehaku's Finnish chain.
    pub fn create(dir: impl AsRef<Path>) -> Result<Engine, Error> {
        Engine::create_with(dir, AnalyzerKind::default())
    }

    /// Creates an empty index in `dir` analysed with the given chain (`plain` and `snowball` are baselines).
    pub fn create_with(dir: impl AsRef<Path>, analyzer: AnalyzerKind) -> Result<Engine, Error> {
        Ok(Engine {
            index: SearchIndex::create(dir.as_ref(), analyzer)?,
        })
    }

    /// Deletes the index in `dir`, if any, and creates an empty one analysed with the given chain.
    pub fn recreate(dir: impl AsRef<Path>, analyzer: AnalyzerKind) -> Result<Engine, Error> {
        Ok(Engine {
            index: SearchIndex::recreate(dir.as_ref(), analyzer)?,
        })
    }

    /// Opens the index in `dir`, creating an empty one if there is none.
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<Engine, Error> {
        Ok(Engine {
            index: SearchIndex::open_or_create(dir.as_ref(), AnalyzerKind::default())?,
        })
    }

    /// An index in memory.
    pub fn in_memory() -> Result<Engine, Error> {
        Engine::in_memory_with(AnalyzerKind::default())
    }

    pub fn in_memory_with(analyzer: AnalyzerKind) -> Result<Engine, Error> {
        Ok(Engine {
            index: SearchIndex::in_memory(analyzer)?,
        })
    }

    /// The underlying index, for what this facade does not cover.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Number of searchable documents.
    pub fn num_docs(&self) -> u64 {
        self.index.num_docs()
    }

    /// Records what the index was built from, so a later run can tell whether it is still current.
    pub fn set_source_fingerprint(&mut self, fingerprint: Option<String>) -> Result<(), Error> {
        Ok(self.index.set_source_fingerprint(fingerprint)?)
    }

    /// Runs a search.
    pub fn search(&self, query: &Query) -> Result<SearchResults, Error> {
        Ok(self.index.search(query.request())?)
    }

    /// The stored document with this id.
    pub fn document(&self, id: &str) -> Result<Option<Document>, Error> {
        Ok(self.index.get(id)?)
    }

    /// Every facet value with its document count.
    pub fn facets(&self) -> Result<Facets, Error> {
        Ok(self.index.all_facets()?)
    }

    /// Adds (or replaces, by id) documents and commits them; they are searchable when this returns.
    pub fn add_documents(&self, docs: impl IntoIterator<Item = Document>) -> Result<usize, Error> {
        let mut indexer = self.index.indexer()?;
        let mut n = 0;
        for doc in docs {
            indexer.upsert(&doc)?;
            n += 1;
        }
        indexer.commit()?;
        self.index.reload()?;
        Ok(n)
    }

    /// Deletes documents by id and commits; ids that are not in the index are passed over. Returns how many ids were
    /// asked for. Used when a publisher removes a page (404/410) or a copy must be purged.
    pub fn remove_documents<S: AsRef<str>>(&self, ids: impl IntoIterator<Item = S>) -> Result<usize, Error> {
        let mut indexer = self.index.indexer()?;
        let mut n = 0;
        for id in ids {
            indexer.delete(id.as_ref());
            n += 1;
        }
        indexer.commit()?;
        self.index.reload()?;
        Ok(n)
    }

    /// Rewrites the index into one segment and deletes unused files, so removed documents leave no trace on disk.
    pub fn compact(&self) -> Result<(), Error> {
        self.index.indexer()?.compact()?;
        self.index.reload()?;
        Ok(())
    }

    /// Reads input files (JSON Lines, `.jsonl.zst`, plain text, HTML, PDF; files or directories), turns each record into a
    /// document and indexes it. Bad records are reported in the [`BuildReport`] and skipped; the batch goes on.
    pub fn index_files<P: AsRef<Path>>(
        &mut self,
        inputs: &[P],
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<BuildReport, Error> {
        build::index_files(&mut self.index, inputs, progress)
    }
}

impl Engine {
    /// Runs every topic (top 100, relevance order, no filters) and scores the rankings against the judgments.
    pub fn evaluate(&self, topics: &[eval::Topic], qrels: &eval::Qrels) -> Result<eval::EvalReport, Error> {
        let mut per_topic = std::collections::BTreeMap::new();
        for topic in topics {
            let results = self.search(&Query::new(topic.query.clone()).limit(100))?;
            let ranked: Vec<String> = results.hits.into_iter().map(|h| h.id).collect();
            per_topic.insert(topic.id.clone(), eval::score_topic(&ranked, qrels.judgments(&topic.id)));
        }
        Ok(eval::EvalReport::from_topics(self.index.analyzer().name(), per_topic))
    }
}
