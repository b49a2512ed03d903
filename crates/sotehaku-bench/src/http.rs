//! HTTP side: a small blocking HTTP/1.1 keep-alive client (the same for both servers, so client cost cancels out),
//! a bounded load generator with N concurrent clients, our server in a child process, and Typesense.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::process::{vm_hwm_kb, wait_rusage};
use crate::queries::BenchQuery;
use crate::BenchError;

/// Largest response body accepted.
const MAX_BODY: usize = 512 << 20;
/// Longest header section accepted.
const MAX_HEADER_LINES: usize = 200;

/// One keep-alive connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
    addr: SocketAddr,
}

impl Conn {
    /// Connects to `addr` with read and write timeouts.
    pub fn connect(addr: SocketAddr, timeout: Duration) -> Result<Conn, BenchError> {
        let stream =
            TcpStream::connect_timeout(&addr, timeout).map_err(|e| BenchError::Http(format!("{addr}: {e}")))?;
        stream
            .set_read_timeout(Some(timeout))
            .and_then(|_| stream.set_write_timeout(Some(timeout)))
            .and_then(|_| stream.set_nodelay(true))
            .map_err(|e| BenchError::Http(format!("{addr}: {e}")))?;
        Ok(Conn {
            reader: BufReader::new(stream),
            addr,
        })
    }

    /// Sends one request and reads the whole answer: (status, body).
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), BenchError> {
        let err = |e: std::io::Error| BenchError::Http(format!("{method} {path}: {e}"));
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: keep-alive\r\n",
            self.addr
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes()).map_err(err)?;
        stream.write_all(body).map_err(err)?;
        stream.flush().map_err(err)?;

        let mut line = String::new();
        self.reader.read_line(&mut line).map_err(err)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| BenchError::Http(format!("{method} {path}: bad status line {line:?}")))?;
        let mut length = None;
        let mut chunked = false;
        for _ in 0..MAX_HEADER_LINES {
            line.clear();
            self.reader.read_line(&mut line).map_err(err)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
                if k == "content-length" {
                    length = v.parse::<usize>().ok();
                } else if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).map_err(err)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| BenchError::Http(format!("{method} {path}: bad chunk size {line:?}")))?;
                if body.len() + size > MAX_BODY {
                    return Err(BenchError::Http(format!("{method} {path}: answer too large")));
                }
                let start = body.len();
                body.resize(start + size, 0);
                self.reader.read_exact(&mut body[start..]).map_err(err)?;
                line.clear();
                self.reader.read_line(&mut line).map_err(err)?;
                if size == 0 {
                    break;
                }
            }
        } else if let Some(n) = length {
            if n > MAX_BODY {
                return Err(BenchError::Http(format!("{method} {path}: answer too large")));
            }
            body.resize(n, 0);
            self.reader.read_exact(&mut body).map_err(err)?;
        } else {
            return Err(BenchError::Http(format!("{method} {path}: answer without a length")));
        }
        Ok((status, body))
    }
}

/// Percent-encodes a query-string component.
///
/// ```
/// assert_eq!(sotehaku_bench::http::encode("\"kiireellinen hoito\" ä"), "%22kiireellinen%20hoito%22%20%C3%A4");
/// ```
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A measured load run.
#[derive(Debug, Clone, Default)]
pub struct LoadRun {
    /// Latency of every successful request, ms.
    pub latencies_ms: Vec<f64>,
    pub wall_secs: f64,
    /// Requests that failed or got a non-200 answer.
    pub errors: usize,
    /// The first failure: request path, status and the start of the answer.
    pub first_error: Option<String>,
}

/// Sends `requests` GETs in total from `clients` concurrent keep-alive clients, cycling through `paths`, stopping at
/// `time_limit`.
pub fn load(
    addr: SocketAddr,
    paths: &[String],
    headers: &[(String, String)],
    clients: usize,
    requests: usize,
    time_limit: Duration,
) -> Result<LoadRun, BenchError> {
    if paths.is_empty() || clients == 0 {
        return Ok(LoadRun::default());
    }
    let paths = Arc::new(paths.to_vec());
    let headers = Arc::new(headers.to_vec());
    let started = Instant::now();
    let deadline = started + time_limit;
    let mut handles = Vec::new();
    for c in 0..clients {
        let paths = Arc::clone(&paths);
        let headers = Arc::clone(&headers);
        let share = requests / clients + usize::from(c < requests % clients);
        handles.push(std::thread::spawn(
            move || -> Result<(Vec<f64>, usize, Option<String>), BenchError> {
                let mut conn = Conn::connect(addr, Duration::from_secs(30))?;
                let hdrs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let mut lat = Vec::with_capacity(share);
                let mut errors = 0;
                let mut first_error = None;
                for i in 0..share {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let path = &paths[(c * 7 + i) % paths.len()];
                    let t = Instant::now();
                    match conn.request("GET", path, &hdrs, b"") {
                        Ok((200, _)) => lat.push(t.elapsed().as_secs_f64() * 1e3),
                        Ok((status, body)) => {
                            errors += 1;
                            let head: String = String::from_utf8_lossy(&body).chars().take(200).collect();
                            first_error.get_or_insert_with(|| format!("{path} → {status} {head}"));
                        }
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| format!("{path} → {e}"));
                            conn = Conn::connect(addr, Duration::from_secs(30))?;
                        }
                    }
                }
                Ok((lat, errors, first_error))
            },
        ));
    }
    let mut run = LoadRun::default();
    for h in handles {
        let (lat, errors, first) = h
            .join()
            .map_err(|_| BenchError::Http("a load client panicked".into()))??;
        run.latencies_ms.extend(lat);
        run.errors += errors;
        if run.first_error.is_none() {
            run.first_error = first;
        }
    }
    run.wall_secs = started.elapsed().as_secs_f64();
    Ok(run)
}

/// Waits until `GET path` answers 200 (bounded by `timeout`).
pub fn wait_ready(addr: SocketAddr, path: &str, headers: &[(&str, &str)], timeout: Duration) -> Result<(), BenchError> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(mut c) = Conn::connect(addr, Duration::from_secs(2)) {
            if let Ok((200, _)) = c.request("GET", path, headers, b"") {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(BenchError::Http(format!(
        "{addr}{path} not ready after {} s",
        timeout.as_secs()
    )))
}

/// A free loopback port (bound and released; a tiny race is accepted).
pub fn free_port() -> Result<u16, BenchError> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(BenchError::io("127.0.0.1:0"))?;
    Ok(l.local_addr().map_err(BenchError::io("127.0.0.1:0"))?.port())
}

/// A server running in a child process.
pub struct ServerChild {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    name: String,
}

impl ServerChild {
    /// Peak RSS so far (KiB).
    pub fn peak_rss_kb(&self) -> u64 {
        vm_hwm_kb(self.child.id()).unwrap_or(0)
    }

    /// Current RSS (KiB).
    pub fn rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.split_whitespace().next()?.parse().ok())
            })
            .unwrap_or(0)
    }

    /// Stops the server (closing its standard input, then SIGTERM, then kill) and returns its peak RSS (KiB).
    pub fn stop(mut self) -> Result<u64, BenchError> {
        let before = self.peak_rss_kb();
        drop(self.child.stdin.take());
        // SAFETY: kill(2) on our own child's pid; a failure only means it is already gone.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let (_, peak) = wait_rusage(&mut self.child, Duration::from_secs(20))
            .map_err(|e| BenchError::child(self.name.clone(), e))?;
        Ok(before.max(peak))
    }
}

/// Starts our server on the index in `dir` (this binary's hidden `serve` job) and waits until it answers.
pub fn start_ours(exe: &Path, dir: &Path, work: &Path) -> Result<ServerChild, BenchError> {
    let port_file = work.join("ours.port");
    let _ = std::fs::remove_file(&port_file);
    let child = Command::new(exe)
        .arg(crate::jobs::JOB_COMMAND)
        .arg("serve")
        .arg(dir)
        .arg(&port_file)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| BenchError::child("our server", format!("cannot start: {e}")))?;
    let mut server = ServerChild {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        name: "our server".into(),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let port = loop {
        if let Some(p) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            break p;
        }
        if Instant::now() > deadline {
            let _ = server.child.kill();
            return Err(BenchError::child("our server", "did not start in 120 s"));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    server.addr = SocketAddr::from(([127, 0, 0, 1], port));
    wait_ready(server.addr, "/healthz", &[], Duration::from_secs(60))?;
    Ok(server)
}

/// Path of our search endpoint for a query (facets are always counted).
pub fn ours_path(q: &BenchQuery) -> String {
    let mut p = format!("/api/search?limit=10&q={}", encode(&q.text));
    if let Some(r) = &q.region {
        p.push_str(&format!("&region={}", encode(r)));
    }
    if let Some(t) = &q.theme {
        p.push_str(&format!("&theme={}", encode(t)));
    }
    if let Some(d) = q.from {
        p.push_str(&format!("&from={d}"));
    }
    if let Some(d) = q.to {
        p.push_str(&format!("&to={d}"));
    }
    p
}

/// The Typesense API key used on loopback.
pub const TYPESENSE_KEY: &str = "sotehaku-bench";
/// Name of the collection.
const COLLECTION: &str = "docs";

/// Where the Typesense server binary is: `$TYPESENSE_SERVER`, else where `scripts/setup-bench-deps.sh` links it.
pub fn typesense_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TYPESENSE_SERVER") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join(".cache/sotehaku-bench/typesense-server")).filter(|p| p.is_file())
}

/// Starts Typesense with a fresh data directory under `work`.
pub fn start_typesense(binary: &Path, work: &Path) -> Result<ServerChild, BenchError> {
    let data = work.join("typesense-data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(BenchError::io(&data))?;
    let port = free_port()?;
    let peering = free_port()?;
    let log = std::fs::File::create(work.join("typesense.log")).map_err(BenchError::io(work))?;
    let child = Command::new(binary)
        .arg(format!("--data-dir={}", data.display()))
        .arg(format!("--api-key={TYPESENSE_KEY}"))
        .arg("--listen-address=127.0.0.1")
        .arg("--peering-address=127.0.0.1")
        .arg(format!("--api-port={port}"))
        .arg(format!("--peering-port={peering}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| BenchError::child("typesense", format!("cannot start {}: {e}", binary.display())))?;
    let server = ServerChild {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        name: "typesense".into(),
    };
    wait_ready(server.addr, "/health", &[], Duration::from_secs(60))?;
    Ok(server)
}

/// What importing into Typesense did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TypesenseImport {
    pub docs: usize,
    pub failed: usize,
    pub secs: f64,
}

/// Creates the collection (same fields as ours: title, text, region/theme/type/year facets, a date) and imports the
/// peer documents in batches.
pub fn typesense_import(
    addr: SocketAddr,
    peer_docs: &Path,
    time_limit: Duration,
) -> Result<TypesenseImport, BenchError> {
    let key = [
        ("X-TYPESENSE-API-KEY", TYPESENSE_KEY),
        ("Content-Type", "application/json"),
    ];
    let mut conn = Conn::connect(addr, Duration::from_secs(600))?;
    let schema = serde_json::json!({
        "name": COLLECTION,
        "fields": [
            {"name": "title", "type": "string"},
            {"name": "text", "type": "string"},
            {"name": "regions", "type": "string[]", "facet": true},
            {"name": "themes", "type": "string[]", "facet": true},
            {"name": "doc_type", "type": "string", "facet": true},
            {"name": "year", "type": "string", "facet": true, "optional": true},
            {"name": "day", "type": "int64", "optional": true},
        ]
    });
    let (status, body) = conn.request("POST", "/collections", &key, schema.to_string().as_bytes())?;
    if status != 201 {
        return Err(BenchError::Http(format!(
            "typesense: creating the collection: {status} {}",
            String::from_utf8_lossy(&body)
        )));
    }
    let started = Instant::now();
    let file = std::fs::File::open(peer_docs).map_err(BenchError::io(peer_docs))?;
    let mut batch = Vec::new();
    let mut result = TypesenseImport {
        docs: 0,
        failed: 0,
        secs: 0.0,
    };
    let mut send = |batch: &mut Vec<u8>, result: &mut TypesenseImport| -> Result<(), BenchError> {
        if batch.is_empty() {
            return Ok(());
        }
        let path = format!("/collections/{COLLECTION}/documents/import?action=create");
        let (status, body) = conn.request("POST", &path, &key, batch)?;
        if status != 200 {
            return Err(BenchError::Http(format!("typesense import: {status}")));
        }
        for line in String::from_utf8_lossy(&body).lines() {
            if line.contains("\"success\":true") {
                result.docs += 1;
            } else {
                result.failed += 1;
            }
        }
        batch.clear();
        Ok(())
    };
    for line in BufReader::new(file).lines() {
        let line = line.map_err(BenchError::io(peer_docs))?;
        // Typesense wants null-free optional fields.
        let line = line.replace(",\"year\":null", "").replace(",\"day\":null", "");
        batch.extend_from_slice(line.as_bytes());
        batch.push(b'\n');
        if batch.len() >= 8 << 20 {
            send(&mut batch, &mut result)?;
            if started.elapsed() > time_limit {
                return Err(BenchError::Http(format!(
                    "typesense import exceeded {} s",
                    time_limit.as_secs()
                )));
            }
        }
    }
    send(&mut batch, &mut result)?;
    result.secs = started.elapsed().as_secs_f64();
    Ok(result)
}

/// Path of Typesense's search endpoint for a query, with facet counts over the same four fields.
pub fn typesense_path(q: &BenchQuery) -> String {
    let mut filters = Vec::new();
    if let Some(r) = &q.region {
        filters.push(format!("regions:=[{r}]"));
    }
    if let Some(t) = &q.theme {
        filters.push(format!("themes:=[{t}]"));
    }
    let secs = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp())
            .unwrap_or_default()
    };
    match (q.from, q.to) {
        (Some(a), Some(b)) => filters.push(format!("day:[{}..{}]", secs(a), secs(b))),
        (Some(a), None) => filters.push(format!("day:>={}", secs(a))),
        (None, Some(b)) => filters.push(format!("day:<={}", secs(b))),
        (None, None) => {}
    }
    let mut p = format!(
        "/collections/{COLLECTION}/documents/search?q={}&query_by=title,text&prefix=false&per_page=10\
         &facet_by=regions,themes,doc_type,year&exclude_fields=text",
        encode(&q.text)
    );
    if !filters.is_empty() {
        p.push_str(&format!("&filter_by={}", encode(&filters.join(" && "))));
    }
    p
}
