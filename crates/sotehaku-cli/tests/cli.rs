//! End-to-end tests of the `sotehaku` command on the shipped corpus (the five seeds and 295 reform documents).
//!
//! One index is built per test run by `sotehaku index`, as a user would, then searched by `sotehaku search`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sotehaku(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sotehaku"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sotehaku")
}

/// The shipped corpus indexed once into a temporary directory.
fn corpus_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = dir.path().join("index");
        let corpus = workspace().join("corpus");
        let out = sotehaku(&[
            "index",
            "--input",
            corpus.to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "indexing failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (dir, index)
    });
    path
}

fn search_json(args: &[&str]) -> Value {
    let index = corpus_index().to_str().unwrap().to_string();
    let mut all = vec!["search", "--json", "--index", &index];
    all.extend_from_slice(args);
    let out = sotehaku(&all);
    assert!(
        out.status.success(),
        "search {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("search --json prints one JSON object")
}

fn hit_ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn finds_the_paijat_hame_qa_seed() {
    let v = search_json(&["aluekierros kysymyksiä vastauksia"]);
    assert!(v["total"].as_u64().unwrap() > 0);
    assert!(
        hit_ids(&v).iter().any(|id| id.contains("000_f53190989472bf56")),
        "Q&A seed not in {:?}",
        hit_ids(&v)
    );
    for key in ["query", "total", "took_ms", "hits", "facets"] {
        assert!(v.get(key).is_some(), "JSON lacks {key}");
    }
    let hit = &v["hits"][0];
    for key in [
        "id",
        "title",
        "url",
        "published",
        "regions",
        "themes",
        "doc_type",
        "score",
        "snippet",
    ] {
        assert!(hit.get(key).is_some(), "hit lacks {key}");
    }
    for key in ["region", "theme", "doc_type", "year"] {
        assert!(v["facets"].get(key).is_some(), "facets lack {key}");
    }
}

#[test]
fn indexing_the_same_files_again_replaces_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("ix");
    let seeds = workspace().join("corpus/seeds");
    for _ in 0..2 {
        let out = sotehaku(&[
            "index",
            "--input",
            seeds.to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("5 documents"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = sotehaku(&[
        "search",
        "--json",
        "--index",
        index.to_str().unwrap(),
        "--limit",
        "100",
        "",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 5);
}

#[test]
fn date_range_narrows_to_the_year() {
    let all = search_json(&["sosiaalihuolto", "--limit", "1000"]);
    let in_2021 = search_json(&[
        "sosiaalihuolto",
        "--from",
        "2021-01-01",
        "--to",
        "2021-12-31",
        "--limit",
        "1000",
    ]);
    let total_all = all["total"].as_u64().unwrap();
    let total_2021 = in_2021["total"].as_u64().unwrap();
    assert!(
        total_2021 > 0 && total_2021 < total_all,
        "2021: {total_2021}, all: {total_all}"
    );
    for hit in in_2021["hits"].as_array().unwrap() {
        let date = hit["published"].as_str().unwrap();
        assert!(date.starts_with("2021"), "{} published {date}", hit["id"]);
    }
    // The year facet of the unfiltered search agrees with the filtered count.
    assert_eq!(all["facets"]["year"]["2021"].as_u64().unwrap(), total_2021);
}

#[test]
fn facet_counts_equal_the_matching_documents() {
    let v = search_json(&["hyvinvointialue", "--limit", "1000"]);
    let total = v["total"].as_u64().unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(
        hits.len() as u64,
        total,
        "limit 1000 returns every hit of the small corpus"
    );
    let type_sum: u64 = v["facets"]["doc_type"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(type_sum, total, "every document has exactly one type");
    for (code, count) in v["facets"]["region"].as_object().unwrap() {
        let with_region = hits
            .iter()
            .filter(|h| h["regions"].as_array().unwrap().iter().any(|r| r == code))
            .count();
        assert_eq!(with_region as u64, count.as_u64().unwrap(), "region {code}");
    }
    for (year, count) in v["facets"]["year"].as_object().unwrap() {
        let in_year = hits
            .iter()
            .filter(|h| h["published"].as_str().is_some_and(|d| d.starts_with(year.as_str())))
            .count();
        assert_eq!(in_year as u64, count.as_u64().unwrap(), "year {year}");
    }
    // Filtering on a region gives exactly that region's count.
    let (code, count) = v["facets"]["region"].as_object().unwrap().iter().next().unwrap();
    let filtered = search_json(&["hyvinvointialue", "--region", code, "--limit", "1000"]);
    assert_eq!(filtered["total"], *count);
}

#[test]
fn empty_query_lists_everything_newest_first() {
    let v = search_json(&["", "--limit", "20"]);
    assert_eq!(v["total"].as_u64().unwrap(), 300);
    let dates: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["published"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "not newest first: {dates:?}");
}

#[test]
fn stop_words_only_gives_no_hits_and_says_why() {
    let index = corpus_index().to_str().unwrap();
    let out = sotehaku(&["search", "--index", index, "ja tai on"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.starts_with("0 hits"), "{stdout}");
    assert!(stderr.contains("stop words"), "{stderr}");
}

#[test]
fn malformed_query_is_a_clear_error_not_a_panic() {
    let index = corpus_index().to_str().unwrap();
    for query in ["title:(rahoitus", "nosuchfield:rahoitus", "-rahoitus"] {
        let out = sotehaku(&["search", "--index", index, query]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{query}: {stderr}");
        assert!(stderr.contains("cannot understand the query"), "{query}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let out = sotehaku(&["search", "--index", index, "--region", "Narnia", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown region"));
    let out = sotehaku(&["search", "--index", index, "--from", "2021-02-30", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_or_corrupt_index_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let out = sotehaku(&["search", "--index", missing.to_str().unwrap(), "sote"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no index at"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let corrupt = dir.path().join("corrupt");
    std::fs::create_dir(&corrupt).unwrap();
    std::fs::write(corrupt.join("meta.json"), b"{ this is not an index").unwrap();
    std::fs::write(corrupt.join("sotehaku-index.json"), b"garbage").unwrap();
    let out = sotehaku(&["search", "--index", corrupt.to_str().unwrap(), "sote"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("damaged") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_input_lines_are_reported_and_the_rest_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"title\":\"Omaishoidon tuki\",\"text\":\"Omaishoidon tuen vapaapäivät.\"}\n{broken\n{\"id\":\"b\",\"text\":\"\"}\n",
    )
    .unwrap();
    let index = dir.path().join("ix");
    let out = sotehaku(&[
        "index",
        "--input",
        input.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("docs.jsonl:2"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("1 documents"));
}

#[test]
fn ingest_output_is_indexed_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs.jsonl");
    let seeds = workspace().join("corpus/seeds");
    let out = sotehaku(&["ingest", seeds.to_str().unwrap(), "--out", docs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Edit a derived field by hand: the index must keep it, not derive it again.
    let text = std::fs::read_to_string(&docs).unwrap();
    let mut lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    lines[0]["themes"] = serde_json::json!(["covid-19"]);
    let id = lines[0]["id"].as_str().unwrap().to_string();
    let edited: String = lines.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(&docs, edited).unwrap();
    let index = dir.path().join("ix");
    let out = sotehaku(&[
        "index",
        "--input",
        docs.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = sotehaku(&[
        "search",
        "--json",
        "--index",
        index.to_str().unwrap(),
        "--theme",
        "covid-19",
        "",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["id"], id.as_str());
}

#[test]
fn indexing_a_crawl_directory_applies_its_tombstones_and_skips_its_bookkeeping() {
    let dir = tempfile::tempdir().unwrap();
    let crawl = dir.path().join("crawl");
    std::fs::create_dir(&crawl).unwrap();
    let record = |id: &str, title: &str| {
        serde_json::json!({"id": id, "title": title, "text": format!("{title}. Neuvola muuttaa uusiin tiloihin Lahdessa.")})
            .to_string()
    };
    std::fs::write(
        crawl.join("documents.jsonl"),
        format!(
            "{}\n{}\n",
            record("pysyy", "Neuvola muuttaa"),
            record("poistuu", "Neuvolan muutto")
        ),
    )
    .unwrap();
    let index = dir.path().join("index");
    let index_arg = index.to_str().unwrap();
    let out = sotehaku(&["index", "--input", crawl.to_str().unwrap(), "--index", index_arg]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let count = |index: &str| -> u64 {
        let out = sotehaku(&["search", "--json", "--index", index, "neuvola"]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["total"].as_u64().unwrap()
    };
    assert_eq!(count(index_arg), 2);

    // The publisher removed one page: the crawl lists it in removed.jsonl. Its other files are not documents.
    std::fs::write(
        crawl.join("removed.jsonl"),
        "{\"id\":\"poistuu\",\"url\":\"https://a.fi/x\"}\n",
    )
    .unwrap();
    std::fs::write(
        crawl.join("pages.jsonl"),
        "{\"url\":\"https://a.fi/x\",\"status\":410}\n",
    )
    .unwrap();
    std::fs::write(
        crawl.join("audit.jsonl"),
        "{\"action\":\"deleted\",\"document\":\"poistuu\"}\n",
    )
    .unwrap();
    std::fs::write(
        crawl.join("documents.jsonl"),
        format!("{}\n", record("pysyy", "Neuvola muuttaa")),
    )
    .unwrap();
    let out = sotehaku(&["index", "--input", crawl.to_str().unwrap(), "--index", index_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 removed by the publisher"), "{stdout}");
    assert!(
        stdout.contains("0 skipped"),
        "bookkeeping files are not read as documents: {stdout}"
    );
    assert_eq!(count(index_arg), 1);
    let v = search_json_in(index_arg, &["neuvola"]);
    assert_eq!(hit_ids(&v), ["pysyy"]);
}

fn search_json_in(index: &str, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json", "--index", index];
    all.extend_from_slice(args);
    let out = sotehaku(&all);
    serde_json::from_slice(&out.stdout).expect("search --json prints one JSON object")
}
