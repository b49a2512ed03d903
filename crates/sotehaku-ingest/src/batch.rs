//! The batch API behind `sotehaku ingest PATH… [--json]`: files and directories in, one result per document out.
//!
//! HTML (`.html`, `.htm`, `.xhtml`), PDF, plain-text and JSON Lines (optionally zstd) inputs are read; directories
//! are walked recursively in name order. A bad input — truncated HTML, binary junk, an oversized page, a PDF without
//! a text layer, a broken JSON line — becomes one [`FileError`] naming the file (and line) and the batch goes on.

use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::enrich::{Ingester, MAX_HTML_BYTES};
use crate::input::{collect_files, read_inputs, InputError, SourceRecord, MAX_TEXT_FILE_BYTES};
use crate::pdf::MAX_PDF_BYTES;
use crate::IngestError;

/// Why one input gave no document.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file (or a line of it) could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The input was read but is not a usable document.
    #[error("{origin}: {source}")]
    Document {
        origin: String,
        #[source]
        source: IngestError,
    },
    /// The file is larger than the limit for its kind.
    #[error("{path}: {size} bytes is more than the {limit} byte limit for this kind of file, skipped")]
    TooLarge { path: PathBuf, size: u64, limit: u64 },
}

impl FileError {
    /// The file (and line) the error is about, as shown to the user.
    pub fn origin(&self) -> String {
        match self {
            FileError::Input(e) => e.to_string().split(": ").next().unwrap_or_default().to_string(),
            FileError::Document { origin, .. } => origin.clone(),
            FileError::TooLarge { path, .. } => path.display().to_string(),
        }
    }
}

/// Ingests every file under `paths`, yielding one result per document (a JSON Lines file gives many).
///
/// ```
/// use sotehaku_ingest::{batch::ingest_paths, Ingester};
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("a.txt"), "Lahden terveysasema\n\nJulkaistu 15.11.2018\n\nTerveysasema avataan.").unwrap();
/// std::fs::write(dir.path().join("b.html"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
/// let ingester = Ingester::new();
/// let results: Vec<_> = ingest_paths(&ingester, &[dir.path()]).collect();
/// assert_eq!(results.len(), 2);
/// assert_eq!(results[0].as_ref().unwrap().published.unwrap().to_string(), "2018-11-15");
/// assert!(results[1].as_ref().unwrap_err().to_string().contains("b.html"));
/// ```
pub fn ingest_paths<'a, P: AsRef<Path>>(
    ingester: &'a Ingester,
    paths: &[P],
) -> impl Iterator<Item = Result<Document, FileError>> + 'a {
    jobs(paths).map(move |job| job.run(ingester))
}

/// Like [`ingest_paths`], but processes `batch` documents at a time on all cores, keeping the input order.
///
/// Reading stays sequential (files are streamed); extraction and enrichment, the costly part, run in parallel.
///
/// ```
/// use sotehaku_ingest::{batch::{ingest_paths, ingest_paths_parallel}, Ingester};
/// let dir = tempfile::tempdir().unwrap();
/// for i in 0..5 {
///     std::fs::write(dir.path().join(format!("{i}.txt")), format!("Otsikko {i}\n\nTerveysasema {i} avataan.")).unwrap();
/// }
/// let ingester = Ingester::new();
/// let ids = |it: &mut dyn Iterator<Item = Result<sotehaku_ingest::Document, _>>| -> Vec<String> {
///     it.map(|d| d.unwrap().id).collect()
/// };
/// let sequential = ids(&mut ingest_paths(&ingester, &[dir.path()]));
/// let parallel = ids(&mut ingest_paths_parallel(&ingester, &[dir.path()], 2));
/// assert_eq!(sequential, parallel);
/// ```
pub fn ingest_paths_parallel<'a, P: AsRef<Path>>(
    ingester: &'a Ingester,
    paths: &[P],
    batch: usize,
) -> impl Iterator<Item = Result<Document, FileError>> + 'a {
    use rayon::prelude::*;
    let batch = batch.max(1);
    let mut jobs = jobs(paths);
    std::iter::from_fn(move || {
        let chunk: Vec<Job> = jobs.by_ref().take(batch).collect();
        if chunk.is_empty() {
            return None;
        }
        let done: Vec<_> = chunk.into_par_iter().map(|job| job.run(ingester)).collect();
        Some(done)
    })
    .flatten()
}

/// One unit of ingest work: read (cheap, sequential) but not yet processed (costly, parallelisable).
enum Job {
    Failed(FileError),
    Record {
        record: SourceRecord,
        origin: String,
    },
    File {
        path: PathBuf,
        content_type: &'static str,
        limit: u64,
    },
}

impl Job {
    fn run(self, ingester: &Ingester) -> Result<Document, FileError> {
        match self {
            Job::Failed(e) => Err(e),
            Job::Record { record, origin } => ingester
                .process(record)
                .map_err(|source| FileError::Document { origin, source }),
            Job::File {
                path,
                content_type,
                limit,
            } => read_and_process(ingester, &path, content_type, limit),
        }
    }
}

fn jobs<P: AsRef<Path>>(paths: &[P]) -> impl Iterator<Item = Job> + 'static {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        collect_files(path.as_ref(), &mut files, &mut errors);
    }
    errors
        .into_iter()
        .map(|e| Job::Failed(FileError::Input(e)))
        .chain(files.into_iter().flat_map(file_jobs))
}

fn file_jobs(path: PathBuf) -> Box<dyn Iterator<Item = Job>> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let kind = if name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".xhtml") {
        Some(("text/html", MAX_HTML_BYTES as u64))
    } else if name.ends_with(".pdf") {
        Some(("application/pdf", MAX_PDF_BYTES as u64))
    } else if name.ends_with(".txt") {
        // Read as bytes so that the charset sniffing (mixed UTF-8 / Latin-1 lines) applies.
        Some(("text/plain", MAX_TEXT_FILE_BYTES))
    } else {
        None
    };
    match kind {
        Some((content_type, limit)) => Box::new(std::iter::once(Job::File {
            path,
            content_type,
            limit,
        })),
        None => {
            let fallback_origin = path.display().to_string();
            Box::new(read_inputs(&[path]).map(move |item| match item {
                Ok(record) => {
                    let origin = record.origin.clone().unwrap_or_else(|| fallback_origin.clone());
                    Job::Record { record, origin }
                }
                Err(e) => Job::Failed(FileError::Input(e)),
            }))
        }
    }
}

fn read_and_process(ingester: &Ingester, path: &Path, content_type: &str, limit: u64) -> Result<Document, FileError> {
    let io = |source| {
        FileError::Input(InputError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limit {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let origin = path.display().to_string();
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("document");
    ingester
        .process_bytes(&bytes, Some(content_type), stem)
        .map_err(|source| FileError::Document { origin, source })
}
