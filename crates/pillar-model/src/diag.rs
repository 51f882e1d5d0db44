//! What a scan could not read, and why.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An input that was skipped (whole or in part), with the reason. Reports
/// list these so a user sees what was not reviewed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    /// The file or folder.
    pub path: String,
    /// 1-based line, for parse errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, for parse errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Why, in lower case, naming no Rust types.
    pub reason: String,
}

impl Skipped {
    /// A skipped path with a reason.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Skipped {
            path: path.into(),
            line: None,
            column: None,
            reason: reason.into(),
        }
    }

    /// Set line and column.
    #[must_use]
    pub fn at(mut self, line: Option<u32>, column: Option<u32>) -> Self {
        self.line = line;
        self.column = column;
        self
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.path, self.reason),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.path, self.reason),
            _ => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}
