//! `s3-bucket-access-logging-disabled`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct S3BucketAccessLoggingDisabled;
/// Registered instance.
pub static RULE: S3BucketAccessLoggingDisabled = S3BucketAccessLoggingDisabled;

static META: Meta = Meta {
    id: "s3-bucket-access-logging-disabled",
    title: "S3 bucket has server access logging disabled",
    severity: Severity::Low,
    domain: Domain::Detection,
    service: "s3",
    wa: &["SEC04-BP01"],
    cis: &[],
    rationale: "Server access logs record every request to a bucket, including requests that \
        CloudTrail data events are not configured to capture, and are often the only trace of \
        who read an exposed object.",
    console: "S3 > the bucket > Properties > Server access logging > Edit: Enable, and choose a \
        separate log bucket (not the bucket itself) with a prefix.",
    cli: "aws s3api put-bucket-logging --bucket <BUCKET> --bucket-logging-status \\\n\
        \x20 '{\"LoggingEnabled\":{\"TargetBucket\":\"<LOG_BUCKET>\",\"TargetPrefix\":\"<BUCKET>/\"}}'",
    terraform: "resource \"aws_s3_bucket_logging\" \"data\" {\n\
        \x20 bucket        = aws_s3_bucket.data.id\n\
        \x20 target_bucket = aws_s3_bucket.access_logs.id\n\
        \x20 target_prefix = \"data/\"\n\
        }",
    docs: "## What it does\n\
        Fails for every bucket whose server access logging is off. CIS 3.4 asks for this on the \
        CloudTrail bucket in particular; this rule covers every bucket.\n\n\
        ## Why is this bad?\n\
        Without access logs (or CloudTrail S3 data events), there is no record of object reads \
        and writes: an investigation cannot say what was taken from a bucket or by whom.\n\n\
        ## How to fix\n\
        Enable server access logging to a dedicated log bucket in the same region and account \
        (never the bucket itself, which would log its own log writes), or enable CloudTrail data \
        events for the bucket.\n\n\
        ## References\n\
        - Amazon S3 User Guide: Logging requests with server access logging\n\
        - Amazon S3 User Guide: Logging options for Amazon S3\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n",
    since: "0.1.0",
};

impl Rule for S3BucketAccessLoggingDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for b in &inv.buckets {
            match &b.logging {
                Known::Known(Some(l)) => {
                    out.pass(b, format!("access logs go to {}", l.target_bucket))
                }
                Known::Known(None) => out.fail(
                    b,
                    format!("bucket {} has server access logging disabled", b.name),
                    json!({ "bucket": b.name, "logging": null }),
                ),
                Known::Unknown(reason) => {
                    out.unknown(b, format!("logging configuration unknown: {reason}"))
                }
            }
        }
    }
}
