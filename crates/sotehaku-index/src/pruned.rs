//! The best hits of a query among documents already known to be eligible, found with tantivy's pruning.
//!
//! A faceted search must visit every match to count it, but it need not *score* every match. For a flat disjunction
//! of terms, [`search`] first collects the eligible matches without scores (filters, facets and totals are counted
//! in that pass, see [`MatchSet`]), then asks tantivy's `Weight::for_each_pruning` for the best ones. On a term union
//! that is block-max WAND: blocks of postings whose best possible score cannot beat the current top `k` are skipped.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BitSetDocSet, EnableScoring, Query};
use tantivy::{BitSet, DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

/// Collects the matching documents of each segment into a bit set, without scores.
pub(crate) struct MatchSet;

/// The matches of one segment.
pub(crate) struct SegmentMatches {
    segment: SegmentOrdinal,
    docs: BitSet,
}

impl Collector for MatchSet {
    type Fruit = Vec<(SegmentOrdinal, BitSet)>;
    type Child = SegmentMatches;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            segment,
            docs: BitSet::with_max_value(reader.max_doc()),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(SegmentOrdinal, BitSet)>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (SegmentOrdinal, BitSet);

    #[inline]
    fn collect(&mut self, doc: DocId, _score: Score) {
        self.docs.insert(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &doc in docs {
            self.docs.insert(doc);
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.segment, self.docs)
    }
}

/// A hit in the heap of the best ones: the heap's top is the worst hit kept.
#[derive(PartialEq)]
struct Ranked {
    score: Score,
    address: DocAddress,
}

impl Eq for Ranked {}

impl Ord for Ranked {
    /// Better is a higher score, then (as tantivy's `TopDocs` orders ties) a lower address; the heap keeps the
    /// greatest on top, so "greater" here means "worse".
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.address.cmp(&other.address))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An eligible segment with at most 1/16 of its documents is scored document by document rather than pruned.
const FEW_ELIGIBLE: u64 = 16;

/// The best hits so far: at most `wanted`, the worst on top of the heap.
struct Best {
    heap: BinaryHeap<Ranked>,
    wanted: usize,
}

impl Best {
    /// The score a hit must beat to be kept.
    fn bar(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.heap.len() == self.wanted => worst.score,
            _ => Score::MIN,
        }
    }

    /// Keeps the hit if it is among the best; returns the new bar.
    fn keep(&mut self, address: DocAddress, score: Score) -> Score {
        self.heap.push(Ranked { score, address });
        if self.heap.len() > self.wanted {
            self.heap.pop();
        }
        self.bar()
    }
}

/// The `limit` best hits after skipping `offset`, best first, among the documents of `eligible` (per segment, as
/// [`MatchSet`] returns them). The query's scores are those of a plain scored search.
pub(crate) fn search(
    searcher: &Searcher,
    query: &dyn Query,
    eligible: &[(SegmentOrdinal, BitSet)],
    offset: usize,
    limit: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let wanted = offset + limit;
    if wanted == 0 {
        return Ok(Vec::new());
    }
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut best = Best {
        heap: BinaryHeap::with_capacity(wanted + 1),
        wanted,
    };
    for (segment, docs) in eligible {
        if docs.len() == 0 {
            continue;
        }
        let reader = searcher.segment_reader(*segment);
        let address = |doc| DocAddress::new(*segment, doc);
        if docs.len() as u64 * FEW_ELIGIBLE <= u64::from(reader.max_doc()) {
            // Few eligible documents (a narrow filter): they would rarely raise the bar, so pruning would still
            // score most matches. Jump from one eligible document to the next instead.
            let mut scorer = weight.scorer(reader, 1.0)?;
            let mut next = BitSetDocSet::from(docs.clone());
            while next.doc() != TERMINATED {
                let doc = next.doc();
                if scorer.doc() <= doc && scorer.seek(doc) == doc {
                    best.keep(address(doc), scorer.score());
                }
                next.advance();
            }
        } else {
            // The bar is carried over from the segments before: a hit that cannot beat the kept ones is not needed
            // from this segment either.
            weight.for_each_pruning(best.bar(), reader, &mut |doc, score| {
                if docs.contains(doc) {
                    best.keep(address(doc), score)
                } else {
                    best.bar()
                }
            })?;
        }
    }
    // `into_sorted_vec` is ascending in `Ord`, which here is best first.
    Ok(best
        .heap
        .into_sorted_vec()
        .into_iter()
        .skip(offset)
        .map(|r| (r.score, r.address))
        .collect())
}

#[cfg(test)]
mod tests {
    use sotehaku_ingest::Document;
    use tantivy::collector::TopDocs;

    use super::*;
    use crate::{AnalyzerKind, SearchIndex};

    const WORDS: [&str; 12] = [
        "hoito",
        "palvelu",
        "kunta",
        "sote",
        "uudistus",
        "alue",
        "lapsi",
        "koulu",
        "talous",
        "valtuusto",
        "päätös",
        "asiakas",
    ];

    /// 300 documents of different lengths and word mixes in three segments, a few of them deleted.
    fn index() -> SearchIndex {
        let index = SearchIndex::in_memory(AnalyzerKind::Plain).unwrap();
        let mut indexer = index.indexer().unwrap();
        let mut seed: u64 = 7;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for i in 0..300 {
            let len = 3 + next(60) as usize;
            let text: Vec<&str> = (0..len).map(|_| WORDS[next(WORDS.len() as u64) as usize]).collect();
            let title = WORDS[next(WORDS.len() as u64) as usize];
            indexer
                .upsert(&Document::new(format!("d{i}"), title, text.join(" ")))
                .unwrap();
            if i % 100 == 99 {
                indexer.commit().unwrap();
            }
        }
        for i in [5, 150, 299] {
            indexer.delete(&format!("d{i}"));
        }
        indexer.commit().unwrap();
        index.reload().unwrap();
        index
    }

    #[test]
    fn pruned_best_hits_are_those_of_a_full_scored_search_among_the_eligible() {
        let index = index();
        let searcher = index.reader.searcher();
        // A broad filter (pruned search) and a narrow one (every eligible document scored).
        type Filter = fn(DocId) -> bool;
        let filters: [(&str, Filter); 2] = [("2 in 3", |d| d % 3 != 0), ("1 in 20", |d| d % 20 == 0)];
        for text in ["sote uudistus", "hoito palvelu kunta lapsi", "valtuusto"] {
            let built = index.build_query(text).unwrap();
            assert!(built.flat, "{text:?} is a bag of words");
            let query = built.query.as_ref();
            let all = searcher
                .search(query, &TopDocs::with_limit(1000).order_by_score())
                .unwrap();
            for (filter, keep) in filters {
                let mut eligible = searcher.search(query, &MatchSet).unwrap();
                for (_, docs) in &mut eligible {
                    for doc in (0..docs.max_value()).filter(|&d| !keep(d)) {
                        docs.remove(doc);
                    }
                }
                let is_eligible = |a: &DocAddress| {
                    eligible
                        .iter()
                        .any(|(s, docs)| *s == a.segment_ord && docs.contains(a.doc_id))
                };
                let expected: Vec<&(Score, DocAddress)> = all.iter().filter(|(_, a)| is_eligible(a)).collect();
                assert!(
                    expected.len() >= 10,
                    "{text:?} {filter}: {} eligible hits",
                    expected.len()
                );
                for (offset, limit) in [(0, 10), (0, 1), (7, 20), (30, 500)] {
                    let got = search(&searcher, query, &eligible, offset, limit).unwrap();
                    let want: Vec<_> = expected.iter().skip(offset).take(limit).collect();
                    assert_eq!(got.len(), want.len(), "{text:?} {filter} {offset}+{limit}");
                    for (g, w) in got.iter().zip(want) {
                        assert_eq!(
                            g.1, w.1,
                            "{text:?} {filter} {offset}+{limit}: same hit at the same rank"
                        );
                        assert!((g.0 - w.0).abs() < 1e-4, "{text:?} {filter}: same score");
                    }
                }
            }
        }
    }
}
