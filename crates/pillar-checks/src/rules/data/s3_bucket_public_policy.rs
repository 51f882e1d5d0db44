//! `s3-bucket-public-policy`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::common::{
    account_block, allows_everyone, block_evidence, restricting_keys, setting_on,
    statement_evidence,
};
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct S3BucketPublicPolicy;
/// Registered instance.
pub static RULE: S3BucketPublicPolicy = S3BucketPublicPolicy;

/// Condition keys that narrow an `Allow` to a network, organization,
/// account or source resource.
pub(crate) static RESTRICTING_KEYS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| crate::access::resource_policy_keys(&[]));

static META: Meta = Meta {
    id: "s3-bucket-public-policy",
    title: "S3 bucket policy allows access to everyone",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "s3",
    wa: &["SEC03-BP07", "SEC08-BP04"],
    cis: &[],
    rationale: "A bucket policy statement that allows Principal \"*\" without a condition tying it \
        to your network, organization or a source resource lets anyone on the internet call the \
        allowed actions on the bucket.",
    console: "S3 console > the bucket > Permissions > Bucket policy > Edit: remove the statement \
        with Principal \"*\" or add a condition (aws:PrincipalOrgID, aws:SourceVpce, \
        aws:SourceArn…). For public websites, serve through CloudFront with origin access \
        control instead. Turn on Block Public Access.",
    cli: "aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json\n\
        # edit policy.json: remove the public statement or add a restricting Condition\n\
        aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json\n\
        aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration \\\n  \
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    terraform: "data \"aws_iam_policy_document\" \"b\" {\n  \
        statement {\n    \
        actions   = [\"s3:GetObject\"]\n    \
        resources = [\"${aws_s3_bucket.b.arn}/*\"]\n    \
        principals {\n      \
        type        = \"Service\"\n      \
        identifiers = [\"cloudfront.amazonaws.com\"]\n    \
        }\n    \
        condition {\n      \
        test     = \"StringEquals\"\n      \
        variable = \"aws:SourceArn\"\n      \
        values   = [aws_cloudfront_distribution.site.arn]\n    \
        }\n  \
        }\n}",
    docs: "## What it does\n\
        Reports buckets whose policy has an `Allow` statement for `Principal` `*` or \
        `{\"AWS\": \"*\"}` (or with `NotPrincipal`) and no condition that narrows it: \
        `aws:SourceIp` (other than 0.0.0.0/0), `aws:SourceVpc`, `aws:SourceVpce`, \
        `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, \
        `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`, \
        `aws:SourceOwner` or `aws:userid`, under a positive operator (negated and `IfExists` \
        operators do not narrow). S3 Block Public Access `RestrictPublicBuckets` on the bucket \
        or its account neutralises such statements, so the bucket then passes. Deny statements \
        are not taken into account. Unknown policies or settings give *unknown*.\n\n\
        ## Why is this bad?\n\
        Anyone, including anonymous internet users, can use the allowed actions: read every \
        object, list keys, or write and delete data.\n\n\
        ## How to fix\n\
        Grant to specific principals, or add a narrowing condition; serve public content \
        through CloudFront with origin access control; turn on Block Public Access.\n\n\
        ## References\n\
        - Amazon S3 User Guide: The meaning of \"public\" (Block Public Access)\n\
        - IAM User Guide: AWS global condition context keys\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access; SEC08-BP04 \
        Enforce access control\n",
    since: "0.1.0",
};

/// The actions the statements allow, for the message.
fn actions_text(statements: &[pillar_model::Statement]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for s in statements {
        parts.extend(s.action.iter().cloned());
        if !s.not_action.is_empty() {
            parts.push(format!("every action except {}", s.not_action.join(", ")));
        }
    }
    parts.dedup();
    parts.join(", ")
}

impl Rule for S3BucketPublicPolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for bucket in &inv.buckets {
            let restricted = setting_on(inv, bucket, |b| b.restrict_public_buckets);
            if restricted == Known::Known(true) {
                out.pass(
                    bucket,
                    "public policy access is restricted (RestrictPublicBuckets)",
                );
                continue;
            }
            let policy = match &bucket.policy {
                Known::Known(Some(p)) => p,
                Known::Known(None) => {
                    out.pass(bucket, "the bucket has no policy");
                    continue;
                }
                Known::Unknown(r) => {
                    out.unknown(bucket, format!("bucket policy unknown: {r}"));
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
                    bucket,
                    "no policy statement allows everyone without a narrowing condition",
                );
                continue;
            }
            match restricted {
                Known::Unknown(r) => out.unknown(
                    bucket,
                    format!("the policy allows everyone, but whether RestrictPublicBuckets applies is unknown: {r}"),
                ),
                _ => out.fail(
                    bucket,
                    format!("bucket policy allows everyone: {}", actions_text(&public)),
                    json!({
                        "bucket": bucket.name,
                        "statements": public.iter().map(statement_evidence).collect::<Vec<_>>(),
                        "bucket_block_public_access": block_evidence(&bucket.public_access_block),
                        "account_block_public_access": block_evidence(&account_block(inv, bucket)),
                    }),
                ),
            }
        }
    }
}
