//! `sotehaku crawl`: fetch sources politely, then turn the stored pages into documents (`documents.jsonl`).

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use sotehaku_crawl::crawler::{CrawlEvent, CrawlObserver, Selection};
use sotehaku_crawl::{CrawlOptions, Crawler, Registry};

use crate::UsageError;

#[derive(Args)]
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
    let mut options = CrawlOptions::new(&args.out);
    options.allow_private = args.allow_private;
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
    let crawler = Crawler::new(options)?;
    let stop = crawler.stop_handle();
    // Ctrl-C stops the crawl after the requests in flight; the next run resumes.
    let _ = ctrlc_handler(move || stop.store(true, std::sync::atomic::Ordering::SeqCst));
    let observer = Bars::default();
    let summary = crawler.run_blocking(&registry, &selection, &observer)?;
    observer.bars.clear().ok();

    println!(
        "{:<32} {:>8} {:>9} {:>8} {:>7} {:>8}  failures",
        "source", "fetched", "unchanged", "robots", "noindex", "stored"
    );
    for s in &summary.sources {
        let failures: Vec<String> = s.failed.iter().map(|(why, n)| format!("{n}× {why}")).collect();
        println!(
            "{:<32} {:>8} {:>9} {:>8} {:>7} {:>8}  {}{}",
            s.source,
            s.fetched(),
            s.unchanged,
            s.skipped_robots,
            s.skipped_noindex,
            s.stored,
            failures.join(", "),
            if s.complete {
                ""
            } else {
                " (stopped by a limit; run again to resume)"
            }
        );
    }
    println!(
        "{} requests; {} documents stored in {}",
        summary.requests,
        summary.documents,
        args.out.display()
    );

    let written = write_documents(&crawler, &args.out.join("documents.jsonl"))?;
    println!(
        "{written} documents written to {} (index them with `sotehaku index --input` that file)",
        args.out.join("documents.jsonl").display()
    );
    Ok(())
}

/// Ingests every stored page of the archive into `documents.jsonl` (atomically: a temporary file, then a rename).
fn write_documents(crawler: &Crawler, path: &std::path::Path) -> Result<usize> {
    let ingester = sotehaku::Ingester::new();
    let tmp = path.with_extension("jsonl.tmp");
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?,
    );
    let mut written = 0;
    for page in crawler.archive().pages()? {
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                eprintln!("  unreadable archived page: {e}");
                continue;
            }
        };
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
