//! `cloudtrail-multi-region-missing`

use super::util::{trail_account, unique_trails};
use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use crate::rules::iam::util::{judged_accounts, same_account};
use pillar_model::{Domain, Inventory, Known, Service, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct CloudtrailMultiRegionMissing;
/// Registered instance.
pub static RULE: CloudtrailMultiRegionMissing = CloudtrailMultiRegionMissing;

static META: Meta = Meta {
    id: "cloudtrail-multi-region-missing",
    title: "No logging multi-region CloudTrail trail records all management events",
    severity: Severity::High,
    domain: Domain::Detection,
    service: "cloudtrail",
    wa: &["SEC04-BP01"],
    cis: &["3.1"],
    rationale: "CloudTrail is the record of every API call. Without a logging multi-region trail \
        capturing all read and write management events, activity in other regions (a favourite \
        of attackers) and most investigations have no evidence.",
    console: "CloudTrail > Trails > Create trail (or edit the existing one): enable for all \
        regions (and all accounts in the organization from the management account), Management \
        events: Read and Write, then make sure Logging is on.",
    cli: "aws cloudtrail create-trail --name org-trail --s3-bucket-name <LOG_BUCKET> --is-multi-region-trail \\\n\
        \x20 --enable-log-file-validation --kms-key-id <KMS_KEY_ARN>\n\
        aws cloudtrail put-event-selectors --trail-name org-trail \\\n\
        \x20 --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'\n\
        aws cloudtrail start-logging --name org-trail",
    terraform: "resource \"aws_cloudtrail\" \"main\" {\n\
        \x20 name                          = \"main\"\n\
        \x20 s3_bucket_name                = aws_s3_bucket.trail.id\n\
        \x20 is_multi_region_trail         = true\n\
        \x20 include_global_service_events = true\n\
        \x20 enable_log_file_validation    = true\n\
        \x20 kms_key_id                    = aws_kms_key.trail.arn\n\
        \x20 enable_logging                = true\n\
        \x20 event_selector {\n\
        \x20   read_write_type           = \"All\"\n\
        \x20   include_management_events = true\n\
        \x20 }\n\
        }",
    docs: "## What it does\n\
        For every account, looks for at least one CloudTrail trail (its own, or an organization \
        trail) that is multi-region, is logging, and whose event selectors record all read and \
        write management events (no selectors means all management events). Not assessed when \
        CloudTrail was not collected.\n\n\
        ## Why is this bad?\n\
        Single-region trails miss calls made in other regions, stopped trails record nothing, \
        and selectors limited to write events or filtered by event source leave gaps that \
        investigations fall into.\n\n\
        ## How to fix\n\
        Create one multi-region trail (an organization trail when using AWS Organizations) with \
        all management events, log file validation and KMS encryption, and keep it logging.\n\n\
        ## References\n\
        - AWS CloudTrail User Guide: Creating a trail / Working with multi-region trails\n\
        - CIS AWS Foundations Benchmark v3.0, 3.1\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n",
    since: "0.1.0",
};

impl Rule for CloudtrailMultiRegionMissing {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for account in judged_accounts(inv, Service::CloudTrail) {
            let r = account_ref(account);
            if !inv.covers_any(Service::CloudTrail) {
                out.report(
                    Status::Unknown,
                    r,
                    None,
                    "CloudTrail trails not collected",
                    Value::Null,
                    "",
                );
                continue;
            }
            let trails: Vec<_> = unique_trails(inv)
                .into_iter()
                .filter(|t| {
                    same_account(trail_account(t), account)
                        || matches!(t.is_organization_trail, Known::Known(true))
                })
                .collect();
            let mut good = None;
            let mut undecided = Vec::new();
            let mut seen = Vec::new();
            for t in &trails {
                let multi = t.is_multi_region.get().copied();
                let logging = t.status.get().map(|s| s.is_logging);
                let mgmt = t.records_all_management_events().get().copied();
                seen.push(json!({
                    "trail": t.arn,
                    "multi_region": multi,
                    "logging": logging,
                    "all_management_events": mgmt,
                }));
                match (multi, logging, mgmt) {
                    (Some(true), Some(true), Some(true)) => good = good.or(Some(*t)),
                    (Some(false), _, _) | (_, Some(false), _) | (_, _, Some(false)) => {}
                    _ => undecided.push(t.arn.as_str()),
                }
            }
            if let Some(t) = good {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!(
                        "multi-region trail {} is logging all management events",
                        t.name
                    ),
                    Value::Null,
                    "",
                );
            } else if !undecided.is_empty() {
                out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!(
                        "settings not collected for trail(s) {}",
                        undecided.join(", ")
                    ),
                    Value::Null,
                    "",
                );
            } else {
                out.report(
                    Status::Fail,
                    r,
                    None,
                    "no logging multi-region trail records all management events",
                    json!({ "trails": seen }),
                    "",
                );
            }
        }
    }
}
