//! `cloudtrail-not-encrypted-kms`

use super::util::unique_trails;
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct CloudtrailNotEncryptedKms;
/// Registered instance.
pub static RULE: CloudtrailNotEncryptedKms = CloudtrailNotEncryptedKms;

static META: Meta = Meta {
    id: "cloudtrail-not-encrypted-kms",
    title: "CloudTrail trail logs are not encrypted with a KMS key",
    severity: Severity::Medium,
    domain: Domain::Detection,
    service: "cloudtrail",
    wa: &["SEC08-BP02"],
    cis: &["3.5"],
    rationale: "With SSE-KMS, reading the logs needs kms:Decrypt on a key you control, a second \
        gate besides S3 permissions, and every decryption is itself logged.",
    console: "CloudTrail > Trails > the trail > General details > Edit: enable Log file SSE-KMS \
        encryption, choose or create a customer managed key whose policy lets CloudTrail encrypt \
        (cloudtrail.amazonaws.com, kms:GenerateDataKey* with the aws:SourceArn condition).",
    cli: "aws cloudtrail update-trail --name <TRAIL> --kms-key-id <KMS_KEY_ARN>",
    terraform: "resource \"aws_cloudtrail\" \"main\" {\n\
        \x20 # ...\n\
        \x20 kms_key_id = aws_kms_key.cloudtrail.arn\n\
        }\n\
        # the key policy must allow cloudtrail.amazonaws.com kms:GenerateDataKey*",
    docs: "## What it does\n\
        Fails for every trail with no `KmsKeyId` (logs encrypted only with SSE-S3).\n\n\
        ## Why is this bad?\n\
        CloudTrail logs hold account structure, principals and source IPs. With SSE-S3 alone, \
        anyone with `s3:GetObject` on the bucket can read them. A customer managed KMS key adds \
        an independent permission, key-level auditing and the option to revoke access.\n\n\
        ## How to fix\n\
        Create a customer managed key with a key policy allowing CloudTrail to encrypt and your \
        investigators to decrypt, then set it on the trail.\n\n\
        ## References\n\
        - AWS CloudTrail User Guide: Encrypting CloudTrail log files with AWS KMS keys (SSE-KMS)\n\
        - CIS AWS Foundations Benchmark v3.0, 3.5\n\
        - Well-Architected SEC08-BP02 Enforce encryption at rest\n",
    since: "0.1.0",
};

impl Rule for CloudtrailNotEncryptedKms {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for t in unique_trails(inv) {
            match &t.kms_key_id {
                Known::Known(Some(_)) => out.pass(t, "logs are encrypted with a KMS key"),
                Known::Known(None) => out.fail(
                    t,
                    format!("trail {} logs are not encrypted with a KMS key", t.name),
                    json!({ "trail": t.arn, "kms_key_id": null }),
                ),
                Known::Unknown(reason) => out.unknown(t, format!("encryption unknown: {reason}")),
            }
        }
    }
}
