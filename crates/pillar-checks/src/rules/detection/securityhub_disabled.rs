//! `securityhub-disabled`

use crate::meta::{Meta, Rule};
use crate::out::{region_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct SecurityhubDisabled;
/// Registered instance.
pub static RULE: SecurityhubDisabled = SecurityhubDisabled;

static META: Meta = Meta {
    id: "securityhub-disabled",
    title: "Security Hub is not enabled in the region",
    severity: Severity::Medium,
    domain: Domain::Detection,
    service: "securityhub",
    wa: &["SEC04-BP02"],
    cis: &["4.16"],
    rationale: "Security Hub gathers GuardDuty, Inspector, Macie, Access Analyzer and Config \
        findings into one place and runs continuous best-practice checks; without it, findings \
        stay scattered per service and region and are easily missed.",
    console: "Security Hub (in each region) > Go to Security Hub > Enable Security Hub, with the \
        AWS Foundational Security Best Practices standard. With Organizations, use a delegated \
        administrator, central configuration and a finding aggregation region.",
    cli: "aws securityhub enable-security-hub --enable-default-standards --region <REGION>",
    terraform: "resource \"aws_securityhub_account\" \"this\" {\n\
        \x20 enable_default_standards = true\n\
        }\n\
        # one per region (provider alias), plus aws_securityhub_finding_aggregator",
    docs: "## What it does\n\
        For every account and region collected, fails when Security Hub is not enabled \
        (`describe-hub` reports no hub).\n\n\
        ## Why is this bad?\n\
        Security Hub is where findings are normalised (ASFF), prioritised and sent on to \
        ticketing and response. A region without it has no aggregated view and no automated \
        best-practice checks.\n\n\
        ## How to fix\n\
        Enable Security Hub in every enabled region (central configuration from a delegated \
        administrator when using Organizations) and aggregate findings into one home region.\n\n\
        ## References\n\
        - AWS Security Hub User Guide: Enabling Security Hub\n\
        - CIS AWS Foundations Benchmark v3.0, 4.16\n\
        - Well-Architected SEC04-BP02 Capture logs, findings, and metrics in standardized locations\n",
    since: "0.1.0",
};

impl Rule for SecurityhubDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for rs in &inv.regions {
            let r = region_ref("AWS::SecurityHub::Hub", rs.account.as_deref(), &rs.region);
            match &rs.security_hub {
                Known::Unknown(reason) => out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!("Security Hub status not collected: {reason}"),
                    Value::Null,
                    "",
                ),
                Known::Known(Some(hub)) => out.report(
                    Status::Pass,
                    r,
                    None,
                    format!(
                        "Security Hub is enabled in {} with {} standard(s)",
                        rs.region,
                        hub.standards.len()
                    ),
                    Value::Null,
                    "",
                ),
                Known::Known(None) => out.report(
                    Status::Fail,
                    r,
                    None,
                    format!("Security Hub is not enabled in {}", rs.region),
                    json!({ "region": rs.region }),
                    "",
                ),
            }
        }
    }
}
