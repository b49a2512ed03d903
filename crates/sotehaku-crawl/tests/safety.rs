//! Crawler safety against hostile servers on 127.0.0.1: redirects to private, loopback and link-local addresses
//! (refused even under `allow_private`, which covers only the crawled hosts), a gzip bomb (1 GiB of zeros sent
//! compressed), an endless body, a trickling body, redirect loops and chains, and URLs with `../`, NULs and odd
//! characters. Asserts clear failure reasons, bounded memory and that nothing is written outside the crawl dir.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, Response};
use futures_util::stream;
use sotehaku_crawl::{CrawlEvent, CrawlObserver, CrawlOptions, Crawler, Overrides, PageOutcome, Registry, Selection};

const HOST: &str = "turva.test";
/// The crawl's body limit in these tests.
const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Zeros in the gzip bomb.
const BOMB_BYTES: u64 = 1 << 30;

/// Records every page outcome by URL.
#[derive(Default)]
struct Outcomes(Mutex<BTreeMap<String, String>>);

impl CrawlObserver for Outcomes {
    fn event(&self, event: &CrawlEvent<'_>) {
        if let CrawlEvent::Page { url, outcome, .. } = event {
            let text = match outcome {
                PageOutcome::Failed(reason) => format!("failed: {reason}"),
                other => format!("{other:?}").to_lowercase(),
            };
            self.0.lock().unwrap().insert(url.to_string(), text);
        }
    }
}

impl Outcomes {
    fn get(&self, path: &str) -> String {
        let url = format!("https://{HOST}{path}");
        self.0
            .lock()
            .unwrap()
            .get(&url)
            .cloned()
            .unwrap_or_else(|| panic!("no outcome for {url}: {:?}", self.0.lock().unwrap()))
    }
}

/// Writes deflate bits least significant first; Huffman codes are written most significant bit first (RFC 1951).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push((self.acc & 0xff) as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    fn code(&mut self, code: u64, len: u32) {
        let mut rev = 0;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.put(rev, len);
    }
    fn take(&mut self) -> Bytes {
        Bytes::from(std::mem::take(&mut self.out))
    }
}

/// A gzip stream of `total` zeros, generated lazily (about 6.5 MB compressed per GiB): one fixed-Huffman block of a
/// literal 0 then copies of 258 bytes at distance 1. The trailer's CRC is left zero: no client should ever read
/// that far.
fn gzip_bomb(total: u64) -> Body {
    const PER_CHUNK: u64 = 64 * 1024;
    let copies = (total - 1) / 258;
    let mut head = Bits::default();
    head.out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    head.put(1, 1); // BFINAL
    head.put(1, 2); // fixed Huffman
    head.code(0x30, 8); // literal 0
    let chunks = stream::unfold((head, 0u64), move |(mut bits, done)| async move {
        if done > copies {
            return None;
        }
        let n = PER_CHUNK.min(copies - done);
        for _ in 0..n {
            bits.code(0xc5, 8); // length code 285 = 258 bytes
            bits.code(0, 5); // distance code 0 = 1
        }
        if n == 0 {
            bits.code(0, 7); // end of block
            bits.put(0, 7);
            bits.out.extend_from_slice(&[0; 4]);
            bits.out.extend_from_slice(&(total as u32).to_le_bytes());
            let last = bits.take();
            return Some((Ok::<_, Infallible>(last), (bits, copies + 1)));
        }
        let chunk = bits.take();
        Some((Ok(chunk), (bits, done + n)))
    });
    Body::from_stream(chunks)
}

/// Bytes for ever (64 KiB chunks, at most 1 TiB), as fast as the client reads.
fn endless() -> Body {
    let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
    Body::from_stream(stream::iter(
        (0..16 * 1024 * 1024u64).map(move |_| Ok::<_, Infallible>(chunk.clone())),
    ))
}

/// One byte every 100 ms (at most an hour).
fn trickle() -> Body {
    Body::from_stream(stream::unfold(0u32, |i| async move {
        if i > 36_000 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((Ok::<_, Infallible>(Bytes::from_static(b"<")), i + 1))
    }))
}

fn response(status: u16, headers: &[(&str, String)], body: Body) -> Response<Body> {
    let mut b = Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, v.as_str());
    }
    b.body(body).unwrap()
}

fn redirect(to: String) -> Response<Body> {
    response(302, &[("location", to)], Body::empty())
}

/// The hostile site. `addr` is its own address (for redirects to its literal loopback address).
fn site(path: &str, addr: SocketAddr) -> Response<Body> {
    let html = |s: String| {
        response(
            200,
            &[("content-type", "text/html; charset=utf-8".into())],
            Body::from(s),
        )
    };
    let port = addr.port();
    match path {
        "/robots.txt" => response(404, &[], Body::empty()),
        "/redir/ten" => redirect("http://10.0.0.1/admin".into()),
        "/redir/metadata" => redirect("http://169.254.169.254/latest/meta-data/".into()),
        "/redir/v6-loopback" => redirect(format!("http://[::1]:{port}/leak/v6")),
        "/redir/v4-loopback" => redirect(format!("http://127.0.0.1:{port}/leak/v4")),
        "/redir/localhost" => redirect(format!("http://localhost:{port}/leak/localhost")),
        "/redir/zero" => redirect(format!("http://0.0.0.0:{port}/leak/zero")),
        "/redir/mapped" => redirect(format!("http://[::ffff:127.0.0.1]:{port}/leak/mapped")),
        "/redir/decimal" => redirect(format!("http://2130706433:{port}/leak/decimal")),
        "/redir/file" => redirect("file:///etc/passwd".into()),
        "/redir/same-host" => redirect("/ok/target".into()),
        "/loop/a" => redirect("/loop/b".into()),
        "/loop/b" => redirect(format!("https://{HOST}/loop/a")),
        p if p.starts_with("/chain/") => {
            let n: u32 = p["/chain/".len()..].parse().unwrap_or(0);
            redirect(format!("/chain/{}", n + 1))
        }
        "/bomb" => response(
            200,
            &[
                ("content-type", "text/html".into()),
                ("content-encoding", "gzip".into()),
            ],
            gzip_bomb(BOMB_BYTES),
        ),
        "/endless" => response(200, &[("content-type", "text/html".into())], endless()),
        "/slow" => response(200, &[("content-type", "text/html".into())], trickle()),
        p if p.starts_with("/leak/") => html("<p>this must never be fetched</p>".into()),
        p => html(format!(
            "<html><head><title>Sivu</title></head><body><main><p>Hyvinvointialueen tiedote sivulta {}.</p>\
             <p>Aluehallitus käsitteli sosiaali- ja terveyspalveluja.</p></main></body></html>",
            p.len()
        )),
    }
}

struct Server {
    addr: SocketAddr,
    paths: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let paths: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = paths.clone();
    let app = axum::Router::new().fallback(move |req: Request<Body>| {
        let log = log.clone();
        async move {
            let path = req.uri().path().to_string();
            log.lock().unwrap().push(path.clone());
            site(&path, addr)
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server { addr, paths, task }
}

fn options(dir: &Path, server: &Server) -> CrawlOptions {
    let mut o = CrawlOptions::new(dir);
    o.allow_private = true;
    o.delay_floor = Duration::from_millis(1);
    o.backoff_base = Duration::from_millis(50);
    o.max_backoff = Duration::from_millis(200);
    o.max_retries = 0;
    o.request_timeout = Duration::from_secs(3);
    o.connect_timeout = Duration::from_secs(1);
    o.max_body_bytes = BODY_LIMIT;
    o.overrides = Overrides {
        hosts: vec![(HOST.to_string(), server.addr)],
        plain_http: true,
    };
    o
}

async fn crawl(opts: CrawlOptions, paths: &[&str]) -> Arc<Outcomes> {
    let crawler = Crawler::new(opts).unwrap();
    let urls = paths.iter().map(|p| format!("https://{HOST}{p}")).collect();
    let outcomes = Arc::new(Outcomes::default());
    let registry = Registry::from_sources(vec![]).unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        crawler.run(&registry, &Selection::Urls(urls), outcomes.as_ref()),
    )
    .await
    .expect("the crawl finishes within a minute")
    .unwrap();
    outcomes
}

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_to_private_addresses_are_refused_even_when_private_is_allowed() {
    let server = start().await;
    let dir = tempfile::tempdir().unwrap();
    let private = [
        "/redir/ten",
        "/redir/metadata",
        "/redir/v6-loopback",
        "/redir/v4-loopback",
        "/redir/localhost",
        "/redir/zero",
        "/redir/mapped",
        "/redir/decimal",
    ];
    let mut all: Vec<&str> = private.to_vec();
    all.extend(["/redir/file", "/redir/same-host"]);
    let outcomes = crawl(options(dir.path(), &server), &all).await;
    for p in private {
        let o = outcomes.get(p);
        assert!(o.starts_with("failed: refused private address"), "{p}: {o}");
    }
    let file = outcomes.get("/redir/file");
    assert!(file.starts_with("failed:") && file.contains("Location"), "{file}");
    // A redirect on the crawled host itself is still followed.
    assert_eq!(outcomes.get("/redir/same-host"), "stored");
    let seen = server.paths.lock().unwrap().clone();
    assert!(seen.contains(&"/ok/target".to_string()), "{seen:?}");
    assert!(
        !seen.iter().any(|p| p.starts_with("/leak/")),
        "a private redirect target was fetched: {seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bombs_endless_and_slow_bodies_and_redirect_loops_are_cut() {
    let server = start().await;
    let dir = tempfile::tempdir().unwrap();
    let hwm_before = status_kb("VmHWM:");
    let started = std::time::Instant::now();
    // Size limits get a generous time limit (a loaded machine decompresses slowly in debug builds); the trickle a
    // short one.
    let mut opts = options(dir.path(), &server);
    opts.request_timeout = Duration::from_secs(30);
    let outcomes = crawl(opts, &["/bomb", "/endless", "/loop/a", "/chain/0"]).await;
    let slow_dir = tempfile::tempdir().unwrap();
    let mut opts = options(slow_dir.path(), &server);
    opts.request_timeout = Duration::from_secs(2);
    let slow = crawl(opts, &["/slow"]).await.get("/slow");
    let limit = format!("response larger than {BODY_LIMIT} bytes");
    let bomb = outcomes.get("/bomb");
    assert!(bomb.starts_with(&format!("failed: {limit}")), "{bomb}");
    let endless = outcomes.get("/endless");
    assert!(endless.starts_with(&format!("failed: {limit}")), "{endless}");
    assert!(slow.starts_with("failed:") && slow.contains("timeout"), "{slow}");
    assert_eq!(outcomes.get("/loop/a"), "failed: redirect loop");
    assert_eq!(outcomes.get("/chain/0"), "failed: too many redirects");
    let chain_requests = server
        .paths
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.starts_with("/chain/"))
        .count();
    assert!(chain_requests <= 11, "{chain_requests} requests for the chain");
    let grown_mb = status_kb("VmHWM:").saturating_sub(hwm_before) / 1024;
    eprintln!(
        "bomb of {} MiB, endless body: peak RSS grew by {grown_mb} MiB in {:?}",
        BOMB_BYTES >> 20,
        started.elapsed()
    );
    // The bomb alone would be 1024 MiB; the crawl holds at most a few copies of the 4 MiB limit.
    assert!(grown_mb < 200, "peak RSS grew by {grown_mb} MiB");
    let stored: Vec<_> = Crawler::new(options(dir.path(), &server))
        .unwrap()
        .archive()
        .pages()
        .unwrap()
        .collect();
    assert!(stored.is_empty(), "nothing of the cut responses is stored");
}

/// Every file under `dir`, relative.
fn files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, base, out);
        } else {
            out.push(path.strip_prefix(base).unwrap().to_string_lossy().into_owned());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_files_are_named_by_hash_inside_the_crawl_dir() {
    let server = start().await;
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("crawl");
    let long = format!("/{}", "x".repeat(3000));
    let odd = [
        "/../../../etc/passwd",
        "/a/..%2F..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e/%2e%2e/salaisuus",
        "/asiakirjat/ä ö<>\"{}|\\^`.html",
        "/nul%00tavu",
        "/q?file=../../../../tmp/evil&x=%0d%0aSet-Cookie:a",
        "/C:%5CWindows%5Cwin.ini",
        long.as_str(),
    ];
    let outcomes = crawl(options(&out, &server), &odd).await;
    let stored = outcomes.0.lock().unwrap().values().filter(|o| *o == "stored").count();
    assert!(stored >= 6, "{:?}", outcomes.0.lock().unwrap());
    let mut found = Vec::new();
    files(root.path(), root.path(), &mut found);
    let mut bodies = 0;
    for f in &found {
        let parts: Vec<&str> = f.split('/').collect();
        assert_eq!(parts.first(), Some(&"crawl"), "a file outside the crawl dir: {f}");
        match parts.as_slice() {
            ["crawl", "bodies", aa, sha] => {
                assert!(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()), "{f}");
                assert_eq!(&sha[..2], *aa, "{f}");
                bodies += 1;
            }
            ["crawl", name] => assert!(
                name.starts_with("state.sqlite") || *name == "archive.jsonl" || *name == "pages.jsonl",
                "unexpected file {f}"
            ),
            _ => panic!("unexpected file {f}"),
        }
    }
    assert!(bodies >= 1, "{found:?}");
    assert!(!root.path().join("etc").exists() && !Path::new("/tmp/evil").exists());
}
