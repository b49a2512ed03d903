//! The analysis chains an index can be built with, registered under fixed tokenizer names.
//!
//! `plain` and `snowball` are baselines for evaluation: lowercase words, and tantivy's stock Finnish chain (what
//! every peer ships). `finnish` is sotehaku's own: base forms and compound parts from the voikko-fi dictionary.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer, TokenizerManager,
};

/// Tokenizer name of the Swedish chain (Swedish documents in every kind of index).
pub const SV_TOKENIZER: &str = "sh_sv";
const PLAIN: &str = "sh_plain";
const SNOWBALL: &str = "sh_snowball";
const NONE: &str = "sh_none";
const FI_BASE: &str = "fi_base";
const FI_PARTS: &str = "fi_parts";

/// Which chain analyses the Finnish text of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalyzerKind {
    /// Lowercased words, nothing else.
    Plain,
    /// tantivy's stock Finnish chain: lowercase, stop words, Snowball stemmer.
    Snowball,
    /// sotehaku's Finnish analysis: base forms from the dictionary, compound parts, domain lexicon.
    #[default]
    Finnish,
}

impl AnalyzerKind {
    pub const ALL: [AnalyzerKind; 3] = [AnalyzerKind::Plain, AnalyzerKind::Snowball, AnalyzerKind::Finnish];

    pub fn name(&self) -> &'static str {
        match self {
            AnalyzerKind::Plain => "plain",
            AnalyzerKind::Snowball => "snowball",
            AnalyzerKind::Finnish => "finnish",
        }
    }

    /// Version of the chain; an index built with another version is rebuilt.
    pub fn version(&self) -> u32 {
        match self {
            AnalyzerKind::Plain | AnalyzerKind::Snowball => 1,
            AnalyzerKind::Finnish => sotehaku_finnish::ANALYZER_VERSION,
        }
    }

    pub(crate) fn main_tokenizer(&self) -> &'static str {
        match self {
            AnalyzerKind::Plain => PLAIN,
            AnalyzerKind::Snowball => SNOWBALL,
            AnalyzerKind::Finnish => FI_BASE,
        }
    }

    pub(crate) fn parts_tokenizer(&self) -> &'static str {
        match self {
            AnalyzerKind::Finnish => FI_PARTS,
            AnalyzerKind::Plain | AnalyzerKind::Snowball => NONE,
        }
    }

    /// Whether documents get a compound-parts field.
    pub(crate) fn has_parts(&self) -> bool {
        matches!(self, AnalyzerKind::Finnish)
    }
}

impl fmt::Display for AnalyzerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AnalyzerKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "plain" => Ok(AnalyzerKind::Plain),
            "snowball" => Ok(AnalyzerKind::Snowball),
            "finnish" | "default" | "sotehaku" => Ok(AnalyzerKind::Finnish),
            other => Err(format!("unknown analyzer {other:?}; choose plain, snowball or finnish")),
        }
    }
}

/// Registers every chain under its name, so any index (and the query parser over it) finds its tokenizers.
pub fn register_all(manager: &TokenizerManager) {
    manager.register(
        PLAIN,
        TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(64)).filter(LowerCaser).build(),
    );
    manager.register(NONE, TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(0)).build());
    manager.register(SNOWBALL, snowball_finnish());
    register_finnish(manager);
}

/// tantivy's stock Finnish chain, as Lucene and Elasticsearch also ship it.
pub fn snowball_finnish() -> TextAnalyzer {
    let mut builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .dynamic();
    if let Some(stop) = StopWordFilter::new(Language::Finnish) {
        builder = builder.filter_dynamic(stop);
    }
    builder.filter_dynamic(Stemmer::new(Language::Finnish)).build()
}

// INTEGRATION: replaced by sotehaku_finnish::analyzers once the chain lands.
fn register_finnish(manager: &TokenizerManager) {
    manager.register(FI_BASE, snowball_finnish());
    manager.register(FI_PARTS, TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(0)).build());
    let mut sv = TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(64)).filter(LowerCaser).dynamic();
    if let Some(stop) = StopWordFilter::new(Language::Swedish) {
        sv = sv.filter_dynamic(stop);
    }
    manager.register(SV_TOKENIZER, sv.filter_dynamic(Stemmer::new(Language::Swedish)).build());
}
