//! `elasticache-auth-token-literal`

use super::store_password::{how_judged, judge_service, Wording};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct ElasticacheAuthTokenLiteral;
/// Registered instance.
pub static RULE: ElasticacheAuthTokenLiteral = ElasticacheAuthTokenLiteral;

static WORDING: Wording = Wording {
    noun: "ElastiCache replication group",
    secret: "AUTH token",
    managed: "",
    fix: "read the token from Secrets Manager (a dynamic reference or an aws_secretsmanager_secret_version data source), or use RBAC user groups",
};

static META: Meta = Meta {
    id: "elasticache-auth-token-literal",
    title: "ElastiCache replication group AUTH token is written as a literal in IaC",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "elasticache",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "The AUTH token is the password of a Redis OSS or Valkey replication group: whoever has it and reaches the endpoint can read and write every key. Written in IaC it is in every clone, in the history, in Terraform state and in CI logs.",
    console: "ElastiCache console > Redis OSS or Valkey caches > the replication group > Modify > Access control: rotate the AUTH token (strategy ROTATE, then SET), or move to user group access control. Keep the new token in Secrets Manager and remove the old one from the IaC source and its history.",
    cli: "aws elasticache modify-replication-group --replication-group-id <id> \\\n  --auth-token \"$(aws secretsmanager get-secret-value --secret-id <name> \\\n    --query SecretString --output text)\" \\\n  --auth-token-update-strategy ROTATE --apply-immediately",
    terraform: "data \"aws_secretsmanager_secret_version\" \"cache\" {\n  secret_id = \"prod/cache-auth\"\n}\n\nresource \"aws_elasticache_replication_group\" \"cache\" {\n  # ...\n  auth_token = data.aws_secretsmanager_secret_version.cache.secret_string\n}\n\n# CloudFormation: AuthToken: '{{resolve:secretsmanager:prod/cache-auth}}'",
    docs: concat!(
        "## What it does\n",
        "Reports ElastiCache replication groups whose `AUTH` token is written as a literal: Terraform `aws_elasticache_replication_group.auth_token`, CloudFormation `AWS::ElastiCache::ReplicationGroup` `AuthToken`. It passes when the token comes at deploy time (a Secrets Manager or `ssm-secure` dynamic reference, a data source, a parameter or variable without a value) and when no token is set (whether one should be is another question: transit encryption and access control). ",
        how_judged!(),
        "## Why is this bad?\n",
        "Whoever holds the token and reaches the endpoint can read and overwrite every key. A token in source control spreads to every clone, fork, build log and state file and is rarely rotated.\n\n",
        "## How to fix\n",
        "Keep the token in Secrets Manager and read it at deploy time (a dynamic reference, or the `aws_secretsmanager_secret_version` data source), or move to RBAC user groups; rotate the exposed token (`--auth-token-update-strategy ROTATE`) and remove it from the source and its history.\n\n",
        "## References\n",
        "- Amazon ElastiCache User Guide: Authenticating with the Valkey and Redis OSS AUTH command\n",
        "- Amazon ElastiCache User Guide: Role-Based Access Control (RBAC)\n",
        "- AWS CloudFormation User Guide: Get values stored in other services using dynamic references\n",
        "- Well-Architected SEC02-BP03 Store and use secrets securely\n",
    ),
    since: "0.1.0",
};

impl Rule for ElasticacheAuthTokenLiteral {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        judge_service(out, inv, "elasticache", &WORDING);
    }
}
