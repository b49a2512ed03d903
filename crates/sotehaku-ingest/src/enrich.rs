//! The [`Ingester`]: one input — a [`SourceRecord`], a crawled [`FetchedPage`] or raw HTML/PDF bytes — in, one
//! [`Document`] with every metadata field filled or explicitly empty out.
//!
//! The steps: decode ([`crate::decode`]) → main text and page metadata ([`crate::extract`], [`crate::pdf`]) →
//! language ([`crate::language`]) → publication date ([`crate::date`]) → regions ([`crate::gazetteer`] plus the
//! publisher) → themes ([`crate::themes`]) → type ([`crate::doctype`]).

use sotehaku_crawl::FetchedPage;

use crate::date::{first_full_year, parse_date_str, publication_date};
use crate::decode::decode_bytes;
use crate::doctype::{self, TypeEvidence};
use crate::document::{Document, Language, PartialDate};
use crate::extract::{clean_text, extract_html, ExtractorKind, PageMeta};
use crate::gazetteer::{Gazetteer, Lemmatizer, PlaceKind};
use crate::input::SourceRecord;
use crate::language::document_language;
use crate::pdf::pdf_text;
use crate::region::{Region, RegionTable};
use crate::themes::ThemeTaxonomy;
use crate::IngestError;

/// Largest HTML page accepted (bytes); larger pages are refused with an error, not truncated.
pub const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

/// A publication date more than this many years after the page was fetched (or after today) is a typo in the
/// source (`2989-10-20` for 1989), not a date: it is set aside for the next piece of evidence.
const MAX_YEARS_AHEAD: i32 = 1;

/// Publishers whose documents are nation-wide (matched case-insensitively in the source name or URL host).
const NATIONAL_PUBLISHERS: [&str; 16] = [
    "finlex",
    "valtioneuvosto",
    "ministeriö",
    "stm.fi",
    "vm.fi",
    "thl",
    "kela",
    "eduskunta",
    "korkein",
    "kho",
    "kko",
    "valvira",
    "avi.fi",
    "soteuudistus.fi",
    "kuntaliitto",
    "oikeus.fi",
];

/// Turns inputs into documents. Cheap to clone and share between threads.
#[derive(Debug, Clone)]
pub struct Ingester {
    regions: &'static RegionTable,
    gazetteer: Gazetteer,
    themes: ThemeTaxonomy,
    extractor: ExtractorKind,
}

impl Default for Ingester {
    fn default() -> Self {
        Ingester::new()
    }
}

/// Everything known about one input before the metadata is derived.
#[derive(Debug, Default)]
struct Raw {
    id: Option<String>,
    origin: Option<String>,
    url: Option<String>,
    source: String,
    title: Option<String>,
    text: String,
    /// A date the source states as the document's (record field) — trusted first.
    source_date: Option<String>,
    meta: PageMeta,
    /// Text of the page around the main text (header lines with "Julkaistu …"), or the captured text before
    /// cleaning for plain-text inputs.
    header_text: String,
    hint_date: Option<String>,
    hint_kind: Option<String>,
    hint_region: Option<String>,
    hint_title: Option<String>,
    platform: Option<String>,
    fetched_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Ingester {
    /// An ingester with the built-in data files (regions, gazetteer, themes, site rules).
    pub fn new() -> Ingester {
        Ingester {
            regions: RegionTable::builtin(),
            gazetteer: Gazetteer::builtin().clone(),
            themes: ThemeTaxonomy::builtin().clone(),
            extractor: ExtractorKind::Auto,
        }
    }

    /// Uses a lemmatizer (e.g. the Finnish morphology's base forms) for place names and theme keywords.
    pub fn with_lemmatizer(mut self, lemmatizer: Lemmatizer) -> Ingester {
        self.gazetteer = self.gazetteer.with_lemmatizer(lemmatizer.clone());
        self.themes = self.themes.with_lemmatizer(lemmatizer);
        self
    }

    /// Chooses the main-text extraction method (default [`ExtractorKind::Auto`]).
    pub fn with_extractor(mut self, kind: ExtractorKind) -> Ingester {
        self.extractor = kind;
        self
    }

    /// Builds a document from a record, keeping the metadata the source gives and deriving what it lacks.
    /// Plain-text records are cleaned of boilerplate lines ("Hyppää pääsisältöön", related-document lists).
    pub fn process(&self, record: SourceRecord) -> Result<Document, IngestError> {
        if let Some(mut doc) = record.prepared {
            if doc.id.trim().is_empty() || doc.text.trim().is_empty() {
                return Err(IngestError::Empty);
            }
            doc.content_hash = doc.compute_hash();
            return Ok(*doc);
        }
        let original = normalize_text(&record.text);
        let text = clean_text(&original);
        let mut doc = self.build(Raw {
            header_text: original.chars().take(3000).collect(),
            id: record.id,
            origin: record.origin,
            url: record.url,
            source: record.source.unwrap_or_default(),
            title: record.title,
            text,
            source_date: record.date,
            ..Raw::default()
        })?;
        // Not fetched by the crawler: nothing can re-fetch it, so no re-check is due (the on-view day stays).
        doc.recheck_due = None;
        Ok(doc)
    }

    /// Builds a document from a page the crawler fetched: decodes the body by its headers and content, extracts
    /// HTML or PDF text, and uses the listing's hints (title, date, kind, publisher region).
    pub fn process_page(&self, page: &FetchedPage) -> Result<Document, IngestError> {
        if !(200..300).contains(&page.status) {
            return Err(IngestError::Invalid(format!(
                "{}: HTTP status {}",
                page.final_url, page.status
            )));
        }
        let url = if page.final_url.is_empty() {
            page.url.clone()
        } else {
            page.final_url.clone()
        };
        let mut raw = self.raw_from_bytes(
            &page.body,
            page.content_type.as_deref(),
            Some(&url),
            page.platform.as_deref(),
        )?;
        raw.url = Some(url);
        raw.source = page.source.clone().unwrap_or_default();
        raw.hint_date = page.hints.date.clone();
        raw.hint_kind = page.hints.kind.clone();
        raw.hint_region = page.hints.region.clone();
        raw.hint_title = page.hints.title.clone();
        raw.platform = page.platform.clone();
        raw.fetched_at = Some(page.fetched_at);
        let mut doc = self.build(raw)?;
        // Publisher's directives and the appeal period: hide `noindex` pages kept under the `index` policy, and
        // judge the re-check by the day the publisher last confirmed this copy.
        doc.restricted = page.is_restricted();
        if let Some(end) = doc.recheck_due {
            let verified = page.verified_at.unwrap_or(page.fetched_at).date_naive();
            doc.recheck_due = crate::review::recheck_due(end, Some(verified), crate::review::ReviewRules::builtin());
        }
        Ok(doc)
    }

    /// Builds a document from the bytes of an HTML, PDF or text file. `origin` names it in ids and errors.
    pub fn process_bytes(
        &self,
        bytes: &[u8],
        content_type: Option<&str>,
        origin: &str,
    ) -> Result<Document, IngestError> {
        let mut raw = self.raw_from_bytes(bytes, content_type, None, None)?;
        raw.origin = Some(origin.to_string());
        let mut doc = self.build(raw)?;
        // A file: nothing can re-fetch it, so no re-check is due (the on-view day stays).
        doc.recheck_due = None;
        Ok(doc)
    }

    fn raw_from_bytes(
        &self,
        bytes: &[u8],
        content_type: Option<&str>,
        url: Option<&str>,
        platform: Option<&str>,
    ) -> Result<Raw, IngestError> {
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        let is_pdf = ct.contains("application/pdf") || bytes.starts_with(b"%PDF-");
        if is_pdf {
            let text = pdf_text(bytes).map_err(|e| IngestError::Invalid(e.to_string()))?;
            return Ok(Raw {
                text: clean_text(&text),
                ..Raw::default()
            });
        }
        if bytes.len() > MAX_HTML_BYTES {
            return Err(IngestError::Invalid(format!(
                "page of {} bytes is larger than the {} byte limit",
                bytes.len(),
                MAX_HTML_BYTES
            )));
        }
        if looks_binary(bytes) {
            return Err(IngestError::Invalid("binary data, not an HTML or text page".into()));
        }
        let decoded = decode_bytes(bytes, content_type);
        let looks_html = ct.contains("html") || {
            let head: String = decoded.text.chars().take(2048).collect::<String>().to_ascii_lowercase();
            head.contains("<html") || head.contains("<!doctype html") || head.contains("<body") || head.contains("<p>")
        };
        if !looks_html {
            let original = normalize_text(&decoded.text);
            return Ok(Raw {
                text: clean_text(&original),
                header_text: original.chars().take(3000).collect(),
                ..Raw::default()
            });
        }
        let extracted = extract_html(&decoded.text, url, platform, self.extractor);
        let header_text = crate::extract::full_text(&decoded.text).chars().take(3000).collect();
        Ok(Raw {
            title: extracted.meta.title.clone(),
            text: normalize_text(&extracted.text),
            meta: extracted.meta,
            header_text,
            ..Raw::default()
        })
    }

    fn build(&self, raw: Raw) -> Result<Document, IngestError> {
        let text = raw.text.trim().to_string();
        if text.is_empty() {
            return Err(IngestError::Empty);
        }
        let title = [raw.title.as_deref(), raw.hint_title.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|t| !t.is_empty())
            .map(String::from)
            .unwrap_or_else(|| first_line(&text).chars().take(300).collect());
        let id = match raw.id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => match (raw.meta.canonical_url.as_ref().or(raw.url.as_ref()), &raw.origin) {
                (Some(url), _) => format!("url:{url}"),
                (None, Some(origin)) => format!("file:{origin}"),
                (None, None) => {
                    return Err(IngestError::Invalid(
                        "a record needs an id, a URL or a file name".into(),
                    ))
                }
            },
        };
        let mut doc = Document::new(id, title, text);
        doc.url = raw.url.clone().filter(|u| !u.trim().is_empty());
        doc.source = raw.source.clone();
        doc.fetched_at = raw.fetched_at;
        doc.language = document_language(&doc.text).or_else(|| lang_from_attr(raw.meta.lang.as_deref()));
        doc.published = self.choose_date(&raw, &doc);
        doc.doc_type = doctype::guess(&TypeEvidence {
            id: &doc.id,
            source: &doc.source,
            url: doc.url.as_deref(),
            title: &doc.title,
            text: &doc.text,
            hint_kind: raw.hint_kind.as_deref(),
            category: raw.meta.category.as_deref(),
            page_type: raw.meta.page_type.as_deref(),
            page_text: &raw.header_text,
            section: raw.meta.section.as_deref(),
        });
        let year = doc.published.and_then(|d| d.year());
        doc.regions = self.choose_regions(&raw, &doc, year);
        doc.themes = self.themes.classify(&doc.title, &doc.text);
        // Minutes and notices: the day they were put on view and the end of the appeal period (`review`).
        let meeting = match doc.published {
            Some(PartialDate::Day(day)) => Some(day),
            _ => None,
        };
        let review_text = format!("{}\n{}", doc.text, raw.header_text);
        let rules = crate::review::ReviewRules::builtin();
        if let Some(review) = crate::review::assess(doc.doc_type, &doc.title, &review_text, meeting, rules) {
            doc.on_view_from = Some(review.on_view_from);
            doc.recheck_due = Some(review.period_end);
        }
        Ok(doc)
    }

    fn choose_date(&self, raw: &Raw, doc: &Document) -> Option<PartialDate> {
        let now = raw.fetched_at.unwrap_or_else(chrono::Utc::now);
        let latest_year = crate::date::year_of(&now) + MAX_YEARS_AHEAD;
        let plausible = |d: &PartialDate| d.year().is_none_or(|y| y <= latest_year);
        if let Some(d) = raw.source_date.as_deref().and_then(parse_date_str).filter(plausible) {
            return Some(d);
        }
        if let Some(d) = raw.meta.published.filter(plausible) {
            return Some(d);
        }
        let ref_year = raw.fetched_at.map(|t| crate::date::year_of(&t));
        let text_ref = first_full_year(&doc.text).or(ref_year);
        if !raw.header_text.is_empty() {
            if let Some((d, _)) = publication_date(&raw.header_text, text_ref).filter(|(d, _)| plausible(d)) {
                return Some(d);
            }
        }
        if let Some(d) = raw.hint_date.as_deref().and_then(parse_date_str).filter(plausible) {
            return Some(d);
        }
        let head = format!("{}\n\n{}", doc.title, doc.text);
        publication_date(&head, text_ref).map(|(d, _)| d).filter(plausible)
    }

    /// The publisher's region first (from the crawler's hint, the source name or a national publisher), then the
    /// regions the title and text are about, by weighted mentions.
    fn choose_regions(&self, raw: &Raw, doc: &Document, year: Option<i32>) -> Vec<Region> {
        let mut publisher: Option<Region> = raw.hint_region.as_deref().and_then(|r| self.regions.resolve(r).ok());
        let source_lower = doc.source.to_lowercase();
        let host = doc.url.as_deref().map(str::to_lowercase).unwrap_or_default();
        if publisher.is_none() {
            if source_lower.starts_with("helsingin kaupunki") {
                publisher = Some(Region::Helsinki);
            } else if NATIONAL_PUBLISHERS
                .iter()
                .any(|p| source_lower.contains(p) || host.contains(p))
                || raw.platform.as_deref() == Some("valtioneuvosto")
                || raw.meta.site_rule.as_deref() == Some("valtioneuvosto")
            {
                publisher = Some(Region::National);
            } else if !doc.source.is_empty() {
                publisher = self
                    .gazetteer
                    .find(&doc.source)
                    .into_iter()
                    .find(|m| m.place.kind == PlaceKind::County)
                    .map(|m| m.region_for_year(year));
            }
        }
        if publisher.is_none() && !raw.meta.is_empty_chrome() {
            // HTML pages name their publisher in the chrome: the site name, or the first words of the page
            // ("Turun kaupunki", a county logo). Only the very top counts, not the navigation below it.
            let top: String = raw.header_text.chars().take(160).collect();
            let chrome = format!(
                "{}\n{}\n{}",
                raw.meta.site_name.as_deref().unwrap_or(""),
                raw.meta.site_title.as_deref().unwrap_or(""),
                top
            );
            publisher = self.gazetteer.find(&chrome).first().map(|m| m.region_for_year(year));
        }
        // (region, score, order of first mention): ties go to the region named first.
        let mut scores: Vec<(Region, f32, usize)> = Vec::new();
        let mut add = |region: Region, w: f32| {
            let order = scores.len();
            match scores.iter_mut().find(|(r, _, _)| *r == region) {
                Some((_, s, _)) => *s += w,
                None => scores.push((region, w, order)),
            }
        };
        for m in self.gazetteer.find(&doc.title) {
            add(m.region_for_year(year), 3.0 * m.place.kind.weight());
        }
        // The lead (first real paragraph) says where the news happens: its mentions count twice.
        let lead_end = doc
            .text
            .split("\n\n")
            .scan(0usize, |pos, p| {
                let start = *pos;
                *pos += p.len() + 2;
                Some((start, p))
            })
            .find(|(_, p)| p.chars().count() >= 80)
            .map(|(start, p)| start + p.len())
            .unwrap_or(0);
        for m in self.gazetteer.find(&doc.text) {
            let lead = if m.start < lead_end { 2.0 } else { 1.0 };
            add(m.region_for_year(year), lead * m.place.kind.weight());
        }
        scores.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
        let top = scores.first().map(|s| s.1).unwrap_or(0.0);
        let total: f32 = scores.iter().map(|s| s.1).sum();
        let mut out: Vec<Region> = Vec::new();
        if let Some(p) = publisher {
            out.push(p);
        } else if scores.len() >= 4 && top < 0.4 * total {
            // Many regions, none dominant: a nation-wide text.
            out.push(Region::National);
        }
        // Without a publisher, one passing mention ("near the border of Päijät-Häme") is not enough: the region
        // must be named twice or in the title.
        let floor = 2.0f32.max(0.3 * top);
        for (region, score, _) in scores {
            if out.len() >= 5 {
                break;
            }
            if score >= floor.max(0.3 * top) && !out.contains(&region) {
                out.push(region);
            }
        }
        out
    }
}

fn lang_from_attr(lang: Option<&str>) -> Option<Language> {
    let l = lang?.split(['-', '_']).next()?.to_ascii_lowercase();
    match l.as_str() {
        "fi" => Some(Language::Finnish),
        "sv" => Some(Language::Swedish),
        "en" => Some(Language::English),
        "" => None,
        _ => Some(Language::Other),
    }
}

/// Binary junk: NUL bytes or many control bytes in the first 8 KiB (UTF-16 text is recognised and allowed).
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    let decoded = decode_bytes(sample, None);
    if decoded.evidence == "utf16-heuristic" || decoded.evidence == "bom" {
        return false;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x09 || (0x0E..0x20).contains(&b))
        .count();
    controls * 20 > sample.len()
}

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

/// Removes characters that only get in the way of search and display: NUL and other C0 controls except newline and
/// tab, and the replacement character left by broken decoding.
fn normalize_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .filter(|&c| c != '\u{FFFD}')
        .collect()
}
