//! The typed inventory of an AWS workload and the finding schema.
//!
//! Every source (snapshot, Terraform, CloudFormation, live account) fills the
//! same [`Inventory`]; every engine and rule reads it. This crate does no I/O.
//!
//! Values a source cannot know are [`Known::Unknown`]: rules then report
//! *not assessed* instead of guessing.

pub mod diag;
pub mod finding;
pub mod inventory;
pub mod known;
pub mod policy;
pub mod reference;
pub mod resources;
pub mod suppression;

pub use diag::Skipped;
pub use finding::{Domain, Finding, RuleInfo, Severity, SourceKind, Status};
pub use inventory::{Coverage, Inventory, Service};
pub use known::Known;
pub use policy::{PolicyDocument, Statement};
pub use reference::{Location, ResourceRef};
pub use resources::*;
pub use suppression::{Suppressed, Suppression, SuppressionNote};
