//! Building an index from input files, and the default index built from the shipped corpus.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sotehaku_index::{AnalyzerKind, IndexError, SearchIndex};
use sotehaku_ingest::{ingest_paths_parallel, Ingester};

use crate::{Engine, Error};

/// Changes are committed every this many documents, so a crash loses at most one batch.
const COMMIT_EVERY: u64 = 5_000;
/// Documents ingested in parallel at a time (order is kept); small enough that huge documents stay bounded.
const INGEST_BATCH: usize = 64;
/// A build that adds at least this many documents ends by merging the index into one segment: a bulk load leaves
/// many segments (one per writer thread and commit), and every query pays for each of them — term lookups, scorers,
/// facet tables. Merging 72k documents takes about 5% of the time indexing them did; small updates leave merging to
/// tantivy's merge policy.
const COMPACT_AFTER: u64 = COMMIT_EVERY;
/// At most this many error messages are kept in a report; the rest are only counted.
const MAX_REPORTED_ERRORS: usize = 200;

/// Where the index is during a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildProgress {
    /// Starting; `expected` documents if the inputs' size is known up front.
    Started { expected: Option<u64> },
    /// Another document was read (indexed or skipped).
    Document { indexed: u64, skipped: u64 },
    /// A batch was committed.
    Committed { indexed: u64 },
    /// Done.
    Finished { indexed: u64, skipped: u64 },
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Documents added or replaced.
    pub indexed: u64,
    /// Records that could not be indexed.
    pub skipped: u64,
    /// Documents deleted because a crawl's `removed.jsonl` lists them (the publisher removed the page).
    pub removed: u64,
    /// The first errors, each naming its file and line.
    pub errors: Vec<String>,
    /// Bytes of text (title + text) indexed.
    pub text_bytes: u64,
    /// Whether the build ended by merging the index into one segment (bulk loads do).
    pub compacted: bool,
    pub elapsed: Duration,
}

pub(crate) fn index_files<P: AsRef<Path>>(
    index: &mut SearchIndex,
    inputs: &[P],
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<BuildReport, Error> {
    let started = Instant::now();
    progress(BuildProgress::Started {
        expected: expected_records(inputs),
    });
    let ingester = Ingester::new();
    let mut indexer = index.indexer()?;
    let mut report = BuildReport::default();
    let note_error = |report: &mut BuildReport, message: String| {
        report.skipped += 1;
        if report.errors.len() < MAX_REPORTED_ERRORS {
            report.errors.push(message);
        }
    };
    for item in ingest_paths_parallel(&ingester, inputs, INGEST_BATCH) {
        match item {
            Err(e) => note_error(&mut report, e.to_string()),
            Ok(doc) => match indexer.upsert(&doc) {
                Err(e) => note_error(&mut report, format!("{}: {e}", doc.id)),
                Ok(()) => {
                    report.indexed += 1;
                    report.text_bytes += (doc.title.len() + doc.text.len()) as u64;
                }
            },
        }
        progress(BuildProgress::Document {
            indexed: report.indexed,
            skipped: report.skipped,
        });
        if indexer.pending() >= COMMIT_EVERY {
            indexer.commit()?;
            progress(BuildProgress::Committed {
                indexed: report.indexed,
            });
        }
    }
    for id in tombstones(inputs) {
        indexer.delete(&id);
        report.removed += 1;
    }
    indexer.commit()?;
    indexer.finish()?;
    if report.indexed >= COMPACT_AFTER {
        // A fresh writer: none of the build's background merges can still be running under the compaction.
        index.indexer()?.compact()?;
        report.compacted = true;
    }
    index.reload()?;
    report.elapsed = started.elapsed();
    progress(BuildProgress::Finished {
        indexed: report.indexed,
        skipped: report.skipped,
    });
    Ok(report)
}

/// The name of the file in which `sotehaku crawl` lists the ids of documents whose pages the publisher removed
/// (one JSON object a line with an `id`), beside its `documents.jsonl`.
pub const TOMBSTONES_FILE: &str = "removed.jsonl";
/// Most tombstones read from one file.
const MAX_TOMBSTONES: usize = 1_000_000;

/// Ids to delete: from `removed.jsonl` in each input directory, or beside an input named `documents.jsonl`.
/// Unreadable lines are passed over: a tombstone that cannot be read leaves a document in, it never removes one.
fn tombstones<P: AsRef<Path>>(inputs: &[P]) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Tombstone {
        id: String,
    }
    let mut ids = Vec::new();
    for input in inputs {
        let input = input.as_ref();
        let dir = if input.is_dir() {
            Some(input)
        } else if input.file_name().is_some_and(|n| n == "documents.jsonl") {
            input.parent()
        } else {
            None
        };
        let Some(Ok(text)) = dir.map(|d| std::fs::read_to_string(d.join(TOMBSTONES_FILE))) else {
            continue;
        };
        ids.extend(
            text.lines()
                .take(MAX_TOMBSTONES)
                .filter_map(|line| serde_json::from_str::<Tombstone>(line).ok())
                .map(|t| t.id)
                .filter(|id| !id.trim().is_empty()),
        );
    }
    ids
}

/// Counts the records of uncompressed inputs cheaply, for a progress bar; `None` if any input is compressed.
fn expected_records<P: AsRef<Path>>(inputs: &[P]) -> Option<u64> {
    let mut total = 0;
    for path in files_under(inputs) {
        let name = path.to_string_lossy().to_lowercase();
        if name.ends_with(".txt") {
            total += 1;
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            let mut file = std::fs::File::open(&path).ok()?;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = file.read(&mut buf).ok()?;
                if n == 0 {
                    break;
                }
                total += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            }
        } else if name.ends_with(".zst") {
            return None;
        }
    }
    Some(total)
}

fn files_under<P: AsRef<Path>>(inputs: &[P]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = inputs.iter().map(|p| p.as_ref().to_path_buf()).collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// A fingerprint of everything an index built from `inputs` depends on: the files' names and contents and the
/// schema and analyzer versions. The default index is rebuilt when it changes.
pub fn corpus_fingerprint<P: AsRef<Path>>(inputs: &[P], analyzer: AnalyzerKind) -> Result<String, Error> {
    let mut hasher = Sha256::new();
    hasher.update(format!(
        "schema {} analyzer {} {}\n",
        sotehaku_index::SCHEMA_VERSION,
        analyzer,
        analyzer.version()
    ));
    for path in files_under(inputs) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        hasher.update(name.as_bytes());
        hasher.update([0u8]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Where the shipped corpus and the default index live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultLocations {
    pub corpus: PathBuf,
    pub index: PathBuf,
}

impl DefaultLocations {
    /// `$SOTEHAKU_CORPUS` and `$SOTEHAKU_INDEX` if set; otherwise `corpus/` and `index/` of the source checkout this
    /// program was built from (so `cargo run` works from any directory of the checkout); otherwise `./corpus` and
    /// `./index`.
    pub fn discover() -> DefaultLocations {
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let base = if checkout.join("corpus").is_dir() {
            checkout
        } else {
            PathBuf::from(".")
        };
        let from_env = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from);
        DefaultLocations {
            corpus: from_env("SOTEHAKU_CORPUS").unwrap_or_else(|| base.join("corpus")),
            index: from_env("SOTEHAKU_INDEX").unwrap_or_else(|| base.join("index")),
        }
    }
}

impl Engine {
    /// Opens the default index, building it from the shipped corpus first if it is missing, was built from other
    /// files, or by an incompatible version. `progress` hears about a build; it is not called otherwise.
    pub fn open_default(
        locations: &DefaultLocations,
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<(Engine, Option<BuildReport>), Error> {
        let analyzer = AnalyzerKind::default();
        let fingerprint = corpus_fingerprint(&[&locations.corpus], analyzer)?;
        match SearchIndex::open(&locations.index) {
            Ok(index) if index.meta().source_fingerprint.as_deref() == Some(fingerprint.as_str()) => {
                return Ok((Engine { index }, None));
            }
            Ok(_) | Err(IndexError::Missing(_) | IndexError::Stale { .. } | IndexError::Corrupt { .. }) => {}
            Err(other) => return Err(other.into()),
        }
        let mut index = SearchIndex::recreate(&locations.index, analyzer)?;
        let report = index_files(&mut index, &[&locations.corpus], progress)?;
        index.set_source_fingerprint(Some(fingerprint))?;
        Ok((Engine { index }, Some(report)))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_bulk_load_ends_in_one_segment_and_a_small_update_does_not_merge() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("bulk.jsonl");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..COMPACT_AFTER + 1 {
            let title = format!("Päätös {i}");
            let text = format!("Aluehallitus päätti asiasta {i}.");
            writeln!(
                file,
                "{}",
                serde_json::json!({"id": format!("d{i}"), "title": title, "text": text})
            )
            .unwrap();
        }
        drop(file);
        let mut engine = Engine::recreate(dir.path().join("index"), AnalyzerKind::Plain).unwrap();
        let report = engine.index_files(&[&input], &mut |_| {}).unwrap();
        assert_eq!(report.indexed, COMPACT_AFTER + 1);
        assert!(report.compacted);
        assert_eq!(engine.index().num_segments(), 1);
        assert_eq!(engine.num_docs(), COMPACT_AFTER + 1);

        let small = dir.path().join("small.jsonl");
        std::fs::write(
            &small,
            "{\"id\": \"extra\", \"title\": \"Lisäys\", \"text\": \"Uusi asia.\"}\n",
        )
        .unwrap();
        let report = engine.index_files(&[&small], &mut |_| {}).unwrap();
        assert!(!report.compacted);
        assert_eq!(engine.index().num_segments(), 2);
        assert_eq!(engine.num_docs(), COMPACT_AFTER + 2);
    }
}
