//! Finnish morphological analysis: base forms, compound parts, word class and compound structure, read from the
//! voikko-fi dictionary (`mor.vfst`) with this crate's own VFST reader.
//!
//! The transducer maps a lowercase word form to tagged strings such as
//! `[Ln][Xp]alue[X]alue[Sn][Ny][Bh][Bc][Ln][Xp]valtuusto[X]valtuusto[Sine][Ny]ssa`, where `[L..]` is the word class,
//! `[Xp]lemma[X]` the lemma of the following stem, `[Bc]` a compound boundary, `[S..]` the case and so on. This module
//! interprets those strings the way libvoikko's Finnish analyzer documents and behaves (its BASEFORM, STRUCTURE and
//! CLASS attributes, including its validity rules for compounds and hyphens), so results can be checked against
//! libvoikko with a differential test, and adds what a search engine needs: lowercase lemmas and the base forms of
//! compound parts.
//!
//! ```
//! use sotehaku_finnish::morphology::Morphology;
//! let analyses = Morphology::builtin().analyze("aluevaltuustossa");
//! assert!(analyses.iter().any(|a| a.base_form == "aluevaltuusto" && a.compound_parts == ["alue", "valtuusto"]));
//! ```

use crate::vfst::{LookupLimits, Transducer, VfstError};

/// Errors from loading a morphology dictionary.
#[derive(Debug, thiserror::Error)]
pub enum MorphologyError {
    /// The dictionary is not a readable VFST transducer.
    #[error("cannot read the morphology transducer: {0}")]
    Vfst(#[from] VfstError),
}

/// One analysis of a word form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Analysis {
    /// Lowercase lemma of the whole word, e.g. `hyvinvointialue`.
    pub base_form: String,
    /// Lowercase base forms of the compound parts in order (`["alue", "valtuusto"]`); empty if not a compound.
    pub compound_parts: Vec<String>,
    /// Word class as libvoikko names it (`nimisana`, `teonsana`, `laatusana`, `paikannimi`, ...).
    pub class: Option<String>,
    /// libvoikko's STRUCTURE string (`=pppp=pppppppppppp`), kept for comparisons with libvoikko.
    pub structure: Option<String>,
}

/// An [`Analysis`] with the details used by measurements and debugging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailedAnalysis {
    /// The analysis as [`Morphology::analyze`] returns it.
    pub analysis: Analysis,
    /// The base form (lowercase) cut at compound boundaries: `["viikon", "loppu"]` for `viikonloppu`, and inside
    /// lexicalised compounds where both pieces are words (`["elo", "kuva"]`). Unlike `compound_parts`, the non-final
    /// pieces keep their form in the compound.
    pub base_form_segments: Vec<String>,
    /// Like `base_form_segments`, also cut inside lexicalised compounds (`toimen=pide`, `elo=kuva`), as UD Finnish
    /// treebanks mark them.
    pub base_form_morphs: Vec<String>,
    /// The base form as libvoikko writes it (proper nouns capitalised).
    pub voikko_base_form: Option<String>,
    /// The raw transducer output.
    pub fst_output: String,
    /// True for analyses this crate adds beyond libvoikko's (the noun `-minen` lemma of MINEN-infinitives).
    pub extension: bool,
    /// Heuristic implausibility without context (0 = most plausible): one point per compound boundary, more for rare
    /// readings (possessive suffixes, rare cases, imperatives, the potential mood, first and second person verb
    /// forms, participle and `-inen` derivations, comparatives, proper nouns of a word written in lowercase).
    pub penalty: u32,
}

/// Longest word analysed, in characters (libvoikko's limit).
pub const MAX_WORD_CHARS: usize = 255;

/// Finnish morphological analyzer over a VFST dictionary. `Send + Sync`; share it by reference.
#[derive(Debug)]
pub struct Morphology {
    /// Borrowed for the built-in dictionary (one copy per process), owned when loaded from bytes.
    fst: std::borrow::Cow<'static, Transducer>,
    limits: LookupLimits,
    /// Remembered answers of `is_standalone_nominal`.
    standalone: std::sync::RwLock<std::collections::HashMap<String, bool>>,
}

impl Morphology {
    /// The analyzer over the embedded voikko-fi 2.5 dictionary, loaded on first use.
    pub fn builtin() -> &'static Morphology {
        static CELL: std::sync::OnceLock<Morphology> = std::sync::OnceLock::new();
        CELL.get_or_init(|| Morphology {
            fst: std::borrow::Cow::Borrowed(Transducer::builtin_voikko()),
            limits: LookupLimits::default(),
            standalone: Default::default(),
        })
    }

    /// Loads an analyzer from the bytes of a `mor.vfst` file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Morphology, MorphologyError> {
        Ok(Morphology {
            fst: std::borrow::Cow::Owned(Transducer::from_bytes(bytes)?),
            limits: LookupLimits::default(),
            standalone: Default::default(),
        })
    }

    /// The underlying transducer.
    pub fn transducer(&self) -> &Transducer {
        &self.fst
    }

    /// All analyses of `word` (as written; any capitalisation), deduplicated, most plausible first (see
    /// [`DetailedAnalysis::penalty`]). Unknown words, words without letters (numbers such as `2022` or `611/2021`,
    /// which callers keep as they are), empty input and words longer than [`MAX_WORD_CHARS`] give an empty vector.
    ///
    /// Besides libvoikko's analyses, a MINEN-infinitive (`hyväksymisestä`) also gets the noun lemma
    /// (`hyväksyminen`) that dictionaries and treebanks use, next to the verb (`hyväksyä`).
    pub fn analyze(&self, word: &str) -> Vec<Analysis> {
        if !word.chars().any(char::is_alphabetic) {
            return Vec::new();
        }
        let mut detailed = self.analyses(word, false);
        detailed.sort_by_key(|d| d.penalty);
        dedup(detailed.into_iter().map(|d| d.analysis))
    }

    /// Only the most plausible analyses of `word` (those with the lowest [`DetailedAnalysis::penalty`]): fewer
    /// compound parts, common readings over rare ones. Use it where a wrong lemma costs more than a missing one.
    pub fn analyze_preferred(&self, word: &str) -> Vec<Analysis> {
        if !word.chars().any(char::is_alphabetic) {
            return Vec::new();
        }
        let detailed = self.analyses(word, false);
        let best = detailed.iter().map(|d| d.penalty).min().unwrap_or(0);
        dedup(detailed.into_iter().filter(|d| d.penalty == best).map(|d| d.analysis))
    }

    /// The analyses a search index should use for `word` when it wants one reading: those of
    /// [`Morphology::analyze_preferred`], and among several base forms only those whose corpus frequency
    /// ([`lemma_frequency`]; when no reading's base form is in the table, the frequency of a compound's last part)
    /// is at least a tenth of the most frequent one's. `ajan` gives aika (not the verb ajaa), `kuusi` keeps both
    /// kuusi and kuu only if both are common.
    ///
    /// ```
    /// use sotehaku_finnish::morphology::Morphology;
    /// let bases: Vec<String> = Morphology::builtin().analyze_ranked("ajan").into_iter().map(|a| a.base_form).collect();
    /// assert_eq!(bases, ["aika"]);
    /// ```
    pub fn analyze_ranked(&self, word: &str) -> Vec<Analysis> {
        let preferred = self.analyze_preferred(word);
        // Whole base forms are compared when the table knows one of them, else the heads of compounds.
        let whole_known = preferred.iter().any(|a| lemma_frequency(&a.base_form) > 0);
        let frequency = |a: &Analysis| {
            u64::from(if whole_known {
                lemma_frequency(&a.base_form)
            } else {
                prior_frequency(a)
            })
        };
        let Some(top) = preferred.iter().map(frequency).max() else {
            return preferred;
        };
        preferred
            .into_iter()
            .filter(|a| frequency(a).saturating_mul(PRIOR_RATIO) >= top)
            .collect()
    }

    /// Like [`Morphology::analyze`] but with details, one entry per libvoikko analysis plus this crate's extensions,
    /// in dictionary order, not deduplicated. Unlike `analyze`, numbers are analysed as libvoikko does (`2022` →
    /// `2022`, class `lukusana`).
    pub fn analyze_detailed(&self, word: &str) -> Vec<DetailedAnalysis> {
        self.analyses(word, true)
    }

    /// The analyses of `word`; without `details`, only `analysis` and `penalty` are filled in (the segments, the
    /// libvoikko base form and the transducer output are left empty), which is all [`Morphology::analyze`] needs.
    fn analyses(&self, word: &str, details: bool) -> Vec<DetailedAnalysis> {
        let mut out = Vec::new();
        let word_chars = word.chars().count();
        if word_chars == 0 || word_chars > MAX_WORD_CHARS {
            return out;
        }
        let lower: String = word.chars().map(lower_char).collect();
        let written_lowercase = word.chars().next().is_some_and(char::is_lowercase);
        let mut outputs: Vec<String> = Vec::new();
        self.fst.lookup_with(&lower, self.limits, |output, _| {
            outputs.push(output.to_owned());
            true
        });
        for output in outputs {
            let chars: Vec<char> = output.chars().collect();
            if !is_valid_analysis(&chars) {
                continue;
            }
            let mut structure = parse_structure(&chars, word_chars);
            let class = parse_class(&chars);
            fix_structure(&mut structure, &chars);
            let mut original = build(&chars, structure.clone(), class.map(str::to_owned), &output, details);
            if written_lowercase && class.is_some_and(is_name_class) {
                // `hallissa` written in lowercase is halli, not the surname Hall.
                original.penalty += LOWERCASE_NAME_PENALTY;
            }
            self.split_lexicalised(&chars, &mut original);
            if let Some(lemma) = lone_first_part_lemma(&chars) {
                original.analysis.base_form = lemma;
            }
            let duplicate = duplicate_org_name(class, &chars, &structure);
            let minen = minen_noun(&chars, &original);
            out.push(original);
            if let Some(dup_structure) = duplicate {
                let mut dup = build(&chars, dup_structure, Some("nimi".to_owned()), &output, details);
                self.split_lexicalised(&chars, &mut dup);
                out.push(dup);
            }
            out.extend(minen);
        }
        out
    }
}

impl Morphology {
    /// Splits the lexicalised compounds of an analysis (`elo=kuva`, `tasa=valta`, `meri=tuuli` in the dictionary's
    /// lemmas) into compound parts when every piece is a noun, adjective or numeral in its base form on its own:
    /// `elokuvaan` gets the parts elo + kuva, while `toimen=pide` (toimen is a genitive, pide no word) and
    /// `hyvin=vointi` (an adverb) stay whole. Words listed in [`UNSPLIT_DEFAULT`] are left alone. With details, the
    /// same cuts are added to [`DetailedAnalysis::base_form_segments`].
    fn split_lexicalised(&self, chars: &[char], a: &mut DetailedAnalysis) {
        if !has_lexicalised_lemma(chars) || is_unsplit(&a.analysis.base_form) {
            return;
        }
        let accept = |piece: &str| self.is_standalone_nominal(piece);
        if let Some(parts) = lexicalised_parts(chars, &accept) {
            a.analysis.compound_parts = parts;
        }
        if a.base_form_morphs.len() > a.base_form_segments.len().max(1) {
            let base = &a.analysis.base_form;
            let cuts = |segments: &[String]| -> Option<Vec<usize>> {
                if segments.concat() != *base {
                    return None; // hyphens were trimmed; positions would not line up
                }
                Some(
                    segments
                        .iter()
                        .scan(0, |pos, s| {
                            *pos += s.chars().count();
                            Some(*pos)
                        })
                        .collect(),
                )
            };
            let (Some(morph_cuts), segment_cuts) = (cuts(&a.base_form_morphs), cuts(&a.base_form_segments)) else {
                return;
            };
            let mut keep = segment_cuts.unwrap_or_default();
            for (i, cut) in morph_cuts.iter().enumerate() {
                let (Some(left), Some(right)) = (a.base_form_morphs.get(i), a.base_form_morphs.get(i + 1)) else {
                    continue;
                };
                if !keep.contains(cut) && accept(left) && accept(right) {
                    keep.push(*cut);
                }
            }
            let segments = segments_at(base, keep.into_iter());
            if !segments.is_empty() {
                a.base_form_segments = segments;
            }
        }
    }

    /// True if `piece` (lowercase) is on its own a noun, adjective or numeral in its base form and not a compound
    /// (`elo`, `kuva`, `valta`; not `toimen`, `pide` or the adverb `hyvin`).
    fn is_standalone_nominal(&self, piece: &str) -> bool {
        let piece_chars = piece.chars().count();
        if !(MIN_LEXICALISED_PIECE_CHARS..=MAX_WORD_CHARS).contains(&piece_chars) {
            return false;
        }
        // Pieces come from the dictionary's own lemmas, so they are few and recur (hyvin=vointi in every
        // hyvinvointialue): remember the answers, up to a bound.
        if let Some(known) = self.standalone.read().ok().and_then(|cache| cache.get(piece).copied()) {
            return known;
        }
        let found = self.lookup_standalone_nominal(piece, piece_chars);
        if let Ok(mut cache) = self.standalone.write() {
            if cache.len() < MAX_STANDALONE_CACHE {
                cache.insert(piece.to_owned(), found);
            }
        }
        found
    }

    fn lookup_standalone_nominal(&self, piece: &str, piece_chars: usize) -> bool {
        let mut found = false;
        self.fst.lookup_with(piece, self.limits, |output, _| {
            let s: Vec<char> = output.chars().collect();
            let nominal = matches!(
                parse_class(&s),
                Some("nimisana" | "laatusana" | "nimisana_laatusana" | "lukusana")
            );
            if nominal && is_valid_analysis(&s) && !(0..s.len()).any(|i| starts_at(&s, i, "[Bc]")) {
                let structure = parse_structure(&s, piece_chars);
                let base: Option<String> = parse_baseform(&s, &structure, None).map(|b| b.into_iter().collect());
                found = base.is_some_and(|b| lowercase(&b) == piece);
            }
            !found
        });
        found
    }
}

/// The base form of a noun or adjective written as the first part of a compound on its own (`lasten-` in "lasten-
/// ja nuorisopsykiatria" → lapsi, `hiusten-` → hius); libvoikko keeps such a word as written.
fn lone_first_part_lemma(s: &[char]) -> Option<String> {
    const END: &str = "-[Bh][Bc]";
    let end = s.len().checked_sub(END.chars().count())?;
    if !starts_at(s, end, END) {
        return None;
    }
    let piece = s.get(..end)?;
    if !matches!(
        parse_class(piece),
        Some("nimisana" | "laatusana" | "nimisana_laatusana")
    ) {
        return None;
    }
    if (0..piece.len()).any(|i| starts_at(piece, i, "[Bc]")) {
        return None; // a compound first part (`lastensuojelu-`) already ends in a base form
    }
    let lemma: String = parse_baseform(piece, &[], None)?.into_iter().map(lower_char).collect();
    (!lemma.is_empty()).then_some(lemma)
}

/// Most answers remembered by [`Morphology::is_standalone_nominal`].
const MAX_STANDALONE_CACHE: usize = 20_000;

/// Shortest piece of a lexicalised compound that can be a compound part of its own.
const MIN_LEXICALISED_PIECE_CHARS: usize = 3;

/// True if some lemma block (`[Xp]…[X]`) of the transducer output marks a lexicalised compound with `=`.
fn has_lexicalised_lemma(s: &[char]) -> bool {
    let mut in_lemma = false;
    for (i, &c) in s.iter().enumerate() {
        if c == '[' {
            in_lemma = starts_at(s, i, "[Xp]") || starts_at(s, i, "[Xj]");
        } else if c == '=' && in_lemma {
            return true;
        }
    }
    false
}

/// Compound parts like [`compound_parts`], with each part whose lemma is a lexicalised compound (`elo=kuva`) cut
/// into its pieces when `accept` takes every piece. `None` if nothing was cut.
fn lexicalised_parts(s: &[char], accept: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
    let pieces = compound_pieces(s);
    let mut parts = Vec::new();
    let mut cut = false;
    for piece in pieces {
        let Some(base) = parse_baseform(piece, &[], None) else {
            continue;
        };
        let base: String = base.into_iter().map(lower_char).collect();
        let base = base.trim_matches(|c| c == '-' || c == ':');
        if base.is_empty() {
            continue;
        }
        let lemma = last_lemma(piece);
        let subs: Vec<&str> = lemma.split('=').filter(|p| !p.is_empty()).collect();
        if subs.len() >= 2 && base == subs.concat() && subs.iter().all(|p| accept(p)) {
            parts.extend(subs.iter().map(|p| (*p).to_owned()));
            cut = true;
        } else {
            parts.push(base.to_owned());
        }
    }
    (cut && parts.len() >= 2).then_some(parts)
}

/// The lowercase text of the last lemma block (`[Xp]…[X]`) of a piece of transducer output, `=` marks kept.
fn last_lemma(s: &[char]) -> String {
    let Some(start) = (0..s.len()).rev().find(|&i| starts_at(s, i, "[Xp]")) else {
        return String::new();
    };
    s.iter()
        .skip(start + 4)
        .take_while(|c| **c != '[')
        .map(|c| lower_char(*c))
        .collect()
}

fn dedup(analyses: impl Iterator<Item = Analysis>) -> Vec<Analysis> {
    let mut out: Vec<Analysis> = Vec::new();
    for a in analyses {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Letters of the surface form in a transducer output (tags and lemma blocks left out).
fn surface(s: &[char]) -> String {
    let mut out = String::new();
    let mut i = 0;
    let mut in_block = false;
    while i < s.len() {
        if s[i] == '[' {
            if starts_at(s, i, "[X]") {
                in_block = false;
            } else if at(s, i + 1) == 'X' {
                in_block = true;
            }
            while i < s.len() && s[i] != ']' {
                i += 1;
            }
        } else if !in_block && s[i] != '=' {
            out.push(s[i]);
        }
        i += 1;
    }
    out
}

/// For a MINEN-infinitive (`[Tn4]`) that ends the word, the noun analysis with lemma stem + `minen` (`hyväksymisestä` → `hyväksyminen`).
fn minen_noun(s: &[char], verb: &DetailedAnalysis) -> Option<DetailedAnalysis> {
    let pos = (0..s.len()).rev().find(|&i| starts_at(s, i, "[Tn4]"))?;
    // `kehittämisyksikkö`: the infinitive is the first part of a compound; the word is a form of its last part
    // (a final `[Bc]`, as in `laiduntamis-`, only marks a compound's first part written alone).
    if (pos..s.len()).any(|i| starts_at(s, i, "[Bc]") && i + 4 < s.len()) {
        return None;
    }
    let prefix = &s[..pos];
    let stem = surface(prefix);
    if stem.is_empty() {
        return None;
    }
    let base_form = lowercase(&format!("{stem}minen"));
    let last_bc = (0..prefix.len()).rev().find(|&i| starts_at(prefix, i, "[Bc]"));
    let mut compound_parts = verb.analysis.compound_parts.clone();
    let mut base_form_segments = verb.base_form_segments.clone();
    let mut base_form_morphs = verb.base_form_morphs.clone();
    if let (Some(bc), false) = (last_bc, compound_parts.is_empty()) {
        let last = lowercase(&format!("{}minen", surface(&prefix[bc..])));
        if let Some(slot) = compound_parts.last_mut() {
            slot.clone_from(&last);
        }
        if let Some(slot) = base_form_segments.last_mut() {
            slot.clone_from(&last);
        }
        if let Some(slot) = base_form_morphs.last_mut() {
            *slot = last;
        }
    }
    let mut penalty = verb.penalty;
    if let Some(p) = penalty.checked_sub(MINEN_VERB_PENALTY) {
        penalty = p;
    }
    Some(DetailedAnalysis {
        analysis: Analysis {
            base_form,
            compound_parts,
            class: Some("nimisana".to_owned()),
            structure: verb.analysis.structure.clone(),
        },
        base_form_segments,
        base_form_morphs,
        voikko_base_form: None,
        fst_output: verb.fst_output.clone(),
        extension: true,
        penalty,
    })
}

/// Penalty of a proper-noun reading of a word written in lowercase.
const LOWERCASE_NAME_PENALTY: u32 = 1;

/// True for libvoikko's classes of proper nouns.
fn is_name_class(class: &str) -> bool {
    matches!(class, "etunimi" | "sukunimi" | "paikannimi" | "nimi")
}

/// Penalty of the verb reading of a MINEN-infinitive (the noun reading is preferred).
const MINEN_VERB_PENALTY: u32 = 1;

/// Context-free implausibility of a transducer output (see [`DetailedAnalysis::penalty`]).
fn penalty(s: &[char], base_form: &str) -> u32 {
    let mut p = 0;
    let mut partitive = false;
    let mut i = 0;
    while i < s.len() {
        if s[i] != '[' {
            i += 1;
            continue;
        }
        let end = (i + 1..s.len()).find(|&k| s[k] == ']').unwrap_or(s.len());
        let tag = s.get(i + 1..end).unwrap_or(&[]);
        p += match tag {
            ['B', 'c'] => 1,
            ['O', ..] => 2,
            ['S', 'a', 'b'] | ['S', 'i', 'n'] | ['S', 'k', 'o'] => 2,
            ['T', 'k'] | ['R', 't'] | ['R', 'm'] | ['C', 'c'] | ['C', 's'] => 1,
            // First and second person verb forms (`teen`, `kutsun`, `tuet`) and the potential mood (`tilanne` of
            // tilata): rare in documents, where the same string is far more often a noun form (tee, kutsu, tuki,
            // tilanne).
            ['P', '1'] | ['P', '2'] | ['T', 'm'] => 1,
            // The MA-infinitive (`elämästä` of elää, `voimalla` of voida) where the same string is a form of a noun
            // made from the verb (elämä, voima) — where there is no such noun, the penalty changes nothing.
            ['T', 'n', '3'] => 1,
            ['T', 'n', '4'] => MINEN_VERB_PENALTY,
            ['X', 'j'] if starts_at(s, end + 1, "inen") => 1,
            ['S', 'p'] => {
                partitive = true;
                0
            }
            _ => 0,
        };
        i = end + 1;
    }
    if partitive && base_form.ends_with("nen") {
        p += 1;
    }
    p
}

/// Assembles a [`DetailedAnalysis`] from the transducer output and its structure (without `details`, only the
/// analysis and the penalty).
fn build(chars: &[char], structure: Vec<char>, class: Option<String>, output: &str, details: bool) -> DetailedAnalysis {
    let mut boundaries = Vec::new();
    let voikko_base: Option<String> =
        parse_baseform(chars, &structure, details.then_some(&mut boundaries)).map(|b| b.into_iter().collect());
    let base_form = voikko_base.as_deref().map(lowercase).unwrap_or_default();
    let (base_form_segments, base_form_morphs, compound_parts) = if is_unsplit(&base_form) {
        (Vec::new(), Vec::new(), Vec::new())
    } else if !details {
        (Vec::new(), Vec::new(), compound_parts(chars))
    } else {
        (
            segments_at(&base_form, boundaries.iter().filter(|b| !b.lexicalised).map(|b| b.pos)),
            segments_at(&base_form, boundaries.iter().map(|b| b.pos)),
            compound_parts(chars),
        )
    };
    let penalty = penalty(chars, &base_form);
    DetailedAnalysis {
        analysis: Analysis {
            base_form,
            compound_parts,
            class,
            structure: Some(structure.into_iter().collect()),
        },
        base_form_segments,
        base_form_morphs,
        voikko_base_form: if details { voikko_base } else { None },
        fst_output: if details { output.to_owned() } else { String::new() },
        extension: false,
        penalty,
    }
}

/// Base forms with their estimated number of tokens in the Finlex corpus (`base<TAB>count`, count >= 20, data file
/// `data/lemma-prior.tsv`, made by `cargo run --release -p sotehaku-finnish --example lemma_prior`: tokens with one
/// plausible base form count fully, ambiguous ones are shared by expectation-maximisation).
pub const LEMMA_PRIOR_DEFAULT: &str = include_str!("../data/lemma-prior.tsv");

/// A reading is kept by [`Morphology::analyze_ranked`] if its base form is at most this many times rarer than the
/// most frequent one.
const PRIOR_RATIO: u64 = 10;

/// The estimated corpus frequency of `base_form` (lowercase) from [`LEMMA_PRIOR_DEFAULT`]; 0 if it is rare or
/// unseen.
pub fn lemma_frequency(base_form: &str) -> u32 {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<&'static str, u32>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            LEMMA_PRIOR_DEFAULT
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (base, count) = l.split_once('\t')?;
                    Some((base, count.trim().parse().ok()?))
                })
                .collect()
        })
        .get(base_form)
        .copied()
        .unwrap_or(0)
}

/// The prior frequency of an analysis: that of its base form, or for a compound whose base form is not in the table,
/// that of its last part (readings of a compound differ in their head: `kustannuspaineista` is paine, not paini).
/// Used when no reading's whole base form is in the table.
fn prior_frequency(a: &Analysis) -> u32 {
    match (lemma_frequency(&a.base_form), a.compound_parts.last()) {
        (0, Some(head)) if a.compound_parts.len() >= 2 => lemma_frequency(head),
        (n, _) => n,
    }
}

/// Base forms that are not split into compound parts (data file `src/morphology/unsplit.txt`).
pub const UNSPLIT_DEFAULT: &str = include_str!("morphology/unsplit.txt");

/// True if `base_form` is listed in [`UNSPLIT_DEFAULT`].
fn is_unsplit(base_form: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        UNSPLIT_DEFAULT
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .collect()
    })
    .contains(base_form)
}

/// Lowercases one character the way a dictionary lookup needs (one char in, one char out).
fn lower_char(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Uppercases one character (one char in, one char out).
fn upper_char(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn lowercase(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// Character at `i`, or NUL past the end (the transducer output never contains NUL).
fn at(s: &[char], i: usize) -> char {
    s.get(i).copied().unwrap_or('\0')
}

/// True if `pattern` occurs in `s` at position `i`.
fn starts_at(s: &[char], i: usize, pattern: &str) -> bool {
    (i..).zip(pattern.chars()).all(|(k, p)| s.get(k) == Some(&p))
}

const VOWELS: &[char] = &['a', 'e', 'i', 'o', 'u', 'y', 'ä', 'ö'];

/// libvoikko's acceptance rules for transducer outputs: hyphens at compound boundaries (required between equal
/// vowels and after digits, forbidden otherwise unless a flag allows them), required hyphens (`[Icu]`), and proper
/// nouns that may not be followed by ordinary nouns unless marked (`[Ica]`).
fn is_valid_analysis(s: &[char]) -> bool {
    let n = s.len();
    let mut before_last = '\0';
    let mut last = '\0';
    let mut boundary_passed = false;
    let mut hyphen_present = false;
    let mut hyphen_free = false;
    let mut hyphen_free_just_set = false;
    let mut hyphen_required = false;
    let mut required_hyphen_missing = false;
    let mut starts_with_proper = false;
    let mut ends_with_non_ica_noun = false;
    let mut i = 0;
    while i < n {
        let c = s[i];
        if c == '[' {
            if i + 2 >= n {
                return false;
            }
            if i + 3 < n {
                match at(s, i + 1) {
                    'I' => {
                        if starts_at(s, i + 2, "sf") {
                            hyphen_free = true;
                            hyphen_free_just_set = true;
                        } else if starts_at(s, i + 2, "cu") {
                            boundary_passed = false;
                            hyphen_free = true;
                            hyphen_required = true;
                        } else if starts_at(s, i + 2, "ca") {
                            required_hyphen_missing = false;
                            ends_with_non_ica_noun = false;
                        }
                    }
                    'L' => match at(s, i + 2) {
                        'e' => {
                            starts_with_proper = true;
                            ends_with_non_ica_noun = false;
                        }
                        'n' => ends_with_non_ica_noun = true,
                        _ => {}
                    },
                    _ => {
                        if starts_at(s, i + 1, "Dg") {
                            starts_with_proper = false;
                        }
                    }
                }
            }
            if at(s, i + 1) == 'X' {
                // skip the lemma block up to and including "[X]"
                while i + 3 < n {
                    i += 1;
                    if starts_at(s, i, "[X]") {
                        i += 2;
                        break;
                    }
                }
            } else if starts_at(s, i + 1, "Bh") {
                i += 3;
                boundary_passed = true;
                hyphen_present = false;
                if required_hyphen_missing {
                    return false;
                }
                if hyphen_required {
                    required_hyphen_missing = true;
                }
            } else {
                i += 1;
                while i < n && s[i] != ']' {
                    i += 1;
                }
            }
        } else if c == '-' {
            starts_with_proper = false;
            ends_with_non_ica_noun = false;
            if i + 5 < n && starts_at(s, i + 1, "[Bh]") {
                boundary_passed = true;
                hyphen_present = true;
                i += 4;
            }
        } else {
            if boundary_passed {
                if last == '\0' || (before_last == 'i' && last == 's') {
                    hyphen_free = true;
                }
                if hyphen_required && hyphen_present {
                    hyphen_required = false;
                }
                if !(hyphen_free && hyphen_present) {
                    last = lower_char(last);
                    let next = lower_char(c);
                    let needs_hyphen = (last == next && VOWELS.contains(&last)) || last.is_ascii_digit();
                    if needs_hyphen != hyphen_present {
                        return false;
                    }
                }
                boundary_passed = false;
                if hyphen_free_just_set {
                    hyphen_free_just_set = false;
                } else {
                    hyphen_free = false;
                }
            }
            before_last = last;
            last = c;
        }
        i += 1;
    }
    !required_hyphen_missing && (!starts_with_proper || !ends_with_non_ica_noun)
}

/// Builder of a STRUCTURE string.
struct StructureBuilder {
    out: Vec<char>,
    title_case_next: bool,
    abbreviation: bool,
}

impl StructureBuilder {
    /// Appends `count` letters in the default case of the current word (upper for the first letter of a proper noun,
    /// `j`/`q` for abbreviations).
    fn defaults(&mut self, count: usize) {
        for _ in 0..count {
            let letter = if self.title_case_next {
                self.title_case_next = false;
                if self.abbreviation {
                    'j'
                } else {
                    'i'
                }
            } else if self.abbreviation {
                'q'
            } else {
                'p'
            };
            self.out.push(letter);
        }
    }
}

/// libvoikko's STRUCTURE: `=` at the start and at each morpheme/compound boundary, `-`/`:` copied, one letter per
/// character of the word (`p` lowercase, `i` uppercase, `q`/`j` the same inside abbreviations).
fn parse_structure(s: &[char], word_chars: usize) -> Vec<char> {
    let n = s.len();
    let mut b = StructureBuilder {
        out: vec!['='],
        title_case_next: false,
        abbreviation: false,
    };
    let mut missing = word_chars;
    let mut seen = 0usize;
    let mut from_default = 0usize;
    // Emits the letters seen since the last boundary and updates the count of letters still missing.
    fn flush(b: &mut StructureBuilder, missing: &mut usize, seen: usize, from_default: usize) {
        let pending = seen - from_default;
        b.defaults(pending);
        *missing = missing.checked_sub(pending).unwrap_or(0);
    }
    let mut i = 0;
    while i < n {
        let c = s[i];
        if c == '[' && i + 2 < n {
            if i + 3 < n && at(s, i + 1) == 'B' && at(s, i + 2) != 'h' && at(s, i + 3) == ']' {
                if i == 1 {
                    b.out.push('=');
                }
                if seen > from_default {
                    flush(&mut b, &mut missing, seen, from_default);
                }
                if i != 1 && i + 5 < n && b.out.last() != Some(&'=') {
                    b.out.push('=');
                }
                i += 3;
                seen = 0;
                from_default = 0;
            } else if i + 3 < n && at(s, i + 1) == 'X' && at(s, i + 3) == ']' {
                if at(s, i + 2) == 'r' {
                    // explicit structure for the following letters
                    b.title_case_next = false;
                    i += 4;
                    while i < n && s[i] != '[' && missing > 0 {
                        b.out.push(s[i]);
                        if s[i] != '=' {
                            from_default += 1;
                            if s[i] != '-' {
                                missing -= 1;
                            }
                        }
                        i += 1;
                    }
                    i += 2;
                } else {
                    i += 4;
                    while i < n && s[i] != '[' {
                        i += 1;
                    }
                    i += 2;
                }
            } else if i + 3 < n && at(s, i + 1) == 'L' {
                match at(s, i + 2) {
                    'e' => {
                        b.title_case_next = true;
                        b.abbreviation = false;
                        i += 4;
                    }
                    'n' if at(s, i + 3) == 'l' => {
                        b.abbreviation = false;
                        i += 4;
                    }
                    'a' => {
                        b.abbreviation = true;
                        i += 3;
                    }
                    'u' if i + 5 < n && (at(s, i + 3) == 'r' || at(s, i + 4).is_ascii_digit()) => {
                        b.abbreviation = true;
                        i += 3;
                        if at(s, i) == 'r' {
                            i += 1;
                        }
                    }
                    _ => {
                        b.abbreviation = false;
                        i += 3;
                    }
                }
            } else {
                while i < n && s[i] != ']' {
                    i += 1;
                }
            }
        } else if c == '-' {
            if seen > from_default {
                flush(&mut b, &mut missing, seen, from_default);
                b.out.push('-');
                seen = 0;
                from_default = 0;
            } else if i != 0 {
                if seen == from_default {
                    b.out.push('-');
                } else {
                    seen += 1;
                }
            }
            missing = missing.saturating_sub(1);
            if b.out.len() == 1 {
                b.out[0] = '-';
            }
        } else if c == ':' {
            if b.abbreviation {
                if seen > from_default {
                    flush(&mut b, &mut missing, seen, from_default);
                    seen = 0;
                    from_default = 0;
                }
                b.abbreviation = false;
            }
            b.out.push(':');
            missing = missing.saturating_sub(1);
        } else {
            seen += 1;
        }
        i += 1;
    }
    b.defaults(missing);
    b.out
}

/// Maps the letters of a `[L..]` class tag to libvoikko's class names.
fn class_name(code: &[char]) -> Option<&'static str> {
    let code: String = code.iter().collect();
    Some(match code.as_str() {
        "n" => "nimisana",
        "l" => "laatusana",
        "nl" => "nimisana_laatusana",
        "h" => "huudahdussana",
        "ee" => "etunimi",
        "es" => "sukunimi",
        "ep" => "paikannimi",
        "em" => "nimi",
        "t" => "teonsana",
        "a" => "lyhenne",
        "s" => "seikkasana",
        "u" | "ur" => "lukusana",
        "r" => "asemosana",
        "c" => "sidesana",
        "d" => "suhdesana",
        "k" => "kieltosana",
        "p" => "etuliite",
        _ => return None,
    })
}

/// The word class (libvoikko's CLASS), read from the tags of the last word of a compound, with libvoikko's
/// adjustments (comparatives and `-sti` adverbs of noun-adjectives are adjectives, past passive participles are
/// adjectives, a hyphen-ended first part alone is a prefix).
fn parse_class(s: &[char]) -> Option<&'static str> {
    let n = s.len();
    if n < 3 {
        return None;
    }
    let mut class: Option<&'static str> = None;
    let mut class_set = false;
    let mut sti_seen = false;
    let mut bc_passed = false;
    let mut comparison: Option<char> = None;
    let mut participle: Option<char> = None;
    let ends_with_ln = n >= 4 && starts_at(s, n - 4, "[Ln]");
    let mut i = n - 1;
    while i >= 2 {
        if s[i] == ']' {
            let mut j = i;
            let mut found = false;
            while j >= 1 {
                j -= 1;
                if s[j] == '[' {
                    found = true;
                    break;
                }
            }
            if found {
                let key = s.get(j + 2..i).unwrap_or(&[]);
                match at(s, j + 1) {
                    'L' if !class_set || at(s, j + 2) == ']' => {
                        if starts_at(s, j + 2, "nl") {
                            let graded = matches!(comparison, Some('c') | Some('s'));
                            class = Some(if sti_seen || graded || starts_at(s, 0, "[Lu]") {
                                "laatusana"
                            } else {
                                "nimisana_laatusana"
                            });
                        } else if class.is_none() {
                            class = class_name(key);
                        }
                        class_set = true;
                    }
                    'S' if !matches!(class, Some("etuliite") | Some("seikkasana"))
                        && j + 5 < n
                        && starts_at(s, j + 2, "sti") =>
                    {
                        sti_seen = true;
                    }
                    'C' if class.is_none() && comparison.is_none() && key.len() == 1 => {
                        comparison = key.first().copied().filter(|c| *c == 'c' || *c == 's');
                    }
                    'R' if !bc_passed
                        && participle.is_none()
                        && (class.is_none() || class == Some("laatusana") || ends_with_ln)
                        && key.len() == 1 =>
                    {
                        participle = key.first().copied().filter(|c| "vautme".contains(*c));
                    }
                    'B' if j >= 5 && at(s, j + 2) == 'c' => {
                        if !class_set && class.is_none() && (at(s, j - 1) == '-' || starts_at(s, j - 5, "-[Bh]")) {
                            class = Some("etuliite");
                            class_set = true;
                        }
                        bc_passed = true;
                    }
                    _ => {}
                }
            }
            if j < 3 {
                break;
            }
            i = j;
        }
        i -= 1;
    }
    if participle == Some('t') {
        class = Some("laatusana");
    }
    class
}

/// libvoikko's corrections to STRUCTURE: `[Dg]` (a derivation from a proper noun) makes the word lowercase; in
/// hyphenated place names (`[De]` … `-` … `[Lep]`) the first part is capitalised.
fn fix_structure(structure: &mut [char], s: &[char]) {
    let n = s.len();
    let mut is_de = false;
    let mut hyphens = 0usize;
    let mut j = 0;
    while j < n {
        if j + 3 < n && s[j] == '[' {
            if at(s, j + 1) == 'D' {
                if at(s, j + 2) == 'g' {
                    let mut hyphens_in_structure = 0usize;
                    for ch in structure.iter_mut() {
                        if *ch == 'i' {
                            if hyphens_in_structure == hyphens {
                                *ch = 'p';
                            }
                        } else if *ch == '-' {
                            hyphens_in_structure += 1;
                        }
                    }
                } else if at(s, j + 2) == 'e' {
                    is_de = true;
                }
            } else if starts_at(s, j + 1, "Ln]") {
                is_de = false;
            }
        } else if s[j] == '-' {
            hyphens += 1;
            if is_de {
                let mut to_upper = j == n - 1;
                j += 1;
                while !to_upper && j + 4 < n {
                    if starts_at(s, j, "[Lep]") {
                        to_upper = true;
                    }
                    j += 1;
                }
                if to_upper {
                    if let Some(first) = structure.iter_mut().find(|c| **c == 'i' || **c == 'p') {
                        *first = 'i';
                    }
                    return;
                }
            }
        }
        j += 1;
    }
}

/// A base form under construction; `pos` can move back to overwrite (libvoikko's buffer semantics).
struct BaseBuf {
    chars: Vec<char>,
    pos: usize,
}

impl BaseBuf {
    fn put(&mut self, c: char) {
        if self.pos < self.chars.len() {
            self.chars[self.pos] = c;
        } else {
            self.chars.push(c);
        }
        self.pos += 1;
    }

    fn finish(mut self) -> Vec<char> {
        self.chars.truncate(self.pos);
        self.chars
    }
}

/// Base form of a numeral (`[Lu]…`): digits kept as written, spelled-out parts replaced by their lemmas. `None` means
/// "not a plain numeral; use the general rule".
fn parse_numeral_baseform(s: &[char]) -> Option<Vec<char>> {
    let n = s.len();
    let mut in_xp = false;
    let mut in_xr = false;
    let mut in_tag = false;
    let mut in_digits = false;
    let mut xp_passed = false;
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let c = s[i];
        if i == 0 && (c.is_ascii_digit() || c == '-') {
            in_digits = true;
        }
        if c == '[' {
            if in_digits {
                in_digits = false;
                xp_passed = true;
            }
            if i + 2 >= n {
                return None;
            }
            if i + 6 < n && (starts_at(s, i, "[Xp]") || starts_at(s, i, "[Xj]")) {
                i += 3;
                in_xp = true;
            } else if i + 6 < n && starts_at(s, i, "[Xr]") {
                i += 3;
                in_xr = true;
            } else if i + 4 == n && starts_at(s, i, "[Bc]") {
                return None; // an unfinished numeral is really a prefix
            } else if i + 6 < n && starts_at(s, i, "[Bc]") {
                i += 3;
                xp_passed = false;
            } else if i + 6 < n && (starts_at(s, i, "[Ln]") || starts_at(s, i, "[Ll]") || starts_at(s, i, "[Lnl]")) {
                return None;
            } else if starts_at(s, i, "[X]") {
                if in_xp {
                    in_xp = false;
                    xp_passed = true;
                }
                in_xr = false;
                i += 2;
            } else {
                in_tag = true;
            }
        } else if in_xr {
        } else if in_tag {
            if c == ']' {
                in_tag = false;
            }
        } else if in_xp || in_digits || !xp_passed || c == '-' {
            out.push(c);
        }
        i += 1;
    }
    Some(out)
}

/// libvoikko's BASEFORM: the surface letters with the last stem replaced by its lemma (`[Xp]…[X]`), letters cased per
/// `structure`. If `boundaries` is given, the base-form positions of compound boundaries (`[Bc]`) and of boundaries
/// inside lexicalised compounds (`[Bm]`, `=` in a lemma) are recorded.
fn parse_baseform(s: &[char], structure: &[char], mut boundaries: Option<&mut Vec<Boundary>>) -> Option<Vec<char>> {
    let n = s.len();
    let mut b = BaseBuf {
        chars: Vec::with_capacity(n),
        pos: 0,
    };
    let mut latest_xp_start: usize = 0;
    let mut latest_xp_base: usize = 0;
    let mut hyphens_in_xp = 0usize;
    let mut structure_pos = 0usize;
    let mut in_xp = false;
    let mut in_xr = false;
    let mut in_tag = false;
    let mut ignore_next_de = false;
    let mut is_de = false;
    let mut class_seen = false;
    let mut i = 0;
    while i < n {
        let c = s[i];
        if c == '[' {
            if i + 2 >= n {
                return None;
            }
            if at(s, i + 1) == 'X' {
                if at(s, i + 2) == ']' {
                    in_xp = false;
                    in_xr = false;
                    i += 2;
                } else if i + 6 < n && at(s, i + 3) == ']' {
                    match at(s, i + 2) {
                        'p' | 'j' => {
                            i += 3;
                            in_xp = true;
                            latest_xp_start = i + 1;
                            latest_xp_base = b.pos;
                            hyphens_in_xp = 0;
                        }
                        'r' | 's' => {
                            i += 3;
                            in_xr = true;
                        }
                        _ => {}
                    }
                }
            } else if !class_seen && i + 6 < n && starts_at(s, i + 1, "Lu]") {
                i += 3;
                class_seen = true;
                if let Some(numeral) = s.get(i + 1..).and_then(parse_numeral_baseform) {
                    let mut out = b.finish();
                    out.extend(numeral);
                    return Some(out);
                }
            } else if starts_at(s, i + 1, "De]") {
                is_de = !ignore_next_de;
                i += 3;
            } else {
                if at(s, i + 1) == 'L' {
                    class_seen = true;
                    is_de = false;
                    ignore_next_de = i + 3 >= n || (at(s, i + 2) != 'l' && !starts_at(s, i + 2, "nl"));
                }
                if let Some(list) = boundaries.as_deref_mut() {
                    if starts_at(s, i, "[Bc]") {
                        list.push(Boundary {
                            pos: b.pos,
                            lexicalised: false,
                        });
                    } else if starts_at(s, i, "[Bm]") {
                        list.push(Boundary {
                            pos: b.pos,
                            lexicalised: true,
                        });
                    }
                }
                in_tag = true;
            }
        } else if in_xr {
        } else if in_tag {
            if c == ']' {
                in_tag = false;
            }
        } else if in_xp {
            if c == '-' {
                hyphens_in_xp += 1;
            }
        } else {
            let mut next = c;
            if next == '-' {
                if hyphens_in_xp > 0 {
                    hyphens_in_xp -= 1;
                } else {
                    // "Isolla-Britannialla": the first part of a hyphenated place name gets its own lemma ("Iso"),
                    // except for "-is" forms ("Pohjois-Suomella").
                    let ends_is = i >= 2 && at(s, i - 2) == 'i' && at(s, i - 1) == 's';
                    if is_de && latest_xp_start != 0 && !ends_is && (i..n).any(|j| starts_at(s, j, "[Lep]")) {
                        b.pos = latest_xp_base;
                        let mut k = latest_xp_start;
                        while k < n && s[k] != '[' {
                            if s[k] != '=' {
                                b.put(if k == latest_xp_start { upper_char(s[k]) } else { s[k] });
                            }
                            k += 1;
                        }
                    }
                    latest_xp_start = 0;
                }
                is_de = false;
            }
            while let Some(&pattern) = structure.get(structure_pos) {
                structure_pos += 1;
                if pattern != '=' {
                    if pattern == 'i' || pattern == 'j' {
                        next = upper_char(next);
                    }
                    break;
                }
            }
            b.put(next);
        }
        i += 1;
    }
    if latest_xp_start != 0 {
        b.pos = latest_xp_base;
        if let Some(list) = boundaries.as_deref_mut() {
            list.retain(|boundary| boundary.pos <= latest_xp_base);
        }
        let mut k = latest_xp_start;
        while k < n && s[k] != '[' {
            if s[k] != '=' {
                b.put(s[k]);
            } else if let Some(list) = boundaries.as_deref_mut() {
                list.push(Boundary {
                    pos: b.pos,
                    lexicalised: true,
                });
            }
            k += 1;
        }
    }
    if b.pos == 0 {
        return None;
    }
    Some(b.finish())
}

/// libvoikko adds a second analysis, class `nimi` with a capitalised first letter, for organisation-like compounds
/// (`[Ion]` after a compound boundary). Returns the structure of that extra analysis.
fn duplicate_org_name(class: Option<&str>, s: &[char], structure: &[char]) -> Option<Vec<char>> {
    if class != Some("nimisana") {
        return None;
    }
    let n = s.len();
    if n < 13 || s[0] == '-' || starts_at(s, 0, "[La]") {
        return None;
    }
    let mut i = n - 5;
    while i >= 8 {
        if starts_at(s, i, "[Bc]") {
            return None;
        }
        if starts_at(s, i, "[Ion]") {
            let mut j = i - 4;
            while j >= 4 {
                if starts_at(s, j, "[Bc]") {
                    if structure.len() < 2 {
                        return Some(structure.to_vec());
                    }
                    let mut new_structure = structure.to_vec();
                    new_structure[1] = 'i';
                    return Some(new_structure);
                }
                j -= 1;
            }
        }
        i -= 1;
    }
    None
}

/// A cut in a base form, in characters.
#[derive(Debug, Clone, Copy)]
struct Boundary {
    pos: usize,
    /// Inside a lexicalised compound (`toimen=pide`) rather than between compound parts.
    lexicalised: bool,
}

/// Cuts `base` at the character positions in `boundaries`; hyphens at the cuts are dropped.
fn segments_at(base: &str, boundaries: impl Iterator<Item = usize>) -> Vec<String> {
    let chars: Vec<char> = base.chars().collect();
    let mut cuts: Vec<usize> = boundaries.filter(|&p| p > 0 && p < chars.len()).collect();
    cuts.sort_unstable();
    cuts.dedup();
    if cuts.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    for end in cuts.into_iter().chain(std::iter::once(chars.len())) {
        let piece: String = chars.get(start..end).unwrap_or(&[]).iter().collect();
        let piece = piece.trim_matches('-');
        if !piece.is_empty() {
            out.push(piece.to_owned());
        }
        start = end;
    }
    if out.len() < 2 {
        return Vec::new();
    }
    out
}

/// The transducer output `s` cut at its compound boundaries (`[Bc]`).
fn compound_pieces(s: &[char]) -> Vec<&[char]> {
    let mut pieces: Vec<&[char]> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        if starts_at(s, i, "[Bc]") {
            pieces.push(&s[start..i]);
            start = i + 4;
            i += 4;
        } else {
            i += 1;
        }
    }
    pieces.push(&s[start..]);
    pieces
}

/// Base forms of the compound parts: the output is cut at `[Bc]` and each piece gets its own base form
/// (`[Lnl][Xp]terve[X]terve[Ln][Xj]ys[X]y[Sg][Ny]den` → `terveys`).
fn compound_parts(s: &[char]) -> Vec<String> {
    let pieces = compound_pieces(s);
    if pieces.len() < 2 {
        return Vec::new();
    }
    let mut parts = Vec::new();
    for piece in pieces {
        let Some(base) = parse_baseform(piece, &[], None) else {
            continue;
        };
        let base: String = base.into_iter().map(lower_char).collect();
        let base = base.trim_matches(|c| c == '-' || c == ':');
        if !base.is_empty() {
            parts.push(base.to_owned());
        }
    }
    if parts.len() < 2 {
        return Vec::new();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn structure_and_baseform_of_a_compound() {
        let out = chars("[Ln][Xp]alue[X]alue[Sn][Ny][Bh][Bc][Ln][Xp]valtuusto[X]valtuusto[Sine][Ny]ssa");
        assert!(is_valid_analysis(&out));
        let st = parse_structure(&out, 16);
        assert_eq!(st.iter().collect::<String>(), "=pppp=pppppppppppp");
        let base: String = parse_baseform(&out, &st, None)
            .unwrap_or_default()
            .into_iter()
            .collect();
        assert_eq!(base, "aluevaltuusto");
        assert_eq!(compound_parts(&out), ["alue", "valtuusto"]);
        assert_eq!(parse_class(&out), Some("nimisana"));
    }

    #[test]
    fn hyphenated_place_name() {
        let out = chars("[Lnl][De][Xp]iso[X]iso[Sade][Ny]lla-[Bc][Lep][Xp]Britannia[X]britannia[Sade][Ny]lla");
        let mut st = parse_structure(&out, 19);
        fix_structure(&mut st, &out);
        assert_eq!(st.iter().collect::<String>(), "=ippppp-=ippppppppppp");
        let base: String = parse_baseform(&out, &st, None)
            .unwrap_or_default()
            .into_iter()
            .collect();
        assert_eq!(base, "Iso-Britannia");
    }

    #[test]
    fn numerals_keep_their_digits() {
        let out = chars("[Lu]2022");
        let st = parse_structure(&out, 4);
        assert_eq!(st.iter().collect::<String>(), "=qqqq");
        let base: String = parse_baseform(&out, &st, None)
            .unwrap_or_default()
            .into_iter()
            .collect();
        assert_eq!(base, "2022");
    }

    #[test]
    fn lexicalised_compounds_of_words_are_split() {
        let m = Morphology::builtin();
        let parts = |w: &str| m.analyze(w).into_iter().map(|a| a.compound_parts).collect::<Vec<_>>();
        assert!(parts("elokuvaan").contains(&vec!["elo".to_owned(), "kuva".to_owned()]));
        assert!(parts("tasavallan").contains(&vec!["tasa".to_owned(), "valta".to_owned()]));
        // A genitive or a non-word piece, an adverb, and listed words stay whole.
        assert_eq!(parts("toimenpiteet"), [Vec::<String>::new()]);
        assert!(parts("hyvinvoinnin").iter().all(|p| p.is_empty()));
        assert!(parts("kilometriä").iter().all(|p| p.is_empty()));
        let detailed = m.analyze_detailed("elokuvaroolia");
        assert!(detailed
            .iter()
            .any(|d| d.base_form_segments == ["elo", "kuva", "rooli"]));
    }

    #[test]
    fn garbage_outputs_do_not_panic() {
        for s in [
            "",
            "[",
            "[X",
            "[Xp]",
            "-[Bh]",
            "[Bc]",
            "[Lu]",
            "[Ion][Bc]",
            "]]]]",
            "[Ln]-[Bh]x",
            "[Xr]ab",
        ] {
            let c = chars(s);
            let _ = is_valid_analysis(&c);
            let mut st = parse_structure(&c, 3);
            let _ = parse_class(&c);
            fix_structure(&mut st, &c);
            let _ = parse_baseform(&c, &st, None);
            let _ = compound_parts(&c);
            let _ = duplicate_org_name(Some("nimisana"), &c, &st);
        }
    }
}
