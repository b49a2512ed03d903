//! Query parsing and search on a small in-memory index: any query text and any parameters must give results or a
//! user error (`IndexError::is_user_error`), never a panic or a hang.
//! The body is `sotehaku_index::fuzzing::query`, which the crate's regression test also replays.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sotehaku_index::SearchIndex;

fn indexes() -> &'static [SearchIndex] {
    static INDEXES: OnceLock<Vec<SearchIndex>> = OnceLock::new();
    INDEXES.get_or_init(|| sotehaku_index::fuzzing::search_indexes().unwrap_or_default())
}

fuzz_target!(|data: &[u8]| sotehaku_index::fuzzing::query(indexes(), data));
