//! `ec2-vpc-flow-logs-disabled`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::iam::util::arn_region;
use pillar_model::{Domain, Inventory, Service, Severity, SourceKind};
use serde_json::json;

/// The rule.
pub struct Ec2VpcFlowLogsDisabled;
/// Registered instance.
pub static RULE: Ec2VpcFlowLogsDisabled = Ec2VpcFlowLogsDisabled;

static META: Meta = Meta {
    id: "ec2-vpc-flow-logs-disabled",
    title: "VPC has no flow log",
    severity: Severity::Medium,
    domain: Domain::Detection,
    service: "ec2",
    wa: &["SEC04-BP01"],
    cis: &["3.7"],
    rationale: "Flow logs are the record of who talked to what on the network. Without them, \
        exfiltration, scanning and connections to known-bad hosts cannot be seen or \
        investigated, and GuardDuty's own analysis does not reach your log archive.",
    console: "VPC > Your VPCs > the VPC > Flow logs > Create flow log: Filter All (at least \
        Reject for CIS), destination CloudWatch Logs or S3, with a log group or bucket that \
        retains logs long enough.",
    cli: "aws ec2 create-flow-logs --resource-type VPC --resource-ids <VPC_ID> --traffic-type ALL \\\n\
        \x20 --log-destination-type s3 --log-destination arn:aws:s3:::<FLOW_LOG_BUCKET>/vpc/",
    terraform: "resource \"aws_flow_log\" \"vpc\" {\n\
        \x20 vpc_id               = aws_vpc.main.id\n\
        \x20 traffic_type         = \"ALL\"\n\
        \x20 log_destination_type = \"s3\"\n\
        \x20 log_destination      = \"${aws_s3_bucket.flow_logs.arn}/vpc/\"\n\
        }",
    docs: "## What it does\n\
        For every VPC, fails when no flow log is attached to the VPC itself (a flow log whose \
        resource id is the VPC id). Flow logs on single subnets or network interfaces do not \
        count. Not assessed unless flow logs were collected for the VPC's region. A VPC declared \
        in Terraform or CloudFormation is judged by the flow logs the same configuration \
        declares for it.\n\n\
        ## Why is this bad?\n\
        Without VPC-wide flow logs, traffic to and from instances, containers and endpoints in \
        the VPC leaves no trace for detection rules or incident responders.\n\n\
        ## How to fix\n\
        Create a flow log on every VPC (traffic type `ALL`, or at least `REJECT` as CIS asks) \
        delivering to S3 or CloudWatch Logs, and query it with Athena or Logs Insights.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Logging IP traffic using VPC Flow Logs\n\
        - CIS AWS Foundations Benchmark v3.0, 3.7\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n",
    since: "0.1.0",
};

impl Rule for Ec2VpcFlowLogsDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for vpc in &inv.vpcs {
            // A VPC declared in Terraform or CloudFormation is judged by the
            // flow logs the same configuration declares for it; one read from
            // the account, by those collected for its region.
            let declared = matches!(
                vpc.resource.source,
                Some(SourceKind::Terraform) | Some(SourceKind::Cloudformation)
            );
            let region = vpc
                .resource
                .region
                .as_deref()
                .or_else(|| arn_region(&vpc.resource.id));
            if !declared {
                let Some(region) = region else {
                    out.unknown(vpc, "the VPC's region is unknown");
                    continue;
                };
                if !inv.covers(Service::FlowLogs, region) {
                    out.unknown(vpc, format!("flow logs not collected for {region}"));
                    continue;
                }
            }
            let logs: Vec<&str> = inv
                .flow_logs
                .iter()
                .filter(|f| f.resource_id == vpc.id)
                .map(|f| f.id.as_str())
                .collect();
            if !logs.is_empty() {
                out.pass(vpc, format!("VPC has flow log(s) {}", logs.join(", ")));
            } else if declared {
                out.fail(
                    vpc,
                    format!("VPC {} has no flow log in the configuration", vpc.id),
                    json!({ "vpc_id": vpc.id, "is_default": vpc.is_default }),
                );
            } else {
                out.fail(
                    vpc,
                    format!("VPC {} has no flow log", vpc.id),
                    json!({ "vpc_id": vpc.id, "region": region, "is_default": vpc.is_default }),
                );
            }
        }
    }
}
