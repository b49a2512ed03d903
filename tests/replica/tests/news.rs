//! County news sites: listing → pagination → articles, feeds, sitemaps, robots.txt and redirects.

mod common;

use common::{client, get, get_ok, links, TestResult};
use sotehaku_replica::Replica;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wordpress_listing_paginates_to_every_article() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let mut page_url = Some("https://paijatha.fi/ajankohtaista/".to_string());
    let mut articles = Vec::new();
    let mut pages = 0;
    while let Some(url) = page_url.take() {
        pages += 1;
        assert!(pages <= 10, "pagination does not end");
        let html = get_ok(&c, &url).await?;
        for l in links(&html) {
            let is_article = l.starts_with("https://paijatha.fi/ajankohtaista/")
                && l.matches('/').count() == 5
                && !l.contains("/page/")
                && !l.contains("/arkisto/")
                && l != "https://paijatha.fi/ajankohtaista/";
            if is_article && !articles.contains(&l) && html.contains(&format!("<a href=\"{l}\" rel=\"bookmark\">")) {
                articles.push(l);
            }
        }
        page_url = links(&html)
            .into_iter()
            .find(|l| html.contains(&format!("class=\"next page-numbers\" href=\"{l}\"")));
    }
    assert_eq!(pages, 2);
    assert_eq!(articles.len(), 8, "{articles:?}");
    // A seed article wrapped in the template, with its boilerplate.
    let seed = "https://paijatha.fi/ajankohtaista/paijat-hameen-maakunta-ja-sote-uudistus-etenee-vauhdilla/";
    assert!(articles.iter().any(|a| a == seed));
    let html = get_ok(&c, seed).await?;
    assert!(html.contains("Hyppää pääsisältöön"));
    assert!(html.contains("id=\"cookie-notice\""));
    assert!(html.contains("<h1 class=\"entry-title\">Päijät-Hämeen maakunta- ja sote-uudistus etenee vauhdilla</h1>"));
    assert!(html.contains("datetime=\"2018-11-15T12:00:00+02:00\""));
    assert!(html.contains("Muutosjohtaja Seppo Huldén"));
    assert!(
        html.contains("Keski-Suomen hyvinvointialue"),
        "related links name other regions"
    );
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{seed}\">")));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_and_sitemaps_list_the_articles() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let feed = get_ok(&c, "http://paijatha.fi/feed/").await?;
    assert_eq!(feed.matches("<item>").count(), 8);
    assert!(feed.contains("<pubDate>Tue, 12 Mar 2024 15:40:00 +0200</pubDate>"));
    // The second item uses the old URL scheme, which redirects permanently.
    let old = feed
        .split("<link>")
        .nth(3)
        .and_then(|s| s.split("</link>").next())
        .ok_or("no second item link")?;
    assert!(old.starts_with("https://paijatha.fi/uutiset/"), "{old}");
    let resp = c.get(common::http(old)).send().await?;
    assert_eq!(resp.status().as_u16(), 301);
    let loc = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("no location")?;
    assert!(loc.starts_with("https://paijatha.fi/ajankohtaista/"));
    assert_eq!(get(&c, loc).await?.0, 200);

    let index = get_ok(&c, "http://paijatha.fi/sitemap_index.xml").await?;
    assert!(index.contains("<sitemapindex"));
    let mut locs = 0;
    for sm in [
        "https://paijatha.fi/post-sitemap.xml",
        "https://paijatha.fi/page-sitemap.xml",
    ] {
        assert!(index.contains(&format!("<loc>{sm}</loc>")));
        let xml = get_ok(&c, sm).await?;
        locs += xml.matches("<loc>").count();
        assert_eq!(xml.matches("<loc>").count(), xml.matches("<lastmod>").count());
    }
    assert_eq!(locs, 10);

    // Drupal: relative "?page=1" pagination, RSS and a sitemap index with query-string sitemaps.
    replica.set_rate_limited("vakehyva.fi", 0);
    let list = get_ok(&c, "http://vakehyva.fi/fi/ajankohtaista").await?;
    assert!(list.contains("<a href=\"?page=1\" rel=\"next\">"));
    assert_eq!(list.matches("class=\"views-row\"").count(), 3);
    let page2 = get_ok(&c, "http://vakehyva.fi/fi/ajankohtaista?page=1").await?;
    assert_eq!(page2.matches("class=\"views-row\"").count(), 1);
    assert!(
        page2.contains("Hyvinvointipalvelujen maakuntavalmistelu etenee"),
        "seed 004 is the oldest"
    );
    let rss = get_ok(&c, "http://vakehyva.fi/fi/rss.xml").await?;
    assert_eq!(rss.matches("<item>").count(), 4);
    let sm = get_ok(&c, "http://vakehyva.fi/sitemap.xml").await?;
    assert!(sm.contains("<loc>https://vakehyva.fi/sitemap.xml?page=1</loc>"));
    let sm1 = get_ok(&c, "http://vakehyva.fi/sitemap.xml?page=1").await?;
    assert_eq!(sm1.matches("<url>").count(), 4);
    let art = get_ok(
        &c,
        "http://vakehyva.fi/fi/uutiset/hyvinvointipalvelujen-maakuntavalmistelu-etenee",
    )
    .await?;
    assert!(art.contains("Siirry pääsisältöön") && art.contains("field--name-body"));
    assert!(art.contains("Juha Jolkkonen"));

    let vn = get_ok(&c, "http://valtioneuvosto.fi/rss/tiedotteet").await?;
    assert_eq!(vn.matches("<item>").count(), 3);
    let pr = get_ok(
        &c,
        "https://valtioneuvosto.fi/-/1271139/hyvinvointialueiden-rahoitus-vuodelle-2021-vahvistettu-laskelmissa",
    )
    .await?;
    assert!(pr.contains("Julkaisuajankohta 8.12.2020 10.12"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_and_redirects_are_served_as_documented() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let robots = get_ok(&c, "http://paijatha.fi/robots.txt").await?;
    for line in [
        "Disallow: /wp-admin/",
        "Disallow: /haku/",
        "Disallow: /*?replytocom=",
        "Crawl-delay: 1",
    ] {
        assert!(robots.lines().any(|l| l == line), "{line} missing in\n{robots}");
    }
    // The listing links a disallowed path, which is served if fetched (and then visible in the log).
    let list = get_ok(&c, "http://paijatha.fi/ajankohtaista/").await?;
    assert!(list.contains("https://paijatha.fi/haku/?q=sote"));
    assert_eq!(get(&c, "http://paijatha.fi/haku/?q=sote").await?.0, 200);
    assert!(replica
        .request_log()
        .iter()
        .any(|r| r.path_and_query == "/haku/?q=sote" && r.status == 200));
    // No robots.txt on one host; robots of a redirecting host redirect too.
    assert_eq!(get(&c, "http://satakunnanhyvinvointialue.fi/robots.txt").await?.0, 404);
    let resp = c.get("http://sata.fi/robots.txt").send().await?;
    assert_eq!(resp.status().as_u16(), 301);
    assert_eq!(
        resp.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("https://satakunnanhyvinvointialue.fi/robots.txt")
    );

    // Chain: 302 → 302 → 301 → article.
    let mut url = "http://paijatha.fi/lyhyt/1".to_string();
    let mut hops = Vec::new();
    for _ in 0..10 {
        let resp = c.get(&url).send().await?;
        let status = resp.status().as_u16();
        hops.push(status);
        match resp.headers().get("location").and_then(|v| v.to_str().ok()) {
            Some(loc) => url = common::http(loc),
            None => break,
        }
    }
    assert_eq!(hops, vec![302, 302, 301, 200]);
    // Loop: a following client gives up.
    let following = common::builder(&replica)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()?;
    let err = following.get("http://paijatha.fi/silmukka/a/").send().await;
    assert!(err.is_err(), "the loop must not end");
    // Redirect into a disallowed path.
    let resp = c.get("http://paijatha.fi/lyhyt/yllapito").send().await?;
    assert_eq!(
        resp.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("https://paijatha.fi/wp-admin/options.php")
    );
    // WordPress adds the trailing slash.
    let resp = c
        .get("http://paijatha.fi/ajankohtaista/kotihoidon-asiakasmaksut-tarkistetaan")
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 301);
    // Unknown host.
    common::install_crypto_provider();
    let unknown = reqwest::Client::builder()
        .resolve("example.fi", replica.addr())
        .build()?;
    assert_eq!(unknown.get("http://example.fi/").send().await?.status().as_u16(), 404);
    Ok(())
}
