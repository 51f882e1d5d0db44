//! `iam-support-role-missing`

use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use crate::rules::iam::util::{judged_accounts, resource_account, same_account};
use pillar_model::{Domain, Inventory, Service, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamSupportRoleMissing;
/// Registered instance.
pub static RULE: IamSupportRoleMissing = IamSupportRoleMissing;

const SUPPORT_POLICY: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

static META: Meta = Meta {
    id: "iam-support-role-missing",
    title: "No IAM role has AWSSupportAccess for handling incidents with AWS Support",
    severity: Severity::Low,
    domain: Domain::IncidentResponse,
    service: "iam",
    wa: &["SEC10-BP05"],
    cis: &["1.17"],
    rationale: "During an incident, responders need to open and follow AWS Support cases quickly \
        without reaching for root or an administrator. A dedicated role with AWSSupportAccess \
        gives exactly that, to the right people.",
    console: "IAM > Roles > Create role: trusted entity your account (or your identity provider), \
        attach the AWS managed policy AWSSupportAccess, name it e.g. aws-support, and allow your \
        incident responders to assume it.",
    cli: "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json\n\
        aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
    terraform: "resource \"aws_iam_role\" \"support\" {\n\
        \x20 name               = \"aws-support\"\n\
        \x20 assume_role_policy = data.aws_iam_policy_document.responders_trust.json\n\
        }\n\
        resource \"aws_iam_role_policy_attachment\" \"support\" {\n\
        \x20 role       = aws_iam_role.support.name\n\
        \x20 policy_arn = \"arn:aws:iam::aws:policy/AWSSupportAccess\"\n\
        }",
    docs: "## What it does\n\
        For every account whose IAM roles were collected, fails when no role has the AWS \
        managed policy `AWSSupportAccess` attached. Not assessed when IAM was not collected.\n\n\
        ## Why is this bad?\n\
        Incident response often needs AWS Support (a compromised account, a DDoS, a service \
        issue). If only root or administrators can open cases, responders either wait or use \
        over-privileged credentials in a crisis.\n\n\
        ## How to fix\n\
        Create a role with `AWSSupportAccess`, trusted by your incident responders' identities, \
        and document it in the incident response plan.\n\n\
        ## References\n\
        - AWS Support User Guide: Manage access to AWS Support Center\n\
        - CIS AWS Foundations Benchmark v3.0, 1.17\n\
        - Well-Architected SEC10-BP05 Pre-provision access\n",
    since: "0.1.0",
};

impl Rule for IamSupportRoleMissing {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for account in judged_accounts(inv, Service::Iam) {
            let r = account_ref(account);
            if !inv.covers(Service::Iam, "global") {
                out.report(
                    Status::Unknown,
                    r,
                    None,
                    "IAM roles not collected",
                    Value::Null,
                    "",
                );
                continue;
            }
            let roles: Vec<&str> = inv
                .roles
                .iter()
                .filter(|role| same_account(resource_account(&role.resource, &role.arn), account))
                .filter(|role| role.attached_policies.iter().any(|p| p == SUPPORT_POLICY))
                .map(|role| role.name.as_str())
                .collect();
            if roles.is_empty() {
                out.report(
                    Status::Fail,
                    r,
                    None,
                    "no IAM role has AWSSupportAccess attached",
                    json!({ "policy": SUPPORT_POLICY, "roles_checked": inv.roles.len() }),
                    "",
                );
            } else {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!("support role(s): {}", roles.join(", ")),
                    Value::Null,
                    "",
                );
            }
        }
    }
}
