//! Reader and lookup for VFST finite-state transducers, the binary dictionary format of Voikko (`mor.vfst`).
//!
//! The format, as written by voikko-fi's build tools (little-endian):
//!
//! * a 16-byte header: two magic words `0x00013A6E`, `0x000351FA`; byte 8 is `1` for a weighted transducer;
//! * a `u16` symbol count followed by that many NUL-terminated UTF-8 symbols. Symbol 0 is epsilon (the empty string);
//!   the symbols that follow it and start with `@` are *flag diacritics* (`@P.FEAT.VAL@`, `@C.FEAT@`, `@U..`, `@R..`,
//!   `@D..`); every later symbol is a normal symbol (a character, or a multi-character tag such as `[Ln]`);
//! * padding up to the next multiple of the transition size (8 bytes unweighted, 16 bytes weighted);
//! * the transition table. A state is the index of its first cell. The first cell's "more transitions" count `m`
//!   says that the state owns cells `0..=m`; when `m == 255` the next cell is an overflow cell whose first `u32`
//!   holds the real count minus one, and the state's transitions continue after it. An input symbol of all ones
//!   (`0xFFFF`, or `0xFFFF_FFFF` weighted) marks the state as final.
//!
//! Unweighted cells are `sym_in: u16, sym_out: u16, target: u24, more: u8`; weighted cells are
//! `sym_in: u32, sym_out: u32, target: u32, weight: i16, more: u8, reserved: u8`.
//!
//! Lookup enumerates, depth first and in table order, every output string of the paths that consume the whole input,
//! honouring flag diacritics with the usual semantics. The data is untrusted: every offset is checked, and traversal is
//! bounded in depth, steps and number of results ([`LookupLimits`]).
//!
//! Speed: when the transducer is loaded, every state gets the set of input symbols it can consume next through
//! epsilon and flag transitions (and whether it can end the input). Lookup never enters a state that cannot consume
//! the next input symbol, jumps within a state straight to the transitions on that symbol (voikko-fi sorts them),
//! and reuses per-thread buffers instead of allocating; the outputs and their order are exactly those of a plain
//! depth-first search (a unit test compares the two).
//!
//! ```
//! use sotehaku_finnish::vfst::Transducer;
//! let fst = Transducer::builtin_voikko();
//! let outputs = fst.lookup("talossa");
//! assert!(outputs.iter().any(|o| o.contains("[Xp]talo[X]")));
//! ```

use std::collections::HashMap;

/// Errors found while reading a VFST file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VfstError {
    /// The file is shorter than its header or its symbol table says.
    #[error("VFST data is truncated ({0})")]
    Truncated(&'static str),
    /// The magic numbers are missing (or the file is in big-endian byte order, which is not supported).
    #[error("not a (little-endian) VFST transducer: bad magic numbers")]
    BadMagic,
    /// A symbol is not valid UTF-8.
    #[error("symbol {0} is not valid UTF-8")]
    BadSymbol(usize),
    /// The transition table is empty or its root state is malformed.
    #[error("the transition table is empty")]
    NoTransitions,
}

/// Bounds for one lookup, so that hostile or huge transducers cannot make a lookup run forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookupLimits {
    /// Maximum path length (transitions on the stack), counting epsilons and flags.
    pub max_depth: usize,
    /// Maximum number of transitions examined in total.
    pub max_steps: u64,
    /// Maximum number of output strings reported.
    pub max_results: usize,
    /// Maximum length of one output string in bytes; longer outputs are skipped.
    pub max_output_bytes: usize,
}

impl Default for LookupLimits {
    /// The limits libvoikko uses for its Finnish analyzer (2000-deep stack, 99 analyses) plus a step budget.
    fn default() -> Self {
        LookupLimits {
            max_depth: 1998,
            max_steps: 4_000_000,
            max_results: 99,
            max_output_bytes: 8000,
        }
    }
}

/// How a lookup ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LookupStats {
    /// Transitions examined.
    pub steps: u64,
    /// Outputs reported to the callback.
    pub results: usize,
    /// True when a limit (depth, steps, results) stopped the search before it had explored everything.
    pub truncated: bool,
}

/// Operation of a flag diacritic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlagOp {
    /// `@P.F.V@`: set feature F to V.
    Positive,
    /// `@C.F@`: clear feature F.
    Clear,
    /// `@U.F.V@`: unify — allowed if F is unset (then set to V) or already V.
    Unify,
    /// `@R.F.V@` / `@R.F@`: require F == V / F set.
    Require,
    /// `@D.F.V@` / `@D.F@`: disallow F == V / F set.
    Disallow,
    /// Anything else: a path through it is never allowed.
    Invalid,
}

/// Value meaning "feature not set".
const FLAG_NEUTRAL: u16 = 0;
/// Value meaning "any value" (a flag written without a value).
const FLAG_ANY: u16 = 1;

#[derive(Debug, Clone, Copy)]
struct Flag {
    op: FlagOp,
    feature: usize,
    value: u16,
}

/// One cell of the transition table in a compact native form (8 bytes, so the table stays cache-friendly).
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// Input symbol; `0xFFFF` marks a final state.
    sym_in: u16,
    sym_out: u16,
    /// Target state (low 24 bits) and "more transitions" (high 8 bits); in an overflow cell, the transition count.
    word: u32,
}

impl Cell {
    /// Input symbol, with the final marker as `u32::MAX` (so it sorts after every symbol).
    fn input(&self) -> u32 {
        if self.sym_in == 0xFFFF {
            u32::MAX
        } else {
            u32::from(self.sym_in)
        }
    }

    fn target(&self) -> u32 {
        self.word & 0x00FF_FFFF
    }

    fn more(&self) -> u8 {
        (self.word >> 24) as u8
    }
}

/// A VFST transducer loaded in memory (the transition table decoded into native cells).
#[derive(Debug)]
pub struct Transducer {
    weighted: bool,
    cells: Vec<Cell>,
    /// Per-cell weights (weighted transducers only).
    weights: Vec<i16>,
    symbols: Vec<Box<str>>,
    first_normal: u32,
    flags: Vec<Flag>,
    feature_count: usize,
    /// Input symbols made of exactly one character.
    char_symbols: HashMap<char, u32>,
    /// Fast path of `char_symbols` for code points below 0x180.
    low_chars: Vec<u32>,
    /// Look-ahead for pruning, see [`Lookahead`]; computed on the [`LAZY_LOOKAHEAD_AFTER`]th lookup, so a process
    /// that analyses a handful of query words (a CLI search) does not pay for it.
    lookahead: std::sync::OnceLock<Lookahead>,
    /// Lookups so far, until the look-ahead is computed.
    lookups: std::sync::atomic::AtomicU32,
}

/// Lookups served without pruning before the look-ahead sets are computed. Computing them takes most of the time to
/// load the dictionary (about 80 ms), while an unpruned lookup costs a few microseconds more: a query's words do
/// not repay it, an indexing run does. Outputs are the same either way.
const LAZY_LOOKAHEAD_AFTER: u32 = 2_000;

impl Clone for Transducer {
    fn clone(&self) -> Self {
        Transducer {
            weighted: self.weighted,
            cells: self.cells.clone(),
            weights: self.weights.clone(),
            symbols: self.symbols.clone(),
            first_normal: self.first_normal,
            flags: self.flags.clone(),
            feature_count: self.feature_count,
            char_symbols: self.char_symbols.clone(),
            low_chars: self.low_chars.clone(),
            lookahead: self.lookahead.clone(),
            lookups: std::sync::atomic::AtomicU32::new(self.lookups.load(std::sync::atomic::Ordering::Relaxed)),
        }
    }
}

/// For every state, the input symbols that can be consumed next from it through any number of epsilon and flag
/// transitions (flags ignored, so the set is an over-approximation), and whether a final marker is reachable the same
/// way. A branch whose target cannot consume the next input symbol (or cannot end when the input is used up) can
/// never produce an output, so lookup skips it without changing the outputs or their order.
#[derive(Debug, Clone, Default)]
struct Lookahead {
    /// Bit of each symbol (index = symbol number); symbols beyond the 127th consuming one share bit 126.
    symbol_bit: Vec<u8>,
    /// Per cell: index into `sets` of the set of the cell's target state (0, "anything", for other cells).
    target_set: Vec<u16>,
    /// Distinct sets: bit `symbol_bit[s]` for consumable symbols, bit [`FINAL_BIT`] for "can end here"; set 0 has
    /// every bit.
    sets: Vec<u128>,
    /// The set of the root state.
    root_set: u128,
    /// False when the sets could not be computed (pruning disabled: `target_set` is empty, every cell gets set 0).
    enabled: bool,
}

/// A fast hasher for interning [`Lookahead`] sets (the keys are not attacker-chosen strings but sets computed from
/// the table; the worst case is a slower load).
#[derive(Default)]
struct SetHasher(u64);

impl std::hash::Hasher for SetHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u128(&mut self, value: u128) {
        let folded = (value as u64) ^ ((value >> 64) as u64).rotate_left(29);
        self.0 = (self.0 ^ folded).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (folded >> 31);
    }
}

/// No pruning: every symbol maps to bit 126 and every cell to set 0 ("anything").
static NO_LOOKAHEAD: Lookahead = Lookahead {
    symbol_bit: Vec::new(),
    target_set: Vec::new(),
    sets: Vec::new(),
    root_set: u128::MAX,
    enabled: false,
};

/// Bit of the "final state reachable" flag in [`Lookahead`] sets.
const FINAL_BIT: u32 = 127;

/// Marker for "no symbol" in [`Transducer::low_chars`].
const NO_SYMBOL: u32 = u32::MAX;

/// Decodes the transition table (whole cells only; a partial cell at the end is ignored) into cells and, for a
/// weighted transducer, per-cell weights. A cell that follows a cell whose "more transitions" is 255 is an overflow
/// cell and keeps its first 32 bits (the count). Weighted targets beyond 2^24 cells cannot be represented and are
/// mapped to an invalid state (never followed).
fn decode_cells(table: &[u8], weighted: bool) -> (Vec<Cell>, Vec<i16>) {
    let size = if weighted { 16 } else { 8 };
    let mut cells = Vec::with_capacity(table.len() / size);
    let mut weights = Vec::new();
    let mut overflow_next = false;
    for c in table.chunks_exact(size) {
        let first = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        let cell = if overflow_next {
            Cell {
                sym_in: 0,
                sym_out: 0,
                word: first,
            }
        } else if weighted {
            let sym_in = if first > 0xFFFE { 0xFFFF } else { first as u16 };
            let sym_out = u32::from_le_bytes([c[4], c[5], c[6], c[7]]).min(0xFFFE) as u16;
            let target = u32::from_le_bytes([c[8], c[9], c[10], c[11]]).min(0x00FF_FFFF);
            Cell {
                sym_in,
                sym_out,
                word: target | (u32::from(c[14]) << 24),
            }
        } else {
            Cell {
                sym_in: u16::from_le_bytes([c[0], c[1]]),
                sym_out: u16::from_le_bytes([c[2], c[3]]),
                word: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            }
        };
        if weighted {
            weights.push(i16::from_le_bytes([c[12], c[13]]));
        }
        overflow_next = !overflow_next && cell.more() == 255;
        cells.push(cell);
    }
    (cells, weights)
}

fn read_u16(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Parses a flag diacritic symbol such as `@U.CASE.GEN@`, interning feature and value names.
fn parse_flag(symbol: &str, features: &mut HashMap<String, usize>, values: &mut HashMap<String, u16>) -> Flag {
    let invalid = Flag {
        op: FlagOp::Invalid,
        feature: 0,
        value: FLAG_NEUTRAL,
    };
    let mut chars = symbol.chars();
    let op = match (chars.next(), chars.next(), chars.next()) {
        (Some('@'), Some(op), Some('.')) => match op {
            'P' => FlagOp::Positive,
            'C' => FlagOp::Clear,
            'U' => FlagOp::Unify,
            'R' => FlagOp::Require,
            'D' => FlagOp::Disallow,
            _ => return invalid,
        },
        _ => return invalid,
    };
    let body = symbol.get(3..).and_then(|s| s.strip_suffix('@')).unwrap_or("");
    let (feature_name, value_name) = match body.split_once('.') {
        Some((f, v)) => (f, v),
        None => (body, "@"),
    };
    let next_feature = features.len();
    let feature = *features.entry(feature_name.to_owned()).or_insert(next_feature);
    let next_value = u16::try_from(values.len()).unwrap_or(u16::MAX);
    let value = *values.entry(value_name.to_owned()).or_insert(next_value);
    Flag { op, feature, value }
}

impl Transducer {
    /// Reads a transducer from bytes (copied).
    pub fn from_bytes(bytes: &[u8]) -> Result<Transducer, VfstError> {
        Transducer::parse(bytes)
    }

    /// Reads a transducer from static bytes (e.g. data embedded with `include_bytes!`).
    pub fn from_static(bytes: &'static [u8]) -> Result<Transducer, VfstError> {
        Transducer::parse(bytes)
    }

    /// The voikko-fi 2.5 `mor.vfst` embedded in this crate, parsed on first use.
    ///
    /// # Panics
    /// Never in practice: the embedded file is checked by the crate's tests. If it were corrupt, this returns an empty
    /// transducer that finds nothing rather than panicking.
    pub fn builtin_voikko() -> &'static Transducer {
        static CELL: std::sync::OnceLock<Transducer> = std::sync::OnceLock::new();
        CELL.get_or_init(|| Transducer::from_static(VOIKKO_FI_MOR_VFST).unwrap_or_else(|_| Transducer::empty()))
    }

    /// A transducer that accepts nothing.
    pub fn empty() -> Transducer {
        Transducer {
            weighted: false,
            cells: Vec::new(),
            weights: Vec::new(),
            symbols: vec![Box::from("")],
            first_normal: 1,
            flags: Vec::new(),
            feature_count: 0,
            char_symbols: HashMap::new(),
            low_chars: vec![NO_SYMBOL; 0x180],
            lookahead: std::sync::OnceLock::new(),
            lookups: std::sync::atomic::AtomicU32::new(0),
        }
    }

    fn parse(bytes: &[u8]) -> Result<Transducer, VfstError> {
        if bytes.len() < 18 {
            return Err(VfstError::Truncated("header"));
        }
        if read_u32(bytes, 0) != Some(0x0001_3A6E) || read_u32(bytes, 4) != Some(0x0003_51FA) {
            return Err(VfstError::BadMagic);
        }
        let weighted = bytes.get(8) == Some(&1);
        let symbol_count = usize::from(read_u16(bytes, 16).ok_or(VfstError::Truncated("symbol count"))?);
        let mut pos = 18usize;
        let mut symbols: Vec<Box<str>> = Vec::with_capacity(symbol_count);
        let mut first_normal: Option<u32> = None;
        let mut flags = Vec::new();
        let mut features: HashMap<String, usize> = HashMap::new();
        let mut values: HashMap<String, u16> = HashMap::new();
        values.insert(String::new(), FLAG_NEUTRAL);
        values.insert("@".to_owned(), FLAG_ANY);
        for index in 0..symbol_count {
            let rest = bytes.get(pos..).ok_or(VfstError::Truncated("symbol table"))?;
            let len = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or(VfstError::Truncated("symbol table"))?;
            let symbol = std::str::from_utf8(&rest[..len]).map_err(|_| VfstError::BadSymbol(index))?;
            pos += len + 1;
            if first_normal.is_none() && index > 0 {
                if symbol.starts_with('@') {
                    flags.push(parse_flag(symbol, &mut features, &mut values));
                } else {
                    first_normal = Some(index as u32);
                }
            }
            symbols.push(Box::from(symbol));
        }
        let first_normal = first_normal.unwrap_or(symbol_count as u32);
        let cell_size = if weighted { 16 } else { 8 };
        let table_start = pos.div_ceil(cell_size) * cell_size;
        let cell_count = bytes.len().saturating_sub(table_start) / cell_size;
        if cell_count == 0 {
            return Err(VfstError::NoTransitions);
        }
        let mut char_symbols = HashMap::new();
        let mut low_chars = vec![NO_SYMBOL; 0x180];
        for (index, symbol) in symbols.iter().enumerate().skip(first_normal as usize) {
            let mut chars = symbol.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                char_symbols.entry(c).or_insert(index as u32);
                if let Some(slot) = low_chars.get_mut(c as usize) {
                    if *slot == NO_SYMBOL {
                        *slot = index as u32;
                    }
                }
            }
        }
        let feature_count = features.len();
        let (cells, weights) = decode_cells(bytes.get(table_start..).unwrap_or(&[]), weighted);
        let fst = Transducer {
            weighted,
            cells,
            weights,
            symbols,
            first_normal,
            flags,
            feature_count,
            char_symbols,
            low_chars,
            lookahead: std::sync::OnceLock::new(),
            lookups: std::sync::atomic::AtomicU32::new(0),
        };
        Ok(fst)
    }

    /// The look-ahead sets once enough lookups have been made to repay computing them; no pruning before.
    #[inline]
    fn lookahead(&self) -> &Lookahead {
        if let Some(computed) = self.lookahead.get() {
            return computed;
        }
        let seen = self.lookups.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if seen >= LAZY_LOOKAHEAD_AFTER {
            self.lookahead.get_or_init(|| self.compute_lookahead())
        } else {
            &NO_LOOKAHEAD
        }
    }

    /// Computes the look-ahead now (e.g. before a timed run, or in a server before the first request).
    pub fn prepare(&self) {
        self.lookahead.get_or_init(|| self.compute_lookahead());
    }

    /// Computes the [`Lookahead`] sets of every state reachable from the root: a fixed point over the epsilon/flag
    /// transitions, computed with a work list.
    fn compute_lookahead(&self) -> Lookahead {
        let mut symbol_bit = vec![0u8; self.symbols.len()];
        let mut next_bit = 0u8;
        for bit in symbol_bit.iter_mut().skip(self.first_normal as usize) {
            *bit = next_bit.min(126);
            next_bit = next_bit.saturating_add(1);
        }
        let disabled = Lookahead {
            symbol_bit: symbol_bit.clone(),
            ..Lookahead::default()
        };
        // States reachable from the root, in ascending cell order; dense index per head cell. In a well-formed table
        // every cell belongs to one state, so the states' transitions add up to the table size; overlapping states of
        // a corrupt table could make this quadratic, so past a budget pruning is simply switched off.
        let budget = self.cells.len().saturating_mul(4).saturating_add(1024);
        let mut work = 0usize;
        let mut dense = vec![u32::MAX; self.cells.len()];
        let mut heads: Vec<u32> = Vec::new();
        let mut todo = vec![0u32];
        while let Some(state) = todo.pop() {
            let Some(slot) = dense.get_mut(state as usize) else {
                continue;
            };
            if *slot != u32::MAX {
                continue;
            }
            *slot = 0;
            heads.push(state);
            work = work.saturating_add(self.transition_count(state as usize));
            if work > budget {
                return disabled;
            }
            for (_, cell) in self.transitions(state as usize) {
                if cell.sym_in != 0xFFFF {
                    todo.push(cell.target());
                }
            }
        }
        // Ascending order without sorting: scan the marks.
        heads.clear();
        heads.extend((0..dense.len()).filter(|&c| dense[c] != u32::MAX).map(|c| c as u32));
        for (i, &h) in heads.iter().enumerate() {
            dense[h as usize] = i as u32;
        }
        // Direct sets, and the epsilon/flag edges reversed (compressed rows: predecessors of each dense state).
        let mut sets = vec![0u128; heads.len()];
        let mut edges: Vec<(u32, u32)> = Vec::new();
        for (i, &h) in heads.iter().enumerate() {
            for (_, cell) in self.transitions(h as usize) {
                let input = cell.input();
                if input == u32::MAX {
                    sets[i] |= 1u128 << FINAL_BIT;
                } else if input >= self.first_normal {
                    sets[i] |= 1u128 << symbol_bit.get(input as usize).copied().unwrap_or(126);
                } else if let Some(&t) = dense.get(cell.target() as usize) {
                    if (t as usize) < heads.len() {
                        edges.push((t, i as u32));
                    }
                }
            }
        }
        // Group the predecessors by target (a counting sort).
        let mut row_start = vec![0u32; heads.len() + 1];
        for &(t, _) in &edges {
            row_start[t as usize + 1] += 1;
        }
        for i in 0..heads.len() {
            row_start[i + 1] += row_start[i];
        }
        let mut preds = vec![0u32; edges.len()];
        let mut fill = row_start.clone();
        for &(t, pred) in &edges {
            if let Some(slot) = fill.get_mut(t as usize) {
                if let Some(p) = preds.get_mut(*slot as usize) {
                    *p = pred;
                }
                *slot += 1;
            }
        }
        // Propagate each state's set to its epsilon predecessors until nothing changes. A set only grows and has at
        // most 128 bits, so every state is queued at most 129 times: the loop is bounded.
        let mut queued = vec![true; heads.len()];
        let mut queue: std::collections::VecDeque<u32> = (0..heads.len() as u32).rev().collect();
        let budget = heads.len().saturating_mul(130);
        let mut rounds = 0usize;
        while let Some(t) = queue.pop_front() {
            rounds += 1;
            if rounds > budget {
                return disabled;
            }
            queued[t as usize] = false;
            let set = sets[t as usize];
            let (lo, hi) = (row_start[t as usize] as usize, row_start[t as usize + 1] as usize);
            for &pred in preds.get(lo..hi).unwrap_or(&[]) {
                let p = pred as usize;
                if sets[p] | set != sets[p] {
                    sets[p] |= set;
                    if !queued[p] {
                        queued[p] = true;
                        queue.push_back(pred);
                    }
                }
            }
        }
        // Set 0 is "anything" (cells that are not transitions, targets outside the table).
        let mut interned: HashMap<u128, u16, std::hash::BuildHasherDefault<SetHasher>> = HashMap::default();
        let mut distinct: Vec<u128> = vec![u128::MAX];
        let mut id_of_state = vec![0u16; heads.len()];
        let mut previous: Option<(u128, u16)> = None;
        for (i, &set) in sets.iter().enumerate() {
            if let Some((prev_set, prev_id)) = previous {
                if prev_set == set {
                    id_of_state[i] = prev_id;
                    continue;
                }
            }
            let id = match interned.get(&set) {
                Some(&id) => id,
                None => {
                    let Ok(id) = u16::try_from(distinct.len()) else {
                        return disabled;
                    };
                    distinct.push(set);
                    interned.insert(set, id);
                    id
                }
            };
            id_of_state[i] = id;
            previous = Some((set, id));
        }
        let mut target_set = vec![0u16; self.cells.len()];
        for &h in &heads {
            for (t, cell) in self.transitions(h as usize) {
                if cell.sym_in == 0xFFFF || (t == 1 && self.cell(h as usize).is_some_and(|c| c.more() == 255)) {
                    continue;
                }
                let id = dense
                    .get(cell.target() as usize)
                    .and_then(|&d| id_of_state.get(d as usize))
                    .copied()
                    .unwrap_or(0);
                if let Some(slot) = target_set.get_mut(h as usize + t) {
                    *slot = id;
                }
            }
        }
        Lookahead {
            symbol_bit,
            root_set: sets.first().copied().unwrap_or(u128::MAX),
            target_set,
            sets: distinct,
            enabled: true,
        }
    }

    /// Number of cells of `state` (its transitions, plus the overflow cell if any), cut at the end of the table.
    fn transition_count(&self, state: usize) -> usize {
        match self.cell(state) {
            Some(head) => self
                .last_transition(state, &head)
                .saturating_add(1)
                .min(self.cells.len().saturating_sub(state)),
            None => 0,
        }
    }

    /// The transitions of `state` as (index within the state, cell), skipping the overflow cell; bounded by the table.
    fn transitions(&self, state: usize) -> impl Iterator<Item = (usize, Cell)> + '_ {
        let count = self.transition_count(state);
        let overflow = self.cell(state).is_some_and(|head| head.more() == 255);
        (0..count)
            .filter(move |&t| !(overflow && t == 1))
            .filter_map(move |t| self.cell(state + t).map(|c| (t, c)))
    }

    /// True if the target of the transition in `cell` may lead to an output given that `wanted` (a bit of the
    /// symbol that comes next, or [`FINAL_BIT`]) comes next.
    #[inline]
    fn may_continue(lookahead: &Lookahead, cell: usize, wanted: u128) -> bool {
        let id = lookahead.target_set.get(cell).copied().unwrap_or(0);
        lookahead.sets.get(usize::from(id)).is_none_or(|set| set & wanted != 0)
    }

    /// True for a weighted transducer.
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// All symbols, index = symbol number (0 is epsilon).
    pub fn symbols(&self) -> impl Iterator<Item = &str> {
        self.symbols.iter().map(|s| &**s)
    }

    /// Number of flag-diacritic features.
    pub fn flag_feature_count(&self) -> usize {
        self.feature_count
    }

    /// Number of cells in the transition table.
    pub fn cell_count(&self) -> usize {
        self.cells.len()
    }

    fn cell(&self, index: usize) -> Option<Cell> {
        self.cells.get(index).copied()
    }

    /// Index (within the state) of the state's last transition.
    fn last_transition(&self, state: usize, head: &Cell) -> usize {
        if head.more() == 255 {
            match self.cell(state + 1) {
                Some(overflow) => (overflow.word as usize).saturating_add(1),
                None => 0,
            }
        } else {
            usize::from(head.more())
        }
    }

    /// Smallest index in `lo..=last` of `state` whose input symbol is at least `target` (assuming sorted cells), or
    /// `last + 1` if there is none.
    fn first_at_least(&self, state: usize, lo: usize, last: usize, target: u32) -> usize {
        let (mut lo, mut hi) = (lo, last + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let sym = self.cell(state + mid).map(|c| c.input()).unwrap_or(u32::MAX);
            if sym < target {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Maps input text to symbols; `None` if a character is not in the alphabet.
    pub fn input_symbols(&self, input: &str) -> Option<Vec<u32>> {
        input.chars().map(|c| self.char_symbol(c)).collect()
    }

    /// Checks a flag diacritic against the current feature values. `Err(())` if the path is not allowed, otherwise
    /// the feature to set and its new value, if any.
    fn check_flag(&self, symbol: u32, current: &[u16]) -> Result<Option<(usize, u16)>, ()> {
        if symbol == 0 || symbol >= self.first_normal {
            return Ok(None);
        }
        let flag = self.flags.get(symbol as usize - 1).ok_or(())?;
        let &value = current.get(flag.feature).ok_or(())?;
        match flag.op {
            FlagOp::Positive => Ok(Some((flag.feature, flag.value))),
            FlagOp::Clear => Ok(Some((flag.feature, FLAG_NEUTRAL))),
            FlagOp::Unify => {
                if value == FLAG_NEUTRAL {
                    Ok(Some((flag.feature, flag.value)))
                } else if value != flag.value {
                    Err(())
                } else {
                    Ok(None)
                }
            }
            FlagOp::Require => {
                let ok = if flag.value == FLAG_ANY {
                    value != FLAG_NEUTRAL
                } else {
                    value == flag.value
                };
                if ok {
                    Ok(None)
                } else {
                    Err(())
                }
            }
            FlagOp::Disallow => {
                let bad = if flag.value == FLAG_ANY {
                    value != FLAG_NEUTRAL
                } else {
                    value == flag.value
                };
                if bad {
                    Err(())
                } else {
                    Ok(None)
                }
            }
            FlagOp::Invalid => Err(()),
        }
    }

    /// All outputs for `input` (default limits).
    pub fn lookup(&self, input: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.lookup_with(input, LookupLimits::default(), |s, _| {
            out.push(s.to_owned());
            true
        });
        out
    }

    /// Enumerates the outputs for `input` in table order, calling `emit(output, weight)` for each; `emit` returns
    /// false to stop. Inputs with characters outside the alphabet have no outputs.
    pub fn lookup_with(&self, input: &str, limits: LookupLimits, emit: impl FnMut(&str, i32) -> bool) -> LookupStats {
        with_scratch(|scratch| {
            let mut symbols = std::mem::take(&mut scratch.input);
            symbols.clear();
            let mut known = true;
            for c in input.chars() {
                match self.char_symbol(c) {
                    Some(sym) => symbols.push(sym),
                    None => {
                        known = false;
                        break;
                    }
                }
            }
            let stats = if known {
                self.lookup_in(&symbols, limits, scratch, emit)
            } else {
                LookupStats::default()
            };
            scratch.input = symbols;
            stats
        })
    }

    /// Like [`Transducer::lookup_with`] for input already mapped to symbols.
    pub fn lookup_symbols(
        &self,
        input: &[u32],
        limits: LookupLimits,
        emit: impl FnMut(&str, i32) -> bool,
    ) -> LookupStats {
        with_scratch(|scratch| self.lookup_in(input, limits, scratch, emit))
    }

    /// The input symbol of one character, if the alphabet has it.
    #[inline]
    fn char_symbol(&self, c: char) -> Option<u32> {
        match self.low_chars.get(c as usize) {
            Some(&NO_SYMBOL) => None,
            Some(&fast) => Some(fast),
            None => self.char_symbols.get(&c).copied(),
        }
    }

    /// The depth-first lookup over reusable buffers.
    fn lookup_in(
        &self,
        input: &[u32],
        limits: LookupLimits,
        scratch: &mut Scratch,
        mut emit: impl FnMut(&str, i32) -> bool,
    ) -> LookupStats {
        let narrow = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let mut stats = LookupStats::default();
        let cells = self.cells.as_slice();
        let Some(root) = cells.first() else {
            return stats;
        };
        let Scratch {
            stack,
            flags,
            output,
            text,
            wanted,
            ..
        } = scratch;
        let lookahead = self.lookahead();
        wanted.clear();
        for &sym in input {
            wanted.push(1u128 << lookahead.symbol_bit.get(sym as usize).copied().unwrap_or(126));
        }
        wanted.push(1u128 << FINAL_BIT);
        if lookahead.enabled && lookahead.root_set & wanted.first().copied().unwrap_or(0) == 0 {
            return stats;
        }
        flags.clear();
        flags.resize(self.feature_count, FLAG_NEUTRAL);
        output.clear();
        stack.clear();
        stack.push(Frame {
            state: 0,
            next: 0,
            last: narrow(self.last_transition(0, root)),
            input_pos: 0,
            out_len: 0,
            weight: 0,
            undo_feature: NO_UNDO,
            undo_value: 0,
        });
        let first_normal = self.first_normal;
        loop {
            let depth = stack.len();
            let Some(top) = stack.last_mut() else {
                break;
            };
            if top.next > top.last {
                if top.undo_feature != NO_UNDO {
                    if let Some(slot) = flags.get_mut(top.undo_feature as usize) {
                        *slot = top.undo_value;
                    }
                }
                stack.pop();
                continue;
            }
            let tc = top.next as usize;
            top.next += 1;
            if tc == 1 && top.last >= 255 {
                continue; // the overflow cell
            }
            stats.steps += 1;
            if stats.steps > limits.max_steps {
                stats.truncated = true;
                return stats;
            }
            let cell_index = top.state as usize + tc;
            let Some(&cell) = cells.get(cell_index) else {
                continue;
            };
            let input_pos = top.input_pos as usize;
            let cell_weight = if self.weighted {
                i32::from(self.weights.get(cell_index).copied().unwrap_or(0))
            } else {
                0
            };
            let sym_in = u32::from(cell.sym_in);
            if cell.sym_in == 0xFFFF {
                if input_pos == input.len() {
                    text.clear();
                    for &sym in output.get(..top.out_len as usize).unwrap_or(&[]) {
                        text.push_str(self.symbols.get(usize::from(sym)).map_or("", |s| &**s));
                    }
                    if text.len() <= limits.max_output_bytes {
                        stats.results += 1;
                        if !emit(text, top.weight.saturating_add(cell_weight)) {
                            return stats;
                        }
                        if stats.results >= limits.max_results {
                            stats.truncated = true;
                            return stats;
                        }
                    }
                }
                continue;
            }
            let consumes = sym_in >= first_normal;
            let change = if consumes {
                let want = input.get(input_pos).copied().unwrap_or(u32::MAX);
                if sym_in != want {
                    // voikko-fi sorts a state's transitions by input symbol (flags, letters, then the final
                    // marker), so jump straight to the wanted symbol, or past the letters once it is passed. On an
                    // unsorted (corrupt) table this only changes which paths are explored, never safety.
                    let (state, last) = (top.state as usize, top.last as usize);
                    let from = if last >= 255 { (tc + 1).max(2) } else { tc + 1 };
                    let mut next = last + 1;
                    if sym_in < want && want != u32::MAX {
                        let at = self.first_at_least(state, from, last, want);
                        if cells.get(state + at).is_some_and(|c| u32::from(c.sym_in) == want) {
                            next = at;
                        }
                    }
                    if next > last && cells.get(state + last).is_some_and(|c| c.sym_in == 0xFFFF) {
                        next = self.first_at_least(state, from, last, u32::MAX);
                    }
                    top.next = narrow(next);
                    continue;
                }
                None
            } else if sym_in == 0 {
                None
            } else {
                match self.check_flag(sym_in, flags) {
                    Ok(change) => change,
                    Err(()) => continue,
                }
            };
            if depth >= limits.max_depth {
                stats.truncated = true;
                return stats;
            }
            let next_pos = input_pos + usize::from(consumes);
            let target = cell.target() as usize;
            if !Self::may_continue(lookahead, cell_index, wanted.get(next_pos).copied().unwrap_or(0)) {
                continue;
            }
            let Some(head) = cells.get(target) else {
                continue;
            };
            let (weight, out_len) = (top.weight, top.out_len as usize);
            let (mut undo_feature, mut undo_value) = (NO_UNDO, 0);
            if let Some((feature, value)) = change {
                if let Some(slot) = flags.get_mut(feature) {
                    undo_feature = narrow(feature);
                    undo_value = *slot;
                    *slot = value;
                }
            }
            output.truncate(out_len);
            if u32::from(cell.sym_out) >= first_normal {
                output.push(cell.sym_out);
            }
            stack.push(Frame {
                state: narrow(target),
                next: 0,
                last: narrow(self.last_transition(target, head)),
                input_pos: narrow(next_pos),
                out_len: narrow(output.len()),
                weight: weight.saturating_add(cell_weight),
                undo_feature,
                undo_value,
            });
        }
        stats
    }
}

/// One state on the depth-first path of a lookup (kept small: the stack is the hot data of a lookup).
#[derive(Debug, Clone, Copy)]
struct Frame {
    state: u32,
    /// Index, within the state, of the next transition to try.
    next: u32,
    last: u32,
    input_pos: u32,
    out_len: u32,
    weight: i32,
    /// Feature changed by the transition into this frame (`NO_UNDO` if none) and its previous value, restored when
    /// the frame is left.
    undo_feature: u32,
    undo_value: u16,
}

/// [`Frame::undo_feature`] when the transition into the frame changed no feature.
const NO_UNDO: u32 = u32::MAX;

/// Buffers of a lookup, reused between lookups on the same thread so that a lookup does not allocate.
#[derive(Debug, Default)]
struct Scratch {
    stack: Vec<Frame>,
    flags: Vec<u16>,
    /// Output symbols of the current path.
    output: Vec<u16>,
    /// The output text handed to `emit`.
    text: String,
    input: Vec<u32>,
    wanted: Vec<u128>,
}

/// Runs `f` with this thread's lookup buffers (fresh ones if they are in use, e.g. by a lookup inside `emit`).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let result = f(&mut scratch);
            // Do not keep the memory of a pathological lookup around.
            if scratch.stack.capacity() > 4096
                || scratch.output.capacity() > 1 << 16
                || scratch.text.capacity() > 1 << 16
            {
                *scratch = Scratch::default();
            }
            result
        }
        Err(_) => f(&mut Scratch::default()),
    })
}

/// The voikko-fi 2.5 `mor.vfst` (GPL-2.0-or-later data; see `third_party/voikko-fi/PROVENANCE.md`).
pub static VOIKKO_FI_MOR_VFST: &[u8] = include_bytes!("../../../third_party/voikko-fi/5/mor-standard/mor.vfst");

#[cfg(test)]
mod tests {
    use super::*;

    /// The same transducer with look-ahead pruning switched off.
    fn unpruned(fst: &Transducer) -> Transducer {
        let mut copy = fst.clone();
        let symbol_bit = fst.lookahead.get().map(|l| l.symbol_bit.clone()).unwrap_or_default();
        copy.lookahead = std::sync::OnceLock::from(Lookahead {
            symbol_bit,
            ..Lookahead::default()
        });
        copy
    }

    #[test]
    fn pruning_keeps_every_output_in_order_and_examines_fewer_transitions() {
        let fst = Transducer::builtin_voikko();
        fst.prepare();
        assert!(fst.lookahead().enabled, "look-ahead sets computed for voikko-fi");
        let plain = unpruned(fst);
        let words = [
            "talossa",
            "aluevaltuustossa",
            "hyvinvointialueiden",
            "rahoituksesta",
            "kuusi",
            "kuusella",
            "2022",
            "611/2021",
            "§",
            "iso-britannialla",
            "pohjois-suomella",
            "hus-yhtymän",
            "sote-uudistus",
            "sotekeskus",
            "terveydenhuollon",
            "sosiaali-",
            "-alue",
            "ja",
            "on",
            "ei",
            "hyväksymisestä",
            "xqzw",
            "",
            "a",
            "aa",
            "kesäkuussa",
            "lastensuojelu",
            "perusterveydenhuolto",
            "valtionosuusjärjestelmän",
            "päijät-häme",
            "helsingissä",
            "omaishoitajien",
            "työterveyshuollon",
            "ikääntyneiden",
            "e-resepti",
            "covid-19",
            "juhannus",
            "asiakas-",
            "maakuntauudistukseen",
            "kunnallisveroprosentti",
            "voimaanpanolaki",
        ];
        let (mut pruned_steps, mut plain_steps) = (0u64, 0u64);
        for word in words {
            let mut a = Vec::new();
            let mut b = Vec::new();
            let sa = fst.lookup_with(word, LookupLimits::default(), |o, w| {
                a.push((o.to_owned(), w));
                true
            });
            let sb = plain.lookup_with(word, LookupLimits::default(), |o, w| {
                b.push((o.to_owned(), w));
                true
            });
            assert_eq!(a, b, "outputs of {word:?}");
            assert!(!sa.truncated && !sb.truncated);
            pruned_steps += sa.steps;
            plain_steps += sb.steps;
        }
        assert!(
            pruned_steps * 3 < plain_steps * 2,
            "{pruned_steps} vs {plain_steps} transitions"
        );
    }

    #[test]
    fn corrupt_overlapping_states_load_and_look_up_in_bounded_time() {
        // Every cell claims to start a state with a huge overflow count, and every transition points somewhere
        // else: states overlap, which would make a naive analysis quadratic.
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&0x0001_3A6Eu32.to_le_bytes());
        bytes.extend_from_slice(&0x0003_51FAu32.to_le_bytes());
        bytes.extend_from_slice(&[0u8; 8]);
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(b"\0a\0");
        while bytes.len() % 8 != 0 {
            bytes.push(0);
        }
        let cells = 40_000u32;
        for i in 0..cells {
            if i % 2 == 0 {
                bytes.extend_from_slice(&1u16.to_le_bytes());
                bytes.extend_from_slice(&1u16.to_le_bytes());
                bytes.extend_from_slice(&(((i * 7 + 1) % cells) | (255 << 24)).to_le_bytes());
            } else {
                bytes.extend_from_slice(&u32::MAX.to_le_bytes());
                bytes.extend_from_slice(&0u32.to_le_bytes());
            }
        }
        let start = std::time::Instant::now();
        let fst = Transducer::from_bytes(&bytes).expect("parses");
        let stats = fst.lookup_with("aaaaaaaa", LookupLimits::default(), |_, _| true);
        assert!(stats.steps <= LookupLimits::default().max_steps + 1);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn nested_lookups_inside_emit_work() {
        let fst = Transducer::builtin_voikko();
        let mut inner = Vec::new();
        fst.lookup_with("talossa", LookupLimits::default(), |_, _| {
            inner.extend(fst.lookup("talo"));
            true
        });
        assert!(inner.iter().any(|o| o.contains("[Xp]talo[X]")), "{inner:?}");
    }

    #[test]
    fn limits_stop_the_search() {
        let fst = Transducer::builtin_voikko();
        let limits = LookupLimits {
            max_steps: 10,
            ..LookupLimits::default()
        };
        let stats = fst.lookup_with("aluevaltuustossa", limits, |_, _| true);
        assert!(stats.truncated && stats.steps <= 11, "{stats:?}");
        let one = LookupLimits {
            max_results: 1,
            ..LookupLimits::default()
        };
        let stats = fst.lookup_with("kuusi", one, |_, _| true);
        assert_eq!(stats.results, 1);
    }
}
