//! End-to-end behaviour of the crawler against scripted servers on 127.0.0.1: robots.txt, delays, back-off,
//! conditional GETs, resume, redirects, limits, private addresses and the noindex policy.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{html, not_found, respond, Req, TestServer};
use sotehaku_crawl::{
    CrawlEvent, CrawlObserver, CrawlOptions, Crawler, NoindexPolicy, NoopObserver, Overrides, Registry, Selection,
};

/// Counts progress events: (sources started, pages, sources finished).
#[derive(Default)]
struct Counter(std::sync::Mutex<(usize, usize, usize)>);

impl CrawlObserver for Counter {
    fn event(&self, event: &CrawlEvent<'_>) {
        let mut c = self.0.lock().unwrap();
        match event {
            CrawlEvent::SourceStarted { .. } => c.0 += 1,
            CrawlEvent::Page { .. } => c.1 += 1,
            CrawlEvent::SourceFinished { .. } => c.2 += 1,
        }
    }
}

const HOST: &str = "uutiset.test";

fn options(dir: &std::path::Path, server: &TestServer) -> CrawlOptions {
    let mut o = CrawlOptions::new(dir);
    o.allow_private = true;
    o.delay_floor = Duration::from_millis(20);
    o.backoff_base = Duration::from_millis(300);
    o.max_backoff = Duration::from_secs(3);
    o.request_timeout = Duration::from_secs(5);
    o.connect_timeout = Duration::from_secs(2);
    o.overrides = Overrides {
        hosts: vec![(HOST.to_string(), server.addr)],
        plain_http: true,
    };
    o
}

fn registry(policy: &str) -> Registry {
    Registry::from_toml(&format!(
        "[[source]]\nname = 'testi-news'\npublisher = 'Testi'\ncounty = '09'\nplatform = 'news'\n\
         start = ['https://{HOST}/ajankohtaista/']\nnoindex = '{policy}'\n"
    ))
    .unwrap()
}

fn select() -> Selection {
    Selection::Sources(vec!["testi-news".into()])
}

fn etag_of(path: &str) -> String {
    format!("\"v1-{}\"", path.len())
}

/// A small news site: robots.txt with a disallowed article and a Crawl-delay, two listing pages, five articles,
/// ETags with 304 support.
fn news_site(crawl_delay: &str) -> common::Handler {
    let robots = format!("User-agent: *\nDisallow: /ajankohtaista/piilo/\nDisallow: /wp-admin/\n{crawl_delay}");
    Arc::new(move |r: &Req<'_>| {
        let path = r.path;
        if path == "/robots.txt" {
            return respond(200, "text/plain", robots.clone());
        }
        let body = match path {
            "/ajankohtaista/" => r#"<html><body><h1>Ajankohtaista</h1>
                <article><a href="https://uutiset.test/ajankohtaista/uutinen-1/">Aluevaltuusto kokoontui</a> <time datetime="2024-05-02">2.5.2024</time></article>
                <article><a href="/ajankohtaista/uutinen-2/">Neuvola muuttaa</a></article>
                <article><a href="/ajankohtaista/uutinen-3/">Kotihoito laajenee</a></article>
                <article><a href="/ajankohtaista/piilo/salainen/">Piilotettu</a></article>
                <a class="next page-numbers" href="/ajankohtaista/page/2/">Seuraava</a></body></html>"#
                .to_string(),
            "/ajankohtaista/page/2/" => r#"<html><body>
                <article><a href="/ajankohtaista/uutinen-4/">Terveysasema</a></article>
                <article><a href="/ajankohtaista/uutinen-5/">Hammashoito</a></article>
                <a href="/ajankohtaista/">1</a></body></html>"#
                .to_string(),
            p if p.starts_with("/ajankohtaista/uutinen-") => {
                format!("<html><body><article><h1>Uutinen {p}</h1><p>Päijät-Hämeen hyvinvointialue tiedottaa.</p></article></body></html>")
            }
            _ => return not_found(),
        };
        let etag = etag_of(path);
        if r.headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
            return axum::http::Response::builder()
                .status(304)
                .header("etag", etag)
                .body(axum::body::Body::empty())
                .unwrap();
        }
        let mut resp = html(&body);
        resp.headers_mut().insert("etag", etag.parse().unwrap());
        resp
    })
}

fn article_paths() -> Vec<String> {
    (1..=5).map(|n| format!("/ajankohtaista/uutinen-{n}/")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_first_disallowed_never_fetched_and_crawl_delay_kept() {
    let server = TestServer::start(news_site("Crawl-delay: 0.3\n")).await;
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &server)).unwrap();
    let counter = Counter::default();
    let summary = crawler.run(&registry("skip"), &select(), &counter).await.unwrap();
    let s = &summary.sources[0];
    assert_eq!(
        *counter.0.lock().unwrap(),
        (1, 8, 1),
        "2 listings + 5 articles + 1 disallowed"
    );
    let log = server.log();
    assert_eq!(log[0].path, "/robots.txt", "robots.txt is read first");
    assert_eq!(server.count("/robots.txt"), 1, "robots.txt cached per host");
    assert_eq!(
        server.count("/ajankohtaista/piilo/salainen/"),
        0,
        "disallowed URL never fetched"
    );
    assert_eq!(s.skipped_robots, 1);
    assert_eq!(s.stored, 5, "{s:?}");
    assert!(s.complete);
    for pair in log.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= Duration::from_millis(295),
            "gap {gap:?} before {} is below Crawl-delay",
            pair[1].path
        );
    }
    assert!(log.iter().all(|l| l
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .starts_with("sotehaku/")));
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 5);
    let first = pages
        .iter()
        .find(|p| p.url == format!("https://{HOST}/ajankohtaista/uutinen-1/"))
        .unwrap();
    assert_eq!(first.hints.title.as_deref(), Some("Aluevaltuusto kokoontui"));
    assert_eq!(first.hints.date.as_deref(), Some("2024-05-02"));
    assert_eq!(first.hints.region.as_deref(), Some("09"));
    assert!(String::from_utf8_lossy(&first.body).contains("tiedottaa"));
    let jsonl = std::fs::read_to_string(&summary.pages_file).unwrap();
    assert_eq!(jsonl.lines().count(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_run_sends_conditional_requests_and_downloads_no_body() {
    let server = TestServer::start(news_site("")).await;
    let dir = tempfile::tempdir().unwrap();
    let first = Crawler::new(options(dir.path(), &server)).unwrap();
    let s1 = first.run(&registry("skip"), &select(), &NoopObserver).await.unwrap();
    assert_eq!(s1.sources[0].stored, 5);
    drop(first);
    server.clear();
    let second = Crawler::new(options(dir.path(), &server)).unwrap();
    let s2 = second.run(&registry("skip"), &select(), &NoopObserver).await.unwrap();
    let s = &s2.sources[0];
    assert_eq!((s.stored, s.unchanged), (0, 7), "{s:?}");
    for l in server.log().iter().filter(|l| l.path != "/robots.txt") {
        assert!(
            l.headers.contains_key("if-none-match"),
            "unconditional request for {}",
            l.path
        );
        assert_eq!(l.status, 304, "{} re-downloaded", l.path);
    }
    assert_eq!(
        second.archive().pages().unwrap().count(),
        5,
        "304 keeps the stored copies"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_crawl_resumes_and_fetches_every_document_once() {
    let server = TestServer::start(news_site("")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &server);
    opts.max_pages = Some(3);
    let first = Crawler::new(opts).unwrap();
    let s1 = first.run(&registry("skip"), &select(), &NoopObserver).await.unwrap();
    assert!(!s1.sources[0].complete, "stopped by the page limit");
    drop(first); // the "kill": nothing of the crawler survives but its output directory
    let second = Crawler::new(options(dir.path(), &server)).unwrap();
    let s2 = second.run(&registry("skip"), &select(), &NoopObserver).await.unwrap();
    assert!(s2.sources[0].resumed && s2.sources[0].complete, "{:?}", s2.sources[0]);
    for path in article_paths() {
        assert_eq!(server.count(&path), 1, "{path} fetched {} times", server.count(&path));
    }
    let mut urls: Vec<String> = second.archive().pages().unwrap().map(|p| p.unwrap().url).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_host_backs_off_as_told() {
    let inner = news_site("");
    let handler: common::Handler = Arc::new(move |r: &Req<'_>| {
        if r.path == "/ajankohtaista/" && r.seen < 2 {
            let mut resp = respond(429, "text/plain", "hidasta");
            resp.headers_mut().insert("retry-after", "1".parse().unwrap());
            return resp;
        }
        if r.path == "/ajankohtaista/uutinen-2/" && r.seen == 0 {
            return respond(503, "text/plain", "huolto");
        }
        inner(r)
    });
    let server = TestServer::start(handler).await;
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &server)).unwrap();
    let summary = crawler.run(&registry("skip"), &select(), &NoopObserver).await.unwrap();
    assert_eq!(summary.sources[0].stored, 5, "{:?}", summary.sources[0]);
    let log = server.log();
    for (i, l) in log.iter().enumerate() {
        let Some(next) = log.get(i + 1) else { break };
        let gap = next.at.duration_since(l.at);
        if l.status == 429 {
            assert!(
                gap >= Duration::from_millis(990),
                "Retry-After: 1 not honoured ({gap:?})"
            );
        }
        if l.status == 503 {
            // No Retry-After: exponential back-off from 300 ms with ±50 % jitter.
            assert!(gap >= Duration::from_millis(140), "no back-off after 503 ({gap:?})");
        }
    }
    assert_eq!(log.iter().filter(|l| l.status == 429).count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_loops_chains_and_robots_after_redirect() {
    let inner = news_site("");
    let handler: common::Handler = Arc::new(move |r: &Req<'_>| {
        let redirect = |to: &str| {
            axum::http::Response::builder()
                .status(302)
                .header("location", to)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        match r.path {
            "/silmukka/a/" => redirect("/silmukka/b/"),
            "/silmukka/b/" => redirect("https://uutiset.test/silmukka/a/"),
            "/lyhyt/1" => redirect("/lyhyt/2"),
            "/lyhyt/2" => redirect("/ajankohtaista/uutinen-1/"),
            "/lyhyt/yllapito" => redirect("/wp-admin/options.php"),
            _ => inner(r),
        }
    });
    let server = TestServer::start(handler).await;
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &server)).unwrap();
    let urls = ["/silmukka/a/", "/lyhyt/1", "/lyhyt/yllapito"]
        .map(|p| format!("https://{HOST}{p}"))
        .to_vec();
    let summary = crawler
        .run(
            &Registry::from_sources(vec![]).unwrap(),
            &Selection::Urls(urls),
            &NoopObserver,
        )
        .await
        .unwrap();
    let s = &summary.sources[0];
    assert_eq!(s.failed.get("redirect loop"), Some(&1), "{s:?}");
    assert!(server.count("/silmukka/a/") <= 2 && server.count("/silmukka/b/") <= 1);
    assert_eq!(s.skipped_robots, 1, "redirect into a disallowed path");
    assert_eq!(server.count("/wp-admin/options.php"), 0);
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].url, format!("https://{HOST}/lyhyt/1"));
    assert_eq!(pages[0].final_url, format!("https://{HOST}/ajankohtaista/uutinen-1/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_unless_allowed() {
    let server = TestServer::start(news_site("")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &server);
    opts.allow_private = false;
    let crawler = Crawler::new(opts).unwrap();
    let summary = crawler.run(&registry("skip"), &select(), &NoopObserver).await.unwrap();
    assert_eq!(
        summary.sources[0].failed.get("refused private address"),
        Some(&1),
        "{:?}",
        summary.sources[0]
    );
    let literal = vec![format!("http://{}/ajankohtaista/", server.addr)];
    let summary = crawler
        .run(
            &Registry::from_sources(vec![]).unwrap(),
            &Selection::Urls(literal),
            &NoopObserver,
        )
        .await
        .unwrap();
    assert_eq!(summary.sources[0].failed.get("refused private address"), Some(&1));
    assert!(server.log().is_empty(), "no request reached the private address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_responses_are_abandoned() {
    let handler: common::Handler = Arc::new(|r: &Req<'_>| match r.path {
        "/robots.txt" => not_found(),
        "/iso/" => respond(200, "text/html", vec![b'a'; 300_000]),
        _ => not_found(),
    });
    let server = TestServer::start(handler).await;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &server);
    opts.max_body_bytes = 100_000;
    let crawler = Crawler::new(opts).unwrap();
    let summary = crawler
        .run(
            &Registry::from_sources(vec![]).unwrap(),
            &Selection::Urls(vec![format!("https://{HOST}/iso/")]),
            &NoopObserver,
        )
        .await
        .unwrap();
    assert_eq!(
        summary.sources[0].failed.get("larger than"),
        Some(&1),
        "{:?}",
        summary.sources[0]
    );
    assert_eq!(crawler.archive().pages().unwrap().count(), 0);
}

fn noindex_site() -> common::Handler {
    Arc::new(|r: &Req<'_>| match r.path {
        "/robots.txt" => respond(200, "text/plain", "User-agent: *\nDisallow:\n"),
        "/ajankohtaista/" => html(
            r#"<a href="/ajankohtaista/julkinen/">Julkinen</a><a href="/ajankohtaista/meta/">Meta</a>
               <a href="/ajankohtaista/otsake/">Otsake</a>"#,
        ),
        "/ajankohtaista/julkinen/" => html("<p>Kaikille</p>"),
        "/ajankohtaista/meta/" => {
            html(r#"<html><head><meta name="robots" content="noindex"></head><p>Pöytäkirja</p></html>"#)
        }
        "/ajankohtaista/otsake/" => {
            let mut resp = html("<p>Otsake</p>");
            resp.headers_mut()
                .insert("x-robots-tag", "noindex, noarchive".parse().unwrap());
            resp
        }
        _ => not_found(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noindex_is_skipped_by_default_and_kept_only_under_the_index_policy() {
    let server = TestServer::start(noindex_site()).await;
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &server)).unwrap();
    let summary = crawler.run(&registry("skip"), &select(), &NoopObserver).await.unwrap();
    assert_eq!((summary.sources[0].stored, summary.sources[0].skipped_noindex), (1, 2));
    let urls: Vec<String> = crawler.archive().pages().unwrap().map(|p| p.unwrap().url).collect();
    assert_eq!(urls, vec![format!("https://{HOST}/ajankohtaista/julkinen/")]);
    let archived = std::fs::read_to_string(dir.path().join("archive.jsonl")).unwrap();
    assert!(
        !archived.contains("/meta/") && !archived.contains("/otsake/"),
        "noindex pages not archived"
    );

    let dir = tempfile::tempdir().unwrap();
    let mut reg = registry("skip");
    reg.get_mut("testi-news").unwrap().noindex = NoindexPolicy::Index;
    let crawler = Crawler::new(options(dir.path(), &server)).unwrap();
    let summary = crawler.run(&reg, &select(), &NoopObserver).await.unwrap();
    assert_eq!(summary.sources[0].stored, 3);
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    let meta = pages.iter().find(|p| p.url.ends_with("/meta/")).unwrap();
    assert!(meta.is_noindex());
    let header = pages.iter().find(|p| p.url.ends_with("/otsake/")).unwrap();
    assert_eq!(header.robots, vec!["noindex", "noarchive"]);
}
