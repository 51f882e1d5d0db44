//! `ec2-all-ports-internet-reachable`

use super::reach;
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};
use pillar_net::Proto;

/// The rule.
pub struct Ec2AllPortsInternetReachable;
/// Registered instance.
pub static RULE: Ec2AllPortsInternetReachable = Ec2AllPortsInternetReachable;

static META: Meta = Meta {
    id: "ec2-all-ports-internet-reachable",
    title: "Every TCP or UDP port is reachable from the internet",
    severity: Severity::Critical,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01", "SEC05-BP02"],
    cis: &[],
    rationale: "When every port is reachable, every service the host runs, including ones \
        started later or by mistake, is on the internet; nothing but the host itself filters.",
    console: "Replace the all-traffic or all-ports inbound rule of the security group named in \
        the path with rules for the ports the service needs, from the sources that need them.",
    cli: "aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'",
    terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"https\" {\n  \
        security_group_id = aws_security_group.web.id\n  \
        ip_protocol       = \"tcp\"\n  \
        from_port         = 443\n  \
        to_port           = 443\n  \
        cidr_ipv4         = \"0.0.0.0/0\"\n}",
    docs: "## What it does\n\
        Computes which internet sources really reach each instance, network interface and DB \
        instance (public address, internet gateway, return route, network ACL both ways, \
        security groups) and fails those reachable on every TCP port (1-65535) or every UDP \
        port, with the sources and the path hop by hop.\n\n\
        ## Why is this bad?\n\
        Security groups should admit only the ports a service needs; an all-ports exposure puts \
        every listening process on the internet.\n\n\
        ## How to fix\n\
        Replace the rule with rules for the needed ports only.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Security group rules\n\
        - Well-Architected SEC05-BP02 Control traffic flow within your network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2AllPortsInternetReachable {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let a = super::reach::analysis(inv, out);
        reach::report(
            &a,
            out,
            "no resource is reachable from the internet on every port",
            |e| {
                let all = (e.protocol == Proto::TCP || e.protocol == Proto::UDP)
                    && e.ports.contains(1)
                    && e.ports
                        .ranges()
                        .iter()
                        .any(|&(a, b)| a <= 1 && b == u16::MAX);
                if !all {
                    return Vec::new();
                }
                vec![(
                    format!("every {} port is reachable {}", e.protocol, reach::how(e)),
                    reach::evidence(e, None),
                    format!("{}/all/{}", e.protocol, e.family.as_str()),
                )]
            },
        );
    }
}
