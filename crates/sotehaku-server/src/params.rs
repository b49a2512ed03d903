//! The query-string parameters of `/api/search` and `/api/search.atom`, parsed into a [`sotehaku::Query`] with
//! messages that tell the user which parameter to fix and how.

use axum::extract::{FromRequestParts, Query as QueryExtractor};
use axum::http::request::Parts;
use axum::http::StatusCode;
use sotehaku::{DocType, Query, RegionTable, SortOrder};

use crate::problem::Problem;
use crate::state::AppState;

/// Longest query string (everything after `?`) accepted, in bytes.
pub const MAX_QUERY_STRING_BYTES: usize = 16 * 1024;
/// Most values one repeatable parameter (region, theme, type) may have.
pub const MAX_VALUES_PER_PARAM: usize = 32;

/// How the timeline histogram buckets hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Interval {
    /// By month when the hits span at most a few years, else by year.
    #[default]
    Auto,
    Year,
    Month,
}

/// A parsed, validated search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchParams {
    /// The search to run.
    pub query: Query,
    /// The histogram interval asked for.
    pub interval: Interval,
}

const KNOWN: &[&str] = &[
    "q", "region", "theme", "type", "from", "to", "sort", "limit", "offset", "interval", "snippets",
];

impl SearchParams {
    /// Parses `key=value` pairs against the server's limits (`max_limit`, `max_window`, `max_query_bytes`).
    pub fn parse(
        pairs: &[(String, String)],
        limits: &crate::ServerConfig,
        default_limit: usize,
    ) -> Result<Self, Problem> {
        let mut q: Option<&str> = None;
        let mut query = Query::new("");
        let mut interval = Interval::Auto;
        let mut snippets = true;
        let (mut from, mut to) = (None, None);
        let mut limit = default_limit;
        let mut offset = 0usize;
        let (mut regions, mut themes, mut types) = (0usize, 0usize, 0usize);
        for (key, value) in pairs {
            let value = value.as_str();
            let too_many = |n: &mut usize, name: &str| -> Result<(), Problem> {
                *n += 1;
                if *n > MAX_VALUES_PER_PARAM {
                    return Err(Problem::invalid_param(
                        name,
                        format!("at most {MAX_VALUES_PER_PARAM} values"),
                    ));
                }
                Ok(())
            };
            match key.as_str() {
                "q" => {
                    if q.is_some() {
                        return Err(Problem::invalid_param("q", "give the query only once"));
                    }
                    if value.len() > limits.max_query_bytes {
                        return Err(Problem::invalid_param(
                            "q",
                            format!(
                                "the query is {} bytes long; the limit is {} — shorten it",
                                value.len(),
                                limits.max_query_bytes
                            ),
                        ));
                    }
                    q = Some(value);
                }
                "region" => {
                    too_many(&mut regions, "region")?;
                    if value.trim().is_empty() {
                        continue;
                    }
                    let region = RegionTable::builtin()
                        .resolve(value)
                        .map_err(|e| Problem::invalid_param("region", e.to_string()))?;
                    query = query.region(region);
                }
                "theme" => {
                    too_many(&mut themes, "theme")?;
                    let theme = value.trim();
                    if theme.is_empty() {
                        continue;
                    }
                    if theme.len() > 64 || !theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                        return Err(Problem::invalid_param(
                            "theme",
                            "a theme is an identifier such as child-welfare (letters, digits and '-')",
                        ));
                    }
                    query = query.theme(theme.to_string());
                }
                "type" => {
                    too_many(&mut types, "type")?;
                    if value.trim().is_empty() {
                        continue;
                    }
                    let t = value
                        .parse::<DocType>()
                        .map_err(|e| Problem::invalid_param("type", e.to_string()))?;
                    query = query.doc_type(t);
                }
                "from" => from = Some(value),
                "to" => to = Some(value),
                "sort" => {
                    let sort: SortOrder = value.parse().map_err(|e: String| Problem::invalid_param("sort", e))?;
                    query = query.sort(sort);
                }
                "limit" => limit = parse_number("limit", value)?,
                "offset" => offset = parse_number("offset", value)?,
                "snippets" => {
                    snippets = match value.trim().to_lowercase().as_str() {
                        "" | "true" | "1" | "yes" => true,
                        "false" | "0" | "no" => false,
                        other => {
                            return Err(Problem::invalid_param(
                                "snippets",
                                format!("{:?} is not true or false", truncate(other, 40)),
                            ))
                        }
                    };
                }
                "interval" => {
                    interval = match value.trim().to_lowercase().as_str() {
                        "" | "auto" => Interval::Auto,
                        "year" | "vuosi" => Interval::Year,
                        "month" | "kuukausi" => Interval::Month,
                        other => {
                            return Err(Problem::invalid_param(
                                "interval",
                                format!("unknown interval {:?}; use year, month or auto", truncate(other, 40)),
                            ))
                        }
                    }
                }
                other if other.starts_with('_') => {}
                other => {
                    return Err(Problem::invalid_param(
                        &truncate(other, 40),
                        format!("unknown parameter; known parameters are {}", KNOWN.join(", ")),
                    ))
                }
            }
        }
        if limit == 0 || limit > limits.max_limit {
            return Err(Problem::invalid_param(
                "limit",
                format!("limit must be between 1 and {}, not {limit}", limits.max_limit),
            ));
        }
        if offset.saturating_add(limit) > limits.max_window {
            return Err(Problem::invalid_param(
                "offset",
                format!(
                    "offset + limit must be at most {} (got {offset} + {limit}); narrow the search with filters instead",
                    limits.max_window
                ),
            ));
        }
        let date = |name: &str, s: Option<&str>, end: bool| {
            s.map(|s| parse_day(s, end).map_err(|reason| Problem::invalid_param(name, reason)))
                .transpose()
        };
        let (from, to) = (date("from", from, false)?.flatten(), date("to", to, true)?.flatten());
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(Problem::invalid_param(
                    "to",
                    format!("the date range is empty: from {f} is after to {t}"),
                ));
            }
        }
        if let Some(f) = from {
            query = query.from(f);
        }
        if let Some(t) = to {
            query = query.to(t);
        }
        let sort = query.request().sort;
        let mut request = query.request().clone();
        request.query = q.unwrap_or("").to_string();
        request.sort = sort;
        request.limit = limit;
        request.offset = offset;
        request.snippets = snippets;
        Ok(SearchParams {
            query: <Query as From<sotehaku::SearchRequest>>::from(request),
            interval,
        })
    }
}

fn parse_number(name: &str, value: &str) -> Result<usize, Problem> {
    let v = value.trim();
    if v.is_empty() || v.len() > 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::invalid_param(
            name,
            format!("{:?} is not a whole number", truncate(value, 40)),
        ));
    }
    v.parse()
        .map_err(|_| Problem::invalid_param(name, "not a whole number"))
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (the first day of the period, or its last when `end`); empty is `None`.
fn parse_day(s: &str, end: bool) -> Result<Option<chrono::NaiveDate>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let q = if end {
        Query::all().between("", t)
    } else {
        Query::all().between(t, "")
    };
    match q {
        Ok(q) => Ok(if end { q.request().to } else { q.request().from }),
        Err(_) => Err(format!(
            "{:?} is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2021-12-31",
            truncate(t, 40)
        )),
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl FromRequestParts<AppState> for SearchParams {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        if raw.len() > MAX_QUERY_STRING_BYTES {
            let mut p = Problem::new(
                StatusCode::URI_TOO_LONG,
                "uri-too-long",
                "Query string too long",
                format!(
                    "the query string is {} bytes; the limit is {MAX_QUERY_STRING_BYTES} — shorten the query (q may be at most {} bytes)",
                    raw.len(),
                    state.config().max_query_bytes
                ),
            );
            p.invalid_params.push(crate::problem::InvalidParam {
                name: "q".into(),
                reason: "too long".into(),
            });
            return Err(p);
        }
        let QueryExtractor(pairs) = QueryExtractor::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|e| Problem::bad_search(format!("the query string cannot be decoded: {e}")))?;
        let default_limit = if parts.uri.path().ends_with(".atom") { 20 } else { 10 };
        let mut params = SearchParams::parse(&pairs, state.config(), default_limit)?;
        if !state.config().show_restricted {
            params.query = params.query.visible_on(chrono::Utc::now().date_naive());
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ServerConfig;
    use sotehaku::Region;

    fn parse(pairs: &[(&str, &str)]) -> Result<SearchParams, Problem> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        SearchParams::parse(&pairs, &ServerConfig::default(), 10)
    }

    #[test]
    fn regions_by_code_slug_and_name() {
        let p = parse(&[
            ("q", "sote"),
            ("region", "09"),
            ("region", "pohjois-savo"),
            ("region", "Pirha"),
        ])
        .unwrap();
        let r = &p.query.request().regions;
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], Region::County(9));
        assert_eq!(p.query.request().query, "sote");
    }

    #[test]
    fn mistakes_name_the_parameter() {
        for (pairs, name) in [
            (vec![("region", "Narnia")], "region"),
            (vec![("from", "2021-13-01")], "from"),
            (vec![("limit", "10000")], "limit"),
            (vec![("limit", "-1")], "limit"),
            (vec![("offset", "995")], "offset"),
            (vec![("sort", "random")], "sort"),
            (vec![("type", "blog")], "type"),
            (vec![("regio", "09")], "regio"),
            (vec![("from", "2022"), ("to", "2021")], "to"),
        ] {
            let p = parse(&pairs).unwrap_err();
            assert_eq!(p.status, 400, "{pairs:?}");
            assert_eq!(p.invalid_params[0].name, name, "{pairs:?}");
        }
    }

    #[test]
    fn partial_dates_cover_whole_periods() {
        let p = parse(&[("from", "2021"), ("to", "2021-02")]).unwrap();
        assert_eq!(p.query.request().from.unwrap().to_string(), "2021-01-01");
        assert_eq!(p.query.request().to.unwrap().to_string(), "2021-02-28");
    }
}
