//! `iam-policy-wildcard-sensitive-actions`

use super::util::{principals, statement_json};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, PolicyDocument, Severity, Statement, Status};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The rule.
pub struct IamPolicyWildcardSensitiveActions;
/// Registered instance.
pub static RULE: IamPolicyWildcardSensitiveActions = IamPolicyWildcardSensitiveActions;

/// Services whose `<service>:*` on every resource is a privilege-escalation
/// or data-exposure path.
const SENSITIVE_SERVICES: &[&str] = &[
    "iam",
    "sts",
    "kms",
    "s3",
    "secretsmanager",
    "ssm",
    "ec2",
    "lambda",
    "organizations",
    "cloudtrail",
    "logs",
    "config",
    "guardduty",
    "rds",
    "dynamodb",
];

static META: Meta = Meta {
    id: "iam-policy-wildcard-sensitive-actions",
    title: "Policy allows all actions of a sensitive service (or NotAction) on every resource",
    severity: Severity::High,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP02"],
    cis: &[],
    rationale: "`iam:*`, `sts:*`, `kms:*` or `s3:*` on `*` is administrator access in disguise: \
        it lets the holder grant itself more, assume other roles, decrypt any data or read and \
        delete every bucket. An Allow with NotAction grants everything not listed, including \
        actions added to AWS later.",
    console: "IAM > Policies (customer managed) or the principal's Permissions tab (inline) > \
        Edit: replace `<service>:*` with the specific actions used and `*` resources with the \
        ARNs used; replace Allow + NotAction with an explicit Action list.",
    cli: "aws iam create-policy-version --policy-arn <POLICY_ARN> --policy-document file://scoped.json --set-as-default\n\
        aws iam put-role-policy --role-name <ROLE> --policy-name <INLINE_POLICY> --policy-document file://scoped.json",
    terraform: "data \"aws_iam_policy_document\" \"scoped\" {\n\
        \x20 statement {\n\
        \x20   actions   = [\"kms:Decrypt\", \"kms:GenerateDataKey\"]   # not \"kms:*\"\n\
        \x20   resources = [aws_kms_key.app.arn]                    # not \"*\"\n\
        \x20 }\n\
        }\n\
        resource \"aws_iam_policy\" \"app\" {\n\
        \x20 name   = \"app\"\n\
        \x20 policy = data.aws_iam_policy_document.scoped.json\n\
        }",
    docs: "## What it does\n\
        Checks every customer-managed policy and every inline policy of users, groups and \
        roles (service-linked roles excepted) for an Allow statement on resource `*` that \
        either grants a whole sensitive service (`iam:*`, `sts:*`, `kms:*`, `s3:*`, \
        `secretsmanager:*`, `ssm:*`, `ec2:*`, `lambda:*`, `organizations:*`, `cloudtrail:*`, \
        `logs:*`, `config:*`, `guardduty:*`, `rds:*`, `dynamodb:*`), a conditioned `*`, or uses \
        `NotAction`. Unconditioned `*` on `*` is left to `iam-policy-admin-attached` when a \
        principal holds the policy; a customer-managed policy granting it that no principal \
        holds (yet: a new policy in a pull request) fails here. AWS \
        managed policies are not judged: they cannot be edited, only detached.\n\n\
        ## Why is this bad?\n\
        Service-wide wildcards on all resources grant far more than any workload uses, and many \
        of them are escalation paths (`iam:*` can attach AdministratorAccess; `sts:*` can \
        assume any trusting role; `lambda:*` plus `iam:PassRole` runs code as other roles). \
        NotAction allows are open-ended and grow as AWS adds actions.\n\n\
        ## How to fix\n\
        List the actions actually needed (IAM Access Analyzer can generate a policy from \
        CloudTrail) and scope resources to ARNs. Use an explicit Action list instead of \
        Allow + NotAction.\n\n\
        ## References\n\
        - AWS IAM User Guide: Security best practices in IAM (least privilege)\n\
        - AWS IAM User Guide: IAM JSON policy elements: NotAction\n\
        - Well-Architected SEC03-BP02 Grant least privilege access\n",
    since: "0.1.0",
};

/// The wildcard grants of one statement: matched actions, or `NotAction`.
fn wildcard_grants(s: &Statement) -> Vec<String> {
    if !s.allow || s.is_full_admin() || !s.resource.iter().any(|r| r == "*") {
        return Vec::new();
    }
    let mut hits: Vec<String> = s
        .action
        .iter()
        .filter(|a| {
            let a = a.to_ascii_lowercase();
            a == "*"
                || a == "*:*"
                || a.strip_suffix(":*")
                    .is_some_and(|svc| SENSITIVE_SERVICES.contains(&svc))
        })
        .cloned()
        .collect();
    if !s.not_action.is_empty() {
        hits.push(format!("NotAction {}", s.not_action.join(", ")));
    }
    hits
}

/// The offending statements of a document, as evidence.
fn offending(doc: &PolicyDocument) -> Vec<Value> {
    doc.statements()
        .iter()
        .filter_map(|s| {
            let hits = wildcard_grants(s);
            (!hits.is_empty()).then(|| json!({ "grants": hits, "statement": statement_json(s) }))
        })
        .collect()
}

fn grants_full_admin(doc: &PolicyDocument) -> bool {
    doc.statements().iter().any(Statement::is_full_admin)
}

impl Rule for IamPolicyWildcardSensitiveActions {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        // Policies some principal holds: there `iam-policy-admin-attached`
        // reports a full `*` on `*`.
        let held: BTreeSet<&str> = principals(inv)
            .iter()
            .flat_map(|p| p.attached.iter())
            .map(String::as_str)
            .collect();
        for policy in inv.policies.iter().filter(|p| !p.aws_managed) {
            let attached = held.contains(policy.arn.as_str())
                || policy.attachment_count.is_some_and(|n| n > 0);
            match &policy.document {
                Known::Unknown(reason) => {
                    out.unknown(policy, format!("policy document not available: {reason}"));
                }
                // Full administrator access held by a principal is
                // iam-policy-admin-attached's finding; saying "no wildcard"
                // here would mislead.
                Known::Known(doc) if grants_full_admin(doc) && attached => {}
                // Held by no principal (yet: a new policy in a pull
                // request), no other rule reports it.
                Known::Known(doc) if grants_full_admin(doc) => out.fail(
                    policy,
                    format!(
                        "managed policy {} allows every action on every resource (* on *) and no \
                         principal holds it yet: attached, it makes its holder an administrator",
                        policy.name
                    ),
                    json!({
                        "policy": policy.arn,
                        "attachment_count": policy.attachment_count,
                        "statements": doc
                            .statements()
                            .iter()
                            .filter(|s| s.is_full_admin())
                            .map(statement_json)
                            .collect::<Vec<_>>(),
                    }),
                ),
                Known::Known(doc) => {
                    let bad = offending(doc);
                    if bad.is_empty() {
                        out.pass(policy, "no service-wide wildcard or NotAction allow on *");
                    } else {
                        out.fail(
                            policy,
                            format!(
                                "managed policy {} allows wildcard actions on *",
                                policy.name
                            ),
                            json!({
                                "policy": policy.arn,
                                "attachment_count": policy.attachment_count,
                                "statements": bad,
                            }),
                        );
                    }
                }
            }
        }
        for p in principals(inv) {
            for inline in p.inline {
                if grants_full_admin(&inline.document) {
                    continue;
                }
                let bad = offending(&inline.document);
                let (status, message, evidence) = if bad.is_empty() {
                    (
                        Status::Pass,
                        format!(
                            "inline policy {} has no service-wide wildcard or NotAction allow on *",
                            inline.name
                        ),
                        Value::Null,
                    )
                } else {
                    (
                        Status::Fail,
                        format!(
                            "inline policy {} of {} {} allows wildcard actions on *",
                            inline.name, p.kind, p.name
                        ),
                        json!({ "principal": p.resource.id, "inline_policy": inline.name, "statements": bad }),
                    )
                };
                out.report(
                    status,
                    p.resource.clone(),
                    p.location.cloned(),
                    message,
                    evidence,
                    &inline.name,
                );
            }
        }
    }
}
