//! `ecs-task-env-literal-secret`

use super::secrets_common::{hit_evidence, pass_message, split_hits};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct EcsTaskEnvLiteralSecret;
/// Registered instance.
pub static RULE: EcsTaskEnvLiteralSecret = EcsTaskEnvLiteralSecret;

static META: Meta = Meta {
    id: "ecs-task-env-literal-secret",
    title: "ECS task definition passes a literal secret in a container's environment",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "ecs",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "A container's `environment` values are stored in plain text in every revision \
        of the task definition: anyone with ecs:DescribeTaskDefinition reads them, and they \
        end up in Terraform state, CloudFormation templates and CI logs. ECS injects secrets \
        at container start from Secrets Manager or SSM Parameter Store through the \
        container's `secrets` list, so the definition holds only the reference.",
    console: "Secrets Manager console > Store a new secret with the value. ECS console > Task \
        definitions > the family > Create new revision > the container > Environment \
        variables: remove the value and add it with 'ValueFrom' set to the secret's ARN. \
        Grant secretsmanager:GetSecretValue (and kms:Decrypt for a customer managed key) to \
        the task execution role, update the services to the new revision, deregister the \
        old revisions, and rotate the exposed credential.",
    cli: "aws secretsmanager create-secret --name <app/db-password> --secret-string file://secret.txt\n\
        # in the container definition: replace\n\
        #   \"environment\": [{\"name\": \"DB_PASSWORD\", \"value\": \"...\"}]\n\
        # with\n\
        #   \"secrets\": [{\"name\": \"DB_PASSWORD\", \"valueFrom\": \"<secret-arn>\"}]\n\
        aws ecs register-task-definition --cli-input-json file://taskdef.json\n\
        aws ecs deregister-task-definition --task-definition <family>:<old-revision>\n\
        # then rotate the credential that was exposed",
    terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  \
        # ...\n  \
        container_definitions = jsonencode([{\n    \
        name = \"app\"\n    \
        # not: environment = [{ name = \"DB_PASSWORD\", value = \"...\" }]\n    \
        secrets = [{\n      \
        name      = \"DB_PASSWORD\"\n      \
        valueFrom = aws_secretsmanager_secret.db_password.arn\n    \
        }]\n  \
        }])\n  \
        execution_role_arn = aws_iam_role.task_execution.arn # may read that secret\n}",
    docs: "## What it does\n\
        Reports ECS task definitions whose containers receive a secret as a plain \
        `environment` value. Each container's variables are scanned by the secrets engine of \
        `pillar secrets`, with the same rules, placeholder filters and redaction as files: \
        credential formats (AWS access keys, private keys, database URLs with a password, \
        SaaS tokens, JWTs) in any variable, and literal values of password-, secret-, token- \
        and key-named variables that pass the rules' length and entropy checks. Values in \
        the container's `secrets` list (`valueFrom` a Secrets Manager secret or an SSM \
        parameter) are not in the definition and are the fix. References (ARNs, \
        `{{resolve:…}}`, `${…}`) and placeholders (`changeme`) are not secrets; documented \
        example keys are low confidence and do not fail the definition. Evidence names the \
        container, the variable and the secret rule, with the value redacted to its first \
        and last characters; never the value. Read from the snapshot \
        (`ecs-describe-task-definition/<family>_<revision>.json`), Terraform \
        (`aws_ecs_task_definition.container_definitions`, `jsonencode` or a heredoc) and \
        CloudFormation (`AWS::ECS::TaskDefinition` `ContainerDefinitions[].Environment`). \
        Container definitions that cannot be read are *unknown*.\n\n\
        ## Why is this bad?\n\
        Task definition revisions are immutable and kept: a secret in one stays readable \
        through the ECS API, the console and every copy of the IaC state until every \
        revision holding it is deregistered, and it is rarely rotated.\n\n\
        ## How to fix\n\
        Store the value in Secrets Manager (or an SSM SecureString parameter), reference it \
        from the container's `secrets` with `valueFrom`, let the task execution role read \
        it, deregister the old revisions, and rotate the exposed credential.\n\n\
        ## References\n\
        - Amazon ECS Developer Guide: Pass sensitive data to an Amazon ECS container \
        (Secrets Manager and Systems Manager Parameter Store)\n\
        - Amazon ECS API Reference: ContainerDefinition `environment` and `secrets`\n\
        - Well-Architected SEC02-BP03 Store and use secrets securely\n",
    since: "0.1.0",
};

impl Rule for EcsTaskEnvLiteralSecret {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.ecs_task_definitions.is_empty() {
            return;
        }
        let engine = match pillar_secrets::inline::builtin() {
            Ok(e) => e,
            Err(e) => {
                for def in &inv.ecs_task_definitions {
                    out.unknown(def, format!("secret rules do not compile: {e}"));
                }
                return;
            }
        };
        for def in &inv.ecs_task_definitions {
            let containers = match &def.containers {
                Known::Known(c) => c,
                Known::Unknown(r) => {
                    out.unknown(def, format!("container definitions unknown: {r}"));
                    continue;
                }
            };
            let mut failing = Vec::new();
            let mut evidence = Vec::new();
            let mut low_total = 0usize;
            for c in containers {
                let hits = pillar_secrets::inline::scan_environment(engine, &c.environment);
                let (sure, low) = split_hits(&hits);
                low_total += low.len();
                if sure.is_empty() {
                    continue;
                }
                let mut names: Vec<&str> =
                    sure.iter().filter_map(|h| h.variable.as_deref()).collect();
                names.dedup();
                failing.push(format!("{} ({})", c.name, names.join(", ")));
                evidence.push(json!({
                    "container": c.name,
                    "variables": sure.iter().map(|h| hit_evidence(h)).collect::<Vec<_>>(),
                }));
            }
            if failing.is_empty() {
                out.pass(
                    def,
                    pass_message(low_total, "container environment variable"),
                );
                continue;
            }
            out.fail(
                def,
                format!(
                    "container environment holds a literal secret: {}; use the container's \
                     `secrets` with valueFrom (Secrets Manager or SSM)",
                    failing.join("; ")
                ),
                json!({
                    "task_definition": def.arn,
                    "family": def.family,
                    "containers": evidence,
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::{EcsContainer, EcsTaskDefinition, Status};
    use std::collections::BTreeMap;

    fn def(vars: &[(&str, &str)]) -> Inventory {
        let environment: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Inventory {
            ecs_task_definitions: vec![EcsTaskDefinition {
                family: "api".to_owned(),
                containers: Known::Known(vec![EcsContainer {
                    name: "app".to_owned(),
                    environment,
                    ..EcsContainer::default()
                }]),
                ..EcsTaskDefinition::default()
            }],
            ..Inventory::default()
        }
    }

    fn statuses(inv: &Inventory) -> Vec<(Status, String, String)> {
        let mut out = Out::new(&META);
        RULE.check(inv, &mut out);
        out.into_findings()
            .into_iter()
            .map(|f| (f.status, f.message, f.evidence.to_string()))
            .collect()
    }

    #[test]
    fn engine_judges_the_container_environment() {
        let fail = statuses(&def(&[
            ("DB_PASSWORD", "Tr0ub4dor&3-orders"),
            ("LOG_LEVEL", "debug"),
        ]));
        assert_eq!(fail.len(), 1);
        assert_eq!(fail[0].0, Status::Fail);
        assert!(fail[0].1.contains("app (DB_PASSWORD)"), "{fail:?}");
        assert!(!fail[0].1.contains("Tr0ub4dor"));
        assert!(!fail[0].2.contains("Tr0ub4dor"), "{fail:?}");
        for clean in [
            (
                "DB_PASSWORD",
                "{{resolve:secretsmanager:db:SecretString:password}}",
            ),
            ("DB_PASSWORD", "${unknown: var.db_password}"),
            ("DB_PASSWORD", "changeme"),
            ("PORT", "8080"),
        ] {
            let got = statuses(&def(&[clean]));
            assert_eq!(got[0].0, Status::Pass, "{clean:?}: {got:?}");
        }
        let got = statuses(&def(&[("LEGACY", "AKIAIOSFODNN7EXAMPLE")]));
        assert_eq!(got[0].0, Status::Pass, "{got:?}");
        assert!(got[0].1.contains("1 low-confidence"), "{got:?}");
    }

    #[test]
    fn unknown_containers_are_unknown() {
        let inv = Inventory {
            ecs_task_definitions: vec![EcsTaskDefinition {
                containers: Known::unknown("var.containers is not set"),
                ..EcsTaskDefinition::default()
            }],
            ..Inventory::default()
        };
        let got = statuses(&inv);
        assert_eq!(got[0].0, Status::Unknown, "{got:?}");
    }
}
