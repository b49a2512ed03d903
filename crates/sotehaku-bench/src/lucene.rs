//! The Lucene 8 peer: `bench/lucene/LuceneBench.java` (embedded), compiled with `javac` against Debian's
//! `liblucene8-java` jars and run as a child process for indexing and for its own in-process query timing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use crate::process::{run_measured, ChildRun};
use crate::BenchError;

/// The Java program's source.
pub const SOURCE: &str = include_str!("../../../bench/lucene/LuceneBench.java");
/// Where Debian puts the jars.
const JAR_DIR: &str = "/usr/share/java";
/// The Lucene modules the program needs.
const MODULES: [&str; 4] = ["core", "analyzers-common", "facet", "queryparser"];

/// A compiled Lucene bench, ready to run.
#[derive(Debug, Clone)]
pub struct Lucene {
    classpath: String,
    /// The Lucene version of the jars.
    pub version: String,
}

/// Why the Lucene part is skipped, or the compiled program.
pub fn prepare(work: &Path) -> Result<Lucene, String> {
    let mut jars = Vec::new();
    let mut version = String::new();
    let entries: Vec<PathBuf> = std::fs::read_dir(JAR_DIR)
        .map_err(|e| format!("{JAR_DIR}: {e} (run scripts/setup-bench-deps.sh)"))?
        .flatten()
        .map(|e| e.path())
        .collect();
    for module in MODULES {
        let prefix = format!("lucene-{module}-8");
        let jar = entries
            .iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".jar"))
            })
            .max()
            .ok_or_else(|| format!("no {prefix}*.jar in {JAR_DIR} (run scripts/setup-bench-deps.sh)"))?;
        if module == "core" {
            version = jar
                .file_stem()
                .and_then(|s| s.to_str())
                .map(|s| s.trim_start_matches("lucene-core-").to_string())
                .unwrap_or_default();
        }
        jars.push(jar.display().to_string());
    }
    let classes = work.join("lucene-classes");
    std::fs::create_dir_all(&classes).map_err(|e| format!("{}: {e}", classes.display()))?;
    let src = classes.join("LuceneBench.java");
    std::fs::write(&src, SOURCE).map_err(|e| format!("{}: {e}", src.display()))?;
    let cp = jars.join(":");
    let out = Command::new("javac")
        .args(["-nowarn", "-encoding", "UTF-8", "-d"])
        .arg(&classes)
        .arg("-cp")
        .arg(&cp)
        .arg(&src)
        .output()
        .map_err(|e| format!("javac: {e} (install a JDK; run scripts/setup-bench-deps.sh)"))?;
    if !out.status.success() {
        return Err(format!("javac failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    // The jars' names lag behind the package; ask dpkg for the real version when it can tell.
    if let Ok(out) = Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "liblucene8-java"])
        .output()
    {
        let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if out.status.success() && !v.is_empty() {
            version = v;
        }
    }
    Ok(Lucene {
        classpath: format!("{cp}:{}", classes.display()),
        version,
    })
}

/// What the Java program prints after indexing.
#[derive(Debug, Clone, Deserialize)]
pub struct LuceneIndexed {
    pub docs: u64,
    pub secs: f64,
}

/// What the Java program prints after the query loop.
#[derive(Debug, Clone, Deserialize)]
pub struct LuceneQueried {
    pub wall_secs: f64,
    pub latencies_us: Vec<u64>,
    pub totals: Vec<u64>,
}

impl Lucene {
    fn java(&self, heap_mb: u32) -> Command {
        let mut cmd = Command::new("java");
        cmd.arg(format!("-Xmx{heap_mb}m"))
            .arg("-cp")
            .arg(&self.classpath)
            .arg("LuceneBench");
        cmd
    }

    /// Indexes peer documents into `dir` with `threads` indexing threads, in a child JVM.
    pub fn index(
        &self,
        docs: &Path,
        dir: &Path,
        threads: usize,
        timeout: Duration,
    ) -> Result<(LuceneIndexed, ChildRun), BenchError> {
        let _ = std::fs::remove_dir_all(dir);
        let mut cmd = self.java(2048);
        cmd.arg("index").arg(docs).arg(dir).arg(threads.to_string());
        let run = run_measured("lucene index", cmd, timeout)?;
        let parsed = parse_last_line(&run.stdout, "lucene index")?;
        Ok((parsed, run))
    }

    /// Runs the query file over the index in `dir`: `warmup` untimed rounds, then `rounds` timed.
    pub fn query(
        &self,
        dir: &Path,
        queries: &Path,
        warmup: usize,
        rounds: usize,
        timeout: Duration,
    ) -> Result<LuceneQueried, BenchError> {
        let mut cmd = self.java(1024);
        cmd.arg("query")
            .arg(dir)
            .arg(queries)
            .arg(warmup.to_string())
            .arg(rounds.to_string());
        let run = run_measured("lucene query", cmd, timeout)?;
        parse_last_line(&run.stdout, "lucene query")
    }
}

fn parse_last_line<T: for<'de> Deserialize<'de>>(stdout: &str, what: &str) -> Result<T, BenchError> {
    let line = stdout.lines().last().unwrap_or("");
    serde_json::from_str(line).map_err(|source| BenchError::Json {
        what: format!("{what} output"),
        source,
    })
}
