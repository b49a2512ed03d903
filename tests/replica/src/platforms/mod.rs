//! The platforms the replica reproduces, and the shared model of minutes (bodies → meetings → agenda items →
//! attachments) that the meeting platforms render in their own shapes.

pub(crate) mod casem;
pub(crate) mod dynasty;
pub(crate) mod ktweb;
pub(crate) mod mfiles;
pub(crate) mod news;
pub(crate) mod real;
pub(crate) mod vn;

use chrono::{DateTime, FixedOffset};

use crate::site::{HostSite, Site};
use crate::text::{agenda_items, date, Article};
use crate::ReplicaError;

/// A decision-making body.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub name: &'static str,
    /// Platform id (Dynasty `TELIN-<id>`, KTweb `kirjaamo`, …).
    pub id: u32,
}

/// An attachment of an agenda item: a title and an embedded PDF.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub title: &'static str,
    /// Path under `site/`.
    pub file: &'static str,
}

/// One meeting.
#[derive(Debug, Clone)]
pub(crate) struct Meeting {
    /// Index into [`Minutes::bodies`].
    pub body: usize,
    pub date: DateTime<FixedOffset>,
    /// Meeting number within the year.
    pub number: u32,
    /// Platform id of the meeting.
    pub id: u32,
    /// (section number §, index into [`Minutes::items`]).
    pub items: Vec<(u32, usize)>,
}

/// The minutes of one organisation.
#[derive(Debug, Clone)]
pub(crate) struct Minutes {
    /// Organisation name, nominative ("Länsi-Uudenmaan hyvinvointialue").
    pub org: &'static str,
    /// Genitive ("Länsi-Uudenmaan hyvinvointialueen").
    pub org_genitive: &'static str,
    pub bodies: Vec<Body>,
    pub meetings: Vec<Meeting>,
    pub items: Vec<Article>,
}

impl Minutes {
    /// Attachments of an item (by its index in the pool).
    pub(crate) fn attachments(&self, item: usize) -> Vec<Attachment> {
        match item {
            1 => vec![Attachment {
                title: "Palvelustrategia 2024–2027",
                file: "pdf/two_column.pdf",
            }],
            3 => vec![
                Attachment {
                    title: "Palveluverkkoselvitys",
                    file: "pdf/poytakirja_helvetica.pdf",
                },
                Attachment {
                    title: "Vaikutusten arviointi",
                    file: "pdf/two_column.pdf",
                },
            ],
            5 => vec![Attachment {
                title: "Hankintapäätöksen liite",
                file: "pdf/poytakirja_helvetica.pdf",
            }],
            _ => Vec::new(),
        }
    }

    /// Meetings of a body, newest first.
    pub(crate) fn meetings_of(&self, body: usize) -> Vec<&Meeting> {
        let mut m: Vec<&Meeting> = self.meetings.iter().filter(|m| m.body == body).collect();
        m.sort_by_key(|x| std::cmp::Reverse(x.date));
        m
    }

    /// The body's name for a meeting.
    pub(crate) fn body_name(&self, meeting: &Meeting) -> &'static str {
        self.bodies.get(meeting.body).map(|b| b.name).unwrap_or("Toimielin")
    }

    /// The agenda item for a pool index.
    pub(crate) fn item(&self, idx: usize) -> Result<&Article, ReplicaError> {
        self.items
            .get(idx)
            .ok_or_else(|| ReplicaError::Data(format!("no agenda item {idx}")))
    }
}

/// The standard minutes used on the generated meeting platforms: two bodies, three meetings in 2024.
pub(crate) fn standard_minutes(
    org: &'static str,
    org_genitive: &'static str,
    id_base: u32,
) -> Result<Minutes, ReplicaError> {
    let items = agenda_items()?;
    Ok(Minutes {
        org,
        org_genitive,
        bodies: vec![
            Body {
                name: "Aluehallitus",
                id: 1001,
            },
            Body {
                name: "Aluevaltuusto",
                id: 1002,
            },
        ],
        meetings: vec![
            Meeting {
                body: 0,
                date: date("2024-03-11T14:00:00+02:00")?,
                number: 3,
                id: id_base + 1,
                items: vec![(41, 0), (42, 1), (43, 2), (44, 4)],
            },
            Meeting {
                body: 0,
                date: date("2024-05-27T14:00:00+03:00")?,
                number: 6,
                id: id_base + 2,
                items: vec![(88, 0), (89, 3), (90, 5)],
            },
            Meeting {
                body: 1,
                date: date("2024-06-17T17:00:00+03:00")?,
                number: 4,
                id: id_base + 3,
                items: vec![(25, 0), (26, 1), (27, 6), (28, 7)],
            },
        ],
        items,
    })
}

/// One row of `site/minutes/hosts.csv`.
struct MinutesHost {
    host: &'static str,
    platform: &'static str,
    root: &'static str,
    id_base: u32,
    variant: &'static str,
    org: &'static str,
    org_genitive: &'static str,
}

/// Reads `site/minutes/hosts.csv` (no quoting; `#` lines are comments).
fn minutes_hosts() -> Result<Vec<MinutesHost>, ReplicaError> {
    let text = crate::text::text_file("minutes/hosts.csv")?;
    let mut out = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&'static str> = line.split(',').map(str::trim).collect();
        let [host, platform, root, id_base, variant, org, org_genitive] = f.as_slice() else {
            return Err(ReplicaError::Data(format!(
                "minutes/hosts.csv: expected 7 fields: {line}"
            )));
        };
        let id_base = id_base
            .parse()
            .map_err(|e| ReplicaError::Data(format!("minutes/hosts.csv: {line}: {e}")))?;
        out.push(MinutesHost {
            host,
            platform,
            root,
            id_base,
            variant,
            org,
            org_genitive,
        });
    }
    Ok(out)
}

/// Builds every host of the replica.
pub(crate) fn build_all() -> Result<Site, ReplicaError> {
    let mut site = Site::default();
    site.add(
        "paijatha.fi",
        news::WordPress {
            host: "paijatha.fi",
            name: "Päijät-Hämeen hyvinvointialue",
            prefix: "paijatha-",
            per_page: 5,
            with_traps: true,
        }
        .build()?,
    );
    site.add("www.paijatha.fi", host_redirect("https://paijatha.fi"));
    site.add(
        "satakunnanhyvinvointialue.fi",
        news::WordPress {
            host: "satakunnanhyvinvointialue.fi",
            name: "Satakunnan hyvinvointialue",
            prefix: "sata-",
            per_page: 10,
            with_traps: false,
        }
        .build()
        .map(|mut s| {
            s.robots = None;
            s
        })?,
    );
    site.add("sata.fi", host_redirect("https://satakunnanhyvinvointialue.fi"));
    site.add("www.sata.fi", host_redirect("https://satakunnanhyvinvointialue.fi"));
    site.add(
        "vakehyva.fi",
        news::Drupal {
            host: "vakehyva.fi",
            name: "Vantaan ja Keravan hyvinvointialue",
            prefix: "vakehyva-",
            listing: "/fi/ajankohtaista",
            article_prefix: "/fi/uutiset/",
            rss: "/fi/rss.xml",
            search: "/fi/haku",
            per_page: 3,
        }
        .build()?,
    );
    let mut hyvaks = news::Drupal {
        host: "www.hyvaks.fi",
        name: "Keski-Suomen hyvinvointialue",
        prefix: "hyvaks-",
        listing: "/uutiset",
        article_prefix: "/uutiset/",
        rss: "/rss.xml",
        search: "/haku",
        per_page: 10,
    }
    .build()?;
    hyvaks_minutes(&mut hyvaks)?;
    site.add("www.hyvaks.fi", hyvaks);
    let (host, vn) = vn::build()?;
    site.add(&host, vn);
    for row in minutes_hosts()? {
        let mut m = standard_minutes(row.org, row.org_genitive, row.id_base)?;
        if row.variant == "small" {
            m.meetings.truncate(1);
            m.bodies.truncate(1);
        }
        let hs = match row.platform {
            "dynasty" => dynasty::build(row.host, row.root, &m)?,
            "ktweb" => ktweb::build(row.host, m, row.variant == "utf16")?,
            "casem" => casem::build(&m)?,
            "mfiles" => mfiles::build(&m)?,
            other => {
                return Err(ReplicaError::Data(format!(
                    "minutes/hosts.csv: unknown platform {other}"
                )))
            }
        };
        site.add(row.host, hs);
    }
    for (host, hs) in real::build()? {
        site.add(&host, hs);
    }
    for (host, hs) in site.hosts.iter_mut() {
        if !matches!(hs.platform, "dynasty-real" | "casem-api" | "redirect") {
            fill_missing_pages(host, hs);
        }
    }
    Ok(site)
}

/// Resolves `link` found on the page at `page_path` of `host` to a same-host path-and-query, if it is one.
fn same_host_path(host: &str, page_path: &str, link: &str) -> Option<String> {
    let link = link.replace("&amp;", "&");
    let link = link.split('#').next().unwrap_or("");
    if link.is_empty() || link.starts_with("mailto:") || link.starts_with("javascript:") {
        return None;
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = link.strip_prefix(scheme) {
            let (authority, path) = rest.find('/').map(|i| rest.split_at(i)).unwrap_or((rest, "/"));
            return (authority.eq_ignore_ascii_case(host)).then(|| path.to_string());
        }
    }
    if link.starts_with("//") {
        return None;
    }
    if link.starts_with('/') {
        return Some(link.to_string());
    }
    let page_only = page_path.split('?').next().unwrap_or("/");
    if link.starts_with('?') {
        return Some(format!("{page_only}{link}"));
    }
    let dir = page_only.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let (rel_path, query) = link.split_once('?').map(|(p, q)| (p, Some(q))).unwrap_or((link, None));
    let trailing = rel_path.ends_with('/');
    for seg in rel_path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

/// Every same-host link of a generated page that has no page of its own (navigation, footer, search and comment
/// links) gets a short stub page, so crawls meet only the failures that are there on purpose. Style sheets, scripts
/// and images stay 404.
fn fill_missing_pages(host: &str, hs: &mut HostSite) {
    use crate::site::{Entry, HTML_UTF8};
    let mut missing = std::collections::BTreeSet::new();
    for (path, entry) in &hs.entries {
        let Entry::Page(page) = entry else { continue };
        if !page.content_type.starts_with("text/html") {
            continue;
        }
        let html: String = page.body.iter().map(|&b| char::from(b)).collect();
        let mut rest = html.as_str();
        while let Some(i) = rest.find("href=\"") {
            rest = rest.get(i + 6..).unwrap_or("");
            let Some(end) = rest.find('"') else { break };
            let link = rest.get(..end).unwrap_or("");
            rest = rest.get(end..).unwrap_or("");
            let Some(target) = same_host_path(host, path, link) else {
                continue;
            };
            let lower = target.split('?').next().unwrap_or("").to_ascii_lowercase();
            let decoration = [".css", ".js", ".ico", ".png", ".gif", ".jpg", ".svg"]
                .iter()
                .any(|e| lower.ends_with(e));
            let target = crate::site::percent_decode(&target);
            if !decoration && !hs.entries.contains_key(&target) && !hs.entries.contains_key(&format!("{target}/")) {
                missing.insert(target);
            }
        }
    }
    let lm = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_067_200);
    for path in missing.into_iter().take(500) {
        let name = path
            .split('?')
            .next()
            .unwrap_or("")
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        let title = if name.is_empty() {
            "Etusivu".to_string()
        } else {
            name.replace(['-', '_'], " ")
        };
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"fi\"><head><meta charset=\"UTF-8\"><title>{t}</title></head><body>\
             <main><h1>{t}</h1><p>Sivuston rakenteeseen kuuluva sivu; replikassa sisältö on lyhennetty.</p></main>\
             </body></html>\n",
            t = crate::text::esc(&title)
        );
        hs.page(&path, HTML_UTF8, html, lm);
    }
}

/// Keski-Suomi publishes its minutes as PDFs on its own site (`/aluehallitus`).
fn hyvaks_minutes(hs: &mut HostSite) -> Result<(), ReplicaError> {
    use crate::site::{HTML_UTF8, PDF};
    use crate::text::{fi_date, file, to_system_time};
    let meetings = [
        ("2024-05-28T16:00:00+03:00", "poytakirja"),
        ("2024-04-23T16:00:00+03:00", "poytakirja"),
    ];
    let mut list = String::from(
        "<!DOCTYPE html>\n<html lang=\"fi\"><head><meta charset=\"utf-8\" /><title>Aluehallitus | Keski-Suomen \
         hyvinvointialue</title></head><body><main><h1>Aluehallitus</h1><p>Aluehallituksen esityslistat ja \
         pöytäkirjat julkaistaan PDF-tiedostoina.</p><ul class=\"file-list\">\n",
    );
    let mut newest = std::time::UNIX_EPOCH;
    for (d, kind) in meetings {
        let date = crate::text::date(d)?;
        let lm = to_system_time(&date);
        newest = newest.max(lm);
        let path = format!(
            "/sites/default/files/{}/aluehallitus-{kind}-{}.pdf",
            date.format("%Y-%m"),
            date.format("%d%m%Y")
        );
        hs.page(&path, PDF, file("pdf/two_column.pdf")?, lm);
        list.push_str(&format!(
            "<li><a href=\"{path}\" type=\"application/pdf\">Aluehallituksen pöytäkirja {} (PDF)</a></li>\n",
            fi_date(&date)
        ));
    }
    list.push_str("</ul></main></body></html>\n");
    hs.page("/aluehallitus", HTML_UTF8, list, newest);
    Ok(())
}

fn host_redirect(origin: &str) -> HostSite {
    let mut hs = HostSite::new("redirect");
    hs.host_redirect = Some(origin.to_string());
    hs
}

#[cfg(test)]
mod tests {
    use super::same_host_path;

    #[test]
    fn links_resolve_like_a_browser() {
        let h = "a.fi";
        assert_eq!(
            same_host_path(h, "/kokous/X.HTM", "https://a.fi/y?z=1").as_deref(),
            Some("/y?z=1")
        );
        assert_eq!(same_host_path(h, "/kokous/X.HTM", "https://b.fi/y"), None);
        assert_eq!(
            same_host_path(h, "/cgi/D.PHP?page=x", "../kokous/T.HTM").as_deref(),
            Some("/kokous/T.HTM")
        );
        assert_eq!(
            same_host_path(h, "/cgi/D.PHP?page=x", "D.PHP?page=s").as_deref(),
            Some("/cgi/D.PHP?page=s")
        );
        assert_eq!(
            same_host_path(h, "/fi/list?page=1", "?page=2").as_deref(),
            Some("/fi/list?page=2")
        );
        assert_eq!(same_host_path(h, "/a/b/", "#top"), None);
    }
}
