//! `docdb-master-password-literal`

use super::store_password::{how_judged, judge_service, Wording};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct DocdbMasterPasswordLiteral;
/// Registered instance.
pub static RULE: DocdbMasterPasswordLiteral = DocdbMasterPasswordLiteral;

static WORDING: Wording = Wording {
    noun: "DocumentDB cluster",
    secret: "master password",
    managed: "DocumentDB manages the master password in Secrets Manager",
    fix: "set manage_master_user_password (ManageMasterUserPassword) or use a Secrets Manager dynamic reference",
};

static META: Meta = Meta {
    id: "docdb-master-password-literal",
    title: "DocumentDB cluster master password is written as a literal in IaC",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "docdb",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "A DocumentDB master password written in IaC is in every clone of the repository, its history, Terraform state and CI logs; the master user reads and changes every collection. DocumentDB can keep the master password in Secrets Manager and rotate it.",
    console: "Amazon DocumentDB console > Clusters > the cluster > Modify > Authentication: Managed in AWS Secrets Manager > Continue > Apply immediately. Then remove the password from the IaC source and its history.",
    cli: "aws docdb modify-db-cluster --db-cluster-identifier <cluster-id> \\\n  --manage-master-user-password --apply-immediately\n# then remove the literal from the template or .tf files",
    terraform: "resource \"aws_docdb_cluster\" \"docs\" {\n  # ...\n  # not: master_password = \"...\"\n  manage_master_user_password = true\n}\n\n# CloudFormation: ManageMasterUserPassword: true, or\n# MasterUserPassword: '{{resolve:secretsmanager:prod/docdb:SecretString:password}}'",
    docs: concat!(
        "## What it does\n",
        "Reports DocumentDB clusters whose master user password is written as a literal: Terraform `aws_docdb_cluster.master_password` (or `master_password_wo`), CloudFormation `AWS::DocDB::DBCluster` `MasterUserPassword`. It passes when DocumentDB manages the password (`manage_master_user_password = true`, `ManageMasterUserPassword: true`, as the DocumentDB API's `ModifyDBCluster` calls it), when the value comes at deploy time, and when no password is set (a restore, a secondary cluster). ",
        how_judged!(),
        "## Why is this bad?\n",
        "The master user can read and change every database of the cluster. A password in source control spreads to every clone, fork, build log and state file and stays in the history after it is removed.\n\n",
        "## How to fix\n",
        "Set `manage_master_user_password = true` (CloudFormation `ManageMasterUserPassword: true`) so DocumentDB keeps the password in Secrets Manager, or read it from Secrets Manager; remove the literal from the source and its history, and treat the old password as exposed.\n\n",
        "## References\n",
        "- Amazon DocumentDB Developer Guide: Password management with Amazon DocumentDB and AWS Secrets Manager\n",
        "- Amazon DocumentDB API Reference: ModifyDBCluster `ManageMasterUserPassword`\n",
        "- Terraform AWS provider: aws_docdb_cluster\n",
        "- Well-Architected SEC02-BP03 Store and use secrets securely\n",
    ),
    since: "0.1.0",
};

impl Rule for DocdbMasterPasswordLiteral {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        judge_service(out, inv, "docdb", &WORDING);
    }
}
