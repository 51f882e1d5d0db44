//! `iam-role-trust-public`

use super::util::{restricting_keys, statement_json};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::{json, Value};

/// The rule.
pub struct IamRoleTrustPublic;
/// Registered instance.
pub static RULE: IamRoleTrustPublic = IamRoleTrustPublic;

/// Condition keys (lower case) that tie a `*` principal to known callers.
pub(crate) static IDENTITY_RESTRICTING_KEYS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        let mut keys = crate::access::IDENTITY_KEYS.to_vec();
        keys.push("sts:externalid");
        keys
    });

static META: Meta = Meta {
    id: "iam-role-trust-public",
    title: "IAM role can be assumed by any AWS principal",
    severity: Severity::Critical,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP07"],
    cis: &[],
    rationale: "A trust policy that allows Principal \"*\" without a condition naming the \
        caller lets anyone with an AWS account assume the role and use its permissions.",
    console: "IAM > Roles > the role > Trust relationships > Edit trust policy: replace \
        \"Principal\": \"*\" with the specific account, role or service that needs the role, or \
        add a condition such as aws:PrincipalOrgID or sts:ExternalId.",
    cli: "aws iam update-assume-role-policy --role-name <ROLE> --policy-document file://trust.json\n\
        # trust.json: {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\n\
        #   \"Principal\":{\"AWS\":\"arn:aws:iam::<TRUSTED_ACCOUNT_ID>:role/<CALLER>\"},\"Action\":\"sts:AssumeRole\"}]}",
    terraform: "data \"aws_iam_policy_document\" \"trust\" {\n\
        \x20 statement {\n\
        \x20   actions = [\"sts:AssumeRole\"]\n\
        \x20   principals {\n\
        \x20     type        = \"AWS\"\n\
        \x20     identifiers = [\"arn:aws:iam::<TRUSTED_ACCOUNT_ID>:role/<CALLER>\"]   # not \"*\"\n\
        \x20   }\n\
        \x20 }\n\
        }\n\
        resource \"aws_iam_role\" \"app\" {\n\
        \x20 name               = \"app\"\n\
        \x20 assume_role_policy = data.aws_iam_policy_document.trust.json\n\
        }",
    docs: "## What it does\n\
        Fails for every role whose trust policy has an Allow statement with `Principal: \"*\"` \
        or `{\"AWS\": \"*\"}` and no condition that restricts the caller: a positive (not \
        negated, not `…IfExists`) condition on `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, \
        `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, \
        `aws:SourceOrgID`, `aws:SourceOrgPaths`, `aws:SourceOwner` or `sts:ExternalId` with a \
        value that is not a bare wildcard. Roles whose trust policy was not collected are not \
        assessed.\n\n\
        ## Why is this bad?\n\
        Any principal in any AWS account can call `sts:AssumeRole` on such a role. The role's \
        permissions are then effectively public.\n\n\
        ## How to fix\n\
        Name the trusted principals explicitly, or keep the wildcard only with a condition that \
        pins the caller's organization or account. Review external access with IAM Access \
        Analyzer.\n\n\
        ## References\n\
        - AWS IAM User Guide: IAM JSON policy elements: Principal (all principals)\n\
        - AWS IAM User Guide: AWS global condition context keys\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access\n",
    since: "0.1.0",
};

impl Rule for IamRoleTrustPublic {
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
            let open: Vec<Value> = doc
                .statements()
                .iter()
                .filter(|s| {
                    s.allow
                        && s.principal_is_public()
                        && restricting_keys(s, &IDENTITY_RESTRICTING_KEYS).is_empty()
                })
                .map(statement_json)
                .collect();
            if open.is_empty() {
                out.pass(
                    role,
                    "trust policy does not allow an unrestricted * principal",
                );
            } else {
                out.fail(
                    role,
                    format!("role {} can be assumed by any AWS principal", role.name),
                    json!({ "role": role.arn, "statements": open }),
                );
            }
        }
    }
}
