//! The sotehaku word tokenizer (a tantivy [`Tokenizer`]) for Finnish and Swedish public-sector text.
//!
//! It reads the original text and emits one token per word with byte offsets into that original text (so snippets
//! highlight the right place), normalizing each word on the way (see [`crate::normalize`]): NFC, soft hyphens and
//! ligatures, and words hyphenated across line breaks re-joined. Word rules:
//! - hyphenated words stay whole: `sote-uudistus`, `Päijät-Häme`, `HUS-yhtymän`, `1990-luvulla`, `covid-19`;
//!   a hyphen-ellipsis keeps its hyphen (`sosiaali-` in "sosiaali- ja terveydenhuolto");
//! - a colon case ending is dropped from the token text (`sote:n` → `sote`, `EU:ssa` → `eu`) but covered by the
//!   offsets; times stay whole (`17:08`);
//! - numbers joined by `/`, `.` or `,` stay one token: law numbers `611/2021`, dates `1.1.2023`, decimals `1,5`;
//!   number ranges split (`2021-2022` → `2021`, `2022`);
//! - the section sign is a token of its own (`145 §` → `145`, `§`).
//!
//! Words longer than [`MAX_TOKEN_BYTES`] are skipped. Lowercasing is on by default ([`FinnishTokenizer::new`]);
//! the Finnish chain keeps case ([`FinnishTokenizer::keep_case`]) because proper nouns are analysed better with it
//! and lowercases after analysis.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::lexicon::Lexicon;
use crate::normalize::{
    is_ellipsis_hyphen, is_hyphen, is_word_char, line_break_hyphen, nfc_in_place, push_word_char, LineBreakHyphen,
};

/// Words whose normalized text is longer than this many bytes are not emitted (tantivy terms must be short, and
/// such "words" are base64 or garbage).
pub const MAX_TOKEN_BYTES: usize = 200;

/// Longest colon case ending (in chars) that is stripped: `sote:n`, `EU:ssa`, `THL:ltä`, `HUS:lla`.
const MAX_COLON_SUFFIX: usize = 6;

/// The sotehaku tokenizer. Cheap to clone.
///
/// ```
/// use sotehaku_finnish::tokenizer::FinnishTokenizer;
/// use tantivy::tokenizer::{TokenStream, Tokenizer};
///
/// let mut tokenizer = FinnishTokenizer::new();
/// let mut stream = tokenizer.token_stream("Laki 611/2021 ja sote:n HUS-yhtymän");
/// let mut words = Vec::new();
/// while let Some(token) = stream.next() {
///     words.push(token.text.clone());
/// }
/// assert_eq!(words, ["laki", "611/2021", "ja", "sote", "hus-yhtymän"]);
/// ```
#[derive(Clone, Debug)]
pub struct FinnishTokenizer {
    lowercase: bool,
}

impl Default for FinnishTokenizer {
    fn default() -> Self {
        Self::new()
    }
}

impl FinnishTokenizer {
    /// A tokenizer that lowercases its tokens.
    pub fn new() -> Self {
        FinnishTokenizer { lowercase: true }
    }

    /// A tokenizer that keeps the case of the text (normalization still applies).
    pub fn keep_case() -> Self {
        FinnishTokenizer { lowercase: false }
    }
}

impl Tokenizer for FinnishTokenizer {
    type TokenStream<'a> = FinnishTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FinnishTokenStream<'a> {
        FinnishTokenStream {
            text,
            pos: 0,
            token: Token::default(),
            lowercase: self.lowercase,
            scratch: String::new(),
            emitted: 0,
        }
    }
}

/// The token stream of [`FinnishTokenizer`].
pub struct FinnishTokenStream<'a> {
    text: &'a str,
    pos: usize,
    token: Token,
    lowercase: bool,
    scratch: String,
    emitted: usize,
}

/// The char starting at byte `i` of `s`, if any.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

impl FinnishTokenStream<'_> {
    /// Scans the word starting at byte `start` into `self.token.text`; returns the end byte (exclusive).
    fn scan_word(&mut self, start: usize) -> usize {
        let text = self.text;
        let buf = &mut self.token.text;
        buf.clear();
        let mut i = start;
        let mut last: Option<char> = None;
        // `i` grows on every iteration (by at least one char), so this ends within text.len() iterations.
        while let Some(c) = char_at(text, i) {
            let len = c.len_utf8();
            if is_word_char(c) {
                push_word_char(c, self.lowercase, buf);
                if c.is_alphanumeric() {
                    last = Some(c);
                }
                i += len;
                continue;
            }
            let Some(prev) = last else { break };
            let next = char_at(text, i + len);
            let next_alnum = next.is_some_and(char::is_alphanumeric);
            if is_hyphen(c) {
                if next_alnum {
                    if prev.is_numeric() && next.is_some_and(char::is_numeric) {
                        break;
                    }
                    buf.push('-');
                    i += len;
                    continue;
                }
                let segment = buf.rsplit('-').next().unwrap_or("");
                let keep_hint = Lexicon::builtin().keeps_hyphen(segment);
                if let Some((decision, cont)) = line_break_hyphen(text, i, prev, keep_hint) {
                    if decision == LineBreakHyphen::JoinWithHyphen {
                        buf.push('-');
                    }
                    i = cont;
                    continue;
                }
                if prev.is_alphabetic() && is_ellipsis_hyphen(text, i) {
                    buf.push('-');
                    i += len;
                }
                break;
            }
            match c {
                ':' if next_alnum => {
                    if prev.is_numeric() && next.is_some_and(char::is_numeric) {
                        buf.push(':');
                        i += len;
                        continue;
                    }
                    if let Some(end) = colon_suffix_end(text, i + len) {
                        i = end;
                    }
                    break;
                }
                '/' | '.' | ',' if prev.is_numeric() && next.is_some_and(char::is_numeric) => {
                    buf.push(c);
                    i += len;
                }
                '\'' | '\u{2019}' if prev.is_alphabetic() && next.is_some_and(char::is_alphabetic) => {
                    buf.push('\'');
                    i += len;
                }
                _ => break,
            }
        }
        nfc_in_place(buf, &mut self.scratch);
        i
    }
}

/// If the letters starting at byte `from` form a colon case ending (1..=6 letters followed by a non-word char or
/// the end), returns where they end.
fn colon_suffix_end(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if !c.is_alphabetic() {
            return (n > 0 && !is_word_char(c)).then_some(from + i);
        }
        if n >= MAX_COLON_SUFFIX {
            return None;
        }
    }
    (!rest.is_empty()).then_some(text.len())
}

impl TokenStream for FinnishTokenStream<'_> {
    fn advance(&mut self) -> bool {
        // Every iteration moves `self.pos` forward by at least one char, so the loop is bounded by the text length.
        loop {
            let Some(rest) = self.text.get(self.pos..) else {
                return false;
            };
            let Some((offset, first)) = rest.char_indices().find(|&(_, c)| c.is_alphanumeric() || c == '§') else {
                self.pos = self.text.len();
                return false;
            };
            let start = self.pos + offset;
            let end = if first == '§' {
                self.token.text.clear();
                self.token.text.push('§');
                let after = start + first.len_utf8();
                match char_at(self.text, after) {
                    Some(':') => colon_suffix_end(self.text, after + 1).unwrap_or(after),
                    _ => after,
                }
            } else {
                self.scan_word(start)
            };
            self.pos = end.max(start + first.len_utf8());
            if self.token.text.is_empty() || self.token.text.len() > MAX_TOKEN_BYTES {
                continue;
            }
            self.token.offset_from = start;
            self.token.offset_to = self.pos;
            self.token.position = self.emitted;
            self.token.position_length = 1;
            self.emitted += 1;
            return true;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(String, usize, usize)> {
        let mut t = FinnishTokenizer::new();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while let Some(tok) = s.next() {
            out.push((tok.text.clone(), tok.offset_from, tok.offset_to));
        }
        out
    }

    fn words(text: &str) -> Vec<String> {
        toks(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn hyphenated_and_colon_words() {
        assert_eq!(words("Päijät-Hämeen sote-uudistus"), ["päijät-hämeen", "sote-uudistus"]);
        assert_eq!(
            words("sote:n ja EU:ssa, klo 17:08."),
            ["sote", "ja", "eu", "klo", "17:08"]
        );
        assert_eq!(words("1990-luvulla covid-19"), ["1990-luvulla", "covid-19"]);
        assert_eq!(
            words("vuosina 2021-2022 ja 2015–2025"),
            ["vuosina", "2021", "2022", "ja", "2015", "2025"]
        );
    }

    #[test]
    fn numbers_and_sections() {
        assert_eq!(
            words("lain (611/2021) 145 §:n 2 momentti 1.1.2023, 1,5 %"),
            ["lain", "611/2021", "145", "§", "2", "momentti", "1.1.2023", "1,5"]
        );
    }

    #[test]
    fn line_breaks_and_ellipsis() {
        assert_eq!(words("tär-\n\nkeänä"), ["tärkeänä"]);
        assert_eq!(
            words("sosiaali- ja terveydenhuolto"),
            ["sosiaali-", "ja", "terveydenhuolto"]
        );
        assert_eq!(words("sosiaali-, terveys- ja"), ["sosiaali-", "terveys-", "ja"]);
        assert_eq!(words("sote-\nuudistus"), ["sote-uudistus"]);
        assert_eq!(words("trailing-"), ["trailing"]);
    }

    #[test]
    fn offsets_cover_original_text() {
        let text = "Hy\u{AD}vin\u{AD}vointi ﬁnanssi ta\u{308}rkea\u{308} sote:n";
        for (word, from, to) in toks(text) {
            let slice = &text[from..to];
            assert!(!slice.is_empty(), "{word}");
        }
        assert_eq!(words(text), ["hyvinvointi", "finanssi", "tärkeä", "sote"]);
    }
}
