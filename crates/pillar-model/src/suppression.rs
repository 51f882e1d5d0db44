//! In-source suppressions: a failure the configuration's author accepted,
//! with the reason, written next to the resource (`# pillar:ignore[rule-id]
//! reason` in Terraform, `Metadata: pillar: ignore:` in CloudFormation).
//! Suppressed failures stay visible in reports, marked as such.

use crate::finding::{Finding, Status};
use crate::reference::Location;
use serde::{Deserialize, Serialize};

/// One suppression of one rule on the resource a block declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Rule id suppressed.
    pub rule: String,
    /// Why; empty when the author gave none (then it is not applied).
    pub reason: String,
    /// Where the suppression is written.
    pub location: Location,
    /// The resource it covers: Terraform address or CloudFormation logical id.
    pub resource: String,
    /// File of the block it covers (as shown in finding locations).
    pub file: String,
    /// First line of the block it covers.
    pub start_line: u32,
    /// Last line of the block it covers.
    pub end_line: u32,
}

impl Suppression {
    /// Whether the suppression has a reason (only those are applied).
    pub fn has_reason(&self) -> bool {
        !self.reason.trim().is_empty()
    }

    /// Whether this suppression covers a failing finding: same rule, and
    /// the finding is on the resource (its instances included) or inside
    /// the block in the same file.
    pub fn covers(&self, f: &Finding) -> bool {
        if f.status != Status::Fail || f.rule != self.rule {
            return false;
        }
        let id = f.resource.id.as_str();
        let same_resource = id == self.resource
            || id
                .strip_prefix(self.resource.as_str())
                .is_some_and(|rest| rest.starts_with('['));
        let inside = f.location.as_ref().is_some_and(|l| {
            l.file == self.file
                && l.line
                    .is_some_and(|n| n >= self.start_line && n <= self.end_line)
        });
        same_resource || inside
    }
}

/// A failure accepted by a suppression: the finding as it was, and the
/// suppression that accepted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suppressed {
    /// The finding (status `fail`).
    #[serde(flatten)]
    pub finding: Finding,
    /// The suppression.
    pub suppression: SuppressionNote,
}

/// What a report says about a suppression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionNote {
    /// `in-source`.
    pub kind: String,
    /// The author's reason.
    pub reason: String,
    /// Where the suppression is written.
    pub location: Location,
}

impl From<&Suppression> for SuppressionNote {
    fn from(s: &Suppression) -> Self {
        SuppressionNote {
            kind: "in-source".to_owned(),
            reason: s.reason.clone(),
            location: s.location.clone(),
        }
    }
}
