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
use pillar_sources::{load_paths, LoadOptions};

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
  default   = "{SECRET}-v2"
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
        matches!(&literal.master_password, MasterPassword::Literal { attribute, value, written_at: None }
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
  SsmPlain:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: ssm-plain
      Engine: postgres
      MasterUserPassword: "{{{{resolve:ssm:/prod/db/password}}}}"
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
            ("ssm-plain".to_owned(), Status::Fail),
            ("ssm-secure".to_owned(), Status::Pass),
        ]
    );
}

/// Loads `dir` with options, asserting nothing was skipped.
fn load_with(dir: &std::path::Path, opts: &LoadOptions) -> Inventory {
    let loaded = load_paths(&[dir.to_path_buf()], opts);
    assert!(loaded.skipped.is_empty(), "skipped: {:?}", loaded.skipped);
    loaded.inventory
}

/// The rule's findings as (db id, status, location, message).
fn judged_at(inv: &Inventory) -> Vec<(String, Status, String, String)> {
    let mut out: Vec<_> = findings_without(inv, "rds-master-password-literal", SECRET)
        .into_iter()
        .map(|f| {
            let db = inv
                .db_instances
                .iter()
                .find(|d| d.resource.id == f.resource.id)
                .unwrap();
            (
                db.id.clone(),
                f.status,
                f.location.map(|l| l.to_string()).unwrap_or_default(),
                f.message,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn terraform_values_given_at_scan_time_are_not_in_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("infra");
    write(
        &dir,
        "main.tf",
        r#"variable "cli_password" {
  type      = string
  sensitive = true
}

variable "tfvars_password" {
  type      = string
  sensitive = true
}

variable "default_password" {
  type    = string
  default = "Default-only-pw-99"
}

resource "aws_db_instance" "cli" {
  identifier = "cli"
  password   = var.cli_password
}

resource "aws_db_instance" "tfvars" {
  identifier = "tfvars"
  password   = var.tfvars_password
}

resource "aws_db_instance" "defaulted" {
  identifier = "defaulted"
  password   = var.default_password
}

resource "aws_db_instance" "outside" {
  identifier = "outside"
  password   = var.outside_password
}

variable "outside_password" {
  type = string
}
"#,
    );
    write(
        &dir,
        "terraform.tfvars",
        &format!("\ntfvars_password = \"{SECRET}\"\n"),
    );
    // A var file outside the repository (the folder holding .git).
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(
        tmp.path(),
        "ci/outside.tfvars",
        "outside_password = \"Ci-held-pass-77\"\n",
    );
    let opts = LoadOptions {
        tf_vars: vec![("cli_password".to_owned(), "Given-on-cli-pw-1".to_owned())],
        tf_var_files: vec![tmp.path().join("ci/outside.tfvars")],
        ..LoadOptions::default()
    };
    let got = judged_at(&load_with(&dir, &opts));
    let find = |id: &str| got.iter().find(|g| g.0 == id).unwrap().clone();
    let (_, status, _, msg) = find("cli");
    assert_eq!(status, Status::Pass, "{msg}");
    assert!(msg.contains("--var cli_password"), "{msg}");
    let (_, status, _, msg) = find("outside");
    assert_eq!(status, Status::Pass, "{msg}");
    assert!(msg.contains("--var-file"), "{msg}");
    // In the repository: the finding points at the line that holds it.
    let (_, status, loc, msg) = find("tfvars");
    assert_eq!(status, Status::Fail, "{msg}");
    assert!(loc.ends_with("terraform.tfvars:2"), "{loc}");
    assert!(msg.contains("`tfvars_password` in"), "{msg}");
    let (_, status, loc, msg) = find("defaulted");
    assert_eq!(status, Status::Fail, "{msg}");
    assert!(loc.ends_with("main.tf:13"), "{loc}");
    assert!(
        msg.contains("the default of variable `default_password`"),
        "{msg}"
    );
}

#[test]
fn cloudformation_parameters_given_at_scan_time_are_not_in_the_template() {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  CliPassword:
    Type: String
    NoEcho: true
  OverriddenPassword:
    Type: String
    NoEcho: true
    Default: "Default-but-given-1"
  DefaultPassword:
    Type: String
    Default: "Default-only-pw-99"
Resources:
  Cli:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: cli
      MasterUserPassword: !Ref CliPassword
  Overridden:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: overridden
      MasterUserPassword: !Ref OverriddenPassword
  Defaulted:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: defaulted
      MasterUserPassword: !Sub "${DefaultPassword}"
"#;
    write(tmp.path(), "template.yaml", yaml);
    let opts = LoadOptions {
        cfn_params: vec![
            ("CliPassword".to_owned(), SECRET.to_owned()),
            (
                "OverriddenPassword".to_owned(),
                "Given-on-cli-pw-2".to_owned(),
            ),
        ],
        ..LoadOptions::default()
    };
    let got = judged_at(&load_with(tmp.path(), &opts));
    assert_eq!(
        got.iter().map(|g| (g.0.as_str(), g.1)).collect::<Vec<_>>(),
        vec![
            ("cli", Status::Pass),
            ("defaulted", Status::Fail),
            ("overridden", Status::Pass),
        ]
    );
    assert!(got[0].3.contains("--cfn-param CliPassword"), "{:?}", got[0]);
    assert!(got[1].2.ends_with("template.yaml:12"), "{:?}", got[1]);
    assert!(
        got[1].3.contains("parameter `DefaultPassword`"),
        "{:?}",
        got[1]
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
