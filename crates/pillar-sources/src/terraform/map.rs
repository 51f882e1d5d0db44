//! Map evaluated Terraform resources into the model.

#![allow(
    clippy::needless_update,
    reason = "`..Default::default()` keeps the mapping building when the model gains fields"
)]

use super::eval::{Module, LINE_KEY};
use super::value::V;
use pillar_model::*;
use std::collections::BTreeMap;

pub(crate) mod net;
mod resource_policies;
mod stores;

/// One evaluated resource instance with where it was declared.
struct R<'a> {
    addr: String,
    kind: &'a str,
    v: V,
    file: &'a str,
    line: u32,
    region: Option<&'a str>,
}

impl R<'_> {
    fn get(&self, k: &str) -> Option<&V> {
        self.v.get(k)
    }

    /// A known string argument, when set and known.
    fn s(&self, k: &str) -> Option<String> {
        self.get(k)
            .and_then(|v| v.to_text().ok())
            .filter(|s| !s.is_empty())
    }

    /// A boolean with the provider's default when absent.
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

    fn blocks(&self, k: &str) -> Vec<&V> {
        blocks(&self.v, k)
    }

    fn rref(&self, cfn: &str) -> ResourceRef {
        let mut r = ResourceRef::new(cfn, self.addr.clone()).from_source(SourceKind::Terraform);
        if let Some(region) = self.region {
            r = r.in_region(region);
        }
        r
    }

    fn loc(&self) -> Option<Location> {
        Some(Location::new(
            self.file,
            (self.line > 0).then_some(self.line),
        ))
    }

    fn loc_of(&self, block: &V) -> Option<Location> {
        let line = block
            .get(LINE_KEY)
            .and_then(|l| l.to_num().ok())
            .map_or(self.line, |n| n as u32);
        Some(Location::new(self.file, (line > 0).then_some(line)))
    }

    fn id(&self) -> String {
        self.s("id").unwrap_or_else(|| self.addr.clone())
    }

    fn tags(&self) -> Tags {
        match self.get("tags") {
            Some(V::Map(m)) => m
                .iter()
                .filter(|(k, _)| !k.starts_with("__"))
                .filter_map(|(k, v)| v.to_text().ok().map(|t| (k.clone(), t)))
                .collect(),
            _ => Tags::new(),
        }
    }
}

/// User data as the EC2 API holds it (base64), from a text form (encoded
/// here) or a base64 form (kept). `Known(None)` when neither is set; unknown
/// when the set one cannot be evaluated.
pub(crate) fn user_data(text: Option<&V>, base64_form: Option<&V>) -> Known<Option<String>> {
    use base64::Engine as _;
    fn given(v: Option<&V>) -> Option<&V> {
        v.filter(|v| !matches!(v, V::Null))
    }
    match (given(text), given(base64_form)) {
        (Some(v), _) => match v.to_text() {
            Ok(t) if t.is_empty() => Known::Known(None),
            Ok(t) => Known::Known(Some(base64::engine::general_purpose::STANDARD.encode(t))),
            Err(why) => Known::Unknown(format!("user data: {why}")),
        },
        (None, Some(v)) => match v.to_text() {
            Ok(t) if t.is_empty() => Known::Known(None),
            Ok(t) => Known::Known(Some(t)),
            Err(why) => Known::Unknown(format!("user data: {why}")),
        },
        (None, None) => Known::Known(None),
    }
}

fn blocks<'v>(v: &'v V, k: &str) -> Vec<&'v V> {
    match v.get(k) {
        Some(V::List(l)) => l.iter().filter(|x| matches!(x, V::Map(_))).collect(),
        Some(m @ V::Map(_)) => vec![m],
        _ => Vec::new(),
    }
}

fn text(v: Option<&V>) -> Option<String> {
    v.and_then(|x| x.to_text().ok()).filter(|s| !s.is_empty())
}

/// A policy document from a JSON string (heredoc, `jsonencode`, or a
/// policy document data source's `json`).
fn policy(v: Option<&V>) -> Known<PolicyDocument> {
    match v {
        None | Some(V::Null) => Known::unknown("no policy"),
        Some(V::Unknown(r)) => Known::Unknown(r.clone()),
        Some(V::Str(s)) => PolicyDocument::from_text(s)
            .map(Known::Known)
            .unwrap_or_else(|e| Known::Unknown(format!("policy is not valid JSON: {e}"))),
        Some(m @ V::Map(_)) => Known::Known(PolicyDocument(m.to_json_lenient())),
        Some(other) => Known::Unknown(format!("policy is {}", other.short())),
    }
}

fn opt_policy(v: Option<&V>) -> Known<Option<PolicyDocument>> {
    match v {
        None | Some(V::Null) => Known::Known(None),
        some => policy(some).map(Some),
    }
}

fn port(v: Option<&V>) -> Known<Option<i32>> {
    match v {
        None | Some(V::Null) => Known::Known(None),
        Some(x) => match x.to_num() {
            Ok(n) => Known::Known(Some(n as i32)),
            Err(r) => Known::Unknown(r),
        },
    }
}

fn list(v: Option<&V>) -> Known<Vec<String>> {
    v.map_or(Known::Known(Vec::new()), V::known_strings)
}

fn protocol(v: Option<&V>) -> Known<String> {
    match v {
        None | Some(V::Null) => Known::unknown("protocol is not set"),
        Some(x) => x.known_string().map(|p| p.to_ascii_lowercase()),
    }
}

/// Map every resource of a module.
pub fn map_module(module: &Module, inv: &mut Inventory) {
    let region = module.region.as_deref();
    let mut all: Vec<R<'_>> = Vec::new();
    for def in module.defs.values().filter(|d| !d.data) {
        for inst in module.instances(def) {
            let line = def.block.line;
            all.push(R {
                addr: inst.address,
                kind: &def.kind,
                v: inst.value,
                file: &def.file,
                line,
                region,
            });
        }
    }
    all.sort_by(|a, b| (a.file, a.line, &a.addr).cmp(&(b.file, b.line, &b.addr)));
    map_all(&all, inv);
}

/// Every route table holds the local route of its VPC's CIDR blocks,
/// which Terraform does not declare (Amazon VPC User Guide, "Route
/// tables": the local route cannot be removed).
fn local_routes(inv: &mut Inventory) {
    let vpcs: BTreeMap<String, Vec<String>> = inv
        .vpcs
        .iter()
        .map(|v| (v.id.clone(), v.cidr_blocks.clone()))
        .collect();
    for t in inv
        .route_tables
        .iter_mut()
        .filter(|t| t.resource.source == Some(SourceKind::Terraform))
    {
        for c in vpcs.get(&t.vpc_id).into_iter().flatten() {
            if !t
                .routes
                .iter()
                .any(|r| r.destination_cidr.as_deref() == Some(c.as_str()))
            {
                t.routes.insert(
                    0,
                    Route {
                        destination_cidr: Some(c.clone()),
                        target: "local".to_owned(),
                        state: "active".to_owned(),
                        ..Route::default()
                    },
                );
            }
        }
    }
}

/// A DB instance's subnets are those of the `aws_db_subnet_group` its
/// `db_subnet_group_name` names (by name, id or address); without one,
/// RDS uses the default VPC's default subnets, which are left unknown.
fn db_subnet_groups(all: &[R<'_>], inv: &mut Inventory) {
    let groups: Vec<(&R<'_>, Vec<String>)> = all
        .iter()
        .filter(|r| r.kind == "aws_db_subnet_group")
        .map(|r| (r, r.strings("subnet_ids")))
        .collect();
    if groups.is_empty() {
        return;
    }
    for r in all.iter().filter(|r| r.kind == "aws_db_instance") {
        let Some(name) = r.s("db_subnet_group_name") else {
            continue;
        };
        let Some((_, subnets)) = groups.iter().find(|(g, _)| {
            g.s("name").as_deref() == Some(name.as_str()) || g.addr == name || g.id() == name
        }) else {
            continue;
        };
        if let Some(d) = inv.db_instances.iter_mut().find(|d| d.arn == r.addr) {
            d.subnet_ids.clone_from(subnets);
        }
    }
}

/// One resource of a plan: address, type and values.
pub struct PlanResource {
    /// `aws_s3_bucket.b`, `module.x.aws_s3_bucket.b[0]`.
    pub address: String,
    /// `aws_s3_bucket`.
    pub kind: String,
    /// Planned values.
    pub values: V,
}

/// Map the resources of a plan (no lines: a plan has none).
pub fn map_plan(items: &[PlanResource], file: &str, region: Option<&str>, inv: &mut Inventory) {
    let all: Vec<R<'_>> = items
        .iter()
        .map(|p| R {
            addr: p.address.clone(),
            kind: &p.kind,
            v: p.values.clone(),
            file,
            line: 0,
            region,
        })
        .collect();
    map_all(&all, inv);
}

fn map_all(all: &[R<'_>], inv: &mut Inventory) {
    for r in all {
        primary(r, inv);
        resource_policies::primary(r, inv);
        stores::primary(r, inv);
    }
    for r in all {
        join(r, inv);
        resource_policies::join(r, inv);
    }
    resource_policies::settle(inv);
    db_subnet_groups(all, inv);
    net::addresses(all, inv);
    net::target_groups(all, inv);
    net::main_route_tables(inv, SourceKind::Terraform);
    local_routes(inv);
    for r in all {
        attach_listener_policy(r, inv);
        attach_listener_rule(r, inv);
    }
    // Settings joined from the configuration: what was not declared is absent.
    for b in &mut inv.buckets {
        if b.resource.source == Some(SourceKind::Terraform) {
            for k in [&mut b.policy] {
                if !k.is_known() && k.reason() == Some(PENDING) {
                    *k = Known::Known(None);
                }
            }
            if b.public_access_block.reason() == Some(PENDING) {
                b.public_access_block = Known::Known(None);
            }
            if b.logging.reason() == Some(PENDING) {
                b.logging = Known::Known(None);
            }
            if b.versioning.reason() == Some(PENDING) {
                b.versioning = Known::Known(None);
            }
            if b.encryption.reason() == Some(PENDING) {
                // Since January 2023 S3 encrypts every new object with
                // SSE-S3 when the bucket sets nothing else.
                b.encryption = Known::Known(Some(BucketEncryption {
                    algorithm: "AES256".to_owned(),
                    ..BucketEncryption::default()
                }));
            }
            if b.acl.reason() == Some(PENDING) {
                b.acl = Known::Known(Vec::new());
            }
        }
    }
    for s in &mut inv.secrets {
        if s.resource.source == Some(SourceKind::Terraform)
            && s.rotation_enabled.reason() == Some(PENDING)
        {
            s.rotation_enabled = Known::Known(false);
        }
    }
}

/// Marker for settings that another resource of the configuration may set.
const PENDING: &str = "not declared in the configuration";

fn sg_rule(r: &R<'_>, b: &V, self_id: &str) -> SgRule {
    let mut group_ids = list(b.get("security_groups"))
        .into_option()
        .unwrap_or_default();
    if let Some(s) = text(b.get("source_security_group_id")) {
        group_ids.push(s);
    }
    if b.get("self").and_then(|x| x.to_bool().ok()) == Some(true) {
        group_ids.push(self_id.to_owned());
    }
    SgRule {
        location: r.loc_of(b),
        protocol: protocol(b.get("protocol")),
        from_port: port(b.get("from_port")),
        to_port: port(b.get("to_port")),
        ipv4_ranges: list(b.get("cidr_blocks")),
        ipv6_ranges: list(b.get("ipv6_cidr_blocks")),
        prefix_list_ids: list(b.get("prefix_list_ids"))
            .into_option()
            .unwrap_or_default(),
        group_ids,
        description: text(b.get("description")),
        ..SgRule::default()
    }
}

fn nacl_entry(b: &V, egress: bool, rule_no_key: &str, action_key: &str) -> NaclEntry {
    let proto = protocol(b.get("protocol"));
    let all = matches!(proto.get().map(String::as_str), Some("-1" | "all"));
    let from = port(b.get("from_port"));
    let to = port(b.get("to_port"));
    let port_range = if all {
        Known::Known(None)
    } else {
        match (from, to) {
            (Known::Known(Some(f)), Known::Known(Some(t))) => Known::Known(Some(PortRange {
                from: u16::try_from(f).unwrap_or(0),
                to: u16::try_from(t).unwrap_or(u16::MAX),
            })),
            (Known::Unknown(r), _) | (_, Known::Unknown(r)) => Known::Unknown(r),
            _ => Known::Known(None),
        }
    };
    NaclEntry {
        rule_number: b
            .get(rule_no_key)
            .and_then(|x| x.to_num().ok())
            .map_or(0, |n| n as u32),
        egress,
        protocol: proto,
        allow: text(b.get(action_key)).is_some_and(|a| a.eq_ignore_ascii_case("allow")),
        cidr_block: b.get("cidr_block").map_or(Known::Known(None), |v| match v {
            V::Null => Known::Known(None),
            x => x.known_string().map(Some),
        }),
        ipv6_cidr_block: b
            .get("ipv6_cidr_block")
            .map_or(Known::Known(None), |v| match v {
                V::Null => Known::Known(None),
                x => x.known_string().map(Some),
            }),
        port_range,
        ..NaclEntry::default()
    }
}

fn primary(r: &R<'_>, inv: &mut Inventory) {
    match r.kind {
        "aws_security_group" | "aws_default_security_group" => {
            let id = r.id();
            let name = if r.kind == "aws_default_security_group" {
                "default".to_owned()
            } else {
                r.s("name")
                    .or_else(|| r.s("name_prefix"))
                    .unwrap_or_default()
            };
            let ingress = r
                .blocks("ingress")
                .iter()
                .map(|b| sg_rule(r, b, &id))
                .collect();
            let egress = r
                .blocks("egress")
                .iter()
                .map(|b| sg_rule(r, b, &id))
                .collect();
            inv.security_groups.push(SecurityGroup {
                resource: r.rref("AWS::EC2::SecurityGroup").named(name.clone()),
                location: r.loc(),
                id,
                name,
                description: r.s("description").unwrap_or_default(),
                vpc_id: r.s("vpc_id").unwrap_or_default(),
                ingress,
                egress,
                tags: r.tags(),
                ..SecurityGroup::default()
            });
        }
        "aws_network_acl" | "aws_default_network_acl" => {
            let mut entries: Vec<NaclEntry> = r
                .blocks("ingress")
                .iter()
                .map(|b| nacl_entry(b, false, "rule_no", "action"))
                .collect();
            entries.extend(
                r.blocks("egress")
                    .iter()
                    .map(|b| nacl_entry(b, true, "rule_no", "action")),
            );
            inv.network_acls.push(NetworkAcl {
                resource: r.rref("AWS::EC2::NetworkAcl"),
                location: r.loc(),
                id: r.id(),
                vpc_id: r.s("vpc_id").unwrap_or_default(),
                is_default: r.kind == "aws_default_network_acl",
                entries,
                subnet_ids: r.strings("subnet_ids"),
                ..NetworkAcl::default()
            });
        }
        "aws_vpc" | "aws_default_vpc" => inv.vpcs.push(Vpc {
            resource: r.rref("AWS::EC2::VPC"),
            location: r.loc(),
            id: r.id(),
            cidr_blocks: r.s("cidr_block").into_iter().collect(),
            is_default: r.kind == "aws_default_vpc",
            tags: r.tags(),
            ..Vpc::default()
        }),
        "aws_subnet" => inv.subnets.push(Subnet {
            resource: r.rref("AWS::EC2::Subnet"),
            location: r.loc(),
            id: r.id(),
            vpc_id: r.s("vpc_id").unwrap_or_default(),
            cidr_block: r.s("cidr_block"),
            availability_zone: r.s("availability_zone"),
            map_public_ip_on_launch: r.b("map_public_ip_on_launch", false),
            tags: r.tags(),
            ..Subnet::default()
        }),
        "aws_route_table" => inv.route_tables.push(RouteTable {
            resource: r.rref("AWS::EC2::RouteTable"),
            location: r.loc(),
            id: r.id(),
            vpc_id: r.s("vpc_id").unwrap_or_default(),
            routes: r.blocks("route").into_iter().map(tf_route).collect(),
            ..RouteTable::default()
        }),
        // The VPC's default route table (the main one AWS creates with the
        // VPC), adopted: its routes replace the table's, and it stays the
        // main table of its VPC unless an `aws_main_route_table_association`
        // makes another one main (Terraform AWS provider,
        // `aws_default_route_table`; Amazon VPC User Guide, "Main route
        // table").
        "aws_default_route_table" => {
            let id = r.s("default_route_table_id").unwrap_or_else(|| r.id());
            let vpc_id = r
                .s("vpc_id")
                .or_else(|| default_route_table_vpc(&id))
                .unwrap_or_default();
            inv.route_tables.push(RouteTable {
                resource: r.rref("AWS::EC2::RouteTable"),
                location: r.loc(),
                id,
                vpc_id,
                routes: r.blocks("route").into_iter().map(tf_route).collect(),
                associations: vec![RouteTableAssociation {
                    main: true,
                    ..RouteTableAssociation::default()
                }],
                ..RouteTable::default()
            })
        }
        "aws_egress_only_internet_gateway" => {
            inv.egress_only_internet_gateways
                .push(EgressOnlyInternetGateway {
                    resource: r.rref("AWS::EC2::EgressOnlyInternetGateway"),
                    location: r.loc(),
                    id: r.id(),
                    vpc_ids: r.s("vpc_id").into_iter().collect(),
                })
        }
        "aws_vpc_block_public_access_options" => inv.vpc_bpa.push(VpcBlockPublicAccess {
            resource: r.rref("AWS::EC2::VPCBlockPublicAccessOptions"),
            location: r.loc(),
            region: r.region.unwrap_or_default().to_owned(),
            mode: r.s("internet_gateway_block_mode").unwrap_or_default(),
            ..VpcBlockPublicAccess::default()
        }),
        "aws_vpc_block_public_access_exclusion" => inv.vpc_bpa_exclusions.push(VpcBpaExclusion {
            resource: r.rref("AWS::EC2::VPCBlockPublicAccessExclusion"),
            location: r.loc(),
            id: r.id(),
            region: r.region.unwrap_or_default().to_owned(),
            mode: r.s("internet_gateway_exclusion_mode").unwrap_or_default(),
            target_id: r
                .s("subnet_id")
                .or_else(|| r.s("vpc_id"))
                .unwrap_or_default(),
            state: String::new(),
        }),
        "aws_internet_gateway" => inv.internet_gateways.push(InternetGateway {
            resource: r.rref("AWS::EC2::InternetGateway"),
            location: r.loc(),
            id: r.id(),
            vpc_ids: r.s("vpc_id").into_iter().collect(),
            ..InternetGateway::default()
        }),
        "aws_flow_log" => inv.flow_logs.push(FlowLog {
            resource: r.rref("AWS::EC2::FlowLog"),
            location: r.loc(),
            id: r.id(),
            resource_id: r
                .s("vpc_id")
                .or_else(|| r.s("subnet_id"))
                .or_else(|| r.s("eni_id"))
                .or_else(|| r.s("transit_gateway_id"))
                .unwrap_or_default(),
            traffic_type: r.s("traffic_type").unwrap_or_default(),
            status: "ACTIVE".to_owned(),
            destination: r.s("log_destination").or_else(|| r.s("log_group_name")),
            ..FlowLog::default()
        }),
        "aws_instance" => {
            let metadata_options = match r.blocks("metadata_options").first() {
                None => Known::Known(MetadataOptions {
                    http_tokens: String::new(),
                    http_endpoint: "enabled".to_owned(),
                    hop_limit: None,
                }),
                Some(m) => match (m.get("http_tokens"), m.get("http_endpoint")) {
                    (Some(V::Unknown(why)), _) | (_, Some(V::Unknown(why))) => {
                        Known::Unknown(why.clone())
                    }
                    (tokens, endpoint) => Known::Known(MetadataOptions {
                        http_tokens: text(tokens).unwrap_or_default(),
                        http_endpoint: text(endpoint).unwrap_or_else(|| "enabled".to_owned()),
                        hop_limit: m
                            .get("http_put_response_hop_limit")
                            .and_then(|h| h.to_num().ok())
                            .map(|h| h as i64),
                    }),
                },
            };
            let mut security_groups = r.strings("vpc_security_group_ids");
            security_groups.extend(r.strings("security_groups"));
            inv.instances.push(Instance {
                resource: r.rref("AWS::EC2::Instance"),
                location: r.loc(),
                id: r.id(),
                state: "running".to_owned(),
                subnet_id: r.s("subnet_id"),
                private_ip: r.s("private_ip"),
                security_groups,
                metadata_options,
                iam_instance_profile: r.s("iam_instance_profile"),
                image_id: r.s("ami"),
                tags: r.tags(),
                user_data: user_data(r.get("user_data"), r.get("user_data_base64")),
                ..Instance::default()
            });
        }
        "aws_launch_template" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            inv.launch_templates.push(LaunchTemplate {
                resource: r.rref("AWS::EC2::LaunchTemplate").named(name.clone()),
                location: r.loc(),
                id: r.id(),
                name,
                version: None,
                // The provider takes launch template user data in base64.
                user_data: user_data(None, r.get("user_data")),
            });
        }
        "aws_ebs_volume" => inv.volumes.push(Volume {
            resource: r.rref("AWS::EC2::Volume"),
            location: r.loc(),
            id: r.id(),
            // Without `encrypted = true` the configuration asks for an
            // unencrypted volume; only an account-wide EBS default could
            // still encrypt it, which the default-encryption rule judges.
            encrypted: r.b("encrypted", false),
            kms_key_id: r.s("kms_key_id"),
            size_gib: r
                .get("size")
                .and_then(|s| s.to_num().ok())
                .map(|n| n as i64),
            state: "available".to_owned(),
            ..Volume::default()
        }),
        "aws_ebs_encryption_by_default" => {
            let enabled = r.b("enabled", true);
            if let Some(rs) = region_settings(inv, r.region) {
                rs.ebs_encryption_by_default = enabled;
            }
        }
        "aws_guardduty_detector" => {
            let enabled = r.b("enable", true).get().copied().unwrap_or(true);
            let Some(rs) = region_settings(inv, r.region) else {
                return;
            };
            let mut list = rs
                .guardduty_detectors
                .clone()
                .into_option()
                .unwrap_or_default();
            list.push(Detector {
                id: r.id(),
                enabled,
                finding_publishing_frequency: r.s("finding_publishing_frequency"),
            });
            rs.guardduty_detectors = Known::Known(list);
        }
        "aws_db_instance" | "aws_rds_cluster" => {
            let cluster = r.kind == "aws_rds_cluster";
            let engine = r.s("engine").unwrap_or_default();
            let serverless_v1 = r.s("engine_mode").as_deref() == Some("serverless");
            let storage_encrypted = if !cluster && engine.starts_with("aurora") {
                Known::unknown("an Aurora instance is encrypted by its cluster")
            } else {
                r.b("storage_encrypted", serverless_v1)
            };
            inv.db_instances.push(DbInstance {
                resource: r.rref(if cluster {
                    "AWS::RDS::DBCluster"
                } else {
                    "AWS::RDS::DBInstance"
                }),
                location: r.loc(),
                id: r
                    .s("identifier")
                    .or_else(|| r.s("cluster_identifier"))
                    .unwrap_or_else(|| r.addr.clone()),
                arn: r.addr.clone(),
                engine,
                publicly_accessible: if cluster {
                    Known::Known(false)
                } else {
                    r.b("publicly_accessible", false)
                },
                storage_encrypted,
                kms_key_id: r.s("kms_key_id"),
                backup_retention_days: r
                    .get("backup_retention_period")
                    .and_then(|s| s.to_num().ok())
                    .map(|n| n as i64),
                deletion_protection: r.b("deletion_protection", false).into_option(),
                iam_auth: r
                    .b("iam_database_authentication_enabled", false)
                    .into_option(),
                port: r
                    .get("port")
                    .and_then(|s| s.to_num().ok())
                    .map(|n| n as u16),
                security_groups: r.strings("vpc_security_group_ids"),
                master_password: crate::secret_args::master_password(
                    r.get("manage_master_user_password"),
                    if cluster {
                        &["master_password", "master_password_wo"]
                    } else {
                        &["password", "password_wo"]
                    }
                    .iter()
                    .find_map(|k| r.get(k).filter(|v| !matches!(v, V::Null)).map(|v| (*k, v))),
                ),
                ..DbInstance::default()
            });
        }
        "aws_kms_key" => {
            let enabled = r.b("is_enabled", true).get().copied().unwrap_or(true);
            inv.kms_keys.push(KmsKey {
                resource: r.rref("AWS::KMS::Key"),
                location: r.loc(),
                id: r.id(),
                arn: r.addr.clone(),
                manager: "CUSTOMER".to_owned(),
                state: if enabled { "Enabled" } else { "Disabled" }.to_owned(),
                spec: r
                    .s("customer_master_key_spec")
                    .or_else(|| r.s("key_spec"))
                    .unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned()),
                origin: "AWS_KMS".to_owned(),
                rotation_enabled: r.b("enable_key_rotation", false),
                policy: match r.get("policy") {
                    None | Some(V::Null) => Known::unknown("the default key policy applies"),
                    p => policy(p),
                },
                ..KmsKey::default()
            });
        }
        "aws_cloudtrail" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            let selectors: Vec<EventSelector> = r
                .blocks("event_selector")
                .iter()
                .map(|s| EventSelector {
                    read_write_type: text(s.get("read_write_type"))
                        .unwrap_or_else(|| "All".to_owned()),
                    include_management_events: s
                        .get("include_management_events")
                        .and_then(|x| x.to_bool().ok())
                        .unwrap_or(true),
                    data_resources: blocks(s, "data_resource")
                        .iter()
                        .map(|d| {
                            (
                                text(d.get("type")).unwrap_or_default(),
                                list(d.get("values")).into_option().unwrap_or_default(),
                            )
                        })
                        .collect(),
                })
                .collect();
            let advanced = r
                .blocks("advanced_event_selector")
                .iter()
                .map(|s| {
                    let fields: Vec<serde_json::Value> = blocks(s, "field_selector")
                        .iter()
                        .map(|f| {
                            serde_json::json!({
                                "Field": text(f.get("field")).unwrap_or_default(),
                                "Equals": list(f.get("equals")).into_option().unwrap_or_default(),
                            })
                        })
                        .collect();
                    serde_json::json!({ "FieldSelectors": fields })
                })
                .collect();
            let logging = r.b("enable_logging", true);
            inv.trails.push(Trail {
                resource: r.rref("AWS::CloudTrail::Trail").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.addr.clone(),
                home_region: r.region.map(str::to_owned),
                is_multi_region: r.b("is_multi_region_trail", false),
                is_organization_trail: r.b("is_organization_trail", false),
                include_global_service_events: r.b("include_global_service_events", true),
                log_file_validation: r.b("enable_log_file_validation", false),
                kms_key_id: opt_text(r.get("kms_key_id")),
                s3_bucket: opt_text(r.get("s3_bucket_name")),
                s3_key_prefix: opt_text(r.get("s3_key_prefix")),
                cloudwatch_logs_group_arn: r.s("cloud_watch_logs_group_arn"),
                status: logging.map(|l| TrailStatus {
                    is_logging: l,
                    ..TrailStatus::default()
                }),
                event_selectors: Known::Known(selectors),
                advanced_event_selectors: advanced,
                ..Trail::default()
            });
        }
        "aws_s3_bucket" => {
            let name = r.s("bucket").unwrap_or_else(|| r.addr.clone());
            let acl = match r.get("acl") {
                None | Some(V::Null) => Known::unknown(PENDING),
                Some(v) => v.known_string().map(|a| canned_acl(&a)),
            };
            let versioning = match r.blocks("versioning").first() {
                None => Known::unknown(PENDING),
                Some(b) => match b.get("enabled").map(V::to_bool) {
                    Some(Ok(true)) => Known::Known(Some("Enabled".to_owned())),
                    Some(Err(why)) => Known::Unknown(why),
                    _ => Known::Known(None),
                },
            };
            let logging = match r.blocks("logging").first() {
                None => Known::unknown(PENDING),
                Some(b) => Known::Known(Some(BucketLogging {
                    target_bucket: text(b.get("target_bucket")).unwrap_or_default(),
                    target_prefix: text(b.get("target_prefix")).unwrap_or_default(),
                })),
            };
            let encryption = match r.blocks("server_side_encryption_configuration").first() {
                None => Known::unknown(PENDING),
                Some(b) => sse(b),
            };
            let policy = match r.get("policy") {
                None | Some(V::Null) => Known::unknown(PENDING),
                p => opt_policy(p),
            };
            inv.buckets.push(Bucket {
                resource: r.rref("AWS::S3::Bucket").named(name.clone()),
                location: r.loc(),
                name,
                region: r.region.map(str::to_owned),
                acl,
                policy,
                public_access_block: Known::unknown(PENDING),
                encryption,
                versioning,
                logging,
                tags: r.tags(),
                ..Bucket::default()
            });
        }
        "aws_iam_user" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            inv.users.push(IamUser {
                resource: r.rref("AWS::IAM::User").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.addr.clone(),
                permissions_boundary: r.s("permissions_boundary"),
                tags: r.tags(),
                ..IamUser::default()
            });
        }
        "aws_iam_group" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            inv.groups.push(IamGroup {
                resource: r.rref("AWS::IAM::Group").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.addr.clone(),
                ..IamGroup::default()
            });
        }
        "aws_iam_role" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            let inline_policies = r
                .blocks("inline_policy")
                .iter()
                .filter_map(|b| {
                    let doc = policy(b.get("policy")).into_option()?;
                    Some(InlinePolicy {
                        name: text(b.get("name")).unwrap_or_default(),
                        document: doc,
                    })
                })
                .collect();
            inv.roles.push(IamRole {
                resource: r.rref("AWS::IAM::Role").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.addr.clone(),
                path: r.s("path").unwrap_or_else(|| "/".to_owned()),
                assume_role_policy: policy(r.get("assume_role_policy")),
                attached_policies: r.strings("managed_policy_arns"),
                inline_policies,
                permissions_boundary: r.s("permissions_boundary"),
                last_used: Known::unknown("a role in a configuration has no usage history"),
                tags: r.tags(),
                ..IamRole::default()
            });
        }
        "aws_iam_policy" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            inv.policies.push(ManagedPolicy {
                resource: r.rref("AWS::IAM::ManagedPolicy").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.addr.clone(),
                aws_managed: false,
                document: policy(r.get("policy")),
                ..ManagedPolicy::default()
            });
        }
        "aws_lb" | "aws_alb" | "aws_elb" => {
            let classic = r.kind == "aws_elb";
            let kind = if classic {
                "classic".to_owned()
            } else {
                r.s("load_balancer_type")
                    .unwrap_or_else(|| "application".to_owned())
            };
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            let listeners = if classic {
                Known::Known(
                    r.blocks("listener")
                        .iter()
                        .map(|l| Listener {
                            arn: String::new(),
                            port: l
                                .get("lb_port")
                                .and_then(|p| p.to_num().ok())
                                .map(|n| n as u16),
                            protocol: text(l.get("lb_protocol"))
                                .unwrap_or_default()
                                .to_ascii_uppercase(),
                            ssl_policy: None,
                            target_groups: Vec::new(),
                            default_actions: vec!["forward".to_owned()],
                            redirect_protocol: None,
                            policy_names: Vec::new(),
                            location: r.loc_of(l),
                            rules: Known::Known(Vec::new()),
                        })
                        .collect(),
                )
            } else {
                Known::Known(Vec::new())
            };
            inv.load_balancers.push(LoadBalancer {
                resource: r
                    .rref(if classic {
                        "AWS::ElasticLoadBalancing::LoadBalancer"
                    } else {
                        "AWS::ElasticLoadBalancingV2::LoadBalancer"
                    })
                    .named(name.clone()),
                location: r.loc(),
                arn: r.addr.clone(),
                name,
                kind,
                scheme: r
                    .b("internal", false)
                    .map(|i| if i { "internal" } else { "internet-facing" }.to_owned()),
                subnets: r.strings("subnets"),
                security_groups: r.strings("security_groups"),
                ip_address_type: r.s("ip_address_type"),
                listeners,
                tls_policies: Known::Known(Vec::new()),
                ..LoadBalancer::default()
            });
        }
        "aws_ecs_task_definition" => ecs_task_definition(r, inv),
        "aws_lambda_function" => {
            let name = r.s("function_name").unwrap_or_else(|| r.addr.clone());
            let environment = match r.blocks("environment").first() {
                None => Known::Known(BTreeMap::new()),
                Some(e) => match e.get("variables") {
                    Some(V::Map(m)) => {
                        let mut out = BTreeMap::new();
                        for (k, v) in m.iter().filter(|(k, _)| !k.starts_with("__")) {
                            if let Ok(t) = v.to_text() {
                                out.insert(k.clone(), t);
                            }
                        }
                        Known::Known(out)
                    }
                    Some(V::Unknown(r)) => Known::Unknown(r.clone()),
                    _ => Known::Known(BTreeMap::new()),
                },
            };
            inv.functions.push(Function {
                resource: r.rref("AWS::Lambda::Function").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.addr.clone(),
                runtime: r.s("runtime"),
                role: r.s("role"),
                environment,
                kms_key_arn: r.s("kms_key_arn"),
                policy: Known::unknown("the function's resource policy is set by permissions"),
                ..Function::default()
            });
        }
        "aws_wafv2_web_acl" | "aws_wafregional_web_acl" | "aws_waf_web_acl" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            let scope = match r.kind {
                "aws_waf_web_acl" => "CLOUDFRONT".to_owned(),
                "aws_wafregional_web_acl" => "REGIONAL".to_owned(),
                _ => r
                    .s("scope")
                    .unwrap_or_else(|| "REGIONAL".to_owned())
                    .to_ascii_uppercase(),
            };
            inv.web_acls.push(WebAcl {
                resource: r.rref("AWS::WAFv2::WebACL").named(name.clone()),
                location: r.loc(),
                arn: r.addr.clone(),
                name,
                scope,
                associated_resources: Known::Known(Vec::new()),
            });
        }
        "aws_secretsmanager_secret" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            inv.secrets.push(Secret {
                resource: r.rref("AWS::SecretsManager::Secret").named(name.clone()),
                location: r.loc(),
                arn: r.addr.clone(),
                name,
                rotation_enabled: Known::unknown(PENDING),
                kms_key_id: r.s("kms_key_id"),
                policy: opt_policy(r.get("policy")),
                ..Secret::default()
            });
        }
        _ => {}
    }
}

fn opt_text(v: Option<&V>) -> Known<Option<String>> {
    match v {
        None | Some(V::Null) => Known::Known(None),
        Some(x) => x.known_string().map(|s| (!s.is_empty()).then_some(s)),
    }
}

fn sse(b: &V) -> Known<Option<BucketEncryption>> {
    let rule = blocks(b, "rule");
    let Some(rule) = rule.first() else {
        return Known::Known(None);
    };
    let def = blocks(rule, "apply_server_side_encryption_by_default");
    let Some(def) = def.first() else {
        return Known::Known(None);
    };
    match def.get("sse_algorithm") {
        Some(V::Unknown(r)) => Known::Unknown(r.clone()),
        alg => Known::Known(Some(BucketEncryption {
            algorithm: text(alg).unwrap_or_default(),
            kms_key_id: text(def.get("kms_master_key_id")),
            bucket_key_enabled: rule
                .get("bucket_key_enabled")
                .and_then(|x| x.to_bool().ok())
                .unwrap_or(false),
        })),
    }
}

/// Grants of a canned ACL (S3 User Guide, "Canned ACL").
fn canned_acl(acl: &str) -> Vec<Grant> {
    let group = |who: &str, perm: &str| Grant {
        grantee_type: "Group".to_owned(),
        uri: Some(format!("http://acs.amazonaws.com/groups/global/{who}")),
        id: None,
        permission: perm.to_owned(),
    };
    match acl {
        "public-read" => vec![group("AllUsers", "READ")],
        "public-read-write" => vec![group("AllUsers", "READ"), group("AllUsers", "WRITE")],
        "authenticated-read" => vec![group("AuthenticatedUsers", "READ")],
        _ => Vec::new(),
    }
}

/// Add `target` to the resources a web ACL protects; a stand-in ACL when
/// the configuration does not declare it.
pub(crate) fn associate_web_acl(
    inv: &mut Inventory,
    acl: &str,
    target: String,
    stand_in: impl FnOnce() -> WebAcl,
) {
    let i = match inv.web_acls.iter().position(|w| w.arn == acl) {
        Some(i) => i,
        None => {
            inv.web_acls.push(stand_in());
            inv.web_acls.len() - 1
        }
    };
    if let Some(Known::Known(list)) = inv.web_acls.get_mut(i).map(|w| &mut w.associated_resources) {
        list.push(target);
    }
}

fn region_settings<'i>(
    inv: &'i mut Inventory,
    region: Option<&str>,
) -> Option<&'i mut RegionSettings> {
    let name = region.unwrap_or("(provider region)").to_owned();
    if !inv.regions.iter().any(|r| r.region == name) {
        inv.regions.push(RegionSettings {
            region: name.clone(),
            ebs_encryption_by_default: Known::unknown(PENDING),
            guardduty_detectors: Known::unknown(PENDING),
            security_hub: Known::unknown(PENDING),
            config_recorders: Known::unknown(PENDING),
            access_analyzers: Known::unknown(PENDING),
            ..RegionSettings::default()
        });
    }
    inv.regions.iter_mut().find(|r| r.region == name)
}

const UNDECLARED_LB: &str = "the load balancer is not declared in this configuration";

/// Add a listener to the load balancer it belongs to (by ARN). When the
/// IaC does not declare that load balancer, an `HTTP`/`HTTPS` listener —
/// which only ALBs have — gets a stand-in Application Load Balancer
/// (identity `stand_in`, named by the ARN or after `owner`; scheme unknown
/// because `why`), so the listener is still judged; other listeners of
/// undeclared load balancers are dropped. Shared by Terraform and
/// CloudFormation.
pub(crate) fn add_listener(
    inv: &mut Inventory,
    lb_arn: Option<String>,
    listener: Listener,
    owner: &str,
    why: &str,
    stand_in: ResourceRef,
    location: Option<Location>,
) {
    let found = lb_arn
        .as_ref()
        .and_then(|k| inv.load_balancers.iter().position(|l| &l.arn == k));
    let i = match found {
        Some(i) => i,
        None if matches!(listener.protocol.as_str(), "HTTP" | "HTTPS") => {
            let name = lb_arn.unwrap_or_else(|| format!("(load balancer of {owner})"));
            inv.load_balancers.push(LoadBalancer {
                resource: stand_in.named(name.clone()),
                location,
                arn: name.clone(),
                name,
                kind: "application".to_owned(),
                scheme: Known::unknown(why),
                listeners: Known::Known(Vec::new()),
                ..LoadBalancer::default()
            });
            inv.load_balancers.len() - 1
        }
        None => return,
    };
    if let Some(Known::Known(ls)) = inv.load_balancers.get_mut(i).map(|l| &mut l.listeners) {
        ls.push(listener);
    }
}

/// A Classic Load Balancer SSL negotiation policy from its `(name, value)`
/// attributes: `Reference-Security-Policy` and the `Protocol-*` switches
/// are kept (ciphers are not judged); an unresolved value is kept as
/// `(unresolved)`.
pub(crate) fn tls_policy(
    name: String,
    attributes: Vec<(String, Option<String>)>,
    listener_ports: Vec<u16>,
    location: Option<Location>,
) -> TlsNegotiationPolicy {
    let mut p = TlsNegotiationPolicy {
        name,
        listener_ports,
        location,
        ..TlsNegotiationPolicy::default()
    };
    for (k, v) in attributes {
        let v = v.unwrap_or_else(|| "(unresolved)".to_owned());
        if k.eq_ignore_ascii_case("Reference-Security-Policy") {
            p.reference_policy = Some(v);
        } else if k.starts_with("Protocol-") {
            p.protocols.insert(k, v);
        }
    }
    p
}

/// Add an SSL negotiation policy to the Classic Load Balancer named `lb`
/// (by name or address). When the IaC does not declare that load balancer,
/// a stand-in classic load balancer (identity `stand_in`, scheme unknown)
/// carries it, so the policy is still judged. Shared by Terraform and
/// CloudFormation.
pub(crate) fn add_tls_policy(
    inv: &mut Inventory,
    lb: Option<String>,
    policy: TlsNegotiationPolicy,
    owner: &str,
    stand_in: ResourceRef,
) {
    let found = lb.as_ref().and_then(|k| {
        inv.load_balancers
            .iter()
            .position(|l| l.kind == "classic" && (&l.name == k || &l.arn == k))
    });
    let i = match found {
        Some(i) => i,
        None => {
            let name = lb.unwrap_or_else(|| format!("(load balancer of {owner})"));
            inv.load_balancers.push(LoadBalancer {
                resource: stand_in.named(name.clone()),
                location: policy.location.clone(),
                arn: name.clone(),
                name,
                kind: "classic".to_owned(),
                scheme: Known::unknown("the load balancer is not declared in this configuration"),
                listeners: Known::unknown(
                    "the load balancer is not declared in this configuration",
                ),
                ..LoadBalancer::default()
            });
            inv.load_balancers.len() - 1
        }
    };
    if let Some(lb) = inv.load_balancers.get_mut(i) {
        match &mut lb.tls_policies {
            Known::Known(ps) => ps.push(policy),
            other => *other = Known::Known(vec![policy]),
        }
    }
}

/// `(name, value)` pairs of attribute blocks or items.
fn name_values(items: &[&V], name: &str, value: &str) -> Vec<(String, Option<String>)> {
    items
        .iter()
        .filter_map(|a| text(a.get(name)).map(|n| (n, text(a.get(value)))))
        .collect()
}

/// The protocol of a listener's default redirect: AWS's `#{protocol}` when
/// the redirect names none, `None` when unresolved or there is no redirect.
fn redirect_protocol(actions: &[&V]) -> Option<String> {
    let action = actions
        .iter()
        .find(|a| text(a.get("type")).is_some_and(|t| t.eq_ignore_ascii_case("redirect")))?;
    let redirect = blocks(action, "redirect").into_iter().next()?;
    match redirect.get("protocol") {
        None | Some(V::Null) => Some("#{protocol}".to_owned()),
        Some(v) => v.to_text().ok().filter(|p| !p.is_empty()),
    }
}

const UNDECLARED_BUCKET: &str = "the bucket is not declared in this configuration";

/// The bucket a split S3 resource configures; a stand-in when the
/// configuration does not declare it (its other settings unknown), so the
/// setting is still judged.
fn bucket_for<'i>(inv: &'i mut Inventory, r: &R<'_>) -> Option<&'i mut Bucket> {
    let key = r.s("bucket");
    let found = key.as_ref().and_then(|k| {
        inv.buckets
            .iter()
            .position(|b| &b.name == k || &b.resource.id == k)
    });
    let i = match found {
        Some(i) => i,
        None => {
            let name = key.unwrap_or_else(|| format!("(bucket of {})", r.addr));
            inv.buckets.push(Bucket {
                resource: r.rref("AWS::S3::Bucket").named(name.clone()),
                location: r.loc(),
                name,
                region: r.region.map(str::to_owned),
                acl: Known::unknown(UNDECLARED_BUCKET),
                policy: Known::unknown(UNDECLARED_BUCKET),
                public_access_block: Known::unknown(UNDECLARED_BUCKET),
                encryption: Known::unknown(UNDECLARED_BUCKET),
                versioning: Known::unknown(UNDECLARED_BUCKET),
                logging: Known::unknown(UNDECLARED_BUCKET),
                ..Bucket::default()
            });
            inv.buckets.len() - 1
        }
    };
    inv.buckets.get_mut(i)
}

fn sg_for(inv: &mut Inventory, r: &R<'_>) -> usize {
    let key = r.s("security_group_id");
    if let Some(k) = &key {
        if let Some(i) = inv.security_groups.iter().position(|g| &g.id == k) {
            return i;
        }
    }
    // The group is declared elsewhere: judge the rule on its own.
    let id = key.unwrap_or_else(|| r.addr.clone());
    inv.security_groups.push(SecurityGroup {
        resource: r.rref("AWS::EC2::SecurityGroup"),
        location: r.loc(),
        id,
        ..SecurityGroup::default()
    });
    inv.security_groups.len() - 1
}

/// A principal named by an attachment or inline policy; a stub when the
/// configuration does not declare it.
enum Who {
    User,
    Role,
    Group,
}

fn with_principal(
    inv: &mut Inventory,
    who: Who,
    name: &str,
    r: &R<'_>,
    f: impl FnOnce(&mut Vec<String>, &mut Vec<InlinePolicy>),
) {
    match who {
        Who::User => {
            let i = match inv
                .users
                .iter()
                .position(|u| u.name == name || u.resource.id == name)
            {
                Some(i) => i,
                None => {
                    inv.users.push(IamUser {
                        resource: r.rref("AWS::IAM::User").named(name),
                        location: r.loc(),
                        name: name.to_owned(),
                        ..IamUser::default()
                    });
                    inv.users.len() - 1
                }
            };
            if let Some(u) = inv.users.get_mut(i) {
                f(&mut u.attached_policies, &mut u.inline_policies);
            }
        }
        Who::Role => {
            let i = match inv
                .roles
                .iter()
                .position(|u| u.name == name || u.resource.id == name)
            {
                Some(i) => i,
                None => {
                    inv.roles.push(IamRole {
                        resource: r.rref("AWS::IAM::Role").named(name),
                        location: r.loc(),
                        name: name.to_owned(),
                        path: "/".to_owned(),
                        ..IamRole::default()
                    });
                    inv.roles.len() - 1
                }
            };
            if let Some(u) = inv.roles.get_mut(i) {
                f(&mut u.attached_policies, &mut u.inline_policies);
            }
        }
        Who::Group => {
            let i = match inv
                .groups
                .iter()
                .position(|u| u.name == name || u.resource.id == name)
            {
                Some(i) => i,
                None => {
                    inv.groups.push(IamGroup {
                        resource: r.rref("AWS::IAM::Group").named(name),
                        location: r.loc(),
                        name: name.to_owned(),
                        ..IamGroup::default()
                    });
                    inv.groups.len() - 1
                }
            };
            if let Some(u) = inv.groups.get_mut(i) {
                f(&mut u.attached_policies, &mut u.inline_policies);
            }
        }
    }
}

/// The principal an attachment or inline policy names; when the reference
/// cannot be resolved (a principal declared elsewhere), a stand-in named
/// after the attaching resource, so the policy is still judged.
fn principal_name(r: &R<'_>, key: &str) -> String {
    r.s(key).unwrap_or_else(|| format!("({key} of {})", r.addr))
}

/// The policy name a Classic listener gets when a policy may be set on it
/// but which one cannot be resolved.
pub(crate) const UNRESOLVED_POLICY: &str = "(unresolved)";

/// After the join pass: listener policies name the listener ports that use
/// a Classic Load Balancer's policies (`aws_load_balancer_listener_policy`,
/// `aws_lb_ssl_negotiation_policy`), and the listeners the policies they
/// use. When the load balancer or port cannot be resolved, every Classic
/// listener that may be meant is marked as using an unresolved policy (so
/// no rule takes it for a listener without one).
fn attach_listener_policy(r: &R<'_>, inv: &mut Inventory) {
    let (lb_key, names) = match r.kind {
        "aws_load_balancer_listener_policy" => ("load_balancer_name", r.strings("policy_names")),
        "aws_lb_ssl_negotiation_policy" => (
            "load_balancer",
            vec![r.s("name").unwrap_or_else(|| r.addr.clone())],
        ),
        _ => return,
    };
    let port_key = if r.kind == "aws_lb_ssl_negotiation_policy" {
        "lb_port"
    } else {
        "load_balancer_port"
    };
    let port = r
        .get(port_key)
        .and_then(|p| p.to_num().ok())
        .map(|n| n as u16);
    let lb = r.s(lb_key);
    let resolved = lb.is_some()
        && port.is_some()
        && r.get("policy_names")
            .is_none_or(|v| v.known_strings().get().is_some());
    for l in inv
        .load_balancers
        .iter_mut()
        .filter(|l| l.kind == "classic" && lb.as_ref().is_none_or(|k| &l.name == k || &l.arn == k))
    {
        if let (Known::Known(ps), Some(port), true) = (
            &mut l.tls_policies,
            port,
            r.kind == "aws_load_balancer_listener_policy",
        ) {
            for p in ps.iter_mut().filter(|p| names.contains(&p.name)) {
                p.listener_ports.push(port);
            }
        }
        if let Known::Known(ls) = &mut l.listeners {
            for li in ls.iter_mut().filter(|li| port.is_none() || li.port == port) {
                if resolved {
                    li.policy_names.extend(names.iter().cloned());
                } else {
                    li.policy_names.push(UNRESOLVED_POLICY.to_owned());
                }
            }
        }
    }
}

/// After the join pass: an `aws_lb_listener_rule` joins its listener.
fn attach_listener_rule(r: &R<'_>, inv: &mut Inventory) {
    if !matches!(r.kind, "aws_lb_listener_rule" | "aws_alb_listener_rule") {
        return;
    }
    let actions = r.blocks("action");
    let rule = ListenerRule {
        arn: r.addr.clone(),
        priority: r.s("priority"),
        actions: actions.iter().filter_map(|a| text(a.get("type"))).collect(),
        redirect_protocol: redirect_protocol(&actions),
        target_groups: net::forward_target_groups(&actions),
        location: r.loc(),
    };
    add_listener_rule(inv, r.s("listener_arn"), rule);
}

/// Add a rule to the declared listener it names (by ARN, address or
/// logical id). A rule of a listener the configuration does not declare is
/// dropped: whether that listener takes plaintext HTTP is not known.
/// Shared by Terraform and CloudFormation.
pub(crate) fn add_listener_rule(
    inv: &mut Inventory,
    listener_arn: Option<String>,
    rule: ListenerRule,
) {
    let Some(key) = listener_arn else { return };
    for lb in &mut inv.load_balancers {
        if let Known::Known(ls) = &mut lb.listeners {
            for l in ls.iter_mut().filter(|l| l.arn == key) {
                match &mut l.rules {
                    Known::Known(rs) => rs.push(rule.clone()),
                    other => *other = Known::Known(vec![rule.clone()]),
                }
            }
        }
    }
}

/// The VPC of a default route table's stand-in id
/// (`aws_vpc.x.default_route_table_id`).
fn default_route_table_vpc(id: &str) -> Option<String> {
    id.strip_suffix(super::eval::DEFAULT_ROUTE_TABLE)
        .map(str::to_owned)
}

/// A route of an `aws_route_table` block or an `aws_route` resource.
fn tf_route(v: &V) -> Route {
    let s = |k: &str| text(v.get(k));
    Route {
        destination_cidr: s("cidr_block").or_else(|| s("destination_cidr_block")),
        destination_ipv6_cidr: s("ipv6_cidr_block").or_else(|| s("destination_ipv6_cidr_block")),
        destination_prefix_list: s("destination_prefix_list_id"),
        target: [
            "gateway_id",
            "nat_gateway_id",
            "egress_only_gateway_id",
            "transit_gateway_id",
            "vpc_peering_connection_id",
            "network_interface_id",
            "vpc_endpoint_id",
            "local_gateway_id",
            "carrier_gateway_id",
            "core_network_arn",
        ]
        .iter()
        .find_map(|k| s(k))
        .unwrap_or_default(),
        state: "active".to_owned(),
    }
}

fn join(r: &R<'_>, inv: &mut Inventory) {
    match r.kind {
        "aws_route" => {
            let id = r.s("route_table_id").unwrap_or_default();
            if let Some(t) = inv.route_tables.iter_mut().find(|t| t.id == id) {
                t.routes.push(tf_route(&r.v));
            }
        }
        "aws_route_table_association" | "aws_main_route_table_association" => {
            let id = r.s("route_table_id").unwrap_or_default();
            let main = r.kind == "aws_main_route_table_association";
            let vpc = inv
                .route_tables
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.vpc_id.clone());
            if main {
                // One main table per VPC: the association moves it.
                let vpc = r.s("vpc_id").or(vpc).unwrap_or_default();
                for t in inv
                    .route_tables
                    .iter_mut()
                    .filter(|t| t.id != id && t.vpc_id == vpc)
                {
                    t.associations.retain(|a| !a.main);
                }
            }
            if let Some(t) = inv.route_tables.iter_mut().find(|t| t.id == id) {
                t.associations.push(RouteTableAssociation {
                    main,
                    subnet_id: r.s("subnet_id"),
                    gateway_id: r.s("gateway_id"),
                });
            }
        }
        "aws_security_group_rule" => {
            let i = sg_for(inv, r);
            let Some(sg) = inv.security_groups.get_mut(i) else {
                return;
            };
            let rule = sg_rule(r, &r.v, &sg.id.clone());
            let rule = SgRule {
                location: r.loc(),
                ..rule
            };
            if r.s("type").as_deref() == Some("egress") {
                sg.egress.push(rule);
            } else {
                sg.ingress.push(rule);
            }
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            let i = sg_for(inv, r);
            let Some(sg) = inv.security_groups.get_mut(i) else {
                return;
            };
            let one = |k: &str| match r.get(k) {
                None | Some(V::Null) => Known::Known(Vec::new()),
                Some(v) => v.known_strings(),
            };
            let rule = SgRule {
                location: r.loc(),
                protocol: protocol(r.get("ip_protocol")),
                from_port: port(r.get("from_port")),
                to_port: port(r.get("to_port")),
                ipv4_ranges: one("cidr_ipv4"),
                ipv6_ranges: one("cidr_ipv6"),
                prefix_list_ids: r.s("prefix_list_id").into_iter().collect(),
                group_ids: r.s("referenced_security_group_id").into_iter().collect(),
                description: r.s("description"),
                ..SgRule::default()
            };
            if r.kind.ends_with("egress_rule") {
                sg.egress.push(rule);
            } else {
                sg.ingress.push(rule);
            }
        }
        "aws_network_acl_rule" => {
            let key = r.s("network_acl_id").unwrap_or_default();
            let egress = r.b("egress", false).get().copied().unwrap_or(false);
            let entry = nacl_entry(&r.v, egress, "rule_number", "rule_action");
            let pos = inv.network_acls.iter().position(|n| n.id == key);
            match pos.and_then(|i| inv.network_acls.get_mut(i)) {
                Some(n) => n.entries.push(entry),
                None => inv.network_acls.push(NetworkAcl {
                    resource: r.rref("AWS::EC2::NetworkAcl"),
                    location: r.loc(),
                    id: if key.is_empty() { r.addr.clone() } else { key },
                    entries: vec![entry],
                    ..NetworkAcl::default()
                }),
            }
        }
        "aws_s3_bucket_public_access_block" => {
            let pab = PublicAccessBlock {
                block_public_acls: r
                    .b("block_public_acls", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
                ignore_public_acls: r
                    .b("ignore_public_acls", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
                block_public_policy: r
                    .b("block_public_policy", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
                restrict_public_buckets: r
                    .b("restrict_public_buckets", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
            };
            let unknown = [
                "block_public_acls",
                "ignore_public_acls",
                "block_public_policy",
                "restrict_public_buckets",
            ]
            .iter()
            .find_map(|k| r.b(k, false).reason().map(str::to_owned));
            if let Some(b) = bucket_for(inv, r) {
                b.public_access_block = match unknown {
                    Some(why) => Known::Unknown(why),
                    None => Known::Known(Some(pab)),
                };
            }
        }
        "aws_s3_account_public_access_block" => {
            let pab = PublicAccessBlock {
                block_public_acls: r
                    .b("block_public_acls", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
                ignore_public_acls: r
                    .b("ignore_public_acls", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
                block_public_policy: r
                    .b("block_public_policy", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
                restrict_public_buckets: r
                    .b("restrict_public_buckets", false)
                    .get()
                    .copied()
                    .unwrap_or(false),
            };
            inv.accounts.push(Account {
                id: r
                    .s("account_id")
                    .map_or_else(|| Known::unknown("the provider's account"), Known::Known),
                s3_public_access_block: Known::Known(Some(pab)),
                ..Account::default()
            });
        }
        "aws_s3_bucket_acl" => {
            let acl = match r.get("acl") {
                Some(v @ V::Str(_)) | Some(v @ V::Unknown(_)) => {
                    v.known_string().map(|a| canned_acl(&a))
                }
                _ => {
                    let mut grants = Vec::new();
                    for policy in r.blocks("access_control_policy") {
                        for g in blocks(policy, "grant") {
                            for who in blocks(g, "grantee") {
                                grants.push(Grant {
                                    grantee_type: text(who.get("type")).unwrap_or_default(),
                                    uri: text(who.get("uri")),
                                    id: text(who.get("id")),
                                    permission: text(g.get("permission")).unwrap_or_default(),
                                });
                            }
                        }
                    }
                    Known::Known(grants)
                }
            };
            if let Some(b) = bucket_for(inv, r) {
                b.acl = acl;
            }
        }
        "aws_s3_bucket_policy" => {
            let p = opt_policy(r.get("policy"));
            if let Some(b) = bucket_for(inv, r) {
                b.policy = p;
            }
        }
        "aws_s3_bucket_versioning" => {
            let status = match r.blocks("versioning_configuration").first() {
                Some(c) => match c.get("status") {
                    Some(V::Unknown(why)) => Known::Unknown(why.clone()),
                    s => Known::Known(text(s).filter(|s| s == "Enabled")),
                },
                None => Known::Known(None),
            };
            if let Some(b) = bucket_for(inv, r) {
                b.versioning = status;
            }
        }
        "aws_s3_bucket_logging" => {
            let l = BucketLogging {
                target_bucket: r.s("target_bucket").unwrap_or_default(),
                target_prefix: r.s("target_prefix").unwrap_or_default(),
            };
            if let Some(b) = bucket_for(inv, r) {
                b.logging = Known::Known(Some(l));
            }
        }
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let e = sse(&r.v);
            if let Some(b) = bucket_for(inv, r) {
                b.encryption = e;
            }
        }
        "aws_iam_user_policy_attachment"
        | "aws_iam_role_policy_attachment"
        | "aws_iam_group_policy_attachment" => {
            let (who, key) = match r.kind {
                "aws_iam_user_policy_attachment" => (Who::User, "user"),
                "aws_iam_role_policy_attachment" => (Who::Role, "role"),
                _ => (Who::Group, "group"),
            };
            let Some(arn) = r.s("policy_arn") else {
                return;
            };
            let name = principal_name(r, key);
            with_principal(inv, who, &name, r, |att, _| att.push(arn));
        }
        "aws_iam_policy_attachment" => {
            let Some(arn) = r.s("policy_arn") else { return };
            for u in r.strings("users") {
                with_principal(inv, Who::User, &u, r, |att, _| att.push(arn.clone()));
            }
            for u in r.strings("roles") {
                with_principal(inv, Who::Role, &u, r, |att, _| att.push(arn.clone()));
            }
            for u in r.strings("groups") {
                with_principal(inv, Who::Group, &u, r, |att, _| att.push(arn.clone()));
            }
        }
        "aws_iam_user_policy" | "aws_iam_role_policy" | "aws_iam_group_policy" => {
            let (who, key) = match r.kind {
                "aws_iam_user_policy" => (Who::User, "user"),
                "aws_iam_role_policy" => (Who::Role, "role"),
                _ => (Who::Group, "group"),
            };
            let name = principal_name(r, key);
            let Known::Known(document) = policy(r.get("policy")) else {
                return;
            };
            let pname = r.s("name").unwrap_or_else(|| r.addr.clone());
            with_principal(inv, who, &name, r, |_, inline| {
                inline.push(InlinePolicy {
                    name: pname,
                    document,
                });
            });
        }
        "aws_iam_access_key" => {
            let Some(user) = r.s("user") else { return };
            let active = r.s("status").is_none_or(|s| s == "Active");
            let id = r.addr.clone();
            if let Some(u) = inv.users.iter_mut().find(|u| u.name == user) {
                let mut keys = u.access_keys.clone().into_option().unwrap_or_default();
                keys.push(AccessKey {
                    id,
                    active,
                    created: None,
                    last_used: Known::Known(None),
                });
                u.access_keys = Known::Known(keys);
            }
        }
        "aws_iam_user_login_profile" => {
            let Some(user) = r.s("user") else { return };
            if let Some(u) = inv.users.iter_mut().find(|u| u.name == user) {
                u.password_enabled = Known::Known(true);
            }
        }
        "aws_load_balancer_policy" => {
            if r.s("policy_type_name").as_deref() != Some("SSLNegotiationPolicyType") {
                return;
            }
            let name = r.s("policy_name").unwrap_or_else(|| r.addr.clone());
            let attrs = name_values(&r.blocks("policy_attribute"), "name", "value");
            add_tls_policy(
                inv,
                r.s("load_balancer_name"),
                tls_policy(name, attrs, Vec::new(), r.loc()),
                &r.addr,
                r.rref("AWS::ElasticLoadBalancing::LoadBalancer"),
            );
        }
        "aws_lb_ssl_negotiation_policy" => {
            let name = r.s("name").unwrap_or_else(|| r.addr.clone());
            let attrs = name_values(&r.blocks("attribute"), "name", "value");
            let ports = r
                .get("lb_port")
                .and_then(|p| p.to_num().ok())
                .map(|n| vec![n as u16])
                .unwrap_or_default();
            add_tls_policy(
                inv,
                r.s("load_balancer"),
                tls_policy(name, attrs, ports, r.loc()),
                &r.addr,
                r.rref("AWS::ElasticLoadBalancing::LoadBalancer"),
            );
        }
        "aws_lb_listener" | "aws_alb_listener" => {
            let actions = r.blocks("default_action");
            let listener = Listener {
                arn: r.addr.clone(),
                port: r
                    .get("port")
                    .and_then(|p| p.to_num().ok())
                    .map(|n| n as u16),
                protocol: r
                    .s("protocol")
                    .unwrap_or_else(|| "HTTP".to_owned())
                    .to_ascii_uppercase(),
                ssl_policy: r.s("ssl_policy"),
                target_groups: net::forward_target_groups(&actions),
                default_actions: actions.iter().filter_map(|a| text(a.get("type"))).collect(),
                redirect_protocol: redirect_protocol(&actions),
                policy_names: Vec::new(),
                location: r.loc(),
                rules: Known::Known(Vec::new()),
            };
            add_listener(
                inv,
                r.s("load_balancer_arn"),
                listener,
                &r.addr,
                UNDECLARED_LB,
                r.rref("AWS::ElasticLoadBalancingV2::LoadBalancer"),
                r.loc(),
            );
        }
        "aws_secretsmanager_secret_rotation" => {
            let Some(id) = r.s("secret_id") else { return };
            let days = r
                .blocks("rotation_rules")
                .first()
                .and_then(|b| b.get("automatically_after_days"))
                .and_then(|d| d.to_num().ok())
                .map(|n| n as i64);
            if let Some(s) = inv.secrets.iter_mut().find(|s| s.arn == id || s.name == id) {
                s.rotation_enabled = Known::Known(true);
                s.rotation_days = days;
            }
        }
        "aws_wafv2_web_acl_association" | "aws_wafregional_web_acl_association" => {
            let Some(target) = r.s("resource_arn") else {
                return;
            };
            // An ACL declared elsewhere still protects the target.
            let acl = r
                .s("web_acl_arn")
                .or_else(|| r.s("web_acl_id"))
                .unwrap_or_else(|| r.addr.clone());
            associate_web_acl(inv, &acl, target, || WebAcl {
                resource: r.rref("AWS::WAFv2::WebACL"),
                location: r.loc(),
                arn: acl.clone(),
                name: String::new(),
                scope: "REGIONAL".to_owned(),
                associated_resources: Known::Known(Vec::new()),
            });
        }
        "aws_kms_alias" => {
            let (Some(name), Some(target)) = (r.s("name"), r.s("target_key_id")) else {
                return;
            };
            if let Some(k) = inv
                .kms_keys
                .iter_mut()
                .find(|k| k.id == target || k.arn == target)
            {
                k.aliases.push(name);
            }
        }
        _ => {}
    }
}

/// `aws_ecs_task_definition`: `container_definitions` is JSON text
/// (`jsonencode(...)`, a heredoc or `file(...)`), the same list of container
/// definitions as the ECS API's; unknown parts of a `jsonencode` read as
/// `${unknown: …}` strings, which the secret rules take for references.
fn ecs_task_definition(r: &R<'_>, inv: &mut Inventory) {
    let family = r.s("family").unwrap_or_else(|| r.addr.clone());
    let containers = match r.get("container_definitions") {
        None | Some(V::Null) => Known::Known(Vec::new()),
        Some(V::Unknown(why)) => Known::Unknown(why.clone()),
        Some(v) => match v.to_text() {
            Err(why) => Known::Unknown(why),
            Ok(text) => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Array(list)) => Known::Known(
                    list.iter()
                        .map(|c| ecs_container_json(c, r.loc()))
                        .collect(),
                ),
                Ok(_) => Known::unknown("container_definitions is not a JSON list"),
                Err(e) => Known::Unknown(format!("container_definitions is not JSON: {e}")),
            },
        },
    };
    inv.ecs_task_definitions.push(EcsTaskDefinition {
        resource: r.rref("AWS::ECS::TaskDefinition").named(family.clone()),
        location: r.loc(),
        arn: r.addr.clone(),
        family,
        revision: 0,
        containers,
    });
}

/// One container definition in the ECS API's JSON shape.
fn ecs_container_json(c: &serde_json::Value, location: Option<Location>) -> EcsContainer {
    let pairs = |key: &str| -> Vec<(String, Option<String>)> {
        c.get(key)
            .and_then(serde_json::Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|e| {
                        let name = e.get("name")?.as_str()?.to_owned();
                        let value = match e.get("value") {
                            Some(serde_json::Value::String(s)) => Some(s.clone()),
                            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                            Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
                            _ => None,
                        };
                        Some((name, value))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    EcsContainer {
        name: c
            .get("name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        location,
        environment: pairs("environment")
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect(),
        secrets: pairs("secrets").into_iter().map(|(k, _)| k).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_acls() {
        assert!(canned_acl("public-read").iter().any(Grant::is_public));
        assert!(canned_acl("private").is_empty());
    }
}
