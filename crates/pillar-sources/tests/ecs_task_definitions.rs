#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! ECS task definitions, the input of `ecs-task-env-literal-secret`: from a
//! snapshot (`ecs-describe-task-definition/<family>_<revision>.json`),
//! Terraform (`container_definitions` as `jsonencode` and as a heredoc) and
//! CloudFormation (`ContainerDefinitions[].Environment`). Each form has a
//! failing and a passing definition; the rule judges them with the secrets
//! engine, and no finding holds the secret in clear.

mod common;

use common::{findings_without, load_clean as load, write};
use pillar_model::{Inventory, Known, Status};

/// The planted secret; it must never appear in a finding.
const SECRET: &str = "Vq8!mT3zLr6x-orders";

/// (family, status) of the rule's findings, sorted.
fn judge(inv: &Inventory) -> Vec<(String, Status)> {
    let findings = findings_without(inv, "ecs-task-env-literal-secret", SECRET);
    let mut out: Vec<(String, Status)> = findings
        .iter()
        .map(|f| {
            let def = inv
                .ecs_task_definitions
                .iter()
                .find(|d| d.resource.id == f.resource.id)
                .unwrap();
            (def.family.clone(), f.status)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn snapshot_task_definitions() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let def = |family: &str, rev: u32, env: &str, secrets: &str| {
        format!(
            r#"{{"taskDefinition": {{
  "taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/{family}:{rev}",
  "family": "{family}", "revision": {rev},
  "containerDefinitions": [{{"name": "app", "image": "app:1",
    "environment": [{env}],
    "secrets": [{secrets}]}}]}}}}"#
        )
    };
    // No cluster runs them: the definitions are still resources.
    write(
        d,
        "us-east-1/ecs-list-clusters.json",
        r#"{"clusterArns": []}"#,
    );
    write(
        d,
        "us-east-1/ecs-describe-task-definition/orders-bad_3.json",
        &def(
            "orders-bad",
            3,
            &format!(
                r#"{{"name": "LOG_LEVEL", "value": "info"}}, {{"name": "DB_PASSWORD", "value": "{SECRET}"}}"#
            ),
            "",
        ),
    );
    write(
        d,
        "us-east-1/ecs-describe-task-definition/orders-good_4.json",
        &def(
            "orders-good",
            4,
            r#"{"name": "LOG_LEVEL", "value": "info"}"#,
            r#"{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/orders/db-AbCdEf"}"#,
        ),
    );
    let inv = load(d);
    assert_eq!(inv.ecs_task_definitions.len(), 2);
    let good = inv
        .ecs_task_definitions
        .iter()
        .find(|t| t.family == "orders-good")
        .unwrap();
    let Known::Known(c) = &good.containers else {
        panic!("{good:?}")
    };
    assert_eq!(c[0].secrets, ["DB_PASSWORD"]);
    assert_eq!(
        judge(&inv),
        [
            ("orders-bad".to_owned(), Status::Fail),
            ("orders-good".to_owned(), Status::Pass)
        ]
    );
}

#[test]
fn terraform_jsonencode_and_heredoc() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "main.tf",
        &r##"
variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_ecs_task_definition" "bad_json" {
  family = "bad-json"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1"
    environment = [
      { name = "LOG_LEVEL", value = "info" },
      { name = "DB_PASSWORD", value = "SECRET" },
    ]
  }])
}

resource "aws_ecs_task_definition" "bad_heredoc" {
  family                = "bad-heredoc"
  container_definitions = <<-EOF
    [
      {
        "name": "app",
        "image": "app:1",
        "environment": [
          {"name": "DATABASE_URL", "value": "postgres://orders:SECRET@db.internal:5432/orders"}
        ]
      }
    ]
  EOF
}

resource "aws_ecs_task_definition" "good" {
  family = "good"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1"
    environment = [
      { name = "DB_PASSWORD", value = var.db_password },
    ]
    secrets = [
      { name = "API_KEY", valueFrom = "arn:aws:ssm:us-east-1:111122223333:parameter/app/api-key" },
    ]
  }])
}
"##
        .replace("SECRET", SECRET),
    );
    let inv = load(d);
    assert_eq!(inv.ecs_task_definitions.len(), 3);
    assert_eq!(
        judge(&inv),
        [
            ("bad-heredoc".to_owned(), Status::Fail),
            ("bad-json".to_owned(), Status::Fail),
            ("good".to_owned(), Status::Pass)
        ]
    );
}

#[test]
fn cloudformation_container_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "template.yaml",
        &r##"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
Resources:
  Bad:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: bad
      ContainerDefinitions:
        - Name: app
          Image: app:1
          Environment:
            - Name: LOG_LEVEL
              Value: info
            - Name: DB_PASSWORD
              Value: "SECRET"
  Good:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: good
      ContainerDefinitions:
        - Name: app
          Image: app:1
          Environment:
            - Name: DB_PASSWORD
              Value: !Ref DbPassword
            - Name: API_KEY
              Value: "{{resolve:secretsmanager:prod/app:SecretString:api_key}}"
          Secrets:
            - Name: TOKEN
              ValueFrom: arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/app-AbCdEf
"##
        .replace("SECRET", SECRET),
    );
    let inv = load(d);
    assert_eq!(inv.ecs_task_definitions.len(), 2);
    assert_eq!(
        judge(&inv),
        [
            ("bad".to_owned(), Status::Fail),
            ("good".to_owned(), Status::Pass)
        ]
    );
}
