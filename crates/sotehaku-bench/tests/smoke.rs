//! The benchmark's smoke mode, as CI runs it: on the shipped sample corpus it must index with every engine, time
//! the query set in-process and over HTTP, and write the tables, the JSON and the plots. Timings are not checked.

use std::process::Command;

#[test]
fn quick_mode_writes_complete_results() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if !root.join("corpus/reform-sample.jsonl").is_file() {
        panic!("corpus/reform-sample.jsonl is missing from the repository");
    }
    let out = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_sotehaku-bench"))
        .arg("--quick")
        .arg("--out")
        .arg(out.path())
        .arg("--work")
        .arg(work.path())
        .status()
        .unwrap();
    assert!(status.success(), "sotehaku-bench --quick failed");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("results.json")).unwrap()).unwrap();
    let sizes = json["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 2, "two corpus sizes in quick mode");
    assert_eq!(sizes[0]["docs"], 60);
    assert_eq!(sizes[1]["docs"], 150);

    let lucene_ready = sotehaku_bench::lucene::prepare(work.path());
    if let Err(why) = &lucene_ready {
        println!("SKIP Lucene part: {why}");
    }
    for size in sizes {
        let engines = |key: &str| -> Vec<String> {
            size[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["engine"].as_str().unwrap().to_string())
                .collect()
        };
        let mut expected = vec!["sotehaku-finnish", "sotehaku-snowball", "tantivy-raw"];
        if lucene_ready.is_ok() {
            expected.push("lucene-8");
        }
        assert_eq!(engines("indexing"), expected);
        assert_eq!(engines("queries"), expected);
        for row in size["indexing"].as_array().unwrap() {
            assert_eq!(row["docs"], size["docs"], "{row}");
            assert!(row["index_bytes"].as_u64().unwrap() > 10_000, "{row}");
            assert!(row["peak_rss_mb"].as_f64().unwrap() > 1.0, "{row}");
            assert!(row["speed_ratio"].as_f64().unwrap() > 0.0, "{row}");
        }
        for row in size["queries"].as_array().unwrap() {
            assert!(row["summary"]["n"].as_u64().unwrap() >= 10, "{row}");
            assert!(row["summary"]["p50_ms"].as_f64().unwrap() > 0.0, "{row}");
            assert!(
                row["queries_with_hits"].as_u64().unwrap() > 0,
                "every engine finds documents for some queries: {row}"
            );
        }
    }
    let http = json["http"].as_array().unwrap();
    assert_eq!(http.len(), 2, "our server with 1 and 2 clients: {http:?}");
    for row in http {
        assert_eq!(row["engine"], "sotehaku");
        // Every request is accounted for; failed ones are listed in the report, not dropped.
        let ok = row["summary"]["n"].as_u64().unwrap();
        let errors = row["errors"].as_u64().unwrap();
        assert_eq!(ok + errors, 40, "{row}");
        assert!(ok > 0, "{row}");
        if errors > 0 {
            println!(
                "WARNING: our server failed {errors} of 40 requests: {}",
                json["skipped"]
            );
        }
        assert!(row["server_peak_rss_mb"].as_f64().unwrap() > 1.0, "{row}");
    }
    assert!(!json["growth"].as_array().unwrap().is_empty());

    let md = std::fs::read_to_string(out.path().join("results.md")).unwrap();
    assert!(md.contains("| tantivy-raw |") && md.contains("1.00×"), "{md}");
    for svg in ["latency-inprocess.svg", "latency-http.svg", "growth.svg"] {
        let text = std::fs::read_to_string(out.path().join(svg)).unwrap();
        assert!(text.starts_with("<svg") && text.contains("sotehaku"), "{svg}");
    }
}
