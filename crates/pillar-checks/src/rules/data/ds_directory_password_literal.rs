//! `ds-directory-password-literal`

use super::store_password::{how_judged, judge_service, Wording};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct DsDirectoryPasswordLiteral;
/// Registered instance.
pub static RULE: DsDirectoryPasswordLiteral = DsDirectoryPasswordLiteral;

static WORDING: Wording = Wording {
    noun: "directory",
    secret: "administrator password",
    managed: "",
    fix: "read the password from Secrets Manager or an ssm-secure parameter (a dynamic reference or a data source)",
};

static META: Meta = Meta {
    id: "ds-directory-password-literal",
    title: "Directory Service directory administrator password is written as a literal in IaC",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "ds",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "The password of a Simple AD or AWS Managed Microsoft AD directory's administrator (or an AD Connector's service account) opens the whole domain: its users, groups and the machines joined to it. Written in IaC it is in every clone, the history, Terraform state and CI logs.",
    console: "Directory Service console > Directories > the directory > Actions > Reset user password for Admin: set a new password kept in Secrets Manager. Then remove the old one from the IaC source and its history.",
    cli: "aws ds reset-user-password --directory-id <directory-id> --user-name Admin \\\n  --new-password \"$(aws secretsmanager get-secret-value --secret-id <name> \\\n    --query SecretString --output text)\"",
    terraform: "data \"aws_secretsmanager_secret_version\" \"ad\" {\n  secret_id = \"prod/ad-admin\"\n}\n\nresource \"aws_directory_service_directory\" \"corp\" {\n  # ...\n  password = data.aws_secretsmanager_secret_version.ad.secret_string\n}\n\n# CloudFormation: Password: '{{resolve:secretsmanager:prod/ad-admin}}'",
    docs: concat!(
        "## What it does\n",
        "Reports Directory Service directories whose administrator password is written as a literal: Terraform `aws_directory_service_directory.password`, CloudFormation `AWS::DirectoryService::MicrosoftAD` and `AWS::DirectoryService::SimpleAD` `Password`. It passes when the password comes at deploy time. ",
        how_judged!(),
        "## Why is this bad?\n",
        "The directory administrator controls every account of the domain and every machine joined to it. A password in source control spreads to every clone, fork, build log and state file and stays in the history after it is removed.\n\n",
        "## How to fix\n",
        "Keep the password in Secrets Manager (or an `ssm-secure` parameter) and read it at deploy time; reset the exposed password and remove it from the source and its history.\n\n",
        "## References\n",
        "- AWS Directory Service Administration Guide: Reset a user password\n",
        "- AWS CloudFormation User Guide: Get a secure string value from Systems Manager Parameter Store (resources that support `ssm-secure`)\n",
        "- Terraform AWS provider: aws_directory_service_directory\n",
        "- Well-Architected SEC02-BP03 Store and use secrets securely\n",
    ),
    since: "0.1.0",
};

impl Rule for DsDirectoryPasswordLiteral {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        judge_service(out, inv, "ds", &WORDING);
    }
}
