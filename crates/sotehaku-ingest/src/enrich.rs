//! The [`Ingester`]: one [`SourceRecord`] in, one [`Document`] with metadata out.
//!
//! First pass: keeps what the source gives, derives the rest with simple rules. The dedicated modules for dates,
//! regions, themes and types replace these rules.

use crate::document::{DocType, Document, Language, PartialDate};
use crate::input::SourceRecord;
use crate::region::{Region, RegionTable};
use crate::IngestError;

/// Turns source records into documents. Cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Ingester {
    regions: &'static RegionTable,
}

impl Default for Ingester {
    fn default() -> Self {
        Ingester::new()
    }
}

impl Ingester {
    /// An ingester with the built-in data files.
    pub fn new() -> Ingester {
        Ingester { regions: RegionTable::builtin() }
    }

    /// Builds a document from a record, keeping the metadata the source gives and deriving what it lacks.
    pub fn process(&self, record: SourceRecord) -> Result<Document, IngestError> {
        let text = normalize_text(&record.text);
        if text.trim().is_empty() {
            return Err(IngestError::Empty);
        }
        let title = match record.title.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => first_line(&text).to_string(),
        };
        let id = match record.id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => match (&record.url, &record.origin) {
                (Some(url), _) => format!("url:{url}"),
                (None, Some(origin)) => format!("file:{origin}"),
                (None, None) => return Err(IngestError::Invalid("a record needs an id, a URL or a file name".into())),
            },
        };
        let mut doc = Document::new(id, title, text);
        doc.url = record.url.filter(|u| !u.trim().is_empty());
        doc.source = record.source.unwrap_or_default();
        doc.published = record.date.as_deref().and_then(|d| d.trim().parse::<PartialDate>().ok());
        doc.language = Some(Language::Finnish);
        doc.doc_type = guess_doc_type(&doc);
        doc.regions = self.guess_regions(&doc);
        Ok(doc)
    }

    fn guess_regions(&self, doc: &Document) -> Vec<Region> {
        let source = doc.source.to_lowercase();
        if source.starts_with("helsingin kaupunki") {
            return vec![Region::Helsinki];
        }
        if source.starts_with("finlex") {
            return vec![Region::National];
        }
        let head: String = format!("{}\n{}", doc.title, doc.text.chars().take(2000).collect::<String>());
        let mut found = Vec::new();
        for info in self.regions.iter() {
            if info.region == Region::National {
                continue;
            }
            // The region's own name without its last letters catches its inflected forms (Päijät-Häme → Päijät-Häm).
            let names = info.aliases.iter().filter(|a| a.chars().count() >= 5);
            if names.into_iter().any(|a| head.contains(stem_prefix(a))) && !found.contains(&info.region) {
                found.push(info.region);
            }
        }
        found
    }
}

fn stem_prefix(name: &str) -> &str {
    let cut = name.char_indices().rev().nth(1).map(|(i, _)| i).unwrap_or(name.len());
    &name[..cut]
}

fn guess_doc_type(doc: &Document) -> DocType {
    let source = doc.source.to_lowercase();
    let title = doc.title.to_lowercase();
    if source.contains("kho") || source.contains("kko") || doc.id.starts_with("ECLI:") {
        DocType::CourtRuling
    } else if source.contains("säädöskokoelma") {
        DocType::Statute
    } else if source.contains("ahjo") {
        DocType::Decision
    } else if title.contains("kysymyksiä ja vastauksia") {
        DocType::QuestionsAndAnswers
    } else if title.contains("muistio") {
        DocType::Memo
    } else if title.contains("pöytäkirja") {
        DocType::Minutes
    } else if doc.text.contains("Tiedote ") {
        DocType::PressRelease
    } else {
        DocType::Other
    }
}

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

/// Removes characters that only get in the way of search and display: NUL and other C0 controls except newline and
/// tab, and the replacement character left by broken decoding.
fn normalize_text(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .filter(|&c| c != '\u{FFFD}')
        .collect::<String>()
        .replace("\r\n", "\n")
}
