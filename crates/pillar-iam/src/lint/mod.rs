//! Policy lint: risky or surprising grants in one compiled policy.
//! (Syntax errors are [`crate::PolicyError`]s from the parser.)

mod conditions;
mod mismatch;
mod overlap;

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
        for message in mismatch::mismatches(st) {
            push("resource-mismatch", message);
        }
        for (code, message) in conditions::permissive(st) {
            push(code, message);
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
    for (i, o) in overlap::overlaps(p) {
        let Some(st) = p.statements.get(i) else {
            continue;
        };
        let name = |j: usize| {
            p.statements
                .get(j)
                .map(|b| match &b.sid {
                    Some(sid) => format!("statement {j} (Sid {sid})"),
                    None => format!("statement {j}"),
                })
                .unwrap_or_default()
        };
        let (code, message) = match o {
            overlap::Overlap::Duplicate { by } => (
                "duplicate-statement",
                format!("repeats {}: same effect, actions, resources and conditions", name(by)),
            ),
            overlap::Overlap::Redundant { by, bare } => (
                "redundant-statement",
                format!(
                    "{} already {} every action on every resource of this statement, {}",
                    name(by),
                    if st.effect == Effect::Allow { "allows" } else { "denies" },
                    if bare { "without a condition" } else { "under the same conditions" }
                ),
            ),
            overlap::Overlap::Shadowed { by } => (
                "shadowed-by-deny",
                format!(
                    "{} denies, without a condition, every action on every resource this Allow grants: it never grants anything",
                    name(by)
                ),
            ),
        };
        out.push(Lint {
            code,
            line: st.line,
            path: format!("$.Statement[{}]", st.index),
            message,
        });
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

    fn one(stmt: &str) -> Vec<&'static str> {
        codes(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{stmt}]}}"#
        ))
    }

    #[test]
    fn resource_mismatch() {
        // Bucket-level action on objects, object action on the bucket.
        assert_eq!(
            one(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}"#),
            ["resource-mismatch"]
        );
        assert_eq!(
            one(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}"#),
            ["resource-mismatch"]
        );
        assert_eq!(
            one(r#"{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b"}"#),
            ["resource-mismatch"]
        );
        // A log group ARN without `log-group:`.
        assert_eq!(
            one(
                r#"{"Effect":"Allow","Action":"logs:GetLogEvents","Resource":"arn:aws:logs:*:*:/aws-glue/*"}"#
            ),
            ["resource-mismatch"]
        );
        // Fits: the right ARN, both ARNs, a wildcard action with one fitting
        // action, "*", variables, actions that only take "*", unknown services.
        for ok in [
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}"#,
            r#"{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}"#,
            r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b"}"#,
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${aws:username}*"}"#,
            r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}"#,
            r#"{"Effect":"Allow","Action":"logs:GetLogEvents","Resource":"arn:aws:logs:*:*:log-group:/aws/x:*"}"#,
            r#"{"Effect":"Deny","Action":"s3:PutObject","NotResource":"arn:aws:s3:::b"}"#,
        ] {
            assert_eq!(one(ok), Vec::<&str>::new(), "{ok}");
        }
    }

    #[test]
    fn redundant_duplicate_and_shadowed_statements() {
        let two = |a: &str, b: &str| {
            codes(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{a},{b}]}}"#
            ))
        };
        let get_b = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#;
        assert_eq!(two(get_b, get_b), ["duplicate-statement"]);
        assert_eq!(
            two(
                get_b,
                r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::*"}"#
            ),
            ["redundant-statement"]
        );
        assert_eq!(
            two(
                get_b,
                r#"{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#
            ),
            ["shadowed-by-deny"]
        );
        // A conditional Deny does not shadow; a narrower or conditioned copy
        // of a bare statement is the redundant one, never the wider one.
        let deny_http = r#"{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#;
        assert_eq!(two(get_b, deny_http), Vec::<&str>::new());
        let public =
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"}"#;
        let found = lint(
            &Policy::parse(
                &format!(r#"{{"Version":"2012-10-17","Statement":[{get_b},{public}]}}"#),
                None,
            )
            .unwrap(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "redundant-statement");
        assert_eq!(found[0].path, "$.Statement[1]");
        let tls = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#;
        assert_eq!(two(tls, get_b), ["redundant-statement"]);
    }

    #[test]
    fn permissive_conditions() {
        assert_eq!(
            one(
                r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-123"}}}"#
            ),
            ["forallvalues-single-valued-key"]
        );
        assert_eq!(
            one(
                r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalOrgID":"*"}}}"#
            ),
            ["condition-matches-anything"]
        );
        assert_eq!(
            one(
                r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}"#
            ),
            ["condition-matches-anything"]
        );
        assert_eq!(
            one(
                r#"{"Effect":"Deny","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team"]}}}"#
            ),
            ["deny-forany-missing-key"]
        );
        assert_eq!(
            one(
                r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::1:role/*"}}}"#
            ),
            ["wildcard-without-like"]
        );
        // The sound forms are quiet: plain StringEquals on a single-valued
        // key, ForAllValues on a multivalued key, a tag presence test.
        for ok in [
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}"#,
            r#"{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}"#,
            r#"{"Effect":"Allow","Action":"ec2:StopInstances","Resource":"*","Condition":{"StringLike":{"aws:ResourceTag/team":"*"}}}"#,
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::1:role/*"}}}"#,
        ] {
            assert_eq!(one(ok), Vec::<&str>::new(), "{ok}");
        }
    }
}
