//! Privilege escalation: which principals are administrators, and which
//! others can become one, by which steps.
//!
//! The graph has the account's IAM users and roles as nodes. An edge A → B
//! means that A can obtain B's permissions:
//!
//! * **principal access**: create an access key or a console password for
//!   user B; assume role B (its trust policy and A's policies allow it);
//!   rewrite B's trust policy;
//! * **new compute with a passed role**: `iam:PassRole` on role B together
//!   with the calls that start a service running as B (an EC2 instance, a
//!   Lambda function, a CloudFormation stack, a CodeBuild project, …) when B
//!   trusts that service;
//! * **existing compute**: change the code of a Lambda function that runs as
//!   role B; run a command on (SSM Run Command), open a session to (Session
//!   Manager) or push an SSH key to (EC2 Instance Connect) an EC2 instance
//!   whose instance profile holds role B, or rewrite its user data and
//!   restart it — then read B's credentials from the instance metadata;
//!   open a shell (ECS Exec, `ecs:ExecuteCommand`) in a running ECS task
//!   whose task role is B — then read B's credentials from the container
//!   credentials endpoint.
//!
//! A principal is an **administrator** when its effective permissions allow
//! a set of probe actions on every resource (IAM, compute, data, keys); it
//! can **grant itself** administrator access in one step when it may write
//! its own policies, its groups' policies, a new version of a managed policy
//! attached to it, or join a group that is administrator.
//!
//! Every "may" is an exact decision of the evaluator ([`IamModel::allows`]),
//! so SCPs, permissions boundaries, explicit denies and conditions count.
//! Conditions are evaluated with the principal's own global keys only: a
//! grant that needs MFA or a source IP is not taken. Each path is the
//! shortest from the principal to an administrator.
//!
//! The methods follow AWS's documented semantics of each API (IAM User
//! Guide: "Granting a user permissions to pass a role to an AWS service";
//! "Modifying a role trust policy"; the API references of each call).

use crate::eval::{Outcome, PolicyKind};
use crate::inventory::IamModel;
use crate::policy::PrincipalSpec;
use pillar_model::Inventory;
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

/// Actions an administrator is allowed on `*`.
const ADMIN_PROBES: &[&str] = &[
    "iam:AttachRolePolicy",
    "iam:CreateUser",
    "iam:PutUserPolicy",
    "sts:AssumeRole",
    "ec2:RunInstances",
    "s3:GetObject",
    "kms:Decrypt",
    "secretsmanager:GetSecretValue",
    "lambda:CreateFunction",
];

/// The AWS managed policy that grants everything.
const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// A service that runs code as a role passed to it, and the calls that
/// create such code (all needed, besides `iam:PassRole`).
struct PassRoleMethod {
    id: &'static str,
    service: &'static str,
    actions: &'static [&'static str],
    what: &'static str,
}

const PASSROLE_METHODS: &[PassRoleMethod] = &[
    PassRoleMethod {
        id: "passrole-ec2-run-instances",
        service: "ec2.amazonaws.com",
        actions: &["ec2:RunInstances"],
        what: "launch an EC2 instance with the role in its instance profile",
    },
    PassRoleMethod {
        id: "passrole-lambda-create-function",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:InvokeFunction"],
        what: "create and invoke a Lambda function that runs as the role",
    },
    PassRoleMethod {
        id: "passrole-cloudformation-create-stack",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:CreateStack"],
        what: "create a CloudFormation stack that the role deploys",
    },
    PassRoleMethod {
        id: "passrole-codebuild-project",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:CreateProject", "codebuild:StartBuild"],
        what: "create and start a CodeBuild project that runs as the role",
    },
    PassRoleMethod {
        id: "passrole-glue-dev-endpoint",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateDevEndpoint"],
        what: "create a Glue development endpoint that runs as the role",
    },
    PassRoleMethod {
        id: "passrole-glue-job",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateJob", "glue:StartJobRun"],
        what: "create and run a Glue job that runs as the role",
    },
    PassRoleMethod {
        id: "passrole-sagemaker-notebook",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateNotebookInstance"],
        what: "create a SageMaker notebook instance that runs as the role",
    },
    PassRoleMethod {
        id: "passrole-sagemaker-training-job",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateTrainingJob"],
        what: "create a SageMaker training job that runs as the role",
    },
    PassRoleMethod {
        id: "passrole-ecs-task",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
        what: "register and run an ECS task whose task role is the role",
    },
    PassRoleMethod {
        id: "passrole-datapipeline",
        service: "datapipeline.amazonaws.com",
        actions: &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        what: "create and activate a Data Pipeline that runs as the role",
    },
    PassRoleMethod {
        id: "passrole-apprunner-service",
        service: "tasks.apprunner.amazonaws.com",
        actions: &["apprunner:CreateService"],
        what: "create an App Runner service whose instance role is the role",
    },
];

/// Kind of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// IAM user.
    User,
    /// IAM role.
    Role,
}

/// A principal of the graph.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// ARN.
    pub arn: String,
    /// User or role.
    pub kind: NodeKind,
    /// Why it is an administrator, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<String>,
}

/// One step of escalation: `from` obtains the permissions of `to` (or,
/// when both are the same, grants itself administrator access).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The principal acting.
    pub from: String,
    /// The principal whose permissions it obtains (itself for a self-grant).
    pub to: String,
    /// Method id, e.g. `create-access-key`, `passrole-ec2-run-instances`.
    pub method: String,
    /// The API calls it makes.
    pub actions: Vec<String>,
    /// In words.
    pub detail: String,
}

/// A shortest path from a principal to administrator access.
#[derive(Debug, Clone, Serialize)]
pub struct Path {
    /// The principal that can escalate.
    pub principal: String,
    /// The administrator it reaches (itself for a self-grant).
    pub admin: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The escalation graph of an inventory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Graph {
    /// Users and roles.
    pub nodes: Vec<Node>,
    /// Edges between different principals.
    pub edges: Vec<Step>,
    /// One-step self-grants of administrator access.
    pub self_grants: Vec<Step>,
}

fn step(from: &str, to: &str, method: &str, actions: &[&str], detail: String) -> Step {
    Step {
        from: from.to_owned(),
        to: to.to_owned(),
        method: method.to_owned(),
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        detail,
    }
}

/// Whether a policy document grants everything: `Allow` `*` on `*` with no
/// condition.
fn grants_everything(p: &crate::policy::Policy) -> bool {
    use crate::policy::{ActionSpec, Effect, ResourceSpec};
    p.statements.iter().any(|st| {
        st.effect == Effect::Allow
            && st.conditions.is_empty()
            && matches!(&st.action, ActionSpec::Action(a) if a.iter().any(|x| x.matches("iam:CreateUser") && x.matches("ec2:RunInstances") && x.matches("s3:GetObject")))
            && matches!(&st.resource, Some(ResourceSpec::Resource(r)) if r.iter().any(|t| t.is_star()))
    })
}

/// What a principal's identity policies may allow at all (whatever the
/// resource): computed once per principal, it skips the pairs that cannot
/// have an edge before any exact decision.
struct Can {
    create_key: bool,
    create_login: bool,
    update_login: bool,
    assume: bool,
    update_trust: bool,
    pass: bool,
    update_code: bool,
    /// Some way into an existing EC2 instance (see [`EC2_ACCESS`]).
    instance_access: bool,
    /// `ecs:ExecuteCommand` into existing ECS tasks.
    ecs_exec: bool,
    /// Per entry of [`PASSROLE_METHODS`]: the calls besides `iam:PassRole`
    /// are allowed (on every resource).
    methods: Vec<bool>,
}

struct Builder<'a> {
    model: &'a IamModel,
    users: HashMap<&'a str, &'a pillar_model::IamUser>,
    roles: HashMap<&'a str, &'a pillar_model::IamRole>,
    groups: HashMap<&'a str, &'a pillar_model::IamGroup>,
    /// Lambda functions by the role they run as.
    functions: HashMap<&'a str, Vec<&'a pillar_model::Function>>,
    /// EC2 instances (ARN, id, region) by the role of their instance profile.
    instances: HashMap<&'a str, Vec<Ec2Instance>>,
    /// Running ECS tasks with ECS Exec enabled, by their task role.
    tasks: HashMap<&'a str, Vec<&'a pillar_model::EcsTask>>,
    /// Groups that make their members administrators.
    admin_groups: Vec<&'a pillar_model::IamGroup>,
}

impl Builder<'_> {
    fn may(&self, who: &str, action: &str) -> bool {
        self.model.identity_may_allow(who, action)
    }

    fn allows(&self, who: &str, action: &str, resource: &str) -> bool {
        self.model.allows(who, action, resource, &[])
    }

    fn admin_reason(&self, who: &str) -> Option<String> {
        let all = ADMIN_PROBES
            .iter()
            .all(|a| self.may(who, a) && self.allows(who, a, "*"));
        all.then(|| "allowed every probe action (IAM, EC2, S3, KMS, Secrets Manager, Lambda) on every resource".to_owned())
    }

    /// Managed policies attached to a user (directly and through groups) or
    /// role, customer-managed only.
    fn attached_customer_policies(&self, who: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(u) = self.users.get(who) {
            out.extend(u.attached_policies.iter().cloned());
            for g in &u.groups {
                if let Some(gr) = self.groups.get(g.as_str()) {
                    out.extend(gr.attached_policies.iter().cloned());
                }
            }
        } else if let Some(r) = self.roles.get(who) {
            out.extend(r.attached_policies.iter().cloned());
        }
        out.retain(|a| !a.starts_with("arn:aws:iam::aws:policy/"));
        out.sort();
        out.dedup();
        out
    }

    fn self_grant(&self, who: &str, kind: NodeKind) -> Option<Step> {
        let admin_ctx = [("iam:PolicyARN", ADMIN_POLICY)];
        let (put, attach) = match kind {
            NodeKind::User => ("iam:PutUserPolicy", "iam:AttachUserPolicy"),
            NodeKind::Role => ("iam:PutRolePolicy", "iam:AttachRolePolicy"),
        };
        if self.may(who, put) && self.allows(who, put, who) {
            return Some(step(
                who,
                who,
                "put-own-inline-policy",
                &[put],
                format!("writes an inline policy granting everything on itself ({put})"),
            ));
        }
        if self.may(who, attach) && self.model.allows(who, attach, who, &admin_ctx) {
            return Some(step(
                who,
                who,
                "attach-own-policy",
                &[attach],
                format!("attaches AdministratorAccess to itself ({attach})"),
            ));
        }
        if self.may(who, "iam:CreatePolicyVersion") {
            for p in self.attached_customer_policies(who) {
                if self.allows(who, "iam:CreatePolicyVersion", &p) {
                    return Some(step(
                        who,
                        who,
                        "create-policy-version",
                        &["iam:CreatePolicyVersion"],
                        format!("publishes a new default version of {p}, which is attached to it, granting everything"),
                    ));
                }
            }
        }
        if kind == NodeKind::User {
            let groups: Vec<&pillar_model::IamGroup> = self
                .users
                .get(who)
                .map(|u| {
                    u.groups
                        .iter()
                        .filter_map(|g| self.groups.get(g.as_str()).copied())
                        .collect()
                })
                .unwrap_or_default();
            for g in &groups {
                if self.may(who, "iam:PutGroupPolicy")
                    && self.allows(who, "iam:PutGroupPolicy", &g.arn)
                {
                    return Some(step(
                        who,
                        who,
                        "put-group-policy",
                        &["iam:PutGroupPolicy"],
                        format!(
                            "writes an inline policy granting everything on its group {}",
                            g.arn
                        ),
                    ));
                }
                if self.may(who, "iam:AttachGroupPolicy")
                    && self
                        .model
                        .allows(who, "iam:AttachGroupPolicy", &g.arn, &admin_ctx)
                {
                    return Some(step(
                        who,
                        who,
                        "attach-group-policy",
                        &["iam:AttachGroupPolicy"],
                        format!("attaches AdministratorAccess to its group {}", g.arn),
                    ));
                }
            }
            if self.may(who, "iam:AddUserToGroup") {
                for g in &self.admin_groups {
                    if self.allows(who, "iam:AddUserToGroup", &g.arn) {
                        return Some(step(
                            who,
                            who,
                            "add-self-to-admin-group",
                            &["iam:AddUserToGroup"],
                            format!("adds itself to the administrators' group {}", g.arn),
                        ));
                    }
                }
            }
        }
        None
    }

    fn can(&self, who: &str) -> Can {
        Can {
            create_key: self.may(who, "iam:CreateAccessKey"),
            create_login: self.may(who, "iam:CreateLoginProfile"),
            update_login: self.may(who, "iam:UpdateLoginProfile"),
            assume: self.may(who, "sts:AssumeRole"),
            update_trust: self.may(who, "iam:UpdateAssumeRolePolicy"),
            pass: self.may(who, "iam:PassRole"),
            update_code: self.may(who, "lambda:UpdateFunctionCode"),
            instance_access: EC2_ACCESS
                .iter()
                .any(|m| m.actions.iter().all(|a| self.may(who, a))),
            ecs_exec: self.may(who, "ecs:ExecuteCommand"),
            methods: PASSROLE_METHODS
                .iter()
                .map(|m| {
                    m.actions
                        .iter()
                        .all(|a| self.may(who, a) && self.allows(who, a, "*"))
                })
                .collect(),
        }
    }

    fn edges_from(&self, who: &str, nodes: &[Node], trusts: &HashMap<&str, Trust>) -> Vec<Step> {
        let can = self.can(who);
        let account = crate::arn::account_of(who);
        // Trust policies (by document) that do not let this principal in:
        // the same document on another role will not either (a trust policy
        // has no Resource element).
        let mut refused: HashSet<u64> = HashSet::new();
        let mut out = Vec::new();
        for target in nodes {
            let to = target.arn.as_str();
            if to == who {
                continue;
            }
            match target.kind {
                NodeKind::User => {
                    for (ok, action, method, detail) in [
                        (
                            can.create_key,
                            "iam:CreateAccessKey",
                            "create-access-key",
                            "creates an access key for",
                        ),
                        (
                            can.create_login,
                            "iam:CreateLoginProfile",
                            "create-login-profile",
                            "sets a console password for",
                        ),
                        (
                            can.update_login,
                            "iam:UpdateLoginProfile",
                            "update-login-profile",
                            "changes the console password of",
                        ),
                    ] {
                        if ok && self.allows(who, action, to) {
                            out.push(step(
                                who,
                                to,
                                method,
                                &[action],
                                format!("{detail} user {to}"),
                            ));
                            break;
                        }
                    }
                }
                NodeKind::Role => {
                    let Some(trust) = trusts.get(to) else {
                        continue;
                    };
                    let reach = Reach {
                        named: trust.open || trust.named.iter().any(|n| n == who),
                        // A trust policy that names neither this principal
                        // nor its account (nor everyone) never lets it
                        // assume the role.
                        account_named: account.is_some_and(|a| {
                            trust.named.iter().any(|n| {
                                n == a
                                    || n.strip_prefix("arn:aws:iam::")
                                        .and_then(|r| r.strip_suffix(":root"))
                                        == Some(a)
                            })
                        }),
                    };
                    let can_other = can.update_trust
                        || can.pass
                        || can.update_code
                        || can.instance_access
                        || can.ecs_exec;
                    if !(reach.named || can_other || (reach.account_named && can.assume)) {
                        continue;
                    }
                    if let Some(s) = self.role_edge(who, to, &can, trust, reach, &mut refused) {
                        out.push(s);
                    }
                }
            }
        }
        out
    }

    fn role_edge(
        &self,
        who: &str,
        role: &str,
        can: &Can,
        trust: &Trust,
        reach: Reach,
        refused: &mut HashSet<u64>,
    ) -> Option<Step> {
        let Reach {
            named,
            account_named,
        } = reach;
        let services = &trust.services;
        if trust.aws && (named || (can.assume && account_named)) && !refused.contains(&trust.key) {
            let (outcome, blocked_by) = self.model.decide(who, "sts:AssumeRole", role, &[]);
            if outcome != Outcome::Allowed && blocked_by == [PolicyKind::Resource] {
                refused.insert(trust.key);
            }
        }
        if trust.aws
            && (named || (can.assume && account_named))
            && !refused.contains(&trust.key)
            && self.allows(who, "sts:AssumeRole", role)
        {
            return Some(step(
                who,
                role,
                "assume-role",
                &["sts:AssumeRole"],
                format!("assumes role {role} (its trust policy allows it)"),
            ));
        }
        if can.update_trust
            && can.assume
            && self.allows(who, "iam:UpdateAssumeRolePolicy", role)
            && self.allows(who, "sts:AssumeRole", role)
        {
            return Some(step(
                who,
                role,
                "update-trust-policy",
                &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
                format!("rewrites the trust policy of {role} to trust itself, then assumes it"),
            ));
        }
        if !services.is_empty() && can.pass {
            for (m, ok) in PASSROLE_METHODS.iter().zip(&can.methods) {
                if !ok || !services.iter().any(|s| s == m.service) {
                    continue;
                }
                let ctx = [("iam:PassedToService", m.service)];
                if !self.model.allows(who, "iam:PassRole", role, &ctx) {
                    continue;
                }
                {
                    let mut actions = vec!["iam:PassRole"];
                    actions.extend(m.actions.iter().copied());
                    return Some(step(
                        who,
                        role,
                        m.id,
                        &actions,
                        format!("passes role {role} to {}: {}", m.service, m.what),
                    ));
                }
            }
        }
        if services.iter().any(|s| s == "lambda.amazonaws.com") && can.update_code {
            for f in self
                .functions
                .get(role)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if self.allows(who, "lambda:UpdateFunctionCode", &f.arn) {
                    return Some(step(
                        who,
                        role,
                        "lambda-update-function-code",
                        &["lambda:UpdateFunctionCode"],
                        format!("replaces the code of {} which runs as role {role}", f.arn),
                    ));
                }
            }
        }
        if services.iter().any(|s| s == "ec2.amazonaws.com") && can.instance_access {
            for i in self
                .instances
                .get(role)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                for m in EC2_ACCESS {
                    if !m.running_only || i.running {
                        let extra = m.document.map(|d| {
                            format!(
                                "arn:aws:ssm:{}::document/{d}",
                                i.region.as_deref().unwrap_or("*")
                            )
                        });
                        let ok = m.actions.iter().all(|a| self.allows(who, a, &i.arn))
                            && extra
                                .as_deref()
                                .is_none_or(|d| m.actions.iter().all(|a| self.allows(who, a, d)));
                        if ok {
                            return Some(step(
                                who,
                                role,
                                m.id,
                                m.actions,
                                format!(
                                    "{} {} whose instance profile holds role {role}, and reads the role's credentials from its metadata service",
                                    m.what, i.id
                                ),
                            ));
                        }
                    }
                }
            }
        }
        if services.iter().any(|s| s == "ecs-tasks.amazonaws.com") && can.ecs_exec {
            if let Some(s) = self.ecs_exec_edge(who, role) {
                return Some(s);
            }
        }
        None
    }

    /// ECS Exec into a running task whose task role is `role`: the caller
    /// needs `ecs:ExecuteCommand` on the task and its cluster, the task
    /// must have ECS Exec enabled, and the task role must allow the SSM
    /// message channels the exec agent uses (Amazon ECS Developer Guide,
    /// "Monitor Amazon ECS containers with ECS Exec").
    fn ecs_exec_edge(&self, who: &str, role: &str) -> Option<Step> {
        let tasks = self.tasks.get(role)?;
        let channels = ECS_EXEC_TASK_ROLE_ACTIONS
            .iter()
            .all(|a| self.allows(role, a, "*"));
        if !channels {
            return None;
        }
        let task = tasks.iter().find(|t| {
            self.allows(who, "ecs:ExecuteCommand", &t.arn)
                && (t.cluster_arn.is_empty()
                    || self.allows(who, "ecs:ExecuteCommand", &t.cluster_arn))
        })?;
        Some(step(
            who,
            role,
            "ecs-execute-command",
            &["ecs:ExecuteCommand"],
            format!(
                "opens a shell (ECS Exec) in task {} whose task role is {role}, and reads the role's credentials from the container credentials endpoint",
                task.arn
            ),
        ))
    }
}

/// What a task role must allow for ECS Exec to reach its containers.
const ECS_EXEC_TASK_ROLE_ACTIONS: &[&str] = &[
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// An EC2 instance that runs as a role.
#[derive(Debug)]
struct Ec2Instance {
    arn: String,
    id: String,
    region: Option<String>,
    running: bool,
}

/// A way into an existing EC2 instance: the calls (each allowed on the
/// instance's ARN) and, for Run Command, the AWS-owned document it runs.
struct Ec2Access {
    id: &'static str,
    actions: &'static [&'static str],
    document: Option<&'static str>,
    /// Needs the instance running (stopped instances only take user data).
    running_only: bool,
    what: &'static str,
}

/// The ways into an existing EC2 instance, in the order tried (AWS Systems
/// Manager User Guide, "Run Command" and "Session Manager"; EC2 User Guide,
/// "EC2 Instance Connect" and "Modify instance user data"). The SSM ways
/// need the SSM agent on the instance and Instance Connect needs its SSH
/// port reachable: pillar does not check either.
const EC2_ACCESS: &[Ec2Access] = &[
    Ec2Access {
        id: "ssm-send-command",
        actions: &["ssm:SendCommand"],
        document: Some("AWS-RunShellScript"),
        running_only: true,
        what: "runs a shell command (SSM Run Command, AWS-RunShellScript) on instance",
    },
    Ec2Access {
        id: "ssm-start-session",
        actions: &["ssm:StartSession"],
        document: None,
        running_only: true,
        what: "opens a shell (SSM Session Manager) on instance",
    },
    Ec2Access {
        id: "ec2-instance-connect",
        actions: &["ec2-instance-connect:SendSSHPublicKey"],
        document: None,
        running_only: true,
        what: "pushes its SSH key (EC2 Instance Connect) to instance",
    },
    Ec2Access {
        id: "ec2-modify-user-data",
        actions: &[
            "ec2:StopInstances",
            "ec2:ModifyInstanceAttribute",
            "ec2:StartInstances",
        ],
        document: None,
        running_only: false,
        what: "stops, rewrites the user data of and restarts instance",
    },
];

/// Whether a role's trust policy names a principal: itself (or everyone),
/// or its account.
#[derive(Debug, Clone, Copy)]
struct Reach {
    named: bool,
    account_named: bool,
}

/// Who a role's trust policy names.
#[derive(Debug, Default)]
struct Trust {
    /// IAM principals may assume it (an `AWS` principal or `NotPrincipal`).
    aws: bool,
    /// It names everyone (`*`) or uses `NotPrincipal`.
    open: bool,
    /// The `AWS` principal ARNs it names.
    named: Vec<String>,
    /// The services it trusts.
    services: Vec<String>,
    /// Roles with the same key have the same trust policy document.
    key: u64,
}

fn trust_of(trust: Option<&crate::policy::Policy>, text: &str) -> Trust {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    let mut t = Trust {
        key: h.finish(),
        ..Trust::default()
    };
    for st in trust.map(|p| p.statements.as_slice()).unwrap_or_default() {
        match &st.principal {
            Some(PrincipalSpec::Principal(p)) => {
                t.aws |= p.everyone || !p.aws.is_empty();
                t.open |= p.everyone || p.aws.iter().any(|a| a == "*");
                t.named.extend(p.aws.iter().cloned());
                t.services.extend(p.service.iter().cloned());
            }
            Some(PrincipalSpec::NotPrincipal(_)) => {
                t.aws = true;
                t.open = true;
            }
            None => {}
        }
    }
    t
}

impl Graph {
    /// Build the graph of an inventory's users and roles.
    pub fn build(model: &IamModel, inv: &Inventory) -> Graph {
        let mut functions: HashMap<&str, Vec<&pillar_model::Function>> = HashMap::new();
        for f in &inv.functions {
            if let Some(r) = f.role.as_deref() {
                functions.entry(r).or_default().push(f);
            }
        }
        let mut instances: HashMap<&str, Vec<Ec2Instance>> = HashMap::new();
        for i in &inv.instances {
            if !matches!(
                i.state.as_str(),
                "running" | "stopped" | "pending" | "stopping"
            ) {
                continue;
            }
            let Some(profile) = i.iam_instance_profile.as_deref() else {
                continue;
            };
            let Some(p) = inv.instance_profiles.iter().find(|p| p.arn == profile) else {
                continue;
            };
            let region = i.resource.region.clone();
            let account = i
                .resource
                .account
                .clone()
                .or_else(|| crate::arn::account_of(profile).map(str::to_owned));
            let arn = format!(
                "arn:aws:ec2:{}:{}:instance/{}",
                region.as_deref().unwrap_or("*"),
                account.as_deref().unwrap_or("*"),
                i.id
            );
            for r in &p.roles {
                instances.entry(r.as_str()).or_default().push(Ec2Instance {
                    arn: arn.clone(),
                    id: i.id.clone(),
                    region: region.clone(),
                    running: i.state != "stopped",
                });
            }
        }
        let mut tasks: HashMap<&str, Vec<&pillar_model::EcsTask>> = HashMap::new();
        for t in &inv.ecs_tasks {
            if !t.enable_execute_command || !t.last_status.eq_ignore_ascii_case("RUNNING") {
                continue;
            }
            if let pillar_model::Known::Known(Some(r)) = &t.task_role_arn {
                tasks.entry(r.as_str()).or_default().push(t);
            }
        }
        let mut groups = HashMap::new();
        for g in &inv.groups {
            groups.insert(g.name.as_str(), g);
            groups.insert(g.arn.as_str(), g);
        }
        let admin_groups = inv
            .groups
            .iter()
            .filter(|g| {
                g.attached_policies.iter().any(|a| a == ADMIN_POLICY)
                    || g.inline_policies.iter().any(|ip| {
                        crate::policy::Policy::from_serde(&ip.document.0, &ip.name)
                            .is_ok_and(|p| grants_everything(&p))
                    })
            })
            .collect();
        let b = Builder {
            model,
            users: inv.users.iter().map(|u| (u.arn.as_str(), u)).collect(),
            roles: inv.roles.iter().map(|r| (r.arn.as_str(), r)).collect(),
            groups,
            functions,
            instances,
            tasks,
            admin_groups,
        };
        let mut nodes: Vec<Node> = inv
            .users
            .iter()
            .map(|u| (u.arn.as_str(), NodeKind::User))
            .chain(inv.roles.iter().map(|r| (r.arn.as_str(), NodeKind::Role)))
            .map(|(arn, kind)| Node {
                arn: arn.to_owned(),
                kind,
                admin: None,
            })
            .collect();
        nodes.sort_by(|a, b| a.arn.cmp(&b.arn));
        nodes.dedup_by(|a, b| a.arn == b.arn);
        let admin: Vec<Option<String>> = nodes.par_iter().map(|n| b.admin_reason(&n.arn)).collect();
        for (n, a) in nodes.iter_mut().zip(admin) {
            n.admin = a;
        }
        let trusts: HashMap<&str, Trust> = nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Role)
            .map(|n| {
                let text = b
                    .roles
                    .get(n.arn.as_str())
                    .and_then(|r| serde_json::to_string(&r.assume_role_policy).ok())
                    .unwrap_or_default();
                (n.arn.as_str(), trust_of(model.trust_policy(&n.arn), &text))
            })
            .collect();
        // Each principal's own steps, in parallel; the order stays the
        // nodes' (sorted) order.
        let found: Vec<(Option<Step>, Vec<Step>)> = nodes
            .par_iter()
            .filter(|n| n.admin.is_none())
            .map(|n| {
                (
                    b.self_grant(&n.arn, n.kind),
                    b.edges_from(&n.arn, &nodes, &trusts),
                )
            })
            .collect();
        drop(trusts);
        let mut edges = Vec::new();
        let mut self_grants = Vec::new();
        for (s, e) in found {
            self_grants.extend(s);
            edges.extend(e);
        }
        Graph {
            nodes,
            edges,
            self_grants,
        }
    }

    /// The administrators.
    pub fn admins(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.admin.is_some())
    }

    /// For every principal that is not an administrator but can become
    /// one, its shortest path (fewest steps) to administrator access.
    pub fn paths(&self) -> Vec<Path> {
        let index: HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.arn.as_str(), i))
            .collect();
        // Shortest distance to admin, computed backwards from the admins
        // (distance 0) and the self-granters (distance 1).
        let n = self.nodes.len();
        let mut dist = vec![usize::MAX; n];
        // How a node reaches admin: the step it takes first.
        let mut next: Vec<Option<&Step>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if node.admin.is_some() {
                if let Some(d) = dist.get_mut(i) {
                    *d = 0;
                }
                heap.push(Reverse((0usize, i)));
            }
        }
        for s in &self.self_grants {
            if let Some(&i) = index.get(s.from.as_str()) {
                if let (Some(d), Some(nx)) = (dist.get_mut(i), next.get_mut(i)) {
                    if *d > 1 {
                        *d = 1;
                        *nx = Some(s);
                        heap.push(Reverse((1, i)));
                    }
                }
            }
        }
        let mut incoming: HashMap<usize, Vec<&Step>> = HashMap::new();
        for e in &self.edges {
            if let Some(&t) = index.get(e.to.as_str()) {
                incoming.entry(t).or_default().push(e);
            }
        }
        while let Some(Reverse((d, t))) = heap.pop() {
            if dist.get(t).is_some_and(|x| *x < d) {
                continue;
            }
            for e in incoming.get(&t).map(Vec::as_slice).unwrap_or_default() {
                let Some(&f) = index.get(e.from.as_str()) else {
                    continue;
                };
                if let (Some(x), Some(nx)) = (dist.get_mut(f), next.get_mut(f)) {
                    if *x > d + 1 {
                        *x = d + 1;
                        *nx = Some(e);
                        heap.push(Reverse((d + 1, f)));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if node.admin.is_some() || dist.get(i).is_none_or(|d| *d == usize::MAX) {
                continue;
            }
            let mut steps = Vec::new();
            let mut cur = i;
            let mut admin = node.arn.clone();
            while let Some(Some(s)) = next.get(cur) {
                steps.push((*s).clone());
                if s.to == s.from {
                    admin = s.to.clone();
                    break;
                }
                admin = s.to.clone();
                match index.get(s.to.as_str()) {
                    Some(&j) if steps.len() <= n => cur = j,
                    _ => break,
                }
            }
            out.push(Path {
                principal: node.arn.clone(),
                admin,
                steps,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::{
        IamGroup, IamRole, IamUser, InlinePolicy, Known, ManagedPolicy, PolicyDocument,
    };

    fn doc(v: serde_json::Value) -> PolicyDocument {
        serde_json::from_value(v).unwrap()
    }

    fn user(name: &str, inline: serde_json::Value) -> IamUser {
        IamUser {
            name: name.into(),
            arn: format!("arn:aws:iam::111122223333:user/{name}"),
            inline_policies: vec![InlinePolicy {
                name: "p".into(),
                document: doc(inline),
            }],
            ..IamUser::default()
        }
    }

    fn role(name: &str, trust: serde_json::Value, attached: &[&str]) -> IamRole {
        IamRole {
            name: name.into(),
            arn: format!("arn:aws:iam::111122223333:role/{name}"),
            assume_role_policy: Known::Known(doc(trust)),
            attached_policies: attached.iter().map(|s| (*s).to_owned()).collect(),
            ..IamRole::default()
        }
    }

    fn admin_policy() -> ManagedPolicy {
        ManagedPolicy {
            name: "AdministratorAccess".into(),
            arn: ADMIN_POLICY.into(),
            aws_managed: true,
            document: Known::Known(doc(serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
            }))),
            ..ManagedPolicy::default()
        }
    }

    fn graph(inv: &Inventory) -> Graph {
        Graph::build(&IamModel::build(inv), inv)
    }

    fn allow(actions: &[&str], resource: &str) -> serde_json::Value {
        serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": resource}
        ]})
    }

    #[test]
    fn assume_role_chain_to_admin() {
        let mut inv = Inventory::default();
        inv.policies.push(admin_policy());
        inv.users.push(user(
            "dev",
            allow(&["sts:AssumeRole"], "arn:aws:iam::111122223333:role/ops"),
        ));
        inv.roles.push(role(
            "ops",
            serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}),
            &[],
        ));
        // ops may create access keys for the admin user.
        inv.roles[0].inline_policies.push(InlinePolicy {
            name: "keys".into(),
            document: doc(allow(
                &["iam:CreateAccessKey"],
                "arn:aws:iam::111122223333:user/root-admin",
            )),
        });
        let mut admin = user("root-admin", allow(&["s3:ListAllMyBuckets"], "*"));
        admin.attached_policies.push(ADMIN_POLICY.into());
        inv.users.push(admin);
        let g = graph(&inv);
        let admins: Vec<&str> = g.admins().map(|n| n.arn.as_str()).collect();
        assert_eq!(admins, ["arn:aws:iam::111122223333:user/root-admin"]);
        let paths = g.paths();
        let dev = paths
            .iter()
            .find(|p| p.principal.ends_with("user/dev"))
            .unwrap();
        let methods: Vec<&str> = dev.steps.iter().map(|s| s.method.as_str()).collect();
        assert_eq!(methods, ["assume-role", "create-access-key"]);
        assert_eq!(dev.admin, "arn:aws:iam::111122223333:user/root-admin");
        assert!(paths
            .iter()
            .any(|p| p.principal.ends_with("role/ops") && p.steps.len() == 1));
    }

    #[test]
    fn passrole_needs_the_service_trust_and_the_create_call() {
        let lambda_trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        let mut inv = Inventory::default();
        inv.policies.push(admin_policy());
        inv.roles
            .push(role("fn-admin", lambda_trust, &[ADMIN_POLICY]));
        inv.users.push(user(
            "ci",
            allow(
                &[
                    "iam:PassRole",
                    "lambda:CreateFunction",
                    "lambda:InvokeFunction",
                ],
                "*",
            ),
        ));
        inv.users.push(user(
            "half",
            allow(&["iam:PassRole", "lambda:CreateFunction"], "*"),
        ));
        let g = graph(&inv);
        let paths = g.paths();
        let ci = paths
            .iter()
            .find(|p| p.principal.ends_with("user/ci"))
            .unwrap();
        assert_eq!(ci.steps[0].method, "passrole-lambda-create-function");
        assert!(!paths.iter().any(|p| p.principal.ends_with("user/half")));
    }

    #[test]
    fn existing_ec2_instances_hand_over_their_role() {
        let ec2_trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        let mut inv = Inventory::default();
        inv.policies.push(admin_policy());
        inv.roles.push(role("web", ec2_trust, &[ADMIN_POLICY]));
        inv.instance_profiles.push(pillar_model::InstanceProfile {
            name: "web".into(),
            arn: "arn:aws:iam::111122223333:instance-profile/web".into(),
            roles: vec!["arn:aws:iam::111122223333:role/web".into()],
            ..Default::default()
        });
        let mut instance = |id: &str, state: &str| {
            let mut i = pillar_model::Instance {
                id: id.into(),
                state: state.into(),
                iam_instance_profile: Some("arn:aws:iam::111122223333:instance-profile/web".into()),
                ..Default::default()
            };
            i.resource.region = Some("us-east-1".into());
            i.resource.account = Some("111122223333".into());
            inv.instances.push(i);
        };
        instance("i-0run", "running");
        instance("i-0stop", "stopped");
        let on = |actions: &[&str], resource: &str| allow(actions, resource);
        // Run Command on the running instance, with the shell document.
        inv.users.push(user(
            "ops",
            serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": [
                    "arn:aws:ec2:us-east-1:111122223333:instance/i-0run",
                    "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"]}
            ]}),
        ));
        // Run Command allowed only on the stopped instance: no way in.
        inv.users.push(user(
            "stale",
            serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": [
                    "arn:aws:ec2:us-east-1:111122223333:instance/i-0stop",
                    "arn:aws:ssm:*::document/*"]}
            ]}),
        ));
        // User data needs all three calls.
        inv.users.push(user(
            "builder",
            on(
                &[
                    "ec2:StopInstances",
                    "ec2:ModifyInstanceAttribute",
                    "ec2:StartInstances",
                ],
                "arn:aws:ec2:*:*:instance/i-0stop",
            ),
        ));
        inv.users.push(user(
            "halfway",
            on(&["ec2:StopInstances", "ec2:ModifyInstanceAttribute"], "*"),
        ));
        // Session Manager, but a Deny on the instance's tag-less ARN stops it.
        inv.users.push(user(
            "blocked",
            serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"},
                {"Effect": "Deny", "Action": "ssm:StartSession", "Resource": "arn:aws:ec2:*:*:instance/*"}
            ]}),
        ));
        let paths = graph(&inv).paths();
        let method = |who: &str| {
            paths
                .iter()
                .find(|p| p.principal.ends_with(&format!("user/{who}")))
                .map(|p| p.steps[0].method.clone())
        };
        assert_eq!(method("ops").as_deref(), Some("ssm-send-command"));
        assert_eq!(method("builder").as_deref(), Some("ec2-modify-user-data"));
        assert_eq!(method("stale"), None);
        assert_eq!(method("halfway"), None);
        assert_eq!(method("blocked"), None);
        let ops = paths
            .iter()
            .find(|p| p.principal.ends_with("user/ops"))
            .unwrap();
        assert!(
            ops.steps[0].detail.contains("i-0run"),
            "{}",
            ops.steps[0].detail
        );
        assert_eq!(ops.admin, "arn:aws:iam::111122223333:role/web");
    }

    #[test]
    fn ecs_exec_into_a_task_hands_over_its_task_role() {
        let ecs_trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        let mut inv = Inventory::default();
        inv.policies.push(admin_policy());
        inv.roles
            .push(role("worker", ecs_trust.clone(), &[ADMIN_POLICY]));
        // An administrator whose containers cannot open the exec channels.
        let mut locked = role("locked", ecs_trust, &[ADMIN_POLICY]);
        locked.inline_policies.push(InlinePolicy {
            name: "no-exec".into(),
            document: doc(serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "ssmmessages:*", "Resource": "*"}]})),
        });
        inv.roles.push(locked);
        let task =
            |id: &str, cluster: &str, role: &str, exec: bool, status: &str| pillar_model::EcsTask {
                arn: format!("arn:aws:ecs:us-east-1:111122223333:task/{cluster}/{id}"),
                cluster_arn: format!("arn:aws:ecs:us-east-1:111122223333:cluster/{cluster}"),
                last_status: status.into(),
                enable_execute_command: exec,
                task_role_arn: Known::Known(Some(format!("arn:aws:iam::111122223333:role/{role}"))),
                ..Default::default()
            };
        inv.ecs_tasks
            .push(task("t1", "prod", "worker", true, "RUNNING"));
        inv.ecs_tasks
            .push(task("t2", "prod", "locked", true, "RUNNING"));
        inv.ecs_tasks
            .push(task("t3", "dev", "worker", false, "RUNNING"));
        inv.ecs_tasks
            .push(task("t4", "stage", "worker", true, "STOPPED"));
        inv.users.push(user(
            "ops",
            allow(
                &["ecs:ExecuteCommand"],
                "arn:aws:ecs:us-east-1:111122223333:*",
            ),
        ));
        // Exec allowed only where ECS Exec is off or the task stopped.
        inv.users.push(user(
            "dev",
            allow(
                &["ecs:ExecuteCommand"],
                "arn:aws:ecs:us-east-1:111122223333:*/dev*",
            ),
        ));
        inv.users.push(user(
            "stage",
            allow(
                &["ecs:ExecuteCommand"],
                "arn:aws:ecs:us-east-1:111122223333:*/stage*",
            ),
        ));
        // Allowed on the task but not on its cluster.
        inv.users.push(user(
            "taskonly",
            allow(
                &["ecs:ExecuteCommand"],
                "arn:aws:ecs:us-east-1:111122223333:task/*",
            ),
        ));
        let g = graph(&inv);
        // The locked role's containers cannot open the exec channels.
        assert!(
            !g.edges.iter().any(|e| e.to.ends_with("role/locked")),
            "{:?}",
            g.edges
        );
        let paths = g.paths();
        let ops = paths
            .iter()
            .find(|p| p.principal.ends_with("user/ops"))
            .unwrap();
        assert_eq!(ops.steps.len(), 1);
        assert_eq!(ops.steps[0].method, "ecs-execute-command");
        assert_eq!(ops.admin, "arn:aws:iam::111122223333:role/worker");
        assert!(
            ops.steps[0].detail.contains("task/prod/t1"),
            "{}",
            ops.steps[0].detail
        );
        for who in ["user/dev", "user/stage", "user/taskonly"] {
            assert!(
                !paths.iter().any(|p| p.principal.ends_with(who)),
                "{who}: {paths:?}"
            );
        }
    }

    #[test]
    fn self_grant_and_a_deny_that_stops_it() {
        let mut inv = Inventory::default();
        inv.users.push(user(
            "selfish",
            allow(
                &["iam:PutUserPolicy"],
                "arn:aws:iam::111122223333:user/selfish",
            ),
        ));
        let mut denied = user("denied", allow(&["iam:PutUserPolicy"], "*"));
        denied.inline_policies.push(InlinePolicy {
            name: "guard".into(),
            document: doc(serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "iam:Put*", "Resource": "*"}
            ]})),
        });
        inv.users.push(denied);
        let paths = graph(&inv).paths();
        let selfish = paths
            .iter()
            .find(|p| p.principal.ends_with("user/selfish"))
            .unwrap();
        assert_eq!(selfish.steps[0].method, "put-own-inline-policy");
        assert_eq!(selfish.admin, selfish.principal);
        assert!(!paths.iter().any(|p| p.principal.ends_with("user/denied")));
    }

    #[test]
    fn joining_an_admin_group() {
        let mut inv = Inventory::default();
        inv.policies.push(admin_policy());
        inv.groups.push(IamGroup {
            name: "admins".into(),
            arn: "arn:aws:iam::111122223333:group/admins".into(),
            attached_policies: vec![ADMIN_POLICY.into()],
            ..IamGroup::default()
        });
        inv.users
            .push(user("joiner", allow(&["iam:AddUserToGroup"], "*")));
        let paths = graph(&inv).paths();
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0].steps[0].method, "add-self-to-admin-group");
    }

    #[test]
    fn mfa_conditioned_grants_are_not_taken() {
        let mut inv = Inventory::default();
        inv.users.push(user(
            "careful",
            serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
        ));
        assert!(graph(&inv).paths().is_empty());
    }
}
