//! HTTP hardening: the real server on 127.0.0.1 gets more than 10,000 requests — malformed at the HTTP level (raw
//! TCP: bad request lines, bad percent-encoding, invalid UTF-8, huge headers, bad methods, smuggling-style framing,
//! oversized and endless bodies), malformed at the API level (absurd limits, offsets and dates, unknown facets,
//! 100 kB queries, path traversal), slowloris-style trickling connections and concurrent valid searches — and must
//! then still answer a normal search correctly, with no 5xx (except 503 + Retry-After under deliberate overload),
//! no hang and bounded memory. Prints a table of the statuses seen.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sotehaku::{Document, Engine};
use sotehaku_server::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Statuses seen, by label (`200`, `404`, `closed`, `timeout`, …).
#[derive(Default, Clone)]
struct Tally(Arc<Mutex<BTreeMap<String, u64>>>);

impl Tally {
    fn add(&self, label: impl Into<String>) {
        *self.0.lock().unwrap().entry(label.into()).or_default() += 1;
    }
    fn total(&self) -> u64 {
        self.0.lock().unwrap().values().sum()
    }
    fn get(&self, label: &str) -> u64 {
        self.0.lock().unwrap().get(label).copied().unwrap_or(0)
    }
}

/// A small deterministic generator (xorshift64*), so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Server {
    addr: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<Result<(), sotehaku_server::ServerError>>,
}

/// An engine with a few known documents and some filler.
fn engine() -> Engine {
    let engine = Engine::in_memory().expect("in-memory engine");
    let mut docs = vec![
        Document::new(
            "tunnettu-1",
            "Uimahallin aukioloajat muuttuvat",
            "Hyvinvointialue muuttaa uimahallin aukioloaikoja syksyllä.",
        ),
        Document::new(
            "tunnettu-2",
            "Aluevaltuusto hyväksyi talousarvion",
            "Aluevaltuusto hyväksyi talousarvion ja päätti uimahallin tulevaisuudesta.",
        ),
    ];
    for i in 0..60 {
        docs.push(Document::new(
            format!("taytto-{i}"),
            format!("Tiedote {i}"),
            format!("Sosiaali- ja terveyspalvelujen tiedote numero {i} ikääntyneiden palveluista ja päivystyksestä."),
        ));
    }
    engine.add_documents(docs).expect("index documents");
    engine
}

async fn start(config: ServerConfig) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(sotehaku_server::serve_on(listener, engine(), config, async {
        let _ = rx.await;
    }));
    Server {
        addr,
        shutdown: Some(tx),
        handle,
    }
}

/// Sends raw bytes, reads until the server closes or `wait` passes; returns the status label.
async fn raw(addr: &str, request: &[u8], wait: Duration) -> String {
    let Ok(mut stream) = TcpStream::connect(addr).await else {
        return "connect-failed".into();
    };
    // The server may answer and close before reading everything (e.g. 413): a failed write is not an error here.
    let _ = stream.write_all(request).await;
    let mut response = Vec::new();
    let mut buf = [0u8; 8192];
    let read = tokio::time::timeout(wait, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    response.extend_from_slice(&buf[..n]);
                    // Status line and headers are enough; the body does not matter here.
                    if response.windows(4).any(|w| w == b"\r\n\r\n") || response.len() > 64 * 1024 {
                        break;
                    }
                }
            }
        }
    })
    .await;
    let head = String::from_utf8_lossy(&response);
    let status = head
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string);
    match (status, read) {
        (Some(s), _) => {
            if s == "503" && !head.to_ascii_lowercase().contains("\r\nretry-after:") {
                return "503-without-retry-after".into();
            }
            s
        }
        (None, Ok(())) => "closed".into(),
        (None, Err(_)) => "timeout".into(),
    }
}

/// Malformed requests at the HTTP level. `host` is `127.0.0.1:port`.
fn malformed_requests(host: &str) -> Vec<Vec<u8>> {
    let h = |line: &str| format!("{line}\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes();
    let mut out = vec![
        h("GET /api/search?q=%ZZ%4 HTTP/1.1"),
        h("GET /api/search?q=%FF%FE%00%C3 HTTP/1.1"),
        h("GET /api/search?q=%C3%28%A0%A1&region=%E2%82 HTTP/1.1"),
        h("GET /api/documents/%FF%00%2F..%2F HTTP/1.1"),
        h("GET /../../../../etc/passwd HTTP/1.1"),
        h("GET /assets/..%2f..%2f..%2fCargo.toml HTTP/1.1"),
        h("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1"),
        h("GET /api/documents/..%2F..%2F..%2Fetc%2Fpasswd HTTP/1.1"),
        h("GET /api/documents/%2e%2e/similar HTTP/1.1"),
        h("GET //api//search?q=a HTTP/1.1"),
        h("GET /api/search?limit=99999999999999999999999999&offset=-1 HTTP/1.1"),
        h("GET /api/search?from=2023-13-45&to=0000-00-00 HTTP/1.1"),
        h("GET /api/search?from=99999-01-01&to=-5000-01-01 HTTP/1.1"),
        h("GET /api/search?q=a&q=b&limit=1&limit=2&sort=sideways&interval=aeon HTTP/1.1"),
        h("GET /api/search?region=atlantis&theme=%00&type=%FF&facet=unknown HTTP/1.1"),
        h("GET /api/search.atom?limit=0&q=%22 HTTP/1.1"),
        h("GET /api/facets?region=1e99 HTTP/1.1"),
        h("GET /api/search?q=\"\"\"((((((a HTTP/1.1"),
        h("FOO /api/search HTTP/1.1"),
        h("DELETE /api/search HTTP/1.1"),
        h("PUT /api/documents/tunnettu-1 HTTP/1.1"),
        h("TRACE / HTTP/1.1"),
        h("CONNECT 127.0.0.1:22 HTTP/1.1"),
        h("OPTIONS * HTTP/1.1"),
        h("PATCH /healthz HTTP/1.1"),
        h("GET / HTTP/9.9"),
        h("GET / HTTP/1.0"),
        h("GET /api/search?q=a"),
        h("GET\t/\tHTTP/1.1"),
        h("get /api/search HTTP/1.1"),
        b"GET / HTTP/1.1\r\n\r\n".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 tls hello\r\n\r\n".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        [b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: ".as_slice(), host.as_bytes(), b"\r\n\r\n"].concat(),
        format!("GET /\x00/ HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Bad: \x7f\x00\r\nConnection: close\r\n\r\n").into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nNo colon here\r\n\r\n").into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\n Folded: header\r\n\r\n").into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n").into_bytes(),
        // Framing: conflicting lengths, smuggling shapes, oversized and lying bodies.
        format!(
            "POST /api/search HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcdefg"
        )
        .into_bytes(),
        format!(
            "POST /api/search HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n"
        )
        .into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: gzip, chunked\r\n\r\nzz\r\n").into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: -1\r\n\r\n").into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 99999999999999999999999\r\n\r\n").into_bytes(),
        format!(
            "POST /api/search HTTP/1.1\r\nHost: {host}\r\nContent-Length: 10000000000\r\nConnection: close\r\n\r\n{}",
            "x".repeat(4096)
        )
        .into_bytes(),
        format!("GET /api/search HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nab\r\n")
            .into_bytes(),
        format!("GET /api/search HTTP/1.1\r\nHost: {host}\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    ];
    // A 100 kB query in the request line, a 100 kB header value, and 500 headers.
    out.push(h(&format!("GET /api/search?q={} HTTP/1.1", "sote".repeat(25_000))));
    out.push(
        format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nX-Huge: {}\r\n\r\n",
            "h".repeat(100_000)
        )
        .into_bytes(),
    );
    let many: String = (0..500).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    out.push(format!("GET / HTTP/1.1\r\nHost: {host}\r\n{many}\r\n").into_bytes());
    // 1,000 repeated parameters.
    let repeated: String = (0..1000).map(|i| format!("region={i}&")).collect();
    out.push(h(&format!("GET /api/search?{repeated} HTTP/1.1")));
    out
}

/// Requests that never complete their request line or body: the server must answer 408 or close them on its own,
/// in bounded time, while serving everyone else.
fn stalled_requests() -> Vec<Vec<u8>> {
    vec![
        vec![0xff; 600],
        b"GET /api/search?q=".to_vec(),
        b"GET /api/search?q=a HTTP/1.1\r\nContent-Length: 100\r\nHost: x\r\n\r\nonly part".to_vec(),
    ]
}

/// Requests whose request line (or its leading empty lines) arrived but whose header block never ends. Reported to
/// the lead: the server holds these connections open without limit (see `stalled_header_blocks_are_closed`).
fn stalled_header_blocks() -> Vec<Vec<u8>> {
    vec![
        b"\r\n".to_vec(),
        b"\r\n\r\n".to_vec(),
        b"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\n".to_vec(),
    ]
}

/// Malformed or absurd API requests that are well-formed HTTP (sent with reqwest).
fn junk_path(rng: &mut Rng) -> String {
    let params = [
        "q", "region", "theme", "type", "from", "to", "sort", "limit", "offset", "interval", "facet", "", "q[]",
    ];
    let values = [
        "",
        "%25",
        "%ZZ",
        "%C3%28",
        "-1",
        "0",
        "1e308",
        "18446744073709551616",
        "9999999999",
        "NaN",
        "2023-02-30",
        "2023-13-01",
        "+275760-09-13",
        "1970-01-01T00:00:00Z",
        "kaikki",
        "HUS",
        "90",
        "uusimaa,varsinais-suomi",
        "%22sote%22+AND+(",
        "title:%22a",
        "*",
        "a~99",
        "%E2%80%8B",
        "%00",
        "%F0%9F%92%A9",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "terveysasema",
    ];
    let paths = [
        "/api/search",
        "/api/search.atom",
        "/api/facets",
        "/api/documents/tunnettu-1/similar",
        "/api/documents/..%2F..%2Fsecret",
        "/api/documents/%00",
        "/api/documents/tunnettu-1",
        "/assets/..%2Fapp.js",
        "/assets/app.js/../../Cargo.toml",
        "/nope",
        "/healthz",
        "/openapi.json",
    ];
    let mut path = rng.pick(&paths).to_string();
    let n = rng.below(5);
    for i in 0..n {
        path.push(if i == 0 { '?' } else { '&' });
        path.push_str(rng.pick(&params));
        path.push('=');
        path.push_str(rng.pick(&values));
    }
    path
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .no_proxy()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client")
}

async fn search_total(client: &reqwest::Client, base: &str, query: &str) -> (u16, u64, Vec<String>) {
    let resp = client
        .get(format!("{base}/api/search?q={query}&limit=10"))
        .send()
        .await
        .expect("a normal search is answered");
    let status = resp.status().as_u16();
    let body = resp.bytes().await.unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let ids = v["hits"]
        .as_array()
        .map(|a| a.iter().filter_map(|h| h["id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    (status, v["total"].as_u64().unwrap_or(0), ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_bad_slow_and_concurrent_requests_leave_the_server_healthy() {
    let started = Instant::now();
    let server = start(ServerConfig::default()).await;
    let base = format!("http://{}", server.addr);
    let client = client();
    let (status, before_total, before_ids) = search_total(&client, &base, "uimahalli").await;
    assert_eq!(status, 200);
    assert_eq!(before_total, 2, "{before_ids:?}");
    // Warm up (first searches allocate caches), then take the memory baseline.
    for _ in 0..50 {
        search_total(&client, &base, "tiedote").await;
    }
    let rss_before = rss_kb();
    let tally = Tally::default();

    // 1. Raw malformed requests, 16 connections at a time.
    let requests = Arc::new(malformed_requests(&server.addr));
    let rounds = 60;
    // Stalled connections (ten of each kind), held open in the background for up to 45 s.
    let mut stalled = tokio::task::JoinSet::new();
    for req in stalled_requests() {
        for _ in 0..10 {
            let (tally, addr, req) = (tally.clone(), server.addr.clone(), req.clone());
            stalled.spawn(async move {
                let label = raw(&addr, &req, Duration::from_secs(45)).await;
                if label == "timeout" {
                    eprintln!(
                        "still open after 45 s: {:?}",
                        String::from_utf8_lossy(&req[..req.len().min(60)])
                    );
                }
                tally.add(format!("stalled:{label}"));
            });
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let (requests, tally, addr) = (requests.clone(), tally.clone(), server.addr.clone());
        tasks.spawn(async move {
            let mut i = worker;
            while i < requests.len() * rounds {
                let req = &requests[i % requests.len()];
                let label = raw(&addr, req, Duration::from_secs(10)).await;
                if label.starts_with('5') || label == "timeout" {
                    eprintln!("{label} for {:?}", String::from_utf8_lossy(&req[..req.len().min(200)]));
                }
                tally.add(label);
                i += 16;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let raw_sent = (requests.len() * rounds) as u64;

    // 2. Slowloris: 50 connections trickle a request a byte at a time for ~3 s while valid searches go on.
    let mut slow = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (addr, tally) = (server.addr.clone(), tally.clone());
        slow.spawn(async move {
            let Ok(mut s) = TcpStream::connect(&addr).await else {
                tally.add("connect-failed");
                return;
            };
            let req = format!("GET /api/search?q=slow{i} HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ");
            for b in req.bytes() {
                if s.write_all(&[b]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // Half of them finish the request; the other half just stop and hang up.
            if i % 2 == 0 {
                let _ = s.write_all(b"x\r\nConnection: close\r\n\r\n").await;
                let mut head = Vec::new();
                let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut head)).await;
                let text = String::from_utf8_lossy(&head);
                tally.add(text.get(9..12).unwrap_or("closed").to_string());
            } else {
                tally.add("abandoned");
            }
        });
    }
    let mut during_slow = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let (s, total, _) = search_total(&client, &base, "uimahalli").await;
        during_slow.push(t.elapsed());
        assert_eq!((s, total), (200, 2), "searches go on during the slowloris");
        tally.add(s.to_string());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    while slow.join_next().await.is_some() {}
    let slowest = during_slow.iter().max().copied().unwrap_or_default();
    assert!(
        slowest < Duration::from_secs(2),
        "a search took {slowest:?} during the slowloris"
    );

    // 3. Junk API requests and concurrent valid searches, 32 in flight.
    let junk = 4000;
    let valid = 3000;
    let mut tasks = tokio::task::JoinSet::new();
    let bad_answers: Arc<Mutex<Vec<String>>> = Arc::default();
    for worker in 0..32u64 {
        let (client, base, tally, bad) = (client.clone(), base.clone(), tally.clone(), bad_answers.clone());
        tasks.spawn(async move {
            let mut rng = Rng(0x5eed_0000 + worker * 7919 + 1);
            let mut i = worker as usize;
            while i < junk + valid {
                let path = if i < junk {
                    junk_path(&mut rng)
                } else {
                    let q = rng.pick(&["uimahalli", "tiedote", "aluevaltuusto", "päivystys", "sosiaali"]);
                    format!("/api/search?q={q}&limit={}", 1 + rng.below(20))
                };
                let label = match client.get(format!("{base}{path}")).send().await {
                    Ok(resp) => {
                        let s = resp.status().as_u16();
                        let retry = resp.headers().contains_key("retry-after");
                        let body = resp.bytes().await.map(|b| b.len()).unwrap_or(0);
                        let _ = body;
                        if s >= 500 && !(s == 503 && retry) {
                            bad.lock().unwrap().push(format!("{s} {path}"));
                        }
                        if i >= junk && s != 200 && s != 503 {
                            bad.lock().unwrap().push(format!("valid search got {s}: {path}"));
                        }
                        s.to_string()
                    }
                    Err(e) if e.is_timeout() => {
                        bad.lock().unwrap().push(format!("timeout {path}"));
                        "timeout".into()
                    }
                    Err(_) => "client-error".into(),
                };
                tally.add(label);
                i += 32;
            }
        });
    }
    while tasks.join_next().await.is_some() {}

    while stalled.join_next().await.is_some() {}

    // 4. Still healthy, same answers, memory bounded.
    let (status, after_total, after_ids) = search_total(&client, &base, "uimahalli").await;
    assert_eq!((status, after_total), (200, before_total));
    assert_eq!(after_ids, before_ids);
    let health = client.get(format!("{base}/healthz")).send().await.expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
    let rss_after = rss_kb();

    let table = tally.0.lock().unwrap().clone();
    let total = tally.total();
    eprintln!("hardening: {total} requests in {:?}", started.elapsed());
    eprintln!(
        "  raw malformed: {raw_sent}, stalled: {}, slowloris: 50, junk API: {junk}, valid: {valid} (+21 checks)",
        stalled_requests().len() * 10
    );
    for (label, n) in &table {
        eprintln!("  {label:>24} {n}");
    }
    eprintln!(
        "  RSS {} MiB -> {} MiB; slowest search during slowloris {slowest:?}",
        rss_before / 1024,
        rss_after / 1024
    );
    assert!(total >= 10_000, "only {total} requests");
    let five_xx: Vec<_> = table
        .iter()
        .filter(|(l, _)| l.starts_with('5') && l.as_str() != "503")
        .collect();
    assert!(five_xx.is_empty(), "5xx answers: {five_xx:?}");
    assert_eq!(tally.get("timeout"), 0, "requests hung");
    assert_eq!(
        tally.get("stalled:timeout"),
        0,
        "stalled connections were never closed by the server"
    );
    let bad = bad_answers.lock().unwrap().clone();
    assert!(
        bad.is_empty(),
        "{} bad answers, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(10)]
    );
    // 10,000 requests must not leave more than a bounded amount behind (caches, connection buffers).
    let grown_mb = rss_after.saturating_sub(rss_before) / 1024;
    assert!(grown_mb < 150, "RSS grew by {grown_mb} MiB");

    drop(client);
    let mut server = server;
    if let Some(tx) = server.shutdown.take() {
        let _ = tx.send(());
    }
    let stopped = tokio::time::timeout(Duration::from_secs(10), server.handle).await;
    assert!(
        matches!(stopped, Ok(Ok(Ok(())))),
        "the server stops cleanly: {stopped:?}"
    );
}

/// A connection that sends a request line (or only empty lines) and then stalls inside the header block must be
/// closed by the server (408 or a hang-up) within its header timeout. Today it is held open without limit: with
/// many such connections an attacker holds the server's file descriptors (slowloris). Reported to the lead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_header_blocks_are_closed() {
    let server = start(ServerConfig::default()).await;
    let mut tasks = tokio::task::JoinSet::new();
    for req in stalled_header_blocks() {
        let addr = server.addr.clone();
        tasks.spawn(async move {
            let label = raw(&addr, &req, Duration::from_secs(45)).await;
            (String::from_utf8_lossy(&req).into_owned(), label)
        });
    }
    let mut open = Vec::new();
    while let Some(Ok((req, label))) = tasks.join_next().await {
        if label == "timeout" {
            open.push(req);
        }
    }
    assert!(open.is_empty(), "still open after 45 s: {open:?}");
}

/// Dates outside tantivy's timestamp range (about 1677–2262) must give an answer (200 or 400), not a panic in the
/// handler (debug builds: "attempt to multiply with overflow" in `tantivy_common::DateTime::from_timestamp_secs`,
/// the connection is dropped) or a wrapped, wrong range (release builds). Found by the `query` fuzz target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_dates_are_answered() {
    let server = start(ServerConfig::default()).await;
    let client = client();
    for query in [
        "from=1011-01-01",
        "to=1011-01-01",
        "from=0001-01-01&to=9999-12-31",
        "from=2263-01-01",
        "to=2300-06-30",
    ] {
        let url = format!("http://{}/api/search?q=uimahalli&{query}", server.addr);
        let status = client.get(&url).send().await.map(|r| r.status().as_u16());
        assert!(matches!(status, Ok(200) | Ok(400)), "{query}: {status:?}");
    }
}
