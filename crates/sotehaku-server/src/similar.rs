//! "More like this": documents similar to a given one, found by searching for its most distinctive words.
//!
//! Candidate words are the document's most frequent longer words (title words count more); each is weighed by
//! how rare it is in the index (one counting search per candidate, at most [`MAX_CANDIDATES`]), and the best
//! [`MAX_TERMS`] are searched for together. The index's analysis chain then matches their inflected forms.

use std::collections::HashMap;

use serde::Serialize;
use sotehaku::{Document, Engine, Hit, Query};

use crate::problem::Problem;

/// Candidate words whose rarity is looked up.
pub const MAX_CANDIDATES: usize = 30;
/// Words in the similarity query.
pub const MAX_TERMS: usize = 12;
/// Characters of the document read for candidate words.
const MAX_TEXT_CHARS: usize = 20_000;

/// Documents similar to one document.
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    /// The document they are similar to.
    pub id: String,
    /// The words that were searched for.
    pub terms: Vec<String>,
    /// The similar documents, most similar first (never the document itself).
    pub hits: Vec<Hit>,
}

/// Finds up to `limit` documents similar to `doc`; with `public`, only documents the public may see today.
pub fn similar(engine: &Engine, doc: &Document, limit: usize, public: bool) -> Result<Similar, Problem> {
    let mut counts: HashMap<String, f64> = HashMap::new();
    let title_words = words(&doc.title).map(|w| (w, 3.0));
    let text_words = words(&truncate_chars(&doc.text, MAX_TEXT_CHARS))
        .map(|w| (w, 1.0))
        .collect::<Vec<_>>();
    for (word, weight) in title_words.collect::<Vec<_>>().into_iter().chain(text_words) {
        *counts.entry(word).or_default() += weight;
    }
    let mut candidates: Vec<(String, f64)> = counts.into_iter().collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(MAX_CANDIDATES);

    let n = engine.num_docs().max(1) as f64;
    let mut weighted = Vec::with_capacity(candidates.len());
    for (word, tf) in candidates {
        let df = engine.search(&Query::new(word.clone()).limit(1).snippets(false))?.total as f64;
        // A word the index does not know (a stop word, say) or that is in most documents says nothing.
        if df < 1.0 || df > n * 0.5 {
            continue;
        }
        weighted.push((word, (1.0 + tf.ln()) * (n / df).ln()));
    }
    weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    weighted.truncate(MAX_TERMS);
    let terms: Vec<String> = weighted.into_iter().map(|(w, _)| w).collect();
    if terms.is_empty() {
        return Ok(Similar {
            id: doc.id.clone(),
            terms,
            hits: Vec::new(),
        });
    }
    let mut query = Query::new(terms.join(" ")).limit(limit + 1);
    if public {
        query = query.visible_on(chrono::Utc::now().date_naive());
    }
    let results = engine.search(&query)?;
    let hits = results
        .hits
        .into_iter()
        .filter(|h| h.id != doc.id)
        .take(limit)
        .collect();
    Ok(Similar {
        id: doc.id.clone(),
        terms,
        hits,
    })
}

/// Lower-cased words of at least four letters; they hold no query syntax (only letters and digits).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && w.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_hold_no_query_syntax() {
        let w: Vec<String> = words("Sote-uudistus: \"AND\" (title:terveys) OR 2021 ab").collect();
        assert_eq!(w, ["sote", "uudistus", "title", "terveys"]);
    }
}
