#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! RDS master passwords, the input of `rds-master-password-literal`: from
//! Terraform (`aws_db_instance.password`, `aws_rds_cluster.master_password`)
//! and CloudFormation (`MasterUserPassword` of `AWS::RDS::DBInstance` and
//! `AWS::RDS::DBCluster`). Literals (a variable's or parameter's default
//! included) fail; RDS-managed passwords, dynamic references, parameters
//! and variables without a value and other resources' attributes pass; no
//! finding holds the password in clear.

mod common;

use common::{findings_without, load_clean as load, write};
use pillar_model::{Inventory, MasterPassword, Status};

/// The planted password; it must never appear in a finding.
const SECRET: &str = "Vq8!mT3zLr6x-orders";

/// (db id, status) of the rule's findings, sorted; asserts nothing leaks.
fn judge(inv: &Inventory) -> Vec<(String, Status)> {
    let findings = findings_without(inv, "rds-master-password-literal", SECRET);
    let mut out: Vec<(String, Status)> = findings
        .iter()
        .map(|f| {
            let db = inv
                .db_instances
                .iter()
                .find(|d| d.resource.id == f.resource.id)
                .unwrap();
            (db.id.clone(), f.status)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn terraform_passwords() {
    let tmp = tempfile::tempdir().unwrap();
    let tf = format!(
        r#"
variable "db_password" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}

variable "reports_password" {{
  type      = string
  sensitive = true
}}

resource "random_password" "billing" {{
  length = 32
}}

resource "aws_db_instance" "literal" {{
  identifier     = "literal"
  engine         = "postgres"
  instance_class = "db.t3.micro"
  username       = "app"
  password       = "{SECRET}"
}}

resource "aws_db_instance" "from_default" {{
  identifier = "from-default"
  engine     = "mysql"
  password   = var.db_password
}}

resource "aws_db_instance" "managed" {{
  identifier                  = "managed"
  engine                      = "postgres"
  manage_master_user_password = true
}}

resource "aws_db_instance" "random" {{
  identifier = "random"
  engine     = "postgres"
  password   = random_password.billing.result
}}

resource "aws_db_instance" "replica" {{
  identifier          = "replica"
  engine              = "postgres"
  replicate_source_db = "managed"
}}

resource "aws_rds_cluster" "literal" {{
  cluster_identifier = "cluster-literal"
  engine             = "aurora-postgresql"
  master_username    = "app"
  master_password    = "{SECRET}"
}}

resource "aws_rds_cluster" "unset_var" {{
  cluster_identifier = "cluster-unset-var"
  engine             = "aurora-mysql"
  master_password    = var.reports_password
}}
"#
    );
    write(tmp.path(), "main.tf", &tf);
    let inv = load(tmp.path());
    let literal = inv.db_instances.iter().find(|d| d.id == "literal").unwrap();
    assert!(
        matches!(&literal.master_password, MasterPassword::Literal { attribute, value }
            if attribute == "password" && value == SECRET),
        "{:?}",
        literal.master_password
    );
    assert_eq!(
        judge(&inv),
        vec![
            ("cluster-literal".to_owned(), Status::Fail),
            ("cluster-unset-var".to_owned(), Status::Pass),
            ("from-default".to_owned(), Status::Fail),
            ("literal".to_owned(), Status::Fail),
            ("managed".to_owned(), Status::Pass),
            ("random".to_owned(), Status::Pass),
            ("replica".to_owned(), Status::Pass),
        ]
    );
}

#[test]
fn cloudformation_passwords() {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
  DefaultedPassword:
    Type: String
    NoEcho: true
    Default: "{SECRET}"
Resources:
  Literal:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: literal
      Engine: postgres
      MasterUsername: app
      MasterUserPassword: "{SECRET}"
  FromDefault:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: from-default
      Engine: mysql
      MasterUserPassword: !Ref DefaultedPassword
  NoEchoParam:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: noecho
      Engine: mysql
      MasterUserPassword: !Ref DbPassword
  Resolved:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: resolved
      Engine: aurora-postgresql
      MasterUserPassword: "{{{{resolve:secretsmanager:prod/db:SecretString:password}}}}"
  SsmSecure:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: ssm-secure
      Engine: postgres
      MasterUserPassword: "{{{{resolve:ssm-secure:/prod/db/password:1}}}}"
  Managed:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: managed
      Engine: aurora-mysql
      ManageMasterUserPassword: true
  ClusterLiteral:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: cluster-literal
      Engine: aurora-mysql
      MasterUserPassword: "{SECRET}"
"#
    );
    write(tmp.path(), "template.yaml", &yaml);
    let inv = load(tmp.path());
    assert_eq!(
        judge(&inv),
        vec![
            ("cluster-literal".to_owned(), Status::Fail),
            ("from-default".to_owned(), Status::Fail),
            ("literal".to_owned(), Status::Fail),
            ("managed".to_owned(), Status::Pass),
            ("noecho".to_owned(), Status::Pass),
            ("resolved".to_owned(), Status::Pass),
            ("ssm-secure".to_owned(), Status::Pass),
        ]
    );
}

#[test]
fn snapshot_instances_are_not_judged() {
    let inv = Inventory {
        db_instances: vec![pillar_model::DbInstance {
            id: "from-snapshot".to_owned(),
            ..pillar_model::DbInstance::default()
        }],
        ..Inventory::default()
    };
    assert!(judge(&inv).is_empty());
}
