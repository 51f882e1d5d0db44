//! `iam-policy-admin-attached`

use super::util::{principals, statement_json};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct IamPolicyAdminAttached;
/// Registered instance.
pub static RULE: IamPolicyAdminAttached = IamPolicyAdminAttached;

/// The AWS managed policy that grants `*` on `*` by definition.
pub(crate) const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

static META: Meta = Meta {
    id: "iam-policy-admin-attached",
    title: "Policy granting full administrator access (*:*) is attached to a principal",
    severity: Severity::High,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP02"],
    cis: &["1.16"],
    rationale: "A principal with Allow * on * can do anything in the account, including \
        disabling logging and granting itself or others more access; one leaked credential or \
        one confused workload becomes a full compromise.",
    console: "IAM > Users, User groups or Roles > the principal > Permissions: remove the policy \
        that allows \"*\" on \"*\" (Detach for managed, Remove for inline) and attach policies \
        that grant only the actions the principal needs (IAM Access Analyzer can generate one \
        from CloudTrail activity).",
    cli: "aws iam detach-role-policy --role-name <ROLE> --policy-arn <POLICY_ARN>\n\
        aws iam detach-user-policy --user-name <USER> --policy-arn <POLICY_ARN>\n\
        aws iam detach-group-policy --group-name <GROUP> --policy-arn <POLICY_ARN>\n\
        aws iam delete-role-policy --role-name <ROLE> --policy-name <INLINE_POLICY>\n\
        # then attach a least-privilege policy:\n\
        aws iam attach-role-policy --role-name <ROLE> --policy-arn <SCOPED_POLICY_ARN>",
    terraform: "# Replace the admin attachment with a scoped policy:\n\
        data \"aws_iam_policy_document\" \"app\" {\n\
        \x20 statement {\n\
        \x20   actions   = [\"s3:GetObject\", \"s3:PutObject\"]\n\
        \x20   resources = [\"${aws_s3_bucket.app.arn}/*\"]\n\
        \x20 }\n\
        }\n\
        resource \"aws_iam_role_policy\" \"app\" {\n\
        \x20 role   = aws_iam_role.app.id\n\
        \x20 policy = data.aws_iam_policy_document.app.json\n\
        }\n\
        # and remove aws_iam_role_policy_attachment resources for AdministratorAccess",
    docs: "## What it does\n\
        For every IAM user, group and role, looks at the attached managed policies and the \
        inline policies and fails when one has a statement that allows `*` (or `*:*`) on \
        resource `*` without a condition. `AdministratorAccess` counts even when its document \
        was not collected. One finding per principal, listing each offending policy and \
        statement. Service-linked roles are skipped: AWS owns their policies. A principal \
        whose attached policy documents were not collected is reported as not assessed.\n\n\
        ## Why is this bad?\n\
        Full administrator access defeats least privilege: every mistake or compromise of that \
        principal has account-wide blast radius. Administrative access should be rare, \
        time-bound and reached through a role with MFA, not attached by default.\n\n\
        ## How to fix\n\
        Replace the policy with one scoped to the actions and resources actually used. Keep \
        administrator access on a break-glass role that requires MFA and is monitored.\n\n\
        ## References\n\
        - AWS IAM User Guide: Security best practices in IAM (apply least-privilege permissions)\n\
        - AWS IAM Access Analyzer: policy generation\n\
        - CIS AWS Foundations Benchmark v3.0, 1.16\n\
        - Well-Architected SEC03-BP02 Grant least privilege access\n",
    since: "0.1.0",
};

impl Rule for IamPolicyAdminAttached {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for p in principals(inv) {
            let mut admin = Vec::new();
            let mut unknown = Vec::new();
            for arn in p.attached {
                if arn == ADMINISTRATOR_ACCESS {
                    admin.push(json!({ "policy": arn, "kind": "aws-managed" }));
                    continue;
                }
                match inv.policy(arn).map(|m| &m.document) {
                    Some(Known::Known(doc)) => {
                        let stmts: Vec<Value> = doc
                            .statements()
                            .iter()
                            .filter(|s| s.is_full_admin())
                            .map(statement_json)
                            .collect();
                        if !stmts.is_empty() {
                            admin.push(
                                json!({ "policy": arn, "kind": "managed", "statements": stmts }),
                            );
                        }
                    }
                    Some(Known::Unknown(_)) | None => unknown.push(arn.as_str()),
                }
            }
            for inline in p.inline {
                let stmts: Vec<Value> = inline
                    .document
                    .statements()
                    .iter()
                    .filter(|s| s.is_full_admin())
                    .map(statement_json)
                    .collect();
                if !stmts.is_empty() {
                    admin.push(
                        json!({ "policy": inline.name, "kind": "inline", "statements": stmts }),
                    );
                }
            }
            let (status, message, evidence) = if !admin.is_empty() {
                (
                    Status::Fail,
                    format!(
                        "{} {} has full administrator access (* on *)",
                        p.kind, p.name
                    ),
                    json!({ "principal": p.resource.id, "policies": admin }),
                )
            } else if !unknown.is_empty() {
                (
                    Status::Unknown,
                    format!(
                        "attached policy document(s) not collected: {}",
                        unknown.join(", ")
                    ),
                    Value::Null,
                )
            } else {
                (
                    Status::Pass,
                    format!("no policy of {} {} grants * on *", p.kind, p.name),
                    Value::Null,
                )
            };
            out.report(
                status,
                p.resource.clone(),
                p.location.cloned(),
                message,
                evidence,
                "",
            );
        }
    }
}
