//! The whole pipeline as a user runs it, against the local replica of a county's news site on 127.0.0.1:
//! `sotehaku crawl` → `documents.jsonl` → `sotehaku index` → `sotehaku search`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use sotehaku_replica::{Replica, ReplicaConfig};

fn sotehaku(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sotehaku"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sotehaku")
}

fn s(x: impl AsRef<str>) -> String {
    x.as_ref().to_string()
}

#[test]
fn crawl_index_and_search_a_county_news_site() {
    let replica = Replica::start_with(ReplicaConfig {
        crawl_delay_secs: 0.05,
        ..ReplicaConfig::default()
    })
    .expect("start the replica");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crawl");
    let mut args = vec![
        s("crawl"),
        s("--source"),
        s("paijat-hame-news"),
        s("--out"),
        s(out.to_str().unwrap()),
        s("--allow-private"),
        s("--plain-http"),
        s("--min-delay-ms"),
        s("50"),
        s("--max-pages"),
        s("60"),
    ];
    for (host, addr) in replica.resolve_map() {
        args.push(s("--resolve"));
        args.push(format!("{host}={addr}"));
    }
    let crawl = sotehaku(&args);
    let stdout = String::from_utf8_lossy(&crawl.stdout);
    assert!(
        crawl.status.success(),
        "crawl failed: {stdout}\n{}",
        String::from_utf8_lossy(&crawl.stderr)
    );
    assert!(stdout.contains("paijat-hame-news"), "no summary line: {stdout}");

    // Every request went to the replica (127.0.0.1), robots.txt first.
    let log = replica.request_log();
    assert!(!log.is_empty());
    assert_eq!(log[0].path_and_query, "/robots.txt", "first request: {:?}", log[0]);

    let documents = out.join("documents.jsonl");
    let text = std::fs::read_to_string(&documents).expect("documents.jsonl written");
    let docs: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a document per line"))
        .collect();
    assert!(docs.len() >= 3, "only {} documents", docs.len());
    for doc in &docs {
        assert!(
            doc["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://paijatha.fi/")),
            "{}",
            doc["url"]
        );
        assert!(
            !doc["text"].as_str().unwrap().contains("Hyppää pääsisältöön"),
            "boilerplate kept in {}",
            doc["url"]
        );
    }
    assert!(
        docs.iter().any(|d| d["regions"]
            .as_array()
            .is_some_and(|r| r.first() == Some(&Value::from("09")))),
        "no document attributed to Päijät-Häme (09)"
    );

    let index = dir.path().join("index");
    let indexed = sotehaku(&[
        s("index"),
        s("--input"),
        s(documents.to_str().unwrap()),
        s("--index"),
        s(index.to_str().unwrap()),
    ]);
    assert!(indexed.status.success(), "{}", String::from_utf8_lossy(&indexed.stderr));

    let search = sotehaku(&[
        s("search"),
        s("--json"),
        s("--index"),
        s(index.to_str().unwrap()),
        s("--region"),
        s("paijat-hame"),
        s("sote-uudistus"),
    ]);
    assert!(search.status.success(), "{}", String::from_utf8_lossy(&search.stderr));
    let v: Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 1, "no hits: {v}");
    assert!(
        Path::new(&out.join("state.sqlite")).exists(),
        "the crawl state store is kept for resuming"
    );
}
