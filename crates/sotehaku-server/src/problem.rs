//! RFC 9457 problem details: every error the server answers with is a [`Problem`] sent as
//! `application/problem+json`, saying what went wrong and what to change.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of problem bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One parameter that was wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidParam {
    /// The query parameter's name.
    pub name: String,
    /// What is wrong with it and what to write instead.
    pub reason: String,
}

/// An error response body (RFC 9457).
///
/// ```
/// use sotehaku_server::Problem;
/// let p = Problem::invalid_param("limit", "limit must be between 1 and 100, not 10000");
/// assert_eq!(p.status, 400);
/// assert_eq!(p.invalid_params[0].name, "limit");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A URI reference naming the kind of problem (not necessarily dereferenceable).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened in this case and how to fix it.
    pub detail: String,
    /// The parameters at fault, if any.
    #[serde(rename = "invalid-params", skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
}

impl Problem {
    /// A problem of the given status; `kind` is the last part of the type URI.
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("/problems/{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            invalid_params: Vec::new(),
        }
    }

    /// 400: one query parameter is wrong.
    pub fn invalid_param(name: &str, reason: impl Into<String>) -> Problem {
        let reason = reason.into();
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "Invalid parameter",
            format!("parameter {name:?}: {reason}"),
        );
        p.invalid_params.push(InvalidParam {
            name: name.to_string(),
            reason,
        });
        p
    }

    /// 400: the search as a whole is not acceptable (e.g. a query that cannot be parsed).
    pub fn bad_search(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "invalid-search", "Invalid search", detail)
    }

    /// 404: nothing here.
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 503: the server is busy or the search took too long; try again.
    pub fn unavailable(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            detail,
        )
    }

    /// 500: the server's own fault. The detail is logged, the client gets a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Problem {
        tracing::error!(error = %detail, "internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server failed to answer; the error has been logged",
        )
    }

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

impl From<sotehaku::Error> for Problem {
    fn from(e: sotehaku::Error) -> Problem {
        if e.is_user_error() {
            Problem::bad_search(e.to_string())
        } else {
            Problem::internal(e)
        }
    }
}
