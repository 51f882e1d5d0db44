//! The finding schema shared by every engine and every report format.

use crate::reference::{Location, ResourceRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;

/// Severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parse a lower-case name.
    pub fn parse(s: &str) -> Option<Self> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The five domains of the Security Pillar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    /// SEC02, SEC03.
    IdentityAccess,
    /// SEC04.
    Detection,
    /// SEC05, SEC06.
    InfrastructureProtection,
    /// SEC07–SEC09.
    DataProtection,
    /// SEC10.
    IncidentResponse,
}

impl Domain {
    /// All domains in the pillar's order.
    pub const ALL: [Domain; 5] = [
        Domain::IdentityAccess,
        Domain::Detection,
        Domain::InfrastructureProtection,
        Domain::DataProtection,
        Domain::IncidentResponse,
    ];

    /// Kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::IdentityAccess => "identity-access",
            Domain::Detection => "detection",
            Domain::InfrastructureProtection => "infrastructure-protection",
            Domain::DataProtection => "data-protection",
            Domain::IncidentResponse => "incident-response",
        }
    }

    /// Title for people.
    pub fn title(self) -> &'static str {
        match self {
            Domain::IdentityAccess => "Identity and access management",
            Domain::Detection => "Detection",
            Domain::InfrastructureProtection => "Infrastructure protection",
            Domain::DataProtection => "Data protection",
            Domain::IncidentResponse => "Incident response",
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of a rule on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The resource is in the bad state the rule describes.
    Fail,
    /// The rule could not decide: input missing or unresolved.
    Unknown,
    /// The resource is fine.
    Pass,
}

impl Status {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Pass => "pass",
        }
    }
}

/// Where the data behind a finding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Terraform HCL or plan JSON.
    Terraform,
    /// CloudFormation template.
    Cloudformation,
    /// Snapshot of AWS CLI JSON.
    Snapshot,
    /// The live account.
    Aws,
    /// Logs (CloudTrail, flow logs).
    Logs,
    /// Code and config files.
    Files,
}

impl SourceKind {
    /// Kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Terraform => "terraform",
            SourceKind::Cloudformation => "cloudformation",
            SourceKind::Snapshot => "snapshot",
            SourceKind::Aws => "aws",
            SourceKind::Logs => "logs",
            SourceKind::Files => "files",
        }
    }
}

/// How to fix a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Remediation {
    /// Console steps.
    pub console: String,
    /// AWS CLI command(s).
    pub cli: String,
    /// Terraform snippet.
    pub terraform: String,
}

impl Remediation {
    /// Whether no fix is given.
    pub fn is_empty(&self) -> bool {
        self.console.is_empty() && self.cli.is_empty() && self.terraform.is_empty()
    }
}

/// A rule's metadata, as reports need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Stable kebab-case id.
    pub id: String,
    /// One-line title naming the bad state.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Domain.
    pub domain: Domain,
    /// AWS service short name (`iam`, `ec2`, `s3`…).
    pub service: String,
    /// Well-Architected best practices.
    pub wa: Vec<String>,
    /// CIS AWS Foundations Benchmark controls.
    pub cis: Vec<String>,
    /// Why it matters.
    pub rationale: String,
    /// How to fix.
    pub remediation: Remediation,
    /// Full documentation, Markdown.
    pub docs: String,
    /// Documentation link.
    pub help_uri: String,
}

/// One result of one rule on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Domain.
    pub domain: Domain,
    /// Well-Architected best practices.
    pub wa: Vec<String>,
    /// CIS controls.
    pub cis: Vec<String>,
    /// Result.
    pub status: Status,
    /// The resource.
    pub resource: ResourceRef,
    /// Where, when it came from a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Source of the data.
    pub source: SourceKind,
    /// What is wrong (or why it passed / could not be assessed).
    pub message: String,
    /// Supporting data. Never holds a secret in clear.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub evidence: Value,
    /// How to fix (failures only; empty otherwise).
    #[serde(default, skip_serializing_if = "Remediation::is_empty")]
    pub remediation: Remediation,
    /// Stable identity for baselines: rule + resource, not lines.
    pub fingerprint: String,
}

/// A stable fingerprint from a rule id and the parts that identify the
/// resource (and, where one resource has several findings, the detail).
pub fn fingerprint(rule: &str, resource: &ResourceRef, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        rule,
        &resource.kind,
        &resource.id,
        resource.account.as_deref().unwrap_or(""),
        resource.region.as_deref().unwrap_or(""),
        detail,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_distinct() {
        let r = ResourceRef::new("AWS::EC2::SecurityGroup", "sg-1").in_region("us-east-1");
        let a = fingerprint("x", &r, "");
        assert_eq!(a, fingerprint("x", &r, ""));
        assert_ne!(a, fingerprint("y", &r, ""));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn severity_order() {
        assert!(Severity::Critical > Severity::High);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
    }
}
