//! `ec2-instance-imdsv1-allowed`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct Ec2InstanceImdsv1Allowed;
/// Registered instance.
pub static RULE: Ec2InstanceImdsv1Allowed = Ec2InstanceImdsv1Allowed;

static META: Meta = Meta {
    id: "ec2-instance-imdsv1-allowed",
    title: "EC2 instance allows IMDSv1 (session tokens optional)",
    severity: Severity::High,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC06-BP02"],
    cis: &["5.6"],
    rationale: "With IMDSv1 any single HTTP GET the instance can be tricked into making (SSRF, an \
        open reverse proxy, a misconfigured WAF) returns the instance role's temporary \
        credentials. IMDSv2 requires a PUT-obtained session token that such requests cannot \
        carry.",
    console: "EC2 console > Instances > select the instance > Actions > Instance settings > \
        Modify instance metadata options > IMDSv2: Required > Save. Set the account default \
        under EC2 Dashboard > Data protection and security > IMDS defaults.",
    cli: "aws ec2 modify-instance-metadata-options --instance-id <instance-id> \\\n  \
        --http-tokens required --http-endpoint enabled\n\
        aws ec2 modify-instance-metadata-defaults --region <region> --http-tokens required",
    terraform: "resource \"aws_instance\" \"app\" {\n  \
        # ...\n  \
        metadata_options {\n    \
        http_endpoint = \"enabled\"\n    \
        http_tokens   = \"required\"\n  \
        }\n}",
    docs: "## What it does\n\
        Reports instances (except terminated or shutting-down ones) whose metadata options have \
        `http_tokens` = `optional` while the metadata endpoint is enabled, which means IMDSv1 \
        requests are answered. Instances whose metadata options are unknown, or do not say \
        whether tokens are required, are *unknown*.\n\n\
        ## Why is this bad?\n\
        IMDSv1 answers unauthenticated GET requests, so server-side request forgery in any \
        application on the instance can read the instance profile's credentials. IMDSv2's \
        session token and hop limit block these paths.\n\n\
        ## How to fix\n\
        Set `HttpTokens` to `required` on each instance (check with the \
        `MetadataNoToken` CloudWatch metric that nothing still uses IMDSv1), and make it the \
        account default for new instances.\n\n\
        ## References\n\
        - Amazon EC2 User Guide: Use IMDSv2; Configure instance metadata options\n\
        - CIS AWS Foundations Benchmark v3.0.0, 5.6\n\
        - Well-Architected SEC06-BP02 Provision compute from hardened images\n",
    since: "0.1.0",
};

impl Rule for Ec2InstanceImdsv1Allowed {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for inst in &inv.instances {
            if matches!(inst.state.as_str(), "terminated" | "shutting-down") {
                continue;
            }
            let opts = match &inst.metadata_options {
                Known::Known(o) => o,
                Known::Unknown(r) => {
                    out.unknown(inst, format!("metadata options unknown: {r}"));
                    continue;
                }
            };
            if opts.http_endpoint.eq_ignore_ascii_case("disabled") {
                out.pass(inst, "the instance metadata endpoint is disabled");
                continue;
            }
            match opts.http_tokens.to_ascii_lowercase().as_str() {
                "required" => out.pass(inst, "IMDSv2 is required"),
                "optional" => out.fail(
                    inst,
                    "instance metadata answers IMDSv1 requests (http_tokens optional)",
                    json!({
                        "instance_id": inst.id,
                        "state": inst.state,
                        "http_tokens": opts.http_tokens,
                        "http_endpoint": if opts.http_endpoint.is_empty() { "enabled" } else { opts.http_endpoint.as_str() },
                        "hop_limit": opts.hop_limit,
                        "instance_profile": inst.iam_instance_profile,
                    }),
                ),
                "" => out.unknown(inst, "http_tokens is not set; the default depends on the AMI and account"),
                other => out.unknown(inst, format!("unrecognised http_tokens value {other:?}")),
            }
        }
    }
}
