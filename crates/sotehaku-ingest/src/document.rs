//! The [`Document`]: what ingest produces and the index stores.
//!
//! Its JSON form (one object a line, "JSON Lines") is the interchange format between the stages; the schema is
//! written down in `docs/document-schema.md` at the top of the repository.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::region::Region;

/// One clean document: a news release, minutes, a statute, a court ruling, ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier: the source's own id where it has one (e.g. `finlex:sd:2021/611`), else derived from the
    /// canonical URL or the file name. Re-indexing a document with the same id replaces it.
    pub id: String,
    /// Canonical URL of the page, when it came from the web.
    pub url: Option<String>,
    /// Other URLs that carry the same document (republished or re-crawled copies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_urls: Vec<String>,
    /// Who published it, as a human-readable name (e.g. "Finlex – KHO (Korkein hallinto-oikeus)").
    pub source: String,
    pub title: String,
    /// Clean main text, paragraphs separated by blank lines.
    pub text: String,
    /// Publication date with the precision the page gives it; `None` when unknown. Never invented.
    pub published: Option<PartialDate>,
    pub language: Option<Language>,
    /// Regions the document is about or was published by; the first is the primary one.
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub doc_type: DocType,
    /// `sha256:` + hex of the SHA-256 of `title` and `text`; see [`Document::compute_hash`].
    #[serde(default)]
    pub content_hash: String,
    /// When the page was fetched, RFC 3339 in UTC; `None` for documents read from files.
    pub fetched_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The day the publisher put minutes or a notice on view (e.g. "Pöytäkirja on ollut nähtävänä …"), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_view_from: Option<chrono::NaiveDate>,
    /// The day after which the appeal or rectification period has ended and the personal data in the published
    /// copy may have been removed by the publisher: from then on the document must be re-fetched before it may be
    /// shown again. `None` for documents without such a period (news, statutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recheck_due: Option<chrono::NaiveDate>,
    /// Not to be shown by the public HTTP endpoint: the publisher marked the page `noindex` and the operator chose to
    /// index it anyway (source policy `index`) without allowing public display (`show_noindex = false`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub restricted: bool,
}

impl Document {
    /// A document with the given id, title and text and every metadata field empty.
    pub fn new(id: impl Into<String>, title: impl Into<String>, text: impl Into<String>) -> Document {
        let mut doc = Document {
            id: id.into(),
            url: None,
            other_urls: Vec::new(),
            source: String::new(),
            title: title.into(),
            text: text.into(),
            published: None,
            language: None,
            regions: Vec::new(),
            themes: Vec::new(),
            doc_type: DocType::Other,
            content_hash: String::new(),
            fetched_at: None,
            on_view_from: None,
            recheck_due: None,
            restricted: false,
        };
        doc.content_hash = doc.compute_hash();
        doc
    }

    /// The content hash of the title and text, independent of the metadata.
    pub fn compute_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.title.as_bytes());
        hasher.update([0u8]);
        hasher.update(self.text.as_bytes());
        let digest = hasher.finalize();
        let mut hex = String::with_capacity(7 + 64);
        hex.push_str("sha256:");
        for byte in digest {
            hex.push_str(&format!("{byte:02x}"));
        }
        hex
    }

    /// The primary region, if any.
    pub fn primary_region(&self) -> Option<&Region> {
        self.regions.first()
    }
}

/// A calendar date with the precision its source gives: a day, a month, a year, or a day of a month in an unknown
/// year ("26.1." in a text with no year in sight).
///
/// Serialized as reduced-precision ISO 8601: `2021-05-12`, `2021-05`, `2021`, `--01-26`.
///
/// ```
/// use sotehaku_ingest::PartialDate;
/// let d: PartialDate = "2021-05".parse().unwrap();
/// assert_eq!(d.year(), Some(2021));
/// assert_eq!(d.to_string(), "2021-05");
/// assert!("2021-02-30".parse::<PartialDate>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartialDate {
    Day(chrono::NaiveDate),
    Month {
        year: i32,
        month: u32,
    },
    Year(i32),
    /// Day and month known, year not.
    MonthDay {
        month: u32,
        day: u32,
    },
}

impl PartialDate {
    pub fn year(&self) -> Option<i32> {
        use chrono::Datelike;
        match *self {
            PartialDate::Day(d) => Some(d.year()),
            PartialDate::Month { year, .. } | PartialDate::Year(year) => Some(year),
            PartialDate::MonthDay { .. } => None,
        }
    }

    /// The first day the date can mean, for sorting and range filters; `None` without a year.
    pub fn earliest(&self) -> Option<chrono::NaiveDate> {
        match *self {
            PartialDate::Day(d) => Some(d),
            PartialDate::Month { year, month } => chrono::NaiveDate::from_ymd_opt(year, month, 1),
            PartialDate::Year(year) => chrono::NaiveDate::from_ymd_opt(year, 1, 1),
            PartialDate::MonthDay { .. } => None,
        }
    }

    /// The precision as a word: `day`, `month`, `year` or `month-day`.
    pub fn precision(&self) -> &'static str {
        match self {
            PartialDate::Day(_) => "day",
            PartialDate::Month { .. } => "month",
            PartialDate::Year(_) => "year",
            PartialDate::MonthDay { .. } => "month-day",
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PartialDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            PartialDate::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            PartialDate::Year(year) => write!(f, "{year:04}"),
            PartialDate::MonthDay { month, day } => write!(f, "--{month:02}-{day:02}"),
        }
    }
}

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date (expected YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD): {0:?}")]
pub struct DateParseError(pub String);

impl FromStr for PartialDate {
    type Err = DateParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DateParseError(s.chars().take(64).collect());
        let s = s.trim();
        let num = |part: &str, len: usize| -> Result<u32, DateParseError> {
            if part.len() == len && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        if let Some(rest) = s.strip_prefix("--") {
            let (m, d) = rest.split_once('-').ok_or_else(err)?;
            let (month, day) = (num(m, 2)?, num(d, 2)?);
            // 2000 is a leap year, so 29 February is accepted.
            chrono::NaiveDate::from_ymd_opt(2000, month, day).ok_or_else(err)?;
            return Ok(PartialDate::MonthDay { month, day });
        }
        let parts: Vec<&str> = s.split('-').collect();
        let year = num(parts[0], 4)? as i32;
        match parts.len() {
            1 => Ok(PartialDate::Year(year)),
            2 => {
                let month = num(parts[1], 2)?;
                if (1..=12).contains(&month) {
                    Ok(PartialDate::Month { year, month })
                } else {
                    Err(err())
                }
            }
            3 => {
                let (month, day) = (num(parts[1], 2)?, num(parts[2], 2)?);
                chrono::NaiveDate::from_ymd_opt(year, month, day)
                    .map(PartialDate::Day)
                    .ok_or_else(err)
            }
            _ => Err(err()),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The language of a document (ISO 639-1 codes in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    #[serde(rename = "fi")]
    Finnish,
    #[serde(rename = "sv")]
    Swedish,
    #[serde(rename = "en")]
    English,
    #[serde(rename = "other")]
    Other,
}

impl Language {
    pub fn code(&self) -> &'static str {
        match self {
            Language::Finnish => "fi",
            Language::Swedish => "sv",
            Language::English => "en",
            Language::Other => "other",
        }
    }
}

/// A theme of the reform, by its identifier in the theme taxonomy (e.g. `child-welfare`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Theme(pub String);

impl Theme {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of document it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum DocType {
    /// Press release.
    #[serde(rename = "tiedote")]
    PressRelease,
    /// News article.
    #[serde(rename = "uutinen")]
    News,
    /// Minutes of a meeting.
    #[serde(rename = "poytakirja")]
    Minutes,
    /// Memo / notes of a working group.
    #[serde(rename = "muistio")]
    Memo,
    /// Agenda of a meeting.
    #[serde(rename = "esityslista")]
    Agenda,
    /// A decision (e.g. an office-holder's decision).
    #[serde(rename = "paatos")]
    Decision,
    /// Questions and answers.
    #[serde(rename = "kysymykset-ja-vastaukset")]
    QuestionsAndAnswers,
    /// A statement (lausunto).
    #[serde(rename = "lausunto")]
    Statement,
    /// A statute (laki, asetus).
    #[serde(rename = "saados")]
    Statute,
    /// A court ruling.
    #[serde(rename = "oikeuden-ratkaisu")]
    CourtRuling,
    #[default]
    #[serde(rename = "muu")]
    Other,
}

impl DocType {
    pub const ALL: [DocType; 11] = [
        DocType::PressRelease,
        DocType::News,
        DocType::Minutes,
        DocType::Memo,
        DocType::Agenda,
        DocType::Decision,
        DocType::QuestionsAndAnswers,
        DocType::Statement,
        DocType::Statute,
        DocType::CourtRuling,
        DocType::Other,
    ];

    /// The identifier used in JSON, facets and on the command line.
    pub fn slug(&self) -> &'static str {
        match self {
            DocType::PressRelease => "tiedote",
            DocType::News => "uutinen",
            DocType::Minutes => "poytakirja",
            DocType::Memo => "muistio",
            DocType::Agenda => "esityslista",
            DocType::Decision => "paatos",
            DocType::QuestionsAndAnswers => "kysymykset-ja-vastaukset",
            DocType::Statement => "lausunto",
            DocType::Statute => "saados",
            DocType::CourtRuling => "oikeuden-ratkaisu",
            DocType::Other => "muu",
        }
    }

    /// The Finnish name for people.
    pub fn label_fi(&self) -> &'static str {
        match self {
            DocType::PressRelease => "tiedote",
            DocType::News => "uutinen",
            DocType::Minutes => "pöytäkirja",
            DocType::Memo => "muistio",
            DocType::Agenda => "esityslista",
            DocType::Decision => "päätös",
            DocType::QuestionsAndAnswers => "kysymykset ja vastaukset",
            DocType::Statement => "lausunto",
            DocType::Statute => "säädös",
            DocType::CourtRuling => "oikeuden ratkaisu",
            DocType::Other => "muu",
        }
    }
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// An unknown document type name.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown document type {0:?}; known types: tiedote, uutinen, poytakirja, muistio, esityslista, paatos, kysymykset-ja-vastaukset, lausunto, saados, oikeuden-ratkaisu, muu")]
pub struct UnknownDocType(pub String);

impl FromStr for DocType {
    type Err = UnknownDocType;

    /// Accepts the slug or the Finnish name, case-insensitively (`pöytäkirja`, `poytakirja`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_lowercase();
        DocType::ALL
            .into_iter()
            .find(|t| t.slug() == wanted || t.label_fi() == wanted)
            .ok_or_else(|| UnknownDocType(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_round_trip_through_json() {
        for s in ["2021-05-12", "2021-05", "2021", "--01-26", "--02-29"] {
            let d: PartialDate = s.parse().unwrap();
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            let back: PartialDate = serde_json::from_str(&json).unwrap();
            assert_eq!(back, d);
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "2021-13",
            "2021-02-30",
            "21-01-01",
            "",
            "2021-1-1",
            "--13-01",
            "yesterday",
        ] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should be refused");
        }
    }

    #[test]
    fn doc_types_parse_by_slug_and_finnish_name() {
        assert_eq!("pöytäkirja".parse::<DocType>().unwrap(), DocType::Minutes);
        assert_eq!("POYTAKIRJA".parse::<DocType>().unwrap(), DocType::Minutes);
        assert!("novel".parse::<DocType>().is_err());
    }

    #[test]
    fn hash_ignores_metadata() {
        let mut a = Document::new("a", "Otsikko", "Teksti");
        let b = Document::new("b", "Otsikko", "Teksti");
        a.source = "somewhere".into();
        assert_eq!(a.compute_hash(), b.compute_hash());
        assert_ne!(a.compute_hash(), Document::new("c", "Otsikko", "Toinen").compute_hash());
    }
}
