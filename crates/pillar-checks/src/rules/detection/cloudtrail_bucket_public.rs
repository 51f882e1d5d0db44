//! `cloudtrail-bucket-public`

use super::util::{bucket_publicness, unique_trails};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct CloudtrailBucketPublic;
/// Registered instance.
pub static RULE: CloudtrailBucketPublic = CloudtrailBucketPublic;

static META: Meta = Meta {
    id: "cloudtrail-bucket-public",
    title: "CloudTrail trail delivers logs to a public S3 bucket",
    severity: Severity::Critical,
    domain: Domain::Detection,
    service: "cloudtrail",
    wa: &["SEC04-BP01", "SEC03-BP07"],
    cis: &[],
    rationale: "CloudTrail logs map the whole account: principals, resources, source IPs and \
        errors. A public log bucket hands that map to anyone, and a publicly writable one lets \
        anyone tamper with the evidence.",
    console: "S3 > the trail's bucket > Permissions: turn on all four Block Public Access \
        settings, remove ACL grants to Everyone / Authenticated users (or set Object Ownership \
        to Bucket owner enforced), and remove policy statements with Principal \"*\" that are not \
        limited by aws:SourceArn / aws:SourceAccount.",
    cli: "aws s3api put-public-access-block --bucket <BUCKET> --public-access-block-configuration \\\n\
        \x20 BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n\
        aws s3api put-bucket-ownership-controls --bucket <BUCKET> \\\n\
        \x20 --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'\n\
        aws s3api put-bucket-policy --bucket <BUCKET> --policy file://cloudtrail-only.json",
    terraform: "resource \"aws_s3_bucket_public_access_block\" \"trail\" {\n\
        \x20 bucket                  = aws_s3_bucket.trail.id\n\
        \x20 block_public_acls       = true\n\
        \x20 ignore_public_acls      = true\n\
        \x20 block_public_policy     = true\n\
        \x20 restrict_public_buckets = true\n\
        }\n\
        resource \"aws_s3_bucket_ownership_controls\" \"trail\" {\n\
        \x20 bucket = aws_s3_bucket.trail.id\n\
        \x20 rule {\n\
        \x20   object_ownership = \"BucketOwnerEnforced\"\n\
        \x20 }\n\
        }",
    docs: "## What it does\n\
        For every trail, finds its destination bucket in the inventory and fails when the \
        bucket is public: an ACL grant to `AllUsers` or `AuthenticatedUsers` that \
        `IgnorePublicAcls` (bucket or account level) does not neutralise, or a policy statement \
        allowing `Principal: \"*\"` without a condition that pins the caller (source ARN, \
        account, organization, VPC, IP…) that `RestrictPublicBuckets` does not neutralise. \
        `BlockPublicAcls` and `BlockPublicPolicy` only refuse new grants, so they do not clear \
        existing ones. Not assessed when the bucket is not in the inventory (often a central \
        logging account) or its ACL, policy or Block Public Access settings are unknown and \
        matter to the answer.\n\n\
        ## Why is this bad?\n\
        Public read exposes a full history of the account's activity; public write lets anyone \
        plant or overwrite log files. Either destroys the value of the audit trail.\n\n\
        ## How to fix\n\
        Enable all four Block Public Access settings on the bucket and the account, enforce \
        bucket-owner object ownership (disables ACLs), and keep a bucket policy that only lets \
        `cloudtrail.amazonaws.com` write, conditioned on `aws:SourceArn`.\n\n\
        ## References\n\
        - AWS CloudTrail User Guide: Amazon S3 bucket policy for CloudTrail\n\
        - Amazon S3 User Guide: Blocking public access to your Amazon S3 storage (the meaning of \"public\")\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access\n",
    since: "0.1.0",
};

impl Rule for CloudtrailBucketPublic {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for t in unique_trails(inv) {
            let name = match &t.s3_bucket {
                Known::Known(Some(name)) => name,
                Known::Known(None) => continue,
                Known::Unknown(reason) => {
                    out.unknown(t, format!("destination bucket unknown: {reason}"));
                    continue;
                }
            };
            let Some(bucket) = inv.bucket(name) else {
                out.unknown(t, format!("bucket {name} is not in the inventory"));
                continue;
            };
            let p = bucket_publicness(inv, bucket);
            match p.public {
                Some(true) => out.fail(
                    t,
                    format!("trail {} delivers to public bucket {name}", t.name),
                    json!({ "trail": t.arn, "bucket": name, "public_by": p.reasons }),
                ),
                Some(false) => out.pass(t, format!("bucket {name} is not public")),
                None => out.unknown(
                    t,
                    format!(
                        "cannot decide whether bucket {name} is public: {}",
                        p.missing.join("; ")
                    ),
                ),
            }
        }
    }
}
