//! Text normalization shared by the tokenizer and by callers that want clean text: Unicode NFC, removal of soft
//! hyphens and other invisible format characters, expansion of typographic ligatures (`ﬁ` → `fi`), and re-joining
//! of words hyphenated across line breaks (`"tär-\n\nkeänä"` → `"tärkeänä"`) while keeping real hyphenated names
//! (`Päijät-\nHäme`) and hyphen-ellipsis forms (`sosiaali- ja terveys…`) intact.
//!
//! The tokenizer works on the original text (so its offsets stay valid for highlighting) and normalizes one word at
//! a time with [`push_word_char`] and [`nfc_in_place`]; [`normalize`] applies the same rules to a whole text.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Longest run of whitespace (in chars) looked at after a line-end hyphen when deciding whether a word continues.
pub(crate) const MAX_BREAK_WHITESPACE: usize = 16;

/// Words that may follow a hyphen-ellipsis ("sosiaali- ja terveys"): a hyphen before one of them is never a line
/// break inside a word.
const ELLIPSIS_CONJUNCTIONS: &[&str] = &[
    "ja", "tai", "sekä", "eli", "ynnä", "että", "och", "eller", "samt", "and", "or",
];

/// Is `c` invisible inside a word and to be dropped (soft hyphen, zero-width joiners, word joiner, BOM)?
#[inline]
pub fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Is `c` a hyphen that joins parts of a word (`-`, U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN)?
#[inline]
pub fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Is `c` part of a word: a letter or digit, a combining mark, or an ignorable format character?
#[inline]
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_ignorable(c) || (!c.is_ascii() && is_combining_mark(c))
}

/// Appends the normalized form of one word character to `out`: ignorables are dropped, ligatures of the Unicode
/// "Alphabetic Presentation Forms" block are expanded (`ﬁ` → `fi`), letters are lowercased when `lowercase` is set.
#[inline]
pub fn push_word_char(c: char, lowercase: bool, out: &mut String) {
    if c.is_ascii() {
        out.push(if lowercase { c.to_ascii_lowercase() } else { c });
    } else if is_ignorable(c) {
    } else if ('\u{FB00}'..='\u{FB4F}').contains(&c) {
        for d in std::iter::once(c).nfkc() {
            push_lower(d, lowercase, out);
        }
    } else {
        push_lower(c, lowercase, out);
    }
}

#[inline]
fn push_lower(c: char, lowercase: bool, out: &mut String) {
    if lowercase {
        out.extend(c.to_lowercase());
    } else {
        out.push(c);
    }
}

/// Brings `s` to Unicode NFC, reusing `scratch`; a no-op (no allocation) for ASCII and already-composed text.
pub fn nfc_in_place(s: &mut String, scratch: &mut String) {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return;
    }
    scratch.clear();
    scratch.extend(s.nfc());
    std::mem::swap(s, scratch);
}

/// What to do with a hyphen at a line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineBreakHyphen {
    /// The word continues on the next line and the hyphen was only typographic: drop it.
    JoinWithoutHyphen,
    /// The word continues but the hyphen belongs to it (`Päijät-\nHäme`, `HUS-\nyhtymä`): keep it.
    JoinWithHyphen,
}

/// Decides whether the hyphen at byte `hyphen_at` of `text` (a hyphen char, see [`is_hyphen`]) ends a line inside a
/// word. `prev` is the word's last char before the hyphen and `keep_hint` says the part before the hyphen is an
/// abbreviation or name that is written with a hyphen. Returns the decision and the byte index where the
/// continuation starts, or `None` when the hyphen is not a line-break hyphen.
pub(crate) fn line_break_hyphen(
    text: &str,
    hyphen_at: usize,
    prev: char,
    keep_hint: bool,
) -> Option<(LineBreakHyphen, usize)> {
    let hyphen_len = text.get(hyphen_at..)?.chars().next()?.len_utf8();
    let rest = text.get(hyphen_at + hyphen_len..)?;
    let mut newlines = 0usize;
    let mut cont = None;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n > MAX_BREAK_WHITESPACE {
            return None;
        }
        if c == '\n' || c == '\u{2028}' {
            newlines += 1;
        } else if !c.is_whitespace() {
            cont = Some((i, c));
            break;
        }
    }
    let (i, next) = cont?;
    if newlines == 0 || !next.is_alphabetic() {
        return None;
    }
    let start = hyphen_at + hyphen_len + i;
    let next_word = word_prefix(text.get(start..)?, 8);
    if ELLIPSIS_CONJUNCTIONS
        .iter()
        .any(|w| next_word.eq_ignore_ascii_case(w) || next_word == *w)
    {
        return None;
    }
    let same_vowel = is_vowel(prev) && prev.to_lowercase().eq(next.to_lowercase());
    let keep = keep_hint || next.is_uppercase() || prev.is_uppercase() || prev.is_numeric() || same_vowel;
    Some((
        if keep {
            LineBreakHyphen::JoinWithHyphen
        } else {
            LineBreakHyphen::JoinWithoutHyphen
        },
        start,
    ))
}

/// Is the hyphen at byte `hyphen_at` (followed by whitespace and a conjunction such as "ja") a hyphen-ellipsis,
/// as in "sosiaali- ja terveydenhuolto" or "sosiaali-, terveys- ja"?
pub(crate) fn is_ellipsis_hyphen(text: &str, hyphen_at: usize) -> bool {
    let Some(rest) = text.get(hyphen_at..) else {
        return false;
    };
    let mut chars = rest.char_indices().skip(1);
    match chars.next() {
        Some((_, ',')) => return true,
        Some((_, c)) if c.is_whitespace() => {}
        _ => return false,
    }
    for (n, (i, c)) in chars.enumerate() {
        if n > MAX_BREAK_WHITESPACE {
            return false;
        }
        if !c.is_whitespace() {
            let word = word_prefix(rest.get(i..).unwrap_or(""), 8);
            return ELLIPSIS_CONJUNCTIONS.iter().any(|w| word.to_lowercase() == *w);
        }
    }
    false
}

/// The leading run of letters of `s`, at most `max_chars` long (longer runs give the empty string).
fn word_prefix(s: &str, max_chars: usize) -> &str {
    let mut end = 0;
    for (n, (i, c)) in s.char_indices().enumerate() {
        if !c.is_alphabetic() {
            return s.get(..i).unwrap_or("");
        }
        if n >= max_chars {
            return "";
        }
        end = i + c.len_utf8();
    }
    s.get(..end).unwrap_or("")
}

fn is_vowel(c: char) -> bool {
    matches!(
        c.to_lowercase().next().unwrap_or(c),
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'å'
    )
}

/// Normalizes a whole text: NFC, soft hyphens and other invisible format characters removed, ligatures expanded,
/// words hyphenated across line breaks re-joined. Case is kept.
///
/// ```
/// use sotehaku_finnish::normalize::normalize;
/// assert_eq!(normalize("tär-\n\nkeänä"), "tärkeänä");
/// assert_eq!(normalize("Päijät-\nHäme"), "Päijät-Häme");
/// assert_eq!(normalize("sosiaali- ja terveys"), "sosiaali- ja terveys");
/// assert_eq!(normalize("pro\u{AD}sessi ja ﬁnanssi"), "prosessi ja finanssi");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    let mut skip_to = 0usize;
    for (i, c) in text.char_indices() {
        if i < skip_to {
            continue;
        }
        if is_hyphen(c) && prev.is_some_and(|p| p.is_alphanumeric()) {
            if let Some((decision, start)) = line_break_hyphen(text, i, prev.unwrap_or(' '), false) {
                if decision == LineBreakHyphen::JoinWithHyphen {
                    out.push('-');
                }
                skip_to = start;
                continue;
            }
        }
        if is_ignorable(c) {
            continue;
        }
        push_word_char(c, false, &mut out);
        prev = Some(c);
    }
    let mut scratch = String::new();
    nfc_in_place(&mut out, &mut scratch);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_decomposed_umlauts() {
        let mut s = String::from("ta\u{308}rkea\u{308}");
        let mut scratch = String::new();
        nfc_in_place(&mut s, &mut scratch);
        assert_eq!(s, "tärkeä");
    }

    #[test]
    fn ligatures_expand_and_lowercase() {
        let mut s = String::new();
        for c in "ﬁnanssiKRIISI".chars() {
            push_word_char(c, true, &mut s);
        }
        assert_eq!(s, "finanssikriisi");
    }

    #[test]
    fn line_break_rules() {
        assert_eq!(normalize("HUS-\nyhtymä"), "HUS-yhtymä");
        assert_eq!(normalize("sosiaali-\nja terveys"), "sosiaali-\nja terveys");
        assert_eq!(normalize("sosiaali-\nilmoitus"), "sosiaali-ilmoitus");
        assert_eq!(normalize("2021-\n2022"), "2021-\n2022");
        assert_eq!(normalize("tär- keänä"), "tär- keänä");
    }
}
