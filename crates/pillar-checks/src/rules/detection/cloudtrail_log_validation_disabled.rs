//! `cloudtrail-log-validation-disabled`

use super::util::unique_trails;
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct CloudtrailLogValidationDisabled;
/// Registered instance.
pub static RULE: CloudtrailLogValidationDisabled = CloudtrailLogValidationDisabled;

static META: Meta = Meta {
    id: "cloudtrail-log-validation-disabled",
    title: "CloudTrail trail has log file integrity validation disabled",
    severity: Severity::Medium,
    domain: Domain::Detection,
    service: "cloudtrail",
    wa: &["SEC04-BP01", "SEC10-BP03"],
    cis: &["3.2"],
    rationale: "Without digest files, nobody can prove that delivered CloudTrail logs were not \
        modified or deleted afterwards, which weakens them as evidence in an investigation.",
    console: "CloudTrail > Trails > the trail > General details > Edit > Additional settings: \
        enable Log file validation, then Save changes.",
    cli: "aws cloudtrail update-trail --name <TRAIL> --enable-log-file-validation\n\
        # later, to verify:\n\
        aws cloudtrail validate-logs --trail-arn <TRAIL_ARN> --start-time <ISO_TIME>",
    terraform: "resource \"aws_cloudtrail\" \"main\" {\n\
        \x20 # ...\n\
        \x20 enable_log_file_validation = true\n\
        }",
    docs: "## What it does\n\
        Fails for every trail whose `LogFileValidationEnabled` is false.\n\n\
        ## Why is this bad?\n\
        With validation on, CloudTrail delivers signed hourly digest files (SHA-256 with RSA) \
        that let `aws cloudtrail validate-logs` detect modified, deleted or forged log files. \
        Without it, an intruder with write access to the bucket can edit the record unnoticed.\n\n\
        ## How to fix\n\
        Enable log file validation on the trail; validation applies to logs delivered from then \
        on.\n\n\
        ## References\n\
        - AWS CloudTrail User Guide: Validating CloudTrail log file integrity\n\
        - CIS AWS Foundations Benchmark v3.0, 3.2\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n\
        - Well-Architected SEC10-BP03 Prepare forensic capabilities\n",
    since: "0.1.0",
};

impl Rule for CloudtrailLogValidationDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for t in unique_trails(inv) {
            match &t.log_file_validation {
                Known::Known(true) => out.pass(t, "log file validation is enabled"),
                Known::Known(false) => out.fail(
                    t,
                    format!("trail {} has log file validation disabled", t.name),
                    json!({ "trail": t.arn, "log_file_validation": false }),
                ),
                Known::Unknown(reason) => {
                    out.unknown(t, format!("log file validation unknown: {reason}"))
                }
            }
        }
    }
}
