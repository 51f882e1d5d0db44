#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Passwords and tokens of managed stores other than RDS, end to end from
//! Terraform and CloudFormation to their rules: Redshift and DocumentDB
//! master passwords, ElastiCache `AUTH` tokens, Amazon MQ broker users,
//! Directory Service directories and DMS endpoints. Each has a failing and
//! a passing case in both sources; no finding holds a password in clear.

mod common;

use common::{findings_without, load_clean as load, write};
use pillar_model::{Inventory, Status};

/// The planted passwords; they must never appear in a finding.
const SECRET: &str = "Vq8!mT3zLr6x-stores";

const RULES: &[&str] = &[
    "redshift-master-password-literal",
    "docdb-master-password-literal",
    "elasticache-auth-token-literal",
    "mq-broker-user-password-literal",
    "ds-directory-password-literal",
    "dms-endpoint-password-literal",
];

/// (rule, store[/user], status, location) of every store rule's findings.
fn judge(inv: &Inventory) -> Vec<(String, String, Status, String)> {
    let mut out = Vec::new();
    for id in RULES {
        for f in findings_without(inv, id, SECRET) {
            let mut name = f.resource.display_name().to_owned();
            // A broker's user is named in the message, "user `app`".
            if let Some((_, rest)) = f.message.split_once("user `") {
                let user = rest.split('`').next().unwrap();
                name = format!("{name}/{user}");
            }
            let loc = f.location.map(|l| l.to_string()).unwrap_or_default();
            out.push(((*id).to_owned(), name, f.status, loc));
        }
    }
    out.sort();
    out
}

fn statuses(got: &[(String, String, Status, String)]) -> Vec<(&str, &str, Status)> {
    got.iter()
        .map(|(r, n, s, _)| (r.as_str(), n.as_str(), *s))
        .collect()
}

#[test]
fn terraform_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let tf = format!(
        r#"
variable "docdb_password" {{
  type      = string
  sensitive = true
}}

variable "ad_password" {{
  type      = string
  sensitive = true
}}

data "aws_secretsmanager_secret_version" "cache" {{
  secret_id = "prod/cache-auth"
}}

resource "random_password" "mq" {{
  length = 32
}}

resource "aws_redshift_cluster" "literal" {{
  cluster_identifier = "dw-literal"
  master_username    = "admin"
  master_password    = "{SECRET}"
}}

resource "aws_redshift_cluster" "managed" {{
  cluster_identifier     = "dw-managed"
  master_username        = "admin"
  manage_master_password = true
}}

resource "aws_docdb_cluster" "tfvars" {{
  cluster_identifier = "docs-tfvars"
  master_username    = "admin"
  master_password    = var.docdb_password
}}

resource "aws_docdb_cluster" "managed" {{
  cluster_identifier          = "docs-managed"
  master_username             = "admin"
  manage_master_user_password = true
}}

resource "aws_elasticache_replication_group" "literal" {{
  replication_group_id       = "cache-literal"
  description                = "sessions"
  transit_encryption_enabled = true
  auth_token                 = "{SECRET}"
}}

resource "aws_elasticache_replication_group" "from_secret" {{
  replication_group_id       = "cache-secret"
  description                = "sessions"
  transit_encryption_enabled = true
  auth_token                 = data.aws_secretsmanager_secret_version.cache.secret_string
}}

resource "aws_mq_broker" "events" {{
  broker_name = "events"
  engine_type = "ActiveMQ"

  user {{
    username = "admin"
    password = "{SECRET}"
  }}

  user {{
    username = "app"
    password = random_password.mq.result
  }}
}}

resource "aws_directory_service_directory" "literal" {{
  name     = "corp.example.com"
  type     = "MicrosoftAD"
  password = "{SECRET}"
}}

resource "aws_directory_service_directory" "unset" {{
  name     = "lab.example.com"
  password = var.ad_password
}}

resource "aws_dms_endpoint" "literal" {{
  endpoint_id   = "source-literal"
  endpoint_type = "source"
  engine_name   = "postgres"
  username      = "dms"
  password      = "{SECRET}"
}}

resource "aws_dms_endpoint" "secret" {{
  endpoint_id                     = "source-secret"
  endpoint_type                   = "source"
  engine_name                     = "postgres"
  secrets_manager_arn             = "arn:aws:secretsmanager:us-east-1:111122223333:secret:dms"
  secrets_manager_access_role_arn = "arn:aws:iam::111122223333:role/dms-secrets"
}}
"#
    );
    write(tmp.path(), "main.tf", &tf);
    write(
        tmp.path(),
        "terraform.tfvars",
        &format!("docdb_password = \"{SECRET}-docdb\"\n"),
    );
    let inv = load(tmp.path());
    let got = judge(&inv);
    assert_eq!(
        statuses(&got),
        vec![
            (
                "dms-endpoint-password-literal",
                "source-literal",
                Status::Fail
            ),
            (
                "dms-endpoint-password-literal",
                "source-secret",
                Status::Pass
            ),
            (
                "docdb-master-password-literal",
                "docs-managed",
                Status::Pass
            ),
            ("docdb-master-password-literal", "docs-tfvars", Status::Fail),
            (
                "ds-directory-password-literal",
                "corp.example.com",
                Status::Fail
            ),
            (
                "ds-directory-password-literal",
                "lab.example.com",
                Status::Pass
            ),
            (
                "elasticache-auth-token-literal",
                "cache-literal",
                Status::Fail
            ),
            (
                "elasticache-auth-token-literal",
                "cache-secret",
                Status::Pass
            ),
            (
                "mq-broker-user-password-literal",
                "events/admin",
                Status::Fail
            ),
            (
                "mq-broker-user-password-literal",
                "events/app",
                Status::Pass
            ),
            (
                "redshift-master-password-literal",
                "dw-literal",
                Status::Fail
            ),
            (
                "redshift-master-password-literal",
                "dw-managed",
                Status::Pass
            ),
        ]
    );
    // The tfvars value is pointed at in its file; the broker user at its block.
    let docdb = got.iter().find(|g| g.1 == "docs-tfvars").unwrap();
    assert!(docdb.3.ends_with("terraform.tfvars:1"), "{docdb:?}");
    let admin = got.iter().find(|g| g.1 == "events/admin").unwrap();
    assert!(admin.3.ends_with("main.tf:62"), "{admin:?}");
    let kinds: Vec<&str> = inv
        .store_credentials
        .iter()
        .filter(|c| c.service == "ds")
        .map(|c| c.resource.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "AWS::DirectoryService::MicrosoftAD",
            "AWS::DirectoryService::SimpleAD"
        ]
    );
}

#[test]
fn cloudformation_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DocdbPassword:
    Type: String
    NoEcho: true
    Default: "{SECRET}-docdb"
  MqAppPassword:
    Type: String
    NoEcho: true
  AdPassword:
    Type: String
    NoEcho: true
Resources:
  DwLiteral:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterIdentifier: dw-literal
      MasterUsername: admin
      MasterUserPassword: "{SECRET}"
  DwManaged:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterIdentifier: dw-managed
      MasterUsername: admin
      ManageMasterPassword: true
  DocsDefault:
    Type: AWS::DocDB::DBCluster
    Properties:
      DBClusterIdentifier: docs-default
      MasterUsername: admin
      MasterUserPassword: !Ref DocdbPassword
  DocsSecret:
    Type: AWS::DocDB::DBCluster
    Properties:
      DBClusterIdentifier: docs-secret
      MasterUsername: admin
      MasterUserPassword: "{{{{resolve:secretsmanager:prod/docdb:SecretString:password}}}}"
  CacheLiteral:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupId: cache-literal
      AuthToken: "{SECRET}"
  CachePlain:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupId: cache-plain
      AuthToken: "{{{{resolve:ssm:/prod/cache/auth}}}}"
  CacheSecure:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupId: cache-secure
      AuthToken: "{{{{resolve:ssm-secure:/prod/cache/auth:2}}}}"
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ACTIVEMQ
      Users:
        - Username: admin
          Password: "{SECRET}"
        - Username: app
          Password: !Ref MqAppPassword
  Corp:
    Type: AWS::DirectoryService::MicrosoftAD
    Properties:
      Name: corp.example.com
      Password: "{SECRET}"
  Lab:
    Type: AWS::DirectoryService::SimpleAD
    Properties:
      Name: lab.example.com
      Size: Small
      Password: !Ref AdPassword
  SourceLiteral:
    Type: AWS::DMS::Endpoint
    Properties:
      EndpointIdentifier: source-literal
      EndpointType: source
      EngineName: postgres
      Password: "{SECRET}"
  SourceSecret:
    Type: AWS::DMS::Endpoint
    Properties:
      EndpointIdentifier: source-secret
      EndpointType: source
      EngineName: postgres
      PostgreSqlSettings:
        SecretsManagerSecretId: prod/dms-source
        SecretsManagerAccessRoleArn: arn:aws:iam::111122223333:role/dms-secrets
"#
    );
    write(tmp.path(), "template.yaml", &yaml);
    let got = judge(&load(tmp.path()));
    assert_eq!(
        statuses(&got),
        vec![
            (
                "dms-endpoint-password-literal",
                "source-literal",
                Status::Fail
            ),
            (
                "dms-endpoint-password-literal",
                "source-secret",
                Status::Pass
            ),
            (
                "docdb-master-password-literal",
                "docs-default",
                Status::Fail
            ),
            ("docdb-master-password-literal", "docs-secret", Status::Pass),
            (
                "ds-directory-password-literal",
                "corp.example.com",
                Status::Fail
            ),
            (
                "ds-directory-password-literal",
                "lab.example.com",
                Status::Pass
            ),
            (
                "elasticache-auth-token-literal",
                "cache-literal",
                Status::Fail
            ),
            (
                "elasticache-auth-token-literal",
                "cache-plain",
                Status::Fail
            ),
            (
                "elasticache-auth-token-literal",
                "cache-secure",
                Status::Pass
            ),
            (
                "mq-broker-user-password-literal",
                "events/admin",
                Status::Fail
            ),
            (
                "mq-broker-user-password-literal",
                "events/app",
                Status::Pass
            ),
            (
                "redshift-master-password-literal",
                "dw-literal",
                Status::Fail
            ),
            (
                "redshift-master-password-literal",
                "dw-managed",
                Status::Pass
            ),
        ]
    );
    // A parameter's default is pointed at on its Default line.
    let docs = got.iter().find(|g| g.1 == "docs-default").unwrap();
    assert!(docs.3.ends_with("template.yaml:6"), "{docs:?}");
}
