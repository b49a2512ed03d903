//! The search page in a real browser: headless Debian chromium, driven over the DevTools protocol (a small client on
//! a loopback WebSocket). Loads the page, runs a search, clicks a region facet, checks that the hits and the timeline
//! chart follow, opens a document, checks the phone layout, and keeps screenshots under `target/`.
//!
//! Skips with a message when chromium is not installed, but fails when `CI=true`.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{corpus_engine, TestServer};
use serde_json::{json, Value};
use sotehaku_server::ServerConfig;

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Kills the browser (the process this test started) when the test ends, however it ends.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts headless chromium on `url` and returns it with the DevTools port.
fn launch(binary: &Path, url: &str) -> (Browser, u16) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--window-size=1280,1000",
            &format!("--user-data-dir={}", profile.path().display()),
            url,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stderr = child.stderr.take().expect("stderr");
    let browser = Browser {
        child,
        _profile: profile,
    };
    // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/..." — read at most 200 lines.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().take(200).map_while(Result::ok) {
            if !sent {
                if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                    let port: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                    let _ = tx.send(port.parse::<u16>().ok());
                    sent = true;
                }
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .ok()
        .flatten()
        .expect("chromium should print its DevTools address within 30 s");
    (browser, port)
}

/// A minimal DevTools protocol client for one page.
struct Cdp {
    ws: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
}

impl Cdp {
    fn connect(port: u16, page_url_prefix: &str) -> Cdp {
        let deadline = Instant::now() + Duration::from_secs(20);
        let ws_url = loop {
            if let Some(url) = page_target(port, page_url_prefix) {
                break url;
            }
            assert!(Instant::now() < deadline, "no page target in chromium");
            std::thread::sleep(Duration::from_millis(100));
        };
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect DevTools");
        stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        let (ws, _) = tungstenite::client(ws_url.as_str(), stream).expect("DevTools WebSocket");
        Cdp { ws, next_id: 1 }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.ws.send(tungstenite::Message::text(msg)).expect("send");
        // Skip events; bounded.
        for _ in 0..10_000 {
            let msg = self.ws.read().expect("DevTools answer");
            if let tungstenite::Message::Text(text) = msg {
                let v: Value = serde_json::from_str(text.as_str()).expect("JSON");
                if v["id"].as_u64() == Some(id) {
                    assert!(v.get("error").is_none(), "{method} failed: {v}");
                    return v["result"].clone();
                }
            }
        }
        panic!("no answer to {method}");
    }

    /// Evaluates an expression in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until the expression is true (polled every 100 ms, at most `secs` seconds).
    fn wait_for(&mut self, expression: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if self.eval(expression) == Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {expression}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&mut self, path: &Path) {
        let r = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        let png = decode_base64(r["data"].as_str().expect("screenshot data"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("artifact dir");
        std::fs::write(path, png).expect("write screenshot");
    }
}

fn page_target(port: u16, prefix: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    // The DevTools HTTP server keeps the connection open: read the headers, then Content-Length bytes.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let body = loop {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > (1 << 20) {
            break String::from_utf8_lossy(&buf).to_string();
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_string())
                })
                .and_then(|v| v.parse::<usize>().ok());
            if len.is_some_and(|len| rest.len() >= len) {
                break text;
            }
        }
    };
    let json_start = body.find('[')?;
    let targets: Value = serde_json::from_str(body.get(json_start..)?.trim()).ok()?;
    targets.as_array()?.iter().find_map(|t| {
        let is_page = t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(prefix));
        is_page
            .then(|| t["webSocketDebuggerUrl"].as_str().map(String::from))
            .flatten()
    })
}

fn decode_base64(s: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a') as u32 + 26),
            b'0'..=b'9' => Some((c - b'0') as u32 + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn artifact_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::workspace_root().join("target"));
    target.join("sotehaku-server-artifacts")
}

fn total_shown(cdp: &mut Cdp) -> u64 {
    let text = cdp.eval("document.getElementById('total').textContent");
    let digits: String = text
        .as_str()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap_or(0)
}

#[test]
fn search_page_in_headless_chromium() {
    let Some(binary) = chromium() else {
        let msg = "chromium is not installed (apt-get install -y chromium); skipping the browser test";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("{msg}");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let engine = corpus_engine();
    let server = runtime.block_on(TestServer::start(engine, ServerConfig::default()));
    let (_browser, port) = launch(&binary, &server.url("/"));
    let mut cdp = Cdp::connect(port, &server.base);
    cdp.call("Runtime.enable", json!({}));

    // The page loads and lists documents (an empty query browses everything, newest first).
    cdp.wait_for("document.querySelectorAll('#results li.hit').length > 0", 30);
    assert_eq!(cdp.eval("document.documentElement.lang"), "fi");

    // A search.
    cdp.eval("document.getElementById('q').value = 'hyvinvointialue'; document.getElementById('search-form').requestSubmit(); true");
    cdp.wait_for("location.search.includes('q=hyvinvointialue') && !document.body.hasAttribute('aria-busy') && document.querySelectorAll('#results li.hit').length > 0", 30);
    let total_before = total_shown(&mut cdp);
    assert!(total_before > 10, "hits for hyvinvointialue: {total_before}");
    assert!(
        cdp.eval("document.querySelectorAll('#results .snippet mark').length > 0") == Value::Bool(true),
        "highlights"
    );
    let chart_before = cdp.eval("document.getElementById('timeline').dataset.signature");
    let bars = cdp
        .eval("document.querySelectorAll('#timeline svg rect.bar').length")
        .as_u64()
        .unwrap_or(0);
    assert!(bars > 0, "the timeline has bars");

    // Click a county in the region facet; the facet shows its Finnish name and a count.
    let facet = cdp.eval(
        "(() => { const i = [...document.querySelectorAll('#facet-region input[name=region]')].find(i => /^\\d\\d$/.test(i.value)); \
         const label = i.closest('label'); \
         return { value: i.value, name: label.querySelector('span').textContent, count: Number(label.querySelector('.count').textContent) }; })()",
    );
    let code = facet["value"].as_str().expect("a county facet").to_string();
    let name = facet["name"].as_str().unwrap_or("").to_string();
    let count = facet["count"].as_u64().unwrap_or(0);
    assert!(
        name.contains("hyvinvointialue") || name.contains("Helsinki") || name.contains("HUS"),
        "Finnish name: {name}"
    );
    assert!(
        count > 0 && count < total_before,
        "facet count {count} of {total_before}"
    );
    cdp.eval(&format!("document.getElementById('f-region-{code}').click(); true"));
    cdp.wait_for(
        &format!("location.search.includes('region={code}') && !document.body.hasAttribute('aria-busy')"),
        30,
    );
    cdp.wait_for(
        &format!("Number(document.getElementById('total').textContent.replace(/\\D/g, '')) === {count}"),
        30,
    );
    assert_eq!(total_shown(&mut cdp), count, "the hits follow the facet");
    let all_in_region = cdp.eval(&format!(
        "[...document.querySelectorAll('#results li.hit')].every(li => li.querySelector('.meta').textContent.includes({}))",
        serde_json::to_string(&name).unwrap()
    ));
    assert_eq!(all_in_region, Value::Bool(true), "every hit names the region");
    let chart_after = cdp.eval("document.getElementById('timeline').dataset.signature");
    assert_ne!(chart_before, chart_after, "the timeline follows the facet");
    let chart_total = cdp
        .eval("Number(document.getElementById('timeline').dataset.total)")
        .as_u64()
        .unwrap_or(0);
    assert!(
        chart_total > 0 && chart_total <= count,
        "chart total {chart_total} within {count} hits"
    );
    cdp.screenshot(&artifact_dir().join("search-page.png"));

    // The document view opens from a hit, with the full text.
    cdp.eval("document.querySelector('#results li.hit h3 button').click(); true");
    cdp.wait_for(
        "document.getElementById('doc-view').open && document.querySelectorAll('#doc-text p').length > 0",
        20,
    );
    cdp.wait_for("location.hash.startsWith('#doc=')", 5);
    cdp.screenshot(&artifact_dir().join("document-view.png"));
    cdp.eval("document.getElementById('doc-close').click(); true");
    cdp.wait_for("!document.getElementById('doc-view').open", 5);

    // Phone width: nothing wider than the screen.
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
    );
    cdp.wait_for("document.documentElement.scrollWidth <= window.innerWidth + 1", 10);
    cdp.screenshot(&artifact_dir().join("search-page-phone.png"));
    eprintln!("screenshots in {}", artifact_dir().display());

    drop(cdp);
    runtime.block_on(server.stop());
}
