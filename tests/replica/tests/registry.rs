//! The registry's own URLs (`../shared/data/wellbeing_counties.csv`) work unchanged against the replica: every
//! minutes entry URL and every served news listing answers after `https→http` (and, for Kymenlaakso's port 8443,
//! dropping the port), as the crawler's test option does.

mod common;

use std::path::PathBuf;

use common::{client, get, TestResult};
use sotehaku_replica::{Replica, DEAD_HOST};

fn shared_csv() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/wellbeing_counties.csv");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} is required when CI=true: {e}",
                path.display()
            );
            println!("SKIPPED: {} not readable ({e})", path.display());
            None
        }
    }
}

/// `https://host:8443/x` → `http://host/x`.
fn local(url: &str) -> String {
    let url = common::http(url);
    match url.strip_prefix("http://").and_then(|r| r.split_once('/')) {
        Some((authority, path)) => {
            format!("http://{}/{path}", authority.split(':').next().unwrap_or(authority))
        }
        None => url,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_urls_answer_unchanged() -> TestResult {
    let Some(csv) = shared_csv() else { return Ok(()) };
    let replica = Replica::start()?;
    replica.set_rate_limited("vakehyva.fi", 0);
    replica.set_slow("hyvaep-julkaisu.tweb.fi", std::time::Duration::ZERO);
    let c = client(&replica);
    let hosts = replica.hosts();
    let mut minutes_ok = Vec::new();
    let mut not_served = Vec::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (Some(code), Some(news), Some(entry)) = (f.first(), f.get(5), f.get(8)) else {
            return Err(format!("bad row {line}").into());
        };
        for (kind, url) in [("minutes", *entry), ("news", *news)] {
            if url.is_empty() {
                continue;
            }
            let url = local(url);
            let host = url
                .trim_start_matches("http://")
                .split('/')
                .next()
                .unwrap_or("")
                .to_string();
            if host == DEAD_HOST {
                assert!(
                    c.get(&url).send().await.is_err_and(|e| e.is_connect()),
                    "{url} must be dead"
                );
                continue;
            }
            if !hosts.contains(&host) {
                not_served.push(format!("{code} {kind} {url}"));
                continue;
            }
            let (status, body) = get(&c, &url).await?;
            assert_eq!(status, 200, "{code} {kind} {url}");
            assert!(body.len() > 200, "{code} {kind} {url}: {} bytes", body.len());
            if kind == "minutes" {
                minutes_ok.push(code.to_string());
            }
        }
    }
    println!(
        "minutes entry URLs served: {}; not served: {not_served:#?}",
        minutes_ok.len()
    );
    // Every county's minutes platform is replicated except Helsinki's Ahjo (paatokset.hel.fi).
    assert_eq!(minutes_ok.len(), 21, "{minutes_ok:?}");
    assert!(
        not_served
            .iter()
            .all(|s| !s.contains("minutes") || s.contains("paatokset.hel.fi")),
        "{not_served:#?}"
    );
    Ok(())
}
