//! Server behaviours a polite crawler must handle: 304s, 429, 503 once, 410, slow and dead hosts, the huge page,
//! broken encodings, gzip, body limits, and the request log.

mod common;

use std::time::{Duration, Instant};

use common::{client, get, get_ok, TestResult, UA};
use sotehaku_replica::{Replica, ReplicaConfig, DEAD_HOST};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_requests_get_304_without_a_body() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let url = "http://luhva-d10julk.oncloudos.com/kokous/TELIMET.HTM";
    let first = c.get(url).send().await?;
    assert_eq!(first.status().as_u16(), 200);
    let etag = first
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .ok_or("no etag")?
        .to_string();
    let lm = first
        .headers()
        .get("last-modified")
        .and_then(|v| v.to_str().ok())
        .ok_or("no lm")?
        .to_string();
    assert!(!first.bytes().await?.is_empty());

    let by_etag = c.get(url).header("If-None-Match", &etag).send().await?;
    assert_eq!(by_etag.status().as_u16(), 304);
    assert!(by_etag.bytes().await?.is_empty());
    let by_date = c.get(url).header("If-Modified-Since", &lm).send().await?;
    assert_eq!(by_date.status().as_u16(), 304);
    let stale = c.get(url).header("If-None-Match", "\"0000\"").send().await?;
    assert_eq!(stale.status().as_u16(), 200);

    // A changed page gets a new ETag: the old validator no longer matches.
    replica.replace_page(url, "<html><body>Uusi sisältö</body></html>")?;
    let changed = c.get(url).header("If-None-Match", &etag).send().await?;
    assert_eq!(changed.status().as_u16(), 200);
    assert_ne!(
        changed.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some(etag.as_str())
    );
    assert!(changed.text().await?.contains("Uusi sisältö"));

    // Gzip-encoded representations carry a weak ETag that also validates.
    let gz = c.get("http://paijatha.fi/feed/").send().await?;
    let weak = gz
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .ok_or("no etag")?
        .to_string();
    assert!(weak.starts_with("W/\""), "{weak}");
    assert!(gz.text().await?.contains("<rss"), "reqwest decodes gzip");
    let again = c
        .get("http://paijatha.fi/feed/")
        .header("If-None-Match", &weak)
        .send()
        .await?;
    assert_eq!(again.status().as_u16(), 304);

    let log = replica.request_log();
    let conditional: Vec<_> = log
        .iter()
        .filter(|r| r.if_none_match.is_some() || r.if_modified_since.is_some())
        .collect();
    assert_eq!(conditional.len(), 5);
    assert!(conditional
        .iter()
        .filter(|r| r.status == 304)
        .all(|r| r.body_bytes == 0));
    assert!(log.iter().any(|r| r.gzip && r.path_and_query == "/feed/"));
    assert!(log.iter().all(|r| r.user_agent.as_deref() == Some(UA)));
    assert!(log.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_failures_and_gone_pages() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    // robots.txt is exempt; then the first two requests get 429 with Retry-After.
    assert_eq!(get(&c, "http://vakehyva.fi/robots.txt").await?.0, 200);
    for _ in 0..2 {
        let r = c.get("http://vakehyva.fi/fi/ajankohtaista").send().await?;
        assert_eq!(r.status().as_u16(), 429);
        assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    }
    assert_eq!(get(&c, "http://vakehyva.fi/fi/ajankohtaista").await?.0, 200);
    replica.set_rate_limited("pirha.cloudnc.fi", 1);
    assert_eq!(get(&c, "http://pirha.cloudnc.fi/fi-FI/Toimielimet").await?.0, 429);
    assert_eq!(get(&c, "http://pirha.cloudnc.fi/fi-FI/Toimielimet").await?.0, 200);

    // 503 exactly once.
    let url = "http://pirha.cloudnc.fi/fi-FI/Toimielimet/Aluevaltuusto";
    assert_eq!(get(&c, url).await?.0, 503);
    assert_eq!(get(&c, url).await?.0, 200);

    // 410 after removal.
    let article = "https://paijatha.fi/ajankohtaista/kotihoidon-asiakasmaksut-tarkistetaan/";
    assert_eq!(get(&c, article).await?.0, 200);
    replica.set_gone(article)?;
    assert_eq!(get(&c, article).await?.0, 410);

    // Bounded request bodies.
    let big = vec![b'a'; 64 * 1024];
    let r = c
        .post("http://phhyky-julkaisu.tweb.fi/ktwebscr/pk_kokl_tweb.htm")
        .body(big)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 413);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_dead_hosts() -> TestResult {
    let config = ReplicaConfig {
        slow_delay: Duration::from_millis(700),
        ..ReplicaConfig::default()
    };
    let replica = Replica::start_with(config)?;
    let c = client(&replica);
    let t = Instant::now();
    assert_eq!(
        get(&c, "http://hyvaep-julkaisu.tweb.fi/ktwebscr/pk_tek_tweb.htm")
            .await?
            .0,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(700));
    // A client with a short timeout gives up.
    let impatient = common::builder(&replica).timeout(Duration::from_millis(200)).build()?;
    let err = impatient
        .get("http://hyvaep-julkaisu.tweb.fi/ktwebscr/pk_tek_tweb.htm")
        .send()
        .await;
    assert!(err.is_err_and(|e| e.is_timeout()));
    // The dead host refuses connections.
    assert_ne!(replica.dead_addr(), replica.addr());
    assert!(replica
        .resolve_map()
        .iter()
        .any(|(h, a)| h == DEAD_HOST && *a == replica.dead_addr()));
    let err = c
        .get(format!("http://{DEAD_HOST}/ktwebscr/pk_tek_tweb.htm"))
        .send()
        .await;
    assert!(err.is_err_and(|e| e.is_connect()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_pages_stream_and_encodings_are_broken_on_purpose() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let size = replica.config().huge_size;
    let r = c.get("http://paijatha.fi/ajankohtaista/arkisto/kaikki/").send().await?;
    assert_eq!(r.content_length(), Some(size));
    // A crawler reads a bounded prefix and stops.
    let mut r = r;
    let mut read = 0usize;
    while let Some(chunk) = r.chunk().await? {
        read += chunk.len();
        if read > 1024 * 1024 {
            break;
        }
    }
    assert!(read > 1024 * 1024);
    drop(r);
    let streamed = c.get("http://paijatha.fi/ajankohtaista/arkisto/virta/").send().await?;
    assert_eq!(streamed.content_length(), None, "chunked, no Content-Length");
    let body = streamed.bytes().await?;
    assert_eq!(body.len() as u64, size);
    assert!(body.ends_with(b"</body></html>\n"));

    let (status, bytes) = get(&c, "http://paijatha.fi/ajankohtaista/merkistovirhe-kotihoito/").await?;
    assert_eq!(status, 200);
    assert!(std::str::from_utf8(&bytes).is_err(), "invalid UTF-8 on purpose");
    assert!(String::from_utf8_lossy(&bytes).contains("Kotihoidon y\u{FFFD}partio"));
    let r = c
        .get("http://paijatha.fi/ajankohtaista/vaara-merkisto-neuvola/")
        .send()
        .await?;
    assert_eq!(
        r.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/html; charset=iso-8859-1")
    );
    let bytes = r.bytes().await?;
    let text = std::str::from_utf8(&bytes)?;
    assert!(text.contains("<meta charset=\"UTF-8\">") && text.contains("Äitiys- ja lastenneuvolan"));
    let page = get_ok(&c, "http://paijatha.fi/ajankohtaista/").await?;
    assert!(
        page.contains("merkistovirhe-kotihoito"),
        "the broken pages are listed like the others"
    );
    Ok(())
}

#[test]
fn dropping_the_replica_closes_its_port() -> TestResult {
    let replica = Replica::start()?;
    let addr = replica.addr();
    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    let t = Instant::now();
    drop(replica);
    assert!(t.elapsed() < Duration::from_secs(5), "shutdown is bounded");
    assert!(std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_connections_are_capped() -> TestResult {
    let replica = Replica::start_with(ReplicaConfig {
        max_connections: 2,
        ..ReplicaConfig::default()
    })?;
    let idle: Vec<std::net::TcpStream> = (0..2)
        .map(|_| std::net::TcpStream::connect(replica.addr()))
        .collect::<Result<_, _>>()?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let quick = common::builder(&replica).timeout(Duration::from_millis(400)).build()?;
    let url = "http://paijatha.fi/robots.txt";
    assert!(
        quick.get(url).send().await.is_err(),
        "a third connection waits while two are open"
    );
    drop(idle);
    let patient = common::builder(&replica).timeout(Duration::from_secs(5)).build()?;
    assert_eq!(patient.get(url).send().await?.status().as_u16(), 200);
    Ok(())
}
