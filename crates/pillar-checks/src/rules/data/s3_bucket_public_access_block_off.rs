//! `s3-bucket-public-access-block-off`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::common::{account_block, block_evidence, is_iac};
use pillar_model::resources::PublicAccessBlock;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct S3BucketPublicAccessBlockOff;
/// Registered instance.
pub static RULE: S3BucketPublicAccessBlockOff = S3BucketPublicAccessBlockOff;

static META: Meta = Meta {
    id: "s3-bucket-public-access-block-off",
    title: "S3 bucket is not covered by a complete Block Public Access configuration",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "s3",
    wa: &["SEC03-BP07"],
    cis: &["2.1.4"],
    rationale: "S3 Block Public Access is a guardrail that overrides ACLs and policies: with all \
        four settings on, a mistaken grant cannot make data public. A bucket covered by neither \
        a complete bucket-level nor a complete account-level block relies on every future policy \
        and ACL change being right.",
    console: "S3 console > the bucket > Permissions > Block public access (bucket settings) > \
        Edit > Block all public access > Save; or S3 console > Block Public Access settings for \
        this account > Edit > Block all public access.",
    cli: "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration \\\n  \
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    terraform: "resource \"aws_s3_bucket_public_access_block\" \"b\" {\n  \
        bucket                  = aws_s3_bucket.b.id\n  \
        block_public_acls       = true\n  \
        ignore_public_acls      = true\n  \
        block_public_policy     = true\n  \
        restrict_public_buckets = true\n}",
    docs: "## What it does\n\
        Reports buckets for which neither the bucket-level nor the account-level S3 Block Public \
        Access configuration has all four settings (`BlockPublicAcls`, `IgnorePublicAcls`, \
        `BlockPublicPolicy`, `RestrictPublicBuckets`) on. When one level is incomplete and the \
        other unknown, the result is *unknown*. A bucket declared in Terraform or CloudFormation \
        without any Block Public Access settings passes: since April 2023 S3 turns all four on \
        for every new bucket, and the configuration does not turn them off.\n\n\
        ## Why is this bad?\n\
        Without the guardrail, one careless ACL or policy edit publishes the bucket. Block \
        Public Access stops such edits (Block*) and neutralises existing grants (Ignore/Restrict).\n\n\
        ## How to fix\n\
        Turn on all four settings at account level (preferred) or on each bucket; buckets that \
        must serve public content should do so through CloudFront with origin access control.\n\n\
        ## References\n\
        - Amazon S3 User Guide: Blocking public access to your Amazon S3 storage\n\
        - CIS AWS Foundations Benchmark v3.0.0, 2.1.4\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access\n",
    since: "0.1.0",
};

fn complete(k: &Known<Option<PublicAccessBlock>>) -> Known<bool> {
    k.as_ref().map(|b| b.is_some_and(|b| b.all()))
}

impl Rule for S3BucketPublicAccessBlockOff {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for bucket in &inv.buckets {
            let account = account_block(inv, bucket);
            let (b, a) = (complete(&bucket.public_access_block), complete(&account));
            if is_iac(bucket) && bucket.public_access_block == Known::Known(None) {
                out.pass(
                    bucket,
                    "the configuration declares no Block Public Access, so the default for new \
                     buckets applies (all four settings on)",
                );
            } else if b == Known::Known(true) {
                out.pass(bucket, "the bucket-level block has all four settings on");
            } else if a == Known::Known(true) {
                out.pass(bucket, "the account-level block has all four settings on");
            } else if let Some(r) = b.reason().or(a.reason()) {
                out.unknown(
                    bucket,
                    format!("Block Public Access configuration unknown: {r}"),
                );
            } else {
                out.fail(
                    bucket,
                    "neither the bucket nor its account blocks all public access",
                    json!({
                        "bucket": bucket.name,
                        "bucket_block_public_access": block_evidence(&bucket.public_access_block),
                        "account_block_public_access": block_evidence(&account),
                    }),
                );
            }
        }
    }
}
