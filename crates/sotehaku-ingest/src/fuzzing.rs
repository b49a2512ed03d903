//! The bodies of ingest's fuzz targets (`fuzz/fuzz_targets/{html_ingest,date,pdf,charset}.rs`), shared with the
//! test that replays their inputs (`tests/fuzz_regressions.rs`). They panic when an invariant breaks; that is what
//! both look for.

use sotehaku_crawl::FetchedPage;

use crate::date::{find_dates, first_full_year, parse_date_str, publication_date};
use crate::extract::{extract_html, full_text, ExtractorKind};
use crate::pdf::pdf_text;
use crate::Ingester;

const CONTENT_TYPES: [&str; 6] = [
    "text/html; charset=utf-8",
    "text/html; charset=iso-8859-1",
    "text/html",
    "text/plain; charset=windows-1252",
    "application/xhtml+xml",
    "application/octet-stream",
];
const PLATFORMS: [Option<&str>; 5] = [None, Some("news"), Some("dynasty"), Some("ktweb"), Some("casem")];

/// The first byte picks the content type, platform and path: main-text extraction (default or Readability) of the
/// body as text, or the whole page through [`Ingester::process_page`].
pub fn html_ingest(ingester: &Ingester, data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(mode) % CONTENT_TYPES.len()];
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
        let mut page = FetchedPage::new(url, 200, content_type, body.to_vec());
        page.platform = platform.map(str::to_string);
        let _ = ingester.process_page(&page);
    }
}

/// The first byte is the reference year (0: none, else 1900 + byte); the rest is text searched for dates.
pub fn date(data: &[u8]) {
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
        let _ = text.parse::<crate::PartialDate>();
        let _ = sotehaku_crawl::html::find_date(&text);
    }
}

/// Any bytes as a PDF (a `%PDF-1.4` header is added when missing, so the fuzzer spends its time in the parser):
/// text or an error, and text is never empty.
pub fn pdf(data: &[u8]) {
    let mut bytes = Vec::with_capacity(data.len() + 9);
    if !data.starts_with(b"%PDF-") {
        bytes.extend_from_slice(b"%PDF-1.4\n");
    }
    bytes.extend_from_slice(data);
    if let Ok(text) = pdf_text(&bytes) {
        assert!(!text.is_empty(), "pdf_text gave empty text instead of an error");
    }
}

/// "content-type\n\nbody" when a blank line comes early, else the whole input is the body: the crawler's and
/// ingest's decoders on it.
pub fn charset(data: &[u8]) {
    let (content_type, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) if i < 200 => (Some(String::from_utf8_lossy(&data[..i]).into_owned()), &data[i + 2..]),
        _ => (None, data),
    };
    let content_type = content_type.as_deref();
    let (_, label) = sotehaku_crawl::encoding::decode(body, content_type);
    assert!(!label.is_empty(), "no encoding label");
    let _ = sotehaku_crawl::encoding::detect(body, content_type);
    if let Some(ct) = content_type {
        let _ = sotehaku_crawl::encoding::charset_param(ct);
        let _ = crate::decode::charset_from_content_type(ct);
    }
    let _ = crate::decode::decode_bytes(body, content_type);
}
