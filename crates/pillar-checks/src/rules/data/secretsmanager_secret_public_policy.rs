//! `secretsmanager-secret-public-policy`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::exposure::{judge, model, PolicyState, Target};
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct SecretsmanagerSecretPublicPolicy;
/// Registered instance.
pub static RULE: SecretsmanagerSecretPublicPolicy = SecretsmanagerSecretPublicPolicy;

static META: Meta = Meta {
    id: "secretsmanager-secret-public-policy",
    title: "Secrets Manager secret policy lets anyone outside the account use the secret",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "secretsmanager",
    wa: &["SEC02-BP03", "SEC03-BP07"],
    cis: &[],
    rationale: "A secret's resource policy that allows Principal \"*\" without a condition tying \
        the caller to your accounts or organization lets any AWS account read the secret's \
        value (when the secret's KMS key allows it too) or change it.",
    console: "Secrets Manager console > Secrets > the secret > Overview > Resource permissions > \
        Edit permissions: remove the statement with Principal \"*\" or add an \
        aws:PrincipalOrgID / aws:PrincipalAccount condition > Save.",
    cli: "aws secretsmanager get-resource-policy --secret-id <arn> --query ResourcePolicy --output text > policy.json\n\
        # edit policy.json: name principals or add a restricting Condition\n\
        aws secretsmanager validate-resource-policy --secret-id <arn> --resource-policy file://policy.json\n\
        aws secretsmanager put-resource-policy --secret-id <arn> --resource-policy file://policy.json --block-public-policy",
    terraform: "resource \"aws_secretsmanager_secret_policy\" \"s\" {\n  \
        secret_arn          = aws_secretsmanager_secret.s.arn\n  \
        block_public_policy = true\n  \
        policy = jsonencode({\n    \
        Version = \"2012-10-17\"\n    \
        Statement = [{\n      \
        Effect    = \"Allow\"\n      \
        Principal = { AWS = aws_iam_role.app.arn } # not \"*\"\n      \
        Action    = \"secretsmanager:GetSecretValue\"\n      \
        Resource  = \"*\"\n    \
        }]\n  \
        })\n}",
    docs: "## What it does\n\
        Asks the IAM evaluator, for every Secrets Manager action an `Allow` statement of the \
        secret's resource policy covers, whether an anonymous caller or a principal of an \
        unknown AWS account (whose own policies allow everything) may call it on the secret. \
        The caller picks the request values it controls but not who it is or where it calls \
        from: `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, \
        `aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`… take the outsider's values, so a \
        condition on them with a specific value closes the grant, while wildcards, negated and \
        `…IfExists` conditions do not. Deny statements and resource control policies count. \
        Accounts outside the inventory that the policy names are listed. Secrets without a \
        resource policy pass; secrets whose policy was not read are *unknown*. The secret's \
        KMS key policy is a second gate for reading the value and is not judged here.\n\n\
        ## Why is this bad?\n\
        Secrets hold credentials. A public grant lets anyone read them (when the key allows) \
        or overwrite and delete them, breaking the workload.\n\n\
        ## How to fix\n\
        Name the principals that need the secret, or keep `*` only with \
        `aws:PrincipalOrgID`; put policies with `--block-public-policy` so Secrets Manager \
        refuses public ones.\n\n\
        ## References\n\
        - AWS Secrets Manager User Guide: Resource-based policies; Block public access to \
        secrets (BlockPublicPolicy)\n\
        - IAM User Guide: AWS global condition context keys\n\
        - Well-Architected SEC02-BP03 Store and use secrets securely; SEC03-BP07 Analyze \
        public and cross-account access\n",
    since: "0.2.0",
};

impl Rule for SecretsmanagerSecretPublicPolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.secrets.is_empty() {
            return;
        }
        let model = model(inv, out);
        for s in &inv.secrets {
            let target = Target {
                resource: s,
                arn: &s.arn,
                name: &s.name,
                policy: PolicyState::of_optional(&s.policy),
                policy_location: s.policy_location.as_ref(),
                what: "secret",
                policy_word: "policy",
                service: "secretsmanager",
                extra: serde_json::Value::Null,
            };
            judge(&model, &target, out);
        }
    }
}
