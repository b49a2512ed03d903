//! A load test for the search endpoint, in two processes on loopback.
//!
//! ```text
//! # 1. the server: index a corpus (once), then serve the index
//! cargo run -p sotehaku-server --example load -- index ../shared/corpus/reform-docs.jsonl target/load-index
//! cargo run -p sotehaku-server --example load -- serve target/load-index 127.0.0.1:8088
//! # 2. the client: N faceted queries, C at a time (bounded in count and time)
//! cargo run -p sotehaku-server --example load -- bench http://127.0.0.1:8088 2000 8
//! ```
//!
//! The client prints requests per second and the p50/p90/p99 latency; `serve` prints the server's peak resident
//! memory (VmHWM) when it stops (Ctrl-C).

use std::time::{Duration, Instant};

use sotehaku::Engine;
use sotehaku_server::ServerConfig;

/// Faceted queries over the reform corpus: words × region × type × date range.
const QUERIES: &[&str] = &[
    "q=hyvinvointialue&region=keski-uusimaa&region=national",
    "q=terveysasema&region=pohjois-savo",
    "q=sosiaalihuolto&type=saados&from=2020&to=2023",
    "q=lastensuojelu&sort=date",
    "q=%22sosiaali-+ja+terveyspalvelut%22&region=helsinki",
    "q=talousarvio+OR+rahoitus&region=90&interval=month&from=2021&to=2022",
    "q=kotihoito&type=oikeuden-ratkaisu",
    "q=&region=90&from=2022-01&to=2022-06",
    "q=ikääntyneet+palvelut&limit=20",
    "q=pelastustoimi&region=national&region=hus&region=pirkanmaa",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("index") => {
            let (corpus, dir) = (
                args.get(1).ok_or("index CORPUS DIR")?,
                args.get(2).ok_or("index CORPUS DIR")?,
            );
            let started = Instant::now();
            let mut engine = Engine::recreate(dir, sotehaku::AnalyzerKind::default())?;
            engine.index_files(&[corpus], &mut |_| {})?;
            eprintln!(
                "indexed {} documents in {:.1} s",
                engine.num_docs(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some("serve") => serve(
            args.get(1).ok_or("serve INDEX_DIR [ADDR]")?,
            args.get(2).map(String::as_str),
        ),
        Some("bench") => {
            let base = args
                .get(1)
                .ok_or("bench URL [REQUESTS] [CONCURRENCY]")?
                .trim_end_matches('/')
                .to_string();
            let requests = args
                .get(2)
                .and_then(|s| s.parse().ok())
                .unwrap_or(2000usize)
                .clamp(1, 1_000_000);
            let concurrency = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(8usize).clamp(1, 256);
            bench(&base, requests, concurrency)
        }
        _ => Err(
            "usage: load index CORPUS DIR | load serve INDEX_DIR [ADDR] | load bench URL [REQUESTS] [CONCURRENCY]"
                .into(),
        ),
    }
}

fn serve(index: &str, addr: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::open(index)?;
    eprintln!("{} documents in {index}", engine.num_docs());
    let config = ServerConfig {
        addr: addr.unwrap_or("127.0.0.1:8088").parse()?,
        ..ServerConfig::default()
    };
    eprintln!("serving on http://{}", config.addr);
    sotehaku_server::run(engine, config)?;
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status
            .lines()
            .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        {
            eprintln!("{line}");
        }
    }
    Ok(())
}

fn bench(base: &str, requests: usize, concurrency: usize) -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build()?;
        // Warm up: every query once.
        for q in QUERIES {
            client.get(format!("{base}/api/search?{q}")).send().await?.error_for_status()?;
        }
        let deadline = Instant::now() + Duration::from_secs(300);
        let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..concurrency {
            let (client, next, base) = (client.clone(), next.clone(), base.to_string());
            workers.spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0usize;
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= requests || Instant::now() > deadline {
                        break;
                    }
                    let url = format!("{base}/api/search?{}", QUERIES[i % QUERIES.len()]);
                    let t = Instant::now();
                    match client.get(url).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            latencies.push(t.elapsed());
                        }
                        _ => failures += 1,
                    }
                }
                (latencies, failures)
            });
        }
        let mut latencies = Vec::new();
        let mut failures = 0;
        while let Some(done) = workers.join_next().await {
            let (l, f) = done?;
            latencies.extend(l);
            failures += f;
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort();
        let pct = |p: f64| {
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
            latencies.get(i).map(|d| d.as_secs_f64() * 1e3).unwrap_or(f64::NAN)
        };
        println!(
            "{} requests ({} failed), concurrency {concurrency}, {:.1} s: {:.0} requests/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms",
            latencies.len() + failures,
            failures,
            elapsed,
            latencies.len() as f64 / elapsed,
            pct(0.50),
            pct(0.90),
            pct(0.99)
        );
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}
