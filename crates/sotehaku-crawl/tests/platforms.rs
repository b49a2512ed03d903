//! Platform adapters on real captured pages (Dynasty, KTweb, CaseM) and the hand-made shapes (news, Dynasty item).

use sotehaku_crawl::platform::{self, PageContext, Role, Target};
use sotehaku_crawl::{encoding, html, PageHints, PlatformKind, Registry, Source};
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn source(platform: &str, start: &str, extra: &str) -> Source {
    let toml = format!(
        "[[source]]\nname = 't'\npublisher = 'T'\ncounty = '09'\nplatform = '{platform}'\nstart = ['{start}']\n{extra}"
    );
    Registry::from_toml(&toml).unwrap().sources()[0].clone()
}

struct Discovered {
    robots: Vec<String>,
    targets: Vec<Target>,
}

fn discover(src: &Source, url: &str, role: Role, content_type: &str, body: &[u8]) -> Discovered {
    let url = Url::parse(url).unwrap();
    let (text, _) = encoding::decode(body, Some(content_type));
    let page = content_type.contains("html").then(|| html::parse(&text, &url));
    let target = Target::get(url.clone(), role, PageHints::default());
    let re = src.article_regex();
    let ctx = PageContext {
        source: src,
        article_re: re.as_ref(),
        target: &target,
        url: &url,
        content_type: Some(content_type),
        body,
        html: page.as_ref(),
    };
    let targets = platform::adapter(src.platform).discover(&ctx);
    Discovered {
        robots: page.map(|p| p.robots).unwrap_or_default(),
        targets,
    }
}

fn find<'a>(d: &'a Discovered, suffix: &str) -> &'a Target {
    d.targets
        .iter()
        .find(|t| t.url.as_str().ends_with(suffix))
        .unwrap_or_else(|| {
            panic!(
                "no target ending {suffix}: {:#?}",
                d.targets.iter().map(|t| t.url.as_str()).collect::<Vec<_>>()
            )
        })
}

#[test]
fn dynasty_meeting_list_of_a_body() {
    let src = source("dynasty", "http://espoo04.hosting.documenta.fi/kokous/TELIMET.HTM", "");
    let d = discover(
        &src,
        "http://espoo04.hosting.documenta.fi/kokous/TELIN-200120.HTM",
        Role::Listing,
        "text/html",
        &fixture("TELIN-200120.HTM"),
    );
    assert_eq!(d.robots, vec!["noindex"]);
    let minutes = find(&d, "/kokous/2013264550.HTM");
    assert_eq!(minutes.role, Role::Document);
    assert_eq!(minutes.hints.kind.as_deref(), Some("minutes"));
    assert_eq!(minutes.hints.date.as_deref(), Some("21.01.2013"));
    assert_eq!(minutes.hints.region.as_deref(), Some("09"));
    assert_eq!(find(&d, "/kokous/TELIMET.HTM").role, Role::Listing);
    assert_eq!(find(&d, "DREQUEST.PHP?page=meeting_frames").role, Role::Listing);
    assert_eq!(d.targets.iter().filter(|t| t.role == Role::Document).count(), 2);
}

#[test]
fn dynasty_minutes_lists_items_and_pdf() {
    let src = source("dynasty", "http://espoo04.hosting.documenta.fi/kokous/TELIMET.HTM", "");
    let d = discover(
        &src,
        "http://espoo04.hosting.documenta.fi/kokous/2017406946.HTM",
        Role::Document,
        "text/html; charset=windows-1252",
        &fixture("2017406946.HTM"),
    );
    let items: Vec<&Target> = d
        .targets
        .iter()
        .filter(|t| t.url.path().starts_with("/kokous/2017406946-") && t.url.path().ends_with(".HTM"))
        .collect();
    assert_eq!(items.len(), 22, "22 agenda items");
    assert!(items.iter().all(|t| t.role == Role::Document));
    let third = find(&d, "/kokous/2017406946-3.HTM");
    assert!(third
        .hints
        .title
        .as_deref()
        .unwrap_or("")
        .starts_with("Espoon kaupungin hallintosäännön hyväksyminen"));
    assert_eq!(
        find(&d, "/kokous/2017406946.PDF").hints.kind.as_deref(),
        Some("attachment")
    );
}

#[test]
fn dynasty_item_latin1_with_attachment() {
    let body = fixture("dynasty_meetingitem_latin1.html");
    let (text, enc) = encoding::decode(&body, Some("text/html"));
    assert_eq!(enc, "windows-1252");
    assert!(text.contains("Päätösehdotus") && text.contains("Äijö Öhman"));
    let src = source(
        "dynasty",
        "https://esim.oncloudos.com/cgi/DREQUEST.PHP?page=meeting_frames",
        "",
    );
    let d = discover(
        &src,
        "https://esim.oncloudos.com/cgi/DREQUEST.PHP?page=meetingitem&id=202301-13",
        Role::Document,
        "text/html; charset=iso-8859-1",
        &body,
    );
    assert_eq!(find(&d, "page=meetingitem&id=202301-14").role, Role::Document);
    assert_eq!(
        find(&d, "page=meetingitem_attachment&id=202301-13-1")
            .hints
            .kind
            .as_deref(),
        Some("attachment")
    );
    assert!(
        !d.targets.iter().any(|t| t.url.as_str().contains("page=search")),
        "search is never followed"
    );
}

#[test]
fn ktweb_search_form_becomes_one_post_per_body() {
    let src = source(
        "ktweb",
        "http://asiakirjat.ouka.fi/ktwebbin/dbisa.dll/ktwebscr/pk_tek_tweb.htm",
        "",
    );
    let body = fixture("oulu_tweb_haku.html");
    let d = discover(
        &src,
        "http://asiakirjat.ouka.fi/ktwebbin/dbisa.dll/ktwebscr/pk_tek_tweb.htm",
        Role::Listing,
        "text/html",
        &body,
    );
    assert!(d.robots.contains(&"noindex".to_string()));
    let posts: Vec<&Target> = d
        .targets
        .iter()
        .filter(|t| t.method == platform::Method::Post)
        .collect();
    let (text, _) = encoding::decode(&body, Some("text/html"));
    let page = html::parse(&text, &Url::parse("http://asiakirjat.ouka.fi/").unwrap());
    let bodies = page.forms[0].selects[0].1.iter().filter(|(v, _)| !v.is_empty()).count();
    assert!(bodies > 10);
    assert_eq!(posts.len(), bodies);
    let hyvinvointi = posts
        .iter()
        .find(|t| t.form.contains(&("kirjaamo".into(), "715".into())))
        .unwrap();
    assert!(hyvinvointi.form.contains(&("oper".into(), "where".into())));
    assert_eq!(hyvinvointi.url.path(), "/ktwebbin/dbisa.dll/ktwebscr/pk_kokl_tweb.htm");
    assert_eq!(hyvinvointi.hints.title.as_deref(), Some("Hyvinvointilautakunta"));
    assert!(hyvinvointi.key().starts_with("POST "));
}

#[test]
fn ktweb_meeting_page_items_and_attachment_lists() {
    let src = source(
        "ktweb",
        "http://asiakirjat.ouka.fi/ktwebbin/dbisa.dll/ktwebscr/pk_tek_tweb.htm",
        "",
    );
    let d = discover(
        &src,
        "http://asiakirjat.ouka.fi/ktwebbin/dbisa.dll/ktwebscr/pk_asil_tweb.htm?+bid=12838",
        Role::Document,
        "text/html",
        &fixture("oulu_tweb_kaupunginhallitus_5_2017.html"),
    );
    assert_eq!(d.robots, vec!["noindex", "nofollow"]);
    let item = find(&d, "ktproxy2.dll?doctype=3&docid=632581");
    assert_eq!(
        (item.role, item.hints.title.as_deref()),
        (Role::Document, Some("Oulun kaupungin tilinpäätös 2016"))
    );
    assert_eq!(find(&d, "epjattn_tweb.htm?632581").role, Role::Listing);
    assert!(!d.targets.iter().any(|t| t.url.path().ends_with("ktohje.htm")));
}

#[test]
fn casem_api_nodes_and_contents() {
    let src = source("casem", "http://tampere.cloudnc.fi/api/opennc/v1/Nodes", "");
    let d = discover(
        &src,
        "http://tampere.cloudnc.fi/api/opennc/v1/Nodes(11291)/Subnodes",
        Role::Listing,
        "application/json",
        &fixture("tampere_11291_subnodes.json"),
    );
    assert_eq!(find(&d, "/api/opennc/v1/Nodes(11292)/Contents").role, Role::Listing);
    assert_eq!(
        find(&d, "/api/opennc/v1/Nodes(11292)/Subnodes").hints.title.as_deref(),
        Some("Kaupunginhallitus")
    );
    let d = discover(
        &src,
        "http://tampere.cloudnc.fi/api/opennc/v1/Nodes(11292)/Contents",
        Role::Listing,
        "application/json; charset=utf-8",
        &fixture("tampere_node_11292_contents.json"),
    );
    let item = find(&d, "/api/opennc/v1/Contents(58)/ExtendedProperties");
    assert_eq!(item.role, Role::Document);
    assert_eq!(
        item.hints.title.as_deref(),
        Some("Konsernihallinnon varahenkilöiden nimeäminen v. 2016")
    );
    assert_eq!(item.hints.date.as_deref(), Some("2016-09-06T13:10:21.277"));
}

#[test]
fn news_listing_related_links_are_articles_tags_are_not() {
    let src = source("news", "https://www.esimerkkilanhva.fi/ajankohtaista/", "");
    let d = discover(
        &src,
        "https://www.esimerkkilanhva.fi/ajankohtaista/",
        Role::Listing,
        "text/html; charset=utf-8",
        &fixture("news_wordpress_fi.html"),
    );
    let a = find(&d, "/ajankohtaista/a/");
    assert_eq!(a.role, Role::Document);
    assert_eq!(a.hints.date.as_deref(), Some("26.10.2022"));
    assert!(!d
        .targets
        .iter()
        .any(|t| t.url.path().starts_with("/tag/") || t.url.path() == "/palvelut/"));
    // As an article (document) the same page yields no further pages.
    let d = discover(
        &src,
        "https://www.esimerkkilanhva.fi/ajankohtaista/aluehallitus-esittaa-palveluverkon-muutoksia/",
        Role::Document,
        "text/html; charset=utf-8",
        &fixture("news_wordpress_fi.html"),
    );
    assert!(d.targets.is_empty());
}

#[test]
fn valtioneuvosto_liferay_articles() {
    let src = source(
        "valtioneuvosto",
        "https://valtioneuvosto.fi/ajankohtaista/tiedotteet",
        "",
    );
    assert_eq!(src.platform, PlatformKind::Valtioneuvosto);
    let listing = br#"<ul class="press-releases"><li><a href="/-/10616/hyvinvointialueiden-rahoituslaskelmat-paivitetty">Rahoituslaskelmat</a> 8.12.2020</li>
        <li><a href="/haku?q=x">Haku</a></li><li><a href="/ajankohtaista/tiedotteet?page=2">2</a></li></ul>"#;
    let d = discover(
        &src,
        "https://valtioneuvosto.fi/ajankohtaista/tiedotteet",
        Role::Listing,
        "text/html",
        listing,
    );
    let art = find(&d, "/-/10616/hyvinvointialueiden-rahoituslaskelmat-paivitetty");
    assert_eq!(
        (art.role, art.hints.date.as_deref()),
        (Role::Document, Some("8.12.2020"))
    );
    assert_eq!(find(&d, "/ajankohtaista/tiedotteet?page=2").role, Role::Listing);
    assert!(!d.targets.iter().any(|t| t.url.path() == "/haku"));
}

#[test]
fn sitemap_entries_filtered_by_article_rule() {
    let src = source(
        "news",
        "https://vakehyva.fi/fi/ajankohtaista",
        "article_pattern = '^/fi/uutiset/[^/]+$'",
    );
    let xml = br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://vakehyva.fi/fi/uutiset/rokotukset-alkavat</loc><lastmod>2024-10-01</lastmod></url>
        <url><loc>https://vakehyva.fi/fi/palvelut/neuvola</loc></url></urlset>"#;
    let d = discover(
        &src,
        "https://vakehyva.fi/sitemap.xml?page=1",
        Role::Listing,
        "application/xml",
        xml,
    );
    assert_eq!(d.targets.len(), 1);
    assert_eq!(d.targets[0].hints.date.as_deref(), Some("2024-10-01"));
}
