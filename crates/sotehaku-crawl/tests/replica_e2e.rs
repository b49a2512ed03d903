//! End to end against the local replica of the real platforms (`tests/replica`): the registry's own URLs, served
//! under the real host names on 127.0.0.1, checked from the replica's request log.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use sotehaku_crawl::robots::RobotsRules;
use sotehaku_crawl::{
    encoding, CrawlOptions, CrawlSummary, Crawler, NoindexPolicy, NoopObserver, Overrides, Registry, Selection,
};
use sotehaku_replica::{LoggedRequest, Replica, ReplicaConfig};

const CRAWL_DELAY: f64 = 0.2;
const DELAY_FLOOR: Duration = Duration::from_millis(50);

fn replica() -> Replica {
    replica_with_delay(CRAWL_DELAY)
}

fn replica_with_delay(crawl_delay_secs: f64) -> Replica {
    let config = ReplicaConfig {
        crawl_delay_secs,
        retry_after_secs: 1,
        slow_delay: Duration::from_millis(300),
        huge_size: 3 * 1024 * 1024,
        ..ReplicaConfig::default()
    };
    Replica::start_with(config).expect("replica starts")
}

fn options(dir: &std::path::Path, replica: &Replica) -> CrawlOptions {
    let mut o = CrawlOptions::new(dir);
    o.allow_private = true;
    o.delay_floor = DELAY_FLOOR;
    o.backoff_base = Duration::from_millis(300);
    o.max_backoff = Duration::from_secs(3);
    o.max_retries = 2;
    o.request_timeout = Duration::from_secs(10);
    o.connect_timeout = Duration::from_secs(2);
    o.max_body_bytes = 1024 * 1024;
    o.source_concurrency = 8;
    o.overrides = Overrides {
        hosts: replica.resolve_map(),
        plain_http: true,
    };
    o
}

/// robots.txt of every host, read from the replica the way the crawler reads it.
async fn robots_of(replica: &Replica, hosts: &[String]) -> HashMap<String, RobotsRules> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut b = reqwest::Client::builder().no_proxy();
    for (h, a) in replica.resolve_map() {
        b = b.resolve(&h, a);
    }
    let client = b.build().unwrap();
    let mut out = HashMap::new();
    for host in hosts {
        let resp = client.get(format!("http://{host}/robots.txt")).send().await;
        let rules = match resp {
            Ok(r) => {
                let status = r.status().as_u16();
                RobotsRules::from_response(Some(status), &r.bytes().await.unwrap_or_default(), "sotehaku")
            }
            Err(_) => RobotsRules::from_response(None, b"", "sotehaku"),
        };
        out.insert(host.clone(), rules);
    }
    out
}

fn by_host(log: &[LoggedRequest]) -> BTreeMap<String, Vec<LoggedRequest>> {
    let mut m: BTreeMap<String, Vec<LoggedRequest>> = BTreeMap::new();
    for l in log {
        m.entry(l.host.clone()).or_default().push(l.clone());
    }
    m
}

/// The politeness checks every crawl must pass, from the server's own log.
async fn assert_polite(replica: &Replica, log: &[LoggedRequest]) {
    let hosts = by_host(log);
    let robots = robots_of(replica, &hosts.keys().cloned().collect::<Vec<_>>()).await;
    for (host, reqs) in &hosts {
        assert_eq!(reqs[0].path_and_query, "/robots.txt", "{host}: robots.txt first");
        assert_eq!(
            reqs.iter().filter(|r| r.path_and_query == "/robots.txt").count(),
            1,
            "{host}: robots.txt cached"
        );
        let rules = &robots[host];
        for r in reqs {
            let url: url::Url = format!("https://{host}{}", r.path_and_query).parse().unwrap();
            assert!(rules.allowed(&url), "{host}: fetched disallowed {}", r.path_and_query);
            assert!(r.user_agent.as_deref().unwrap_or("").starts_with("sotehaku/"));
        }
        // Crawl-delay where robots.txt gives one (hosts without robots.txt: the delay floor).
        let delay = rules.crawl_delay().unwrap_or(DELAY_FLOOR).max(DELAY_FLOOR);
        for pair in reqs.windows(2) {
            let gap = pair[1].at.duration_since(pair[0].at);
            assert!(
                gap + Duration::from_millis(5) >= delay,
                "{host}: {gap:?} between {} and {}",
                pair[0].path_and_query,
                pair[1].path_and_query
            );
            if pair[0].status == 429 {
                assert!(
                    gap >= Duration::from_millis(995),
                    "{host}: Retry-After not honoured ({gap:?})"
                );
            }
        }
    }
}

/// Prints, per host, how many of the replica's URLs the crawl requested and which it never asked for.
fn coverage(replica: &Replica, log: &[LoggedRequest]) {
    for host in by_host(log).keys() {
        let asked: std::collections::HashSet<String> =
            log.iter().filter(|l| &l.host == host).map(|l| l.url()).collect();
        let all = replica.urls(host);
        let missing: Vec<&String> = all.iter().filter(|u| !asked.contains(*u)).collect();
        println!(
            "coverage {host}: {}/{} replica URLs requested; never requested: {missing:?}",
            all.len() - missing.len(),
            all.len()
        );
    }
}

fn table(summary: &CrawlSummary) -> String {
    let mut out =
        String::from("source | platform | discovered | listings | stored | unchanged | robots | noindex | failed\n");
    for s in &summary.sources {
        out.push_str(&format!(
            "{} | {} | {} | {} | {} | {} | {} | {} | {:?}\n",
            s.source,
            s.platform,
            s.discovered,
            s.listings,
            s.stored,
            s.unchanged,
            s.skipped_robots,
            s.skipped_noindex,
            s.failed
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_sites_end_to_end_then_conditional_second_run() {
    let replica = replica();
    let registry = Registry::default_registry().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "paijat-hame-news",
        "vantaa-kerava-news",
        "satakunta-news",
        "valtioneuvosto",
    ];
    let selection = Selection::Sources(names.iter().map(|s| s.to_string()).collect());
    let crawler = Crawler::new(options(dir.path(), &replica)).unwrap();
    let summary = crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    println!("{}", table(&summary));
    let log = replica.request_log();
    coverage(&replica, &log);
    assert_polite(&replica, &log).await;
    for s in &summary.sources {
        assert!(s.complete && s.stored >= 2, "{s:?}");
    }
    let paijat = &summary.sources[0];
    assert_eq!(
        paijat.failed.get("larger than"),
        Some(&2),
        "both huge pages abandoned: {:?}",
        paijat.failed
    );
    let vakehyva: Vec<&LoggedRequest> = log.iter().filter(|l| l.host == "vakehyva.fi").collect();
    assert_eq!(
        vakehyva.iter().filter(|l| l.status == 429).count(),
        2,
        "rate limit met and waited out"
    );
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    let broken = pages
        .iter()
        .find(|p| p.url.ends_with("/merkistovirhe-kotihoito/"))
        .expect("invalid-UTF-8 article kept");
    assert!(encoding::decode(&broken.body, broken.content_type.as_deref())
        .0
        .contains("kotihoito"));
    let wrong = pages
        .iter()
        .find(|p| p.url.ends_with("/vaara-merkisto-neuvola/"))
        .expect("mislabelled article kept");
    let (text, enc) = encoding::decode(&wrong.body, wrong.content_type.as_deref());
    assert_eq!(enc, "UTF-8");
    assert!(text.contains('ä'));
    let vn = pages
        .iter()
        .filter(|p| p.source.as_deref() == Some("valtioneuvosto"))
        .count();
    assert!(vn >= 3 && pages.iter().all(|p| p.url.starts_with("https://")));
    let mut urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    urls.sort_unstable();
    let before = urls.len();
    urls.dedup();
    assert_eq!(before, urls.len(), "every document exactly once");
    let stored_paths: std::collections::HashSet<String> = pages
        .iter()
        .map(|p| p.url.trim_start_matches("https://").to_string())
        .collect();
    drop(crawler);

    // Second run: conditional requests only; nothing stored is downloaded again.
    replica.clear_log();
    let crawler = Crawler::new(options(dir.path(), &replica)).unwrap();
    let second = crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    println!("{}", table(&second));
    for s in &second.sources {
        assert_eq!(s.stored, 0, "{s:?}");
    }
    let log = replica.request_log();
    for l in &log {
        let key = format!("{}{}", l.host, l.path_and_query);
        if stored_paths.contains(&key) {
            assert!(
                l.if_none_match.is_some() || l.if_modified_since.is_some(),
                "unconditional GET of {key}"
            );
            assert_eq!((l.status, l.body_bytes), (304, 0), "{key} downloaded again");
        }
    }
    assert_eq!(crawler.archive().pages().unwrap().count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minutes_platforms_end_to_end_under_the_index_policy() {
    let replica = replica();
    let mut registry = Registry::default_registry().unwrap();
    let names = [
        "lansi-uusimaa-minutes",
        "paijat-hame-minutes",
        "pirkanmaa-minutes",
        "etela-karjala-minutes",
        "etela-pohjanmaa-minutes",
        "lappi-minutes",
    ];
    for n in names {
        registry.get_mut(n).unwrap().noindex = NoindexPolicy::Index;
    }
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &replica)).unwrap();
    let selection = Selection::Sources(names.iter().map(|s| s.to_string()).collect());
    let summary = crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    println!("{}", table(&summary));
    let log = replica.request_log();
    coverage(&replica, &log);
    assert_polite(&replica, &log).await;
    let get = |n: &str| summary.sources.iter().find(|s| s.source == n).unwrap();
    for n in &names[..5] {
        assert!(get(n).stored >= 3 && get(n).complete, "{:?}", get(n));
    }
    assert!(
        get("lappi-minutes").stored == 0 && get("lappi-minutes").failed_total() >= 1,
        "dead host"
    );
    assert!(
        log.iter()
            .any(|l| l.method == "POST" && l.path_and_query.ends_with("pk_kokl_tweb.htm")),
        "KTweb form POST"
    );
    assert!(
        log.iter().any(|l| l.host == "pirha.cloudnc.fi" && l.status == 503),
        "the CaseM 503 was met (and retried: the source completed)"
    );
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    let utf16 = pages
        .iter()
        .find(|p| p.url == "https://phhyky-julkaisu.tweb.fi/ktwebbin/ktproxy2.dll?doctype=3&docid=2003")
        .expect("the UTF-16 KTweb item is stored");
    let (text, enc) = encoding::decode(&utf16.body, utf16.content_type.as_deref());
    assert_eq!(enc, "UTF-16LE");
    assert!(text.contains('ä'), "decoded Finnish text");
    assert!(pages
        .iter()
        .filter(|p| p.platform.as_deref() == Some("dynasty") && p.is_html())
        .all(|p| p.is_noindex()));
    for platform in ["dynasty", "ktweb", "casem", "mfiles"] {
        let kinds: Vec<&str> = pages
            .iter()
            .filter(|p| p.platform.as_deref() == Some(platform))
            .filter_map(|p| p.hints.kind.as_deref())
            .collect();
        assert!(kinds.contains(&"minutes"), "{platform}: {kinds:?}");
    }
    assert!(pages.iter().any(|p| p.is_pdf()), "attachments (PDF) fetched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noindex_minutes_are_skipped_by_default() {
    let replica = replica();
    let registry = Registry::default_registry().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &replica);
    opts.max_pages = Some(40);
    let crawler = Crawler::new(opts).unwrap();
    let selection = Selection::Sources(vec!["lansi-uusimaa-minutes".into(), "paijat-hame-minutes".into()]);
    let summary = crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    println!("{}", table(&summary));
    let dynasty = &summary.sources[0];
    assert!(
        dynasty.skipped_noindex >= 3,
        "noindex items fetched but not kept: {dynasty:?}"
    );
    let ktweb = &summary.sources[1];
    assert_eq!(
        ktweb.discovered, 0,
        "KTweb pages say nofollow: nothing beyond the entry page"
    );
    let html_docs = crawler
        .archive()
        .pages()
        .unwrap()
        .map(Result::unwrap)
        .filter(|p| p.is_html())
        .count();
    assert_eq!(html_docs, 0, "no noindex page stored under the default policy");
    let archived = std::fs::read_to_string(dir.path().join("archive.jsonl")).unwrap_or_default();
    assert!(!archived.contains("noindex"), "noindex pages are not archived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_captured_platforms_by_url() {
    // The captured Espoo pages link to many pages that were not captured (404): a short Crawl-delay keeps it quick.
    let replica = replica_with_delay(0.05);
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &replica)).unwrap();
    let urls = vec![
        "http://espoo04.hosting.documenta.fi/kokous/TELIN-217668.HTM".to_string(),
        "http://tampere.cloudnc.fi/api/opennc/v1/Nodes".to_string(),
    ];
    let mut reg_sources = Vec::new();
    for u in &urls {
        let mut s = sotehaku_crawl::Source::ad_hoc(std::slice::from_ref(u)).unwrap();
        s.noindex = NoindexPolicy::Index;
        s.start_as_documents = false;
        reg_sources.push(s);
    }
    let names: Vec<String> = reg_sources.iter().map(|s| s.name.clone()).collect();
    let registry = Registry::from_sources(reg_sources).unwrap();
    let summary = crawler
        .run(&registry, &Selection::Sources(names), &NoopObserver)
        .await
        .unwrap();
    println!("{}", table(&summary));
    assert_polite(&replica, &replica.request_log()).await;
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    assert!(
        pages.iter().any(|p| p.url.ends_with("/kokous/2017406946-3.HTM")),
        "real Dynasty item reached"
    );
    assert!(
        pages.iter().any(|p| p.url.contains("/ExtendedProperties")),
        "CaseM API items reached"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replica_redirects_chain_loop_and_into_disallowed() {
    let replica = replica_with_delay(0.05);
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &replica)).unwrap();
    let urls = ["/lyhyt/1", "/silmukka/a/", "/lyhyt/yllapito"]
        .map(|p| format!("https://paijatha.fi{p}"))
        .to_vec();
    let summary = crawler
        .run(
            &Registry::from_sources(vec![]).unwrap(),
            &Selection::Urls(urls),
            &NoopObserver,
        )
        .await
        .unwrap();
    println!("{}", table(&summary));
    let s = &summary.sources[0];
    assert_eq!(s.failed.get("redirect loop"), Some(&1), "{s:?}");
    assert_eq!(s.skipped_robots, 1, "redirect into /wp-admin/ refused by robots.txt");
    let log = replica.request_log();
    assert_polite(&replica, &log).await;
    assert!(
        log.iter()
            .filter(|l| l.path_and_query.starts_with("/silmukka/"))
            .count()
            <= 3,
        "loop cut"
    );
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 1);
    assert!(
        pages[0].final_url.starts_with("https://paijatha.fi/ajankohtaista/"),
        "{}",
        pages[0].final_url
    );
}
