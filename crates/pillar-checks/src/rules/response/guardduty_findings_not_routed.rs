//! `guardduty-findings-not-routed`

use crate::meta::{Meta, Rule};
use crate::out::{region_ref, Out};
use crate::rules::iam::util::{arn_region, resource_account, same_account};
use pillar_model::resources::EventRule;
use pillar_model::{Domain, Inventory, Known, Service, Severity, Status};
use serde_json::{json, Value};

/// The rule.
pub struct GuarddutyFindingsNotRouted;
/// Registered instance.
pub static RULE: GuarddutyFindingsNotRouted = GuarddutyFindingsNotRouted;

static META: Meta = Meta {
    id: "guardduty-findings-not-routed",
    title: "GuardDuty findings are not routed to anyone (no EventBridge rule with a target)",
    severity: Severity::Medium,
    domain: Domain::IncidentResponse,
    service: "guardduty",
    wa: &["SEC10-BP02", "SEC04-BP03"],
    cis: &[],
    rationale: "A GuardDuty finding nobody receives is a detection without a response. Routing \
        findings through EventBridge to a queue, pager, chat or automated playbook is what turns \
        them into incidents that get handled.",
    console: "Amazon EventBridge > Rules > Create rule (default event bus, same region): event \
        pattern source aws.guardduty, detail-type GuardDuty Finding (optionally filter severity), \
        then add a target such as an SNS topic subscribed by the on-call team, or a Lambda / Step \
        Functions playbook.",
    cli: "aws events put-rule --name guardduty-findings \\\n\
        \x20 --event-pattern '{\"source\":[\"aws.guardduty\"],\"detail-type\":[\"GuardDuty Finding\"]}'\n\
        aws events put-targets --rule guardduty-findings --targets Id=oncall,Arn=<SNS_TOPIC_ARN>",
    terraform: "resource \"aws_cloudwatch_event_rule\" \"guardduty\" {\n\
        \x20 name          = \"guardduty-findings\"\n\
        \x20 event_pattern = jsonencode({ source = [\"aws.guardduty\"], \"detail-type\" = [\"GuardDuty Finding\"] })\n\
        }\n\
        resource \"aws_cloudwatch_event_target\" \"oncall\" {\n\
        \x20 rule = aws_cloudwatch_event_rule.guardduty.name\n\
        \x20 arn  = aws_sns_topic.security_alerts.arn\n\
        }",
    docs: "## What it does\n\
        For every account and region where GuardDuty is enabled, looks for an enabled \
        EventBridge rule whose event pattern matches GuardDuty events (`source` `aws.guardduty`, \
        including a prefix match, or `detail-type` `GuardDuty Finding`) and that has at least \
        one target. Not assessed when EventBridge rules were not collected for the region, or \
        when GuardDuty's status there is unknown.\n\n\
        ## Why is this bad?\n\
        GuardDuty only lists findings in its console. Unless they are routed, someone must \
        remember to look, per region, and high-severity findings wait until they do.\n\n\
        ## How to fix\n\
        In each region (or in the delegated administrator account's regions), add an \
        EventBridge rule for GuardDuty findings with a target that reaches the responders or \
        starts an automated playbook. Security Hub aggregation plus a rule on \
        `aws.securityhub` is an alternative this rule does not recognise.\n\n\
        ## References\n\
        - Amazon GuardDuty User Guide: Processing GuardDuty findings with Amazon EventBridge\n\
        - Well-Architected SEC10-BP02 Develop incident management plans\n\
        - Well-Architected SEC04-BP03 Correlate and enrich security alerts\n",
    since: "0.1.0",
};

/// Whether an event-pattern value list matches `wanted` (plain strings or
/// `{"prefix": …}` objects).
fn list_matches(v: Option<&Value>, wanted: &str) -> bool {
    let items: Vec<&Value> = match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
        None => return false,
    };
    items.iter().any(|item| match item {
        Value::String(s) => s == wanted,
        Value::Object(m) => m
            .get("prefix")
            .and_then(Value::as_str)
            .is_some_and(|p| wanted.starts_with(p)),
        _ => false,
    })
}

/// Whether an event pattern matches GuardDuty findings.
fn matches_guardduty(rule: &EventRule) -> bool {
    rule.event_pattern.as_ref().is_some_and(|p| {
        let source = p.get("source");
        if source.is_some() {
            list_matches(source, "aws.guardduty")
        } else {
            list_matches(p.get("detail-type"), "GuardDuty Finding")
        }
    })
}

impl Rule for GuarddutyFindingsNotRouted {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for rs in &inv.regions {
            let account = rs.account.as_deref();
            let r = region_ref("AWS::GuardDuty::Detector", account, &rs.region);
            match &rs.guardduty_detectors {
                Known::Known(d) if d.iter().any(|d| d.enabled) => {}
                Known::Known(_) => continue,
                Known::Unknown(reason) => {
                    out.report(
                        Status::Unknown,
                        r,
                        None,
                        format!("GuardDuty status not collected: {reason}"),
                        Value::Null,
                        "",
                    );
                    continue;
                }
            }
            if !inv.covers(Service::Events, &rs.region) {
                out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!("EventBridge rules not collected for {}", rs.region),
                    Value::Null,
                    "",
                );
                continue;
            }
            let candidates: Vec<&EventRule> = inv
                .event_rules
                .iter()
                .filter(|e| {
                    let region = e.resource.region.as_deref().or_else(|| arn_region(&e.arn));
                    region.is_none_or(|reg| reg == rs.region)
                        && same_account(resource_account(&e.resource, &e.arn), account)
                        && e.enabled
                        && matches_guardduty(e)
                })
                .collect();
            let routed = candidates
                .iter()
                .find(|e| matches!(&e.targets, Known::Known(t) if !t.is_empty()));
            let undecided: Vec<&str> = candidates
                .iter()
                .filter(|e| !e.targets.is_known())
                .map(|e| e.name.as_str())
                .collect();
            if let Some(e) = routed {
                out.report(
                    Status::Pass,
                    r,
                    None,
                    format!(
                        "GuardDuty findings in {} are routed by rule {}",
                        rs.region, e.name
                    ),
                    Value::Null,
                    "",
                );
            } else if !undecided.is_empty() {
                out.report(
                    Status::Unknown,
                    r,
                    None,
                    format!("targets not collected for rule(s) {}", undecided.join(", ")),
                    Value::Null,
                    "",
                );
            } else {
                let without_targets: Vec<&str> =
                    candidates.iter().map(|e| e.name.as_str()).collect();
                out.report(
                    Status::Fail,
                    r,
                    None,
                    format!("no enabled EventBridge rule with a target routes GuardDuty findings in {}", rs.region),
                    json!({ "region": rs.region, "matching_rules_without_targets": without_targets }),
                    "",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: Value) -> EventRule {
        EventRule {
            event_pattern: Some(pattern),
            ..EventRule::default()
        }
    }

    #[test]
    fn patterns_that_match_guardduty() {
        assert!(matches_guardduty(&rule(
            json!({"source": ["aws.guardduty"]})
        )));
        assert!(matches_guardduty(&rule(
            json!({"source": [{"prefix": "aws."}]})
        )));
        assert!(matches_guardduty(&rule(
            json!({"detail-type": ["GuardDuty Finding"]})
        )));
        assert!(!matches_guardduty(&rule(
            json!({"source": ["aws.securityhub"]})
        )));
        assert!(!matches_guardduty(&rule(
            json!({"source": ["aws.ec2"], "detail-type": ["GuardDuty Finding"]})
        )));
        assert!(!matches_guardduty(&EventRule::default()));
    }
}
