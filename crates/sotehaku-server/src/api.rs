//! The HTTP handlers. They are thin: parse (extractors), run the blocking index work on the blocking pool through
//! [`AppState::run_blocking`], and turn the answer into JSON, Atom or a problem.

use std::collections::BTreeMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use sotehaku::{DocType, Facets, RegionTable};

use crate::params::SearchParams;
use crate::problem::Problem;
use crate::state::AppState;
use crate::{atom, similar, timeline};

/// Longest document id accepted in a path.
const MAX_ID_BYTES: usize = 512;

/// `GET /api/search`: the CLI's `--json` answer plus `histogram`.
pub async fn search(State(state): State<AppState>, params: SearchParams) -> Result<Response, Problem> {
    let body = state
        .run_blocking(move |engine| {
            let results = engine.search(&params.query)?;
            let histogram = timeline::histogram(&params.query, &results, params.interval)?;
            // Serialized once, straight to bytes, on the blocking pool (not through a `serde_json::Value` tree).
            serde_json::to_vec(&SearchAnswer {
                results: &results,
                histogram,
            })
            .map_err(Problem::internal)
        })
        .await?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response())
}

/// The body of `GET /api/search`.
#[derive(Serialize)]
struct SearchAnswer<'a> {
    #[serde(flatten)]
    results: &'a sotehaku::SearchResults,
    histogram: timeline::Histogram,
}

/// `GET /api/search.atom`: the newest matching documents as an Atom feed.
pub async fn search_atom(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    params: SearchParams,
) -> Result<Response, Problem> {
    let base = state
        .config()
        .public_url
        .clone()
        .unwrap_or_else(|| base_from_host(&headers));
    let query_string = uri.query().unwrap_or("").to_string();
    let description = describe(&params);
    let mut request = params.query.request().clone();
    request.sort = sotehaku::SortOrder::Date;
    let query = <sotehaku::Query as From<sotehaku::SearchRequest>>::from(request);
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let xml = state
        .run_blocking(move |engine| {
            let results = engine.search(&query)?;
            Ok(atom::feed(&results, &base, &query_string, &description, &now))
        })
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

/// `GET /api/documents/{id}`: the whole document.
pub async fn document(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let public = !state.config().show_restricted;
    let doc = state
        .run_blocking(move |engine| visible_document(&engine, &id, public))
        .await?;
    Ok(Json(doc).into_response())
}

/// Query parameters of `/api/documents/{id}/similar`.
#[derive(Debug, serde::Deserialize)]
pub struct SimilarParams {
    limit: Option<String>,
}

/// `GET /api/documents/{id}/similar`: more like this.
pub async fn similar(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    query: Result<axum::extract::Query<SimilarParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let axum::extract::Query(params) =
        query.map_err(|e| Problem::bad_search(format!("{e}; the only parameter is limit")))?;
    let max = state.config().max_limit;
    let limit = match params.limit.as_deref().map(str::trim) {
        None | Some("") => 10,
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                return Err(Problem::invalid_param(
                    "limit",
                    format!("limit must be between 1 and {max}"),
                ))
            }
        },
    };
    let public = !state.config().show_restricted;
    let answer = state
        .run_blocking(move |engine| {
            let doc = visible_document(&engine, &id, public)?;
            similar::similar(&engine, &doc, limit, public)
        })
        .await?;
    Ok(Json(answer).into_response())
}

/// The answer of `/api/facets`.
#[derive(Debug, Serialize)]
pub struct FacetsAnswer {
    /// Documents in the index.
    pub total: u64,
    /// Every facet value with its document count.
    pub facets: Facets,
    /// Finnish names for region codes and document type slugs.
    pub labels: Labels,
}

/// Names for facet values, for people.
#[derive(Debug, Serialize)]
pub struct Labels {
    /// Region code → Finnish name.
    pub region: BTreeMap<String, String>,
    /// Document type slug → Finnish name.
    pub doc_type: BTreeMap<String, String>,
    /// Theme id → Finnish name (from the theme taxonomy, `data/themes.toml` of the ingest crate).
    pub theme: BTreeMap<String, String>,
}

impl Labels {
    /// The names of every region, document type and theme.
    pub fn builtin() -> Labels {
        let region = RegionTable::builtin()
            .iter()
            .map(|r| (r.region.code(), r.name_fi.clone()))
            .collect();
        let doc_type = DocType::ALL
            .iter()
            .map(|t| (t.slug().to_string(), t.label_fi().to_string()))
            .collect();
        let theme = sotehaku::ThemeTaxonomy::builtin()
            .themes()
            .iter()
            .map(|t| (t.id.clone(), t.label_fi.clone()))
            .collect();
        Labels {
            region,
            doc_type,
            theme,
        }
    }
}

/// `GET /api/facets`: every facet value with its document count, and names for them.
pub async fn facets(State(state): State<AppState>) -> Result<Response, Problem> {
    let answer = state
        .run_blocking(|engine| {
            Ok(FacetsAnswer {
                total: engine.num_docs(),
                facets: engine.facets()?,
                labels: Labels::builtin(),
            })
        })
        .await?;
    Ok(Json(answer).into_response())
}

/// `GET /healthz`: liveness and the number of searchable documents.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let engine = state.engine();
    let body = serde_json::json!({
        "status": "ok",
        "documents": engine.num_docs(),
        "uptime_s": state.uptime().as_secs(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    Json(body).into_response()
}

/// Unknown paths.
pub async fn not_found(uri: axum::http::Uri) -> Problem {
    let path: String = uri.path().chars().take(200).collect();
    Problem::not_found(format!("there is nothing at {path}; see /openapi.json for the API"))
}

/// Known paths with another method than GET.
pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "the server is read-only: use GET",
    )
}

/// The document id of the path, checked: decodable (percent-encoded UTF-8) and of a sane length.
fn path_id(id: Result<Path<String>, PathRejection>) -> Result<String, Problem> {
    let Path(id) = id.map_err(|e| {
        Problem::bad_search(format!(
            "the document id in the path cannot be read ({e}); percent-encode it as UTF-8"
        ))
    })?;
    if id.is_empty() || id.len() > MAX_ID_BYTES {
        return Err(Problem::not_found(format!(
            "a document id is 1 to {MAX_ID_BYTES} bytes long"
        )));
    }
    Ok(id)
}

/// The document with this id if the public may see it today (see [`crate::ServerConfig::show_restricted`]); a
/// hidden one answers like a missing one, so its existence is not revealed either.
fn visible_document(engine: &sotehaku::Engine, id: &str, public: bool) -> Result<sotehaku::Document, Problem> {
    let doc = engine.document(id)?.ok_or_else(|| missing(id))?;
    if public && !is_public_today(&doc) {
        return Err(missing(id));
    }
    Ok(doc)
}

/// Whether the public endpoint may show `doc` today.
pub(crate) fn is_public_today(doc: &sotehaku::Document) -> bool {
    let today = chrono::Utc::now().date_naive();
    !doc.restricted && doc.recheck_due.is_none_or(|due| due >= today)
}

fn missing(id: &str) -> Problem {
    let shown: String = id.chars().take(100).collect();
    Problem::not_found(format!("no document has the id {shown:?}; ids come from search hits"))
}

/// `http://host` from the request's Host header, if it looks like a host name, else `http://localhost`.
fn base_from_host(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let ok = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    format!("http://{}", if ok { host } else { "localhost" })
}

/// A summary of a search for people, e.g. `"terveysasema" · Pohjois-Savon hyvinvointialue · pöytäkirja`.
fn describe(params: &SearchParams) -> String {
    let r = params.query.request();
    let mut parts = Vec::new();
    if !r.query.trim().is_empty() {
        parts.push(format!("\"{}\"", r.query.chars().take(200).collect::<String>()));
    }
    for region in &r.regions {
        parts.push(
            RegionTable::builtin()
                .info(*region)
                .map(|i| i.name_fi.clone())
                .unwrap_or_else(|| region.code()),
        );
    }
    parts.extend(r.themes.iter().map(|t| t.as_str().to_string()));
    parts.extend(r.doc_types.iter().map(|t| t.label_fi().to_string()));
    if r.from.is_some() || r.to.is_some() {
        let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        parts.push(format!("{}–{}", d(r.from), d(r.to)));
    }
    if parts.is_empty() {
        "kaikki asiakirjat".to_string()
    } else {
        parts.join(" · ")
    }
}
