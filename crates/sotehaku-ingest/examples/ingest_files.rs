//! Ingests files and directories and prints one JSON document a line (errors to standard error), with a summary:
//! `cargo run -p sotehaku-ingest --example ingest_files -- PATH…`. The `sotehaku ingest` command does the same.

use std::io::Write;

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: ingest_files PATH…");
        std::process::exit(2);
    }
    let ingester = sotehaku_ingest::Ingester::new();
    let started = std::time::Instant::now();
    let (mut ok, mut failed) = (0usize, 0usize);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for result in sotehaku_ingest::ingest_paths(&ingester, &paths) {
        match result {
            Ok(doc) => {
                ok += 1;
                match serde_json::to_string(&doc) {
                    Ok(json) => {
                        if writeln!(out, "{json}").is_err() {
                            break;
                        }
                    }
                    Err(e) => eprintln!("{}: {e}", doc.id),
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    eprintln!(
        "{ok} documents, {failed} errors in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
