//! The named tantivy analyzers of sotehaku, identical at index and query time:
//! - [`FI_BASE`]: tokenizer → Finnish stop words → base forms (lowercase) — the main text field;
//! - [`FI_PARTS`]: tokenizer → Finnish stop words → compound parts — a second, lower-weight field;
//! - [`SV_BASE`]: tokenizer (lowercasing) → Swedish stop words → Swedish Snowball stems (numbers kept);
//! - [`PLAIN`] and [`FI_SNOWBALL`]: tantivy's stock chains (lowercase words; lowercase + Finnish Snowball), the
//!   baselines for evaluation.
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

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenizerManager,
};

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
