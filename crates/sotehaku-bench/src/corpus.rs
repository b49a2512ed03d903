//! The corpus side: cutting the first N records out of the scale corpus, and exporting the documents our ingest
//! made (with their regions, themes, type and date) in a flat form every peer indexes, so all engines see the same
//! field values.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument};

use crate::BenchError;

/// Longest input line read from a corpus (a record of 64 MiB is surely broken).
const MAX_LINE_BYTES: usize = 64 << 20;

/// What a subset holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubsetInfo {
    /// Records written.
    pub docs: usize,
    /// Bytes of title + text, the denominator of every MB/s figure.
    pub text_bytes: u64,
}

#[derive(Deserialize)]
struct RawRecord {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: String,
}

/// Copies the first `n` records of a JSON Lines corpus (`.jsonl` or `.jsonl.zst`) to `out`, uncompressed.
pub fn write_subset(corpus: &Path, n: usize, out: &Path) -> Result<SubsetInfo, BenchError> {
    let file = File::open(corpus).map_err(BenchError::io(corpus))?;
    let reader: Box<dyn BufRead> = if corpus.extension().is_some_and(|e| e == "zst") {
        Box::new(BufReader::new(
            zstd::Decoder::new(file).map_err(BenchError::io(corpus))?,
        ))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut writer = BufWriter::new(File::create(out).map_err(BenchError::io(out))?);
    let mut info = SubsetInfo { docs: 0, text_bytes: 0 };
    for line in reader.lines() {
        if info.docs >= n {
            break;
        }
        let line = line.map_err(BenchError::io(corpus))?;
        if line.trim().is_empty() || line.len() > MAX_LINE_BYTES {
            continue;
        }
        let rec: RawRecord = serde_json::from_str(&line).map_err(|source| BenchError::Json {
            what: format!("{} record {}", corpus.display(), info.docs + 1),
            source,
        })?;
        info.text_bytes += (rec.title.as_deref().unwrap_or("").len() + rec.text.len()) as u64;
        writer.write_all(line.as_bytes()).map_err(BenchError::io(out))?;
        writer.write_all(b"\n").map_err(BenchError::io(out))?;
        info.docs += 1;
    }
    writer.flush().map_err(BenchError::io(out))?;
    Ok(info)
}

/// A document as the peers index it: our ingest's metadata, flattened to plain values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerDoc {
    pub id: String,
    pub title: String,
    pub text: String,
    /// Region codes (`01`–`21`, `90`, `HUS`, `national`).
    pub regions: Vec<String>,
    /// Theme ids.
    pub themes: Vec<String>,
    /// Document type slug.
    pub doc_type: String,
    /// Publication year as text (a facet value).
    pub year: Option<String>,
    /// First day of the publication date, seconds since the epoch (midnight UTC).
    pub day: Option<i64>,
}

impl PeerDoc {
    /// Flattens one of our documents.
    pub fn from_document(doc: &sotehaku::Document) -> PeerDoc {
        let day = doc.published.and_then(|p| p.earliest());
        PeerDoc {
            id: doc.id.clone(),
            title: doc.title.clone(),
            text: doc.text.clone(),
            regions: doc.regions.iter().map(|r| r.code()).collect(),
            themes: doc.themes.iter().map(|t| t.as_str().to_string()).collect(),
            doc_type: doc.doc_type.slug().to_string(),
            year: day.map(|d| chrono::Datelike::year(&d).to_string()),
            day: day
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp()),
        }
    }
}

/// Writes every document stored in one of our indexes as [`PeerDoc`] JSON Lines; returns how many.
pub fn export_peer_docs(index_dir: &Path, out: &Path) -> Result<usize, BenchError> {
    let index = tantivy::Index::open_in_dir(index_dir)?;
    let doc_field = index
        .schema()
        .get_field("doc")
        .map_err(|_| BenchError::child("export", format!("{} has no stored doc field", index_dir.display())))?;
    // The text is stored apart from the JSON document (schema version 3).
    let body_field = index
        .schema()
        .get_field("body")
        .map_err(|_| BenchError::child("export", format!("{} has no stored body field", index_dir.display())))?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut writer = BufWriter::new(File::create(out).map_err(BenchError::io(out))?);
    let mut n = 0;
    let mut with_text = 0;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in 0..segment.max_doc() {
            if segment.is_deleted(doc_id) {
                continue;
            }
            let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc_id))?;
            let Some(json) = stored.get_first(doc_field).and_then(|v| v.as_str()) else {
                continue;
            };
            let mut doc: sotehaku::Document = serde_json::from_str(json).map_err(|source| BenchError::Json {
                what: format!("stored document {doc_id}"),
                source,
            })?;
            doc.text = stored
                .get_first(body_field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            with_text += usize::from(!doc.text.trim().is_empty());
            let line = serde_json::to_string(&PeerDoc::from_document(&doc)).map_err(|source| BenchError::Json {
                what: "peer document".into(),
                source,
            })?;
            writeln!(writer, "{line}").map_err(BenchError::io(out))?;
            n += 1;
        }
    }
    writer.flush().map_err(BenchError::io(out))?;
    if n > 0 && with_text == 0 {
        // The peers would index empty documents and every comparison would be meaningless.
        return Err(BenchError::child(
            "export",
            format!("none of the {n} documents of {} has a text", index_dir.display()),
        ));
    }
    Ok(n)
}

/// Reads [`PeerDoc`] JSON Lines (bounded by `limit` documents).
pub fn read_peer_docs(path: &Path, limit: usize) -> Result<Vec<PeerDoc>, BenchError> {
    let file = File::open(path).map_err(BenchError::io(path))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        if out.len() >= limit {
            break;
        }
        let line = line.map_err(BenchError::io(path))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).map_err(|source| BenchError::Json {
            what: format!("{} line {}", path.display(), i + 1),
            source,
        })?);
    }
    Ok(out)
}
