//! # sotehaku-server
//!
//! The HTTP search endpoint (JSON API, Atom alerts) and the search page, on axum.
