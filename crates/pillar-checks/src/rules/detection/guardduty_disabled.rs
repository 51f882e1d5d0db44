//! `guardduty-disabled`

use crate::meta::{Meta, Rule};
use crate::out::{region_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct GuarddutyDisabled;
/// Registered instance.
pub static RULE: GuarddutyDisabled = GuarddutyDisabled;

static META: Meta = Meta {
    id: "guardduty-disabled",
    title: "GuardDuty is not enabled in the region",
    severity: Severity::High,
    domain: Domain::Detection,
    service: "guardduty",
    wa: &["SEC04-BP01", "SEC04-BP03"],
    cis: &[],
    rationale: "GuardDuty analyses CloudTrail, VPC flow logs and DNS logs for known attack \
        patterns (credential exfiltration, crypto-mining, reconnaissance). Without a detector in \
        a region, threats there raise no alarm, and unused regions are where attackers go.",
    console: "GuardDuty (in each region) > Get started > Enable GuardDuty. With Organizations, \
        designate a delegated administrator and turn on auto-enable for all member accounts.",
    cli: "aws guardduty create-detector --enable --finding-publishing-frequency FIFTEEN_MINUTES --region <REGION>\n\
        # or re-enable an existing detector:\n\
        aws guardduty update-detector --detector-id <DETECTOR_ID> --enable --region <REGION>",
    terraform: "resource \"aws_guardduty_detector\" \"this\" {\n\
        \x20 enable                       = true\n\
        \x20 finding_publishing_frequency = \"FIFTEEN_MINUTES\"\n\
        }\n\
        # one per region (provider alias), or aws_guardduty_organization_configuration",
    docs: "## What it does\n\
        For every account and region collected, fails when there is no GuardDuty detector or \
        every detector is disabled (suspended).\n\n\
        ## Why is this bad?\n\
        GuardDuty is the managed threat detection baseline of the Security Pillar. It is \
        regional: a region without a detector gives no findings for activity in it.\n\n\
        ## How to fix\n\
        Enable GuardDuty in every enabled region, preferably organization-wide through a \
        delegated administrator with auto-enable, and route findings (see \
        `guardduty-findings-not-routed`).\n\n\
        ## References\n\
        - Amazon GuardDuty User Guide: Getting started with GuardDuty\n\
        - Amazon GuardDuty User Guide: Managing multiple accounts with AWS Organizations\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n\
        - Well-Architected SEC04-BP03 Correlate and enrich security alerts\n",
    since: "0.1.0",
};

impl Rule for GuarddutyDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for rs in &inv.regions {
            let r = region_ref(
                "AWS::GuardDuty::Detector",
                rs.account.as_deref(),
                &rs.region,
            );
            match &rs.guardduty_detectors {
                Known::Unknown(reason) => out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!("GuardDuty detectors not collected: {reason}"),
                    Value::Null,
                    "",
                ),
                Known::Known(detectors) => match detectors.iter().find(|d| d.enabled) {
                    Some(d) => out.report(
                        Status::Pass,
                        r,
                        None,
                        format!("detector {} is enabled in {}", d.id, rs.region),
                        Value::Null,
                        "",
                    ),
                    None => {
                        let ids: Vec<&str> = detectors.iter().map(|d| d.id.as_str()).collect();
                        let message = if ids.is_empty() {
                            format!("GuardDuty has no detector in {}", rs.region)
                        } else {
                            format!("GuardDuty detector(s) in {} are disabled", rs.region)
                        };
                        out.report(
                            Status::Fail,
                            r,
                            None,
                            message,
                            json!({ "region": rs.region, "disabled_detectors": ids }),
                            "",
                        );
                    }
                },
            }
        }
    }
}
