//! The shared state of the server: the current [`Engine`], the configuration, the limit on concurrent searches,
//! and the watcher that picks up a re-indexed index without a restart.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use sotehaku::Engine;
use tokio::sync::Semaphore;

use crate::problem::Problem;
use crate::ServerConfig;

/// The metadata file sotehaku writes next to tantivy's files; it is rewritten when an index is rebuilt.
const SOTEHAKU_META_FILE: &str = "sotehaku-index.json";
/// Tantivy's own metadata file; it is rewritten by every commit.
const TANTIVY_META_FILE: &str = "meta.json";

/// What handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    engine: RwLock<Engine>,
    config: ServerConfig,
    permits: Arc<Semaphore>,
    started: Instant,
}

impl AppState {
    /// State serving `engine` with the limits of `config`.
    pub fn new(engine: Engine, config: ServerConfig) -> AppState {
        let permits = Arc::new(Semaphore::new(config.max_concurrent_searches.max(1)));
        AppState {
            inner: Arc::new(Inner {
                engine: RwLock::new(engine),
                config,
                permits,
                started: Instant::now(),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The engine now serving (a cheap handle; a re-opened index replaces it).
    pub fn engine(&self) -> Engine {
        match self.inner.engine.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace_engine(&self, engine: Engine) {
        match self.inner.engine.write() {
            Ok(mut guard) => *guard = engine,
            Err(poisoned) => *poisoned.into_inner() = engine,
        }
    }

    /// Seconds since the state was created.
    pub fn uptime(&self) -> Duration {
        self.inner.started.elapsed()
    }

    /// Runs blocking index work on the blocking pool, at most `max_concurrent_searches` at a time, waiting at most
    /// `queue_timeout` for a turn and `search_timeout` for the answer. Busy or slow → 503 with `Retry-After`.
    pub async fn run_blocking<T, F>(&self, work: F) -> Result<T, Problem>
    where
        T: Send + 'static,
        F: FnOnce(Engine) -> Result<T, Problem> + Send + 'static,
    {
        let config = &self.inner.config;
        let permit = match tokio::time::timeout(config.queue_timeout, self.inner.permits.clone().acquire_owned()).await
        {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(Problem::unavailable("the server is shutting down")),
            Err(_) => return Err(Problem::unavailable("the server is busy; try again in a moment")),
        };
        let engine = self.engine();
        // The permit travels with the work: a search that outlives its timeout still holds its slot until it ends.
        let task = tokio::task::spawn_blocking(move || {
            let answer = work(engine);
            drop(permit);
            answer
        });
        let result = tokio::time::timeout(config.search_timeout, task).await;
        match result {
            Ok(Ok(answer)) => answer,
            Ok(Err(join_error)) => Err(Problem::internal(join_error)),
            Err(_) => Err(Problem::unavailable(format!(
                "the search took longer than {} s; make the query simpler or add filters",
                config.search_timeout.as_secs_f32()
            ))),
        }
    }
}

/// Stamps of the index's metadata files, to notice commits and rebuilds made by another process.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Stamps {
    tantivy: Option<SystemTime>,
    sotehaku: Option<SystemTime>,
}

impl Stamps {
    fn read(dir: &std::path::Path) -> Stamps {
        let mtime = |name: &str| std::fs::metadata(dir.join(name)).and_then(|m| m.modified()).ok();
        Stamps {
            tantivy: mtime(TANTIVY_META_FILE),
            sotehaku: mtime(SOTEHAKU_META_FILE),
        }
    }
}

/// Watches the index directory until `stop` resolves: a new commit is made visible at once, and a rebuilt index
/// (new sotehaku metadata) is re-opened. A failed re-open keeps serving the old index and logs why.
pub(crate) async fn watch_index(state: AppState, stop: tokio::sync::watch::Receiver<bool>) {
    let Some(dir): Option<PathBuf> = state.engine().index().dir().map(|d| d.to_path_buf()) else {
        return;
    };
    let interval = state.config().reload_interval;
    if interval.is_zero() {
        return;
    }
    let mut stop = stop;
    let mut last = Stamps::read(&dir);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
        let now = Stamps::read(&dir);
        if now == last {
            continue;
        }
        let rebuilt = now.sotehaku != last.sotehaku;
        let state2 = state.clone();
        let dir2 = dir.clone();
        let outcome = tokio::task::spawn_blocking(move || -> Result<(), sotehaku::Error> {
            if rebuilt {
                let engine = Engine::open(&dir2)?;
                state2.replace_engine(engine);
            } else {
                state2.engine().index().reload()?;
            }
            Ok(())
        })
        .await;
        match outcome {
            Ok(Ok(())) => {
                tracing::info!(dir = %dir.display(), rebuilt, "index reloaded");
                last = now;
            }
            // Leave `last` as it was so the next tick tries again (the writer may not have finished).
            Ok(Err(e)) => tracing::warn!(dir = %dir.display(), error = %e, "cannot reload the index yet"),
            Err(e) => tracing::warn!(error = %e, "index reload task failed"),
        }
    }
}
