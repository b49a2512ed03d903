//! The analysis chains an index can be built with, registered under fixed tokenizer names.
//!
//! `plain` and `snowball` are baselines for evaluation: lowercase words, and tantivy's stock Finnish chain (what
//! every peer ships). `finnish` is sotehaku's own: base forms and compound parts from the voikko-fi dictionary.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sotehaku_finnish::analyzers::{FI_BASE, FI_PARTS, FI_SNOWBALL, PLAIN, SV_BASE};
use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenizerManager};

/// Tokenizer name of the Swedish chain (Swedish documents in every kind of index).
pub const SV_TOKENIZER: &str = SV_BASE;
/// A chain that drops everything: the parts field of indexes without compound analysis.
const NONE: &str = "sh_none";

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
            AnalyzerKind::Snowball => FI_SNOWBALL,
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
    sotehaku_finnish::analyzers::register(manager);
    manager.register(
        NONE,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(0))
            .build(),
    );
}
