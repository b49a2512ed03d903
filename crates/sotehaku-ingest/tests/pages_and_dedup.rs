//! Crawled pages through `Ingester::process_page`, and near-duplicate folding of the same release published with
//! different boilerplate.

mod common;

use sotehaku_crawl::FetchedPage;
use sotehaku_ingest::{ingest_paths, DedupOutcome, Deduplicator, DocType, Ingester, Language, Region};

#[test]
fn a_latin1_dynasty_page_with_hints() {
    let path = common::workspace_root().join("tests/labelled/extraction/dynasty_meetingitem_latin1.html");
    let body = std::fs::read(&path).expect("fixture");
    let mut page = FetchedPage::new(
        "https://esimerkki.oncloudos.com/cgi/DREQUEST.PHP?page=meetingitem&id=202301-13",
        200,
        "text/html; charset=iso-8859-1",
        body,
    );
    page.platform = Some("dynasty".into());
    page.source = Some("Esimerkkilän hyvinvointialue – pöytäkirjat".into());
    page.hints.region = Some("09".into());
    page.hints.kind = Some("minutes".into());
    let doc = Ingester::new().process_page(&page).expect("a document");
    assert_eq!(
        doc.regions.first(),
        Some(&Region::County(9)),
        "the registry's county is the primary region"
    );
    assert_eq!(doc.doc_type, DocType::Minutes);
    assert_eq!(doc.published.map(|d| d.to_string()).as_deref(), Some("2023-01-24"));
    assert_eq!(doc.language, Some(Language::Finnish));
    assert!(doc.text.contains("Äijö Öhman"), "Latin-1 decoded: {}", doc.text);
    assert!(!doc.text.contains("Seuraava asia"), "navigation removed: {}", doc.text);
    assert!(doc.fetched_at.is_some() && doc.url.is_some());

    let mut missing = FetchedPage::new("https://example.fi/x", 404, "text/html", b"<p>Not found</p>".to_vec());
    missing.final_url = missing.url.clone();
    assert!(Ingester::new().process_page(&missing).is_err());
}

#[test]
fn swedish_pages_are_marked_swedish() {
    let html = "<html lang=\"sv\"><body><article><h1>Välfärdsområdet informerar</h1>\
        <p>Välfärdsområdets styrelse behandlade servicenätet vid sitt möte och föreslår att två hälsostationer \
        slås samman till en ny välfärdscentral i Borgå under hösten.</p></article></body></html>";
    let page = FetchedPage::new(
        "https://itauusimaa.fi/sv/nyheter/x",
        200,
        "text/html",
        html.as_bytes().to_vec(),
    );
    let doc = Ingester::new().process_page(&page).expect("a document");
    assert_eq!(doc.language, Some(Language::Swedish));
}

#[test]
fn a_release_republished_with_other_boilerplate_folds_into_one() {
    let Some(seeds) = common::shared_file("seeds") else {
        return;
    };
    let page = common::workspace_root().join("tests/labelled/extraction/seed002_wordpress.html");
    let other = common::workspace_root().join("tests/labelled/extraction/seed001_drupal.html");
    let ingester = Ingester::new();
    let docs: Vec<_> = ingest_paths(&ingester, &[seeds.join("002_a61b180ae74d3516.txt"), page, other])
        .map(|r| r.expect("document"))
        .collect();
    let mut dedup = Deduplicator::default();
    let mut docs = docs.into_iter();
    let mut captured = docs.next().expect("seed");
    captured.url = Some("https://www.hyvaks.fi/uutiset/yhdyspintajaosto-kokoontui".into());
    let mut republished = docs.next().expect("page");
    republished.url = Some("https://valmistelu.example/ajankohtaista/yhdyspintajaosto".into());
    let unrelated = docs.next().expect("other");
    assert_eq!(dedup.add(captured), DedupOutcome::New);
    assert!(matches!(dedup.add(republished), DedupOutcome::DuplicateOf(_)));
    assert_eq!(dedup.add(unrelated), DedupOutcome::New);
    let out = dedup.into_documents();
    assert_eq!(out.len(), 2);
    assert_eq!(
        out[0].other_urls,
        ["https://valmistelu.example/ajankohtaista/yhdyspintajaosto"]
    );
}
