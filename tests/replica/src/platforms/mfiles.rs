//! M-Files meeting publication (Etelä-Karjala, `mfiles.ekhva.fi/kokoukset/ekhva/`) in a plausible shape:
//! bodies → meetings → items → PDF documents. Not verified against the live site.

use crate::site::{HostSite, HTML_UTF8, PDF};
use crate::text::{esc, fi_date, file, slugify, to_system_time};
use crate::ReplicaError;

use super::Minutes;

const ROOT: &str = "/kokoukset/ekhva";

fn chrome(org: &str, title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fi\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t} | {o} – kokousjulkaisu</title>\n\
         </head>\n<body>\n<header class=\"mf-header\"><a href=\"{ROOT}/\">{o}</a> – Kokousjulkaisu</header>\n\
         <main class=\"mf-content\">\n{main}</main>\n<footer class=\"mf-footer\">Julkaisu: M-Files</footer>\n</body>\n</html>\n",
        t = esc(title),
        o = esc(org)
    )
}

/// Builds the M-Files host.
pub(crate) fn build(m: &Minutes) -> Result<HostSite, ReplicaError> {
    let mut site = HostSite::new("mfiles");
    site.add_trailing_slash = true;
    let newest = m
        .meetings
        .iter()
        .map(|x| x.date)
        .max()
        .map(|d| to_system_time(&d))
        .unwrap_or(std::time::UNIX_EPOCH);
    let mut main = String::from("<h1>Toimielimet</h1>\n<ul class=\"mf-list\">\n");
    for b in &m.bodies {
        main.push_str(&format!(
            "<li><a href=\"{ROOT}/{}/\">{}</a></li>\n",
            slugify(b.name, '-', false),
            esc(b.name)
        ));
    }
    main.push_str("</ul>\n");
    site.page(
        &format!("{ROOT}/"),
        HTML_UTF8,
        chrome(m.org, "Toimielimet", &main),
        newest,
    );
    let mut doc = 7000u32;
    for (bi, b) in m.bodies.iter().enumerate() {
        let bslug = slugify(b.name, '-', false);
        let mut main = format!("<h1>{}</h1>\n<ul class=\"mf-list\">\n", esc(b.name));
        for mt in m.meetings_of(bi) {
            let lm = to_system_time(&mt.date);
            let mpath = format!("{ROOT}/{bslug}/{}/", mt.date.format("%Y-%m-%d"));
            main.push_str(&format!(
                "<li><a href=\"{mpath}\">Kokous {}/{} – {}</a></li>\n",
                mt.number,
                mt.date.format("%Y"),
                fi_date(&mt.date)
            ));
            doc += 1;
            let minutes_pdf = format!("{ROOT}/document/{doc}.pdf");
            site.page(&minutes_pdf, PDF, file("pdf/poytakirja_ttf.pdf")?, lm);
            let mut mm = format!(
                "<h1>{} {}</h1>\n<p><a class=\"mf-doc\" href=\"{minutes_pdf}\">Pöytäkirja (PDF)</a></p>\n<ol class=\"mf-items\">\n",
                esc(b.name),
                fi_date(&mt.date)
            );
            for (n, (para, idx)) in mt.items.iter().enumerate() {
                let item = m.item(*idx)?;
                let ipath = format!("{mpath}{}/", n + 1);
                mm.push_str(&format!(
                    "<li value=\"{para}\"><a href=\"{ipath}\">{}</a></li>\n",
                    esc(&item.title)
                ));
                let mut docs = String::new();
                for att in m.attachments(*idx) {
                    doc += 1;
                    let p = format!("{ROOT}/document/{doc}.pdf");
                    site.page(&p, PDF, file(att.file)?, lm);
                    docs.push_str(&format!(
                        "<li><a class=\"mf-doc\" href=\"{p}\">{}</a></li>",
                        esc(att.title)
                    ));
                }
                let page = format!(
                    "<h1>§ {para} {}</h1>\n<div class=\"mf-meta\">{} {}</div>\n<div class=\"mf-body\">\n{}</div>\n<ul class=\"mf-docs\">{docs}</ul>\n",
                    esc(&item.title),
                    esc(b.name),
                    fi_date(&mt.date),
                    item.body_html("h2", m.org_genitive)
                );
                site.page(&ipath, HTML_UTF8, chrome(m.org, &item.title, &page), lm);
            }
            mm.push_str("</ol>\n");
            site.page(&mpath, HTML_UTF8, chrome(m.org, b.name, &mm), lm);
        }
        main.push_str("</ul>\n");
        site.page(
            &format!("{ROOT}/{bslug}/"),
            HTML_UTF8,
            chrome(m.org, b.name, &main),
            newest,
        );
    }
    site.robots = Some("User-agent: *\nDisallow: /REST/\nDisallow: /login\nCRAWL_DELAY\n".into());
    Ok(site)
}
