//! `ec2-public-subnet-not-reachable`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity, Status};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The rule.
pub struct Ec2PublicSubnetNotReachable;
/// Registered instance.
pub static RULE: Ec2PublicSubnetNotReachable = Ec2PublicSubnetNotReachable;

static META: Meta = Meta {
    id: "ec2-public-subnet-not-reachable",
    title: "A resource in a public subnet is one public address away from internet exposure",
    severity: Severity::Low,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01"],
    cis: &[],
    rationale: "A resource without a public address in a subnet that routes to an internet \
        gateway, whose network ACL and security groups already admit internet traffic, is \
        exposed the moment someone associates an Elastic IP or the subnet auto-assigns one: \
        a latent exposure.",
    console: "Move the resource to a private subnet (no route to the internet gateway), or \
        narrow its security group so it would not be reachable even with a public address.",
    cli: "aws ec2 modify-network-interface-attribute --network-interface-id <eni> --groups <restricted-sg>",
    terraform: "resource \"aws_instance\" \"app\" {\n  \
        subnet_id                   = aws_subnet.private.id\n  \
        associate_public_ip_address = false\n  # ...\n}",
    docs: "## What it does\n\
        For every instance, network interface and DB instance with no public address, asks the \
        reachability analysis what the internet would reach if it had one: the subnet's route \
        back to an internet gateway, the network ACL both ways and the security groups. Fails \
        when something would be reachable, naming the services and sources.\n\n\
        ## Why is this bad?\n\
        Only the missing address keeps the resource off the internet; an Elastic IP associated \
        for a quick test, or auto-assign turned on for the subnet, exposes it.\n\n\
        ## How to fix\n\
        Keep resources that need no inbound internet traffic in private subnets, and admit only \
        the sources they need in their security groups.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Subnets for your VPC (public and private subnets)\n\
        - Well-Architected SEC05-BP01 Create network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2PublicSubnetNotReachable {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let a = super::reach::analysis(inv, out);
        let mut failed = BTreeSet::new();
        for j in a.judged.iter().filter(|j| !j.addressed) {
            if !failed.insert(j.resource.id.as_str()) {
                continue;
            }
            let latent: Vec<_> = a
                .latent
                .iter()
                .filter(|e| e.resource.id == j.resource.id)
                .collect();
            let reasons: Vec<&str> = a
                .incomplete
                .iter()
                .filter(|i| i.resource.id == j.resource.id)
                .flat_map(|i| i.reasons.iter().map(String::as_str))
                .collect();
            if !latent.is_empty() {
                let services: Vec<String> = latent.iter().map(|e| e.service()).collect();
                let sources = latent
                    .first()
                    .map(|e| e.sources.summary())
                    .unwrap_or_default();
                out.report(
                    Status::Fail,
                    j.resource.clone(),
                    j.location.clone(),
                    format!(
                        "has no public address, but with one it would be reachable on {} from {sources}",
                        services.join(", ")
                    ),
                    json!({
                        "would_reach": latent.iter().map(|e| json!({
                            "service": e.service(),
                            "sources": e.sources.summary(),
                            "path": e.path,
                        })).collect::<Vec<Value>>(),
                    }),
                    "",
                );
            } else if reasons.is_empty() {
                out.report(
                    Status::Pass,
                    j.resource.clone(),
                    j.location.clone(),
                    "not reachable from the internet even with a public address",
                    Value::Null,
                    "",
                );
            } else {
                out.report(
                    Status::Unknown,
                    j.resource.clone(),
                    j.location.clone(),
                    format!("reachability not fully assessed: {}", reasons.join("; ")),
                    Value::Null,
                    "",
                );
            }
        }
    }
}
