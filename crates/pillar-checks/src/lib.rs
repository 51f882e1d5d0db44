//! Posture rules: one file per rule under `rules/<area>/`, metadata beside
//! logic, one registry ([`registry::all`]).
//!
//! A rule reads the [`Inventory`] and reports, per resource, `fail`, `pass`
//! or `unknown` (not assessed). A rule whose input is missing reports
//! *unknown*, never *pass*.

pub(crate) mod access;
pub mod docs;
pub mod meta;
pub mod net;
pub mod out;
pub mod registry;
pub mod rules;
pub mod run;

pub use meta::{Meta, Rule};
pub use out::Out;
pub use pillar_model::Inventory;
pub use registry::all;
pub use run::{run, RunOptions, RunResult};
