//! County news sites: a WordPress-style site (`/ajankohtaista/`, `/page/<n>/`, `/feed/`, Yoast sitemap index) and a
//! Drupal-style site (`?page=<n>` pagination, `/rss.xml`, `/sitemap.xml?page=<n>`), both with the boilerplate of the
//! real county sites (skip link, cookie banner, navigation, breadcrumbs, related links naming other regions, footer).

use std::time::SystemTime;

use crate::site::{Entry, HostSite, HTML_UTF8, RSS, XML};
use crate::text::{articles_under, esc, fi_date, rss_date, Article};
use crate::ReplicaError;

/// Other regions named in the "related" boxes (boilerplate that must not leak into region detection).
const OTHER_REGIONS: &[(&str, &str)] = &[
    ("Pirkanmaan hyvinvointialue", "https://www.pirha.fi/"),
    ("Keski-Suomen hyvinvointialue", "https://www.hyvaks.fi/"),
    ("Kymenlaakson hyvinvointialue", "https://kymenhva.fi/"),
    ("Lapin hyvinvointialue", "https://lapha.fi/"),
];

/// A WordPress county site.
pub(crate) struct WordPress<'a> {
    pub host: &'a str,
    /// Organisation name, e.g. "Päijät-Hämeen hyvinvointialue".
    pub name: &'a str,
    /// Data files: `news/<prefix>*.txt`.
    pub prefix: &'a str,
    pub per_page: usize,
    /// Adds the test fixtures (redirect chain and loop, disallowed links, huge pages, broken encodings).
    pub with_traps: bool,
}

fn newest(articles: &[Article]) -> SystemTime {
    articles
        .first()
        .map(Article::system_time)
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn cookie_banner(id: &str) -> String {
    format!(
        "<div id=\"{id}\" class=\"cookie-banner\" role=\"dialog\" aria-label=\"Evästeet\"><p>Käytämme sivustolla \
         evästeitä. Välttämättömät evästeet ovat aina käytössä. Voit hyväksyä myös analytiikkaevästeet, joiden avulla \
         kehitämme sivustoa.</p><button>Hyväksy kaikki</button> <button>Vain välttämättömät</button> \
         <a href=\"/tietosuoja/\">Tietosuojaseloste</a></div>\n"
    )
}

fn related_regions() -> String {
    let mut out = String::from("<div class=\"widget other-regions\"><h2>Muut hyvinvointialueet</h2><ul>");
    for (name, url) in OTHER_REGIONS {
        out.push_str(&format!("<li><a href=\"{url}\">{}</a></li>", esc(name)));
    }
    out.push_str("</ul></div>\n");
    out
}

impl WordPress<'_> {
    fn base(&self) -> String {
        format!("https://{}", self.host)
    }

    fn header(&self, title: &str, canonical: &str, extra_head: &str) -> String {
        let base = self.base();
        format!(
            "<!DOCTYPE html>\n<html lang=\"fi\">\n<head>\n<meta charset=\"UTF-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{t} - {n}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"{n} &raquo; syöte\" href=\"{base}/feed/\">\n\
             {extra_head}<meta name=\"generator\" content=\"WordPress 6.5.2\">\n\
             <link rel=\"stylesheet\" href=\"{base}/wp-content/themes/hva/style.css?ver=1.4\">\n</head>\n\
             <body class=\"wp-site\">\n<a class=\"skip-link screen-reader-text\" href=\"#main\">Hyppää pääsisältöön</a>\n\
             {cookie}<header class=\"site-header\"><a class=\"site-logo\" href=\"{base}/\">{n}</a>\n\
             <nav class=\"main-navigation\" aria-label=\"Päävalikko\"><ul>\
             <li><a href=\"{base}/palvelut/\">Palvelut</a></li><li><a href=\"{base}/asiointi/\">Asiointi</a></li>\
             <li><a href=\"{base}/paatoksenteko/\">Päätöksenteko</a></li>\
             <li><a href=\"{base}/ajankohtaista/\">Ajankohtaista</a></li>\
             <li><a href=\"{base}/sv/\">På svenska</a></li></ul></nav>\n\
             <form role=\"search\" action=\"{base}/haku/\"><input name=\"q\" placeholder=\"Hae sivustolta\"></form>\
             </header>\n",
            t = esc(title),
            n = esc(self.name),
            cookie = cookie_banner("cookie-notice"),
        )
    }

    fn footer(&self) -> String {
        let base = self.base();
        format!(
            "<footer class=\"site-footer\"><p>{n} · Kirjaamo · PL 50 · Vaihde 03 000 000</p><ul>\
             <li><a href=\"{base}/saavutettavuusseloste/\">Saavutettavuusseloste</a></li>\
             <li><a href=\"{base}/tietosuoja/\">Tietosuoja</a></li><li><a href=\"{base}/evasteet/\">Evästeasetukset</a></li>\
             <li><a href=\"https://www.facebook.com/\">Facebook</a></li></ul>\
             <p>© {n} 2024</p></footer>\n</body>\n</html>\n",
            n = esc(self.name)
        )
    }

    fn article_url(&self, a: &Article) -> String {
        format!("{}/ajankohtaista/{}/", self.base(), a.slug)
    }

    fn article_page(&self, a: &Article, all: &[Article], comment_id: usize) -> String {
        let url = self.article_url(a);
        let iso = a.date.to_rfc3339();
        let head = format!(
            "<meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"{t}\">\n\
             <meta property=\"og:url\" content=\"{url}\">\n<meta property=\"og:site_name\" content=\"{n}\">\n\
             <meta property=\"article:published_time\" content=\"{iso}\">\n\
             <meta name=\"description\" content=\"{d}\">\n",
            t = esc(&a.title),
            n = esc(self.name),
            d = esc(&a.lead().chars().take(150).collect::<String>()),
        );
        let mut html = self.header(&a.title, &url, &head);
        html.push_str(&format!(
            "<nav class=\"breadcrumbs\" aria-label=\"Murupolku\"><a href=\"{b}/\">Etusivu</a> › \
             <a href=\"{b}/ajankohtaista/\">Ajankohtaista</a> › <span>{t}</span></nav>\n\
             <main id=\"main\" class=\"site-main\">\n<article class=\"post type-post status-publish\">\n\
             <header class=\"entry-header\"><span class=\"post-category\">Uutinen</span>\n\
             <h1 class=\"entry-title\">{t}</h1>\n<p class=\"entry-meta\">Julkaistu \
             <time class=\"entry-date published\" datetime=\"{iso}\">{d}</time></p></header>\n\
             <div class=\"entry-content\">\n{body}</div>\n\
             <footer class=\"entry-footer\"><div class=\"share\">Jaa: <a href=\"https://www.facebook.com/sharer.php\">\
             Facebook</a> <a href=\"https://www.linkedin.com/shareArticle\">LinkedIn</a></div>\
             <a class=\"comment-reply-link\" href=\"{url}?replytocom={comment_id}#respond\">Vastaa</a></footer>\n\
             </article>\n<aside class=\"related\"><h2>Lue myös</h2><ul>\n",
            b = self.base(),
            t = esc(&a.title),
            d = fi_date(&a.date),
            body = a.body_html("h2", self.name),
        ));
        for other in all.iter().filter(|o| o.slug != a.slug).take(3) {
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a> <time>{}</time></li>\n",
                self.article_url(other),
                esc(&other.title),
                fi_date(&other.date)
            ));
        }
        html.push_str("</ul></aside>\n");
        html.push_str(&related_regions());
        html.push_str("</main>\n");
        html.push_str(&self.footer());
        html
    }

    fn listing_page(&self, page: usize, pages: usize, chunk: &[Article]) -> String {
        let base = self.base();
        let url = |p: usize| {
            if p <= 1 {
                format!("{base}/ajankohtaista/")
            } else {
                format!("{base}/ajankohtaista/page/{p}/")
            }
        };
        let mut head = String::new();
        if page > 1 {
            head.push_str(&format!("<link rel=\"prev\" href=\"{}\">\n", url(page - 1)));
        }
        if page < pages {
            head.push_str(&format!("<link rel=\"next\" href=\"{}\">\n", url(page + 1)));
        }
        let mut html = self.header("Ajankohtaista", &url(page), &head);
        html.push_str("<main id=\"main\" class=\"site-main\">\n<h1 class=\"page-title\">Ajankohtaista</h1>\n");
        for a in chunk {
            html.push_str(&format!(
                "<article class=\"post type-post\">\n<h2 class=\"entry-title\"><a href=\"{u}\" rel=\"bookmark\">{t}</a></h2>\n\
                 <time class=\"entry-date\" datetime=\"{iso}\">{d}</time>\n<div class=\"entry-summary\"><p>{s}</p></div>\n\
                 </article>\n",
                u = self.article_url(a),
                t = esc(&a.title),
                iso = a.date.to_rfc3339(),
                d = fi_date(&a.date),
                s = esc(&a.lead().chars().take(200).collect::<String>()),
            ));
        }
        html.push_str("<nav class=\"navigation pagination\" aria-label=\"Sivutus\"><div class=\"nav-links\">");
        if page > 1 {
            html.push_str(&format!(
                "<a class=\"prev page-numbers\" href=\"{}\">Edellinen</a>",
                url(page - 1)
            ));
        }
        for p in 1..=pages {
            if p == page {
                html.push_str(&format!(
                    "<span aria-current=\"page\" class=\"page-numbers current\">{p}</span>"
                ));
            } else {
                html.push_str(&format!("<a class=\"page-numbers\" href=\"{}\">{p}</a>", url(p)));
            }
        }
        if page < pages {
            html.push_str(&format!(
                "<a class=\"next page-numbers\" href=\"{}\">Seuraava</a>",
                url(page + 1)
            ));
        }
        html.push_str("</div></nav>\n");
        if self.with_traps {
            html.push_str(&format!(
                "<aside class=\"widget\"><h2>Pikalinkit</h2><ul><li><a href=\"{base}/haku/?q=sote\">Hae: sote</a></li>"
            ));
            if page == 1 {
                html.push_str(&format!(
                    "<li><a href=\"{base}/lyhyt/1\">Uusin tiedote (lyhytlinkki)</a></li>\
                     <li><a href=\"{base}/silmukka/a/\">Vanha uutisarkisto</a></li>\
                     <li><a href=\"{base}/lyhyt/yllapito\">Ylläpito</a></li>"
                ));
            }
            if page == 2 {
                html.push_str(&format!(
                    "<li><a href=\"{base}/ajankohtaista/arkisto/kaikki/\">Kaikki uutiset yhdellä sivulla</a></li>\
                     <li><a href=\"{base}/ajankohtaista/arkisto/virta/\">Uutisvirta</a></li>"
                ));
            }
            html.push_str("</ul></aside>\n");
        }
        html.push_str(&related_regions());
        html.push_str("</main>\n");
        html.push_str(&self.footer());
        html
    }

    fn feed(&self, all: &[Article]) -> String {
        let base = self.base();
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
             xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
             xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n<title>{n}</title>\n\
             <atom:link href=\"{base}/feed/\" rel=\"self\" type=\"application/rss+xml\" />\n<link>{base}</link>\n\
             <description>Ajankohtaista</description>\n<language>fi</language>\n<lastBuildDate>{d}</lastBuildDate>\n",
            n = esc(self.name),
            d = all.first().map(|a| rss_date(&a.date)).unwrap_or_default()
        );
        for (i, a) in all.iter().enumerate() {
            // The second item still carries the site's old URL scheme (it redirects with 301).
            let link = if i == 1 {
                format!("{base}/uutiset/{}/", a.slug)
            } else {
                self.article_url(a)
            };
            xml.push_str(&format!(
                "<item>\n<title>{t}</title>\n<link>{link}</link>\n<dc:creator><![CDATA[Viestintä]]></dc:creator>\n\
                 <pubDate>{d}</pubDate>\n<category><![CDATA[Uutiset]]></category>\n\
                 <guid isPermaLink=\"false\">{base}/?p={id}</guid>\n<description><![CDATA[{s}]]></description>\n</item>\n",
                t = esc(&a.title),
                d = rss_date(&a.date),
                id = 1000 + i,
                s = a.lead().replace("]]>", "]]&gt;"),
            ));
        }
        xml.push_str("</channel>\n</rss>\n");
        xml
    }

    /// Builds the host.
    pub(crate) fn build(&self) -> Result<HostSite, ReplicaError> {
        let all = articles_under(&format!("news/{}", self.prefix))?;
        let base = self.base();
        let mut site = HostSite::new("news-wordpress");
        site.gzip = true;
        site.add_trailing_slash = true;
        let last = newest(&all);
        for (i, a) in all.iter().enumerate() {
            let path = format!("/ajankohtaista/{}/", a.slug);
            let html = self.article_page(a, &all, 10 + i);
            let mut entry = crate::site::Page::new(HTML_UTF8, html.clone().into_bytes(), a.system_time());
            if self.with_traps && a.slug == "merkistovirhe-kotihoito" {
                entry = crate::site::Page::new(HTML_UTF8, invalid_utf8(&html), a.system_time());
            }
            if self.with_traps && a.slug == "vaara-merkisto-neuvola" {
                entry = crate::site::Page::new("text/html; charset=iso-8859-1", html.into_bytes(), a.system_time());
            }
            site.entries.insert(path.clone(), Entry::Page(entry));
            site.redirect(&format!("/uutiset/{}/", a.slug), 301, &format!("{base}{path}"));
        }
        let pages = all.len().div_ceil(self.per_page.max(1)).max(1);
        for (i, chunk) in all.chunks(self.per_page.max(1)).enumerate() {
            let page = i + 1;
            let path = if page == 1 {
                "/ajankohtaista/".to_string()
            } else {
                format!("/ajankohtaista/page/{page}/")
            };
            site.page(&path, HTML_UTF8, self.listing_page(page, pages, chunk), last);
        }
        let front = format!(
            "{}<main id=\"main\"><h1>{}</h1><p>Tervetuloa hyvinvointialueen verkkosivuille.</p>\
             <p><a href=\"{base}/ajankohtaista/\">Ajankohtaista</a></p></main>\n{}",
            self.header("Etusivu", &format!("{base}/"), ""),
            esc(self.name),
            self.footer()
        );
        site.page("/", HTML_UTF8, front, last);
        site.page("/feed/", RSS, self.feed(&all), last);
        // Yoast-style sitemap index.
        let mut posts = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for a in &all {
            posts.push_str(&format!(
                "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
                self.article_url(a),
                a.date.to_rfc3339()
            ));
        }
        posts.push_str("</urlset>\n");
        let newest_iso = all.first().map(|a| a.date.to_rfc3339()).unwrap_or_default();
        let mut pages_xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        pages_xml.push_str(&format!(
            "<url><loc>{base}/</loc><lastmod>{newest_iso}</lastmod></url>\n"
        ));
        pages_xml.push_str(&format!(
            "<url><loc>{base}/ajankohtaista/</loc><lastmod>{newest_iso}</lastmod></url>\n"
        ));
        pages_xml.push_str("</urlset>\n");
        let index = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             <sitemap><loc>{base}/post-sitemap.xml</loc><lastmod>{newest_iso}</lastmod></sitemap>\n\
             <sitemap><loc>{base}/page-sitemap.xml</loc><lastmod>{newest_iso}</lastmod></sitemap>\n</sitemapindex>\n"
        );
        site.page("/sitemap_index.xml", XML, index, last);
        site.page("/post-sitemap.xml", XML, posts, last);
        site.page("/page-sitemap.xml", XML, pages_xml, last);
        let mut robots = format!(
            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\nCRAWL_DELAY\n\n\
             Sitemap: {base}/sitemap_index.xml\n"
        );
        if self.with_traps {
            robots = format!(
                "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\nDisallow: /haku/\n\
                 Disallow: /*?replytocom=\nCRAWL_DELAY\n\nSitemap: {base}/sitemap_index.xml\n"
            );
            if let Some(first) = all.first() {
                site.redirect("/lyhyt/1", 302, &format!("{base}/lyhyt/2"));
                site.redirect("/lyhyt/2", 302, &format!("{base}/lyhyt/3"));
                site.redirect("/lyhyt/3", 301, &self.article_url(first));
            }
            site.redirect("/silmukka/a/", 302, &format!("{base}/silmukka/b/"));
            site.redirect("/silmukka/b/", 302, &format!("{base}/silmukka/a/"));
            site.redirect("/lyhyt/yllapito", 302, &format!("{base}/wp-admin/options.php"));
            site.page(
                "/wp-admin/options.php",
                HTML_UTF8,
                "<!DOCTYPE html><html><head><title>Kirjaudu</title></head><body>Kirjaudu sisään</body></html>",
                last,
            );
            site.page(
                "/haku/?q=sote",
                HTML_UTF8,
                "<!DOCTYPE html><html><head><title>Haku</title></head><body>Hakutulokset: sote</body></html>",
                last,
            );
            site.entries
                .insert("/ajankohtaista/arkisto/kaikki/".into(), Entry::Huge { chunked: false });
            site.entries
                .insert("/ajankohtaista/arkisto/virta/".into(), Entry::Huge { chunked: true });
        }
        site.robots = Some(robots);
        Ok(site)
    }
}

/// Turns valid UTF-8 HTML into HTML with invalid UTF-8 sequences in the article text: the first `ö` of the body
/// becomes a lone ISO-8859-1 byte (0xF6) and a truncated sequence (0xC3 0x28) is inserted in the second paragraph.
fn invalid_utf8(html: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len() + 4);
    let start = html.find("<div class=\"entry-content\">").unwrap_or(0);
    let (head, rest) = html.split_at(start);
    out.extend_from_slice(head.as_bytes());
    let mut replaced_o = false;
    let mut paras = 0;
    for c in rest.chars() {
        if c == 'ö' && !replaced_o {
            out.push(0xF6);
            replaced_o = true;
            continue;
        }
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        if c == '>' && out.ends_with(b"<p>") {
            paras += 1;
            if paras == 2 {
                out.extend_from_slice(&[0xC3, 0x28]);
            }
        }
    }
    out
}

/// A Drupal county site (root-relative links).
pub(crate) struct Drupal<'a> {
    pub host: &'a str,
    pub name: &'a str,
    pub prefix: &'a str,
    /// Listing path, e.g. `/fi/ajankohtaista`.
    pub listing: &'a str,
    /// Article path prefix, e.g. `/fi/uutiset/`.
    pub article_prefix: &'a str,
    /// RSS path, e.g. `/fi/rss.xml`.
    pub rss: &'a str,
    /// Search path (disallowed), e.g. `/fi/haku`.
    pub search: &'a str,
    pub per_page: usize,
}

impl Drupal<'_> {
    fn page_html(&self, title: &str, canonical_path: &str, main: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"fi\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\" />\n\
             <meta name=\"Generator\" content=\"Drupal 10 (https://www.drupal.org)\" />\n\
             <link rel=\"canonical\" href=\"https://{h}{canonical_path}\" />\n\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Uutiset\" href=\"{rss}\" />\n\
             <title>{t} | {n}</title>\n</head>\n<body class=\"path-node\">\n\
             <a href=\"#main-content\" class=\"visually-hidden focusable skip-link\">Siirry pääsisältöön</a>\n\
             {cookie}<div class=\"dialog-off-canvas-main-canvas\"><header role=\"banner\">\
             <a href=\"/fi\" rel=\"home\" class=\"site-logo\">{n}</a>\n\
             <nav role=\"navigation\" aria-label=\"Päävalikko\"><ul class=\"menu\">\
             <li class=\"menu-item\"><a href=\"/fi/palvelut\">Palvelut</a></li>\
             <li class=\"menu-item\"><a href=\"/fi/yhteystiedot\">Yhteystiedot</a></li>\
             <li class=\"menu-item\"><a href=\"{listing}\">Ajankohtaista</a></li>\
             <li class=\"menu-item\"><a href=\"/fi/paatoksenteko\">Päätöksenteko</a></li>\
             <li class=\"menu-item\"><a href=\"{search}?keys=sote\">Haku</a></li></ul></nav></header>\n\
             <main role=\"main\"><a id=\"main-content\" tabindex=\"-1\"></a>\n{main}</main>\n\
             <footer role=\"contentinfo\"><div class=\"region-footer\"><p>{n}</p><p>Asiakaspalvelu 09 000 000 · \
             Kirjaamo</p><ul><li><a href=\"/fi/saavutettavuusseloste\">Saavutettavuusseloste</a></li>\
             <li><a href=\"/fi/tietosuoja\">Tietosuoja</a></li></ul>{regions}</div></footer></div>\n</body>\n</html>\n",
            h = self.host,
            rss = self.rss,
            t = esc(title),
            n = esc(self.name),
            cookie = cookie_banner("sliding-popup"),
            listing = self.listing,
            search = self.search,
            regions = related_regions(),
        )
    }

    /// Builds the host.
    pub(crate) fn build(&self) -> Result<HostSite, ReplicaError> {
        let all = articles_under(&format!("news/{}", self.prefix))?;
        let mut site = HostSite::new("news-drupal");
        site.gzip = true;
        let last = newest(&all);
        let per_page = self.per_page.max(1);
        let pages = all.len().div_ceil(per_page).max(1);
        for (i, a) in all.iter().enumerate() {
            let path = format!("{}{}", self.article_prefix, a.slug);
            let mut main = format!(
                "<article role=\"article\" class=\"node node--type-news node--view-mode-full\">\n\
                 <h1 class=\"page-title\"><span class=\"field--name-title\">{t}</span></h1>\n\
                 <div class=\"node__meta\"><time datetime=\"{iso}\">{d}</time></div>\n\
                 <div class=\"clearfix text-formatted field field--name-body\">\n{body}</div>\n</article>\n\
                 <div class=\"block-views-blocknews-related\"><h2>Muita uutisia</h2><ul>",
                t = esc(&a.title),
                iso = a.date.format("%Y-%m-%dT%H:%M:%SZ"),
                d = fi_date(&a.date),
                body = a.body_html("h2", self.name),
            );
            for other in all.iter().skip(i + 1).chain(all.iter().take(i)).take(2) {
                main.push_str(&format!(
                    "<li><a href=\"{}{}\">{}</a></li>",
                    self.article_prefix,
                    other.slug,
                    esc(&other.title)
                ));
            }
            main.push_str("</ul></div>\n");
            site.page(
                &path,
                HTML_UTF8,
                self.page_html(&a.title, &path, &main),
                a.system_time(),
            );
        }
        for (i, chunk) in all.chunks(per_page).enumerate() {
            let path = if i == 0 {
                self.listing.to_string()
            } else {
                format!("{}?page={i}", self.listing)
            };
            let mut main = String::from("<h1>Ajankohtaista</h1>\n<div class=\"view-content\">\n");
            for a in chunk {
                main.push_str(&format!(
                    "<div class=\"views-row\"><h3><a href=\"{}{}\" hreflang=\"fi\">{}</a></h3>\
                     <time datetime=\"{}\">{}</time><p>{}</p></div>\n",
                    self.article_prefix,
                    a.slug,
                    esc(&a.title),
                    a.date.format("%Y-%m-%dT%H:%M:%SZ"),
                    fi_date(&a.date),
                    esc(&a.lead().chars().take(160).collect::<String>())
                ));
            }
            main.push_str(
                "</div>\n<nav class=\"pager\" role=\"navigation\"><ul class=\"pager__items js-pager__items\">",
            );
            if i > 0 {
                let prev = if i == 1 {
                    self.listing.to_string()
                } else {
                    format!("?page={}", i - 1)
                };
                main.push_str(&format!(
                    "<li class=\"pager__item pager__item--previous\"><a href=\"{prev}\">‹ Edellinen</a></li>"
                ));
            }
            if i + 1 < pages {
                main.push_str(&format!(
                    "<li class=\"pager__item pager__item--next\"><a href=\"?page={}\" rel=\"next\">Seuraava ›</a></li>",
                    i + 1
                ));
            }
            main.push_str("</ul></nav>\n");
            site.page(&path, HTML_UTF8, self.page_html("Ajankohtaista", &path, &main), last);
        }
        let mut rss = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xml:base=\"https://{h}/\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{n}: uutiset</title>\n\
             <link>https://{h}{l}</link>\n<description></description>\n<language>fi</language>\n",
            h = self.host,
            n = esc(self.name),
            l = self.listing
        );
        for a in &all {
            rss.push_str(&format!(
                "<item>\n<title>{t}</title>\n<link>https://{h}{p}{s}</link>\n<description>{d}</description>\n\
                 <pubDate>{date}</pubDate>\n<dc:creator>Viestintä</dc:creator>\n\
                 <guid isPermaLink=\"true\">https://{h}{p}{s}</guid>\n</item>\n",
                t = esc(&a.title),
                h = self.host,
                p = self.article_prefix,
                s = a.slug,
                d = esc(&a.lead()),
                date = rss_date(&a.date)
            ));
        }
        rss.push_str("</channel>\n</rss>\n");
        site.page(self.rss, RSS, rss, last);
        let mut sm1 = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for a in &all {
            sm1.push_str(&format!(
                "<url><loc>https://{}{}{}</loc><lastmod>{}</lastmod><changefreq>weekly</changefreq></url>\n",
                self.host,
                self.article_prefix,
                a.slug,
                a.date.to_rfc3339()
            ));
        }
        sm1.push_str("</urlset>\n");
        let newest_iso = all.first().map(|a| a.date.to_rfc3339()).unwrap_or_default();
        let sm2 = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             <url><loc>https://{}{}</loc><lastmod>{newest_iso}</lastmod></url>\n</urlset>\n",
            self.host, self.listing
        );
        let index = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             <sitemap><loc>https://{h}/sitemap.xml?page=1</loc><lastmod>{newest_iso}</lastmod></sitemap>\n\
             <sitemap><loc>https://{h}/sitemap.xml?page=2</loc><lastmod>{newest_iso}</lastmod></sitemap>\n\
             </sitemapindex>\n",
            h = self.host
        );
        site.page("/sitemap.xml", XML, index, last);
        site.page("/sitemap.xml?page=1", XML, sm1, last);
        site.page("/sitemap.xml?page=2", XML, sm2, last);
        site.robots = Some(format!(
            "#\n# robots.txt\n#\nUser-agent: *\nCRAWL_DELAY\n# Directories\nDisallow: /core/\nDisallow: /profiles/\n\
             # Paths (clean URLs)\nDisallow: /admin/\nDisallow: /search/\nDisallow: /user/\nDisallow: {}\n\
             Sitemap: https://{}/sitemap.xml\n",
            self.search, self.host
        ));
        Ok(site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_page_is_not_utf8_but_mostly_is() {
        let html = "<html><div class=\"entry-content\">\n<p>yöpartio</p>\n<p>toinen</p></div></html>";
        let bytes = invalid_utf8(html);
        assert!(std::str::from_utf8(&bytes).is_err());
        let lossy = String::from_utf8_lossy(&bytes);
        assert!(lossy.contains("toinen"));
        assert!(!lossy.contains("yöpartio"));
    }
}
