//! `ec2-subnet-auto-assign-public-ip`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct Ec2SubnetAutoAssignPublicIp;
/// Registered instance.
pub static RULE: Ec2SubnetAutoAssignPublicIp = Ec2SubnetAutoAssignPublicIp;

static META: Meta = Meta {
    id: "ec2-subnet-auto-assign-public-ip",
    title: "Subnet auto-assigns public IPv4 addresses at launch",
    severity: Severity::Low,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01"],
    cis: &[],
    rationale: "With auto-assign on, every instance launched into the subnet gets a public IPv4 \
        address unless the launch says otherwise, so internet exposure becomes the default \
        rather than a decision.",
    console: "VPC console > Subnets > select the subnet > Actions > Edit subnet settings > clear \
        Enable auto-assign public IPv4 address > Save.",
    cli: "aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch",
    terraform: "resource \"aws_subnet\" \"app\" {\n  \
        vpc_id                  = aws_vpc.main.id\n  \
        cidr_block              = \"10.0.1.0/24\"\n  \
        map_public_ip_on_launch = false\n}",
    docs: "## What it does\n\
        Reports subnets with `MapPublicIpOnLaunch` set, which gives instances launched there a \
        public IPv4 address by default. Subnets where the setting is unresolved are *unknown*.\n\n\
        ## Why is this bad?\n\
        Network layers work when public addresses are given deliberately, to the few resources \
        that face the internet (usually load balancers and NAT gateways). Auto-assign quietly \
        puts every new instance on the internet, protected only by its security group.\n\n\
        ## How to fix\n\
        Turn auto-assign off and place internet-facing entry points behind load balancers; give \
        an instance a public address explicitly when it really needs one.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Modify the public IPv4 addressing attribute for your subnet\n\
        - Well-Architected SEC05-BP01 Create network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2SubnetAutoAssignPublicIp {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for subnet in &inv.subnets {
            match &subnet.map_public_ip_on_launch {
                Known::Known(true) => out.fail(
                    subnet,
                    "instances launched in this subnet get a public IPv4 address by default",
                    json!({
                        "subnet_id": subnet.id,
                        "vpc_id": subnet.vpc_id,
                        "cidr_block": subnet.cidr_block,
                        "map_public_ip_on_launch": true,
                    }),
                ),
                Known::Known(false) => out.pass(subnet, "public IPv4 auto-assignment is off"),
                Known::Unknown(r) => {
                    out.unknown(subnet, format!("map_public_ip_on_launch unknown: {r}"))
                }
            }
        }
    }
}
