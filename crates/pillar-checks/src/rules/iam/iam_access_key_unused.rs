//! `iam-access-key-unused`

use super::util::{age_days, user_views};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamAccessKeyUnused;
/// Registered instance.
pub static RULE: IamAccessKeyUnused = IamAccessKeyUnused;

/// Active keys unused for longer than this many days fail.
const MAX_IDLE_DAYS: i64 = 90;

static META: Meta = Meta {
    id: "iam-access-key-unused",
    title: "IAM user has an active access key unused for 90 days",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC02-BP05", "SEC03-BP06"],
    cis: &["1.12"],
    rationale: "An active key nobody uses is pure risk: it grants access if it leaks, and its \
        owner will not notice it being abused.",
    console: "IAM > Users > the user > Security credentials > Access keys: check Last used, then \
        choose Actions > Deactivate, and Delete once nothing breaks.",
    cli: "aws iam get-access-key-last-used --access-key-id <KEY_ID>\n\
        aws iam update-access-key --user-name <USER> --access-key-id <KEY_ID> --status Inactive\n\
        aws iam delete-access-key --user-name <USER> --access-key-id <KEY_ID>",
    terraform: "# Remove the aws_iam_access_key resource for the unused key:\n\
        # resource \"aws_iam_access_key\" \"legacy\" { ... }   <- delete, then terraform apply",
    docs: "## What it does\n\
        For every IAM user, fails when an active access key was last used more than 90 days \
        before collection, or was never used and was created more than 90 days before. Uses the \
        collected keys, else the credential report's `access_key_N_last_used` columns.\n\n\
        ## Why is this bad?\n\
        Unused credentials widen the attack surface without serving anyone. CIS 1.12 asks for \
        credentials unused for 45 days or more to be disabled; pillar uses 90 days (the AWS \
        rotation guidance) to limit noise, so a pass here is not by itself a CIS 1.12 pass.\n\n\
        ## How to fix\n\
        Deactivate the key, wait for complaints, then delete it. Review unused credentials \
        regularly, e.g. with IAM Access Analyzer unused-access findings.\n\n\
        ## References\n\
        - AWS IAM User Guide: Finding unused AWS credentials\n\
        - CIS AWS Foundations Benchmark v3.0, 1.12\n\
        - Well-Architected SEC03-BP06 Manage access based on lifecycle\n",
    since: "0.1.0",
};

impl Rule for IamAccessKeyUnused {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let now = inv.now();
        for u in user_views(inv) {
            let keys = match u.keys() {
                Known::Known(keys) => keys,
                Known::Unknown(reason) => {
                    u.report(out, Status::Unknown, reason, Value::Null);
                    continue;
                }
            };
            let mut idle = Vec::new();
            let mut unclear = Vec::new();
            for k in keys.iter().filter(|k| k.active) {
                match (&k.last_used, k.created) {
                    (Known::Known(Some(used)), _) => {
                        let days = age_days(now, *used);
                        if days > MAX_IDLE_DAYS {
                            idle.push(json!({ "access_key_id": k.id, "last_used": used, "days_unused": days }));
                        }
                    }
                    (Known::Known(None), Some(created)) => {
                        let days = age_days(now, created);
                        if days > MAX_IDLE_DAYS {
                            idle.push(json!({ "access_key_id": k.id, "last_used": null, "created": created, "age_days": days }));
                        }
                    }
                    (Known::Known(None), None) => unclear.push(k.id.clone()),
                    (Known::Unknown(_), _) => unclear.push(k.id.clone()),
                }
            }
            if !idle.is_empty() {
                u.report(
                    out,
                    Status::Fail,
                    format!(
                        "user {} has {} active access key(s) unused for more than {MAX_IDLE_DAYS} days",
                        u.name,
                        idle.len()
                    ),
                    json!({ "user": u.name, "keys": idle }),
                );
            } else if !unclear.is_empty() {
                u.report(
                    out,
                    Status::Unknown,
                    format!(
                        "last use or creation unknown for active key(s) {}",
                        unclear.join(", ")
                    ),
                    Value::Null,
                );
            } else if keys.iter().any(|k| k.active) {
                u.report(
                    out,
                    Status::Pass,
                    format!("every active access key was used in the last {MAX_IDLE_DAYS} days"),
                    Value::Null,
                );
            } else {
                u.report(
                    out,
                    Status::Pass,
                    "user has no active access key",
                    Value::Null,
                );
            }
        }
    }
}
