//! `ec2-ebs-default-encryption-disabled`

use crate::meta::{Meta, Rule};
use crate::out::{region_ref, Out};
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct Ec2EbsDefaultEncryptionDisabled;
/// Registered instance.
pub static RULE: Ec2EbsDefaultEncryptionDisabled = Ec2EbsDefaultEncryptionDisabled;

static META: Meta = Meta {
    id: "ec2-ebs-default-encryption-disabled",
    title: "EBS encryption by default is off in the Region",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "ec2",
    wa: &["SEC08-BP02"],
    cis: &["2.2.1"],
    rationale: "With EBS encryption by default on, every new volume and snapshot copy in the \
        Region is encrypted, whoever creates it and however. Off, encryption depends on each \
        launch template, AMI and script getting it right.",
    console: "EC2 console (in each Region) > EC2 Dashboard > Account attributes > Data \
        protection and security > EBS encryption > Manage > Enable > Update EBS encryption.",
    cli: "aws ec2 enable-ebs-encryption-by-default --region <region>\n\
        # optionally: aws ec2 modify-ebs-default-kms-key-id --region <region> --kms-key-id <key-arn>",
    terraform: "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  \
        enabled = true\n}",
    docs: "## What it does\n\
        Reports each account and Region where EBS encryption by default is off. Regions where \
        the setting was not read are *unknown*.\n\n\
        ## Why is this bad?\n\
        Unencrypted volumes and their snapshots keep data readable to anyone who can copy or \
        share them; encryption by default is the account-wide guarantee that it never happens \
        by omission.\n\n\
        ## How to fix\n\
        Enable encryption by default in every Region you use (and ideally set a customer \
        managed default key). Existing unencrypted volumes must be migrated through an \
        encrypted snapshot copy.\n\n\
        ## References\n\
        - Amazon EBS User Guide: Enable Amazon EBS encryption by default\n\
        - CIS AWS Foundations Benchmark v3.0.0, 2.2.1\n\
        - Well-Architected SEC08-BP02 Enforce encryption at rest\n",
    since: "0.1.0",
};

impl Rule for Ec2EbsDefaultEncryptionDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for region in &inv.regions {
            let account = region.account.as_deref().or_else(|| inv.account_id());
            let r = region_ref("AWS::EC2::EBSEncryptionByDefault", account, &region.region);
            match &region.ebs_encryption_by_default {
                Known::Known(true) => out.report(
                    Status::Pass,
                    r,
                    None,
                    "EBS encryption by default is on",
                    Value::Null,
                    "",
                ),
                Known::Known(false) => out.report(
                    Status::Fail,
                    r,
                    None,
                    format!("EBS encryption by default is off in {}", region.region),
                    json!({ "account": account, "region": region.region, "ebs_encryption_by_default": false }),
                    "",
                ),
                Known::Unknown(reason) => out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!("EBS encryption by default not read: {reason}"),
                    Value::Null,
                    "",
                ),
            }
        }
    }
}
