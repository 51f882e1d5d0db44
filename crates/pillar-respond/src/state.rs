//! What an action finds in the account (read first), and the exact calls
//! that follow from it: only what is missing is changed, so running a
//! step twice changes nothing the second time, and a half-finished run
//! continues where it stopped. Undo compares the state recorded before the
//! first run with the state now and puts back only what the run changed.
//!
//! Everything here is pure: the executor (feature `aws`) reads the state
//! through the SDK and applies the calls.

use crate::action::{
    all_blocked, deny_all_document, incident_tags, quarantine_group_name, revoke_cutoff,
    revoke_document, snapshot_tags, Action, SUSPENDED_PROCESSES,
};
use crate::call::Call;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Placeholder for the id of the quarantine group created earlier in the
/// same step; the executor replaces it with the id `CreateSecurityGroup` returned.
pub const NEW_GROUP: &str = "{new-quarantine-group}";

/// An access key and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// Key id (an identifier, not a secret).
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
}

/// A network interface and its security groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eni {
    /// ENI id.
    pub id: String,
    /// Group ids, sorted.
    pub groups: Vec<String>,
}

/// The quarantine security group, when it exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Group id.
    pub id: String,
    /// Inbound rules (IpPermissions as in the API).
    pub ingress: Vec<Value>,
    /// Outbound rules.
    pub egress: Vec<Value>,
}

/// A target group registration of the instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Target group ARN.
    pub group: String,
    /// Port, when the registration has one.
    pub port: Option<i32>,
}

/// Everything `quarantine-instance` looks at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// Instance id.
    pub id: String,
    /// VPC id.
    pub vpc: String,
    /// Network interfaces.
    pub enis: Vec<Eni>,
    /// `DisableApiTermination`.
    pub termination_protection: bool,
    /// The quarantine group.
    pub group: Option<Group>,
    /// Auto Scaling group the instance is in.
    pub asg: Option<String>,
    /// Processes suspended on that group.
    pub suspended: Vec<String>,
    /// Target group registrations.
    pub registrations: Vec<Registration>,
}

/// An attached volume and its evidence snapshot for this incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// Volume id.
    pub id: String,
    /// Snapshot of this incident, when taken.
    pub snapshot: Option<String>,
}

/// Tags of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tagged {
    /// `user`, `role`, `instance` or `bucket`.
    pub kind: String,
    /// Name or id.
    pub id: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
}

/// The state a step reads before it acts (and again after).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum State {
    /// Nothing to read (evidence, manual).
    Nothing,
    /// A user's access keys.
    AccessKeys {
        /// User name.
        user: String,
        /// Keys.
        keys: Vec<Key>,
    },
    /// One inline policy of a user or role.
    InlinePolicy {
        /// `user` or `role`.
        principal: String,
        /// Its name.
        name: String,
        /// Policy name.
        policy: String,
        /// The document, when the policy exists.
        document: Option<String>,
    },
    /// A user's console password.
    LoginProfile {
        /// User name.
        user: String,
        /// Whether it exists.
        exists: bool,
    },
    /// An instance as quarantine sees it.
    Quarantine(Instance),
    /// An instance's attached volumes.
    Volumes {
        /// Instance id.
        instance: String,
        /// Volumes.
        volumes: Vec<Volume>,
    },
    /// An instance's run state.
    Run {
        /// Instance id.
        instance: String,
        /// `pending`, `running`, `stopping`, `stopped`…
        state: String,
    },
    /// A bucket's Block Public Access configuration.
    PublicAccessBlock {
        /// Bucket.
        bucket: String,
        /// The four settings, when configured.
        config: Option<BTreeMap<String, bool>>,
    },
    /// Tags of the step's resources.
    Tags {
        /// Resources.
        resources: Vec<Tagged>,
    },
}

fn param<'a>(p: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    p.get(k).and_then(Value::as_str)
}

fn same_policy(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn principal_key(principal: &str) -> (&'static str, &'static str, &'static str) {
    if principal == "role" {
        ("RoleName", "PutRolePolicy", "DeleteRolePolicy")
    } else {
        ("UserName", "PutUserPolicy", "DeleteUserPolicy")
    }
}

/// The calls that bring `state` to what the step wants. `cutoff` is the
/// incident's start (ISO 8601), the revocation time of `revoke-sessions`.
pub fn changes(
    action: Action,
    p: &Map<String, Value>,
    incident: &str,
    cutoff: &str,
    state: &State,
) -> Vec<Call> {
    match (action, state) {
        (Action::DeactivateAccessKeys, State::AccessKeys { user, keys }) => keys
            .iter()
            .filter(|k| k.status == "Active")
            .filter(|k| param(p, "access_key_id").is_none_or(|want| want == k.id))
            .map(|k| {
                Call::write(
                    "iam",
                    "UpdateAccessKey",
                    json!({"UserName": user, "AccessKeyId": k.id, "Status": "Inactive"}),
                )
            })
            .collect(),
        (
            Action::AttachDenyAllPolicy | Action::RevokeSessions,
            State::InlinePolicy {
                principal,
                name,
                policy,
                document,
            },
        ) => {
            let (key, put, _) = principal_key(principal);
            let wanted = if action == Action::AttachDenyAllPolicy {
                deny_all_document()
            } else {
                revoke_document(cutoff)
            };
            let done = match (action, document) {
                (_, None) => false,
                (Action::RevokeSessions, Some(d)) => {
                    // A revocation at or after the incident start already
                    // covers every session this one would revoke.
                    revoke_cutoff(d).is_some_and(|c| c.as_str() >= cutoff)
                }
                (_, Some(d)) => same_policy(d, &wanted),
            };
            if done {
                Vec::new()
            } else {
                vec![Call::write(
                    "iam",
                    put,
                    json!({key: name, "PolicyName": policy, "PolicyDocument": wanted}),
                )]
            }
        }
        (Action::DeleteLoginProfile, State::LoginProfile { user, exists }) => {
            if *exists {
                vec![Call::write("iam", "DeleteLoginProfile", json!({"UserName": user}))]
            } else {
                Vec::new()
            }
        }
        (Action::QuarantineInstance, State::Quarantine(i)) => quarantine(p, incident, i),
        (Action::SnapshotVolumes, State::Volumes { instance, volumes }) => volumes
            .iter()
            .filter(|v| v.snapshot.is_none())
            .map(|v| {
                Call::write(
                    "ec2",
                    "CreateSnapshot",
                    json!({"VolumeId": v.id,
                           "Description": format!("pillar evidence {incident}: {} of {instance}", v.id),
                           "TagSpecifications": snapshot_tags(incident, instance, &v.id)}),
                )
            })
            .collect(),
        (Action::StopInstance, State::Run { instance, state }) => {
            if matches!(state.as_str(), "pending" | "running") {
                vec![Call::write("ec2", "StopInstances", json!({"InstanceIds": [instance]}))]
            } else {
                Vec::new()
            }
        }
        (Action::BlockPublicAccess, State::PublicAccessBlock { bucket, config }) => {
            let all_on = config
                .as_ref()
                .is_some_and(|c| c.len() == 4 && c.values().all(|v| *v));
            if all_on {
                Vec::new()
            } else {
                vec![Call::write(
                    "s3",
                    "PutPublicAccessBlock",
                    json!({"Bucket": bucket, "PublicAccessBlockConfiguration": all_blocked()}),
                )]
            }
        }
        (Action::TagResources, State::Tags { resources }) => {
            let wanted = incident_tags(p, incident);
            resources
                .iter()
                .filter_map(|r| {
                    let missing: Vec<Value> = wanted
                        .iter()
                        .filter(|t| {
                            let k = t.get("Key").and_then(Value::as_str).unwrap_or("");
                            let v = t.get("Value").and_then(Value::as_str).unwrap_or("");
                            r.tags.get(k).map(String::as_str) != Some(v)
                        })
                        .cloned()
                        .collect();
                    if missing.is_empty() {
                        return None;
                    }
                    Some(tag_call(r, missing))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn tag_call(r: &Tagged, missing: Vec<Value>) -> Call {
    match r.kind.as_str() {
        "user" => Call::write("iam", "TagUser", json!({"UserName": r.id, "Tags": missing})),
        "role" => Call::write("iam", "TagRole", json!({"RoleName": r.id, "Tags": missing})),
        "instance" => Call::write(
            "ec2",
            "CreateTags",
            json!({"Resources": [r.id], "Tags": missing}),
        ),
        _ => {
            // PutBucketTagging replaces the whole set: keep the others.
            let mut set: BTreeMap<String, String> = r.tags.clone();
            for t in &missing {
                set.insert(
                    t.get("Key")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    t.get("Value")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                );
            }
            Call::write(
                "s3",
                "PutBucketTagging",
                json!({"Bucket": r.id, "Tagging": {"TagSet": tag_set(&set)}}),
            )
        }
    }
}

fn tag_set(m: &BTreeMap<String, String>) -> Vec<Value> {
    m.iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect()
}

fn quarantine(p: &Map<String, Value>, incident: &str, i: &Instance) -> Vec<Call> {
    let mut calls = Vec::new();
    let gid = match &i.group {
        None => {
            calls.push(Call::write(
                "ec2",
                "CreateSecurityGroup",
                json!({"GroupName": quarantine_group_name(p, incident), "VpcId": i.vpc,
                       "Description": format!("pillar quarantine for {incident}: no inbound or outbound rule"),
                       "TagSpecifications": [{"ResourceType": "security-group",
                           "Tags": [{"Key": crate::action::INCIDENT_TAG, "Value": incident}]}]}),
            ));
            // A new group allows all outbound IPv4 traffic; the step reads
            // the group again afterwards and removes any other rule.
            calls.push(Call::write(
                "ec2",
                "RevokeSecurityGroupEgress",
                json!({"GroupId": NEW_GROUP,
                       "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}),
            ));
            NEW_GROUP.to_owned()
        }
        Some(g) => {
            if !g.ingress.is_empty() {
                calls.push(Call::write(
                    "ec2",
                    "RevokeSecurityGroupIngress",
                    json!({"GroupId": g.id, "IpPermissions": g.ingress}),
                ));
            }
            if !g.egress.is_empty() {
                calls.push(Call::write(
                    "ec2",
                    "RevokeSecurityGroupEgress",
                    json!({"GroupId": g.id, "IpPermissions": g.egress}),
                ));
            }
            g.id.clone()
        }
    };
    for e in &i.enis {
        if e.groups != [gid.clone()] {
            calls.push(Call::write(
                "ec2",
                "ModifyNetworkInterfaceAttribute",
                json!({"NetworkInterfaceId": e.id, "Groups": [gid]}),
            ));
        }
    }
    if !i.termination_protection {
        calls.push(Call::write(
            "ec2",
            "ModifyInstanceAttribute",
            json!({"InstanceId": i.id, "DisableApiTermination": {"Value": true}}),
        ));
    }
    if let Some(asg) = &i.asg {
        if param(p, "asg") == Some("suspend") {
            let missing: Vec<&str> = SUSPENDED_PROCESSES
                .iter()
                .copied()
                .filter(|s| !i.suspended.iter().any(|x| x == s))
                .collect();
            if !missing.is_empty() {
                calls.push(Call::write(
                    "autoscaling",
                    "SuspendProcesses",
                    json!({"AutoScalingGroupName": asg, "ScalingProcesses": missing}),
                ));
            }
        } else {
            calls.push(Call::write(
                "autoscaling",
                "DetachInstances",
                json!({"AutoScalingGroupName": asg, "InstanceIds": [i.id],
                       "ShouldDecrementDesiredCapacity": false}),
            ));
        }
    }
    for r in &i.registrations {
        let mut target = json!({"Id": i.id});
        if let (Some(port), Some(t)) = (r.port, target.as_object_mut()) {
            t.insert("Port".into(), json!(port));
        }
        calls.push(Call::write(
            "elasticloadbalancing",
            "DeregisterTargets",
            json!({"TargetGroupArn": r.group, "Targets": [target]}),
        ));
    }
    calls
}

/// The calls that undo what a run changed: `before` is the state recorded
/// before the incident's first run of the step, `now` the state read now.
/// Only what differs and was changed by the action is put back.
pub fn undo(action: Action, before: &State, now: &State) -> Vec<Call> {
    match (action, before, now) {
        (
            Action::DeactivateAccessKeys,
            State::AccessKeys { user, keys: b },
            State::AccessKeys { keys: n, .. },
        ) => n
            .iter()
            .filter(|k| k.status == "Inactive")
            .filter(|k| b.iter().any(|o| o.id == k.id && o.status == "Active"))
            .map(|k| {
                Call::write(
                    "iam",
                    "UpdateAccessKey",
                    json!({"UserName": user, "AccessKeyId": k.id, "Status": "Active"}),
                )
            })
            .collect(),
        (
            Action::AttachDenyAllPolicy | Action::RevokeSessions,
            State::InlinePolicy {
                principal,
                name,
                policy,
                document: b,
            },
            State::InlinePolicy { document: n, .. },
        ) => {
            let (key, put, delete) = principal_key(principal);
            match (b, n) {
                (None, Some(_)) => vec![Call::write(
                    "iam",
                    delete,
                    json!({key: name, "PolicyName": policy}),
                )],
                (Some(old), Some(cur)) if !same_policy(old, cur) => vec![Call::write(
                    "iam",
                    put,
                    json!({key: name, "PolicyName": policy, "PolicyDocument": old}),
                )],
                _ => Vec::new(),
            }
        }
        (Action::QuarantineInstance, State::Quarantine(b), State::Quarantine(n)) => {
            let mut calls = Vec::new();
            for e in &n.enis {
                if let Some(old) = b.enis.iter().find(|o| o.id == e.id) {
                    if old.groups != e.groups && !old.groups.is_empty() {
                        calls.push(Call::write(
                            "ec2",
                            "ModifyNetworkInterfaceAttribute",
                            json!({"NetworkInterfaceId": e.id, "Groups": old.groups}),
                        ));
                    }
                }
            }
            if !b.termination_protection && n.termination_protection {
                calls.push(Call::write(
                    "ec2",
                    "ModifyInstanceAttribute",
                    json!({"InstanceId": n.id, "DisableApiTermination": {"Value": false}}),
                ));
            }
            if let (Some(asg), None) = (&b.asg, &n.asg) {
                calls.push(Call::write(
                    "autoscaling",
                    "AttachInstances",
                    json!({"AutoScalingGroupName": asg, "InstanceIds": [n.id]}),
                ));
            }
            if let (Some(asg), Some(_)) = (&b.asg, &n.asg) {
                let resume: Vec<&String> = n
                    .suspended
                    .iter()
                    .filter(|s| !b.suspended.contains(s))
                    .collect();
                if !resume.is_empty() {
                    calls.push(Call::write(
                        "autoscaling",
                        "ResumeProcesses",
                        json!({"AutoScalingGroupName": asg, "ScalingProcesses": resume}),
                    ));
                }
            }
            for r in &b.registrations {
                if !n.registrations.contains(r) {
                    let mut target = json!({"Id": n.id});
                    if let (Some(port), Some(t)) = (r.port, target.as_object_mut()) {
                        t.insert("Port".into(), json!(port));
                    }
                    calls.push(Call::write(
                        "elasticloadbalancing",
                        "RegisterTargets",
                        json!({"TargetGroupArn": r.group, "Targets": [target]}),
                    ));
                }
            }
            calls
        }
        (Action::StopInstance, State::Run { instance, state: b }, State::Run { state: n, .. }) => {
            if matches!(b.as_str(), "pending" | "running") && n == "stopped" {
                vec![Call::write(
                    "ec2",
                    "StartInstances",
                    json!({"InstanceIds": [instance]}),
                )]
            } else {
                Vec::new()
            }
        }
        (
            Action::BlockPublicAccess,
            State::PublicAccessBlock { bucket, config: b },
            State::PublicAccessBlock { config: n, .. },
        ) => {
            if b == n {
                return Vec::new();
            }
            match b {
                None => vec![Call::write(
                    "s3",
                    "DeletePublicAccessBlock",
                    json!({"Bucket": bucket}),
                )],
                Some(cfg) => vec![Call::write(
                    "s3",
                    "PutPublicAccessBlock",
                    json!({"Bucket": bucket, "PublicAccessBlockConfiguration": cfg}),
                )],
            }
        }
        (Action::TagResources, State::Tags { resources: b }, State::Tags { resources: n }) => {
            let mut calls = Vec::new();
            for r in n {
                let old = b
                    .iter()
                    .find(|o| o.kind == r.kind && o.id == r.id)
                    .map(|o| o.tags.clone())
                    .unwrap_or_default();
                if old == r.tags {
                    continue;
                }
                let added: Vec<&String> = r.tags.keys().filter(|k| !old.contains_key(*k)).collect();
                let changed: Vec<Value> = old
                    .iter()
                    .filter(|(k, v)| r.tags.get(*k).is_some_and(|now| now != *v))
                    .map(|(k, v)| json!({"Key": k, "Value": v}))
                    .collect();
                match r.kind.as_str() {
                    "user" | "role" => {
                        let (key, untag, tag) = if r.kind == "user" {
                            ("UserName", "UntagUser", "TagUser")
                        } else {
                            ("RoleName", "UntagRole", "TagRole")
                        };
                        if !added.is_empty() {
                            calls.push(Call::write(
                                "iam",
                                untag,
                                json!({key: r.id, "TagKeys": added}),
                            ));
                        }
                        if !changed.is_empty() {
                            calls.push(Call::write(
                                "iam",
                                tag,
                                json!({key: r.id, "Tags": changed}),
                            ));
                        }
                    }
                    "instance" => {
                        if !added.is_empty() {
                            let keys: Vec<Value> =
                                added.iter().map(|k| json!({"Key": k})).collect();
                            calls.push(Call::write(
                                "ec2",
                                "DeleteTags",
                                json!({"Resources": [r.id], "Tags": keys}),
                            ));
                        }
                        if !changed.is_empty() {
                            calls.push(Call::write(
                                "ec2",
                                "CreateTags",
                                json!({"Resources": [r.id], "Tags": changed}),
                            ));
                        }
                    }
                    _ => {
                        if old.is_empty() {
                            calls.push(Call::write(
                                "s3",
                                "DeleteBucketTagging",
                                json!({"Bucket": r.id}),
                            ));
                        } else {
                            calls.push(Call::write(
                                "s3",
                                "PutBucketTagging",
                                json!({"Bucket": r.id, "Tagging": {"TagSet": tag_set(&old)}}),
                            ));
                        }
                    }
                }
            }
            calls
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect()
    }

    #[test]
    fn keys_only_active_and_only_the_named_one() {
        let st = State::AccessKeys {
            user: "bob".into(),
            keys: vec![
                Key {
                    id: "K1".into(),
                    status: "Active".into(),
                },
                Key {
                    id: "K2".into(),
                    status: "Inactive".into(),
                },
                Key {
                    id: "K3".into(),
                    status: "Active".into(),
                },
            ],
        };
        let c = changes(Action::DeactivateAccessKeys, &p(&[]), "i", "t", &st);
        assert_eq!(c.len(), 2);
        let c = changes(
            Action::DeactivateAccessKeys,
            &p(&[("access_key_id", "K3")]),
            "i",
            "t",
            &st,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].params["AccessKeyId"], "K3");
        let after = State::AccessKeys {
            user: "bob".into(),
            keys: vec![
                Key {
                    id: "K1".into(),
                    status: "Inactive".into(),
                },
                Key {
                    id: "K2".into(),
                    status: "Inactive".into(),
                },
                Key {
                    id: "K3".into(),
                    status: "Inactive".into(),
                },
            ],
        };
        assert!(changes(Action::DeactivateAccessKeys, &p(&[]), "i", "t", &after).is_empty());
        let u = undo(Action::DeactivateAccessKeys, &st, &after);
        let ids: Vec<&str> = u
            .iter()
            .map(|c| c.params["AccessKeyId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["K1", "K3"], "K2 was inactive before and stays so");
    }

    #[test]
    fn revoke_keeps_a_later_cutoff() {
        let st = |doc: Option<String>| State::InlinePolicy {
            principal: "role".into(),
            name: "app".into(),
            policy: "AWSRevokeOlderSessions".into(),
            document: doc,
        };
        let c = changes(
            Action::RevokeSessions,
            &p(&[]),
            "i",
            "2026-11-20T10:00:00Z",
            &st(None),
        );
        assert_eq!(c[0].operation, "PutRolePolicy");
        let old = st(Some(revoke_document("2026-01-01T00:00:00Z")));
        assert_eq!(
            changes(
                Action::RevokeSessions,
                &p(&[]),
                "i",
                "2026-11-20T10:00:00Z",
                &old
            )
            .len(),
            1
        );
        let same = st(Some(revoke_document("2026-11-20T10:00:00Z")));
        assert!(changes(
            Action::RevokeSessions,
            &p(&[]),
            "i",
            "2026-11-20T10:00:00Z",
            &same
        )
        .is_empty());
        let u = undo(Action::RevokeSessions, &st(None), &same);
        assert_eq!(u[0].operation, "DeleteRolePolicy");
        let u = undo(Action::RevokeSessions, &old, &same);
        assert_eq!(u[0].operation, "PutRolePolicy");
    }

    fn inst(groups: &[&str], tp: bool, group: Option<Group>, asg: Option<&str>) -> Instance {
        Instance {
            id: "i-1".into(),
            vpc: "vpc-1".into(),
            enis: vec![Eni {
                id: "eni-1".into(),
                groups: groups.iter().map(|s| (*s).to_owned()).collect(),
            }],
            termination_protection: tp,
            group,
            asg: asg.map(str::to_owned),
            suspended: vec![],
            registrations: vec![Registration {
                group: "arn:tg".into(),
                port: Some(80),
            }],
        }
    }

    #[test]
    fn quarantine_converges() {
        let before = inst(&["sg-web"], false, None, Some("asg-1"));
        let c = changes(
            Action::QuarantineInstance,
            &p(&[]),
            "inc",
            "t",
            &State::Quarantine(before.clone()),
        );
        let ops: Vec<&str> = c.iter().map(|c| c.operation.as_str()).collect();
        assert_eq!(
            ops,
            [
                "CreateSecurityGroup",
                "RevokeSecurityGroupEgress",
                "ModifyNetworkInterfaceAttribute",
                "ModifyInstanceAttribute",
                "DetachInstances",
                "DeregisterTargets"
            ]
        );
        assert_eq!(c[2].params["Groups"][0], NEW_GROUP);
        let q = Group {
            id: "sg-q".into(),
            ingress: vec![],
            egress: vec![],
        };
        let mut after = inst(&["sg-q"], true, Some(q), None);
        after.registrations.clear();
        assert!(changes(
            Action::QuarantineInstance,
            &p(&[]),
            "inc",
            "t",
            &State::Quarantine(after.clone())
        )
        .is_empty());
        let u = undo(
            Action::QuarantineInstance,
            &State::Quarantine(before),
            &State::Quarantine(after),
        );
        let ops: Vec<&str> = u.iter().map(|c| c.operation.as_str()).collect();
        assert_eq!(
            ops,
            [
                "ModifyNetworkInterfaceAttribute",
                "ModifyInstanceAttribute",
                "AttachInstances",
                "RegisterTargets"
            ]
        );
        assert_eq!(u[0].params["Groups"][0], "sg-web");
    }

    #[test]
    fn quarantine_group_with_rules_is_emptied() {
        let g = Group {
            id: "sg-q".into(),
            ingress: vec![json!({"IpProtocol": "tcp"})],
            egress: vec![json!({"IpProtocol": "-1"})],
        };
        let c = changes(
            Action::QuarantineInstance,
            &p(&[("asg", "suspend")]),
            "inc",
            "t",
            &State::Quarantine(inst(&["sg-q"], true, Some(g), Some("a"))),
        );
        let ops: Vec<&str> = c.iter().map(|c| c.operation.as_str()).collect();
        assert_eq!(
            ops,
            [
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "SuspendProcesses",
                "DeregisterTargets"
            ]
        );
    }

    #[test]
    fn bucket_block_and_undo() {
        let none = State::PublicAccessBlock {
            bucket: "b".into(),
            config: None,
        };
        let c = changes(Action::BlockPublicAccess, &p(&[]), "i", "t", &none);
        assert_eq!(c.len(), 1);
        let on: BTreeMap<String, bool> = [
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        ]
        .iter()
        .map(|k| ((*k).to_owned(), true))
        .collect();
        let done = State::PublicAccessBlock {
            bucket: "b".into(),
            config: Some(on),
        };
        assert!(changes(Action::BlockPublicAccess, &p(&[]), "i", "t", &done).is_empty());
        assert_eq!(
            undo(Action::BlockPublicAccess, &none, &done)[0].operation,
            "DeletePublicAccessBlock"
        );
    }

    #[test]
    fn tags_only_missing_and_bucket_keeps_others() {
        let mut existing = BTreeMap::new();
        existing.insert("team".to_owned(), "web".to_owned());
        let st = State::Tags {
            resources: vec![Tagged {
                kind: "bucket".into(),
                id: "b".into(),
                tags: existing.clone(),
            }],
        };
        let c = changes(Action::TagResources, &p(&[]), "inc-1", "t", &st);
        assert_eq!(c.len(), 1);
        let set = c[0].params["Tagging"]["TagSet"].as_array().unwrap();
        assert_eq!(set.len(), 2);
        let mut tagged = existing.clone();
        tagged.insert("pillar:incident-id".into(), "inc-1".into());
        let after = State::Tags {
            resources: vec![Tagged {
                kind: "bucket".into(),
                id: "b".into(),
                tags: tagged,
            }],
        };
        assert!(changes(Action::TagResources, &p(&[]), "inc-1", "t", &after).is_empty());
        let u = undo(Action::TagResources, &st, &after);
        assert_eq!(u[0].operation, "PutBucketTagging");
        assert_eq!(
            u[0].params["Tagging"]["TagSet"].as_array().unwrap().len(),
            1
        );
    }

    #[test]
    fn stop_and_snapshot_and_login() {
        let run = State::Run {
            instance: "i-1".into(),
            state: "running".into(),
        };
        assert_eq!(
            changes(Action::StopInstance, &p(&[]), "i", "t", &run).len(),
            1
        );
        let stopped = State::Run {
            instance: "i-1".into(),
            state: "stopped".into(),
        };
        assert!(changes(Action::StopInstance, &p(&[]), "i", "t", &stopped).is_empty());
        assert_eq!(
            undo(Action::StopInstance, &run, &stopped)[0].operation,
            "StartInstances"
        );
        let vols = State::Volumes {
            instance: "i-1".into(),
            volumes: vec![
                Volume {
                    id: "vol-1".into(),
                    snapshot: Some("snap-1".into()),
                },
                Volume {
                    id: "vol-2".into(),
                    snapshot: None,
                },
            ],
        };
        let c = changes(Action::SnapshotVolumes, &p(&[]), "i", "t", &vols);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].params["VolumeId"], "vol-2");
        let lp = State::LoginProfile {
            user: "bob".into(),
            exists: false,
        };
        assert!(changes(Action::DeleteLoginProfile, &p(&[]), "i", "t", &lp).is_empty());
    }
}
