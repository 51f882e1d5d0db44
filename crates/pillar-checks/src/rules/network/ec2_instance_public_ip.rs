//! `ec2-instance-public-ip`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::resources::{ElasticIp, Instance, NetworkInterface, Subnet};
use pillar_model::{Domain, Inventory, Known, Severity, SourceKind};
use serde_json::json;
use std::collections::HashMap;

/// The rule.
pub struct Ec2InstancePublicIp;
/// Registered instance.
pub static RULE: Ec2InstancePublicIp = Ec2InstancePublicIp;

static META: Meta = Meta {
    id: "ec2-instance-public-ip",
    title: "EC2 instance has a public IPv4 address",
    severity: Severity::Medium,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01"],
    cis: &[],
    rationale: "An instance with a public address in a subnet routed to an internet gateway is \
        directly addressable from the internet; only its security group filters traffic. Keeping \
        instances private behind load balancers, NAT and Session Manager shrinks the attack \
        surface.",
    console: "For an Elastic IP: EC2 console > Elastic IPs > select the address > Actions > \
        Disassociate. For an auto-assigned address: launch a replacement in a private subnet \
        (or with Auto-assign public IP disabled) and put it behind a load balancer.",
    cli: "aws ec2 disassociate-address --association-id <eipassoc-id>\n\
        # auto-assigned addresses cannot be removed in place; on the ENI:\n\
        aws ec2 modify-network-interface-attribute --network-interface-id <eni-id> --no-associate-public-ip-address",
    terraform: "resource \"aws_instance\" \"app\" {\n  \
        # ...\n  \
        subnet_id                   = aws_subnet.private.id\n  \
        associate_public_ip_address = false\n}",
    docs: "## What it does\n\
        Reports instances (except terminated or shutting-down ones) that have a public IPv4 \
        address: auto-assigned, an associated Elastic IP, or one on an attached network \
        interface. For instances declared in Terraform or CloudFormation, which have no address \
        yet, the instance's own `associate_public_ip_address` (`AssociatePublicIpAddress` on the \
        primary interface) decides, else the subnet's auto-assign setting; an Elastic IP \
        declared for the instance counts, and an unresolved setting makes the result *unknown*.\n\n\
        ## Why is this bad?\n\
        Public addresses make instances direct internet targets. Internet-facing traffic should \
        enter through a managed entry point (load balancer, API gateway, CloudFront) with \
        inspection, and administration through Session Manager.\n\n\
        ## How to fix\n\
        Move the instance to a private subnet behind a load balancer, release or disassociate \
        Elastic IPs, and disable auto-assigned public addresses.\n\n\
        ## References\n\
        - Amazon EC2 User Guide: Amazon EC2 instance IP addressing\n\
        - Well-Architected SEC05-BP01 Create network layers\n",
    since: "0.1.0",
};

fn is_iac(inst: &Instance) -> bool {
    matches!(
        inst.resource.source,
        Some(SourceKind::Terraform) | Some(SourceKind::Cloudformation)
    )
}

impl Rule for Ec2InstancePublicIp {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        // Index once: instances × addresses would be quadratic.
        let mut eip_by_instance: HashMap<&str, &ElasticIp> = HashMap::new();
        let mut eip_by_eni: HashMap<&str, &ElasticIp> = HashMap::new();
        for e in &inv.elastic_ips {
            if let Some(i) = e.instance_id.as_deref() {
                eip_by_instance.entry(i).or_insert(e);
            }
            if let Some(n) = e.network_interface_id.as_deref() {
                eip_by_eni.entry(n).or_insert(e);
            }
        }
        let mut enis_by_instance: HashMap<&str, Vec<&NetworkInterface>> = HashMap::new();
        let mut eni_by_id: HashMap<&str, &NetworkInterface> = HashMap::new();
        for n in &inv.network_interfaces {
            if let Some(i) = n.instance_id.as_deref() {
                enis_by_instance.entry(i).or_default().push(n);
            }
            eni_by_id.insert(n.id.as_str(), n);
        }
        let mut subnet_by_id: HashMap<&str, &Subnet> = HashMap::new();
        for sn in &inv.subnets {
            subnet_by_id.entry(sn.id.as_str()).or_insert(sn);
            subnet_by_id.entry(sn.resource.id.as_str()).or_insert(sn);
        }
        for inst in &inv.instances {
            if matches!(inst.state.as_str(), "terminated" | "shutting-down") {
                continue;
            }
            let eip = eip_by_instance.get(inst.id.as_str()).copied().or_else(|| {
                inst.network_interfaces
                    .iter()
                    .find_map(|n| eip_by_eni.get(n.as_str()).copied())
            });
            let mut enis: Vec<&NetworkInterface> = enis_by_instance
                .get(inst.id.as_str())
                .cloned()
                .unwrap_or_default();
            for id in &inst.network_interfaces {
                if let Some(n) = eni_by_id.get(id.as_str()) {
                    if !enis.iter().any(|e| e.id == n.id) {
                        enis.push(n);
                    }
                }
            }
            let eni_ip = enis
                .iter()
                .flat_map(|n| n.private_ips.iter().map(move |p| (*n, p)))
                .find_map(|(n, p)| p.public_ip.clone().map(|ip| (n.id.clone(), ip)));
            let public = inst
                .public_ip
                .clone()
                .or_else(|| eip.map(|e| e.public_ip.clone()))
                .or_else(|| eni_ip.as_ref().map(|(_, ip)| ip.clone()));
            if let Some(ip) = public {
                out.fail(
                    inst,
                    format!("instance has public IPv4 address {ip}"),
                    json!({
                        "instance_id": inst.id,
                        "public_ip": ip,
                        "elastic_ip_allocation": eip.map(|e| e.allocation_id.clone()),
                        "network_interface": eni_ip.map(|(id, _)| id),
                        "subnet_id": inst.subnet_id,
                    }),
                );
                continue;
            }
            if !is_iac(inst) {
                out.pass(inst, "the instance has no public IPv4 address");
                continue;
            }
            // The IaC mappers decide the launch-time address from the
            // instance's own `associate_public_ip_address` (or the
            // primary interface's) over the subnet's setting, and set the
            // stand-in address above, or say why it cannot be decided.
            if let Some(why) = &inst.public_ip_unknown {
                out.unknown(inst, why.clone());
                continue;
            }
            let subnet = inst
                .subnet_id
                .as_deref()
                .and_then(|id| subnet_by_id.get(id).copied());
            match subnet.map(|s| &s.map_public_ip_on_launch) {
                // The subnet auto-assigns, yet no address was set: the
                // instance opts out (`associate_public_ip_address = false`).
                Some(Known::Known(true)) => out.pass(
                    inst,
                    "the instance opts out of its subnet's auto-assigned public IPv4 address",
                ),
                Some(Known::Known(false)) => out.pass(
                    inst,
                    "no public address is declared and the subnet does not auto-assign one",
                ),
                Some(Known::Unknown(r)) => out.unknown(
                    inst,
                    format!("whether the subnet auto-assigns public addresses is unknown: {r}"),
                ),
                None => out.unknown(
                    inst,
                    "the instance's subnet is not declared, so its public addressing is unknown",
                ),
            }
        }
    }
}
