//! One pass over an HTML page: its links (with anchor text, `rel`, class and a date seen next to them), forms, meta
//! robots and feed links. Platform adapters classify these; nothing here knows about platforms.

use std::sync::OnceLock;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::canon;
use crate::robots;

/// At most this many links are taken from one page.
pub const MAX_LINKS: usize = 5000;
/// At most this many forms are taken from one page.
pub const MAX_FORMS: usize = 32;

/// A link found in a page.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlLink {
    /// Absolute, canonical target.
    pub url: Url,
    /// Anchor text, whitespace collapsed (at most 300 characters).
    pub text: String,
    /// Element name: `a`, `area`, `frame`, `iframe`, `link`.
    pub tag: &'static str,
    /// The `rel` attribute, lower-cased.
    pub rel: String,
    /// The `class` attribute.
    pub class: String,
    /// The `type` attribute (for `<link rel="alternate" type="application/rss+xml">`).
    pub mime: String,
    /// A date (`d.m.yyyy` or `yyyy-mm-dd`) seen in the link's table row, list item or article, if any.
    pub date: Option<String>,
}

/// A form found in a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlForm {
    /// Absolute `action` (the page itself when missing).
    pub action: Option<Url>,
    /// `GET` or `POST` (upper-case).
    pub method: String,
    /// `name` of the form.
    pub name: String,
    /// Inputs with their default values (`input`, `textarea`).
    pub inputs: Vec<(String, String)>,
    /// Selects: name and option values with their labels.
    pub selects: Vec<(String, Vec<(String, String)>)>,
}

/// What one HTML page contains that the crawler cares about.
#[derive(Debug, Clone, Default)]
pub struct HtmlPage {
    /// Links in document order (deduplicated by URL and tag).
    pub links: Vec<HtmlLink>,
    /// Forms.
    pub forms: Vec<HtmlForm>,
    /// Directives from `<meta name="robots">` (and `<meta name="sotehaku">`).
    pub robots: Vec<String>,
    /// `<link rel="canonical">` if present.
    pub canonical: Option<Url>,
}

struct Selectors {
    base: Selector,
    meta: Selector,
    canonical: Selector,
    links: Selector,
    form: Selector,
    inputs: Selector,
    select: Selector,
    option: Selector,
    time: Selector,
}

fn sels() -> Option<&'static Selectors> {
    static SELS: OnceLock<Option<Selectors>> = OnceLock::new();
    SELS.get_or_init(|| {
        let s = |q: &str| Selector::parse(q).ok();
        Some(Selectors {
            base: s("base[href]")?,
            meta: s("meta[name][content]")?,
            canonical: s("link[rel=canonical][href]")?,
            links: s("a[href], area[href], frame[src], iframe[src], link[href]")?,
            form: s("form")?,
            inputs: s("input[name], textarea[name]")?,
            select: s("select[name]")?,
            option: s("option")?,
            time: s("time[datetime]")?,
        })
    })
    .as_ref()
}

fn date_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\b").ok())
        .as_ref()
}

/// Finds the first date (`d.m.yyyy` or `yyyy-mm-dd`) in a text.
pub fn find_date(text: &str) -> Option<String> {
    date_re()?.find(text).map(|m| m.as_str().to_string())
}

fn collapse(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn row_date(el: &ElementRef<'_>, sels: &Selectors) -> Option<String> {
    if let Some(dt) = el.value().attr("datetime") {
        return Some(dt.to_string());
    }
    for ancestor in el.ancestors().take(6).filter_map(ElementRef::wrap) {
        let name = ancestor.value().name();
        if matches!(name, "tr" | "li" | "article" | "div" | "td") {
            if let Some(t) = ancestor.select(&sels.time).next() {
                return t.value().attr("datetime").map(str::to_string);
            }
            let text: String = ancestor.text().take(64).collect::<Vec<_>>().join(" ");
            if let Some(d) = find_date(&collapse(&text, 600)) {
                return Some(d);
            }
            if matches!(name, "tr" | "li" | "article") {
                break;
            }
        }
    }
    None
}

/// Parses an HTML document (already decoded) found at `base`.
///
/// ```
/// let base = url::Url::parse("https://a.fi/kokous/TELIMET.HTM").unwrap();
/// let page = sotehaku_crawl::html::parse(
///     r#"<meta name="robots" content="noindex"><table><tr><td>21.01.2013</td><td><a href="2013264550.HTM">Pöytäkirja</a></td></tr></table>"#,
///     &base,
/// );
/// assert_eq!(page.links[0].url.as_str(), "https://a.fi/kokous/2013264550.HTM");
/// assert_eq!(page.links[0].date.as_deref(), Some("21.01.2013"));
/// assert_eq!(page.robots, vec!["noindex"]);
/// ```
pub fn parse(text: &str, base: &Url) -> HtmlPage {
    let mut page = HtmlPage::default();
    let Some(sels) = sels() else { return page };
    let doc = Html::parse_document(text);
    let base = doc
        .select(&sels.base)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| canon::resolve(base, h))
        .unwrap_or_else(|| base.clone());

    for meta in doc.select(&sels.meta).take(64) {
        let name = meta.value().attr("name").unwrap_or("").to_ascii_lowercase();
        if name == "robots" || name == "sotehaku" {
            robots::push_directives(meta.value().attr("content").unwrap_or(""), &mut page.robots);
        }
    }
    page.canonical = doc
        .select(&sels.canonical)
        .next()
        .and_then(|l| l.value().attr("href"))
        .and_then(|h| canon::resolve(&base, h));

    let mut seen = std::collections::HashSet::new();
    for el in doc.select(&sels.links) {
        if page.links.len() >= MAX_LINKS {
            break;
        }
        let v = el.value();
        let tag: &'static str = match v.name() {
            "a" => "a",
            "area" => "area",
            "frame" => "frame",
            "iframe" => "iframe",
            _ => "link",
        };
        let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
        if tag == "link" && !(rel.contains("next") || rel.contains("alternate") || rel.contains("prev")) {
            continue;
        }
        let href = v.attr("href").or_else(|| v.attr("src")).unwrap_or("");
        let Some(url) = canon::resolve(&base, href) else {
            continue;
        };
        if !seen.insert((url.to_string(), tag)) {
            continue;
        }
        page.links.push(HtmlLink {
            text: collapse(&el.text().collect::<String>(), 300),
            date: if tag == "a" { row_date(&el, sels) } else { None },
            class: v.attr("class").unwrap_or("").to_string(),
            mime: v.attr("type").unwrap_or("").to_ascii_lowercase(),
            url,
            tag,
            rel,
        });
    }

    for form in doc.select(&sels.form).take(MAX_FORMS) {
        let v = form.value();
        let mut f = HtmlForm {
            action: match v.attr("action") {
                Some(a) if !a.trim().is_empty() => canon::resolve(&base, a),
                _ => Some(base.clone()),
            },
            method: v.attr("method").unwrap_or("GET").to_ascii_uppercase(),
            name: v.attr("name").unwrap_or("").to_string(),
            ..HtmlForm::default()
        };
        for input in form.select(&sels.inputs).take(64) {
            let name = input.value().attr("name").unwrap_or("").to_string();
            let value = input.value().attr("value").unwrap_or("").to_string();
            f.inputs.push((name, value));
        }
        for select in form.select(&sels.select).take(16) {
            let name = select.value().attr("name").unwrap_or("").to_string();
            let options = select
                .select(&sels.option)
                .take(500)
                .map(|o| {
                    let label = collapse(&o.text().collect::<String>(), 200);
                    (
                        o.value()
                            .attr("value")
                            .map(str::to_string)
                            .unwrap_or_else(|| label.clone()),
                        label,
                    )
                })
                .collect();
            f.selects.push((name, options));
        }
        page.forms.push(f);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_rel_next_and_forms() {
        let base = Url::parse("https://d.oncloudos.com/cgi/DREQUEST.PHP?page=meeting_frames").unwrap();
        let page = parse(
            r#"<html><head><link rel="next" href="/ajankohtaista/page/2/"><link rel="stylesheet" href="x.css">
            <link rel="alternate" type="application/rss+xml" href="/feed/"></head>
            <frameset><frame src="../kokous/TELIMET.HTM"></frameset></html>"#,
            &base,
        );
        let urls: Vec<&str> = page.links.iter().map(|l| l.url.as_str()).collect();
        assert!(urls.contains(&"https://d.oncloudos.com/kokous/TELIMET.HTM"));
        assert!(urls.contains(&"https://d.oncloudos.com/ajankohtaista/page/2/"));
        assert!(urls.contains(&"https://d.oncloudos.com/feed/"));
        assert!(!urls.iter().any(|u| u.ends_with("x.css")));
        let page = parse(
            r#"<html><body><form action="/ktwebscr/pk_kokl_tweb.htm" method="post" name="form1"><input type="hidden" name="oper" value="where">
            <select name="kirjaamo"><option value="">Kaikki</option><option value="1001.000000">Aluehallitus</option></select></form></body></html>"#,
            &base,
        );
        let form = &page.forms[0];
        assert_eq!(form.method, "POST");
        assert_eq!(form.inputs, vec![("oper".to_string(), "where".to_string())]);
        assert_eq!(form.selects[0].1[1].0, "1001.000000");
    }
}
