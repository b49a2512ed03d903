//! # sotehaku-server
//!
//! The HTTP search endpoint (JSON API, Atom alerts) and the search page, on axum.
//!
//! | Path | What |
//! |---|---|
//! | `GET /` | the search page (Finnish) |
//! | `GET /api/search` | search: `q`, `region` (repeatable; code, slug or name), `theme`, `type`, `from`, `to`, `sort`, `limit`, `offset`, `interval` |
//! | `GET /api/search.atom` | the newest matching documents as an Atom feed |
//! | `GET /api/documents/{id}` | one document |
//! | `GET /api/documents/{id}/similar` | more like this |
//! | `GET /api/facets` | every facet value with its count |
//! | `GET /healthz` | liveness |
//! | `GET /openapi.json` | the OpenAPI 3.1 description |
//!
//! The server is read-only. Mistakes get a 4xx answer with an RFC 9457 problem body.
//!
//! ```
//! use sotehaku::{Document, Engine};
//! use sotehaku_server::{router, AppState, ServerConfig};
//!
//! let engine = Engine::in_memory().unwrap();
//! engine.add_documents([Document::new("a", "Terveysasema", "Terveysasema suljetaan.")]).unwrap();
//! let app: axum::Router = router(AppState::new(engine, ServerConfig::default()));
//! # let _ = app;
//! ```

pub mod api;
pub mod assets;
pub mod atom;
pub mod listener;
pub mod params;
pub mod problem;
pub mod similar;
pub mod state;
pub mod timeline;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::get;
use axum::Router;
use sotehaku::Engine;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use params::{Interval, SearchParams};
pub use problem::{InvalidParam, Problem};
pub use state::AppState;

/// How the server runs and what it allows.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Most hits one request may return.
    pub max_limit: usize,
    /// Deepest hit a request may reach (`offset + limit`).
    pub max_window: usize,
    /// Longest query (`q`) in bytes.
    pub max_query_bytes: usize,
    /// Searches running at once; more wait up to `queue_timeout`, then get 503.
    pub max_concurrent_searches: usize,
    /// How long a request may wait for a search slot.
    pub queue_timeout: Duration,
    /// How long one search may take before the client gets 503.
    pub search_timeout: Duration,
    /// How long a whole request may take (a safety net above `search_timeout`).
    pub request_timeout: Duration,
    /// How often the index directory is checked for commits and rebuilds (zero: never).
    pub reload_interval: Duration,
    /// The server's public URL without a trailing slash, for links in Atom feeds; `None` uses the Host header.
    pub public_url: Option<String>,
    /// Show documents the public must not see: `noindex` pages indexed under a source's `index` policy, and minutes
    /// whose re-check after the appeal period is overdue. Off by default; for an internal deployment only.
    pub show_restricted: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_limit: 100,
            max_window: 1000,
            max_query_bytes: 1000,
            max_concurrent_searches: std::thread::available_parallelism()
                .map(|n| n.get() * 2)
                .unwrap_or(4)
                .clamp(2, 32),
            queue_timeout: Duration::from_secs(5),
            search_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            reload_interval: Duration::from_secs(2),
            public_url: None,
            show_restricted: false,
        }
    }
}

/// What can stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Serve(#[source] std::io::Error),
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Bodies are not expected (the API is read-only); anything bigger is refused.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// The application: every route, with compression, timeouts, body limits and request tracing.
pub fn router(state: AppState) -> Router {
    let timeout = state.config().request_timeout;
    Router::new()
        .route("/", get(assets::index_html))
        .route("/assets/app.js", get(assets::app_js))
        .route("/assets/style.css", get(assets::style_css))
        .route("/openapi.json", get(assets::openapi_json))
        .route("/healthz", get(api::healthz))
        .route("/api/search", get(api::search))
        .route("/api/search.atom", get(api::search_atom))
        .route("/api/facets", get(api::facets))
        .route("/api/documents/{id}", get(api::document))
        .route("/api/documents/{id}/similar", get(api::similar))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(TraceLayer::new_for_http())
}

/// Serves `engine` on `config.addr` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    engine: Engine,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.addr,
            source,
        })?;
    serve_on(listener, engine, config, shutdown).await
}

/// Like [`serve`], on a listener already bound (tests bind `127.0.0.1:0` and read the port first).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    engine: Engine,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = AppState::new(engine, config);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(state::watch_index(state.clone(), stop_rx));
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, documents = state.engine().num_docs(), "sotehaku server listening");
    }
    let listener = listener::CheckedListener::new(listener).map_err(ServerError::Serve)?;
    let result = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop_tx.send(true);
    let _ = watcher.await;
    result.map_err(ServerError::Serve)
}

/// Runs the server on its own runtime until Ctrl-C.
pub fn run(engine: Engine, config: ServerConfig) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServerError::Runtime)?;
    runtime.block_on(serve(engine, config, async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No signal handling available: run until the process is killed.
            std::future::pending::<()>().await;
        }
    }))
}
