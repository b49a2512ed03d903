//! valtioneuvosto.fi press releases (Liferay): `/-/<id>/<slug>` pages with "Julkaisuajankohta d.m.yyyy h.mm",
//! a listing and an RSS feed.

use crate::site::{HostSite, HTML_UTF8, RSS};
use crate::text::{articles_under, esc, fi_date, rss_date, Article};
use crate::ReplicaError;

const HOST: &str = "valtioneuvosto.fi";

fn url_path(a: &Article) -> String {
    format!("/-/{}/{}", a.field("id").unwrap_or("0"), a.slug)
}

fn chrome(title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html class=\"ltr\" dir=\"ltr\" lang=\"fi-FI\">\n<head>\n<meta charset=\"UTF-8\">\n\
         <title>{t} - Valtioneuvosto</title>\n<meta property=\"og:title\" content=\"{t}\">\n\
         <meta property=\"og:site_name\" content=\"Valtioneuvosto\">\n</head>\n<body>\n<div id=\"header\">\
         <a href=\"#content\" class=\"skip-to-content\">Hyppää sisältöön</a>\n<ul class=\"lang\"><li>Suomeksi</li>\
         <li><a href=\"/sv/start\">På svenska</a></li><li><a href=\"/en/frontpage\">In English</a></li></ul>\n\
         <ul class=\"nav\"><li><a href=\"/hallitus\">Hallitus</a></li><li><a href=\"/ajankohtaista/tiedotteet\">\
         Ajankohtaista</a></li><li><a href=\"/julkaisut\">Julkaisut</a></li><li><a href=\"/hankkeet\">Hankkeet</a></li>\
         </ul>\n<form action=\"/haku\"><input name=\"q\"></form></div>\n<div id=\"content\">\n{main}</div>\n\
         <div id=\"footer\"><p>Valtioneuvosto · Snellmaninkatu 1 · PL 23, 00023 Valtioneuvosto</p>\
         <p><a href=\"/tietoa-sivustosta\">Tietoa sivustosta</a> · <a href=\"/saavutettavuusseloste\">\
         Saavutettavuusseloste</a></p></div>\n</body>\n</html>\n",
        t = esc(title)
    )
}

/// Builds `valtioneuvosto.fi`.
pub(crate) fn build() -> Result<(String, HostSite), ReplicaError> {
    let all = articles_under("news/vn-")?;
    let mut site = HostSite::new("valtioneuvosto");
    let last = all
        .first()
        .map(Article::system_time)
        .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
    for a in &all {
        let main = format!(
            "<div class=\"journal-content-article\">\n<h1>{t}</h1>\n<div class=\"ministries\">{m}</div>\n\
             <div class=\"publish-date\">Julkaisuajankohta {d} {hm}</div>\n<div class=\"doc-type\">Tiedote</div>\n\
             {body}<h3>Lisätietoja</h3><p>neuvotteleva virkamies Maija Esimerkki, puh. 0295 000 000</p>\n</div>\n",
            t = esc(&a.title),
            m = esc(a.field("ministries").unwrap_or("")),
            d = fi_date(&a.date),
            hm = a.date.format("%-H.%M"),
            body = a.body_html("h3", ""),
        );
        site.page(&url_path(a), HTML_UTF8, chrome(&a.title, &main), a.system_time());
    }
    let mut list = String::from("<h1>Tiedotteet</h1>\n<ul class=\"press-releases\">\n");
    for a in &all {
        list.push_str(&format!(
            "<li><span class=\"date\">{}</span> <a href=\"https://{HOST}{}\">{}</a></li>\n",
            fi_date(&a.date),
            url_path(a),
            esc(&a.title)
        ));
    }
    list.push_str("</ul>\n<p><a href=\"/rss/tiedotteet\">RSS</a></p>\n");
    site.page(
        "/ajankohtaista/tiedotteet",
        HTML_UTF8,
        chrome("Tiedotteet", &list),
        last,
    );
    let mut rss = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>Valtioneuvosto - \
         Tiedotteet</title>\n<link>https://valtioneuvosto.fi/ajankohtaista/tiedotteet</link>\n\
         <description>Valtioneuvoston tiedotteet</description>\n",
    );
    for a in &all {
        rss.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>https://{HOST}{}</link>\n<description>{}</description>\n\
             <pubDate>{}</pubDate>\n<guid>https://{HOST}{}</guid>\n</item>\n",
            esc(&a.title),
            url_path(a),
            esc(&a.lead()),
            rss_date(&a.date),
            url_path(a)
        ));
    }
    rss.push_str("</channel>\n</rss>\n");
    site.page("/rss/tiedotteet", RSS, rss, last);
    site.robots = Some("User-agent: *\nDisallow: /haku\nDisallow: /c/\nCRAWL_DELAY\n".to_string());
    Ok((HOST.to_string(), site))
}
