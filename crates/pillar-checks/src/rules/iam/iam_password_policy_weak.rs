//! `iam-password-policy-weak`

use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamPasswordPolicyWeak;
/// Registered instance.
pub static RULE: IamPasswordPolicyWeak = IamPasswordPolicyWeak;

/// CIS 1.8: at least 14 characters.
const MIN_LENGTH: u32 = 14;
/// CIS 1.9: remember 24 previous passwords.
const MIN_REUSE_PREVENTION: u32 = 24;

static META: Meta = Meta {
    id: "iam-password-policy-weak",
    title: "Account password policy is missing or weak",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC02-BP01"],
    cis: &["1.8", "1.9"],
    rationale: "Without a strong password policy, IAM users can set short, simple or recycled \
        passwords that fall to guessing and credential stuffing.",
    console: "IAM > Account settings > Password policy > Edit: choose Custom, set minimum length \
        14 or more, require at least one upper-case letter, lower-case letter, number and \
        non-alphanumeric character, and prevent reuse of the last 24 passwords.",
    cli: "aws iam update-account-password-policy --minimum-password-length 14 \\\n\
        \x20 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters \\\n\
        \x20 --password-reuse-prevention 24 --allow-users-to-change-password",
    terraform: "resource \"aws_iam_account_password_policy\" \"strict\" {\n\
        \x20 minimum_password_length        = 14\n\
        \x20 require_symbols                = true\n\
        \x20 require_numbers                = true\n\
        \x20 require_uppercase_characters   = true\n\
        \x20 require_lowercase_characters   = true\n\
        \x20 password_reuse_prevention      = 24\n\
        \x20 allow_users_to_change_password = true\n\
        }",
    docs: "## What it does\n\
        Reads the account password policy and lists each weakness: no custom policy at all, a \
        minimum length under 14 (CIS 1.8), reuse prevention under 24 passwords (CIS 1.9), and \
        each missing character class (symbols, numbers, upper case, lower case).\n\n\
        ## Why is this bad?\n\
        Without a custom policy, IAM applies only the AWS default (8 characters, three \
        character classes, no reuse prevention). Short or recycled passwords are the first \
        thing brute-force and credential-stuffing attacks try.\n\n\
        ## How to fix\n\
        Set a custom password policy with length 14 or more, all character classes and reuse \
        prevention of 24. Better still, move people to IAM Identity Center with MFA.\n\n\
        ## References\n\
        - AWS IAM User Guide: Set an account password policy for IAM users\n\
        - CIS AWS Foundations Benchmark v3.0, 1.8 and 1.9\n\
        - Well-Architected SEC02-BP01 Use strong sign-in mechanisms\n",
    since: "0.1.0",
};

impl Rule for IamPasswordPolicyWeak {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for account in &inv.accounts {
            let r = account_ref(account.id.get().map(String::as_str));
            let policy = match &account.password_policy {
                Known::Unknown(reason) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        format!("password policy not available: {reason}"),
                        Value::Null,
                        "",
                    );
                    continue;
                }
                Known::Known(None) => {
                    out.report(
                        Status::Fail,
                        r,
                        None,
                        "account has no custom password policy",
                        json!({ "weaknesses": ["no password policy"] }),
                        "",
                    );
                    continue;
                }
                Known::Known(Some(p)) => p,
            };
            let mut weak = Vec::new();
            match policy.minimum_length {
                Some(n) if n >= MIN_LENGTH => {}
                Some(n) => weak.push(format!("minimum length {n} < {MIN_LENGTH}")),
                None => weak.push(format!("no minimum length (< {MIN_LENGTH})")),
            }
            match policy.reuse_prevention {
                Some(n) if n >= MIN_REUSE_PREVENTION => {}
                Some(n) => weak.push(format!("reuse prevention {n} < {MIN_REUSE_PREVENTION}")),
                None => weak.push("password reuse not prevented".to_owned()),
            }
            for (required, what) in [
                (policy.require_symbols, "symbols"),
                (policy.require_numbers, "numbers"),
                (policy.require_uppercase, "upper-case letters"),
                (policy.require_lowercase, "lower-case letters"),
            ] {
                if !required {
                    weak.push(format!("does not require {what}"));
                }
            }
            if weak.is_empty() {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    "password policy meets length, reuse and complexity requirements",
                    Value::Null,
                    "",
                );
            } else {
                out.report(
                    Status::Fail,
                    r,
                    None,
                    format!("password policy has {} weakness(es)", weak.len()),
                    json!({ "weaknesses": weak }),
                    "",
                );
            }
        }
    }
}
