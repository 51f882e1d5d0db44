//! Rule files, grouped by area. Each area's `mod.rs` has a `rules()` list.

pub mod data;
pub mod detection;
pub mod iam;
pub mod network;
pub mod response;
