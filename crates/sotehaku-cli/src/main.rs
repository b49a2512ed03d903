//! `sotehaku`: search the documents of Finland's social and health care reform from the command line.
//!
//! Subcommands: `search`, `index`, `eval`. Run `sotehaku help` for the reference; the README has examples.

mod crawl;
mod eval;
mod output;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use sotehaku::{AnalyzerKind, DefaultLocations, DocType, Engine, Query, SortOrder};

#[derive(Parser)]
#[command(
    name = "sotehaku",
    version,
    about = "Search the documents of Finland's social and health care reform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Search the index (by default the index built from the shipped corpus).
    Search(SearchArgs),
    /// Fetch news and minutes from the counties' sites (politely, resumably) and turn them into documents.
    Crawl(crawl::CrawlArgs),
    /// Turn HTML, PDF, plain-text and JSON Lines inputs into clean documents with metadata (JSON Lines out).
    Ingest(IngestArgs),
    /// Add documents from JSON Lines (.jsonl, .jsonl.zst) or plain-text files to an index.
    Index(IndexArgs),
    /// Show how the Finnish analysis sees a text: each token with its base forms and compound parts.
    Analyze(AnalyzeArgs),
    /// Serve the JSON API and the search page over HTTP (read-only).
    Serve(ServeArgs),
    /// Measure relevance (nDCG@10, Recall@100, MRR@10, P@10) on topics and graded judgments.
    Eval(eval::EvalArgs),
}

#[derive(Args)]
struct SearchArgs {
    /// The query: words, "phrases", AND / OR / NOT, title:word. Empty lists everything, newest first.
    #[arg(allow_hyphen_values = true)]
    query: String,
    /// Only documents about this region: a code (01–21, 90, HUS, national), a slug (paijat-hame) or a name.
    #[arg(long, value_name = "CODE|NAME")]
    region: Vec<String>,
    /// Only documents with this theme (an id from the theme taxonomy, e.g. child-welfare).
    #[arg(long, value_name = "THEME")]
    theme: Vec<String>,
    /// Only documents of this type (tiedote, uutinen, poytakirja, muistio, esityslista, paatos, lausunto, saados, ...).
    #[arg(long = "type", value_name = "TYPE")]
    doc_type: Vec<String>,
    /// Published on or after this day (YYYY-MM-DD; YYYY-MM and YYYY mean their first day).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Published on or before this day (YYYY-MM-DD; YYYY-MM and YYYY mean their last day).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Order of the hits.
    #[arg(long, default_value = "relevance", value_name = "relevance|date")]
    sort: SortOrder,
    /// Number of hits to show.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Number of hits to skip (for paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Index directory; without it, the default index (built from corpus/ when missing or stale).
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on. The default serves this machine only; give 0.0.0.0:PORT to serve a network.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Index directory; without it, the default index (built from corpus/ when missing or stale).
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// The address users reach the server at, for links in Atom feeds (e.g. https://haku.example.fi).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Also show what the public must not see: pages the publisher marked `noindex` that a source's `index` policy
    /// kept, and minutes whose re-check after the appeal period is overdue. Default: hidden. Internal use only.
    #[arg(long)]
    show_restricted: bool,
}

#[derive(Args)]
struct IngestArgs {
    /// Files or directories: .html, .htm, .pdf, .txt, .jsonl, .jsonl.zst.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write the documents as JSON Lines to this file instead of showing a summary of each.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print the documents as JSON Lines on standard output.
    #[arg(long)]
    json: bool,
    /// Keep near-duplicates as separate documents instead of folding them into one.
    #[arg(long)]
    keep_duplicates: bool,
}

#[derive(Args)]
struct AnalyzeArgs {
    /// The text to analyse (quote it).
    #[arg(allow_hyphen_values = true)]
    text: String,
    /// Print a JSON array of tokens instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct IndexArgs {
    /// Input files or directories: .jsonl, .jsonl.zst, .ndjson, .txt.
    #[arg(long, short, required = true, num_args = 1.., value_name = "FILE")]
    input: Vec<PathBuf>,
    /// Index directory (created if missing); without it, the default index directory.
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Delete what the index holds and build it anew.
    #[arg(long)]
    rebuild: bool,
    /// The analysis chain for a new index: finnish (default), snowball or plain.
    #[arg(long, default_value = "finnish")]
    analyzer: AnalyzerKind,
}

/// An error the user can fix (exit code 2), as opposed to a failure (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Search(args) => search(args),
        Command::Crawl(args) => crawl::run(args),
        Command::Ingest(args) => ingest(args),
        Command::Index(args) => index(args),
        Command::Analyze(args) => analyze(args),
        Command::Serve(args) => serve(args),
        Command::Eval(args) => eval::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sotehaku: error: {e:#}");
            let user_error = e.downcast_ref::<UsageError>().is_some()
                || e.downcast_ref::<sotehaku::Error>().is_some_and(|e| e.is_user_error());
            ExitCode::from(if user_error { 2 } else { 1 })
        }
    }
}

fn build_query(args: &SearchArgs) -> Result<Query> {
    let mut query = Query::new(args.query.clone())
        .sort(args.sort)
        .limit(args.limit)
        .offset(args.offset);
    for region in &args.region {
        query = query.region_name(region)?;
    }
    for theme in &args.theme {
        query = query.theme(theme.trim());
    }
    for t in &args.doc_type {
        query = query.doc_type(t.parse::<DocType>().map_err(|e| UsageError(e.to_string()))?);
    }
    Ok(query.between(args.from.as_deref().unwrap_or(""), args.to.as_deref().unwrap_or(""))?)
}

fn search(args: SearchArgs) -> Result<()> {
    let query = build_query(&args)?;
    let engine = match &args.index {
        Some(dir) => Engine::open(dir)?,
        None => open_default()?,
    };
    let results = engine.search(&query)?;
    if args.json {
        println!("{}", serde_json::to_string(&results)?);
    } else {
        output::print_results(&results, query.request().offset);
    }
    Ok(())
}

/// Opens the default index, building it from the shipped corpus with a progress bar if needed.
fn open_default() -> Result<Engine> {
    let locations = DefaultLocations::discover();
    let mut bar = progress::BuildBar::new("building the default index from corpus/");
    let (engine, report) = Engine::open_default(&locations, &mut |p| bar.update(p))
        .with_context(|| format!("cannot open the default index at {}", locations.index.display()))?;
    if let Some(report) = report {
        bar.finish(&report);
    }
    Ok(engine)
}

fn index(args: IndexArgs) -> Result<()> {
    let dir = args.index.clone().unwrap_or_else(|| DefaultLocations::discover().index);
    let mut engine = if args.rebuild {
        Engine::recreate(&dir, args.analyzer)?
    } else {
        match Engine::open(&dir) {
            Ok(engine) => engine,
            Err(sotehaku::Error::Index(sotehaku::IndexError::Missing(_))) => Engine::create_with(&dir, args.analyzer)?,
            Err(e) => return Err(e.into()),
        }
    };
    let mut bar = progress::BuildBar::new("indexing");
    let report = engine.index_files(&args.input, &mut |p| bar.update(p))?;
    bar.finish(&report);
    for error in &report.errors {
        eprintln!("  skipped: {error}");
    }
    if report.skipped as usize > report.errors.len() {
        eprintln!("  … and {} more", report.skipped as usize - report.errors.len());
    }
    println!(
        "{} documents in {} ({} added or replaced, {} skipped{})",
        engine.num_docs(),
        dir.display(),
        report.indexed,
        report.skipped,
        if report.removed > 0 {
            format!(", {} removed by the publisher", report.removed)
        } else {
            String::new()
        }
    );
    if report.indexed == 0 && report.skipped > 0 {
        return Err(UsageError("no document could be indexed; see the errors above".into()).into());
    }
    Ok(())
}

fn analyze(args: AnalyzeArgs) -> Result<()> {
    let tokens = sotehaku::analyze(&args.text);
    if args.json {
        println!("{}", serde_json::to_string(&tokens)?);
        return Ok(());
    }
    println!("{:<24} {:<11} {:<32} compound parts", "token", "source", "base forms");
    for t in &tokens {
        println!(
            "{:<24} {:<11} {:<32} {}",
            t.text,
            t.source,
            t.base_forms.join(", "),
            t.compound_parts.join(" + ")
        );
    }
    Ok(())
}

fn ingest(args: IngestArgs) -> Result<()> {
    use std::io::Write;
    let ingester = sotehaku::Ingester::new();
    let mut dedup = sotehaku::Deduplicator::default();
    let mut documents = Vec::new();
    let (mut failed, mut duplicates) = (0usize, 0usize);
    for result in sotehaku::ingest_paths_parallel(&ingester, &args.paths, 64) {
        match result {
            Ok(doc) if args.keep_duplicates => documents.push(doc),
            Ok(doc) => {
                if let sotehaku::DedupOutcome::DuplicateOf(canonical) = dedup.add(doc) {
                    duplicates += 1;
                    eprintln!("  near-duplicate of {canonical}, folded");
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("  failed: {e}");
            }
        }
    }
    if !args.keep_duplicates {
        documents = dedup.into_documents();
    }
    let mut sink: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    if args.json || args.out.is_some() {
        for doc in &documents {
            serde_json::to_writer(&mut sink, doc)?;
            sink.write_all(b"\n")?;
        }
    } else {
        for doc in &documents {
            let published = doc.published.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
            let regions: Vec<String> = doc.regions.iter().map(|r| r.code()).collect();
            let themes: Vec<&str> = doc.themes.iter().map(|t| t.as_str()).collect();
            writeln!(
                sink,
                "{}\n  title: {}\n  published: {published}  type: {}  language: {}\n  regions: {}  themes: {}",
                doc.id,
                doc.title,
                doc.doc_type,
                doc.language.map(|l| l.code()).unwrap_or("-"),
                regions.join(", "),
                themes.join(", ")
            )?;
        }
    }
    sink.flush()?;
    eprintln!(
        "{} documents, {duplicates} near-duplicates folded, {failed} inputs failed",
        documents.len()
    );
    if documents.is_empty() && failed > 0 {
        return Err(UsageError("no input could be ingested; see the errors above".into()).into());
    }
    Ok(())
}

fn serve(args: ServeArgs) -> Result<()> {
    let engine = match &args.index {
        Some(dir) => Engine::open(dir)?,
        None => open_default()?,
    };
    let config = sotehaku_server::ServerConfig {
        addr: args.addr,
        public_url: args.public_url,
        show_restricted: args.show_restricted,
        ..Default::default()
    };
    eprintln!(
        "serving {} documents on http://{} (Ctrl-C stops)",
        engine.num_docs(),
        args.addr
    );
    sotehaku_server::run(engine, config)?;
    Ok(())
}
