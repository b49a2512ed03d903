//! # sotehaku-index
