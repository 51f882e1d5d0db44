//! The CloudFormation source: a template in YAML (short-form intrinsics
//! included) or JSON, mapped into the same model as the snapshot.
//!
//! Each resource's identity is its logical id; `Ref` to a resource and
//! `Fn::GetAtt …Arn` evaluate to that id so references join (a bucket
//! policy to its bucket, a listener to its load balancer). Resources whose
//! `Condition` is false are left out. As with Terraform, no service is
//! marked as collected: account- and region-wide rules say *not assessed*.

#![allow(
    clippy::needless_update,
    reason = "`..Default::default()` keeps the mapping building when the model gains fields"
)]

pub mod eval;
mod net;
mod resource_policies;
mod stores;
pub mod yaml;

use crate::secret_args::{self, Supplied};
use crate::terraform::value::V;
use crate::{LoadOptions, Loaded};
use eval::Template;
use pillar_model::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Bytes read to decide whether a file is a template.
const SNIFF: usize = 64 * 1024;

/// Whether a file looks like a CloudFormation template: a `.yaml`, `.yml`,
/// `.json` or `.template` file that mentions `AWSTemplateFormatVersion` or
/// a `Resources` section with `AWS::` types near its start.
pub fn is_template_path(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("yaml" | "yml" | "json" | "template")) {
        return false;
    }
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(SNIFF);
    if f.take(SNIFF as u64).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// Load one template.
pub fn load_file(path: &Path, opts: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let display = path.display().to_string();
    let text = match read_text(path, opts) {
        Ok(t) => t,
        Err(why) => {
            loaded.skipped.push(Skipped::new(display, why));
            return loaded;
        }
    };
    match load_text(&display, &text, opts, &mut loaded.inventory) {
        Ok(()) => {
            loaded.files_read += 1;
            loaded.sources.push(format!("cloudformation {display}"));
        }
        Err((line, col, why)) => loaded
            .skipped
            .push(Skipped::new(display, why).at(line, col)),
    }
    loaded
}

fn read_text(path: &Path, opts: &LoadOptions) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > opts.max_file_bytes {
        return Err(format!(
            "larger than the {} MiB limit",
            opts.max_file_bytes / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    // A byte-order mark is not part of the text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

type LoadError = (Option<u32>, Option<u32>, String);

/// Parse and map a template's text into an inventory. A YAML stream of
/// several documents (`---`) is read as that many templates.
pub fn load_text(
    display: &str,
    text: &str,
    opts: &LoadOptions,
    inv: &mut Inventory,
) -> Result<(), LoadError> {
    let docs = yaml::parse_all(text).map_err(|e| {
        (
            Some(e.line),
            Some(e.column),
            format!("invalid template: {}", e.message),
        )
    })?;
    let mut any = false;
    for root in &docs {
        if let Some(V::Map(resources)) = root.get("Resources") {
            load_doc(display, root, resources, opts, inv);
            any = true;
        }
    }
    if any {
        Ok(())
    } else {
        Err((None, None, "no Resources section".to_owned()))
    }
}

fn load_doc(
    display: &str,
    root: &V,
    resources: &BTreeMap<String, V>,
    opts: &LoadOptions,
    inv: &mut Inventory,
) {
    let lines = resources.get(yaml::KEY_LINES).cloned().unwrap_or(V::Null);
    let tpl = Template::new(root, &opts.cfn_params);
    inv.suppressions
        .extend(suppressions(display, resources, &lines));
    let mut all = Vec::new();
    for (id, res) in resources.iter().filter(|(k, _)| !k.starts_with("__")) {
        let Some(kind) = res.get("Type").and_then(V::as_str) else {
            continue;
        };
        if let Some(cond) = res.get("Condition").and_then(V::as_str) {
            if tpl.condition(cond, 0) == Ok(false) {
                continue;
            }
        }
        let props = res
            .get("Properties")
            .map_or(V::Map(BTreeMap::new()), |p| tpl.resolve(p, 0));
        let line = lines
            .get(id)
            .and_then(|l| l.to_num().ok())
            .map_or(0, |n| n as u32);
        all.push(R {
            id: id.clone(),
            kind: kind.to_owned(),
            p: props,
            file: display.to_owned(),
            line,
        });
    }
    let (db, store) = (inv.db_instances.len(), inv.store_credentials.len());
    for r in &all {
        primary(r, inv);
        resource_policies::primary(r, inv);
        stores::primary(r, inv);
    }
    secret_args::settle(inv, db, store, &parameter_values(display, root, opts));
    for r in &all {
        join(r, inv);
        resource_policies::join(r, inv);
    }
    net::addresses(&all, inv);
    net::target_groups(&all, inv);
    crate::terraform::map::net::main_route_tables(inv, SourceKind::Cloudformation);
    for r in all
        .iter()
        .filter(|r| r.kind == "AWS::ElasticLoadBalancingV2::ListenerRule")
    {
        let actions = r.list("Actions");
        let rule = ListenerRule {
            arn: r.id.clone(),
            priority: r.s("Priority"),
            actions: actions.iter().filter_map(|a| text(a.get("Type"))).collect(),
            redirect_protocol: redirect_protocol(&actions),
            target_groups: net::forward_target_groups(&actions),
            location: r.loc(),
        };
        crate::terraform::map::add_listener_rule(inv, r.s("ListenerArn"), rule);
    }
}

/// Where each parameter's value comes from: `--cfn-param` (given at scan
/// time, not in the repository) or its `Default` (written in the template).
fn parameter_values(display: &str, root: &V, opts: &LoadOptions) -> Vec<Supplied> {
    let mut out: Vec<Supplied> = opts
        .cfn_params
        .iter()
        .map(|(name, value)| Supplied {
            value: value.clone(),
            from: secret_args::Source::ScanTime(format!("--cfn-param {name}")),
        })
        .collect();
    let Some(V::Map(params)) = root.get("Parameters") else {
        return out;
    };
    for (name, p) in params.iter().filter(|(k, _)| !k.starts_with("__")) {
        if opts.cfn_params.iter().any(|(k, _)| k == name) {
            continue;
        }
        let Some(Ok(value)) = p.get("Default").map(V::to_text) else {
            continue;
        };
        let line = p
            .get(yaml::KEY_LINES)
            .and_then(|l| l.get("Default"))
            .and_then(|l| l.to_num().ok())
            .map_or(0, |n| n as u32);
        out.push(Supplied::written(
            value,
            format!("the default of parameter `{name}`"),
            display,
            line,
        ));
    }
    out
}

/// `Metadata: pillar: ignore: [{id, reason}]` on each resource. A resource
/// covers the lines from its key to the next resource's key.
fn suppressions(display: &str, resources: &BTreeMap<String, V>, lines: &V) -> Vec<Suppression> {
    let line_of = |id: &str| {
        lines
            .get(id)
            .and_then(|l| l.to_num().ok())
            .map_or(0, |n| n as u32)
    };
    let mut starts: Vec<u32> = resources
        .keys()
        .filter(|k| !k.starts_with("__"))
        .map(|k| line_of(k))
        .collect();
    starts.sort_unstable();
    let mut out = Vec::new();
    for (id, res) in resources.iter().filter(|(k, _)| !k.starts_with("__")) {
        let Some(list) = res
            .get("Metadata")
            .and_then(|m| m.get("pillar"))
            .and_then(|p| p.get("ignore"))
        else {
            continue;
        };
        let start = line_of(id);
        let end = starts
            .iter()
            .copied()
            .find(|s| *s > start)
            .map_or(u32::MAX, |s| s.saturating_sub(1));
        let entries: Vec<&V> = match list {
            V::List(l) => l.iter().collect(),
            other => vec![other],
        };
        for e in entries {
            let (rule, reason) = match e {
                V::Str(s) => (Some(s.clone()), String::new()),
                m @ V::Map(_) => (
                    text(m.get("id")).or_else(|| text(m.get("rule"))),
                    text(m.get("reason")).unwrap_or_default(),
                ),
                _ => (None, String::new()),
            };
            let Some(rule) = rule else { continue };
            let at = e
                .get(yaml::LINE_KEY)
                .and_then(|l| l.to_num().ok())
                .map_or(start, |n| n as u32);
            out.push(Suppression {
                rule,
                reason,
                location: Location::new(display, Some(at)),
                resource: id.clone(),
                file: display.to_owned(),
                start_line: start,
                end_line: end,
            });
        }
    }
    out
}

struct R {
    id: String,
    kind: String,
    p: V,
    file: String,
    line: u32,
}

impl R {
    fn get(&self, k: &str) -> Option<&V> {
        self.p.get(k)
    }
    fn s(&self, k: &str) -> Option<String> {
        text(self.get(k))
    }
    fn b(&self, k: &str, default: bool) -> Known<bool> {
        match self.get(k) {
            None | Some(V::Null) => Known::Known(default),
            Some(v) => v.known_bool(),
        }
    }
    fn strings(&self, k: &str) -> Vec<String> {
        self.get(k)
            .map(|v| v.known_strings().into_option().unwrap_or_default())
            .unwrap_or_default()
    }
    fn list(&self, k: &str) -> Vec<&V> {
        items(self.get(k))
    }
    fn rref(&self, kind: &str) -> ResourceRef {
        ResourceRef::new(kind, self.id.clone()).from_source(SourceKind::Cloudformation)
    }
    fn loc(&self) -> Option<Location> {
        Some(Location::new(self.file.clone(), Some(self.line)))
    }
    fn loc_of(&self, v: &V) -> Option<Location> {
        let line = v
            .get(yaml::LINE_KEY)
            .and_then(|l| l.to_num().ok())
            .map_or(self.line, |n| n as u32);
        Some(Location::new(self.file.clone(), Some(line)))
    }
}

const UNDECLARED_LB: &str = "the load balancer is not declared in this template";
use crate::terraform::map::UNRESOLVED_POLICY;

/// The protocol of a listener's default redirect: AWS's `#{protocol}` when
/// `RedirectConfig` names none, `None` when unresolved, when there is no
/// redirect, or when the redirect has no `RedirectConfig` (which
/// CloudFormation rejects).
fn redirect_protocol(actions: &[&V]) -> Option<String> {
    let action = actions
        .iter()
        .find(|a| text(a.get("Type")).is_some_and(|t| t.eq_ignore_ascii_case("redirect")))?;
    let config = action.get("RedirectConfig")?;
    match config.get("Protocol") {
        None | Some(V::Null) => Some("#{protocol}".to_owned()),
        Some(v) => v.to_text().ok().filter(|p| !p.is_empty()),
    }
}

/// A Classic Load Balancer's `Policies` of type `SSLNegotiationPolicyType`,
/// with the listener ports that use each (the policy's `LoadBalancerPorts`
/// and the listeners whose `PolicyNames` name it).
fn classic_tls_policies(r: &R) -> Vec<TlsNegotiationPolicy> {
    let listeners = r.list("Listeners");
    r.list("Policies")
        .into_iter()
        .filter(|p| text(p.get("PolicyType")).as_deref() == Some("SSLNegotiationPolicyType"))
        .map(|p| {
            let name = text(p.get("PolicyName")).unwrap_or_default();
            let attrs = items(p.get("Attributes"))
                .into_iter()
                .filter_map(|a| text(a.get("Name")).map(|n| (n, text(a.get("Value")))))
                .collect();
            let mut ports: Vec<u16> = p
                .get("LoadBalancerPorts")
                .map(|v| v.known_strings().into_option().unwrap_or_default())
                .unwrap_or_default()
                .iter()
                .filter_map(|x| x.parse().ok())
                .collect();
            for l in &listeners {
                let uses = l
                    .get("PolicyNames")
                    .map(|v| v.known_strings().into_option().unwrap_or_default())
                    .unwrap_or_default()
                    .contains(&name);
                if let Some(port) = l
                    .get("LoadBalancerPort")
                    .and_then(|x| x.to_num().ok())
                    .filter(|_| uses)
                {
                    ports.push(port as u16);
                }
            }
            ports.sort_unstable();
            ports.dedup();
            crate::terraform::map::tls_policy(name, attrs, ports, r.loc_of(p))
        })
        .collect()
}

fn items(v: Option<&V>) -> Vec<&V> {
    match v {
        Some(V::List(l)) => l.iter().filter(|x| matches!(x, V::Map(_))).collect(),
        Some(m @ V::Map(_)) => vec![m],
        _ => Vec::new(),
    }
}

fn text(v: Option<&V>) -> Option<String> {
    v.and_then(|x| x.to_text().ok()).filter(|s| !s.is_empty())
}

fn policy(v: Option<&V>) -> Known<PolicyDocument> {
    match v {
        None | Some(V::Null) => Known::unknown("no policy"),
        Some(V::Str(s)) => PolicyDocument::from_text(s)
            .map(Known::Known)
            .unwrap_or_else(|e| Known::Unknown(format!("policy is not valid JSON: {e}"))),
        Some(m @ V::Map(_)) => Known::Known(PolicyDocument(m.to_json_lenient())),
        Some(V::Unknown(r)) => Known::Unknown(r.clone()),
        Some(other) => Known::Unknown(format!("policy is {}", other.short())),
    }
}

fn port(v: Option<&V>) -> Known<Option<i32>> {
    match v {
        None | Some(V::Null) => Known::Known(None),
        Some(x) => x
            .to_num()
            .map_or_else(Known::Unknown, |n| Known::Known(Some(n as i32))),
    }
}

fn one(v: Option<&V>) -> Known<Vec<String>> {
    match v {
        None | Some(V::Null) => Known::Known(Vec::new()),
        Some(x) => x.known_string().map(|s| vec![s]),
    }
}

fn protocol(v: Option<&V>) -> Known<String> {
    match v {
        None | Some(V::Null) => Known::unknown("IpProtocol is not set"),
        Some(x) => x.known_string().map(|p| p.to_ascii_lowercase()),
    }
}

fn sg_rule(r: &R, x: &V, loc: Option<Location>) -> SgRule {
    SgRule {
        location: loc,
        protocol: protocol(x.get("IpProtocol")),
        from_port: port(x.get("FromPort")),
        to_port: port(x.get("ToPort")),
        ipv4_ranges: one(x.get("CidrIp")),
        ipv6_ranges: one(x.get("CidrIpv6")),
        prefix_list_ids: text(x.get("SourcePrefixListId"))
            .or_else(|| text(x.get("DestinationPrefixListId")))
            .into_iter()
            .collect(),
        group_ids: text(x.get("SourceSecurityGroupId"))
            .or_else(|| text(x.get("DestinationSecurityGroupId")))
            .into_iter()
            .collect(),
        description: text(x.get("Description")).or_else(|| r.s("Description")),
        ..SgRule::default()
    }
}

fn canned(acl: &str) -> Vec<Grant> {
    let group = |who: &str, perm: &str| Grant {
        grantee_type: "Group".to_owned(),
        uri: Some(format!("http://acs.amazonaws.com/groups/global/{who}")),
        id: None,
        permission: perm.to_owned(),
    };
    match acl {
        "PublicRead" => vec![group("AllUsers", "READ")],
        "PublicReadWrite" => vec![group("AllUsers", "READ"), group("AllUsers", "WRITE")],
        "AuthenticatedRead" => vec![group("AuthenticatedUsers", "READ")],
        _ => Vec::new(),
    }
}

fn inline(r: &R) -> Vec<InlinePolicy> {
    r.list("Policies")
        .iter()
        .filter_map(|p| {
            Some(InlinePolicy {
                name: text(p.get("PolicyName")).unwrap_or_default(),
                document: policy(p.get("PolicyDocument")).into_option()?,
            })
        })
        .collect()
}

fn primary(r: &R, inv: &mut Inventory) {
    match r.kind.as_str() {
        "AWS::EC2::SecurityGroup" => {
            let name = r.s("GroupName").unwrap_or_else(|| r.id.clone());
            inv.security_groups.push(SecurityGroup {
                resource: r.rref("AWS::EC2::SecurityGroup").named(name.clone()),
                location: r.loc(),
                id: r.id.clone(),
                name,
                description: r.s("GroupDescription").unwrap_or_default(),
                vpc_id: r.s("VpcId").unwrap_or_default(),
                ingress: r
                    .list("SecurityGroupIngress")
                    .iter()
                    .map(|x| sg_rule(r, x, r.loc_of(x)))
                    .collect(),
                egress: r
                    .list("SecurityGroupEgress")
                    .iter()
                    .map(|x| sg_rule(r, x, r.loc_of(x)))
                    .collect(),
                ..SecurityGroup::default()
            });
        }
        "AWS::EC2::NetworkAcl" => inv.network_acls.push(NetworkAcl {
            resource: r.rref("AWS::EC2::NetworkAcl"),
            location: r.loc(),
            id: r.id.clone(),
            vpc_id: r.s("VpcId").unwrap_or_default(),
            ..NetworkAcl::default()
        }),
        // Network reachability: gateways, route tables and VPC Block Public
        // Access (their attachments, routes and associations join below).
        "AWS::EC2::InternetGateway" => inv.internet_gateways.push(InternetGateway {
            resource: r.rref("AWS::EC2::InternetGateway"),
            location: r.loc(),
            id: r.id.clone(),
            ..InternetGateway::default()
        }),
        "AWS::EC2::RouteTable" => inv.route_tables.push(RouteTable {
            resource: r.rref("AWS::EC2::RouteTable"),
            location: r.loc(),
            id: r.id.clone(),
            vpc_id: r.s("VpcId").unwrap_or_default(),
            ..RouteTable::default()
        }),
        // The options are per account and region: the stack's region is
        // not in the template, so the options apply to every subnet of it.
        "AWS::EC2::VPCBlockPublicAccessOptions" => inv.vpc_bpa.push(VpcBlockPublicAccess {
            resource: r.rref("AWS::EC2::VPCBlockPublicAccessOptions"),
            location: r.loc(),
            mode: r.s("InternetGatewayBlockMode").unwrap_or_default(),
            ..VpcBlockPublicAccess::default()
        }),
        "AWS::EC2::VPCBlockPublicAccessExclusion" => inv.vpc_bpa_exclusions.push(VpcBpaExclusion {
            resource: r.rref("AWS::EC2::VPCBlockPublicAccessExclusion"),
            location: r.loc(),
            id: r.id.clone(),
            mode: r.s("InternetGatewayExclusionMode").unwrap_or_default(),
            target_id: r.s("SubnetId").or_else(|| r.s("VpcId")).unwrap_or_default(),
            ..VpcBpaExclusion::default()
        }),
        "AWS::EC2::VPC" => inv.vpcs.push(Vpc {
            resource: r.rref("AWS::EC2::VPC"),
            location: r.loc(),
            id: r.id.clone(),
            cidr_blocks: r.s("CidrBlock").into_iter().collect(),
            ..Vpc::default()
        }),
        "AWS::EC2::Subnet" => inv.subnets.push(Subnet {
            resource: r.rref("AWS::EC2::Subnet"),
            location: r.loc(),
            id: r.id.clone(),
            vpc_id: r.s("VpcId").unwrap_or_default(),
            cidr_block: r.s("CidrBlock"),
            map_public_ip_on_launch: r.b("MapPublicIpOnLaunch", false),
            ..Subnet::default()
        }),
        "AWS::EC2::FlowLog" => inv.flow_logs.push(FlowLog {
            resource: r.rref("AWS::EC2::FlowLog"),
            location: r.loc(),
            id: r.id.clone(),
            resource_id: r.s("ResourceId").unwrap_or_default(),
            traffic_type: r.s("TrafficType").unwrap_or_default(),
            status: "ACTIVE".to_owned(),
            destination: r.s("LogDestination").or_else(|| r.s("LogGroupName")),
            ..FlowLog::default()
        }),
        "AWS::EC2::Instance" => {
            let mut sgs = r.strings("SecurityGroupIds");
            sgs.extend(r.strings("SecurityGroups"));
            inv.instances.push(Instance {
                resource: r.rref("AWS::EC2::Instance"),
                location: r.loc(),
                id: r.id.clone(),
                state: "running".to_owned(),
                subnet_id: r.s("SubnetId"),
                security_groups: sgs,
                // Metadata options live in a launch template, which this
                // instance may or may not use.
                metadata_options: Known::Known(MetadataOptions {
                    http_tokens: String::new(),
                    http_endpoint: "enabled".to_owned(),
                    hop_limit: None,
                }),
                iam_instance_profile: r.s("IamInstanceProfile"),
                image_id: r.s("ImageId"),
                // `UserData` is base64 (usually `Fn::Base64` of a script).
                user_data: crate::terraform::map::user_data(None, r.get("UserData")),
                ..Instance::default()
            });
        }
        "AWS::EC2::LaunchTemplate" => {
            let name = r.s("LaunchTemplateName").unwrap_or_else(|| r.id.clone());
            let data = r.get("LaunchTemplateData");
            inv.launch_templates.push(LaunchTemplate {
                resource: r.rref("AWS::EC2::LaunchTemplate").named(name.clone()),
                location: r.loc(),
                id: r.id.clone(),
                name,
                version: None,
                user_data: match data {
                    Some(V::Unknown(why)) => Known::Unknown(why.clone()),
                    Some(d) => crate::terraform::map::user_data(None, d.get("UserData")),
                    None => Known::Known(None),
                },
            });
        }
        "AWS::EC2::Volume" => inv.volumes.push(Volume {
            resource: r.rref("AWS::EC2::Volume"),
            location: r.loc(),
            id: r.id.clone(),
            encrypted: r.b("Encrypted", false),
            kms_key_id: r.s("KmsKeyId"),
            size_gib: r
                .get("Size")
                .and_then(|s| s.to_num().ok())
                .map(|n| n as i64),
            state: "available".to_owned(),
            ..Volume::default()
        }),
        "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => {
            let cluster = r.kind == "AWS::RDS::DBCluster";
            let engine = r.s("Engine").unwrap_or_default();
            let storage_encrypted = if !cluster && engine.starts_with("aurora") {
                Known::unknown("an Aurora instance is encrypted by its cluster")
            } else {
                r.b(
                    "StorageEncrypted",
                    r.s("EngineMode").as_deref() == Some("serverless"),
                )
            };
            let publicly_accessible = if cluster {
                Known::Known(false)
            } else {
                match r.get("PubliclyAccessible") {
                    None | Some(V::Null) => Known::unknown(
                        "PubliclyAccessible is not set; the default depends on the VPC and subnet group",
                    ),
                    Some(v) => v.known_bool(),
                }
            };
            inv.db_instances.push(DbInstance {
                resource: r.rref(&r.kind),
                location: r.loc(),
                id: r
                    .s("DBInstanceIdentifier")
                    .or_else(|| r.s("DBClusterIdentifier"))
                    .unwrap_or_else(|| r.id.clone()),
                arn: r.id.clone(),
                engine,
                publicly_accessible,
                storage_encrypted,
                kms_key_id: r.s("KmsKeyId"),
                backup_retention_days: r
                    .get("BackupRetentionPeriod")
                    .and_then(|s| s.to_num().ok())
                    .map(|n| n as i64),
                deletion_protection: r.b("DeletionProtection", false).into_option(),
                iam_auth: r.b("EnableIAMDatabaseAuthentication", false).into_option(),
                security_groups: r.strings("VPCSecurityGroups"),
                master_password: crate::secret_args::master_password(
                    r.get("ManageMasterUserPassword"),
                    r.get("MasterUserPassword")
                        .filter(|v| !matches!(v, V::Null))
                        .map(|v| ("MasterUserPassword", v)),
                ),
                ..DbInstance::default()
            });
        }
        "AWS::KMS::Key" => {
            let enabled = r.b("Enabled", true).get().copied().unwrap_or(true);
            inv.kms_keys.push(KmsKey {
                resource: r.rref("AWS::KMS::Key"),
                location: r.loc(),
                id: r.id.clone(),
                arn: r.id.clone(),
                manager: "CUSTOMER".to_owned(),
                state: if enabled { "Enabled" } else { "Disabled" }.to_owned(),
                spec: r
                    .s("KeySpec")
                    .unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned()),
                origin: r.s("Origin").unwrap_or_else(|| "AWS_KMS".to_owned()),
                rotation_enabled: r.b("EnableKeyRotation", false),
                policy: match r.get("KeyPolicy") {
                    None | Some(V::Null) => Known::unknown("the default key policy applies"),
                    p => policy(p),
                },
                ..KmsKey::default()
            });
        }
        "AWS::CloudTrail::Trail" => {
            let name = r.s("TrailName").unwrap_or_else(|| r.id.clone());
            // An empty string sets nothing (`KMSKeyId: ""`).
            let opt = |k: &str| match r.get(k) {
                None | Some(V::Null) => Known::Known(None),
                Some(v) => v.known_string().map(|s| (!s.is_empty()).then_some(s)),
            };
            let selectors = r
                .list("EventSelectors")
                .iter()
                .map(|s| EventSelector {
                    read_write_type: text(s.get("ReadWriteType"))
                        .unwrap_or_else(|| "All".to_owned()),
                    include_management_events: s
                        .get("IncludeManagementEvents")
                        .and_then(|x| x.to_bool().ok())
                        .unwrap_or(true),
                    data_resources: Vec::new(),
                })
                .collect();
            inv.trails.push(Trail {
                resource: r.rref("AWS::CloudTrail::Trail").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                is_multi_region: r.b("IsMultiRegionTrail", false),
                is_organization_trail: r.b("IsOrganizationTrail", false),
                include_global_service_events: r.b("IncludeGlobalServiceEvents", true),
                log_file_validation: r.b("EnableLogFileValidation", false),
                kms_key_id: opt("KMSKeyId"),
                s3_bucket: opt("S3BucketName"),
                s3_key_prefix: opt("S3KeyPrefix"),
                cloudwatch_logs_group_arn: r.s("CloudWatchLogsLogGroupArn"),
                status: match r.get("IsLogging") {
                    None | Some(V::Null) => Known::unknown("IsLogging is not set"),
                    Some(v) => v.known_bool().map(|l| TrailStatus {
                        is_logging: l,
                        ..TrailStatus::default()
                    }),
                },
                event_selectors: Known::Known(selectors),
                ..Trail::default()
            });
        }
        "AWS::S3::Bucket" => {
            let name = r.s("BucketName").unwrap_or_else(|| r.id.clone());
            let pab = match r.get("PublicAccessBlockConfiguration") {
                None | Some(V::Null) => Known::Known(None),
                Some(c) => {
                    let f = |k: &str| c.get(k).and_then(|x| x.to_bool().ok()).unwrap_or(false);
                    Known::Known(Some(PublicAccessBlock {
                        block_public_acls: f("BlockPublicAcls"),
                        ignore_public_acls: f("IgnorePublicAcls"),
                        block_public_policy: f("BlockPublicPolicy"),
                        restrict_public_buckets: f("RestrictPublicBuckets"),
                    }))
                }
            };
            let versioning = match r.get("VersioningConfiguration") {
                None | Some(V::Null) => Known::Known(None),
                Some(c) => match c.get("Status") {
                    Some(V::Unknown(why)) => Known::Unknown(why.clone()),
                    s => Known::Known(text(s).filter(|s| s == "Enabled")),
                },
            };
            let logging = match r.get("LoggingConfiguration") {
                None | Some(V::Null) => Known::Known(None),
                Some(c) => Known::Known(Some(BucketLogging {
                    target_bucket: text(c.get("DestinationBucketName")).unwrap_or_default(),
                    target_prefix: text(c.get("LogFilePrefix")).unwrap_or_default(),
                })),
            };
            let encryption = match r.get("BucketEncryption").and_then(|e| {
                items(e.get("ServerSideEncryptionConfiguration"))
                    .first()
                    .copied()
            }) {
                // Since January 2023 S3 encrypts new objects with SSE-S3
                // when the bucket sets nothing else.
                None => Known::Known(Some(BucketEncryption {
                    algorithm: "AES256".to_owned(),
                    ..BucketEncryption::default()
                })),
                Some(rule) => {
                    let d = rule.get("ServerSideEncryptionByDefault");
                    Known::Known(Some(BucketEncryption {
                        algorithm: text(d.and_then(|d| d.get("SSEAlgorithm"))).unwrap_or_default(),
                        kms_key_id: text(d.and_then(|d| d.get("KMSMasterKeyID"))),
                        bucket_key_enabled: rule
                            .get("BucketKeyEnabled")
                            .and_then(|x| x.to_bool().ok())
                            .unwrap_or(false),
                    }))
                }
            };
            inv.buckets.push(Bucket {
                resource: r.rref("AWS::S3::Bucket").named(name.clone()),
                location: r.loc(),
                name,
                acl: match r.get("AccessControl") {
                    None | Some(V::Null) => Known::Known(Vec::new()),
                    Some(v) => v.known_string().map(|a| canned(&a)),
                },
                policy: Known::Known(None),
                public_access_block: pab,
                encryption,
                versioning,
                logging,
                ..Bucket::default()
            });
        }
        "AWS::IAM::User" => {
            let name = r.s("UserName").unwrap_or_else(|| r.id.clone());
            inv.users.push(IamUser {
                resource: r.rref("AWS::IAM::User").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                password_enabled: if r.get("LoginProfile").is_some() {
                    Known::Known(true)
                } else {
                    Known::unknown("no login profile in the template")
                },
                attached_policies: r.strings("ManagedPolicyArns"),
                inline_policies: inline(r),
                groups: r.strings("Groups"),
                ..IamUser::default()
            });
        }
        "AWS::IAM::Group" => {
            let name = r.s("GroupName").unwrap_or_else(|| r.id.clone());
            inv.groups.push(IamGroup {
                resource: r.rref("AWS::IAM::Group").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                attached_policies: r.strings("ManagedPolicyArns"),
                inline_policies: inline(r),
                ..IamGroup::default()
            });
        }
        "AWS::IAM::Role" => {
            let name = r.s("RoleName").unwrap_or_else(|| r.id.clone());
            inv.roles.push(IamRole {
                resource: r.rref("AWS::IAM::Role").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                path: r.s("Path").unwrap_or_else(|| "/".to_owned()),
                assume_role_policy: policy(r.get("AssumeRolePolicyDocument")),
                attached_policies: r.strings("ManagedPolicyArns"),
                inline_policies: inline(r),
                permissions_boundary: r.s("PermissionsBoundary"),
                last_used: Known::unknown("a role in a template has no usage history"),
                ..IamRole::default()
            });
        }
        "AWS::IAM::ManagedPolicy" => {
            let name = r.s("ManagedPolicyName").unwrap_or_else(|| r.id.clone());
            inv.policies.push(ManagedPolicy {
                resource: r.rref("AWS::IAM::ManagedPolicy").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                document: policy(r.get("PolicyDocument")),
                ..ManagedPolicy::default()
            });
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" | "AWS::ElasticLoadBalancing::LoadBalancer" => {
            let classic = r.kind == "AWS::ElasticLoadBalancing::LoadBalancer";
            let name = r
                .s("Name")
                .or_else(|| r.s("LoadBalancerName"))
                .unwrap_or_else(|| r.id.clone());
            let listeners = if classic {
                r.list("Listeners")
                    .iter()
                    .map(|l| Listener {
                        port: l
                            .get("LoadBalancerPort")
                            .and_then(|p| p.to_num().ok())
                            .map(|n| n as u16),
                        protocol: text(l.get("Protocol"))
                            .unwrap_or_default()
                            .to_ascii_uppercase(),
                        default_actions: vec!["forward".to_owned()],
                        policy_names: match l.get("PolicyNames").map(V::known_strings) {
                            None => Vec::new(),
                            Some(Known::Known(n)) => n,
                            Some(Known::Unknown(_)) => vec![UNRESOLVED_POLICY.to_owned()],
                        },
                        location: r.loc_of(l),
                        rules: Known::Known(Vec::new()),
                        ..Listener::default()
                    })
                    .collect()
            } else {
                Vec::new()
            };
            inv.load_balancers.push(LoadBalancer {
                resource: r.rref(&r.kind).named(name.clone()),
                location: r.loc(),
                arn: r.id.clone(),
                name,
                kind: if classic {
                    "classic".to_owned()
                } else {
                    r.s("Type").unwrap_or_else(|| "application".to_owned())
                },
                scheme: match r.get("Scheme") {
                    None | Some(V::Null) => Known::Known("internet-facing".to_owned()),
                    Some(v) => v.known_string(),
                },
                subnets: r.strings("Subnets"),
                security_groups: r.strings("SecurityGroups"),
                listeners: Known::Known(listeners),
                tls_policies: if classic {
                    Known::Known(classic_tls_policies(r))
                } else {
                    Known::unknown("not a Classic Load Balancer")
                },
                ..LoadBalancer::default()
            });
        }
        "AWS::ECS::TaskDefinition" => ecs_task_definition(r, inv),
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            let name = r.s("FunctionName").unwrap_or_else(|| r.id.clone());
            let environment = match r.get("Environment").and_then(|e| e.get("Variables")) {
                Some(V::Map(m)) => Known::Known(
                    m.iter()
                        .filter(|(k, _)| !k.starts_with("__"))
                        .filter_map(|(k, v)| v.to_text().ok().map(|t| (k.clone(), t)))
                        .collect(),
                ),
                Some(V::Unknown(why)) => Known::Unknown(why.clone()),
                _ => Known::Known(BTreeMap::new()),
            };
            inv.functions.push(Function {
                resource: r.rref("AWS::Lambda::Function").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                runtime: r.s("Runtime"),
                role: r.s("Role"),
                environment,
                kms_key_arn: r.s("KmsKeyArn"),
                policy: Known::unknown("the function's resource policy is set by permissions"),
                ..Function::default()
            });
        }
        "AWS::SecretsManager::Secret" => {
            let name = r.s("Name").unwrap_or_else(|| r.id.clone());
            inv.secrets.push(Secret {
                resource: r.rref("AWS::SecretsManager::Secret").named(name.clone()),
                location: r.loc(),
                arn: r.id.clone(),
                name,
                rotation_enabled: Known::Known(false),
                kms_key_id: r.s("KmsKeyId"),
                policy: Known::Known(None),
                ..Secret::default()
            });
        }
        "AWS::WAFv2::WebACL" | "AWS::WAFRegional::WebACL" | "AWS::WAF::WebACL" => {
            let name = r.s("Name").unwrap_or_else(|| r.id.clone());
            let scope = match r.kind.as_str() {
                "AWS::WAF::WebACL" => "CLOUDFRONT".to_owned(),
                "AWS::WAFRegional::WebACL" => "REGIONAL".to_owned(),
                _ => r
                    .s("Scope")
                    .unwrap_or_else(|| "REGIONAL".to_owned())
                    .to_ascii_uppercase(),
            };
            inv.web_acls.push(WebAcl {
                resource: r.rref("AWS::WAFv2::WebACL").named(name.clone()),
                location: r.loc(),
                arn: r.id.clone(),
                name,
                scope,
                associated_resources: Known::Known(Vec::new()),
            });
        }
        "AWS::GuardDuty::Detector" => {
            let enabled = r.b("Enable", true).get().copied().unwrap_or(true);
            inv.regions.push(RegionSettings {
                region: format!("(region of {})", r.file),
                guardduty_detectors: Known::Known(vec![Detector {
                    id: r.id.clone(),
                    enabled,
                    finding_publishing_frequency: r.s("FindingPublishingFrequency"),
                }]),
                ebs_encryption_by_default: Known::unknown("not declared in the template"),
                security_hub: Known::unknown("not declared in the template"),
                config_recorders: Known::unknown("not declared in the template"),
                access_analyzers: Known::unknown("not declared in the template"),
                ..RegionSettings::default()
            });
        }
        _ => {}
    }
}

/// A user (0), role (1) or group (2) by name or logical id; a stand-in at
/// the policy's line when the template does not declare it.
fn principal<'i>(
    inv: &'i mut Inventory,
    which: u8,
    who: &str,
    r: &R,
) -> Option<(&'i mut Vec<String>, &'i mut Vec<InlinePolicy>)> {
    match which {
        0 => {
            if !inv
                .users
                .iter()
                .any(|u| u.name == who || u.resource.id == who)
            {
                inv.users.push(IamUser {
                    resource: r.rref("AWS::IAM::User").named(who),
                    location: r.loc(),
                    name: who.to_owned(),
                    ..IamUser::default()
                });
            }
            let u = inv
                .users
                .iter_mut()
                .find(|u| u.name == who || u.resource.id == who)?;
            Some((&mut u.attached_policies, &mut u.inline_policies))
        }
        1 => {
            if !inv
                .roles
                .iter()
                .any(|u| u.name == who || u.resource.id == who)
            {
                inv.roles.push(IamRole {
                    resource: r.rref("AWS::IAM::Role").named(who),
                    location: r.loc(),
                    name: who.to_owned(),
                    path: "/".to_owned(),
                    ..IamRole::default()
                });
            }
            let u = inv
                .roles
                .iter_mut()
                .find(|u| u.name == who || u.resource.id == who)?;
            Some((&mut u.attached_policies, &mut u.inline_policies))
        }
        _ => {
            if !inv
                .groups
                .iter()
                .any(|u| u.name == who || u.resource.id == who)
            {
                inv.groups.push(IamGroup {
                    resource: r.rref("AWS::IAM::Group").named(who),
                    location: r.loc(),
                    name: who.to_owned(),
                    ..IamGroup::default()
                });
            }
            let u = inv
                .groups
                .iter_mut()
                .find(|u| u.name == who || u.resource.id == who)?;
            Some((&mut u.attached_policies, &mut u.inline_policies))
        }
    }
}

/// The principals a policy names; one that cannot be resolved (a `Ref` to
/// a principal declared elsewhere) becomes a stand-in named after the
/// policy, so the policy is still judged.
fn principal_names(r: &R, key: &str) -> Vec<String> {
    let stand_in = || format!("({key} of {})", r.id);
    let mut out: Vec<String> = match r.get(key) {
        None | Some(V::Null) => Vec::new(),
        Some(V::List(l)) => l
            .iter()
            .map(|x| x.to_text().unwrap_or_else(|_| stand_in()))
            .collect(),
        Some(v) => vec![v.to_text().unwrap_or_else(|_| stand_in())],
    };
    out.dedup();
    out
}

fn join(r: &R, inv: &mut Inventory) {
    match r.kind.as_str() {
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            let key = r
                .s("GroupId")
                .or_else(|| r.s("GroupName"))
                .unwrap_or_else(|| r.id.clone());
            let rule = sg_rule(r, &r.p, r.loc());
            let pos = inv
                .security_groups
                .iter()
                .position(|g| g.id == key || g.name == key);
            let i = match pos {
                Some(i) => i,
                None => {
                    inv.security_groups.push(SecurityGroup {
                        resource: r.rref("AWS::EC2::SecurityGroup"),
                        location: r.loc(),
                        id: key,
                        ..SecurityGroup::default()
                    });
                    inv.security_groups.len() - 1
                }
            };
            if let Some(sg) = inv.security_groups.get_mut(i) {
                if r.kind.ends_with("Egress") {
                    sg.egress.push(rule);
                } else {
                    sg.ingress.push(rule);
                }
            }
        }
        "AWS::EC2::VPCGatewayAttachment" => {
            let (Some(igw), Some(vpc)) = (r.s("InternetGatewayId"), r.s("VpcId")) else {
                return;
            };
            if let Some(g) = inv.internet_gateways.iter_mut().find(|g| g.id == igw) {
                g.vpc_ids.push(vpc);
            }
        }
        "AWS::EC2::Route" => {
            let key = r.s("RouteTableId").unwrap_or_default();
            let route = Route {
                destination_cidr: r.s("DestinationCidrBlock"),
                destination_ipv6_cidr: r.s("DestinationIpv6CidrBlock"),
                destination_prefix_list: r.s("DestinationPrefixListId"),
                target: [
                    "GatewayId",
                    "NatGatewayId",
                    "EgressOnlyInternetGatewayId",
                    "TransitGatewayId",
                    "VpcPeeringConnectionId",
                    "NetworkInterfaceId",
                    "InstanceId",
                    "VpcEndpointId",
                    "LocalGatewayId",
                    "CarrierGatewayId",
                    "CoreNetworkArn",
                ]
                .iter()
                .find_map(|k| r.s(k))
                .unwrap_or_default(),
                state: "active".to_owned(),
            };
            if let Some(t) = inv.route_tables.iter_mut().find(|t| t.id == key) {
                t.routes.push(route);
            }
        }
        "AWS::EC2::SubnetRouteTableAssociation" | "AWS::EC2::GatewayRouteTableAssociation" => {
            let key = r.s("RouteTableId").unwrap_or_default();
            if let Some(t) = inv.route_tables.iter_mut().find(|t| t.id == key) {
                t.associations.push(RouteTableAssociation {
                    main: false,
                    subnet_id: r.s("SubnetId"),
                    gateway_id: r.s("GatewayId"),
                });
            }
        }
        "AWS::EC2::SubnetNetworkAclAssociation" => {
            let (Some(subnet), Some(key)) = (r.s("SubnetId"), r.s("NetworkAclId")) else {
                return;
            };
            if let Some(n) = inv.network_acls.iter_mut().find(|n| n.id == key) {
                n.subnet_ids.push(subnet);
            }
        }
        "AWS::EC2::NetworkAclEntry" => {
            let key = r.s("NetworkAclId").unwrap_or_else(|| r.id.clone());
            let proto = r
                .get("Protocol")
                .map_or(Known::unknown("Protocol is not set"), V::known_string);
            let all = proto.get().map(String::as_str) == Some("-1");
            let range = r.get("PortRange");
            let port_range = if all {
                Known::Known(None)
            } else {
                match (
                    port(range.and_then(|p| p.get("From"))),
                    port(range.and_then(|p| p.get("To"))),
                ) {
                    (Known::Known(Some(f)), Known::Known(Some(t))) => {
                        Known::Known(Some(PortRange {
                            from: u16::try_from(f).unwrap_or(0),
                            to: u16::try_from(t).unwrap_or(u16::MAX),
                        }))
                    }
                    (Known::Unknown(why), _) | (_, Known::Unknown(why)) => Known::Unknown(why),
                    _ => Known::Known(None),
                }
            };
            let entry = NaclEntry {
                rule_number: r
                    .get("RuleNumber")
                    .and_then(|n| n.to_num().ok())
                    .map_or(0, |n| n as u32),
                egress: r.b("Egress", false).get().copied().unwrap_or(false),
                protocol: proto,
                allow: r
                    .s("RuleAction")
                    .is_some_and(|a| a.eq_ignore_ascii_case("allow")),
                cidr_block: match r.get("CidrBlock") {
                    None | Some(V::Null) => Known::Known(None),
                    Some(v) => v.known_string().map(Some),
                },
                ipv6_cidr_block: match r.get("Ipv6CidrBlock") {
                    None | Some(V::Null) => Known::Known(None),
                    Some(v) => v.known_string().map(Some),
                },
                port_range,
                ..NaclEntry::default()
            };
            match inv.network_acls.iter_mut().find(|n| n.id == key) {
                Some(n) => n.entries.push(entry),
                None => inv.network_acls.push(NetworkAcl {
                    resource: r.rref("AWS::EC2::NetworkAcl"),
                    location: r.loc(),
                    id: key,
                    entries: vec![entry],
                    ..NetworkAcl::default()
                }),
            }
        }
        "AWS::S3::BucketPolicy" => {
            let Some(key) = r.s("Bucket") else { return };
            let doc = policy(r.get("PolicyDocument")).map(Some);
            if let Some(b) = inv
                .buckets
                .iter_mut()
                .find(|b| b.name == key || b.resource.id == key)
            {
                b.policy = doc;
            }
        }
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            let managed = r.kind == "AWS::IAM::ManagedPolicy";
            let doc = policy(r.get("PolicyDocument"));
            let name = r.s("PolicyName").unwrap_or_else(|| r.id.clone());
            for (key, which) in [("Users", 0), ("Roles", 1), ("Groups", 2)] {
                for who in principal_names(r, key) {
                    let Some((att, inl)) = principal(inv, which, &who, r) else {
                        continue;
                    };
                    if managed {
                        att.push(r.id.clone());
                    } else if let Known::Known(d) = &doc {
                        inl.push(InlinePolicy {
                            name: name.clone(),
                            document: d.clone(),
                        });
                    }
                }
            }
        }
        "AWS::IAM::AccessKey" => {
            let Some(user) = r.s("UserName") else { return };
            let active = r.s("Status").is_none_or(|s| s == "Active");
            if let Some(u) = inv
                .users
                .iter_mut()
                .find(|u| u.name == user || u.resource.id == user)
            {
                let mut keys = u.access_keys.clone().into_option().unwrap_or_default();
                keys.push(AccessKey {
                    id: r.id.clone(),
                    active,
                    created: None,
                    last_used: Known::Known(None),
                });
                u.access_keys = Known::Known(keys);
            }
        }
        "AWS::ElasticLoadBalancingV2::Listener" => {
            let actions = r.list("DefaultActions");
            let listener = Listener {
                arn: r.id.clone(),
                port: r
                    .get("Port")
                    .and_then(|p| p.to_num().ok())
                    .map(|n| n as u16),
                protocol: r.s("Protocol").unwrap_or_default().to_ascii_uppercase(),
                ssl_policy: r.s("SslPolicy"),
                target_groups: net::forward_target_groups(&actions),
                default_actions: actions.iter().filter_map(|a| text(a.get("Type"))).collect(),
                redirect_protocol: redirect_protocol(&actions),
                policy_names: Vec::new(),
                location: r.loc(),
                rules: Known::Known(Vec::new()),
            };
            crate::terraform::map::add_listener(
                inv,
                r.s("LoadBalancerArn"),
                listener,
                &r.id,
                UNDECLARED_LB,
                r.rref("AWS::ElasticLoadBalancingV2::LoadBalancer"),
                r.loc(),
            );
        }
        "AWS::WAFv2::WebACLAssociation" | "AWS::WAFRegional::WebACLAssociation" => {
            let Some(target) = r.s("ResourceArn") else {
                return;
            };
            // An ACL declared elsewhere still protects the target.
            let acl = r
                .s("WebACLArn")
                .or_else(|| r.s("WebACLId"))
                .unwrap_or_else(|| r.id.clone());
            crate::terraform::map::associate_web_acl(inv, &acl, target, || WebAcl {
                resource: r.rref("AWS::WAFv2::WebACL"),
                location: r.loc(),
                arn: acl.clone(),
                name: String::new(),
                scope: "REGIONAL".to_owned(),
                associated_resources: Known::Known(Vec::new()),
            });
        }
        "AWS::SecretsManager::RotationSchedule" => {
            let Some(id) = r.s("SecretId") else { return };
            let days = r
                .get("RotationRules")
                .and_then(|x| x.get("AutomaticallyAfterDays"))
                .and_then(|d| d.to_num().ok())
                .map(|n| n as i64);
            if let Some(s) = inv.secrets.iter_mut().find(|s| s.arn == id || s.name == id) {
                s.rotation_enabled = Known::Known(true);
                s.rotation_days = days;
            }
        }
        _ => {}
    }
}

/// `AWS::ECS::TaskDefinition`: each of `ContainerDefinitions` with its
/// `Environment` (`Name`/`Value`; values known only at deploy time, such
/// as a `Ref` to a parameter, are left out: they are not literals) and the
/// names in `Secrets` (`ValueFrom`).
fn ecs_task_definition(r: &R, inv: &mut Inventory) {
    let family = r.s("Family").unwrap_or_else(|| r.id.clone());
    let containers = match r.get("ContainerDefinitions") {
        Some(V::Unknown(why)) => Known::Unknown(why.clone()),
        _ => Known::Known(
            r.list("ContainerDefinitions")
                .into_iter()
                .map(|c| {
                    let named = |key: &str| -> Vec<(String, Option<String>)> {
                        items(c.get(key))
                            .into_iter()
                            .filter_map(|e| {
                                let name = text(e.get("Name"))?;
                                Some((name, e.get("Value").and_then(|v| v.to_text().ok())))
                            })
                            .collect()
                    };
                    EcsContainer {
                        name: text(c.get("Name")).unwrap_or_default(),
                        location: r.loc_of(c),
                        environment: named("Environment")
                            .into_iter()
                            .filter_map(|(k, v)| Some((k, v?)))
                            .collect(),
                        secrets: named("Secrets").into_iter().map(|(k, _)| k).collect(),
                    }
                })
                .collect(),
        ),
    };
    inv.ecs_task_definitions.push(EcsTaskDefinition {
        resource: r.rref("AWS::ECS::TaskDefinition").named(family.clone()),
        location: r.loc(),
        arn: r.id.clone(),
        family,
        revision: 0,
        containers,
    });
}
