//! When the personal data in published minutes and notices must leave the web, and so when sotehaku must re-fetch
//! such a document before showing it again.
//!
//! The law (611/2021 143 § and 145 §, 410/2015 138 § and 140 §): minutes are put on view on the web; a member is
//! deemed to have received the decisions 7 days later; a claim for rectification runs 14 days and an appeal 30 days
//! from then; when the period ends the personal data must be removed from the web. Notices (611/2021 113 §) stay on
//! the web 14 days. The numbers live in `data/review_periods.toml` ([`ReviewRules`]).
//!
//! The on-view day is read from the text ("Pöytäkirja on ollut nähtävänä yleisessä tietoverkossa 12.3.2024",
//! "… pidetään yleisesti nähtävänä …", "… on tarkastettu 18.3.2024 ja se on asetettu nähtäväksi 19.3.2024"); for
//! minutes and decisions without such a phrase it is estimated as the meeting date plus
//! [`ReviewRules::on_view_delay_days`]. The period is the appeal period (30 days) when the text carries appeal
//! instructions or no instructions at all, the rectification period (14 days) when it only has rectification
//! instructions.
//!
//! ```
//! use chrono::NaiveDate;
//! use sotehaku_ingest::review::{assess, recheck_due, PeriodKind, ReviewRules};
//! use sotehaku_ingest::DocType;
//!
//! let rules = ReviewRules::builtin();
//! let text = "Pöytäkirja on ollut nähtävänä yleisessä tietoverkossa 12.3.2024.\nOikaisuvaatimusohje …";
//! let review = assess(DocType::Minutes, "Aluehallitus", text, None, rules).unwrap();
//! assert_eq!(review.on_view_from, NaiveDate::from_ymd_opt(2024, 3, 12).unwrap());
//! assert_eq!(review.kind, PeriodKind::Rectification);
//! // 12.3. + 7 days' notice + 14 days = 2.4.2024 (a Tuesday).
//! assert_eq!(review.period_end, NaiveDate::from_ymd_opt(2024, 4, 2).unwrap());
//! // Fetched before the period ended: re-check after it.
//! let fetched = NaiveDate::from_ymd_opt(2024, 3, 20);
//! assert_eq!(recheck_due(review.period_end, fetched, rules), Some(review.period_end));
//! ```

use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use regex::Regex;
use serde::Deserialize;

use crate::document::DocType;

/// The embedded default rules (`data/review_periods.toml`).
pub const DEFAULT_RULES: &str = include_str!("../data/review_periods.toml");

/// Period lengths and the re-check policy (see `data/review_periods.toml` for the legal sources).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRules {
    /// Days after the on-view day until a member is deemed to have received the decisions (7).
    pub deemed_notice_days: u32,
    /// Claim for rectification, days (14).
    pub rectification_days: u32,
    /// Appeal, days (30).
    pub appeal_days: u32,
    /// Days a notice stays on the web (14).
    pub notice_days: u32,
    /// On-view day assumed after the meeting when the text does not say (7).
    pub on_view_delay_days: u32,
    /// Days after the period's end during which a confirmed copy may still be the unredacted one (3).
    pub settle_days: u32,
}

impl ReviewRules {
    /// The built-in rules.
    pub fn builtin() -> &'static ReviewRules {
        static RULES: OnceLock<ReviewRules> = OnceLock::new();
        RULES.get_or_init(|| {
            ReviewRules::from_toml(DEFAULT_RULES).unwrap_or(ReviewRules {
                deemed_notice_days: 7,
                rectification_days: 14,
                appeal_days: 30,
                notice_days: 14,
                on_view_delay_days: 7,
                settle_days: 3,
            })
        })
    }

    /// Parses rules in the format of `data/review_periods.toml`.
    pub fn from_toml(text: &str) -> Result<ReviewRules, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// Which period applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    /// Claim for rectification (oikaisuvaatimus), 14 days after the deemed notice.
    Rectification,
    /// Appeal (aluevalitus, kunnallisvalitus), 30 days after the deemed notice.
    Appeal,
    /// A notice's 14 days on the web, from the day it was published.
    Notice,
}

/// What [`assess`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    /// The day the document was put on view.
    pub on_view_from: NaiveDate,
    /// Whether that day was estimated from the meeting date (no on-view phrase in the text).
    pub estimated: bool,
    /// Which period applies.
    pub kind: PeriodKind,
    /// The last day of the period (moved past a weekend); the personal data must be gone after it.
    pub period_end: NaiveDate,
}

const DATE: &str = r"(\d{1,2})\.\s?(\d{1,2})\.(?:\s?(\d{4}))?";

fn minutes_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"(?is)pöytäkirj\w*.{{0,200}}?\bnähtäv\w*\D{{0,80}}?{DATE}"))
            .expect("the on-view pattern is a valid regex")
    })
}

fn notice_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?is)\b(?:ilmoitu|kuulutu)\w*.{{0,200}}?\b(?:julkaistu|nähtäv\w*)\D{{0,80}}?{DATE}"
        ))
        .expect("the on-view pattern is a valid regex")
    })
}

fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b(\d{4})\b").expect("the year pattern is a valid regex"))
}

/// Reads a date from a match of [`DATE`]; a missing year ("12.3.–26.3.2024") is taken from the next year written
/// within 30 bytes, else from `reference_year`.
fn date_of(text: &str, caps: &regex::Captures<'_>, reference_year: Option<i32>) -> Option<NaiveDate> {
    let day: u32 = caps.get(1)?.as_str().parse().ok()?;
    let month: u32 = caps.get(2)?.as_str().parse().ok()?;
    let year: i32 = match caps.get(3) {
        Some(y) => y.as_str().parse().ok()?,
        None => {
            let end = caps.get(0)?.end();
            let mut stop = (end + 30).min(text.len());
            while !text.is_char_boundary(stop) {
                stop -= 1;
            }
            let after = text.get(end..stop).unwrap_or("");
            match year_re().captures(after).and_then(|c| c.get(1)) {
                Some(y) => y.as_str().parse().ok()?,
                None => reference_year?,
            }
        }
    };
    if !(1990..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The on-view day stated in minutes' text, if any: `(day, is_notice)`. The first phrase that names a valid date
/// wins; at most 50 candidate phrases are looked at.
pub fn find_on_view_date(text: &str, reference_year: Option<i32>) -> Option<(NaiveDate, bool)> {
    for caps in minutes_re().captures_iter(text).take(50) {
        if let Some(d) = date_of(text, &caps, reference_year) {
            return Some((d, false));
        }
    }
    for caps in notice_re().captures_iter(text).take(50) {
        if let Some(d) = date_of(text, &caps, reference_year) {
            return Some((d, true));
        }
    }
    None
}

fn mentions_appeal(lower: &str) -> bool {
    [
        "valitusosoitus",
        "aluevalitu",
        "kunnallisvalitu",
        "valitusaika",
        "hallinto-oikeudelle",
        "hallinto-oikeuteen",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The period's end for a document, or `None` when no period applies (news, statutes; minutes without a date).
///
/// `meeting_date` is the document's own date (for minutes: the meeting), used when the text names no on-view day.
pub fn assess(
    doc_type: DocType,
    title: &str,
    text: &str,
    meeting_date: Option<NaiveDate>,
    rules: &ReviewRules,
) -> Option<Review> {
    let eligible = matches!(
        doc_type,
        DocType::Minutes | DocType::Decision | DocType::Agenda | DocType::Memo | DocType::Other
    );
    if !eligible {
        return None;
    }
    let reference_year = meeting_date.map(|d| d.year());
    let (on_view_from, estimated, notice) = match find_on_view_date(text, reference_year) {
        Some((day, notice)) => (day, false, notice),
        None if matches!(doc_type, DocType::Minutes | DocType::Decision) => {
            let meeting = meeting_date?;
            (
                meeting.checked_add_days(Days::new(rules.on_view_delay_days.into()))?,
                true,
                false,
            )
        }
        None => return None,
    };
    let notice = notice || (title.to_lowercase().starts_with("kuulutus") && doc_type != DocType::Minutes);
    let lower = text.to_lowercase();
    let kind = if notice {
        PeriodKind::Notice
    } else if !mentions_appeal(&lower) && lower.contains("oikaisuvaatimu") {
        PeriodKind::Rectification
    } else {
        PeriodKind::Appeal
    };
    let days = match kind {
        PeriodKind::Notice => rules.notice_days,
        PeriodKind::Rectification => rules.deemed_notice_days + rules.rectification_days,
        PeriodKind::Appeal => rules.deemed_notice_days + rules.appeal_days,
    };
    let mut end = on_view_from.checked_add_days(Days::new(days.into()))?;
    // 150/1930 5 §: a period ending on a Saturday or Sunday ends on the next weekday.
    end = match end.weekday() {
        Weekday::Sat => end.checked_add_days(Days::new(2))?,
        Weekday::Sun => end.checked_add_days(Days::new(1))?,
        _ => end,
    };
    Some(Review {
        on_view_from,
        estimated,
        kind,
        period_end: end,
    })
}

/// The day after which the document must be fetched again before it may be shown, given the last day the publisher
/// confirmed our copy (`verified`): the period's end when the copy predates it; the end of the settle window
/// ([`ReviewRules::settle_days`]) when the copy was confirmed just after the period ended (the publisher may not have
/// redacted it yet); `None` when the copy was confirmed after that (it is the publisher's post-period version).
pub fn recheck_due(period_end: NaiveDate, verified: Option<NaiveDate>, rules: &ReviewRules) -> Option<NaiveDate> {
    let settled = period_end.checked_add_days(Days::new(rules.settle_days.into()))?;
    match verified {
        Some(v) if v > settled => None,
        Some(v) if v > period_end => Some(settled),
        _ => Some(period_end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn on_view(text: &str) -> Option<NaiveDate> {
        find_on_view_date(text, Some(2024)).map(|(d, _)| d)
    }

    #[test]
    fn reads_the_on_view_phrases_the_platforms_use() {
        assert_eq!(
            on_view("Pöytäkirja on ollut nähtävänä yleisessä tietoverkossa 12.3.2024."),
            Some(d(2024, 3, 12))
        );
        assert_eq!(
            on_view("Pöytäkirja pidetään yleisesti nähtävänä hyvinvointialueen verkkosivuilla 20.3.2024 alkaen."),
            Some(d(2024, 3, 20))
        );
        assert_eq!(
            on_view("Pöytäkirja on tarkastettu 18.3.2024 ja se on asetettu nähtäväksi 19.3.2024."),
            Some(d(2024, 3, 19))
        );
        assert_eq!(
            on_view("PÖYTÄKIRJAN NÄHTÄVILLÄPITO\nPöytäkirja on nähtävillä yleisessä tietoverkossa 5. 6. 2024"),
            Some(d(2024, 6, 5))
        );
        assert_eq!(
            on_view("Pöytäkirja on nähtävänä 12.3.–26.3.2024 hyvinvointialueen verkkosivuilla."),
            Some(d(2024, 3, 12))
        );
        assert_eq!(
            on_view("Pöytäkirja on pantu nähtäville yleiseen tietoverkkoon 2.1.2025"),
            Some(d(2025, 1, 2))
        );
        let notice = find_on_view_date("Kuulutus on julkaistu yleisessä tietoverkossa 3.4.2024.", None);
        assert_eq!(notice, Some((d(2024, 4, 3), true)));
    }

    #[test]
    fn passes_over_other_uses_of_the_word() {
        // Real phrasing from the Turku, Espoo and Mikkeli minutes (../shared/fixtures/real-platforms/).
        assert_eq!(
            on_view("osayleiskaavaluonnos asetetaan julkisesti nähtäville mielipiteiden esittämistä varten"),
            None
        );
        assert_eq!(
            on_view("Lautakunnan tiedoksi merkitsemä selvitys ja kannanotot ovat nähtävänä kokouksessa."),
            None
        );
        assert_eq!(
            on_view("Kokouksessa on nähtävillä Annakodin tilinpäätökset 2015 ja 2016 ja lainasopimukset."),
            None
        );
        assert_eq!(on_view("Pöytäkirja on nähtävänä 31.2.2024"), None, "no such day");
    }

    #[test]
    fn period_follows_the_instructions_and_weekends() {
        let rules = ReviewRules::builtin();
        let appeal = "Pöytäkirja on ollut nähtävänä yleisessä tietoverkossa 12.3.2024.\nValitusosoitus: aluevalitus";
        let r = assess(DocType::Minutes, "Aluevaltuusto", appeal, None, rules).unwrap();
        assert_eq!(r.kind, PeriodKind::Appeal);
        // 12.3. + 37 = 18.4.2024, a Thursday.
        assert_eq!(r.period_end, d(2024, 4, 18));
        // No instructions at all: the longer period.
        let bare = "Pöytäkirja on ollut nähtävänä yleisessä tietoverkossa 12.3.2024.";
        assert_eq!(
            assess(DocType::Minutes, "x", bare, None, rules).unwrap().kind,
            PeriodKind::Appeal
        );
        // 2.3.2024 + 21 = 23.3.2024, a Saturday → Monday 25.3.
        let rect = "Pöytäkirja on ollut nähtävänä 2.3.2024. Oikaisuvaatimusohje";
        assert_eq!(
            assess(DocType::Minutes, "x", rect, None, rules).unwrap().period_end,
            d(2024, 3, 25)
        );
        // Meeting date + delay when no phrase; nothing for news.
        let est = assess(DocType::Minutes, "x", "§ 12 Talousarvio", Some(d(2024, 5, 27)), rules).unwrap();
        assert!(est.estimated);
        assert_eq!(est.on_view_from, d(2024, 6, 3));
        assert_eq!(assess(DocType::News, "x", appeal, Some(d(2024, 5, 27)), rules), None);
        assert_eq!(assess(DocType::Minutes, "x", "§ 12", None, rules), None);
        let notice = assess(
            DocType::Other,
            "Kuulutus",
            "Kuulutus on julkaistu 3.4.2024.",
            None,
            rules,
        )
        .unwrap();
        assert_eq!((notice.kind, notice.period_end), (PeriodKind::Notice, d(2024, 4, 17)));
    }

    #[test]
    fn recheck_moves_forward_then_clears() {
        let rules = ReviewRules::builtin();
        let end = d(2024, 4, 18);
        assert_eq!(recheck_due(end, None, rules), Some(end));
        assert_eq!(recheck_due(end, Some(d(2024, 4, 1)), rules), Some(end));
        assert_eq!(recheck_due(end, Some(d(2024, 4, 19)), rules), Some(d(2024, 4, 21)));
        assert_eq!(recheck_due(end, Some(d(2024, 4, 22)), rules), None);
    }

    #[test]
    fn data_file_parses() {
        let r = ReviewRules::from_toml(DEFAULT_RULES).unwrap();
        assert_eq!((r.deemed_notice_days, r.rectification_days, r.appeal_days), (7, 14, 30));
    }
}
