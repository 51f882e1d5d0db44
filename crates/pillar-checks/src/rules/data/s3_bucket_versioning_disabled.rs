//! `s3-bucket-versioning-disabled`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct S3BucketVersioningDisabled;
/// Registered instance.
pub static RULE: S3BucketVersioningDisabled = S3BucketVersioningDisabled;

static META: Meta = Meta {
    id: "s3-bucket-versioning-disabled",
    title: "S3 bucket versioning is not enabled",
    severity: Severity::Low,
    domain: Domain::DataProtection,
    service: "s3",
    wa: &["SEC08-BP04"],
    cis: &[],
    rationale: "Without versioning, an overwrite or delete (by mistake, a compromised credential, \
        or ransomware) destroys the only copy of an object. Versioning keeps prior versions so \
        data can be recovered, and is required for Object Lock and replication.",
    console: "S3 console > the bucket > Properties > Bucket Versioning > Edit > Enable > Save \
        changes. Add a lifecycle rule to expire noncurrent versions after a retention period.",
    cli: "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled",
    terraform: "resource \"aws_s3_bucket_versioning\" \"b\" {\n  \
        bucket = aws_s3_bucket.b.id\n  \
        versioning_configuration {\n    \
        status = \"Enabled\"\n  \
        }\n}",
    docs: "## What it does\n\
        Reports buckets whose versioning status is `Suspended` or was never enabled. Unknown \
        status gives *unknown*.\n\n\
        ## Why is this bad?\n\
        Deletes and overwrites are then permanent. Versioning (with MFA delete or Object Lock \
        for critical data) lets you restore objects after accidental or malicious changes.\n\n\
        ## How to fix\n\
        Enable versioning and manage storage cost with a lifecycle rule for noncurrent \
        versions.\n\n\
        ## References\n\
        - Amazon S3 User Guide: Retaining multiple versions of objects with S3 Versioning\n\
        - Well-Architected SEC08-BP04 Enforce access control\n",
    since: "0.1.0",
};

impl Rule for S3BucketVersioningDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for bucket in &inv.buckets {
            match &bucket.versioning {
                Known::Known(Some(s)) if s.eq_ignore_ascii_case("Enabled") => {
                    out.pass(bucket, "versioning is enabled")
                }
                Known::Known(status) => out.fail(
                    bucket,
                    match status {
                        Some(s) => format!("bucket versioning is {s}"),
                        None => "bucket versioning was never enabled".to_owned(),
                    },
                    json!({ "bucket": bucket.name, "versioning": status }),
                ),
                Known::Unknown(r) => out.unknown(bucket, format!("versioning status unknown: {r}")),
            }
        }
    }
}
