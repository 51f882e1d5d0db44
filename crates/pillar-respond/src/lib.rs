//! Incident response for pillar (SEC10): playbooks as code (YAML), input
//! binding from a finding, a planner, an idempotent executor (feature
//! `aws`) and a hash-chained, append-only audit log.
//!
//! Flow: [`playbook::load`] → [`bind::bind`] (the finding) → [`plan::plan`]
//! (static) → with the `aws` feature, `exec` reads the account, replaces
//! each step's calls with the exact ones, and applies them, recording
//! every call and each step's before/after state in the [`audit`] log.

pub mod action;
pub mod audit;
pub mod bind;
pub mod call;
pub mod plan;
pub mod playbook;
pub mod state;
mod yaml;

#[cfg(feature = "aws")]
pub mod exec;

pub use action::Action;
pub use call::Call;
pub use plan::{Plan, PlannedStep};
pub use playbook::{Phase, Playbook};

/// An error about a playbook, a finding or the log, naming the file (and line).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem at a line of a file.
    #[error("{file}:{line}: {message}")]
    At {
        /// File.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    #[error("{0}: {1}")]
    Io(String, String),
    /// The finding does not fit the playbook.
    #[error("{0}")]
    Bind(String),
}

impl Error {
    /// An error at a line of a file.
    pub fn at(file: &str, line: usize, message: impl Into<String>) -> Error {
        Error::At {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}
