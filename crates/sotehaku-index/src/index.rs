//! Opening, creating and writing a sotehaku index: [`SearchIndex`] and its [`Indexer`].

use std::path::{Path, PathBuf};

use chrono::Datelike;
use sotehaku_ingest::{Document, Language};
use tantivy::schema::Facet;
use tantivy::{DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{register_all, AnalyzerKind};
use crate::schema::{build_schema, Fields, IndexMeta};
use crate::IndexError;

/// Memory the writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;
/// Word forms cached by a writer's own Finnish analysis (see [`BulkAnalysis`]). 36,000 statutes hold over a million
/// distinct forms; at 200,000 (the shared cache) indexing them took 14% longer (`sotehaku-bench __job index-ours`).
/// A cached form costs about 200 bytes, so a full cache is about 200 MB, freed when the writer goes.
const BULK_ANALYSIS_CACHE: usize = 1_000_000;

/// An opened index: its tantivy handle, a reader that follows commits, and what built it.
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    meta: IndexMeta,
    dir: Option<PathBuf>,
    /// Per-segment facet tables for counting, built on first use.
    pub(crate) facet_tables: std::sync::Arc<crate::facets::FacetTables>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("meta", &self.meta)
            .finish()
    }
}

impl SearchIndex {
    /// Opens an existing index. A directory that is missing, not an index, damaged, or built by an incompatible
    /// version of sotehaku gives an error that says so.
    pub fn open(dir: &Path) -> Result<SearchIndex, IndexError> {
        if !dir.is_dir() {
            return Err(IndexError::Missing(dir.to_path_buf()));
        }
        let meta = match IndexMeta::read(dir)? {
            Some(meta) => meta,
            None if dir.join("meta.json").exists() => {
                return Err(IndexError::Incompatible(format!(
                    "{} holds a tantivy index that sotehaku did not build",
                    dir.display()
                )))
            }
            None => return Err(IndexError::Missing(dir.to_path_buf())),
        };
        if let Some(reason) = meta.incompatibility() {
            return Err(IndexError::Stale {
                dir: dir.to_path_buf(),
                reason,
            });
        }
        let index = Index::open_in_dir(dir).map_err(|e| IndexError::Corrupt {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let fields = Fields::from_schema(&index.schema())?;
        let opened = SearchIndex::finish(index, fields, meta, Some(dir.to_path_buf()))?;
        opened.check_tokenizers()?;
        Ok(opened)
    }

    /// Every analysis chain the schema names must exist in this build; otherwise the index is stale.
    fn check_tokenizers(&self) -> Result<(), IndexError> {
        let schema = self.index.schema();
        for (_, entry) in schema.fields() {
            if let tantivy::schema::FieldType::Str(options) = entry.field_type() {
                if let Some(indexing) = options.get_indexing_options() {
                    if self.index.tokenizers().get(indexing.tokenizer()).is_none() {
                        return Err(IndexError::Stale {
                            dir: self.dir.clone().unwrap_or_default(),
                            reason: format!("its analysis chain {:?} no longer exists", indexing.tokenizer()),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Creates a new, empty index in `dir` (created if needed; it must not already hold an index).
    pub fn create(dir: &Path, analyzer: AnalyzerKind) -> Result<SearchIndex, IndexError> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let (schema, fields) = build_schema(analyzer);
        let index = Index::create_in_dir(dir, schema)
            .map_err(|e| IndexError::Other(format!("cannot create an index in {}: {e}", dir.display())))?;
        let meta = IndexMeta::current(analyzer);
        meta.write(dir)?;
        SearchIndex::finish(index, fields, meta, Some(dir.to_path_buf()))
    }

    /// Opens the index in `dir`, or creates it there if the directory holds none.
    pub fn open_or_create(dir: &Path, analyzer: AnalyzerKind) -> Result<SearchIndex, IndexError> {
        match SearchIndex::open(dir) {
            Err(IndexError::Missing(_)) => SearchIndex::create(dir, analyzer),
            other => other,
        }
    }

    /// An index in memory, for tests and short-lived embedding.
    pub fn in_memory(analyzer: AnalyzerKind) -> Result<SearchIndex, IndexError> {
        let (schema, fields) = build_schema(analyzer);
        let index = Index::create_in_ram(schema);
        SearchIndex::finish(index, fields, IndexMeta::current(analyzer), None)
    }

    /// Deletes `dir`'s index files and creates a fresh index there.
    pub fn recreate(dir: &Path, analyzer: AnalyzerKind) -> Result<SearchIndex, IndexError> {
        if dir.exists() {
            remove_index_files(dir)?;
        }
        SearchIndex::create(dir, analyzer)
    }

    fn finish(index: Index, fields: Fields, meta: IndexMeta, dir: Option<PathBuf>) -> Result<SearchIndex, IndexError> {
        register_all(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e: tantivy::TantivyError| IndexError::Corrupt {
                dir: dir.clone().unwrap_or_default(),
                reason: e.to_string(),
            })?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            meta,
            dir,
            facet_tables: Default::default(),
        })
    }

    pub fn meta(&self) -> &IndexMeta {
        &self.meta
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn analyzer(&self) -> AnalyzerKind {
        self.meta.analyzer
    }

    /// Number of documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Number of segments searches go through (each costs every query a little; [`Indexer::compact`] makes one).
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Records what the index was built from (see [`IndexMeta::source_fingerprint`]).
    pub fn set_source_fingerprint(&mut self, fingerprint: Option<String>) -> Result<(), IndexError> {
        self.meta.source_fingerprint = fingerprint;
        match &self.dir {
            Some(dir) => self.meta.write(dir),
            None => Ok(()),
        }
    }

    /// Makes the latest commit visible to searches now (otherwise it becomes visible shortly after the commit).
    pub fn reload(&self) -> Result<(), IndexError> {
        self.reader.reload().map_err(IndexError::from)
    }

    /// A writer. Only one may exist per index at a time (tantivy holds a lock file); a second process gets
    /// [`IndexError::Locked`].
    pub fn indexer(&self) -> Result<Indexer, IndexError> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        // Before the writer: its segment writers take their analyzers from the index's tokenizers.
        let bulk_analysis = self
            .meta
            .analyzer
            .has_parts()
            .then(|| BulkAnalysis::register(self.index.tokenizers()));
        let writer = self
            .index
            .writer_with_num_threads(threads, WRITER_MEMORY)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => IndexError::Locked(self.dir.clone().unwrap_or_default()),
                other => IndexError::from(other),
            })?;
        // A process killed inside a commit can leave files no commit refers to (a `.del` file of the next opstamp);
        // tantivy only removes them after a successful commit, and the next commit would fail creating the same
        // name. This writer holds the lock, so nothing else can be using them.
        writer.garbage_collect_files().wait()?;
        Ok(Indexer {
            writer,
            fields: self.fields,
            analyzer: self.meta.analyzer,
            pending: 0,
            _bulk_analysis: bulk_analysis,
        })
    }
}

/// While a writer lives, the Finnish chains of its index analyse words through an analyzer with a large cache of
/// its own: a bulk load meets far more word forms than the shared cache holds, and forms evicted from it are
/// analysed again. The tokens are the same; on drop the index goes back to the shared analyzer and the cache is freed.
struct BulkAnalysis {
    tokenizers: tantivy::tokenizer::TokenizerManager,
}

impl BulkAnalysis {
    fn register(tokenizers: &tantivy::tokenizer::TokenizerManager) -> BulkAnalysis {
        let analyzer = sotehaku_finnish::analyze::WordAnalyzer::with_cache(BULK_ANALYSIS_CACHE);
        sotehaku_finnish::analyzers::register_finnish_with(tokenizers, std::sync::Arc::new(analyzer));
        BulkAnalysis {
            tokenizers: tokenizers.clone(),
        }
    }
}

impl Drop for BulkAnalysis {
    fn drop(&mut self) {
        let shared = std::sync::Arc::clone(sotehaku_finnish::analyze::WordAnalyzer::builtin());
        sotehaku_finnish::analyzers::register_finnish_with(&self.tokenizers, shared);
    }
}

/// Removes the files of a sotehaku (or tantivy) index from `dir`, and nothing else.
fn remove_index_files(dir: &Path) -> Result<(), IndexError> {
    let entries = std::fs::read_dir(dir).map_err(|source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_index_file = name == "meta.json"
            || name == ".managed.json"
            || name.starts_with(".tantivy")
            || name.starts_with(crate::schema::META_FILE)
            || [".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del"]
                .iter()
                .any(|ext| name.ends_with(ext));
        if is_index_file && path.is_file() {
            std::fs::remove_file(&path).map_err(|source| IndexError::Io { path, source })?;
        }
    }
    Ok(())
}

/// Adds documents to an index. Adding a document whose id is already indexed replaces it. Nothing is visible to
/// searches, nor durable, before [`Indexer::commit`].
pub struct Indexer {
    writer: IndexWriter,
    fields: Fields,
    analyzer: AnalyzerKind,
    pending: u64,
    _bulk_analysis: Option<BulkAnalysis>,
}

impl Indexer {
    /// Adds or replaces (by id) one document.
    pub fn upsert(&mut self, doc: &Document) -> Result<(), IndexError> {
        if doc.id.trim().is_empty() {
            return Err(IndexError::InvalidDocument("a document needs a non-empty id".into()));
        }
        let tantivy_doc = self.to_tantivy(doc)?;
        self.writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
        self.writer.add_document(tantivy_doc)?;
        self.pending += 1;
        Ok(())
    }

    /// Removes a document by id.
    pub fn delete(&mut self, id: &str) {
        self.writer.delete_term(Term::from_field_text(self.fields.id, id));
        self.pending += 1;
    }

    /// Number of changes since the last commit.
    pub fn pending(&self) -> u64 {
        self.pending
    }

    /// Makes the changes durable and visible. After a crash, the index opens at the last commit.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        self.pending = 0;
        Ok(())
    }

    /// Drops the changes since the last commit.
    pub fn rollback(&mut self) -> Result<(), IndexError> {
        self.writer.rollback()?;
        self.pending = 0;
        Ok(())
    }

    /// Merges every segment into one and deletes the files no longer used, so that the text of deleted or replaced
    /// documents is gone from disk (tantivy otherwise keeps it until a merge). Commit first; this waits.
    ///
    /// tantivy's background merges would race with this one (a segment merged away under it fails the merge), so
    /// none are started from here on; call this on a fresh indexer, as [`crate::SearchIndex::indexer`] gives.
    pub fn compact(mut self) -> Result<(), IndexError> {
        self.writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        self.writer.commit()?;
        let segments = self.writer.index().searchable_segment_ids()?;
        if segments.len() > 1 || self.has_deletes()? {
            self.writer.merge(&segments).wait()?;
        }
        self.writer.garbage_collect_files().wait()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    fn has_deletes(&self) -> Result<bool, IndexError> {
        let metas = self.writer.index().searchable_segment_metas()?;
        Ok(metas.iter().any(|m| m.has_deletes()))
    }

    /// Waits for merges to finish; call after the last commit of a big batch.
    pub fn finish(self) -> Result<(), IndexError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    fn to_tantivy(&self, doc: &Document) -> Result<TantivyDocument, IndexError> {
        let f = &self.fields;
        let mut td = TantivyDocument::default();
        td.add_text(f.id, &doc.id);
        if doc.language == Some(Language::Swedish) {
            td.add_text(f.title_sv, &doc.title);
            td.add_text(f.text_sv, &doc.text);
        } else {
            td.add_text(f.title, &doc.title);
            td.add_text(f.text, &doc.text);
            if self.analyzer.has_parts() {
                td.add_text(f.parts, &doc.title);
                td.add_text(f.parts, &doc.text);
            }
        }
        if let Some(day) = doc.published.and_then(|p| p.earliest()) {
            td.add_date(f.published, day_start(day));
            td.add_facet(f.year, Facet::from_path([day.year().to_string()]));
            td.add_facet(f.month, Facet::from_path([day.format("%Y-%m").to_string()]));
        }
        if doc.restricted {
            td.add_facet(f.flags, Facet::from_path([crate::search::RESTRICTED_FLAG]));
        }
        if let Some(day) = doc.recheck_due {
            td.add_date(f.recheck_due, day_start(day));
        }
        for region in &doc.regions {
            td.add_facet(f.region, Facet::from_path([region.code()]));
        }
        for theme in &doc.themes {
            td.add_facet(f.theme, Facet::from_path([theme.as_str()]));
        }
        td.add_facet(f.doc_type, Facet::from_path([doc.doc_type.slug()]));
        // The text goes to its own field; the JSON keeps the rest (a shallow copy would need a second Document type).
        let without_text = Document {
            text: String::new(),
            ..doc.clone()
        };
        let json = serde_json::to_string(&without_text).map_err(|e| IndexError::InvalidDocument(e.to_string()))?;
        td.add_text(f.doc, json);
        td.add_text(f.body, &doc.text);
        Ok(td)
    }
}

/// Midnight (UTC) at the start of `day`, as tantivy stores dates. tantivy counts nanoseconds in an i64, which holds
/// 1678-01-01 to 2261-12-31; days outside are clamped to those ends (a statute of 1734 sorts and filters as the
/// earliest possible day — its year facet keeps the real year).
pub(crate) fn day_start(day: chrono::NaiveDate) -> DateTime {
    const EARLIEST: i64 = -9_214_560_000; // 1678-01-01T00:00:00Z
    const LATEST: i64 = 9_214_560_000; // 2261-12-31T00:00:00Z
    let secs = day
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default()
        .clamp(EARLIEST, LATEST);
    DateTime::from_timestamp_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_replaces_instead_of_duplicating() {
        let index = SearchIndex::in_memory(AnalyzerKind::Snowball).unwrap();
        let mut indexer = index.indexer().unwrap();
        indexer
            .upsert(&Document::new("a", "Ensimmäinen", "Vanha teksti"))
            .unwrap();
        indexer
            .upsert(&Document::new("a", "Ensimmäinen", "Uusi teksti"))
            .unwrap();
        indexer.commit().unwrap();
        indexer
            .upsert(&Document::new("a", "Ensimmäinen", "Kolmas teksti"))
            .unwrap();
        indexer.commit().unwrap();
        index.reload().unwrap();
        assert_eq!(index.num_docs(), 1);
    }
}
