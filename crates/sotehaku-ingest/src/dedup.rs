//! Near-duplicate detection: the same release republished on several sites, or a page re-crawled with new
//! boilerplate, folds into one canonical [`Document`] that lists the other URLs.
//!
//! Each document's text (lowercase words) is cut into overlapping 5-word shingles; a MinHash signature of
//! [`NUM_HASHES`] values estimates the Jaccard similarity of two shingle sets. Locality-sensitive hashing over
//! bands of the signature finds candidate pairs without comparing every pair; a candidate whose estimated
//! similarity reaches the threshold is a duplicate. The first document seen is the canonical one, unless a later
//! copy has an earlier publication date.

use std::collections::HashMap;

use crate::document::Document;

/// Signature length.
pub const NUM_HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = NUM_HASHES / BANDS;
const SHINGLE_WORDS: usize = 5;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u64; NUM_HASHES]);

impl Signature {
    /// The signature of a text. Texts shorter than one shingle use their words as shingles.
    pub fn of(text: &str) -> Signature {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut sig = [u64::MAX; NUM_HASHES];
        let mut feed = |h: u64| {
            for (i, slot) in sig.iter_mut().enumerate() {
                let v = mix(h ^ SEEDS[i]);
                if v < *slot {
                    *slot = v;
                }
            }
        };
        if words.len() < SHINGLE_WORDS {
            for w in &words {
                feed(fnv1a(w.as_bytes()));
            }
        } else {
            for window in words.windows(SHINGLE_WORDS) {
                let mut h = 0xcbf29ce484222325u64;
                for w in window {
                    h = fnv1a_continue(h, w.as_bytes());
                    h = fnv1a_continue(h, b" ");
                }
                feed(h);
            }
        }
        Signature(sig)
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let same = self
            .0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b && **a != u64::MAX)
            .count();
        same as f64 / NUM_HASHES as f64
    }

    fn band_keys(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        (0..BANDS).map(move |b| {
            let mut h = 0xcbf29ce484222325u64;
            for v in &self.0[b * ROWS..(b + 1) * ROWS] {
                h = fnv1a_continue(h, &v.to_le_bytes());
            }
            (b, h)
        })
    }
}

const SEEDS: [u64; NUM_HASHES] = {
    let mut seeds = [0u64; NUM_HASHES];
    let mut x = 0x9E3779B97F4A7C15u64;
    let mut i = 0;
    while i < NUM_HASHES {
        x = x.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        seeds[i] = z ^ (z >> 31);
        i += 1;
    }
    seeds
};

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_continue(0xcbf29ce484222325, bytes)
}

fn fnv1a_continue(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// What happened to a document given to [`Deduplicator::add`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DedupOutcome {
    /// A new canonical document.
    New,
    /// A copy of the canonical document with this id; its URL was added to that document's `other_urls`.
    DuplicateOf(String),
}

/// Folds near-duplicates into canonical documents.
///
/// ```
/// use sotehaku_ingest::dedup::{DedupOutcome, Deduplicator};
/// use sotehaku_ingest::Document;
/// let body = "Hyvinvointialueen aluehallitus käsitteli kokouksessaan palveluverkon kehittämistä ja esittää \
///             aluevaltuustolle kahden terveysaseman yhdistämistä uuteen hyvinvointikeskukseen syksyllä.";
/// let mut a = Document::new("a", "Tiedote", body);
/// a.url = Some("https://a.example/tiedote".into());
/// let mut b = Document::new("b", "Tiedote", format!("{body} Jaa Facebookissa."));
/// b.url = Some("https://b.example/uutinen".into());
/// let mut dedup = Deduplicator::new(0.7);
/// assert_eq!(dedup.add(a), DedupOutcome::New);
/// assert_eq!(dedup.add(b), DedupOutcome::DuplicateOf("a".into()));
/// let docs = dedup.into_documents();
/// assert_eq!(docs.len(), 1);
/// assert_eq!(docs[0].other_urls, ["https://b.example/uutinen"]);
/// ```
#[derive(Debug)]
pub struct Deduplicator {
    threshold: f64,
    docs: Vec<Document>,
    signatures: Vec<Signature>,
    buckets: HashMap<(usize, u64), Vec<usize>>,
}

impl Default for Deduplicator {
    fn default() -> Self {
        Deduplicator::new(0.8)
    }
}

impl Deduplicator {
    /// A deduplicator folding documents whose estimated Jaccard similarity is at least `threshold` (0.8 is a good
    /// default: republished releases score above 0.9, different releases of one county below 0.3).
    pub fn new(threshold: f64) -> Deduplicator {
        Deduplicator {
            threshold,
            docs: Vec::new(),
            signatures: Vec::new(),
            buckets: HashMap::new(),
        }
    }

    /// Adds a document: either it becomes canonical, or it is folded into an existing one.
    pub fn add(&mut self, doc: Document) -> DedupOutcome {
        let sig = Signature::of(&format!("{}\n{}", doc.title, doc.text));
        let mut best: Option<(usize, f64)> = None;
        let mut seen = Vec::new();
        for key in sig.band_keys() {
            if let Some(cands) = self.buckets.get(&key) {
                for &c in cands {
                    if seen.contains(&c) {
                        continue;
                    }
                    seen.push(c);
                    let s = sig.similarity(&self.signatures[c]);
                    if s >= self.threshold && best.is_none_or(|(_, b)| s > b) {
                        best = Some((c, s));
                    }
                }
            }
        }
        match best {
            Some((c, _)) => {
                let canonical_id = self.fold(c, doc);
                DedupOutcome::DuplicateOf(canonical_id)
            }
            None => {
                let idx = self.docs.len();
                for key in sig.band_keys() {
                    self.buckets.entry(key).or_default().push(idx);
                }
                self.docs.push(doc);
                self.signatures.push(sig);
                DedupOutcome::New
            }
        }
    }

    /// Folds `copy` into document `c`; an earlier-published copy takes over as canonical, keeping the URLs.
    fn fold(&mut self, c: usize, mut copy: Document) -> String {
        let canonical = &mut self.docs[c];
        let earlier = match (
            copy.published.and_then(|d| d.earliest()),
            canonical.published.and_then(|d| d.earliest()),
        ) {
            (Some(a), Some(b)) => a < b,
            (Some(_), None) => true,
            _ => false,
        };
        if earlier {
            std::mem::swap(canonical, &mut copy);
            canonical.other_urls.append(&mut copy.other_urls);
        }
        // `copy` is now the one being folded away.
        for url in copy.url.into_iter().chain(copy.other_urls) {
            if canonical.url.as_deref() != Some(url.as_str()) && !canonical.other_urls.contains(&url) {
                canonical.other_urls.push(url);
            }
        }
        for region in copy.regions {
            if !canonical.regions.contains(&region) {
                canonical.regions.push(region);
            }
        }
        canonical.id.clone()
    }

    /// The canonical documents, in the order they were first seen.
    pub fn into_documents(self) -> Vec<Document> {
        self.docs
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_texts_stay_apart_and_earlier_copy_becomes_canonical() {
        let a = "Päijät-Hämeen hyvinvointialue avaa uuden terveysaseman Lahden keskustaan ensi vuoden alussa ja \
                 siirtää sinne kahden nykyisen aseman palvelut asteittain kevään aikana.";
        let b = "Kainuun hyvinvointialueen aluevaltuusto hyväksyi talousarvion ja investointisuunnitelman vuosille \
                 2024–2026 äänin 45–14 pitkän keskustelun jälkeen tiistaina.";
        assert!(Signature::of(a).similarity(&Signature::of(b)) < 0.2);
        let mut d = Deduplicator::default();
        let mut first = Document::new("late", "T", a);
        first.url = Some("https://late".into());
        first.published = Some("2023-02-01".parse().unwrap());
        let mut second = Document::new("early", "T", a);
        second.url = Some("https://early".into());
        second.published = Some("2023-01-15".parse().unwrap());
        d.add(first);
        assert_eq!(d.add(Document::new("other", "T", b)), DedupOutcome::New);
        assert_eq!(d.add(second), DedupOutcome::DuplicateOf("early".into()));
        let docs = d.into_documents();
        assert_eq!(docs[0].id, "early");
        assert_eq!(docs[0].other_urls, ["https://late"]);
    }
}
