//! # sotehaku-replica
