//! `cloudtrail-log-retention-short`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use crate::rules::detection::util::unique_trails;
use crate::rules::iam::util::arn_region;
use pillar_model::resources::Trail;
use pillar_model::{Domain, Inventory, Known, Service, Severity};
use serde_json::{json, Value};

/// The rule.
pub struct CloudtrailLogRetentionShort;
/// Registered instance.
pub static RULE: CloudtrailLogRetentionShort = CloudtrailLogRetentionShort;

/// Logs kept for fewer days than this fail.
const MIN_RETENTION_DAYS: i64 = 365;

static META: Meta = Meta {
    id: "cloudtrail-log-retention-short",
    title: "CloudTrail logs are deleted after less than a year",
    severity: Severity::Medium,
    domain: Domain::IncidentResponse,
    service: "cloudtrail",
    wa: &["SEC10-BP03", "SEC04-BP01"],
    cis: &[],
    rationale: "Intrusions are often discovered months after they start. If the trail's logs \
        expire sooner, the investigation cannot see how the attacker got in or what they did.",
    console: "S3 > the trail's bucket > Management > Lifecycle rules: edit rules that apply to \
        the trail's AWSLogs/ prefix so current objects expire after 365 days or more (transition \
        to Glacier instead of deleting). CloudWatch Logs > Log groups > the trail's group > \
        Actions > Edit retention setting: 1 year or more (or Never expire).",
    cli: "aws s3api put-bucket-lifecycle-configuration --bucket <TRAIL_BUCKET> --lifecycle-configuration file://lifecycle.json\n\
        # lifecycle.json: a rule on prefix AWSLogs/ with Transitions to GLACIER and Expiration Days >= 365\n\
        aws logs put-retention-policy --log-group-name <TRAIL_LOG_GROUP> --retention-in-days 365",
    terraform: "resource \"aws_s3_bucket_lifecycle_configuration\" \"trail\" {\n\
        \x20 bucket = aws_s3_bucket.trail.id\n\
        \x20 rule {\n\
        \x20   id     = \"archive-cloudtrail\"\n\
        \x20   status = \"Enabled\"\n\
        \x20   filter {\n\
        \x20     prefix = \"AWSLogs/\"\n\
        \x20   }\n\
        \x20   transition {\n\
        \x20     days          = 90\n\
        \x20     storage_class = \"GLACIER\"\n\
        \x20   }\n\
        \x20   expiration {\n\
        \x20     days = 2555   # 7 years; at least 365\n\
        \x20   }\n\
        \x20 }\n\
        }\n\
        resource \"aws_cloudwatch_log_group\" \"trail\" {\n\
        \x20 name              = \"aws-cloudtrail-logs\"\n\
        \x20 retention_in_days = 365\n\
        }",
    docs: "## What it does\n\
        For every trail, fails when an enabled lifecycle rule of its destination bucket expires \
        current objects in under 365 days and applies to the trail's logs (empty prefix, or a \
        prefix overlapping `<S3KeyPrefix>/AWSLogs/`), or when the CloudWatch Logs group the \
        trail delivers to keeps events for under 365 days. Not assessed when the bucket, its \
        lifecycle, the trail's key prefix (needed for non-empty rule prefixes) or the log group \
        are unknown. A trail whose logs are never expired passes.\n\n\
        ## Why is this bad?\n\
        Attackers dwell for weeks to months before discovery. Investigators, auditors and \
        regulators commonly need a year or more of API history; once expired it cannot be \
        recovered. (CloudTrail Event history only keeps 90 days of management events.)\n\n\
        ## How to fix\n\
        Keep trail logs at least a year: transition them to cheaper storage classes instead of \
        expiring them, and set the log group's retention to 365 days or more.\n\n\
        ## References\n\
        - AWS CloudTrail User Guide: Finding your CloudTrail log files (AWSLogs/ layout)\n\
        - Amazon S3 User Guide: Managing your storage lifecycle\n\
        - Amazon CloudWatch Logs User Guide: Change log data retention\n\
        - Well-Architected SEC10-BP03 Prepare forensic capabilities\n\
        - Well-Architected SEC04-BP01 Configure service and application logging\n",
    since: "0.1.0",
};

/// Where the trail's log objects start in its bucket.
fn logs_prefix(t: &Trail) -> Known<String> {
    t.s3_key_prefix.clone().map(|p| match p {
        Some(p) if !p.trim_matches('/').is_empty() => {
            format!("{}/AWSLogs/", p.trim_end_matches('/'))
        }
        _ => "AWSLogs/".to_owned(),
    })
}

/// The log group's name from its ARN (`…:log-group:<name>[:*]`).
fn log_group_name(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":log-group:")?.1;
    Some(rest.strip_suffix(":*").unwrap_or(rest))
}

impl Rule for CloudtrailLogRetentionShort {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for t in unique_trails(inv) {
            let mut short: Vec<Value> = Vec::new();
            let mut missing: Vec<String> = Vec::new();
            match &t.s3_bucket {
                Known::Known(Some(name)) => match inv.bucket(name).map(|b| &b.lifecycle_rules) {
                    None => missing.push(format!("bucket {name} is not in the inventory")),
                    Some(Known::Unknown(r)) => missing.push(format!("lifecycle of {name}: {r}")),
                    Some(Known::Known(rules)) => {
                        let prefix = logs_prefix(t);
                        for rule in rules.iter().filter(|r| r.enabled) {
                            let Some(days) =
                                rule.expiration_days.filter(|d| *d < MIN_RETENTION_DAYS)
                            else {
                                continue;
                            };
                            let covers = if rule.prefix.is_empty() {
                                Known::Known(true)
                            } else {
                                prefix.as_ref().map(|p| {
                                    p.starts_with(rule.prefix.as_str())
                                        || rule.prefix.starts_with(p.as_str())
                                })
                            };
                            match covers {
                                Known::Known(true) => short.push(json!({
                                    "bucket": name,
                                    "lifecycle_rule": rule.id,
                                    "prefix": rule.prefix,
                                    "expiration_days": days,
                                })),
                                Known::Known(false) => {}
                                Known::Unknown(r) => missing.push(format!(
                                    "lifecycle rule {} (prefix {}) may cover the logs; trail key prefix: {r}",
                                    rule.id.as_deref().unwrap_or("?"),
                                    rule.prefix
                                )),
                            }
                        }
                    }
                },
                Known::Known(None) => {}
                Known::Unknown(r) => missing.push(format!("destination bucket: {r}")),
            }
            if let Some(arn) = &t.cloudwatch_logs_group_arn {
                let name = log_group_name(arn);
                let group = inv.log_groups.iter().find(|g| {
                    g.arn.trim_end_matches(":*") == arn.trim_end_matches(":*")
                        || name.is_some_and(|n| n == g.name)
                });
                match group {
                    Some(g) => {
                        if let Some(days) = g.retention_days.filter(|d| *d < MIN_RETENTION_DAYS) {
                            short.push(json!({ "log_group": g.name, "retention_days": days }));
                        }
                    }
                    None => {
                        let region = arn_region(arn).unwrap_or("");
                        if !inv.covers(Service::Logs, region) {
                            missing
                                .push(format!("log group {} not collected", name.unwrap_or(arn)));
                        }
                    }
                }
            }
            if !short.is_empty() {
                out.fail(
                    t,
                    format!(
                        "trail {} logs are deleted after less than {MIN_RETENTION_DAYS} days",
                        t.name
                    ),
                    json!({ "trail": t.arn, "short_retention": short }),
                );
            } else if !missing.is_empty() {
                out.unknown(t, missing.join("; "));
            } else {
                out.pass(
                    t,
                    format!("trail logs are kept at least {MIN_RETENTION_DAYS} days"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(prefix: Known<Option<String>>) -> Trail {
        Trail {
            s3_key_prefix: prefix,
            ..Trail::default()
        }
    }

    #[test]
    fn logs_prefix_follows_the_key_prefix() {
        assert_eq!(
            logs_prefix(&trail(Known::Known(None))),
            Known::Known("AWSLogs/".to_owned())
        );
        assert_eq!(
            logs_prefix(&trail(Known::Known(Some("audit/".to_owned())))),
            Known::Known("audit/AWSLogs/".to_owned())
        );
        assert!(!logs_prefix(&trail(Known::unknown("not collected"))).is_known());
    }

    #[test]
    fn log_group_name_from_arn() {
        assert_eq!(
            log_group_name("arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs:*"),
            Some("aws-cloudtrail-logs")
        );
        assert_eq!(log_group_name("not-an-arn"), None);
    }

    #[test]
    fn unknown_key_prefix_with_a_prefixed_rule_is_not_assessed() {
        let inv: Inventory = serde_json::from_str(
            r#"{"trails":[{"resource":{"kind":"AWS::CloudTrail::Trail","id":"t"},"name":"t","s3_bucket":"b"}],
                "buckets":[{"name":"b","resource":{"kind":"AWS::S3::Bucket","id":"arn:aws:s3:::b"},
                  "lifecycle_rules":[{"id":"x","enabled":true,"prefix":"logs/","expiration_days":30}]}]}"#,
        )
        .unwrap();
        let mut out = Out::new(&META);
        RULE.check(&inv, &mut out);
        let statuses: Vec<_> = out.findings().iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![pillar_model::Status::Unknown]);
    }
}
