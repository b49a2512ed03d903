//! A tiny scripted HTTP server on 127.0.0.1 for the crawler's own tests, with a request log.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};

/// One logged request.
#[derive(Debug, Clone)]
pub struct Logged {
    pub at: Instant,
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
    pub status: u16,
}

/// What a test's handler sees.
pub struct Req<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a str,
    /// How many times this path (and method) was requested before.
    pub seen: usize,
}

pub type Handler = Arc<dyn Fn(&Req<'_>) -> Response<Body> + Send + Sync>;

pub struct TestServer {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<Logged>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn respond(status: u16, content_type: &str, body: impl Into<Body>) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

pub fn html(body: &str) -> Response<Body> {
    respond(200, "text/html; charset=utf-8", body.to_string())
}

pub fn not_found() -> Response<Body> {
    respond(404, "text/plain", "not found")
}

impl TestServer {
    pub async fn start(handler: Handler) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log: Arc<Mutex<Vec<Logged>>> = Arc::default();
        let log2 = log.clone();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let handler = handler.clone();
            let log = log2.clone();
            async move {
                let at = Instant::now();
                let (parts, body) = req.into_parts();
                let bytes: Bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
                let body = String::from_utf8_lossy(&bytes).into_owned();
                let path = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let seen = log
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|l| l.path == path && l.method == parts.method.as_str())
                    .count();
                let resp = handler(&Req {
                    method: &parts.method,
                    path: &path,
                    headers: &parts.headers,
                    body: &body,
                    seen,
                });
                log.lock().unwrap().push(Logged {
                    at,
                    method: parts.method.to_string(),
                    path,
                    headers: parts.headers.clone(),
                    body,
                    status: resp.status().as_u16(),
                });
                resp
            }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { addr, log, task }
    }

    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.log.lock().unwrap().clear();
    }

    pub fn count(&self, path: &str) -> usize {
        self.log().iter().filter(|l| l.path == path).count()
    }
}
