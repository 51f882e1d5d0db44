//! Lookups over the inventory, built once per analysis.

use crate::addr::{AddrSet, Cidr, Family};
use pillar_model::resources::{
    DbInstance, ElasticIp, Instance, LoadBalancer, ManagedPrefixList, NetworkAcl, NetworkInterface,
    RouteTable, SecurityGroup, Subnet, TargetGroup, VpcBlockPublicAccess, VpcBpaExclusion,
};
use pillar_model::{Inventory, Known};
use std::collections::HashMap;

/// Id-keyed views of the network part of an inventory.
pub struct Index<'a> {
    /// The inventory.
    pub inv: &'a Inventory,
    pub(crate) subnets: HashMap<&'a str, &'a Subnet>,
    rtb_by_subnet: HashMap<&'a str, &'a RouteTable>,
    main_rtb: HashMap<&'a str, &'a RouteTable>,
    acl_by_subnet: HashMap<&'a str, &'a NetworkAcl>,
    default_acl: HashMap<&'a str, &'a NetworkAcl>,
    pub(crate) sgs: HashMap<&'a str, &'a SecurityGroup>,
    igws_by_vpc: HashMap<&'a str, Vec<&'a str>>,
    edge_rtb: HashMap<&'a str, &'a RouteTable>,
    prefix_lists: HashMap<&'a str, &'a ManagedPrefixList>,
    pub(crate) instances: HashMap<&'a str, &'a Instance>,
    pub(crate) enis_by_instance: HashMap<&'a str, Vec<&'a NetworkInterface>>,
    pub(crate) eni_by_private_ip: HashMap<&'a str, &'a NetworkInterface>,
    pub(crate) eni_by_ipv6: HashMap<&'a str, &'a NetworkInterface>,
    eips: HashMap<&'a str, &'a ElasticIp>,
    pub(crate) eips_by_eni: HashMap<&'a str, Vec<&'a ElasticIp>>,
    pub(crate) target_groups: HashMap<&'a str, &'a TargetGroup>,
    pub(crate) lbs: Vec<&'a LoadBalancer>,
    bpa_exclusions: HashMap<&'a str, Vec<&'a VpcBpaExclusion>>,
    /// The DB instance each RDS network interface belongs to.
    pub(crate) rds_owner: HashMap<&'a str, &'a DbInstance>,
    /// DB instances that may own an RDS network interface no single
    /// instance could be told to own: DB id -> those ENIs.
    pub(crate) rds_unresolved: HashMap<&'a str, Vec<&'a str>>,
}

/// Whether an ENI is one RDS created for a DB instance.
pub(crate) fn is_rds_eni(e: &NetworkInterface) -> bool {
    e.description == "RDSNetworkInterface"
}

/// Attribute RDS network interfaces to DB instances. The ENI does not name
/// its instance (`describe-network-interfaces` gives the description
/// `RDSNetworkInterface` and requester `amazon-rds` only), so the owner is
/// the DB instance whose DB subnet group holds the ENI's subnet (its VPC
/// when the subnets are unknown), narrowed by the security groups: the
/// same set, else all the instance's groups on the ENI, else one group in
/// common, else the subnet alone; the first of these tests that some
/// candidate passes decides, and it must single out one instance.
fn attribute_rds<'a>(
    inv: &'a Inventory,
    subnets: &HashMap<&'a str, &'a Subnet>,
) -> (
    HashMap<&'a str, &'a DbInstance>,
    HashMap<&'a str, Vec<&'a str>>,
) {
    let mut owner = HashMap::new();
    let mut unresolved: HashMap<&str, Vec<&str>> = HashMap::new();
    let rds: Vec<&NetworkInterface> = inv
        .network_interfaces
        .iter()
        .filter(|e| is_rds_eni(e))
        .collect();
    if rds.is_empty() {
        return (owner, unresolved);
    }
    let mut by_subnet: HashMap<&str, Vec<&DbInstance>> = HashMap::new();
    let mut by_vpc: HashMap<&str, Vec<&DbInstance>> = HashMap::new();
    for d in &inv.db_instances {
        for s in &d.subnet_ids {
            by_subnet.entry(s.as_str()).or_default().push(d);
        }
        if d.subnet_ids.is_empty() {
            if let Some(v) = &d.vpc_id {
                by_vpc.entry(v.as_str()).or_default().push(d);
            }
        }
    }
    for e in rds {
        let vpc = if e.vpc_id.is_empty() {
            subnets
                .get(e.subnet_id.as_str())
                .map(|s| s.vpc_id.as_str())
                .unwrap_or("")
        } else {
            e.vpc_id.as_str()
        };
        let mut cands: Vec<&DbInstance> = by_subnet
            .get(e.subnet_id.as_str())
            .cloned()
            .unwrap_or_default();
        cands.extend(by_vpc.get(vpc).into_iter().flatten().copied());
        let mine = |d: &DbInstance| -> [bool; 4] {
            let all = !d.security_groups.is_empty()
                && d.security_groups
                    .iter()
                    .all(|g| e.security_groups.contains(g));
            let same = all
                && e.security_groups
                    .iter()
                    .all(|g| d.security_groups.contains(g));
            let any = d
                .security_groups
                .iter()
                .any(|g| e.security_groups.contains(g));
            [same, all, any, true]
        };
        let mut chosen: Option<Vec<&DbInstance>> = None;
        for level in 0..4 {
            let hit: Vec<&DbInstance> = cands
                .iter()
                .copied()
                .filter(|d| mine(d).get(level).copied().unwrap_or(false))
                .collect();
            if !hit.is_empty() {
                chosen = Some(hit);
                break;
            }
        }
        match chosen.as_deref() {
            Some([one]) => {
                owner.insert(e.id.as_str(), *one);
            }
            Some(many) => {
                for d in many {
                    unresolved
                        .entry(d.id.as_str())
                        .or_default()
                        .push(e.id.as_str());
                }
            }
            None => {}
        }
    }
    // An instance that owns an ENI is judged through it; it is not
    // unresolved as well.
    let owned: std::collections::HashSet<&str> = owner.values().map(|d| d.id.as_str()).collect();
    unresolved.retain(|d, _| !owned.contains(d));
    (owner, unresolved)
}

impl<'a> Index<'a> {
    /// Index an inventory.
    pub fn new(inv: &'a Inventory) -> Self {
        let mut rtb_by_subnet = HashMap::new();
        let mut main_rtb = HashMap::new();
        let mut edge_rtb = HashMap::new();
        for t in &inv.route_tables {
            for a in &t.associations {
                if let Some(g) = &a.gateway_id {
                    edge_rtb.insert(g.as_str(), t);
                }
                if a.main {
                    main_rtb.insert(t.vpc_id.as_str(), t);
                }
                if let Some(s) = &a.subnet_id {
                    rtb_by_subnet.insert(s.as_str(), t);
                }
            }
        }
        let mut acl_by_subnet = HashMap::new();
        let mut default_acl = HashMap::new();
        for a in &inv.network_acls {
            if a.is_default {
                default_acl.insert(a.vpc_id.as_str(), a);
            }
            for s in &a.subnet_ids {
                acl_by_subnet.insert(s.as_str(), a);
            }
        }
        let mut igws_by_vpc: HashMap<&str, Vec<&str>> = HashMap::new();
        for g in &inv.internet_gateways {
            for v in &g.vpc_ids {
                igws_by_vpc
                    .entry(v.as_str())
                    .or_default()
                    .push(g.id.as_str());
            }
        }
        let mut enis_by_instance: HashMap<&str, Vec<&NetworkInterface>> = HashMap::new();
        let mut eni_by_private_ip = HashMap::new();
        let mut eni_by_ipv6 = HashMap::new();
        for e in &inv.network_interfaces {
            if let Some(i) = &e.instance_id {
                enis_by_instance.entry(i.as_str()).or_default().push(e);
            }
            for p in &e.private_ips {
                eni_by_private_ip.insert(p.address.as_str(), e);
            }
            for a in &e.ipv6_addresses {
                eni_by_ipv6.insert(a.as_str(), e);
            }
        }
        let mut eips_by_eni: HashMap<&str, Vec<&ElasticIp>> = HashMap::new();
        for e in &inv.elastic_ips {
            if let Some(n) = &e.network_interface_id {
                eips_by_eni.entry(n.as_str()).or_default().push(e);
            }
        }
        let subnets: HashMap<&str, &Subnet> =
            inv.subnets.iter().map(|s| (s.id.as_str(), s)).collect();
        let (rds_owner, rds_unresolved) = attribute_rds(inv, &subnets);
        Index {
            inv,
            subnets,
            rds_owner,
            rds_unresolved,
            rtb_by_subnet,
            main_rtb,
            acl_by_subnet,
            default_acl,
            sgs: inv
                .security_groups
                .iter()
                .map(|g| (g.id.as_str(), g))
                .collect(),
            igws_by_vpc,
            edge_rtb,
            prefix_lists: inv
                .prefix_lists
                .iter()
                .map(|p| (p.id.as_str(), p))
                .collect(),
            instances: inv.instances.iter().map(|i| (i.id.as_str(), i)).collect(),
            enis_by_instance,
            eni_by_private_ip,
            eni_by_ipv6,
            eips: inv
                .elastic_ips
                .iter()
                .map(|e| (e.public_ip.as_str(), e))
                .collect(),
            eips_by_eni,
            target_groups: inv
                .target_groups
                .iter()
                .map(|t| (t.arn.as_str(), t))
                .collect(),
            lbs: inv.load_balancers.iter().collect(),
            bpa_exclusions: {
                let mut m: HashMap<&str, Vec<&VpcBpaExclusion>> = HashMap::new();
                for e in &inv.vpc_bpa_exclusions {
                    m.entry(e.target_id.as_str()).or_default().push(e);
                }
                m
            },
        }
    }

    /// The VPC Block Public Access options in force for a region: those of
    /// the region, else options whose region is unknown (IaC), else, for a
    /// subnet whose region is unknown, the only options there are.
    pub fn bpa_options(&self, region: &str) -> Option<&'a VpcBlockPublicAccess> {
        let all = &self.inv.vpc_bpa;
        if all.is_empty() {
            return None;
        }
        all.iter()
            .find(|o| !region.is_empty() && o.region == region)
            .or_else(|| all.iter().find(|o| o.region.is_empty()))
            .or_else(|| {
                if region.is_empty() && all.len() == 1 {
                    all.first()
                } else {
                    None
                }
            })
    }

    /// VPC Block Public Access exclusions naming a VPC or subnet.
    pub fn bpa_exclusions(&self, target: &str) -> &[&'a VpcBpaExclusion] {
        self.bpa_exclusions
            .get(target)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The route table in force for a subnet: its explicit association,
    /// else the VPC's main table.
    pub fn route_table(&self, subnet: &str, vpc: &str) -> Option<&'a RouteTable> {
        self.rtb_by_subnet
            .get(subnet)
            .or_else(|| self.main_rtb.get(vpc))
            .copied()
    }

    /// The network ACL of a subnet: its association, else the VPC's default.
    pub fn network_acl(&self, subnet: &str, vpc: &str) -> Option<&'a NetworkAcl> {
        self.acl_by_subnet
            .get(subnet)
            .or_else(|| self.default_acl.get(vpc))
            .copied()
    }

    /// The gateway route table (ingress routing) associated with a gateway.
    pub fn edge_route_table(&self, gateway: &str) -> Option<&'a RouteTable> {
        self.edge_rtb.get(gateway).copied()
    }

    /// Internet gateways attached to a VPC.
    pub fn igws(&self, vpc: &str) -> &[&'a str] {
        self.igws_by_vpc.get(vpc).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a public address is an Elastic IP.
    pub fn is_eip(&self, public_ip: &str) -> bool {
        self.eips.contains_key(public_ip)
    }

    /// The CIDRs of a managed prefix list.
    pub fn prefix_list(&self, id: &str) -> Known<&'a Vec<String>> {
        match self.prefix_lists.get(id) {
            None => Known::unknown(format!("prefix list {id} is not in the inventory")),
            Some(p) => match &p.entries {
                Known::Known(e) => Known::Known(e),
                Known::Unknown(r) => Known::unknown(format!("entries of prefix list {id}: {r}")),
            },
        }
    }

    /// The address set of a subnet's IPv4 and IPv6 CIDRs, for one family.
    pub fn subnet_set(&self, subnet: &str, family: Family) -> AddrSet {
        let mut set = AddrSet::empty(family);
        if let Some(s) = self.subnets.get(subnet) {
            let cidrs = s.cidr_block.iter().chain(&s.ipv6_cidr_blocks);
            for c in cidrs.filter_map(|c| Cidr::parse(c)) {
                set = set.union(&c.to_set());
            }
        }
        set
    }
}
