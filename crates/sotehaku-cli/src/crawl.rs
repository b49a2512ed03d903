//! `sotehaku crawl`: fetch sources politely, then turn the stored pages into documents (`documents.jsonl`); with
//! `--index DIR`, apply what changed (new, replaced and removed documents) to that index; with `--recheck-due`,
//! re-fetch the minutes whose appeal period has ended (see `docs/publishers.md`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use sotehaku_crawl::audit::{AuditAction, AuditEntry};
use sotehaku_crawl::crawler::{CrawlEvent, CrawlObserver, Selection};
use sotehaku_crawl::{CrawlOptions, Crawler, Registry};

use crate::UsageError;

/// Policy defaults, printed under `sotehaku crawl --help`.
pub const POLICY_HELP: &str = "\
Publisher policy (defaults; details in docs/publishers.md):
  noindex pages    skipped: fetched, not stored, not archived, not indexed (only the fetch log and audit.jsonl
                   name them). Per source in the registry (sources.toml): noindex = \"index\" keeps them, and
                   show_noindex = true lets the public HTTP endpoint show them (default false: restricted).
  nofollow         links on the page are not followed (unless the source's policy is noindex = \"index\").
  noarchive        the raw body is deleted once documents.jsonl is written.
  404 / 410        the stored copy, its archived body and its document are deleted; with --index, from the index
                   too (then compacted, so the old text leaves the disk). Pages no listing carries any more are
                   fetched once more at the end of a full run and deleted if gone.
  changed page     the new version replaces the old one everywhere; the old body is purged.
  minutes          on-view day + 7 days + 14/30 days (611/2021 143-145 §); after that the document is hidden by
                   the server until `sotehaku crawl --recheck-due` has fetched it again.
  audit            every deletion, purge, replacement and re-check is logged in <out>/audit.jsonl (no text).";

#[derive(Args)]
#[command(after_long_help = POLICY_HELP)]
pub struct CrawlArgs {
    /// Sources to crawl, by their name in the registry (see `--list`).
    #[arg(long = "source", value_name = "NAME")]
    sources: Vec<String>,
    /// Crawl every source of the registry.
    #[arg(long, conflicts_with_all = ["sources", "urls"])]
    all: bool,
    /// Crawl from these start URLs (each stays on its own host), under the same rules.
    #[arg(long = "url", value_name = "URL", conflicts_with = "sources")]
    urls: Vec<String>,
    /// List the registry's sources and exit.
    #[arg(long)]
    list: bool,
    /// A source registry to use instead of the built-in one (TOML, see crates/sotehaku-crawl/data/sources.toml).
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
    /// Output directory: state store, raw archive, pages.jsonl and documents.jsonl. A second run resumes it.
    #[arg(long, default_value = "crawl", value_name = "DIR")]
    out: PathBuf,
    /// At most this many pages per source in one run (the next run goes on from there).
    #[arg(long, value_name = "N")]
    max_pages: Option<usize>,
    /// Skip documents that listings, feeds or sitemaps date before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Allow loopback and private-network addresses (for tests on a local replica; never for the public web).
    #[arg(long)]
    allow_private: bool,
    /// Minimum gap in milliseconds between two requests to one host (default 2000); a robots.txt Crawl-delay can
    /// only make it longer.
    #[arg(long, value_name = "MS")]
    min_delay_ms: Option<u64>,
    /// Send requests for HOST to ADDR (ip:port) instead of what DNS says, like curl's --resolve; repeatable.
    #[arg(long, value_name = "HOST=ADDR")]
    resolve: Vec<String>,
    /// With --resolve: speak plain HTTP to the resolved hosts even for https URLs (a local mirror has no TLS).
    #[arg(long, requires = "resolve")]
    plain_http: bool,
    /// Follow links at most this deep from the start pages (0: fetch only the start URLs).
    #[arg(long, value_name = "N")]
    max_depth: Option<u32>,
    /// Apply the crawl's result to this index: new and changed documents are added, removed ones deleted, and the
    /// index is compacted after deletions so no old version stays on disk.
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Instead of crawling: re-fetch the minutes in <out>/documents.jsonl whose appeal period has ended
    /// (recheck_due before today), replace or delete what the publisher changed or removed, and write the result.
    #[arg(long, conflicts_with_all = ["sources", "all", "urls", "list"])]
    recheck_due: bool,
    /// With --recheck-due: only list what is due.
    #[arg(long, requires = "recheck_due")]
    dry_run: bool,
    /// With --recheck-due: take this day (YYYY-MM-DD) as today (to catch up, or to test ahead of time).
    #[arg(long, value_name = "DATE", requires = "recheck_due")]
    today: Option<String>,
}

pub fn run(args: CrawlArgs) -> Result<()> {
    let registry = match &args.registry {
        Some(path) => Registry::from_path(path)?,
        None => Registry::default_registry()?,
    };
    if args.list {
        for source in registry.sources() {
            println!(
                "{:<32} {:<14} {}",
                source.name,
                source.platform.as_str(),
                source.publisher
            );
        }
        return Ok(());
    }
    if args.recheck_due {
        return recheck(&args, &registry);
    }
    let selection = if args.all {
        Selection::All
    } else if !args.urls.is_empty() {
        Selection::Urls(args.urls.clone())
    } else if !args.sources.is_empty() {
        Selection::Sources(args.sources.clone())
    } else {
        return Err(UsageError(
            "say what to crawl: --source NAME, --all or --url URL (--list shows the sources)".into(),
        )
        .into());
    };
    let crawler = Crawler::new(crawl_options(&args)?)?;
    let stop = crawler.stop_handle();
    // Ctrl-C stops the crawl after the requests in flight; the next run resumes.
    let _ = ctrlc_handler(move || stop.store(true, std::sync::atomic::Ordering::SeqCst));
    let observer = Bars::default();
    let summary = crawler.run_blocking(&registry, &selection, &observer)?;
    observer.bars.clear().ok();

    println!(
        "{:<32} {:>8} {:>9} {:>8} {:>7} {:>8} {:>7} {:>8}  failures",
        "source", "fetched", "unchanged", "robots", "noindex", "stored", "removed", "replaced"
    );
    for s in &summary.sources {
        let failures: Vec<String> = s.failed.iter().map(|(why, n)| format!("{n}× {why}")).collect();
        println!(
            "{:<32} {:>8} {:>9} {:>8} {:>7} {:>8} {:>7} {:>8}  {}{}",
            s.source,
            s.fetched(),
            s.unchanged,
            s.skipped_robots,
            s.skipped_noindex,
            s.stored,
            s.removed.len(),
            s.replaced.len(),
            failures.join(", "),
            if s.complete {
                ""
            } else {
                " (stopped by a limit; run again to resume)"
            }
        );
    }
    println!(
        "{} requests; {} documents stored in {}; {} archived bodies purged",
        summary.requests,
        summary.documents,
        args.out.display(),
        summary.purged_bodies
    );
    finish(&crawler, &registry, &args)
}

/// Writes documents.jsonl, the tombstones and (with --index) updates the index; purges `noarchive` bodies.
fn finish(crawler: &Crawler, registry: &Registry, args: &CrawlArgs) -> Result<()> {
    let path = args.out.join("documents.jsonl");
    let old = read_documents(&path)?;
    let written = write_documents(crawler, registry, &path, &old)?;
    println!(
        "{written} documents written to {} (index them with `sotehaku index --input` that file, or crawl with --index)",
        path.display()
    );
    let new = read_documents(&path)?;
    let diff = Diff::between(&old, &new);
    write_tombstones(&args.out, &diff, &new)?;
    for (id, url) in &diff.removed {
        let mut entry = AuditEntry::new(AuditAction::Deleted, "no longer in documents.jsonl").document(id.clone());
        if let Some(u) = url {
            entry = entry.url(u.clone());
        }
        crawler.audit().record(&entry)?;
    }
    if let Some(dir) = &args.index {
        apply_to_index(crawler, dir, &diff, &new)?;
    }
    let purged = crawler.archive().purge_noarchive()?;
    for sha in &purged {
        crawler.audit().record(
            &AuditEntry::new(AuditAction::Purged, "the publisher said noarchive; document written").sha256(Some(sha)),
        )?;
    }
    Ok(())
}

fn crawl_options(args: &CrawlArgs) -> Result<CrawlOptions> {
    let mut options = CrawlOptions::new(&args.out);
    options.allow_private = args.allow_private;
    if let Some(d) = args.max_depth {
        options.max_depth = d;
    }
    if let Some(n) = args.max_pages {
        options.max_pages = Some(n);
    }
    if let Some(since) = &args.since {
        let day = sotehaku::parse_day(since, false)?.ok_or_else(|| UsageError("--since needs a date".into()))?;
        options.since = Some(day);
    }
    for entry in &args.resolve {
        let (host, addr) = entry
            .split_once('=')
            .ok_or_else(|| UsageError(format!("--resolve wants HOST=IP:PORT, not {entry:?}")))?;
        let addr: std::net::SocketAddr = addr
            .parse()
            .map_err(|_| UsageError(format!("--resolve: {addr:?} is not an IP:PORT address")))?;
        options.overrides.hosts.push((host.to_string(), addr));
    }
    options.overrides.plain_http = args.plain_http;
    if let Some(ms) = args.min_delay_ms {
        options.delay_floor = std::time::Duration::from_millis(ms);
    }
    Ok(options)
}

/// `--recheck-due`: re-fetch the documents whose appeal period has ended, then write and index the result.
fn recheck(args: &CrawlArgs, registry: &Registry) -> Result<()> {
    let path = args.out.join("documents.jsonl");
    if !path.exists() {
        return Err(UsageError(format!("{} does not exist: crawl first", path.display())).into());
    }
    let today = match &args.today {
        Some(day) => sotehaku::parse_day(day, false)?.ok_or_else(|| UsageError("--today needs a date".into()))?,
        None => sotehaku_crawl::chrono::Utc::now().date_naive(),
    };
    let docs = read_documents(&path)?;
    let limit = args.max_pages.unwrap_or(usize::MAX);
    let due: Vec<&sotehaku::Document> = docs
        .values()
        .filter(|d| d.recheck_due.is_some_and(|due| due < today))
        .take(limit)
        .collect();
    println!(
        "{} documents due for a re-check (recheck_due before {today})",
        due.len()
    );
    for d in &due {
        println!(
            "  {}  due {}  {}",
            d.recheck_due.map(|x| x.to_string()).unwrap_or_default(),
            d.on_view_from.map(|x| format!("on view {x}")).unwrap_or_default(),
            d.url.as_deref().unwrap_or(&d.id)
        );
    }
    if args.dry_run || due.is_empty() {
        return Ok(());
    }
    let urls: Vec<String> = due.iter().filter_map(|d| d.url.clone()).collect();
    let crawler = Crawler::new(crawl_options(args)?)?;
    let results = crawler.recheck_blocking(registry, &urls)?;
    for r in &results {
        let what = if r.removed {
            "deleted (gone or hidden at the publisher)".to_string()
        } else if r.replaced {
            "replaced (changed at the publisher)".to_string()
        } else {
            match &r.outcome {
                sotehaku_crawl::PageOutcome::Unchanged => "unchanged".to_string(),
                sotehaku_crawl::PageOutcome::Failed(why) => format!("not re-checked: {why}"),
                other => format!("{other:?}"),
            }
        };
        println!("  {}: {what}", r.url);
    }
    finish(&crawler, registry, args)
}

/// Reads a documents.jsonl (absent: empty), by id.
fn read_documents(path: &Path) -> Result<BTreeMap<String, sotehaku::Document>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Ok(doc) = serde_json::from_str::<sotehaku::Document>(line) {
            out.insert(doc.id.clone(), doc);
        }
    }
    Ok(out)
}

/// What changed between two documents.jsonl versions.
struct Diff {
    /// (id, url) of documents no longer there.
    removed: Vec<(String, Option<String>)>,
    /// Ids of documents that are new or whose content or metadata changed.
    changed: BTreeSet<String>,
    /// Ids of documents that were there before and changed.
    replaced: BTreeSet<String>,
}

impl Diff {
    fn between(old: &BTreeMap<String, sotehaku::Document>, new: &BTreeMap<String, sotehaku::Document>) -> Diff {
        let removed = old
            .iter()
            .filter(|(id, _)| !new.contains_key(*id))
            .map(|(id, d)| (id.clone(), d.url.clone()))
            .collect();
        let mut changed = BTreeSet::new();
        let mut replaced = BTreeSet::new();
        for (id, doc) in new {
            match old.get(id) {
                None => {
                    changed.insert(id.clone());
                }
                Some(before) => {
                    let mut a = before.clone();
                    a.fetched_at = doc.fetched_at;
                    if &a != doc {
                        changed.insert(id.clone());
                        if a.content_hash != doc.content_hash {
                            replaced.insert(id.clone());
                        }
                    }
                }
            }
        }
        Diff {
            removed,
            changed,
            replaced,
        }
    }
}

/// `removed.jsonl`: ids of documents the crawl removed and that are not back, for `sotehaku index` users who do not
/// crawl with --index (cumulative; rewritten each run).
fn write_tombstones(out: &Path, diff: &Diff, live: &BTreeMap<String, sotehaku::Document>) -> Result<()> {
    let path = out.join("removed.jsonl");
    let mut tombstones: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    if let Ok(text) = std::fs::read_to_string(&path) {
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                if let Some(id) = v.get("id").and_then(|i| i.as_str()) {
                    tombstones.insert(id.to_string(), v.clone());
                }
            }
        }
    }
    let now = sotehaku_crawl::chrono::Utc::now().to_rfc3339();
    for (id, url) in &diff.removed {
        tombstones.insert(id.clone(), serde_json::json!({"id": id, "url": url, "removed_at": now}));
    }
    tombstones.retain(|id, _| !live.contains_key(id));
    let mut text = String::new();
    for v in tombstones.values() {
        text.push_str(&serde_json::to_string(v)?);
        text.push('\n');
    }
    let tmp = out.join("removed.jsonl.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}

/// Adds new and changed documents (and any missing from the index), deletes removed ones, and compacts the index
/// after deletions or replacements so the old versions leave the disk.
fn apply_to_index(
    crawler: &Crawler,
    dir: &Path,
    diff: &Diff,
    new: &BTreeMap<String, sotehaku::Document>,
) -> Result<()> {
    let engine = sotehaku::Engine::open_or_create(dir)?;
    let mut upserts = Vec::new();
    for (id, doc) in new {
        if diff.changed.contains(id) || engine.document(id)?.is_none() {
            upserts.push(doc.clone());
        }
    }
    let added = engine.add_documents(upserts)?;
    let removed_ids: Vec<&str> = diff.removed.iter().map(|(id, _)| id.as_str()).collect();
    if !removed_ids.is_empty() {
        engine.remove_documents(&removed_ids)?;
    }
    if !removed_ids.is_empty() || !diff.replaced.is_empty() {
        engine.compact()?;
    }
    for (id, url) in &diff.removed {
        let mut entry = AuditEntry::new(AuditAction::Deleted, "removed from the index").document(id.clone());
        if let Some(u) = url {
            entry = entry.url(u.clone());
        }
        crawler.audit().record(&entry)?;
    }
    for id in &diff.replaced {
        let mut entry =
            AuditEntry::new(AuditAction::Replaced, "new version indexed; old one compacted away").document(id.clone());
        if let Some(u) = new.get(id).and_then(|d| d.url.clone()) {
            entry = entry.url(u);
        }
        crawler.audit().record(&entry)?;
    }
    println!(
        "index {}: {added} documents added or updated, {} removed{}",
        dir.display(),
        removed_ids.len(),
        if removed_ids.is_empty() && diff.replaced.is_empty() {
            ""
        } else {
            "; compacted"
        }
    );
    Ok(())
}

/// Ingests every stored page of the archive into `documents.jsonl` (atomically: a temporary file, then a rename).
/// The registry's current `show_noindex` decides `restricted`. Pages whose body was purged (`noarchive`) keep the
/// document written the last time.
fn write_documents(
    crawler: &Crawler,
    registry: &Registry,
    path: &Path,
    previous: &BTreeMap<String, sotehaku::Document>,
) -> Result<usize> {
    let ingester = sotehaku::Ingester::new();
    let tmp = path.with_extension("jsonl.tmp");
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?,
    );
    let mut written = 0;
    let archive = crawler.archive();
    let previous_by_url: HashMap<&str, &sotehaku::Document> = previous
        .values()
        .filter_map(|d| d.url.as_deref().map(|u| (u, d)))
        .collect();
    for meta in archive.stored_pages()? {
        let has_body = meta.body_sha256.as_deref().is_some_and(|s| archive.has_body(s));
        if !has_body && meta.is_noarchive() {
            let kept = previous_by_url
                .get(meta.final_url.as_str())
                .or_else(|| previous_by_url.get(meta.url.as_str()));
            if let Some(doc) = kept {
                serde_json::to_writer(&mut out, doc)?;
                out.write_all(b"\n")?;
                written += 1;
            }
            continue;
        }
        let mut page = meta;
        if let Some(sha) = page.body_sha256.clone() {
            match archive.read_body(&sha) {
                Ok(body) => page.body = body,
                Err(e) => {
                    eprintln!("  unreadable archived page: {e}");
                    continue;
                }
            }
        }
        if let Some(source) = page.source.as_deref().and_then(|s| registry.get(s)) {
            page.show_noindex = source.show_noindex;
        }
        match ingester.process_page(&page) {
            Ok(doc) => {
                serde_json::to_writer(&mut out, &doc)?;
                out.write_all(b"\n")?;
                written += 1;
            }
            Err(e) => eprintln!("  {}: {e}", page.url),
        }
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, path)?;
    Ok(written)
}

fn ctrlc_handler(f: impl Fn() + Send + 'static) -> std::io::Result<()> {
    // A tiny thread waiting for SIGINT through tokio would pull in a runtime here; the crawler checks the flag.
    std::thread::Builder::new().name("ctrl-c".into()).spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
        if let Ok(rt) = runtime {
            if rt.block_on(tokio::signal::ctrl_c()).is_ok() {
                eprintln!("stopping after the requests in flight…");
                f();
            }
        }
    })?;
    Ok(())
}

/// One progress bar per source.
#[derive(Default)]
struct Bars {
    bars: MultiProgress,
    by_source: Mutex<HashMap<String, ProgressBar>>,
}

impl CrawlObserver for Bars {
    fn event(&self, event: &CrawlEvent<'_>) {
        let Ok(mut map) = self.by_source.lock() else { return };
        match event {
            CrawlEvent::SourceStarted { source, pending, .. } => {
                let bar = self.bars.add(
                    ProgressBar::new(*pending).with_style(
                        ProgressStyle::with_template("{prefix:<28} [{bar:30}] {pos}/{len} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar())
                            .progress_chars("=> "),
                    ),
                );
                bar.set_prefix(source.to_string());
                map.insert(source.to_string(), bar);
            }
            CrawlEvent::Page {
                source,
                done,
                pending,
                url,
                ..
            } => {
                if let Some(bar) = map.get(*source) {
                    bar.set_length(done + pending);
                    bar.set_position(*done);
                    bar.set_message(
                        url.chars()
                            .rev()
                            .take(40)
                            .collect::<String>()
                            .chars()
                            .rev()
                            .collect::<String>(),
                    );
                }
            }
            CrawlEvent::SourceFinished { summary } => {
                if let Some(bar) = map.remove(&summary.source) {
                    bar.finish_and_clear();
                }
            }
        }
    }
}
