//! `iam-root-mfa-disabled`

use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamRootMfaDisabled;
/// Registered instance.
pub static RULE: IamRootMfaDisabled = IamRootMfaDisabled;

static META: Meta = Meta {
    id: "iam-root-mfa-disabled",
    title: "Root user has no MFA device",
    severity: Severity::Critical,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC01-BP02", "SEC02-BP01"],
    cis: &["1.5"],
    rationale: "Without MFA, the root user's password alone grants unrestricted control of the \
        account, its billing and its closure; a phished or reused password is a full takeover.",
    console: "Sign in as the root user, open the account menu > Security credentials, and under \
        Multi-factor authentication (MFA) choose Assign MFA device (a FIDO2 security key or a \
        hardware TOTP token is preferred over a virtual device).",
    cli: "# Assigning root MFA needs root credentials; root should have no access keys, so\n\
        # assign it in the console as root, then verify (1 = enabled):\n\
        aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'",
    terraform: "# Root credentials cannot be managed by Terraform. Assign the root MFA device\n\
        # in the console while signed in as root.",
    docs: "## What it does\n\
        Checks the `<root_account>` row of the IAM credential report for `mfa_active`; when the \
        report is not available, uses `AccountMFAEnabled` from `iam get-account-summary`.\n\n\
        ## Why is this bad?\n\
        The root user can do anything in the account, including actions no IAM policy can \
        restrict (closing the account, changing the support plan, restoring IAM permissions). \
        A second factor is the only protection beyond its password.\n\n\
        ## How to fix\n\
        Sign in as root and assign an MFA device, preferably a hardware security key. Keep the \
        device in a safe place with a documented break-glass procedure.\n\n\
        ## References\n\
        - AWS IAM User Guide: Enable a hardware or virtual MFA device for the root user\n\
        - CIS AWS Foundations Benchmark v3.0, 1.5\n\
        - Well-Architected SEC01-BP02 Secure account root user and properties\n",
    since: "0.1.0",
};

impl Rule for IamRootMfaDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for account in &inv.accounts {
            let r = account_ref(account.id.get().map(String::as_str));
            let summary = account
                .summary
                .get()
                .and_then(|s| s.get("AccountMFAEnabled").copied());
            let (mfa, source) = match (account.root(), summary) {
                (Known::Known(Some(root)), _) => (root.mfa_active, "credential report"),
                (_, Some(v)) => (v != 0, "account summary"),
                (Known::Known(None), None) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        "credential report has no root row and the account summary was not collected",
                        Value::Null,
                        "",
                    );
                    continue;
                }
                (Known::Unknown(reason), None) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        format!("neither the credential report nor the account summary is available: {reason}"),
                        Value::Null,
                        "",
                    );
                    continue;
                }
            };
            if mfa {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!("root user has MFA enabled ({source})"),
                    Value::Null,
                    "",
                );
            } else {
                out.report(
                    Status::Fail,
                    r,
                    None,
                    "root user has no MFA device",
                    json!({ "source": source, "mfa_active": false }),
                    "",
                );
            }
        }
    }
}
