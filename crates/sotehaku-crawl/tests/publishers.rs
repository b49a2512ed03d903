//! Removals follow the publisher (issue 9), against the local replica: a page that answers 410 loses its stored copy
//! and its archived body — unless another live page shares the body —, a page dropped from its listing and deleted
//! is noticed at the end of a full run, and every step is in the audit log.

use std::time::Duration;

use sotehaku_crawl::audit::AuditAction;
use sotehaku_crawl::{CrawlOptions, Crawler, NoopObserver, Overrides, Registry, Selection};
use sotehaku_replica::{Replica, ReplicaConfig};

const HOST: &str = "https://paijatha.fi";

fn article(title: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"fi\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><article>\
         <h1>{title}</h1><p>Hyvinvointialue tiedottaa: {title}. Palvelut jatkuvat entisellään.</p></article></body></html>"
    )
}

fn listing(slugs: &[&str]) -> String {
    let links: String = slugs
        .iter()
        .map(|s| format!("<li><a href=\"{HOST}/juttu/{s}/\">Juttu {s}</a></li>"))
        .collect();
    format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Lista</title></head><body><ul>{links}</ul></body></html>")
}

fn options(dir: &std::path::Path, replica: &Replica) -> CrawlOptions {
    let mut o = CrawlOptions::new(dir);
    o.allow_private = true;
    o.delay_floor = Duration::from_millis(20);
    o.request_timeout = Duration::from_secs(10);
    o.max_retries = 1;
    o.backoff_base = Duration::from_millis(100);
    o.overrides = Overrides {
        hosts: replica.resolve_map(),
        plain_http: true,
    };
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_and_unlisted_pages_are_deleted_and_shared_bodies_kept_while_live() {
    let replica = Replica::start_with(ReplicaConfig {
        crawl_delay_secs: 0.05,
        ..ReplicaConfig::default()
    })
    .unwrap();
    let url = |s: &str| format!("{HOST}/juttu/{s}/");
    replica
        .replace_page(&format!("{HOST}/testilista/"), &listing(&["a", "b", "c"]))
        .unwrap();
    // a and c carry the same bytes: one archived body, two live pages.
    replica.replace_page(&url("a"), &article("Sama tiedote")).unwrap();
    replica.replace_page(&url("c"), &article("Sama tiedote")).unwrap();
    replica.replace_page(&url("b"), &article("Toinen tiedote")).unwrap();
    let registry = Registry::from_toml(&format!(
        "[[source]]\nname = \"testi\"\npublisher = \"Testi\"\nplatform = \"news\"\nstart = [\"{HOST}/testilista/\"]\n\
         robots_sitemaps = false\narticle_pattern = \"^/juttu/\"\n"
    ))
    .unwrap();
    let selection = Selection::Sources(vec!["testi".into()]);
    let dir = tempfile::tempdir().unwrap();
    let crawler = Crawler::new(options(dir.path(), &replica)).unwrap();

    let first = crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    assert!(first.sources[0].complete);
    let pages = crawler.archive().stored_pages().unwrap();
    assert_eq!(pages.len(), 3, "{pages:?}");
    let sha = |u: &str| {
        pages
            .iter()
            .find(|p| p.url == u)
            .and_then(|p| p.body_sha256.clone())
            .unwrap()
    };
    let (shared, b_sha) = (sha(&url("a")), sha(&url("b")));
    assert_eq!(shared, sha(&url("c")));

    // a answers 410; b is dropped from the listing and deleted.
    replica.set_gone(&url("a")).unwrap();
    replica
        .replace_page(&format!("{HOST}/testilista/"), &listing(&["a", "c"]))
        .unwrap();
    replica.set_gone(&url("b")).unwrap();
    let second = crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    let s = &second.sources[0];
    assert_eq!(s.unlisted_checked, 1, "{s:?}");
    let mut removed = s.removed.clone();
    removed.sort();
    assert_eq!(removed, vec![url("a"), url("b")]);
    let left: Vec<String> = crawler
        .archive()
        .stored_pages()
        .unwrap()
        .into_iter()
        .map(|p| p.url)
        .collect();
    assert_eq!(left, vec![url("c")]);
    assert!(crawler.archive().has_body(&shared), "c still refers to the shared body");
    assert!(!crawler.archive().has_body(&b_sha), "b's body purged");
    let index = std::fs::read_to_string(dir.path().join("archive.jsonl")).unwrap();
    assert!(!index.contains(&b_sha) && index.contains(&shared));

    // c goes too: now the shared body is purged.
    replica.set_gone(&url("c")).unwrap();
    crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    assert!(crawler.archive().stored_pages().unwrap().is_empty());
    assert!(!crawler.archive().has_body(&shared));
    let pages_file = std::fs::read_to_string(dir.path().join("pages.jsonl")).unwrap();
    assert!(pages_file.trim().is_empty(), "pages.jsonl rewritten: {pages_file}");

    let log = crawler.audit().read().unwrap();
    let deleted: Vec<&str> = log
        .iter()
        .filter(|e| e.action == AuditAction::Deleted)
        .filter_map(|e| e.url.as_deref())
        .collect();
    assert_eq!(deleted.len(), 3, "{log:?}");
    assert!(log
        .iter()
        .any(|e| e.action == AuditAction::Purged && e.sha256.as_deref() == Some(shared.as_str())));
    let text = std::fs::read_to_string(crawler.audit().path()).unwrap();
    assert!(!text.contains("tiedote"), "no page text in the audit log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noarchive_bodies_are_purged_after_ingest_and_fetched_again_next_time() {
    let replica = Replica::start_with(ReplicaConfig {
        crawl_delay_secs: 0.05,
        ..ReplicaConfig::default()
    })
    .unwrap();
    let page = format!("{HOST}/juttu/arkistoimaton/");
    let html = article("Arkistoimaton tiedote").replace(
        "<meta charset=\"utf-8\">",
        "<meta charset=\"utf-8\"><meta name=\"robots\" content=\"noarchive\">",
    );
    replica.replace_page(&page, &html).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &replica);
    opts.max_depth = 0;
    let crawler = Crawler::new(opts).unwrap();
    let registry = Registry::from_sources(Vec::new()).unwrap();
    let selection = Selection::Urls(vec![page.clone()]);
    crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    let pages: Vec<_> = crawler.archive().pages().unwrap().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 1);
    assert!(
        pages[0].is_noarchive() && !pages[0].body.is_empty(),
        "kept until ingest has run"
    );
    let sha = pages[0].body_sha256.clone().unwrap();

    let purged = crawler.archive().purge_noarchive().unwrap();
    assert_eq!(purged, vec![sha.clone()]);
    assert!(!crawler.archive().has_body(&sha));
    assert_eq!(crawler.archive().pages().unwrap().count(), 0, "no body to hand out");
    assert_eq!(
        crawler.archive().stored_pages().unwrap().len(),
        1,
        "the page is still known"
    );
    let index = std::fs::read_to_string(dir.path().join("archive.jsonl")).unwrap_or_default();
    assert!(!index.contains(&sha));

    // The next run cannot send a conditional request (no body to fall back on): it fetches the page again.
    replica.clear_log();
    crawler.run(&registry, &selection, &NoopObserver).await.unwrap();
    let log = replica.request_log();
    let get = log
        .iter()
        .find(|l| l.path_and_query == "/juttu/arkistoimaton/")
        .expect("fetched again");
    assert!(get.if_none_match.is_none() && get.status == 200, "{get:?}");
    assert!(crawler.archive().has_body(&sha), "body back for the next ingest");
}
