//! `s3-bucket-tls-not-enforced`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::data::common::glob;
use pillar_model::{Domain, Inventory, Known, Severity, Statement};
use serde_json::json;

/// The rule.
pub struct S3BucketTlsNotEnforced;
/// Registered instance.
pub static RULE: S3BucketTlsNotEnforced = S3BucketTlsNotEnforced;

static META: Meta = Meta {
    id: "s3-bucket-tls-not-enforced",
    title: "S3 bucket policy does not deny requests without TLS",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "s3",
    wa: &["SEC09-BP02"],
    cis: &["2.1.1"],
    rationale: "S3 accepts plain HTTP requests unless the bucket policy denies them. A Deny on \
        aws:SecureTransport = false guarantees that data and credentials-signed requests to the \
        bucket always travel encrypted.",
    console: "S3 console > the bucket > Permissions > Bucket policy > Edit: add a statement with \
        Effect Deny, Principal *, Action s3:*, Resource the bucket ARN and arn/*, Condition \
        Bool aws:SecureTransport false > Save changes.",
    cli: "cat > tls.json <<'JSON'\n\
        {\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\",\"Effect\":\"Deny\",\n  \
        \"Principal\":\"*\",\"Action\":\"s3:*\",\n  \
        \"Resource\":[\"arn:aws:s3:::<bucket>\",\"arn:aws:s3:::<bucket>/*\"],\n  \
        \"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}\n\
        JSON\n\
        # merge with the existing policy if there is one, then:\n\
        aws s3api put-bucket-policy --bucket <bucket> --policy file://tls.json",
    terraform: "data \"aws_iam_policy_document\" \"tls_only\" {\n  \
        statement {\n    \
        sid       = \"DenyInsecureTransport\"\n    \
        effect    = \"Deny\"\n    \
        actions   = [\"s3:*\"]\n    \
        resources = [aws_s3_bucket.b.arn, \"${aws_s3_bucket.b.arn}/*\"]\n    \
        principals {\n      \
        type        = \"*\"\n      \
        identifiers = [\"*\"]\n    \
        }\n    \
        condition {\n      \
        test     = \"Bool\"\n      \
        variable = \"aws:SecureTransport\"\n      \
        values   = [\"false\"]\n    \
        }\n  \
        }\n}\n\
        resource \"aws_s3_bucket_policy\" \"b\" {\n  \
        bucket = aws_s3_bucket.b.id\n  \
        policy = data.aws_iam_policy_document.tls_only.json\n}",
    docs: "## What it does\n\
        Reports buckets whose policy has no `Deny` statement that applies to every principal \
        (`*`), covers reads and writes of the bucket's objects (`s3:GetObject` and \
        `s3:PutObject`, e.g. through `s3:*`) and is conditioned on `Bool` or `BoolIfExists` \
        `aws:SecureTransport` = `false`. Buckets without a policy fail; unknown policies are \
        *unknown*.\n\n\
        ## Why is this bad?\n\
        Requests over plain HTTP expose object data, and request metadata, to anyone on the \
        network path and allow tampering. Only the bucket policy can make S3 refuse them.\n\n\
        ## How to fix\n\
        Add the `DenyInsecureTransport` statement to the bucket policy (keeping the existing \
        statements).\n\n\
        ## References\n\
        - Amazon S3 User Guide: Security best practices (enforce encryption of data in transit)\n\
        - AWS Knowledge Center: Which S3 bucket policy should I use to comply with the AWS \
        Config rule s3-bucket-ssl-requests-only?\n\
        - CIS AWS Foundations Benchmark v3.0.0, 2.1.1\n\
        - Well-Architected SEC09-BP02 Enforce encryption in transit\n",
    since: "0.1.0",
};

/// Replace a non-default partition so one pattern set serves all.
fn normalise_arn(pattern: &str) -> String {
    for partition in [
        "arn:aws-cn:",
        "arn:aws-us-gov:",
        "arn:aws-iso:",
        "arn:aws-iso-b:",
    ] {
        if let Some(rest) = pattern.strip_prefix(partition) {
            return format!("arn:aws:{rest}");
        }
    }
    pattern.to_owned()
}

fn covers_action(st: &Statement, action: &str) -> bool {
    if !st.not_action.is_empty() {
        return !st.not_action.iter().any(|a| glob(a, action, true));
    }
    st.action.iter().any(|a| glob(a, action, true))
}

/// Whether a statement denies non-TLS object reads and writes for everyone.
fn enforces_tls(st: &Statement, bucket: &str) -> bool {
    let object = format!("arn:aws:s3:::{bucket}/object");
    let resource_ok = if st.not_resource.is_empty() {
        st.resource
            .iter()
            .any(|r| glob(&normalise_arn(r), &object, false))
    } else {
        !st.not_resource
            .iter()
            .any(|r| glob(&normalise_arn(r), &object, false))
    };
    !st.allow
        && st.principal_is_public()
        && resource_ok
        && covers_action(st, "s3:GetObject")
        && covers_action(st, "s3:PutObject")
        && st
            .condition_values("Bool", "aws:SecureTransport")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("false"))
}

impl Rule for S3BucketTlsNotEnforced {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for bucket in &inv.buckets {
            match &bucket.policy {
                Known::Unknown(r) => out.unknown(bucket, format!("bucket policy unknown: {r}")),
                Known::Known(None) => out.fail(
                    bucket,
                    "bucket has no policy, so plain HTTP requests are accepted",
                    json!({ "bucket": bucket.name, "policy": null }),
                ),
                Known::Known(Some(policy)) => {
                    let statements = policy.statements();
                    match statements.iter().find(|s| enforces_tls(s, &bucket.name)) {
                        Some(s) => out.pass(
                            bucket,
                            format!(
                                "policy statement {} denies requests without TLS",
                                s.sid.as_deref().unwrap_or("(no Sid)")
                            ),
                        ),
                        None => out.fail(
                            bucket,
                            "bucket policy does not deny requests with aws:SecureTransport false",
                            json!({
                                "bucket": bucket.name,
                                "statement_count": statements.len(),
                                "secure_transport_statements": statements.iter()
                                    .filter(|s| s.condition_keys().iter().any(|k| k == "aws:securetransport"))
                                    .map(|s| json!({ "sid": s.sid, "effect": if s.allow { "Allow" } else { "Deny" }, "condition": s.condition }))
                                    .collect::<Vec<_>>(),
                            }),
                        ),
                    }
                }
            }
        }
    }
}
