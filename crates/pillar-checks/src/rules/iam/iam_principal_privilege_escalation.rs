//! `iam-principal-privilege-escalation`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_iam::escalation::{Graph, Path};
use pillar_iam::inventory::IamModel;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The rule.
pub struct IamPrincipalPrivilegeEscalation;
/// Registered instance.
pub static RULE: IamPrincipalPrivilegeEscalation = IamPrincipalPrivilegeEscalation;

static META: Meta = Meta {
    id: "iam-principal-privilege-escalation",
    title: "IAM principal can escalate to administrator",
    severity: Severity::High,
    domain: Domain::IdentityAccess,
    service: "iam",
    wa: &["SEC03-BP02", "SEC03-BP07"],
    cis: &[],
    rationale: "A principal that is not an administrator but can make itself one (write its own \
        policies, create keys for an administrator, pass an administrator role to a service it \
        controls) has administrator access in all but name: whoever steals its credentials \
        owns the account.",
    console: "IAM > the principal > Permissions: remove or narrow the statement that allows the \
        first step of the path shown in the finding (scope iam:CreateAccessKey and login-profile \
        calls to `${aws:username}`, iam:PassRole to the roles the workload needs with an \
        iam:PassedToService condition, policy-writing calls to nothing). Add a permissions \
        boundary to principals that must keep IAM write access. Then run `pillar iam \
        escalation` again.",
    cli: "# see the path:\n\
        pillar iam escalation SNAPSHOT_DIR --principal <PRINCIPAL_ARN>\n\
        # put a permissions boundary that denies IAM writes and role passing on the principal:\n\
        aws iam put-user-permissions-boundary --user-name <USER> --permissions-boundary arn:aws:iam::<ACCOUNT_ID>:policy/<BOUNDARY>\n\
        aws iam put-role-permissions-boundary --role-name <ROLE> --permissions-boundary arn:aws:iam::<ACCOUNT_ID>:policy/<BOUNDARY>",
    terraform: "# Self-service keys only for the caller itself, never for other users:\n\
        data \"aws_iam_policy_document\" \"own_keys\" {\n\
        \x20 statement {\n\
        \x20   actions   = [\"iam:CreateAccessKey\", \"iam:DeleteAccessKey\", \"iam:ListAccessKeys\"]\n\
        \x20   resources = [\"arn:aws:iam::${data.aws_caller_identity.current.account_id}:user/$${aws:username}\"]\n\
        \x20 }\n\
        }\n\
        # Pass only the role the workload needs, only to its service:\n\
        data \"aws_iam_policy_document\" \"pass_role\" {\n\
        \x20 statement {\n\
        \x20   actions   = [\"iam:PassRole\"]\n\
        \x20   resources = [aws_iam_role.app.arn]\n\
        \x20   condition {\n\
        \x20     test     = \"StringEquals\"\n\
        \x20     variable = \"iam:PassedToService\"\n\
        \x20     values   = [\"lambda.amazonaws.com\"]\n\
        \x20   }\n\
        \x20 }\n\
        }",
    docs: "## What it does\n\
        Builds the privilege-escalation graph of the account's IAM users and roles with the \
        IAM evaluator (identity policies, groups, permissions boundaries, SCPs, trust \
        policies, explicit denies): an edge where one principal can obtain another's \
        permissions, and a one-step self-grant where it can write its own or its groups' \
        policies, publish a new version of a policy attached to it, or join an administrators' \
        group. The edges, by method id:\n\n\
        - `create-access-key`, `create-login-profile`, `update-login-profile`: credentials \
        for another user;\n\
        - `assume-role` (its trust policy and the caller's policies allow it) and \
        `update-trust-policy` (rewrite the trust policy, then assume the role);\n\
        - `passrole-…`: `iam:PassRole` on a role that trusts a service, with the calls that \
        start code running as it there (EC2 RunInstances, Lambda, CloudFormation, CodeBuild, \
        Glue, SageMaker, ECS RunTask, Data Pipeline, App Runner);\n\
        - `lambda-update-function-code`: replace the code of a function that runs as the role;\n\
        - existing EC2 instances whose instance profile holds the role (the caller then reads \
        the role's credentials from the instance metadata): `ssm-send-command` \
        (`ssm:SendCommand` on the running instance and on the `AWS-RunShellScript` document), \
        `ssm-start-session` (`ssm:StartSession`), `ec2-instance-connect` \
        (`ec2-instance-connect:SendSSHPublicKey`), and `ec2-modify-user-data` \
        (`ec2:StopInstances`, `ec2:ModifyInstanceAttribute` and `ec2:StartInstances`, also on \
        a stopped instance). pillar does not check that the SSM agent runs or that the SSH \
        port is reachable;\n\
        - `ecs-execute-command`: `ecs:ExecuteCommand` on a running ECS task with ECS Exec \
        enabled (and on its cluster) whose task role is the role and allows the SSM message \
        channels; the caller reads the role's credentials from the container credentials \
        endpoint.\n\n\
        An administrator is a principal allowed IAM, compute, data and key actions on \
        every resource. Every principal that is not one but has a path to one fails, with the \
        shortest path as evidence. Grants that need MFA, a source IP or other request context \
        are not taken. SCPs do not restrict principals of the organization's management \
        account (AWS Organizations User Guide, Service control policies (SCPs): they affect \
        only member accounts, not the users and roles of the management account), so they are not applied there \
        when the snapshot names it (`organizations describe-organization`, \
        `MasterAccountId`).\n\n\
        ## Why is this bad?\n\
        Least privilege is only as strong as its weakest escalation path: a developer role \
        that may create access keys for any user is an administrator role.\n\n\
        ## How to fix\n\
        Cut the first step of the path: scope IAM self-service actions to `${aws:username}`, \
        scope `iam:PassRole` to named roles with `iam:PassedToService`, keep policy-writing \
        actions for administrators, and put permissions boundaries on principals that must \
        create roles or policies.\n\n\
        ## References\n\
        - AWS IAM User Guide: Granting a user permissions to pass a role to an AWS service\n\
        - AWS IAM User Guide: Permissions boundaries for IAM entities\n\
        - AWS Systems Manager User Guide: Run Command; Session Manager\n\
        - Amazon EC2 User Guide: EC2 Instance Connect; Modify instance user data\n\
        - Amazon ECS Developer Guide: Monitor Amazon ECS containers with ECS Exec\n\
        - AWS Organizations User Guide: Service control policies (SCPs) (not applied to the \
        management account)\n\
        - Well-Architected SEC03-BP02 Grant least privilege access; SEC03-BP07 Analyze public \
        and cross-account access\n",
    since: "0.2.0",
};

/// Why the permissions of a principal cannot be judged: a managed policy
/// attached to it (or its groups) is missing or has an unknown document.
fn unknown_reason(inv: &Inventory, attached: &[String]) -> Option<String> {
    for arn in attached {
        match inv.policies.iter().find(|p| &p.arn == arn) {
            None => return Some(format!("attached policy {arn} was not collected")),
            Some(p) => {
                if let Known::Unknown(why) = &p.document {
                    return Some(format!(
                        "document of attached policy {arn} not known: {why}"
                    ));
                }
            }
        }
    }
    None
}

fn path_json(p: &Path) -> Value {
    json!({
        "principal": p.principal,
        "admin": p.admin,
        "steps": p.steps,
    })
}

impl Rule for IamPrincipalPrivilegeEscalation {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        if inv.users.is_empty() && inv.roles.is_empty() {
            return;
        }
        let model = IamModel::build(inv);
        let graph = Graph::build(&model, inv);
        let all = graph.paths();
        let paths: HashMap<&str, &Path> = all.iter().map(|p| (p.principal.as_str(), p)).collect();
        let admin = |arn: &str| graph.admins().any(|n| n.arn == arn);
        let verdict =
            |out: &mut Out, arn: &str, name: &str, r: &dyn Fn(&mut Out, Status, String, Value)| {
                if admin(arn) {
                    return;
                }
                match paths.get(arn) {
                    Some(p) => {
                        let first = p
                            .steps
                            .first()
                            .map(|s| s.detail.as_str())
                            .unwrap_or_default();
                        let n = p.steps.len();
                        let msg = if p.admin == p.principal {
                            format!("{name} can grant itself administrator access: {first}")
                        } else {
                            format!(
                            "{name} can become administrator {} in {n} step{}: first it {first}",
                            p.admin,
                            if n == 1 { "" } else { "s" }
                        )
                        };
                        r(out, Status::Fail, msg, path_json(p));
                    }
                    None => r(
                        out,
                        Status::Pass,
                        format!("{name} has no path to administrator access"),
                        Value::Null,
                    ),
                }
            };
        for u in &inv.users {
            let mut attached = u.attached_policies.clone();
            for g in &u.groups {
                if let Some(gr) = inv.groups.iter().find(|x| &x.name == g || &x.arn == g) {
                    attached.extend(gr.attached_policies.iter().cloned());
                }
            }
            if let Some(why) = unknown_reason(inv, &attached) {
                out.unknown(u, why);
                continue;
            }
            verdict(
                out,
                &u.arn,
                &format!("user {}", u.name),
                &|out, st, msg, ev| match st {
                    Status::Fail => out.fail(u, msg, ev),
                    _ => out.pass(u, msg),
                },
            );
        }
        for role in &inv.roles {
            if let Some(why) = unknown_reason(inv, &role.attached_policies) {
                out.unknown(role, why);
                continue;
            }
            verdict(
                out,
                &role.arn,
                &format!("role {}", role.name),
                &|out, st, msg, ev| match st {
                    Status::Fail => out.fail(role, msg, ev),
                    _ => out.pass(role, msg),
                },
            );
        }
    }
}
