//! The catalog of response actions: their names, parameters, whether they
//! can be undone, and the calls they make (the static plan, before the
//! account's state is read).

use crate::call::Call;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::fmt;

/// A response action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Describe calls saved as JSON files with SHA-256 hashes.
    CaptureEvidence,
    /// Set the user's access keys to Inactive (never deletes them).
    DeactivateAccessKeys,
    /// Put an inline policy that denies every action.
    AttachDenyAllPolicy,
    /// Delete the user's console password.
    DeleteLoginProfile,
    /// Deny everything to sessions issued before the incident started.
    RevokeSessions,
    /// Isolate an instance: no-rule security group on every ENI,
    /// termination protection, out of its Auto Scaling group and target groups.
    QuarantineInstance,
    /// Snapshot every attached EBS volume, tagged as evidence.
    SnapshotVolumes,
    /// Stop the instance.
    StopInstance,
    /// Turn on all four S3 Block Public Access settings on a bucket.
    BlockPublicAccess,
    /// Tag resources with the incident id.
    TagResources,
    /// A step for a person: instructions printed and recorded.
    Manual,
}

/// A parameter of an action.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Name in the playbook's `with:`.
    pub name: &'static str,
    /// Whether the step needs it.
    pub required: bool,
    /// What it is.
    pub help: &'static str,
}

const fn req(name: &'static str, help: &'static str) -> Param {
    Param {
        name,
        required: true,
        help,
    }
}

const fn opt(name: &'static str, help: &'static str) -> Param {
    Param {
        name,
        required: false,
        help,
    }
}

const TARGETS: [Param; 5] = [
    opt("user", "IAM user name"),
    opt("role", "IAM role name"),
    opt("instance", "EC2 instance id"),
    opt("bucket", "S3 bucket name"),
    opt("account", "`true` for account-level IAM data"),
];
const KEYS: [Param; 2] = [
    req("user", "IAM user name"),
    opt("access_key_id", "only this key (default: every active key)"),
];
const PRINCIPAL: [Param; 3] = [
    opt("user", "IAM user name (one of user, role)"),
    opt("role", "IAM role name (one of user, role)"),
    opt("policy_name", "inline policy name"),
];
const USER: [Param; 1] = [req("user", "IAM user name")];
const QUARANTINE: [Param; 3] = [
    req("instance", "EC2 instance id"),
    opt("group_name", "quarantine security group name"),
    opt("asg", "`detach` (default) or `suspend`"),
];
const INSTANCE: [Param; 1] = [req("instance", "EC2 instance id")];
const BUCKET: [Param; 1] = [req("bucket", "S3 bucket name")];
const TAGS: [Param; 5] = [
    opt("user", "IAM user name"),
    opt("role", "IAM role name"),
    opt("instance", "EC2 instance id"),
    opt("bucket", "S3 bucket name"),
    opt("tags", "more tags, a mapping"),
];
const MANUAL: [Param; 1] = [req("instructions", "what a person must do")];

/// Name of the inline deny-all policy unless the step names another.
pub const DENY_ALL_POLICY: &str = "pillar-incident-deny-all";
/// Name of the session revocation policy (the name the IAM console uses).
pub const REVOKE_POLICY: &str = "AWSRevokeOlderSessions";
/// Name prefix of the quarantine security group.
pub const QUARANTINE_GROUP: &str = "pillar-quarantine";
/// Tag key carrying the incident id.
pub const INCIDENT_TAG: &str = "pillar:incident-id";

impl Action {
    /// Every action.
    pub const ALL: [Action; 11] = [
        Action::CaptureEvidence,
        Action::DeactivateAccessKeys,
        Action::AttachDenyAllPolicy,
        Action::DeleteLoginProfile,
        Action::RevokeSessions,
        Action::QuarantineInstance,
        Action::SnapshotVolumes,
        Action::StopInstance,
        Action::BlockPublicAccess,
        Action::TagResources,
        Action::Manual,
    ];

    /// Kebab-case name as written in playbooks.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::CaptureEvidence => "capture-evidence",
            Action::DeactivateAccessKeys => "deactivate-access-keys",
            Action::AttachDenyAllPolicy => "attach-deny-all-policy",
            Action::DeleteLoginProfile => "delete-login-profile",
            Action::RevokeSessions => "revoke-sessions",
            Action::QuarantineInstance => "quarantine-instance",
            Action::SnapshotVolumes => "snapshot-volumes",
            Action::StopInstance => "stop-instance",
            Action::BlockPublicAccess => "block-public-access",
            Action::TagResources => "tag-resources",
            Action::Manual => "manual",
        }
    }

    /// Parse a kebab-case name.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The parameters the action takes.
    pub fn params(self) -> &'static [Param] {
        match self {
            Action::CaptureEvidence => &TARGETS,
            Action::DeactivateAccessKeys => &KEYS,
            Action::AttachDenyAllPolicy | Action::RevokeSessions => &PRINCIPAL,
            Action::DeleteLoginProfile => &USER,
            Action::QuarantineInstance => &QUARANTINE,
            Action::SnapshotVolumes | Action::StopInstance => &INSTANCE,
            Action::BlockPublicAccess => &BUCKET,
            Action::TagResources => &TAGS,
            Action::Manual => &MANUAL,
        }
    }

    /// Whether `--undo` can reverse it.
    pub fn reversible(self) -> bool {
        matches!(
            self,
            Action::DeactivateAccessKeys
                | Action::AttachDenyAllPolicy
                | Action::RevokeSessions
                | Action::QuarantineInstance
                | Action::StopInstance
                | Action::BlockPublicAccess
                | Action::TagResources
        )
    }

    /// Whether the action never changes the account.
    pub fn read_only(self) -> bool {
        matches!(self, Action::CaptureEvidence | Action::Manual)
    }

    /// Checks that go beyond required parameters; `Err` says what is wrong.
    pub fn check_params(self, params: &Map<String, Value>) -> Result<(), String> {
        let has = |k: &str| params.contains_key(k);
        let any_target = ["user", "role", "instance", "bucket", "account"]
            .iter()
            .any(|k| has(k));
        match self {
            Action::AttachDenyAllPolicy | Action::RevokeSessions if has("user") == has("role") => {
                return Err("needs exactly one of `user` and `role`".into());
            }
            Action::CaptureEvidence | Action::TagResources if !any_target => {
                return Err(
                    "needs at least one of `user`, `role`, `instance`, `bucket`, `account`".into(),
                );
            }
            Action::QuarantineInstance => {
                if let Some(v) = params.get("asg") {
                    if !matches!(v.as_str(), Some("detach" | "suspend")) {
                        return Err("`asg` is `detach` or `suspend`".into());
                    }
                }
            }
            _ => {}
        }
        if let Some(t) = params.get("tags") {
            let ok = t
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string));
            if !ok {
                return Err("`tags` is a mapping of strings".into());
            }
        }
        Ok(())
    }

    /// Every call the action may make, before the account's state is known:
    /// reads first, then the changes, each with the condition it depends on.
    pub fn static_calls(self, p: &Map<String, Value>, incident: &str) -> Vec<Call> {
        let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let user = s("user");
        let role = s("role");
        let instance = s("instance");
        let bucket = s("bucket");
        match self {
            Action::CaptureEvidence => evidence_calls(p),
            Action::DeactivateAccessKeys => {
                let which = match p.get("access_key_id").and_then(Value::as_str) {
                    Some(k) => format!("key {k} if it is Active"),
                    None => "each Active key".to_owned(),
                };
                vec![
                    Call::read("iam", "ListAccessKeys", json!({"UserName": user})),
                    Call::write(
                        "iam",
                        "UpdateAccessKey",
                        json!({"UserName": user, "AccessKeyId": "<key>", "Status": "Inactive"}),
                    )
                    .note(which),
                ]
            }
            Action::AttachDenyAllPolicy => {
                let name = p
                    .get("policy_name")
                    .and_then(Value::as_str)
                    .unwrap_or(DENY_ALL_POLICY);
                let (get, put, key, who) = principal_ops(&user, &role);
                vec![
                    Call::read("iam", get, json!({key: who, "PolicyName": name})),
                    Call::write(
                        "iam",
                        put,
                        json!({key: who, "PolicyName": name, "PolicyDocument": deny_all_document()}),
                    )
                    .note("unless the same policy is already there"),
                ]
            }
            Action::RevokeSessions => {
                let name = p
                    .get("policy_name")
                    .and_then(Value::as_str)
                    .unwrap_or(REVOKE_POLICY);
                let (get, put, key, who) = principal_ops(&user, &role);
                vec![
                    Call::read("iam", get, json!({key: who, "PolicyName": name})),
                    Call::write(
                        "iam",
                        put,
                        json!({key: who, "PolicyName": name,
                               "PolicyDocument": revoke_document("<incident start>")}),
                    )
                    .note("unless a revocation at or after the incident start is already there"),
                ]
            }
            Action::DeleteLoginProfile => vec![
                Call::read("iam", "GetLoginProfile", json!({"UserName": user})),
                Call::write("iam", "DeleteLoginProfile", json!({"UserName": user}))
                    .note("if the user has a console password"),
            ],
            Action::QuarantineInstance => {
                let group = quarantine_group_name(p, incident);
                let mut calls = vec![
                    Call::read("ec2", "DescribeInstances", json!({"InstanceIds": [instance]})),
                    Call::read(
                        "ec2",
                        "DescribeSecurityGroups",
                        json!({"Filters": {"vpc-id": "<instance's VPC>", "group-name": group}}),
                    ),
                    Call::read(
                        "ec2",
                        "DescribeInstanceAttribute",
                        json!({"InstanceId": instance, "Attribute": "disableApiTermination"}),
                    ),
                    Call::read(
                        "autoscaling",
                        "DescribeAutoScalingInstances",
                        json!({"InstanceIds": [instance]}),
                    ),
                    Call::read(
                        "autoscaling",
                        "DescribeAutoScalingGroups",
                        json!({"AutoScalingGroupNames": ["<the instance's group>"]}),
                    )
                    .note("if the instance is in an Auto Scaling group: its suspended processes"),
                    Call::read("elasticloadbalancing", "DescribeTargetGroups", json!({})),
                    Call::read(
                        "elasticloadbalancing",
                        "DescribeTargetHealth",
                        json!({"TargetGroupArn": "<each target group>"}),
                    ),
                ];
                calls.extend(quarantine_changes_template(p, &instance, &group));
                calls
            }
            Action::SnapshotVolumes => vec![
                Call::read("ec2", "DescribeInstances", json!({"InstanceIds": [instance]})),
                Call::read(
                    "ec2",
                    "DescribeSnapshots",
                    json!({"OwnerIds": ["self"], "Filters": {format!("tag:{INCIDENT_TAG}"): incident}}),
                ),
                Call::write(
                    "ec2",
                    "CreateSnapshot",
                    json!({"VolumeId": "<volume>", "TagSpecifications": snapshot_tags(incident, &instance, "<volume>")}),
                )
                .note("for each attached volume without an evidence snapshot of this incident"),
            ],
            Action::StopInstance => vec![
                Call::read("ec2", "DescribeInstances", json!({"InstanceIds": [instance]})),
                Call::write("ec2", "StopInstances", json!({"InstanceIds": [instance]}))
                    .note("if the instance is pending or running"),
            ],
            Action::BlockPublicAccess => vec![
                Call::read("s3", "GetPublicAccessBlock", json!({"Bucket": bucket})),
                Call::write(
                    "s3",
                    "PutPublicAccessBlock",
                    json!({"Bucket": bucket, "PublicAccessBlockConfiguration": all_blocked()}),
                )
                .note("unless all four settings are already on"),
            ],
            Action::TagResources => {
                let tags = incident_tags(p, incident);
                let mut calls = Vec::new();
                if !user.is_empty() {
                    calls.push(Call::read("iam", "ListUserTags", json!({"UserName": user})));
                    calls.push(
                        Call::write("iam", "TagUser", json!({"UserName": user, "Tags": tags}))
                            .note("the tags that are missing or different"),
                    );
                }
                if !role.is_empty() {
                    calls.push(Call::read("iam", "ListRoleTags", json!({"RoleName": role})));
                    calls.push(
                        Call::write("iam", "TagRole", json!({"RoleName": role, "Tags": tags}))
                            .note("the tags that are missing or different"),
                    );
                }
                if !instance.is_empty() {
                    calls.push(Call::read(
                        "ec2",
                        "DescribeTags",
                        json!({"Filters": {"resource-id": instance}}),
                    ));
                    calls.push(
                        Call::write(
                            "ec2",
                            "CreateTags",
                            json!({"Resources": [instance], "Tags": tags}),
                        )
                        .note("the tags that are missing or different"),
                    );
                }
                if !bucket.is_empty() {
                    calls.push(Call::read("s3", "GetBucketTagging", json!({"Bucket": bucket})));
                    calls.push(
                        Call::write(
                            "s3",
                            "PutBucketTagging",
                            json!({"Bucket": bucket, "Tagging": {"TagSet": tags}}),
                        )
                        .note("the bucket's tags plus these, if any is missing or different"),
                    );
                }
                calls
            }
            Action::Manual => Vec::new(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn principal_ops(user: &str, role: &str) -> (&'static str, &'static str, &'static str, String) {
    if user.is_empty() {
        (
            "GetRolePolicy",
            "PutRolePolicy",
            "RoleName",
            role.to_owned(),
        )
    } else {
        (
            "GetUserPolicy",
            "PutUserPolicy",
            "UserName",
            user.to_owned(),
        )
    }
}

/// The read calls of `capture-evidence` for the targets it is given.
pub fn evidence_calls(p: &Map<String, Value>) -> Vec<Call> {
    let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut calls = Vec::new();
    if let Some(u) = s("user") {
        for op in [
            "GetUser",
            "ListAccessKeys",
            "ListAttachedUserPolicies",
            "ListUserPolicies",
            "ListGroupsForUser",
            "ListMFADevices",
            "ListUserTags",
        ] {
            calls.push(Call::read("iam", op, json!({"UserName": u})));
        }
        calls.push(
            Call::read("iam", "GetLoginProfile", json!({"UserName": u}))
                .note("NoSuchEntity is recorded: the user has no console password"),
        );
    }
    if let Some(r) = s("role") {
        for op in [
            "GetRole",
            "ListAttachedRolePolicies",
            "ListRolePolicies",
            "ListRoleTags",
        ] {
            calls.push(Call::read("iam", op, json!({"RoleName": r})));
        }
    }
    if let Some(i) = s("instance") {
        calls.push(Call::read(
            "ec2",
            "DescribeInstances",
            json!({"InstanceIds": [i]}),
        ));
        calls.push(Call::read(
            "ec2",
            "DescribeNetworkInterfaces",
            json!({"Filters": {"attachment.instance-id": i}}),
        ));
        calls.push(Call::read(
            "ec2",
            "DescribeVolumes",
            json!({"Filters": {"attachment.instance-id": i}}),
        ));
        calls.push(
            Call::read(
                "ec2",
                "DescribeSecurityGroups",
                json!({"GroupIds": "<the instance's groups>"}),
            )
            .note("the groups of the instance's network interfaces"),
        );
    }
    if let Some(b) = s("bucket") {
        for op in [
            "GetBucketAcl",
            "GetBucketPolicy",
            "GetPublicAccessBlock",
            "GetBucketPolicyStatus",
            "GetBucketTagging",
        ] {
            calls.push(
                Call::read("s3", op, json!({"Bucket": b}))
                    .note("a missing configuration is recorded as such"),
            );
        }
    }
    if p.get("account").and_then(Value::as_bool) == Some(true) {
        for op in [
            "GetAccountSummary",
            "ListAccountAliases",
            "GetAccountPasswordPolicy",
            "ListVirtualMFADevices",
            "GetCredentialReport",
        ] {
            calls.push(Call::read("iam", op, json!({})));
        }
    }
    calls
}

fn quarantine_changes_template(p: &Map<String, Value>, instance: &str, group: &str) -> Vec<Call> {
    let mut calls = vec![
        Call::write(
            "ec2",
            "CreateSecurityGroup",
            json!({"GroupName": group, "VpcId": "<instance's VPC>",
                   "Description": "pillar quarantine: no inbound or outbound rule"}),
        )
        .note("if the group does not exist yet"),
        Call::write(
            "ec2",
            "RevokeSecurityGroupEgress",
            json!({"GroupId": "<quarantine group>", "IpPermissions": "<each outbound rule>"}),
        )
        .note("a new group allows all outbound traffic by default"),
        Call::write(
            "ec2",
            "ModifyNetworkInterfaceAttribute",
            json!({"NetworkInterfaceId": "<each ENI>", "Groups": ["<quarantine group>"]}),
        )
        .note("each ENI of the instance whose groups are not exactly the quarantine group"),
        Call::write(
            "ec2",
            "ModifyInstanceAttribute",
            json!({"InstanceId": instance, "DisableApiTermination": {"Value": true}}),
        )
        .note("if termination protection is off"),
    ];
    if p.get("asg").and_then(Value::as_str) == Some("suspend") {
        calls.push(
            Call::write(
                "autoscaling",
                "SuspendProcesses",
                json!({"AutoScalingGroupName": "<the instance's group>",
                       "ScalingProcesses": SUSPENDED_PROCESSES}),
            )
            .note("if the instance is in an Auto Scaling group and a process still runs"),
        );
    } else {
        calls.push(
            Call::write(
                "autoscaling",
                "DetachInstances",
                json!({"AutoScalingGroupName": "<the instance's group>", "InstanceIds": [instance],
                       "ShouldDecrementDesiredCapacity": false}),
            )
            .note("if the instance is in an Auto Scaling group (the group launches a replacement)"),
        );
    }
    calls.push(
        Call::write(
            "elasticloadbalancing",
            "DeregisterTargets",
            json!({"TargetGroupArn": "<each group>", "Targets": [{"Id": instance, "Port": "<port>"}]}),
        )
        .note("for each target group the instance is registered in"),
    );
    calls
}

/// Auto Scaling processes suspended by `asg: suspend`: the group then
/// neither terminates nor replaces the instance.
pub const SUSPENDED_PROCESSES: [&str; 4] = [
    "Terminate",
    "HealthCheck",
    "ReplaceUnhealthy",
    "AZRebalance",
];

/// The quarantine group's name for a step.
pub fn quarantine_group_name(p: &Map<String, Value>, incident: &str) -> String {
    p.get("group_name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{QUARANTINE_GROUP}-{incident}"))
}

/// A policy that denies every action on every resource.
pub fn deny_all_document() -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PillarIncidentDenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}]
    })
    .to_string()
}

/// The policy AWS documents for revoking a role's active sessions: deny
/// everything to credentials issued before `cutoff` (ISO 8601).
pub fn revoke_document(cutoff: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Action": ["*"],
            "Resource": ["*"],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}
        }]
    })
    .to_string()
}

/// The cut-off date of a revocation policy document, if it is one.
pub fn revoke_cutoff(document: &str) -> Option<String> {
    let v: Value = serde_json::from_str(document).ok()?;
    let stmts = match v.get("Statement")? {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    stmts.iter().find_map(|s| {
        s.get("Condition")?
            .get("DateLessThan")?
            .get("aws:TokenIssueTime")?
            .as_str()
            .map(str::to_owned)
    })
}

/// All four Block Public Access settings on.
pub fn all_blocked() -> Value {
    json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
           "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
}

/// The tags `tag-resources` sets: the incident id and the step's `tags`.
pub fn incident_tags(p: &Map<String, Value>, incident: &str) -> Vec<Value> {
    let mut tags = vec![json!({"Key": INCIDENT_TAG, "Value": incident})];
    if let Some(Value::Object(m)) = p.get("tags") {
        for (k, v) in m {
            if k != INCIDENT_TAG {
                tags.push(json!({"Key": k, "Value": v.as_str().unwrap_or_default()}));
            }
        }
    }
    tags
}

/// Tag specifications of an evidence snapshot.
pub fn snapshot_tags(incident: &str, instance: &str, volume: &str) -> Value {
    json!([{
        "ResourceType": "snapshot",
        "Tags": [
            {"Key": INCIDENT_TAG, "Value": incident},
            {"Key": "pillar:evidence", "Value": "true"},
            {"Key": "pillar:source-instance", "Value": instance},
            {"Key": "pillar:source-volume", "Value": volume},
        ]
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        assert_eq!(Action::parse("nope"), None);
    }

    #[test]
    fn revoke_document_carries_the_cutoff() {
        let d = revoke_document("2026-11-20T09:00:00Z");
        assert_eq!(revoke_cutoff(&d).as_deref(), Some("2026-11-20T09:00:00Z"));
        assert_eq!(revoke_cutoff(&deny_all_document()), None);
    }

    #[test]
    fn principal_actions_need_exactly_one_principal() {
        let mut p = Map::new();
        assert!(Action::AttachDenyAllPolicy.check_params(&p).is_err());
        p.insert("user".into(), json!("bob"));
        assert!(Action::AttachDenyAllPolicy.check_params(&p).is_ok());
        p.insert("role".into(), json!("r"));
        assert!(Action::RevokeSessions.check_params(&p).is_err());
    }

    #[test]
    fn static_plan_marks_changes() {
        let mut p = Map::new();
        p.insert("user".into(), json!("bob"));
        let calls = Action::DeactivateAccessKeys.static_calls(&p, "INC-1");
        assert!(!calls[0].mutating);
        assert!(calls[1].mutating);
        assert_eq!(calls[1].name(), "iam:UpdateAccessKey");
        assert!(Action::CaptureEvidence
            .static_calls(&p, "INC-1")
            .iter()
            .all(|c| !c.mutating));
    }
}
