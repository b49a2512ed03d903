//! # sotehaku
