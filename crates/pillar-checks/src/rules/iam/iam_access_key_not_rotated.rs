//! `iam-access-key-not-rotated`

use super::util::{age_days, user_views};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamAccessKeyNotRotated;
/// Registered instance.
pub static RULE: IamAccessKeyNotRotated = IamAccessKeyNotRotated;

/// Active keys older than this many days fail.
const MAX_AGE_DAYS: i64 = 90;

static META: Meta = Meta {
    id: "iam-access-key-not-rotated",
    title: "IAM user has an active access key older than 90 days",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC02-BP05"],
    cis: &["1.14"],
    rationale: "Long-lived access keys end up in scripts, laptops, CI logs and repositories. The \
        older a key, the more places it has leaked to; rotation bounds how long a leak stays useful.",
    console: "IAM > Users > the user > Security credentials > Access keys: Create access key, \
        switch the workload to the new key, then Deactivate and Delete the old one. Better, replace \
        the key with a role (EC2 instance profile, IRSA, IAM Roles Anywhere, Identity Center).",
    cli: "aws iam create-access-key --user-name <USER>\n\
        # deploy the new key, confirm the old one is no longer used:\n\
        aws iam get-access-key-last-used --access-key-id <OLD_KEY_ID>\n\
        aws iam update-access-key --user-name <USER> --access-key-id <OLD_KEY_ID> --status Inactive\n\
        aws iam delete-access-key --user-name <USER> --access-key-id <OLD_KEY_ID>",
    terraform: "# Rotate by replacing the key resource (taint or a changing keeper), e.g.:\n\
        resource \"time_rotating\" \"key\" {\n\
        \x20 rotation_days = 90\n\
        }\n\
        resource \"aws_iam_access_key\" \"ci\" {\n\
        \x20 user = aws_iam_user.ci.name\n\
        \x20 lifecycle {\n\
        \x20   replace_triggered_by = [time_rotating.key.id]\n\
        \x20 }\n\
        }",
    docs: "## What it does\n\
        For every IAM user, checks each active access key's creation date (the credential \
        report's `access_key_N_last_rotated` when the key list was not collected) and fails when \
        a key is more than 90 days old at collection time.\n\n\
        ## Why is this bad?\n\
        Access keys do not expire. A key that has been in use for months has been copied to more \
        places, and a leaked copy keeps working until the key is rotated or deleted.\n\n\
        ## How to fix\n\
        Create a second key, move the workload to it, deactivate the old key, watch for errors, \
        then delete it. Prefer temporary credentials from roles so no long-term key is needed.\n\n\
        ## References\n\
        - AWS IAM User Guide: Manage access keys for IAM users (rotating access keys)\n\
        - CIS AWS Foundations Benchmark v3.0, 1.14\n\
        - Well-Architected SEC02-BP05 Audit and rotate credentials periodically\n",
    since: "0.1.0",
};

impl Rule for IamAccessKeyNotRotated {
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
            let mut old = Vec::new();
            let mut undated = Vec::new();
            for k in keys.iter().filter(|k| k.active) {
                match k.created {
                    Some(created) => {
                        let age = age_days(now, created);
                        if age > MAX_AGE_DAYS {
                            old.push(json!({ "access_key_id": k.id, "created": created, "age_days": age }));
                        }
                    }
                    None => undated.push(k.id.clone()),
                }
            }
            if !old.is_empty() {
                u.report(
                    out,
                    Status::Fail,
                    format!(
                        "user {} has {} active access key(s) older than {MAX_AGE_DAYS} days",
                        u.name,
                        old.len()
                    ),
                    json!({ "user": u.name, "keys": old }),
                );
            } else if !undated.is_empty() {
                u.report(
                    out,
                    Status::Unknown,
                    format!(
                        "creation date unknown for active key(s) {}",
                        undated.join(", ")
                    ),
                    Value::Null,
                );
            } else if keys.iter().any(|k| k.active) {
                u.report(
                    out,
                    Status::Pass,
                    format!("no active access key older than {MAX_AGE_DAYS} days"),
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
