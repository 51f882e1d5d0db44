//! `iam-role-trust-cross-account-no-external-id`

use super::util::{arn_account, resource_account, restricting_keys, statement_json};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;
use std::collections::BTreeSet;

/// The rule.
pub struct IamRoleTrustCrossAccountNoExternalId;
/// Registered instance.
pub static RULE: IamRoleTrustCrossAccountNoExternalId = IamRoleTrustCrossAccountNoExternalId;

/// Condition keys (lower case) that make a cross-account trust safe from
/// the confused deputy or bound to the organization.
const GUARD_KEYS: &[&str] = &[
    "sts:externalid",
    "aws:principalorgid",
    "aws:principalorgpaths",
];

static META: Meta = Meta {
    id: "iam-role-trust-cross-account-no-external-id",
    title: "IAM role trusts another account without an external id or organization condition",
    severity: Severity::Medium,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP07", "SEC03-BP09"],
    cis: &[],
    rationale: "A role that trusts a third party's account without sts:ExternalId is open to the \
        confused-deputy problem: any customer of that third party can ask it to act on this \
        account. Without an organization condition, nothing limits the trust to known accounts.",
    console: "IAM > Roles > the role > Trust relationships > Edit trust policy: add a condition \
        \"StringEquals\": {\"sts:ExternalId\": \"<value from the third party>\"} to the statement \
        trusting the other account, or \"aws:PrincipalOrgID\": \"<o-…>\" when the account is in \
        your organization.",
    cli: "aws iam update-assume-role-policy --role-name <ROLE> --policy-document file://trust.json\n\
        # trust.json: {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\n\
        #   \"Principal\":{\"AWS\":\"arn:aws:iam::<OTHER_ACCOUNT_ID>:root\"},\"Action\":\"sts:AssumeRole\",\n\
        #   \"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"<EXTERNAL_ID>\"}}}]}",
    terraform: "data \"aws_iam_policy_document\" \"trust\" {\n\
        \x20 statement {\n\
        \x20   actions = [\"sts:AssumeRole\"]\n\
        \x20   principals {\n\
        \x20     type        = \"AWS\"\n\
        \x20     identifiers = [\"arn:aws:iam::<OTHER_ACCOUNT_ID>:root\"]\n\
        \x20   }\n\
        \x20   condition {\n\
        \x20     test     = \"StringEquals\"\n\
        \x20     variable = \"sts:ExternalId\"\n\
        \x20     values   = [var.external_id]\n\
        \x20   }\n\
        \x20 }\n\
        }",
    docs: "## What it does\n\
        For every role, finds Allow statements in the trust policy whose `AWS` principals \
        belong to an account other than the role's own (an account id or an ARN in another \
        account) and fails when the statement has no positive condition on `sts:ExternalId`, \
        `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths`. A `*` principal is left to \
        `iam-role-trust-public`. Roles whose own account or trust policy is unknown are not \
        assessed.\n\n\
        ## Why is this bad?\n\
        Third-party services assume roles in many customers' accounts. Without an external id \
        that only this account knows, an attacker who is also a customer can make the service \
        assume this role for them (the confused deputy). Trusts between your own accounts should \
        at least be pinned to your organization.\n\n\
        ## How to fix\n\
        Require `sts:ExternalId` (the value the third party gives you) for vendor accounts, and \
        `aws:PrincipalOrgID` for accounts of your organization. Remove trusts no longer used.\n\n\
        ## References\n\
        - AWS IAM User Guide: The confused deputy problem\n\
        - AWS IAM User Guide: Access to AWS accounts owned by third parties (external id)\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access\n\
        - Well-Architected SEC03-BP09 Share resources securely with a third party\n",
    since: "0.1.0",
};

/// The account of an `AWS` principal value: an account id or an ARN.
fn principal_account(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Some(value)
    } else {
        arn_account(value)
    }
}

impl Rule for IamRoleTrustCrossAccountNoExternalId {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for role in &inv.roles {
            let doc = match &role.assume_role_policy {
                Known::Known(doc) => doc,
                Known::Unknown(reason) => {
                    out.unknown(role, format!("trust policy not available: {reason}"));
                    continue;
                }
            };
            let Some(own) = resource_account(&role.resource, &role.arn) else {
                out.unknown(role, "the role's account is unknown");
                continue;
            };
            let mut foreign_all = BTreeSet::new();
            let mut unguarded = Vec::new();
            for s in doc.statements().iter().filter(|s| s.allow) {
                let foreign: BTreeSet<String> = s
                    .principals()
                    .iter()
                    .filter(|(kind, _)| kind == "AWS")
                    .filter_map(|(_, v)| principal_account(v).map(str::to_owned))
                    .filter(|a| a != own)
                    .collect();
                if foreign.is_empty() {
                    continue;
                }
                foreign_all.extend(foreign.iter().cloned());
                if restricting_keys(s, GUARD_KEYS).is_empty() {
                    unguarded.push(json!({ "accounts": foreign, "statement": statement_json(s) }));
                }
            }
            if !unguarded.is_empty() {
                out.fail(
                    role,
                    format!("role {} trusts another account without sts:ExternalId or an organization condition", role.name),
                    json!({ "role": role.arn, "role_account": own, "statements": unguarded }),
                );
            } else if foreign_all.is_empty() {
                out.pass(role, "role trusts no other account");
            } else {
                out.pass(
                    role,
                    "cross-account trust is guarded by sts:ExternalId or an organization condition",
                );
            }
        }
    }
}
