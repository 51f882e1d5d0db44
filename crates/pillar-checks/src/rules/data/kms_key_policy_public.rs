//! `kms-key-policy-public`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::common::{allows_everyone, restricting_keys, statement_evidence};
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct KmsKeyPolicyPublic;
/// Registered instance.
pub static RULE: KmsKeyPolicyPublic = KmsKeyPolicyPublic;

/// Condition keys that narrow a key policy grant to an account,
/// organization, network or source resource.
static RESTRICTING_KEYS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| crate::access::resource_policy_keys(&["kms:calleraccount"]));

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
        Reports KMS keys whose key policy has an `Allow` statement for `Principal` `*` or \
        `{\"AWS\": \"*\"}` (or with `NotPrincipal`) without a narrowing condition: \
        `kms:CallerAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, \
        `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, \
        `aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce` or `aws:userid`, under a positive \
        operator. `kms:ViaService` alone does not narrow the caller. Keys whose policy was not \
        read are *unknown*.\n\n\
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
        for key in &inv.kms_keys {
            let policy = match &key.policy {
                Known::Known(p) => p,
                Known::Unknown(r) => {
                    out.unknown(key, format!("key policy unknown: {r}"));
                    continue;
                }
            };
            let public: Vec<_> = policy
                .statements()
                .into_iter()
                .filter(|s| allows_everyone(s) && restricting_keys(s, &RESTRICTING_KEYS).is_empty())
                .collect();
            if public.is_empty() {
                out.pass(
                    key,
                    "no key policy statement allows any principal without a narrowing condition",
                );
            } else {
                out.fail(
                    key,
                    format!(
                        "key policy allows any principal in {} statement(s)",
                        public.len()
                    ),
                    json!({
                        "key_id": key.id,
                        "manager": key.manager,
                        "statements": public.iter().map(statement_evidence).collect::<Vec<_>>(),
                    }),
                );
            }
        }
    }
}
