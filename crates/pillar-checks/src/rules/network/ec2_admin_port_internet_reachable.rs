//! `ec2-admin-port-internet-reachable`

use super::reach::{self, ADMIN_PORTS};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct Ec2AdminPortInternetReachable;
/// Registered instance.
pub static RULE: Ec2AdminPortInternetReachable = Ec2AdminPortInternetReachable;

static META: Meta = Meta {
    id: "ec2-admin-port-internet-reachable",
    title: "SSH or RDP is reachable from the internet",
    severity: Severity::Critical,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01", "SEC05-BP02", "SEC06-BP03"],
    cis: &["5.2", "5.3"],
    rationale: "A login service the whole internet can really reach (a public address, a route \
        back through the internet gateway, a network ACL and a security group that all let the \
        packet through) is scanned and attacked within minutes; one weak credential or \
        unpatched daemon gives an attacker a shell inside the VPC.",
    console: "EC2 console > Instances > select the instance > Security: edit the inbound rule of \
        the group named in the path (port 22/3389) to a known administration CIDR, or delete it \
        and use Systems Manager Session Manager. Add a network ACL deny for the port as a second \
        layer.",
    cli: "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 22 --cidr 0.0.0.0/0\n\
        aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 50 \\\n  \
        --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny",
    terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n  \
        security_group_id = aws_security_group.admin.id\n  \
        ip_protocol       = \"tcp\"\n  \
        from_port         = 22\n  \
        to_port           = 22\n  \
        cidr_ipv4         = \"203.0.113.0/24\" # your admin network\n}",
    docs: "## What it does\n\
        Computes, for every instance, network interface and DB instance, which internet sources \
        really reach it on TCP 22 (SSH) and 3389 (RDP): a public IPv4 address (auto-assigned or \
        Elastic IP) or global IPv6 address, an internet gateway, a subnet route table that sends \
        the reply back through that gateway (longest prefix match; a more specific route \
        elsewhere carves sources out), the subnet's network ACL inbound and for the reply to the \
        client's ephemeral ports, and the union of the ENI's security groups. Targets behind an \
        internet-facing load balancer count too. Each finding carries the sources and the path \
        hop by hop with the rule that let the packet through at each hop. Unlike \
        `ec2-sg-admin-port-open`, a world-open group on an unreachable instance does not fail.\n\n\
        ## Why is this bad?\n\
        Internet-wide scanners find open SSH and RDP within minutes and try leaked and common \
        credentials and known exploits around the clock.\n\n\
        ## How to fix\n\
        Narrow or delete the security group rule named in the path; prefer Session Manager or \
        EC2 Instance Connect Endpoint; add a network ACL deny as a second layer.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Internet gateways; Route tables; Network ACLs; Security groups\n\
        - Well-Architected SEC05-BP01 Create network layers; SEC05-BP02 Control traffic flow \
        within your network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2AdminPortInternetReachable {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let a = super::reach::analysis(inv, out);
        reach::report(
            &a,
            out,
            "not reachable from the internet on SSH or RDP",
            |e| {
                reach::covered(e, &ADMIN_PORTS)
                    .into_iter()
                    .map(|(port, name)| {
                        (
                            format!("{name} (TCP {port}) is reachable {}", reach::how(e)),
                            reach::evidence(e, Some(port)),
                            format!("tcp/{port}/{}", e.family.as_str()),
                        )
                    })
                    .collect()
            },
        );
    }
}
