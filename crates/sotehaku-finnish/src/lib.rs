//! # sotehaku-finnish
//!
//! Finnish (and Swedish) text analysis for search: normalization, tokenization, morphology (base forms and compound
//! parts), stop words and the domain lexicon, exposed as plain functions and as tantivy tokenizers and filters.
//!
//! ```
//! assert_eq!(sotehaku_finnish::ANALYZER_VERSION > 0, true);
//! ```

pub mod analyze;
pub mod analyzers;
pub mod cache;
pub mod filters;
#[doc(hidden)]
pub mod fuzzing;
pub mod lexicon;
pub mod morphology;
pub mod normalize;
pub mod stopwords;
pub mod tokenizer;
pub mod vfst;

pub use analyze::{analyze, expansions, AnalyzedToken};

/// Bumped whenever analysis output changes, so indexes built with an older chain are rebuilt.
pub const ANALYZER_VERSION: u32 = 4;
