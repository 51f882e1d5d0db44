//! `ec2-default-sg-not-restricted`

use crate::meta::{Meta, Rule};
use crate::net::sg_rule_evidence;
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};
use serde_json::json;

/// The rule.
pub struct Ec2DefaultSgNotRestricted;
/// Registered instance.
pub static RULE: Ec2DefaultSgNotRestricted = Ec2DefaultSgNotRestricted;

static META: Meta = Meta {
    id: "ec2-default-sg-not-restricted",
    title: "VPC default security group has inbound or outbound rules",
    severity: Severity::Medium,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP02"],
    cis: &["5.4"],
    rationale: "Resources launched without an explicit security group land in the VPC's default \
        group. By default it lets every member talk to every other member and reach anywhere \
        outbound; with no rules it denies everything, which forces deliberate, least-privilege \
        groups.",
    console: "VPC console > Security groups > the group named default in each VPC > Inbound \
        rules > Edit > delete all rules; Outbound rules > Edit > delete all rules. Move \
        resources that used it to purpose-built groups first.",
    cli: "aws ec2 revoke-security-group-ingress --group-id <default-sg-id> \\\n  \
        --ip-permissions \"$(aws ec2 describe-security-groups --group-ids <default-sg-id> --query 'SecurityGroups[0].IpPermissions')\"\n\
        aws ec2 revoke-security-group-egress --group-id <default-sg-id> \\\n  \
        --ip-permissions \"$(aws ec2 describe-security-groups --group-ids <default-sg-id> --query 'SecurityGroups[0].IpPermissionsEgress')\"",
    terraform: "# Adopting the default group with no ingress/egress blocks removes all its rules.\n\
        resource \"aws_default_security_group\" \"default\" {\n  \
        vpc_id = aws_vpc.main.id\n}",
    docs: "## What it does\n\
        Reports the default security group of each VPC (the group named `default`) when it has \
        any inbound or outbound rule, listing the rules.\n\n\
        ## Why is this bad?\n\
        The default group is applied implicitly to anything launched without a group. Its \
        default rules allow all traffic between members and all outbound traffic, so a forgotten \
        resource ends up in a flat, permissive network segment.\n\n\
        ## How to fix\n\
        Remove every rule from each VPC's default group and attach purpose-built groups to \
        resources instead. In Terraform, manage it with an empty `aws_default_security_group`.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Default security groups for your VPCs\n\
        - CIS AWS Foundations Benchmark v3.0.0, 5.4\n\
        - Well-Architected SEC05-BP02 Control traffic flow within your network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2DefaultSgNotRestricted {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for sg in inv.security_groups.iter().filter(|g| g.name == "default") {
            if sg.ingress.is_empty() && sg.egress.is_empty() {
                out.pass(sg, "the default security group has no rules");
                continue;
            }
            out.fail(
                sg,
                format!(
                    "default security group of {} has {} inbound and {} outbound rule(s)",
                    if sg.vpc_id.is_empty() {
                        "its VPC"
                    } else {
                        sg.vpc_id.as_str()
                    },
                    sg.ingress.len(),
                    sg.egress.len()
                ),
                json!({
                    "group_id": sg.id,
                    "vpc_id": sg.vpc_id,
                    "ingress": sg.ingress.iter().map(sg_rule_evidence).collect::<Vec<_>>(),
                    "egress": sg.egress.iter().map(sg_rule_evidence).collect::<Vec<_>>(),
                }),
            );
        }
    }
}
