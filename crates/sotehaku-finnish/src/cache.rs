//! A bounded, thread-safe cache of analysed word forms ([`AnalysisCache`]), so that the frequent words of a corpus
//! are analysed once. Backed by `quick_cache` (sharded, CLOCK-Pro eviction); lookups by `&str` do not allocate.

use std::sync::Arc;

use quick_cache::sync::Cache;

use crate::analyze::WordAnalysis;

/// Default number of word forms kept by the built-in analyzer's cache.
pub const DEFAULT_CAPACITY: usize = 200_000;

/// Word forms longer than this many bytes are analysed but not cached (they are rare and would waste room).
const MAX_CACHED_KEY_BYTES: usize = 64;

/// A bounded cache from a word form (as the tokenizer emitted it) to its analysis.
pub struct AnalysisCache {
    inner: Cache<String, Arc<WordAnalysis>>,
}

impl std::fmt::Debug for AnalysisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisCache")
            .field("len", &self.inner.len())
            .field("capacity", &self.inner.capacity())
            .finish()
    }
}

impl AnalysisCache {
    /// A cache holding at most about `capacity` word forms.
    ///
    /// ```
    /// use sotehaku_finnish::cache::AnalysisCache;
    /// let cache = AnalysisCache::new(1000);
    /// assert_eq!(cache.get("talo"), None);
    /// ```
    pub fn new(capacity: usize) -> Self {
        AnalysisCache {
            inner: Cache::new(capacity.max(16)),
        }
    }

    /// The cached analysis of `word`, if any.
    #[inline]
    pub fn get(&self, word: &str) -> Option<Arc<WordAnalysis>> {
        self.inner.get(word)
    }

    /// Stores the analysis of `word` (skipped for very long words).
    pub fn insert(&self, word: &str, analysis: Arc<WordAnalysis>) {
        if word.len() <= MAX_CACHED_KEY_BYTES {
            self.inner.insert(word.to_string(), analysis);
        }
    }

    /// Number of cached word forms.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Is the cache empty?
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}
