//! `s3-bucket-public-acl`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::common::{account_block, block_evidence, setting_on};
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct S3BucketPublicAcl;
/// Registered instance.
pub static RULE: S3BucketPublicAcl = S3BucketPublicAcl;

static META: Meta = Meta {
    id: "s3-bucket-public-acl",
    title: "S3 bucket ACL grants access to everyone or to any AWS account",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "s3",
    wa: &["SEC03-BP07", "SEC08-BP04"],
    cis: &[],
    rationale: "A bucket ACL grant to the AllUsers group makes the bucket readable (or writable) \
        by anyone on the internet; AuthenticatedUsers means any AWS account in the world, not \
        your users. Public buckets are a leading cause of data breaches.",
    console: "S3 console > the bucket > Permissions > Object Ownership > Edit > ACLs disabled \
        (Bucket owner enforced), or Access control list (ACL) > Edit > remove the Everyone and \
        Authenticated users groups. Turn on Block Public Access (at least IgnorePublicAcls).",
    cli: "aws s3api put-bucket-acl --bucket <bucket> --acl private\n\
        aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration \\\n  \
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    terraform: "resource \"aws_s3_bucket_ownership_controls\" \"b\" {\n  \
        bucket = aws_s3_bucket.b.id\n  \
        rule { object_ownership = \"BucketOwnerEnforced\" } # disables ACLs\n}\n\
        resource \"aws_s3_bucket_public_access_block\" \"b\" {\n  \
        bucket                  = aws_s3_bucket.b.id\n  \
        block_public_acls       = true\n  \
        ignore_public_acls      = true\n  \
        block_public_policy     = true\n  \
        restrict_public_buckets = true\n}",
    docs: "## What it does\n\
        Reports buckets whose ACL has a grant to the `AllUsers` or `AuthenticatedUsers` group, \
        unless S3 Block Public Access `IgnorePublicAcls` is on for the bucket or its account \
        (S3 then ignores those grants). An unknown ACL, or an unknown Block Public Access \
        setting when a public grant exists, gives *unknown*.\n\n\
        ## Why is this bad?\n\
        ACL grants to these groups expose the bucket to every internet user or every AWS \
        customer, with no logging of who they are. Reads leak data; WRITE or FULL_CONTROL lets \
        anyone plant or replace content.\n\n\
        ## How to fix\n\
        Disable ACLs with Object Ownership `BucketOwnerEnforced` and grant access through \
        policies; turn on all four Block Public Access settings at account level.\n\n\
        ## References\n\
        - Amazon S3 User Guide: Access control list (ACL) overview (Amazon S3 predefined groups)\n\
        - Amazon S3 User Guide: Blocking public access to your Amazon S3 storage\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access; SEC08-BP04 \
        Enforce access control\n",
    since: "0.1.0",
};

impl Rule for S3BucketPublicAcl {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for bucket in &inv.buckets {
            let ignored = setting_on(inv, bucket, |b| b.ignore_public_acls);
            if ignored == Known::Known(true) {
                out.pass(bucket, "public ACL grants are ignored (IgnorePublicAcls)");
                continue;
            }
            let grants = match &bucket.acl {
                Known::Known(g) => g,
                Known::Unknown(r) => {
                    out.unknown(bucket, format!("bucket ACL unknown: {r}"));
                    continue;
                }
            };
            let public: Vec<_> = grants.iter().filter(|g| g.is_public()).collect();
            if public.is_empty() {
                out.pass(
                    bucket,
                    "the ACL has no grant to AllUsers or AuthenticatedUsers",
                );
                continue;
            }
            match ignored {
                Known::Unknown(r) => out.unknown(
                    bucket,
                    format!("the ACL grants public access, but whether IgnorePublicAcls applies is unknown: {r}"),
                ),
                _ => out.fail(
                    bucket,
                    format!(
                        "bucket ACL grants {} to everyone or any AWS account",
                        public.iter().map(|g| g.permission.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    json!({
                        "bucket": bucket.name,
                        "public_grants": public.iter().map(|g| json!({
                            "grantee": g.uri,
                            "permission": g.permission,
                        })).collect::<Vec<_>>(),
                        "bucket_block_public_access": block_evidence(&bucket.public_access_block),
                        "account_block_public_access": block_evidence(&account_block(inv, bucket)),
                    }),
                ),
            }
        }
    }
}
