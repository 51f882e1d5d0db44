#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Integration tests of the report crate, in one binary.

mod baseline;
mod exchange;
mod formats;
mod redaction;
mod sample;
mod sarif;
mod schema;
mod summary;
mod suppressed;
