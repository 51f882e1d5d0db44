//! `secretsmanager-secret-rotation-disabled`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct SecretsmanagerSecretRotationDisabled;
/// Registered instance.
pub static RULE: SecretsmanagerSecretRotationDisabled = SecretsmanagerSecretRotationDisabled;

static META: Meta = Meta {
    id: "secretsmanager-secret-rotation-disabled",
    title: "Secrets Manager secret does not rotate automatically",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "secretsmanager",
    wa: &["SEC02-BP03", "SEC02-BP05"],
    cis: &[],
    rationale: "A secret that never rotates stays valid for as long as it exists: a copy leaked \
        in a log, a laptop or a former employee's notes keeps working. Automatic rotation bounds \
        the useful life of any leak.",
    console: "Secrets Manager console > Secrets > select the secret > Rotation > Edit rotation \
        > Automatic rotation on, set a schedule (e.g. every 30 days) and a rotation function > \
        Save.",
    cli: "aws secretsmanager rotate-secret --secret-id <secret-arn> \\\n  \
        --rotation-lambda-arn <rotation-function-arn> \\\n  \
        --rotation-rules '{\"ScheduleExpression\":\"rate(30 days)\"}'",
    terraform: "resource \"aws_secretsmanager_secret_rotation\" \"db\" {\n  \
        secret_id           = aws_secretsmanager_secret.db.id\n  \
        rotation_lambda_arn = aws_lambda_function.rotate.arn\n  \
        rotation_rules {\n    \
        automatically_after_days = 30\n  \
        }\n}",
    docs: "## What it does\n\
        Reports Secrets Manager secrets with automatic rotation off. Secrets whose rotation \
        status is unknown are *unknown*.\n\n\
        ## Why is this bad?\n\
        Long-lived secrets accumulate exposure. Rotation replaces the credential on a schedule \
        (and on demand after an incident) without application changes, since applications \
        read the current value from Secrets Manager.\n\n\
        ## How to fix\n\
        Turn on rotation with a rotation function (managed rotation for RDS, Redshift and \
        DocumentDB credentials, or a custom Lambda function).\n\n\
        ## References\n\
        - AWS Secrets Manager User Guide: Rotate AWS Secrets Manager secrets\n\
        - Well-Architected SEC02-BP03 Store and use secrets securely; SEC02-BP05 Audit and \
        rotate credentials periodically\n",
    since: "0.1.0",
};

impl Rule for SecretsmanagerSecretRotationDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for secret in &inv.secrets {
            match &secret.rotation_enabled {
                Known::Known(true) => out.pass(
                    secret,
                    match secret.rotation_days {
                        Some(d) => format!("rotation is on, every {d} days"),
                        None => "rotation is on".to_owned(),
                    },
                ),
                Known::Known(false) => out.fail(
                    secret,
                    format!("secret {} has automatic rotation off", secret.name),
                    json!({
                        "secret": secret.name,
                        "rotation_enabled": false,
                        "last_rotated": secret.last_rotated,
                    }),
                ),
                Known::Unknown(r) => out.unknown(secret, format!("rotation status unknown: {r}")),
            }
        }
    }
}
