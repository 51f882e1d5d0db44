//! `ec2-sg-admin-port-open`

use crate::meta::{Meta, Rule};
use crate::net::{scan_ingress, sg_rule_covers_tcp_port, Family, OpenRule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity, Status};
use serde_json::json;

/// The rule.
pub struct Ec2SgAdminPortOpen;
/// Registered instance.
pub static RULE: Ec2SgAdminPortOpen = Ec2SgAdminPortOpen;

/// Remote administration ports and their protocol names.
const ADMIN_PORTS: [(u16, &str); 2] = [(22, "SSH"), (3389, "RDP")];

static META: Meta = Meta {
    id: "ec2-sg-admin-port-open",
    title: "Security group allows SSH or RDP from the whole internet",
    severity: Severity::Critical,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP02", "SEC06-BP03"],
    cis: &["5.2", "5.3"],
    rationale: "SSH (TCP 22) and RDP (TCP 3389) open to 0.0.0.0/0 or ::/0 expose login services to \
        constant internet-wide credential stuffing and exploit scanning; one weak password or \
        unpatched daemon gives an attacker a shell inside the VPC.",
    console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound \
        rules: delete the rule for port 22/3389 with source 0.0.0.0/0 or ::/0, or narrow the \
        source to a known administration CIDR. Prefer Systems Manager Session Manager and no \
        inbound admin port at all.",
    cli: "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 22 --cidr 0.0.0.0/0\n\
        aws ec2 revoke-security-group-ingress --group-id <sg-id> \\\n  \
        --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]'\n\
        # repeat with port 3389 for RDP",
    terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n  \
        security_group_id = aws_security_group.admin.id\n  \
        ip_protocol       = \"tcp\"\n  \
        from_port         = 22\n  \
        to_port           = 22\n  \
        cidr_ipv4         = \"203.0.113.0/24\" # your admin network, never 0.0.0.0/0\n}\n\
        # better: no inbound rule at all, and aws_ssm_* / Session Manager for access",
    docs: "## What it does\n\
        Reports every security group with an inbound rule that lets the whole IPv4 (`0.0.0.0/0`) \
        or IPv6 (`::/0`) internet reach TCP port 22 (SSH) or 3389 (RDP). Rules with protocol \
        `-1` (all traffic) and port ranges that include 22 or 3389 count, and managed prefix \
        lists are expanded. One finding per group and port names the address families. A rule \
        whose protocol, ports or sources are unresolved (a Terraform variable) makes the group \
        *unknown* unless another rule already fails it.\n\n\
        ## Why is this bad?\n\
        Internet-wide scanners find open SSH and RDP within minutes and try leaked and common \
        credentials and known exploits around the clock. Remote administration should come from \
        a known network, or better through Session Manager with no inbound port.\n\n\
        ## How to fix\n\
        Delete the world-open rule, or narrow its source to the CIDR of your administration \
        network or VPN; use AWS Systems Manager Session Manager or EC2 Instance Connect Endpoint \
        for shell access.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Security group rules\n\
        - AWS Systems Manager User Guide: Session Manager\n\
        - CIS AWS Foundations Benchmark v3.0.0, 5.2 and 5.3\n\
        - Well-Architected SEC05-BP02 Control traffic flow within your network layers; \
        SEC06-BP03 Reduce manual management and interactive access\n",
    since: "0.1.0",
};

/// "IPv4 0.0.0.0/0 and IPv6 ::/0" for the families some rules open.
pub(crate) fn families_text(open: &[OpenRule<'_>]) -> (Vec<&'static str>, String) {
    let mut fams: Vec<Family> = open.iter().flat_map(OpenRule::families).collect();
    fams.sort();
    fams.dedup();
    let names = fams.iter().map(|f| f.as_str()).collect();
    let text = fams
        .iter()
        .map(|f| format!("{} {}", f.as_str(), f.world()))
        .collect::<Vec<_>>()
        .join(" and ");
    (names, text)
}

impl Rule for Ec2SgAdminPortOpen {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for sg in &inv.security_groups {
            let mut failed = false;
            let mut unknown = Vec::new();
            for (port, name) in ADMIN_PORTS {
                let scan = scan_ingress(inv, &sg.ingress, |r| sg_rule_covers_tcp_port(r, port));
                unknown.extend(scan.unknown);
                if scan.open.is_empty() {
                    continue;
                }
                failed = true;
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
                    format!("allows {name} (TCP {port}) from the whole internet ({text})"),
                    json!({
                        "group_id": sg.id,
                        "port": port,
                        "service": name,
                        "families": families,
                        "rules": scan.open.iter().map(OpenRule::evidence).collect::<Vec<_>>(),
                    }),
                    &format!("tcp/{port}"),
                );
            }
            if failed {
                continue;
            }
            if unknown.is_empty() {
                out.pass(sg, "no inbound rule opens SSH or RDP to the internet");
            } else {
                out.unknown(sg, unknown.join("; "));
            }
        }
    }
}
