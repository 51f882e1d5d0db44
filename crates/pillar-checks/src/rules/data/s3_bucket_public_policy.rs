//! `s3-bucket-public-policy`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::common::{account_block, block_evidence, setting_on};
use crate::rules::data::exposure::{model, report_exposure, verdict, PolicyState, Target, Verdict};
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct S3BucketPublicPolicy;
/// Registered instance.
pub static RULE: S3BucketPublicPolicy = S3BucketPublicPolicy;

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
        Asks the IAM evaluator, for every S3 action an `Allow` statement of the bucket policy \
        covers, whether an anonymous caller or a principal of an unknown AWS account (whose own \
        policies allow everything) may call it on the bucket or on an object in it (each action \
        on the resource types it applies to). The caller picks the request values it controls \
        (its own tags, request parameters) but not who it is, where it calls from or when: \
        `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceArn`, \
        `aws:SourceAccount`, `aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`, \
        `aws:CurrentTime`… take the outsider's values, so a condition on them with a specific \
        value closes the grant, while wildcards, `0.0.0.0/0`, negated and `…IfExists` \
        conditions do not. Deny statements and resource control policies count. S3 Block \
        Public Access `RestrictPublicBuckets` on the bucket or its account neutralises a public \
        policy, so the bucket then passes. The finding names the actions, who may call them and \
        the statements that allowed them. Unknown policies or settings give *unknown*.\n\n\
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

impl Rule for S3BucketPublicPolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.buckets.is_empty() {
            return;
        }
        let model = model(inv, out);
        for bucket in &inv.buckets {
            let restricted = setting_on(inv, bucket, |b| b.restrict_public_buckets);
            if restricted == Known::Known(true) {
                out.pass(
                    bucket,
                    "public policy access is restricted (RestrictPublicBuckets)",
                );
                continue;
            }
            let arn = format!("arn:aws:s3:::{}", bucket.name);
            let t = Target {
                resource: bucket,
                arn: &arn,
                name: &bucket.name,
                policy: PolicyState::of_optional(&bucket.policy),
                policy_location: None,
                what: "bucket",
                policy_word: "policy",
                service: "s3",
                extra: json!({
                    "bucket_block_public_access": block_evidence(&bucket.public_access_block),
                    "account_block_public_access": block_evidence(&account_block(inv, bucket)),
                }),
            };
            match verdict(&model, &t) {
                Verdict::NoPolicy => out.pass(bucket, "the bucket has no policy"),
                Verdict::Unknown(why) => out.unknown(bucket, why),
                Verdict::Evaluated(e) => match &restricted {
                    Known::Unknown(r) if !e.public.is_empty() => out.unknown(
                        bucket,
                        format!("the policy allows everyone, but whether RestrictPublicBuckets applies is unknown: {r}"),
                    ),
                    _ => report_exposure(&t, &e, out),
                },
            }
        }
    }
}
