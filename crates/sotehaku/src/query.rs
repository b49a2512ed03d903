//! The [`Query`] builder.

use chrono::NaiveDate;
use sotehaku_index::{SearchRequest, SortOrder};
use sotehaku_ingest::{DocType, Region, RegionTable, Theme};

use crate::Error;

/// A search to run: words plus filters, built step by step.
///
/// ```
/// use sotehaku::{DocType, Query, Region, SortOrder};
/// let q = Query::new("omaishoidon tuki")
///     .region_name("paijat-hame").unwrap()
///     .doc_type(DocType::Minutes)
///     .between("2021-01-01", "2021-12-31").unwrap()
///     .sort(SortOrder::Date)
///     .limit(20);
/// assert_eq!(q.request().regions, vec![Region::County(9)]);
/// assert!(Query::new("x").between("2021-13-01", "2021-12-31").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    request: SearchRequest,
}

impl Query {
    /// A query for these words (the query language: words, `"phrases"`, `AND`/`OR`/`NOT`, `title:word`).
    pub fn new(text: impl Into<String>) -> Query {
        Query {
            request: SearchRequest::new(text),
        }
    }

    /// Every document, newest first (combine with filters).
    pub fn all() -> Query {
        Query::new("")
    }

    pub fn region(mut self, region: Region) -> Query {
        self.request.regions.push(region);
        self
    }

    /// A region by code, slug, name or alias (`09`, `paijat-hame`, `Päijät-Häme`, `Pirha`).
    pub fn region_name(self, name: &str) -> Result<Query, Error> {
        let region = RegionTable::builtin()
            .resolve(name)
            .map_err(|e| Error::InvalidQuery(e.to_string()))?;
        Ok(self.region(region))
    }

    pub fn theme(mut self, theme: impl Into<String>) -> Query {
        self.request.themes.push(Theme(theme.into()));
        self
    }

    pub fn doc_type(mut self, doc_type: DocType) -> Query {
        self.request.doc_types.push(doc_type);
        self
    }

    pub fn from(mut self, day: NaiveDate) -> Query {
        self.request.from = Some(day);
        self
    }

    pub fn to(mut self, day: NaiveDate) -> Query {
        self.request.to = Some(day);
        self
    }

    /// Both ends of a date range as `YYYY-MM-DD` (either may be empty).
    pub fn between(mut self, from: &str, to: &str) -> Result<Query, Error> {
        self.request.from = parse_day(from, false)?;
        self.request.to = parse_day(to, true)?;
        Ok(self)
    }

    pub fn sort(mut self, sort: SortOrder) -> Query {
        self.request.sort = sort;
        self
    }

    pub fn limit(mut self, limit: usize) -> Query {
        self.request.limit = limit;
        self
    }

    pub fn offset(mut self, offset: usize) -> Query {
        self.request.offset = offset;
        self
    }

    /// Whether hits get highlighted snippets (default) or just the text's beginning, which is cheaper.
    pub fn snippets(mut self, snippets: bool) -> Query {
        self.request.snippets = snippets;
        self
    }

    /// Only what the public may see on `day`: no restricted (`noindex`) documents and no minutes whose re-check
    /// after the appeal period is overdue.
    pub fn visible_on(mut self, day: NaiveDate) -> Query {
        self.request.visible_on = Some(day);
        self
    }

    /// The request this query amounts to.
    pub fn request(&self) -> &SearchRequest {
        &self.request
    }
}

impl From<SearchRequest> for Query {
    fn from(request: SearchRequest) -> Query {
        Query { request }
    }
}

/// Parses a day as a user gives it: `YYYY-MM-DD`, or `YYYY-MM`/`YYYY` meaning its first day (or its last, for the end
/// of a range). Empty is `None`.
pub fn parse_day(s: &str, end_of_period: bool) -> Result<Option<NaiveDate>, Error> {
    use sotehaku_ingest::PartialDate;
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let last_day = |d: PartialDate| -> Option<NaiveDate> {
        match d {
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31),
            PartialDate::Month { year, month } => {
                let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
                NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
            }
            other => other.earliest(),
        }
    };
    s.parse::<PartialDate>()
        .ok()
        .and_then(|d| if end_of_period { last_day(d) } else { d.earliest() })
        .map(Some)
        .ok_or_else(|| Error::InvalidQuery(format!("{s:?} is not a date; write it as YYYY-MM-DD, e.g. 2021-12-31")))
}
