//! `mq-broker-user-password-literal`

use super::store_password::{how_judged, judge_service, Wording};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct MqBrokerUserPasswordLiteral;
/// Registered instance.
pub static RULE: MqBrokerUserPasswordLiteral = MqBrokerUserPasswordLiteral;

static WORDING: Wording = Wording {
    noun: "Amazon MQ broker",
    secret: "user password",
    managed: "",
    fix: "read the password from Secrets Manager (a dynamic reference or an aws_secretsmanager_secret_version data source)",
};

static META: Meta = Meta {
    id: "mq-broker-user-password-literal",
    title: "Amazon MQ broker user password is written as a literal in IaC",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "mq",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "A broker user's password written in IaC is in every clone, in the history, in Terraform state and in CI logs; with it anyone who reaches the broker can read, write or purge its queues and topics.",
    console: "Amazon MQ console > Brokers > the broker > Users > the user > Edit: set a new password kept in Secrets Manager. Then remove the old one from the IaC source and its history.",
    cli: "aws mq update-user --broker-id <broker-id> --username <user> \\\n  --password \"$(aws secretsmanager get-secret-value --secret-id <name> \\\n    --query SecretString --output text)\"",
    terraform: "data \"aws_secretsmanager_secret_version\" \"mq\" {\n  secret_id = \"prod/mq-app\"\n}\n\nresource \"aws_mq_broker\" \"events\" {\n  # ...\n  user {\n    username = \"app\"\n    password = data.aws_secretsmanager_secret_version.mq.secret_string\n  }\n}\n\n# CloudFormation: Users: [{Username: app, Password: '{{resolve:secretsmanager:prod/mq-app}}'}]",
    docs: concat!(
        "## What it does\n",
        "Reports Amazon MQ broker users whose password is written as a literal: Terraform `aws_mq_broker` `user { password }`, CloudFormation `AWS::AmazonMQ::Broker` `Users[].Password`. Each user is judged on its own (the finding names the user, and its fingerprint tells users apart). It passes when the password comes at deploy time. ",
        how_judged!(),
        "## Why is this bad?\n",
        "A broker user can read, publish and, as an administrator, reconfigure the broker. A password in source control spreads to every clone, fork, build log and state file and stays in the history after it is removed.\n\n",
        "## How to fix\n",
        "Keep each user's password in Secrets Manager and read it at deploy time; change the exposed password and remove it from the source and its history.\n\n",
        "## References\n",
        "- Amazon MQ Developer Guide: broker users (ActiveMQ) and RabbitMQ users\n",
        "- AWS CloudFormation: AWS::AmazonMQ::Broker User\n",
        "- AWS CloudFormation User Guide: Get values stored in other services using dynamic references\n",
        "- Well-Architected SEC02-BP03 Store and use secrets securely\n",
    ),
    since: "0.1.0",
};

impl Rule for MqBrokerUserPasswordLiteral {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        judge_service(out, inv, "mq", &WORDING);
    }
}
