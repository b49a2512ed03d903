//! Stop words for Finnish and Swedish (data files `data/stopwords-fi.txt`, `data/stopwords-sv.txt`) and the
//! [`StopWordFilter`] tantivy token filter that drops them, comparing case-insensitively.
//!
//! Removed words leave a gap in token positions, at index and at query time alike, so phrase queries over text
//! with stop words ("sosiaali- ja terveydenhuolto") still line up.
//!
//! A stop word written in capitals that the domain lexicon knows as an abbreviation is kept: `HE 241/2020` and
//! `HE:ssä` are a government bill (hallituksen esitys), `he` is a pronoun.

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// The embedded Finnish stop word list.
pub const DEFAULT_FI: &str = include_str!("../data/stopwords-fi.txt");
/// The embedded Swedish stop word list.
pub const DEFAULT_SV: &str = include_str!("../data/stopwords-sv.txt");

/// A set of lowercase stop words.
#[derive(Debug, Clone, Default)]
pub struct StopWords {
    words: HashSet<String>,
}

impl StopWords {
    /// Parses a list: one word a line, `#` starts a comment line, blank lines ignored, case folded.
    ///
    /// ```
    /// let sw = sotehaku_finnish::stopwords::StopWords::parse("# comment\nja\nTAI\n");
    /// assert!(sw.contains("Ja") && sw.contains("tai") && !sw.contains("sote"));
    /// ```
    pub fn parse(list: &str) -> StopWords {
        let words = list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect();
        StopWords { words }
    }

    /// The built-in Finnish list.
    pub fn finnish() -> &'static StopWords {
        static FI: OnceLock<StopWords> = OnceLock::new();
        FI.get_or_init(|| StopWords::parse(DEFAULT_FI))
    }

    /// The built-in Swedish list.
    pub fn swedish() -> &'static StopWords {
        static SV: OnceLock<StopWords> = OnceLock::new();
        SV.get_or_init(|| StopWords::parse(DEFAULT_SV))
    }

    /// Is `word` a stop word (case-insensitive)?
    pub fn contains(&self, word: &str) -> bool {
        if word.len() > 32 {
            return false;
        }
        if word.chars().any(char::is_uppercase) {
            self.words.contains(&word.to_lowercase())
        } else {
            self.words.contains(word)
        }
    }

    /// Does the filter remove this token? A stop word, unless written in capitals as a known abbreviation
    /// ([`is_capitalised_abbreviation`]: `HE` stays, `he` goes).
    pub fn removes(&self, token: &str) -> bool {
        self.contains(token) && !is_capitalised_abbreviation(token)
    }

    /// Number of words in the list.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Is the list empty?
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Is `word` (optionally with a `:` case ending, `HE:ssä`) written in capitals, at least two letters, and an
/// abbreviation of the domain lexicon?
///
/// ```
/// use sotehaku_finnish::stopwords::is_capitalised_abbreviation;
/// assert!(is_capitalised_abbreviation("HE") && is_capitalised_abbreviation("HE:ssä"));
/// assert!(!is_capitalised_abbreviation("He") && !is_capitalised_abbreviation("he"));
/// ```
pub fn is_capitalised_abbreviation(word: &str) -> bool {
    let head = word.split(':').next().unwrap_or(word);
    head.chars().count() >= 2
        && head.chars().all(char::is_uppercase)
        && crate::lexicon::Lexicon::builtin()
            .entry(head)
            .is_some_and(|e| e.kind == crate::lexicon::EntryKind::Abbreviation)
}

/// A tantivy [`TokenFilter`] removing stop words.
#[derive(Clone, Debug)]
pub struct StopWordFilter {
    words: &'static StopWords,
}

impl StopWordFilter {
    /// A filter over a (usually built-in) list.
    pub fn new(words: &'static StopWords) -> Self {
        StopWordFilter { words }
    }

    /// The Finnish filter.
    pub fn finnish() -> Self {
        Self::new(StopWords::finnish())
    }

    /// The Swedish filter.
    pub fn swedish() -> Self {
        Self::new(StopWords::swedish())
    }
}

impl TokenFilter for StopWordFilter {
    type Tokenizer<T: Tokenizer> = StopWordTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StopWordTokenizer<T> {
        StopWordTokenizer {
            words: self.words,
            inner: tokenizer,
        }
    }
}

/// The tokenizer produced by [`StopWordFilter`].
#[derive(Clone, Debug)]
pub struct StopWordTokenizer<T> {
    words: &'static StopWords,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StopWordTokenizer<T> {
    type TokenStream<'a> = StopWordTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StopWordTokenStream {
            words: self.words,
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream of [`StopWordTokenizer`].
pub struct StopWordTokenStream<S> {
    words: &'static StopWords,
    tail: S,
}

impl<S: TokenStream> TokenStream for StopWordTokenStream<S> {
    fn advance(&mut self) -> bool {
        // Each iteration consumes one token of the finite inner stream.
        while self.tail.advance() {
            if !self.words.removes(&self.tail.token().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    /// The words the main Finnish chain indexes for `text`.
    fn indexed(text: &str) -> Vec<String> {
        let mut analyzer = crate::analyzers::fi_base();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn a_government_bill_in_capitals_is_kept_but_the_pronoun_is_dropped() {
        assert_eq!(
            indexed("He antoivat HE:n 241/2020, ja HE hyväksyttiin."),
            ["antaa", "he", "241/2020", "he", "hyväksyä"]
        );
        assert!(!indexed("he sanoivat").contains(&"he".to_string()));
    }
}
