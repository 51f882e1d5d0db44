//! Hits → `pillar_model::Finding`s, with the fix: move the value to AWS
//! Secrets Manager and read it at run time.

use crate::engine::{Confidence, Engine};
use crate::git::CommitInfo;
use crate::rules::RuleDef;
use crate::walk::FileHit;
use pillar_model::finding::{fingerprint, Remediation};
use pillar_model::{
    Domain, Finding, Location, ResourceRef, RuleInfo, Severity, SourceKind, Status,
};
use serde_json::json;

/// Resource kind of a file holding a secret.
pub const FILE_KIND: &str = "File";

/// Well-Architected best practice: SEC02-BP03 "Store and use secrets
/// securely".
pub const WA: &str = "SEC02-BP03";

/// A Secrets Manager name for a secret found in `path` by `rule`:
/// `<folder>/<file stem>/<rule>`, with characters Secrets Manager does not
/// accept replaced (names allow letters, digits and `/_+=.@-`).
pub fn secret_name(path: &str, rule: &str) -> String {
    let trimmed = path.trim_start_matches("./").trim_start_matches('/');
    let mut parts: Vec<&str> = trimmed
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .collect();
    // The last two folders and the file name are enough to tell secrets apart.
    if parts.len() > 3 {
        parts.drain(..parts.len() - 3);
    }
    let joined = parts.join("/");
    let clean: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "/_+=.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{clean}/{rule}")
}

fn remediation(rule: &RuleDef, name: &str) -> Remediation {
    let tf_name: String = rule
        .id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let aws_key = rule.id.starts_with("aws-");
    let mut console = String::new();
    if aws_key {
        console.push_str(
            "Treat the key as compromised: in IAM, deactivate it, create a new one only if \
             a long-term key is really needed (prefer an IAM role), and check CloudTrail for its use. ",
        );
    } else {
        console.push_str("Treat the value as compromised: revoke or rotate it at its issuer. ");
    }
    console.push_str(&format!(
        "Open AWS Secrets Manager, choose Store a new secret, name it `{name}`, paste the new \
         value, and enable rotation where the service supports it. Change the code or \
         configuration to read the secret at run time (SDK GetSecretValue, the Lambda \
         extension, ECS `secrets`, or CloudFormation `{{{{resolve:secretsmanager:{name}}}}}`), \
         remove the literal, and purge it from version-control history."
    ));
    let mut cli = String::new();
    if aws_key {
        cli.push_str(
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive\n",
        );
    }
    cli.push_str(&format!(
        "aws secretsmanager create-secret --name '{name}' --secret-string file://new-secret.txt\n\
         # the application then reads it:\n\
         aws secretsmanager get-secret-value --secret-id '{name}' --query SecretString --output text"
    ));
    let terraform = format!(
        "resource \"aws_secretsmanager_secret\" \"{tf_name}\" {{\n  name = \"{name}\"\n}}\n\
         # set the value out of band (console or CLI), never in Terraform code;\n\
         # grant the workload secretsmanager:GetSecretValue on aws_secretsmanager_secret.{tf_name}.arn"
    );
    Remediation {
        console,
        cli,
        terraform,
    }
}

/// Metadata of a rule, as reports list it.
pub fn rule_info(rule: &RuleDef) -> RuleInfo {
    let name = secret_name("app/config", &rule.id);
    RuleInfo {
        id: rule.id.clone(),
        title: rule.title.clone(),
        severity: rule.severity,
        domain: Domain::DataProtection,
        service: "secretsmanager".to_owned(),
        wa: vec![WA.to_owned()],
        cis: Vec::new(),
        rationale: rule.description.clone(),
        remediation: remediation(rule, &name),
        docs: format!(
            "## What it does\n\n{}\n\n## Why is this bad?\n\nA credential in a file is read by \
             everyone who can read the repository, its history, its build logs and its \
             artifacts, and it is not rotated.\n\n## How to fix\n\nMove it to AWS Secrets \
             Manager and read it at run time.\n\n## References\n\n- AWS Well-Architected \
             Security Pillar, SEC02-BP03 Store and use secrets securely\n",
            rule.description
        ),
        help_uri: "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_identities_secrets.html".to_owned(),
    }
}

/// One finding for one hit. Holds the redacted form only.
pub fn to_finding(engine: &Engine, fh: &FileHit) -> Option<Finding> {
    let rule = engine.rules().get(fh.hit.rule)?;
    let h = &fh.hit;
    let resource = ResourceRef::new(FILE_KIND, fh.path.clone()).from_source(SourceKind::Files);
    let name = secret_name(&fh.path, &rule.id);
    let severity = match h.confidence {
        Confidence::High => rule.severity,
        Confidence::Low => Severity::Low.min(rule.severity),
    };
    let mut message = format!(
        "{} `{}` hard-coded at line {}",
        rule.title, h.redacted, h.line
    );
    if let Some(note) = h.note {
        message.push_str(&format!(" (low confidence: {note})"));
    }
    Some(Finding {
        rule: rule.id.clone(),
        title: rule.title.clone(),
        severity,
        domain: Domain::DataProtection,
        wa: vec![WA.to_owned()],
        cis: Vec::new(),
        status: Status::Fail,
        location: Some(Location {
            file: fh.path.clone(),
            line: Some(h.line),
            column: Some(h.column),
        }),
        source: SourceKind::Files,
        message,
        evidence: json!({
            "redacted": h.redacted,
            "confidence": h.confidence.as_str(),
            "entropy": (h.entropy * 100.0).round() / 100.0,
            "secrets_manager_name": name,
        }),
        remediation: remediation(rule, &name),
        // Rule + file + the secret's hash: stable across runs and edits
        // that move the line, distinct for two secrets in one file.
        fingerprint: fingerprint(&rule.id, &resource, &h.secret_sha256),
        resource,
    })
}

/// Name the commit that added the secret: in the message and the evidence.
pub fn add_commit(f: &mut Finding, commit: &CommitInfo) {
    let short = commit.id.get(..12).unwrap_or(&commit.id);
    f.message.push_str(&format!(
        ", added in commit {short} by {} on {}",
        commit.author, commit.date
    ));
    if let Some(obj) = f.evidence.as_object_mut() {
        obj.insert("commit".to_owned(), json!(commit.id));
        obj.insert("author".to_owned(), json!(commit.author));
        obj.insert("date".to_owned(), json!(commit.date));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_for_secrets_manager() {
        assert_eq!(
            secret_name("./examples/demo/app/config/app settings.env", "x"),
            "app/config/app-settings.env/x"
        );
        assert_eq!(secret_name("a.env", "r"), "a.env/r");
    }
}
