//! The JSON API, the Atom feed and the limits, against a real server on a loopback port serving the shipped corpus.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{client, corpus_engine, TestServer};
use serde_json::Value;
use sotehaku::{Document, Engine, Region};
use sotehaku_server::ServerConfig;

/// A GET over a plain TCP connection, for URLs longer than an HTTP client library accepts.
async fn raw_get(base: &str, path: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut response))
        .await
        .expect("in time")
        .expect("read");
    let text = String::from_utf8_lossy(&response).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let ct = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-type: ")
                .or_else(|| l.strip_prefix("Content-Type: "))
        })
        .unwrap_or("")
        .to_string();
    // The body may be chunked: keep what lies between the first '{' and the last '}'.
    let body = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if a < b => body[a..=b].to_string(),
        _ => body.to_string(),
    };
    (status, ct, body)
}

async fn get(url: &str) -> (u16, String, String) {
    let r = client().get(url).send().await.expect("request");
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, ct, r.text().await.expect("body"))
}

async fn get_json(url: &str) -> Value {
    let (status, ct, body) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    assert!(ct.starts_with("application/json"), "{url}: content-type {ct}");
    serde_json::from_str(&body).expect("JSON body")
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().unwrap_or("").to_string())
        .collect()
}

fn enc(s: &str) -> String {
    sotehaku_server::atom::encode_component(s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_openapi_and_page() {
    let server = TestServer::start(corpus_engine(), ServerConfig::default()).await;
    let h = get_json(&server.url("/healthz")).await;
    assert_eq!(h["status"], "ok");
    assert_eq!(h["documents"].as_u64(), Some(corpus_engine().num_docs()));

    let spec = get_json(&server.url("/openapi.json")).await;
    assert_eq!(spec["openapi"], "3.1.0");
    for path in [
        "/api/search",
        "/api/search.atom",
        "/api/documents/{id}",
        "/api/documents/{id}/similar",
        "/api/facets",
        "/healthz",
    ] {
        assert!(spec["paths"][path]["get"].is_object(), "openapi.json lacks {path}");
    }

    let (status, ct, html) = get(&server.url("/")).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"));
    assert!(html.contains("lang=\"fi\"") && html.contains("/assets/app.js"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page must not load network resources"
    );
    for asset in ["/assets/app.js", "/assets/style.css"] {
        let (status, _, body) = get(&server.url(asset)).await;
        assert_eq!(status, 200, "{asset}");
        // The only absolute URL allowed is the SVG namespace name, which is never fetched.
        let without_ns = body.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !without_ns.contains("http://") && !without_ns.contains("https://"),
            "{asset} must not load network resources"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_hits_facets_histogram_and_paging() {
    let server = TestServer::start(corpus_engine(), ServerConfig::default()).await;
    let v = get_json(&server.url("/api/search?q=hyvinvointialue&limit=10")).await;
    let total = v["total"].as_u64().expect("total");
    assert!(total > 10, "hyvinvointialue should match many documents, got {total}");
    assert_eq!(v["hits"].as_array().map(|a| a.len()), Some(10));
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["snippet"].as_str().unwrap_or("").contains("<mark>")));
    // Same shape as the library's results, plus the histogram.
    for key in ["query", "total", "took_ms", "hits", "facets", "histogram"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let hist = &v["histogram"];
    let bucket_sum: u64 = hist["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    let year_sum: u64 = v["facets"]["year"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert!(bucket_sum > 0 && bucket_sum <= total);
    if hist["interval"] == "year" {
        assert_eq!(bucket_sum, year_sum, "yearly buckets are the year facet");
    }

    // Paging: the second page holds other documents.
    let page2 = get_json(&server.url("/api/search?q=hyvinvointialue&limit=10&offset=10")).await;
    let first: HashSet<String> = ids(&v).into_iter().collect();
    assert!(ids(&page2).iter().all(|id| !first.contains(id)), "pages overlap");

    // Disjunctive region facet: filtering on one region keeps the other regions' counts.
    let regions = v["facets"]["region"].as_object().unwrap();
    let (code, count) = regions
        .iter()
        .find(|(c, _)| c.as_str() != "national")
        .expect("a county in the facets");
    let filtered = get_json(&server.url(&format!("/api/search?q=hyvinvointialue&region={code}&limit=50"))).await;
    assert_eq!(
        filtered["total"].as_u64(),
        count.as_u64(),
        "the facet count predicts the filtered total"
    );
    for hit in filtered["hits"].as_array().unwrap() {
        assert!(
            hit["regions"].as_array().unwrap().iter().any(|r| r == code.as_str()),
            "hit outside region {code}"
        );
    }
    assert_eq!(
        &filtered["facets"]["region"], &v["facets"]["region"],
        "region counts ignore their own filter"
    );

    // The same region by slug and by Finnish name.
    let region: Region = code.parse().unwrap();
    let info = sotehaku::RegionTable::builtin().info(region).unwrap();
    for name in [info.slug.as_str(), info.name_fi.as_str()] {
        let by_name = get_json(&server.url(&format!("/api/search?q=hyvinvointialue&region={}", enc(name)))).await;
        assert_eq!(by_name["total"], filtered["total"], "region given as {name}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn date_range_and_month_histogram() {
    let server = TestServer::start(corpus_engine(), ServerConfig::default()).await;
    let all = get_json(&server.url("/api/search?limit=1&interval=year")).await;
    let years = all["facets"]["year"].as_object().unwrap();
    let (year, count) = years.iter().max_by_key(|(_, c)| c.as_u64()).expect("years");
    let v = get_json(&server.url(&format!("/api/search?from={year}&to={year}&limit=100&sort=date"))).await;
    assert_eq!(
        v["total"].as_u64(),
        count.as_u64(),
        "a year's range holds that year's documents"
    );
    for hit in v["hits"].as_array().unwrap() {
        assert!(
            hit["published"].as_str().unwrap_or("").starts_with(year.as_str()),
            "{hit}"
        );
    }
    let hist = &v["histogram"];
    assert_eq!(hist["interval"], "month", "auto gives months for one year");
    let buckets = hist["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 12);
    assert!(buckets
        .iter()
        .all(|b| b["key"].as_str().unwrap().starts_with(year.as_str())));
    let sum: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(Some(sum), count.as_u64(), "months add up to the year");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_similar_and_facets() {
    let engine = corpus_engine();
    let server = TestServer::start(engine.clone(), ServerConfig::default()).await;
    let v = get_json(&server.url("/api/search?q=hyvinvointialue&limit=20")).await;
    // Prefer an id with characters that need escaping in a path.
    let hits = v["hits"].as_array().unwrap();
    let hit = hits
        .iter()
        .find(|h| h["id"].as_str().unwrap().contains(':'))
        .unwrap_or(&hits[0]);
    let id = hit["id"].as_str().unwrap();
    let doc = get_json(&server.url(&format!("/api/documents/{}", enc(id)))).await;
    assert_eq!(doc["id"], id);
    assert_eq!(doc["title"], hit["title"]);
    assert!(doc["text"].as_str().unwrap().len() > 50);

    let sim = get_json(&server.url(&format!("/api/documents/{}/similar?limit=5", enc(id)))).await;
    assert!(!sim["terms"].as_array().unwrap().is_empty());
    let sim_ids = ids(&sim);
    assert!(!sim_ids.is_empty() && sim_ids.len() <= 5);
    assert!(!sim_ids.iter().any(|s| s == id), "a document is not similar to itself");

    let f = get_json(&server.url("/api/facets")).await;
    assert_eq!(f["total"].as_u64(), Some(engine.num_docs()));
    let type_sum: u64 = f["facets"]["doc_type"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(type_sum, engine.num_docs(), "every document has one type");
    let pohjois_savo = sotehaku::RegionTable::builtin().resolve("pohjois-savo").unwrap();
    assert_eq!(
        f["labels"]["region"][pohjois_savo.code()],
        "Pohjois-Savon hyvinvointialue"
    );
    assert_eq!(
        f["labels"]["theme"]["oral-health"], "Suun terveydenhuolto",
        "themes have Finnish names for the page's facet"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn atom_feed_lists_newest_matches() {
    let server = TestServer::start(corpus_engine(), ServerConfig::default()).await;
    let r = client()
        .get(server.url("/api/search.atom?q=hyvinvointialue&limit=5"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ct = r.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(ct.starts_with("application/atom+xml"), "{ct}");
    let xml = r.text().await.unwrap();
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(xml.matches("<entry>").count(), 5);
    // Well-formed XML, and entries newest first.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut updated = Vec::new();
    let mut in_entry_updated = false;
    let mut depth = 0usize;
    for _ in 0..100_000 {
        match reader.read_event().expect("well-formed Atom") {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                in_entry_updated = depth == 3 && e.name().0 == "updated";
            }
            quick_xml::events::Event::End(_) => {
                depth -= 1;
                in_entry_updated = false;
            }
            quick_xml::events::Event::Text(t) if in_entry_updated => {
                updated.push(t.into_inner().to_string());
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(updated.len(), 5);
    let mut sorted = updated.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(updated, sorted, "newest first");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_mistakes_get_problem_json_never_5xx() {
    let server = TestServer::start(corpus_engine(), ServerConfig::default()).await;
    let long_q = "terveys ".repeat(100_000 / 8);
    let long_30k = "terveys ".repeat(30_000 / 8);
    let medium_q = "terveys ".repeat(200);
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/search?q=sote&from=2021-13-01".into(), 400, "from"),
        ("/api/search?q=sote&to=eilen".into(), 400, "to"),
        ("/api/search?q=sote&from=2023&to=2021".into(), 400, "to"),
        ("/api/search?region=Narnia".into(), 400, "region"),
        ("/api/search?q=sote&limit=10000".into(), 400, "limit"),
        ("/api/search?q=sote&limit=0".into(), 400, "limit"),
        ("/api/search?q=sote&limit=abc".into(), 400, "limit"),
        ("/api/search?q=sote&offset=5000".into(), 400, "offset"),
        ("/api/search?q=sote&offset=99999999999999999999".into(), 400, "offset"),
        ("/api/search?q=sote&sort=random".into(), 400, "sort"),
        ("/api/search?q=sote&type=blogi".into(), 400, "type"),
        ("/api/search?q=sote&theme=%3Cscript%3E".into(), 400, "theme"),
        ("/api/search?q=sote&interval=week".into(), 400, "interval"),
        ("/api/search?qq=sote".into(), 400, "qq"),
        ("/api/search?q=%28sote".into(), 400, ""),
        ("/api/search?q=nosuchfield%3Asote".into(), 400, ""),
        (format!("/api/search?q={}", enc(&medium_q)), 400, "q"),
        (format!("/api/search?q={}", enc(&long_30k)), 414, "q"),
        ("/api/search.atom?region=Narnia".into(), 400, "region"),
        ("/api/documents/no-such-document".into(), 404, ""),
        ("/api/documents/no-such-document/similar".into(), 404, ""),
        (format!("/api/documents/{}/similar?limit=1000", enc("x")), 400, "limit"),
        ("/api/nothing-here".into(), 404, ""),
        ("/api/documents/%FF%FE".into(), 400, ""),
    ];
    for (path, status, param) in &cases {
        let (got, ct, body) = if path.len() > 8000 {
            raw_get(&server.base, path).await
        } else {
            get(&server.url(path)).await
        };
        let shown: String = path.chars().take(80).collect();
        assert_eq!(got, *status, "{shown}: {body}");
        assert!(ct.starts_with("application/problem+json"), "{shown}: content-type {ct}");
        let p: Value = serde_json::from_str(&body).expect("problem JSON");
        assert_eq!(p["status"].as_u64(), Some(*status as u64));
        assert!(
            p["detail"].as_str().is_some_and(|d| d.len() > 10),
            "{shown}: a detail that says what to fix"
        );
        assert!(p["type"].as_str().is_some() && p["title"].as_str().is_some());
        if !param.is_empty() {
            assert_eq!(p["invalid-params"][0]["name"], *param, "{shown}: {body}");
        }
    }
    // A 100 kB query makes a URL longer than hyper's HTTP/1 parser accepts (64 kB); the server's listener answers
    // it before hyper, with a problem body like every other mistake.
    let (got, ct, body) = raw_get(&server.base, &format!("/api/search?q={}", enc(&long_q))).await;
    assert_eq!(got, 414, "{body}");
    assert!(ct.starts_with("application/problem+json"), "content-type {ct}");
    let p: Value = serde_json::from_str(&body).expect("problem JSON for a 100 kB query");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("shorten")), "{body}");
    // Invalid UTF-8 in the query string is decoded lossily: an answer with a warning, not an error.
    let (got, _, body) = get(&server.url("/api/search?q=%FF")).await;
    assert_eq!(got, 200, "{body}");
    // Writing is not possible.
    let r = client().post(server.url("/api/search")).body("x").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_all_succeed_and_are_compressed() {
    let server = TestServer::start(corpus_engine(), ServerConfig::default()).await;
    let c = client();
    let queries = [
        "hyvinvointialue",
        "terveysasema",
        "sosiaalihuolto",
        "talousarvio",
        "",
        "pelastustoimi",
    ];
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    // 48 requests, 12 at a time.
    for batch in 0..4 {
        for i in 0..12 {
            let url = server.url(&format!(
                "/api/search?q={}&region=national&region={:02}&limit=20",
                queries[(batch + i) % queries.len()],
                1 + i % 21
            ));
            let c = c.clone();
            tasks.spawn(async move { c.get(url).send().await.map(|r| r.status().as_u16()) });
        }
        while let Some(done) = tasks.join_next().await {
            assert_eq!(done.expect("task").expect("request"), 200);
        }
    }
    assert!(started.elapsed() < Duration::from_secs(60));

    // Compression when asked for.
    common::install_crypto();
    let raw = reqwest::Client::builder().no_gzip().no_proxy().build().unwrap();
    let r = raw
        .get(server.url("/api/search?q=hyvinvointialue&limit=50"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers().get("content-encoding").and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_server_answers_503_not_a_hang() {
    let config = ServerConfig {
        max_concurrent_searches: 1,
        queue_timeout: Duration::from_millis(1),
        ..ServerConfig::default()
    };
    let server = TestServer::start(corpus_engine(), config).await;
    let c = client();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let c = c.clone();
        let url = server.url("/api/search?q=hyvinvointialue+OR+terveys+OR+sosiaali&limit=100");
        tasks.spawn(async move { c.get(url).send().await.map(|r| r.status().as_u16()) });
    }
    let mut statuses = Vec::new();
    while let Some(done) = tasks.join_next().await {
        statuses.push(done.expect("task").expect("request"));
    }
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert!(statuses.contains(&200), "{statuses:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_reloads_after_a_reindex_without_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let engine = Engine::create(&path).unwrap();
    engine
        .add_documents([Document::new("eka", "Terveysasema", "Terveysasema avataan.")])
        .unwrap();
    let config = ServerConfig {
        reload_interval: Duration::from_millis(200),
        ..ServerConfig::default()
    };
    let server = TestServer::start(Engine::open(&path).unwrap(), config).await;
    let url = server.url("/api/search?q=neuvola");
    assert_eq!(get_json(&url).await["total"], 0);

    // Another process (here: another handle) re-indexes while the server runs.
    let writer = Engine::open(&path).unwrap();
    let mut doc = Document::new("toka", "Neuvola muuttaa", "Neuvola muuttaa uusiin tiloihin.");
    doc.regions = vec![Region::County(15)];
    writer.add_documents([doc]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let v = get_json(&url).await;
        if v["total"] == 1 {
            assert_eq!(v["hits"][0]["id"], "toka");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not see the new document within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A rebuilt index (recreated from scratch) is picked up too.
    drop(writer);
    let rebuilt = Engine::recreate(&path, sotehaku::AnalyzerKind::default()).unwrap();
    rebuilt
        .add_documents([Document::new("kolmas", "Neuvola", "Uusi neuvola.")])
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let v = get_json(&url).await;
        if v["total"] == 1 && v["hits"][0]["id"] == "kolmas" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not see the rebuilt index within 15 s: {v}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let health = get_json(&server.url("/healthz")).await;
    assert_eq!(health["documents"], 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restricted_and_overdue_documents_stay_hidden_from_the_public() {
    let today = chrono::Utc::now().date_naive();
    let mut open = Document::new(
        "open",
        "Pöytäkirja aluehallitus",
        "Aluehallituksen pöytäkirja palveluverkosta.",
    );
    open.recheck_due = Some(today + chrono::Days::new(10));
    let mut overdue = Document::new(
        "overdue",
        "Pöytäkirja aluevaltuusto",
        "Aluevaltuuston pöytäkirja palveluverkosta.",
    );
    overdue.recheck_due = Some(today - chrono::Days::new(1));
    let mut restricted = Document::new(
        "restricted",
        "Pöytäkirja lautakunta",
        "Lautakunnan pöytäkirja palveluverkosta.",
    );
    restricted.restricted = true;
    let engine = Engine::in_memory().unwrap();
    engine.add_documents([open, overdue, restricted]).unwrap();
    let server = TestServer::start(engine, ServerConfig::default()).await;

    let v = get_json(&server.url("/api/search?q=palveluverkko")).await;
    assert_eq!(ids(&v), ["open"], "{v}");
    assert_eq!(v["total"], 1);
    let atom = get(&server.url("/api/search.atom?q=palveluverkko")).await.2;
    assert!(
        atom.contains("open") && !atom.contains("overdue") && !atom.contains("restricted"),
        "{atom}"
    );
    for hidden in ["overdue", "restricted"] {
        let (status, _, body) = get(&server.url(&format!("/api/documents/{hidden}"))).await;
        assert_eq!(status, 404, "{hidden}: {body}");
    }
    let similar = get_json(&server.url("/api/documents/open/similar")).await;
    assert!(
        ids(&similar).iter().all(|id| id != "overdue" && id != "restricted"),
        "{similar}"
    );
    assert_eq!(get(&server.url("/api/documents/open")).await.0, 200);
    server.stop().await;
}
