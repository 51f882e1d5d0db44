//! Policy lint: risky or surprising grants in one compiled policy.
//! (Syntax errors are [`crate::PolicyError`]s from the parser.)

use crate::policy::{ActionSpec, Effect, Policy, PrincipalSpec, ResourceSpec, Statement, Version};

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// Stable code, e.g. `allow-not-action`.
    pub code: &'static str,
    /// Line of the statement, 0 when unknown.
    pub line: u32,
    /// JSON path of the statement.
    pub path: String,
    /// What and why, one sentence.
    pub message: String,
}

/// IAM actions that let a principal raise its own permissions (the methods
/// documented for privilege escalation: policy versions and attachments,
/// inline policies, trust policy rewrites, credentials of other users).
const ESCALATION: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:PassRole",
];

/// Actions that read credentials or secrets.
const CREDENTIALS: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "sts:GetFederationToken",
    "ecr:GetAuthorizationToken",
    "redshift:GetClusterCredentials",
];

fn grants(st: &Statement, action: &str) -> bool {
    match &st.action {
        ActionSpec::Action(l) => l.iter().any(|p| p.matches(action)),
        ActionSpec::NotAction(l) => !l.iter().any(|p| p.matches(action)),
    }
}

fn on_every_resource(st: &Statement) -> bool {
    match &st.resource {
        None => true,
        Some(ResourceSpec::Resource(l)) => l.iter().any(|t| t.is_star()),
        Some(ResourceSpec::NotResource(_)) => true,
    }
}

/// Whether a well-formed action pattern names a service or an action the
/// catalog does not have.
fn unknown_action(raw: &str) -> Option<(&'static str, String)> {
    let (svc, name) = raw.split_once(':')?;
    if svc.contains(['*', '?']) {
        return None;
    }
    let Some(service) = crate::catalog::Catalog::builtin().service(svc) else {
        return Some((
            "unknown-service",
            format!("service prefix {svc:?} of {raw:?} is not in the Service Authorization Reference (misspelled, retired, or newer than pillar's catalog); it may match nothing"),
        ));
    };
    if !service.has_match(name) {
        return Some((
            "unknown-action",
            format!("{raw:?} matches no action of {svc} in the Service Authorization Reference (misspelled, retired, or newer than pillar's catalog)"),
        ));
    }
    None
}

/// Lint one policy.
pub fn lint(p: &Policy) -> Vec<Lint> {
    let mut out = Vec::new();
    for st in &p.statements {
        let path = format!("$.Statement[{}]", st.index);
        let mut push = |code: &'static str, message: String| {
            out.push(Lint {
                code,
                line: st.line,
                path: path.clone(),
                message,
            })
        };
        let list = match &st.action {
            ActionSpec::Action(l) | ActionSpec::NotAction(l) => l,
        };
        for a in list {
            let raw = a.raw.as_str();
            let well_formed = raw == "*"
                || raw.split_once(':').is_some_and(|(svc, act)| {
                    !svc.is_empty()
                        && !act.trim().is_empty()
                        && !raw.contains(char::is_whitespace)
                        && !raw.contains(',')
                });
            if !well_formed {
                push(
                    "action-malformed",
                    format!("action {raw:?} is not `service:Action`; it matches nothing"),
                );
            } else if let Some(msg) = unknown_action(raw) {
                push(msg.0, msg.1);
            }
        }
        for c in &st.conditions {
            if crate::catalog::Catalog::builtin().condition_key_known(&c.key) == Some(false) {
                push(
                    "unknown-condition-key",
                    format!(
                        "condition key {:?} is not one of its service's keys (Service Authorization Reference); the condition {}",
                        c.key,
                        if c.if_exists { "always holds (…IfExists on a key never present)" } else { "never holds" }
                    ),
                );
            }
        }
        if p.version == Version::V2008
            && (st
                .conditions
                .iter()
                .any(|c| c.values.iter().any(|v| v.raw.contains("${")))
                || matches!(&st.resource, Some(ResourceSpec::Resource(l) | ResourceSpec::NotResource(l)) if l.iter().any(|t| t.raw.contains("${"))))
        {
            push(
                "variables-without-version",
                "policy variables need \"Version\": \"2012-10-17\"; here ${…} is literal text"
                    .into(),
            );
        }
        if st.effect != Effect::Allow {
            continue;
        }
        let unconditioned = st.conditions.is_empty();
        if matches!(st.action, ActionSpec::NotAction(_)) {
            push(
                "allow-not-action",
                "Allow with NotAction grants every action not listed, including services added later".into(),
            );
        }
        if matches!(st.resource, Some(ResourceSpec::NotResource(_))) {
            push(
                "allow-not-resource",
                "Allow with NotResource grants on every resource not listed".into(),
            );
        }
        let admin = grants(st, "iam:PutUserPolicy")
            && grants(st, "s3:GetObject")
            && grants(st, "ec2:RunInstances")
            && on_every_resource(st);
        if admin && unconditioned {
            push(
                "full-admin",
                "grants every action on every resource without a condition".into(),
            );
        } else if on_every_resource(st) {
            let esc: Vec<&str> = ESCALATION
                .iter()
                .copied()
                .filter(|a| grants(st, a))
                .collect();
            if !esc.is_empty() {
                push(
                    "privilege-escalation",
                    format!(
                        "grants {} on every resource: a principal with it can raise its own permissions",
                        esc.join(", ")
                    ),
                );
            }
            let cred: Vec<&str> = CREDENTIALS
                .iter()
                .copied()
                .filter(|a| grants(st, a))
                .collect();
            if !cred.is_empty() {
                push(
                    "credentials-exposure",
                    format!("grants {} on every resource", cred.join(", ")),
                );
            }
        }
        if let Some(PrincipalSpec::Principal(pr)) = &st.principal {
            if (pr.everyone || pr.aws.iter().any(|a| a == "*")) && unconditioned {
                push(
                    "public-principal",
                    "Principal \"*\" without a condition: anyone, including anonymous callers"
                        .into(),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        lint(&Policy::parse(text, None).unwrap())
            .into_iter()
            .map(|l| l.code)
            .collect()
    }

    #[test]
    fn flags_risky_grants() {
        assert_eq!(
            codes(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            ),
            vec!["full-admin"]
        );
        assert_eq!(
            codes(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#
            ),
            vec!["allow-not-action", "credentials-exposure"]
        );
        assert_eq!(
            codes(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#
            ),
            vec!["privilege-escalation"]
        );
        assert_eq!(
            codes(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#
            ),
            vec!["public-principal"]
        );
        assert_eq!(
            codes(
                r#"{"Statement":[{"Effect":"Deny","Action":"s3:Get Object","Resource":"arn:aws:s3:::b/${aws:username}"}]}"#
            ),
            vec!["action-malformed", "variables-without-version"]
        );
        assert!(codes(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#).is_empty());
    }
}
