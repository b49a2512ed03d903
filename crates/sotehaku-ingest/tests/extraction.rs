//! Main-text extraction measured on the hand-labelled Finnish pages in `tests/labelled/extraction/` at the top of
//! the repository: F1 over 4-word chunks (shingles), the method of the ScrapingHub article-extraction benchmark.
//!
//! Run with `cargo test -p sotehaku-ingest --test extraction -- --nocapture` to see the per-page table.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sotehaku_ingest::decode::decode_bytes;
use sotehaku_ingest::extract::{extract_html, ExtractorKind};

fn labelled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/labelled/extraction")
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Multiset of 4-word shingles (a text shorter than 4 words is one shingle).
fn shingles(text: &str) -> HashMap<String, usize> {
    let w = words(text);
    let mut out = HashMap::new();
    if w.len() < 4 {
        if !w.is_empty() {
            *out.entry(w.join(" ")).or_insert(0) += 1;
        }
        return out;
    }
    for window in w.windows(4) {
        *out.entry(window.join(" ")).or_insert(0) += 1;
    }
    out
}

/// (precision, recall, F1) of `extracted` against `gold`.
fn prf(extracted: &str, gold: &str) -> (f64, f64, f64) {
    let e = shingles(extracted);
    let g = shingles(gold);
    let overlap: usize = e.iter().map(|(k, n)| (*n).min(*g.get(k).unwrap_or(&0))).sum();
    let (ne, ng) = (e.values().sum::<usize>(), g.values().sum::<usize>());
    let p = if ne == 0 { 0.0 } else { overlap as f64 / ne as f64 };
    let r = if ng == 0 { 0.0 } else { overlap as f64 / ng as f64 };
    let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (p, r, f)
}

fn pages() -> Vec<(String, Vec<u8>, String)> {
    let dir = labelled_dir();
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let lower = name.to_lowercase();
        if !(lower.ends_with(".html") || lower.ends_with(".htm")) {
            continue;
        }
        let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name).to_string();
        let gold_path = dir.join(format!("{stem}.gold.txt"));
        let gold = std::fs::read_to_string(&gold_path).unwrap_or_else(|e| panic!("{}: {e}", gold_path.display()));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((stem, bytes, gold));
    }
    out
}

#[test]
fn shingle_f1_is_what_it_says() {
    assert_eq!(
        prf("yksi kaksi kolme neljä viisi", "yksi kaksi kolme neljä viisi").2,
        1.0
    );
    let (p, r, _) = prf("yksi kaksi kolme neljä", "yksi kaksi kolme neljä viisi kuusi");
    assert_eq!((p, r), (1.0, 1.0 / 3.0));
    assert_eq!(prf("", "yksi kaksi kolme neljä").2, 0.0);
}

#[test]
fn extraction_f1_on_labelled_finnish_pages() {
    let pages = pages();
    assert!(
        pages.len() >= 12,
        "expected at least 12 labelled pages, found {}",
        pages.len()
    );
    let kinds = [
        ("auto", ExtractorKind::Auto),
        ("rules", ExtractorKind::Rules),
        ("dom_smoothie", ExtractorKind::Readability),
    ];
    let mut means = Vec::new();
    println!(
        "{:<36} {}",
        "page",
        kinds.iter().map(|(n, _)| format!("{n:>15}")).collect::<String>()
    );
    let mut totals = vec![(0.0, 0.0, 0.0); kinds.len()];
    for (stem, bytes, gold) in &pages {
        let html = decode_bytes(bytes, None).text;
        let mut row = format!("{stem:<36}");
        for (i, (_, kind)) in kinds.iter().enumerate() {
            let extracted = extract_html(&html, None, None, *kind).text;
            let (p, r, f) = prf(&extracted, gold);
            totals[i].0 += p;
            totals[i].1 += r;
            totals[i].2 += f;
            row.push_str(&format!("{:>15}", format!("{f:.3} ({p:.2}/{r:.2})")));
        }
        println!("{row}");
    }
    let n = pages.len() as f64;
    let mut summary = format!("{:<36}", "mean F1 (P/R)");
    for (i, (name, _)) in kinds.iter().enumerate() {
        let (p, r, f) = (totals[i].0 / n, totals[i].1 / n, totals[i].2 / n);
        summary.push_str(&format!("{:>15}", format!("{f:.3} ({p:.2}/{r:.2})")));
        means.push((*name, f));
    }
    println!("{summary}");
    let auto = means[0].1;
    assert!(auto >= 0.96, "mean extraction F1 {auto:.3} is below 0.96: {means:?}");
}
