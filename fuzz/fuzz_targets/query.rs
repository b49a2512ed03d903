//! Query parsing and search on a small in-memory index: any query text and any parameters must give results or a
//! user error (`IndexError::is_user_error`), never a panic or a hang.
#![no_main]

use std::sync::OnceLock;

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use sotehaku_index::{AnalyzerKind, SearchIndex, SearchRequest, SortOrder};
use sotehaku_ingest::{DocType, Document, PartialDate, Region};

fn indexes() -> &'static Vec<SearchIndex> {
    static INDEXES: OnceLock<Vec<SearchIndex>> = OnceLock::new();
    INDEXES.get_or_init(|| {
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
        AnalyzerKind::ALL
            .iter()
            .map(|kind| {
                let index = SearchIndex::in_memory(*kind).expect("in-memory index");
                let mut w = index.indexer().expect("indexer");
                for (i, (id, title, text)) in docs.iter().enumerate() {
                    let mut doc = Document::new(*id, *title, *text);
                    doc.regions = vec![Region::County(i as u8 + 1)];
                    doc.published = format!("2023-0{}-04", i + 1).parse::<PartialDate>().ok();
                    w.upsert(&doc).expect("upsert");
                }
                w.commit().expect("commit");
                index.reload().expect("reload");
                index
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (ctl, rest) = data.split_at(4);
    let text = String::from_utf8_lossy(rest);
    // Optional filters after a NUL: "region\0doctype\0from\0to".
    let mut parts = text.split('\0');
    let query = parts.next().unwrap_or("").to_string();
    let mut req = SearchRequest::new(query);
    if let Some(r) = parts.next() {
        req.regions = r.split(',').filter_map(|s| s.parse::<Region>().ok()).collect();
    }
    if let Some(t) = parts.next() {
        req.doc_types = t.split(',').filter_map(|s| s.parse::<DocType>().ok()).collect();
    }
    // Days outside tantivy's nanosecond timestamps (1678–2261) overflow in sotehaku-index: a known bug, reported
    // (fuzz/regressions/query/far-date-overflow); left out so the fuzzer explores the rest.
    let day = |s: &str| {
        s.parse::<chrono::NaiveDate>()
            .ok()
            .filter(|d| (1678..=2261).contains(&d.year()))
    };
    req.from = parts.next().and_then(day);
    req.to = parts.next().and_then(day);
    req.sort = if ctl[1] & 1 == 1 {
        SortOrder::Date
    } else {
        SortOrder::Relevance
    };
    req.limit = usize::from(ctl[2]) * 7;
    req.offset = usize::from(ctl[3]) * 61;
    let index = &indexes()[usize::from(ctl[0]) % AnalyzerKind::ALL.len()];
    match index.search(&req) {
        Ok(res) => {
            assert!(res.hits.len() <= req.limit, "more hits than the limit");
            for hit in &res.hits {
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
    let _ = index.parse_query(&req.query);
});
