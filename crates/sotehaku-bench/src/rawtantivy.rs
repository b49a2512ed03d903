//! The baseline: raw tantivy with its stock Finnish chain (SimpleTokenizer, RemoveLong, LowerCaser, Snowball
//! stemmer), the same fields and facets as ours, BM25 through tantivy's `QueryParser`. It is "our engine minus our
//! layers" — no ingest, no Finnish morphology, no compound parts, no snippets — and every in-process ratio is taken
//! against it.

use std::io::BufRead;
use std::ops::Bound;
use std::path::Path;

use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, STORED, STRING,
};
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{DateTime, Index, IndexReader, TantivyDocument, Term};

use crate::corpus::PeerDoc;
use crate::queries::BenchQuery;
use crate::BenchError;

/// Name the stock Finnish chain is registered under.
const TOKENIZER: &str = "fi_stock";
/// Indexing memory, as ours uses.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;
/// Longest document line read.
const MAX_LINE_BYTES: usize = 64 << 20;

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    text: Field,
    published: Field,
    region: Field,
    theme: Field,
    doc_type: Field,
    year: Field,
    doc: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text_opts.clone()),
        text: b.add_text_field("text", text_opts),
        published: b.add_date_field(
            "published",
            DateOptions::default()
                .set_indexed()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        ),
        region: b.add_facet_field("region", FacetOptions::default()),
        theme: b.add_facet_field("theme", FacetOptions::default()),
        doc_type: b.add_facet_field("doc_type", FacetOptions::default()),
        year: b.add_facet_field("year", FacetOptions::default()),
        doc: b.add_text_field("doc", STORED),
    };
    (b.build(), fields)
}

fn fields_of(index: &Index) -> Result<Fields, BenchError> {
    let s = index.schema();
    let get = |name: &str| {
        s.get_field(name)
            .map_err(|_| BenchError::child("raw tantivy", format!("the index has no field {name}")))
    };
    Ok(Fields {
        id: get("id")?,
        title: get("title")?,
        text: get("text")?,
        published: get("published")?,
        region: get("region")?,
        theme: get("theme")?,
        doc_type: get("doc_type")?,
        year: get("year")?,
        doc: get("doc")?,
    })
}

fn register(index: &Index) {
    let chain = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::Finnish))
        .build();
    index.tokenizers().register(TOKENIZER, chain);
}

/// Indexes [`PeerDoc`] JSON Lines from `input` into a new index in `dir` (which must be empty or absent), with as
/// many indexing threads as ours uses. Returns the number of documents.
pub fn build(input: &Path, dir: &Path) -> Result<u64, BenchError> {
    std::fs::create_dir_all(dir).map_err(BenchError::io(dir))?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    register(&index);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, WRITER_MEMORY)?;
    let file = std::fs::File::open(input).map_err(BenchError::io(input))?;
    let mut n = 0u64;
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(BenchError::io(input))?;
        if line.trim().is_empty() || line.len() > MAX_LINE_BYTES {
            continue;
        }
        let d: PeerDoc = serde_json::from_str(&line).map_err(|source| BenchError::Json {
            what: format!("{} document {}", input.display(), n + 1),
            source,
        })?;
        let mut td = TantivyDocument::default();
        td.add_text(f.id, &d.id);
        td.add_text(f.title, &d.title);
        td.add_text(f.text, &d.text);
        if let Some(secs) = d.day {
            td.add_date(f.published, DateTime::from_timestamp_secs(secs));
        }
        if let Some(y) = &d.year {
            td.add_facet(f.year, Facet::from_path([y.as_str()]));
        }
        for r in &d.regions {
            td.add_facet(f.region, Facet::from_path([r.as_str()]));
        }
        for t in &d.themes {
            td.add_facet(f.theme, Facet::from_path([t.as_str()]));
        }
        td.add_facet(f.doc_type, Facet::from_path([d.doc_type.as_str()]));
        td.add_text(f.doc, &line);
        writer.add_document(td)?;
        n += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(n)
}

/// A searcher over a raw tantivy index built by [`build`].
pub struct RawSearcher {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    parser: QueryParser,
}

/// What one raw search found, for checking the engines agree roughly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOutcome {
    /// Matching documents.
    pub total: usize,
    /// Facet values counted over the four facet fields.
    pub facet_values: usize,
}

impl RawSearcher {
    /// Opens the index in `dir`.
    pub fn open(dir: &Path) -> Result<RawSearcher, BenchError> {
        let index = Index::open_in_dir(dir)?;
        register(&index);
        let fields = fields_of(&index)?;
        let reader = index.reader()?;
        let mut parser = QueryParser::for_index(&index, vec![fields.title, fields.text]);
        parser.set_conjunction_by_default();
        Ok(RawSearcher {
            index,
            reader,
            fields,
            parser,
        })
    }

    /// Runs one query: BM25 top 10 with their stored documents loaded, total count, and facet counts over region,
    /// theme, type and year.
    pub fn search(&self, q: &BenchQuery) -> Result<RawOutcome, BenchError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let (user, _errors) = self.parser.parse_query_lenient(&q.text);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user)];
        let facet_term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_facet(field, &Facet::from_path([value])),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(r) = &q.region {
            clauses.push((Occur::Must, facet_term(f.region, r)));
        }
        if let Some(t) = &q.theme {
            clauses.push((Occur::Must, facet_term(f.theme, t)));
        }
        if q.from.is_some() || q.to.is_some() {
            let bound = |d: Option<chrono::NaiveDate>| match d.and_then(|d| d.and_hms_opt(0, 0, 0)) {
                None => Bound::Unbounded,
                Some(t) => Bound::Included(Term::from_field_date(
                    f.published,
                    DateTime::from_timestamp_secs(t.and_utc().timestamp()),
                )),
            };
            clauses.push((Occur::Must, Box::new(RangeQuery::new(bound(q.from), bound(q.to)))));
        }
        let query = BooleanQuery::new(clauses);
        let schema = self.index.schema();
        let facet = |field: Field| {
            let mut c = FacetCollector::for_field(schema.get_field_name(field));
            c.add_facet(Facet::root());
            c
        };
        let (top, total, (c1, c2, c3, c4)) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(10).order_by_score(),
                Count,
                (facet(f.region), facet(f.theme), facet(f.doc_type), facet(f.year)),
            ),
        )?;
        for (_, addr) in top {
            let _doc: TantivyDocument = searcher.doc(addr)?;
        }
        let facet_values = [c1, c2, c3, c4].iter().map(|c| c.get("/").count()).sum();
        Ok(RawOutcome { total, facet_values })
    }
}
