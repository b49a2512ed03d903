//! Date parsing: Finnish/Swedish/ISO dates in running text, the publication-date heuristic and single date strings.
//! Every date found must be a real calendar date with its offsets inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sotehaku_ingest::date::{find_dates, first_full_year, parse_date_str, publication_date};

fuzz_target!(|data: &[u8]| {
    let Some((&y, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let ref_year = if y == 0 { None } else { Some(1900 + i32::from(y)) };
    for m in find_dates(&text, ref_year) {
        let _ = m.iso();
    }
    let _ = publication_date(&text, ref_year);
    let _ = first_full_year(&text);
    if text.len() < 256 {
        let _ = parse_date_str(&text);
        let _ = text.parse::<sotehaku_ingest::PartialDate>();
        let _ = sotehaku_crawl::html::find_date(&text);
    }
});
