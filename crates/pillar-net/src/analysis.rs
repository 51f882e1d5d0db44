//! The reachability analysis: endpoints (ENIs, instances, load balancers),
//! the layers a packet from the internet crosses to reach them, and the
//! exposures that result.

use crate::addr::{is_global_v6, AddrSet, Cidr, Family};
use crate::index::Index;
use crate::ipset::PortSet;
use crate::layers::{
    self, nacl_eval, port_pieces, protocols, route_sources, sg_eval, RouteVerdict, EPHEMERAL,
};
use crate::proto::Proto;
use pillar_model::resources::{
    Instance, LoadBalancer, NetworkInterface, SecurityGroup, IPV6_ASSIGNED_AT_LAUNCH,
};
use pillar_model::{Inventory, Known, Location, ResourceRef};
use rayon::prelude::*;
use serde::Serialize;

/// One hop of a path: what it is, its id, and the rules or routes that let
/// the traffic through (or, at the blocking hop, why not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// `internet-gateway`, `vpc-block-public-access`, `route-table`,
    /// `network-acl-inbound`, `security-group`, `network-acl-outbound`,
    /// `network-interface`, `load-balancer`, `listener`, `target-group`.
    pub kind: &'static str,
    /// Resource id.
    pub id: String,
    /// The rules or routes that matched.
    pub notes: Vec<String>,
}

impl Hop {
    fn new(kind: &'static str, id: impl Into<String>, notes: Vec<String>) -> Hop {
        Hop {
            kind,
            id: id.into(),
            notes,
        }
    }

    /// `acl-2 inbound (rule 110 allow)`, `sg-1 (rule 0: tcp 22 from 0.0.0.0/0)`.
    pub fn short(&self) -> String {
        let id = match self.kind {
            "network-acl-inbound" => format!("{} inbound", self.id),
            "network-acl-outbound" => format!("{} reply outbound", self.id),
            "vpc-block-public-access" => format!("VPC block public access {}", self.id),
            _ => self.id.clone(),
        };
        if self.notes.is_empty() {
            id
        } else {
            format!("{id} ({})", self.notes.join("; "))
        }
    }
}

/// Fold `more` into `path`, merging hops of the same kind and id.
fn merge_hops(path: &mut Vec<Hop>, more: &[Hop]) {
    for h in more {
        if let Some(e) = path.iter_mut().find(|e| e.kind == h.kind && e.id == h.id) {
            for n in &h.notes {
                if !e.notes.contains(n) {
                    e.notes.push(n.clone());
                }
            }
        } else {
            path.push(h.clone());
        }
    }
}

/// Why a path is blocked: the hop, a stable reason code and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// Kind of the blocking hop.
    pub kind: &'static str,
    /// Id of the blocking hop.
    pub id: String,
    /// `NO_PUBLIC_ADDRESS`, `NO_INTERNET_GATEWAY`, `NO_ROUTE_TABLE`,
    /// `NO_RETURN_ROUTE_TO_IGW`, `NACL_INBOUND_DENY`, `SG_NO_MATCHING_RULE`,
    /// `NACL_OUTBOUND_DENY`, `LB_NOT_INTERNET_FACING`, `NO_LISTENER`,
    /// `INSTANCE_NOT_RUNNING`, `VPC_BPA_BLOCKS_INGRESS`.
    pub code: &'static str,
    /// The reason in words.
    pub reason: String,
}

/// Something the internet may reach: an instance's or service's ENI, or a
/// load balancer.
#[derive(Debug, Clone)]
pub struct Endpoint<'a> {
    /// The resource reported (instance, DB instance, ENI, load balancer).
    pub resource: ResourceRef,
    /// Where it was declared.
    pub location: Option<Location>,
    /// `instance`, `db-instance`, `network-interface`, `load-balancer`.
    pub kind: &'static str,
    /// Its id (instance id, DB identifier, ENI id, load balancer name).
    pub id: String,
    /// The ENI, when the endpoint is one.
    pub eni: Option<String>,
    /// Subnet.
    pub subnet: String,
    /// VPC.
    pub vpc: String,
    /// Security groups found.
    pub groups: Vec<&'a SecurityGroup>,
    /// Whether the endpoint has a security group layer (NLBs may not).
    pub has_sg_layer: bool,
    /// Public addresses per family.
    pub addresses: Vec<(Family, String)>,
    /// Instance state, when an instance.
    pub state: Option<String>,
    /// Reasons the analysis is incomplete.
    pub unknown: Vec<String>,
}

impl Endpoint<'_> {
    fn addresses_of(&self, f: Family) -> Vec<String> {
        self.addresses
            .iter()
            .filter(|(g, _)| *g == f)
            .map(|(_, a)| a.clone())
            .collect()
    }
}

/// The outcome of judging one endpoint for one family, protocol and port set.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// Internet sources that get through every layer.
    pub sources: AddrSet,
    /// The hops crossed, with the rules that let the traffic through.
    pub hops: Vec<Hop>,
    /// The first hop that blocks everything, when one does.
    pub blocked: Option<Block>,
    /// True when the network ACL (both ways) lets the whole internet
    /// through, so the security group is the only filter.
    pub single_layer: bool,
    /// Reasons the answer may be incomplete.
    pub unknown: Vec<String>,
}

/// Per-endpoint, per-family work done once.
struct FamilyCtx {
    igw: Option<String>,
    route: Option<(String, RouteVerdict)>,
}

fn family_ctx(ix: &Index<'_>, ep: &Endpoint<'_>, family: Family) -> FamilyCtx {
    let igw = ix.igws(&ep.vpc).first().map(|s| (*s).to_owned());
    let route = ix
        .route_table(&ep.subnet, &ep.vpc)
        .map(|t| (t.id.clone(), route_sources(ix, t, &ep.vpc, family)));
    FamilyCtx { igw, route }
}

fn block(kind: &'static str, id: &str, code: &'static str, reason: String) -> Option<Block> {
    Some(Block {
        kind,
        id: id.to_owned(),
        code,
        reason,
    })
}

fn judge(
    ix: &Index<'_>,
    ep: &Endpoint<'_>,
    cx: &FamilyCtx,
    family: Family,
    proto: Proto,
    ports: &PortSet,
    hypothetical: bool,
) -> Judgement {
    let mut j = Judgement {
        sources: AddrSet::empty(family),
        hops: Vec::new(),
        blocked: None,
        single_layer: false,
        unknown: ep.unknown.clone(),
    };
    let addrs = ep.addresses_of(family);
    if addrs.is_empty() && !hypothetical {
        j.blocked = block(
            "network-interface",
            ep.eni.as_deref().unwrap_or(&ep.id),
            "NO_PUBLIC_ADDRESS",
            format!("no public {} address (no auto-assigned public IP, Elastic IP or global IPv6 address)", family.as_str()),
        );
        return j;
    }
    let Some(igw) = &cx.igw else {
        j.blocked = block(
            "internet-gateway",
            &ep.vpc,
            "NO_INTERNET_GATEWAY",
            format!("VPC {} has no internet gateway attached", ep.vpc),
        );
        return j;
    };
    j.hops
        .push(Hop::new("internet-gateway", igw.clone(), Vec::new()));
    // VPC Block Public Access: the region's mode, unless the subnet or its
    // VPC is excluded both ways.
    let bpa = crate::bpa::inbound(ix, &ep.subnet, &ep.vpc);
    j.unknown.extend(bpa.unknown.iter().cloned());
    if let Some(region) = &bpa.region {
        j.hops.push(Hop::new(
            "vpc-block-public-access",
            region.clone(),
            bpa.notes.clone(),
        ));
        if bpa.blocks {
            j.blocked = block(
                "vpc-block-public-access",
                region,
                "VPC_BPA_BLOCKS_INGRESS",
                bpa.reason,
            );
            return j;
        }
    }
    // Ingress routing: a gateway route table may send traffic for the
    // subnet to a middlebox first; its verdict is not modelled.
    if let Some(edge) = ix.edge_route_table(igw) {
        let subnet = ix.subnet_set(&ep.subnet, family);
        for r in &edge.routes {
            let dest = match family {
                Family::V4 => r.destination_cidr.as_deref(),
                Family::V6 => r.destination_ipv6_cidr.as_deref(),
            };
            let covers = dest
                .and_then(Cidr::parse)
                .is_some_and(|c| c.to_set().intersects(&subnet));
            if covers && bpa.mode_blocks && r.target.starts_with("vpce-") {
                j.blocked = block(
                    "vpc-block-public-access",
                    bpa.region.as_deref().unwrap_or("-"),
                    "VPC_BPA_BLOCKS_INGRESS",
                    format!(
                        "gateway route table {} sends inbound traffic for {} through endpoint {}, and VPC Block Public Access blocks traffic through Gateway Load Balancer and Network Firewall endpoints even when their subnet is excluded",
                        edge.id,
                        dest.unwrap_or_default(),
                        r.target
                    ),
                );
                return j;
            }
            if covers && !r.target.eq_ignore_ascii_case("local") {
                let why = format!(
                    "gateway route table {} sends inbound traffic for {} to {} first (ingress routing); the appliance's verdict is not modelled",
                    edge.id,
                    dest.unwrap_or_default(),
                    r.target
                );
                if let Some(h) = j.hops.last_mut() {
                    h.notes.push(format!("ingress routing via {}", r.target));
                }
                j.unknown.push(why);
            }
        }
    }
    let Some((rtb, rv)) = &cx.route else {
        j.unknown.push(format!(
            "no route table for subnet {} in the inventory",
            ep.subnet
        ));
        j.blocked = block(
            "route-table",
            &ep.subnet,
            "NO_ROUTE_TABLE",
            format!("no route table for subnet {} in the inventory", ep.subnet),
        );
        return j;
    };
    j.unknown.extend(rv.unknown.iter().cloned());
    let mut notes: Vec<String> = rv.via.iter().map(|v| format!("return {v}")).collect();
    notes.extend(rv.carved.iter().map(|c| format!("carves out {c}")));
    j.hops.push(Hop::new("route-table", rtb.clone(), notes));
    let mut cum = rv.sources.clone();
    if cum.is_empty() {
        let why = match &rv.default_target {
            Some(t) if t.starts_with("eigw-") => format!("the default route goes to egress-only gateway {t}, which takes no inbound connections"),
            Some(t) => format!("replies to the internet would leave through {t}, not the internet gateway {igw}"),
            None => format!("no route sends replies to the internet gateway {igw}"),
        };
        j.blocked = block("route-table", rtb, "NO_RETURN_ROUTE_TO_IGW", why);
        return j;
    }
    let acl = ix.network_acl(&ep.subnet, &ep.vpc);
    let nin_full;
    match acl {
        None => {
            j.hops.push(Hop::new(
                "network-acl-inbound",
                "default",
                vec!["no network ACL in the inventory: the default ACL allows all".into()],
            ));
            nin_full = true;
            j.unknown.push(format!(
                "network ACL of subnet {} not in the inventory",
                ep.subnet
            ));
        }
        Some(acl) => {
            let nin = nacl_eval(acl, false, family, proto, ports);
            j.unknown
                .extend(nin.unknown.iter().map(|u| format!("{}: {u}", acl.id)));
            nin_full = nin.allowed.covers_internet();
            cum = cum.intersection(&nin.allowed);
            let allow: Vec<String> = nin
                .allow_rules
                .iter()
                .map(|r| format!("rule {r} allow"))
                .collect();
            if cum.is_empty() {
                let denies = if nin.deny_rules.is_empty() {
                    "*".to_owned()
                } else {
                    nin.deny_rules.join(", ")
                };
                j.blocked = block(
                    "network-acl-inbound",
                    &acl.id,
                    "NACL_INBOUND_DENY",
                    format!(
                        "inbound {proto} {} denied by rule {denies}",
                        port_text(proto, ports)
                    ),
                );
                j.hops
                    .push(Hop::new("network-acl-inbound", acl.id.clone(), allow));
                return j;
            }
            j.hops
                .push(Hop::new("network-acl-inbound", acl.id.clone(), allow));
        }
    }
    if ep.has_sg_layer {
        let sv = sg_eval(ix, &ep.groups, family, proto, ports);
        j.unknown.extend(sv.unknown.iter().cloned());
        let before = cum.clone();
        cum = cum.intersection(&sv.allowed);
        if cum.is_empty() {
            let ids: Vec<&str> = ep.groups.iter().map(|g| g.id.as_str()).collect();
            let mut why = format!(
                "no inbound rule of {} admits {proto} {} from the internet",
                if ids.is_empty() {
                    "its (missing) security groups".to_owned()
                } else {
                    ids.join(", ")
                },
                port_text(proto, ports)
            );
            if !sv.group_refs.is_empty() {
                why.push_str(" (rules naming other security groups match only their members' private addresses)");
            }
            if !sv.allowed.is_empty() && !sv.allowed.intersects(crate::addr::internet(family)) {
                why.push_str(&format!(
                    " (its rules admit only {}: private or special-purpose addresses no internet client sends from)",
                    sv.allowed.cidrs().join(", ")
                ));
            }
            j.blocked = block(
                "security-group",
                ids.first().copied().unwrap_or("-"),
                "SG_NO_MATCHING_RULE",
                why,
            );
            return j;
        }
        for g in &ep.groups {
            let notes: Vec<String> = sv
                .hits
                .iter()
                .filter(|h| h.group == g.id && h.sources.intersects(&before))
                .map(|h| format!("rule {}: {}", h.index, h.text))
                .collect();
            if !notes.is_empty() {
                j.hops.push(Hop::new("security-group", g.id.clone(), notes));
            }
        }
    }
    if let Some(acl) = acl {
        let ret_ports = if proto.has_ports() {
            PortSet::range(EPHEMERAL.0, EPHEMERAL.1)
        } else {
            PortSet::full()
        };
        let nout = nacl_eval(acl, true, family, proto, &ret_ports);
        j.unknown
            .extend(nout.unknown.iter().map(|u| format!("{}: {u}", acl.id)));
        cum = cum.intersection(&nout.allowed);
        let allow: Vec<String> = nout
            .allow_rules
            .iter()
            .map(|r| format!("rule {r} allow"))
            .collect();
        j.hops
            .push(Hop::new("network-acl-outbound", acl.id.clone(), allow));
        if cum.is_empty() {
            let denies = if nout.deny_rules.is_empty() {
                "*".to_owned()
            } else {
                nout.deny_rules.join(", ")
            };
            j.blocked = block("network-acl-outbound", &acl.id, "NACL_OUTBOUND_DENY", format!("the reply ({proto} to the client's ephemeral ports {}-{}) is denied by rule {denies}", EPHEMERAL.0, EPHEMERAL.1));
            return j;
        }
        j.single_layer = nin_full && nout.allowed.covers_internet();
    } else {
        j.single_layer = nin_full;
    }
    j.hops.push(Hop::new(
        ep_final_kind(ep),
        ep.eni.clone().unwrap_or_else(|| ep.id.clone()),
        addrs,
    ));
    j.sources = cum;
    j
}

fn ep_final_kind(ep: &Endpoint<'_>) -> &'static str {
    if ep.kind == "load-balancer" {
        "load-balancer"
    } else {
        "network-interface"
    }
}

/// `22`, `1024-65535`, `all ports`, `type 8`.
pub fn port_text(proto: Proto, ports: &PortSet) -> String {
    if !proto.has_ports() && !proto.is_icmp() {
        return String::new();
    }
    let max = proto.max_port();
    if ports.ranges() == [(0, max)] || ports.is_full() {
        return if proto.is_icmp() {
            "all types".into()
        } else {
            "all ports".into()
        };
    }
    let parts: Vec<String> = ports
        .ranges()
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    if proto.is_icmp() {
        format!("type {}", parts.join(","))
    } else {
        parts.join(",")
    }
}

/// One exposure: a resource, a protocol, the ports and the internet
/// sources that reach it, and the path.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// The resource reached.
    pub resource: ResourceRef,
    /// Where it was declared.
    pub location: Option<Location>,
    /// `instance`, `db-instance`, `network-interface`, `load-balancer`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// The ENI reached, when one.
    pub eni: Option<String>,
    /// The load balancer the traffic passes through, when it does.
    pub via: Option<String>,
    /// Public addresses the traffic is sent to.
    pub addresses: Vec<String>,
    /// Address family.
    pub family: Family,
    /// Protocol.
    pub protocol: Proto,
    /// Ports (ICMP: types).
    pub ports: PortSet,
    /// Internet sources that reach it.
    pub sources: AddrSet,
    /// The path, hop by hop.
    pub path: Vec<Hop>,
    /// The network ACL lets everything through: the security group is the
    /// only layer.
    pub single_layer: bool,
    /// Instance state, when an instance.
    pub state: Option<String>,
}

impl Exposure {
    /// `tcp 22`, `tcp all ports`.
    pub fn service(&self) -> String {
        let p = port_text(self.protocol, &self.ports);
        if p.is_empty() {
            self.protocol.to_string()
        } else {
            format!("{} {p}", self.protocol)
        }
    }

    /// Whether the exposure covers `proto`/`port`.
    pub fn covers(&self, proto: Proto, port: u16) -> bool {
        self.protocol == proto && self.ports.contains(port)
    }

    /// The path as one line: `igw-1 → rtb-2 (…) → …`.
    pub fn path_text(&self) -> String {
        self.path
            .iter()
            .map(Hop::short)
            .collect::<Vec<_>>()
            .join(" -> ")
    }
}

/// A resource the analysis could not judge completely.
#[derive(Debug, Clone)]
pub struct Incomplete {
    /// The resource.
    pub resource: ResourceRef,
    /// Its id.
    pub id: String,
    /// Why.
    pub reasons: Vec<String>,
}

/// A resource the analysis judged (reachable or not).
#[derive(Debug, Clone)]
pub struct Judged {
    /// The resource.
    pub resource: ResourceRef,
    /// Where it was declared.
    pub location: Option<Location>,
    /// `instance`, `db-instance`, `network-interface`, `load-balancer`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Whether it has a public address.
    pub addressed: bool,
}

/// The whole analysis.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Every resource judged, in inventory order.
    pub judged: Vec<Judged>,
    /// What the internet reaches now.
    pub exposures: Vec<Exposure>,
    /// What the internet would reach if the endpoint had a public address:
    /// unaddressed endpoints in subnets that route to an internet gateway.
    pub latent: Vec<Exposure>,
    /// Endpoints judged.
    pub endpoints: usize,
    /// Endpoints whose answer may be incomplete.
    pub incomplete: Vec<Incomplete>,
}

const STOPPED: [&str; 3] = ["stopped", "stopping", "shutting-down"];

fn skip_eni(e: &NetworkInterface) -> bool {
    matches!(
        e.interface_type.as_str(),
        "nat_gateway"
            | "vpc_endpoint"
            | "gateway_load_balancer_endpoint"
            | "gateway_load_balancer"
            | "transit_gateway"
            | "network_load_balancer"
    ) || e.description.starts_with("ELB ")
}

fn groups_of<'a>(
    ix: &Index<'a>,
    ids: &[String],
    unknown: &mut Vec<String>,
) -> Vec<&'a SecurityGroup> {
    let mut out = Vec::new();
    for id in ids {
        match ix.sgs.get(id.as_str()) {
            Some(g) => out.push(*g),
            None => unknown.push(format!("security group {id} is not in the inventory")),
        }
    }
    out
}

fn eni_endpoint<'a>(ix: &Index<'a>, e: &'a NetworkInterface) -> Option<Endpoint<'a>> {
    let inst: Option<&Instance> = e
        .instance_id
        .as_deref()
        .and_then(|i| ix.instances.get(i).copied());
    if inst.is_some_and(|i| i.state == "terminated") {
        return None;
    }
    let stopped = inst.is_some_and(|i| STOPPED.contains(&i.state.as_str()));
    let mut addresses = Vec::new();
    for p in &e.private_ips {
        if let Some(public) = &p.public_ip {
            // A stopped instance keeps its Elastic IPs only.
            if !stopped || ix.is_eip(public) {
                addresses.push((Family::V4, public.clone()));
            }
        }
    }
    for eip in ix.eips_by_eni.get(e.id.as_str()).into_iter().flatten() {
        if !addresses.iter().any(|(_, a)| a == &eip.public_ip) {
            addresses.push((Family::V4, eip.public_ip.clone()));
        }
    }
    for a in e.ipv6_addresses.iter().filter(|a| is_global_v6(a)) {
        addresses.push((Family::V6, a.clone()));
    }
    let mut unknown = Vec::new();
    let groups = groups_of(ix, &e.security_groups, &mut unknown);
    let (resource, location, kind, id, state) = match inst {
        Some(i) => (
            i.resource.clone(),
            i.location.clone(),
            "instance",
            i.id.clone(),
            Some(i.state.clone()),
        ),
        None => {
            let db = ix.rds_owner.get(e.id.as_str()).copied();
            match db {
                Some(d) => (
                    d.resource.clone(),
                    d.location.clone(),
                    "db-instance",
                    d.id.clone(),
                    None,
                ),
                None => (
                    e.resource.clone(),
                    e.location.clone(),
                    "network-interface",
                    e.id.clone(),
                    None,
                ),
            }
        }
    };
    Some(Endpoint {
        resource,
        location,
        kind,
        id,
        eni: Some(e.id.clone()),
        subnet: e.subnet_id.clone(),
        vpc: if e.vpc_id.is_empty() {
            ix.subnets
                .get(e.subnet_id.as_str())
                .map(|s| s.vpc_id.clone())
                .unwrap_or_default()
        } else {
            e.vpc_id.clone()
        },
        groups,
        has_sg_layer: true,
        addresses,
        state,
        unknown,
    })
}

fn instance_endpoint<'a>(ix: &Index<'a>, i: &'a Instance) -> Option<Endpoint<'a>> {
    if i.state == "terminated" {
        return None;
    }
    let subnet = i.subnet_id.clone()?;
    let stopped = STOPPED.contains(&i.state.as_str());
    let mut addresses = Vec::new();
    if let Some(p) = &i.public_ip {
        if !stopped || ix.is_eip(p) {
            addresses.push((Family::V4, p.clone()));
        }
    }
    // IaC: IPv6 addresses of the primary ENI (declared, or assigned at
    // launch: an address from the subnet's block, globally unique).
    for a in &i.ipv6_addresses {
        if a == IPV6_ASSIGNED_AT_LAUNCH || is_global_v6(a) {
            addresses.push((Family::V6, a.clone()));
        }
    }
    let mut unknown: Vec<String> = i.public_ip_unknown.iter().cloned().collect();
    let groups = groups_of(ix, &i.security_groups, &mut unknown);
    let vpc = i
        .vpc_id
        .clone()
        .or_else(|| ix.subnets.get(subnet.as_str()).map(|s| s.vpc_id.clone()))
        .unwrap_or_default();
    Some(Endpoint {
        resource: i.resource.clone(),
        location: i.location.clone(),
        kind: "instance",
        id: i.id.clone(),
        eni: None,
        subnet,
        vpc,
        groups,
        has_sg_layer: true,
        addresses,
        state: Some(i.state.clone()),
        unknown,
    })
}

/// The address a publicly accessible DB instance without a known ENI is
/// given (RDS assigns it).
pub const RDS_PUBLIC_ADDRESS: &str = "public IPv4 address RDS assigns";

/// Endpoints of a DB instance no ENI of the inventory stands for (IaC, or a
/// snapshot without its network interfaces): one per subnet of its DB
/// subnet group, since RDS places the instance in one of them. A publicly
/// accessible instance gets a public IPv4 address from RDS (Amazon RDS User
/// Guide, "Working with a DB instance in a VPC": the instance must sit in
/// subnets that route to an internet gateway to be reached).
fn db_endpoints<'a>(
    ix: &Index<'a>,
    d: &'a pillar_model::resources::DbInstance,
) -> Vec<Endpoint<'a>> {
    let mut unknown = Vec::new();
    let groups = groups_of(ix, &d.security_groups, &mut unknown);
    let addresses = match &d.publicly_accessible {
        Known::Known(true) => vec![(Family::V4, RDS_PUBLIC_ADDRESS.to_owned())],
        Known::Known(false) => Vec::new(),
        Known::Unknown(r) => {
            unknown.push(format!("whether {} is publicly accessible: {r}", d.id));
            Vec::new()
        }
    };
    d.subnet_ids
        .iter()
        .map(|s| Endpoint {
            resource: d.resource.clone(),
            location: d.location.clone(),
            kind: "db-instance",
            id: d.id.clone(),
            eni: None,
            subnet: s.clone(),
            vpc: ix
                .subnets
                .get(s.as_str())
                .map(|x| x.vpc_id.clone())
                .or_else(|| d.vpc_id.clone())
                .unwrap_or_default(),
            groups: groups.clone(),
            has_sg_layer: true,
            addresses: addresses.clone(),
            state: None,
            unknown: unknown.clone(),
        })
        .collect()
}

/// Every ENI-like endpoint of the inventory (load balancers apart).
pub fn endpoints<'a>(ix: &Index<'a>) -> Vec<Endpoint<'a>> {
    let mut out: Vec<Endpoint<'a>> = ix
        .inv
        .network_interfaces
        .iter()
        .filter(|e| !skip_eni(e))
        .filter_map(|e| eni_endpoint(ix, e))
        .collect();
    for i in &ix.inv.instances {
        if !ix.enis_by_instance.contains_key(i.id.as_str()) {
            out.extend(instance_endpoint(ix, i));
        }
    }
    // A DB instance judged through its RDS network interface is not judged
    // again from its own record; nor is one that may own an RDS interface
    // no single instance could be told to own (that interface is judged
    // as itself, and the instance is marked not fully assessed).
    let seen: std::collections::HashSet<&str> =
        ix.rds_owner.values().map(|d| d.id.as_str()).collect();
    for d in &ix.inv.db_instances {
        if seen.contains(d.id.as_str()) {
            continue;
        }
        if ix.rds_unresolved.contains_key(d.id.as_str()) {
            continue;
        }
        out.extend(db_endpoints(ix, d));
    }
    out
}

/// Judge an endpoint over every protocol and port its groups name, and
/// group the results into exposures.
fn expose(ix: &Index<'_>, ep: &Endpoint<'_>, hypothetical: bool) -> (Vec<Exposure>, Vec<String>) {
    let mut out = Vec::new();
    let mut unknown = ep.unknown.clone();
    let acl = ix.network_acl(&ep.subnet, &ep.vpc);
    for family in Family::BOTH {
        let addrs = ep.addresses_of(family);
        if addrs.is_empty() && !hypothetical {
            continue;
        }
        if hypothetical && family == Family::V6 {
            continue;
        }
        let cx = family_ctx(ix, ep, family);
        for proto in protocols(&ep.groups, family) {
            let mut groups: Vec<(AddrSet, PortSet, Vec<Hop>, bool)> = Vec::new();
            for (lo, hi) in port_pieces(&ep.groups, acl, proto, proto.max_port()) {
                let ports = PortSet::range(lo, hi);
                let j = judge(ix, ep, &cx, family, proto, &ports, hypothetical);
                for u in j.unknown {
                    if !unknown.contains(&u) {
                        unknown.push(u);
                    }
                }
                if j.sources.is_empty() {
                    continue;
                }
                match groups.iter_mut().find(|g| g.0 == j.sources) {
                    Some(g) => {
                        g.1 = g.1.union(&ports);
                        merge_hops(&mut g.2, &j.hops);
                        g.3 = g.3 && j.single_layer;
                    }
                    None => groups.push((j.sources, ports, j.hops, j.single_layer)),
                }
            }
            for (sources, ports, path, single_layer) in groups {
                out.push(Exposure {
                    resource: ep.resource.clone(),
                    location: ep.location.clone(),
                    kind: ep.kind,
                    id: ep.id.clone(),
                    eni: ep.eni.clone(),
                    via: None,
                    addresses: addrs.clone(),
                    family,
                    protocol: proto,
                    ports,
                    sources,
                    path,
                    single_layer,
                    state: ep.state.clone(),
                });
            }
        }
    }
    (out, unknown)
}

/// Listener protocols as IP protocols.
fn listener_protos(p: &str) -> Vec<Proto> {
    match p.to_ascii_uppercase().as_str() {
        "UDP" => vec![Proto::UDP],
        "TCP_UDP" => vec![Proto::TCP, Proto::UDP],
        _ => vec![Proto::TCP],
    }
}

fn lb_endpoints<'a>(ix: &Index<'a>, lb: &'a LoadBalancer) -> Vec<Endpoint<'a>> {
    let mut unknown = Vec::new();
    let groups = groups_of(ix, &lb.security_groups, &mut unknown);
    lb.subnets
        .iter()
        .map(|s| Endpoint {
            resource: lb.resource.clone(),
            location: lb.location.clone(),
            kind: "load-balancer",
            id: lb.name.clone(),
            eni: None,
            subnet: s.clone(),
            vpc: lb
                .vpc_id
                .clone()
                .or_else(|| ix.subnets.get(s.as_str()).map(|x| x.vpc_id.clone()))
                .unwrap_or_default(),
            groups: groups.clone(),
            has_sg_layer: !lb.security_groups.is_empty(),
            addresses: lb_addresses(lb),
            state: None,
            unknown: unknown.clone(),
        })
        .collect()
}

/// The address families a load balancer answers on (ELBv2
/// `IpAddressType`): `ipv4` (the default), `dualstack` (IPv4 and IPv6),
/// `dualstack-without-public-ipv4` (IPv6 only from the internet; Elastic
/// Load Balancing User Guide, "IP address types").
fn lb_addresses(lb: &LoadBalancer) -> Vec<(Family, String)> {
    let name = lb.dns_name.clone().unwrap_or_else(|| lb.name.clone());
    match lb.ip_address_type.as_deref() {
        Some("dualstack") => vec![(Family::V4, name.clone()), (Family::V6, name)],
        Some("dualstack-without-public-ipv4") => vec![(Family::V6, name)],
        _ => vec![(Family::V4, name)],
    }
}

/// The families a load balancer answers on.
fn lb_families(lb: &LoadBalancer) -> Vec<Family> {
    lb_addresses(lb).into_iter().map(|(f, _)| f).collect()
}

/// The front of a load balancer for one listener and family: the union
/// over its subnets (one node per zone).
fn lb_front(
    ix: &Index<'_>,
    eps: &[Endpoint<'_>],
    family: Family,
    proto: Proto,
    port: u16,
) -> Judgement {
    let ports = PortSet::single(port);
    let mut acc: Option<Judgement> = None;
    for ep in eps {
        let cx = family_ctx(ix, ep, family);
        let j = judge(ix, ep, &cx, family, proto, &ports, false);
        acc = Some(match acc {
            None => j,
            Some(mut a) => {
                if a.sources.is_empty() && !j.sources.is_empty() {
                    j
                } else {
                    if !j.sources.is_empty() {
                        a.sources = a.sources.union(&j.sources);
                        merge_hops(&mut a.hops, &j.hops);
                        a.single_layer = a.single_layer && j.single_layer;
                    }
                    a
                }
            }
        });
    }
    acc.unwrap_or(Judgement {
        sources: AddrSet::empty(family),
        hops: Vec::new(),
        blocked: block(
            "load-balancer",
            "-",
            "NO_SUBNET",
            "the load balancer has no subnet in the inventory".into(),
        ),
        single_layer: false,
        unknown: Vec::new(),
    })
}

/// The target endpoint of a target id (an instance's primary ENI, or the
/// ENI holding a target IP).
fn target_endpoint<'a>(ix: &Index<'a>, target: &str) -> Option<Endpoint<'a>> {
    if let Some(enis) = ix.enis_by_instance.get(target) {
        let primary = enis
            .iter()
            .find(|e| e.private_ips.iter().any(|p| p.primary))
            .or(enis.first());
        return primary.and_then(|e| eni_endpoint(ix, e));
    }
    if let Some(i) = ix.instances.get(target) {
        return instance_endpoint(ix, i);
    }
    ix.eni_by_private_ip
        .get(target)
        .or_else(|| ix.eni_by_ipv6.get(target))
        .and_then(|e| eni_endpoint(ix, e))
}

/// The family a load balancer talks to a target group's targets in.
fn tg_family(tg: &pillar_model::resources::TargetGroup) -> Family {
    match tg.ip_address_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("ipv6") => Family::V6,
        _ => Family::V4,
    }
}

/// Whether a Network Load Balancer hands the target the client's address
/// (Elastic Load Balancing, Network Load Balancers, "Client IP
/// preservation"): the `preserve_client_ip.enabled` attribute when read,
/// else the default: on for instance targets and for IP targets over UDP,
/// TCP_UDP, QUIC and TCP_QUIC, off for IP targets over TCP and TLS. Even
/// then a client of the other family is seen as the load balancer's own
/// address of the target group's family: an IPv6 client of an IPv4 target
/// group (or an IPv4 client of an IPv6 one) reaches the target from the
/// load balancer.
fn nlb_preserves_client(
    tg: &pillar_model::resources::TargetGroup,
    listener_proto: &str,
    client: Family,
) -> bool {
    if client != tg_family(tg) {
        return false;
    }
    tg.preserve_client_ip.unwrap_or_else(|| {
        if !tg.target_type.eq_ignore_ascii_case("ip") {
            return true;
        }
        let proto = tg
            .protocol
            .as_deref()
            .unwrap_or(listener_proto)
            .to_ascii_uppercase();
        matches!(proto.as_str(), "UDP" | "TCP_UDP" | "QUIC" | "TCP_QUIC")
    })
}

/// Exposures of a load balancer and, through it, of its targets.
fn expose_lb(
    ix: &Index<'_>,
    lb: &LoadBalancer,
    out: &mut Vec<Exposure>,
    unknown: &mut Vec<String>,
) {
    if lb.internet_facing() != Known::Known(true)
        || !matches!(lb.kind.as_str(), "application" | "network")
    {
        return;
    }
    let Known::Known(listeners) = &lb.listeners else {
        unknown.push(format!(
            "listeners of {}: {}",
            lb.name,
            lb.listeners.reason().unwrap_or_default()
        ));
        return;
    };
    let eps = lb_endpoints(ix, lb);
    let lb_subnets_of = |f: Family| {
        eps.iter().fold(AddrSet::empty(f), |a, e| {
            a.union(&ix.subnet_set(&e.subnet, f))
        })
    };
    let lb_subnets_v4 = lb_subnets_of(Family::V4);
    let lb_subnets_v6 = lb_subnets_of(Family::V6);
    type Front<'l> = (
        Family,
        Proto,
        u16,
        Judgement,
        &'l pillar_model::resources::Listener,
    );
    let mut front: Vec<Front<'_>> = Vec::new();
    for family in lb_families(lb) {
        for l in listeners {
            let Some(port) = l.port else { continue };
            for proto in listener_protos(&l.protocol) {
                let j = lb_front(ix, &eps, family, proto, port);
                unknown.extend(j.unknown.iter().cloned());
                if !j.sources.is_empty() {
                    front.push((family, proto, port, j, l));
                }
            }
        }
    }
    // The load balancer itself, one exposure per (family, protocol, sources).
    let mut grouped: Vec<Exposure> = Vec::new();
    for (family, proto, port, j, _) in &front {
        match grouped
            .iter_mut()
            .find(|e| e.family == *family && e.protocol == *proto && e.sources == j.sources)
        {
            Some(e) => {
                e.ports = e.ports.union(&PortSet::single(*port));
                merge_hops(&mut e.path, &j.hops);
            }
            None => grouped.push(Exposure {
                resource: lb.resource.clone(),
                location: lb.location.clone(),
                kind: "load-balancer",
                id: lb.name.clone(),
                eni: None,
                via: None,
                addresses: vec![lb.dns_name.clone().unwrap_or_else(|| lb.name.clone())],
                family: *family,
                protocol: *proto,
                ports: PortSet::single(*port),
                sources: j.sources.clone(),
                path: j.hops.clone(),
                single_layer: j.single_layer,
                state: None,
            }),
        }
    }
    out.extend(grouped);
    // Through the load balancer to its targets.
    let alb = lb.kind == "application";
    let mut via_out: Vec<Exposure> = Vec::new();
    for (family, proto, port, j, l) in &front {
        // The default action's target groups, then those of the rules
        // (a rule whose conditions match forwards before the default).
        let mut tgs: Vec<&String> = l.target_groups.iter().collect();
        for rule in l.rules.get().into_iter().flatten() {
            for t in &rule.target_groups {
                if !tgs.contains(&t) {
                    tgs.push(t);
                }
            }
        }
        for tg_arn in tgs {
            let Some(tg) = ix.target_groups.get(tg_arn.as_str()) else {
                unknown.push(format!("target group {tg_arn} is not in the inventory"));
                continue;
            };
            let Known::Known(targets) = &tg.targets else {
                unknown.push(format!(
                    "targets of {}: {}",
                    tg.arn,
                    tg.targets.reason().unwrap_or_default()
                ));
                continue;
            };
            for (tid, tport) in targets {
                let Some(tport) = tport.or(tg.port) else {
                    continue;
                };
                let Some(tep) = target_endpoint(ix, tid) else {
                    continue;
                };
                let tports = PortSet::single(tport);
                let tproto = if alb { Proto::TCP } else { *proto };
                // The load balancer talks to targets in the target group's
                // family, whatever the client's.
                let tfam = tg_family(tg);
                let lb_subnets = match tfam {
                    Family::V4 => &lb_subnets_v4,
                    Family::V6 => &lb_subnets_v6,
                };
                let sv = sg_eval(ix, &tep.groups, tfam, tproto, &tports);
                let by_ref = sv
                    .group_refs
                    .iter()
                    .any(|(_, refs)| refs.iter().any(|r| lb.security_groups.contains(r)));
                // ALBs (and NLBs the target's group names) connect from their
                // own addresses; NLBs hand the target the client's address
                // only when they preserve it and the client's family is the
                // target group's.
                let from_lb = alb || by_ref || !nlb_preserves_client(tg, &l.protocol, *family);
                let mut sources = j.sources.clone();
                let mut notes: Vec<(String, String)> = Vec::new();
                if from_lb {
                    let by_cidr = sv.allowed.intersects(lb_subnets);
                    if !(by_ref || by_cidr) {
                        continue;
                    }
                    notes.extend(
                        sv.group_refs
                            .iter()
                            .filter(|(_, r)| r.iter().any(|g| lb.security_groups.contains(g)))
                            .map(|(h, _)| {
                                (h.group.clone(), format!("rule {}: {}", h.index, h.text))
                            }),
                    );
                    if !by_ref {
                        notes.extend(
                            sv.hits
                                .iter()
                                .filter(|h| h.sources.intersects(lb_subnets))
                                .map(|h| {
                                    (h.group.clone(), format!("rule {}: {}", h.index, h.text))
                                }),
                        );
                    }
                } else {
                    sources = sources.intersection(&sv.allowed);
                    notes.extend(
                        sv.hits
                            .iter()
                            .filter(|h| h.sources.intersects(&j.sources))
                            .map(|h| (h.group.clone(), format!("rule {}: {}", h.index, h.text))),
                    );
                }
                // The target subnet's ACL, unless the node shares the subnet.
                let mut acl_hops = Vec::new();
                if !lb.subnets.contains(&tep.subnet) {
                    if let Some(acl) = ix.network_acl(&tep.subnet, &tep.vpc) {
                        let nin = nacl_eval(acl, false, tfam, tproto, &tports);
                        let nout = nacl_eval(
                            acl,
                            true,
                            tfam,
                            tproto,
                            &PortSet::range(EPHEMERAL.0, EPHEMERAL.1),
                        );
                        let ok = if from_lb {
                            nin.allowed.intersects(lb_subnets)
                                && nout.allowed.intersects(lb_subnets)
                        } else {
                            sources = sources
                                .intersection(&nin.allowed)
                                .intersection(&nout.allowed);
                            !sources.is_empty()
                        };
                        if !ok {
                            continue;
                        }
                        acl_hops.push(Hop::new(
                            "network-acl-inbound",
                            acl.id.clone(),
                            nin.allow_rules
                                .iter()
                                .map(|r| format!("rule {r} allow"))
                                .collect(),
                        ));
                        acl_hops.push(Hop::new(
                            "network-acl-outbound",
                            acl.id.clone(),
                            nout.allow_rules
                                .iter()
                                .map(|r| format!("rule {r} allow"))
                                .collect(),
                        ));
                    }
                }
                if sources.is_empty() {
                    continue;
                }
                let mut path = j.hops.clone();
                if let Some(last) = path.last_mut() {
                    last.notes = vec![format!("{} listener {proto} {port}", l.protocol)];
                }
                path.push(Hop::new(
                    "target-group",
                    tg.arn.rsplit('/').nth(1).unwrap_or(&tg.arn).to_owned(),
                    vec![format!("{tid} port {tport}")],
                ));
                path.extend(acl_hops);
                for g in &tep.groups {
                    let mine: Vec<String> = notes
                        .iter()
                        .filter(|(id, _)| id == &g.id)
                        .map(|(_, n)| n.clone())
                        .collect();
                    if !mine.is_empty() {
                        path.push(Hop::new("security-group", g.id.clone(), mine));
                    }
                }
                path.push(Hop::new(
                    "network-interface",
                    tep.eni.clone().unwrap_or_else(|| tep.id.clone()),
                    Vec::new(),
                ));
                let via_lb = Some(lb.name.clone());
                if let Some(e) = via_out.iter_mut().find(|e: &&mut Exposure| {
                    e.id == tep.id
                        && e.family == *family
                        && e.protocol == tproto
                        && e.ports == tports
                        && e.sources == sources
                }) {
                    merge_hops(&mut e.path, &path);
                    continue;
                }
                via_out.push(Exposure {
                    resource: tep.resource.clone(),
                    location: tep.location.clone(),
                    kind: tep.kind,
                    id: tep.id.clone(),
                    eni: tep.eni.clone(),
                    via: via_lb,
                    addresses: vec![lb.dns_name.clone().unwrap_or_else(|| lb.name.clone())],
                    family: *family,
                    protocol: tproto,
                    ports: tports,
                    sources,
                    path,
                    single_layer: false,
                    state: tep.state.clone(),
                });
            }
        }
    }
    out.extend(via_out);
}

fn add_exposures(to: &mut Vec<Exposure>, more: Vec<Exposure>, merge: bool) {
    for e in more {
        let same = merge
            .then(|| {
                to.iter_mut().find(|x| {
                    x.id == e.id
                        && x.kind == e.kind
                        && x.family == e.family
                        && x.protocol == e.protocol
                        && x.ports == e.ports
                        && x.sources == e.sources
                })
            })
            .flatten();
        match same {
            Some(x) => {
                merge_hops(&mut x.path, &e.path);
                x.single_layer = x.single_layer && e.single_layer;
            }
            None => to.push(e),
        }
    }
}

/// Analyse every endpoint and internet-facing load balancer of `inv`.
pub fn analyze(inv: &Inventory) -> Analysis {
    let ix = Index::new(inv);
    let eps = endpoints(&ix);
    let mut a = Analysis {
        endpoints: eps.len(),
        ..Analysis::default()
    };
    // Endpoints are judged independently, in parallel; the results are
    // folded in inventory order, so the output does not depend on threads.
    let judged: Vec<_> = eps
        .par_iter()
        .map(|ep| {
            let (ex, unknown) = expose(&ix, ep, false);
            let latent = ep.addresses.is_empty().then(|| expose(&ix, ep, true).0);
            (ex, unknown, latent)
        })
        .collect();
    for (ep, (ex, unknown, latent)) in eps.iter().zip(judged) {
        let addressed = !ep.addresses.is_empty();
        a.judged.push(Judged {
            resource: ep.resource.clone(),
            location: ep.location.clone(),
            kind: ep.kind,
            id: ep.id.clone(),
            addressed,
        });
        // A DB instance judged once per subnet it may be placed in: one
        // exposure per service, the paths merged.
        let merge = ep.kind == "db-instance" && ep.eni.is_none();
        add_exposures(&mut a.exposures, ex, merge);
        if let Some(lat) = latent {
            add_exposures(&mut a.latent, lat, merge);
        }
        if !unknown.is_empty() {
            a.incomplete.push(Incomplete {
                resource: ep.resource.clone(),
                id: ep.id.clone(),
                reasons: unknown,
            });
        }
    }
    for d in &inv.db_instances {
        if let Some(enis) = ix.rds_unresolved.get(d.id.as_str()) {
            a.judged.push(Judged {
                resource: d.resource.clone(),
                location: d.location.clone(),
                kind: "db-instance",
                id: d.id.clone(),
                addressed: false,
            });
            a.incomplete.push(Incomplete {
                resource: d.resource.clone(),
                id: d.id.clone(),
                reasons: vec![format!(
                    "RDS network interface {} may be this DB instance's or another's (same subnet, no security group tells them apart); it is judged as a network interface",
                    enis.join(", ")
                )],
            });
        }
    }
    for lb in &ix.lbs {
        let mut unknown = Vec::new();
        expose_lb(&ix, lb, &mut a.exposures, &mut unknown);
        a.endpoints += 1;
        if !unknown.is_empty() {
            a.incomplete.push(Incomplete {
                resource: lb.resource.clone(),
                id: lb.name.clone(),
                reasons: unknown,
            });
        }
    }
    a
}

/// The answer to "can the internet reach `to` on `proto`/`port`?" for one
/// endpoint and family.
#[derive(Debug, Clone)]
pub struct PathResult {
    /// The resource.
    pub resource: ResourceRef,
    /// Its id.
    pub id: String,
    /// The ENI, when one.
    pub eni: Option<String>,
    /// The load balancer in between, when one.
    pub via: Option<String>,
    /// Family.
    pub family: Family,
    /// Public addresses.
    pub addresses: Vec<String>,
    /// Internet sources that get through.
    pub sources: AddrSet,
    /// Hops crossed.
    pub hops: Vec<Hop>,
    /// Where and why it is blocked.
    pub blocked: Option<Block>,
    /// Reasons the answer may be incomplete.
    pub unknown: Vec<String>,
}

/// Whether an endpoint answers to `to` (instance id, ENI id, DB id, load
/// balancer name or ARN).
fn names(ep: &Endpoint<'_>, to: &str) -> bool {
    ep.id == to || ep.eni.as_deref() == Some(to) || ep.resource.id == to
}

/// Judge the path from the internet to `to` on `proto`/`port`: one result
/// per endpoint and family (and one per load balancer the target sits
/// behind when it is reachable through it). Empty when nothing is named `to`.
pub fn path(inv: &Inventory, to: &str, proto: Proto, port: u16) -> Vec<PathResult> {
    let ix = Index::new(inv);
    let mut out = Vec::new();
    let ports = PortSet::single(port);
    let mut eps: Vec<Endpoint<'_>> = endpoints(&ix)
        .into_iter()
        .filter(|e| names(e, to))
        .collect();
    let mut lb_named = false;
    for lb in &ix.lbs {
        if lb.name == to || lb.arn == to {
            lb_named = true;
            if lb.internet_facing() != Known::Known(true) {
                out.push(PathResult {
                    resource: lb.resource.clone(),
                    id: lb.name.clone(),
                    eni: None,
                    via: None,
                    family: Family::V4,
                    addresses: Vec::new(),
                    sources: AddrSet::empty(Family::V4),
                    hops: Vec::new(),
                    blocked: block(
                        "load-balancer",
                        &lb.name,
                        "LB_NOT_INTERNET_FACING",
                        format!(
                            "scheme is {}",
                            lb.scheme.get().map(String::as_str).unwrap_or("unknown")
                        ),
                    ),
                    unknown: Vec::new(),
                });
                continue;
            }
            let listens = lb.listeners.get().is_some_and(|ls| {
                ls.iter()
                    .any(|l| l.port == Some(port) && listener_protos(&l.protocol).contains(&proto))
            });
            if !listens {
                out.push(PathResult {
                    resource: lb.resource.clone(),
                    id: lb.name.clone(),
                    eni: None,
                    via: None,
                    family: Family::V4,
                    addresses: Vec::new(),
                    sources: AddrSet::empty(Family::V4),
                    hops: Vec::new(),
                    blocked: block(
                        "load-balancer",
                        &lb.name,
                        "NO_LISTENER",
                        format!("no listener on {proto} {port}"),
                    ),
                    unknown: Vec::new(),
                });
                continue;
            }
            eps.extend(lb_endpoints(&ix, lb));
        }
    }
    if lb_named {
        // All zones of a load balancer answer as one.
        let lb_eps: Vec<Endpoint<'_>> = eps
            .iter()
            .filter(|e| e.kind == "load-balancer")
            .cloned()
            .collect();
        if let Some(first) = lb_eps.first() {
            for family in Family::BOTH {
                if first.addresses_of(family).is_empty() {
                    continue;
                }
                let j = lb_front(&ix, &lb_eps, family, proto, port);
                out.push(PathResult {
                    resource: first.resource.clone(),
                    id: first.id.clone(),
                    eni: None,
                    via: None,
                    family,
                    addresses: first.addresses_of(family),
                    sources: j.sources,
                    hops: j.hops,
                    blocked: j.blocked,
                    unknown: j.unknown,
                });
            }
        }
        eps.retain(|e| e.kind != "load-balancer");
    }
    for ep in &eps {
        for family in Family::BOTH {
            if family == Family::V6 && ep.addresses_of(Family::V6).is_empty() {
                continue;
            }
            let cx = family_ctx(&ix, ep, family);
            let j = judge(&ix, ep, &cx, family, proto, &ports, false);
            out.push(PathResult {
                resource: ep.resource.clone(),
                id: ep.id.clone(),
                eni: ep.eni.clone(),
                via: None,
                family,
                addresses: ep.addresses_of(family),
                sources: j.sources,
                hops: j.hops,
                blocked: j.blocked,
                unknown: j.unknown,
            });
        }
    }
    // Through load balancers.
    if !eps.is_empty() {
        let mut via = Vec::new();
        let mut unknown = Vec::new();
        for lb in &ix.lbs {
            expose_lb(&ix, lb, &mut via, &mut unknown);
        }
        for e in via.into_iter().filter(|e| {
            e.via.is_some() && (e.id == to || e.eni.as_deref() == Some(to)) && e.covers(proto, port)
        }) {
            out.push(PathResult {
                resource: e.resource,
                id: e.id,
                eni: e.eni,
                via: e.via,
                family: e.family,
                addresses: e.addresses,
                sources: e.sources,
                hops: e.path,
                blocked: None,
                unknown: Vec::new(),
            });
        }
    }
    out
}

pub use layers::sg_rule_text;
