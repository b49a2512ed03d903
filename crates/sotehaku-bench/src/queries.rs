//! The fixed query set every engine runs: `bench/queries.tsv`, embedded as the default.
//!
//! One query a line: `kind<TAB>query<TAB>filters`, where `kind` names the family (single, inflected, phrase, three),
//! `query` is the user's text (phrases in double quotes) and `filters` is `-` or `;`-separated `region=CODE`,
//! `theme=ID`, `from=YYYY-MM-DD`, `to=YYYY-MM-DD`. Lines starting with `#` are comments.

use chrono::NaiveDate;
use serde::Serialize;

use crate::BenchError;

/// The query set shipped with the bench.
pub const DEFAULT_QUERIES: &str = include_str!("../../../bench/queries.tsv");

/// At most this many queries are read from a file.
const MAX_QUERIES: usize = 10_000;

/// One benchmark query: text plus optional filters; every engine also counts facets for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchQuery {
    /// The family: `single`, `inflected`, `phrase` or `three`.
    pub kind: String,
    /// The text as a user types it.
    pub text: String,
    /// A region code (`01`–`21`, `90`, `HUS`, `national`).
    pub region: Option<String>,
    /// A theme id from the theme taxonomy.
    pub theme: Option<String>,
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
}

impl BenchQuery {
    /// Whether the query has any filter.
    pub fn filtered(&self) -> bool {
        self.region.is_some() || self.theme.is_some() || self.from.is_some() || self.to.is_some()
    }

    /// A short label, e.g. `phrase+region`.
    pub fn label(&self) -> String {
        let mut s = self.kind.clone();
        if self.region.is_some() {
            s.push_str("+region");
        }
        if self.theme.is_some() {
            s.push_str("+theme");
        }
        if self.from.is_some() || self.to.is_some() {
            s.push_str("+date");
        }
        s
    }

    /// The words of the query without quotes, for engines that take plain words.
    pub fn words(&self) -> Vec<String> {
        self.text
            .split(|c: char| c.is_whitespace() || c == '"')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Whether the text is one quoted phrase.
    pub fn is_phrase(&self) -> bool {
        let t = self.text.trim();
        t.len() > 2 && t.starts_with('"') && t.ends_with('"')
    }

    /// The query as one line of the query file (the inverse of [`parse`]).
    pub fn to_tsv_line(&self) -> String {
        let mut filters = Vec::new();
        if let Some(r) = &self.region {
            filters.push(format!("region={r}"));
        }
        if let Some(t) = &self.theme {
            filters.push(format!("theme={t}"));
        }
        if let Some(d) = self.from {
            filters.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            filters.push(format!("to={d}"));
        }
        let filters = if filters.is_empty() {
            "-".to_string()
        } else {
            filters.join(";")
        };
        format!("{}\t{}\t{}", self.kind, self.text, filters)
    }

    /// The query as our engine takes it (top 10, relevance order, facets counted).
    pub fn to_engine_query(&self) -> Result<sotehaku::Query, BenchError> {
        let mut q = sotehaku::Query::new(self.text.clone()).limit(10);
        if let Some(r) = &self.region {
            let region: sotehaku::Region = r
                .parse()
                .map_err(|_| BenchError::Usage(format!("unknown region {r:?} in the query set")))?;
            q = q.region(region);
        }
        if let Some(t) = &self.theme {
            q = q.theme(t.clone());
        }
        if let Some(d) = self.from {
            q = q.from(d);
        }
        if let Some(d) = self.to {
            q = q.to(d);
        }
        Ok(q)
    }
}

/// Parses a query file.
///
/// ```
/// let qs = sotehaku_bench::queries::parse("phrase\t\"potilaan oikeudet\"\tregion=90;from=2020-01-01\n").unwrap();
/// assert_eq!(qs[0].region.as_deref(), Some("90"));
/// assert!(qs[0].is_phrase());
/// assert_eq!(qs[0].label(), "phrase+region+date");
/// ```
pub fn parse(text: &str) -> Result<Vec<BenchQuery>, BenchError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if out.len() >= MAX_QUERIES {
            return Err(BenchError::QueryFile {
                line: line_no,
                reason: format!("more than {MAX_QUERIES} queries"),
            });
        }
        let bad = |reason: String| BenchError::QueryFile { line: line_no, reason };
        let cols: Vec<&str> = line.split('\t').collect();
        let [kind, query, filters] = cols[..] else {
            return Err(bad(format!("expected 3 tab-separated columns, found {}", cols.len())));
        };
        if query.trim().is_empty() {
            return Err(bad("empty query".into()));
        }
        let mut q = BenchQuery {
            kind: kind.trim().to_string(),
            text: query.trim().to_string(),
            region: None,
            theme: None,
            from: None,
            to: None,
        };
        for f in filters.split(';').map(str::trim).filter(|f| !f.is_empty() && *f != "-") {
            let (key, value) = f
                .split_once('=')
                .ok_or_else(|| bad(format!("filter {f:?} is not key=value")))?;
            let day = || NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|e| bad(format!("{key}={value}: {e}")));
            match key {
                "region" => q.region = Some(value.to_string()),
                "theme" => q.theme = Some(value.to_string()),
                "from" => q.from = Some(day()?),
                "to" => q.to = Some(day()?),
                other => return Err(bad(format!("unknown filter {other:?}"))),
            }
        }
        out.push(q);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_set_covers_every_family_with_and_without_filters() {
        let qs = parse(DEFAULT_QUERIES).unwrap();
        for kind in ["single", "inflected", "phrase", "three"] {
            assert!(qs.iter().any(|q| q.kind == kind && !q.filtered()), "{kind} unfiltered");
            assert!(qs.iter().any(|q| q.kind == kind && q.region.is_some()), "{kind} region");
            assert!(qs.iter().any(|q| q.kind == kind && q.theme.is_some()), "{kind} theme");
            assert!(qs.iter().any(|q| q.kind == kind && q.from.is_some()), "{kind} date");
        }
        for q in &qs {
            q.to_engine_query().unwrap();
            assert_eq!(parse(&q.to_tsv_line()).unwrap(), vec![q.clone()]);
        }
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let err = parse("# c\nsingle\tkunta\tcolour=red\n").unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(parse("single\tkunta\n").is_err());
        assert!(parse("single\tkunta\tfrom=2020-13-01\n").is_err());
    }
}
