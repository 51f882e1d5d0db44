//! `ec2-sg-all-ports-open`

use crate::meta::{Meta, Rule};
use crate::net::{scan_ingress, sg_rule_all_ports, OpenRule};
use crate::out::Out;
use crate::rules::network::ec2_sg_admin_port_open::families_text;
use pillar_model::{Domain, Inventory, Severity, Status};
use serde_json::json;

/// The rule.
pub struct Ec2SgAllPortsOpen;
/// Registered instance.
pub static RULE: Ec2SgAllPortsOpen = Ec2SgAllPortsOpen;

static META: Meta = Meta {
    id: "ec2-sg-all-ports-open",
    title: "Security group allows all ports from the whole internet",
    severity: Severity::Critical,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP02"],
    cis: &[],
    rationale:
        "An inbound rule for all traffic (protocol -1) or the whole TCP/UDP port range from \
        0.0.0.0/0 or ::/0 removes the security group as a control: every service listening on the \
        attached resources, including ones started by accident, is reachable from the internet.",
    console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound \
        rules: delete the All traffic / 0-65535 rule with source 0.0.0.0/0 or ::/0 and add rules \
        only for the ports the workload serves.",
    cli: "aws ec2 revoke-security-group-ingress --group-id <sg-id> \\\n  \
        --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'\n\
        aws ec2 revoke-security-group-ingress --group-id <sg-id> \\\n  \
        --ip-permissions 'IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]'",
    terraform:
        "# replace the ingress { protocol = \"-1\" cidr_blocks = [\"0.0.0.0/0\"] } block with\n\
        resource \"aws_vpc_security_group_ingress_rule\" \"https\" {\n  \
        security_group_id = aws_security_group.web.id\n  \
        ip_protocol       = \"tcp\"\n  \
        from_port         = 443\n  \
        to_port           = 443\n  \
        cidr_ipv4         = \"0.0.0.0/0\"\n}",
    docs: "## What it does\n\
        Reports every security group with an inbound rule from the whole IPv4 or IPv6 internet \
        that allows every protocol (`-1`) or the whole TCP or UDP port range (0/1–65535). \
        Managed prefix lists are expanded; unresolved values make the group *unknown*.\n\n\
        ## Why is this bad?\n\
        The group then filters nothing: databases, admin consoles, debug ports and anything \
        installed later are all exposed. Security groups should allow only the ports a resource \
        serves, from the sources that need them.\n\n\
        ## How to fix\n\
        Delete the rule and add one rule per port the workload really serves (for a public web \
        tier, usually TCP 443 behind a load balancer).\n\n\
        ## References\n\
        - Amazon VPC User Guide: Security group rules\n\
        - Well-Architected SEC05-BP02 Control traffic flow within your network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2SgAllPortsOpen {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for sg in &inv.security_groups {
            let scan = scan_ingress(inv, &sg.ingress, sg_rule_all_ports);
            if !scan.open.is_empty() {
                let (families, text) = families_text(&scan.open);
                let location = scan
                    .open
                    .iter()
                    .find_map(|o| o.rule.location.clone())
                    .or_else(|| sg.location.clone());
                out.report(
                    Status::Fail,
                    sg.resource.clone(),
                    location,
                    format!("allows all ports from the whole internet ({text})"),
                    json!({
                        "group_id": sg.id,
                        "families": families,
                        "rules": scan.open.iter().map(OpenRule::evidence).collect::<Vec<_>>(),
                    }),
                    "",
                );
            } else if scan.unknown.is_empty() {
                out.pass(sg, "no inbound rule opens every port to the internet");
            } else {
                out.unknown(sg, scan.unknown.join("; "));
            }
        }
    }
}
