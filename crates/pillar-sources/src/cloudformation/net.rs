//! How template-declared instances are addressed, as for Terraform
//! (`terraform::map::net`): the values are known only after deploy,
//! whether an instance gets a public address is not.
//!
//! Semantics (Amazon EC2 User Guide, "Amazon EC2 instance IP addressing";
//! `AWS::EC2::Instance NetworkInterface`): a public IPv4 address goes only
//! to the primary network interface (`DeviceIndex` 0) created at launch,
//! when its `AssociatePublicIpAddress` says so, else when the subnet's
//! `MapPublicIpOnLaunch` does. An `AWS::EC2::EIP` with `InstanceId`, or an
//! `AWS::EC2::EIPAssociation` with `InstanceId` (or the `NetworkInterfaceId`
//! of the instance's primary interface), takes the auto-assigned address's
//! place. IPv6 addresses come from `Ipv6Addresses`, from `Ipv6AddressCount`,
//! else from the subnet's `AssignIpv6AddressOnCreation`. A launch template
//! the instance names supplies what it does not say.

use super::{items, text, R};
use crate::terraform::value::V;
use pillar_model::*;
use std::collections::HashMap;

/// The primary interface of a `NetworkInterfaces` list.
fn primary_eni(list: Vec<&V>) -> Option<&V> {
    list.iter()
        .find(|b| b.get("DeviceIndex").and_then(|d| d.to_num().ok()) == Some(0.0))
        .or_else(|| list.first())
        .copied()
}

fn flag(v: Option<&V>) -> Option<Known<bool>> {
    match v {
        None | Some(V::Null) => None,
        Some(x) => Some(x.known_bool()),
    }
}

fn strings(v: Option<&V>) -> Vec<String> {
    v.map(|x| x.known_strings().into_option().unwrap_or_default())
        .unwrap_or_default()
}

/// Public and IPv6 addresses of declared instances, and the Elastic IPs.
pub(super) fn addresses(all: &[R], inv: &mut Inventory) {
    let subnets: HashMap<&str, &R> = all
        .iter()
        .filter(|r| r.kind == "AWS::EC2::Subnet")
        .map(|r| (r.id.as_str(), r))
        .collect();
    for r in all.iter().filter(|r| r.kind == "AWS::EC2::Instance") {
        let template = r.get("LaunchTemplate").and_then(|spec| {
            let id = text(spec.get("LaunchTemplateId"));
            let name = text(spec.get("LaunchTemplateName"));
            all.iter()
                .filter(|t| t.kind == "AWS::EC2::LaunchTemplate")
                .find(|t| {
                    id.as_deref() == Some(t.id.as_str())
                        || (name.is_some() && t.s("LaunchTemplateName") == name)
                })
        });
        let t_data = template.and_then(|t| t.get("LaunchTemplateData"));
        let eni = primary_eni(r.list("NetworkInterfaces"));
        let t_eni = t_data.and_then(|d| primary_eni(items(d.get("NetworkInterfaces"))));
        let Some(inst) = inv
            .instances
            .iter_mut()
            .find(|i| i.id == r.id && i.resource.source == Some(SourceKind::Cloudformation))
        else {
            continue;
        };
        if inst.subnet_id.is_none() {
            inst.subnet_id = eni
                .and_then(|b| text(b.get("SubnetId")))
                .or_else(|| t_eni.and_then(|b| text(b.get("SubnetId"))));
        }
        if inst.security_groups.is_empty() {
            inst.security_groups = eni.map(|b| strings(b.get("GroupSet"))).unwrap_or_default();
        }
        if inst.security_groups.is_empty() {
            if let Some(d) = t_data {
                inst.security_groups = strings(d.get("SecurityGroupIds"));
                inst.security_groups
                    .extend(t_eni.map(|b| strings(b.get("Groups"))).unwrap_or_default());
            }
        }
        if let Some(existing) = eni.and_then(|b| text(b.get("NetworkInterfaceId"))) {
            inst.network_interfaces.push(existing.clone());
            inst.public_ip_unknown = Some(format!(
                "the primary network interface {existing} is declared apart; its groups and addresses are not modelled"
            ));
            continue;
        }
        let subnet = inst.subnet_id.as_deref().and_then(|s| subnets.get(s));
        let public = eni
            .and_then(|b| flag(b.get("AssociatePublicIpAddress")))
            .or_else(|| t_eni.and_then(|b| flag(b.get("AssociatePublicIpAddress"))))
            .map(|k| (k, "AssociatePublicIpAddress"))
            .or_else(|| {
                subnet.map(|s| {
                    (
                        s.b("MapPublicIpOnLaunch", false),
                        "the subnet's MapPublicIpOnLaunch",
                    )
                })
            });
        crate::terraform::map::net::decide_public_ipv4(inst, public);
        let from = |b: &V| -> Vec<String> {
            items(b.get("Ipv6Addresses"))
                .iter()
                .filter_map(|a| text(a.get("Ipv6Address")))
                .collect()
        };
        let explicit: Vec<String> = eni.map(from).unwrap_or_else(|| from(&r.p));
        let count = [
            eni.and_then(|b| b.get("Ipv6AddressCount")),
            r.get("Ipv6AddressCount"),
        ]
        .into_iter()
        .flatten()
        .chain(t_eni.and_then(|b| b.get("Ipv6AddressCount")))
        .find(|v| !matches!(v, V::Null));
        if !explicit.is_empty() {
            inst.ipv6_addresses = explicit;
        } else if let Some(c) = count {
            match c.to_num() {
                Ok(n) if n >= 1.0 => inst.ipv6_addresses = vec![IPV6_ASSIGNED_AT_LAUNCH.to_owned()],
                Ok(_) => {}
                Err(why) => {
                    inst.public_ip_unknown.get_or_insert(format!(
                        "whether {} gets an IPv6 address: Ipv6AddressCount is not known ({why})",
                        inst.id
                    ));
                }
            }
        } else if subnet
            .is_some_and(|s| s.b("AssignIpv6AddressOnCreation", false) == Known::Known(true))
        {
            inst.ipv6_addresses = vec![IPV6_ASSIGNED_AT_LAUNCH.to_owned()];
        }
    }
    elastic_ips(all, inv);
}

/// `AWS::EC2::EIP` (`InstanceId`) and `AWS::EC2::EIPAssociation`.
fn elastic_ips(all: &[R], inv: &mut Inventory) {
    for r in all.iter().filter(|r| r.kind == "AWS::EC2::EIP") {
        inv.elastic_ips.push(ElasticIp {
            resource: r.rref("AWS::EC2::EIP"),
            location: r.loc(),
            allocation_id: r.id.clone(),
            public_ip: r
                .s("Address")
                .unwrap_or_else(|| elastic_ip_allocated_at_apply(&r.id)),
            instance_id: r.s("InstanceId"),
            ..ElasticIp::default()
        });
    }
    for r in all.iter().filter(|r| r.kind == "AWS::EC2::EIPAssociation") {
        // `AllocationId: !GetAtt X.AllocationId` or `EIP: !Ref X` (the
        // address) both name the EIP resource here.
        let keys: Vec<String> = [r.s("AllocationId"), r.s("EIP")]
            .into_iter()
            .flatten()
            .collect();
        let pos = inv.elastic_ips.iter().position(|e| {
            e.resource.source == Some(SourceKind::Cloudformation)
                && keys
                    .iter()
                    .any(|k| k == &e.allocation_id || k == &e.public_ip)
        });
        let pos = match pos {
            Some(p) => p,
            None => {
                let name = keys.first().cloned().unwrap_or_else(|| r.id.clone());
                inv.elastic_ips.push(ElasticIp {
                    resource: r.rref("AWS::EC2::EIP"),
                    location: r.loc(),
                    allocation_id: r.s("AllocationId").unwrap_or_default(),
                    public_ip: r
                        .s("EIP")
                        .unwrap_or_else(|| elastic_ip_allocated_at_apply(&name)),
                    ..ElasticIp::default()
                });
                inv.elastic_ips.len() - 1
            }
        };
        if let Some(e) = inv.elastic_ips.get_mut(pos) {
            if let Some(i) = r.s("InstanceId") {
                e.instance_id = Some(i);
            }
            if let Some(n) = r.s("NetworkInterfaceId") {
                e.network_interface_id = Some(n);
            }
            if let Some(p) = r.s("PrivateIpAddress") {
                e.private_ip = Some(p);
            }
        }
    }
    crate::terraform::map::net::elastic_ips_to_instances(inv, SourceKind::Cloudformation);
}

/// The target groups a listener's or rule's actions forward to
/// (`TargetGroupArn`, `ForwardConfig.TargetGroups[].TargetGroupArn`).
pub(super) fn forward_target_groups(actions: &[&V]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in actions {
        let weighted: Vec<String> = a
            .get("ForwardConfig")
            .map(|f| items(f.get("TargetGroups")))
            .unwrap_or_default()
            .iter()
            .filter_map(|g| text(g.get("TargetGroupArn")))
            .collect();
        for t in text(a.get("TargetGroupArn")).into_iter().chain(weighted) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// `AWS::ElasticLoadBalancingV2::TargetGroup` with its `Targets`,
/// `TargetType`, `IpAddressType` and the `preserve_client_ip.enabled`
/// attribute. A group an Auto Scaling group (`TargetGroupARNs`) or ECS
/// service (`LoadBalancers`) registers targets in has targets known only
/// at run time.
pub(super) fn target_groups(all: &[R], inv: &mut Inventory) {
    for r in all
        .iter()
        .filter(|r| r.kind == "AWS::ElasticLoadBalancingV2::TargetGroup")
    {
        let registrar = all.iter().find(|o| match o.kind.as_str() {
            "AWS::AutoScaling::AutoScalingGroup" => o.strings("TargetGroupARNs").contains(&r.id),
            "AWS::ECS::Service" => o
                .list("LoadBalancers")
                .iter()
                .any(|l| text(l.get("TargetGroupArn")).as_deref() == Some(r.id.as_str())),
            _ => false,
        });
        let targets = match registrar {
            Some(o) => Known::Unknown(format!(
                "{} registers targets in {} at run time",
                o.id, r.id
            )),
            None => Known::Known(
                r.list("Targets")
                    .iter()
                    .filter_map(|t| {
                        Some((
                            text(t.get("Id"))?,
                            t.get("Port")
                                .and_then(|p| p.to_num().ok())
                                .map(|n| n as u16),
                        ))
                    })
                    .collect(),
            ),
        };
        let preserve = r
            .list("TargetGroupAttributes")
            .iter()
            .find(|a| text(a.get("Key")).as_deref() == Some("preserve_client_ip.enabled"))
            .and_then(|a| a.get("Value"))
            .and_then(|v| v.to_bool().ok());
        let name = r.s("Name").unwrap_or_else(|| r.id.clone());
        inv.target_groups.push(TargetGroup {
            resource: r
                .rref("AWS::ElasticLoadBalancingV2::TargetGroup")
                .named(name),
            location: r.loc(),
            arn: r.id.clone(),
            target_type: r.s("TargetType").unwrap_or_else(|| "instance".to_owned()),
            protocol: r.s("Protocol").map(|p| p.to_ascii_uppercase()),
            port: r
                .get("Port")
                .and_then(|p| p.to_num().ok())
                .map(|n| n as u16),
            targets,
            ip_address_type: r.s("IpAddressType"),
            preserve_client_ip: preserve,
        });
    }
}
