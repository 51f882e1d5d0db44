//! `s3-account-public-access-block-off`

use crate::meta::{Meta, Rule};
use crate::out::{account_ref, Out};
use crate::rules::data::common::block_evidence;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct S3AccountPublicAccessBlockOff;
/// Registered instance.
pub static RULE: S3AccountPublicAccessBlockOff = S3AccountPublicAccessBlockOff;

static META: Meta = Meta {
    id: "s3-account-public-access-block-off",
    title: "Account-level S3 Block Public Access is not fully on",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "s3",
    wa: &["SEC03-BP07"],
    cis: &["2.1.4"],
    rationale: "The account-level S3 Block Public Access configuration covers every bucket, \
        existing and future, in every Region. Without all four settings on, each bucket's \
        exposure depends on its own ACLs, policies and bucket-level settings.",
    console: "S3 console > Block Public Access settings for this account > Edit > check Block \
        all public access > Save changes > confirm.",
    cli: "aws s3control put-public-access-block --account-id <account-id> \\\n  \
        --public-access-block-configuration \\\n  \
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    terraform: "resource \"aws_s3_account_public_access_block\" \"this\" {\n  \
        block_public_acls       = true\n  \
        ignore_public_acls      = true\n  \
        block_public_policy     = true\n  \
        restrict_public_buckets = true\n}",
    docs: "## What it does\n\
        Reports each account whose account-level S3 Block Public Access configuration is \
        missing or has any of the four settings off. Accounts where it was not read are \
        *unknown*.\n\n\
        ## Why is this bad?\n\
        The account-level block is the one switch that keeps every bucket, including ones \
        created tomorrow by someone in a hurry, from being made public by an ACL or policy.\n\n\
        ## How to fix\n\
        Turn all four settings on for the account (and enforce it across the organization with \
        an SCP denying `s3:PutAccountPublicAccessBlock`). Serve public content through \
        CloudFront with origin access control.\n\n\
        ## References\n\
        - Amazon S3 User Guide: Configuring block public access settings for your account\n\
        - CIS AWS Foundations Benchmark v3.0.0, 2.1.4\n\
        - Well-Architected SEC03-BP07 Analyze public and cross-account access\n",
    since: "0.1.0",
};

impl Rule for S3AccountPublicAccessBlockOff {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for account in &inv.accounts {
            let id = account.id.get().map(String::as_str);
            let r = account_ref(id);
            match &account.s3_public_access_block {
                Known::Unknown(reason) => out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!("account-level Block Public Access not read: {reason}"),
                    Value::Null,
                    "",
                ),
                Known::Known(Some(b)) if b.all() => out.report(
                    Status::Pass,
                    r,
                    None,
                    "all four account-level Block Public Access settings are on",
                    Value::Null,
                    "",
                ),
                Known::Known(cfg) => {
                    let off: Vec<&str> = match cfg {
                        None => vec![
                            "BlockPublicAcls",
                            "IgnorePublicAcls",
                            "BlockPublicPolicy",
                            "RestrictPublicBuckets",
                        ],
                        Some(b) => [
                            ("BlockPublicAcls", b.block_public_acls),
                            ("IgnorePublicAcls", b.ignore_public_acls),
                            ("BlockPublicPolicy", b.block_public_policy),
                            ("RestrictPublicBuckets", b.restrict_public_buckets),
                        ]
                        .into_iter()
                        .filter(|(_, on)| !on)
                        .map(|(n, _)| n)
                        .collect(),
                    };
                    out.report(
                        Status::Fail,
                        r,
                        None,
                        if cfg.is_none() {
                            "account-level S3 Block Public Access is not configured".to_owned()
                        } else {
                            format!(
                                "account-level S3 Block Public Access is incomplete: {} off",
                                off.join(", ")
                            )
                        },
                        json!({
                            "account": id,
                            "settings_off": off,
                            "configuration": block_evidence(&account.s3_public_access_block),
                        }),
                        "",
                    );
                }
            }
        }
    }
}
