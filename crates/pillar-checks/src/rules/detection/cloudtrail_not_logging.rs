//! `cloudtrail-not-logging`

use super::util::unique_trails;
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct CloudtrailNotLogging;
/// Registered instance.
pub static RULE: CloudtrailNotLogging = CloudtrailNotLogging;

static META: Meta = Meta {
    id: "cloudtrail-not-logging",
    title: "CloudTrail trail is not logging",
    severity: Severity::High,
    domain: Domain::Detection,
    service: "cloudtrail",
    wa: &["SEC04-BP01"],
    cis: &[],
    rationale: "A stopped trail records nothing. StopLogging is a classic first step of an \
        intruder covering their tracks, and a trail left stopped after maintenance silently \
        removes the audit record.",
    console: "CloudTrail > Trails > the trail > Start logging. Then find out who stopped it \
        (Event history, Event name = StopLogging).",
    cli: "aws cloudtrail start-logging --name <TRAIL>\n\
        aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=StopLogging",
    terraform: "resource \"aws_cloudtrail\" \"main\" {\n\
        \x20 # ...\n\
        \x20 enable_logging = true\n\
        }",
    docs: "## What it does\n\
        Fails for every trail whose status (`get-trail-status`) shows `IsLogging: false`. The \
        latest delivery error, if any, is included as evidence.\n\n\
        ## Why is this bad?\n\
        While a trail is stopped, no event reaches its bucket or log group, so detection rules, \
        metric filters and investigations that rely on it are blind.\n\n\
        ## How to fix\n\
        Start logging, investigate the `StopLogging` call, and protect trails with an SCP that \
        denies `cloudtrail:StopLogging` and `cloudtrail:DeleteTrail`.\n\n\
        ## References\n\
        - AWS CloudTrail API Reference: StartLogging, GetTrailStatus\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n",
    since: "0.1.0",
};

impl Rule for CloudtrailNotLogging {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for t in unique_trails(inv) {
            match &t.status {
                Known::Known(s) if s.is_logging => out.pass(t, "trail is logging"),
                Known::Known(s) => out.fail(
                    t,
                    format!("trail {} is not logging", t.name),
                    json!({
                        "trail": t.arn,
                        "is_logging": false,
                        "latest_delivery_error": s.latest_delivery_error,
                        "latest_delivery_time": s.latest_delivery_time,
                    }),
                ),
                Known::Unknown(reason) => out.unknown(t, format!("trail status unknown: {reason}")),
            }
        }
    }
}
