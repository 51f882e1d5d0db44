//! `ec2-nacl-admin-port-open`

use crate::meta::{Meta, Rule};
use crate::net::{nacl_entry_evidence, nacl_inbound_world_open, Family, Proto};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity, Status};
use serde_json::json;

/// The rule.
pub struct Ec2NaclAdminPortOpen;
/// Registered instance.
pub static RULE: Ec2NaclAdminPortOpen = Ec2NaclAdminPortOpen;

static META: Meta = Meta {
    id: "ec2-nacl-admin-port-open",
    title: "Network ACL lets the whole internet reach SSH or RDP",
    severity: Severity::High,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP02"],
    cis: &["5.1"],
    rationale: "Network ACLs are the stateless subnet-level layer of defence in depth. When their \
        inbound rules admit 0.0.0.0/0 or ::/0 to TCP 22 or 3389, the only remaining control for \
        remote administration is each instance's security group.",
    console: "VPC console > Network ACLs > select the ACL > Inbound rules > Edit inbound rules: \
        add a DENY rule for TCP 22 and 3389 from 0.0.0.0/0 (and ::/0) with a rule number lower \
        than the rule that allows it, or narrow the allowing rule's source.",
    cli: "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 90 \\\n  \
        --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny\n\
        aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 91 \\\n  \
        --protocol tcp --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny\n\
        aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 92 \\\n  \
        --protocol tcp --port-range From=22,To=22 --ipv6-cidr-block ::/0 --rule-action deny",
    terraform: "resource \"aws_network_acl_rule\" \"deny_ssh\" {\n  \
        network_acl_id = aws_network_acl.public.id\n  \
        rule_number    = 90 # lower than the broad allow\n  \
        egress         = false\n  \
        protocol       = \"tcp\"\n  \
        rule_action    = \"deny\"\n  \
        cidr_block     = \"0.0.0.0/0\"\n  \
        from_port      = 22\n  \
        to_port        = 22\n}",
    docs: "## What it does\n\
        Evaluates each network ACL's inbound entries the way VPC does: in ascending rule number, \
        the first entry that matches the protocol, port and source decides, and traffic no entry \
        matches is denied. It reports the ACL when traffic from the whole IPv4 (`0.0.0.0/0`) or \
        IPv6 (`::/0`) internet to TCP 22 (SSH) or 3389 (RDP) reaches an allow entry for the world \
        CIDR while some source addresses are still undecided. A lower-numbered deny for the \
        world wins over a later allow; denies of a few ranges do not close the port. An entry \
        with an unresolved protocol, port or CIDR before the decision makes the result \
        *unknown*. One finding per ACL and port.\n\n\
        ## Why is this bad?\n\
        Administration ports should be closed at every layer that can close them. The default \
        ACL allows all inbound traffic, so subnets that keep it rely on security groups alone.\n\n\
        ## How to fix\n\
        Add inbound DENY entries for TCP 22 and 3389 from `0.0.0.0/0` and `::/0` numbered below \
        the broad allow, or replace the broad allow with entries for the ports the subnet \
        serves.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Control subnet traffic with network access control lists \
        (rule evaluation)\n\
        - CIS AWS Foundations Benchmark v3.0.0, 5.1\n\
        - Well-Architected SEC05-BP02 Control traffic flow within your network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2NaclAdminPortOpen {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for acl in &inv.network_acls {
            let mut failed = false;
            let mut unknown = Vec::new();
            for (port, name) in [(22u16, "SSH"), (3389, "RDP")] {
                let mut open = Vec::new();
                for family in [Family::V4, Family::V6] {
                    match nacl_inbound_world_open(acl, family, Proto::Tcp, port) {
                        Known::Known(Some(o)) => open.push(json!({
                            "family": family.as_str(),
                            "source": family.world(),
                            "allowed_by": nacl_entry_evidence(o.entry),
                            "partial_denies_before": o.partial_denies,
                        })),
                        Known::Known(None) => {}
                        Known::Unknown(r) => {
                            unknown.push(format!("{} TCP {port}: {r}", family.as_str()));
                        }
                    }
                }
                if open.is_empty() {
                    continue;
                }
                failed = true;
                let fams: Vec<&str> = open
                    .iter()
                    .filter_map(|o| o.get("family").and_then(|f| f.as_str()))
                    .collect();
                out.report(
                    Status::Fail,
                    acl.resource.clone(),
                    acl.location.clone(),
                    format!(
                        "inbound rules let the whole {} internet reach {name} (TCP {port})",
                        fams.join(" and ")
                    ),
                    json!({
                        "network_acl_id": acl.id,
                        "port": port,
                        "service": name,
                        "subnet_ids": acl.subnet_ids,
                        "open": open,
                    }),
                    &format!("tcp/{port}"),
                );
            }
            if failed {
                continue;
            }
            if unknown.is_empty() {
                out.pass(acl, "inbound rules keep SSH and RDP closed to the internet");
            } else {
                out.unknown(acl, unknown.join("; "));
            }
        }
    }
}
