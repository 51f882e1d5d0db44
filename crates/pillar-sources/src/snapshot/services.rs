//! Load balancing, WAF, KMS, Secrets Manager, RDS, Lambda and the
//! detection services (CloudTrail, GuardDuty, Security Hub, Config, Access
//! Analyzer, EventBridge, CloudWatch Logs).

use super::parse::{Data, Fail};
use super::util::{time, Ctx, Lines};
use pillar_model::{
    Analyzer, ConfigRecorder, DbInstance, DbSnapshot, Detector, EventRule, EventSelector, Function,
    KmsKey, Known, Listener, ListenerRule, LoadBalancer, LogGroup, Secret, SecurityHub,
    TargetGroup, Timestamp, TlsNegotiationPolicy, Trail, TrailStatus, WebAcl,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

// --------------------------------------------------------------- ELB

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LbsOut {
    load_balancers: Vec<LbShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LbShape {
    load_balancer_arn: String,
    load_balancer_name: String,
    #[serde(rename = "DNSName")]
    dns_name: Option<String>,
    scheme: Option<String>,
    vpc_id: Option<String>,
    #[serde(rename = "Type")]
    kind: String,
    availability_zones: Vec<LbZone>,
    security_groups: Vec<String>,
    ip_address_type: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LbZone {
    subnet_id: Option<String>,
}

fn known_scheme(s: Option<String>) -> Known<String> {
    s.map_or_else(|| Known::unknown("Scheme not in the file"), Known::Known)
}

pub(crate) fn load_balancers(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: LbsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .load_balancers
        .into_iter()
        .map(|l| LoadBalancer {
            resource: ctx
                .rref(
                    "AWS::ElasticLoadBalancingV2::LoadBalancer",
                    l.load_balancer_arn.clone(),
                    super::iam::arn_account(&l.load_balancer_arn),
                )
                .named(l.load_balancer_name.clone()),
            location: ctx.loc(&mut lines, &l.load_balancer_arn),
            arn: l.load_balancer_arn,
            name: l.load_balancer_name,
            kind: l.kind,
            scheme: known_scheme(l.scheme),
            vpc_id: l.vpc_id,
            subnets: l
                .availability_zones
                .into_iter()
                .filter_map(|z| z.subnet_id)
                .collect(),
            security_groups: l.security_groups,
            dns_name: l.dns_name,
            ip_address_type: l.ip_address_type,
            listeners: Known::default(),
            ..LoadBalancer::default()
        })
        .collect();
    Ok(Data::LoadBalancers(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ListenersOut {
    listeners: Vec<ListenerShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ListenerShape {
    listener_arn: String,
    port: Option<u16>,
    protocol: String,
    ssl_policy: Option<String>,
    default_actions: Vec<ActionShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ActionShape {
    #[serde(rename = "Type")]
    kind: String,
    target_group_arn: Option<String>,
    forward_config: Option<ForwardConfig>,
    redirect_config: Option<RedirectConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RedirectConfig {
    protocol: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ForwardConfig {
    target_groups: Vec<WeightedGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct WeightedGroup {
    target_group_arn: String,
}

pub(crate) fn listeners(bytes: &[u8]) -> Result<Data, Fail> {
    let out: ListenersOut = serde_json::from_slice(bytes)?;
    Ok(Data::Listeners(
        out.listeners
            .into_iter()
            .map(|l| {
                let mut target_groups = Vec::new();
                let mut default_actions = Vec::new();
                let mut redirect_protocol = None;
                for a in l.default_actions {
                    if a.kind.eq_ignore_ascii_case("redirect") {
                        redirect_protocol = a.redirect_config.and_then(|r| r.protocol);
                    }
                    target_groups.extend(a.target_group_arn);
                    for g in a
                        .forward_config
                        .map(|f| f.target_groups)
                        .unwrap_or_default()
                    {
                        if !target_groups.contains(&g.target_group_arn) {
                            target_groups.push(g.target_group_arn);
                        }
                    }
                    default_actions.push(a.kind);
                }
                Listener {
                    arn: l.listener_arn,
                    port: l.port,
                    protocol: l.protocol,
                    ssl_policy: l.ssl_policy,
                    target_groups,
                    default_actions,
                    redirect_protocol,
                    policy_names: Vec::new(),
                    location: None,
                    rules: Known::default(),
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ListenerRulesOut {
    rules: Vec<ListenerRuleShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ListenerRuleShape {
    rule_arn: String,
    priority: Option<String>,
    actions: Vec<ActionShape>,
    is_default: bool,
}

/// `elbv2 describe-rules --listener-arn X`: the listener's rules other than
/// the default one (whose actions are the listener's default actions).
pub(crate) fn listener_rules(bytes: &[u8]) -> Result<Data, Fail> {
    let out: ListenerRulesOut = serde_json::from_slice(bytes)?;
    Ok(Data::ListenerRules(
        out.rules
            .into_iter()
            .filter(|r| !r.is_default)
            .map(|r| {
                let mut redirect_protocol = None;
                let mut actions = Vec::new();
                let mut target_groups: Vec<String> = Vec::new();
                for a in r.actions {
                    if a.kind.eq_ignore_ascii_case("redirect") {
                        redirect_protocol = a.redirect_config.and_then(|c| c.protocol);
                    }
                    let forward = a
                        .forward_config
                        .map(|f| f.target_groups)
                        .unwrap_or_default();
                    for t in a
                        .target_group_arn
                        .into_iter()
                        .chain(forward.into_iter().map(|g| g.target_group_arn))
                    {
                        if !target_groups.contains(&t) {
                            target_groups.push(t);
                        }
                    }
                    actions.push(a.kind);
                }
                ListenerRule {
                    arn: r.rule_arn,
                    priority: r.priority,
                    actions,
                    redirect_protocol,
                    target_groups,
                    location: None,
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetGroupsOut {
    target_groups: Vec<TargetGroupShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetGroupShape {
    target_group_arn: String,
    target_group_name: String,
    target_type: String,
    protocol: Option<String>,
    port: Option<u16>,
    ip_address_type: Option<String>,
}

pub(crate) fn target_groups(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: TargetGroupsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .target_groups
        .into_iter()
        .map(|t| TargetGroup {
            resource: ctx
                .rref(
                    "AWS::ElasticLoadBalancingV2::TargetGroup",
                    t.target_group_arn.clone(),
                    super::iam::arn_account(&t.target_group_arn),
                )
                .named(t.target_group_name),
            location: ctx.loc(&mut lines, &t.target_group_arn),
            arn: t.target_group_arn,
            target_type: t.target_type,
            protocol: t.protocol,
            port: t.port,
            ip_address_type: t.ip_address_type,
            ..TargetGroup::default()
        })
        .collect();
    Ok(Data::TargetGroups(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetHealthOut {
    target_health_descriptions: Vec<TargetHealthShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetHealthShape {
    target: TargetShape,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetShape {
    id: String,
    port: Option<u16>,
}

pub(crate) fn target_health(bytes: &[u8]) -> Result<Data, Fail> {
    let out: TargetHealthOut = serde_json::from_slice(bytes)?;
    Ok(Data::Targets(
        out.target_health_descriptions
            .into_iter()
            .map(|t| (t.target.id, t.target.port))
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetGroupAttributesOut {
    attributes: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct KeyValue {
    key: String,
    value: String,
}

/// `elbv2 describe-target-group-attributes`: the `preserve_client_ip.enabled`
/// attribute ("true"/"false"), which decides whether an NLB target sees
/// the client's address (ELB User Guide for NLBs, "Client IP preservation").
pub(crate) fn target_group_attributes(bytes: &[u8]) -> Result<Data, Fail> {
    let out: TargetGroupAttributesOut = serde_json::from_slice(bytes)?;
    let mut flag = None;
    for a in out.attributes {
        if a.key == "preserve_client_ip.enabled" {
            flag = match a.value.trim().to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                other => {
                    return Err(Fail::Other(format!(
                        "preserve_client_ip.enabled is neither true nor false: {other:?}"
                    )))
                }
            };
        }
    }
    Ok(Data::PreserveClientIp(flag))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ClassicOut {
    load_balancer_descriptions: Vec<ClassicShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ClassicShape {
    load_balancer_name: String,
    #[serde(rename = "DNSName")]
    dns_name: Option<String>,
    scheme: Option<String>,
    #[serde(rename = "VPCId")]
    vpc_id: Option<String>,
    subnets: Vec<String>,
    security_groups: Vec<String>,
    listener_descriptions: Vec<ClassicListenerDescription>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ClassicListenerDescription {
    listener: ClassicListener,
    policy_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ClassicListener {
    protocol: String,
    load_balancer_port: Option<u16>,
}

pub(crate) fn classic_load_balancers(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: ClassicOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .load_balancer_descriptions
        .into_iter()
        .map(|l| {
            let id = ctx.arn_or_id(
                "elasticloadbalancing",
                None,
                "loadbalancer",
                &l.load_balancer_name,
            );
            LoadBalancer {
                resource: ctx
                    .rref("AWS::ElasticLoadBalancing::LoadBalancer", id, None)
                    .named(l.load_balancer_name.clone()),
                location: ctx.loc(&mut lines, &l.load_balancer_name),
                arn: l.load_balancer_name.clone(),
                name: l.load_balancer_name,
                kind: "classic".to_owned(),
                scheme: known_scheme(l.scheme),
                vpc_id: l.vpc_id,
                subnets: l.subnets,
                security_groups: l.security_groups,
                dns_name: l.dns_name,
                listeners: Known::Known(
                    l.listener_descriptions
                        .into_iter()
                        .map(|d| Listener {
                            port: d.listener.load_balancer_port,
                            protocol: d.listener.protocol,
                            policy_names: d.policy_names,
                            rules: Known::Known(Vec::new()),
                            ..Listener::default()
                        })
                        .collect(),
                ),
                ..LoadBalancer::default()
            }
        })
        .collect();
    Ok(Data::LoadBalancers(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LbPoliciesOut {
    policy_descriptions: Vec<LbPolicyShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LbPolicyShape {
    policy_name: String,
    policy_type_name: String,
    policy_attribute_descriptions: Vec<LbPolicyAttribute>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LbPolicyAttribute {
    attribute_name: String,
    attribute_value: Option<String>,
}

/// `aws elb describe-load-balancer-policies --load-balancer-name X`: the
/// load balancer's `SSLNegotiationPolicyType` policies (other types are
/// dropped); which listeners use them comes from the load balancer's
/// `PolicyNames`.
pub(crate) fn classic_lb_policies(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: LbPoliciesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    Ok(Data::TlsPolicies(
        out.policy_descriptions
            .into_iter()
            .filter(|p| p.policy_type_name == "SSLNegotiationPolicyType")
            .map(|p| {
                let mut t = TlsNegotiationPolicy {
                    location: ctx.loc(&mut lines, &p.policy_name),
                    name: p.policy_name,
                    ..TlsNegotiationPolicy::default()
                };
                for a in p.policy_attribute_descriptions {
                    let v = a.attribute_value.unwrap_or_default();
                    if a.attribute_name == "Reference-Security-Policy" {
                        t.reference_policy = Some(v);
                    } else if a.attribute_name.starts_with("Protocol-") {
                        t.protocols.insert(a.attribute_name, v);
                    }
                }
                t
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------- WAF

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WebAclsOut {
    #[serde(rename = "WebACLs")]
    web_acls: Vec<WebAclShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WebAclShape {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "ARN")]
    arn: String,
}

pub(crate) fn web_acls(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: WebAclsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .web_acls
        .into_iter()
        .map(|w| {
            let id = if w.arn.is_empty() {
                w.id.clone()
            } else {
                w.arn.clone()
            };
            WebAcl {
                resource: ctx
                    .rref("AWS::WAFv2::WebACL", id, super::iam::arn_account(&w.arn))
                    .named(w.name.clone()),
                location: ctx.loc(&mut lines, &w.name),
                arn: w.arn,
                name: w.name,
                scope: "REGIONAL".to_owned(),
                ..WebAcl::default()
            }
        })
        .collect();
    Ok(Data::WebAcls(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ResourceArnsOut {
    resource_arns: Vec<String>,
}

pub(crate) fn web_acl_resources(bytes: &[u8]) -> Result<Data, Fail> {
    let out: ResourceArnsOut = serde_json::from_slice(bytes)?;
    Ok(Data::Strings(out.resource_arns))
}

// ---------------------------------------------------------------- KMS

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct KeysOut {
    keys: Vec<KeyShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct KeyShape {
    key_id: String,
    key_arn: String,
}

pub(crate) fn kms_keys(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: KeysOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .keys
        .into_iter()
        .map(|k| {
            let id = if k.key_arn.is_empty() {
                k.key_id.clone()
            } else {
                k.key_arn.clone()
            };
            KmsKey {
                resource: ctx.rref("AWS::KMS::Key", id, super::iam::arn_account(&k.key_arn)),
                location: ctx.loc(&mut lines, &k.key_id),
                id: k.key_id,
                arn: k.key_arn,
                ..KmsKey::default()
            }
        })
        .collect();
    Ok(Data::KmsKeys(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AliasesOut {
    aliases: Vec<AliasShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AliasShape {
    alias_name: String,
    target_key_id: Option<String>,
}

pub(crate) fn kms_aliases(bytes: &[u8]) -> Result<Data, Fail> {
    let out: AliasesOut = serde_json::from_slice(bytes)?;
    Ok(Data::Aliases(
        out.aliases
            .into_iter()
            .filter_map(|a| a.target_key_id.map(|k| (a.alias_name, k)))
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DescribeKeyOut {
    key_metadata: Option<KeyMetadataShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct KeyMetadataShape {
    key_manager: String,
    key_state: String,
    key_spec: Option<String>,
    customer_master_key_spec: Option<String>,
    origin: String,
}

/// What `kms describe-key` adds to a key.
#[derive(Debug, Default)]
pub(crate) struct KeyMeta {
    pub manager: String,
    pub state: String,
    pub spec: String,
    pub origin: String,
}

pub(crate) fn kms_describe_key(bytes: &[u8]) -> Result<Data, Fail> {
    let out: DescribeKeyOut = serde_json::from_slice(bytes)?;
    let m = out
        .key_metadata
        .ok_or_else(|| Fail::Other("no KeyMetadata in the file".to_owned()))?;
    Ok(Data::KeyMeta(KeyMeta {
        manager: m.key_manager,
        state: m.key_state,
        spec: m
            .key_spec
            .or(m.customer_master_key_spec)
            .unwrap_or_default(),
        origin: m.origin,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RotationOut {
    key_rotation_enabled: Option<bool>,
}

pub(crate) fn kms_rotation(bytes: &[u8]) -> Result<Data, Fail> {
    let out: RotationOut = serde_json::from_slice(bytes)?;
    out.key_rotation_enabled
        .map(Data::Bool)
        .ok_or_else(|| Fail::Other("no KeyRotationEnabled in the file".to_owned()))
}

// ------------------------------------------------------ Secrets Manager

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SecretsOut {
    secret_list: Vec<SecretShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SecretShape {
    #[serde(rename = "ARN")]
    arn: String,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "KmsKeyId")]
    kms_key_id: Option<String>,
    #[serde(rename = "RotationEnabled")]
    rotation_enabled: Option<bool>,
    #[serde(rename = "RotationRules")]
    rotation_rules: Option<RotationRules>,
    #[serde(rename = "LastRotatedDate", deserialize_with = "time")]
    last_rotated_date: Option<Timestamp>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RotationRules {
    automatically_after_days: Option<i64>,
}

pub(crate) fn secrets(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: SecretsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .secret_list
        .into_iter()
        .map(|s| {
            let id = if s.arn.is_empty() {
                s.name.clone()
            } else {
                s.arn.clone()
            };
            Secret {
                resource: ctx
                    .rref(
                        "AWS::SecretsManager::Secret",
                        id,
                        super::iam::arn_account(&s.arn),
                    )
                    .named(s.name.clone()),
                location: ctx.loc(&mut lines, &s.name),
                arn: s.arn,
                name: s.name,
                // ListSecrets omits RotationEnabled for secrets that were
                // never set up for rotation.
                rotation_enabled: Known::Known(s.rotation_enabled.unwrap_or(false)),
                rotation_days: s.rotation_rules.and_then(|r| r.automatically_after_days),
                last_rotated: s.last_rotated_date,
                kms_key_id: s.kms_key_id,
                ..Secret::default()
            }
        })
        .collect();
    Ok(Data::Secrets(list))
}

// ---------------------------------------------------------------- RDS

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DbInstancesOut {
    #[serde(rename = "DBInstances")]
    db_instances: Vec<DbInstanceShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DbInstanceShape {
    #[serde(rename = "DBInstanceIdentifier")]
    db_instance_identifier: String,
    #[serde(rename = "DBInstanceArn")]
    db_instance_arn: String,
    engine: String,
    publicly_accessible: Option<bool>,
    storage_encrypted: Option<bool>,
    kms_key_id: Option<String>,
    backup_retention_period: Option<i64>,
    deletion_protection: Option<bool>,
    #[serde(rename = "IAMDatabaseAuthenticationEnabled")]
    iam_auth: Option<bool>,
    endpoint: Option<Endpoint>,
    db_instance_port: Option<u16>,
    vpc_security_groups: Vec<VpcSecurityGroup>,
    #[serde(rename = "DBSubnetGroup")]
    db_subnet_group: Option<SubnetGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Endpoint {
    port: Option<u16>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VpcSecurityGroup {
    vpc_security_group_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SubnetGroup {
    vpc_id: Option<String>,
    subnets: Vec<SubnetRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SubnetRef {
    subnet_identifier: String,
}

fn known(v: Option<bool>, field: &str) -> Known<bool> {
    v.map_or_else(
        || Known::unknown(format!("{field} not in the file")),
        Known::Known,
    )
}

fn arn_or(arn: &str, id: &str) -> String {
    if arn.is_empty() {
        id.to_owned()
    } else {
        arn.to_owned()
    }
}

pub(crate) fn db_instances(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: DbInstancesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .db_instances
        .into_iter()
        .map(|d| {
            let group = d.db_subnet_group.unwrap_or_default();
            DbInstance {
                resource: ctx
                    .rref(
                        "AWS::RDS::DBInstance",
                        arn_or(&d.db_instance_arn, &d.db_instance_identifier),
                        super::iam::arn_account(&d.db_instance_arn),
                    )
                    .named(d.db_instance_identifier.clone()),
                location: ctx.loc(&mut lines, &d.db_instance_identifier),
                id: d.db_instance_identifier,
                arn: d.db_instance_arn,
                engine: d.engine,
                publicly_accessible: known(d.publicly_accessible, "PubliclyAccessible"),
                storage_encrypted: known(d.storage_encrypted, "StorageEncrypted"),
                kms_key_id: d.kms_key_id,
                backup_retention_days: d.backup_retention_period,
                deletion_protection: d.deletion_protection,
                iam_auth: d.iam_auth,
                port: d.endpoint.and_then(|e| e.port).or(d.db_instance_port),
                security_groups: d
                    .vpc_security_groups
                    .into_iter()
                    .map(|g| g.vpc_security_group_id)
                    .collect(),
                subnet_ids: group
                    .subnets
                    .into_iter()
                    .map(|s| s.subnet_identifier)
                    .collect(),
                vpc_id: group.vpc_id,
                ..DbInstance::default()
            }
        })
        .collect();
    Ok(Data::DbInstances(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DbSnapshotsOut {
    #[serde(rename = "DBSnapshots")]
    db_snapshots: Vec<DbSnapshotShape>,
    #[serde(rename = "DBClusterSnapshots")]
    db_cluster_snapshots: Vec<DbSnapshotShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DbSnapshotShape {
    #[serde(rename = "DBSnapshotIdentifier", alias = "DBClusterSnapshotIdentifier")]
    identifier: String,
    #[serde(rename = "DBSnapshotArn", alias = "DBClusterSnapshotArn")]
    arn: String,
    #[serde(rename = "Encrypted", alias = "StorageEncrypted")]
    encrypted: Option<bool>,
}

pub(crate) fn db_snapshots(bytes: &[u8], ctx: &Ctx<'_>, cluster: bool) -> Result<Data, Fail> {
    let out: DbSnapshotsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let (kind, items) = if cluster {
        ("AWS::RDS::DBClusterSnapshot", out.db_cluster_snapshots)
    } else {
        ("AWS::RDS::DBSnapshot", out.db_snapshots)
    };
    let list = items
        .into_iter()
        .map(|s| DbSnapshot {
            resource: ctx
                .rref(
                    kind,
                    arn_or(&s.arn, &s.identifier),
                    super::iam::arn_account(&s.arn),
                )
                .named(s.identifier.clone()),
            location: ctx.loc(&mut lines, &s.identifier),
            id: s.identifier,
            arn: s.arn,
            cluster,
            encrypted: known(s.encrypted, "Encrypted"),
            ..DbSnapshot::default()
        })
        .collect();
    Ok(Data::DbSnapshots(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SnapshotAttributesOut {
    #[serde(
        rename = "DBSnapshotAttributesResult",
        alias = "DBClusterSnapshotAttributesResult"
    )]
    result: Option<SnapshotAttributesResult>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SnapshotAttributesResult {
    #[serde(rename = "DBSnapshotAttributes", alias = "DBClusterSnapshotAttributes")]
    attributes: Vec<SnapshotAttribute>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SnapshotAttribute {
    attribute_name: String,
    attribute_values: Vec<String>,
}

pub(crate) fn db_snapshot_attributes(bytes: &[u8]) -> Result<Data, Fail> {
    let out: SnapshotAttributesOut = serde_json::from_slice(bytes)?;
    let result = out
        .result
        .ok_or_else(|| Fail::Other("no snapshot attributes result in the file".to_owned()))?;
    Ok(Data::Strings(
        result
            .attributes
            .into_iter()
            .filter(|a| a.attribute_name == "restore")
            .flat_map(|a| a.attribute_values)
            .collect(),
    ))
}

// ------------------------------------------------------------- Lambda

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct FunctionsOut {
    functions: Vec<FunctionShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct FunctionShape {
    function_name: String,
    function_arn: String,
    runtime: Option<String>,
    role: Option<String>,
    environment: Option<EnvironmentShape>,
    #[serde(rename = "KMSKeyArn")]
    kms_key_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EnvironmentShape {
    variables: BTreeMap<String, String>,
}

pub(crate) fn functions(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: FunctionsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .functions
        .into_iter()
        .map(|f| Function {
            resource: ctx
                .rref(
                    "AWS::Lambda::Function",
                    arn_or(&f.function_arn, &f.function_name),
                    super::iam::arn_account(&f.function_arn),
                )
                .named(f.function_name.clone()),
            location: ctx.loc(&mut lines, &f.function_name),
            name: f.function_name,
            arn: f.function_arn,
            runtime: f.runtime,
            role: f.role,
            // ListFunctions prints the environment when there is one.
            environment: Known::Known(f.environment.map(|e| e.variables).unwrap_or_default()),
            kms_key_arn: f.kms_key_arn,
            ..Function::default()
        })
        .collect();
    Ok(Data::Functions(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct UrlConfigOut {
    auth_type: Option<String>,
}

pub(crate) fn lambda_url_config(bytes: &[u8]) -> Result<Data, Fail> {
    let out: UrlConfigOut = serde_json::from_slice(bytes)?;
    out.auth_type
        .map(|a| Data::Text(Some(a)))
        .ok_or_else(|| Fail::Other("no AuthType in the file".to_owned()))
}

// ---------------------------------------------------------- CloudTrail

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TrailsOut {
    #[serde(rename = "trailList")]
    trail_list: Vec<TrailShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TrailShape {
    name: String,
    #[serde(rename = "TrailARN")]
    trail_arn: String,
    home_region: Option<String>,
    is_multi_region_trail: Option<bool>,
    is_organization_trail: Option<bool>,
    include_global_service_events: Option<bool>,
    log_file_validation_enabled: Option<bool>,
    kms_key_id: Option<String>,
    s3_bucket_name: Option<String>,
    s3_key_prefix: Option<String>,
    cloud_watch_logs_log_group_arn: Option<String>,
}

pub(crate) fn trails(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: TrailsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .trail_list
        .into_iter()
        .map(|t| {
            let mut resource = ctx
                .rref(
                    "AWS::CloudTrail::Trail",
                    arn_or(&t.trail_arn, &t.name),
                    super::iam::arn_account(&t.trail_arn),
                )
                .named(t.name.clone());
            // A trail lives in its home region (other regions list shadows).
            if let Some(home) = &t.home_region {
                resource.region = Some(home.clone());
            }
            Trail {
                resource,
                location: ctx.loc(&mut lines, &t.name),
                name: t.name,
                arn: t.trail_arn,
                home_region: t.home_region,
                is_multi_region: known(t.is_multi_region_trail, "IsMultiRegionTrail"),
                is_organization_trail: known(t.is_organization_trail, "IsOrganizationTrail"),
                include_global_service_events: known(
                    t.include_global_service_events,
                    "IncludeGlobalServiceEvents",
                ),
                log_file_validation: known(
                    t.log_file_validation_enabled,
                    "LogFileValidationEnabled",
                ),
                kms_key_id: Known::Known(t.kms_key_id),
                s3_bucket: Known::Known(t.s3_bucket_name),
                s3_key_prefix: Known::Known(t.s3_key_prefix),
                cloudwatch_logs_group_arn: t.cloud_watch_logs_log_group_arn,
                ..Trail::default()
            }
        })
        .collect();
    Ok(Data::Trails(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TrailStatusOut {
    is_logging: Option<bool>,
    latest_delivery_error: Option<String>,
    #[serde(deserialize_with = "time")]
    latest_delivery_time: Option<Timestamp>,
}

pub(crate) fn trail_status(bytes: &[u8]) -> Result<Data, Fail> {
    let out: TrailStatusOut = serde_json::from_slice(bytes)?;
    let is_logging = out
        .is_logging
        .ok_or_else(|| Fail::Other("no IsLogging in the file".to_owned()))?;
    Ok(Data::TrailStatus(TrailStatus {
        is_logging,
        latest_delivery_error: out.latest_delivery_error,
        latest_delivery_time: out.latest_delivery_time,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SelectorsOut {
    event_selectors: Vec<SelectorShape>,
    advanced_event_selectors: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SelectorShape {
    read_write_type: Option<String>,
    include_management_events: Option<bool>,
    data_resources: Vec<DataResource>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DataResource {
    #[serde(rename = "Type")]
    kind: String,
    values: Vec<String>,
}

pub(crate) fn event_selectors(bytes: &[u8]) -> Result<Data, Fail> {
    let out: SelectorsOut = serde_json::from_slice(bytes)?;
    Ok(Data::Selectors(
        out.event_selectors
            .into_iter()
            .map(|s| EventSelector {
                // API defaults: All, management events included.
                read_write_type: s.read_write_type.unwrap_or_else(|| "All".to_owned()),
                include_management_events: s.include_management_events.unwrap_or(true),
                data_resources: s
                    .data_resources
                    .into_iter()
                    .map(|d| (d.kind, d.values))
                    .collect(),
            })
            .collect(),
        out.advanced_event_selectors,
    ))
}

// ----------------------------------------------------------- GuardDuty

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DetectorsOut {
    detector_ids: Vec<String>,
}

pub(crate) fn detectors(bytes: &[u8]) -> Result<Data, Fail> {
    let out: DetectorsOut = serde_json::from_slice(bytes)?;
    Ok(Data::Strings(out.detector_ids))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DetectorOut {
    status: Option<String>,
    finding_publishing_frequency: Option<String>,
}

pub(crate) fn detector(bytes: &[u8]) -> Result<Data, Fail> {
    let out: DetectorOut = serde_json::from_slice(bytes)?;
    let status = out
        .status
        .ok_or_else(|| Fail::Other("no Status in the file".to_owned()))?;
    Ok(Data::Detector(Detector {
        id: String::new(),
        enabled: status == "ENABLED",
        finding_publishing_frequency: out.finding_publishing_frequency,
    }))
}

// -------------------------------------------------------- Security Hub

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct HubOut {
    hub_arn: Option<String>,
    #[serde(deserialize_with = "time")]
    subscribed_at: Option<Timestamp>,
}

pub(crate) fn security_hub(bytes: &[u8]) -> Result<Data, Fail> {
    let out: HubOut = serde_json::from_slice(bytes)?;
    let arn = out
        .hub_arn
        .ok_or_else(|| Fail::Other("no HubArn in the file".to_owned()))?;
    Ok(Data::Hub(Some(SecurityHub {
        arn,
        subscribed_at: out.subscribed_at,
        standards: Vec::new(),
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct StandardsOut {
    standards_subscriptions: Vec<StandardsSubscription>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct StandardsSubscription {
    standards_arn: String,
    standards_status: String,
}

pub(crate) fn security_hub_standards(bytes: &[u8]) -> Result<Data, Fail> {
    let out: StandardsOut = serde_json::from_slice(bytes)?;
    Ok(Data::Strings(
        out.standards_subscriptions
            .into_iter()
            .filter(|s| !matches!(s.standards_status.as_str(), "DELETING" | "FAILED"))
            .map(|s| s.standards_arn)
            .collect(),
    ))
}

// ------------------------------------------------------------- Config

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RecordersOut {
    configuration_recorders: Vec<RecorderShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RecorderShape {
    name: String,
    recording_group: Option<RecordingGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RecordingGroup {
    all_supported: bool,
    include_global_resource_types: bool,
}

pub(crate) fn config_recorders(bytes: &[u8]) -> Result<Data, Fail> {
    let out: RecordersOut = serde_json::from_slice(bytes)?;
    Ok(Data::Recorders(
        out.configuration_recorders
            .into_iter()
            .map(|r| {
                let g = r.recording_group.unwrap_or_default();
                ConfigRecorder {
                    name: r.name,
                    all_supported: g.all_supported,
                    include_global_resource_types: g.include_global_resource_types,
                    recording: Known::default(),
                    last_status: None,
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RecorderStatusOut {
    configuration_recorders_status: Vec<RecorderStatusShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RecorderStatusShape {
    name: String,
    recording: Option<bool>,
    last_status: Option<String>,
}

pub(crate) fn config_recorder_status(bytes: &[u8]) -> Result<Data, Fail> {
    let out: RecorderStatusOut = serde_json::from_slice(bytes)?;
    Ok(Data::RecorderStatus(
        out.configuration_recorders_status
            .into_iter()
            .map(|s| (s.name, s.recording, s.last_status))
            .collect(),
    ))
}

// ---------------------------------------------------- Access Analyzer

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AnalyzersOut {
    analyzers: Vec<AnalyzerShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AnalyzerShape {
    arn: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    status: String,
}

pub(crate) fn analyzers(bytes: &[u8]) -> Result<Data, Fail> {
    let out: AnalyzersOut = serde_json::from_slice(bytes)?;
    Ok(Data::Analyzers(
        out.analyzers
            .into_iter()
            .map(|a| Analyzer {
                arn: a.arn,
                name: a.name,
                kind: a.kind,
                active: a.status == "ACTIVE",
            })
            .collect(),
    ))
}

// --------------------------------------------------------- EventBridge

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RulesOut {
    rules: Vec<RuleShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RuleShape {
    name: String,
    arn: String,
    event_pattern: Option<String>,
    state: Option<String>,
}

pub(crate) fn event_rules(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: RulesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .rules
        .into_iter()
        .map(|r| EventRule {
            resource: ctx
                .rref(
                    "AWS::Events::Rule",
                    arn_or(&r.arn, &r.name),
                    super::iam::arn_account(&r.arn),
                )
                .named(r.name.clone()),
            location: ctx.loc(&mut lines, &r.name),
            event_pattern: r
                .event_pattern
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok()),
            // `ENABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
            enabled: r.state.as_deref().is_some_and(|s| s.starts_with("ENABLED")),
            name: r.name,
            arn: r.arn,
            ..EventRule::default()
        })
        .collect();
    Ok(Data::EventRules(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RuleTargetsOut {
    targets: Vec<RuleTarget>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RuleTarget {
    arn: String,
}

pub(crate) fn rule_targets(bytes: &[u8]) -> Result<Data, Fail> {
    let out: RuleTargetsOut = serde_json::from_slice(bytes)?;
    Ok(Data::Strings(
        out.targets.into_iter().map(|t| t.arn).collect(),
    ))
}

// ------------------------------------------------------ CloudWatch Logs

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct LogGroupsOut {
    log_groups: Vec<LogGroupShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct LogGroupShape {
    log_group_name: String,
    arn: Option<String>,
    log_group_arn: Option<String>,
    retention_in_days: Option<i64>,
    kms_key_id: Option<String>,
}

pub(crate) fn log_groups(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: LogGroupsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .log_groups
        .into_iter()
        .map(|g| {
            // `arn` ends in `:*`; `logGroupArn` (newer CLIs) does not.
            let arn = g
                .log_group_arn
                .or_else(|| g.arn.map(|a| a.trim_end_matches(":*").to_owned()))
                .unwrap_or_default();
            LogGroup {
                resource: ctx
                    .rref(
                        "AWS::Logs::LogGroup",
                        arn_or(&arn, &g.log_group_name),
                        super::iam::arn_account(&arn),
                    )
                    .named(g.log_group_name.clone()),
                location: ctx.loc(&mut lines, &g.log_group_name),
                name: g.log_group_name,
                arn,
                retention_days: g.retention_in_days,
                kms_key_id: g.kms_key_id,
                ..LogGroup::default()
            }
        })
        .collect();
    Ok(Data::LogGroups(list))
}
