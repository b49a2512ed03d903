//! Shared helpers for the replica's integration tests: a reqwest client that resolves every replica host to
//! 127.0.0.1, and small HTML helpers.
#![allow(dead_code)]

use std::time::Duration;

use sotehaku_replica::Replica;

/// Test result type.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// User-Agent the tests send.
pub const UA: &str = "sotehaku-replica-tests/0.1 (+https://example.invalid/sotehaku)";

/// A client resolving every replica host (redirects not followed, 10 s timeout, gzip on).
pub fn client(replica: &Replica) -> reqwest::Client {
    builder(replica)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds")
}

/// A client builder with the replica's hosts resolved and a timeout.
pub fn builder(replica: &Replica) -> reqwest::ClientBuilder {
    install_crypto_provider();
    let mut b = reqwest::Client::builder()
        .user_agent(UA)
        .timeout(Duration::from_secs(10))
        .no_proxy();
    for (host, addr) in replica.resolve_map() {
        b = b.resolve(&host, addr);
    }
    b
}

/// `https://…` → `http://…` (the replica serves plain HTTP).
pub fn http(url: &str) -> String {
    match url.strip_prefix("https://") {
        Some(rest) => format!("http://{rest}"),
        None => url.to_string(),
    }
}

/// Every `href="…"` / `src="…"` value in a page, with `&amp;` decoded.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            } else {
                break;
            }
        }
    }
    out
}

/// GETs a URL and returns (status, body bytes).
pub async fn get(client: &reqwest::Client, url: &str) -> Result<(u16, Vec<u8>), reqwest::Error> {
    let resp = client.get(http(url)).send().await?;
    let status = resp.status().as_u16();
    let body = resp.bytes().await?.to_vec();
    Ok((status, body))
}

/// GETs a URL that must answer 200 and returns its body as (lossy) UTF-8.
pub async fn get_ok(client: &reqwest::Client, url: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (status, body) = get(client, url).await?;
    if status != 200 {
        return Err(format!("{url}: status {status}").into());
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Decodes windows-1252 bytes (test-side helper; every byte maps to one char except the undefined ones).
pub fn cp1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// In the whole workspace, reqwest is built with `rustls-no-provider` (the crawler installs the `ring` provider
/// itself); a client built in these tests must install it too, or reqwest panics. Plain HTTP only here.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
