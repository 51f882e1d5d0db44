//! `iam-role-trust-public`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::exposure::{judge, model, PolicyState, Target};
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct IamRoleTrustPublic;
/// Registered instance.
pub static RULE: IamRoleTrustPublic = IamRoleTrustPublic;

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
        add a condition such as aws:PrincipalOrgID or aws:PrincipalAccount.",
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
        Asks the IAM evaluator whether an anonymous caller or a principal of an unknown AWS \
        account (whose own policies allow everything) may call the STS actions the role's \
        trust policy allows (`sts:AssumeRole`…) on the role. The caller picks the request \
        values it controls (`sts:ExternalId`, session tags, source identity) but not who it is \
        or where it calls from: `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, \
        `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, \
        `aws:SourceIp`… take the outsider's values, so a condition on them with a specific \
        value closes the grant, while wildcards, negated and `…IfExists` conditions do not. An \
        external ID alone does not close a `*` trust: it is a request parameter anyone who \
        learns it can send (STS API Reference, AssumeRole `ExternalId`). Deny statements \
        count. Roles whose trust policy was not collected are *unknown*.\n\n\
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
        if inv.roles.is_empty() {
            return;
        }
        let model = model(inv, out);
        for role in &inv.roles {
            let t = Target {
                resource: role,
                arn: &role.arn,
                name: &role.name,
                policy: PolicyState::of(&role.assume_role_policy),
                policy_location: None,
                what: "role",
                policy_word: "trust policy",
                service: "sts",
                extra: serde_json::Value::Null,
            };
            judge(&model, &t, out);
        }
    }
}
