//! The executor (feature `aws`): reads the account through the AWS SDK for
//! Rust, turns each step's static calls into the exact ones
//! ([`crate::state::changes`]), applies them, and records every call and
//! each step's before/after state in the audit log.

use crate::action::{evidence_calls, quarantine_group_name, Action, INCIDENT_TAG};
use crate::audit::{sha256_hex, AuditError, AuditLog};
use crate::call::Call;
use crate::plan::{Plan, PlannedStep};
use crate::playbook::OnFailure;
use crate::state::{
    self, Eni, Group, Instance, Key, Registration, State, Tagged, Volume, NEW_GROUP,
};
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_smithy_types::error::display::DisplayErrorContext;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where and as whom to connect.
#[derive(Debug, Clone, Default)]
pub struct Connect {
    /// Region (else the finding's, else the SDK's default chain).
    pub region: Option<String>,
    /// Named profile.
    pub profile: Option<String>,
    /// Endpoint URL (an emulator).
    pub endpoint_url: Option<String>,
}

/// What a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Read the account and fill the plan with the exact calls.
    Plan,
    /// Apply the plan.
    Apply,
    /// Plan the undo of what earlier runs of the incident changed.
    UndoPlan,
    /// Undo what earlier runs of the incident changed.
    UndoApply,
}

/// Options of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Run mode.
    pub mode: Mode,
    /// Approve every approval gate.
    pub yes: bool,
    /// Folder for evidence files.
    pub evidence_dir: PathBuf,
}

/// How a run ended.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Calls that changed the account.
    pub changed: usize,
    /// Steps done (changed or already done).
    pub done: Vec<String>,
    /// Steps that failed, with the error.
    pub failed: Vec<(String, String)>,
    /// The step waiting for approval, with the gate's text.
    pub awaiting: Option<(String, String)>,
    /// Evidence files written or kept (path, sha256).
    pub evidence: Vec<(String, String)>,
    /// Lines for the user, in order.
    pub log: Vec<String>,
    /// Whether the run stopped before the end.
    pub stopped: bool,
}

/// An executor error (the run as a whole could not go on).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The audit log.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// The async runtime.
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

/// An API error: code and full message.
#[derive(Debug, Clone)]
struct ApiErr {
    code: String,
    message: String,
}

fn api<E, R>(e: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> ApiErr
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    ApiErr {
        code: e.code().unwrap_or("").to_owned(),
        message: format!("{}", DisplayErrorContext(&e)),
    }
}

fn other(message: impl Into<String>) -> ApiErr {
    ApiErr {
        code: String::new(),
        message: message.into(),
    }
}

type R<T> = Result<T, ApiErr>;

struct Clients {
    iam: aws_sdk_iam::Client,
    ec2: aws_sdk_ec2::Client,
    s3: aws_sdk_s3::Client,
    asg: aws_sdk_autoscaling::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
}

async fn clients(c: &Connect, finding_region: Option<&str>) -> Clients {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(r) = c
        .region
        .clone()
        .or_else(|| finding_region.map(str::to_owned))
    {
        loader = loader.region(aws_config::Region::new(r));
    }
    if let Some(p) = &c.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &c.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let conf = loader.load().await;
    let s3conf = aws_sdk_s3::config::Builder::from(&conf)
        .force_path_style(c.endpoint_url.is_some())
        .build();
    Clients {
        iam: aws_sdk_iam::Client::new(&conf),
        ec2: aws_sdk_ec2::Client::new(&conf),
        s3: aws_sdk_s3::Client::from_conf(s3conf),
        asg: aws_sdk_autoscaling::Client::new(&conf),
        elb: aws_sdk_elasticloadbalancingv2::Client::new(&conf),
    }
}

fn ps<'a>(p: &'a Value, k: &str) -> &'a str {
    p.get(k).and_then(Value::as_str).unwrap_or("")
}

fn strs(p: &Value, k: &str) -> Vec<String> {
    match p.get(k) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// IAM returns policy documents URL-encoded (RFC 3986).
fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn ec2_filter(name: &str, values: &[&str]) -> aws_sdk_ec2::types::Filter {
    let mut f = aws_sdk_ec2::types::Filter::builder().name(name);
    for v in values {
        f = f.values(*v);
    }
    f.build()
}

fn not_found(e: &ApiErr, codes: &[&str]) -> bool {
    codes.contains(&e.code.as_str())
}

// ---------------------------------------------------------------- reads

async fn describe_instance(c: &Clients, id: &str) -> R<aws_sdk_ec2::types::Instance> {
    let out = c
        .ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .map_err(api)?;
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .find(|i| i.instance_id() == Some(id))
        .cloned()
        .ok_or_else(|| other(format!("instance {id} not found")))
}

fn perm_json(p: &aws_sdk_ec2::types::IpPermission) -> Value {
    let mut m = Map::new();
    m.insert("IpProtocol".into(), json!(p.ip_protocol().unwrap_or("-1")));
    if let Some(f) = p.from_port() {
        m.insert("FromPort".into(), json!(f));
    }
    if let Some(t) = p.to_port() {
        m.insert("ToPort".into(), json!(t));
    }
    let v4: Vec<Value> = p
        .ip_ranges()
        .iter()
        .filter_map(|r| r.cidr_ip())
        .map(|c| json!({"CidrIp": c}))
        .collect();
    if !v4.is_empty() {
        m.insert("IpRanges".into(), Value::Array(v4));
    }
    let v6: Vec<Value> = p
        .ipv6_ranges()
        .iter()
        .filter_map(|r| r.cidr_ipv6())
        .map(|c| json!({"CidrIpv6": c}))
        .collect();
    if !v6.is_empty() {
        m.insert("Ipv6Ranges".into(), Value::Array(v6));
    }
    let groups: Vec<Value> = p
        .user_id_group_pairs()
        .iter()
        .filter_map(|g| g.group_id())
        .map(|g| json!({"GroupId": g}))
        .collect();
    if !groups.is_empty() {
        m.insert("UserIdGroupPairs".into(), Value::Array(groups));
    }
    let pl: Vec<Value> = p
        .prefix_list_ids()
        .iter()
        .filter_map(|x| x.prefix_list_id())
        .map(|x| json!({"PrefixListId": x}))
        .collect();
    if !pl.is_empty() {
        m.insert("PrefixListIds".into(), Value::Array(pl));
    }
    Value::Object(m)
}

fn perm_from_json(v: &Value) -> aws_sdk_ec2::types::IpPermission {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
    let mut b = IpPermission::builder().ip_protocol(ps(v, "IpProtocol"));
    if let Some(f) = v.get("FromPort").and_then(Value::as_i64) {
        b = b.from_port(i32::try_from(f).unwrap_or(-1));
    }
    if let Some(t) = v.get("ToPort").and_then(Value::as_i64) {
        b = b.to_port(i32::try_from(t).unwrap_or(-1));
    }
    let list = |k: &str| {
        v.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for r in list("IpRanges") {
        b = b.ip_ranges(IpRange::builder().cidr_ip(ps(&r, "CidrIp")).build());
    }
    for r in list("Ipv6Ranges") {
        b = b.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(ps(&r, "CidrIpv6")).build());
    }
    for g in list("UserIdGroupPairs") {
        b = b.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(ps(&g, "GroupId"))
                .build(),
        );
    }
    for x in list("PrefixListIds") {
        b = b.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(ps(&x, "PrefixListId"))
                .build(),
        );
    }
    b.build()
}

async fn read_quarantine(c: &Clients, p: &Map<String, Value>, incident: &str) -> R<State> {
    let id = p.get("instance").and_then(Value::as_str).unwrap_or("");
    let inst = describe_instance(c, id).await?;
    let vpc = inst.vpc_id().unwrap_or("").to_owned();
    let mut enis: Vec<Eni> = inst
        .network_interfaces()
        .iter()
        .map(|n| {
            let mut groups: Vec<String> = n
                .groups()
                .iter()
                .filter_map(|g| g.group_id())
                .map(str::to_owned)
                .collect();
            groups.sort();
            Eni {
                id: n.network_interface_id().unwrap_or("").to_owned(),
                groups,
            }
        })
        .collect();
    enis.sort_by(|a, b| a.id.cmp(&b.id));
    let tp = c
        .ec2
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::DisableApiTermination)
        .send()
        .await
        .map_err(api)?
        .disable_api_termination()
        .and_then(|v| v.value())
        .unwrap_or(false);
    let name = quarantine_group_name(p, incident);
    let groups = c
        .ec2
        .describe_security_groups()
        .filters(ec2_filter("vpc-id", &[&vpc]))
        .filters(ec2_filter("group-name", &[&name]))
        .send()
        .await
        .map_err(api)?;
    let group = groups.security_groups().first().map(|g| Group {
        id: g.group_id().unwrap_or("").to_owned(),
        ingress: g.ip_permissions().iter().map(perm_json).collect(),
        egress: g.ip_permissions_egress().iter().map(perm_json).collect(),
    });
    let asgs = c
        .asg
        .describe_auto_scaling_instances()
        .instance_ids(id)
        .send()
        .await
        .map_err(api)?;
    let asg = asgs
        .auto_scaling_instances()
        .iter()
        .find_map(|a| a.auto_scaling_group_name().map(str::to_owned));
    let mut suspended = Vec::new();
    if let Some(name) = &asg {
        let g = c
            .asg
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(name)
            .send()
            .await
            .map_err(api)?;
        for grp in g.auto_scaling_groups() {
            for s in grp.suspended_processes() {
                if let Some(n) = s.process_name() {
                    suspended.push(n.to_owned());
                }
            }
        }
        suspended.sort();
    }
    let mut registrations = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = c
            .elb
            .describe_target_groups()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(api)?;
        for tg in out.target_groups() {
            let Some(arn) = tg.target_group_arn() else {
                continue;
            };
            let h = c
                .elb
                .describe_target_health()
                .target_group_arn(arn)
                .send()
                .await
                .map_err(api)?;
            for d in h.target_health_descriptions() {
                // A deregistered target shows as draining for the
                // deregistration delay: it is no longer registered.
                let draining = d
                    .target_health()
                    .and_then(|th| th.state())
                    .is_some_and(|s| s.as_str() == "draining");
                if draining {
                    continue;
                }
                if let Some(t) = d.target() {
                    if t.id() == Some(id) {
                        registrations.push(Registration {
                            group: arn.to_owned(),
                            port: t.port(),
                        });
                    }
                }
            }
        }
        marker = out.next_marker().map(str::to_owned);
        if marker.is_none() {
            break;
        }
    }
    Ok(State::Quarantine(Instance {
        id: id.to_owned(),
        vpc,
        enis,
        termination_protection: tp,
        group,
        asg,
        suspended,
        registrations,
    }))
}

async fn read_inline(c: &Clients, p: &Map<String, Value>, default: &str) -> R<State> {
    let policy = p
        .get("policy_name")
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_owned();
    let (principal, name) = match p.get("user").and_then(Value::as_str) {
        Some(u) => ("user", u.to_owned()),
        None => (
            "role",
            p.get("role")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        ),
    };
    let doc = if principal == "user" {
        c.iam
            .get_user_policy()
            .user_name(&name)
            .policy_name(&policy)
            .send()
            .await
            .map(|o| o.policy_document().to_owned())
            .map_err(api)
    } else {
        c.iam
            .get_role_policy()
            .role_name(&name)
            .policy_name(&policy)
            .send()
            .await
            .map(|o| o.policy_document().to_owned())
            .map_err(api)
    };
    let document = match doc {
        Ok(d) => Some(url_decode(&d)),
        Err(e) if not_found(&e, &["NoSuchEntity"]) => None,
        Err(e) => return Err(e),
    };
    Ok(State::InlinePolicy {
        principal: principal.to_owned(),
        name,
        policy,
        document,
    })
}

async fn read_tags(c: &Clients, p: &Map<String, Value>) -> R<State> {
    let mut resources = Vec::new();
    let get = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(u) = get("user") {
        let out = c
            .iam
            .list_user_tags()
            .user_name(&u)
            .send()
            .await
            .map_err(api)?;
        let tags = out
            .tags()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect();
        resources.push(Tagged {
            kind: "user".into(),
            id: u,
            tags,
        });
    }
    if let Some(r) = get("role") {
        let out = c
            .iam
            .list_role_tags()
            .role_name(&r)
            .send()
            .await
            .map_err(api)?;
        let tags = out
            .tags()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect();
        resources.push(Tagged {
            kind: "role".into(),
            id: r,
            tags,
        });
    }
    if let Some(i) = get("instance") {
        let out = c
            .ec2
            .describe_tags()
            .filters(ec2_filter("resource-id", &[&i]))
            .send()
            .await
            .map_err(api)?;
        let tags = out
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or("").to_owned(),
                    t.value().unwrap_or("").to_owned(),
                )
            })
            .collect();
        resources.push(Tagged {
            kind: "instance".into(),
            id: i,
            tags,
        });
    }
    if let Some(b) = get("bucket") {
        let tags: BTreeMap<String, String> = match c
            .s3
            .get_bucket_tagging()
            .bucket(&b)
            .send()
            .await
            .map_err(api)
        {
            Ok(o) => o
                .tag_set()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect(),
            Err(e) if not_found(&e, &["NoSuchTagSet", "NoSuchTagSetError"]) => BTreeMap::new(),
            Err(e) => return Err(e),
        };
        resources.push(Tagged {
            kind: "bucket".into(),
            id: b,
            tags,
        });
    }
    Ok(State::Tags { resources })
}

async fn read_state(
    c: &Clients,
    action: Action,
    p: &Map<String, Value>,
    incident: &str,
) -> R<State> {
    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    match action {
        Action::CaptureEvidence | Action::Manual => Ok(State::Nothing),
        Action::DeactivateAccessKeys => {
            let user = s("user");
            let out = c
                .iam
                .list_access_keys()
                .user_name(&user)
                .send()
                .await
                .map_err(api)?;
            let keys = out
                .access_key_metadata()
                .iter()
                .map(|k| Key {
                    id: k.access_key_id().unwrap_or("").to_owned(),
                    status: k
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                })
                .collect();
            Ok(State::AccessKeys { user, keys })
        }
        Action::AttachDenyAllPolicy => read_inline(c, p, crate::action::DENY_ALL_POLICY).await,
        Action::RevokeSessions => read_inline(c, p, crate::action::REVOKE_POLICY).await,
        Action::DeleteLoginProfile => {
            let user = s("user");
            let exists = match c
                .iam
                .get_login_profile()
                .user_name(&user)
                .send()
                .await
                .map_err(api)
            {
                Ok(_) => true,
                Err(e) if not_found(&e, &["NoSuchEntity"]) => false,
                Err(e) => return Err(e),
            };
            Ok(State::LoginProfile { user, exists })
        }
        Action::QuarantineInstance => read_quarantine(c, p, incident).await,
        Action::SnapshotVolumes => {
            let instance = s("instance");
            let inst = describe_instance(c, &instance).await?;
            let tag = format!("tag:{INCIDENT_TAG}");
            let snaps = c
                .ec2
                .describe_snapshots()
                .owner_ids("self")
                .filters(ec2_filter(&tag, &[incident]))
                .send()
                .await
                .map_err(api)?;
            let volumes = inst
                .block_device_mappings()
                .iter()
                .filter_map(|m| m.ebs().and_then(|e| e.volume_id()))
                .map(|v| Volume {
                    id: v.to_owned(),
                    snapshot: snaps
                        .snapshots()
                        .iter()
                        .find(|s| s.volume_id() == Some(v))
                        .and_then(|s| s.snapshot_id())
                        .map(str::to_owned),
                })
                .collect();
            Ok(State::Volumes { instance, volumes })
        }
        Action::StopInstance => {
            let instance = s("instance");
            let inst = describe_instance(c, &instance).await?;
            let state = inst
                .state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default();
            Ok(State::Run { instance, state })
        }
        Action::BlockPublicAccess => {
            let bucket = s("bucket");
            let config = match c
                .s3
                .get_public_access_block()
                .bucket(&bucket)
                .send()
                .await
                .map_err(api)
            {
                Ok(o) => o.public_access_block_configuration().map(|cfg| {
                    let mut m = BTreeMap::new();
                    m.insert(
                        "BlockPublicAcls".to_owned(),
                        cfg.block_public_acls().unwrap_or(false),
                    );
                    m.insert(
                        "IgnorePublicAcls".to_owned(),
                        cfg.ignore_public_acls().unwrap_or(false),
                    );
                    m.insert(
                        "BlockPublicPolicy".to_owned(),
                        cfg.block_public_policy().unwrap_or(false),
                    );
                    m.insert(
                        "RestrictPublicBuckets".to_owned(),
                        cfg.restrict_public_buckets().unwrap_or(false),
                    );
                    m
                }),
                Err(e) if not_found(&e, &["NoSuchPublicAccessBlockConfiguration"]) => None,
                Err(e) => return Err(e),
            };
            Ok(State::PublicAccessBlock { bucket, config })
        }
        Action::TagResources => read_tags(c, p).await,
    }
}

// ---------------------------------------------------------------- evidence

async fn evidence_read(c: &Clients, call: &Call) -> R<Value> {
    let p = &call.params;
    let user = ps(p, "UserName");
    let role = ps(p, "RoleName");
    let bucket = ps(p, "Bucket");
    let filter_instance = p
        .get("Filters")
        .and_then(|f| f.get("attachment.instance-id"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let names = |v: &[String]| json!(v);
    Ok(match (call.service.as_str(), call.operation.as_str()) {
        ("iam", "GetUser") => {
            let o = c.iam.get_user().user_name(user).send().await.map_err(api)?;
            let u = o.user();
            json!({"User": u.map(|u| json!({"UserName": u.user_name(), "UserId": u.user_id(), "Arn": u.arn(),
                "CreateDate": u.create_date().to_string(),
                "PasswordLastUsed": u.password_last_used().map(|d| d.to_string())}))})
        }
        ("iam", "ListAccessKeys") => {
            let o = c
                .iam
                .list_access_keys()
                .user_name(user)
                .send()
                .await
                .map_err(api)?;
            json!({"AccessKeyMetadata": o.access_key_metadata().iter().map(|k| json!({
                "AccessKeyId": k.access_key_id(), "Status": k.status().map(|s| s.as_str()),
                "CreateDate": k.create_date().map(|d| d.to_string())})).collect::<Vec<_>>()})
        }
        ("iam", "ListAttachedUserPolicies") => {
            let o = c
                .iam
                .list_attached_user_policies()
                .user_name(user)
                .send()
                .await
                .map_err(api)?;
            json!({"AttachedPolicies": o.attached_policies().iter().map(|a| json!({"PolicyName": a.policy_name(), "PolicyArn": a.policy_arn()})).collect::<Vec<_>>()})
        }
        ("iam", "ListUserPolicies") => {
            let o = c
                .iam
                .list_user_policies()
                .user_name(user)
                .send()
                .await
                .map_err(api)?;
            json!({"PolicyNames": names(o.policy_names())})
        }
        ("iam", "ListGroupsForUser") => {
            let o = c
                .iam
                .list_groups_for_user()
                .user_name(user)
                .send()
                .await
                .map_err(api)?;
            json!({"Groups": o.groups().iter().map(|g| json!({"GroupName": g.group_name(), "Arn": g.arn()})).collect::<Vec<_>>()})
        }
        ("iam", "ListMFADevices") => {
            let o = c
                .iam
                .list_mfa_devices()
                .user_name(user)
                .send()
                .await
                .map_err(api)?;
            json!({"MFADevices": o.mfa_devices().iter().map(|d| json!({"SerialNumber": d.serial_number(), "EnableDate": d.enable_date().to_string()})).collect::<Vec<_>>()})
        }
        ("iam", "ListUserTags") => {
            let o = c
                .iam
                .list_user_tags()
                .user_name(user)
                .send()
                .await
                .map_err(api)?;
            json!({"Tags": o.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>()})
        }
        ("iam", "GetLoginProfile") => {
            let o = c
                .iam
                .get_login_profile()
                .user_name(user)
                .send()
                .await
                .map_err(api)?;
            json!({"LoginProfile": o.login_profile().map(|l| json!({"UserName": l.user_name(),
                "CreateDate": l.create_date().to_string(), "PasswordResetRequired": l.password_reset_required()}))})
        }
        ("iam", "GetRole") => {
            let o = c.iam.get_role().role_name(role).send().await.map_err(api)?;
            json!({"Role": o.role().map(|r| json!({"RoleName": r.role_name(), "Arn": r.arn(),
                "AssumeRolePolicyDocument": r.assume_role_policy_document().map(url_decode)}))})
        }
        ("iam", "ListAttachedRolePolicies") => {
            let o = c
                .iam
                .list_attached_role_policies()
                .role_name(role)
                .send()
                .await
                .map_err(api)?;
            json!({"AttachedPolicies": o.attached_policies().iter().map(|a| json!({"PolicyName": a.policy_name(), "PolicyArn": a.policy_arn()})).collect::<Vec<_>>()})
        }
        ("iam", "ListRolePolicies") => {
            let o = c
                .iam
                .list_role_policies()
                .role_name(role)
                .send()
                .await
                .map_err(api)?;
            json!({"PolicyNames": names(o.policy_names())})
        }
        ("iam", "ListRoleTags") => {
            let o = c
                .iam
                .list_role_tags()
                .role_name(role)
                .send()
                .await
                .map_err(api)?;
            json!({"Tags": o.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>()})
        }
        ("iam", "GetAccountSummary") => {
            let o = c.iam.get_account_summary().send().await.map_err(api)?;
            let m: Map<String, Value> = o
                .summary_map()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.as_str().to_owned(), json!(v)))
                        .collect()
                })
                .unwrap_or_default();
            json!({"SummaryMap": m})
        }
        ("iam", "ListAccountAliases") => {
            let o = c.iam.list_account_aliases().send().await.map_err(api)?;
            json!({"AccountAliases": names(o.account_aliases())})
        }
        ("iam", "GetAccountPasswordPolicy") => {
            let o = c
                .iam
                .get_account_password_policy()
                .send()
                .await
                .map_err(api)?;
            json!({"PasswordPolicy": o.password_policy().map(|p| json!({
                "MinimumPasswordLength": p.minimum_password_length(), "RequireSymbols": p.require_symbols(),
                "RequireNumbers": p.require_numbers(), "RequireUppercaseCharacters": p.require_uppercase_characters(),
                "RequireLowercaseCharacters": p.require_lowercase_characters(), "MaxPasswordAge": p.max_password_age(),
                "PasswordReusePrevention": p.password_reuse_prevention()}))})
        }
        ("iam", "ListVirtualMFADevices") => {
            let o = c.iam.list_virtual_mfa_devices().send().await.map_err(api)?;
            json!({"VirtualMFADevices": o.virtual_mfa_devices().iter().map(|d| json!({"SerialNumber": d.serial_number(),
                "User": d.user().map(|u| u.arn())})).collect::<Vec<_>>()})
        }
        ("iam", "GetCredentialReport") => {
            let o = c.iam.get_credential_report().send().await.map_err(api)?;
            let text = o
                .content()
                .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
                .unwrap_or_default();
            json!({"GeneratedTime": o.generated_time().map(|d| d.to_string()), "Content": text})
        }
        ("ec2", "DescribeInstances") => {
            let id = strs(p, "InstanceIds").join("");
            let i = describe_instance(c, &id).await?;
            json!({"Instance": {
                "InstanceId": i.instance_id(), "State": i.state().and_then(|s| s.name()).map(|n| n.as_str()),
                "InstanceType": i.instance_type().map(|t| t.as_str()), "ImageId": i.image_id(),
                "LaunchTime": i.launch_time().map(|d| d.to_string()), "VpcId": i.vpc_id(), "SubnetId": i.subnet_id(),
                "PrivateIpAddress": i.private_ip_address(), "PublicIpAddress": i.public_ip_address(),
                "IamInstanceProfile": i.iam_instance_profile().and_then(|p| p.arn()),
                "KeyName": i.key_name(),
                "SecurityGroups": i.security_groups().iter().map(|g| g.group_id()).collect::<Vec<_>>(),
                "BlockDeviceMappings": i.block_device_mappings().iter().map(|m| json!({"DeviceName": m.device_name(),
                    "VolumeId": m.ebs().and_then(|e| e.volume_id())})).collect::<Vec<_>>(),
                "Tags": i.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>(),
            }})
        }
        ("ec2", "DescribeNetworkInterfaces") => {
            let o = c
                .ec2
                .describe_network_interfaces()
                .filters(ec2_filter("attachment.instance-id", &[filter_instance]))
                .send()
                .await
                .map_err(api)?;
            json!({"NetworkInterfaces": o.network_interfaces().iter().map(|n| json!({
                "NetworkInterfaceId": n.network_interface_id(), "SubnetId": n.subnet_id(), "VpcId": n.vpc_id(),
                "PrivateIpAddress": n.private_ip_address(),
                "PublicIp": n.association().and_then(|a| a.public_ip()),
                "Groups": n.groups().iter().map(|g| g.group_id()).collect::<Vec<_>>()})).collect::<Vec<_>>()})
        }
        ("ec2", "DescribeVolumes") => {
            let o = c
                .ec2
                .describe_volumes()
                .filters(ec2_filter("attachment.instance-id", &[filter_instance]))
                .send()
                .await
                .map_err(api)?;
            json!({"Volumes": o.volumes().iter().map(|v| json!({"VolumeId": v.volume_id(), "Size": v.size(),
                "Encrypted": v.encrypted(), "KmsKeyId": v.kms_key_id(),
                "Attachments": v.attachments().iter().map(|a| json!({"Device": a.device(), "InstanceId": a.instance_id()})).collect::<Vec<_>>()})).collect::<Vec<_>>()})
        }
        ("ec2", "DescribeSecurityGroups") => {
            let o = c
                .ec2
                .describe_network_interfaces()
                .filters(ec2_filter("attachment.instance-id", &[filter_instance]))
                .send()
                .await
                .map_err(api)?;
            let mut ids: Vec<String> = o
                .network_interfaces()
                .iter()
                .flat_map(|n| n.groups())
                .filter_map(|g| g.group_id())
                .map(str::to_owned)
                .collect();
            ids.sort();
            ids.dedup();
            if ids.is_empty() {
                json!({"SecurityGroups": []})
            } else {
                let o = c
                    .ec2
                    .describe_security_groups()
                    .set_group_ids(Some(ids))
                    .send()
                    .await
                    .map_err(api)?;
                json!({"SecurityGroups": o.security_groups().iter().map(|g| json!({"GroupId": g.group_id(),
                    "GroupName": g.group_name(), "VpcId": g.vpc_id(),
                    "IpPermissions": g.ip_permissions().iter().map(perm_json).collect::<Vec<_>>(),
                    "IpPermissionsEgress": g.ip_permissions_egress().iter().map(perm_json).collect::<Vec<_>>()})).collect::<Vec<_>>()})
            }
        }
        ("s3", "GetBucketAcl") => {
            let o =
                c.s3.get_bucket_acl()
                    .bucket(bucket)
                    .send()
                    .await
                    .map_err(api)?;
            json!({"Owner": o.owner().and_then(|w| w.id()), "Grants": o.grants().iter().map(|g| json!({
                "Grantee": g.grantee().map(|x| json!({"Type": x.r#type().as_str(), "URI": x.uri(), "ID": x.id()})),
                "Permission": g.permission().map(|p| p.as_str())})).collect::<Vec<_>>()})
        }
        ("s3", "GetBucketPolicy") => {
            let o =
                c.s3.get_bucket_policy()
                    .bucket(bucket)
                    .send()
                    .await
                    .map_err(api)?;
            json!({"Policy": o.policy()})
        }
        ("s3", "GetPublicAccessBlock") => {
            let o =
                c.s3.get_public_access_block()
                    .bucket(bucket)
                    .send()
                    .await
                    .map_err(api)?;
            json!({"PublicAccessBlockConfiguration": o.public_access_block_configuration().map(|x| json!({
                "BlockPublicAcls": x.block_public_acls(), "IgnorePublicAcls": x.ignore_public_acls(),
                "BlockPublicPolicy": x.block_public_policy(), "RestrictPublicBuckets": x.restrict_public_buckets()}))})
        }
        ("s3", "GetBucketPolicyStatus") => {
            let o =
                c.s3.get_bucket_policy_status()
                    .bucket(bucket)
                    .send()
                    .await
                    .map_err(api)?;
            json!({"PolicyStatus": {"IsPublic": o.policy_status().and_then(|s| s.is_public())}})
        }
        ("s3", "GetBucketTagging") => {
            let o =
                c.s3.get_bucket_tagging()
                    .bucket(bucket)
                    .send()
                    .await
                    .map_err(api)?;
            json!({"TagSet": o.tag_set().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>()})
        }
        (s, op) => return Err(other(format!("no evidence reader for {s}:{op}"))),
    })
}

fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Capture evidence: each read call's response is written to its own JSON
/// file (never overwritten: a continued run keeps the first capture), and
/// its SHA-256 returned.
async fn capture(
    c: &Clients,
    step: &PlannedStep,
    dir: &Path,
    calls: &mut Vec<Value>,
) -> Result<Vec<(String, String)>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for call in evidence_calls(&step.params) {
        let target = ["UserName", "RoleName", "Bucket"]
            .iter()
            .map(|k| ps(&call.params, k))
            .find(|s| !s.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                step.params
                    .get("instance")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "account".to_owned());
        let name = format!(
            "{}-{}-{}-{}.json",
            file_part(&step.id),
            call.service,
            call.operation,
            file_part(&target)
        );
        let path = dir.join(&name);
        if let Ok(bytes) = std::fs::read(&path) {
            files.push((path.display().to_string(), sha256_hex(&bytes)));
            continue;
        }
        let (response, ok) = match evidence_read(c, &call).await {
            Ok(v) => (json!({"response": v}), true),
            Err(e) => (
                json!({"error": {"code": e.code, "message": e.message}}),
                false,
            ),
        };
        calls.push(json!({"call": call.name(), "params": call.params, "ok": ok}));
        let mut doc = json!({
            "call": call.name(),
            "params": call.params,
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        if let (Some(d), Value::Object(r)) = (doc.as_object_mut(), response) {
            d.extend(r);
        }
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        std::fs::write(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path.display().to_string(), sha256_hex(text.as_bytes())));
    }
    Ok(files)
}

// ---------------------------------------------------------------- writes

fn iam_tags(v: &Value) -> R<Vec<aws_sdk_iam::types::Tag>> {
    v.as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|t| {
            aws_sdk_iam::types::Tag::builder()
                .key(ps(t, "Key"))
                .value(ps(t, "Value"))
                .build()
                .map_err(|e| other(e.to_string()))
        })
        .collect()
}

fn ec2_tags(v: &Value) -> Vec<aws_sdk_ec2::types::Tag> {
    v.as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|t| {
            let mut b = aws_sdk_ec2::types::Tag::builder().key(ps(t, "Key"));
            if let Some(v) = t.get("Value").and_then(Value::as_str) {
                b = b.value(v);
            }
            b.build()
        })
        .collect()
}

fn ec2_tag_specs(v: &Value) -> Vec<aws_sdk_ec2::types::TagSpecification> {
    v.as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|s| {
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::from(ps(
                    s,
                    "ResourceType",
                )))
                .set_tags(Some(ec2_tags(s.get("Tags").unwrap_or(&Value::Null))))
                .build()
        })
        .collect()
}

fn targets(v: &Value) -> R<Vec<aws_sdk_elasticloadbalancingv2::types::TargetDescription>> {
    Ok(v.as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|t| {
            let mut b =
                aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder().id(ps(t, "Id"));
            if let Some(p) = t.get("Port").and_then(Value::as_i64) {
                b = b.port(i32::try_from(p).unwrap_or(0));
            }
            b.build()
        })
        .collect())
}

/// Apply one mutating call; returns what the call created (a group id, a
/// snapshot id), if anything.
async fn apply(c: &Clients, call: &Call) -> R<Option<String>> {
    let p = &call.params;
    let bool_value = |k: &str| {
        p.get(k)
            .and_then(|v| v.get("Value"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    match (call.service.as_str(), call.operation.as_str()) {
        ("iam", "UpdateAccessKey") => {
            c.iam
                .update_access_key()
                .user_name(ps(p, "UserName"))
                .access_key_id(ps(p, "AccessKeyId"))
                .status(aws_sdk_iam::types::StatusType::from(ps(p, "Status")))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "PutUserPolicy") => {
            c.iam
                .put_user_policy()
                .user_name(ps(p, "UserName"))
                .policy_name(ps(p, "PolicyName"))
                .policy_document(ps(p, "PolicyDocument"))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "PutRolePolicy") => {
            c.iam
                .put_role_policy()
                .role_name(ps(p, "RoleName"))
                .policy_name(ps(p, "PolicyName"))
                .policy_document(ps(p, "PolicyDocument"))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "DeleteUserPolicy") => {
            c.iam
                .delete_user_policy()
                .user_name(ps(p, "UserName"))
                .policy_name(ps(p, "PolicyName"))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "DeleteRolePolicy") => {
            c.iam
                .delete_role_policy()
                .role_name(ps(p, "RoleName"))
                .policy_name(ps(p, "PolicyName"))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "DeleteLoginProfile") => {
            c.iam
                .delete_login_profile()
                .user_name(ps(p, "UserName"))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "TagUser") => {
            c.iam
                .tag_user()
                .user_name(ps(p, "UserName"))
                .set_tags(Some(iam_tags(p.get("Tags").unwrap_or(&Value::Null))?))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "TagRole") => {
            c.iam
                .tag_role()
                .role_name(ps(p, "RoleName"))
                .set_tags(Some(iam_tags(p.get("Tags").unwrap_or(&Value::Null))?))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "UntagUser") => {
            c.iam
                .untag_user()
                .user_name(ps(p, "UserName"))
                .set_tag_keys(Some(strs(p, "TagKeys")))
                .send()
                .await
                .map_err(api)?;
        }
        ("iam", "UntagRole") => {
            c.iam
                .untag_role()
                .role_name(ps(p, "RoleName"))
                .set_tag_keys(Some(strs(p, "TagKeys")))
                .send()
                .await
                .map_err(api)?;
        }
        ("ec2", "CreateSecurityGroup") => {
            let o = c
                .ec2
                .create_security_group()
                .group_name(ps(p, "GroupName"))
                .vpc_id(ps(p, "VpcId"))
                .description(ps(p, "Description"))
                .set_tag_specifications(Some(ec2_tag_specs(
                    p.get("TagSpecifications").unwrap_or(&Value::Null),
                )))
                .send()
                .await
                .map_err(api)?;
            return Ok(o.group_id().map(str::to_owned));
        }
        ("ec2", "RevokeSecurityGroupEgress") | ("ec2", "RevokeSecurityGroupIngress") => {
            let perms: Vec<_> = p
                .get("IpPermissions")
                .and_then(Value::as_array)
                .map(|a| a.as_slice())
                .unwrap_or_default()
                .iter()
                .map(perm_from_json)
                .collect();
            if call.operation == "RevokeSecurityGroupEgress" {
                c.ec2
                    .revoke_security_group_egress()
                    .group_id(ps(p, "GroupId"))
                    .set_ip_permissions(Some(perms))
                    .send()
                    .await
                    .map_err(api)?;
            } else {
                c.ec2
                    .revoke_security_group_ingress()
                    .group_id(ps(p, "GroupId"))
                    .set_ip_permissions(Some(perms))
                    .send()
                    .await
                    .map_err(api)?;
            }
        }
        ("ec2", "ModifyNetworkInterfaceAttribute") => {
            c.ec2
                .modify_network_interface_attribute()
                .network_interface_id(ps(p, "NetworkInterfaceId"))
                .set_groups(Some(strs(p, "Groups")))
                .send()
                .await
                .map_err(api)?;
        }
        ("ec2", "ModifyInstanceAttribute") => {
            c.ec2
                .modify_instance_attribute()
                .instance_id(ps(p, "InstanceId"))
                .disable_api_termination(
                    aws_sdk_ec2::types::AttributeBooleanValue::builder()
                        .value(bool_value("DisableApiTermination"))
                        .build(),
                )
                .send()
                .await
                .map_err(api)?;
        }
        ("ec2", "CreateSnapshot") => {
            let o = c
                .ec2
                .create_snapshot()
                .volume_id(ps(p, "VolumeId"))
                .description(ps(p, "Description"))
                .set_tag_specifications(Some(ec2_tag_specs(
                    p.get("TagSpecifications").unwrap_or(&Value::Null),
                )))
                .send()
                .await
                .map_err(api)?;
            return Ok(o.snapshot_id().map(str::to_owned));
        }
        ("ec2", "StopInstances") => {
            c.ec2
                .stop_instances()
                .set_instance_ids(Some(strs(p, "InstanceIds")))
                .send()
                .await
                .map_err(api)?;
        }
        ("ec2", "StartInstances") => {
            c.ec2
                .start_instances()
                .set_instance_ids(Some(strs(p, "InstanceIds")))
                .send()
                .await
                .map_err(api)?;
        }
        ("ec2", "CreateTags") => {
            c.ec2
                .create_tags()
                .set_resources(Some(strs(p, "Resources")))
                .set_tags(Some(ec2_tags(p.get("Tags").unwrap_or(&Value::Null))))
                .send()
                .await
                .map_err(api)?;
        }
        ("ec2", "DeleteTags") => {
            c.ec2
                .delete_tags()
                .set_resources(Some(strs(p, "Resources")))
                .set_tags(Some(ec2_tags(p.get("Tags").unwrap_or(&Value::Null))))
                .send()
                .await
                .map_err(api)?;
        }
        ("autoscaling", "DetachInstances") => {
            c.asg
                .detach_instances()
                .auto_scaling_group_name(ps(p, "AutoScalingGroupName"))
                .set_instance_ids(Some(strs(p, "InstanceIds")))
                .should_decrement_desired_capacity(
                    p.get("ShouldDecrementDesiredCapacity")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                )
                .send()
                .await
                .map_err(api)?;
        }
        ("autoscaling", "AttachInstances") => {
            c.asg
                .attach_instances()
                .auto_scaling_group_name(ps(p, "AutoScalingGroupName"))
                .set_instance_ids(Some(strs(p, "InstanceIds")))
                .send()
                .await
                .map_err(api)?;
        }
        ("autoscaling", "SuspendProcesses") => {
            c.asg
                .suspend_processes()
                .auto_scaling_group_name(ps(p, "AutoScalingGroupName"))
                .set_scaling_processes(Some(strs(p, "ScalingProcesses")))
                .send()
                .await
                .map_err(api)?;
        }
        ("autoscaling", "ResumeProcesses") => {
            c.asg
                .resume_processes()
                .auto_scaling_group_name(ps(p, "AutoScalingGroupName"))
                .set_scaling_processes(Some(strs(p, "ScalingProcesses")))
                .send()
                .await
                .map_err(api)?;
        }
        ("elasticloadbalancing", "DeregisterTargets") => {
            c.elb
                .deregister_targets()
                .target_group_arn(ps(p, "TargetGroupArn"))
                .set_targets(Some(targets(p.get("Targets").unwrap_or(&Value::Null))?))
                .send()
                .await
                .map_err(api)?;
        }
        ("elasticloadbalancing", "RegisterTargets") => {
            c.elb
                .register_targets()
                .target_group_arn(ps(p, "TargetGroupArn"))
                .set_targets(Some(targets(p.get("Targets").unwrap_or(&Value::Null))?))
                .send()
                .await
                .map_err(api)?;
        }
        ("s3", "PutPublicAccessBlock") => {
            let cfg = p
                .get("PublicAccessBlockConfiguration")
                .cloned()
                .unwrap_or(Value::Null);
            let b = |k: &str| cfg.get(k).and_then(Value::as_bool).unwrap_or(false);
            c.s3.put_public_access_block()
                .bucket(ps(p, "Bucket"))
                .public_access_block_configuration(
                    aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                        .block_public_acls(b("BlockPublicAcls"))
                        .ignore_public_acls(b("IgnorePublicAcls"))
                        .block_public_policy(b("BlockPublicPolicy"))
                        .restrict_public_buckets(b("RestrictPublicBuckets"))
                        .build(),
                )
                .send()
                .await
                .map_err(api)?;
        }
        ("s3", "DeletePublicAccessBlock") => {
            c.s3.delete_public_access_block()
                .bucket(ps(p, "Bucket"))
                .send()
                .await
                .map_err(api)?;
        }
        ("s3", "PutBucketTagging") => {
            let set = p
                .get("Tagging")
                .and_then(|t| t.get("TagSet"))
                .and_then(Value::as_array)
                .map(|a| a.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|t| {
                    aws_sdk_s3::types::Tag::builder()
                        .key(ps(t, "Key"))
                        .value(ps(t, "Value"))
                        .build()
                        .map_err(|e| other(e.to_string()))
                })
                .collect::<R<Vec<_>>>()?;
            let tagging = aws_sdk_s3::types::Tagging::builder()
                .set_tag_set(Some(set))
                .build()
                .map_err(|e| other(e.to_string()))?;
            c.s3.put_bucket_tagging()
                .bucket(ps(p, "Bucket"))
                .tagging(tagging)
                .send()
                .await
                .map_err(api)?;
        }
        ("s3", "DeleteBucketTagging") => {
            c.s3.delete_bucket_tagging()
                .bucket(ps(p, "Bucket"))
                .send()
                .await
                .map_err(api)?;
        }
        (s, op) => return Err(other(format!("no executor for {s}:{op}"))),
    }
    Ok(None)
}

// ---------------------------------------------------------------- runs

fn reads_of(step: &PlannedStep) -> Vec<Call> {
    step.calls.iter().filter(|c| !c.mutating).cloned().collect()
}

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// When the incident started: its first `run-start` in the log, else now.
fn incident_start(entries: &[Map<String, Value>], incident: &str) -> String {
    entries
        .iter()
        .find(|e| {
            e.get("incident").and_then(Value::as_str) == Some(incident)
                && e.get("event").and_then(Value::as_str) == Some("run-start")
        })
        .and_then(|e| e.get("time").and_then(Value::as_str))
        .map(|t| {
            t.get(..19)
                .map(|s| format!("{s}Z"))
                .unwrap_or_else(|| t.to_owned())
        })
        .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Fill the plan with the exact calls (mode `Plan`), or run it (`Apply`),
/// or undo an incident (`UndoPlan`, `UndoApply`). The log receives every
/// call in `Apply` and `UndoApply`; it is only read otherwise.
pub fn run(
    plan: &mut Plan,
    connect: &Connect,
    opts: &RunOptions,
    log_path: &Path,
) -> Result<Outcome, ExecError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ExecError::Runtime(e.to_string()))?;
    rt.block_on(run_async(plan, connect, opts, log_path))
}

async fn run_async(
    plan: &mut Plan,
    connect: &Connect,
    opts: &RunOptions,
    log_path: &Path,
) -> Result<Outcome, ExecError> {
    let entries = if log_path.exists() {
        crate::audit::entries(log_path).map_err(|e| ExecError::Audit(AuditError::Broken(e)))?
    } else {
        Vec::new()
    };
    let c = clients(connect, plan.binding.region.as_deref()).await;
    let cutoff = incident_start(&entries, &plan.incident_id);
    let writes = matches!(opts.mode, Mode::Apply | Mode::UndoApply);
    let mut log = if writes {
        Some(AuditLog::open(log_path)?)
    } else {
        None
    };
    let inc = plan.incident_id.clone();
    let mut out = Outcome::default();
    if let Some(l) = log.as_mut() {
        l.append(
            &inc,
            "run-start",
            obj(vec![
                (
                    "mode",
                    json!(if opts.mode == Mode::Apply {
                        "apply"
                    } else {
                        "undo"
                    }),
                ),
                ("playbook", json!(plan.playbook)),
                ("playbook_file", json!(plan.file)),
                ("playbook_sha256", json!(plan.playbook_sha256)),
                (
                    "finding",
                    json!({"rule": plan.binding.rule, "fingerprint": plan.binding.fingerprint,
                                   "resource": plan.binding.resource}),
                ),
                ("inputs", json!(plan.binding.inputs)),
                ("revocation_cutoff", json!(cutoff)),
            ]),
        )?;
    }
    match opts.mode {
        Mode::Plan | Mode::Apply => {
            forward(plan, &c, opts, &cutoff, log.as_mut(), &mut out).await?
        }
        Mode::UndoPlan | Mode::UndoApply => {
            backward(plan, &c, &entries, log.as_mut(), &mut out).await?
        }
    }
    plan.exact = true;
    if let Some(l) = log.as_mut() {
        let status = if out.awaiting.is_some() {
            "awaiting-approval"
        } else if !out.failed.is_empty() {
            "failed"
        } else {
            "complete"
        };
        l.append(
            &inc,
            "run-end",
            obj(vec![
                ("status", json!(status)),
                ("changes", json!(out.changed)),
                (
                    "failed",
                    json!(out.failed.iter().map(|(s, _)| s).collect::<Vec<_>>()),
                ),
            ]),
        )?;
        out.log.push(format!(
            "audit log {} ({} entries, head {})",
            l.path().display(),
            l.head().entries,
            l.head().sha256
        ));
    }
    Ok(out)
}

async fn forward(
    plan: &mut Plan,
    c: &Clients,
    opts: &RunOptions,
    cutoff: &str,
    mut log: Option<&mut AuditLog>,
    out: &mut Outcome,
) -> Result<(), ExecError> {
    let inc = plan.incident_id.clone();
    let apply_mode = opts.mode == Mode::Apply;
    let evidence_dir = opts.evidence_dir.clone();
    for step in plan.steps.iter_mut() {
        if let Some(why) = &step.skip {
            out.log.push(format!("{}: skipped ({why})", step.id));
            if let Some(l) = log.as_deref_mut() {
                l.append(
                    &inc,
                    "step",
                    obj(vec![
                        ("step", json!(step.id)),
                        ("action", json!(step.action)),
                        ("status", json!("skipped")),
                        ("reason", json!(why)),
                    ]),
                )?;
            }
            continue;
        }
        let before = match read_state(c, step.action, &step.params, &inc).await {
            Ok(s) => s,
            Err(e) => {
                let msg = format!("reading state: {}", e.message);
                if step_failed(step, &msg, &inc, log.as_deref_mut(), out, json!(null))? {
                    return Ok(());
                }
                continue;
            }
        };
        let mut exact = reads_of(step);
        let first = state::changes(step.action, &step.params, &inc, cutoff, &before);
        exact.extend(first.iter().cloned());
        step.calls = exact;
        if !apply_mode {
            continue;
        }
        if let Some(text) = &step.approval {
            let needed = !first.is_empty() || step.action == crate::action::Action::Manual;
            if needed && !opts.yes {
                out.awaiting = Some((step.id.clone(), text.clone()));
                out.stopped = true;
                out.log.push(format!(
                    "{}: waiting for approval ({text}); nothing after this step ran. Run the same command with --yes to approve and continue",
                    step.id
                ));
                if let Some(l) = log.as_deref_mut() {
                    l.append(
                        &inc,
                        "step",
                        obj(vec![
                            ("step", json!(step.id)),
                            ("action", json!(step.action)),
                            ("status", json!("awaiting-approval")),
                            ("approval", json!(text)),
                            ("before", json!(before)),
                        ]),
                    )?;
                }
                return Ok(());
            }
        }
        let mut evidence = Vec::new();
        let mut call_log: Vec<Value> = Vec::new();
        if step.action == crate::action::Action::CaptureEvidence {
            let dir = evidence_dir.join(file_part(&inc));
            match capture(c, step, &dir, &mut call_log).await {
                Ok(files) => evidence = files,
                Err(e) => {
                    if step_failed(step, &e, &inc, log.as_deref_mut(), out, json!(before))? {
                        return Ok(());
                    }
                    continue;
                }
            }
            for (f, h) in &evidence {
                out.log
                    .push(format!("{}: evidence {f} sha256 {h}", step.id));
            }
            out.evidence.extend(evidence.iter().cloned());
        }
        // Apply, read again, and go on until nothing is missing (a new
        // security group's default rule shows only once the group exists).
        let mut pending = first;
        let mut after = before.clone();
        let mut error: Option<String> = None;
        let mut created: Option<String> = None;
        for _round in 0..3 {
            if pending.is_empty() {
                break;
            }
            for call in &pending {
                let mut call = call.clone();
                if let Some(id) = &created {
                    replace_placeholder(&mut call.params, id);
                }
                let result = apply(c, &call).await;
                let (ok, err) = match &result {
                    Ok(_) => (true, None),
                    Err(e) => (false, Some(e.message.clone())),
                };
                if let Ok(Some(id)) = &result {
                    if call.operation == "CreateSecurityGroup" {
                        created = Some(id.clone());
                    }
                }
                if let Some(l) = log.as_deref_mut() {
                    let mut body = obj(vec![
                        ("step", json!(step.id)),
                        ("call", json!(call.name())),
                        ("params", call.params.clone()),
                        ("mutating", json!(true)),
                        ("ok", json!(ok)),
                    ]);
                    if let Ok(Some(id)) = &result {
                        body.insert("created".into(), json!(id));
                    }
                    if let Some(e) = &err {
                        body.insert("error".into(), json!(e));
                    }
                    l.append(&inc, "call", body)?;
                }
                if ok {
                    out.changed += 1;
                    out.log.push(format!("{}: {call}", step.id));
                } else {
                    error = Some(format!("{}: {}", call.name(), err.unwrap_or_default()));
                    break;
                }
            }
            if error.is_some() {
                break;
            }
            after = match read_state(c, step.action, &step.params, &inc).await {
                Ok(s) => s,
                Err(e) => {
                    error = Some(format!("reading state again: {}", e.message));
                    break;
                }
            };
            pending = state::changes(step.action, &step.params, &inc, cutoff, &after);
        }
        if error.is_none() && !pending.is_empty() {
            error = Some(format!(
                "still not done after three rounds: {}",
                pending
                    .iter()
                    .map(Call::name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(e) = error {
            if step_failed(step, &e, &inc, log.as_deref_mut(), out, json!(before))? {
                return Ok(());
            }
            continue;
        }
        if step.action == crate::action::Action::Manual {
            if let Some(t) = step.params.get("instructions").and_then(Value::as_str) {
                out.log
                    .push(format!("{}: manual step, for a person:\n{t}", step.id));
            }
        }
        let changed = step.calls.iter().any(|c| c.mutating);
        if !changed && !step.action.read_only() {
            out.log
                .push(format!("{}: already done, nothing changed", step.id));
        }
        out.done.push(step.id.clone());
        if let Some(l) = log.as_deref_mut() {
            let mut body = obj(vec![
                ("step", json!(step.id)),
                ("phase", json!(step.phase)),
                ("action", json!(step.action)),
                ("params", json!(step.params)),
                ("status", json!(if changed { "done" } else { "unchanged" })),
                ("before", json!(before)),
                ("after", json!(after)),
            ]);
            if !evidence.is_empty() {
                body.insert(
                    "evidence".into(),
                    json!(evidence
                        .iter()
                        .map(|(f, h)| json!({"file": f, "sha256": h}))
                        .collect::<Vec<_>>()),
                );
                body.insert("reads".into(), json!(call_log));
            }
            l.append(&inc, "step", body)?;
        }
    }
    Ok(())
}

fn replace_placeholder(v: &mut Value, id: &str) {
    match v {
        Value::String(s) if s == NEW_GROUP => *s = id.to_owned(),
        Value::Array(a) => a.iter_mut().for_each(|x| replace_placeholder(x, id)),
        Value::Object(m) => m.values_mut().for_each(|x| replace_placeholder(x, id)),
        _ => {}
    }
}

/// Record a failed step; `Ok(true)` when the run must stop.
fn step_failed(
    step: &PlannedStep,
    msg: &str,
    inc: &str,
    log: Option<&mut AuditLog>,
    out: &mut Outcome,
    before: Value,
) -> Result<bool, ExecError> {
    out.failed.push((step.id.clone(), msg.to_owned()));
    let stop = step.on_failure == OnFailure::Stop;
    out.log.push(format!(
        "{}: failed: {msg}{}",
        step.id,
        if stop {
            " (on_failure: stop, the run stops here)"
        } else {
            " (on_failure: continue)"
        }
    ));
    if let Some(l) = log {
        l.append(
            inc,
            "step",
            obj(vec![
                ("step", json!(step.id)),
                ("action", json!(step.action)),
                ("status", json!("failed")),
                ("error", json!(msg)),
                ("before", before),
            ]),
        )?;
    }
    if stop {
        out.stopped = true;
    }
    Ok(stop)
}

async fn backward(
    plan: &mut Plan,
    c: &Clients,
    entries: &[Map<String, Value>],
    mut log: Option<&mut AuditLog>,
    out: &mut Outcome,
) -> Result<(), ExecError> {
    let inc = plan.incident_id.clone();
    // The state before the incident's first run of each step.
    let mut before: BTreeMap<String, State> = BTreeMap::new();
    for e in entries {
        if e.get("incident").and_then(Value::as_str) != Some(inc.as_str())
            || e.get("event").and_then(Value::as_str) != Some("step")
        {
            continue;
        }
        let (Some(step), Some(b)) = (e.get("step").and_then(Value::as_str), e.get("before")) else {
            continue;
        };
        if let Ok(s) = serde_json::from_value::<State>(b.clone()) {
            before.entry(step.to_owned()).or_insert(s);
        }
    }
    let apply_mode = log.is_some();
    for step in plan.steps.iter_mut().rev() {
        step.calls.clear();
        if !step.action.reversible() {
            continue;
        }
        let Some(b) = before.get(&step.id) else {
            continue;
        };
        let now = match read_state(c, step.action, &step.params, &inc).await {
            Ok(s) => s,
            Err(e) => {
                if step_failed(
                    step,
                    &format!("reading state: {}", e.message),
                    &inc,
                    log.as_deref_mut(),
                    out,
                    json!(null),
                )? {
                    return Ok(());
                }
                continue;
            }
        };
        let calls = state::undo(step.action, b, &now);
        step.calls = calls.clone();
        if !apply_mode {
            continue;
        }
        let mut failed = None;
        for call in &calls {
            let r = apply(c, call).await;
            if let Some(l) = log.as_deref_mut() {
                let mut body = obj(vec![
                    ("step", json!(step.id)),
                    ("call", json!(call.name())),
                    ("params", call.params.clone()),
                    ("mutating", json!(true)),
                    ("ok", json!(r.is_ok())),
                    ("undo", json!(true)),
                ]);
                if let Err(e) = &r {
                    body.insert("error".into(), json!(e.message));
                }
                l.append(&inc, "call", body)?;
            }
            match r {
                Ok(_) => {
                    out.changed += 1;
                    out.log.push(format!("{} (undo): {call}", step.id));
                }
                Err(e) => {
                    failed = Some(format!("{}: {}", call.name(), e.message));
                    break;
                }
            }
        }
        if let Some(e) = failed {
            if step_failed(step, &e, &inc, log.as_deref_mut(), out, json!(b))? {
                return Ok(());
            }
            continue;
        }
        let after = read_state(c, step.action, &step.params, &inc).await.ok();
        out.done.push(step.id.clone());
        if let Some(l) = log.as_deref_mut() {
            l.append(
                &inc,
                "undo",
                obj(vec![
                    ("step", json!(step.id)),
                    ("action", json!(step.action)),
                    (
                        "status",
                        json!(if calls.is_empty() {
                            "unchanged"
                        } else {
                            "restored"
                        }),
                    ),
                    ("before", json!(now)),
                    ("after", json!(after)),
                ]),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_policy_documents() {
        assert_eq!(url_decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(url_decode("100%"), "100%");
    }

    #[test]
    fn start_is_the_first_run() {
        let e: Vec<Map<String, Value>> = vec![
            obj(vec![
                ("incident", json!("a")),
                ("event", json!("run-start")),
                ("time", json!("2026-11-20T09:00:00.123Z")),
            ]),
            obj(vec![
                ("incident", json!("a")),
                ("event", json!("run-start")),
                ("time", json!("2026-11-21T09:00:00.000Z")),
            ]),
        ];
        assert_eq!(incident_start(&e, "a"), "2026-11-20T09:00:00Z");
    }
}
