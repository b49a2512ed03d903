//! Metadata quality on the labelled set `tests/labelled/documents.jsonl` (see `tests/labelled/README.md`):
//! region (primary) accuracy, exact publication date, document type and theme micro-F1, with the thresholds of
//! issue 5. Run with `-- --nocapture` to see the per-field table and every disagreement.

mod common;

use std::collections::{HashMap, HashSet};

use sotehaku_ingest::{ingest_paths, Document, Ingester, SourceRecord};

#[derive(serde::Deserialize)]
struct Row {
    id: String,
    input: HashMap<String, String>,
    expected: Expected,
}

#[derive(serde::Deserialize)]
struct Expected {
    regions: Vec<String>,
    date: Option<String>,
    #[serde(rename = "type")]
    doc_type: String,
    themes: Vec<String>,
}

fn load_rows() -> Vec<Row> {
    let path = common::workspace_root().join("tests/labelled/documents.jsonl");
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a labelled row"))
        .collect()
}

/// The corpus records the rows name, read from the shared corpus (None when it is absent).
fn corpus_records(ids: &HashSet<&str>) -> Option<HashMap<String, SourceRecord>> {
    let path = common::shared_file("corpus/reform-docs.jsonl")?;
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = HashMap::new();
    for line in raw.lines() {
        let record: SourceRecord = serde_json::from_str(line).expect("corpus line");
        if let Some(id) = record.id.clone().filter(|id| ids.contains(id.as_str())) {
            out.insert(id, record);
        }
    }
    Some(out)
}

fn ingest_one(ingester: &Ingester, path: &std::path::Path) -> Document {
    let mut results: Vec<_> = ingest_paths(ingester, &[path]).collect();
    assert_eq!(results.len(), 1, "{}", path.display());
    results.remove(0).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn labelled_documents_meet_the_thresholds() {
    let rows = load_rows();
    assert!(rows.len() >= 60, "only {} labelled documents", rows.len());
    let ingester = Ingester::new();
    let wanted: HashSet<&str> = rows
        .iter()
        .filter_map(|r| r.input.get("corpus_id").map(String::as_str))
        .collect();
    let corpus = corpus_records(&wanted);
    let seeds_dir = common::shared_file("seeds");
    let labelled = common::workspace_root().join("tests/labelled");

    let (mut n, mut region_ok, mut date_ok, mut type_ok) = (0usize, 0usize, 0usize, 0usize);
    let (mut region_tp, mut region_fp, mut region_fn) = (0usize, 0usize, 0usize);
    let (mut theme_tp, mut theme_fp, mut theme_fn) = (0usize, 0usize, 0usize);
    let mut per_theme: HashMap<String, (usize, usize, usize)> = HashMap::new();
    let mut disagreements = Vec::new();
    let mut skipped = 0usize;
    for row in &rows {
        let doc = if let Some(rel) = row.input.get("html") {
            ingest_one(&ingester, &labelled.join(rel))
        } else if let Some(file) = row.input.get("seed") {
            let Some(dir) = &seeds_dir else {
                skipped += 1;
                continue;
            };
            ingest_one(&ingester, &dir.join(file))
        } else if let Some(id) = row.input.get("corpus_id") {
            let Some(corpus) = &corpus else {
                skipped += 1;
                continue;
            };
            let record = corpus
                .get(id)
                .unwrap_or_else(|| panic!("{id} not in the corpus"))
                .clone();
            ingester.process(record).unwrap_or_else(|e| panic!("{id}: {e}"))
        } else {
            panic!("{}: no input", row.id);
        };
        n += 1;
        let got_regions: Vec<String> = doc.regions.iter().map(|r| r.code()).collect();
        if got_regions.first() == row.expected.regions.first() {
            region_ok += 1;
        } else {
            disagreements.push(format!(
                "{}: region {:?}, expected {:?}",
                row.id, got_regions, row.expected.regions
            ));
        }
        let exp_set: HashSet<&String> = row.expected.regions.iter().collect();
        let got_set: HashSet<&String> = got_regions.iter().collect();
        region_tp += got_set.intersection(&exp_set).count();
        region_fp += got_set.difference(&exp_set).count();
        region_fn += exp_set.difference(&got_set).count();

        let got_date = doc.published.map(|d| d.to_string());
        if got_date == row.expected.date {
            date_ok += 1;
        } else {
            disagreements.push(format!(
                "{}: date {:?}, expected {:?}",
                row.id, got_date, row.expected.date
            ));
        }
        if doc.doc_type.slug() == row.expected.doc_type {
            type_ok += 1;
        } else {
            disagreements.push(format!(
                "{}: type {}, expected {}",
                row.id, doc.doc_type, row.expected.doc_type
            ));
        }
        let exp: HashSet<&str> = row.expected.themes.iter().map(String::as_str).collect();
        let got: HashSet<&str> = doc.themes.iter().map(|t| t.as_str()).collect();
        for t in got.union(&exp) {
            let e = per_theme.entry(t.to_string()).or_default();
            match (got.contains(t), exp.contains(t)) {
                (true, true) => {
                    theme_tp += 1;
                    e.0 += 1;
                }
                (true, false) => {
                    theme_fp += 1;
                    e.1 += 1;
                }
                _ => {
                    theme_fn += 1;
                    e.2 += 1;
                }
            }
        }
        if got != exp {
            let mut g: Vec<_> = got.into_iter().collect();
            let mut x: Vec<_> = exp.into_iter().collect();
            g.sort();
            x.sort();
            let mut scores = sotehaku_ingest::ThemeTaxonomy::builtin().scores(&doc.title, &doc.text);
            scores.sort_by(|a, b| b.1.total_cmp(&a.1));
            let top: Vec<String> = scores.iter().take(6).map(|(t, s)| format!("{t} {s:.1}")).collect();
            let words = doc.text.split_whitespace().count();
            disagreements.push(format!(
                "{}: themes {g:?}, expected {x:?}\n      ({words} words; {})",
                row.id,
                top.join(", ")
            ));
        }
    }
    if skipped > 0 {
        println!("SKIPPED {skipped} rows whose input lives in ../shared (absent)");
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let region_acc = ratio(region_ok, n);
    let date_acc = ratio(date_ok, n);
    let type_acc = ratio(type_ok, n);
    let (tp, tf, tn) = (theme_tp, theme_fp, theme_fn);
    let theme_p = ratio(tp, tp + tf);
    let theme_r = ratio(tp, tp + tn);
    let theme_f1 = if theme_p + theme_r == 0.0 {
        0.0
    } else {
        2.0 * theme_p * theme_r / (theme_p + theme_r)
    };
    println!("labelled documents evaluated: {n}");
    println!("{:<28} {:>9} {:>9} {:>9}", "field", "accuracy", "precision", "recall");
    println!(
        "{:<28} {:>9.3} {:>9.3} {:>9.3}",
        "region (primary / all)",
        region_acc,
        ratio(region_tp, region_tp + region_fp),
        ratio(region_tp, region_tp + region_fn)
    );
    println!("{:<28} {:>9.3}", "date (exact or both null)", date_acc);
    println!("{:<28} {:>9.3}", "type", type_acc);
    println!(
        "{:<28} {:>9} {:>9.3} {:>9.3}   micro-F1 {theme_f1:.3}",
        "themes", "", theme_p, theme_r
    );
    let mut themes: Vec<_> = per_theme.into_iter().collect();
    themes.sort();
    for (t, (tp, fp, fneg)) in themes {
        println!("    {t:<34} tp {tp:>2}  fp {fp:>2}  fn {fneg:>2}");
    }
    for d in &disagreements {
        println!("  - {d}");
    }
    assert!(region_acc >= 0.95, "region accuracy {region_acc:.3} < 0.95");
    assert!(date_acc >= 0.97, "date accuracy {date_acc:.3} < 0.97");
    assert!(type_acc >= 0.9, "type accuracy {type_acc:.3} < 0.9");
    assert!(theme_f1 >= 0.8, "theme micro-F1 {theme_f1:.3} < 0.8");
}
