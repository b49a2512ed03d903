//! KTweb / Triplan Tweb minutes publication in the shape of the real captured Oulu and Vantaa pages: a search form
//! (`pk_tek_tweb.htm`) whose POST lists meetings (`pk_kokl_tweb.htm`), an RSS feed, meeting pages
//! (`pk_asil_tweb.htm?+bid=<id>`), item documents (`ktproxy2.dll?doctype=3&docid=<id>`), attachment lists and PDFs;
//! ISO-8859-1 with `noindex, nofollow`; one item document in UTF-16LE without a byte-order mark, as Word writes it.

use std::sync::Arc;

use axum::body::Bytes;
use chrono::NaiveDate;

use crate::site::{HostSite, PDF, RSS};
use crate::text::{esc, fi_date, file, rss_date, to_system_time, to_utf16le_no_bom, to_windows_1252};
use crate::ReplicaError;

use super::Minutes;

const CT: &str = "text/html; charset=iso-8859-1";
/// The docid served in UTF-16LE without BOM (on hosts built with `utf16_item`).
pub(crate) const UTF16_DOCID: u32 = 2003;

/// What the KTweb form handler needs at request time.
#[derive(Debug)]
pub(crate) struct KtwebModel {
    host: String,
    minutes: Minutes,
}

fn chrome(host: &str, org: &str, title: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head>\n<meta http-equiv=\"content-type\" content=\"text/html; charset=iso-8859-1\">\n\
         <title>{t} - {o}</title>\n<meta name=\"robots\" content=\"noindex, nofollow\">\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"https://{host}/ktweb/css/ktweb.css\">\n</head>\n\
         <body class=\"wrap\">\n<div id=\"wrapper\"><div id=\"containerAll\">\n<div id=\"header\"><a href=\"https://{host}/\">\
         {o}</a></div>\n<div class=\"HeadMenuContainer\"><ul id=\"nav\" class=\"nav navbar-nav\">\
         <li><a href=\"https://{host}/ktwebscr/epj_tek_tweb.htm\">Esityslistat</a></li>\
         <li class=\"menuSpacer\">|</li><li><a href=\"https://{host}/ktwebscr/pk_tek_tweb.htm\" class=\"active\">Pöytäkirjat</a></li>\
         <li class=\"menuSpacer\">|</li><li><a href=\"https://{host}/ktwebscr/ktohje.htm\">Ohje</a></li></ul></div>\n\
         <div id=\"content\">\n{content}\n</div>\n<div id=\"footer\">Triplan Oy · KTweb</div>\n</div></div>\n</body></html>\n",
        t = esc(title),
        o = esc(org)
    )
}

impl KtwebModel {
    /// The meeting list, filtered by body id (`kirjaamo`, e.g. `1001.000000`) and dates (`dd.mm.yyyy`).
    pub(crate) fn meeting_list(&self, kirjaamo: Option<&str>, from: Option<&str>, to: Option<&str>) -> Bytes {
        let body_id = kirjaamo
            .and_then(|k| k.split('.').next())
            .and_then(|k| k.trim().parse::<u32>().ok());
        let parse = |s: Option<&str>| s.and_then(|s| NaiveDate::parse_from_str(s.trim(), "%d.%m.%Y").ok());
        let (from, to) = (parse(from), parse(to));
        let m = &self.minutes;
        let mut meetings: Vec<_> = m
            .meetings
            .iter()
            .filter(|mt| body_id.is_none_or(|id| m.bodies.get(mt.body).is_some_and(|b| b.id == id)))
            .filter(|mt| from.is_none_or(|f| mt.date.date_naive() >= f))
            .filter(|mt| to.is_none_or(|t| mt.date.date_naive() <= t))
            .collect();
        meetings.sort_by_key(|m| std::cmp::Reverse(m.date));
        let mut c = String::from(
            "<h1>Pöytäkirjat</h1>\n<table class=\"list\">\n<tbody><tr class=\"colheader\">\n\
             <td class=\"colheader\">Kokouspvm</td>\n<td class=\"colheader\">Toimielin</td>\n</tr>\n",
        );
        for (i, mt) in meetings.iter().enumerate() {
            c.push_str(&format!(
                "<tr class=\"data{}\">\n<td class=\"data\"><a href=\"https://{}/ktwebscr/pk_asil_tweb.htm?+bid={}\">{} {}</a></td>\n\
                 <td class=\"data\">{}: {}/{}</td>\n</tr>\n",
                i % 2,
                self.host,
                mt.id,
                fi_date(&mt.date),
                mt.date.format("%-H:%M"),
                esc(m.body_name(mt)),
                mt.number,
                mt.date.format("%Y")
            ));
        }
        if meetings.is_empty() {
            c.push_str("<tr><td colspan=\"2\">Ei kokouksia.</td></tr>\n");
        }
        c.push_str("</tbody></table>");
        Bytes::from(to_windows_1252(&chrome(&self.host, m.org, "Kokousasiakirjat", &c)))
    }
}

/// Parses an `application/x-www-form-urlencoded` body (at most 64 fields).
pub(crate) fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|p| !p.is_empty())
        .take(64)
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let dec = |s: &str| crate::site::percent_decode(&s.replace('+', " "));
            (dec(k), dec(v))
        })
        .collect()
}

/// Builds a KTweb host. `utf16_item` serves docid [`UTF16_DOCID`] as UTF-16LE without BOM.
pub(crate) fn build(host: &str, m: Minutes, utf16_item: bool) -> Result<HostSite, ReplicaError> {
    let mut site = HostSite::new("ktweb");
    let base = format!("https://{host}");
    let newest = m
        .meetings
        .iter()
        .map(|x| x.date)
        .max()
        .map(|d| to_system_time(&d))
        .unwrap_or(std::time::UNIX_EPOCH);
    // Search form.
    let mut options = String::from("<option value=\"\" selected=\"selected\">Kaikki toimielimet</option>\n");
    for b in &m.bodies {
        options.push_str(&format!("<option value=\"{}.000000\">{}</option>\n", b.id, esc(b.name)));
    }
    let form = format!(
        "<h1>Pöytäkirjat</h1>\n<form action=\"/ktwebscr/pk_kokl_tweb.htm\" name=\"form1\" method=\"POST\">\n\
         <input name=\"oper\" value=\"where\" type=\"hidden\">\n<table class=\"sfld\"><tr>\
         <td class=\"sfldhead\">Toimielin</td><td class=\"sflddata\"><select name=\"kirjaamo\" size=\"1\">{options}</select></td>\
         </tr><tr><td class=\"sfldhead\">Kokouspäivämäärä</td><td class=\"sflddata\"><input name=\"pvm1\" size=\"10\" \
         maxlength=\"10\"> - <input name=\"pvm2\" size=\"10\" maxlength=\"10\">&nbsp;(pp.kk.vvvv)</td></tr><tr>\
         <td class=\"buttonrow\" colspan=\"2\"><input class=\"ktbutton\" value=\"Hae kokoukset\" type=\"submit\"></td></tr>\
         </table>\n</form>\n<p><a href=\"{base}/ktwebscr/pk_rss_tweb.htm\">RSS-syöte</a></p>"
    );
    site.page(
        "/ktwebscr/pk_tek_tweb.htm",
        CT,
        to_windows_1252(&chrome(host, m.org, "Kokousasiakirjat", &form)),
        newest,
    );
    let model = KtwebModel {
        host: host.to_string(),
        minutes: m.clone(),
    };
    site.page(
        "/ktwebscr/pk_kokl_tweb.htm",
        CT,
        model.meeting_list(None, None, None),
        newest,
    );
    // RSS.
    let mut rss = format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\">\n<channel>\n<title>{} - pöytäkirjat</title>\n\
         <link>{base}/ktwebscr/pk_tek_tweb.htm</link>\n<description>Uusimmat pöytäkirjat</description>\n",
        esc(m.org)
    );
    let mut sorted: Vec<_> = m.meetings.iter().collect();
    sorted.sort_by_key(|m| std::cmp::Reverse(m.date));
    for mt in &sorted {
        rss.push_str(&format!(
            "<item>\n<title>{}: {}/{} {}</title>\n<link>{base}/ktwebscr/pk_asil_tweb.htm?+bid={}</link>\n\
             <pubDate>{}</pubDate>\n</item>\n",
            esc(m.body_name(mt)),
            mt.number,
            mt.date.format("%Y"),
            fi_date(&mt.date),
            mt.id,
            rss_date(&mt.date)
        ));
    }
    rss.push_str("</channel>\n</rss>\n");
    site.page(
        "/ktwebscr/pk_rss_tweb.htm",
        RSS.replace("UTF-8", "ISO-8859-1").as_str(),
        to_windows_1252(&rss),
        newest,
    );
    let mut docid = 2000u32;
    let mut attid = 5000u32;
    for mt in &m.meetings {
        let lm = to_system_time(&mt.date);
        let body = m.body_name(mt);
        let mut c = format!(
            "<table class=\"list\"><tr><td class=\"Header\" colspan=\"3\">{b}: {b}<br>{d} {hm}<br>Pöytäkirja</td></tr>\n\
             <tr><td colspan=\"3\"><a href=\"{base}/ktwebbin/ktproxy2.dll?doctype=1&amp;docid={id}\">Koko pöytäkirja (pdf)</a>\
             </td></tr>\n<tr class=\"colheader\"><td class=\"colheader\" width=\"10%\">§</td>\
             <td class=\"colheader\" width=\"10%\">Liitteet</td><td class=\"colheader\" width=\"80%\">Otsikko</td></tr>\n",
            b = esc(body),
            d = fi_date(&mt.date),
            hm = mt.date.format("%-H:%M"),
            id = mt.id
        );
        site.page(
            &format!("/ktwebbin/ktproxy2.dll?doctype=1&docid={}", mt.id),
            PDF,
            file("pdf/poytakirja_ttf.pdf")?,
            lm,
        );
        for (para, idx) in &mt.items {
            docid += 1;
            let item = m.item(*idx)?;
            let atts = m.attachments(*idx);
            let att_cell = if atts.is_empty() {
                "-".to_string()
            } else {
                format!(
                    "<a href=\"{base}/ktwebscr/epjattn_tweb.htm?{docid}\">{} kpl</a>",
                    atts.len()
                )
            };
            c.push_str(&format!(
                "<tr class=\"data{}\">\n<td class=\"data\" valign=\"top\">{para}</td>\n<td class=\"data\" valign=\"top\">{att_cell}</td>\n\
                 <td class=\"data\" valign=\"top\"><a href=\"{base}/ktwebbin/ktproxy2.dll?doctype=3&amp;docid={docid}\">{}</a></td>\n</tr>\n",
                para % 2,
                esc(&item.title)
            ));
            if !atts.is_empty() {
                let mut list = String::from("<h1>Liitteet</h1>\n<table class=\"list\">\n");
                for att in &atts {
                    attid += 1;
                    site.page(
                        &format!("/ktwebbin/ktproxy2.dll?doctype=4&docid={attid}"),
                        PDF,
                        file(att.file)?,
                        lm,
                    );
                    list.push_str(&format!(
                        "<tr><td class=\"data\"><a href=\"{base}/ktwebbin/ktproxy2.dll?doctype=4&amp;docid={attid}\">{}</a></td></tr>\n",
                        esc(att.title)
                    ));
                }
                list.push_str("</table>");
                site.page(
                    &format!("/ktwebscr/epjattn_tweb.htm?{docid}"),
                    CT,
                    to_windows_1252(&chrome(host, m.org, "Liitteet", &list)),
                    lm,
                );
            }
            let utf16 = utf16_item && docid == UTF16_DOCID;
            let charset = if utf16 { "unicode" } else { "iso-8859-1" };
            let doc = format!(
                "<html>\n<head>\n<meta http-equiv=Content-Type content=\"text/html; charset={charset}\">\n\
                 <meta name=Generator content=\"Microsoft Word 15 (filtered)\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n\
                 <title>{t}</title>\n</head>\n<body lang=FI>\n<div class=WordSection1>\n\
                 <p class=MsoNormal><b>{o}</b></p>\n<p class=MsoNormal>Pöytäkirja {num}/{y}</p>\n\
                 <p class=MsoNormal>{b} {d} § {para}</p>\n<h1>§ {para} {t}</h1>\n{text}</div>\n</body>\n</html>\n",
                t = esc(&item.title),
                o = esc(m.org),
                num = mt.number,
                y = mt.date.format("%Y"),
                b = esc(body),
                d = fi_date(&mt.date),
                text = item.body_html("h2", m.org_genitive).replace("<p>", "<p class=MsoNormal>"),
            );
            let path = format!("/ktwebbin/ktproxy2.dll?doctype=3&docid={docid}");
            if utf16 {
                site.page(&path, "text/html", to_utf16le_no_bom(&doc), lm);
            } else {
                site.page(&path, CT, to_windows_1252(&doc), lm);
            }
        }
        c.push_str("</table>");
        site.page(
            &format!("/ktwebscr/pk_asil_tweb.htm?+bid={}", mt.id),
            CT,
            to_windows_1252(&chrome(host, m.org, "Kokousasiakirjat", &c)),
            lm,
        );
    }
    site.page(
        "/ktwebscr/ktohje.htm",
        CT,
        to_windows_1252(&chrome(host, m.org, "Ohje", "<p>Ohje</p>")),
        newest,
    );
    site.ktweb = Some(Arc::new(model));
    site.robots =
        Some("User-agent: *\nDisallow: /ktwebscr/ktohje.htm\nDisallow: /ktwebbin/dbisa.dll/\nCRAWL_DELAY\n".into());
    Ok(site)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_decode() {
        let f = parse_form(b"oper=where&kirjaamo=1001.000000&pvm1=01.01.2024&pvm2=&x=a+b%C3%A4");
        assert_eq!(f.len(), 5);
        assert_eq!(f[1], ("kirjaamo".into(), "1001.000000".into()));
        assert_eq!(f[4].1, "a bä");
    }
}
