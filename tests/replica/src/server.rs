//! The HTTP side: one axum fallback handler that picks the virtual host from the `Host` header, applies the
//! behaviours (slow host, host redirects, robots.txt, 429, 503 once, 410, KTweb form POST), answers conditional
//! requests with 304, gzip-encodes where the host does, streams the huge page, and logs every request.

use std::convert::Infallible;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;

use crate::site::{percent_decode, Entry, Page};
use crate::{LoggedRequest, Shared};

/// Builds the router (bounded in-flight requests).
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let limit = shared.config.max_in_flight.max(1);
    Router::new()
        .fallback(handle)
        .with_state(shared)
        .layer(tower::limit::ConcurrencyLimitLayer::new(limit))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// What the handler decided, before logging.
struct Outcome {
    response: Response,
    body_bytes: u64,
    gzip: bool,
}

fn simple(status: StatusCode, text: &str) -> Outcome {
    let body_bytes = text.len() as u64;
    let response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(text.to_string()))
        .unwrap_or_default();
    Outcome {
        response,
        body_bytes,
        gzip: false,
    }
}

fn redirect(status: u16, location: &str) -> Outcome {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
    let body = format!("<html><body><a href=\"{location}\">Moved</a></body></html>");
    let body_bytes = body.len() as u64;
    let response = Response::builder()
        .status(status)
        .header(header::LOCATION, location)
        .header(header::CONTENT_TYPE, "text/html; charset=UTF-8")
        .body(Body::from(body))
        .unwrap_or_default();
    Outcome {
        response,
        body_bytes,
        gzip: false,
    }
}

fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let want = bare(etag);
    if_none_match.split(',').any(|t| t.trim() == "*" || bare(t) == want)
}

fn not_modified(headers: &HeaderMap, page: &Page, etag: &str) -> bool {
    if let Some(inm) = header_str(headers, header::IF_NONE_MATCH) {
        return etag_matches(&inm, etag);
    }
    if let Some(ims) = header_str(headers, header::IF_MODIFIED_SINCE) {
        if let Ok(t) = httpdate::parse_http_date(&ims) {
            return page.last_modified <= t;
        }
    }
    false
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
}

fn serve_page(headers: &HeaderMap, method: &Method, page: &Page, host_gzip: bool) -> Outcome {
    let accepts_gzip = header_str(headers, header::ACCEPT_ENCODING)
        .map(|a| {
            a.split(',')
                .any(|e| e.trim().split(';').next().is_some_and(|n| n.trim() == "gzip"))
        })
        .unwrap_or(false);
    let use_gzip = host_gzip && page.compressible && accepts_gzip;
    // Like nginx: a gzip-encoded representation gets a weak ETag.
    let etag = if use_gzip {
        format!("W/{}", page.etag)
    } else {
        page.etag.clone()
    };
    let lm = httpdate::fmt_http_date(page.last_modified);
    let mut builder = Response::builder()
        .header(header::ETAG, etag.as_str())
        .header(header::LAST_MODIFIED, lm.as_str())
        .header(header::CACHE_CONTROL, "no-cache");
    if host_gzip && page.compressible {
        builder = builder.header(header::VARY, "Accept-Encoding");
    }
    if not_modified(headers, page, &etag) {
        let response = builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default();
        return Outcome {
            response,
            body_bytes: 0,
            gzip: false,
        };
    }
    builder = builder
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, page.content_type.as_str());
    let body = if use_gzip {
        match gzip(&page.body) {
            Some(z) => {
                builder = builder.header(header::CONTENT_ENCODING, "gzip");
                Bytes::from(z)
            }
            None => page.body.clone(),
        }
    } else {
        page.body.clone()
    };
    let body_bytes = if *method == Method::HEAD { 0 } else { body.len() as u64 };
    let response = builder.body(Body::from(body)).unwrap_or_default();
    Outcome {
        response,
        body_bytes,
        gzip: use_gzip && body_bytes > 0,
    }
}

/// The huge page: an HTML list of archive rows, generated chunk by chunk.
fn huge(size: u64, chunked: bool, method: &Method) -> Outcome {
    const HEAD: &str = "<!DOCTYPE html>\n<html lang=\"fi\"><head><meta charset=\"UTF-8\"><title>Uutisarkisto - \
                        Päijät-Hämeen hyvinvointialue</title></head><body><h1>Kaikki uutiset</h1>\n";
    const TAIL: &str = "</body></html>\n";
    const ROW: &str = "<p>Arkistoitu tiedote: hyvinvointialueen palvelut, sote-uudistus ja päätöksenteko.</p>\n";
    let size = size.max(1024);
    let filler_total = size - (HEAD.len() + TAIL.len()) as u64;
    let chunk: Bytes = Bytes::from(ROW.repeat(64 * 1024 / ROW.len()));
    let chunk_len = chunk.len() as u64;
    let state = (0u8, filler_total);
    let stream = futures_util::stream::unfold(state, move |(stage, left)| {
        let chunk = chunk.clone();
        async move {
            match stage {
                0 => Some((Ok::<Bytes, Infallible>(Bytes::from_static(HEAD.as_bytes())), (1, left))),
                1 if left > 0 => {
                    let n = left.min(chunk_len);
                    let piece = chunk.slice(0..usize::try_from(n).unwrap_or(0));
                    Some((Ok(piece), (1, left - n)))
                }
                1 => Some((Ok(Bytes::from_static(TAIL.as_bytes())), (2, 0))),
                _ => None,
            }
        }
    });
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/html; charset=UTF-8");
    if !chunked {
        builder = builder.header(header::CONTENT_LENGTH, size);
    }
    let response = builder.body(Body::from_stream(stream)).unwrap_or_default();
    Outcome {
        response,
        body_bytes: if *method == Method::HEAD { 0 } else { size },
        gzip: false,
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let at = Instant::now();
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let method = parts.method;
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let host = header_str(&headers, header::HOST)
        .or_else(|| parts.uri.host().map(str::to_string))
        .unwrap_or_default()
        .split(':')
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let body_limit = shared.config.max_body_bytes;
    let outcome = decide(&shared, &host, &method, &path_and_query, &headers, body, body_limit).await;
    let entry = LoggedRequest {
        at,
        elapsed: at.saturating_duration_since(shared.started),
        host,
        method: method.to_string(),
        path_and_query,
        if_none_match: header_str(&headers, header::IF_NONE_MATCH),
        if_modified_since: header_str(&headers, header::IF_MODIFIED_SINCE),
        user_agent: header_str(&headers, header::USER_AGENT),
        accept_encoding: header_str(&headers, header::ACCEPT_ENCODING),
        status: outcome.response.status().as_u16(),
        body_bytes: outcome.body_bytes,
        gzip: outcome.gzip,
    };
    if let Ok(mut log) = shared.log.lock() {
        if log.len() >= shared.config.max_log_entries.max(1) {
            log.remove(0);
        }
        log.push(entry);
    }
    outcome.response
}

async fn decide(
    shared: &Shared,
    host: &str,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: Body,
    body_limit: usize,
) -> Outcome {
    let slow = shared.behaviour.lock().ok().and_then(|b| b.slow.get(host).copied());
    if let Some(d) = slow.filter(|d| !d.is_zero()) {
        tokio::time::sleep(d.min(Duration::from_secs(30))).await;
    }
    // Read (bounded) the request body: only the KTweb form uses it.
    let form = match axum::body::to_bytes(body, body_limit).await {
        Ok(b) => b,
        Err(_) => return simple(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
    };
    let key = percent_decode(path_and_query);
    let path_only = key.split('?').next().unwrap_or("/").to_string();
    // Everything that needs the site is decided under the read lock, without awaiting.
    let Ok(site) = shared.site.read() else {
        return simple(StatusCode::INTERNAL_SERVER_ERROR, "replica state poisoned");
    };
    let Some(hs) = site.hosts.get(host) else {
        if host == "127.0.0.1" || host == "localhost" || host.is_empty() {
            let list: Vec<String> = site.hosts.iter().map(|(h, s)| format!("{h}\t{}", s.platform)).collect();
            return simple(
                StatusCode::OK,
                &format!("sotehaku-replica hosts:\n{}\n", list.join("\n")),
            );
        }
        return simple(StatusCode::NOT_FOUND, "unknown host");
    };
    if let Some(origin) = &hs.host_redirect {
        return redirect(301, &format!("{origin}{path_and_query}"));
    }
    if path_only == "/robots.txt" {
        return match &hs.robots {
            Some(r) if *method == Method::GET || *method == Method::HEAD => {
                let page = Page::new("text/plain; charset=UTF-8", r.clone(), shared_epoch());
                serve_page(headers, method, &page, false)
            }
            _ => simple(StatusCode::NOT_FOUND, "Not Found"),
        };
    }
    if let Ok(mut b) = shared.behaviour.lock() {
        if let Some(left) = b.rate_limited.get_mut(host).filter(|n| **n > 0) {
            *left -= 1;
            let mut o = simple(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
            if let Ok(v) = HeaderValue::from_str(&shared.config.retry_after_secs.to_string()) {
                o.response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return o;
        }
        let k = (host.to_string(), path_and_query.to_string());
        let kd = (host.to_string(), key.clone());
        if *method == Method::GET && (b.fail_once.remove(&k) || b.fail_once.remove(&kd)) {
            return simple(StatusCode::SERVICE_UNAVAILABLE, "Service Temporarily Unavailable");
        }
        if b.gone.contains(&k) || b.gone.contains(&kd) {
            return simple(StatusCode::GONE, "Gone");
        }
    }
    if *method == Method::POST {
        if let (Some(model), true) = (&hs.ktweb, path_only == "/ktwebscr/pk_kokl_tweb.htm") {
            let fields = crate::platforms::ktweb::parse_form(&form);
            let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
            let body = model.meeting_list(get("kirjaamo").filter(|v| !v.is_empty()), get("pvm1"), get("pvm2"));
            let body_bytes = body.len() as u64;
            let response = Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "text/html; charset=iso-8859-1")
                .header(header::CACHE_CONTROL, "no-store")
                .body(Body::from(body))
                .unwrap_or_default();
            return Outcome {
                response,
                body_bytes,
                gzip: false,
            };
        }
        return simple(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    }
    if *method != Method::GET && *method != Method::HEAD {
        return simple(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    }
    match hs.entries.get(&key) {
        Some(Entry::Page(page)) => serve_page(headers, method, page, hs.gzip),
        Some(Entry::Redirect { status, location }) => redirect(*status, location),
        Some(Entry::Huge { chunked }) => huge(shared.config.huge_size, *chunked, method),
        None => {
            if hs.add_trailing_slash && !key.contains('?') && !key.ends_with('/') {
                let with_slash = format!("{key}/");
                if hs.entries.contains_key(&with_slash) {
                    return redirect(301, &format!("https://{host}{with_slash}"));
                }
            }
            simple(StatusCode::NOT_FOUND, "Not Found")
        }
    }
}

/// `Last-Modified` of robots.txt files: a fixed date.
fn shared_epoch() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + Duration::from_secs(1_704_067_200)
}

#[cfg(test)]
mod tests {
    use super::etag_matches;

    #[test]
    fn etags_compare_weakly_for_if_none_match() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\"", "\"abc\""));
        assert!(etag_matches("\"x\", W/\"abc\"", "W/\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
