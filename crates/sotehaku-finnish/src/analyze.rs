//! Word analysis with fallbacks, and the plain-function API used by `sotehaku analyze` and by query expansion.
//!
//! [`WordAnalyzer::analyze_word`] turns one token (as the tokenizer emits it, case kept) into its base forms and
//! compound parts, trying in order:
//! 1. numbers and symbols (`2022`, `611/2021`, `§`) — returned unchanged;
//! 2. a hyphen-ellipsis (`sosiaali-` in "sosiaali- ja terveys", `lasten-` in "lasten- ja nuorisopsykiatria") — the
//!    base form of the written part (sosiaali, lapsi);
//! 3. the domain lexicon (`Pirhassa` → pirha, `soten` → sote, `HUSissa` → hus);
//! 4. the dictionary (the voikko-fi morphology; every distinct base form is kept);
//! 5. hyphenated words the dictionary does not know — a word broken across lines (`hy-väksyntää`) is rejoined when
//!    the dictionary knows the whole but not every piece; otherwise the part after the last hyphen is analysed and
//!    the prefix kept (`HUS-yhtymän` → hus-yhtymä, parts hus + yhtymä);
//! 6. a lexicon word starting a compound (`sotekeskuksessa` → sote + keskus = sotekeskus);
//! 7. a guess from the longest ending the dictionary knows as a noun or adjective: an unknown first part of a
//!    compound (`halikuva` → hali + kuva) or an unknown word that inflects like a known one (`attraktorilta` →
//!    attraktori, like tori), preferring splits whose first part is itself a word;
//! 8. the Finnish Snowball stemmer (the same algorithm as tantivy's `Stemmer::new(Language::Finnish)`); acronyms
//!    and words with digits are only lowercased (source "snowball" means "fallback" for them).
//!
//! Results are cached ([`crate::cache::AnalysisCache`]). Base forms and parts are lowercase.

use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tantivy::tokenizer::{TokenStream, Tokenizer};

use crate::cache::{AnalysisCache, DEFAULT_CAPACITY};
use crate::lexicon::{EntryKind, Lexicon};
use crate::morphology::Morphology;
use crate::stopwords::StopWords;
use crate::tokenizer::FinnishTokenizer;

/// Longest word (in bytes) given to the dictionary; longer words go straight to the fallbacks.
const MAX_DICTIONARY_WORD_BYTES: usize = 80;
/// Most hyphen-separated pieces looked at in one word.
const MAX_HYPHEN_PIECES: usize = 8;
/// Shortest remainder (in chars) after a lexicon compound head (`sote` + `keskus`).
const MIN_COMPOUND_REST_CHARS: usize = 3;
/// Shortest known ending (in chars) an unknown word is guessed from (`kuva` in `halikuva`).
const MIN_GUESS_REST_CHARS: usize = 4;
/// Shortest unknown beginning (in chars) kept in front of a known ending.
const MIN_GUESS_PREFIX_CHARS: usize = 2;
/// Word classes a guessed ending may have (nouns and adjectives; not verbs, names or abbreviations).
const GUESS_CLASSES: &[&str] = &["nimisana", "laatusana", "nimisana_laatusana"];

/// Where an analysis came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The morphological dictionary.
    Dictionary,
    /// The domain lexicon.
    Lexicon,
    /// A hyphenated word analysed by its last part, or a hyphen-ellipsis.
    Hyphen,
    /// A guess from a known ending of an unknown word.
    Guess,
    /// The Snowball stemmer fallback.
    Snowball,
    /// A number or symbol, kept unchanged.
    Number,
    /// A stop word (not indexed).
    Stopword,
}

impl Source {
    /// The name used in [`AnalyzedToken::source`] and in `sotehaku analyze` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Dictionary => "dictionary",
            Source::Lexicon => "lexicon",
            Source::Hyphen => "hyphen",
            Source::Guess => "guess",
            Source::Snowball => "snowball",
            Source::Number => "number",
            Source::Stopword => "stopword",
        }
    }
}

/// The analysis of one word form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordAnalysis {
    /// Distinct lowercase base forms (at least one).
    pub base_forms: Vec<String>,
    /// Distinct lowercase compound parts; a word that is not a compound has its base form(s) here, so that the
    /// parts field also finds simple words.
    pub compound_parts: Vec<String>,
    /// Which step produced the analysis.
    pub source: Source,
}

/// One reading of a word from a dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryEntry {
    /// The base form (any case).
    pub base_form: String,
    /// Compound parts (base forms of the parts); empty or a single element for a simple word.
    pub compound_parts: Vec<String>,
    /// Word class as libvoikko names it (`nimisana`, `teonsana`, …), if known.
    pub class: Option<String>,
}

/// A source of dictionary analyses (the voikko-fi morphology by default; tests may plug in others).
pub trait Dictionary: Send + Sync {
    /// All readings of `word` (case as written; the dictionary is expected to handle capitalisation, as the
    /// voikko-fi morphology does); empty when the word is unknown.
    fn lookup(&self, word: &str) -> Vec<DictionaryEntry>;
}

/// A dictionary that knows no words (only lexicon and fallbacks apply).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDictionary;

impl Dictionary for NoDictionary {
    fn lookup(&self, _word: &str) -> Vec<DictionaryEntry> {
        Vec::new()
    }
}

/// The word analyzer: dictionary, lexicon and fallbacks, with an optional cache.
pub struct WordAnalyzer {
    dictionary: Arc<dyn Dictionary>,
    lexicon: &'static Lexicon,
    stemmer: frostem::Stemmer,
    cache: Option<AnalysisCache>,
}

impl std::fmt::Debug for WordAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordAnalyzer")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl WordAnalyzer {
    /// An analyzer over `dictionary` and the built-in lexicon, caching up to `cache_capacity` word forms
    /// (`None`: no cache).
    pub fn new(dictionary: Arc<dyn Dictionary>, cache_capacity: Option<usize>) -> Self {
        WordAnalyzer {
            dictionary,
            lexicon: Lexicon::builtin(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Finnish),
            cache: cache_capacity.map(AnalysisCache::new),
        }
    }

    /// The built-in analyzer (voikko-fi morphology, built-in lexicon, a shared cache of
    /// [`DEFAULT_CAPACITY`] word forms), shared by all chains.
    pub fn builtin() -> &'static Arc<WordAnalyzer> {
        static BUILTIN: OnceLock<Arc<WordAnalyzer>> = OnceLock::new();
        BUILTIN.get_or_init(|| Arc::new(WordAnalyzer::new(builtin_dictionary(), Some(DEFAULT_CAPACITY))))
    }

    /// The built-in dictionary and lexicon with a cache of their own, of up to `capacity` word forms: for a bulk
    /// load, whose vocabulary outgrows the shared cache of [`WordAnalyzer::builtin`] (36,000 statutes hold well over
    /// its 200,000 forms, and evicted forms are analysed again), and whose cache is freed when the load ends.
    /// Gives the same analyses as the built-in analyzer.
    ///
    /// ```
    /// use sotehaku_finnish::analyze::WordAnalyzer;
    /// let bulk = WordAnalyzer::with_cache(1_000);
    /// assert_eq!(bulk.analyze_word("hyvinvointialueen"), WordAnalyzer::builtin().analyze_word("hyvinvointialueen"));
    /// ```
    pub fn with_cache(capacity: usize) -> WordAnalyzer {
        WordAnalyzer::new(builtin_dictionary(), Some(capacity))
    }

    /// The built-in dictionary and lexicon without a cache (for measuring the uncached speed).
    pub fn uncached() -> WordAnalyzer {
        WordAnalyzer::new(builtin_dictionary(), None)
    }

    /// Analyses one token (as the tokenizer emits it).
    ///
    /// ```
    /// use sotehaku_finnish::analyze::{Source, WordAnalyzer};
    /// let a = WordAnalyzer::builtin().analyze_word("HUS-yhtymän");
    /// assert_eq!(a.base_forms, ["hus-yhtymä"]);
    /// assert_eq!(a.compound_parts, ["hus", "yhtymä"]);
    /// assert_eq!(WordAnalyzer::builtin().analyze_word("2022").base_forms, ["2022"]);
    /// ```
    pub fn analyze_word(&self, word: &str) -> Arc<WordAnalysis> {
        if let Some(cache) = &self.cache {
            if let Some(hit) = cache.get(word) {
                return hit;
            }
            let analysis = Arc::new(self.analyze_uncached(word));
            cache.insert(word, Arc::clone(&analysis));
            analysis
        } else {
            Arc::new(self.analyze_uncached(word))
        }
    }

    fn analyze_uncached(&self, word: &str) -> WordAnalysis {
        if !word.chars().any(char::is_alphabetic) {
            let w = word.to_string();
            return WordAnalysis {
                base_forms: vec![w.clone()],
                compound_parts: vec![w],
                source: Source::Number,
            };
        }
        // A dash glued to the front (`–hankkeessa`, `-symposium` after an ellipsis) is not part of the word.
        let trimmed = word.trim_start_matches(['-', '–', '—']);
        if trimmed.len() != word.len() && trimmed.chars().any(char::is_alphabetic) {
            return self.analyze_uncached(trimmed);
        }
        if let Some(stem) = word.strip_suffix('-') {
            let lower = stem.to_lowercase();
            // The lexicon, else the dictionary's base form of the part (`lasten-` → lapsi), else as written.
            let base_forms = match self.lexicon.lookup(&lower) {
                Some(entry) => vec![entry.term.clone()],
                None => self
                    .dictionary_analysis(word, true)
                    .map(|a| {
                        a.base_forms
                            .iter()
                            .map(|b| b.trim_end_matches('-').to_owned())
                            .collect()
                    })
                    .unwrap_or_else(|| vec![lower]),
            };
            return WordAnalysis {
                compound_parts: base_forms.clone(),
                base_forms,
                source: Source::Hyphen,
            };
        }
        if let Some(a) = self.simple(word) {
            return a;
        }
        if word.contains('-') {
            if let Some(a) = self.hyphenated(word) {
                return a;
            }
        }
        if let Some(a) = self.lexicon_compound(word) {
            return a;
        }
        if let Some(a) = self.guess_from_ending(word) {
            return a;
        }
        self.snowball(word)
    }

    /// Lexicon, then dictionary, for a word without special handling. A word that matches a lexicon entry only as
    /// an inflected form (stem + ending) yields to the dictionary when the dictionary knows it as something else
    /// (`varhain` is the adverb, not a form of the brand Varha; `Kelan` stays kela).
    fn simple(&self, word: &str) -> Option<WordAnalysis> {
        if !word.contains('-') {
            if let Some(entry) = self.lexicon.lookup(word) {
                if self.lexicon.entry(&word.to_lowercase()).is_none() {
                    if let Some(d) = self.dictionary_analysis(word, false) {
                        if !d.base_forms.contains(&entry.term) {
                            return Some(d);
                        }
                    }
                }
                let t = entry.term.clone();
                return Some(WordAnalysis {
                    base_forms: vec![t.clone()],
                    compound_parts: vec![t],
                    source: Source::Lexicon,
                });
            }
        }
        self.dictionary_analysis(word, false)
    }

    /// The dictionary's readings of `word`. With `nominal_only`, verb readings are dropped when another reading
    /// exists (the last part of `HUS-yhtymän` is the noun yhtymä, not the verb yhtyä).
    fn dictionary_analysis(&self, word: &str, nominal_only: bool) -> Option<WordAnalysis> {
        if word.len() > MAX_DICTIONARY_WORD_BYTES {
            return None;
        }
        let mut entries = self.dictionary.lookup(word);
        if entries.is_empty() {
            return None;
        }
        if nominal_only && entries.iter().any(|e| !is_verb(e)) {
            entries.retain(|e| !is_verb(e));
        }
        let mut base_forms: Vec<String> = Vec::new();
        let mut compound_parts: Vec<String> = Vec::new();
        for entry in entries {
            let base = entry.base_form.to_lowercase();
            if entry.compound_parts.len() >= 2 {
                for part in &entry.compound_parts {
                    push_distinct(&mut compound_parts, part.to_lowercase());
                }
            } else {
                push_distinct(&mut compound_parts, base.clone());
            }
            push_distinct(&mut base_forms, base);
        }
        base_forms.retain(|b| !b.is_empty());
        compound_parts.retain(|b| !b.is_empty());
        if base_forms.is_empty() {
            return None;
        }
        Some(WordAnalysis {
            base_forms,
            compound_parts,
            source: Source::Dictionary,
        })
    }

    /// `HUS-yhtymän` → hus-yhtymä (parts hus, yhtymä); `hy-väksyntää` (broken across lines) → hyväksyntä;
    /// `touko-/kesäkuussa` → touko-/kesäkuu.
    fn hyphenated(&self, word: &str) -> Option<WordAnalysis> {
        if let Some(a) = self.rejoined(word) {
            return Some(a);
        }
        let (prefix, last) = word.rsplit_once('-')?;
        // Punctuation that starts the last piece (`/` in `touko-/kesäkuussa`) stays with the prefix.
        let word_start = last.find(char::is_alphanumeric).unwrap_or(last.len());
        let (punctuation, last) = last.split_at(word_start);
        if prefix.is_empty() || last.is_empty() || !last.chars().any(char::is_alphabetic) {
            return None;
        }
        let tail = self
            .lexicon
            .lookup(last)
            .map(|e| WordAnalysis {
                base_forms: vec![e.term.clone()],
                compound_parts: vec![e.term.clone()],
                source: Source::Lexicon,
            })
            .or_else(|| self.dictionary_analysis(last, true))
            .or_else(|| self.lexicon_compound(last))
            .or_else(|| self.guess_from_ending(last))
            .unwrap_or_else(|| self.snowball(last));
        let prefix = prefix.to_lowercase();
        let mut compound_parts = Vec::new();
        for piece in prefix.split('-').filter(|p| !p.is_empty()).take(MAX_HYPHEN_PIECES) {
            push_distinct(&mut compound_parts, piece.to_string());
        }
        for part in &tail.compound_parts {
            push_distinct(&mut compound_parts, part.clone());
        }
        let base_forms = tail
            .base_forms
            .iter()
            .map(|b| format!("{prefix}-{punctuation}{b}"))
            .collect();
        Some(WordAnalysis {
            base_forms,
            compound_parts,
            source: Source::Hyphen,
        })
    }

    /// A word hyphenated at a line break (`laitok-sen`, `tietotek-niikka`): the pieces joined, if the dictionary
    /// knows the whole word but not every piece on its own (a real hyphenated compound has known pieces).
    fn rejoined(&self, word: &str) -> Option<WordAnalysis> {
        let pieces: Vec<&str> = word.split('-').take(MAX_HYPHEN_PIECES + 1).collect();
        if pieces.len() < 2
            || pieces.len() > MAX_HYPHEN_PIECES
            || pieces
                .iter()
                .any(|p| p.is_empty() || !p.chars().all(char::is_alphabetic))
        {
            return None;
        }
        let unknown_piece = pieces
            .iter()
            .any(|p| self.lexicon.lookup(p).is_none() && self.dictionary.lookup(p).is_empty());
        if !unknown_piece {
            return None;
        }
        self.dictionary_analysis(&pieces.concat(), false)
    }

    /// Guesses an unknown word from its longest ending that the dictionary knows as a noun or adjective: the
    /// beginning is kept and the ending replaced by its base form(s). Endings after a beginning that is itself a
    /// word come first (`juhlaseksi` is juhla + seksi, not juh + lasi); such a beginning is also a compound part.
    fn guess_from_ending(&self, word: &str) -> Option<WordAnalysis> {
        if word.len() > MAX_DICTIONARY_WORD_BYTES || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        if word.chars().count() >= 2 && word.chars().all(char::is_uppercase) {
            return None; // an acronym
        }
        let lower = word.to_lowercase();
        let starts: Vec<usize> = lower.char_indices().map(|(i, _)| i).collect();
        let chars = starts.len();
        let mut fallback: Option<(&str, Vec<DictionaryEntry>)> = None;
        for k in MIN_GUESS_PREFIX_CHARS..=chars.saturating_sub(MIN_GUESS_REST_CHARS) {
            let Some(&split) = starts.get(k) else { break };
            let (prefix, rest) = lower.split_at(split);
            let mut entries = self.dictionary.lookup(rest);
            entries.retain(is_nominal);
            if entries.is_empty() {
                continue;
            }
            let prefix_entries = self.dictionary.lookup(prefix);
            // The part: a noun or adjective reading of the beginning (`lasten` → lapsi), else the beginning as
            // written (first parts of compounds are not verbs: `hali`, not the verb halia).
            if !prefix_entries.is_empty() {
                let part = prefix_entries
                    .iter()
                    .find(|e| is_nominal(e))
                    .map_or_else(|| prefix.to_owned(), |e| e.base_form.to_lowercase());
                return Some(guessed(prefix, Some(part), &entries));
            }
            if fallback.is_none() {
                fallback = Some((prefix, entries));
            }
        }
        fallback.map(|(prefix, entries)| guessed(prefix, None, &entries))
    }

    /// `sotekeskuksessa` → sotekeskus (parts sote, keskus).
    fn lexicon_compound(&self, word: &str) -> Option<WordAnalysis> {
        let lower = word.to_lowercase();
        for head in self.lexicon.compound_heads() {
            let Some(rest) = lower.strip_prefix(head.term.as_str()) else {
                continue;
            };
            if rest.chars().count() < MIN_COMPOUND_REST_CHARS {
                continue;
            }
            let Some(tail) = self.dictionary_analysis(rest, true) else {
                continue;
            };
            let base_forms = tail.base_forms.iter().map(|b| format!("{}{b}", head.term)).collect();
            let mut compound_parts = vec![head.term.clone()];
            for p in tail.compound_parts {
                push_distinct(&mut compound_parts, p);
            }
            return Some(WordAnalysis {
                base_forms,
                compound_parts,
                source: Source::Lexicon,
            });
        }
        None
    }

    /// The last fallback: the Snowball stem, except that acronyms (`PHSOTEY`, `ICT`) and words containing digits
    /// (`lastensuojelupäivät2018`) are only lowercased — stemming them only does harm.
    fn snowball(&self, word: &str) -> WordAnalysis {
        let lower = word.to_lowercase();
        let acronym = word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) && word.chars().count() >= 2;
        let stem = if acronym || word.chars().any(char::is_numeric) {
            lower
        } else {
            self.stemmer.stem(&lower).into_owned()
        };
        WordAnalysis {
            base_forms: vec![stem.clone()],
            compound_parts: vec![stem],
            source: Source::Snowball,
        }
    }
}

/// The compounds a hyphen-ellipsis stands for: `sosiaali-` followed by `terveydenhuollon` (base terveydenhuolto,
/// parts terveys + huolto) gives `sosiaalihuolto`. For each base form of the following word, its longest compound
/// part that ends it is appended to the ellipsis. Empty when the following word is not a known compound.
///
/// ```
/// use sotehaku_finnish::analyze::{complete_ellipsis, WordAnalyzer};
/// let next = WordAnalyzer::builtin().analyze_word("terveydenhuollon");
/// assert_eq!(complete_ellipsis("sosiaali-", &next), ["sosiaalihuolto"]);
/// ```
pub fn complete_ellipsis(ellipsis: &str, next: &WordAnalysis) -> Vec<String> {
    let mut out = Vec::new();
    let Some(stem) = ellipsis.strip_suffix('-').map(str::to_lowercase) else {
        return out;
    };
    if !stem.chars().any(char::is_alphabetic)
        || next.compound_parts.len() < 2
        || !matches!(next.source, Source::Dictionary | Source::Lexicon)
    {
        return out;
    }
    for base in &next.base_forms {
        let head = next
            .compound_parts
            .iter()
            .filter(|p| p.len() < base.len() && base.ends_with(p.as_str()))
            .max_by_key(|p| p.len());
        if let Some(head) = head {
            push_distinct(&mut out, format!("{stem}{head}"));
        }
    }
    out
}

/// The analysis guessed from an unknown `prefix` and the dictionary readings of the ending after it; `part` is the
/// base form of the prefix when it is a word of its own (then the guess is a compound of it and the ending).
fn guessed(prefix: &str, part: Option<String>, entries: &[DictionaryEntry]) -> WordAnalysis {
    let mut base_forms = Vec::new();
    let mut compound_parts = Vec::new();
    if let Some(part) = &part {
        push_distinct(&mut compound_parts, part.clone());
    }
    for entry in entries {
        let base = entry.base_form.to_lowercase();
        push_distinct(&mut base_forms, format!("{prefix}{base}"));
        if part.is_some() {
            if entry.compound_parts.len() >= 2 {
                for p in &entry.compound_parts {
                    push_distinct(&mut compound_parts, p.to_lowercase());
                }
            } else {
                push_distinct(&mut compound_parts, base);
            }
        }
    }
    if part.is_none() {
        compound_parts.clone_from(&base_forms);
    }
    WordAnalysis {
        base_forms,
        compound_parts,
        source: Source::Guess,
    }
}

/// A noun or adjective reading ([`GUESS_CLASSES`]).
fn is_nominal(entry: &DictionaryEntry) -> bool {
    entry.class.as_deref().is_some_and(|c| GUESS_CLASSES.contains(&c))
}

fn is_verb(entry: &DictionaryEntry) -> bool {
    entry.class.as_deref() == Some("teonsana")
}

fn push_distinct(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The dictionary used by the built-in analyzer: the voikko-fi morphology.
fn builtin_dictionary() -> Arc<dyn Dictionary> {
    Arc::new(VoikkoDictionary)
}

impl From<crate::morphology::Analysis> for DictionaryEntry {
    fn from(a: crate::morphology::Analysis) -> Self {
        DictionaryEntry {
            base_form: a.base_form,
            compound_parts: a.compound_parts,
            class: a.class,
        }
    }
}

/// The voikko-fi morphology ([`Morphology::builtin`]) as a [`Dictionary`].
#[derive(Debug, Clone, Copy, Default)]
pub struct VoikkoDictionary;

impl Dictionary for VoikkoDictionary {
    fn lookup(&self, word: &str) -> Vec<DictionaryEntry> {
        Morphology::builtin()
            .analyze(word)
            .into_iter()
            .map(DictionaryEntry::from)
            .collect()
    }
}

/// The voikko-fi morphology keeping one reading where it can ([`Morphology::analyze_ranked`]: the most plausible
/// analyses, then a corpus frequency prior), for chains that prefer precise base forms to every possible one.
///
/// ```
/// use std::sync::Arc;
/// use sotehaku_finnish::analyze::{RankedVoikkoDictionary, WordAnalyzer};
/// let analyzer = WordAnalyzer::new(Arc::new(RankedVoikkoDictionary), None);
/// assert_eq!(analyzer.analyze_word("ajan").base_forms, ["aika"]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RankedVoikkoDictionary;

impl Dictionary for RankedVoikkoDictionary {
    fn lookup(&self, word: &str) -> Vec<DictionaryEntry> {
        Morphology::builtin()
            .analyze_ranked(word)
            .into_iter()
            .map(DictionaryEntry::from)
            .collect()
    }
}

/// One token of [`analyze`]: what `sotehaku analyze` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalyzedToken {
    /// The token as written in the text (the original slice the offsets cover).
    pub text: String,
    /// Byte offset where the token starts in the text.
    pub offset_from: usize,
    /// Byte offset where the token ends in the text (exclusive).
    pub offset_to: usize,
    /// The base forms indexed for the token (empty for stop words).
    pub base_forms: Vec<String>,
    /// The compound parts indexed in the parts field (empty for stop words).
    pub compound_parts: Vec<String>,
    /// "dictionary", "lexicon", "hyphen", "guess", "snowball", "number" or "stopword".
    pub source: &'static str,
}

/// Analyses a text the way the `fi_base` and `fi_parts` chains do and returns every token, stop words included.
///
/// ```
/// let tokens = sotehaku_finnish::analyze("Pirhan sote:n");
/// assert_eq!(tokens[0].base_forms, ["pirha"]);
/// assert_eq!(tokens[1].text, "sote:n");
/// assert_eq!(tokens[1].base_forms, ["sote"]);
/// ```
pub fn analyze(text: &str) -> Vec<AnalyzedToken> {
    let analyzer = WordAnalyzer::builtin();
    let stop = StopWords::finnish();
    let mut tokenizer = FinnishTokenizer::keep_case();
    let mut stream = tokenizer.token_stream(text);
    let mut out: Vec<AnalyzedToken> = Vec::new();
    // Indexes in `out` of hyphen-ellipsis tokens waiting for the word that completes them.
    let mut open_ellipses: Vec<usize> = Vec::new();
    while let Some(token) = stream.next() {
        let surface = text
            .get(token.offset_from..token.offset_to)
            .unwrap_or(&token.text)
            .to_string();
        if stop.removes(&token.text) {
            out.push(AnalyzedToken {
                text: surface,
                offset_from: token.offset_from,
                offset_to: token.offset_to,
                base_forms: Vec::new(),
                compound_parts: Vec::new(),
                source: Source::Stopword.as_str(),
            });
            continue;
        }
        let a = analyzer.analyze_word(&token.text);
        if token.text.ends_with('-') && token.text.len() > 1 {
            open_ellipses.push(out.len());
        } else {
            for i in open_ellipses.drain(..) {
                if let Some(t) = out.get_mut(i) {
                    // The part as written (`lasten-`), as the base-form filter does: its base form may differ.
                    let ellipsis = t.text.clone();
                    for c in complete_ellipsis(&ellipsis, &a) {
                        push_distinct(&mut t.base_forms, c);
                    }
                }
            }
        }
        out.push(AnalyzedToken {
            text: surface,
            offset_from: token.offset_from,
            offset_to: token.offset_to,
            base_forms: a.base_forms.clone(),
            compound_parts: a.compound_parts.clone(),
            source: a.source.as_str(),
        });
    }
    out
}

/// The base-form sequence of a phrase (stop words dropped), used to compare phrases regardless of inflection.
fn phrase_key(phrase: &str) -> Vec<String> {
    analyze(phrase)
        .into_iter()
        .filter(|t| t.source != Source::Stopword.as_str())
        .map(|t| t.base_forms.first().cloned().unwrap_or_default())
        .collect()
}

/// Abbreviation ↔ expansion for query-side expansion, from the lexicon: `"sote"` gives
/// `["sosiaali- ja terveydenhuolto", …]`, and `"sosiaali- ja terveydenhuollon"` gives `["sote", …]` (the other
/// expansions of the same term included). Inflected input is recognised (`"Pirhan"` → Pirha's expansions).
/// Returns an empty list when nothing matches. Phrases are lowercase.
///
/// ```
/// let e = sotehaku_finnish::expansions("sote");
/// assert!(e.iter().any(|p| p == "sosiaali- ja terveydenhuolto"));
/// assert!(sotehaku_finnish::expansions("sosiaali- ja terveydenhuolto").contains(&"sote".to_string()));
/// ```
pub fn expansions(word: &str) -> Vec<String> {
    let lexicon = Lexicon::builtin();
    let input = word.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if input.is_empty() || input.len() > 200 {
        return Vec::new();
    }
    let direct = lexicon.entry(&input).or_else(|| {
        if input.contains(' ') {
            None
        } else {
            lexicon.lookup(&input)
        }
    });
    if let Some(entry) = direct.filter(|e| e.kind != EntryKind::Fixed) {
        return entry.expansions.clone();
    }
    let key = phrase_key(&input);
    if key.is_empty() {
        return Vec::new();
    }
    for (entry, keys) in expansion_keys() {
        if let Some(i) = keys.iter().position(|k| *k == key) {
            let mut out = vec![entry.term.clone()];
            out.extend(
                entry
                    .expansions
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, e)| e.clone()),
            );
            return out;
        }
    }
    Vec::new()
}

/// Base-form keys of every expansion phrase, computed once.
fn expansion_keys() -> &'static [(crate::lexicon::Entry, Vec<Vec<String>>)] {
    static KEYS: OnceLock<Vec<(crate::lexicon::Entry, Vec<Vec<String>>)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Lexicon::builtin()
            .entries()
            .iter()
            .filter(|e| !e.expansions.is_empty())
            .map(|e| (e.clone(), e.expansions.iter().map(|x| phrase_key(x)).collect()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fallback_only() -> WordAnalyzer {
        WordAnalyzer::new(Arc::new(NoDictionary), None)
    }

    #[test]
    fn fallbacks_without_dictionary() {
        let a = fallback_only();
        assert_eq!(a.analyze_word("2022").base_forms, ["2022"]);
        assert_eq!(a.analyze_word("611/2021").source, Source::Number);
        assert_eq!(a.analyze_word("Pirhassa").base_forms, ["pirha"]);
        assert_eq!(a.analyze_word("Keusoten").source, Source::Lexicon);
        assert_eq!(a.analyze_word("sosiaali-").base_forms, ["sosiaali"]);
        let s = a.analyze_word("hyvinvointialueiden");
        assert_eq!(s.source, Source::Snowball);
        let h = a.analyze_word("HUS-yhtymän");
        assert_eq!(h.source, Source::Hyphen);
        assert!(h.base_forms[0].starts_with("hus-"), "{h:?}");
        assert_eq!(h.compound_parts[0], "hus");
    }

    struct Toy;
    impl Dictionary for Toy {
        fn lookup(&self, word: &str) -> Vec<DictionaryEntry> {
            let e = |b: &str, p: &[&str]| DictionaryEntry {
                base_form: b.to_string(),
                compound_parts: p.iter().map(|s| s.to_string()).collect(),
                class: None,
            };
            match word {
                "keskuksessa" => vec![e("keskus", &[])],
                "yhtymän" => vec![e("yhtymä", &[])],
                "aluevaltuustossa" => vec![e("aluevaltuusto", &["alue", "valtuusto"])],
                "Uudellamaalla" => vec![e("Uusimaa", &["uusi", "maa"])],
                "kuusi" => vec![e("kuusi", &[]), e("kuu", &[])],
                _ => Vec::new(),
            }
        }
    }

    #[test]
    fn dictionary_readings_and_fallback_combinations() {
        let a = WordAnalyzer::new(Arc::new(Toy), Some(100));
        assert_eq!(a.analyze_word("sotekeskuksessa").base_forms, ["sotekeskus"]);
        assert_eq!(a.analyze_word("sotekeskuksessa").compound_parts, ["sote", "keskus"]);
        assert_eq!(a.analyze_word("HUS-yhtymän").base_forms, ["hus-yhtymä"]);
        assert_eq!(a.analyze_word("HUS-yhtymän").compound_parts, ["hus", "yhtymä"]);
        assert_eq!(a.analyze_word("aluevaltuustossa").compound_parts, ["alue", "valtuusto"]);
        assert_eq!(a.analyze_word("Uudellamaalla").base_forms, ["uusimaa"]);
        assert_eq!(a.analyze_word("kuusi").base_forms, ["kuusi", "kuu"]);
        // Served from the cache the second time, same answer.
        assert_eq!(a.analyze_word("kuusi").base_forms, ["kuusi", "kuu"]);
    }
}
