//! Facet counting over per-segment tables that are built once and cached.
//!
//! tantivy's `FacetCollector` reads every hit's facet ordinals through the column index and, at the end of each
//! search, turns every counted ordinal back into its facet by scanning the term dictionary. Over a 72k-document
//! index those two steps were about 40% of a faceted query. A segment never changes once written (deletes only hide
//! documents, and hidden documents are never collected), so the document → ordinals lists and the ordinal → label
//! table of each segment are computed on first use and kept until the segment leaves the index.
//!
//! [`FilteredFacetSearch`] applies the facet and date filters itself rather than in the query, and so counts the
//! disjunctive facets in the same pass: a hit that fails exactly one filter still counts for that filter's own
//! dimension ("drill sideways"). Re-running the query once per filtered dimension cost as much as the search.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::store::StoreReader;
use tantivy::{BitSet, DateTime, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// Facet counts of one dimension: (label — the facet's last path component —, number of hits), each label once,
/// only labels with hits.
pub(crate) type DimensionCounts = Vec<(Arc<str>, u64)>;

/// The facet ordinals of every document of one segment, for one facet field, and each ordinal's label.
#[derive(Debug)]
struct FacetColumn {
    ords: DocOrds,
    labels: Vec<Arc<str>>,
}

/// Each document's facet ordinals, in the most compact layout the column allows: counting a hit is then one load,
/// and a narrow layout keeps more of the column in the CPU caches while a search walks it.
#[derive(Debug)]
enum DocOrds {
    /// No document has more than one value (type, year, month): its ordinal, or the layout's largest value for none.
    Single(Narrow),
    /// At most 32 values (regions, themes): a bit per ordinal.
    Mask32(Vec<u32>),
    /// At most 64 values: a bit per ordinal.
    Mask64(Vec<u64>),
    /// Otherwise `ords[offsets[doc]..offsets[doc + 1]]`.
    Lists { offsets: Vec<u32>, ords: Vec<u32> },
}

/// One small number per document, in the narrowest type that holds them all.
#[derive(Debug)]
enum Narrow {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Narrow {
    /// `values` (each below `bound`, or [`NO_ORD`]) in the narrowest layout; [`NO_ORD`] becomes the layout's maximum.
    fn new(values: impl Iterator<Item = u32>, bound: usize) -> Narrow {
        if bound < u8::MAX as usize {
            Narrow::U8(values.map(|v| u8::try_from(v).unwrap_or(u8::MAX)).collect())
        } else if bound < u16::MAX as usize {
            Narrow::U16(values.map(|v| u16::try_from(v).unwrap_or(u16::MAX)).collect())
        } else {
            Narrow::U32(values.collect())
        }
    }

    #[inline]
    fn get(&self, doc: DocId) -> Option<u32> {
        let doc = doc as usize;
        let (value, none) = match self {
            Narrow::U8(v) => (v.get(doc).map(|&x| u32::from(x)), u32::from(u8::MAX)),
            Narrow::U16(v) => (v.get(doc).map(|&x| u32::from(x)), u32::from(u16::MAX)),
            Narrow::U32(v) => (v.get(doc).copied(), NO_ORD),
        };
        value.filter(|&v| v != none)
    }
}

/// Adds one to `counts[ord]` for the ordinal of each of `docs` in `values`; the out-of-range "none" is skipped by
/// the bounds check.
fn count_single<T: Copy + Into<u32>>(values: &[T], docs: &[DocId], counts: &mut [u64]) {
    for &doc in docs {
        if let Some(&v) = values.get(doc as usize) {
            if let Some(slot) = counts.get_mut(v.into() as usize) {
                *slot += 1;
            }
        }
    }
}

/// Adds one to `counts[ord]` for each bit `ord` of each of `docs`' masks.
fn count_masks<T: Copy + Into<u64>>(masks: &[T], docs: &[DocId], counts: &mut [u64]) {
    for &doc in docs {
        let mut mask: u64 = masks.get(doc as usize).map_or(0, |&m| m.into());
        while mask != 0 {
            if let Some(slot) = counts.get_mut(mask.trailing_zeros() as usize) {
                *slot += 1;
            }
            mask &= mask - 1;
        }
    }
}

/// A document without a value, while a column is built.
const NO_ORD: u32 = u32::MAX;

impl FacetColumn {
    fn build(segment: &SegmentReader, field_name: &str) -> tantivy::Result<FacetColumn> {
        let reader = segment.facet_reader(field_name)?;
        let mut labels = Vec::with_capacity(reader.num_facets());
        let mut facet = Facet::root();
        for ord in 0..reader.num_facets() as u64 {
            reader.facet_from_ord(ord, &mut facet)?;
            labels.push(Arc::from(facet.to_path().last().copied().unwrap_or_default()));
        }
        let max_doc = segment.max_doc();
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut ords = Vec::with_capacity(max_doc as usize);
        offsets.push(0);
        for doc in 0..max_doc {
            ords.extend(
                reader
                    .facet_ords(doc)
                    .filter_map(|o| u32::try_from(o).ok())
                    .filter(|&o| (o as usize) < labels.len()),
            );
            offsets.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
        }
        let lists = |doc: usize| {
            let (start, end) = (offsets[doc] as usize, offsets[doc + 1] as usize);
            ords.get(start..end).unwrap_or(&[])
        };
        let docs = 0..max_doc as usize;
        let mask = |d: usize| lists(d).iter().fold(0u64, |m, &o| m | (1u64 << o));
        let ords = if offsets.windows(2).all(|w| w[1].saturating_sub(w[0]) <= 1) {
            DocOrds::Single(Narrow::new(
                docs.map(|d| lists(d).first().copied().unwrap_or(NO_ORD)),
                labels.len(),
            ))
        } else if labels.len() <= 32 {
            DocOrds::Mask32(docs.map(|d| mask(d) as u32).collect())
        } else if labels.len() <= 64 {
            DocOrds::Mask64(docs.map(mask).collect())
        } else {
            DocOrds::Lists { offsets, ords }
        };
        Ok(FacetColumn { ords, labels })
    }

    /// Adds one to `counts[ord]` for each ordinal of each of `docs`.
    fn count(&self, docs: &[DocId], counts: &mut [u64]) {
        match &self.ords {
            DocOrds::Single(Narrow::U8(values)) => count_single(values, docs, counts),
            DocOrds::Single(Narrow::U16(values)) => count_single(values, docs, counts),
            DocOrds::Single(Narrow::U32(values)) => count_single(values, docs, counts),
            DocOrds::Mask32(masks) => count_masks(masks, docs, counts),
            DocOrds::Mask64(masks) => count_masks(masks, docs, counts),
            DocOrds::Lists { .. } => {
                for &doc in docs {
                    for &ord in self.ords_of(doc) {
                        if let Some(slot) = counts.get_mut(ord as usize) {
                            *slot += 1;
                        }
                    }
                }
            }
        }
    }

    /// Whether `doc` has one of the ordinals `allowed` marks.
    #[inline]
    fn has_any(&self, doc: DocId, allowed: &Allowed) -> bool {
        match &self.ords {
            DocOrds::Single(single) => single
                .get(doc)
                .is_some_and(|ord| allowed.ords.get(ord as usize).copied().unwrap_or(false)),
            DocOrds::Mask32(masks) => masks
                .get(doc as usize)
                .is_some_and(|&m| u64::from(m) & allowed.mask != 0),
            DocOrds::Mask64(masks) => masks.get(doc as usize).is_some_and(|m| m & allowed.mask != 0),
            DocOrds::Lists { .. } => self
                .ords_of(doc)
                .iter()
                .any(|&ord| allowed.ords.get(ord as usize).copied().unwrap_or(false)),
        }
    }

    fn ords_of(&self, doc: DocId) -> &[u32] {
        match &self.ords {
            DocOrds::Lists { offsets, ords } => {
                let start = offsets.get(doc as usize).copied().unwrap_or(0) as usize;
                let end = offsets.get(doc as usize + 1).copied().unwrap_or(0) as usize;
                ords.get(start..end).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// The ordinals whose labels are among `labels`.
    fn allowed(&self, labels: &[String]) -> Allowed {
        let ords: Vec<bool> = self.labels.iter().map(|l| labels.iter().any(|w| **w == **l)).collect();
        let mask = ords
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, &yes)| yes)
            .fold(0u64, |m, (ord, _)| m | (1u64 << ord));
        Allowed { ords, mask }
    }
}

/// A set of ordinals of one column, as flags and (for the first 64) as a bit mask.
struct Allowed {
    ords: Vec<bool>,
    mask: u64,
}

/// Each document's day (days since 1970-01-01) in one date field of a segment, or [`NO_DAY`]. Reading tantivy's
/// date column goes through its optional index for every hit, which cost a quarter of a date-filtered query.
#[derive(Debug)]
struct DayColumn {
    days: Vec<i32>,
}

/// A document without a date, in [`DayColumn`].
const NO_DAY: i32 = i32::MIN;

impl DayColumn {
    fn build(segment: &SegmentReader, field_name: &str) -> tantivy::Result<DayColumn> {
        let column = segment.fast_fields().date(field_name)?;
        let days = (0..segment.max_doc())
            .map(|doc| column.first(doc).map_or(NO_DAY, day_number))
            .collect();
        Ok(DayColumn { days })
    }

    /// Whether `doc` has a day within `from..=to`; a document without one never does (`from` > [`NO_DAY`]).
    #[inline]
    fn within(&self, doc: DocId, from: i32, to: i32) -> bool {
        self.days.get(doc as usize).is_some_and(|&day| day >= from && day <= to)
    }
}

/// Days since 1970-01-01 of a date (dates are indexed at midnight of their day).
fn day_number(date: DateTime) -> i32 {
    let day = date.into_timestamp_secs().div_euclid(86_400);
    i32::try_from(day).unwrap_or(if day < 0 { NO_DAY + 1 } else { i32::MAX })
}

/// Per-segment tables built on first use and kept while the segment lives: [`FacetColumn`]s and [`DayColumn`]s by
/// field name, hidden documents, and doc-store readers.
#[derive(Default)]
pub(crate) struct FacetTables {
    labels: Mutex<HashMap<(SegmentId, String), Arc<FacetColumn>>>,
    days: Mutex<HashMap<(SegmentId, String), Arc<DayColumn>>>,
    /// Per segment and set of hidden conditions (they change once a day), the documents they hide.
    hidden: Mutex<HashMap<(SegmentId, String), HiddenDocs>>,
    /// Per segment, the doc-store reader hits are read with, and its cache of decompressed blocks (as tantivy's own
    /// searcher keeps one).
    stores: Mutex<HashMap<SegmentId, Arc<StoreReader>>>,
}

impl std::fmt::Debug for FacetTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FacetTables").finish_non_exhaustive()
    }
}

/// The documents of a segment that hidden conditions hide; `None` when there are none.
type HiddenDocs = Option<Arc<BitSet>>;

/// Decompressed doc-store blocks cached per segment: tantivy's own default for its searchers.
const DOCSTORE_CACHE_BLOCKS: usize = 100;

/// Most hidden-document sets kept; beyond, the cache starts over (the conditions change once a day).
const MAX_HIDDEN_SETS: usize = 64;

/// The table of `field_name` in `segment` from `cache`, built by `build` on first use.
fn cached<T>(
    cache: &Mutex<HashMap<(SegmentId, String), Arc<T>>>,
    segment: &SegmentReader,
    field_name: &str,
    build: fn(&SegmentReader, &str) -> tantivy::Result<T>,
) -> tantivy::Result<Arc<T>> {
    let key = (segment.segment_id(), field_name.to_string());
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(found);
    }
    // Built outside the lock: two searches may both build it the first time, which is harmless.
    let built = Arc::new(build(segment, field_name)?);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(key, Arc::clone(&built));
    }
    Ok(built)
}

impl FacetTables {
    fn column(&self, segment: &SegmentReader, field_name: &str) -> tantivy::Result<Arc<FacetColumn>> {
        cached(&self.labels, segment, field_name, FacetColumn::build)
    }

    fn day_column(&self, segment: &SegmentReader, field_name: &str) -> tantivy::Result<Arc<DayColumn>> {
        cached(&self.days, segment, field_name, DayColumn::build)
    }

    /// The documents of `segment` that meet one of `conditions`, or `None` if none does. Testing two conditions
    /// for every hit of every public search cost a tenth of a server query; a bit test costs next to nothing.
    fn hidden(&self, segment: &SegmentReader, conditions: &[Condition]) -> tantivy::Result<HiddenDocs> {
        if conditions.is_empty() {
            return Ok(None);
        }
        let key = (segment.segment_id(), format!("{conditions:?}"));
        if let Some(found) = self.hidden.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(found);
        }
        let tests = conditions
            .iter()
            .map(|c| SegmentCondition::new(c, self, segment))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut hidden = BitSet::with_max_value(segment.max_doc());
        for doc in 0..segment.max_doc() {
            if tests.iter().any(|t| t.passes(doc)) {
                hidden.insert(doc);
            }
        }
        let built = (hidden.len() > 0).then(|| Arc::new(hidden));
        if let Ok(mut cache) = self.hidden.lock() {
            if cache.len() >= MAX_HIDDEN_SETS {
                cache.clear();
            }
            cache.insert(key, built.clone());
        }
        Ok(built)
    }

    /// The doc-store reader of `segment`, with tantivy's default cache of decompressed blocks.
    pub(crate) fn store(&self, segment: &SegmentReader) -> std::io::Result<Arc<StoreReader>> {
        let key = segment.segment_id();
        if let Some(found) = self.stores.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(found);
        }
        let opened = Arc::new(segment.get_store_reader(DOCSTORE_CACHE_BLOCKS)?);
        if let Ok(mut cache) = self.stores.lock() {
            cache.insert(key, Arc::clone(&opened));
        }
        Ok(opened)
    }

    /// Forgets the tables of segments that `searcher` no longer has (merged away or deleted).
    pub(crate) fn retain_segments_of(&self, searcher: &Searcher) {
        let live: Vec<SegmentId> = searcher.segment_readers().iter().map(|r| r.segment_id()).collect();
        if let Ok(mut cache) = self.labels.lock() {
            cache.retain(|(id, _), _| live.contains(id));
        }
        if let Ok(mut cache) = self.days.lock() {
            cache.retain(|(id, _), _| live.contains(id));
        }
        if let Ok(mut cache) = self.hidden.lock() {
            cache.retain(|(id, _), _| live.contains(id));
        }
        if let Ok(mut cache) = self.stores.lock() {
            cache.retain(|id, _| live.contains(id));
        }
    }
}

/// Counts the hits of a segment per value of each of some facet fields (one-level facets).
///
/// Hits are only noted while the search runs and counted one column at a time at the end: walking one column in
/// document order is kinder to the caches than touching every column for every hit.
pub(crate) struct SegmentFacetCounter {
    columns: Vec<Arc<FacetColumn>>,
    /// Hits to count in every column.
    shared: Vec<DocId>,
    /// Per column, hits to count in that column only.
    own: Vec<Vec<DocId>>,
}

/// Adds up per-segment counts of `dimensions` dimensions.
fn merge_counts(dimensions: usize, segment_fruits: Vec<Vec<DimensionCounts>>) -> Vec<DimensionCounts> {
    if segment_fruits.len() == 1 {
        // The common case (a compacted index): labels are already distinct.
        return segment_fruits.into_iter().next().unwrap_or_default();
    }
    let mut merged: Vec<HashMap<Arc<str>, u64>> = vec![HashMap::new(); dimensions];
    for fruit in segment_fruits {
        for (into, from) in merged.iter_mut().zip(fruit) {
            for (label, count) in from {
                *into.entry(label).or_insert(0) += count;
            }
        }
    }
    merged.into_iter().map(|m| m.into_iter().collect()).collect()
}

impl SegmentFacetCounter {
    fn new(tables: &FacetTables, segment: &SegmentReader, field_names: &[String]) -> tantivy::Result<Self> {
        let columns = field_names
            .iter()
            .map(|name| tables.column(segment, name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let own = vec![Vec::new(); columns.len()];
        Ok(SegmentFacetCounter {
            columns,
            shared: Vec::new(),
            own,
        })
    }
}

impl SegmentFacetCounter {
    /// Counts `doc` in every column.
    #[inline]
    fn collect(&mut self, doc: DocId) {
        self.shared.push(doc);
    }

    /// Counts each of `docs` in every column.
    #[inline]
    fn collect_block(&mut self, docs: &[DocId]) {
        self.shared.extend_from_slice(docs);
    }

    /// Counts `doc` in the `dimension`-th column only.
    #[inline]
    fn collect_one(&mut self, dimension: usize, doc: DocId) {
        if let Some(docs) = self.own.get_mut(dimension) {
            docs.push(doc);
        }
    }

    fn harvest(self) -> Vec<DimensionCounts> {
        self.columns
            .iter()
            .zip(self.own)
            .map(|(column, own)| {
                let mut counts = vec![0u64; column.labels.len()];
                column.count(&self.shared, &mut counts);
                column.count(&own, &mut counts);
                counts
                    .into_iter()
                    .enumerate()
                    .filter(|&(_, n)| n > 0)
                    .filter_map(|(ord, n)| column.labels.get(ord).map(|label| (Arc::clone(label), n)))
                    .collect()
            })
            .collect()
    }
}

/// What a hit must satisfy on one dimension.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    /// One of these labels in the facet field.
    Labels { field_name: String, labels: Vec<String> },
    /// A date in the fast date field within the bounds (inclusive); a hit without a date fails.
    Dates {
        field_name: String,
        from: Option<DateTime>,
        to: Option<DateTime>,
    },
}

/// A filter of the search, and the facet field whose counts ignore it (its own dimension).
#[derive(Debug, Clone)]
pub(crate) struct DimensionFilter {
    pub condition: Condition,
    pub counted_field: String,
}

/// Collects with `inner` the hits that pass every filter, counts them (total and per value of `count_fields`),
/// and counts per value of each filter's `counted_field` the hits that fail only that filter, in one pass. Hits
/// that meet any of `hidden` are left out of everything.
pub(crate) struct FilteredFacetSearch<'a, C> {
    pub inner: C,
    pub tables: &'a FacetTables,
    pub count_fields: Vec<String>,
    pub filters: Vec<DimensionFilter>,
    pub hidden: Vec<Condition>,
}

/// What [`FilteredFacetSearch`] returns.
pub(crate) struct FilteredFruit<F> {
    pub inner: F,
    /// Hits that pass every filter.
    pub total: usize,
    /// Per `count_fields`, the counts of the hits that pass every filter.
    pub counts: Vec<DimensionCounts>,
    /// Per filter, the counts of its `counted_field` over the hits that pass every *other* filter.
    pub sideways: Vec<DimensionCounts>,
}

/// One filter, ready to test the documents of a segment.
enum SegmentCondition {
    Labels { column: Arc<FacetColumn>, allowed: Allowed },
    Dates { column: Arc<DayColumn>, from: i32, to: i32 },
}

impl SegmentCondition {
    fn new(condition: &Condition, tables: &FacetTables, segment: &SegmentReader) -> tantivy::Result<Self> {
        Ok(match condition {
            Condition::Labels { field_name, labels } => {
                let column = tables.column(segment, field_name)?;
                let allowed = column.allowed(labels);
                SegmentCondition::Labels { column, allowed }
            }
            Condition::Dates { field_name, from, to } => SegmentCondition::Dates {
                column: tables.day_column(segment, field_name)?,
                from: from.map_or(NO_DAY + 1, day_number),
                to: to.map_or(i32::MAX, day_number),
            },
        })
    }

    #[inline]
    fn passes(&self, doc: DocId) -> bool {
        match self {
            SegmentCondition::Labels { column, allowed } => column.has_any(doc, allowed),
            SegmentCondition::Dates { column, from, to } => column.within(doc, *from, *to),
        }
    }
}

/// The per-segment part of [`FilteredFacetSearch`].
pub(crate) struct SegmentFilteredFacetSearch<S> {
    inner: S,
    total: usize,
    counts: SegmentFacetCounter,
    conditions: Vec<SegmentCondition>,
    /// Per filter: the counted column and its counts.
    sideways: SegmentFacetCounter,
    /// The segment's documents that meet one of the hidden conditions; `None` when there are none.
    hidden: Option<Arc<BitSet>>,
}

impl<C: Collector> Collector for FilteredFacetSearch<'_, C> {
    type Fruit = FilteredFruit<C::Fruit>;
    type Child = SegmentFilteredFacetSearch<C::Child>;

    fn for_segment(&self, ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let sideways_fields: Vec<String> = self.filters.iter().map(|f| f.counted_field.clone()).collect();
        Ok(SegmentFilteredFacetSearch {
            inner: self.inner.for_segment(ord, segment)?,
            total: 0,
            counts: SegmentFacetCounter::new(self.tables, segment, &self.count_fields)?,
            conditions: self
                .filters
                .iter()
                .map(|f| SegmentCondition::new(&f.condition, self.tables, segment))
                .collect::<tantivy::Result<_>>()?,
            sideways: SegmentFacetCounter::new(self.tables, segment, &sideways_fields)?,
            hidden: self.tables.hidden(segment, &self.hidden)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<FilteredFruit<<C::Child as SegmentCollector>::Fruit>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut inner = Vec::with_capacity(segment_fruits.len());
        let mut counts = Vec::with_capacity(segment_fruits.len());
        let mut sideways = Vec::with_capacity(segment_fruits.len());
        let mut total = 0;
        for fruit in segment_fruits {
            inner.push(fruit.inner);
            counts.push(fruit.counts);
            sideways.push(fruit.sideways);
            total += fruit.total;
        }
        Ok(FilteredFruit {
            inner: self.inner.merge_fruits(inner)?,
            total,
            counts: merge_counts(self.count_fields.len(), counts),
            sideways: merge_counts(self.filters.len(), sideways),
        })
    }
}

impl<S: SegmentCollector> SegmentCollector for SegmentFilteredFacetSearch<S> {
    type Fruit = FilteredFruit<S::Fruit>;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        if self.hidden.as_ref().is_some_and(|h| h.contains(doc)) {
            return;
        }
        let mut failed = None;
        for (i, condition) in self.conditions.iter().enumerate() {
            if !condition.passes(doc) {
                if failed.is_some() {
                    return; // fails two filters: counts nowhere
                }
                failed = Some(i);
            }
        }
        match failed {
            None => {
                self.inner.collect(doc, score);
                self.total += 1;
                self.counts.collect(doc);
            }
            Some(i) => self.sideways.collect_one(i, doc),
        }
    }

    /// A block of unscored hits (tantivy's path when the inner collector needs no scores): without filters, the
    /// block is counted as a whole.
    fn collect_block(&mut self, docs: &[DocId]) {
        if self.hidden.is_none() && self.conditions.is_empty() {
            self.inner.collect_block(docs);
            self.total += docs.len();
            self.counts.collect_block(docs);
        } else {
            for &doc in docs {
                self.collect(doc, 0.0);
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        FilteredFruit {
            inner: self.inner.harvest(),
            total: self.total,
            counts: self.counts.harvest(),
            sideways: self.sideways.harvest(),
        }
    }
}

#[cfg(test)]
mod tests {
    use sotehaku_ingest::{Document, PartialDate, Region, Theme};
    use tantivy::collector::{Count, FacetCollector};
    use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    use super::*;
    use crate::{AnalyzerKind, SearchIndex};

    /// Counts with tantivy's own collector over the hits of `query`, as the reference.
    fn reference(index: &SearchIndex, query: &dyn Query, field: &str) -> Vec<(String, u64)> {
        let mut collector = FacetCollector::for_field(field);
        collector.add_facet(Facet::root());
        let counts = index.reader.searcher().search(query, &collector).unwrap();
        let mut out: Vec<(String, u64)> = counts
            .get("/")
            .map(|(f, n)| (f.to_path().last().unwrap_or(&"").to_string(), n))
            .collect();
        out.sort();
        out
    }

    fn sorted(counts: DimensionCounts) -> Vec<(String, u64)> {
        let mut counts: Vec<(String, u64)> = counts.into_iter().map(|(l, n)| (l.to_string(), n)).collect();
        counts.sort();
        counts
    }

    /// 30 documents in three segments, two of them deleted.
    fn index() -> SearchIndex {
        let index = SearchIndex::in_memory(AnalyzerKind::Plain).unwrap();
        let mut indexer = index.indexer().unwrap();
        let regions = [Region::County(7), Region::Helsinki, Region::National];
        for i in 0..30 {
            let mut doc = Document::new(format!("d{i}"), "Otsikko", "Teksti sote-uudistuksesta");
            doc.regions = regions.iter().take(1 + i % 3).copied().collect();
            doc.themes = vec![Theme(format!("t{}", i % 4))];
            doc.published = Some(PartialDate::Year(2015 + (i % 5) as i32));
            indexer.upsert(&doc).unwrap();
            if i % 10 == 9 {
                indexer.commit().unwrap(); // three segments
            }
        }
        indexer.delete("d4");
        indexer.delete("d17");
        indexer.commit().unwrap();
        index.reload().unwrap();
        index
    }

    fn facet_term(index: &SearchIndex, field: &str, value: &str) -> Box<dyn Query> {
        let field = index.index.schema().get_field(field).unwrap();
        Box::new(TermQuery::new(
            Term::from_facet(field, &Facet::from_path([value])),
            IndexRecordOption::Basic,
        ))
    }

    #[test]
    fn unfiltered_counts_match_tantivys_facet_collector_across_segments_and_deletes() {
        let index = index();
        let searcher = index.reader.searcher();
        let fields = ["region", "theme", "year"];
        let search = FilteredFacetSearch {
            inner: Count,
            tables: &index.facet_tables,
            count_fields: fields.iter().map(|f| f.to_string()).collect(),
            filters: Vec::new(),
            hidden: Vec::new(),
        };
        // Twice: the second search is served from the cached tables.
        for _ in 0..2 {
            let fruit = searcher.search(&AllQuery, &search).unwrap();
            assert_eq!(fruit.inner, 28);
            assert_eq!(fruit.total, 28);
            for (field, counts) in fields.iter().zip(fruit.counts) {
                assert_eq!(sorted(counts), reference(&index, &AllQuery, field), "field {field}");
            }
        }
    }

    #[test]
    fn each_filtered_dimension_counts_the_hits_of_the_other_filters() {
        let index = index();
        let searcher = index.reader.searcher();
        // Region is Helsinki (HUS) or national, theme is t1.
        let filters = vec![
            DimensionFilter {
                condition: Condition::Labels {
                    field_name: "region".into(),
                    labels: vec![Region::Helsinki.code(), Region::National.code()],
                },
                counted_field: "region".into(),
            },
            DimensionFilter {
                condition: Condition::Labels {
                    field_name: "theme".into(),
                    labels: vec!["t1".into()],
                },
                counted_field: "theme".into(),
            },
        ];
        let search = FilteredFacetSearch {
            inner: Count,
            tables: &index.facet_tables,
            count_fields: vec!["region".into(), "theme".into(), "year".into()],
            filters,
            hidden: Vec::new(),
        };
        let fruit = searcher.search(&AllQuery, &search).unwrap();

        let region = || -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, facet_term(&index, "region", &Region::Helsinki.code())),
                (Occur::Should, facet_term(&index, "region", &Region::National.code())),
            ]))
        };
        let theme = || facet_term(&index, "theme", "t1");
        let both = BooleanQuery::new(vec![(Occur::Must, region()), (Occur::Must, theme())]);
        assert_eq!(fruit.total, searcher.search(&both, &Count).unwrap());
        assert!(fruit.total > 0);
        // Counts of the hits passing both filters.
        for (field, counts) in ["region", "theme", "year"].iter().zip(fruit.counts.clone()) {
            assert_eq!(sorted(counts), reference(&index, &both, field), "field {field}");
        }
        // Region counts without the region filter (theme still applies), and theme counts without the theme filter.
        let mut region_counts = fruit.counts[0].clone();
        let mut theme_counts = fruit.counts[1].clone();
        crate::search::add_counts(&mut region_counts, fruit.sideways[0].clone());
        crate::search::add_counts(&mut theme_counts, fruit.sideways[1].clone());
        assert_eq!(sorted(region_counts), reference(&index, theme().as_ref(), "region"));
        assert_eq!(sorted(theme_counts), reference(&index, region().as_ref(), "theme"));
    }

    #[test]
    fn narrow_layouts_keep_every_ordinal_and_the_documents_without_one() {
        for bound in [3usize, 254, 255, 300, 70_000] {
            let values = [0, NO_ORD, (bound - 1) as u32, 1, NO_ORD];
            let narrow = Narrow::new(values.iter().copied(), bound);
            let kept: Vec<Option<u32>> = (0..5).map(|d| narrow.get(d)).collect();
            let want: Vec<Option<u32>> = values.iter().map(|&v| (v != NO_ORD).then_some(v)).collect();
            assert_eq!(kept, want, "bound {bound}");
            let mut counts = vec![0u64; bound];
            let docs = [0, 1, 2, 3, 4, 2, 99];
            match &narrow {
                Narrow::U8(v) => count_single(v, &docs, &mut counts),
                Narrow::U16(v) => count_single(v, &docs, &mut counts),
                Narrow::U32(v) => count_single(v, &docs, &mut counts),
            }
            assert_eq!(
                counts.iter().sum::<u64>(),
                4,
                "bound {bound}: none and out-of-range documents not counted"
            );
            assert_eq!(counts[bound - 1], 2, "bound {bound}");
        }
        let mut counts = vec![0u64; 64];
        count_masks(&[1u64 << 63 | 1, 0, 1 << 40], &[0, 1, 2, 7], &mut counts);
        assert_eq!(
            (counts[0], counts[40], counts[63], counts.iter().sum::<u64>()),
            (1, 1, 1, 3)
        );
    }

    #[test]
    fn a_column_of_more_than_64_values_counts_and_filters_like_the_others() {
        let index = SearchIndex::in_memory(AnalyzerKind::Plain).unwrap();
        let mut indexer = index.indexer().unwrap();
        for i in 0..80 {
            let mut doc = Document::new(format!("d{i}"), "Otsikko", "Teksti");
            doc.themes = vec![Theme(format!("t{}", i % 70)), Theme(format!("t{}", (i + 1) % 70))];
            indexer.upsert(&doc).unwrap();
        }
        indexer.compact().unwrap(); // one segment with all 70 values
        index.reload().unwrap();
        let searcher = index.reader.searcher();
        let column = index
            .facet_tables
            .column(&searcher.segment_readers()[0], "theme")
            .unwrap();
        assert!(matches!(column.ords, DocOrds::Lists { .. }));
        let search = FilteredFacetSearch {
            inner: Count,
            tables: &index.facet_tables,
            count_fields: vec!["theme".into()],
            filters: vec![DimensionFilter {
                condition: Condition::Labels {
                    field_name: "theme".into(),
                    labels: vec!["t5".into()],
                },
                counted_field: "theme".into(),
            }],
            hidden: Vec::new(),
        };
        let fruit = searcher.search(&AllQuery, &search).unwrap();
        let t5 = facet_term(&index, "theme", "t5");
        assert_eq!(fruit.total, searcher.search(t5.as_ref(), &Count).unwrap());
        assert_eq!(fruit.total, 4); // d4, d5, d74, d75
        assert_eq!(sorted(fruit.counts[0].clone()), reference(&index, t5.as_ref(), "theme"));
        let mut all = fruit.counts[0].clone();
        crate::search::add_counts(&mut all, fruit.sideways[0].clone());
        assert_eq!(sorted(all), reference(&index, &AllQuery, "theme"));
    }
}
