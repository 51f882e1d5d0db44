//! `iam-user-policy-attached-directly`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};
use serde_json::json;

/// The rule.
pub struct IamUserPolicyAttachedDirectly;
/// Registered instance.
pub static RULE: IamUserPolicyAttachedDirectly = IamUserPolicyAttachedDirectly;

static META: Meta = Meta {
    id: "iam-user-policy-attached-directly",
    title: "IAM user has policies attached directly instead of through groups",
    severity: Severity::Low,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP02", "SEC02-BP06"],
    cis: &["1.15"],
    rationale: "Permissions attached user by user drift apart, are hard to review, and survive \
        role changes; groups make access a function of the job, reviewed in one place.",
    console: "IAM > User groups: create (or pick) a group for the job function and attach the \
        policies there; add the user to the group; then on the user's Permissions tab remove the \
        directly attached and inline policies.",
    cli: "aws iam create-group --group-name <GROUP>\n\
        aws iam attach-group-policy --group-name <GROUP> --policy-arn <POLICY_ARN>\n\
        aws iam add-user-to-group --group-name <GROUP> --user-name <USER>\n\
        aws iam detach-user-policy --user-name <USER> --policy-arn <POLICY_ARN>\n\
        aws iam delete-user-policy --user-name <USER> --policy-name <INLINE_POLICY>",
    terraform: "resource \"aws_iam_group\" \"developers\" {\n\
        \x20 name = \"developers\"\n\
        }\n\
        resource \"aws_iam_group_policy_attachment\" \"developers\" {\n\
        \x20 group      = aws_iam_group.developers.name\n\
        \x20 policy_arn = aws_iam_policy.developer.arn\n\
        }\n\
        resource \"aws_iam_user_group_membership\" \"alice\" {\n\
        \x20 user   = aws_iam_user.alice.name\n\
        \x20 groups = [aws_iam_group.developers.name]\n\
        }\n\
        # and delete aws_iam_user_policy / aws_iam_user_policy_attachment resources",
    docs: "## What it does\n\
        Fails for every IAM user that has a managed policy attached directly or an inline \
        policy embedded in it.\n\n\
        ## Why is this bad?\n\
        Per-user grants make least privilege hard to maintain: access reviews must look at each \
        user, permissions accumulate as people change jobs, and off-boarding misses them.\n\n\
        ## How to fix\n\
        Model job functions as groups (or, better, IAM Identity Center permission sets), grant \
        permissions to those, and remove the user-level attachments and inline policies.\n\n\
        ## References\n\
        - AWS IAM User Guide: IAM user groups\n\
        - CIS AWS Foundations Benchmark v3.0, 1.15\n\
        - Well-Architected SEC03-BP02 Grant least privilege access\n\
        - Well-Architected SEC02-BP06 Employ user groups and attributes\n",
    since: "0.1.0",
};

impl Rule for IamUserPolicyAttachedDirectly {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for user in &inv.users {
            if user.attached_policies.is_empty() && user.inline_policies.is_empty() {
                out.pass(user, "user gets its permissions through groups only");
                continue;
            }
            let inline: Vec<&str> = user
                .inline_policies
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            out.fail(
                user,
                format!(
                    "user {} has policies of its own ({} managed, {} inline)",
                    user.name,
                    user.attached_policies.len(),
                    inline.len()
                ),
                json!({
                    "user": user.name,
                    "attached_policies": user.attached_policies,
                    "inline_policies": inline,
                }),
            );
        }
    }
}
