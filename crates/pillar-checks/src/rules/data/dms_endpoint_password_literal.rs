//! `dms-endpoint-password-literal`

use super::store_password::{how_judged, judge_service, Wording};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct DmsEndpointPasswordLiteral;
/// Registered instance.
pub static RULE: DmsEndpointPasswordLiteral = DmsEndpointPasswordLiteral;

static WORDING: Wording = Wording {
    noun: "DMS endpoint",
    secret: "password",
    managed: "",
    fix: "give the endpoint a Secrets Manager secret (secrets_manager_arn with secrets_manager_access_role_arn; CloudFormation the engine settings' SecretsManagerSecretId) instead of a password",
};

static META: Meta = Meta {
    id: "dms-endpoint-password-literal",
    title: "DMS endpoint database password is written as a literal in IaC",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "dms",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "A DMS endpoint's password is a database credential, often a privileged one able to read a whole source database. Written in IaC it is in every clone, the history, Terraform state and CI logs. DMS endpoints can read their credentials from a Secrets Manager secret instead.",
    console: "AWS DMS console > Endpoints > the endpoint > Modify > Access to endpoint database: Choose AWS Secrets Manager, with the secret and an IAM role DMS assumes to read it > Save. Then remove the password from the IaC source and its history.",
    cli: "aws dms modify-endpoint --endpoint-arn <endpoint-arn> \\\n  --postgre-sql-settings SecretsManagerSecretId=<secret-arn>,SecretsManagerAccessRoleArn=<role-arn>",
    terraform: "resource \"aws_dms_endpoint\" \"source\" {\n  # ...\n  # not: password = \"...\"\n  secrets_manager_arn             = aws_secretsmanager_secret.source_db.arn\n  secrets_manager_access_role_arn = aws_iam_role.dms_secrets.arn\n}",
    docs: concat!(
        "## What it does\n",
        "Reports DMS endpoints whose database password is written as a literal: Terraform `aws_dms_endpoint.password`, CloudFormation `AWS::DMS::Endpoint` `Password`. It passes when the password comes at deploy time and when none is set (an endpoint reading its credentials from Secrets Manager through `secrets_manager_arn` or the engine settings' `SecretsManagerSecretId`). ",
        how_judged!(),
        "## Why is this bad?\n",
        "The endpoint's user can read, and for a target write, the database DMS migrates. A password in source control spreads to every clone, fork, build log and state file and stays in the history after it is removed.\n\n",
        "## How to fix\n",
        "Give the endpoint a Secrets Manager secret and a role DMS assumes to read it (`secrets_manager_arn` and `secrets_manager_access_role_arn`; CloudFormation the engine settings' `SecretsManagerSecretId` and `SecretsManagerAccessRoleArn`) and remove `password`; change the exposed password and remove it from the source and its history.\n\n",
        "## References\n",
        "- AWS Database Migration Service User Guide: Using secrets to access AWS Database Migration Service endpoints\n",
        "- AWS CloudFormation: AWS::DMS::Endpoint\n",
        "- Terraform AWS provider: aws_dms_endpoint `secrets_manager_arn`\n",
        "- Well-Architected SEC02-BP03 Store and use secrets securely\n",
    ),
    since: "0.1.0",
};

impl Rule for DmsEndpointPasswordLiteral {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        judge_service(out, inv, "dms", &WORDING);
    }
}
