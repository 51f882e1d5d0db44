//! How Terraform-declared instances are addressed, so the reachability
//! analysis judges them as it would from a snapshot. The values are known
//! only after apply; whether an instance gets a public address is not.
//!
//! Semantics (Amazon EC2 User Guide, "Amazon EC2 instance IP addressing";
//! EC2 API `InstanceNetworkInterfaceSpecification`): a public IPv4 address
//! is assigned only to the primary network interface (device index 0), and
//! only to one created at launch, when `associate_public_ip_address` says
//! so, else when the subnet's `map_public_ip_on_launch` does. An Elastic IP
//! associated with the instance (`aws_eip.instance`,
//! `aws_eip_association`) takes the place of the auto-assigned address on
//! that interface. IPv6 addresses come from `ipv6_addresses`, from
//! `ipv6_address_count`, else from the subnet's
//! `assign_ipv6_address_on_creation`. A launch template named by the
//! instance supplies what the instance does not say (its first network
//! interface, its subnet and groups).

use super::{text, R, V};
use pillar_model::*;
use std::collections::HashMap;

/// The primary network interface block of a launch template, if it has one.
fn template_eni<'v>(t: &'v R<'_>) -> Option<&'v V> {
    let ifaces = t.blocks("network_interfaces");
    ifaces
        .iter()
        .find(|b| b.get("device_index").and_then(|d| d.to_num().ok()) == Some(0.0))
        .or_else(|| ifaces.first())
        .copied()
}

/// The launch template an instance names (`launch_template { id | name }`).
fn template_of<'a, 'r>(r: &R<'_>, all: &'a [R<'r>]) -> Option<&'a R<'r>> {
    let spec = r.blocks("launch_template").into_iter().next()?;
    let id = text(spec.get("id"));
    let name = text(spec.get("name"));
    all.iter()
        .filter(|t| t.kind == "aws_launch_template")
        .find(|t| {
            id.as_deref().is_some_and(|i| i == t.id() || i == t.addr)
                || name
                    .as_deref()
                    .is_some_and(|n| t.s("name").as_deref() == Some(n))
        })
}

/// A boolean argument: `None` when absent or null.
fn flag(v: Option<&V>) -> Option<Known<bool>> {
    match v {
        None | Some(V::Null) => None,
        Some(x) => Some(x.known_bool()),
    }
}

/// Public and IPv6 addresses of declared instances, and the Elastic IPs.
pub(super) fn addresses(all: &[R<'_>], inv: &mut Inventory) {
    let subnets: HashMap<String, &R<'_>> = all
        .iter()
        .filter(|r| r.kind == "aws_subnet")
        .map(|r| (r.id(), r))
        .collect();
    for r in all.iter().filter(|r| r.kind == "aws_instance") {
        let id = r.id();
        let template = template_of(r, all);
        let t_eni = template.and_then(template_eni);
        let Some(inst) = inv
            .instances
            .iter_mut()
            .find(|i| i.id == id && i.resource.source == Some(SourceKind::Terraform))
        else {
            continue;
        };
        if inst.subnet_id.is_none() {
            inst.subnet_id = t_eni
                .and_then(|b| text(b.get("subnet_id")))
                .or_else(|| template.and_then(|t| t.s("subnet_id")));
        }
        if inst.security_groups.is_empty() {
            if let Some(t) = template {
                inst.security_groups = t.strings("vpc_security_group_ids");
                if let Some(b) = t_eni {
                    inst.security_groups.extend(
                        b.get("security_groups")
                            .map(|v| v.known_strings().into_option().unwrap_or_default())
                            .unwrap_or_default(),
                    );
                }
            }
        }
        // An existing interface attached as the primary one carries its own
        // groups and addresses, which are not modelled.
        if let Some(eni) = r
            .blocks("network_interface")
            .iter()
            .find(|b| b.get("device_index").and_then(|d| d.to_num().ok()) == Some(0.0))
        {
            let eni_id = text(eni.get("network_interface_id")).unwrap_or_default();
            inst.network_interfaces.push(eni_id.clone());
            inst.public_ip_unknown = Some(format!(
                "the primary network interface {eni_id} is declared apart; its groups and addresses are not modelled"
            ));
            continue;
        }
        let subnet = inst.subnet_id.as_deref().and_then(|s| subnets.get(s));
        let public = flag(r.get("associate_public_ip_address"))
            .or_else(|| t_eni.and_then(|b| flag(b.get("associate_public_ip_address"))))
            .map(|k| (k, "associate_public_ip_address"))
            .or_else(|| {
                subnet.map(|s| {
                    (
                        s.b("map_public_ip_on_launch", false),
                        "the subnet's map_public_ip_on_launch",
                    )
                })
            });
        decide_public_ipv4(inst, public);
        let explicit = r.strings("ipv6_addresses");
        let count = r
            .get("ipv6_address_count")
            .filter(|v| !matches!(v, V::Null))
            .or_else(|| t_eni.and_then(|b| b.get("ipv6_address_count")))
            .filter(|v| !matches!(v, V::Null));
        if !explicit.is_empty() {
            inst.ipv6_addresses = explicit;
        } else if let Some(c) = count {
            match c.to_num() {
                Ok(n) if n >= 1.0 => {
                    inst.ipv6_addresses = vec![IPV6_ASSIGNED_AT_LAUNCH.to_owned()];
                }
                Ok(_) => {}
                Err(why) => {
                    inst.public_ip_unknown.get_or_insert(format!(
                        "whether {} gets an IPv6 address: ipv6_address_count is not known ({why})",
                        inst.id
                    ));
                }
            }
        } else if subnet
            .is_some_and(|s| s.b("assign_ipv6_address_on_creation", false) == Known::Known(true))
        {
            inst.ipv6_addresses = vec![IPV6_ASSIGNED_AT_LAUNCH.to_owned()];
        }
    }
    elastic_ips(all, inv);
}

/// `aws_eip` (with `instance` or `network_interface`) and
/// `aws_eip_association`; an Elastic IP on an instance, or on the ENI
/// attached as its primary interface, is its public IPv4 address.
fn elastic_ips(all: &[R<'_>], inv: &mut Inventory) {
    for r in all.iter().filter(|r| r.kind == "aws_eip") {
        inv.elastic_ips.push(ElasticIp {
            resource: r.rref("AWS::EC2::EIP"),
            location: r.loc(),
            allocation_id: r.id(),
            public_ip: r
                .s("address")
                .unwrap_or_else(|| elastic_ip_allocated_at_apply(&r.addr)),
            instance_id: r.s("instance"),
            network_interface_id: r.s("network_interface"),
            private_ip: r.s("associate_with_private_ip"),
        });
    }
    for r in all.iter().filter(|r| r.kind == "aws_eip_association") {
        let alloc = r.s("allocation_id");
        let public = r.s("public_ip");
        let found = inv.elastic_ips.iter_mut().find(|e| {
            e.resource.source == Some(SourceKind::Terraform)
                && (alloc.as_deref() == Some(e.allocation_id.as_str())
                    || alloc.as_deref() == Some(e.resource.id.as_str())
                    || public.as_deref() == Some(e.public_ip.as_str()))
        });
        let eip = match found {
            Some(e) => e,
            None => {
                // An Elastic IP allocated outside the configuration.
                let name = alloc.clone().or(public.clone()).unwrap_or(r.addr.clone());
                inv.elastic_ips.push(ElasticIp {
                    resource: r.rref("AWS::EC2::EIP"),
                    location: r.loc(),
                    allocation_id: alloc.unwrap_or_default(),
                    public_ip: public.unwrap_or_else(|| elastic_ip_allocated_at_apply(&name)),
                    ..ElasticIp::default()
                });
                let Some(e) = inv.elastic_ips.last_mut() else {
                    continue;
                };
                e
            }
        };
        if let Some(i) = r.s("instance_id") {
            eip.instance_id = Some(i);
        }
        if let Some(n) = r.s("network_interface_id") {
            eip.network_interface_id = Some(n);
        }
        if let Some(p) = r.s("private_ip_address") {
            eip.private_ip = Some(p);
        }
    }
    elastic_ips_to_instances(inv, SourceKind::Terraform);
}

/// Record what the launch settings say of an IaC instance's public IPv4
/// address: `public` is the deciding setting (the instance's or its
/// primary interface's flag, else the subnet's auto-assign setting) with
/// its name. True gives the launch-time stand-in address; unresolved, or a
/// subnet that is named but not declared, leaves the reason.
pub(crate) fn decide_public_ipv4(inst: &mut Instance, public: Option<(Known<bool>, &str)>) {
    match public {
        Some((Known::Known(true), _)) => {
            inst.public_ip = Some(PUBLIC_IPV4_ASSIGNED_AT_LAUNCH.to_owned());
        }
        Some((Known::Known(false), _)) => {}
        Some((Known::Unknown(why), what)) => {
            inst.public_ip_unknown = Some(format!(
                "whether {} gets a public IPv4 address: {what} is not known ({why})",
                inst.id
            ));
        }
        None => {
            if let Some(s) = &inst.subnet_id {
                inst.public_ip_unknown = Some(format!(
                    "whether {} gets a public IPv4 address: its subnet {s} is not declared",
                    inst.id
                ));
            }
        }
    }
}

/// Give each instance of `source` the address of the Elastic IP declared
/// for it, on the instance or on its primary network interface (IaC: the
/// EC2 User Guide's "Elastic IP addresses": an address associated with an
/// instance goes on its primary interface's primary private address). An
/// address on the instance settles whether it is public; one through an
/// interface declared apart does not (that interface's groups are not
/// modelled), so its reason stays.
pub(crate) fn elastic_ips_to_instances(inv: &mut Inventory, source: SourceKind) {
    let on: Vec<(Option<String>, Option<String>, String)> = inv
        .elastic_ips
        .iter()
        .filter(|e| e.resource.source == Some(source))
        .map(|e| {
            (
                e.instance_id.clone(),
                e.network_interface_id.clone(),
                e.public_ip.clone(),
            )
        })
        .collect();
    for (instance, eni, public) in on {
        for inst in inv.instances.iter_mut().filter(|i| {
            i.resource.source == Some(source)
                && (instance.as_deref() == Some(i.id.as_str())
                    || eni.as_deref().is_some_and(|n| {
                        i.network_interfaces.first().map(String::as_str) == Some(n)
                    }))
        }) {
            inst.public_ip = Some(public.clone());
            if eni.is_none() {
                inst.public_ip_unknown = None;
            }
        }
    }
}

/// The main route table AWS creates with each VPC, for VPCs whose source
/// declares none (Amazon VPC User Guide, "Configure route tables": "Each
/// VPC automatically comes with a main route table", which holds only the
/// local route until changed, and "a subnet that is not explicitly
/// associated with a route table is implicitly associated with the main
/// route table"). CloudFormation cannot change that table; Terraform changes
/// it only through `aws_default_route_table` (or makes another table main
/// with `aws_main_route_table_association`), so without them the table
/// holds the local route alone and subnets without an association route
/// nothing to the internet. A default VPC is left alone: AWS gives its main
/// table a route to the default internet gateway. The stand-in's id is the
/// one `aws_vpc.x.default_route_table_id` evaluates to.
pub(crate) fn main_route_tables(inv: &mut Inventory, source: SourceKind) {
    let mut add = Vec::new();
    for v in inv
        .vpcs
        .iter()
        .filter(|v| v.resource.source == Some(source) && !v.is_default)
    {
        let has_main = inv
            .route_tables
            .iter()
            .any(|t| t.vpc_id == v.id && t.associations.iter().any(|a| a.main));
        if has_main {
            continue;
        }
        let id = format!("{}{}", v.id, crate::terraform::eval::DEFAULT_ROUTE_TABLE);
        let mut resource = ResourceRef::new("AWS::EC2::RouteTable", id.clone()).from_source(source);
        if let Some(r) = &v.resource.region {
            resource = resource.in_region(r);
        }
        add.push(RouteTable {
            resource,
            location: v.location.clone(),
            id,
            vpc_id: v.id.clone(),
            routes: v
                .cidr_blocks
                .iter()
                .map(|c| Route {
                    destination_cidr: Some(c.clone()),
                    target: "local".to_owned(),
                    state: "active".to_owned(),
                    ..Route::default()
                })
                .collect(),
            associations: vec![RouteTableAssociation {
                main: true,
                ..RouteTableAssociation::default()
            }],
        });
    }
    inv.route_tables.extend(add);
}

/// The target groups a listener's or rule's actions forward to: a forward
/// action's `target_group_arn`, and the `forward { target_group { arn } }`
/// blocks of a weighted forward (Terraform AWS provider, `aws_lb_listener`
/// `default_action`, `aws_lb_listener_rule` `action`).
pub(super) fn forward_target_groups(actions: &[&V]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in actions {
        let weighted = super::blocks(a, "forward")
            .into_iter()
            .flat_map(|f| super::blocks(f, "target_group"))
            .filter_map(|g| text(g.get("arn")));
        for t in text(a.get("target_group_arn")).into_iter().chain(weighted) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// Resources that register targets this mapping does not follow, with the
/// argument naming the target group.
const REGISTRARS: [(&str, &str); 3] = [
    ("aws_autoscaling_group", "target_group_arns"),
    ("aws_autoscaling_attachment", "lb_target_group_arn"),
    ("aws_ecs_service", "load_balancer"),
];

/// `aws_lb_target_group` (port, protocol, target type, IP address type,
/// `preserve_client_ip`) and its `aws_lb_target_group_attachment`s, as the
/// snapshot fills `target_groups` from `describe-target-groups` and
/// `describe-target-health`. A group an Auto Scaling group or ECS service
/// registers targets in has targets known only at run time.
pub(super) fn target_groups(all: &[R<'_>], inv: &mut Inventory) {
    for r in all
        .iter()
        .filter(|r| matches!(r.kind, "aws_lb_target_group" | "aws_alb_target_group"))
    {
        let name = r.s("name").unwrap_or_else(|| r.addr.clone());
        let arn = r.addr.clone();
        let registrar = all.iter().find_map(|o| {
            let (_, key) = REGISTRARS.iter().find(|(k, _)| *k == o.kind)?;
            let named = match o.get(key) {
                Some(V::Str(s)) => s == &arn,
                Some(V::List(l)) => l.iter().any(|x| match x {
                    V::Str(s) => s == &arn,
                    V::Map(_) => text(x.get("target_group_arn")).as_deref() == Some(arn.as_str()),
                    _ => false,
                }),
                Some(m @ V::Map(_)) => {
                    text(m.get("target_group_arn")).as_deref() == Some(arn.as_str())
                }
                _ => false,
            };
            named.then(|| o.addr.clone())
        });
        let targets = match registrar {
            Some(o) => Known::Unknown(format!("{o} registers targets in {arn} at run time")),
            None => Known::Known(Vec::new()),
        };
        inv.target_groups.push(TargetGroup {
            resource: r
                .rref("AWS::ElasticLoadBalancingV2::TargetGroup")
                .named(name),
            location: r.loc(),
            arn,
            target_type: r.s("target_type").unwrap_or_else(|| "instance".to_owned()),
            protocol: r.s("protocol").map(|p| p.to_ascii_uppercase()),
            port: r
                .get("port")
                .and_then(|p| p.to_num().ok())
                .map(|n| n as u16),
            targets,
            ip_address_type: r.s("ip_address_type"),
            preserve_client_ip: r.get("preserve_client_ip").and_then(|v| v.to_bool().ok()),
        });
    }
    for r in all.iter().filter(|r| {
        matches!(
            r.kind,
            "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment"
        )
    }) {
        let (Some(tg), Some(target)) = (r.s("target_group_arn"), r.s("target_id")) else {
            continue;
        };
        let port = r
            .get("port")
            .and_then(|p| p.to_num().ok())
            .map(|n| n as u16);
        if let Some(Known::Known(ts)) = inv
            .target_groups
            .iter_mut()
            .find(|t| t.arn == tg)
            .map(|t| &mut t.targets)
        {
            ts.push((target, port));
        }
    }
}
