//! `iam-user-console-without-mfa`

use super::util::user_views;
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamUserConsoleWithoutMfa;
/// Registered instance.
pub static RULE: IamUserConsoleWithoutMfa = IamUserConsoleWithoutMfa;

static META: Meta = Meta {
    id: "iam-user-console-without-mfa",
    title: "IAM user with a console password has no MFA device",
    severity: Severity::High,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC02-BP01"],
    cis: &["1.10"],
    rationale: "A console password alone is one phishing page or one reused password away from \
        an attacker signing in with all of the user's permissions.",
    console: "IAM > Users > the user > Security credentials > Multi-factor authentication (MFA) > \
        Assign MFA device. To force it, attach a policy that denies everything except MFA \
        self-service when aws:MultiFactorAuthPresent is false. If the user does not need the \
        console, choose Console access > Disable instead.",
    cli: "aws iam create-virtual-mfa-device --virtual-mfa-device-name <USER> --outfile <USER>-mfa.png --bootstrap-method QRCodePNG\n\
        aws iam enable-mfa-device --user-name <USER> --serial-number arn:aws:iam::<ACCOUNT_ID>:mfa/<USER> \\\n\
        \x20 --authentication-code1 <CODE1> --authentication-code2 <CODE2>\n\
        # or, if the user needs no console access:\n\
        aws iam delete-login-profile --user-name <USER>",
    terraform: "# Require MFA for everything but MFA self-service:\n\
        data \"aws_iam_policy_document\" \"require_mfa\" {\n\
        \x20 statement {\n\
        \x20   sid         = \"DenyWithoutMFA\"\n\
        \x20   effect      = \"Deny\"\n\
        \x20   not_actions = [\"iam:CreateVirtualMFADevice\", \"iam:EnableMFADevice\", \"iam:ListMFADevices\", \"iam:ListVirtualMFADevices\", \"iam:ResyncMFADevice\", \"iam:GetUser\", \"iam:ChangePassword\", \"sts:GetSessionToken\"]\n\
        \x20   resources   = [\"*\"]\n\
        \x20   condition {\n\
        \x20     test     = \"BoolIfExists\"\n\
        \x20     variable = \"aws:MultiFactorAuthPresent\"\n\
        \x20     values   = [\"false\"]\n\
        \x20   }\n\
        \x20 }\n\
        }\n\
        resource \"aws_iam_group_policy\" \"require_mfa\" {\n\
        \x20 group  = aws_iam_group.console_users.name\n\
        \x20 policy = data.aws_iam_policy_document.require_mfa.json\n\
        }",
    docs: "## What it does\n\
        For every IAM user with a console password, checks that at least one MFA device is \
        assigned. Uses the user's collected password and MFA devices, and falls back to the \
        `password_enabled` and `mfa_active` columns of the IAM credential report.\n\n\
        ## Why is this bad?\n\
        Passwords are phished, guessed and reused. MFA stops a stolen password from being \
        enough to sign in as the user.\n\n\
        ## How to fix\n\
        Assign an MFA device (a FIDO2 security key is strongest), enforce MFA with a policy \
        conditioned on `aws:MultiFactorAuthPresent`, or remove the console password of users \
        that do not need it. Prefer IAM Identity Center users over IAM users for people.\n\n\
        ## References\n\
        - AWS IAM User Guide: AWS Multi-factor authentication in IAM\n\
        - CIS AWS Foundations Benchmark v3.0, 1.10\n\
        - Well-Architected SEC02-BP01 Use strong sign-in mechanisms\n",
    since: "0.1.0",
};

impl Rule for IamUserConsoleWithoutMfa {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for u in user_views(inv) {
            match (u.password_enabled(), u.mfa_active()) {
                (Known::Known(false), _) => {
                    u.report(
                        out,
                        Status::Pass,
                        "user has no console password",
                        Value::Null,
                    );
                }
                (_, Known::Known(true)) => {
                    u.report(out, Status::Pass, "user has an MFA device", Value::Null);
                }
                (Known::Known(true), Known::Known(false)) => u.report(
                    out,
                    Status::Fail,
                    format!("user {} has a console password and no MFA device", u.name),
                    json!({ "user": u.name, "password_enabled": true, "mfa_devices": 0 }),
                ),
                (Known::Unknown(reason), _) | (_, Known::Unknown(reason)) => {
                    u.report(out, Status::Unknown, reason, Value::Null);
                }
            }
        }
    }
}
