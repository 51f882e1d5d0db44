//! `lambda-env-literal-secret`

use super::secrets_common::{hit_evidence, pass_message, split_hits};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct LambdaEnvLiteralSecret;
/// Registered instance.
pub static RULE: LambdaEnvLiteralSecret = LambdaEnvLiteralSecret;

static META: Meta = Meta {
    id: "lambda-env-literal-secret",
    title: "Lambda function environment variable holds a literal secret",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "lambda",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "Lambda environment variables are visible in plain text to anyone with \
        lambda:GetFunctionConfiguration, end up in IaC state, templates and CI logs, and never \
        rotate. Secrets belong in Secrets Manager or SSM Parameter Store (SecureString), read \
        at runtime under the function's role.",
    console: "Secrets Manager console > Store a new secret with the value. Lambda console > the \
        function > Configuration > Environment variables > Edit: replace the value with the \
        secret's ARN (or name) and read it at runtime (e.g. with the AWS Parameters and Secrets \
        Lambda Extension); grant secretsmanager:GetSecretValue on that secret to the execution \
        role. Then rotate the exposed credential.",
    cli: "aws secretsmanager create-secret --name <app/db-password> --secret-string file://secret.txt\n\
        aws lambda update-function-configuration --function-name <function> \\\n  \
        --environment 'Variables={DB_PASSWORD_SECRET_ARN=<secret-arn>}'\n\
        # then rotate the credential that was exposed",
    terraform: "resource \"aws_lambda_function\" \"app\" {\n  \
        # ...\n  \
        environment {\n    \
        variables = {\n      \
        DB_PASSWORD_SECRET_ARN = aws_secretsmanager_secret.db_password.arn # not the value\n    \
        }\n  \
        }\n}",
    docs: "## What it does\n\
        Reports Lambda functions with environment variables that hold a secret in plain text. \
        The variables are scanned by the secrets engine of `pillar secrets`, with the same \
        rules, placeholder filters and redaction as files: credential formats (AWS access \
        keys, private keys, database URLs with a password, GitHub, Slack, Stripe and other \
        SaaS tokens, JWTs) in any variable, and literal values of password-, secret-, token- \
        and key-named variables that pass the rules' length and entropy checks. References \
        are not secrets: Secrets Manager or SSM ARNs, `{{resolve:…}}` dynamic references, \
        `${…}` interpolations and placeholders such as `changeme`. Documented example keys \
        (the AWS documentation's example key pair) are low confidence and do not fail the \
        function. \
        Evidence names the variable and the secret rule, with the value redacted to its first \
        and last characters; never the value. Unknown environments are *unknown*.\n\n\
        ## Why is this bad?\n\
        Environment values are readable through the Lambda API and console, copied into \
        Terraform state and CloudFormation templates, and rarely rotated, so one read-only \
        credential or leaked state file exposes production secrets.\n\n\
        ## How to fix\n\
        Store the value in Secrets Manager (or an SSM SecureString parameter), pass only its \
        ARN or name to the function, read it at runtime, and rotate the exposed credential.\n\n\
        ## References\n\
        - AWS Lambda Developer Guide: Securing environment variables\n\
        - AWS Secrets Manager User Guide: Use AWS Secrets Manager secrets in AWS Lambda \
        functions\n\
        - Well-Architected SEC02-BP03 Store and use secrets securely\n",
    since: "0.1.0",
};

impl Rule for LambdaEnvLiteralSecret {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.functions.is_empty() {
            return;
        }
        let engine = match pillar_secrets::inline::builtin() {
            Ok(e) => e,
            Err(e) => {
                for function in &inv.functions {
                    out.unknown(function, format!("secret rules do not compile: {e}"));
                }
                return;
            }
        };
        for function in &inv.functions {
            let env = match &function.environment {
                Known::Known(env) => env,
                Known::Unknown(r) => {
                    out.unknown(function, format!("environment unknown: {r}"));
                    continue;
                }
            };
            let hits = pillar_secrets::inline::scan_environment(engine, env);
            let (sure, low) = split_hits(&hits);
            if sure.is_empty() {
                out.pass(function, pass_message(low.len(), "environment variable"));
                continue;
            }
            let mut names: Vec<&str> = sure.iter().filter_map(|h| h.variable.as_deref()).collect();
            names.dedup();
            out.fail(
                function,
                format!(
                    "environment variable(s) {} hold a literal secret",
                    names.join(", ")
                ),
                json!({
                    "function": function.name,
                    "variables": sure.iter().map(|h| hit_evidence(h)).collect::<Vec<_>>(),
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::Function;
    use std::collections::BTreeMap;

    fn function(vars: &[(&str, &str)]) -> Inventory {
        let env: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Inventory {
            functions: vec![Function {
                name: "f".to_owned(),
                environment: Known::Known(env),
                ..Function::default()
            }],
            ..Inventory::default()
        }
    }

    fn statuses(inv: &Inventory) -> Vec<(pillar_model::Status, String)> {
        let mut out = Out::new(&META);
        RULE.check(inv, &mut out);
        out.into_findings()
            .into_iter()
            .map(|f| (f.status, f.message))
            .collect()
    }

    #[test]
    fn engine_judges_the_variables() {
        use pillar_model::Status;
        let fail = statuses(&function(&[
            ("DB_PASSWORD", "Tr0ub4dor&3-orders"),
            ("LOG_LEVEL", "debug"),
        ]));
        assert_eq!(fail.len(), 1);
        assert_eq!(fail[0].0, Status::Fail);
        assert!(fail[0].1.contains("DB_PASSWORD"));
        assert!(!fail[0].1.contains("Tr0ub4dor"));
        for clean in [
            (
                "DB_PASSWORD",
                "{{resolve:secretsmanager:db:SecretString:password}}",
            ),
            (
                "API_TOKEN",
                "arn:aws:ssm:us-east-1:111122223333:parameter/app/token",
            ),
            ("DB_PASSWORD", ""),
            ("DB_PASSWORD", "${DB_PASSWORD}"),
            ("TOKEN_TTL", "3600"),
        ] {
            let got = statuses(&function(&[clean]));
            assert_eq!(got[0].0, Status::Pass, "{clean:?}: {got:?}");
        }
        // A documented example key is low confidence: it does not fail.
        let got = statuses(&function(&[("LEGACY", "AKIAIOSFODNN7EXAMPLE")]));
        assert_eq!(got[0].0, Status::Pass, "{got:?}");
        assert!(got[0].1.contains("1 low-confidence"), "{got:?}");
    }
}
