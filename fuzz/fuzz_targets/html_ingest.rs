//! HTML main-text extraction and whole-page ingest: any bytes served as a page, under any content type, platform and
//! URL, must give a document or an `IngestError`, never a panic, a hang or an unbounded allocation.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sotehaku_crawl::FetchedPage;
use sotehaku_ingest::extract::{extract_html, full_text, ExtractorKind};
use sotehaku_ingest::Ingester;

const CONTENT_TYPES: [&str; 6] = [
    "text/html; charset=utf-8",
    "text/html; charset=iso-8859-1",
    "text/html",
    "text/plain; charset=windows-1252",
    "application/xhtml+xml",
    "application/octet-stream",
];
const PLATFORMS: [Option<&str>; 5] = [None, Some("news"), Some("dynasty"), Some("ktweb"), Some("casem")];

fn ingester() -> &'static Ingester {
    static I: OnceLock<Ingester> = OnceLock::new();
    I.get_or_init(Ingester::new)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let ct = CONTENT_TYPES[usize::from(mode) % CONTENT_TYPES.len()];
    let platform = PLATFORMS[usize::from(mode / 8) % PLATFORMS.len()];
    let url = "https://www.example-hyvinvointialue.fi/uutiset/2023/tiedote-1";
    if mode & 0x80 == 0 {
        let text = String::from_utf8_lossy(body);
        let kind = if mode & 0x40 == 0 {
            ExtractorKind::default()
        } else {
            ExtractorKind::Readability
        };
        let _ = extract_html(&text, Some(url), platform, kind);
        let _ = full_text(&text);
    } else {
        let mut page = FetchedPage::new(url, 200, ct, body.to_vec());
        page.platform = platform.map(str::to_string);
        if let Ok(doc) = ingester().process_page(&page) {
            let _ = doc.text.len();
        }
    }
});
