//! Reading input files: JSON Lines (optionally zstd-compressed) and plain-text pages, from files or directories.
//!
//! Reading is streaming — a 464 MB corpus is never held in memory at once — and one bad line or file becomes one
//! [`InputError`] in the stream, never the end of the batch.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Longest line accepted in a JSON Lines file; a longer one is reported and skipped, not loaded.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;
/// Largest plain-text file accepted.
pub const MAX_TEXT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One input record before ingest: what a source file or the crawler gives. Every field but the text is optional.
///
/// The JSON Lines shape is that of `reform-docs.jsonl`: `{"id", "title", "date", "source", "url", "text"}`;
/// unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SourceRecord {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// A date as the source gives it (`2021-05-12`, or anything the date parser understands).
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub text: String,
    /// Where the record was read from (file name), for ids and error messages; not part of the JSON.
    #[serde(skip)]
    pub origin: Option<String>,
    /// A line already in the [`Document`] format (what `sotehaku ingest` writes): kept as it is, not derived again.
    #[serde(skip)]
    pub prepared: Option<Box<crate::Document>>,
}

/// Why an input (a file or a line of it) was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: not a JSON document record: {message}")]
    BadLine {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: line longer than {MAX_LINE_BYTES} bytes, skipped")]
    LineTooLong { path: PathBuf, line: usize },
    #[error("{path}: file larger than {MAX_TEXT_FILE_BYTES} bytes, skipped")]
    FileTooLarge { path: PathBuf },
    #[error("{path}: unsupported input (expected .jsonl, .jsonl.zst, .ndjson, .txt, .html, .htm or .pdf)")]
    Unsupported { path: PathBuf },
}

/// One item of an input stream.
pub type InputItem = Result<SourceRecord, InputError>;

/// Streams the records of the given files and directories (directories are walked recursively, in name order).
pub fn read_inputs<P: AsRef<Path>>(paths: &[P]) -> impl Iterator<Item = InputItem> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        collect_files(path.as_ref(), &mut files, &mut errors);
    }
    errors.into_iter().map(Err).chain(files.into_iter().flat_map(read_file))
}

pub(crate) fn collect_files(path: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            let entries = match std::fs::read_dir(path) {
                Ok(entries) => entries,
                Err(source) => {
                    errors.push(InputError::Io {
                        path: path.to_path_buf(),
                        source,
                    });
                    return;
                }
            };
            let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            children.sort();
            for child in children {
                let hidden = child
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
                // Inside a directory, files of other kinds (a README, images) are passed over; a file named
                // explicitly is read or reported.
                if !hidden && !is_crawl_bookkeeping(&child) && (child.is_dir() || is_document_file(&child)) {
                    collect_files(&child, files, errors);
                }
            }
        }
        Ok(_) => files.push(path.to_path_buf()),
        Err(source) => errors.push(InputError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Format {
    JsonLines,
    JsonLinesZstd,
    Text,
}

/// Files `sotehaku crawl` keeps beside its `documents.jsonl` (fetch records, tombstones, the audit log): not
/// documents, so a walk of a crawl directory passes over them.
fn is_crawl_bookkeeping(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    ["pages.jsonl", "archive.jsonl", "audit.jsonl", "removed.jsonl"].contains(&name)
}

/// Whether a file name has an extension ingest reads (JSON Lines, text, HTML, PDF).
pub(crate) fn is_document_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    format_of(path).is_some()
        || [".html", ".htm", ".xhtml", ".pdf"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.ends_with(".jsonl.zst") || name.ends_with(".ndjson.zst") {
        Some(Format::JsonLinesZstd)
    } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        Some(Format::JsonLines)
    } else if name.ends_with(".txt") {
        Some(Format::Text)
    } else {
        None
    }
}

fn read_file(path: PathBuf) -> Box<dyn Iterator<Item = InputItem>> {
    let io_err = |path: &Path, source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    match format_of(&path) {
        Some(Format::Text) => Box::new(std::iter::once(read_text_file(&path))),
        Some(format) => {
            let file = match File::open(&path) {
                Ok(f) => f,
                Err(e) => return Box::new(std::iter::once(Err(io_err(&path, e)))),
            };
            let reader: Box<dyn Read> = if format == Format::JsonLinesZstd {
                match zstd::Decoder::new(file) {
                    Ok(d) => Box::new(d),
                    Err(e) => return Box::new(std::iter::once(Err(io_err(&path, e)))),
                }
            } else {
                Box::new(file)
            };
            Box::new(JsonLines {
                path,
                reader: BufReader::with_capacity(1 << 20, reader),
                line: 0,
                done: false,
            })
        }
        None => Box::new(std::iter::once(Err(InputError::Unsupported { path }))),
    }
}

/// A plain-text page: the first non-empty line is taken as a provisional title; the id is the file stem.
fn read_text_file(path: &Path) -> InputItem {
    let io_err = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io_err)?.len();
    if len > MAX_TEXT_FILE_BYTES {
        return Err(InputError::FileTooLarge {
            path: path.to_path_buf(),
        });
    }
    let bytes = std::fs::read(path).map_err(io_err)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("document")
        .to_string();
    Ok(SourceRecord {
        id: None,
        title: None,
        date: None,
        source: None,
        url: None,
        text,
        origin: Some(stem),
        prepared: None,
    })
}

struct JsonLines {
    path: PathBuf,
    reader: BufReader<Box<dyn Read>>,
    line: usize,
    done: bool,
}

impl Iterator for JsonLines {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        let mut buf = Vec::new();
        while !self.done {
            buf.clear();
            self.line += 1;
            // Read at most MAX_LINE_BYTES + 1 so one enormous line cannot exhaust memory.
            let read = (&mut self.reader)
                .take(MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut buf);
            match read {
                Ok(0) => self.done = true,
                Ok(_) if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") => {
                    // Skip the rest of the over-long line.
                    let mut sink = Vec::new();
                    loop {
                        sink.clear();
                        match (&mut self.reader).take(1 << 20).read_until(b'\n', &mut sink) {
                            Ok(0) => {
                                self.done = true;
                                break;
                            }
                            Ok(_) if sink.ends_with(b"\n") => break,
                            Ok(_) => continue,
                            Err(_) => {
                                self.done = true;
                                break;
                            }
                        }
                    }
                    return Some(Err(InputError::LineTooLong {
                        path: self.path.clone(),
                        line: self.line,
                    }));
                }
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buf);
                    let trimmed = text.trim();
                    if trimmed.is_empty() {
                        continue;
                    }
                    let origin = format!("{}:{}", self.path.display(), self.line);
                    let bad_line = |e: serde_json::Error| InputError::BadLine {
                        path: self.path.clone(),
                        line: self.line,
                        message: e.to_string(),
                    };
                    // The Document format carries a content hash; source records never do.
                    if trimmed.contains("\"content_hash\"") {
                        return Some(
                            serde_json::from_str::<crate::Document>(trimmed)
                                .map_err(bad_line)
                                .map(|doc| SourceRecord {
                                    id: Some(doc.id.clone()),
                                    origin: Some(origin),
                                    prepared: Some(Box::new(doc)),
                                    ..SourceRecord::default()
                                }),
                        );
                    }
                    return Some(
                        serde_json::from_str::<SourceRecord>(trimmed)
                            .map(|mut r| {
                                r.origin = Some(origin);
                                r
                            })
                            .map_err(|e| InputError::BadLine {
                                path: self.path.clone(),
                                line: self.line,
                                message: e.to_string(),
                            }),
                    );
                }
                Err(source) => {
                    self.done = true;
                    return Some(Err(InputError::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn bad_lines_are_reported_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs.jsonl");
        let mut f = File::create(&path).unwrap();
        writeln!(f, r#"{{"id":"a","title":"Yksi","text":"Ensimmäinen"}}"#).unwrap();
        writeln!(f, "{{not json").unwrap();
        writeln!(f).unwrap();
        writeln!(f, r#"{{"id":"b","title":"Kaksi","text":"Toinen","extra":1}}"#).unwrap();
        drop(f);
        let items: Vec<InputItem> = read_inputs(&[&path]).collect();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap().id.as_deref(), Some("a"));
        assert!(matches!(items[1], Err(InputError::BadLine { line: 2, .. })));
        assert_eq!(items[2].as_ref().unwrap().id.as_deref(), Some("b"));
    }

    #[test]
    fn zstd_and_text_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let zpath = dir.path().join("a.jsonl.zst");
        let data = br#"{"id":"z","title":"Zstd","text":"Pakattu"}"#;
        std::fs::write(&zpath, zstd::encode_all(&data[..], 3).unwrap()).unwrap();
        std::fs::write(dir.path().join("b.txt"), "Otsikko\n\nTeksti").unwrap();
        std::fs::write(dir.path().join("c.bin"), [0u8, 1, 2]).unwrap();
        let items: Vec<InputItem> = read_inputs(&[dir.path()]).collect();
        // In a directory, the .bin file is passed over; named explicitly, it is reported.
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().id.as_deref(), Some("z"));
        assert_eq!(items[1].as_ref().unwrap().origin.as_deref(), Some("b"));
        let explicit: Vec<InputItem> = read_inputs(&[dir.path().join("c.bin")]).collect();
        assert!(matches!(explicit[..], [Err(InputError::Unsupported { .. })]));
    }

    #[test]
    fn missing_file_is_an_error_item() {
        let items: Vec<InputItem> = read_inputs(&["/nonexistent/file.jsonl"]).collect();
        assert!(matches!(items[..], [Err(InputError::Io { .. })]));
    }
}
