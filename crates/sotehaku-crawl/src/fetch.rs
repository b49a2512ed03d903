//! The polite HTTP layer: one request at a time per host with a delay floor and `Crawl-delay`, robots.txt fetched
//! first and cached per host (and checked again for every redirect target), whole-host back-off on 429/503
//! (`Retry-After` honoured, else exponential back-off with jitter), bounded retries, conditional GETs, response-size,
//! redirect and time limits, and refusal of private-network addresses unless allowed.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::Mutex as AsyncMutex;
use url::Url;

use crate::canon::{self, is_private_address};
use crate::crawler::CrawlOptions;
use crate::error::{CrawlError, Result};
use crate::platform::{Method, Target};
use crate::robots::{self, RobotsRules};

/// How long a robots.txt stays cached (RFC 9309 §2.4: no longer than 24 hours).
const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);
/// Consecutive connection failures after which a host is given up for the rest of the run.
const DEAD_AFTER: u32 = 3;

/// A response body and the headers the crawler keeps.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub status: u16,
    pub final_url: Url,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub x_robots: Vec<String>,
    pub body: Vec<u8>,
}

/// The result of fetching one target.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A 2xx response with its body.
    Ok(Fetched),
    /// `304 Not Modified` for a conditional request.
    NotModified { final_url: Url },
    /// robots.txt disallows the URL (possibly a redirect target).
    Disallowed { url: Url },
    /// A redirect led to a URL the frontier already has; nothing fetched from it.
    Duplicate { url: Url },
    /// Given up: why, and the last HTTP status if there was one.
    Failed { reason: String, status: Option<u16> },
}

/// Validators of the stored copy, for a conditional GET.
#[derive(Debug, Clone, Default)]
pub(crate) struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Default)]
struct HostState {
    next_at: Option<Instant>,
    robots: Option<(Arc<RobotsRules>, Instant)>,
    connect_failures: u32,
}

enum Attempt {
    Response {
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
        final_url: Url,
    },
    TooLarge(usize),
    Transport {
        reason: String,
        connect: bool,
    },
}

/// Resolver that refuses private addresses (reqwest's `resolve()` overrides bypass it; those are checked apart).
struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = addrs.into_iter().filter(|a| !is_private_address(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host}: refused private or unresolvable address").into());
            }
            let iter: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(iter)
        })
    }
}

/// The per-crawl HTTP client with politeness state.
pub(crate) struct Fetcher {
    client: reqwest::Client,
    opts: Arc<CrawlOptions>,
    overrides: HashMap<String, SocketAddr>,
    hosts: std::sync::Mutex<HashMap<String, Arc<AsyncMutex<HostState>>>>,
    requests: AtomicU64,
}

impl Fetcher {
    pub(crate) fn new(opts: Arc<CrawlOptions>) -> Result<Fetcher> {
        // Several crawlers in one process share the provider; a second install is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(opts.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(opts.request_timeout)
            .connect_timeout(opts.connect_timeout)
            .pool_max_idle_per_host(1)
            .no_proxy();
        if !opts.allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        let mut overrides = HashMap::new();
        for (host, addr) in &opts.overrides.hosts {
            let host = host.to_ascii_lowercase();
            builder = builder.resolve(&host, *addr);
            overrides.insert(host, *addr);
        }
        let client = builder.build().map_err(|e| CrawlError::Client(e.to_string()))?;
        Ok(Fetcher {
            client,
            opts,
            overrides,
            hosts: std::sync::Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
        })
    }

    /// HTTP requests sent so far (robots.txt and retries included).
    pub(crate) fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn host_state(&self, url: &Url) -> Arc<AsyncMutex<HostState>> {
        let key = canon::origin_key(url);
        let mut hosts = match self.hosts.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        hosts.entry(key).or_default().clone()
    }

    /// The URL put on the wire: overridden hosts go to their mapped port, as plain HTTP when asked.
    fn wire_url(&self, url: &Url) -> Url {
        let mut wire = url.clone();
        if let Some(addr) = url.host_str().and_then(|h| self.overrides.get(h)) {
            if self.opts.overrides.plain_http && wire.scheme() == "https" {
                let _ = wire.set_scheme("http");
            }
            let _ = wire.set_port(Some(addr.port()));
        }
        wire
    }

    /// Maps a URL seen in a response back to its canonical form (undoing the wire rewrite of overridden hosts):
    /// a URL carrying an overridden host's mapped port gets its port dropped and, under `plain_http`, the scheme
    /// of the page it was found on (`base_scheme`).
    pub(crate) fn unwire(&self, url: Url, base_scheme: &str) -> Url {
        let Some(addr) = url.host_str().and_then(|h| self.overrides.get(h)).copied() else {
            return url;
        };
        // Only URLs carrying the mapped port came from the wire; others (e.g. real `http://` links) stay as they are.
        if url.port() != Some(addr.port()) {
            return url;
        }
        let mut url = url;
        let _ = url.set_port(None);
        if self.opts.overrides.plain_http && url.scheme() != base_scheme {
            let _ = url.set_scheme(base_scheme);
        }
        url
    }

    /// Whether `allow_private` covers a redirect to `next`: only when it stays on the host first asked
    /// (`origin_host`) or goes to a host the operator mapped in `overrides`. A redirect elsewhere (e.g. to
    /// `http://169.254.169.254/` or `http://[::1]/`) is checked as if private addresses were not allowed.
    fn private_allowed_for(&self, next: &Url, origin_host: Option<&str>) -> bool {
        if !self.opts.allow_private {
            return false;
        }
        let host = next.host_str().map(str::to_ascii_lowercase);
        match host.as_deref() {
            Some(h) => Some(h) == origin_host || self.overrides.contains_key(h),
            None => false,
        }
    }

    /// Refuses URLs whose host is (or resolves to) a private address, unless `allow_private` (the crawl's
    /// `allow_private`, narrowed for redirects by [`Fetcher::private_allowed_for`]).
    async fn check_destination(&self, url: &Url, allow_private: bool) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("scheme {} not crawled", url.scheme()));
        }
        if allow_private {
            return Ok(());
        }
        let host = url.host_str().unwrap_or("");
        let ip_literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok();
        let addrs: Vec<IpAddr> = if let Some(ip) = ip_literal {
            vec![ip]
        } else if let Some(addr) = self.overrides.get(host) {
            vec![addr.ip()]
        } else {
            let lookup = tokio::net::lookup_host((host, url.port_or_known_default().unwrap_or(80)));
            match tokio::time::timeout(self.opts.connect_timeout, lookup).await {
                Ok(Ok(addrs)) => addrs.map(|a| a.ip()).collect(),
                Ok(Err(e)) => return Err(format!("DNS lookup of {host} failed: {e}")),
                Err(_) => return Err(format!("DNS lookup of {host} timed out")),
            }
        };
        match addrs.iter().find(|ip| is_private_address(**ip)) {
            Some(ip) if self.opts.allow_private => Err(format!(
                "refused private address {ip} of {host} (a redirect off the crawled hosts; --allow-private covers only those)"
            )),
            Some(ip) => Err(format!("refused private address {ip} of {host} (use --allow-private)")),
            None => Ok(()),
        }
    }

    /// The robots rules for a URL's host, fetching robots.txt first if needed. Called with the host lock held.
    async fn robots_for(&self, url: &Url, state: &mut HostState) -> Arc<RobotsRules> {
        if let Some((rules, at)) = &state.robots {
            if at.elapsed() < ROBOTS_TTL {
                return rules.clone();
            }
        }
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        let mut status = None;
        let mut body = Vec::new();
        // RFC 9309 §2.3.1.2: follow at least five redirects.
        let origin_host = url.host_str().map(str::to_ascii_lowercase);
        for _hop in 0..5 {
            let allow_private = self.private_allowed_for(&robots_url, origin_host.as_deref());
            if self.check_destination(&robots_url, allow_private).await.is_err() {
                break;
            }
            self.wait_turn(state).await;
            let attempt = self
                .send(
                    Method::Get,
                    &robots_url,
                    &[],
                    &Validators::default(),
                    robots::ROBOTS_MAX_BYTES,
                )
                .await;
            state.next_at = Some(Instant::now() + self.opts.delay_floor);
            match attempt {
                Attempt::Response {
                    status: s,
                    headers,
                    body: b,
                    ..
                } if (300..400).contains(&s) => {
                    match location(&headers).and_then(|l| canon::resolve(&robots_url, &l)) {
                        Some(next) => robots_url = self.unwire(next, robots_url.scheme()),
                        None => {
                            status = Some(s);
                            body = b;
                            break;
                        }
                    }
                }
                Attempt::Response { status: s, body: b, .. } => {
                    status = Some(s);
                    body = b;
                    break;
                }
                Attempt::TooLarge(_) => {
                    status = Some(200);
                    break;
                }
                Attempt::Transport { connect, .. } => {
                    if connect {
                        state.connect_failures += 1;
                    }
                    break;
                }
            }
        }
        let rules = Arc::new(RobotsRules::from_response(status, &body, &self.opts.agent_token()));
        // The next request to the host already waits for the Crawl-delay the file just asked for.
        state.next_at = Some(Instant::now() + self.host_delay(&rules));
        state.robots = Some((rules.clone(), Instant::now()));
        rules
    }

    /// `Sitemap:` lines of a host's robots.txt (fetching it if needed).
    pub(crate) async fn robots_sitemaps(&self, url: &Url) -> Vec<String> {
        if self.check_destination(url, self.opts.allow_private).await.is_err() {
            return Vec::new();
        }
        let host = self.host_state(url);
        let mut state = host.lock().await;
        self.robots_for(url, &mut state).await.sitemaps()
    }

    fn host_delay(&self, rules: &RobotsRules) -> Duration {
        let crawl_delay = rules.crawl_delay().unwrap_or_default().min(self.opts.max_crawl_delay);
        crawl_delay.max(self.opts.delay_floor)
    }

    async fn wait_turn(&self, state: &HostState) {
        if let Some(at) = state.next_at {
            let now = Instant::now();
            if at > now {
                tokio::time::sleep(at - now).await;
            }
        }
    }

    async fn send(
        &self,
        method: Method,
        url: &Url,
        form: &[(String, String)],
        v: &Validators,
        limit: usize,
    ) -> Attempt {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let wire = self.wire_url(url);
        let mut req = match method {
            Method::Get => self.client.get(wire),
            Method::Post => {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form.iter())
                    .finish();
                self.client
                    .post(wire)
                    .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body)
            }
        };
        req = req.header(
            reqwest::header::ACCEPT,
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        );
        req = req.header(reqwest::header::ACCEPT_LANGUAGE, "fi,sv;q=0.8,en;q=0.5");
        if let Some(etag) = v.etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            req = req.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = v.last_modified.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
        }
        let mut resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                return Attempt::Transport {
                    connect: e.is_connect(),
                    reason: error_chain(&e),
                }
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        // Redirects are not followed by the client, so the response is for the URL asked.
        let final_url = url.clone();
        if let Some(len) = resp.content_length() {
            if len > limit as u64 {
                return Attempt::TooLarge(usize::try_from(len).unwrap_or(usize::MAX));
            }
        }
        let mut body = Vec::new();
        // Bounded: the loop ends with the body, at the size limit, or at the client's total timeout.
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Attempt::TooLarge(body.len() + chunk.len());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Attempt::Transport {
                        connect: false,
                        reason: error_chain(&e),
                    }
                }
            }
        }
        Attempt::Response {
            status,
            headers,
            body,
            final_url,
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.opts.backoff_base.as_secs_f64() * 2f64.powi(i32::try_from(attempt.min(16)).unwrap_or(16));
        let jittered = base * (0.5 + fastrand::f64());
        Duration::from_secs_f64(jittered.min(self.opts.max_backoff.as_secs_f64()))
    }

    /// Fetches one target: robots check, redirects (each target checked again), retries and back-off.
    /// `known` tells whether a redirect target is already in the frontier (then it is not fetched again here).
    pub(crate) async fn fetch(
        &self,
        target: &Target,
        validators: &Validators,
        known: &dyn Fn(&Url) -> bool,
    ) -> Outcome {
        let mut url = target.url.clone();
        let mut method = target.method;
        let mut form = target.form.clone();
        let mut seen: HashSet<String> = HashSet::new();
        seen.insert(url.to_string());
        let mut hops = 0usize;
        let origin_host = target.url.host_str().map(str::to_ascii_lowercase);
        loop {
            let allow_private = self.private_allowed_for(&url, origin_host.as_deref());
            if let Err(reason) = self.check_destination(&url, allow_private).await {
                return Outcome::Failed { reason, status: None };
            }
            let validators_now = if hops == 0 {
                validators.clone()
            } else {
                Validators::default()
            };
            let outcome = self.fetch_one(&url, method, &form, &validators_now).await;
            let (status, headers) = match outcome {
                Step::Done(o) => return o,
                Step::Redirect { status, headers } => (status, headers),
            };
            let Some(next) = location(&headers)
                .and_then(|l| canon::resolve(&url, &l))
                .map(|u| self.unwire(u, url.scheme()))
            else {
                return Outcome::Failed {
                    reason: format!("redirect {status} without a usable Location"),
                    status: Some(status),
                };
            };
            hops += 1;
            if !seen.insert(next.to_string()) {
                return Outcome::Failed {
                    reason: "redirect loop".into(),
                    status: Some(status),
                };
            }
            if hops > self.opts.max_redirects {
                return Outcome::Failed {
                    reason: "too many redirects".into(),
                    status: Some(status),
                };
            }
            if known(&next) {
                return Outcome::Duplicate { url: next };
            }
            // 303, and 301/302 after a POST, continue as GET (what browsers do).
            if status == 303 || (method == Method::Post && (status == 301 || status == 302)) {
                method = Method::Get;
                form.clear();
            }
            url = next;
        }
    }

    async fn fetch_one(&self, url: &Url, method: Method, form: &[(String, String)], v: &Validators) -> Step {
        let host = self.host_state(url);
        let mut state = host.lock().await;
        if state.connect_failures >= DEAD_AFTER {
            return Step::Done(Outcome::Failed {
                reason: "host unreachable (given up for this run)".into(),
                status: None,
            });
        }
        let rules = self.robots_for(url, &mut state).await;
        if matches!(*rules, RobotsRules::Unreachable) {
            // RFC 9309: an unreachable robots.txt means complete disallow; reported as a failure of the host.
            return Step::Done(Outcome::Failed {
                reason: "host unreachable (robots.txt could not be fetched)".into(),
                status: None,
            });
        }
        if !rules.allowed(url) {
            return Step::Done(Outcome::Disallowed { url: url.clone() });
        }
        let delay = self.host_delay(&rules);
        let mut last_status = None;
        let mut last_reason = String::new();
        for attempt in 0..=self.opts.max_retries {
            self.wait_turn(&state).await;
            let result = self.send(method, url, form, v, self.opts.max_body_bytes).await;
            let now = Instant::now();
            state.next_at = Some(now + delay);
            match result {
                Attempt::Response {
                    status,
                    headers,
                    body,
                    final_url,
                } => {
                    state.connect_failures = 0;
                    last_status = Some(status);
                    if status == 429 || status == 503 || (500..600).contains(&status) {
                        let wait = retry_after(&headers)
                            .map(|d| d.min(self.opts.max_backoff))
                            .unwrap_or_else(|| self.backoff(attempt));
                        // The whole host backs off: every request to it waits behind `next_at`.
                        state.next_at = Some(now + wait.max(delay));
                        last_reason = format!("HTTP {status}");
                        continue;
                    }
                    if (300..400).contains(&status) && status != 304 {
                        return Step::Redirect { status, headers };
                    }
                    if status == 304 {
                        return Step::Done(Outcome::NotModified { final_url });
                    }
                    if !(200..300).contains(&status) {
                        return Step::Done(Outcome::Failed {
                            reason: format!("HTTP {status}"),
                            status: Some(status),
                        });
                    }
                    let header = |name: reqwest::header::HeaderName| {
                        headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
                    };
                    let x_robots: Vec<&str> = headers
                        .get_all("x-robots-tag")
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .collect();
                    return Step::Done(Outcome::Ok(Fetched {
                        status,
                        content_type: header(reqwest::header::CONTENT_TYPE),
                        etag: header(reqwest::header::ETAG),
                        last_modified: header(reqwest::header::LAST_MODIFIED),
                        x_robots: robots::parse_x_robots_tag(&x_robots, &self.opts.agent_token()),
                        final_url,
                        body,
                    }));
                }
                Attempt::TooLarge(n) => {
                    return Step::Done(Outcome::Failed {
                        reason: format!("response larger than {} bytes ({n}+)", self.opts.max_body_bytes),
                        status: None,
                    });
                }
                Attempt::Transport { reason, connect } => {
                    last_reason = reason;
                    if connect {
                        state.connect_failures += 1;
                        if state.connect_failures >= DEAD_AFTER {
                            break;
                        }
                    }
                    state.next_at = Some(now + self.backoff(attempt).max(delay));
                }
            }
        }
        Step::Done(Outcome::Failed {
            reason: format!("{last_reason} (after {} attempts)", self.opts.max_retries + 1),
            status: last_status,
        })
    }
}

enum Step {
    Done(Outcome),
    Redirect { status: u16, headers: HeaderMap },
}

fn location(headers: &HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .to_string();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(&value).ok()?;
    let secs = (date.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .num_milliseconds()
        .max(0);
    Some(Duration::from_millis(u64::try_from(secs).unwrap_or(0)))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    let mut depth = 0;
    while let Some(s) = source {
        if depth >= 6 {
            break;
        }
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
        depth += 1;
    }
    if e.to_string().contains("timed out") || out.contains("timed out") {
        return format!("timeout: {out}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        let future = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_str(&future).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(d > Duration::from_secs(25) && d <= Duration::from_secs(30), "{d:?}");
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }
}
