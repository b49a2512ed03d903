//! The body of the `query` fuzz target (`fuzz/fuzz_targets/query.rs`), shared with the test that replays its inputs
//! (`tests/fuzz_regressions.rs`). It panics when an invariant breaks; that is what both look for.

use sotehaku_ingest::{DocType, Document, PartialDate, Region};

use crate::{AnalyzerKind, IndexError, SearchIndex, SearchRequest, SortOrder};

/// Four small documents (three Finnish, one Swedish) in an in-memory index per analyzer.
pub fn search_indexes() -> Result<Vec<SearchIndex>, IndexError> {
    let docs = [
        (
            "a",
            "Aluevaltuusto kokoontui",
            "Aluevaltuusto päätti talousarviosta ja sosiaali- ja terveyspalveluista.",
        ),
        (
            "b",
            "Hyvinvointialueen tiedote",
            "Päivystys siirtyy keskussairaalaan. Ikääntyneiden palvelut uudistuvat.",
        ),
        (
            "c",
            "Pöytäkirja 5/2023",
            "Yhteistoimintaelin käsitteli henkilöstön siirtoja hyvinvointialueelle.",
        ),
        (
            "d",
            "Välfärdsområdet",
            "Regionfullmäktige beslöt om budgeten för social- och hälsovården.",
        ),
    ];
    let mut indexes = Vec::new();
    for kind in AnalyzerKind::ALL {
        let index = SearchIndex::in_memory(kind)?;
        let mut indexer = index.indexer()?;
        for (i, (id, title, text)) in docs.iter().enumerate() {
            let mut doc = Document::new(*id, *title, *text);
            doc.regions = vec![Region::County(i as u8 + 1)];
            doc.published = format!("2023-0{}-04", i + 1).parse::<PartialDate>().ok();
            indexer.upsert(&doc)?;
        }
        indexer.commit()?;
        index.reload()?;
        indexes.push(index);
    }
    Ok(indexes)
}

/// Four control bytes (index, sort, limit, offset), then the query text, then optional NUL-separated region, type,
/// from and to filters. A search gives results or an error; results have at most `limit` hits and their highlights
/// lie inside their snippets.
pub fn query(indexes: &[SearchIndex], data: &[u8]) {
    if data.len() < 4 || indexes.is_empty() {
        return;
    }
    let (ctl, rest) = data.split_at(4);
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let mut request = SearchRequest::new(parts.next().unwrap_or(""));
    if let Some(r) = parts.next() {
        request.regions = r.split(',').filter_map(|s| s.parse::<Region>().ok()).collect();
    }
    if let Some(t) = parts.next() {
        request.doc_types = t.split(',').filter_map(|s| s.parse::<DocType>().ok()).collect();
    }
    let day = |s: &str| s.parse::<chrono::NaiveDate>().ok();
    request.from = parts.next().and_then(day);
    request.to = parts.next().and_then(day);
    request.sort = if ctl[1] & 1 == 1 {
        SortOrder::Date
    } else {
        SortOrder::Relevance
    };
    request.limit = usize::from(ctl[2]) * 7;
    request.offset = usize::from(ctl[3]) * 61;
    let index = &indexes[usize::from(ctl[0]) % indexes.len()];
    match index.search(&request) {
        Ok(results) => {
            assert!(results.hits.len() <= request.limit, "more hits than the limit");
            for hit in &results.hits {
                for h in &hit.snippet.highlights {
                    assert!(
                        hit.snippet.text.get(h.clone()).is_some(),
                        "highlight outside the snippet"
                    );
                }
                let _ = hit.snippet.to_html();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let _ = index.parse_query(&request.query);
}
