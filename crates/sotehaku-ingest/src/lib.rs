//! # sotehaku-ingest
//!
//! Turns raw input — crawled pages, JSON Lines exports, plain-text files — into clean [`Document`]s with trustworthy
//! metadata: main text without boilerplate, language, publication date, regions, themes and document type.
//!
//! The [`Document`] type defined here is the interchange format of the whole pipeline (crawl → ingest → index); its
//! JSON Lines form is described in `docs/document-schema.md`.
//!
//! ```
//! use sotehaku_ingest::{Ingester, SourceRecord};
//!
//! let ingester = Ingester::new();
//! let record = SourceRecord {
//!     id: Some("esimerkki-1".into()),
//!     title: Some("Päijät-Hämeen hyvinvointialue tiedottaa".into()),
//!     date: Some("2022-02-02".into()),
//!     text: "Yhdyspintajaosto kokoontui 26.1.".into(),
//!     ..SourceRecord::default()
//! };
//! let doc = ingester.process(record).unwrap();
//! assert_eq!(doc.published.unwrap().to_string(), "2022-02-02");
//! ```

pub mod batch;
pub mod date;
pub mod decode;
pub mod dedup;
pub mod doctype;
mod document;
mod enrich;
pub mod extract;
#[doc(hidden)]
pub mod fuzzing;
pub mod gazetteer;
mod input;
pub mod language;
pub mod pdf;
mod region;
pub mod review;
pub mod themes;

pub use batch::{ingest_paths, ingest_paths_parallel, FileError};
pub use dedup::{DedupOutcome, Deduplicator};
pub use document::{DateParseError, DocType, Document, Language, PartialDate, Theme, UnknownDocType};
pub use enrich::{Ingester, MAX_HTML_BYTES};
pub use input::{read_inputs, InputError, InputItem, SourceRecord};
pub use region::{Region, RegionInfo, RegionTable, RegionTableError, UnknownRegion, UnknownRegionName};
pub use themes::ThemeTaxonomy;

/// Why one input could not become a document. The batch goes on; the error names the file and the line.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the document has no text")]
    Empty,
    #[error("{0}")]
    Invalid(String),
}
