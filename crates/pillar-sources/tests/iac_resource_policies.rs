//! SQS queue, SNS topic and Secrets Manager secret policies from Terraform
//! (as an argument or a policy resource; heredoc, `jsonencode` and
//! `aws_iam_policy_document`) and CloudFormation (`AWS::SQS::QueuePolicy`,
//! `AWS::SNS::TopicPolicy`, `AWS::SecretsManager::ResourcePolicy`), judged
//! by the exposure rules: one open (fail) and one closed (pass) policy per
//! resource type and language, each finding at the policy's file:line.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_model::{Inventory, Status};
use pillar_sources::{cloudformation, terraform, LoadOptions};

/// (rule, status, resource id, location) of the exposure rules, sorted.
fn findings(inv: &Inventory) -> Vec<(String, Status, String, String)> {
    let ids = [
        "sqs-queue-public-policy",
        "sns-topic-public-policy",
        "secretsmanager-secret-public-policy",
    ];
    let rules: Vec<_> = pillar_checks::all()
        .into_iter()
        .filter(|r| ids.contains(&r.meta().id))
        .collect();
    let mut out: Vec<_> = pillar_checks::run(inv, &rules, &pillar_checks::RunOptions::default())
        .findings
        .into_iter()
        .map(|f| {
            (
                f.rule,
                f.status,
                f.resource.id,
                // The file's name and line (Terraform names it by its path).
                f.location
                    .map(|l| {
                        let file = l.file.rsplit('/').next().unwrap_or_default().to_owned();
                        format!("{file}:{}", l.line.unwrap_or_default())
                    })
                    .unwrap_or_default(),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.2, &a.0).cmp(&(&b.2, &b.0)));
    out
}

fn row(rule: &str, status: Status, id: &str, loc: &str) -> (String, Status, String, String) {
    (rule.to_owned(), status, id.to_owned(), loc.to_owned())
}

const TF: &str = r#"resource "aws_sqs_queue" "open" {
  name = "orders"
}

resource "aws_sqs_queue_policy" "open" {
  queue_url = aws_sqs_queue.open.url
  policy    = data.aws_iam_policy_document.open_queue.json
}

data "aws_iam_policy_document" "open_queue" {
  statement {
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions   = ["sqs:SendMessage", "sqs:ReceiveMessage"]
    resources = [aws_sqs_queue.open.arn]
  }
}

resource "aws_sqs_queue" "closed" {
  name = "closed"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "*"
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.closed.arn } }
    }]
  })
}

resource "aws_sns_topic" "open" {
  name = "events"
}

resource "aws_sns_topic_policy" "open" {
  arn    = aws_sns_topic.open.arn
  policy = <<EOT
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
  "Action": ["SNS:Subscribe", "SNS:Publish"],
  "Resource": "arn:aws:sns:us-east-1:111122223333:events"}]}
EOT
}

resource "aws_sns_topic" "closed" {
  name   = "alerts"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "sns:Publish", Resource = "*",
      Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } } }]
  })
}

resource "aws_secretsmanager_secret" "open" {
  name = "api-token"
}

resource "aws_secretsmanager_secret_policy" "open" {
  secret_arn = aws_secretsmanager_secret.open.arn
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "secretsmanager:GetSecretValue", Resource = "*" }]
  })
}

resource "aws_secretsmanager_secret" "closed" {
  name = "db"
}

resource "aws_secretsmanager_secret_policy" "closed" {
  secret_arn = aws_secretsmanager_secret.closed.arn
  policy     = data.aws_iam_policy_document.closed_secret.json
}

data "aws_iam_policy_document" "closed_secret" {
  statement {
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
  }
}

resource "aws_sqs_queue_policy" "elsewhere" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/legacy"
  policy    = <<EOT
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}
EOT
}
"#;

#[test]
fn terraform_policies_as_arguments_and_resources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), TF).unwrap();
    let loaded = terraform::load(dir.path(), &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let inv = &loaded.inventory;
    assert_eq!(inv.queues.len(), 3, "two declared, one stand-in");
    assert_eq!(inv.topics.len(), 2);
    assert_eq!(inv.secrets.len(), 2);
    let got = findings(inv);
    use Status::*;
    assert_eq!(
        got,
        [
            row(
                "secretsmanager-secret-public-policy",
                Pass,
                "aws_secretsmanager_secret.closed",
                "main.tf:73"
            ),
            row(
                "secretsmanager-secret-public-policy",
                Fail,
                "aws_secretsmanager_secret.open",
                "main.tf:61"
            ),
            row(
                "sns-topic-public-policy",
                Pass,
                "aws_sns_topic.closed",
                "main.tf:48"
            ),
            row(
                "sns-topic-public-policy",
                Fail,
                "aws_sns_topic.open",
                "main.tf:39"
            ),
            row(
                "sqs-queue-public-policy",
                Pass,
                "aws_sqs_queue.closed",
                "main.tf:21"
            ),
            row(
                "sqs-queue-public-policy",
                Fail,
                "aws_sqs_queue.open",
                "main.tf:5"
            ),
            row(
                "sqs-queue-public-policy",
                Fail,
                "aws_sqs_queue_policy.elsewhere",
                "main.tf:94"
            ),
        ]
    );
    let paths: Vec<_> = got.iter().map(|r| r.3.clone()).collect();
    assert!(paths.iter().all(|p| p.starts_with("main.tf:")), "{paths:?}");
}

const CFN: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
  OrdersPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Orders]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: [sqs:SendMessage, sqs:ReceiveMessage]
            Resource: !GetAtt Orders.Arn
  Closed:
    Type: AWS::SQS::Queue
  ClosedPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues:
        - !Ref Closed
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: sqs:SendMessage
            Resource: !GetAtt Closed.Arn
            Condition:
              ArnEquals: {"aws:SourceArn": !Ref Events}
  Events:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: events
  EventsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Events]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: sns:Publish
            Resource: !Ref Events
  Alerts:
    Type: AWS::SNS::Topic
  AlertsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Alerts]
      PolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}'
  Token:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: api-token
  TokenPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref Token
      ResourcePolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: secretsmanager:GetSecretValue
            Resource: "*"
  Db:
    Type: AWS::SecretsManager::Secret
  DbPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref Db
      BlockPublicPolicy: true
      ResourcePolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::111122223333:role/app"}
            Action: secretsmanager:GetSecretValue
            Resource: "*"
  LegacyPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: ["https://sqs.us-east-1.amazonaws.com/111122223333/legacy"]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: "*", Action: "sqs:*", Resource: "*"}
"#;

#[test]
fn cloudformation_policy_resources() {
    let mut inv = Inventory::default();
    cloudformation::load_text("t.yaml", CFN, &LoadOptions::default(), &mut inv).unwrap();
    assert_eq!(inv.queues.len(), 3, "two declared, one stand-in");
    let got = findings(&inv);
    use Status::*;
    assert_eq!(
        got,
        [
            row("sns-topic-public-policy", Pass, "Alerts", "t.yaml:49"),
            row("sqs-queue-public-policy", Pass, "Closed", "t.yaml:20"),
            row(
                "secretsmanager-secret-public-policy",
                Pass,
                "Db",
                "t.yaml:70"
            ),
            row("sns-topic-public-policy", Fail, "Events", "t.yaml:37"),
            row("sqs-queue-public-policy", Fail, "LegacyPolicy", "t.yaml:81"),
            row("sqs-queue-public-policy", Fail, "Orders", "t.yaml:7"),
            row(
                "secretsmanager-secret-public-policy",
                Fail,
                "Token",
                "t.yaml:58"
            ),
        ]
    );
}

#[test]
fn policies_that_cannot_be_read_are_unknown_not_passed() {
    let tf = r#"
variable "doc" {}
resource "aws_sns_topic" "t" { name = "x" }
resource "aws_sns_topic_policy" "t" {
  arn    = aws_sns_topic.t.arn
  policy = var.doc
}
resource "aws_sqs_queue" "q" { policy = "{not json" }
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let loaded = terraform::load(dir.path(), &LoadOptions::default());
    let got = findings(&loaded.inventory);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|r| r.1 == Status::Unknown), "{got:?}");
}
