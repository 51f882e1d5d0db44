//! EC2: networking, instances, EBS and VPC flow logs.

use super::parse::{Data, Fail};
use super::util::{tags, Ctx, Lines, Tag};
use pillar_model::{
    EbsSnapshot, EgressOnlyInternetGateway, ElasticIp, FlowLog, Instance, InternetGateway, Known,
    ManagedPrefixList, MetadataOptions, NaclEntry, NatGateway, NetworkAcl, NetworkInterface,
    PortRange, PrivateIp, Route, RouteTable, RouteTableAssociation, SecurityGroup, SgRule, Subnet,
    Volume, Vpc, VpcBlockPublicAccess, VpcBpaExclusion,
};
use serde::Deserialize;

// ------------------------------------------------------------------ VPCs

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VpcsOut {
    vpcs: Vec<VpcShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct CidrAssoc {
    cidr_block: Option<String>,
    ipv6_cidr_block: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VpcShape {
    vpc_id: String,
    owner_id: Option<String>,
    cidr_block: Option<String>,
    cidr_block_association_set: Vec<CidrAssoc>,
    ipv6_cidr_block_association_set: Vec<CidrAssoc>,
    is_default: bool,
    tags: Vec<Tag>,
}

pub(crate) fn vpcs(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: VpcsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .vpcs
        .into_iter()
        .map(|v| {
            let owner = v.owner_id.as_deref();
            let mut cidr_blocks: Vec<String> = v
                .cidr_block_association_set
                .into_iter()
                .filter_map(|a| a.cidr_block)
                .collect();
            if let Some(primary) = v.cidr_block {
                if !cidr_blocks.contains(&primary) {
                    cidr_blocks.insert(0, primary);
                }
            }
            Vpc {
                resource: ctx.rref(
                    "AWS::EC2::VPC",
                    ctx.arn_or_id("ec2", owner, "vpc", &v.vpc_id),
                    owner,
                ),
                location: ctx.loc(&mut lines, &v.vpc_id),
                cidr_blocks,
                ipv6_cidr_blocks: v
                    .ipv6_cidr_block_association_set
                    .into_iter()
                    .filter_map(|a| a.ipv6_cidr_block)
                    .collect(),
                is_default: v.is_default,
                tags: tags(v.tags),
                id: v.vpc_id,
                ..Vpc::default()
            }
        })
        .collect();
    Ok(Data::Vpcs(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SubnetsOut {
    subnets: Vec<SubnetShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SubnetShape {
    subnet_id: String,
    subnet_arn: Option<String>,
    owner_id: Option<String>,
    vpc_id: String,
    cidr_block: Option<String>,
    ipv6_cidr_block_association_set: Vec<CidrAssoc>,
    availability_zone: Option<String>,
    map_public_ip_on_launch: Option<bool>,
    tags: Vec<Tag>,
}

pub(crate) fn subnets(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: SubnetsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .subnets
        .into_iter()
        .map(|s| {
            let owner = s.owner_id.as_deref();
            let id = s
                .subnet_arn
                .clone()
                .unwrap_or_else(|| ctx.arn_or_id("ec2", owner, "subnet", &s.subnet_id));
            Subnet {
                resource: ctx.rref("AWS::EC2::Subnet", id, owner),
                location: ctx.loc(&mut lines, &s.subnet_id),
                vpc_id: s.vpc_id,
                cidr_block: s.cidr_block,
                ipv6_cidr_blocks: s
                    .ipv6_cidr_block_association_set
                    .into_iter()
                    .filter_map(|a| a.ipv6_cidr_block)
                    .collect(),
                availability_zone: s.availability_zone,
                map_public_ip_on_launch: s.map_public_ip_on_launch.map_or_else(
                    || Known::unknown("MapPublicIpOnLaunch not in the file"),
                    Known::Known,
                ),
                tags: tags(s.tags),
                id: s.subnet_id,
                ..Subnet::default()
            }
        })
        .collect();
    Ok(Data::Subnets(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RouteTablesOut {
    route_tables: Vec<RouteTableShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RouteTableShape {
    route_table_id: String,
    owner_id: Option<String>,
    vpc_id: String,
    routes: Vec<RouteShape>,
    associations: Vec<AssocShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RouteShape {
    destination_cidr_block: Option<String>,
    destination_ipv6_cidr_block: Option<String>,
    destination_prefix_list_id: Option<String>,
    gateway_id: Option<String>,
    nat_gateway_id: Option<String>,
    egress_only_internet_gateway_id: Option<String>,
    transit_gateway_id: Option<String>,
    vpc_peering_connection_id: Option<String>,
    network_interface_id: Option<String>,
    instance_id: Option<String>,
    local_gateway_id: Option<String>,
    carrier_gateway_id: Option<String>,
    core_network_arn: Option<String>,
    state: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AssocShape {
    main: bool,
    subnet_id: Option<String>,
    gateway_id: Option<String>,
}

pub(crate) fn route_tables(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: RouteTablesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .route_tables
        .into_iter()
        .map(|t| {
            let owner = t.owner_id.as_deref();
            RouteTable {
                resource: ctx.rref(
                    "AWS::EC2::RouteTable",
                    ctx.arn_or_id("ec2", owner, "route-table", &t.route_table_id),
                    owner,
                ),
                location: ctx.loc(&mut lines, &t.route_table_id),
                vpc_id: t.vpc_id,
                routes: t
                    .routes
                    .into_iter()
                    .map(|r| Route {
                        destination_cidr: r.destination_cidr_block,
                        destination_ipv6_cidr: r.destination_ipv6_cidr_block,
                        destination_prefix_list: r.destination_prefix_list_id,
                        // An instance route also names its ENI; the
                        // instance is the clearer target.
                        target: r
                            .gateway_id
                            .or(r.nat_gateway_id)
                            .or(r.egress_only_internet_gateway_id)
                            .or(r.transit_gateway_id)
                            .or(r.vpc_peering_connection_id)
                            .or(r.instance_id)
                            .or(r.network_interface_id)
                            .or(r.local_gateway_id)
                            .or(r.carrier_gateway_id)
                            .or(r.core_network_arn)
                            .unwrap_or_default(),
                        state: r.state.unwrap_or_else(|| "active".to_owned()),
                    })
                    .collect(),
                associations: t
                    .associations
                    .into_iter()
                    .map(|a| RouteTableAssociation {
                        main: a.main,
                        subnet_id: a.subnet_id,
                        gateway_id: a.gateway_id,
                    })
                    .collect(),
                id: t.route_table_id,
                ..RouteTable::default()
            }
        })
        .collect();
    Ok(Data::RouteTables(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Attachment {
    vpc_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct IgwsOut {
    internet_gateways: Vec<IgwShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct IgwShape {
    internet_gateway_id: String,
    owner_id: Option<String>,
    attachments: Vec<Attachment>,
}

pub(crate) fn internet_gateways(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: IgwsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .internet_gateways
        .into_iter()
        .map(|g| {
            let owner = g.owner_id.as_deref();
            InternetGateway {
                resource: ctx.rref(
                    "AWS::EC2::InternetGateway",
                    ctx.arn_or_id("ec2", owner, "internet-gateway", &g.internet_gateway_id),
                    owner,
                ),
                location: ctx.loc(&mut lines, &g.internet_gateway_id),
                vpc_ids: g.attachments.into_iter().map(|a| a.vpc_id).collect(),
                id: g.internet_gateway_id,
                ..InternetGateway::default()
            }
        })
        .collect();
    Ok(Data::InternetGateways(list))
}

// ------------------------------------------- VPC Block Public Access

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BpaOptionsOut {
    vpc_block_public_access_options: Option<BpaOptionsShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BpaOptionsShape {
    aws_account_id: Option<String>,
    aws_region: Option<String>,
    state: String,
    internet_gateway_block_mode: String,
    exclusions_allowed: String,
}

/// `ec2 describe-vpc-block-public-access-options`: the region's mode.
pub(crate) fn vpc_bpa_options(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: BpaOptionsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    Ok(Data::VpcBpa(out.vpc_block_public_access_options.map(|o| {
        let region = o
            .aws_region
            .or_else(|| ctx.region.map(str::to_owned))
            .unwrap_or_default();
        let account = o.aws_account_id.or_else(|| ctx.account.map(str::to_owned));
        VpcBlockPublicAccess {
            resource: ctx.rref(
                "AWS::EC2::VPCBlockPublicAccessOptions",
                format!("vpc-bpa/{region}"),
                account.as_deref(),
            ),
            location: ctx.loc(&mut lines, &o.internet_gateway_block_mode),
            region,
            account,
            mode: o.internet_gateway_block_mode,
            state: o.state,
            exclusions_allowed: o.exclusions_allowed,
        }
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BpaExclusionsOut {
    vpc_block_public_access_exclusions: Vec<BpaExclusionShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BpaExclusionShape {
    exclusion_id: String,
    internet_gateway_exclusion_mode: String,
    resource_arn: String,
    state: String,
}

/// `ec2 describe-vpc-block-public-access-exclusions`: VPCs and subnets
/// exempted. The excluded resource is the last part of its ARN
/// (`…:vpc/vpc-1`, `…:subnet/subnet-1`).
pub(crate) fn vpc_bpa_exclusions(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: BpaExclusionsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .vpc_block_public_access_exclusions
        .into_iter()
        .map(|e| {
            let target_id = e
                .resource_arn
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            // The region is the fourth field of the ARN, else the folder's.
            let region = e
                .resource_arn
                .split(':')
                .nth(3)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .or_else(|| ctx.region.map(str::to_owned))
                .unwrap_or_default();
            VpcBpaExclusion {
                resource: ctx.rref(
                    "AWS::EC2::VPCBlockPublicAccessExclusion",
                    ctx.arn_or_id(
                        "ec2",
                        None,
                        "vpc-block-public-access-exclusion",
                        &e.exclusion_id,
                    ),
                    None,
                ),
                location: ctx.loc(&mut lines, &e.exclusion_id),
                id: e.exclusion_id,
                region,
                mode: e.internet_gateway_exclusion_mode,
                target_id,
                state: e.state,
            }
        })
        .collect();
    Ok(Data::VpcBpaExclusions(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EigwsOut {
    egress_only_internet_gateways: Vec<EigwShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EigwShape {
    egress_only_internet_gateway_id: String,
    attachments: Vec<Attachment>,
}

pub(crate) fn egress_only_gateways(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: EigwsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .egress_only_internet_gateways
        .into_iter()
        .map(|g| EgressOnlyInternetGateway {
            resource: ctx.rref(
                "AWS::EC2::EgressOnlyInternetGateway",
                ctx.arn_or_id(
                    "ec2",
                    None,
                    "egress-only-internet-gateway",
                    &g.egress_only_internet_gateway_id,
                ),
                None,
            ),
            location: ctx.loc(&mut lines, &g.egress_only_internet_gateway_id),
            vpc_ids: g.attachments.into_iter().map(|a| a.vpc_id).collect(),
            id: g.egress_only_internet_gateway_id,
            ..EgressOnlyInternetGateway::default()
        })
        .collect();
    Ok(Data::EgressOnlyInternetGateways(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NatsOut {
    nat_gateways: Vec<NatShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NatShape {
    nat_gateway_id: String,
    vpc_id: String,
    subnet_id: String,
    connectivity_type: Option<String>,
    nat_gateway_addresses: Vec<NatAddress>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NatAddress {
    public_ip: Option<String>,
}

pub(crate) fn nat_gateways(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: NatsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .nat_gateways
        .into_iter()
        .map(|n| NatGateway {
            resource: ctx.rref(
                "AWS::EC2::NatGateway",
                ctx.arn_or_id("ec2", None, "natgateway", &n.nat_gateway_id),
                None,
            ),
            location: ctx.loc(&mut lines, &n.nat_gateway_id),
            vpc_id: n.vpc_id,
            subnet_id: n.subnet_id,
            public_ips: n
                .nat_gateway_addresses
                .into_iter()
                .filter_map(|a| a.public_ip)
                .collect(),
            // ConnectivityType defaults to public.
            connectivity: n.connectivity_type.unwrap_or_else(|| "public".to_owned()),
            id: n.nat_gateway_id,
            ..NatGateway::default()
        })
        .collect();
    Ok(Data::NatGateways(list))
}

// ------------------------------------------------------------------ NACLs

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NaclsOut {
    network_acls: Vec<NaclShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NaclShape {
    network_acl_id: String,
    owner_id: Option<String>,
    vpc_id: String,
    is_default: bool,
    entries: Vec<NaclEntryShape>,
    associations: Vec<NaclAssoc>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NaclAssoc {
    subnet_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NaclEntryShape {
    rule_number: u32,
    egress: bool,
    protocol: String,
    rule_action: String,
    cidr_block: Option<String>,
    ipv6_cidr_block: Option<String>,
    port_range: Option<PortRangeShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PortRangeShape {
    from: Option<i64>,
    to: Option<i64>,
}

fn port(v: Option<i64>, default: u16) -> u16 {
    v.and_then(|p| u16::try_from(p).ok()).unwrap_or(default)
}

pub(crate) fn network_acls(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: NaclsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .network_acls
        .into_iter()
        .map(|n| {
            let owner = n.owner_id.as_deref();
            NetworkAcl {
                resource: ctx.rref(
                    "AWS::EC2::NetworkAcl",
                    ctx.arn_or_id("ec2", owner, "network-acl", &n.network_acl_id),
                    owner,
                ),
                location: ctx.loc(&mut lines, &n.network_acl_id),
                vpc_id: n.vpc_id,
                is_default: n.is_default,
                entries: n
                    .entries
                    .into_iter()
                    .map(|e| NaclEntry {
                        rule_number: e.rule_number,
                        egress: e.egress,
                        allow: e.rule_action == "allow",
                        cidr_block: Known::Known(e.cidr_block),
                        ipv6_cidr_block: Known::Known(e.ipv6_cidr_block),
                        // Only TCP (6) and UDP (17) entries have port ranges.
                        port_range: Known::Known(match (e.protocol.as_str(), e.port_range) {
                            ("6" | "17" | "tcp" | "udp", Some(r)) => Some(PortRange {
                                from: port(r.from, 0),
                                to: port(r.to, u16::MAX),
                            }),
                            _ => None,
                        }),
                        protocol: Known::Known(e.protocol),
                    })
                    .collect(),
                subnet_ids: n
                    .associations
                    .into_iter()
                    .filter_map(|a| a.subnet_id)
                    .collect(),
                id: n.network_acl_id,
                ..NetworkAcl::default()
            }
        })
        .collect();
    Ok(Data::NetworkAcls(list))
}

// -------------------------------------------------------- security groups

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SgsOut {
    security_groups: Vec<SgShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SgShape {
    group_id: String,
    group_name: String,
    description: String,
    owner_id: Option<String>,
    vpc_id: String,
    ip_permissions: Vec<Permission>,
    ip_permissions_egress: Vec<Permission>,
    tags: Vec<Tag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Permission {
    ip_protocol: String,
    from_port: Option<i32>,
    to_port: Option<i32>,
    ip_ranges: Vec<Ipv4Range>,
    ipv6_ranges: Vec<Ipv6Range>,
    prefix_list_ids: Vec<PrefixListRef>,
    user_id_group_pairs: Vec<GroupPair>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Ipv4Range {
    cidr_ip: String,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Ipv6Range {
    cidr_ipv6: String,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PrefixListRef {
    prefix_list_id: String,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct GroupPair {
    group_id: String,
    description: Option<String>,
}

fn sg_rule(p: Permission) -> SgRule {
    let description = p
        .ip_ranges
        .iter()
        .filter_map(|r| r.description.clone())
        .chain(p.ipv6_ranges.iter().filter_map(|r| r.description.clone()))
        .chain(
            p.prefix_list_ids
                .iter()
                .filter_map(|r| r.description.clone()),
        )
        .chain(
            p.user_id_group_pairs
                .iter()
                .filter_map(|r| r.description.clone()),
        )
        .next();
    // `-1` (all traffic) has no ports; the API then omits FromPort/ToPort
    // or prints -1.
    let all = p.ip_protocol == "-1";
    let ports = |v: Option<i32>| if all { None } else { v };
    SgRule {
        location: None,
        from_port: Known::Known(ports(p.from_port)),
        to_port: Known::Known(ports(p.to_port)),
        protocol: Known::Known(p.ip_protocol),
        ipv4_ranges: Known::Known(p.ip_ranges.into_iter().map(|r| r.cidr_ip).collect()),
        ipv6_ranges: Known::Known(p.ipv6_ranges.into_iter().map(|r| r.cidr_ipv6).collect()),
        prefix_list_ids: p
            .prefix_list_ids
            .into_iter()
            .map(|r| r.prefix_list_id)
            .collect(),
        group_ids: p
            .user_id_group_pairs
            .into_iter()
            .map(|r| r.group_id)
            .collect(),
        description,
    }
}

pub(crate) fn security_groups(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: SgsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .security_groups
        .into_iter()
        .map(|g| {
            let owner = g.owner_id.as_deref();
            SecurityGroup {
                resource: ctx
                    .rref(
                        "AWS::EC2::SecurityGroup",
                        ctx.arn_or_id("ec2", owner, "security-group", &g.group_id),
                        owner,
                    )
                    .named(g.group_name.clone()),
                location: ctx.loc(&mut lines, &g.group_id),
                name: g.group_name,
                description: g.description,
                vpc_id: g.vpc_id,
                ingress: g.ip_permissions.into_iter().map(sg_rule).collect(),
                egress: g.ip_permissions_egress.into_iter().map(sg_rule).collect(),
                tags: tags(g.tags),
                id: g.group_id,
                ..SecurityGroup::default()
            }
        })
        .collect();
    Ok(Data::SecurityGroups(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PrefixListsOut {
    prefix_lists: Vec<PrefixListShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PrefixListShape {
    prefix_list_id: String,
    prefix_list_arn: Option<String>,
    prefix_list_name: String,
    owner_id: Option<String>,
}

pub(crate) fn prefix_lists(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: PrefixListsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .prefix_lists
        .into_iter()
        .map(|p| {
            let owner = p.owner_id.as_deref().filter(|o| *o != "AWS");
            ManagedPrefixList {
                resource: ctx
                    .rref(
                        "AWS::EC2::PrefixList",
                        p.prefix_list_arn
                            .clone()
                            .unwrap_or_else(|| p.prefix_list_id.clone()),
                        owner,
                    )
                    .named(p.prefix_list_name.clone()),
                location: ctx.loc(&mut lines, &p.prefix_list_id),
                name: p.prefix_list_name,
                id: p.prefix_list_id,
                ..ManagedPrefixList::default()
            }
        })
        .collect();
    Ok(Data::PrefixLists(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PrefixEntriesOut {
    entries: Vec<PrefixEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PrefixEntry {
    cidr: String,
}

pub(crate) fn prefix_list_entries(bytes: &[u8]) -> Result<Data, Fail> {
    let out: PrefixEntriesOut = serde_json::from_slice(bytes)?;
    Ok(Data::Strings(
        out.entries.into_iter().map(|e| e.cidr).collect(),
    ))
}

// ------------------------------------------------------ interfaces, IPs

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EnisOut {
    network_interfaces: Vec<EniShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EniShape {
    network_interface_id: String,
    owner_id: Option<String>,
    subnet_id: String,
    vpc_id: String,
    interface_type: String,
    description: String,
    private_ip_addresses: Vec<EniPrivateIp>,
    private_ip_address: Option<String>,
    association: Option<IpAssociation>,
    ipv6_addresses: Vec<EniIpv6>,
    groups: Vec<GroupIdentifier>,
    attachment: Option<EniAttachment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EniPrivateIp {
    private_ip_address: String,
    primary: bool,
    association: Option<IpAssociation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct IpAssociation {
    public_ip: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EniIpv6 {
    ipv6_address: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct GroupIdentifier {
    group_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EniAttachment {
    instance_id: Option<String>,
}

pub(crate) fn network_interfaces(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: EnisOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .network_interfaces
        .into_iter()
        .map(|n| {
            let owner = n.owner_id.as_deref();
            let mut private_ips: Vec<PrivateIp> = n
                .private_ip_addresses
                .into_iter()
                .map(|p| PrivateIp {
                    address: p.private_ip_address,
                    primary: p.primary,
                    public_ip: p.association.and_then(|a| a.public_ip),
                })
                .collect();
            // The interface-level `Association` is that of the primary
            // private IPv4 address (EC2 API reference,
            // NetworkInterface.Association). Some answers carry it only
            // there, not under the address itself.
            let top_public = n.association.and_then(|a| a.public_ip);
            if private_ips.is_empty() {
                if let Some(address) = n.private_ip_address {
                    private_ips.push(PrivateIp {
                        address,
                        primary: true,
                        public_ip: top_public,
                    });
                }
            } else if let Some(public) = top_public {
                if let Some(p) = private_ips
                    .iter_mut()
                    .find(|p| p.primary && p.public_ip.is_none())
                {
                    p.public_ip = Some(public);
                }
            }
            NetworkInterface {
                resource: ctx.rref(
                    "AWS::EC2::NetworkInterface",
                    ctx.arn_or_id("ec2", owner, "network-interface", &n.network_interface_id),
                    owner,
                ),
                location: ctx.loc(&mut lines, &n.network_interface_id),
                subnet_id: n.subnet_id,
                vpc_id: n.vpc_id,
                interface_type: n.interface_type,
                private_ips,
                ipv6_addresses: n
                    .ipv6_addresses
                    .into_iter()
                    .map(|a| a.ipv6_address)
                    .collect(),
                security_groups: n.groups.into_iter().map(|g| g.group_id).collect(),
                instance_id: n.attachment.and_then(|a| a.instance_id),
                description: n.description,
                id: n.network_interface_id,
                ..NetworkInterface::default()
            }
        })
        .collect();
    Ok(Data::NetworkInterfaces(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct InstancesOut {
    reservations: Vec<Reservation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Reservation {
    owner_id: Option<String>,
    instances: Vec<InstanceShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct InstanceShape {
    instance_id: String,
    image_id: Option<String>,
    state: Option<InstanceState>,
    subnet_id: Option<String>,
    vpc_id: Option<String>,
    private_ip_address: Option<String>,
    public_ip_address: Option<String>,
    security_groups: Vec<GroupIdentifier>,
    network_interfaces: Vec<InstanceEni>,
    metadata_options: Option<MetadataShape>,
    iam_instance_profile: Option<ProfileShape>,
    tags: Vec<Tag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct InstanceState {
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct InstanceEni {
    network_interface_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct MetadataShape {
    http_tokens: String,
    http_endpoint: String,
    http_put_response_hop_limit: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ProfileShape {
    arn: Option<String>,
}

pub(crate) fn instances(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: InstancesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let mut list = Vec::new();
    for r in out.reservations {
        let owner = r.owner_id;
        for i in r.instances {
            let owner = owner.as_deref();
            list.push(Instance {
                resource: ctx.rref(
                    "AWS::EC2::Instance",
                    ctx.arn_or_id("ec2", owner, "instance", &i.instance_id),
                    owner,
                ),
                location: ctx.loc(&mut lines, &i.instance_id),
                state: i.state.map(|s| s.name).unwrap_or_default(),
                subnet_id: i.subnet_id,
                vpc_id: i.vpc_id,
                private_ip: i.private_ip_address,
                public_ip: i.public_ip_address,
                security_groups: i.security_groups.into_iter().map(|g| g.group_id).collect(),
                network_interfaces: i
                    .network_interfaces
                    .into_iter()
                    .map(|n| n.network_interface_id)
                    .collect(),
                metadata_options: match i.metadata_options {
                    Some(m) => Known::Known(MetadataOptions {
                        http_tokens: m.http_tokens,
                        http_endpoint: m.http_endpoint,
                        hop_limit: m.http_put_response_hop_limit,
                    }),
                    None => Known::unknown("MetadataOptions not in the file"),
                },
                iam_instance_profile: i.iam_instance_profile.and_then(|p| p.arn),
                image_id: i.image_id,
                tags: tags(i.tags),
                id: i.instance_id,
                ..Instance::default()
            });
        }
    }
    Ok(Data::Instances(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct UserDataOut {
    instance_id: Option<String>,
    user_data: Option<AttributeValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AttributeValue {
    value: Option<String>,
}

/// `ec2 describe-instance-attribute --attribute userData`: the base64 user
/// data, `None` when the instance has none (`"UserData": {}`).
pub(crate) fn instance_user_data(bytes: &[u8]) -> Result<Data, Fail> {
    let out: UserDataOut = serde_json::from_slice(bytes)?;
    if out.instance_id.is_none() && out.user_data.is_none() {
        return Err(Fail::Other(
            "no InstanceId or UserData in the file".to_owned(),
        ));
    }
    Ok(Data::Text(
        out.user_data
            .and_then(|u| u.value)
            .filter(|v| !v.is_empty()),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LaunchTemplateVersionsOut {
    launch_template_versions: Vec<LaunchTemplateVersionShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LaunchTemplateVersionShape {
    launch_template_id: String,
    launch_template_name: String,
    version_number: Option<i64>,
    launch_template_data: Option<LaunchTemplateDataShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LaunchTemplateDataShape {
    user_data: Option<String>,
}

/// `ec2 describe-launch-template-versions --versions '$Latest' '$Default'`:
/// each version with its user data (one entry when both name the same).
pub(crate) fn launch_template_versions(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: LaunchTemplateVersionsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let mut list: Vec<pillar_model::LaunchTemplate> = Vec::new();
    for v in out.launch_template_versions {
        if list
            .iter()
            .any(|t| t.id == v.launch_template_id && t.version == v.version_number)
        {
            continue;
        }
        let id = match v.version_number {
            Some(n) => format!("{}:{n}", v.launch_template_id),
            None => v.launch_template_id.clone(),
        };
        list.push(pillar_model::LaunchTemplate {
            resource: ctx
                .rref(
                    "AWS::EC2::LaunchTemplate",
                    ctx.arn_or_id("ec2", None, "launch-template", &id),
                    None,
                )
                .named(v.launch_template_name.clone()),
            location: ctx.loc(&mut lines, &v.launch_template_id),
            name: v.launch_template_name,
            version: v.version_number,
            user_data: Known::Known(
                v.launch_template_data
                    .and_then(|d| d.user_data)
                    .filter(|u| !u.is_empty()),
            ),
            id: v.launch_template_id,
        });
    }
    Ok(Data::LaunchTemplates(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AddressesOut {
    addresses: Vec<AddressShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AddressShape {
    allocation_id: Option<String>,
    public_ip: String,
    instance_id: Option<String>,
    network_interface_id: Option<String>,
    network_interface_owner_id: Option<String>,
    private_ip_address: Option<String>,
}

pub(crate) fn addresses(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: AddressesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .addresses
        .into_iter()
        .map(|a| {
            let id = a
                .allocation_id
                .clone()
                .unwrap_or_else(|| a.public_ip.clone());
            let resource_id = match &a.allocation_id {
                Some(alloc) => ctx.arn_or_id("ec2", None, "elastic-ip", alloc),
                None => a.public_ip.clone(),
            };
            ElasticIp {
                resource: ctx
                    .rref(
                        "AWS::EC2::EIP",
                        resource_id,
                        a.network_interface_owner_id.as_deref(),
                    )
                    .named(a.public_ip.clone()),
                location: ctx.loc(&mut lines, &id),
                allocation_id: a.allocation_id.unwrap_or_default(),
                public_ip: a.public_ip,
                instance_id: a.instance_id.filter(|i| !i.is_empty()),
                network_interface_id: a.network_interface_id,
                private_ip: a.private_ip_address,
                ..ElasticIp::default()
            }
        })
        .collect();
    Ok(Data::ElasticIps(list))
}

// -------------------------------------------------------------------- EBS

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VolumesOut {
    volumes: Vec<VolumeShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VolumeShape {
    volume_id: String,
    encrypted: Option<bool>,
    kms_key_id: Option<String>,
    size: Option<i64>,
    state: String,
    attachments: Vec<VolumeAttachment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VolumeAttachment {
    instance_id: Option<String>,
}

fn known_bool(v: Option<bool>, field: &str) -> Known<bool> {
    v.map_or_else(
        || Known::unknown(format!("{field} not in the file")),
        Known::Known,
    )
}

pub(crate) fn volumes(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: VolumesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .volumes
        .into_iter()
        .map(|v| Volume {
            resource: ctx.rref(
                "AWS::EC2::Volume",
                ctx.arn_or_id("ec2", None, "volume", &v.volume_id),
                None,
            ),
            location: ctx.loc(&mut lines, &v.volume_id),
            encrypted: known_bool(v.encrypted, "Encrypted"),
            kms_key_id: v.kms_key_id,
            size_gib: v.size,
            state: v.state,
            instance_ids: v
                .attachments
                .into_iter()
                .filter_map(|a| a.instance_id)
                .collect(),
            id: v.volume_id,
            ..Volume::default()
        })
        .collect();
    Ok(Data::Volumes(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SnapshotsOut {
    snapshots: Vec<SnapshotShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SnapshotShape {
    snapshot_id: String,
    volume_id: Option<String>,
    encrypted: Option<bool>,
    owner_id: Option<String>,
}

pub(crate) fn ebs_snapshots(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: SnapshotsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .snapshots
        .into_iter()
        .map(|s| {
            // EBS snapshot ARNs have an empty account field.
            let arn = format!(
                "arn:{}:ec2:{}::snapshot/{}",
                ctx.partition,
                ctx.region.unwrap_or_default(),
                s.snapshot_id
            );
            EbsSnapshot {
                resource: ctx.rref("AWS::EC2::Snapshot", arn, s.owner_id.as_deref()),
                location: ctx.loc(&mut lines, &s.snapshot_id),
                volume_id: s.volume_id,
                encrypted: known_bool(s.encrypted, "Encrypted"),
                owner_id: s.owner_id,
                id: s.snapshot_id,
                ..EbsSnapshot::default()
            }
        })
        .collect();
    Ok(Data::EbsSnapshots(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SnapshotAttributeOut {
    create_volume_permissions: Option<Vec<VolumePermission>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VolumePermission {
    group: Option<String>,
    user_id: Option<String>,
}

pub(crate) fn snapshot_attribute(bytes: &[u8]) -> Result<Data, Fail> {
    let out: SnapshotAttributeOut = serde_json::from_slice(bytes)?;
    let perms = out
        .create_volume_permissions
        .ok_or_else(|| Fail::Other("no CreateVolumePermissions in the file".to_owned()))?;
    Ok(Data::Strings(
        perms
            .into_iter()
            .filter_map(|p| p.group.or(p.user_id))
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EbsDefaultOut {
    ebs_encryption_by_default: Option<bool>,
}

pub(crate) fn ebs_encryption_by_default(bytes: &[u8]) -> Result<Data, Fail> {
    let out: EbsDefaultOut = serde_json::from_slice(bytes)?;
    out.ebs_encryption_by_default
        .map(Data::Bool)
        .ok_or_else(|| Fail::Other("no EbsEncryptionByDefault in the file".to_owned()))
}

// ------------------------------------------------------------- flow logs

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct FlowLogsOut {
    flow_logs: Vec<FlowLogShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct FlowLogShape {
    flow_log_id: String,
    resource_id: String,
    traffic_type: String,
    flow_log_status: String,
    log_destination: Option<String>,
    log_group_name: Option<String>,
}

pub(crate) fn flow_logs(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: FlowLogsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let list = out
        .flow_logs
        .into_iter()
        .map(|f| FlowLog {
            resource: ctx.rref(
                "AWS::EC2::FlowLog",
                ctx.arn_or_id("ec2", None, "vpc-flow-log", &f.flow_log_id),
                None,
            ),
            location: ctx.loc(&mut lines, &f.flow_log_id),
            resource_id: f.resource_id,
            traffic_type: f.traffic_type,
            status: f.flow_log_status,
            destination: f.log_destination.or(f.log_group_name),
            id: f.flow_log_id,
            ..FlowLog::default()
        })
        .collect();
    Ok(Data::FlowLogs(list))
}
