//! Finding dates in Finnish and Swedish text, and choosing a document's publication date.
//!
//! [`find_dates`] lists every date mention in a text: numeric dates (`15.11.2018`, `04.12.2023`, with an optional
//! time `8.12.2020 10.12`, `2.2.2022 klo 14.00`, `10.11.2025 11:18:47`), day-month dates without a year (`26.1.`),
//! Finnish month names in their inflected forms (`15. joulukuuta`, `27 päivänä maaliskuuta 1998`, `marraskuussa
//! 2021`), Swedish ones (`den 8 december 2020`) and ISO dates. A date without a year takes the reference year when
//! one is known and is marked as inferred; otherwise it stays [`PartialDate::MonthDay`] — a year is never invented.
//! Archive codes (`5146/01.04.00/2023`), law numbers (`611/2021`), clock times (`klo 10.42-10.48`) and phone numbers
//! are not dates.
//!
//! [`publication_date`] applies the precedence used by ingest: labelled dates ("Julkaistu", "Julkaisuajankohta",
//! "Päivitetty", "Publicerad", "Tiedote 14.11.2018") first, then a date standing alone on one of the first lines.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use crate::document::PartialDate;

/// What form a date mention had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// Day, month and year in digits (`15.11.2018`, `2018-11-15`).
    Full,
    /// Day and month in digits without a year (`26.1.`).
    Partial,
    /// A Finnish month name (`15. joulukuuta`, `marraskuussa 2021`).
    Named,
    /// A Swedish month name (`8 december 2020`).
    NamedSv,
}

impl DateKind {
    /// The short name used in test lists (`full`, `partial`, `named`, `named_sv`).
    pub fn as_str(&self) -> &'static str {
        match self {
            DateKind::Full => "full",
            DateKind::Partial => "partial",
            DateKind::Named => "named",
            DateKind::NamedSv => "named_sv",
        }
    }
}

/// One date found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub kind: DateKind,
    /// The matched text, e.g. `8.12.2020 10.12`.
    pub matched: String,
    /// Byte offset of the match in the text.
    pub start: usize,
    pub date: PartialDate,
    /// Hour, minute and second when a time followed the date.
    pub time: Option<(u32, u32, Option<u32>)>,
    /// True when the year came from the reference year, not from the text.
    pub year_inferred: bool,
}

impl DateMention {
    /// ISO form with the time and a trailing `?` for an inferred year: `2020-12-08T10:12`, `2023-01-24?`.
    pub fn iso(&self) -> String {
        let mut s = self.date.to_string();
        if let Some((h, m, sec)) = self.time {
            s.push_str(&format!("T{h:02}:{m:02}"));
            if let Some(sec) = sec {
                s.push_str(&format!(":{sec:02}"));
            }
        }
        if self.year_inferred {
            s.push('?');
        }
        s
    }
}

const FI_MONTHS: [&str; 12] = [
    "tammikuu",
    "helmikuu",
    "maaliskuu",
    "huhtikuu",
    "toukokuu",
    "kesäkuu",
    "heinäkuu",
    "elokuu",
    "syyskuu",
    "lokakuu",
    "marraskuu",
    "joulukuu",
];
const SV_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// Years outside this range are not publication dates of this domain (and catch misreadings such as `1.1.0001`).
const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2100;

struct Patterns {
    numeric: Regex,
    iso: Regex,
    fi_day_month: Regex,
    fi_month_year: Regex,
    sv: Regex,
    time: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let fi = FI_MONTHS.join("|");
        let sv = SV_MONTHS.join("|");
        let build = |re: &str| Regex::new(re).unwrap_or_else(|e| panic!("built-in date pattern {re}: {e}"));
        Patterns {
            // d.m.yyyy or d.m. (the year group is optional).
            numeric: build(r"(\d{1,2})\.(\d{1,2})\.(\d{4})?"),
            iso: build(r"(\d{4})-(\d{2})-(\d{2})"),
            // "15. joulukuuta [2025]", "27 päivänä maaliskuuta 1998".
            fi_day_month: build(&format!(
                r"(?i)(\d{{1,2}})(?:\.|\s+päivänä)\s*({fi})ta(?:\s+(\d{{4}}))?"
            )),
            // "marraskuussa 2021", "joulukuun 2020", "tammikuu 2022" (month precision).
            // Word boundaries are checked in code: a Unicode `\b` would keep the regex off its fast engines.
            fi_month_year: build(&format!(r"(?i)({fi})(?:ssa|n|ta)?\s+(\d{{4}})")),
            sv: build(&format!(r"(?i)(\d{{1,2}})(?:\.)?\s+({sv})(?:\s+(\d{{4}}))?")),
            // A time right after a date: " 10.12", " klo 14.00", " 11:18:47".
            time: build(r"^\s+(?:klo\s+|kl\.?\s+)?(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?"),
        }
    })
}

/// Lists the date mentions of `text` in order of position. `ref_year` is used for dates without a year.
///
/// ```
/// use sotehaku_ingest::date::find_dates;
/// let found = find_dates("Kokous 2.2.2022 klo 14.00–16.35, seuraava 26.1.", Some(2022));
/// assert_eq!(found[0].iso(), "2022-02-02T14:00");
/// assert_eq!(found[1].iso(), "2022-01-26?");
/// assert!(find_dates("Dnro 5146/01.04.00/2023 ja laki 611/2021", None).is_empty());
/// ```
pub fn find_dates(text: &str, ref_year: Option<i32>) -> Vec<DateMention> {
    let p = patterns();
    let mut out: Vec<DateMention> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps = |taken: &[(usize, usize)], s: usize, e: usize| taken.iter().any(|&(a, b)| s < b && a < e);

    for c in p.fi_day_month.captures_iter(text) {
        let (Some(m), Some(day), Some(month)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if !boundary_before(text, m.start()) {
            continue;
        }
        let month = month_index(&FI_MONTHS, month.as_str());
        let year = c.get(3).and_then(|y| y.as_str().parse::<i32>().ok());
        if let Some(mention) = day_mention(
            DateKind::Named,
            m.as_str(),
            m.start(),
            day.as_str(),
            month,
            year,
            ref_year,
        ) {
            taken.push((m.start(), m.end()));
            out.push(mention);
        }
    }
    for c in p.sv.captures_iter(text) {
        let (Some(m), Some(day), Some(month)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if !boundary_before(text, m.start()) || overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        // "maj" and "mars" are also Finnish-looking tokens; require a word boundary after the month name.
        if text[m.end()..].chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let month = month_index(&SV_MONTHS, month.as_str());
        let year = c.get(3).and_then(|y| y.as_str().parse::<i32>().ok());
        if let Some(mention) = day_mention(
            DateKind::NamedSv,
            m.as_str(),
            m.start(),
            day.as_str(),
            month,
            year,
            ref_year,
        ) {
            taken.push((m.start(), m.end()));
            out.push(mention);
        }
    }
    for c in p.fi_month_year.captures_iter(text) {
        let (Some(m), Some(month), Some(year)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if overlaps(&taken, m.start(), m.end())
            || !boundary_before(text, m.start())
            || text[m.end()..].starts_with(|ch: char| ch.is_alphanumeric() || ch == '_')
        {
            continue;
        }
        let month = month_index(&FI_MONTHS, month.as_str());
        let Ok(year) = year.as_str().parse::<i32>() else {
            continue;
        };
        if let (Some(month), true) = (month, YEAR_RANGE.contains(&year)) {
            taken.push((m.start(), m.end()));
            out.push(DateMention {
                kind: DateKind::Named,
                matched: m.as_str().to_string(),
                start: m.start(),
                date: PartialDate::Month { year, month },
                time: None,
                year_inferred: false,
            });
        }
    }
    for c in p.iso.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        if !boundary_before(text, m.start()) || text[m.end()..].starts_with(|ch: char| ch.is_ascii_digit()) {
            continue;
        }
        let nums: Vec<u32> = (1..=3).filter_map(|i| c.get(i)?.as_str().parse().ok()).collect();
        let [y, mo, d] = nums[..] else { continue };
        if let Some(date) = valid_day(y as i32, mo, d) {
            taken.push((m.start(), m.end()));
            out.push(DateMention {
                kind: DateKind::Full,
                matched: m.as_str().to_string(),
                start: m.start(),
                date: PartialDate::Day(date),
                time: None,
                year_inferred: false,
            });
        }
    }
    for c in p.numeric.captures_iter(text) {
        let (Some(m), Some(day), Some(month)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let (start, mut end) = (m.start(), m.end());
        if overlaps(&taken, start, end) || !numeric_boundary_before(text, start) {
            continue;
        }
        let after = &text[end..];
        // "01.04.00/2023" style archive codes and "1.2.3" outline numbers: a digit or slash right after.
        let slash_digit = after
            .strip_prefix('/')
            .is_some_and(|r| r.starts_with(|ch: char| ch.is_ascii_digit()));
        if after.starts_with(|ch: char| ch.is_ascii_digit()) || slash_digit {
            continue;
        }
        let (Ok(day), Ok(month)) = (day.as_str().parse::<u32>(), month.as_str().parse::<u32>()) else {
            continue;
        };
        match c.get(3) {
            Some(year) => {
                let Ok(year) = year.as_str().parse::<i32>() else {
                    continue;
                };
                let Some(date) = valid_day(year, month, day) else {
                    continue;
                };
                let time = p.time.captures(after).and_then(|t| {
                    let whole = t.get(0)?;
                    let rest = &after[whole.end()..];
                    // "14.11.2018" after a date is another date, not a time.
                    if rest.starts_with(|ch: char| ch.is_ascii_digit())
                        || (rest.starts_with('.') && rest[1..].starts_with(|ch: char| ch.is_ascii_digit()))
                    {
                        return None;
                    }
                    let h: u32 = t.get(1)?.as_str().parse().ok()?;
                    let mi: u32 = t.get(2)?.as_str().parse().ok()?;
                    let s: Option<u32> = t.get(3).and_then(|s| s.as_str().parse().ok());
                    (h < 24 && mi < 60 && s.is_none_or(|s| s < 60)).then_some(((h, mi, s), whole.end()))
                });
                let time = time.map(|(t, len)| {
                    end += len;
                    t
                });
                out.push(DateMention {
                    kind: DateKind::Full,
                    matched: text[start..end].trim().to_string(),
                    start,
                    date: PartialDate::Day(date),
                    time,
                    year_inferred: false,
                });
            }
            None => {
                if preceded_by_clock(text, start) {
                    continue;
                }
                // The start of a range whose end carries the year ("01.01.-30.04.2007") is not reported: the
                // period is named by its end.
                let trimmed = after.trim_start_matches([' ', '\u{a0}']);
                if trimmed.starts_with(['-', '–', '—']) {
                    continue;
                }
                if let Some(mention) = day_mention(
                    DateKind::Partial,
                    m.as_str(),
                    start,
                    &day.to_string(),
                    Some(month),
                    None,
                    ref_year,
                ) {
                    out.push(mention);
                }
            }
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

fn month_index(months: &[&str; 12], name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    months.iter().position(|m| *m == lower).map(|i| i as u32 + 1)
}

fn valid_day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !YEAR_RANGE.contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A mention with a day and a month; the year from the text, else the reference year (inferred), else month-day.
fn day_mention(
    kind: DateKind,
    matched: &str,
    start: usize,
    day: &str,
    month: Option<u32>,
    year: Option<i32>,
    ref_year: Option<i32>,
) -> Option<DateMention> {
    let month = month?;
    let day: u32 = day.parse().ok()?;
    let (date, year_inferred) = match (year, ref_year) {
        (Some(y), _) => (PartialDate::Day(valid_day(y, month, day)?), false),
        (None, Some(y)) => (PartialDate::Day(valid_day(y, month, day)?), true),
        (None, None) => {
            // 2000 is a leap year: 29.2. is a possible month-day.
            NaiveDate::from_ymd_opt(2000, month, day)?;
            (PartialDate::MonthDay { month, day }, false)
        }
    };
    Some(DateMention {
        kind,
        matched: matched.trim().to_string(),
        start,
        date,
        time: None,
        year_inferred,
    })
}

/// The character before `start` must not continue a word or number.
fn boundary_before(text: &str, start: usize) -> bool {
    text[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
}

/// For numeric dates also a preceding `.`, `/`, `-` + digit or `:` disqualifies (`1.2.3.2020`, `04.00/2023`).
fn numeric_boundary_before(text: &str, start: usize) -> bool {
    let mut back = text[..start].chars().rev();
    match back.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('.' | '/' | ':' | ',') => !back.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// "klo 10.42-10.48." — numbers after "klo" (or after a time and a dash) are clock times.
fn preceded_by_clock(text: &str, start: usize) -> bool {
    let before: String = text[..start]
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let lower = before.to_lowercase();
    let trimmed = lower.trim_end();
    if trimmed.ends_with("klo") || trimmed.ends_with("kello") || trimmed.ends_with("kl.") || trimmed.ends_with("kl") {
        return true;
    }
    // "10.42-10.48": a dash right before, preceded by a digit-dot-digit time.
    let t = trimmed.trim_end_matches(['-', '–', ' ']);
    t.len() < trimmed.len()
        && t.ends_with(|c: char| c.is_ascii_digit())
        && t.contains(['.', ':'])
        && t.rsplit(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))
            .next()
            .is_some_and(|tok| {
                let parts: Vec<&str> = tok.split(['.', ':']).collect();
                parts.len() == 2 && parts.iter().all(|p| p.len() <= 2 && !p.is_empty())
            })
}

/// Labels that introduce a publication date on Finnish and Swedish pages, strongest first. The first
/// [`STRONG_LABELS`] name the publication itself; the others name the document's own date or an update.
const STRONG_LABELS: usize = 7;
const PUBLISHED_LABELS: [&str; 12] = [
    "julkaistu",
    "julkaisuajankohta",
    "julkaisupäivä",
    "publicerad",
    "pöytäkirja",
    "esityslista",
    "protokoll",
    "tiedote",
    "uutinen",
    "muistio",
    "päivitetty",
    "uppdaterad",
];

/// How the publication date was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEvidence {
    /// A label such as "Julkaistu" right before the date.
    Labelled,
    /// A date standing alone on one of the first lines of the text.
    HeaderLine,
}

/// Chooses the publication date from the text alone: a date labelled "Julkaistu"/"Julkaisuajankohta"/"Publicerad"
/// (or, for meeting documents, "Pöytäkirja 24.01.2023" / "Esityslista 29.05.2017"),
/// else a date alone on one of the first eight lines (where CMS pages print it), else a date labelled "Tiedote",
/// "Uutinen", "muistio" or "Päivitetty". `None` when the text does
/// not say — the dates inside the body are events, not the publication.
///
/// ```
/// use sotehaku_ingest::date::publication_date;
/// let (d, _) = publication_date("Otsikko\n\nPäivitetty 25.1.2023 · Julkaistu 24.1.2023\n\nKokous 13.2.", None).unwrap();
/// assert_eq!(d.to_string(), "2023-01-24");
/// assert!(publication_date("Kokous pidettiin 11.11. Helsingissä.", None).is_none());
/// ```
pub fn publication_date(text: &str, ref_year: Option<i32>) -> Option<(PartialDate, DateEvidence)> {
    // Only the head of the text carries the page's own date line; later labels are quotes of other releases.
    let head: &str = match text.char_indices().nth(3000) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let ref_year = ref_year.or_else(|| first_full_year(head));
    let mentions = find_dates(head, ref_year);
    let lower = head.to_lowercase();
    let mut best: Option<(usize, PartialDate)> = None;
    for m in &mentions {
        // The label must end within a few characters before the date ("Julkaistu: ", "Tiedote ").
        let Some(window_start) = floor_char_boundary(&lower, m.start.saturating_sub(24)) else {
            continue;
        };
        let window = lower.get(window_start..m.start).unwrap_or_default();
        for (rank, label) in PUBLISHED_LABELS.iter().enumerate() {
            if let Some(pos) = window.rfind(label) {
                let between = &window[pos + label.len()..];
                let close = between
                    .chars()
                    .all(|c| c.is_whitespace() || matches!(c, ':' | '-' | '–' | '|' | '·'));
                if close && best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, m.date));
                }
            }
        }
    }
    // "Julkaistu" and its kin name the publication itself and win outright.
    if let Some((rank, d)) = best {
        if rank < STRONG_LABELS {
            return Some((d, DateEvidence::Labelled));
        }
    }
    for line in head.lines().filter(|l| !l.trim().is_empty()).take(8) {
        let line = line.trim();
        let found = find_dates(line, ref_year);
        if let [only] = &found[..] {
            // The date must be (almost) the whole line: "15.11.2018", "2.2.2022 klo 12.00", "24.1.2018 | Uutiset".
            let rest = line.len() - only.matched.len();
            if rest <= 12 && !only.year_inferred && only.kind != DateKind::Partial {
                return Some((only.date, DateEvidence::HeaderLine));
            }
        }
    }
    // "Tiedote 14.11.2018", "muistio 29.3.2016", "Päivitetty 24.1.2018": the document's own date when the page
    // shows no publication date.
    best.map(|(_, d)| (d, DateEvidence::Labelled))
}

/// The year of the first full date in the text, as a reference for dates without one.
///
/// Texts usually name a full date early, so growing prefixes are searched before the whole text. A date found well
/// before the end of a prefix (further than any date mention is long) is the same one the whole text gives.
pub fn first_full_year(text: &str) -> Option<i32> {
    const MARGIN: usize = 256;
    let mut window = 4096usize;
    loop {
        let end = (window..text.len()).find(|&i| text.is_char_boundary(i));
        let Some(end) = end else {
            return first_full_year_in(text);
        };
        let head = &text[..end];
        let first = find_dates(head, None).into_iter().find(|m| m.kind != DateKind::Partial);
        if let Some(m) = first {
            if m.start + MARGIN <= end {
                return m.date.year();
            }
        }
        window = window.saturating_mul(8);
    }
}

fn first_full_year_in(text: &str) -> Option<i32> {
    find_dates(text, None)
        .into_iter()
        .find(|m| m.kind != DateKind::Partial)
        .and_then(|m| m.date.year())
}

fn floor_char_boundary(s: &str, mut i: usize) -> Option<usize> {
    // Bounded: at most 3 steps back for UTF-8.
    for _ in 0..4 {
        if s.is_char_boundary(i) {
            return Some(i);
        }
        i = i.checked_sub(1)?;
    }
    None
}

/// Parses one date string as sources give it: ISO (`2021-05-12`, `2021-05-12T10:00:00+02:00`, `2021-05`, `2021`,
/// `--01-26`) or any form [`find_dates`] recognises (`15.11.2018`, `8. joulukuuta 2020`). The first date wins.
pub fn parse_date_str(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = s.parse::<PartialDate>() {
        return Some(d);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(PartialDate::Day(dt.date_naive()));
    }
    if let Some(prefix) = s.get(..10) {
        if let Ok(d) = prefix.parse::<PartialDate>() {
            return Some(d);
        }
    }
    find_dates(s, None).into_iter().next().map(|m| m.date)
}

/// The year of a fetch time, used as the reference year of pages fetched from the web.
pub fn year_of(at: &chrono::DateTime<chrono::Utc>) -> i32 {
    at.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn isos(text: &str, ref_year: Option<i32>) -> Vec<String> {
        find_dates(text, ref_year).iter().map(DateMention::iso).collect()
    }

    #[test]
    fn finnish_forms() {
        assert_eq!(
            isos("marraskuussa 2021 ja 27 päivänä maaliskuuta 1998", None),
            ["2021-11", "1998-03-27"]
        );
        assert_eq!(isos("Valtuusto 15. joulukuuta", None), ["--12-15"]);
        assert_eq!(isos("yhdyspintajaosto kokoontui 26.1.", None), ["--01-26"]);
        assert_eq!(isos("julkaistu 2021-05-12.", None), ["2021-05-12"]);
    }

    #[test]
    fn not_dates() {
        for text in [
            "5146/01.04.00/2023",
            "laki 611/2021",
            "puh. 040 123 4567",
            "klo 10.42-10.48.",
            "kohta 1.2.3",
            "31.2.",
        ] {
            assert!(
                find_dates(text, Some(2023)).is_empty(),
                "{text}: {:?}",
                find_dates(text, Some(2023))
            );
        }
    }

    #[test]
    fn source_date_strings() {
        assert_eq!(
            parse_date_str("2023-01-24T14:05:00+02:00").unwrap().to_string(),
            "2023-01-24"
        );
        assert_eq!(parse_date_str("24.1.2023").unwrap().to_string(), "2023-01-24");
        assert_eq!(parse_date_str("2021").unwrap().to_string(), "2021");
        assert!(parse_date_str("ei päivää").is_none());
    }

    #[test]
    fn header_line_and_labels() {
        let seed = "Yhdyspintajaosto kokoontui\n\n2.2.2022\n\nYhdyspintajaosto kokoontui 26.1.";
        assert_eq!(publication_date(seed, None).unwrap().0.to_string(), "2022-02-02");
        let vn = "Otsikko\nsosiaali- ja terveysministeriö\nJulkaisuajankohta 8.12.2020 10.12\nTiedote";
        assert_eq!(publication_date(vn, None).unwrap().0.to_string(), "2020-12-08");
        let seed1 = "Otsikko\n\n15.11.2018\n\nTiedote 14.11.2018\n\nTeksti";
        // The page's own date line beats the release's "Tiedote" date; "Julkaistu" beats both.
        assert_eq!(publication_date(seed1, None).unwrap().0.to_string(), "2018-11-15");
        let memo = "Transkriptio:\nmuistio 29.3.2016 Päijät-Hämeen Sote yhteistyö; Aika: Perjantai 18.3. klo 8.30";
        assert_eq!(publication_date(memo, None).unwrap().0.to_string(), "2016-03-29");
    }
}
