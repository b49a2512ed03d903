//! CaseM / CloudNC publication (`<slug>.cloudnc.fi`) in its current server-rendered HTML shape:
//! `/fi-FI/Toimielimet` → `/fi-FI/Toimielimet/<Body>` (meetings grouped by year) →
//! `/fi-FI/Toimielimet/<Body>/Kokous_<ddmmyyyy>` (items) → `.../<Title_slug>(<id>)` (decision text) →
//! `/download/noname/{<guid>}/<fileid>` (PDF attachments). UTF-8.

use crate::site::{HostSite, HTML_UTF8, PDF};
use crate::text::{esc, fi_date, file, slugify, to_system_time};
use crate::ReplicaError;

use super::Minutes;

fn chrome(org: &str, title: &str, crumbs: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fi-FI\">\n<head>\n<meta charset=\"utf-8\" />\n<title>{t} - {o}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\" />\n\
         <link href=\"/Content/site.css\" rel=\"stylesheet\" />\n</head>\n<body>\n\
         <a class=\"skip-link\" href=\"#main-content\">Siirry sisältöön</a>\n<header class=\"header\"><div class=\"logo\">{o}</div>\
         <nav class=\"top-nav\"><ul><li><a href=\"/fi-FI\">Etusivu</a></li><li><a href=\"/fi-FI/Toimielimet\">Toimielimet</a></li>\
         <li><a href=\"/fi-FI/Viranhaltijat\">Viranhaltijat</a></li><li><a href=\"/fi-FI/Haku\">Haku</a></li>\
         <li><a href=\"/sv-SE\">På svenska</a></li></ul></nav></header>\n<div class=\"breadcrumb\">{crumbs}</div>\n\
         <main id=\"main-content\" class=\"content\">\n{main}</main>\n<footer class=\"footer\"><p>{o}</p>\
         <p>Julkaisujärjestelmä CloudNC</p></footer>\n</body>\n</html>\n",
        t = esc(title),
        o = esc(org)
    )
}

/// `Kokous_<ddmmyyyy>`.
pub(crate) fn meeting_slug(d: &chrono::DateTime<chrono::FixedOffset>) -> String {
    format!("Kokous_{}", d.format("%d%m%Y"))
}

/// Builds a CaseM HTML host.
pub(crate) fn build(m: &Minutes) -> Result<HostSite, ReplicaError> {
    let mut site = HostSite::new("casem");
    let newest = m
        .meetings
        .iter()
        .map(|x| x.date)
        .max()
        .map(|d| to_system_time(&d))
        .unwrap_or(std::time::UNIX_EPOCH);
    let mut list = String::from("<h1>Toimielimet</h1>\n<ul class=\"organ-list\">\n");
    for b in &m.bodies {
        list.push_str(&format!(
            "<li><a href=\"/fi-FI/Toimielimet/{}\">{}</a></li>\n",
            slugify(b.name, '_', true),
            esc(b.name)
        ));
    }
    list.push_str("</ul>\n");
    site.page(
        "/fi-FI/Toimielimet",
        HTML_UTF8,
        chrome(m.org, "Toimielimet", "<a href=\"/fi-FI\">Etusivu</a>", &list),
        newest,
    );
    site.page(
        "/fi-FI",
        HTML_UTF8,
        chrome(
            m.org,
            "Etusivu",
            "",
            "<h1>Päätöksenteko</h1><p><a href=\"/fi-FI/Toimielimet\">Toimielimet</a></p>",
        ),
        newest,
    );
    let mut content_id = 12_000u32;
    let mut file_id = 90_000u32;
    for (bi, b) in m.bodies.iter().enumerate() {
        let bslug = slugify(b.name, '_', true);
        let mut main = format!("<h1>{}</h1>\n", esc(b.name));
        let meetings = m.meetings_of(bi);
        let mut year = String::new();
        for mt in &meetings {
            let y = mt.date.format("%Y").to_string();
            if y != year {
                if !year.is_empty() {
                    main.push_str("</ul>\n");
                }
                main.push_str(&format!("<h2>{y}</h2>\n<ul class=\"meeting-list\">\n"));
                year = y;
            }
            main.push_str(&format!(
                "<li><a href=\"/fi-FI/Toimielimet/{bslug}/{}\">Kokous {}</a> <span class=\"doc-type\">Pöytäkirja</span></li>\n",
                meeting_slug(&mt.date),
                fi_date(&mt.date)
            ));
        }
        if !year.is_empty() {
            main.push_str("</ul>\n");
        }
        let crumbs = "<a href=\"/fi-FI\">Etusivu</a> › <a href=\"/fi-FI/Toimielimet\">Toimielimet</a>";
        site.page(
            &format!("/fi-FI/Toimielimet/{bslug}"),
            HTML_UTF8,
            chrome(m.org, b.name, crumbs, &main),
            newest,
        );
        for mt in meetings {
            let lm = to_system_time(&mt.date);
            let mpath = format!("/fi-FI/Toimielimet/{bslug}/{}", meeting_slug(&mt.date));
            let mut main = format!(
                "<h1>{} {} Pöytäkirja</h1>\n<p class=\"meeting-info\">Kokousaika {} klo {} · Paikka: hallintokeskus</p>\n\
                 <table class=\"agenda\"><thead><tr><th>§</th><th>Otsikko</th></tr></thead><tbody>\n",
                esc(b.name),
                fi_date(&mt.date),
                fi_date(&mt.date),
                mt.date.format("%-H.%M")
            );
            for (para, idx) in &mt.items {
                content_id += 1;
                let item = m.item(*idx)?;
                let ipath = format!("{mpath}/{}({content_id})", slugify(&item.title, '_', true));
                main.push_str(&format!(
                    "<tr><td>§ {para}</td><td><a href=\"{ipath}\">{}</a></td></tr>\n",
                    esc(&item.title)
                ));
                let mut atts = String::new();
                for att in m.attachments(*idx) {
                    file_id += 1;
                    let guid = format!("{:08x}-4c1e-4b2a-9d3f-{:012x}", file_id, u64::from(content_id) * 7919);
                    let fpath = format!("/download/noname/{{{guid}}}/{file_id}");
                    site.page(&fpath, PDF, file(att.file)?, lm);
                    atts.push_str(&format!(
                        "<li><a href=\"{fpath}\" class=\"attachment\">{}</a></li>",
                        esc(att.title)
                    ));
                }
                let att_html = if atts.is_empty() {
                    String::new()
                } else {
                    format!("<h3>Liitteet</h3><ul class=\"attachments\">{atts}</ul>")
                };
                let page = format!(
                    "<h1>§ {para} {t}</h1>\n<p class=\"meeting-info\">{b} {d}</p>\n<div class=\"content-text\">\n{text}</div>\n{att_html}\n\
                     <p><a href=\"{mpath}\">Takaisin kokoukseen</a></p>\n",
                    t = esc(&item.title),
                    b = esc(b.name),
                    d = fi_date(&mt.date),
                    text = item.body_html("h3", m.org_genitive)
                );
                let crumbs = format!(
                    "<a href=\"/fi-FI\">Etusivu</a> › <a href=\"/fi-FI/Toimielimet\">Toimielimet</a> › \
                     <a href=\"/fi-FI/Toimielimet/{bslug}\">{}</a> › <a href=\"{mpath}\">Kokous {}</a>",
                    esc(b.name),
                    fi_date(&mt.date)
                );
                site.page(&ipath, HTML_UTF8, chrome(m.org, &item.title, &crumbs, &page), lm);
            }
            main.push_str("</tbody></table>\n");
            let crumbs = format!(
                "<a href=\"/fi-FI\">Etusivu</a> › <a href=\"/fi-FI/Toimielimet\">Toimielimet</a> › \
                 <a href=\"/fi-FI/Toimielimet/{bslug}\">{}</a>",
                esc(b.name)
            );
            site.page(&mpath, HTML_UTF8, chrome(m.org, b.name, &crumbs, &main), lm);
        }
    }
    site.robots = Some("User-agent: *\nDisallow: /fi-FI/Haku\nDisallow: /download/temp/\nCRAWL_DELAY\n".into());
    Ok(site)
}
