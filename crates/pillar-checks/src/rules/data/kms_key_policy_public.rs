//! `kms-key-policy-public`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::exposure::{judge, model, PolicyState, Target};
use pillar_model::{Domain, Inventory, Severity};
use serde_json::json;

/// The rule.
pub struct KmsKeyPolicyPublic;
/// Registered instance.
pub static RULE: KmsKeyPolicyPublic = KmsKeyPolicyPublic;

static META: Meta = Meta {
    id: "kms-key-policy-public",
    title: "KMS key policy allows any principal",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "kms",
    wa: &["SEC08-BP01", "SEC03-BP07"],
    cis: &[],
    rationale: "A key policy statement that allows Principal \"*\" without a condition such as \
        kms:CallerAccount or aws:PrincipalOrgID lets any AWS account use (or manage) the key, \
        and with it decrypt data encrypted under it.",
    console: "KMS console > Customer managed keys > select the key > Key policy > Edit: replace \
        Principal \"*\" with specific account or role ARNs, or add a kms:CallerAccount / \
        aws:PrincipalOrgID condition > Save changes.",
    cli: "aws kms get-key-policy --key-id <key-id> --policy-name default --query Policy --output text > key-policy.json\n\
        # edit key-policy.json: name principals or add a restricting Condition\n\
        aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://key-policy.json",
    terraform: "data \"aws_iam_policy_document\" \"key\" {\n  \
        statement {\n    \
        actions   = [\"kms:Decrypt\", \"kms:GenerateDataKey*\"]\n    \
        resources = [\"*\"]\n    \
        principals {\n      \
        type        = \"AWS\"\n      \
        identifiers = [aws_iam_role.app.arn] # not \"*\"\n    \
        }\n  \
        }\n}\n\
        resource \"aws_kms_key\" \"data\" {\n  \
        policy              = data.aws_iam_policy_document.key.json\n  \
        enable_key_rotation = true\n}",
    docs: "## What it does\n\
        Asks the IAM evaluator, for every KMS action an `Allow` statement of the key policy \
        covers, whether an anonymous caller or a principal of an unknown AWS account (whose own \
        policies allow everything) may call it on the key. The caller picks the request values \
        it controls (`kms:ViaService`, encryption context, its own tags) but not who it is or \
        where it calls from: `kms:CallerAccount`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, \
        `aws:PrincipalArn`, `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceIp`, \
        `aws:SourceVpc`, `aws:SourceVpce`… take the outsider's values, so a condition on them \
        with a specific value closes the grant, while wildcards, negated and `…IfExists` \
        conditions do not. Deny statements count. Accounts outside the inventory that the \
        policy names are listed. Keys whose policy was not read are *unknown*.\n\n\
        ## Why is this bad?\n\
        Key policies are the primary access control for KMS keys. A public grant lets any AWS \
        account decrypt, re-encrypt or even administer the key, defeating the encryption of \
        everything it protects.\n\n\
        ## How to fix\n\
        Name the principals that need the key, or keep `*` only together with \
        `kms:CallerAccount` (and `kms:ViaService`) or `aws:PrincipalOrgID` conditions.\n\n\
        ## References\n\
        - AWS KMS Developer Guide: Key policies in AWS KMS\n\
        - AWS KMS Developer Guide: AWS KMS condition keys (kms:CallerAccount)\n\
        - Well-Architected SEC08-BP01 Implement secure key management; SEC03-BP07 Analyze \
        public and cross-account access\n",
    since: "0.1.0",
};

impl Rule for KmsKeyPolicyPublic {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.kms_keys.is_empty() {
            return;
        }
        let model = model(inv, out);
        for key in &inv.kms_keys {
            let t = Target {
                resource: key,
                arn: &key.arn,
                name: &key.id,
                policy: PolicyState::of(&key.policy),
                policy_location: None,
                what: "key",
                policy_word: "key policy",
                service: "kms",
                extra: json!({ "key_id": key.id, "manager": key.manager }),
            };
            judge(&model, &t, out);
        }
    }
}
