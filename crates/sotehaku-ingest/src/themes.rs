//! The theme taxonomy of the reform and the matcher that assigns themes to documents.
//!
//! The taxonomy lives in `data/themes.toml` (ids, Finnish and English labels, keywords with weights); see the
//! comments there for the keyword syntax. [`ThemeTaxonomy::builtin`] loads it; the index and the UI use
//! [`ThemeTaxonomy::label_fi`] to show Finnish names.
//!
//! Matching works on lowercase words with simple stemming (a base form matches its inflected forms and compounds
//! that start with it), so it needs no dictionary. A lemmatizer (e.g. the Finnish morphology) can be added with
//! [`ThemeTaxonomy::with_lemmatizer`]: its base forms are matched too, which catches consonant-gradation forms.

use std::collections::HashMap;

use serde::Deserialize;

use crate::document::Theme;
use crate::gazetteer::Lemmatizer;

const THEMES_TOML: &str = include_str!("../data/themes.toml");

/// One theme of the taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeInfo {
    pub id: String,
    /// Finnish label, e.g. "Lapsi- ja perhepalvelut, lastensuojelu".
    pub label_fi: String,
    pub label_en: String,
    keywords: Vec<Keyword>,
}

#[derive(Debug, Clone, PartialEq)]
struct Keyword {
    /// One pattern per word of a phrase.
    words: Vec<WordPattern>,
    weight: f32,
}

#[derive(Debug, Clone, PartialEq)]
struct WordPattern {
    stem: String,
    /// Leading `*`: the stem may stand inside a compound.
    inside: bool,
    /// For an inside pattern, the index of its stem in [`ThemeTaxonomy::inside_stems`].
    inside_id: usize,
}

impl WordPattern {
    fn parse(word: &str) -> WordPattern {
        let inside = word.starts_with('*');
        let explicit = word.ends_with('*');
        let core = word.trim_matches('*');
        let stem = if explicit { core.to_string() } else { stem_of(core) };
        WordPattern {
            stem,
            inside,
            inside_id: 0,
        }
    }
}

/// A base form without its final vowel (when long enough), so that inflected forms share it; `-nen` words drop the
/// ending, whose inflected forms have an `s` stem (`johtaminen` → `johtamisen`).
fn stem_of(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("nen").filter(|s| s.chars().count() >= 4) {
        return stem.to_string();
    }
    let chars: Vec<char> = word.chars().collect();
    match chars.last() {
        Some(c) if chars.len() >= 5 && "aeiouyäö".contains(*c) => chars[..chars.len() - 1].iter().collect(),
        _ => word.to_string(),
    }
}

#[derive(Deserialize)]
struct ThemesFile {
    min_score: f32,
    length_norm_words: f32,
    relative_to_top: f32,
    relative_cap: f32,
    max_themes: usize,
    theme: Vec<ThemeEntry>,
}

#[derive(Deserialize)]
struct ThemeEntry {
    id: String,
    fi: String,
    en: String,
    keywords: HashMap<String, f32>,
}

/// A malformed themes file.
#[derive(Debug, thiserror::Error)]
#[error("themes.toml: {0}")]
pub struct ThemesError(pub String);

/// The theme taxonomy and its matching thresholds.
#[derive(Clone)]
pub struct ThemeTaxonomy {
    themes: Vec<ThemeInfo>,
    min_score: f32,
    length_norm_words: f32,
    relative_to_top: f32,
    relative_cap: f32,
    max_themes: usize,
    lemmatizer: Option<Lemmatizer>,
    /// The stems of every inside-a-compound pattern, found in all of a text's words in one pass.
    inside_stems: aho_corasick::AhoCorasick,
    inside_stem_count: usize,
}

impl std::fmt::Debug for ThemeTaxonomy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThemeTaxonomy")
            .field("themes", &self.themes.len())
            .finish()
    }
}

impl ThemeTaxonomy {
    /// The taxonomy shipped in `data/themes.toml`.
    ///
    /// ```
    /// use sotehaku_ingest::themes::ThemeTaxonomy;
    /// let tax = ThemeTaxonomy::builtin();
    /// assert_eq!(tax.label_fi("oral-health"), Some("Suun terveydenhuolto"));
    /// let themes = tax.classify("Lastensuojelun avohuolto", "Lastensuojelulain mukainen sijaishuolto ja perhekeskukset.");
    /// assert_eq!(themes[0].as_str(), "child-welfare");
    /// ```
    pub fn builtin() -> &'static ThemeTaxonomy {
        static T: std::sync::OnceLock<ThemeTaxonomy> = std::sync::OnceLock::new();
        T.get_or_init(|| ThemeTaxonomy::parse(THEMES_TOML).unwrap_or_else(|e| panic!("built-in themes.toml: {e}")))
    }

    /// Parses a taxonomy in the format of `data/themes.toml`.
    pub fn parse(toml_text: &str) -> Result<ThemeTaxonomy, ThemesError> {
        let file: ThemesFile = toml::from_str(toml_text).map_err(|e| ThemesError(e.to_string()))?;
        let mut themes = Vec::new();
        for entry in file.theme {
            if entry.id.is_empty() || entry.keywords.is_empty() {
                return Err(ThemesError(format!("theme {:?} needs an id and keywords", entry.id)));
            }
            let mut keywords: Vec<Keyword> = entry
                .keywords
                .iter()
                .map(|(k, &weight)| Keyword {
                    words: k.to_lowercase().split_whitespace().map(WordPattern::parse).collect(),
                    weight,
                })
                .collect();
            keywords.sort_by(|a, b| format!("{:?}", a.words).cmp(&format!("{:?}", b.words)));
            themes.push(ThemeInfo {
                id: entry.id,
                label_fi: entry.fi,
                label_en: entry.en,
                keywords,
            });
        }
        let mut stems: Vec<String> = Vec::new();
        for theme in &mut themes {
            for keyword in &mut theme.keywords {
                for word in keyword.words.iter_mut().filter(|w| w.inside) {
                    word.inside_id = match stems.iter().position(|s| *s == word.stem) {
                        Some(i) => i,
                        None => {
                            stems.push(word.stem.clone());
                            stems.len() - 1
                        }
                    };
                }
            }
        }
        let inside_stems = aho_corasick::AhoCorasick::new(&stems).map_err(|e| ThemesError(e.to_string()))?;
        Ok(ThemeTaxonomy {
            themes,
            min_score: file.min_score,
            length_norm_words: file.length_norm_words.max(1.0),
            relative_to_top: file.relative_to_top,
            relative_cap: file.relative_cap,
            max_themes: file.max_themes,
            lemmatizer: None,
            inside_stems,
            inside_stem_count: stems.len(),
        })
    }

    /// Adds a lemmatizer whose base forms are matched besides the words themselves.
    pub fn with_lemmatizer(mut self, lemmatizer: Lemmatizer) -> ThemeTaxonomy {
        self.lemmatizer = Some(lemmatizer);
        self
    }

    pub fn themes(&self) -> &[ThemeInfo] {
        &self.themes
    }

    pub fn info(&self, id: &str) -> Option<&ThemeInfo> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// The Finnish label of a theme id.
    pub fn label_fi(&self, id: &str) -> Option<&str> {
        self.info(id).map(|t| t.label_fi.as_str())
    }

    /// Scores every theme on a title and a text; the title counts three times.
    pub fn scores(&self, title: &str, text: &str) -> Vec<(String, f32)> {
        let title_words = WordIndex::new(self.tokens(title), self);
        let text_words = WordIndex::new(self.tokens(text), self);
        self.themes
            .iter()
            .map(|theme| {
                let score: f32 = theme
                    .keywords
                    .iter()
                    .map(|k| {
                        let count = 3 * title_words.count_matches(&k.words) + text_words.count_matches(&k.words);
                        if count == 0 {
                            0.0
                        } else {
                            k.weight * (1.0 + (count as f32).ln())
                        }
                    })
                    .sum();
                (theme.id.clone(), score)
            })
            .collect()
    }

    /// The themes of a document, best first: those scoring at least the length-adjusted `min_score` and
    /// `relative_to_top` of the best.
    pub fn classify(&self, title: &str, text: &str) -> Vec<Theme> {
        let mut scores = self.scores(title, text);
        scores.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let top = scores.first().map(|s| s.1).unwrap_or(0.0).min(self.relative_cap);
        let words = text.split_whitespace().count() as f32;
        let min = self.min_score * (1.0 + 0.75 * (words / self.length_norm_words).max(1.0).ln());
        scores
            .into_iter()
            .filter(|(_, s)| *s >= min && *s >= top * self.relative_to_top)
            .take(self.max_themes)
            .map(|(id, _)| Theme(id))
            .collect()
    }

    /// Lowercase words, each with its lemmas when a lemmatizer is set.
    fn tokens(&self, text: &str) -> Vec<Vec<String>> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .map(|w| w.trim_matches('-'))
            .filter(|w| !w.is_empty())
            .map(|w| {
                let lower = w.to_lowercase();
                let mut forms = vec![lower];
                if let Some(lem) = &self.lemmatizer {
                    forms.extend(lem(w).into_iter().take(4).map(|l| l.to_lowercase()));
                }
                forms
            })
            .collect()
    }
}

/// The words of one text indexed by their distinct forms, so that a keyword is compared with each distinct form
/// once instead of with every running word (long minutes repeat the same words thousands of times).
struct WordIndex {
    /// Distinct forms (words and their lemmas), sorted: the forms a prefix matches form one contiguous range.
    forms: Vec<String>,
    /// Per running word, the ids (indexes into `forms`) of its forms.
    positions: Vec<Vec<u32>>,
    /// Per form id, the positions where it occurs (ascending, no repeats).
    postings: Vec<Vec<u32>>,
    /// Per inside stem of the taxonomy, the ids of the forms that contain it (ascending).
    inside_hits: Vec<Vec<u32>>,
}

/// The form ids a pattern matches: a range for a prefix pattern, a sorted list for an inside-a-compound pattern.
enum Matched<'a> {
    Range(u32, u32),
    List(&'a [u32]),
}

impl Matched<'_> {
    fn contains(&self, id: u32) -> bool {
        match self {
            Matched::Range(lo, hi) => (*lo..*hi).contains(&id),
            Matched::List(ids) => ids.binary_search(&id).is_ok(),
        }
    }

    fn ids(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        match self {
            Matched::Range(lo, hi) => Box::new(*lo..*hi),
            Matched::List(ids) => Box::new(ids.iter().copied()),
        }
    }
}

impl WordIndex {
    fn new(tokens: Vec<Vec<String>>, taxonomy: &ThemeTaxonomy) -> WordIndex {
        // Ids in first-seen order through a hash map, then renumbered in sorted order.
        let mut first_seen: HashMap<&str, u32> = HashMap::new();
        let mut unsorted: Vec<&str> = Vec::new();
        let positions_unsorted: Vec<Vec<u32>> = tokens
            .iter()
            .map(|word_forms| {
                word_forms
                    .iter()
                    .map(|f| {
                        *first_seen.entry(f.as_str()).or_insert_with(|| {
                            unsorted.push(f.as_str());
                            (unsorted.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        let mut order: Vec<u32> = (0..unsorted.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| unsorted[a as usize].cmp(unsorted[b as usize]));
        let mut renumber = vec![0u32; unsorted.len()];
        for (new_id, &old_id) in order.iter().enumerate() {
            renumber[old_id as usize] = new_id as u32;
        }
        let forms: Vec<String> = order.iter().map(|&i| unsorted[i as usize].to_string()).collect();
        let mut postings = vec![Vec::new(); forms.len()];
        let positions: Vec<Vec<u32>> = positions_unsorted
            .into_iter()
            .enumerate()
            .map(|(pos, ids)| {
                let mut ids: Vec<u32> = ids.into_iter().map(|id| renumber[id as usize]).collect();
                ids.sort_unstable();
                ids.dedup();
                for &id in &ids {
                    postings[id as usize].push(pos as u32);
                }
                ids
            })
            .collect();
        let mut inside_hits = vec![Vec::new(); taxonomy.inside_stem_count];
        for (id, form) in forms.iter().enumerate() {
            for hit in taxonomy.inside_stems.find_overlapping_iter(form.as_str()) {
                let list = &mut inside_hits[hit.pattern().as_usize()];
                if list.last() != Some(&(id as u32)) {
                    list.push(id as u32);
                }
            }
        }
        WordIndex {
            forms,
            positions,
            postings,
            inside_hits,
        }
    }

    fn matched(&self, pattern: &WordPattern) -> Matched<'_> {
        if pattern.inside {
            Matched::List(
                self.inside_hits
                    .get(pattern.inside_id)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            )
        } else {
            let lo = self.forms.partition_point(|f| f.as_str() < pattern.stem.as_str());
            let hi = lo + self.forms[lo..].partition_point(|f| f.starts_with(&pattern.stem));
            Matched::Range(lo as u32, hi as u32)
        }
    }

    /// How many times the keyword (a phrase of word patterns) occurs: a running word matches a pattern when any of
    /// its forms does.
    fn count_matches(&self, words: &[WordPattern]) -> usize {
        let n = words.len();
        if n == 0 || self.positions.len() < n {
            return 0;
        }
        let first = self.matched(&words[0]);
        let rest: Vec<Matched> = words[1..].iter().map(|w| self.matched(w)).collect();
        let mut starts: Vec<u32> = first
            .ids()
            .flat_map(|id| self.postings[id as usize].iter().copied())
            .collect();
        starts.sort_unstable();
        starts.dedup();
        starts
            .into_iter()
            .filter(|&start| {
                let start = start as usize;
                start + n <= self.positions.len()
                    && rest
                        .iter()
                        .enumerate()
                        .all(|(i, m)| self.positions[start + 1 + i].iter().any(|&id| m.contains(id)))
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_covers_the_issue_list() {
        let tax = ThemeTaxonomy::builtin();
        for id in [
            "child-welfare",
            "older-people",
            "disability",
            "mental-health-substance-abuse",
            "primary-care",
            "specialised-care",
            "oral-health",
            "emergency-care",
            "rescue-services",
            "health-promotion",
            "finance",
            "staff",
            "ict-knowledge",
            "freedom-of-choice",
            "client-guidance",
            "integration-employment",
            "ngos-parishes",
            "governance-elections",
            "municipality-county-interfaces",
            "covid-19",
        ] {
            assert!(tax.info(id).is_some(), "{id} missing");
        }
    }

    #[test]
    fn phrases_and_compounds() {
        let tax = ThemeTaxonomy::builtin();
        let t = tax.classify(
            "Varasairaalan sairaansijat covid-19 -potilaille",
            "Koronapotilaiden hoito sairaalassa.",
        );
        let ids: Vec<&str> = t.iter().map(Theme::as_str).collect();
        assert!(
            ids.contains(&"covid-19") && ids.contains(&"specialised-care"),
            "{ids:?}"
        );
        assert!(tax.classify("Kokous", "Kokous alkoi ajallaan.").is_empty());
    }
}
