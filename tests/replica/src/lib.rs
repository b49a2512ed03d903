//! # sotehaku-replica
//!
//! A faithful local HTTP replica of the sites sotehaku crawls — county news sites (WordPress, Drupal),
//! valtioneuvosto.fi, and the minutes platforms Dynasty, KTweb/Triplan, CaseM/CloudNC and M-Files — served under their
//! real host names on `127.0.0.1`, with the behaviours a polite crawler must handle: robots.txt with `Disallow` and
//! `Crawl-delay`, redirects (a chain, a loop, a host change, a redirect into a disallowed path), ETag/Last-Modified
//! with 304, 429 with `Retry-After`, a 503 once, a slow host, a dead host, a huge page, broken and legacy encodings
//! and gzip. Every request is logged so tests can check the crawler's manners from the server's side.
//!
//! See `REPLICA.md` in this crate for every host and URL pattern.
//!
//! ```
//! let replica = sotehaku_replica::Replica::start()?;
//! assert!(replica.hosts().iter().any(|h| h == "paijatha.fi"));
//! assert!(replica.addr().ip().is_loopback());
//! // Fetch with `reqwest::ClientBuilder::resolve(host, addr)` for each pair of `replica.resolve_map()`.
//! assert!(replica.request_log().is_empty());
//! # Ok::<(), sotehaku_replica::ReplicaError>(())
//! ```

mod listener;
mod platforms;
mod server;
mod site;
mod text;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// Errors of the replica.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// Binding the listening socket or starting the runtime failed.
    #[error("replica I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// An embedded data file is missing or malformed (a bug in the crate's data).
    #[error("replica data error: {0}")]
    Data(String),
    /// A knob was given a URL that is not on a replica host.
    #[error("not a replica URL: {0}")]
    BadUrl(String),
}

/// Settings of a replica. `Default` gives the values documented in `REPLICA.md`.
#[derive(Debug, Clone)]
pub struct ReplicaConfig {
    /// `Crawl-delay` written into every robots.txt, in seconds (written as an integer when whole).
    pub crawl_delay_secs: f64,
    /// The host answering 429 to its first requests.
    pub rate_limit_host: String,
    /// How many non-robots requests to that host get 429.
    pub rate_limit_first: u32,
    /// `Retry-After` (seconds) sent with 429.
    pub retry_after_secs: u32,
    /// URL (`http://host/path`) answering 503 (no `Retry-After`) to its first GET.
    pub fail_once_url: String,
    /// The slow host and its delay per response (capped at 30 s).
    pub slow_host: String,
    /// Delay per response on the slow host.
    pub slow_delay: Duration,
    /// Size of the huge pages in bytes (at least 1 KiB).
    pub huge_size: u64,
    /// Maximum requests in flight (others wait).
    pub max_in_flight: usize,
    /// Maximum open connections (further connections wait in the accept queue).
    pub max_connections: usize,
    /// Maximum request body size (bigger bodies get 413).
    pub max_body_bytes: usize,
    /// Maximum number of log entries kept (older ones are dropped).
    pub max_log_entries: usize,
    /// Port to listen on (on 127.0.0.1); 0 picks a free one.
    pub port: u16,
}

impl Default for ReplicaConfig {
    fn default() -> Self {
        ReplicaConfig {
            crawl_delay_secs: 1.0,
            rate_limit_host: "vakehyva.fi".into(),
            rate_limit_first: 2,
            retry_after_secs: 2,
            fail_once_url: "http://pirha.cloudnc.fi/fi-FI/Toimielimet/Aluevaltuusto".into(),
            slow_host: "hyvaep-julkaisu.tweb.fi".into(),
            slow_delay: Duration::from_millis(1500),
            huge_size: 30 * 1024 * 1024,
            max_in_flight: 256,
            max_connections: 512,
            max_body_bytes: 16 * 1024,
            max_log_entries: 100_000,
            port: 0,
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// When the request arrived.
    pub at: Instant,
    /// Time since the replica started.
    pub elapsed: Duration,
    /// Host header without port, lower case.
    pub host: String,
    /// Request method.
    pub method: String,
    /// Path and query exactly as sent.
    pub path_and_query: String,
    /// `If-None-Match` request header.
    pub if_none_match: Option<String>,
    /// `If-Modified-Since` request header.
    pub if_modified_since: Option<String>,
    /// `User-Agent` request header.
    pub user_agent: Option<String>,
    /// `Accept-Encoding` request header.
    pub accept_encoding: Option<String>,
    /// Response status.
    pub status: u16,
    /// Body bytes sent (0 for 304 and HEAD; the declared size for the streamed huge pages).
    pub body_bytes: u64,
    /// Whether the body was gzip-encoded.
    pub gzip: bool,
}

impl LoggedRequest {
    /// `http://host/path?query` of the request.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.host, self.path_and_query)
    }
}

/// Mutable behaviour state shared with the server.
#[derive(Debug, Default)]
pub(crate) struct Behaviour {
    /// Host → remaining 429 answers.
    pub rate_limited: HashMap<String, u32>,
    /// (host, path) answering 503 once.
    pub fail_once: HashSet<(String, String)>,
    /// (host, path) answering 410.
    pub gone: HashSet<(String, String)>,
    /// Host → delay per response.
    pub slow: HashMap<String, Duration>,
}

/// State shared between the handle and the server.
#[derive(Debug)]
pub(crate) struct Shared {
    pub site: RwLock<site::Site>,
    pub behaviour: Mutex<Behaviour>,
    pub log: Mutex<Vec<LoggedRequest>>,
    pub started: Instant,
    pub config: ReplicaConfig,
}

/// A running replica. Dropping it stops the server (in-flight requests get up to 2 s).
pub struct Replica {
    addr: SocketAddr,
    dead_addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// The minutes page of [`Replica::publish_redaction_minutes`] (a CaseM item on `pirha.cloudnc.fi`, no `noindex`).
pub const REDACTION_MINUTES_URL: &str =
    "https://pirha.cloudnc.fi/fi-FI/Toimielimet/Aluehallitus/Kokous_11032024/Vastuualuejohtajan_viran_taytt_39941";

/// The person named on that page before redaction.
pub const REDACTION_PERSON: &str = "Matti Meikäläinen";

const REDACTION_TEMPLATE: &str = include_str!("../site/minutes/redaction.html");

/// The host that maps to a closed port.
pub const DEAD_HOST: &str = "lapinhva-julkaisu.triplancloud.fi";

/// Splits `http(s)://host[:port]/path?q` into (lower-case host, path-and-query).
fn split_url(url: &str) -> Result<(String, String), ReplicaError> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| ReplicaError::BadUrl(url.to_string()))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let host = authority.split(':').next().unwrap_or(authority).to_ascii_lowercase();
    if host.is_empty() {
        return Err(ReplicaError::BadUrl(url.to_string()));
    }
    Ok((host, path.to_string()))
}

impl Replica {
    /// Starts a replica with the default configuration on `127.0.0.1:0`.
    pub fn start() -> Result<Replica, ReplicaError> {
        Replica::start_with(ReplicaConfig::default())
    }

    /// Starts a replica with the given configuration on `127.0.0.1:0`, in its own thread and runtime (usable from
    /// synchronous and asynchronous tests alike).
    pub fn start_with(config: ReplicaConfig) -> Result<Replica, ReplicaError> {
        let mut site = platforms::build_all()?;
        let delay = if config.crawl_delay_secs.fract() == 0.0 {
            format!("Crawl-delay: {}", config.crawl_delay_secs as u64)
        } else {
            format!("Crawl-delay: {}", config.crawl_delay_secs)
        };
        for hs in site.hosts.values_mut() {
            if let Some(r) = hs.robots.as_mut() {
                *r = r.replace("CRAWL_DELAY", &delay);
            }
        }
        let mut behaviour = Behaviour::default();
        behaviour
            .rate_limited
            .insert(config.rate_limit_host.to_ascii_lowercase(), config.rate_limit_first);
        let (h, p) = split_url(&config.fail_once_url)?;
        behaviour.fail_once.insert((h, p));
        behaviour.slow.insert(
            config.slow_host.to_ascii_lowercase(),
            config.slow_delay.min(Duration::from_secs(30)),
        );
        let shared = Arc::new(Shared {
            site: RwLock::new(site),
            behaviour: Mutex::new(behaviour),
            log: Mutex::new(Vec::new()),
            started: Instant::now(),
            config,
        });
        let listener = std::net::TcpListener::bind(("127.0.0.1", shared.config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let dead_addr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let app = server::router(shared.clone());
        let max_connections = shared.config.max_connections;
        let thread = std::thread::Builder::new()
            .name("sotehaku-replica".into())
            .spawn(move || {
                rt.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => listener::LimitedListener::new(l, max_connections),
                        Err(_) => return,
                    };
                    let (grace_tx, grace_rx) = tokio::sync::oneshot::channel::<()>();
                    let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                        let _ = grace_rx.await;
                    });
                    let server = tokio::spawn(async move { serve.await });
                    let _ = stop_rx.await;
                    let _ = grace_tx.send(());
                    let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
                });
                rt.shutdown_timeout(Duration::from_secs(1));
            })?;
        Ok(Replica {
            addr,
            dead_addr,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The address every live host resolves to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A closed port on 127.0.0.1 (connections are refused); [`DEAD_HOST`] maps to it.
    pub fn dead_addr(&self) -> SocketAddr {
        self.dead_addr
    }

    /// Every served host name, sorted (the dead host included; it maps to [`Replica::dead_addr`]).
    pub fn hosts(&self) -> Vec<String> {
        match self.shared.site.read() {
            Ok(site) => site.hosts.keys().cloned().collect(),
            Err(_) => Vec::new(),
        }
    }

    /// (host, address) pairs for `reqwest::ClientBuilder::resolve`.
    pub fn resolve_map(&self) -> Vec<(String, SocketAddr)> {
        self.hosts()
            .into_iter()
            .map(|h| {
                let a = if h == DEAD_HOST { self.dead_addr } else { self.addr };
                (h, a)
            })
            .collect()
    }

    /// The request log so far, in arrival order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Empties the request log.
    pub fn clear_log(&self) {
        if let Ok(mut l) = self.shared.log.lock() {
            l.clear();
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &ReplicaConfig {
        &self.shared.config
    }

    /// From now on `url` answers 410 Gone.
    pub fn set_gone(&self, url: &str) -> Result<(), ReplicaError> {
        let key = split_url(url)?;
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.gone.insert(key);
        }
        Ok(())
    }

    /// Replaces (or adds) the HTML at `url` (UTF-8); the page gets a new ETag and `Last-Modified` = now.
    pub fn replace_page(&self, url: &str, html: &str) -> Result<(), ReplicaError> {
        let (host, path) = split_url(url)?;
        let mut site = self
            .shared
            .site
            .write()
            .map_err(|_| ReplicaError::Data("site lock poisoned".into()))?;
        let hs = site
            .hosts
            .get_mut(&host)
            .ok_or_else(|| ReplicaError::BadUrl(url.to_string()))?;
        // Whole seconds, as Last-Modified has no finer resolution.
        let now = SystemTime::now();
        let secs = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let lm = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        hs.page(
            &site::percent_decode(&path),
            site::HTML_UTF8,
            html.as_bytes().to_vec(),
            lm,
        );
        Ok(())
    }

    /// Publishes (or re-publishes) the minutes page at [`REDACTION_MINUTES_URL`] (absent until then: 404): an item of
    /// Pirkanmaa's aluehallitus that names a person ([`REDACTION_PERSON`]) and says "Pöytäkirja on ollut nähtävänä
    /// yleisessä tietoverkossa <on_view>". With `redacted`, the name is replaced by "[henkilötiedot poistettu]", as
    /// a publisher does when the appeal period ends (611/2021 145 §). Each call gives the page a new ETag.
    pub fn publish_redaction_minutes(&self, on_view: chrono::NaiveDate, redacted: bool) -> Result<(), ReplicaError> {
        let person = if redacted {
            "[henkilötiedot poistettu]"
        } else {
            REDACTION_PERSON
        };
        let html = REDACTION_TEMPLATE
            .replace("{PERSON}", person)
            .replace("{ON_VIEW}", &on_view.format("%-d.%-m.%Y").to_string());
        self.replace_page(REDACTION_MINUTES_URL, &html)
    }

    /// The next `n` non-robots requests to `host` answer 429 with `Retry-After`.
    pub fn set_rate_limited(&self, host: &str, n: u32) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.rate_limited.insert(host.to_ascii_lowercase(), n);
        }
    }

    /// Delays every response of `host` (capped at 30 s; zero removes the delay).
    pub fn set_slow(&self, host: &str, delay: Duration) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.slow
                .insert(host.to_ascii_lowercase(), delay.min(Duration::from_secs(30)));
        }
    }

    /// The next GET of `url` answers 503 (once).
    pub fn fail_once(&self, url: &str) -> Result<(), ReplicaError> {
        let key = split_url(url)?;
        if let Ok(mut b) = self.shared.behaviour.lock() {
            b.fail_once.insert(key);
        }
        Ok(())
    }

    /// Every URL the replica stores for `host` (pages and redirects, not robots.txt), as `http://host/path`, sorted.
    pub fn urls(&self, host: &str) -> Vec<String> {
        let Ok(site) = self.shared.site.read() else {
            return Vec::new();
        };
        let mut urls: Vec<String> = site
            .hosts
            .get(host)
            .map(|hs| hs.entries.keys().map(|p| format!("http://{host}{p}")).collect())
            .unwrap_or_default();
        urls.sort();
        urls
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_url;

    #[test]
    fn urls_split_into_host_and_path() {
        let (h, p) = split_url("https://PAIJATHA.fi:8443/ajankohtaista/?x=1").expect("valid");
        assert_eq!((h.as_str(), p.as_str()), ("paijatha.fi", "/ajankohtaista/?x=1"));
        assert_eq!(split_url("http://a.fi").expect("valid").1, "/");
        assert!(split_url("ftp://a.fi/").is_err());
    }
}
