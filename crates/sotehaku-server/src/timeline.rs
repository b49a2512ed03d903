//! The timeline of a search: how many hits fall in each year or month, for the chart on the search page and for
//! API users who want trends.
//!
//! Both come free with every search: the index keeps a `year` and a `month` facet, so a histogram costs no extra
//! search. A monthly histogram has at most [`MAX_MONTHS`] buckets, so it is offered for short spans only.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sotehaku::{Query, SearchResults};

use crate::params::Interval;
use crate::problem::Problem;

/// Most months one histogram may have.
pub const MAX_MONTHS: usize = 60;
/// `interval=auto` switches to months when the hits span at most this many years.
pub const AUTO_MONTH_YEARS: i32 = 3;

/// Hits over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Histogram {
    /// `year` or `month`.
    pub interval: &'static str,
    /// Consecutive periods (`2021` or `2021-05`) with their hit counts, gaps filled with zeros.
    pub buckets: Vec<Bucket>,
}

/// One period of a [`Histogram`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// `YYYY` or `YYYY-MM`.
    pub key: String,
    /// Hits published in the period.
    pub count: u64,
}

/// The histogram for `query`, whose results are `results`.
///
/// The yearly histogram ignores the `from`/`to` filter (like the year facet), so the chart shows the whole time line
/// and where the chosen range lies in it. The monthly one covers the chosen range (or the years with hits).
pub fn histogram(query: &Query, results: &SearchResults, interval: Interval) -> Result<Histogram, Problem> {
    let request = query.request();
    let years: Vec<(i32, u64)> = results
        .facets
        .year
        .0
        .iter()
        .filter_map(|(y, c)| y.parse::<i32>().ok().map(|y| (y, *c)))
        .filter(|(_, c)| *c > 0)
        .collect();
    let in_range = |y: i32| request.from.is_none_or(|f| y >= f.year()) && request.to.is_none_or(|t| y <= t.year());
    let span: Vec<i32> = years.iter().map(|(y, _)| *y).filter(|y| in_range(*y)).collect();
    let (first, last) = match (span.iter().min(), span.iter().max()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return Ok(yearly(&years)),
    };
    let months_wanted = match interval {
        Interval::Year => false,
        Interval::Month => true,
        Interval::Auto => last - first < AUTO_MONTH_YEARS,
    };
    if !months_wanted || results.total == 0 {
        return Ok(yearly(&years));
    }
    let start = request
        .from
        .unwrap_or_default()
        .max(first_day(first, 1).unwrap_or_default());
    let end = request
        .to
        .unwrap_or(NaiveDate::MAX)
        .min(first_day(last, 12).and_then(last_day).unwrap_or(NaiveDate::MAX));
    let months = month_starts(start, end);
    if months.len() > MAX_MONTHS {
        return Err(Problem::invalid_param(
            "interval",
            format!(
                "a monthly timeline covers at most {MAX_MONTHS} months and this one would have {}; narrow from/to or use interval=year",
                months.len()
            ),
        ));
    }
    // The month facet was counted under the search's date filter, so it covers exactly the chosen range.
    let buckets = months
        .into_iter()
        .map(|month_start| {
            let key = format!("{:04}-{:02}", month_start.year(), month_start.month());
            let count = results.facets.month.get(&key).unwrap_or(0);
            Bucket { key, count }
        })
        .collect();
    Ok(Histogram {
        interval: "month",
        buckets,
    })
}

fn yearly(years: &[(i32, u64)]) -> Histogram {
    let mut buckets = Vec::new();
    if let (Some(first), Some(last)) = (years.iter().map(|(y, _)| *y).min(), years.iter().map(|(y, _)| *y).max()) {
        // Bounded: a bucket per year between the first and last year that have documents.
        for y in first..=last.min(first.saturating_add(500)) {
            let count = years.iter().find(|(year, _)| *year == y).map(|(_, c)| *c).unwrap_or(0);
            buckets.push(Bucket {
                key: format!("{y:04}"),
                count,
            });
        }
    }
    Histogram {
        interval: "year",
        buckets,
    }
}

fn first_day(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn last_day(day: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    first_day(y, m).and_then(|d| d.pred_opt())
}

/// First days of the months from `start`'s to `end`'s, at most `MAX_MONTHS + 1` of them.
fn month_starts(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut cur = first_day(start.year(), start.month());
    while let Some(m) = cur {
        if m > end || out.len() > MAX_MONTHS {
            break;
        }
        out.push(m);
        cur = last_day(m).and_then(|d| d.succ_opt());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_consecutive_and_bounded() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let m = month_starts(d("2021-11-15"), d("2022-02-01"));
        let keys: Vec<String> = m.iter().map(|d| d.format("%Y-%m").to_string()).collect();
        assert_eq!(keys, ["2021-11", "2021-12", "2022-01", "2022-02"]);
        assert_eq!(month_starts(d("1900-01-01"), d("2100-01-01")).len(), MAX_MONTHS + 1);
        assert_eq!(last_day(d("2024-02-10")), Some(d("2024-02-29")));
    }

    #[test]
    fn yearly_fills_gaps() {
        let h = yearly(&[(2021, 3), (2019, 1)]);
        let got: Vec<(String, u64)> = h.buckets.into_iter().map(|b| (b.key, b.count)).collect();
        assert_eq!(
            got,
            [
                ("2019".to_string(), 1),
                ("2020".to_string(), 0),
                ("2021".to_string(), 3)
            ]
        );
    }
}
