//! Replays the fuzzer's inputs for ingest: crash inputs kept in `fuzz/regressions/<target>/` and the seed corpus in
//! `fuzz/corpus/<target>/` for the `html_ingest`, `date`, `pdf` and `charset` targets, through the same harnesses
//! as `fuzz/fuzz_targets/*.rs`. Each input must finish without a panic and within a few seconds.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sotehaku_crawl::FetchedPage;
use sotehaku_ingest::date::{find_dates, first_full_year, parse_date_str, publication_date};
use sotehaku_ingest::extract::{extract_html, full_text, ExtractorKind};
use sotehaku_ingest::pdf::pdf_text;
use sotehaku_ingest::Ingester;

/// Longest time one input may take in a debug build (the fuzzer's limit is 10 s on an optimised build).
const PER_INPUT: Duration = Duration::from_secs(20);

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut out = Vec::new();
    for dir in ["regressions", "corpus"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
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
    assert!(
        !out.is_empty(),
        "no inputs for {target}: fuzz/corpus/{target} is missing"
    );
    out
}

fn replay(target: &str, harness: impl Fn(&[u8])) {
    for (path, data) in inputs(target) {
        let started = Instant::now();
        harness(&data);
        let took = started.elapsed();
        assert!(took < PER_INPUT, "{} took {took:?}", path.display());
    }
}

#[test]
fn html_ingest_inputs_replay_cleanly() {
    const CONTENT_TYPES: [&str; 6] = [
        "text/html; charset=utf-8",
        "text/html; charset=iso-8859-1",
        "text/html",
        "text/plain; charset=windows-1252",
        "application/xhtml+xml",
        "application/octet-stream",
    ];
    const PLATFORMS: [Option<&str>; 5] = [None, Some("news"), Some("dynasty"), Some("ktweb"), Some("casem")];
    let ingester = Ingester::new();
    replay("html_ingest", |data| {
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
            let _ = ingester.process_page(&page);
        }
    });
}

#[test]
fn date_inputs_replay_cleanly() {
    replay("date", |data| {
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
}

#[test]
fn pdf_inputs_replay_cleanly() {
    replay("pdf", |data| {
        let mut bytes = Vec::with_capacity(data.len() + 9);
        if !data.starts_with(b"%PDF-") {
            bytes.extend_from_slice(b"%PDF-1.4\n");
        }
        bytes.extend_from_slice(data);
        if let Ok(text) = pdf_text(&bytes) {
            assert!(!text.is_empty());
        }
    });
}

#[test]
fn pdf_seed_gives_its_text() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/pdf/minutes.pdf");
    let bytes = std::fs::read(root).expect("the PDF seed");
    let text = pdf_text(&bytes).expect("text of the seed PDF");
    assert!(text.contains("Hyvinvointialueen aluehallitus"), "{text}");
}

#[test]
fn charset_inputs_replay_cleanly() {
    replay("charset", |data| {
        let (ct, body) = match data.windows(2).position(|w| w == b"\n\n") {
            Some(i) if i < 200 => (Some(String::from_utf8_lossy(&data[..i]).into_owned()), &data[i + 2..]),
            _ => (None, data),
        };
        let ct = ct.as_deref();
        let (_, label) = sotehaku_crawl::encoding::decode(body, ct);
        assert!(!label.is_empty());
        let _ = sotehaku_crawl::encoding::detect(body, ct);
        if let Some(ct) = ct {
            let _ = sotehaku_crawl::encoding::charset_param(ct);
            let _ = sotehaku_ingest::decode::charset_from_content_type(ct);
        }
        let _ = sotehaku_ingest::decode::decode_bytes(body, ct);
    });
}
