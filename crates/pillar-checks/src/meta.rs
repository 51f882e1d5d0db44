//! Rule metadata and the rule trait.

use crate::out::Out;
use pillar_model::finding::Remediation;
use pillar_model::{Domain, Inventory, RuleInfo, Severity};

/// What every rule declares about itself.
#[derive(Debug)]
pub struct Meta {
    /// Stable kebab-case id naming the bad state, grouped by service
    /// (`ec2-sg-admin-port-open`). Never reused.
    pub id: &'static str,
    /// One-line title naming the bad state.
    pub title: &'static str,
    /// Severity of a failure.
    pub severity: Severity,
    /// Security Pillar domain.
    pub domain: Domain,
    /// AWS service short name (`iam`, `ec2`, `s3`, …).
    pub service: &'static str,
    /// Well-Architected best-practice ids (`SEC05-BP02`).
    pub wa: &'static [&'static str],
    /// CIS AWS Foundations Benchmark v3.0 control ids (`5.2`).
    pub cis: &'static [&'static str],
    /// Why it matters, one paragraph.
    pub rationale: &'static str,
    /// Console steps to fix.
    pub console: &'static str,
    /// AWS CLI command(s) to fix; `<…>` marks values to fill in.
    pub cli: &'static str,
    /// Terraform snippet that fixes it.
    pub terraform: &'static str,
    /// Documentation in Markdown with the headings `## What it does`,
    /// `## Why is this bad?`, `## How to fix` and `## References`.
    pub docs: &'static str,
    /// Version the rule first shipped in.
    pub since: &'static str,
}

impl Meta {
    /// The metadata as reports carry it.
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.to_owned(),
            title: self.title.to_owned(),
            severity: self.severity,
            domain: self.domain,
            service: self.service.to_owned(),
            wa: self.wa.iter().map(|s| (*s).to_owned()).collect(),
            cis: self.cis.iter().map(|s| (*s).to_owned()).collect(),
            rationale: self.rationale.to_owned(),
            remediation: self.remediation(),
            docs: self.docs.to_owned(),
            help_uri: format!("https://pillar.invalid/rules/{}", self.id),
        }
    }

    /// The fix, as findings carry it.
    pub fn remediation(&self) -> Remediation {
        Remediation {
            console: self.console.to_owned(),
            cli: self.cli.to_owned(),
            terraform: self.terraform.to_owned(),
        }
    }
}

/// A posture rule.
pub trait Rule: Send + Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static Meta;
    /// Judge every resource the rule is about, reporting through `out`.
    fn check(&self, inv: &Inventory, out: &mut Out);
}
