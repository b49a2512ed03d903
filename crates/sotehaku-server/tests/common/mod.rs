//! Test helpers: an index of the shipped corpus built once per test binary, and a real server on a loopback port.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use sotehaku::Engine;
use sotehaku_server::ServerConfig;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// An index of `<workspace>/corpus`, built once and shared by the tests of one binary.
pub fn corpus_engine() -> Engine {
    static INDEX: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, engine) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut engine = Engine::create(dir.path().join("index")).expect("create index");
        let corpus = workspace_root().join("corpus");
        let report = engine
            .index_files(&[corpus], &mut |_| {})
            .expect("index the shipped corpus");
        let _ = report;
        assert!(
            engine.num_docs() > 100,
            "the shipped corpus should have more than 100 documents"
        );
        (dir, engine)
    });
    engine.clone()
}

/// A running server; shuts down when dropped.
pub struct TestServer {
    pub base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub handle: Option<tokio::task::JoinHandle<Result<(), sotehaku_server::ServerError>>>,
}

impl TestServer {
    /// Starts the server on 127.0.0.1 with an ephemeral port.
    pub async fn start(engine: Engine, config: ServerConfig) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(sotehaku_server::serve_on(listener, engine, config, async {
            let _ = rx.await;
        }));
        TestServer {
            base: format!("http://{addr}"),
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops the server and waits (bounded) for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let done = tokio::time::timeout(Duration::from_secs(10), h).await;
            assert!(
                matches!(done, Ok(Ok(Ok(())))),
                "the server should stop cleanly: {done:?}"
            );
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// An HTTP client with short timeouts, for loopback only.
pub fn client() -> reqwest::Client {
    install_crypto();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()
        .expect("client")
}

/// reqwest needs a rustls provider even for plain HTTP; install ring's once.
pub fn install_crypto() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
