//! `iam-root-access-key-present`

use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::json;

/// The rule.
pub struct IamRootAccessKeyPresent;
/// Registered instance.
pub static RULE: IamRootAccessKeyPresent = IamRootAccessKeyPresent;

static META: Meta = Meta {
    id: "iam-root-access-key-present",
    title: "Root user has an active access key",
    severity: Severity::Critical,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC01-BP02", "SEC02-BP02"],
    cis: &["1.4"],
    rationale: "Root access keys carry unrestricted, unrevokable-by-policy power over the whole \
        account; a leaked root key is a full account takeover.",
    console: "Sign in as the root user, open Security credentials, and under Access keys choose \
        Actions > Delete for each key.",
    cli: "# root keys can only be deleted while signed in as root:\n\
        aws iam delete-access-key --access-key-id <ROOT_KEY_ID>   # run with root credentials",
    terraform: "# Root credentials cannot be managed by Terraform. Delete the key as root and\n\
        # use IAM roles (aws_iam_role) for automation instead.",
    docs: "## What it does\n\
        Checks the IAM credential report for an active access key on the `<root_account>` row.\n\n\
        ## Why is this bad?\n\
        The root user cannot be restricted by IAM policies (only by SCPs). An access key for it \
        is a long-term credential with full power over the account and its billing.\n\n\
        ## How to fix\n\
        Delete the root access keys and use roles with least privilege for automation.\n\n\
        ## References\n\
        - AWS IAM User Guide: Root user best practices for your AWS account\n\
        - Well-Architected SEC02-BP02 Use temporary credentials\n",
    since: "0.1.0",
};

impl Rule for IamRootAccessKeyPresent {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for account in &inv.accounts {
            let id = account.id.get().map(String::as_str);
            let r = account_ref(id);
            match account.root() {
                Known::Unknown(reason) => out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!("credential report not available: {reason}"),
                    serde_json::Value::Null,
                    "",
                ),
                Known::Known(None) => out.report(
                    Status::Unknown,
                    r,
                    None,
                    "credential report has no root row",
                    serde_json::Value::Null,
                    "",
                ),
                Known::Known(Some(root)) => {
                    let active: Vec<u8> =
                        [(1, root.access_key_1_active), (2, root.access_key_2_active)]
                            .into_iter()
                            .filter(|(_, a)| *a)
                            .map(|(n, _)| n)
                            .collect();
                    if active.is_empty() {
                        out.report(
                            Status::Pass,
                            r,
                            None,
                            "root has no active access key",
                            serde_json::Value::Null,
                            "",
                        );
                    } else {
                        out.report(
                            Status::Fail,
                            r,
                            None,
                            format!("root user has {} active access key(s)", active.len()),
                            json!({ "active_keys": active }),
                            "",
                        );
                    }
                }
            }
        }
    }
}
