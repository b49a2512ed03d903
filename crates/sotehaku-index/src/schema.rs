//! The tantivy schema of a sotehaku index, and the small metadata file that records which schema and analysis chain
//! built it.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
    STORED, STRING,
};

use crate::analysis::AnalyzerKind;
use crate::IndexError;

/// Bumped whenever the schema or the way documents are turned into index fields changes.
pub const SCHEMA_VERSION: u32 = 3;

/// Name of the metadata file written next to tantivy's own files.
pub const META_FILE: &str = "sotehaku-index.json";

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The document id, untokenized: the key for upserts.
    pub id: Field,
    /// Finnish (and other non-Swedish) title and text, analysed with the index's chain.
    pub title: Field,
    pub text: Field,
    /// Compound parts of title and text words — a lower-weight field so "valtuusto" finds "aluevaltuusto".
    pub parts: Field,
    /// Swedish title and text, analysed with the Swedish chain.
    pub title_sv: Field,
    pub text_sv: Field,
    /// First day of the publication date (day, month or year precision), for ranges and sorting.
    pub published: Field,
    pub region: Field,
    pub theme: Field,
    pub doc_type: Field,
    pub year: Field,
    /// Publication month, `YYYY-MM`, for the date histogram (one facet pass instead of one search per month).
    pub month: Field,
    /// Flags that keep a document from public view (`/restricted`).
    pub flags: Field,
    /// The day after which minutes must be re-fetched before being shown (see `Document::recheck_due`).
    pub recheck_due: Field,
    /// The [`sotehaku_ingest::Document`] as JSON, for display, with an empty text.
    pub doc: Field,
    /// The document's text, stored apart from `doc`: a hit's snippet reads a window of it without parsing JSON.
    pub body: Field,
}

fn text_options(tokenizer: &str, positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// Builds the schema for an index analysed with `kind`.
pub fn build_schema(kind: AnalyzerKind) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let main = kind.main_tokenizer();
    let id = b.add_text_field("id", STRING | STORED);
    let title = b.add_text_field("title", text_options(main, true));
    let text = b.add_text_field("text", text_options(main, true));
    let parts = b.add_text_field("parts", text_options(kind.parts_tokenizer(), false));
    let title_sv = b.add_text_field("title_sv", text_options(crate::analysis::SV_TOKENIZER, true));
    let text_sv = b.add_text_field("text_sv", text_options(crate::analysis::SV_TOKENIZER, true));
    let published = b.add_date_field(
        "published",
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    let region = b.add_facet_field("region", FacetOptions::default());
    let theme = b.add_facet_field("theme", FacetOptions::default());
    let doc_type = b.add_facet_field("doc_type", FacetOptions::default());
    let year = b.add_facet_field("year", FacetOptions::default());
    let month = b.add_facet_field("month", FacetOptions::default());
    let flags = b.add_facet_field("flags", FacetOptions::default());
    let recheck_due = b.add_date_field(
        "recheck_due",
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    let doc = b.add_text_field("doc", STORED);
    let body = b.add_text_field("body", STORED);
    let fields = Fields {
        id,
        title,
        text,
        parts,
        title_sv,
        text_sv,
        published,
        region,
        theme,
        doc_type,
        year,
        month,
        flags,
        recheck_due,
        doc,
        body,
    };
    (b.build(), fields)
}

impl Fields {
    /// Resolves the fields of an opened index's schema.
    pub fn from_schema(schema: &Schema) -> Result<Fields, IndexError> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| IndexError::Incompatible(format!("the index has no field {name:?}")))
        };
        Ok(Fields {
            id: get("id")?,
            title: get("title")?,
            text: get("text")?,
            parts: get("parts")?,
            title_sv: get("title_sv")?,
            text_sv: get("text_sv")?,
            published: get("published")?,
            region: get("region")?,
            theme: get("theme")?,
            doc_type: get("doc_type")?,
            year: get("year")?,
            month: get("month")?,
            flags: get("flags")?,
            recheck_due: get("recheck_due")?,
            doc: get("doc")?,
            body: get("body")?,
        })
    }
}

/// What built an index: recorded in [`META_FILE`] and checked on open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexMeta {
    pub format: String,
    pub schema_version: u32,
    pub analyzer: AnalyzerKind,
    pub analyzer_version: u32,
    /// A fingerprint of the inputs the index was built from, when it was built from a known corpus.
    #[serde(default)]
    pub source_fingerprint: Option<String>,
}

impl IndexMeta {
    pub fn current(analyzer: AnalyzerKind) -> IndexMeta {
        IndexMeta {
            format: "sotehaku-index".to_string(),
            schema_version: SCHEMA_VERSION,
            analyzer,
            analyzer_version: analyzer.version(),
            source_fingerprint: None,
        }
    }

    pub fn read(dir: &Path) -> Result<Option<IndexMeta>, IndexError> {
        let path = dir.join(META_FILE);
        match std::fs::read_to_string(&path) {
            Ok(s) => serde_json::from_str(&s).map(Some).map_err(|e| IndexError::Corrupt {
                dir: dir.to_path_buf(),
                reason: format!("{META_FILE}: {e}"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(IndexError::Io { path, source: e }),
        }
    }

    /// Writes the file atomically (write to a temporary file, then rename).
    pub fn write(&self, dir: &Path) -> Result<(), IndexError> {
        let path = dir.join(META_FILE);
        let tmp = dir.join(format!("{META_FILE}.tmp"));
        let json = serde_json::to_string_pretty(self).map_err(|e| IndexError::Other(e.to_string()))?;
        std::fs::write(&tmp, json).map_err(|source| IndexError::Io {
            path: tmp.clone(),
            source,
        })?;
        std::fs::rename(&tmp, &path).map_err(|source| IndexError::Io { path, source })
    }

    /// Why an index with this metadata cannot be used by this build, if it cannot.
    pub fn incompatibility(&self) -> Option<String> {
        if self.format != "sotehaku-index" {
            return Some(format!("unknown index format {:?}", self.format));
        }
        if self.schema_version != SCHEMA_VERSION {
            return Some(format!(
                "the index has schema version {}, this sotehaku uses version {SCHEMA_VERSION}",
                self.schema_version
            ));
        }
        if self.analyzer_version != self.analyzer.version() {
            return Some(format!(
                "the index was analysed with {} version {}, this sotehaku has version {}",
                self.analyzer.name(),
                self.analyzer_version,
                self.analyzer.version()
            ));
        }
        None
    }
}
