//! The named tantivy analyzers of sotehaku, identical at index and query time:
//! - [`FI_BASE`]: tokenizer → Finnish stop words → base forms (lowercase) — the main text field;
//! - [`FI_PARTS`]: tokenizer → Finnish stop words → compound parts — a second, lower-weight field;
//! - [`SV_BASE`]: tokenizer (lowercasing) → Swedish stop words → Swedish Snowball stems (numbers kept);
//! - [`PLAIN`] and [`FI_SNOWBALL`]: tantivy's stock chains (lowercase words; lowercase + Finnish Snowball), the
//!   baselines for evaluation.
//!
//! Query side: the same analyzers, but build queries with [`field_query`] rather than tantivy's `QueryParser`:
//! the parser turns alternatives at one position (`kuusi` → kuusi, kuu) into a phrase that needs *all* of them,
//! so "kuusi" would not find "kuusella". [`field_query`] ORs the alternatives of a position instead.
//!
//! ```
//! use tantivy::tokenizer::TokenizerManager;
//! let manager = TokenizerManager::default();
//! sotehaku_finnish::analyzers::register(&manager);
//! let mut analyzer = manager.get(sotehaku_finnish::analyzers::FI_BASE).unwrap();
//! let mut stream = analyzer.token_stream("vuonna 2022");
//! let mut out = Vec::new();
//! while let Some(t) = stream.next() { out.push(t.text.clone()); }
//! assert_eq!(out.last().map(String::as_str), Some("2022"));
//! ```

use std::sync::Arc;

use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenizerManager,
};
use tantivy::Term;

use crate::analyze::WordAnalyzer;
use crate::filters::{BaseFormFilter, CompoundPartsFilter, NumberSafeStemmer};
use crate::stopwords::StopWordFilter;
use crate::tokenizer::FinnishTokenizer;

/// Name of the Finnish base-form analyzer (main text field).
pub const FI_BASE: &str = "fi_base";
/// Name of the Finnish compound-parts analyzer (a second, lower-weight field).
pub const FI_PARTS: &str = "fi_parts";
/// Name of the Swedish analyzer.
pub const SV_BASE: &str = "sv_base";
/// Name of the plain baseline (tantivy's simple tokenizer + lowercase).
pub const PLAIN: &str = "plain";
/// Name of tantivy's stock Finnish Snowball chain (the baseline every peer ships).
pub const FI_SNOWBALL: &str = "fi_snowball";

/// The main Finnish chain, using the built-in (cached) word analyzer.
pub fn fi_base() -> TextAnalyzer {
    fi_base_with(Arc::clone(WordAnalyzer::builtin()))
}

/// The main Finnish chain over a given word analyzer (e.g. an uncached one for benchmarks).
pub fn fi_base_with(analyzer: Arc<WordAnalyzer>) -> TextAnalyzer {
    TextAnalyzer::builder(FinnishTokenizer::keep_case())
        .filter(StopWordFilter::finnish())
        .filter(BaseFormFilter::new(analyzer))
        .build()
}

/// The main chain for finding `terms` (base forms from [`fi_base`]) in a text, e.g. to highlight a query's words: it
/// gives the same base forms as [`fi_base`] for every word that may have one of `terms` as a base form, and passes
/// the other words through unanalysed, which is several times faster on long texts.
///
/// A word is analysed when its first two letters (lowercase) begin one of `terms`: inflection and compounding change
/// the end of a Finnish word, and the base form of a compound begins with its first part. The exceptions are
/// suppletive pronouns and verbs (*kenen* → *kuka*, *on* → *olla*), which are stop words.
///
/// ```
/// use sotehaku_finnish::analyzers::fi_base_for_terms;
/// let mut analyzer = fi_base_for_terms(["hyvinvointialue"]);
/// let mut stream = analyzer.token_stream("Hyvinvointialueiden rahoitus");
/// let mut out = Vec::new();
/// while let Some(t) = stream.next() { out.push(t.text.clone()); }
/// assert_eq!(out, ["hyvinvointialue", "rahoitus"]);
/// ```
pub fn fi_base_for_terms<'t>(terms: impl IntoIterator<Item = &'t str>) -> TextAnalyzer {
    // A query has a few dozen terms at most: a linear scan beats hashing.
    let mut keys: Vec<[char; 2]> = terms.into_iter().map(|t| leading_letters(t, 2)).collect();
    keys.sort_unstable();
    keys.dedup();
    let gate = move |word: &str| {
        let key = leading_letters(word, 2);
        keys.iter().any(|k| *k == key || (k[1] == '\0' && k[0] == key[0]))
    };
    TextAnalyzer::builder(FinnishTokenizer::keep_case())
        .filter(StopWordFilter::finnish())
        .filter(BaseFormFilter::gated(
            Arc::clone(WordAnalyzer::builtin()),
            Arc::new(gate),
        ))
        .build()
}

/// The first `n` (at most 2) letters or digits of `word` (leading dashes and punctuation skipped), lowercase,
/// padded with NUL.
fn leading_letters(word: &str, n: usize) -> [char; 2] {
    let mut key = ['\0'; 2];
    let letters = word
        .chars()
        .skip_while(|c| !c.is_alphanumeric())
        .flat_map(char::to_lowercase);
    for (slot, c) in key.iter_mut().zip(letters.take(n.min(2))) {
        *slot = c;
    }
    key
}

/// The compound-parts chain, using the built-in (cached) word analyzer.
pub fn fi_parts() -> TextAnalyzer {
    fi_parts_with(Arc::clone(WordAnalyzer::builtin()))
}

/// The compound-parts chain over a given word analyzer.
pub fn fi_parts_with(analyzer: Arc<WordAnalyzer>) -> TextAnalyzer {
    TextAnalyzer::builder(FinnishTokenizer::keep_case())
        .filter(StopWordFilter::finnish())
        .filter(CompoundPartsFilter::new(analyzer))
        .build()
}

/// The Swedish chain.
pub fn sv_base() -> TextAnalyzer {
    TextAnalyzer::builder(FinnishTokenizer::new())
        .filter(StopWordFilter::swedish())
        .filter(NumberSafeStemmer::swedish())
        .build()
}

/// tantivy's simple tokenizer + lowercase (what "plain" means in evaluation).
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

/// tantivy's stock Finnish chain: simple tokenizer, lowercase, Finnish Snowball (it alters numbers: 2022 → 202).
pub fn snowball() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::Finnish))
        .build()
}

/// Registers [`FI_BASE`], [`FI_PARTS`], [`SV_BASE`], [`PLAIN`] and [`FI_SNOWBALL`] with `manager`.
pub fn register(manager: &TokenizerManager) {
    manager.register(FI_BASE, fi_base());
    manager.register(FI_PARTS, fi_parts());
    manager.register(SV_BASE, sv_base());
    manager.register(PLAIN, plain());
    manager.register(FI_SNOWBALL, snowball());
}

/// Registers [`FI_BASE`] and [`FI_PARTS`] over `analyzer` instead of the built-in one: the same tokens, another
/// cache (a bulk load's, see [`WordAnalyzer::with_cache`]).
pub fn register_finnish_with(manager: &TokenizerManager, analyzer: Arc<WordAnalyzer>) {
    manager.register(FI_BASE, fi_base_with(Arc::clone(&analyzer)));
    manager.register(FI_PARTS, fi_parts_with(analyzer));
}

/// Most phrase variants (combinations of alternatives) [`field_query`] builds for one phrase; beyond that only the
/// first alternative of each position is used.
pub const MAX_PHRASE_VARIANTS: usize = 16;

/// Most positions taken from one query text.
const MAX_QUERY_POSITIONS: usize = 64;

/// The terms an analyzer emits at one position (alternatives of one word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionTerms {
    /// Token position (stop words leave gaps).
    pub position: usize,
    /// Distinct terms at that position, in emission order.
    pub terms: Vec<String>,
}

/// Runs `analyzer` over `text` and groups the emitted terms by position (at most 64 positions).
///
/// ```
/// let groups = sotehaku_finnish::analyzers::terms_by_position(&mut sotehaku_finnish::analyzers::fi_base(), "kuusi ja kuu");
/// assert_eq!(groups[0].terms, ["kuusi", "kuu"]);
/// assert_eq!(groups[1].position, 2);
/// ```
pub fn terms_by_position(analyzer: &mut TextAnalyzer, text: &str) -> Vec<PositionTerms> {
    let mut groups: Vec<PositionTerms> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        match groups.last_mut() {
            Some(g) if g.position == token.position => {
                if !g.terms.contains(&token.text) {
                    g.terms.push(token.text.clone());
                }
            }
            _ => {
                if groups.len() >= MAX_QUERY_POSITIONS {
                    break;
                }
                groups.push(PositionTerms {
                    position: token.position,
                    terms: vec![token.text.clone()],
                });
            }
        }
    }
    groups
}

/// A query for `text` on `field` (indexed with `analyzer`, with positions for phrases): without `phrase`, every
/// position must match one of its alternatives (BM25-scored term queries); with `phrase`, the words must appear in
/// order (stop-word gaps kept), any alternative per position. `None` when the text gives no terms.
///
/// ```
/// use sotehaku_finnish::analyzers::{field_query, fi_base};
/// let mut schema = tantivy::schema::Schema::builder();
/// let body = schema.add_text_field("body", tantivy::schema::TEXT);
/// assert!(field_query(body, &mut fi_base(), "hyvinvointialueiden rahoitus", true).is_some());
/// assert!(field_query(body, &mut fi_base(), "ja", false).is_none());
/// ```
pub fn field_query(field: Field, analyzer: &mut TextAnalyzer, text: &str, phrase: bool) -> Option<Box<dyn Query>> {
    let groups = terms_by_position(analyzer, text);
    let term_query = |t: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, t),
            IndexRecordOption::WithFreqs,
        ))
    };
    let alternatives = |g: &PositionTerms| -> Box<dyn Query> {
        match g.terms.as_slice() {
            [one] => term_query(one),
            many => Box::new(BooleanQuery::new(
                many.iter().map(|t| (Occur::Should, term_query(t))).collect(),
            )),
        }
    };
    match groups.as_slice() {
        [] => None,
        [one] => Some(alternatives(one)),
        many if !phrase => Some(Box::new(BooleanQuery::new(
            many.iter().map(|g| (Occur::Must, alternatives(g))).collect(),
        ))),
        many => {
            let variants = many.iter().try_fold(1usize, |n, g| n.checked_mul(g.terms.len()));
            let variants = match variants {
                Some(n) if n <= MAX_PHRASE_VARIANTS => n,
                _ => 1,
            };
            let mut phrases: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(variants);
            for v in 0..variants {
                let mut rest = v;
                let terms: Vec<(usize, Term)> = many
                    .iter()
                    .map(|g| {
                        let n = if variants == 1 { 1 } else { g.terms.len() };
                        let pick = g
                            .terms
                            .get(rest % n)
                            .or(g.terms.first())
                            .map(String::as_str)
                            .unwrap_or("");
                        rest /= n;
                        (g.position, Term::from_field_text(field, pick))
                    })
                    .collect();
                phrases.push((Occur::Should, Box::new(PhraseQuery::new_with_offset(terms))));
            }
            match phrases.len() {
                1 => phrases.pop().map(|(_, q)| q),
                _ => Some(Box::new(BooleanQuery::new(phrases))),
            }
        }
    }
}
