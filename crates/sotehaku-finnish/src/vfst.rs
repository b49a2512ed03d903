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
#[derive(Debug, Clone)]
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
}

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
        Ok(Transducer {
            weighted,
            cells,
            weights,
            symbols,
            first_normal,
            flags,
            feature_count,
            char_symbols,
            low_chars,
        })
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
        input
            .chars()
            .map(|c| {
                let fast = self.low_chars.get(c as usize).copied().unwrap_or(NO_SYMBOL);
                if fast != NO_SYMBOL {
                    Some(fast)
                } else if (c as usize) < self.low_chars.len() {
                    None
                } else {
                    self.char_symbols.get(&c).copied()
                }
            })
            .collect()
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
        match self.input_symbols(input) {
            Some(symbols) => self.lookup_symbols(&symbols, limits, emit),
            None => LookupStats::default(),
        }
    }

    /// Like [`Transducer::lookup_with`] for input already mapped to symbols.
    pub fn lookup_symbols(
        &self,
        input: &[u32],
        limits: LookupLimits,
        mut emit: impl FnMut(&str, i32) -> bool,
    ) -> LookupStats {
        /// One state on the depth-first path (kept small: the stack is the hot data of a lookup).
        struct Frame {
            state: u32,
            /// Index, within the state, of the next transition to try.
            next: u32,
            last: u32,
            input_pos: u32,
            out_len: u32,
            weight: i32,
            /// Feature changed by the transition into this frame (`NO_UNDO` if none) and its previous value,
            /// restored when the frame is left.
            undo_feature: u32,
            undo_value: u16,
        }
        const NO_UNDO: u32 = u32::MAX;
        let narrow = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let mut stats = LookupStats::default();
        let Some(root) = self.cell(0) else {
            return stats;
        };
        let mut flags: Vec<u16> = vec![FLAG_NEUTRAL; self.feature_count];
        let mut output = String::new();
        let mut stack: Vec<Frame> = vec![Frame {
            state: 0,
            next: 0,
            last: narrow(self.last_transition(0, &root)),
            input_pos: 0,
            out_len: 0,
            weight: 0,
            undo_feature: NO_UNDO,
            undo_value: 0,
        }];
        while let Some(top) = stack.last_mut() {
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
            top.next = top.next.saturating_add(1);
            if tc == 1 && top.last >= 255 {
                continue; // the overflow cell
            }
            stats.steps += 1;
            if stats.steps > limits.max_steps {
                stats.truncated = true;
                return stats;
            }
            let cell_index = top.state as usize + tc;
            let Some(cell) = self.cell(cell_index) else {
                continue;
            };
            let cell_weight = if self.weighted {
                i32::from(self.weights.get(cell_index).copied().unwrap_or(0))
            } else {
                0
            };
            let (input_pos, weight, out_len) = (top.input_pos as usize, top.weight, top.out_len as usize);
            if cell.input() == u32::MAX {
                if input_pos == input.len() {
                    output.truncate(out_len);
                    if output.len() <= limits.max_output_bytes {
                        stats.results += 1;
                        let keep_going = emit(&output, weight.saturating_add(cell_weight));
                        if !keep_going {
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
            let consumes = cell.input() >= self.first_normal;
            if consumes {
                let want = input.get(input_pos).copied().unwrap_or(u32::MAX);
                if cell.input() != want {
                    // voikko-fi sorts a state's transitions by input symbol (flags, letters, then the final
                    // marker), so skip straight to the wanted symbol, or to the final marker once past it. On an
                    // unsorted (corrupt) table this only changes which paths are explored, never safety.
                    let (state, last) = (top.state as usize, top.last as usize);
                    if tc + 8 <= last && (tc >= 2 || last < 255) {
                        let target = if cell.input() < want { want } else { u32::MAX };
                        top.next = narrow(self.first_at_least(state, tc + 1, last, target));
                    }
                    continue;
                }
            }
            let depth = stack.len();
            let change = if consumes {
                None
            } else {
                match self.check_flag(cell.input(), &flags) {
                    Ok(change) => change,
                    Err(()) => continue,
                }
            };
            if depth >= limits.max_depth {
                stats.truncated = true;
                return stats;
            }
            let target = cell.target() as usize;
            let Some(head) = self.cell(target) else {
                continue;
            };
            let (mut undo_feature, mut undo_value) = (NO_UNDO, 0);
            if let Some((feature, value)) = change {
                if let Some(slot) = flags.get_mut(feature) {
                    undo_feature = narrow(feature);
                    undo_value = *slot;
                    *slot = value;
                }
            }
            output.truncate(out_len);
            if u32::from(cell.sym_out) >= self.first_normal {
                if let Some(sym) = self.symbols.get(usize::from(cell.sym_out)) {
                    output.push_str(sym);
                }
            }
            stack.push(Frame {
                state: narrow(target),
                next: 0,
                last: narrow(self.last_transition(target, &head)),
                input_pos: narrow(input_pos + usize::from(consumes)),
                out_len: narrow(output.len()),
                weight: weight.saturating_add(cell_weight),
                undo_feature,
                undo_value,
            });
        }
        stats
    }
}

/// The voikko-fi 2.5 `mor.vfst` (GPL-2.0-or-later data; see `third_party/voikko-fi/PROVENANCE.md`).
pub static VOIKKO_FI_MOR_VFST: &[u8] = include_bytes!("../../../third_party/voikko-fi/5/mor-standard/mor.vfst");
