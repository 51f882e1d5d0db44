//! Resource identity and source locations.

use crate::finding::SourceKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a resource or value came from in a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path of the file, as given to the scan (relative when it was).
    pub file: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Location {
    /// A location in a file at a line.
    pub fn new(file: impl Into<String>, line: Option<u32>) -> Self {
        Location {
            file: file.into(),
            line,
            column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}", self.file),
            (Some(l), None) => write!(f, "{}:{l}", self.file),
            _ => write!(f, "{}", self.file),
        }
    }
}

/// The identity of a resource: its ARN when known, else its id or IaC
/// address (`aws_security_group.web`), with its kind, account and region.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    /// CloudFormation-style type name, e.g. `AWS::EC2::SecurityGroup`.
    pub kind: String,
    /// ARN, resource id, or IaC address: the stable identity.
    pub id: String,
    /// Human-readable name when it differs from the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Account id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Region, when the resource is regional and the region is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Which kind of source described it (not part of its identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceKind>,
}

impl ResourceRef {
    /// A reference of a kind with an id.
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> Self {
        ResourceRef {
            kind: kind.into(),
            id: id.into(),
            ..ResourceRef::default()
        }
    }

    /// Set the region.
    #[must_use]
    pub fn in_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Set the account.
    #[must_use]
    pub fn in_account(mut self, account: Option<String>) -> Self {
        self.account = account;
        self
    }

    /// Set the source kind.
    #[must_use]
    pub fn from_source(mut self, source: SourceKind) -> Self {
        self.source = Some(source);
        self
    }

    /// Set the display name.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The name when set, else the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) if n != &self.id => write!(f, "{} ({})", self.id, n),
            _ => write!(f, "{}", self.id),
        }
    }
}
