//! tantivy token filters of the Finnish chain, composed with `TextAnalyzer::builder`:
//! - [`BaseFormFilter`]: replaces each word by its distinct base forms, all at the word's position (so phrase queries
//!   over base forms work and alternatives do not shift later words);
//! - [`CompoundPartsFilter`]: replaces each word by its compound parts (or its base form when it is not a compound),
//!   at the word's position — for a second, lower-weight field;
//! - [`NumberSafeStemmer`]: a Snowball stemmer that leaves tokens with digits alone (for the Swedish chain).
//!
//! Numbers pass through every filter unchanged. Both analysis filters share the analyzer's cache.

use std::collections::VecDeque;
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::analyze::{complete_ellipsis, WordAnalysis, WordAnalyzer};

/// Which list of a [`WordAnalysis`] a filter emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Emit {
    BaseForms,
    CompoundParts,
}

/// Decides which words are worth analysing; the others pass through unchanged.
pub type WordGate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Emits each word's base forms at the word's position.
#[derive(Clone)]
pub struct BaseFormFilter {
    analyzer: Arc<WordAnalyzer>,
    gate: Option<WordGate>,
}

impl std::fmt::Debug for BaseFormFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BaseFormFilter")
            .field("gated", &self.gate.is_some())
            .finish_non_exhaustive()
    }
}

impl BaseFormFilter {
    /// A filter using `analyzer` (usually [`WordAnalyzer::builtin`]).
    pub fn new(analyzer: Arc<WordAnalyzer>) -> Self {
        BaseFormFilter { analyzer, gate: None }
    }

    /// Analyses only the words `gate` accepts and passes the others through as they are. For highlighting, where
    /// only words that may match a query need their base forms: analysing every word of a text costs more than
    /// the search.
    pub fn gated(analyzer: Arc<WordAnalyzer>, gate: WordGate) -> Self {
        BaseFormFilter {
            analyzer,
            gate: Some(gate),
        }
    }
}

impl Default for BaseFormFilter {
    fn default() -> Self {
        Self::new(Arc::clone(WordAnalyzer::builtin()))
    }
}

/// Emits each word's compound parts (or base form) at the word's position.
#[derive(Clone, Debug)]
pub struct CompoundPartsFilter {
    analyzer: Arc<WordAnalyzer>,
}

impl CompoundPartsFilter {
    /// A filter using `analyzer` (usually [`WordAnalyzer::builtin`]).
    pub fn new(analyzer: Arc<WordAnalyzer>) -> Self {
        CompoundPartsFilter { analyzer }
    }
}

impl Default for CompoundPartsFilter {
    fn default() -> Self {
        Self::new(Arc::clone(WordAnalyzer::builtin()))
    }
}

impl TokenFilter for BaseFormFilter {
    type Tokenizer<T: Tokenizer> = AnalysisTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> AnalysisTokenizer<T> {
        AnalysisTokenizer {
            analyzer: self.analyzer,
            emit: Emit::BaseForms,
            gate: self.gate,
            inner: tokenizer,
        }
    }
}

impl TokenFilter for CompoundPartsFilter {
    type Tokenizer<T: Tokenizer> = AnalysisTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> AnalysisTokenizer<T> {
        AnalysisTokenizer {
            analyzer: self.analyzer,
            emit: Emit::CompoundParts,
            gate: None,
            inner: tokenizer,
        }
    }
}

/// The tokenizer produced by [`BaseFormFilter`] and [`CompoundPartsFilter`].
#[derive(Clone)]
pub struct AnalysisTokenizer<T> {
    analyzer: Arc<WordAnalyzer>,
    emit: Emit,
    gate: Option<WordGate>,
    inner: T,
}

impl<T> std::fmt::Debug for AnalysisTokenizer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisTokenizer")
            .field("emit", &self.emit)
            .field("gated", &self.gate.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: Tokenizer> Tokenizer for AnalysisTokenizer<T> {
    type TokenStream<'a> = AnalysisTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        AnalysisTokenStream {
            analyzer: &self.analyzer,
            emit: self.emit,
            gate: self.gate.as_deref(),
            tail: self.inner.token_stream(text),
            token: Token::default(),
            current: None,
            extra: Vec::new(),
            next_index: 0,
            lookahead: VecDeque::new(),
        }
    }
}

/// Most tokens looked ahead from a hyphen-ellipsis for the word that completes it.
const MAX_ELLIPSIS_LOOKAHEAD: usize = 4;

/// The token stream of [`AnalysisTokenizer`]: one input token becomes one or more output tokens at its position.
///
/// In the base-form stream a hyphen-ellipsis (`sosiaali-` in "sosiaali- ja terveydenhuollon") also gets the
/// completed compound (`sosiaalihuolto`, from the last part of the word that follows), so a search for
/// "sosiaalihuolto" finds the abbreviated form.
pub struct AnalysisTokenStream<'a, S> {
    analyzer: &'a WordAnalyzer,
    emit: Emit,
    gate: Option<&'a (dyn Fn(&str) -> bool + Send + Sync)>,
    tail: S,
    token: Token,
    current: Option<Arc<WordAnalysis>>,
    extra: Vec<String>,
    next_index: usize,
    lookahead: VecDeque<Token>,
}

impl<S: TokenStream> AnalysisTokenStream<'_, S> {
    /// The completed compound for the ellipsis token in `self.token`, looking ahead in the stream.
    fn ellipsis_completion(&mut self) -> Vec<String> {
        while self.lookahead.len() < MAX_ELLIPSIS_LOOKAHEAD
            && self.lookahead.back().is_none_or(|t| t.text.ends_with('-'))
            && self.tail.advance()
        {
            self.lookahead.push_back(self.tail.token().clone());
        }
        let Some(next) = self.lookahead.iter().find(|t| !t.text.ends_with('-')) else {
            return Vec::new();
        };
        let next_analysis = self.analyzer.analyze_word(&next.text);
        complete_ellipsis(&self.token.text, &next_analysis)
    }
}

impl<S: TokenStream> TokenStream for AnalysisTokenStream<'_, S> {
    fn advance(&mut self) -> bool {
        // Each iteration either emits an output or consumes one token of the finite inner stream (or lookahead).
        loop {
            if let Some(analysis) = &self.current {
                let list = match self.emit {
                    Emit::BaseForms => &analysis.base_forms,
                    Emit::CompoundParts => &analysis.compound_parts,
                };
                if let Some(text) = list.get(self.next_index) {
                    self.next_index += 1;
                    self.token.text.clear();
                    self.token.text.push_str(text);
                    return true;
                }
                self.current = None;
            }
            if let Some(extra) = self.extra.pop() {
                self.token.text = extra;
                return true;
            }
            if let Some(next) = self.lookahead.pop_front() {
                self.token = next;
            } else if self.tail.advance() {
                self.token.clone_from(self.tail.token());
            } else {
                return false;
            }
            if self.gate.is_some_and(|gate| !gate(&self.token.text)) {
                return true;
            }
            let analysis = self.analyzer.analyze_word(&self.token.text);
            self.extra.clear();
            if self.emit == Emit::BaseForms && self.token.text.len() > 1 && self.token.text.ends_with('-') {
                let mut extra = self.ellipsis_completion();
                extra.retain(|c| !analysis.base_forms.contains(c));
                extra.reverse(); // emitted with pop(), in order
                self.extra = extra;
            }
            self.current = Some(analysis);
            self.next_index = 0;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// A Snowball stemmer filter (tantivy's algorithms, via `frostem`) that leaves tokens containing digits
/// unchanged, so `2022` stays `2022`. Expects lowercase tokens.
#[derive(Clone, Copy)]
pub struct NumberSafeStemmer {
    stemmer: frostem::Stemmer,
}

impl std::fmt::Debug for NumberSafeStemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NumberSafeStemmer").finish_non_exhaustive()
    }
}

impl NumberSafeStemmer {
    /// The Swedish stemmer.
    pub fn swedish() -> Self {
        NumberSafeStemmer {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Swedish),
        }
    }

    /// The Finnish stemmer.
    pub fn finnish() -> Self {
        NumberSafeStemmer {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Finnish),
        }
    }
}

impl TokenFilter for NumberSafeStemmer {
    type Tokenizer<T: Tokenizer> = NumberSafeStemmerTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> NumberSafeStemmerTokenizer<T> {
        NumberSafeStemmerTokenizer {
            stemmer: self.stemmer,
            inner: tokenizer,
        }
    }
}

/// The tokenizer produced by [`NumberSafeStemmer`].
#[derive(Clone)]
pub struct NumberSafeStemmerTokenizer<T> {
    stemmer: frostem::Stemmer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for NumberSafeStemmerTokenizer<T> {
    type TokenStream<'a> = NumberSafeStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        NumberSafeStemmerStream {
            stemmer: self.stemmer,
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream of [`NumberSafeStemmerTokenizer`].
pub struct NumberSafeStemmerStream<S> {
    stemmer: frostem::Stemmer,
    tail: S,
}

impl<S: TokenStream> TokenStream for NumberSafeStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !token.text.bytes().any(|b| b.is_ascii_digit()) {
            let stemmed = match self.stemmer.stem(&token.text) {
                std::borrow::Cow::Owned(stem) => Some(stem),
                std::borrow::Cow::Borrowed(stem) if stem != token.text => Some(stem.to_string()),
                std::borrow::Cow::Borrowed(_) => None,
            };
            if let Some(stem) = stemmed {
                token.text = stem;
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
