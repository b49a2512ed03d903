//! The domain lexicon: county brand names (Varha, Pirha, Keusote, Soite, …), abbreviations (sote, hyte, HUS, STM,
//! THL, Kela, …) and other names of the reform with their inflection stems and their expansions
//! ("sote" ↔ "sosiaali- ja terveydenhuolto").
//!
//! The data lives in `data/lexicon.tsv` and the Finnish endings used to recognise inflected forms (`Pirhassa`,
//! `Keusoten`, `HUSissa`) in `data/inflection-fi.txt`; both are embedded as defaults and can be replaced by parsing
//! other text with [`Lexicon::parse`].

use std::collections::HashMap;
use std::sync::OnceLock;

/// The default lexicon file, embedded.
pub const DEFAULT_LEXICON: &str = include_str!("../data/lexicon.tsv");
/// The default Finnish endings file, embedded.
pub const DEFAULT_INFLECTION: &str = include_str!("../data/inflection-fi.txt");

/// Upper bound on the number of lexicon lines read (protects against a runaway data file).
const MAX_LINES: usize = 100_000;

/// Errors in a lexicon or endings file.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// A data line does not have the required columns or has an unknown kind.
    #[error("lexicon line {line}: {reason}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// What a lexicon entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A wellbeing services county's brand name (Pirha, Keusote).
    Brand,
    /// An abbreviation (sote, HUS).
    Abbreviation,
    /// Another proper name (Omaolo, Apotti, Valvira).
    Name,
    /// An invariant word of a multi-word name ("Siun" in "Siun sote"); only matches exactly.
    Fixed,
    /// A common word of the domain that the general dictionary lacks (`tiedoksisaanti`, `huostassapito`).
    Word,
}

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The base form as indexed, lowercase (may contain spaces for multi-word names).
    pub term: String,
    /// What the entry is.
    pub kind: EntryKind,
    /// Lowercase inflection stems.
    pub stems: Vec<String>,
    /// May the term begin a compound written together (`sotekeskus`)?
    pub compound: bool,
    /// Phrases that mean the same, lowercase.
    pub expansions: Vec<String>,
}

/// The parsed lexicon with its lookup tables.
#[derive(Debug, Clone)]
pub struct Lexicon {
    entries: Vec<Entry>,
    /// Lowercase term → entry index (single- and multi-word terms).
    by_term: HashMap<String, usize>,
    /// Lowercase stem → entry indexes.
    by_stem: HashMap<String, Vec<usize>>,
    endings: Vec<String>,
    clitics: Vec<String>,
    longest_stem_chars: usize,
    /// The first two characters of every stem, to reject most words with one set lookup.
    stem_starts: std::collections::HashSet<(char, char)>,
    /// True if some stem is a single character (then `stem_starts` cannot reject words).
    has_short_stems: bool,
}

impl Lexicon {
    /// The built-in lexicon from the embedded data files.
    pub fn builtin() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| {
            // The embedded files are checked by the crate's tests; a broken edit degrades to an empty lexicon
            // rather than a panic at run time.
            Lexicon::parse(DEFAULT_LEXICON, DEFAULT_INFLECTION).unwrap_or_else(|_| Lexicon::empty())
        })
    }

    fn empty() -> Lexicon {
        Lexicon {
            entries: Vec::new(),
            by_term: HashMap::new(),
            by_stem: HashMap::new(),
            endings: Vec::new(),
            clitics: Vec::new(),
            longest_stem_chars: 0,
            stem_starts: std::collections::HashSet::new(),
            has_short_stems: false,
        }
    }

    /// Parses a lexicon (`term<TAB>kind<TAB>stems<TAB>compound<TAB>expansions`) and an endings file
    /// (`[endings]` and `[clitics]` sections, one ending a line).
    ///
    /// ```
    /// use sotehaku_finnish::lexicon::Lexicon;
    /// let lex = Lexicon::parse("pirha\tbrand\t\tyes\tpirkanmaan hyvinvointialue\n", "[endings]\nssa\n+n\n").unwrap();
    /// assert_eq!(lex.lookup("Pirhassa").map(|e| e.term.as_str()), Some("pirha"));
    /// assert_eq!(lex.lookup("pirhaan").map(|e| e.term.as_str()), Some("pirha"));
    /// ```
    pub fn parse(lexicon: &str, inflection: &str) -> Result<Lexicon, LexiconError> {
        let mut lex = Lexicon::empty();
        let mut section = "";
        for line in inflection.lines().take(MAX_LINES) {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with('[') {
                section = if line == "[clitics]" { "clitics" } else { "endings" };
                continue;
            }
            let list = if section == "clitics" {
                &mut lex.clitics
            } else {
                &mut lex.endings
            };
            list.push(line.to_lowercase());
        }
        for (n, line) in lexicon.lines().take(MAX_LINES).enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason: &str| LexiconError::BadLine {
                line: n + 1,
                reason: reason.to_string(),
            };
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let term = cols
                .first()
                .map(|t| t.to_lowercase())
                .filter(|t| !t.is_empty())
                .ok_or_else(|| bad("no term"))?;
            let kind = match cols.get(1).copied() {
                Some("brand") => EntryKind::Brand,
                Some("abbr") => EntryKind::Abbreviation,
                Some("name") => EntryKind::Name,
                Some("fixed") => EntryKind::Fixed,
                Some("word") => EntryKind::Word,
                _ => return Err(bad("kind must be brand, abbr, name, fixed or word")),
            };
            let mut stems: Vec<String> = cols
                .get(2)
                .map(|s| {
                    s.split(',')
                        .map(|s| s.trim().to_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            if stems.is_empty() && !term.contains(' ') {
                stems.push(term.clone());
            }
            let compound = cols.get(3).is_some_and(|c| c.eq_ignore_ascii_case("yes"));
            let expansions = cols
                .get(4)
                .map(|s| {
                    s.split('|')
                        .map(|s| s.trim().to_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let index = lex.entries.len();
            lex.by_term.insert(term.clone(), index);
            if kind != EntryKind::Fixed {
                for stem in &stems {
                    lex.longest_stem_chars = lex.longest_stem_chars.max(stem.chars().count());
                    lex.by_stem.entry(stem.clone()).or_default().push(index);
                    let mut chars = stem.chars();
                    match (chars.next(), chars.next()) {
                        (Some(a), Some(b)) => {
                            lex.stem_starts.insert((a, b));
                        }
                        _ => lex.has_short_stems = true,
                    }
                }
            }
            lex.entries.push(Entry {
                term,
                kind,
                stems,
                compound,
                expansions,
            });
        }
        Ok(lex)
    }

    /// All entries in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry whose term is exactly `term` (case-insensitive), e.g. "siun sote".
    pub fn entry(&self, term: &str) -> Option<&Entry> {
        self.by_term
            .get(&term.to_lowercase())
            .and_then(|&i| self.entries.get(i))
    }

    /// The entry a single word form belongs to: the term itself or one of its stems followed by a Finnish ending
    /// (and optionally a clitic), case-insensitive. `Pirhassa` → pirha, `Keusoten` → keusote, `HUSissa` → hus.
    pub fn lookup(&self, word: &str) -> Option<&Entry> {
        let lower = word.to_lowercase();
        if let Some(e) = self.by_term.get(&lower).and_then(|&i| self.entries.get(i)) {
            return Some(e);
        }
        // Try every stem that is a prefix of the word (at most `longest_stem_chars` candidates). Stems are at least
        // two characters long (a one-character stem has no second character to look up and is tried as well).
        let mut chars = lower.chars();
        if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
            if !self.stem_starts.contains(&(a, b)) && !self.has_short_stems {
                return None;
            }
        }
        for (n, (i, _)) in lower.char_indices().enumerate().skip(1) {
            if n > self.longest_stem_chars {
                break;
            }
            let (stem, rest) = lower.split_at(i);
            if let Some(indexes) = self.by_stem.get(stem) {
                if self.is_inflection(stem, rest) {
                    return indexes.first().and_then(|&i| self.entries.get(i));
                }
            }
        }
        None
    }

    /// Is `rest` a Finnish ending (plus optional clitic) that can follow `stem`?
    fn is_inflection(&self, stem: &str, rest: &str) -> bool {
        let consonant_stem = stem.chars().last().is_some_and(|c| !is_vowel(c));
        let rest = if consonant_stem {
            match rest.strip_prefix('i') {
                Some(r) if !r.is_empty() => r,
                _ => return rest == "i" || rest == "iin",
            }
        } else {
            rest
        };
        let mut candidates = vec![rest];
        for clitic in &self.clitics {
            if let Some(r) = rest.strip_suffix(clitic.as_str()) {
                candidates.push(r);
            }
        }
        candidates
            .into_iter()
            .any(|r| r.is_empty() || self.is_ending(stem, r, consonant_stem))
    }

    fn is_ending(&self, stem: &str, ending: &str, consonant_stem: bool) -> bool {
        self.endings.iter().any(|e| {
            if e == "+n" {
                let vowel = if consonant_stem { Some('i') } else { stem.chars().last() };
                let mut chars = ending.chars();
                vowel.is_some_and(|v| chars.next() == Some(v) && chars.as_str() == "n")
            } else {
                e == ending
            }
        })
    }

    /// Is the lowercase word `segment` (the part of a word before a hyphen) a lexicon name or abbreviation that is
    /// written with a hyphen before the next part (`HUS-yhtymä`, `sote-uudistus`)?
    pub fn keeps_hyphen(&self, segment: &str) -> bool {
        if segment.is_empty() || segment.len() > 32 {
            return false;
        }
        self.by_term
            .get(&segment.to_lowercase())
            .is_some_and(|&i| self.entries.get(i).is_some_and(|e| e.kind != EntryKind::Fixed))
    }

    /// Entries that may start a compound written together (`sote` in `sotekeskus`), in file order.
    pub fn compound_heads(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.compound && !e.term.contains(' '))
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'å')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_knows_brands() {
        let lex = Lexicon::parse(DEFAULT_LEXICON, DEFAULT_INFLECTION).unwrap();
        for (form, term) in [
            ("Pirhan", "pirha"),
            ("Pirhassa", "pirha"),
            ("Keusoten", "keusote"),
            ("Soitessa", "soite"),
            ("Keusoteen", "keusote"),
            ("HUSissa", "hus"),
            ("Kelakin", "kela"),
            ("soten", "sote"),
            ("Apotin", "apotti"),
            ("Siun", "siun"),
        ] {
            assert_eq!(lex.lookup(form).map(|e| e.term.as_str()), Some(term), "{form}");
        }
        for not in ["pirhaxx", "sotel", "siunissa", "hussi", "kelaamme"] {
            assert_eq!(lex.lookup(not), None, "{not}");
        }
        assert!(lex.entry("siun sote").is_some());
        assert!(lex.keeps_hyphen("HUS"));
        assert!(!lex.keeps_hyphen("päijät"));
    }

    #[test]
    fn bad_kind_is_an_error() {
        assert!(Lexicon::parse("x\tweird\n", "").is_err());
    }
}
