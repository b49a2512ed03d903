//! Ranked, filtered, faceted search: [`SearchRequest`] in, [`SearchResults`] out.
//!
//! Facet counts are *disjunctive*: the counts of one facet ignore that facet's own filter (but honour the others), so
//! a user who filtered on one region still sees how many hits the other regions have.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::time::Instant;

use chrono::NaiveDate;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use sotehaku_ingest::{DocType, Document, Language, PartialDate, Region, Theme};
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, DocAddress, DocSet, Order, Searcher, Term};

use crate::analysis::AnalyzerKind;
use crate::facets::{Condition, DimensionCounts, DimensionFilter, FilteredFacetSearch};
use crate::index::SearchIndex;
use crate::pruned::{self, MatchSet};
use crate::query::{BuiltQuery, QueryBuilder, SearchField, PARTS_BOOST, TITLE_BOOST};
use crate::stored::{char_range, text_between, HitReader, StoredHit};
use crate::IndexError;

/// Most hits one request may return.
pub const MAX_LIMIT: usize = 1000;
/// Deepest result a request may reach (offset + limit).
pub const MAX_WINDOW: usize = 10_000;
/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
const SNIPPET_CHARS: usize = 220;
/// When no query word is spotted in a text, snippets are looked for in its first this many bytes.
const SNIPPET_SCAN_BYTES: usize = 3_000;
/// Around the first spotted query word, the snippet generator analyses this many bytes before and after it:
/// analysing a whole 1 MB statute for each hit would cost more than the search itself.
const SNIPPET_WINDOW_BEFORE: usize = 120;
const SNIPPET_WINDOW_AFTER: usize = 400;
/// The `flags` facet value of documents the public endpoint must not show.
pub const RESTRICTED_FLAG: &str = "restricted";

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// BM25 relevance (the default; the newest first when the query is empty).
    #[default]
    Relevance,
    /// Newest first; documents without a date last.
    Date,
}

impl std::str::FromStr for SortOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "relevance" | "score" => Ok(SortOrder::Relevance),
            "date" | "newest" => Ok(SortOrder::Date),
            other => Err(format!("unknown sort order {other:?}; use relevance or date")),
        }
    }
}

/// A search: the query text and the filters. Several values of one filter are alternatives (OR); different filters
/// must all hold (AND).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// Query in the query language: words, `"phrases"`, `AND`/`OR`/`NOT` (or `+`/`-`), `title:word`. Empty matches
    /// every document.
    pub query: String,
    pub regions: Vec<Region>,
    pub themes: Vec<Theme>,
    pub doc_types: Vec<DocType>,
    /// Earliest publication day, inclusive.
    pub from: Option<NaiveDate>,
    /// Latest publication day, inclusive.
    pub to: Option<NaiveDate>,
    pub sort: SortOrder,
    pub limit: usize,
    pub offset: usize,
    /// Build highlighted snippets for the hits (the costly part of a search on long texts); `false` gives the
    /// text's beginning instead.
    pub snippets: bool,
    /// Public view as of this day: leave out restricted documents (`noindex` pages indexed by operator's choice)
    /// and minutes whose re-check after the appeal period is overdue on this day. `None` shows everything.
    pub visible_on: Option<NaiveDate>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            regions: Vec::new(),
            themes: Vec::new(),
            doc_types: Vec::new(),
            from: None,
            to: None,
            sort: SortOrder::Relevance,
            limit: 10,
            offset: 0,
            snippets: true,
            visible_on: None,
        }
    }
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }

    /// Checks the limits and the date range; the message says what to change.
    pub fn validate(&self) -> Result<(), IndexError> {
        let invalid = |m: String| Err(IndexError::InvalidRequest(m));
        if self.query.len() > MAX_QUERY_BYTES {
            return invalid(format!(
                "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
                self.query.len()
            ));
        }
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return invalid(format!("limit must be between 1 and {MAX_LIMIT}, not {}", self.limit));
        }
        if self.offset.saturating_add(self.limit) > MAX_WINDOW {
            return invalid(format!(
                "offset + limit must be at most {MAX_WINDOW} (got {} + {}); narrow the search with filters instead",
                self.offset, self.limit
            ));
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return invalid(format!("the date range is empty: from {from} is after to {to}"));
            }
        }
        Ok(())
    }
}

/// A highlighted excerpt of a hit's text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges of `text` that matched the query.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The excerpt as HTML, matches in `<mark>`, everything else escaped. Overlapping highlights (a phrase and its
    /// words, a word and its parts) are merged; ranges off the text are ignored.
    ///
    /// ```
    /// use sotehaku_index::Snippet;
    /// let s = Snippet { text: "Vammaisten henkilöiden <oikeudet>".into(), highlights: vec![11..23, 0..10, 0..23, 40..50] };
    /// assert_eq!(s.to_html(), "<mark>Vammaisten henkilöiden</mark> &lt;oikeudet&gt;");
    /// ```
    pub fn to_html(&self) -> String {
        let mut ranges: Vec<Range<usize>> = self
            .highlights
            .iter()
            .filter(|r| {
                r.start < r.end
                    && r.end <= self.text.len()
                    && self.text.is_char_boundary(r.start)
                    && self.text.is_char_boundary(r.end)
            })
            .cloned()
            .collect();
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let mut html = String::with_capacity(self.text.len() + 32);
        let mut at = 0;
        for range in merged {
            html.push_str(&escape_html(&self.text[at..range.start]));
            html.push_str("<mark>");
            html.push_str(&escape_html(&self.text[range.clone()]));
            html.push_str("</mark>");
            at = range.end;
        }
        html.push_str(&escape_html(&self.text[at..]));
        html
    }
}

impl Serialize for Snippet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_html())
    }
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub published: Option<PartialDate>,
    pub regions: Vec<Region>,
    pub themes: Vec<Theme>,
    pub doc_type: DocType,
    pub source: String,
    /// BM25 score; `None` when sorted by date.
    pub score: Option<f32>,
    pub snippet: Snippet,
}

/// Facet values with their hit counts, most frequent first. Serialized as a JSON object `{value: count}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FacetValues(pub Vec<(String, u64)>);

impl FacetValues {
    pub fn get(&self, value: &str) -> Option<u64> {
        self.0.iter().find(|(v, _)| v == value).map(|(_, c)| *c)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, c)| c).sum()
    }
}

impl Serialize for FacetValues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (value, count) in &self.0 {
            map.serialize_entry(value, count)?;
        }
        map.end()
    }
}

/// Counts per facet for a search.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Facets {
    /// Region codes (`01`–`21`, `90`, `HUS`, `national`).
    pub region: FacetValues,
    pub theme: FacetValues,
    pub doc_type: FacetValues,
    /// Publication years.
    pub year: FacetValues,
    /// Publication months (`YYYY-MM`, in time order), for a date histogram; the date filter applies to it.
    #[serde(default, skip_serializing_if = "FacetValues::is_empty")]
    pub month: FacetValues,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// Number of matching documents.
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Things the user may want to know, e.g. that the query held only stop words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl SearchIndex {
    fn query_builder(&self) -> QueryBuilder {
        let f = &self.fields;
        let manager = self.index.tokenizers();
        let kind = self.analyzer();
        let analyzer = |name: &str| {
            manager
                .get(name)
                .unwrap_or_else(|| TextAnalyzer::from(tantivy::tokenizer::RawTokenizer::default()))
        };
        let main = kind.main_tokenizer();
        let sv = crate::analysis::SV_TOKENIZER;
        let field = |field, name: &str, boost, parts, primary, names| SearchField {
            field,
            analyzer: analyzer(name),
            boost,
            parts,
            primary,
            names,
        };
        let mut fields = vec![
            field(f.title, main, TITLE_BOOST, false, true, &["title", "otsikko"][..]),
            field(f.text, main, 1.0, false, true, &["text", "teksti"][..]),
            field(f.title_sv, sv, TITLE_BOOST, false, false, &["title", "otsikko"][..]),
            field(f.text_sv, sv, 1.0, false, false, &["text", "teksti"][..]),
        ];
        if kind == AnalyzerKind::Finnish {
            fields.push(field(
                f.parts,
                kind.parts_tokenizer(),
                PARTS_BOOST,
                true,
                false,
                &["text", "teksti"][..],
            ));
        }
        QueryBuilder {
            fields,
            expand: kind == AnalyzerKind::Finnish,
        }
    }

    /// Parses the user's query. An empty query matches everything.
    pub fn parse_query(&self, query: &str) -> Result<Box<dyn Query>, IndexError> {
        Ok(self.build_query(query)?.query)
    }

    pub(crate) fn build_query(&self, query: &str) -> Result<BuiltQuery, IndexError> {
        if query.trim().is_empty() {
            return Ok(BuiltQuery {
                query: Box::new(AllQuery),
                has_terms: true,
                flat: false,
            });
        }
        self.query_builder().build(query)
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, IndexError> {
        let started = Instant::now();
        request.validate()?;
        let searcher = self.reader.searcher();
        let BuiltQuery {
            query: user_query,
            has_terms,
            flat,
        } = self.build_query(&request.query)?;
        let mut warnings = Vec::new();
        if !has_terms {
            warnings.push(format!(
                "the query {:?} has only stop words or no searchable words; nothing to search for",
                request.query
            ));
            return Ok(SearchResults {
                query: request.query.clone(),
                total: 0,
                took_ms: elapsed_ms(started),
                hits: Vec::new(),
                facets: Facets::default(),
                warnings,
            });
        }

        let hidden = self.hidden(request);
        let schema = self.index.schema();
        let name = |field: Field| schema.get_field_name(field).to_string();
        let f = &self.fields;
        let count_fields = [f.region, f.theme, f.doc_type, f.year, f.month].map(name);
        let filters = self.dimension_filters(request);
        self.facet_tables.retain_segments_of(&searcher);
        let browse = request.query.trim().is_empty();
        let by_date = request.sort == SortOrder::Date || browse;
        let window = TopDocs::with_limit(request.limit).and_offset(request.offset);
        let tables = &self.facet_tables;

        let (scored, total, counts, sideways): (Vec<(Option<f32>, DocAddress)>, _, _, _) = if by_date {
            let fruit = searcher.search(
                user_query.as_ref(),
                &FilteredFacetSearch {
                    inner: window.order_by_fast_field::<DateTime>("published", Order::Desc),
                    tables,
                    count_fields: count_fields.to_vec(),
                    filters: filters.clone(),
                    hidden: hidden.clone(),
                },
            )?;
            let top = fruit.inner.into_iter().map(|(_, addr)| (None, addr)).collect();
            (top, fruit.total, fruit.counts, fruit.sideways)
        } else if flat {
            // Count every match without scoring it, then score only what may reach the top (block-max WAND).
            let fruit = searcher.search(
                user_query.as_ref(),
                &FilteredFacetSearch {
                    inner: MatchSet,
                    tables,
                    count_fields: count_fields.to_vec(),
                    filters: filters.clone(),
                    hidden: hidden.clone(),
                },
            )?;
            let top = pruned::search(
                &searcher,
                user_query.as_ref(),
                &fruit.inner,
                request.offset,
                request.limit,
            )?
            .into_iter()
            .map(|(score, addr)| (Some(score), addr))
            .collect();
            (top, fruit.total, fruit.counts, fruit.sideways)
        } else {
            let fruit = searcher.search(
                user_query.as_ref(),
                &FilteredFacetSearch {
                    inner: window.order_by_score(),
                    tables,
                    count_fields: count_fields.to_vec(),
                    filters: filters.clone(),
                    hidden: hidden.clone(),
                },
            )?;
            let top = fruit
                .inner
                .into_iter()
                .map(|(score, addr)| (Some(score), addr))
                .collect();
            (top, fruit.total, fruit.counts, fruit.sideways)
        };
        let mut counts = counts;
        // Disjunctive facets: a filtered dimension also counts the hits that only its own filter left out.
        for (filter, extra) in filters.iter().zip(sideways) {
            if let Some(i) = count_fields.iter().position(|f| *f == filter.counted_field) {
                add_counts(&mut counts[i], extra);
            }
        }
        let [c_region, c_theme, c_type, c_year, c_month]: [DimensionCounts; 5] = counts
            .try_into()
            .map_err(|_| IndexError::Other("facet counts".into()))?;
        let facets = Facets {
            region: facet_values(&c_region),
            theme: facet_values(&c_theme),
            doc_type: facet_values(&c_type),
            year: year_values(&c_year),
            month: year_values(&c_month),
        };

        let snippets = Snippets {
            searcher: &searcher,
            query: user_query.as_ref(),
            text: self.fields.text,
            text_sv: self.fields.text_sv,
            finnish_chain: self.analyzer() == AnalyzerKind::Finnish,
            enabled: !browse && request.snippets,
            finnish: OnceCell::new(),
            swedish: OnceCell::new(),
        };
        let mut hits = Vec::with_capacity(scored.len());
        let stored_hits = self.hit_reader(&searcher);
        for (score, addr) in scored {
            let stored = stored_hits.read(addr)?;
            let doc = self.parse_stored(&stored)?;
            hits.push(Hit {
                snippet: snippets.for_text(addr, doc.language, stored.body())?,
                id: doc.id,
                title: doc.title,
                url: doc.url,
                published: doc.published,
                regions: doc.regions,
                themes: doc.themes,
                doc_type: doc.doc_type,
                source: doc.source,
                score,
            });
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            took_ms: elapsed_ms(started),
            hits,
            facets,
            warnings,
        })
    }

    /// The stored document with this id.
    pub fn get(&self, id: &str) -> Result<Option<Document>, IndexError> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => Ok(Some(self.load(&searcher, *addr)?)),
            None => Ok(None),
        }
    }

    /// Every facet value in the index with its document count.
    pub fn all_facets(&self) -> Result<Facets, IndexError> {
        let request = SearchRequest {
            limit: 1,
            ..SearchRequest::default()
        };
        Ok(self.search(&request)?.facets)
    }

    /// The stored document, text included.
    fn load(&self, searcher: &Searcher, addr: DocAddress) -> Result<Document, IndexError> {
        let stored = self.hit_reader(searcher).read(addr)?;
        let mut doc = self.parse_stored(&stored)?;
        doc.text = text_between(stored.body(), 0, usize::MAX).into_owned();
        Ok(doc)
    }

    /// Reads stored hits: the JSON document, and the text as bytes (a hit only needs a window of it, and long
    /// statutes are megabytes).
    fn hit_reader<'s>(&'s self, searcher: &'s Searcher) -> HitReader<'s> {
        HitReader::new(searcher, &self.facet_tables, self.fields.doc, self.fields.body)
    }

    /// The document of a stored hit, with an empty text.
    fn parse_stored(&self, stored: &StoredHit) -> Result<Document, IndexError> {
        serde_json::from_str(stored.json()?).map_err(|e| IndexError::Corrupt {
            dir: Default::default(),
            reason: format!("stored document: {e}"),
        })
    }

    /// The filters of a request, one per filtered dimension, for [`FilteredFacetSearch`].
    fn dimension_filters(&self, request: &SearchRequest) -> Vec<DimensionFilter> {
        let schema = self.index.schema();
        let name = |field: Field| schema.get_field_name(field).to_string();
        let f = &self.fields;
        let mut filters = Vec::new();
        let mut labels = |field: Field, labels: Vec<String>| {
            if !labels.is_empty() {
                filters.push(DimensionFilter {
                    condition: Condition::Labels {
                        field_name: name(field),
                        labels,
                    },
                    counted_field: name(field),
                });
            }
        };
        labels(f.region, request.regions.iter().map(|r| r.code()).collect());
        labels(f.theme, request.themes.iter().map(|t| t.0.clone()).collect());
        labels(
            f.doc_type,
            request.doc_types.iter().map(|t| t.slug().to_string()).collect(),
        );
        if request.from.is_some() || request.to.is_some() {
            // Dates are indexed at midnight of their first day, so both ends are that day's midnight, inclusive.
            filters.push(DimensionFilter {
                condition: Condition::Dates {
                    field_name: name(f.published),
                    from: request.from.map(crate::index::day_start),
                    to: request.to.map(crate::index::day_start),
                },
                counted_field: name(f.year),
            });
        }
        filters
    }

    /// What the public may not see, when the request asks for the public view: restricted documents, and those
    /// whose re-check day is before the request's day.
    fn hidden(&self, request: &SearchRequest) -> Vec<Condition> {
        let Some(today) = request.visible_on else {
            return Vec::new();
        };
        let schema = self.index.schema();
        let name = |field: Field| schema.get_field_name(field).to_string();
        vec![
            Condition::Labels {
                field_name: name(self.fields.flags),
                labels: vec![RESTRICTED_FLAG.to_string()],
            },
            Condition::Dates {
                field_name: name(self.fields.recheck_due),
                from: None,
                to: today.pred_opt().map(crate::index::day_start),
            },
        ]
    }
}

/// Adds `extra` into `counts` (labels distinct in both).
pub(crate) fn add_counts(counts: &mut DimensionCounts, extra: DimensionCounts) {
    for (label, n) in extra {
        match counts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, count)) => *count += n,
            None => counts.push((label, n)),
        }
    }
}

fn facet_values(counts: &DimensionCounts) -> FacetValues {
    let mut values: Vec<(String, u64)> = counts
        .iter()
        .map(|(label, count)| (label.to_string(), *count))
        .collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    FacetValues(values)
}

fn year_values(counts: &DimensionCounts) -> FacetValues {
    let mut values = facet_values(counts).0;
    values.sort_by(|a, b| a.0.cmp(&b.0));
    FacetValues(values)
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// Builds snippets for the hits of one search. Each language's generator is made when a hit first needs it.
struct Snippets<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    text: Field,
    text_sv: Field,
    /// The Finnish text field is analysed with the Finnish chain (not a baseline analyzer).
    finnish_chain: bool,
    /// Highlight the query's words; otherwise every snippet is the text's beginning.
    enabled: bool,
    finnish: OnceCell<Generator>,
    swedish: OnceCell<Generator>,
}

/// A snippet generator and a spotter for where its query words may occur in a text.
struct Generator {
    snippets: SnippetGenerator,
    /// Stems of the query's base forms (the base form less its last two letters, lowercase and capitalised):
    /// inflected forms mostly begin with them. Only chooses the window; the generator decides what to highlight.
    spotter: Option<aho_corasick::AhoCorasick>,
    /// The query's terms in the field: a text can only have highlights if its document has one of them.
    terms: Vec<Term>,
}

impl Generator {
    /// `finnish_chain`: the field is analysed with the Finnish base-form chain, so the generator may use its faster
    /// variant that only analyses words which can be the query's words.
    fn new(searcher: &Searcher, query: &dyn Query, field: Field, finnish_chain: bool) -> Result<Generator, IndexError> {
        let mut terms: BTreeSet<String> = BTreeSet::new();
        let mut weights: BTreeMap<String, f32> = BTreeMap::new();
        let mut present = Vec::new();
        let mut failed = None;
        query.query_terms(&mut |term, _| {
            if term.field() != field {
                return;
            }
            let value = term.value();
            let Some(text) = value.as_str() else { return };
            if terms.insert(text.to_string()) {
                // As tantivy's own generator: rarer words weigh more in choosing the fragment.
                match searcher.doc_freq(term) {
                    Ok(0) => {}
                    Ok(n) => {
                        weights.insert(text.to_string(), 1.0 / (1.0 + n as f32));
                        present.push(term.clone());
                    }
                    Err(e) => failed = Some(e),
                }
            }
        });
        if let Some(e) = failed {
            return Err(e.into());
        }
        let analyzer = if finnish_chain {
            sotehaku_finnish::analyzers::fi_base_for_terms(terms.iter().map(String::as_str))
        } else {
            searcher.index().tokenizer_for_field(field)?
        };
        let snippets = SnippetGenerator::new(weights, analyzer, field, SNIPPET_CHARS);
        let mut stems: Vec<String> = Vec::new();
        for term in &terms {
            let chars: Vec<char> = term.chars().collect();
            if chars.len() < 3 {
                continue;
            }
            let keep = if chars.len() >= 6 { chars.len() - 2 } else { chars.len() };
            let stem: String = chars[..keep].iter().collect();
            let mut capitalised = stem.chars();
            let capitalised: String = capitalised
                .next()
                .map(|c| c.to_uppercase().chain(capitalised).collect())
                .unwrap_or_default();
            stems.push(stem);
            stems.push(capitalised);
        }
        let spotter = (!stems.is_empty())
            .then(|| {
                // Searched in at most a page of hits: an NFA is quicker to build than the default DFA.
                aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(&stems)
                    .ok()
            })
            .flatten();
        Ok(Generator {
            snippets,
            spotter,
            terms: present,
        })
    }

    /// Whether the document at `address` has one of the query's terms in the field. When it has none (it matched
    /// by its title or by compound parts only), no word of its text can be highlighted, and looking is skipped: on
    /// a long text, spotting and analysing cost more than the rest of the search.
    fn may_highlight(&self, searcher: &Searcher, address: DocAddress) -> Result<bool, IndexError> {
        let segment = searcher.segment_reader(address.segment_ord);
        let Some(field) = self.terms.first().map(Term::field) else {
            return Ok(false);
        };
        let inverted = segment.inverted_index(field)?;
        for term in &self.terms {
            if let Some(mut postings) = inverted
                .read_postings(term, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?
            {
                // `seek` may not go backwards: the list may already start at or past the document.
                let at = if postings.doc() < address.doc_id {
                    postings.seek(address.doc_id)
                } else {
                    postings.doc()
                };
                if at == address.doc_id {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The part of `body` to look for a snippet in: a window around the first spotted query word, else the start.
    fn window<'t>(&self, body: &'t [u8]) -> Cow<'t, str> {
        let first = self.spotter.as_ref().and_then(|s| s.find(body)).map(|m| m.start());
        match first {
            Some(at) => {
                // A little more than the window, so that it can be cut between words.
                let range = char_range(
                    body,
                    at.saturating_sub(SNIPPET_WINDOW_BEFORE + 8),
                    at.saturating_add(SNIPPET_WINDOW_AFTER + 8),
                );
                let at = at.saturating_sub(range.start);
                match String::from_utf8_lossy(&body[range]) {
                    Cow::Borrowed(text) => Cow::Borrowed(window_around(text, at)),
                    Cow::Owned(text) => Cow::Owned(window_around(&text, at).to_string()),
                }
            }
            None => text_between(body, 0, SNIPPET_SCAN_BYTES),
        }
    }
}

impl Snippets<'_> {
    /// The snippet of the hit at `address` in `language` whose stored text is `body`.
    fn for_text(&self, address: DocAddress, language: Option<Language>, body: &[u8]) -> Result<Snippet, IndexError> {
        if self.enabled {
            let (cell, field, finnish_chain) = if language == Some(Language::Swedish) {
                (&self.swedish, self.text_sv, false)
            } else {
                (&self.finnish, self.text, self.finnish_chain)
            };
            if cell.get().is_none() {
                let _ = cell.set(Generator::new(self.searcher, self.query, field, finnish_chain)?);
            }
            if let Some(g) = cell
                .get()
                .filter(|g| g.may_highlight(self.searcher, address).unwrap_or(true))
            {
                let window = g.window(body);
                let s = g.snippets.snippet(&window);
                if !s.highlighted().is_empty() {
                    return Ok(Snippet {
                        text: s.fragment().to_string(),
                        highlights: s.highlighted().to_vec(),
                    });
                }
            }
        }
        Ok(Snippet {
            // Enough bytes for the lead, which is cut at a word.
            text: leading_text(&text_between(body, 0, SNIPPET_SCAN_BYTES), SNIPPET_CHARS),
            highlights: Vec::new(),
        })
    }
}

/// The largest character boundary at or before `at`.
fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The part of `text` from about [`SNIPPET_WINDOW_BEFORE`] bytes before `at` (a character boundary) to about
/// [`SNIPPET_WINDOW_AFTER`] after it, cut between words: a window cut inside a word would give a snippet that starts
/// or ends with a broken word.
fn window_around(text: &str, at: usize) -> &str {
    let at = floor_char_boundary(text, at);
    let mut start = floor_char_boundary(text, at.saturating_sub(SNIPPET_WINDOW_BEFORE));
    let mut end = floor_char_boundary(text, at.saturating_add(SNIPPET_WINDOW_AFTER));
    if start > 0 {
        if let Some((i, c)) = text[start..at].char_indices().find(|(_, c)| c.is_whitespace()) {
            start += i + c.len_utf8();
        }
    }
    if end < text.len() {
        if let Some(i) = text[at..end].rfind(char::is_whitespace) {
            end = at + i;
        }
    }
    &text[start..end]
}

/// The first `max_chars` characters of the text, cut at a word boundary, whitespace collapsed.
fn leading_text(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max_chars {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_windows_start_and_end_between_words() {
        // Words of 9 bytes ("sanaää" + no-break space, 2 bytes) so window ends fall inside words.
        let text: String = (0..400).map(|i| format!("sanaä{:02}\u{a0}", i % 100)).collect();
        let at = text.find("sanaä50").unwrap() + 9 * 100;
        let window = window_around(&text, at);
        assert!(window.starts_with("sanaä"), "{:?}", &window[..20]);
        assert!(
            window.ends_with(|c: char| c.is_ascii_digit()),
            "{:?}",
            &window[window.len() - 20..]
        );
        assert!(window.len() <= SNIPPET_WINDOW_BEFORE + SNIPPET_WINDOW_AFTER);
        // Near the ends of the text the window is simply cut there.
        assert!(window_around(&text, 3).starts_with("sanaä00"));
        assert!(text.ends_with(window_around(&text, text.len() - 5)));
    }

    #[test]
    fn a_hit_matched_by_compound_parts_only_gets_the_beginning_of_its_text() {
        let index = SearchIndex::in_memory(AnalyzerKind::Finnish).unwrap();
        let mut indexer = index.indexer().unwrap();
        let filler = "Muuta tekstiä. ".repeat(400);
        let whole = format!("{filler}Hyvinvointialueen rahoitus kasvaa ensi vuonna.");
        let parts = format!("Kunnan alueella edistetään asukkaiden hyvinvointia. {filler}");
        indexer
            .upsert(&sotehaku_ingest::Document::new("whole", "Tiedote", whole))
            .unwrap();
        indexer
            .upsert(&sotehaku_ingest::Document::new("parts", "Tiedote", parts))
            .unwrap();
        indexer.commit().unwrap();
        index.reload().unwrap();
        let results = index.search(&SearchRequest::new("hyvinvointialue")).unwrap();
        let snippet = |id: &str| {
            let hit = results.hits.iter().find(|h| h.id == id).unwrap();
            hit.snippet.clone()
        };
        let whole = snippet("whole");
        assert_eq!(
            whole
                .highlights
                .iter()
                .map(|r| &whole.text[r.clone()])
                .collect::<Vec<_>>(),
            ["Hyvinvointialueen"],
            "the word itself is highlighted, deep in the text"
        );
        let parts = snippet("parts");
        assert!(parts.highlights.is_empty());
        assert!(parts.text.starts_with("Kunnan alueella"), "{:?}", parts.text);
    }
}
