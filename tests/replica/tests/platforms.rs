//! The meeting platforms end to end (body → meeting → item → attachment) and a link check over every host.

mod common;

use std::collections::{BTreeSet, VecDeque};

use common::{client, cp1252, get, get_ok, links, TestResult};
use sotehaku_replica::Replica;

fn first_link<'a>(all: &'a [String], needle: &str) -> Result<&'a String, String> {
    all.iter()
        .find(|l| l.contains(needle))
        .ok_or_else(|| format!("no link containing {needle}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynasty_bodies_meetings_items_attachments() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let host = "http://luhva-d10julk.oncloudos.com";
    let r = c
        .get(format!("{host}/cgi/DREQUEST.PHP?page=meeting_frames"))
        .send()
        .await?;
    assert_eq!(
        r.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/html; charset=windows-1252")
    );
    let frames = cp1252(&r.bytes().await?);
    assert!(frames.contains("src=\"../kokous/TELIMET.HTM\""));
    let (_, bodies) = get(&c, &format!("{host}/kokous/TELIMET.HTM")).await?;
    assert!(std::str::from_utf8(&bodies).is_err(), "windows-1252 bytes, not UTF-8");
    let bodies = cp1252(&bodies);
    assert!(bodies.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(bodies.contains("<!--TIETUE:TELIN-1001-->"));
    let telin = first_link(&links(&bodies), "TELIN-1001.HTM")?.clone();
    let meetings = cp1252(&get(&c, &telin).await?.1);
    assert!(meetings.contains("11.03.2024"));
    let minutes_url = first_link(&links(&meetings), "20240001.HTM")?.clone();
    let minutes = cp1252(&get(&c, &minutes_url).await?.1);
    let items: Vec<String> = links(&minutes)
        .into_iter()
        .filter(|l| l.contains("20240001-"))
        .collect();
    assert_eq!(items.len(), 4);
    let item = cp1252(&get(&c, first_link(&items, "20240001-2.HTM")?).await?.1);
    assert!(item.contains("Pöytäkirja 11.03.2024 Pykälä 42"));
    assert!(item.contains("Länsi-Uudenmaan hyvinvointialueen palvelustrategiassa"));
    assert!(item.contains("<h2>Päätösehdotus</h2>"));
    let pdf = first_link(&links(&item), "20240001-2-1.PDF")?.clone();
    let r = c.get(common::http(&pdf)).send().await?;
    assert_eq!(
        r.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(r.bytes().await?.starts_with(b"%PDF"));
    // The query-string views, reached from the RSS feed.
    let rss = cp1252(&get(&c, &format!("{host}/cgi/DREQUEST.PHP?page=rss")).await?.1);
    let meeting = rss
        .split("<link>")
        .filter_map(|s| s.split("</link>").next())
        .find(|l| l.contains("page=meeting&amp;id=20240001"))
        .ok_or("meeting 20240001 not in the feed")?
        .replace("&amp;", "&");
    let list = cp1252(&get(&c, &meeting).await?.1);
    let item_link = first_link(&links(&list), "page=meetingitem&id=20240001-2")?.clone();
    let item_url = format!("{host}/cgi/{item_link}");
    let item = cp1252(&get(&c, &item_url).await?.1);
    assert!(item.contains("Aluehallitus<br>Pöytäkirja 11.03.2024/Pykälä 42"));
    assert!(item.contains("<p><b>Päätös</b></p>"));
    let att = first_link(&links(&item), "page=meetingitem_attachment&id=20240001-2-1")?.clone();
    assert!(get(&c, &format!("{host}/cgi/{att}")).await?.1.starts_with(b"%PDF"));
    // The real captured Espoo pages, byte for byte.
    let (status, real) = get(&c, "http://espoo04.hosting.documenta.fi/kokous/2017406946.HTM").await?;
    assert_eq!(status, 200);
    assert!(cp1252(&real).contains("Lausunnon\n antaminen valtiovarainministeriölle"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ktweb_form_post_rss_items_and_utf16() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let host = "http://phhyky-julkaisu.tweb.fi";
    let form = cp1252(&get(&c, &format!("{host}/ktwebscr/pk_tek_tweb.htm")).await?.1);
    assert!(form.contains("<form action=\"/ktwebscr/pk_kokl_tweb.htm\" name=\"form1\" method=\"POST\">"));
    assert!(form.contains("<option value=\"1002.000000\">Aluevaltuusto</option>"));
    assert!(form.contains("noindex, nofollow"));
    let post = |body: &'static str| {
        c.post(format!("{host}/ktwebscr/pk_kokl_tweb.htm"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let all = cp1252(&post("oper=where&kirjaamo=&pvm1=&pvm2=").await?.bytes().await?);
    assert_eq!(all.matches("pk_asil_tweb.htm?+bid=").count(), 3);
    let hallitus = cp1252(
        &post("oper=where&kirjaamo=1001.000000&pvm1=&pvm2=")
            .await?
            .bytes()
            .await?,
    );
    assert_eq!(hallitus.matches("pk_asil_tweb.htm?+bid=").count(), 2);
    let dated = cp1252(
        &post("oper=where&kirjaamo=&pvm1=01.05.2024&pvm2=31.05.2024")
            .await?
            .bytes()
            .await?,
    );
    assert_eq!(dated.matches("pk_asil_tweb.htm?+bid=").count(), 1);
    assert!(dated.contains("27.5.2024 14:00"));
    let rss = cp1252(&get(&c, &format!("{host}/ktwebscr/pk_rss_tweb.htm")).await?.1);
    assert_eq!(rss.matches("<item>").count(), 3);

    let meeting = cp1252(
        &get(&c, &format!("{host}/ktwebscr/pk_asil_tweb.htm?+bid=13001"))
            .await?
            .1,
    );
    let docs: Vec<String> = links(&meeting)
        .into_iter()
        .filter(|l| l.contains("doctype=3"))
        .collect();
    assert_eq!(docs.len(), 4);
    let item = cp1252(&get(&c, first_link(&docs, "docid=2002")?).await?.1);
    assert!(item.contains("§ 42 Palvelustrategian hyväksyminen vuosille 2024–2027"));
    // docid 2003: UTF-16LE without BOM and without a charset in the header.
    let r = c
        .get(format!("{host}/ktwebbin/ktproxy2.dll?doctype=3&docid=2003"))
        .send()
        .await?;
    assert_eq!(
        r.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/html")
    );
    let bytes = r.bytes().await?;
    assert_eq!(bytes.get(..4), Some(&b"<\0h\0"[..]));
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let text = String::from_utf16(&units)?;
    assert!(text.contains("asiakasmaksujen tarkistaminen"));
    assert!(text.contains("Päijät-Hämeen hyvinvointialueen asiakasmaksut"));
    // Attachments.
    let list = cp1252(&get(&c, &format!("{host}/ktwebscr/epjattn_tweb.htm?2002")).await?.1);
    let pdf = first_link(&links(&list), "doctype=4")?.clone();
    assert!(get(&c, &pdf).await?.1.starts_with(b"%PDF"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn casem_html_and_json_api_and_mfiles() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    let bodies = get_ok(&c, "http://pirha.cloudnc.fi/fi-FI/Toimielimet").await?;
    let hallitus = first_link(&links(&bodies), "/fi-FI/Toimielimet/Aluehallitus")?.clone();
    let meetings = get_ok(&c, &format!("http://pirha.cloudnc.fi{hallitus}")).await?;
    assert!(meetings.contains("<h2>2024</h2>"));
    let meeting = first_link(&links(&meetings), "Kokous_27052024")?.clone();
    let agenda = get_ok(&c, &format!("http://pirha.cloudnc.fi{meeting}")).await?;
    let item = first_link(&links(&agenda), "Terveysasemien_palveluverkon_muutos(")?.clone();
    let page = get_ok(&c, &format!("http://pirha.cloudnc.fi{item}")).await?;
    assert!(page.contains("<div class=\"content-text\">"));
    assert!(page.contains("Keskustelun kuluessa jäsen Laine"));
    let att: Vec<String> = links(&page)
        .into_iter()
        .filter(|l| l.starts_with("/download/noname/{"))
        .collect();
    assert_eq!(att.len(), 2);
    // reqwest percent-encodes the braces; the replica accepts both spellings.
    let pdf = get(&c, &format!("http://pirha.cloudnc.fi{}", att[0])).await?;
    assert_eq!(pdf.0, 200);
    assert!(pdf.1.starts_with(b"%PDF"));

    let nodes: serde_json::Value =
        serde_json::from_str(&get_ok(&c, "http://tampere.cloudnc.fi/api/opennc/v1/Nodes").await?)?;
    assert!(nodes["value"].as_array().is_some_and(|v| !v.is_empty()));
    let contents: serde_json::Value =
        serde_json::from_str(&get_ok(&c, "http://tampere.cloudnc.fi/api/opennc/v1/Nodes(11292)/Contents").await?)?;
    let first = contents["value"][1]["ContentId"].as_i64().ok_or("no ContentId")?;
    let props: serde_json::Value = serde_json::from_str(
        &get_ok(
            &c,
            &format!("http://tampere.cloudnc.fi/api/opennc/v1/Contents({first})/ExtendedProperties"),
        )
        .await?,
    )?;
    assert!(props["value"]
        .as_array()
        .is_some_and(|v| v.iter().any(|p| p["Name"] == "Decision")));
    let mik = get_ok(&c, "http://mikkeli.cloudnc.fi/api/opennc/v1/Nodes").await?;
    assert!(mik.contains("\"NodeId\""));

    let root = get_ok(&c, "http://mfiles.ekhva.fi/kokoukset/ekhva/").await?;
    let body = first_link(&links(&root), "/kokoukset/ekhva/aluehallitus/")?.clone();
    let meetings = get_ok(&c, &format!("http://mfiles.ekhva.fi{body}")).await?;
    let meeting = first_link(&links(&meetings), "2024-03-11")?.clone();
    let items = get_ok(&c, &format!("http://mfiles.ekhva.fi{meeting}")).await?;
    assert!(items.contains("Pöytäkirja (PDF)"));
    let item = get_ok(&c, &format!("http://mfiles.ekhva.fi{meeting}2/")).await?;
    assert!(item.contains("Etelä-Karjalan hyvinvointialueen palvelustrategiassa"));
    Ok(())
}

/// Every same-host link on every generated page resolves (200 or a redirect), so adapters only meet the failures
/// that are there on purpose. Bounded by the number of stored URLs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_same_host_link_resolves() -> TestResult {
    let replica = Replica::start()?;
    let c = client(&replica);
    for host in ["vakehyva.fi", "pirha.cloudnc.fi"] {
        replica.set_rate_limited(host, 0);
    }
    let _ = get(&c, "http://pirha.cloudnc.fi/fi-FI/Toimielimet/Aluevaltuusto").await?; // use up the 503
    replica.set_slow("hyvaep-julkaisu.tweb.fi", std::time::Duration::ZERO);
    let skip_hosts = ["espoo04.hosting.documenta.fi", sotehaku_replica::DEAD_HOST];
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut stored = 0;
    for host in replica.hosts() {
        if skip_hosts.contains(&host.as_str()) {
            continue;
        }
        for url in replica.urls(&host) {
            stored += 1;
            queue.push_back(url);
        }
    }
    assert!(stored > 150, "{stored} stored URLs");
    let mut seen = BTreeSet::new();
    let mut broken = Vec::new();
    let mut fetched = 0;
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) || url.contains("/arkisto/") {
            continue;
        }
        fetched += 1;
        assert!(fetched < 2000, "link check does not end");
        let resp = c.get(&url).send().await?;
        let status = resp.status().as_u16();
        if !(200..400).contains(&status) {
            broken.push(format!("{url} → {status}"));
            continue;
        }
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = resp.bytes().await?;
        if !ct.starts_with("text/html") || ct == "text/html" {
            continue;
        }
        let base = reqwest::Url::parse(&url)?;
        for l in links(&cp1252(&bytes)) {
            let Ok(target) = base.join(&l) else { continue };
            let same = target.host_str() == base.host_str();
            let lower = target.path().to_ascii_lowercase();
            let decoration = [".css", ".js", ".ico", ".png", ".gif", ".jpg", ".svg"]
                .iter()
                .any(|e| lower.ends_with(e));
            if same && !decoration && !l.starts_with('#') {
                let mut t = target.clone();
                let _ = t.set_scheme("http");
                t.set_fragment(None);
                queue.push_back(t.to_string());
            }
        }
    }
    assert!(broken.is_empty(), "broken same-host links:\n{}", broken.join("\n"));
    let mut per_host = std::collections::BTreeMap::new();
    for url in &seen {
        let host = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or("")
            .to_string();
        *per_host.entry(host).or_insert(0usize) += 1;
    }
    println!("{stored} stored URLs, {fetched} fetched; per host: {per_host:#?}");
    Ok(())
}
