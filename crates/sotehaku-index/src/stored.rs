//! A hit's stored fields, read straight from the bytes of the doc store.
//!
//! tantivy's document deserializer copies every stored string and checks that it is UTF-8. A hit needs its small
//! JSON document and only a window of its text, and a statute's text can be hundreds of kilobytes: copying and
//! checking it was a tenth of a search. [`HitReader`] keeps the document's bytes and hands the text out as bytes;
//! only what is shown is checked, when it is cut out ([`text_between`]).
//!
//! The layout read is tantivy's stored-document format: a VInt count of values, then per value a little-endian
//! `u32` field number, a one-byte type code and, for text, a VInt length and the UTF-8 bytes. A document holding
//! anything else is read with tantivy's own deserializer instead, and a test checks both agree.

use std::borrow::Cow;
use std::ops::Range;

use tantivy::directory::OwnedBytes;
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::facets::FacetTables;
use crate::IndexError;

/// tantivy's type code of a text value (private in tantivy; the test below would catch a change).
const TEXT_CODE: u8 = 0;

/// Reads the stored JSON document and text of hits, through the index's cached doc-store readers.
pub(crate) struct HitReader<'s> {
    searcher: &'s Searcher,
    tables: &'s FacetTables,
    json_field: Field,
    body_field: Field,
}

/// One hit's stored bytes and where its fields are in them.
pub(crate) struct StoredHit {
    bytes: OwnedBytes,
    json: Range<usize>,
    body: Range<usize>,
}

impl StoredHit {
    /// The stored JSON document.
    pub fn json(&self) -> Result<&str, IndexError> {
        std::str::from_utf8(&self.bytes[self.json.clone()]).map_err(|_| IndexError::Corrupt {
            dir: Default::default(),
            reason: "a stored document is not UTF-8".into(),
        })
    }

    /// The stored text, unchecked: cut it with [`text_between`].
    pub fn body(&self) -> &[u8] {
        &self.bytes[self.body.clone()]
    }
}

impl<'s> HitReader<'s> {
    pub fn new(searcher: &'s Searcher, tables: &'s FacetTables, json_field: Field, body_field: Field) -> Self {
        HitReader {
            searcher,
            tables,
            json_field,
            body_field,
        }
    }

    pub fn read(&self, address: DocAddress) -> Result<StoredHit, IndexError> {
        let store = self
            .tables
            .store(self.searcher.segment_reader(address.segment_ord))
            .map_err(tantivy::TantivyError::from)?;
        let bytes = store.get_document_bytes(address.doc_id)?;
        if let Some([json, body]) = text_fields(&bytes, [self.json_field, self.body_field]) {
            let json = json.filter(|j| !j.is_empty()).ok_or_else(lost_json)?;
            return Ok(StoredHit {
                bytes,
                json,
                body: body.unwrap_or(0..0),
            });
        }
        // Not the layout this module knows: tantivy's deserializer, copying.
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default();
        let (json, body) = (text(self.json_field), text(self.body_field));
        if json.is_empty() {
            return Err(lost_json());
        }
        let mut bytes = Vec::with_capacity(json.len() + body.len());
        bytes.extend_from_slice(json.as_bytes());
        bytes.extend_from_slice(body.as_bytes());
        Ok(StoredHit {
            json: 0..json.len(),
            body: json.len()..bytes.len(),
            bytes: OwnedBytes::new(bytes),
        })
    }
}

fn lost_json() -> IndexError {
    IndexError::Corrupt {
        dir: Default::default(),
        reason: "a document lost its stored JSON".into(),
    }
}

/// Where the first value of each of `fields` is in a stored document, if the document holds only text values;
/// `None` if it holds anything else or is cut short.
fn text_fields<const N: usize>(bytes: &[u8], fields: [Field; N]) -> Option<[Option<Range<usize>>; N]> {
    let mut at = 0;
    let mut found: [Option<Range<usize>>; N] = std::array::from_fn(|_| None);
    let values = vint(bytes, &mut at)?;
    for _ in 0..values {
        let id = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?);
        at += 4;
        if *bytes.get(at)? != TEXT_CODE {
            return None;
        }
        at += 1;
        let len = usize::try_from(vint(bytes, &mut at)?).ok()?;
        let range = at..at.checked_add(len)?;
        bytes.get(range.clone())?;
        if let Some(slot) = fields.iter().position(|f| f.field_id() == id) {
            found[slot].get_or_insert(range.clone());
        }
        at = range.end;
    }
    Some(found)
}

/// A tantivy VInt at `bytes[*at..]`: seven bits a byte, least significant first, the last byte's high bit set.
fn vint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 != 0 {
            return Some(value);
        }
    }
    None
}

/// The text of `body[start..end]`, both ends moved onto character boundaries (see [`char_range`]). Stored text is
/// UTF-8; damaged bytes would show as replacement characters rather than fail the search.
pub(crate) fn text_between(body: &[u8], start: usize, end: usize) -> Cow<'_, str> {
    String::from_utf8_lossy(&body[char_range(body, start, end)])
}

/// `start..end` within `body`, the start moved forward and the end back onto UTF-8 character boundaries.
pub(crate) fn char_range(body: &[u8], start: usize, end: usize) -> Range<usize> {
    let is_continuation = |i: usize| body.get(i).is_some_and(|b| (0x80..0xc0).contains(b));
    let mut start = start.min(body.len());
    let mut end = end.min(body.len()).max(start);
    while start < end && is_continuation(start) {
        start += 1;
    }
    while end > start && is_continuation(end) {
        end -= 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use sotehaku_ingest::Document;

    use super::*;
    use crate::{AnalyzerKind, SearchIndex};

    #[test]
    fn stored_fields_read_from_bytes_are_those_tantivy_deserializes() {
        let index = SearchIndex::in_memory(AnalyzerKind::Plain).unwrap();
        let mut indexer = index.indexer().unwrap();
        let long = "Pitkä teksti, jossa on ääkkösiä ja € merkkejä. ".repeat(3_000);
        for (id, text) in [("a", "Lyhyt."), ("b", long.as_str()), ("c", "")] {
            indexer.upsert(&Document::new(id, "Otsikko ö", text)).unwrap();
        }
        indexer.commit().unwrap();
        index.reload().unwrap();
        let searcher = index.reader.searcher();
        let f = &index.fields;
        let reader = HitReader::new(&searcher, &index.facet_tables, f.doc, f.body);
        let addresses: Vec<DocAddress> = (0u32..)
            .zip(searcher.segment_readers())
            .flat_map(|(ord, segment)| (0..segment.max_doc()).map(move |doc| DocAddress::new(ord, doc)))
            .collect();
        assert!(addresses.len() >= 2);
        for address in addresses {
            // The bytes are read in place, not through the fallback.
            let store = searcher
                .segment_reader(address.segment_ord)
                .get_store_reader(0)
                .unwrap();
            let bytes = store.get_document_bytes(address.doc_id).unwrap();
            assert!(matches!(text_fields(&bytes, [f.doc, f.body]), Some([Some(_), Some(_)])));
            let hit = reader.read(address).unwrap();
            let doc: TantivyDocument = searcher.doc(address).unwrap();
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            assert_eq!(hit.json().unwrap(), text(f.doc));
            assert_eq!(hit.body(), text(f.body).as_bytes());
        }
    }

    #[test]
    fn cut_text_starts_and_ends_on_character_boundaries() {
        let body = "ääkkönen € ö".as_bytes();
        for start in 0..body.len() {
            for end in start..=body.len() + 2 {
                let cut = text_between(body, start, end);
                assert!(!cut.contains('\u{fffd}'), "{start}..{end}: {cut:?}");
                assert!("ääkkönen € ö".contains(cut.as_ref()));
            }
        }
        assert_eq!(text_between(body, 1, 4), "ä");
        assert_eq!(text_between(b"ok \xff", 0, 4), "ok \u{fffd}");
    }
}
