//! A hand-built report: findings of each status across the five domains,
//! with and without a location, a failure from a rule the report does not
//! list (a secrets finding), secrets to redact, and skipped inputs.

use pillar_model::finding::{fingerprint, Remediation};
use pillar_model::{
    Domain, Finding, Location, ResourceRef, RuleInfo, Severity, Skipped, SourceKind, Status,
};
use pillar_report::Report;
use serde_json::{json, Value};

pub const ACCOUNT: &str = "111122223333";
pub const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const PASSWORD: &str = "hunter2hunter2";

#[allow(clippy::too_many_arguments)]
pub fn rule(
    id: &str,
    title: &str,
    severity: Severity,
    domain: Domain,
    service: &str,
    wa: &[&str],
    cis: &[&str],
    terraform: &str,
) -> RuleInfo {
    RuleInfo {
        id: id.to_owned(),
        title: title.to_owned(),
        severity,
        domain,
        service: service.to_owned(),
        wa: wa.iter().map(|s| (*s).to_owned()).collect(),
        cis: cis.iter().map(|s| (*s).to_owned()).collect(),
        rationale: format!(
            "Why {id} matters: an attacker who finds this state can use it to reach data or \
             to act in the account without being noticed."
        ),
        remediation: Remediation {
            console: format!(
                "Open the {service} console, select the resource and fix the setting."
            ),
            cli: format!("aws {service} fix-it --resource <ID>"),
            terraform: terraform.to_owned(),
        },
        docs: format!("## What it does\nChecks {id}.\n\n## Why is this bad?\nIt is.\n"),
        help_uri: format!("https://example.invalid/pillar/rules/{id}"),
    }
}

pub fn finding(
    r: &RuleInfo,
    status: Status,
    resource: ResourceRef,
    location: Option<Location>,
    message: &str,
    evidence: Value,
) -> Finding {
    let detail = evidence
        .get("port")
        .map(ToString::to_string)
        .unwrap_or_default();
    Finding {
        rule: r.id.clone(),
        title: r.title.clone(),
        severity: r.severity,
        domain: r.domain,
        wa: r.wa.clone(),
        cis: r.cis.clone(),
        status,
        fingerprint: fingerprint(&r.id, &resource, &detail),
        source: resource.source.unwrap_or(SourceKind::Snapshot),
        resource,
        location,
        message: message.to_owned(),
        evidence,
        remediation: r.remediation.clone(),
    }
}

fn snap(kind: &str, id: &str) -> ResourceRef {
    ResourceRef::new(kind, id)
        .in_account(Some(ACCOUNT.to_owned()))
        .from_source(SourceKind::Snapshot)
}

fn tf(kind: &str, address: &str) -> ResourceRef {
    ResourceRef::new(kind, address).from_source(SourceKind::Terraform)
}

pub fn rules() -> Vec<RuleInfo> {
    use Domain::*;
    use Severity::*;
    vec![
        rule("iam-root-access-key-present", "Root user has an active access key", Critical,
            IdentityAccess, "iam", &["SEC02-BP02", "SEC03-BP03"], &["1.4"],
            "# Root credentials cannot be managed by Terraform."),
        rule("iam-user-console-without-mfa", "IAM user can sign in to the console without MFA",
            High, IdentityAccess, "iam", &["SEC02-BP01"], &["1.10"], ""),
        rule("iam-password-policy-weak", "Account password policy is weaker than recommended",
            Medium, IdentityAccess, "iam", &["SEC02-BP01"], &["1.8", "1.9"],
            "resource \"aws_iam_account_password_policy\" \"this\" {\n  minimum_password_length = 14\n}"),
        rule("cloudtrail-multi-region-missing", "No multi-Region CloudTrail trail is logging",
            High, Detection, "cloudtrail", &["SEC04-BP01"], &["3.1"],
            "resource \"aws_cloudtrail\" \"main\" {\n  is_multi_region_trail = true\n}"),
        rule("guardduty-disabled", "GuardDuty is not enabled in the Region", Medium, Detection,
            "guardduty", &["SEC04-BP02"], &[], ""),
        rule("ec2-sg-admin-port-open", "Security group allows administration ports from the internet",
            High, InfrastructureProtection, "ec2", &["SEC05-BP02"], &["5.2", "5.3"],
            "resource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n  cidr_ipv4 = \"10.0.0.0/8\"\n}"),
        rule("ec2-instance-imdsv1-enabled", "Instance allows IMDSv1", Medium,
            InfrastructureProtection, "ec2", &["SEC06-BP02"], &["5.6"], ""),
        rule("s3-bucket-versioning-disabled", "S3 bucket versioning is disabled", Low,
            DataProtection, "s3", &["SEC09-BP03"], &[], ""),
        rule("kms-key-rotation-disabled", "KMS key rotation is disabled", Medium, DataProtection,
            "kms", &["SEC08-BP01"], &["3.6"], ""),
        rule("iam-incident-response-role-missing", "No role is ready for incident responders",
            Low, IncidentResponse, "iam", &["SEC10-BP05"], &[], ""),
    ]
}

pub fn rule_named<'a>(rules: &'a [RuleInfo], id: &str) -> &'a RuleInfo {
    rules.iter().find(|r| r.id == id).unwrap()
}

/// The secrets finding: its rule is not in `Report.rules`.
pub fn secret_finding() -> Finding {
    let r = rule(
        "secrets-aws-access-key",
        "AWS access key hard-coded in a file",
        Severity::Critical,
        Domain::DataProtection,
        "iam",
        &["SEC02-BP03", "SEC09-BP01"],
        &[],
        "",
    );
    let mut f = finding(
        &r,
        Status::Fail,
        ResourceRef::new("File", "app/config.py").from_source(SourceKind::Files),
        Some(Location {
            file: "./app/config.py".to_owned(),
            line: Some(3),
            column: Some(9),
        }),
        &format!("AWS access key {KEY_ID} with secret aws_secret_access_key={SECRET_KEY} in code"),
        json!({ "key_id": KEY_ID, "value": SECRET_KEY, "secret_length": 40, "nested": { "password": PASSWORD } }),
    );
    f.remediation = Remediation {
        console: "Deactivate the key in the IAM console, then delete it.".to_owned(),
        cli: "aws iam update-access-key --access-key-id <KEY_ID> --status Inactive\n\
              aws iam delete-access-key --access-key-id <KEY_ID>"
            .to_owned(),
        terraform:
            "data \"aws_secretsmanager_secret_version\" \"app\" {\n  secret_id = \"app/aws\"\n}"
                .to_owned(),
    };
    f
}

pub fn findings(rules: &[RuleInfo]) -> Vec<Finding> {
    let r = |id| rule_named(rules, id);
    let tf_main = |line| Some(Location::new("terraform/main.tf", Some(line)));
    vec![
        finding(
            r("iam-root-access-key-present"),
            Status::Fail,
            snap("AWS::IAM::Root", &format!("arn:aws:iam::{ACCOUNT}:root")),
            None,
            "root user has 1 active access key(s)",
            json!({ "active_keys": [1] }),
        ),
        finding(
            r("iam-user-console-without-mfa"),
            Status::Fail,
            snap(
                "AWS::IAM::User",
                &format!("arn:aws:iam::{ACCOUNT}:user/alice"),
            )
            .named("alice"),
            None,
            "alice has a console password and no MFA device",
            Value::Null,
        ),
        finding(
            r("iam-user-console-without-mfa"),
            Status::Pass,
            snap(
                "AWS::IAM::User",
                &format!("arn:aws:iam::{ACCOUNT}:user/bob"),
            )
            .named("bob"),
            None,
            "bob signs in with MFA",
            Value::Null,
        ),
        finding(
            r("iam-password-policy-weak"),
            Status::Unknown,
            snap("AWS::IAM::AccountPasswordPolicy", ACCOUNT),
            None,
            "password policy not collected: iam-get-account-password-policy.json is missing",
            Value::Null,
        ),
        finding(
            r("cloudtrail-multi-region-missing"),
            Status::Fail,
            tf("AWS::CloudTrail::Trail", "aws_cloudtrail.main"),
            tf_main(12),
            "trail aws_cloudtrail.main logs only its home Region",
            json!({ "is_multi_region_trail": false }),
        ),
        finding(
            r("guardduty-disabled"),
            Status::Pass,
            snap("AWS::GuardDuty::Detector", "us-east-1").in_region("us-east-1"),
            None,
            "GuardDuty detector 12abc is enabled",
            Value::Null,
        ),
        finding(
            r("ec2-sg-admin-port-open"),
            Status::Fail,
            snap("AWS::EC2::SecurityGroup", "sg-0b1")
                .named("web")
                .in_region("us-east-1"),
            None,
            "sg-0b1 (web) allows TCP 22 from 0.0.0.0/0",
            json!({ "port": 22, "cidr": "0.0.0.0/0" }),
        ),
        finding(
            r("ec2-sg-admin-port-open"),
            Status::Fail,
            tf("AWS::EC2::SecurityGroup", "aws_security_group.admin"),
            tf_main(40),
            "aws_security_group.admin allows TCP 3389 from ::/0",
            json!({ "port": 3389, "cidr": "::/0" }),
        ),
        finding(
            r("ec2-sg-admin-port-open"),
            Status::Unknown,
            tf("AWS::EC2::SecurityGroup", "aws_security_group.db"),
            tf_main(60),
            "ingress cidr_blocks is var.allowed_cidrs, which has no value",
            Value::Null,
        ),
        finding(
            r("ec2-instance-imdsv1-enabled"),
            Status::Fail,
            snap("AWS::EC2::Instance", "i-0abc").in_region("eu-west-1"),
            None,
            "i-0abc accepts IMDSv1 (http_tokens is optional)",
            Value::Null,
        ),
        finding(
            r("s3-bucket-versioning-disabled"),
            Status::Fail,
            ResourceRef::new("AWS::S3::Bucket", "LogsBucket")
                .from_source(SourceKind::Cloudformation),
            Some(Location::new("cloudformation/template.yaml", Some(40))),
            "bucket LogsBucket has versioning suspended",
            Value::Null,
        ),
        finding(
            r("iam-incident-response-role-missing"),
            Status::Unknown,
            snap("AWS::IAM::Account", ACCOUNT),
            None,
            "role list not collected: iam-get-account-authorization-details.json is missing",
            Value::Null,
        ),
        secret_finding(),
    ]
}

pub fn report() -> Report {
    let rules = rules();
    Report {
        tool_version: "0.1.0".to_owned(),
        sources: vec![
            "terraform terraform".to_owned(),
            "snapshot snapshot".to_owned(),
            "cloudformation cloudformation".to_owned(),
            "files app".to_owned(),
        ],
        findings: findings(&rules),
        rules,
        skipped: vec![
            Skipped::new(
                "terraform/broken.tf",
                "cannot parse: expected `}` after block body",
            )
            .at(Some(7), Some(3)),
            Skipped::new(
                "snapshot/sts-get-caller-identity.json",
                format!("not valid JSON near password = {PASSWORD}"),
            ),
        ],
        ..Report::default()
    }
}
