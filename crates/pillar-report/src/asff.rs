//! AWS Security Finding Format (ASFF) for `aws securityhub
//! batch-import-findings`.
//!
//! Shape: JSON Lines, each line one JSON array of at most 100 findings —
//! the most `BatchImportFindings` accepts per request ("Maximum of 100
//! findings per request", Security Hub API reference), so each line is one
//! call's `--findings` argument:
//!
//! ```text
//! pillar scan . --format asff -o findings.asff
//! while read -r batch; do aws securityhub batch-import-findings --findings "$batch"; done < findings.asff
//! ```
//!
//! Every finding carries the attributes Security Hub requires ("Required
//! top-level ASFF attributes"): `AwsAccountId`, `CreatedAt`, `Description`,
//! `GeneratorId`, `Id`, `ProductArn`, `Resources`, `SchemaVersion`
//! (`2018-10-08`), `Severity`, `Title`, `Types`, `UpdatedAt`;
//! `docs/asff-required.schema.json` lists them and the tests validate each
//! finding against it. `ProductArn` is the default product of a custom
//! integration, `arn:aws:securityhub:<region>:<account>:product/<account>/default`,
//! so the calling account must be the finding's `AwsAccountId` (the API's
//! rule for the default product ARN). Findings from files with no account
//! (Terraform, CloudFormation, code) take the account most findings of the
//! run have, else `000000000000`; their region likewise, else `us-east-1`.
//!
//! Lengths follow the API limits: `Title` at most 256 characters,
//! `Description` 1024, `Remediation.Recommendation.Text` 512.

use crate::{all_by_domain, Report, ReportError};
use pillar_model::{Finding, RuleInfo, Severity, Status, SuppressionNote};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The ASFF schema version.
pub const SCHEMA_VERSION: &str = "2018-10-08";
/// Findings per line (per `batch-import-findings` call).
pub const BATCH: usize = 100;

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// Cut `s` to at most `max` characters, marking the cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `AWS::EC2::SecurityGroup` → `AwsEc2SecurityGroup` (the ASFF resource
/// type names follow the CloudFormation names this way); anything else is
/// `Other`.
fn resource_type(kind: &str) -> String {
    let parts: Vec<&str> = kind.split("::").collect();
    if parts.len() != 3 || parts.first() != Some(&"AWS") {
        return "Other".to_owned();
    }
    let mut out = String::from("Aws");
    for p in parts.iter().skip(1) {
        let mut chars = p.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_uppercase());
            out.push_str(&keep_camel(chars.as_str()));
        }
    }
    out
}

/// Lower-case an all-caps word (`EC2` → `ec2`), keep camel case (`SecurityGroup`).
fn keep_camel(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        s.to_ascii_lowercase()
    } else {
        s.to_owned()
    }
}

/// The value most findings have (ties: the smallest), if any has one.
fn most_common<'a>(values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(v, _)| v)
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// One finding in ASFF.
pub(crate) fn finding(
    f: &Finding,
    rule: Option<&RuleInfo>,
    default_account: &str,
    default_region: &str,
    time: &str,
) -> Value {
    let account = f
        .resource
        .account
        .as_deref()
        .filter(|a| is_account(a))
        .unwrap_or(default_account);
    let region = f.resource.region.as_deref().unwrap_or(default_region);
    let detection = crate::ocsf::is_detection(f);
    let types = if detection {
        vec![format!("TTPs/{}", f.title.replace('/', "-"))]
    } else {
        vec![format!(
            "Software and Configuration Checks/AWS Security Best Practices/{}",
            f.domain.title()
        )]
    };
    let mut description = f.message.clone();
    if let Some(l) = &f.location {
        description.push_str(&format!(" ({l})"));
    }
    let mut resource = Map::new();
    resource.insert("Type".into(), json!(resource_type(&f.resource.kind)));
    resource.insert("Id".into(), json!(f.resource.id));
    resource.insert("Partition".into(), json!("aws"));
    resource.insert("Region".into(), json!(region));
    let mut product_fields = Map::new();
    product_fields.insert("pillar/rule".into(), json!(f.rule));
    product_fields.insert("pillar/domain".into(), json!(f.domain.as_str()));
    product_fields.insert("pillar/source".into(), json!(f.source.as_str()));
    product_fields.insert("pillar/resourceKind".into(), json!(f.resource.kind));
    if let Some(l) = &f.location {
        product_fields.insert("pillar/location".into(), json!(l.to_string()));
    }
    let mut out = Map::new();
    out.insert("SchemaVersion".into(), json!(SCHEMA_VERSION));
    out.insert("Id".into(), json!(format!("pillar/{}", f.fingerprint)));
    out.insert(
        "ProductArn".into(),
        json!(format!(
            "arn:aws:securityhub:{region}:{account}:product/{account}/default"
        )),
    );
    out.insert("GeneratorId".into(), json!(format!("pillar/{}", f.rule)));
    out.insert("AwsAccountId".into(), json!(account));
    out.insert("Types".into(), json!(types));
    out.insert("CreatedAt".into(), json!(time));
    out.insert("UpdatedAt".into(), json!(time));
    out.insert("Severity".into(), json!({ "Label": label(f.severity) }));
    out.insert("Title".into(), json!(cut(&f.title, 256)));
    out.insert("Description".into(), json!(cut(&description, 1024)));
    out.insert("Resources".into(), json!([Value::Object(resource)]));
    out.insert(
        "FindingProviderFields".into(),
        json!({ "Severity": { "Label": label(f.severity) }, "Types": types }),
    );
    if !detection {
        let mut related: Vec<String> = f.wa.iter().map(|w| format!("AWS WA {w}")).collect();
        related.extend(f.cis.iter().map(|c| format!("CIS AWS Foundations {c}")));
        related.truncate(32);
        out.insert(
            "Compliance".into(),
            json!({
                "Status": match f.status {
                    Status::Pass => "PASSED",
                    Status::Fail => "FAILED",
                    Status::Unknown => "NOT_AVAILABLE",
                },
                "RelatedRequirements": related,
            }),
        );
    }
    let fix = if f.remediation.console.is_empty() {
        rule.map(|r| r.remediation.console.as_str()).unwrap_or("")
    } else {
        f.remediation.console.as_str()
    };
    if f.status == Status::Fail && !fix.is_empty() {
        let mut rec = Map::new();
        rec.insert("Text".into(), json!(cut(fix, 512)));
        if let Some(u) = rule.map(|r| r.help_uri.as_str()).filter(|u| !u.is_empty()) {
            rec.insert("Url".into(), json!(u));
        }
        out.insert("Remediation".into(), json!({ "Recommendation": rec }));
    }
    out.insert("ProductFields".into(), Value::Object(product_fields));
    out.insert("RecordState".into(), json!("ACTIVE"));
    Value::Object(out)
}

/// Mark a finding suppressed in the source: workflow status `SUPPRESSED`
/// ("reviewed, no action needed", ASFF `Workflow.Status`), the reason and
/// place in the product fields.
fn suppress(obj: &mut Map<String, Value>, s: &SuppressionNote) {
    obj.insert("Workflow".into(), json!({ "Status": "SUPPRESSED" }));
    if let Some(Value::Object(p)) = obj.get_mut("ProductFields") {
        p.insert("pillar/suppressed".into(), json!(s.kind));
        p.insert(
            "pillar/suppressionReason".into(),
            json!(cut(&s.reason, 512)),
        );
        p.insert(
            "pillar/suppressionLocation".into(),
            json!(s.location.to_string()),
        );
    }
}

/// Write every finding, [`BATCH`] per line.
pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let rules: BTreeMap<&str, &RuleInfo> =
        report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let account = most_common(
        report
            .findings
            .iter()
            .filter_map(|f| f.resource.account.as_deref())
            .filter(|a| is_account(a)),
    )
    .unwrap_or("000000000000")
    .to_owned();
    let region = most_common(
        report
            .findings
            .iter()
            .filter_map(|f| f.resource.region.as_deref()),
    )
    .unwrap_or("us-east-1")
    .to_owned();
    let time = chrono::DateTime::from_timestamp(report.generated_at.unwrap_or(0), 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let findings = all_by_domain(report);
    for chunk in findings.chunks(BATCH) {
        let batch: Vec<Value> = chunk
            .iter()
            .map(|(f, suppression)| {
                let mut v = finding(
                    f,
                    rules.get(f.rule.as_str()).copied(),
                    &account,
                    &region,
                    &time,
                );
                if let (Some(s), Some(obj)) = (suppression, v.as_object_mut()) {
                    suppress(obj, s);
                }
                v
            })
            .collect();
        serde_json::to_writer(&mut *out, &batch)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_follow_cloudformation_names() {
        assert_eq!(
            resource_type("AWS::EC2::SecurityGroup"),
            "AwsEc2SecurityGroup"
        );
        assert_eq!(resource_type("AWS::S3::Bucket"), "AwsS3Bucket");
        assert_eq!(resource_type("AWS::IAM::User"), "AwsIamUser");
        assert_eq!(resource_type("file"), "Other");
    }

    #[test]
    fn cut_keeps_limits() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcdef", 4).chars().count(), 4);
    }
}
