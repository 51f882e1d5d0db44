//! `iam-user-multiple-active-keys`

use super::util::user_views;
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamUserMultipleActiveKeys;
/// Registered instance.
pub static RULE: IamUserMultipleActiveKeys = IamUserMultipleActiveKeys;

static META: Meta = Meta {
    id: "iam-user-multiple-active-keys",
    title: "IAM user has more than one active access key",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC02-BP05"],
    cis: &["1.13"],
    rationale: "Two active keys are only needed for the short overlap of a rotation. Left in \
        place, the second key doubles the credentials to protect and often means a rotation was \
        never finished.",
    console: "IAM > Users > the user > Security credentials > Access keys: find the key the \
        workload uses (Last used), Deactivate the other one, then Delete it.",
    cli: "aws iam list-access-keys --user-name <USER>\n\
        aws iam get-access-key-last-used --access-key-id <KEY_ID>\n\
        aws iam update-access-key --user-name <USER> --access-key-id <UNUSED_KEY_ID> --status Inactive\n\
        aws iam delete-access-key --user-name <USER> --access-key-id <UNUSED_KEY_ID>",
    terraform: "# Keep a single aws_iam_access_key per user; delete the extra resource:\n\
        resource \"aws_iam_access_key\" \"ci\" {\n\
        \x20 user = aws_iam_user.ci.name\n\
        }",
    docs: "## What it does\n\
        For every IAM user, counts the active access keys (from the collected keys, else the \
        credential report) and fails when there is more than one.\n\n\
        ## Why is this bad?\n\
        Each active key is a long-term credential that can leak. A second active key outside a \
        rotation window is usually forgotten, unmonitored, and unnecessary.\n\n\
        ## How to fix\n\
        Finish the rotation: keep the key in use, deactivate and then delete the other.\n\n\
        ## References\n\
        - AWS IAM User Guide: Manage access keys for IAM users\n\
        - CIS AWS Foundations Benchmark v3.0, 1.13\n\
        - Well-Architected SEC02-BP05 Audit and rotate credentials periodically\n",
    since: "0.1.0",
};

impl Rule for IamUserMultipleActiveKeys {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for u in user_views(inv) {
            match u.keys() {
                Known::Unknown(reason) => u.report(out, Status::Unknown, reason, Value::Null),
                Known::Known(keys) => {
                    let active: Vec<&str> = keys
                        .iter()
                        .filter(|k| k.active)
                        .map(|k| k.id.as_str())
                        .collect();
                    if active.len() > 1 {
                        u.report(
                            out,
                            Status::Fail,
                            format!("user {} has {} active access keys", u.name, active.len()),
                            json!({ "user": u.name, "active_access_keys": active }),
                        );
                    } else {
                        u.report(
                            out,
                            Status::Pass,
                            format!("user has {} active access key(s)", active.len()),
                            Value::Null,
                        );
                    }
                }
            }
        }
    }
}
