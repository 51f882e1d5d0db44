//! `ec2-admin-port-single-layer`

use super::reach::{self, ADMIN_PORTS};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct Ec2AdminPortSingleLayer;
/// Registered instance.
pub static RULE: Ec2AdminPortSingleLayer = Ec2AdminPortSingleLayer;

static META: Meta = Meta {
    id: "ec2-admin-port-single-layer",
    title: "Only the security group stands between the internet and an admin port",
    severity: Severity::High,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01", "SEC05-BP02"],
    cis: &[],
    rationale: "Defense in depth means more than one layer: when the subnet's network ACL lets \
        every address through on SSH or RDP, one mistaken security group change exposes the \
        port to the whole internet.",
    console: "VPC console > Network ACLs > the subnet's ACL > Inbound rules: add a deny for TCP \
        22 and 3389 from 0.0.0.0/0 (and ::/0) with a number below the allow rules, after an allow \
        for your administration CIDR if you need one.",
    cli: "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 60 \\\n  \
        --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny",
    terraform: "resource \"aws_network_acl_rule\" \"deny_ssh\" {\n  \
        network_acl_id = aws_network_acl.public.id\n  \
        rule_number    = 60\n  \
        egress         = false\n  \
        protocol       = \"tcp\"\n  \
        rule_action    = \"deny\"\n  \
        cidr_block     = \"0.0.0.0/0\"\n  \
        from_port      = 22\n  \
        to_port        = 22\n}",
    docs: "## What it does\n\
        For every SSH (TCP 22) or RDP (TCP 3389) exposure that the reachability analysis finds \
        (see `ec2-admin-port-internet-reachable`), checks whether the subnet's network ACL lets \
        every address of the family through on that port, inbound and for the reply: then the \
        security group is the last and only layer standing.\n\n\
        ## Why is this bad?\n\
        Security groups change often and by many hands; a network ACL that limits admin ports to \
        known networks keeps one mistake from becoming an internet exposure.\n\n\
        ## How to fix\n\
        Add network ACL entries that deny admin ports from the internet (after allowing your \
        administration networks), so two layers must fail before the port is exposed.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Control subnet traffic with network access control lists\n\
        - Well-Architected SEC05-BP01 Create network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2AdminPortSingleLayer {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let a = super::reach::analysis(inv, out);
        reach::report(
            &a,
            out,
            "no admin port is protected by the security group alone",
            |e| {
                if !e.single_layer || e.via.is_some() {
                    return Vec::new();
                }
                reach::covered(e, &ADMIN_PORTS)
                    .into_iter()
                    .map(|(port, name)| {
                        (
                            format!(
                                "{name} (TCP {port}) is reachable and the network ACL lets every \
                                 {} address through; only the security group filters: internet -> {}",
                                e.family.as_str(),
                                e.path_text()
                            ),
                            reach::evidence(e, Some(port)),
                            format!("tcp/{port}/{}", e.family.as_str()),
                        )
                    })
                    .collect()
            },
        );
    }
}
