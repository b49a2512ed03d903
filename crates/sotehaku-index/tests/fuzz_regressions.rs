//! Replays the fuzzer's inputs for query parsing and search: the crash inputs kept in `fuzz/regressions/query/`
//! and the seeds in `fuzz/corpus/query/`, through the harness of `fuzz/fuzz_targets/query.rs` (4 control bytes,
//! then the query, then optional NUL-separated region, type, from and to filters).

use std::path::PathBuf;

use chrono::Datelike;

use sotehaku_index::{AnalyzerKind, SearchIndex, SearchRequest, SortOrder};
use sotehaku_ingest::{DocType, Document, PartialDate, Region};

fn inputs(dir: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut out = Vec::new();
    {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            return out;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                let bytes = std::fs::read(&path).expect("read fuzz input");
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

fn indexes() -> Vec<SearchIndex> {
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
            let index = SearchIndex::in_memory(*kind).unwrap();
            let mut w = index.indexer().unwrap();
            for (i, (id, title, text)) in docs.iter().enumerate() {
                let mut doc = Document::new(*id, *title, *text);
                doc.regions = vec![Region::County(i as u8 + 1)];
                doc.published = format!("2023-0{}-04", i + 1).parse::<PartialDate>().ok();
                w.upsert(&doc).unwrap();
            }
            w.commit().unwrap();
            index.reload().unwrap();
            index
        })
        .collect()
}

/// `clamp_dates`: leave out days outside 1678–2261 as the fuzz target does (the overflow there is reported).
fn harness(indexes: &[SearchIndex], data: &[u8], clamp_dates: bool) {
    if data.len() < 4 {
        return;
    }
    let (ctl, rest) = data.split_at(4);
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let mut req = SearchRequest::new(parts.next().unwrap_or(""));
    if let Some(r) = parts.next() {
        req.regions = r.split(',').filter_map(|s| s.parse::<Region>().ok()).collect();
    }
    if let Some(t) = parts.next() {
        req.doc_types = t.split(',').filter_map(|s| s.parse::<DocType>().ok()).collect();
    }
    let day = |s: &str| {
        s.parse::<chrono::NaiveDate>()
            .ok()
            .filter(|d| !clamp_dates || (1678..=2261).contains(&d.year()))
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
    let index = &indexes[usize::from(ctl[0]) % indexes.len()];
    match index.search(&req) {
        Ok(res) => {
            assert!(res.hits.len() <= req.limit);
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
}

#[test]
fn query_seeds_replay_cleanly() {
    let inputs = inputs("corpus", "query");
    assert!(!inputs.is_empty(), "the seed corpus fuzz/corpus/query is missing");
    let indexes = indexes();
    for (path, data) in &inputs {
        eprintln!("replaying {}", path.display());
        harness(&indexes, data, true);
    }
}

/// Crash inputs: a `from` or `to` day before 1678 or after 2261 overflows `DateTime::from_timestamp_secs`
/// (nanoseconds in an i64) in `search.rs` (the date range) — a panic in debug builds, a wrong range in release.
#[test]
fn query_crash_inputs_replay_cleanly() {
    let indexes = indexes();
    for (path, data) in &inputs("regressions", "query") {
        eprintln!("replaying {}", path.display());
        harness(&indexes, data, false);
    }
}
