//! `lambda-env-literal-secret`

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
        Reports Lambda functions with environment variables that hold a secret in plain text: \
        a variable whose name suggests a secret (`PASSWORD`, `PASSWD`, `PWD`, `PASSPHRASE`, \
        `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIAL`, `AUTH_KEY`, \
        `SIGNING_KEY`) with a non-empty literal value, or any variable whose value has the shape \
        of a well-known credential (AWS access key id `AKIA…`/`ASIA…`, a PEM private key, GitHub \
        `ghp_…`/`github_pat_…` tokens, Slack `xox?-…` tokens, a URL with an embedded password). \
        References are not secrets: Secrets Manager or SSM ARNs, `{{resolve:…}}` dynamic \
        references, `${…}` interpolations, and names ending in `_ARN`, `_NAME`, `_ID`, `_PATH`, \
        `_PARAM` and similar. Evidence carries only the variable name and a redacted value \
        (first four characters of long values and the length). Unknown environments are \
        *unknown*.\n\n\
        ## Why is this bad?\n\
        Environment values are readable through the Lambda API and console, copied into \
        Terraform state and CloudFormation templates, and rarely rotated, so one read-only \
        credential or leaked state file exposes production secrets.\n\n\
        ## How to fix\n\
        Store the value in Secrets Manager (or a SecureString parameter), pass only its ARN or \
        name to the function, read it at runtime, and rotate the exposed credential.\n\n\
        ## References\n\
        - AWS Lambda Developer Guide: Securing environment variables\n\
        - AWS Secrets Manager User Guide: Use AWS Secrets Manager secrets in AWS Lambda \
        functions\n\
        - Well-Architected SEC02-BP03 Store and use secrets securely\n",
    since: "0.1.0",
};

/// Name fragments that suggest the value is a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "AUTH_KEY",
    "SIGNING_KEY",
];

/// Name endings that say the value points at a secret or describes one.
const REFERENCE_SUFFIXES: &[&str] = &[
    "ARN",
    "NAME",
    "ID",
    "PATH",
    "PARAM",
    "PARAMETER",
    "REF",
    "FILE",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "LENGTH",
    "TTL",
    "EXPIRY",
    "SECONDS",
    "HEADER",
    "ENABLED",
    "REGION",
    "TYPE",
    "VERSION",
];

fn name_suggests_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let tokens: Vec<&str> = upper.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    if tokens
        .last()
        .is_some_and(|t| REFERENCE_SUFFIXES.contains(t))
    {
        return false;
    }
    SECRET_WORDS.iter().any(|w| upper.contains(w))
        || tokens.iter().any(|t| *t == "PWD" || *t == "PASS")
}

/// Whether a value is a reference to a secret, not the secret.
fn is_reference(value: &str) -> bool {
    let v = value.trim();
    let arn = v.starts_with("arn:") && (v.contains(":secretsmanager:") || v.contains(":ssm:"));
    arn || v.starts_with("{{resolve:")
        || v.contains("${")
        || v.starts_with("/aws/reference/secretsmanager/")
}

/// Whether a value cannot be a secret: empty, a boolean, a short number.
fn is_trivial(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.eq_ignore_ascii_case("true")
        || v.eq_ignore_ascii_case("false")
        || (v.len() < 6 && v.chars().all(|c| c.is_ascii_digit()))
}

fn run_len(s: &str, ok: impl Fn(char) -> bool) -> usize {
    s.chars().take_while(|&c| ok(c)).count()
}

fn boundary_before(value: &str, i: usize) -> bool {
    value
        .get(..i)
        .and_then(|p| p.chars().next_back())
        .is_none_or(|c| !c.is_ascii_alphanumeric())
}

fn aws_key_id(value: &str) -> bool {
    ["AKIA", "ASIA"].iter().any(|prefix| {
        value.match_indices(prefix).any(|(i, _)| {
            let rest = value.get(i + 4..).unwrap_or("");
            let body = run_len(rest, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
            boundary_before(value, i) && body == 16
        })
    })
}

fn github_token(value: &str) -> bool {
    let classic = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|prefix| {
            value.match_indices(prefix).any(|(i, _)| {
                let rest = value.get(i + 4..).unwrap_or("");
                boundary_before(value, i) && run_len(rest, |c| c.is_ascii_alphanumeric()) >= 36
            })
        });
    let fine = value.match_indices("github_pat_").any(|(i, _)| {
        let rest = value.get(i + 11..).unwrap_or("");
        run_len(rest, |c| c.is_ascii_alphanumeric() || c == '_') >= 22
    });
    classic || fine
}

fn slack_token(value: &str) -> bool {
    value.match_indices("xox").any(|(i, _)| {
        let rest = value.get(i + 3..).unwrap_or("");
        let mut chars = rest.chars();
        matches!(chars.next(), Some('b' | 'p' | 'a' | 's'))
            && chars.next() == Some('-')
            && run_len(rest.get(2..).unwrap_or(""), |c| {
                c.is_ascii_alphanumeric() || c == '-'
            }) >= 10
    })
}

fn private_key(value: &str) -> bool {
    value.match_indices("-----BEGIN ").any(|(i, _)| {
        let rest = value.get(i + 11..).unwrap_or("");
        rest.split("-----")
            .next()
            .is_some_and(|label| label.len() <= 40 && label.ends_with("PRIVATE KEY"))
    })
}

fn url_with_password(value: &str) -> bool {
    value.match_indices("://").any(|(i, _)| {
        let rest = value.get(i + 3..).unwrap_or("");
        let authority = rest.split(['/', '?', '#', ' ']).next().unwrap_or("");
        match authority.rsplit_once('@') {
            Some((userinfo, _)) => userinfo.split_once(':').is_some_and(|(_, pass)| {
                !pass.is_empty() && !pass.starts_with("${") && pass != "*"
            }),
            None => false,
        }
    })
}

/// The credential shape a value has, if any.
fn credential_shape(value: &str) -> Option<&'static str> {
    if aws_key_id(value) {
        Some("value looks like an AWS access key id")
    } else if private_key(value) {
        Some("value is a PEM private key")
    } else if github_token(value) {
        Some("value looks like a GitHub token")
    } else if slack_token(value) {
        Some("value looks like a Slack token")
    } else if url_with_password(value) {
        Some("value is a URL with an embedded password")
    } else {
        None
    }
}

/// A redacted rendering: the first four characters of values of 16
/// characters or more, then the length. Never the value.
pub(crate) fn redact(value: &str) -> String {
    let n = value.chars().count();
    if n >= 16 {
        let head: String = value.chars().take(4).collect();
        format!("{head}…({n} chars)")
    } else {
        format!("…({n} chars)")
    }
}

/// Why a variable holds a literal secret, if it does.
fn secret_reason(name: &str, value: &str) -> Option<&'static str> {
    if is_reference(value) {
        return None;
    }
    if let Some(shape) = credential_shape(value) {
        return Some(shape);
    }
    (name_suggests_secret(name) && !is_trivial(value))
        .then_some("name suggests a secret and the value is a literal")
}

impl Rule for LambdaEnvLiteralSecret {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for function in &inv.functions {
            let env = match &function.environment {
                Known::Known(env) => env,
                Known::Unknown(r) => {
                    out.unknown(function, format!("environment unknown: {r}"));
                    continue;
                }
            };
            let hits: Vec<_> = env
                .iter()
                .filter_map(|(name, value)| {
                    secret_reason(name, value).map(
                        |reason| json!({ "name": name, "value": redact(value), "reason": reason }),
                    )
                })
                .collect();
            if hits.is_empty() {
                out.pass(function, "no environment variable holds a literal secret");
                continue;
            }
            let names: Vec<&str> = hits
                .iter()
                .filter_map(|h| h.get("name").and_then(|n| n.as_str()))
                .collect();
            out.fail(
                function,
                format!(
                    "environment variable(s) {} hold a literal secret",
                    names.join(", ")
                ),
                json!({ "function": function.name, "variables": hits }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(name_suggests_secret("DB_PASSWORD"));
        assert!(name_suggests_secret("stripe_api_key"));
        assert!(name_suggests_secret("DB_PWD"));
        assert!(!name_suggests_secret("DB_PASSWORD_SECRET_ARN"));
        assert!(!name_suggests_secret("TOKEN_TTL"));
        assert!(!name_suggests_secret("LOG_LEVEL"));
        assert!(!name_suggests_secret("PASSTHROUGH_MODE"));
    }

    #[test]
    fn shapes() {
        assert!(aws_key_id("AKIAIOSFODNN7EXAMPLE"));
        assert!(aws_key_id("key=AKIAIOSFODNN7EXAMPLE;"));
        assert!(!aws_key_id("AKIAIOSFODNN7EXAMPLEX"));
        assert!(!aws_key_id("XAKIAIOSFODNN7EXAMPLE"));
        assert!(github_token(&format!("ghp_{}", "a".repeat(36))));
        assert!(!github_token("ghp_short"));
        assert!(slack_token("xoxb-123456789012-abcdef"));
        assert!(!slack_token("xoxz-123456789012"));
        assert!(private_key("-----BEGIN RSA PRIVATE KEY-----\nMIIE"));
        assert!(!private_key("-----BEGIN CERTIFICATE-----\nMIIE"));
        assert!(url_with_password(
            "postgres://app:hunter22@db.internal:5432/app"
        ));
        assert!(!url_with_password("https://example.com/a@b"));
        assert!(!url_with_password("postgres://app@db.internal/app"));
    }

    #[test]
    fn references_and_redaction() {
        assert_eq!(
            secret_reason(
                "DB_PASSWORD",
                "{{resolve:secretsmanager:db:SecretString:password}}"
            ),
            None
        );
        assert_eq!(
            secret_reason(
                "API_TOKEN",
                "arn:aws:ssm:us-east-1:111122223333:parameter/app/token"
            ),
            None
        );
        assert_eq!(secret_reason("DB_PASSWORD", ""), None);
        assert!(secret_reason("DB_PASSWORD", "hunter2").is_some());
        assert!(secret_reason("FOO", "AKIAIOSFODNN7EXAMPLE").is_some());
        assert_eq!(redact("AKIAIOSFODNN7EXAMPLE"), "AKIA…(20 chars)");
        assert_eq!(redact("hunter2"), "…(7 chars)");
    }
}
