//! The crawl loop: options, selection of sources, progress events and the summary.
//!
//! [`Crawler::run`] crawls the selected sources concurrently (each source one page at a time; the fetcher keeps one
//! request at a time per host across sources). For every page it records the outcome in the state store, archives
//! bodies of documents (and of listings, so `304`s can be re-parsed), and queues what the platform adapter
//! discovers on the source's hosts. [`Crawler::run_blocking`] does the same from synchronous code.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use url::Url;

use crate::archive::Archive;
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::encoding;
use crate::error::{CrawlError, Result};
use crate::fetch::{Fetcher, Outcome, Validators};
use crate::html;
use crate::page::FetchedPage;
use crate::platform::{self, PageContext, Role, Target};
use crate::registry::{NoindexPolicy, Registry, Source};
use crate::robots;
use crate::store::{LogLine, Pending, Store, StoreChange};

/// Test and deployment overrides of name resolution: requests to these hosts go to the given socket addresses
/// (reqwest's `resolve()`), so the registry's URLs are used unchanged against a local replica.
///
/// With `plain_http`, `https://` URLs of the overridden hosts are sent as plain `http://` to the mapped port, and
/// `http://` links of those hosts found in responses are read back as `https://`: canonical URLs (frontier keys,
/// `FetchedPage::url`) stay the real ones. Overridden addresses are still subject to `allow_private`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Host name → socket address.
    pub hosts: Vec<(String, SocketAddr)>,
    /// Send `https` URLs of overridden hosts as plain HTTP.
    pub plain_http: bool,
}

/// Options of a crawl. [`CrawlOptions::new`] gives polite defaults for the real sites.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Output directory (state store, archive, `pages.jsonl`).
    pub out_dir: PathBuf,
    /// The `User-Agent` header; its first product token is matched against robots.txt groups.
    pub user_agent: String,
    /// Allow loopback, private and link-local addresses (tests on 127.0.0.1; never for the public web).
    pub allow_private: bool,
    /// At most this many frontier rows per source in one run (the crawl then stops, resumable). `None` lets the
    /// frontier drain (it is still bounded by `max_depth` and the per-page link limit).
    pub max_pages: Option<usize>,
    /// Links are followed to this depth from the seeds.
    pub max_depth: u32,
    /// Documents dated (by their listing, feed or sitemap) before this day are not queued.
    pub since: Option<chrono::NaiveDate>,
    /// Minimum gap between two requests to one host (Crawl-delay may raise it).
    pub delay_floor: Duration,
    /// `Crawl-delay` values above this are capped.
    pub max_crawl_delay: Duration,
    /// Total time limit of one request (connect, headers and body).
    pub request_timeout: Duration,
    /// Connect (and DNS) time limit.
    pub connect_timeout: Duration,
    /// Retries after a 429, 5xx or network error (so `max_retries + 1` attempts).
    pub max_retries: u32,
    /// First back-off step (doubled per retry, ±50 % jitter) when no `Retry-After` is given.
    pub backoff_base: Duration,
    /// Longest back-off or `Retry-After` honoured.
    pub max_backoff: Duration,
    /// Redirects followed per request.
    pub max_redirects: usize,
    /// Responses larger than this are abandoned.
    pub max_body_bytes: usize,
    /// Sources crawled at the same time.
    pub source_concurrency: usize,
    /// Name-resolution overrides (tests against the replica).
    pub overrides: Overrides,
}

impl CrawlOptions {
    /// Defaults for the real sites: 10 000 pages per source and run, 2 s delay floor, 30 s timeout, 3 retries,
    /// 10 redirects, 50 MB bodies.
    pub fn new(out_dir: impl Into<PathBuf>) -> CrawlOptions {
        CrawlOptions {
            out_dir: out_dir.into(),
            user_agent: format!(
                "sotehaku/{} (+https://example.invalid/sotehaku; search engine for Finnish social and health care reform documents)",
                env!("CARGO_PKG_VERSION")
            ),
            allow_private: false,
            max_pages: Some(10_000),
            max_depth: 12,
            since: None,
            delay_floor: Duration::from_secs(2),
            max_crawl_delay: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff_base: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            max_redirects: 10,
            max_body_bytes: 50 * 1024 * 1024,
            source_concurrency: 4,
            overrides: Overrides::default(),
        }
    }

    /// The robots.txt product token: the `User-Agent` up to the first `/` or space, lower-cased.
    pub fn agent_token(&self) -> String {
        self.user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or("sotehaku")
            .to_ascii_lowercase()
    }
}

/// Which sources to crawl.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Every source of the registry.
    All,
    /// Sources by name.
    Sources(Vec<String>),
    /// Ad-hoc start URLs (one ad-hoc source per host; the crawl stays on that host).
    Urls(Vec<String>),
}

/// What happened to one frontier row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOutcome {
    /// A document stored (new or changed).
    Stored,
    /// A document or listing unchanged (304 or the same bytes).
    Unchanged,
    /// A listing fetched for its links.
    Listing,
    /// Not fetched: robots.txt disallows it.
    SkippedRobots,
    /// Fetched but not stored: `noindex` under the `skip` policy.
    SkippedNoindex,
    /// A redirect to a URL already in the frontier.
    Duplicate,
    /// Given up, with the reason.
    Failed(String),
}

impl PageOutcome {
    fn label(&self) -> &'static str {
        match self {
            PageOutcome::Stored => "stored",
            PageOutcome::Unchanged => "unchanged",
            PageOutcome::Listing => "listing",
            PageOutcome::SkippedRobots => "skipped-robots",
            PageOutcome::SkippedNoindex => "skipped-noindex",
            PageOutcome::Duplicate => "duplicate",
            PageOutcome::Failed(_) => "failed",
        }
    }
}

/// Progress events for a UI (the CLI draws one bar per source).
#[derive(Debug, Clone)]
pub enum CrawlEvent<'a> {
    /// A source begins (`resumed`: an interrupted generation continues).
    SourceStarted {
        /// Source name.
        source: &'a str,
        /// Whether an interrupted run is resumed.
        resumed: bool,
        /// Rows waiting in the frontier.
        pending: u64,
    },
    /// One frontier row done.
    Page {
        /// Source name.
        source: &'a str,
        /// The URL.
        url: &'a str,
        /// What happened.
        outcome: &'a PageOutcome,
        /// Rows done in this run.
        done: u64,
        /// Rows still waiting.
        pending: u64,
    },
    /// A source ends.
    SourceFinished {
        /// Its summary.
        summary: &'a SourceSummary,
    },
}

/// Receives progress events. Implementations must be cheap: they run inside the crawl loop.
pub trait CrawlObserver: Send + Sync {
    /// Called for every event.
    fn event(&self, event: &CrawlEvent<'_>);
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopObserver;

impl CrawlObserver for NoopObserver {
    fn event(&self, _event: &CrawlEvent<'_>) {}
}

/// Counts for one source in one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceSummary {
    /// Source name.
    pub source: String,
    /// Platform name.
    pub platform: String,
    /// Whether this run resumed an interrupted one.
    pub resumed: bool,
    /// Documents stored (new or changed).
    pub stored: u64,
    /// Documents and listings unchanged (304 or same bytes).
    pub unchanged: u64,
    /// Listings fetched for their links.
    pub listings: u64,
    /// Not fetched because robots.txt disallows them.
    pub skipped_robots: u64,
    /// Not stored because of `noindex` (policy `skip`).
    pub skipped_noindex: u64,
    /// Redirects to URLs already known.
    pub duplicates: u64,
    /// Failures by reason.
    pub failed: BTreeMap<String, u64>,
    /// URLs whose stored copy was deleted in this run (gone at the publisher, or turned `noindex` under `skip`).
    pub removed: Vec<String>,
    /// URLs whose stored copy was replaced by a changed version in this run.
    pub replaced: Vec<String>,
    /// Stored documents no listing carried any more, fetched once more to see whether they still exist.
    pub unlisted_checked: u64,
    /// New frontier rows discovered.
    pub discovered: u64,
    /// Whether the frontier drained (false: stopped by a limit; the next run resumes).
    pub complete: bool,
}

impl SourceSummary {
    /// Total failures.
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }

    /// Successful fetches (documents stored or unchanged, listings).
    pub fn fetched(&self) -> u64 {
        self.stored + self.unchanged + self.listings + self.skipped_noindex
    }
}

/// The result of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrawlSummary {
    /// Per source, in selection order.
    pub sources: Vec<SourceSummary>,
    /// HTTP requests sent (robots.txt and retries included).
    pub requests: u64,
    /// Documents in the archive after the run.
    pub documents: usize,
    /// `pages.jsonl` written at the end.
    pub pages_file: PathBuf,
    /// Archived bodies deleted from disk at the end of the run (no live page refers to them any more).
    pub purged_bodies: usize,
}

/// What a re-check of one stored page found ([`Crawler::recheck`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RecheckResult {
    /// The URL asked for.
    pub url: String,
    /// The fetch's outcome (`Unchanged`: the publisher confirmed our copy; `Stored`: it changed and was replaced).
    pub outcome: PageOutcome,
    /// Whether our stored copy was deleted (gone at the publisher, or now `noindex` under `skip`).
    pub removed: bool,
    /// Whether our stored copy was replaced by a changed version.
    pub replaced: bool,
}

/// A crawler bound to an output directory.
pub struct Crawler {
    opts: Arc<CrawlOptions>,
    fetcher: Fetcher,
    archive: Archive,
    store: Mutex<Store>,
    stop: Arc<AtomicBool>,
    audit: AuditLog,
}

struct SourceRun<'a> {
    source: &'a Source,
    gen: i64,
    hosts: HashSet<String>,
    article_re: Option<regex::Regex>,
    summary: SourceSummary,
    done: u64,
}

fn parse_hint_date(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(d.date_naive());
    }
    if let Some(d) = s
        .get(..10)
        .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    let first = s.split_whitespace().next().unwrap_or("");
    chrono::NaiveDate::parse_from_str(first, "%d.%m.%Y").ok()
}

impl Crawler {
    /// Opens the output directory and builds the HTTP client.
    pub fn new(opts: CrawlOptions) -> Result<Crawler> {
        if opts.max_pages == Some(0) {
            return Err(CrawlError::Options("max_pages must be at least 1".into()));
        }
        if opts.max_body_bytes == 0 || opts.source_concurrency == 0 {
            return Err(CrawlError::Options(
                "max_body_bytes and source_concurrency must be positive".into(),
            ));
        }
        let archive = Archive::open(&opts.out_dir)?;
        let store = archive.open_store()?;
        let opts = Arc::new(opts);
        Ok(Crawler {
            fetcher: Fetcher::new(opts.clone())?,
            audit: AuditLog::new(&opts.out_dir),
            opts,
            archive,
            store: Mutex::new(store),
            stop: Arc::default(),
        })
    }

    /// The output directory's archive (for ingest).
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// The output directory's audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// A flag that stops the crawl after the current pages when set (e.g. from a Ctrl-C handler). The stopped
    /// generation resumes on the next run.
    pub fn stop_handle(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        match self.store.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Runs the crawl on a Tokio runtime of its own (for synchronous callers such as the CLI).
    pub fn run_blocking(
        &self,
        registry: &Registry,
        selection: &Selection,
        observer: &dyn CrawlObserver,
    ) -> Result<CrawlSummary> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| CrawlError::Client(format!("tokio runtime: {e}")))?;
        rt.block_on(self.run(registry, selection, observer))
    }

    /// Crawls the selected sources.
    pub async fn run(
        &self,
        registry: &Registry,
        selection: &Selection,
        observer: &dyn CrawlObserver,
    ) -> Result<CrawlSummary> {
        let sources: Vec<Source> = match selection {
            Selection::All => registry.sources().to_vec(),
            Selection::Sources(names) => names
                .iter()
                .map(|n| {
                    registry
                        .get(n)
                        .cloned()
                        .ok_or_else(|| CrawlError::UnknownSource(n.clone()))
                })
                .collect::<Result<_>>()?,
            Selection::Urls(urls) => {
                let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for u in urls {
                    let url = crate::canon::canonicalize(u)?;
                    by_host
                        .entry(url.host_str().unwrap_or("").to_string())
                        .or_default()
                        .push(url.to_string());
                }
                by_host
                    .values()
                    .map(|urls| Source::ad_hoc(urls))
                    .collect::<Result<_>>()?
            }
        };
        let results: Vec<Result<SourceSummary>> = stream::iter(sources.iter())
            .map(|s| self.crawl_source(s, observer))
            .buffered(self.opts.source_concurrency)
            .collect()
            .await;
        let mut summary = CrawlSummary::default();
        for r in results {
            summary.sources.push(r?);
        }
        summary.purged_bodies = self.collect_garbage()?;
        let (pages_file, documents) = self.archive.export_jsonl()?;
        summary.pages_file = pages_file;
        summary.documents = documents;
        summary.requests = self.fetcher.request_count();
        Ok(summary)
    }

    /// Deletes archived bodies no stored copy refers to any more, with an audit entry each.
    fn collect_garbage(&self) -> Result<usize> {
        let purged = self.archive.collect_garbage()?;
        for sha in &purged {
            self.audit
                .record(&AuditEntry::new(AuditAction::Purged, "no live page refers to this body").sha256(Some(sha)))?;
        }
        Ok(purged.len())
    }

    /// Re-fetches stored pages by URL (conditional GET when the body is archived), e.g. minutes whose appeal
    /// period has ended: a changed page replaces our copy (the old body is purged), a page gone at the publisher
    /// (404/410) or now `noindex` under `skip` is deleted, an unchanged one is marked verified today. Nothing is
    /// discovered from the pages. URLs without a stored copy are reported as `Failed("not stored")`.
    pub async fn recheck(&self, registry: &Registry, urls: &[String]) -> Result<Vec<RecheckResult>> {
        let mut results = Vec::new();
        let observer = NoopObserver;
        for url in urls {
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            let found = self.store().find_by_url(url)?;
            let Some((source_name, key, copy)) = found.into_iter().next() else {
                results.push(RecheckResult {
                    url: url.clone(),
                    outcome: PageOutcome::Failed("not stored".into()),
                    removed: false,
                    replaced: false,
                });
                continue;
            };
            let source = match registry.get(&source_name) {
                Some(s) => s.clone(),
                None => Source::ad_hoc(std::slice::from_ref(&copy.meta.url))?,
            };
            let gen = self.store().current_gen(&source_name)?.unwrap_or(1);
            let Ok(target_url) = Url::parse(&copy.meta.url) else {
                continue;
            };
            let target = Target::get(target_url, copy.role, copy.meta.hints.clone());
            let item = Pending {
                key,
                target,
                depth: self.opts.max_depth,
            };
            let mut run = SourceRun {
                source: &source,
                gen,
                hosts: source.hosts(),
                article_re: source.article_regex(),
                summary: SourceSummary::default(),
                done: 0,
            };
            let adapter = platform::adapter(source.platform);
            let outcome = self.process(&mut run, adapter, &item, &observer).await?;
            let removed = run.summary.removed.contains(&item.target.url.to_string());
            let replaced = !run.summary.replaced.is_empty();
            let reason = if removed {
                "re-checked: gone or hidden at the publisher; deleted"
            } else if replaced {
                "re-checked: changed at the publisher; replaced"
            } else if outcome == PageOutcome::Unchanged {
                "re-checked: unchanged at the publisher"
            } else {
                "re-checked: fetch failed; copy kept"
            };
            self.audit.record(
                &AuditEntry::new(AuditAction::Rechecked, reason)
                    .url(url.clone())
                    .sha256(copy.sha256.as_deref()),
            )?;
            results.push(RecheckResult {
                url: url.clone(),
                outcome,
                removed,
                replaced,
            });
        }
        self.collect_garbage()?;
        self.archive.export_jsonl()?;
        Ok(results)
    }

    /// [`Crawler::recheck`] on a Tokio runtime of its own.
    pub fn recheck_blocking(&self, registry: &Registry, urls: &[String]) -> Result<Vec<RecheckResult>> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| CrawlError::Client(format!("tokio runtime: {e}")))?;
        rt.block_on(self.recheck(registry, urls))
    }

    async fn crawl_source(&self, source: &Source, observer: &dyn CrawlObserver) -> Result<SourceSummary> {
        let adapter = platform::adapter(source.platform);
        let (gen, resumed) = self.store().begin(&source.name)?;
        let mut run = SourceRun {
            source,
            gen,
            hosts: source.hosts(),
            article_re: source.article_regex(),
            summary: SourceSummary {
                source: source.name.clone(),
                platform: source.platform.as_str().to_string(),
                resumed,
                ..SourceSummary::default()
            },
            done: 0,
        };
        {
            let mut store = self.store();
            for seed in adapter.seeds(source) {
                store.enqueue(&source.name, gen, &seed, 0)?;
            }
        }
        let pending = self.store().pending_count(&source.name, gen)?;
        observer.event(&CrawlEvent::SourceStarted {
            source: &source.name,
            resumed,
            pending,
        });
        let limit = self.opts.max_pages.unwrap_or(usize::MAX);
        let mut processed = 0usize;
        let mut sitemaps_checked = !source.use_robots_sitemaps();
        let mut unlisted_checked = false;
        // Bounded by `limit`, and by the frontier: every row is processed once per generation.
        'outer: loop {
            if self.stop.load(Ordering::Relaxed) || processed >= limit {
                break;
            }
            let batch = self.store().pending(&source.name, gen, 32)?;
            if batch.is_empty() {
                if !unlisted_checked {
                    // The frontier drained: stored documents no listing carried this time are fetched once more
                    // (without following their links), so a page the publisher dropped and deleted goes too.
                    unlisted_checked = true;
                    let n = self
                        .store()
                        .requeue_unlisted_documents(&source.name, gen, self.opts.max_depth)?;
                    if n > 0 {
                        run.summary.unlisted_checked += n as u64;
                        continue;
                    }
                }
                run.summary.complete = true;
                break;
            }
            for item in batch {
                if self.stop.load(Ordering::Relaxed) || processed >= limit {
                    break 'outer;
                }
                self.process(&mut run, adapter, &item, observer).await?;
                processed += 1;
                if !sitemaps_checked {
                    sitemaps_checked = true;
                    self.queue_robots_sitemaps(&mut run).await?;
                }
            }
        }
        if run.summary.complete {
            self.store().finish(&source.name)?;
        }
        observer.event(&CrawlEvent::SourceFinished { summary: &run.summary });
        Ok(run.summary)
    }

    async fn queue_robots_sitemaps(&self, run: &mut SourceRun<'_>) -> Result<()> {
        let mut origins = HashSet::new();
        for u in run
            .source
            .start
            .iter()
            .filter_map(|u| crate::canon::canonicalize(u).ok())
        {
            if !origins.insert(crate::canon::origin_key(&u)) {
                continue;
            }
            for sm in self.fetcher.robots_sitemaps(&u).await {
                let Ok(url) = crate::canon::canonicalize(&sm) else {
                    continue;
                };
                let url = self.fetcher.unwire(url, u.scheme());
                if !url.host_str().is_some_and(|h| run.hosts.contains(h)) {
                    continue;
                }
                let hints = crate::page::PageHints {
                    region: run.source.county.clone(),
                    ..Default::default()
                };
                let target = Target::get(url, Role::Listing, hints);
                if self.store().enqueue(&run.source.name, run.gen, &target, 1)? {
                    run.summary.discovered += 1;
                }
            }
        }
        Ok(())
    }

    fn in_scope(&self, run: &SourceRun<'_>, target: &Target) -> bool {
        if !target.url.host_str().is_some_and(|h| run.hosts.contains(h)) {
            return false;
        }
        if let (Some(since), Role::Document) = (self.opts.since, target.role) {
            if let Some(date) = target.hints.date.as_deref().and_then(parse_hint_date) {
                return date >= since;
            }
        }
        true
    }

    #[allow(clippy::too_many_lines)]
    async fn process(
        &self,
        run: &mut SourceRun<'_>,
        adapter: &dyn platform::Platform,
        item: &Pending,
        observer: &dyn CrawlObserver,
    ) -> Result<PageOutcome> {
        let source_name = run.source.name.as_str();
        let stored = self.store().stored(source_name, &item.key)?;
        let validators = stored
            .as_ref()
            .filter(|s| s.sha256.as_deref().is_some_and(|sha| self.archive.has_body(sha)))
            .map(|s| Validators {
                etag: s.etag.clone(),
                last_modified: s.last_modified.clone(),
            })
            .unwrap_or_default();
        let gen = run.gen;
        let known = |u: &Url| {
            let key = Target::get(u.clone(), Role::Listing, Default::default()).key();
            self.store().known(source_name, gen, &key).unwrap_or(false)
        };
        let outcome = self.fetcher.fetch(&item.target, &validators, &known).await;

        let new_page: FetchedPage;
        let verified_page: FetchedPage;
        let mut also_done = Vec::new();
        let mut change = StoreChange::Keep;
        let mut status = None;
        let mut bytes = None;
        let mut detail: Option<String> = None;
        let page_outcome = match outcome {
            Outcome::Ok(fetched) => {
                status = Some(fetched.status);
                bytes = Some(fetched.body.len());
                if fetched.final_url != item.target.url {
                    also_done.push(Target::get(
                        fetched.final_url.clone(),
                        item.target.role,
                        Default::default(),
                    ));
                }
                let html_page = self.parse_html(&fetched.final_url, fetched.content_type.as_deref(), &fetched.body);
                let mut directives = fetched.x_robots.clone();
                if let Some(h) = &html_page {
                    for d in &h.robots {
                        if !directives.contains(d) {
                            directives.push(d.clone());
                        }
                    }
                }
                let policy = run.source.noindex;
                let follow = !robots::is_nofollow(&directives) || policy == NoindexPolicy::Index;
                if follow {
                    self.discover(
                        run,
                        adapter,
                        item,
                        &fetched.final_url,
                        fetched.content_type.as_deref(),
                        &fetched.body,
                        html_page.as_ref(),
                    )?;
                }
                let skip = robots::is_noindex(&directives) && policy == NoindexPolicy::Skip;
                if skip {
                    detail = Some(directives.join(", "));
                    if stored.is_some() {
                        change = StoreChange::Remove;
                    }
                    if item.target.role == Role::Document {
                        PageOutcome::SkippedNoindex
                    } else {
                        PageOutcome::Listing
                    }
                } else {
                    let sha = self.archive.put_body(&fetched.body)?;
                    let unchanged = stored.as_ref().and_then(|s| s.sha256.as_deref()) == Some(sha.as_str());
                    new_page = FetchedPage {
                        url: item.target.url.to_string(),
                        final_url: fetched.final_url.to_string(),
                        source: Some(run.source.name.clone()),
                        platform: Some(run.source.platform.as_str().to_string()),
                        status: fetched.status,
                        content_type: fetched.content_type.clone(),
                        body: Vec::new(),
                        fetched_at: chrono::Utc::now(),
                        robots: directives,
                        hints: item.target.hints.clone(),
                        body_sha256: Some(sha),
                        etag: fetched.etag.clone(),
                        last_modified: fetched.last_modified.clone(),
                        verified_at: Some(chrono::Utc::now()),
                        show_noindex: run.source.show_noindex,
                    };
                    if !unchanged {
                        self.archive.append_index(&new_page)?;
                    }
                    change = StoreChange::Put {
                        role: item.target.role,
                        page: &new_page,
                    };
                    match (item.target.role, unchanged) {
                        (_, true) => PageOutcome::Unchanged,
                        (Role::Document, false) => PageOutcome::Stored,
                        (Role::Listing, false) => PageOutcome::Listing,
                    }
                }
            }
            Outcome::NotModified { final_url } => {
                status = Some(304);
                // The stored body is still current: parse it again for links (listings change their children).
                if let Some(copy) = &stored {
                    if let Some(sha) = copy.sha256.as_deref() {
                        let body = self.archive.read_body(sha)?;
                        let ct = copy.meta.content_type.clone();
                        let html_page = self.parse_html(&final_url, ct.as_deref(), &body);
                        let follow =
                            !robots::is_nofollow(&copy.meta.robots) || run.source.noindex == NoindexPolicy::Index;
                        if follow {
                            self.discover(run, adapter, item, &final_url, ct.as_deref(), &body, html_page.as_ref())?;
                        }
                    }
                    // The publisher confirmed our copy today.
                    let mut meta = copy.meta.clone();
                    meta.verified_at = Some(chrono::Utc::now());
                    meta.show_noindex = run.source.show_noindex;
                    verified_page = meta;
                    change = StoreChange::Put {
                        role: copy.role,
                        page: &verified_page,
                    };
                }
                PageOutcome::Unchanged
            }
            Outcome::Disallowed { url } => {
                detail = Some(url.to_string());
                PageOutcome::SkippedRobots
            }
            Outcome::Duplicate { url } => {
                detail = Some(url.to_string());
                PageOutcome::Duplicate
            }
            Outcome::Failed { reason, status: s } => {
                status = s;
                // Gone at the publisher: the stored copy goes too, and its body below.
                if matches!(s, Some(404) | Some(410)) && stored.is_some() {
                    change = StoreChange::Remove;
                }
                detail = Some(reason.clone());
                PageOutcome::Failed(reason)
            }
        };
        match &page_outcome {
            PageOutcome::Stored => run.summary.stored += 1,
            PageOutcome::Unchanged => run.summary.unchanged += 1,
            PageOutcome::Listing => run.summary.listings += 1,
            PageOutcome::SkippedRobots => run.summary.skipped_robots += 1,
            PageOutcome::SkippedNoindex => run.summary.skipped_noindex += 1,
            PageOutcome::Duplicate => run.summary.duplicates += 1,
            PageOutcome::Failed(reason) => *run.summary.failed.entry(failure_class(reason)).or_default() += 1,
        }
        let log = LogLine {
            source: source_name,
            key: &item.key,
            url: item.target.url.as_str(),
            status,
            outcome: page_outcome.label(),
            detail: detail.as_deref(),
            bytes,
        };
        let old_sha = stored.as_ref().and_then(|s| s.sha256.clone());
        let (removed, new_sha) = match &change {
            StoreChange::Remove => (true, None),
            StoreChange::Put { page, .. } => (false, page.body_sha256.clone()),
            StoreChange::Keep => (false, old_sha.clone()),
        };
        let body_changed = !removed && old_sha.is_some() && new_sha != old_sha;
        let replaced = body_changed && item.target.role == Role::Document;
        self.store().complete(run.gen, &log, change, &also_done)?;
        run.done += 1;
        let url = item.target.url.as_str();
        if page_outcome == PageOutcome::SkippedNoindex && !removed {
            self.audit.record(
                &AuditEntry::new(
                    AuditAction::SkippedNoindex,
                    "the publisher marked it noindex (policy skip)",
                )
                .url(url),
            )?;
        }
        if removed {
            let reason = match (&page_outcome, status) {
                (PageOutcome::SkippedNoindex, _) => "the publisher marked it noindex (policy skip)".to_string(),
                (_, Some(code)) => format!("HTTP {code} at the publisher"),
                _ => "gone at the publisher".to_string(),
            };
            self.audit.record(
                &AuditEntry::new(AuditAction::Deleted, reason)
                    .url(url)
                    .sha256(old_sha.as_deref()),
            )?;
            run.summary.removed.push(url.to_string());
        }
        if replaced {
            self.audit.record(
                &AuditEntry::new(AuditAction::Replaced, "content changed at the publisher")
                    .url(url)
                    .sha256(old_sha.as_deref())
                    .new_sha256(new_sha.as_deref()),
            )?;
            run.summary.replaced.push(url.to_string());
        }
        if removed || body_changed {
            if let Some(sha) = old_sha.as_deref() {
                if self.archive.purge_body(sha)? {
                    let why = if removed {
                        "its page was deleted"
                    } else {
                        "replaced by a newer version"
                    };
                    self.audit
                        .record(&AuditEntry::new(AuditAction::Purged, why).url(url).sha256(Some(sha)))?;
                }
            }
        }
        let pending = self.store().pending_count(source_name, run.gen)?;
        observer.event(&CrawlEvent::Page {
            source: source_name,
            url: item.target.url.as_str(),
            outcome: &page_outcome,
            done: run.done,
            pending,
        });
        Ok(page_outcome)
    }

    fn parse_html(&self, url: &Url, content_type: Option<&str>, body: &[u8]) -> Option<html::HtmlPage> {
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        let looks_html = ct.contains("html") || {
            let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
            ct.is_empty() && (head.contains("<html") || head.contains("<!doctype html"))
        };
        if !looks_html {
            // UTF-16 pages without a charset may also come as text/html; anything else is not parsed as HTML.
            return None;
        }
        let (text, _) = encoding::decode(body, content_type);
        Some(html::parse(&text, url))
    }

    #[allow(clippy::too_many_arguments)]
    fn discover(
        &self,
        run: &mut SourceRun<'_>,
        adapter: &dyn platform::Platform,
        item: &Pending,
        final_url: &Url,
        content_type: Option<&str>,
        body: &[u8],
        html_page: Option<&html::HtmlPage>,
    ) -> Result<()> {
        if item.depth >= self.opts.max_depth {
            return Ok(());
        }
        let ctx = PageContext {
            source: run.source,
            article_re: run.article_re.as_ref(),
            target: &item.target,
            url: final_url,
            content_type,
            body,
            html: html_page,
        };
        let targets = adapter.discover(&ctx);
        let mut store = self.store();
        for mut t in targets {
            t.url = self.fetcher.unwire(t.url, final_url.scheme());
            if !self.in_scope(run, &t) {
                continue;
            }
            if store.enqueue(&run.source.name, run.gen, &t, item.depth + 1)? {
                run.summary.discovered += 1;
            }
        }
        Ok(())
    }
}

/// Groups failure reasons for the summary (`HTTP 404`, `timeout`, `redirect loop`, …).
fn failure_class(reason: &str) -> String {
    if reason.starts_with("HTTP ") {
        return reason.split(" (").next().unwrap_or(reason).to_string();
    }
    for class in [
        "timeout",
        "redirect loop",
        "too many redirects",
        "refused private address",
        "larger than",
        "host unreachable",
    ] {
        if reason.contains(class) {
            return class.to_string();
        }
    }
    if reason.contains("onnect") {
        return "connection failed".to_string();
    }
    reason.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_dates() {
        let d = |s| parse_hint_date(s);
        assert_eq!(d("2023-01-24"), chrono::NaiveDate::from_ymd_opt(2023, 1, 24));
        assert_eq!(
            d("2023-01-24T10:05:00+00:00"),
            chrono::NaiveDate::from_ymd_opt(2023, 1, 24)
        );
        assert_eq!(d("24.1.2023 15:00"), chrono::NaiveDate::from_ymd_opt(2023, 1, 24));
        assert_eq!(d("huomenna"), None);
    }

    #[test]
    fn agent_token_from_user_agent() {
        assert_eq!(CrawlOptions::new("x").agent_token(), "sotehaku");
    }
}
