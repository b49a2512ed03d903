//! Dynasty (Innofactor/Documenta) minutes publication in the shape of the real captured Espoo pages:
//! `cgi/DREQUEST.PHP?page=meeting_frames` → `kokous/TELIMET.HTM` (bodies) → `TELIN-<id>.HTM` (meetings) →
//! `<meeting>.HTM` (minutes) → `<meeting>-<n>.HTM` (items) → `<meeting>-<n>-<k>.PDF`, in windows-1252 with `noindex`.

use crate::site::{HostSite, PDF};
use crate::text::{esc, fi_date_padded, file, to_system_time, to_windows_1252};
use crate::ReplicaError;

use super::Minutes;

const CT: &str = "text/html; charset=windows-1252";

fn page(host: &str, org: &str, class: &str, crumbs: &str, label: &str, data: &str) -> String {
    format!(
        "<html><head>\n <meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\n \
         <meta http-equiv=\"pragma\" content=\"no-cache\">\n <meta http-equiv=\"cache-control\" content=\"no-cache\">\n \
         <meta name=\"robots\" content=\"noindex\">\n <title>{org}</title>\n \
         <link rel=\"stylesheet\" type=\"text/css\" href=\"https://{host}/kokous/DJULKAISU.CSS\">\n \
         <script language=\"JavaScript\" src=\"https://{host}/kokous/DJULKAISU.JS\"></script>\n <!--PARENTUPD-->\n\
         </head>\n\n<body class=\"{class}\" onload=\"init()\">\n<center>\n  {crumbs}\n</center>\n\n\
         <table class=\"tbl\" cellspacing=\"0\" width=\"100%\">\n<colgroup><col width=\"\"></colgroup>\n\
         <tbody><tr><td><hr size=\"4\"></td>\n</tr><tr><td align=\"center\"><label class=\"h3\"><!-- RSPEAK_START -->\
         {label}<!-- RSPEAK_STOP --></label><!--READSPEAKER--></td>\n</tr><tr><td><hr size=\"4\"></td>\n\
         </tr></tbody></table>\n\n<p style=\"margin:0px\">\n\n<table class=\"tbl\" cellspacing=\"0\" width=\"100%\">\n\
         <colgroup><col width=\"\"></colgroup>\n<tbody><tr><td style=\"padding-left:5px; padding-right:5px\">\n\n\
         <!--DATA_BEGIN-->\n{data}\n<!--DATA_END-->\n\n</td></tr></tbody></table></p></body></html>\n",
        org = esc(org)
    )
}

/// Builds a Dynasty host from the minutes.
/// `root` is the path prefix of self-hosted installations (`/vatejulk`), empty on `*.oncloudos.com`.
pub(crate) fn build(host: &str, root: &str, m: &Minutes) -> Result<HostSite, ReplicaError> {
    let mut site = HostSite::new("dynasty");
    let k = format!("https://{host}{root}/kokous");
    let search =
        format!("<a href=\"https://{host}{root}/cgi/DREQUEST.PHP?page=meeting_frames\" target=\"_top\">Avaa haku</a>");
    let newest = m
        .meetings
        .iter()
        .map(|x| x.date)
        .max()
        .map(|d| to_system_time(&d))
        .unwrap_or(std::time::UNIX_EPOCH);
    let frames = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
         <meta name=\"robots\" content=\"noindex\"><title>{org} - Dynasty tietopalvelu</title></head>\n\
         <frameset rows=\"90,*\"><frame name=\"ylaosa\" src=\"DREQUEST.PHP?page=meeting_search\" scrolling=\"no\">\
         <frame name=\"sisalto\" src=\"../kokous/TELIMET.HTM\"></frameset>\n<noframes><body>\
         <a href=\"../kokous/TELIMET.HTM\">Kokouslistat</a></body></noframes></html>\n",
        org = esc(m.org)
    );
    site.page(
        &format!("{root}/cgi/DREQUEST.PHP?page=meeting_frames"),
        CT,
        to_windows_1252(&frames),
        newest,
    );
    if !root.is_empty() {
        let entry = frames.replace(
            "DREQUEST.PHP?page=meeting_search",
            "cgi/DREQUEST.PHP?page=meeting_search",
        );
        let entry = entry.replace("../kokous/TELIMET.HTM", "kokous/TELIMET.HTM");
        site.page(&format!("{root}/"), CT, to_windows_1252(&entry), newest);
    }
    site.page(
        &format!("{root}/cgi/DREQUEST.PHP?page=meeting_search"),
        CT,
        to_windows_1252(&format!(
            "<html><head><meta name=\"robots\" content=\"noindex\"></head><body><form action=\"DREQUEST.PHP\" \
             method=\"get\"><input type=\"hidden\" name=\"page\" value=\"search\"><input name=\"text\">\
             <input type=\"submit\" value=\"Hae\"></form><a href=\"../kokous/TELIMET.HTM\" target=\"sisalto\">\
             Toimielimet</a> {}</body></html>\n",
            esc(m.org)
        )),
        newest,
    );
    // Bodies.
    let mut data = String::from(
        "<table class=\"tbl\" cellspacing=\"0\" border=\"0\" width=\"100%\">\n<tbody><tr class=\"trHea\">\
         <td class=\"tcHeaFirst\" colspan=\"2\" height=\"25\">&nbsp;Toimielimet</td><td class=\"tcHea\">&nbsp;</td>\n\
         <td class=\"tcHea\">Viimeisin&nbsp;kokous</td><td class=\"tcHeaLast\" width=\"100%\">&nbsp;</td>\n\
         </tr><tr><td class=\"tcHeaSepa\">&nbsp;</td>\n",
    );
    for (bi, body) in m.bodies.iter().enumerate() {
        let latest = m.meetings_of(bi).first().map(|x| (fi_date_padded(&x.date), x.id));
        data.push_str(&format!(
            "<!--TIETUE:TELIN-{id}-->\n<!--{n}-->\n</tr><tr><td class=\"tcBul\">&nbsp;&nbsp;&nbsp;&nbsp;</td>\n\
             <td class=\"tcDat\" nowrap=\"nowrap\"><a href=\"{k}/TELIN-{id}.HTM\">{n}</a></td><td></td>\n",
            id = body.id,
            n = esc(body.name)
        ));
        if let Some((d, mid)) = latest {
            data.push_str(&format!(
                "<td colspan=\"3\" class=\"tcDat\">{d}&nbsp;&nbsp;<a href=\"{k}/{mid}.HTM\">Pöytäkirja</a></td>\n"
            ));
        }
        data.push_str("<!--TIETUE-->\n");
    }
    data.push_str("</tr></tbody></table>");
    let html = page(
        host,
        m.org,
        "bodyTelimet",
        &search,
        &format!("{}<br>Kokouslistat", esc(m.org)),
        &data,
    );
    site.page(
        &format!("{root}/kokous/TELIMET.HTM"),
        CT,
        to_windows_1252(&html),
        newest,
    );
    for (bi, body) in m.bodies.iter().enumerate() {
        let mut data = String::from(
            "<table class=\"tbl\" cellspacing=\"0\" border=\"0\" width=\"100%\">\n<tbody><tr class=\"trHea\">\
             <td class=\"tcHeaFirst\" colspan=\"2\" height=\"25\">&nbsp;Vuosi&nbsp;2024</td>\n\
             <td class=\"tcHeaLast\" width=\"100%\">&nbsp;</td>\n</tr><tr><td class=\"tcHeaSepa\">&nbsp;</td>\n",
        );
        for mt in m.meetings_of(bi) {
            data.push_str(&format!(
                "<!--TIETUE:{id}-->\n<!--{iso}-->\n<!--{id}.HTM-->\n</tr><tr><td class=\"tcDat\">&nbsp;&nbsp;{d}&nbsp;&nbsp;</td>\n\
                 <td class=\"tcDat\" width=\"100%\"><a href=\"{k}/{id}.HTM\">Pöytäkirja</a></td>\n<!--TIETUE-->\n",
                id = mt.id,
                iso = mt.date.format("%Y-%m-%d"),
                d = fi_date_padded(&mt.date)
            ));
        }
        data.push_str("</tr></tbody></table>");
        let crumbs = format!("<a href=\"{k}/TELIMET.HTM\">Toimielimet</a>&nbsp;|&nbsp;{search}");
        let html = page(
            host,
            m.org,
            "bodyTelin",
            &crumbs,
            &format!("Kokouslistat<br>{}", esc(body.name)),
            &data,
        );
        site.page(
            &format!("{root}/kokous/TELIN-{}.HTM", body.id),
            CT,
            to_windows_1252(&html),
            newest,
        );
    }
    for mt in &m.meetings {
        let body = m.body_name(mt);
        let body_id = m.bodies.get(mt.body).map(|b| b.id).unwrap_or(0);
        let lm = to_system_time(&mt.date);
        let d = fi_date_padded(&mt.date);
        let crumbs = format!(
            "<a href=\"{k}/TELIMET.HTM\">Toimielimet</a> | <a href=\"{k}/TELIN-{body_id}.HTM\">{b}</a>&nbsp;|&nbsp;{search}",
            b = esc(body)
        );
        let mut data = format!(
            "<table class=\"tbl\" cellspacing=\"0\" border=\"0\" width=\"100%\">\n<tbody><tr class=\"trHea\">\
             <td class=\"tcHeaFirst\" height=\"25\">&nbsp;Pykälä</td>\n<td class=\"tcHea\">&nbsp;</td>\n\
             <td class=\"tcHea\">Otsikko</td>\n<td class=\"tcHeaLast\" width=\"100%\" align=\"right\">\n\
             &nbsp;<a target=\"_blank\" href=\"{k}/{id}.PDF\" class=\"linkMListPDF\">Pöytäkirja&nbsp;PDF-muodossa</a>\n\
             &nbsp;</td>\n</tr><tr><td class=\"tcHeaSepa\">&nbsp;</td>\n",
            id = mt.id
        );
        for (n, (para, idx)) in mt.items.iter().enumerate() {
            let item = m.item(*idx)?;
            data.push_str(&format!(
                "</tr><tr><td class=\"tcDat\" valign=\"top\">&nbsp;&nbsp;{para}</td><td>&nbsp;</td>\
                 <td class=\"tcDat\" colspan=\"3\"><a href=\"{k}/{id}-{n1}.HTM\">{t}</a></td>\n",
                id = mt.id,
                n1 = n + 1,
                t = esc(&item.title)
            ));
        }
        data.push_str("</tr></tbody></table>");
        let label = format!(
            "{}<br>Pöytäkirja {d} klo {} / Tarkastettu",
            esc(body),
            mt.date.format("%H:%M")
        );
        let html = page(host, m.org, "bodyKokous", &crumbs, &label, &data);
        site.page(&format!("{root}/kokous/{}.HTM", mt.id), CT, to_windows_1252(&html), lm);
        site.page(
            &format!("{root}/kokous/{}.PDF", mt.id),
            PDF,
            file("pdf/poytakirja_ttf.pdf")?,
            lm,
        );
        let count = mt.items.len();
        for (n, (para, idx)) in mt.items.iter().enumerate() {
            let item = m.item(*idx)?;
            let n1 = n + 1;
            let mut nav = String::new();
            if n1 > 1 {
                nav.push_str(&format!("<a href=\"{k}/{}-{}.HTM\">Edellinen asia</a>", mt.id, n1 - 1));
            }
            if n1 < count {
                if !nav.is_empty() {
                    nav.push_str(" | ");
                }
                nav.push_str(&format!("<a href=\"{k}/{}-{}.HTM\">Seuraava asia</a>", mt.id, n1 + 1));
            }
            let mut atts = String::new();
            for (ai, att) in m.attachments(*idx).iter().enumerate() {
                let path = format!("{root}/kokous/{}-{}-{}.PDF", mt.id, n1, ai + 1);
                site.page(&path, PDF, file(att.file)?, lm);
                atts.push_str(&format!(
                    "<tr><td valign=\"top\">&nbsp;</td><td valign=\"top\">&nbsp;</td><td><a href=\"https://{host}{path}\" \
                     target=\"_blank\">{}</a></td></tr>",
                    esc(att.title)
                ));
            }
            let mut word = format!(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"> \
                 <meta name=\"Generator\" content=\"Microsoft Word 15 (filtered)\">\n<div class=\"WordSection1\">\n\
                 <p class=\"MsoNormal\"><b>{b} § {para}</b></p>\n<p class=\"MsoNormal\">{d}</p>\n\
                 <h1>{t}</h1>\n",
                b = esc(body),
                t = esc(&item.title)
            );
            for line in item.body_html("h2", m.org_genitive).lines() {
                word.push_str(&line.replace("<p>", "<p class=\"MsoNormal\">"));
                word.push('\n');
            }
            word.push_str("</div>\n");
            let data = format!(
                "<div class=\"tblDoc\"><div class=\"tcDoc\"><div class=\"tcDat\"><table width=\"100%\"><tbody><tr>\
                 <td class=\"tcDat\">{nav}</td><td class=\"tcDat\" align=\"right\">&nbsp;&nbsp;<a target=\"_blank\" \
                 href=\"{k}/{id}-{n1}.PDF\">Kokousasia&nbsp;PDF-muodossa</a></td></tr></tbody></table></div><hr>\
                 {liitteet}{word}</div></div>",
                id = mt.id,
                liitteet = if atts.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<div class=\"tcDat\">Liitteet<table class=\"tcDat\"><tbody>{atts}</tbody></table></div><hr>"
                    )
                }
            );
            site.page(
                &format!("{root}/kokous/{}-{n1}.PDF", mt.id),
                PDF,
                file("pdf/poytakirja_helvetica.pdf")?,
                lm,
            );
            let crumbs2 = format!(
                "<a href=\"{k}/TELIMET.HTM\">Toimielimet</a> | <a href=\"{k}/TELIN-{body_id}.HTM\">{b}</a> | \
                 <a href=\"{k}/{id}.HTM\">Pöytäkirja {d}</a>&nbsp;|&nbsp;{search}",
                b = esc(body),
                id = mt.id
            );
            let label = format!("{}<br>Pöytäkirja {d} Pykälä {para}", esc(body));
            let html = page(host, m.org, "bodyKokousasia", &crumbs2, &label, &data);
            site.page(
                &format!("{root}/kokous/{}-{n1}.HTM", mt.id),
                CT,
                to_windows_1252(&html),
                lm,
            );
        }
    }
    query_views(&mut site, host, root, m)?;
    site.robots = Some(format!(
        "User-agent: *\nDisallow: {root}/cgi/DREQUEST.PHP?page=search\nDisallow: {root}/kokous/TMP/\nCRAWL_DELAY\n"
    ));
    Ok(site)
}

/// The query-string views of Dynasty 10 (`DREQUEST.PHP?page=meeting&id=…`, `page=meetingitem&id=<meeting>-<n>`,
/// attachments, `page=rss`) in the shape of the shared fixture `dynasty_meetingitem_latin1.html`. They show the same
/// minutes as the static `kokous/` tree and are linked only from the RSS feed (`page=rss`), not from the static pages.
fn query_views(site: &mut HostSite, host: &str, root: &str, m: &Minutes) -> Result<(), ReplicaError> {
    let cgi = format!("{root}/cgi/DREQUEST.PHP");
    let header = |org: &str| {
        format!(
            "<table class=\"header\"><tr><td>Dynasty tietopalvelu</td><td><a href=\"DREQUEST.PHP?page=search\">Haku</a></td>\
             <td><a href=\"DREQUEST.PHP?page=rss\">RSS</a></td><td>{}</td></tr></table>",
            esc(org)
        )
    };
    let head = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">\
                <meta name=\"robots\" content=\"noindex\"><title>Dynasty tietopalvelu</title></head><body>";
    let mut rss = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<rss version=\"2.0\"><channel><title>{} - kokoukset</title>\n\
         <link>https://{host}{cgi}?page=meeting_frames</link><description>Dynasty</description>\n",
        esc(m.org)
    );
    let mut newest = std::time::UNIX_EPOCH;
    for mt in &m.meetings {
        let lm = to_system_time(&mt.date);
        newest = newest.max(lm);
        let body = m.body_name(mt);
        let d = fi_date_padded(&mt.date);
        rss.push_str(&format!(
            "<item><title>{} {d}</title><link>https://{host}{cgi}?page=meeting&amp;id={}</link><pubDate>{}</pubDate></item>\n",
            esc(body),
            mt.id,
            crate::text::rss_date(&mt.date)
        ));
        let mut list = format!(
            "{head}{}<h1>{} {d}</h1><table class=\"meeting\">",
            header(m.org),
            esc(body)
        );
        for (n, (para, idx)) in mt.items.iter().enumerate() {
            let item = m.item(*idx)?;
            list.push_str(&format!(
                "<tr><td>§ {para}</td><td><a href=\"DREQUEST.PHP?page=meetingitem&amp;id={}-{}\">{}</a></td></tr>",
                mt.id,
                n + 1,
                esc(&item.title)
            ));
        }
        list.push_str("</table></body></html>");
        site.page(
            &format!("{cgi}?page=meeting&id={}", mt.id),
            CT,
            to_windows_1252(&list),
            lm,
        );
        let count = mt.items.len();
        for (n, (para, idx)) in mt.items.iter().enumerate() {
            let item = m.item(*idx)?;
            let id = format!("{}-{}", mt.id, n + 1);
            let mut nav = Vec::new();
            if n > 0 {
                nav.push(format!(
                    "<a href=\"DREQUEST.PHP?page=meetingitem&amp;id={}-{n}\">Edellinen asia</a>",
                    mt.id
                ));
            }
            if n + 1 < count {
                nav.push(format!(
                    "<a href=\"DREQUEST.PHP?page=meetingitem&amp;id={}-{}\">Seuraava asia</a>",
                    mt.id,
                    n + 2
                ));
            }
            nav.push(format!(
                "<a href=\"DREQUEST.PHP?page=meetingitem_pdf&amp;id={id}\">Kokousasia PDF-muodossa</a>"
            ));
            site.page(
                &format!("{cgi}?page=meetingitem_pdf&id={id}"),
                PDF,
                file("pdf/poytakirja_helvetica.pdf")?,
                lm,
            );
            let mut html = format!(
                "{head}{}<table class=\"navi\"><tr><td>{b}<br>Pöytäkirja {d}/Pykälä {para}</td><td>{}</td></tr></table>\
                 <div class=\"content\"><p>{b} {d} § {para}</p><h2>§ {para} {t}</h2>{text}",
                header(m.org),
                nav.join(" | "),
                b = esc(body),
                t = esc(&item.title),
                text = item.body_html("h2", m.org_genitive).replace("<h2>", "<p><b>").replace("</h2>", "</b></p>"),
            );
            let atts = m.attachments(*idx);
            if !atts.is_empty() {
                html.push_str("<p><b>Liitteet</b></p>");
                for (k, att) in atts.iter().enumerate() {
                    let aid = format!("{id}-{}", k + 1);
                    site.page(
                        &format!("{cgi}?page=meetingitem_attachment&id={aid}"),
                        PDF,
                        file(att.file)?,
                        lm,
                    );
                    html.push_str(&format!(
                        "<p><a href=\"DREQUEST.PHP?page=meetingitem_attachment&amp;id={aid}\">{}</a></p>",
                        esc(att.title)
                    ));
                }
            }
            html.push_str("</div></body></html>");
            site.page(
                &format!("{cgi}?page=meetingitem&id={id}"),
                CT,
                to_windows_1252(&html),
                lm,
            );
        }
    }
    rss.push_str("</channel></rss>\n");
    site.page(
        &format!("{cgi}?page=rss"),
        "application/rss+xml; charset=windows-1252",
        to_windows_1252(&rss),
        newest,
    );
    Ok(())
}
