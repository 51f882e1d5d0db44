//! `redshift-master-password-literal`

use super::store_password::{how_judged, judge_service, Wording};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct RedshiftMasterPasswordLiteral;
/// Registered instance.
pub static RULE: RedshiftMasterPasswordLiteral = RedshiftMasterPasswordLiteral;

static WORDING: Wording = Wording {
    noun: "Redshift cluster",
    secret: "master password",
    managed: "Redshift manages the admin password in Secrets Manager",
    fix: "set manage_master_password (ManageMasterPassword) or use a Secrets Manager dynamic reference",
};

static META: Meta = Meta {
    id: "redshift-master-password-literal",
    title: "Redshift cluster master password is written as a literal in IaC",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "redshift",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "A Redshift admin password written in a Terraform file, a variable default, a tfvars file or a CloudFormation template is in every clone of the repository, its history, Terraform state and CI logs; the admin user reads every table of the warehouse. Redshift can generate the admin password and keep it in Secrets Manager.",
    console: "Amazon Redshift console > Clusters > the cluster > Actions > Edit admin credentials > Manage admin credentials in AWS Secrets Manager > Save. Then remove the password from the IaC source and its history.",
    cli: "aws redshift modify-cluster --cluster-identifier <cluster-id> \\\n  --manage-master-password\n# then remove the literal from the template or .tf files",
    terraform: "resource \"aws_redshift_cluster\" \"dw\" {\n  # ...\n  # not: master_password = \"...\"\n  manage_master_password = true\n}\n\n# CloudFormation: ManageMasterPassword: true",
    docs: concat!(
        "## What it does\n",
        "Reports Redshift clusters whose admin (master user) password is written as a literal: Terraform `aws_redshift_cluster.master_password` (or `master_password_wo`), CloudFormation `AWS::Redshift::Cluster` `MasterUserPassword`. It passes when Redshift manages the password (`manage_master_password = true`, `ManageMasterPassword: true`), when the value comes at deploy time (a Secrets Manager or `ssm-secure` dynamic reference, a parameter or variable without a value, another resource's attribute), and when no password is set (a restore from a snapshot). ",
        how_judged!(),
        "## Why is this bad?\n",
        "The admin user can read and change every database of the cluster. A password in source control spreads to every clone, fork, build log and state file and stays in the history after it is removed.\n\n",
        "## How to fix\n",
        "Set `manage_master_password = true` (CloudFormation `ManageMasterPassword: true`) so Redshift keeps the admin password in Secrets Manager, or read it from Secrets Manager with a dynamic reference or an `aws_secretsmanager_secret_version` data source; remove the literal from the source and its history, and treat the old password as exposed.\n\n",
        "## References\n",
        "- Amazon Redshift Management Guide: Managing Amazon Redshift admin passwords using AWS Secrets Manager\n",
        "- AWS CloudFormation: AWS::Redshift::Cluster `ManageMasterPassword`\n",
        "- Terraform AWS provider: aws_redshift_cluster `manage_master_password`\n",
        "- Well-Architected SEC02-BP03 Store and use secrets securely\n",
    ),
    since: "0.1.0",
};

impl Rule for RedshiftMasterPasswordLiteral {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        judge_service(out, inv, "redshift", &WORDING);
    }
}
