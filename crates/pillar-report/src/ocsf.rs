//! OCSF 1.1 events (Open Cybersecurity Schema Framework, schema.ocsf.io),
//! one JSON object per line (JSON Lines).
//!
//! * Posture results become **Compliance Finding** events (class_uid 2003,
//!   category 2 "Findings"): one per rule × resource, passes included, with
//!   `compliance.status_id` 1 Pass / 2 Warning (not assessed) / 3 Fail, the
//!   Well-Architected ids in `compliance.requirements` and the rule in
//!   `compliance.control`.
//! * Detections (findings from logs) become **Detection Finding** events
//!   (class_uid 2004).
//!
//! Every event carries the attributes the base event and the two classes
//! require: `activity_id` (1 Create), `category_uid`, `class_uid`,
//! `type_uid` (class_uid × 100 + activity_id), `severity_id` (1
//! Informational … 5 Critical), `time` (milliseconds since the epoch),
//! `metadata` with `product` and `version`, `finding_info` with `uid` and
//! `title`, and `compliance` for class 2003; `docs/ocsf-required.schema.json`
//! lists them and the tests validate every event against it.
//!
//! Why JSON Lines: Amazon Security Lake stores custom-source data as
//! Parquet, one OCSF class per source ("Collecting data from custom sources
//! in Security Lake"); record-oriented JSON is what the usual converters
//! (Firehose record format conversion, Glue, `jq`) read, and one object per
//! line lets a pipeline split the two classes with one filter on
//! `class_uid`.

use crate::{all_by_domain, Report, ReportError};
use pillar_model::{Finding, RuleInfo, Severity, SourceKind, Status};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The OCSF schema version written in `metadata.version`.
pub const OCSF_VERSION: &str = "1.1.0";
/// Compliance Finding.
pub const COMPLIANCE_FINDING: u32 = 2003;
/// Detection Finding.
pub const DETECTION_FINDING: u32 = 2004;

/// OCSF `severity_id`.
fn severity_id(s: Severity) -> u32 {
    match s {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "Informational",
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// Whether a finding is a detection (from logs) rather than a posture result.
pub(crate) fn is_detection(f: &Finding) -> bool {
    f.source == SourceKind::Logs
}

/// One finding as an OCSF event.
pub(crate) fn event(
    f: &Finding,
    rule: Option<&RuleInfo>,
    tool_version: &str,
    time_ms: i64,
) -> Value {
    let detection = is_detection(f);
    let class_uid = if detection {
        DETECTION_FINDING
    } else {
        COMPLIANCE_FINDING
    };
    let activity_id = 1u32;
    let mut finding_info = json!({
        "uid": f.fingerprint,
        "title": f.title,
        "desc": f.message,
        "types": [f.domain.title()],
        "created_time": time_ms,
        "product_uid": f.rule,
    });
    if let (Some(obj), Some(r)) = (finding_info.as_object_mut(), rule) {
        if !r.help_uri.is_empty() {
            obj.insert("src_url".into(), json!(r.help_uri));
        }
    }
    let mut resource = Map::new();
    resource.insert("uid".into(), json!(f.resource.id));
    resource.insert("type".into(), json!(f.resource.kind));
    if let Some(n) = &f.resource.name {
        resource.insert("name".into(), json!(n));
    }
    if let Some(r) = &f.resource.region {
        resource.insert("region".into(), json!(r));
    }
    if let Some(a) = &f.resource.account {
        resource.insert(
            "owner".into(),
            json!({ "account": { "uid": a, "type_id": 10 } }),
        );
    }
    let mut cloud = Map::new();
    cloud.insert("provider".into(), json!("AWS"));
    if let Some(a) = &f.resource.account {
        cloud.insert(
            "account".into(),
            json!({ "uid": a, "type_id": 10, "type": "AWS Account" }),
        );
    }
    if let Some(r) = &f.resource.region {
        cloud.insert("region".into(), json!(r));
    }
    let (status_id, status) = match f.status {
        Status::Fail => (1, "New"),
        Status::Unknown => (1, "New"),
        Status::Pass => (4, "Resolved"),
    };
    let mut ev = Map::new();
    ev.insert("activity_id".into(), json!(activity_id));
    ev.insert("activity_name".into(), json!("Create"));
    ev.insert("category_uid".into(), json!(2));
    ev.insert("category_name".into(), json!("Findings"));
    ev.insert("class_uid".into(), json!(class_uid));
    ev.insert(
        "class_name".into(),
        json!(if detection {
            "Detection Finding"
        } else {
            "Compliance Finding"
        }),
    );
    ev.insert("type_uid".into(), json!(class_uid * 100 + activity_id));
    ev.insert("severity_id".into(), json!(severity_id(f.severity)));
    ev.insert("severity".into(), json!(severity_name(f.severity)));
    ev.insert("status_id".into(), json!(status_id));
    ev.insert("status".into(), json!(status));
    ev.insert("time".into(), json!(time_ms));
    ev.insert("message".into(), json!(f.message));
    ev.insert(
        "metadata".into(),
        json!({
            "version": OCSF_VERSION,
            "uid": f.fingerprint,
            "product": {
                "name": "pillar",
                "vendor_name": "pillar",
                "version": tool_version,
                "feature": { "name": f.source.as_str() },
            },
        }),
    );
    ev.insert("finding_info".into(), finding_info);
    ev.insert("cloud".into(), Value::Object(cloud));
    ev.insert("resources".into(), json!([Value::Object(resource)]));
    if !detection {
        let (cs_id, cs) = match f.status {
            Status::Pass => (1, "Pass"),
            Status::Unknown => (2, "Warning"),
            Status::Fail => (3, "Fail"),
        };
        let mut standards = vec![json!("AWS Well-Architected Framework Security Pillar")];
        if !f.cis.is_empty() {
            standards.push(json!("CIS AWS Foundations Benchmark"));
        }
        let mut requirements: Vec<&String> = f.wa.iter().collect();
        requirements.extend(f.cis.iter());
        ev.insert(
            "compliance".into(),
            json!({
                "control": f.rule,
                "standards": standards,
                "requirements": requirements,
                "status_id": cs_id,
                "status": cs,
            }),
        );
    }
    let fix = &f.remediation;
    if !fix.is_empty() {
        let mut desc = fix.console.clone();
        for part in [&fix.cli, &fix.terraform] {
            if !part.is_empty() {
                if !desc.is_empty() {
                    desc.push_str("\n\n");
                }
                desc.push_str(part);
            }
        }
        ev.insert("remediation".into(), json!({ "desc": desc }));
    }
    let mut unmapped = Map::new();
    unmapped.insert("rule".into(), json!(f.rule));
    unmapped.insert("domain".into(), json!(f.domain.as_str()));
    unmapped.insert("source".into(), json!(f.source.as_str()));
    if let Some(l) = &f.location {
        unmapped.insert("location".into(), json!(l));
    }
    if !f.evidence.is_null() {
        unmapped.insert("evidence".into(), f.evidence.clone());
    }
    ev.insert("unmapped".into(), Value::Object(unmapped));
    Value::Object(ev)
}

/// Write every finding as one OCSF event per line.
pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let rules: BTreeMap<&str, &RuleInfo> =
        report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let time_ms = report.generated_at.unwrap_or(0).saturating_mul(1000);
    let findings = all_by_domain(report);
    for (f, suppression) in findings {
        let mut ev = event(
            f,
            rules.get(f.rule.as_str()).copied(),
            &report.tool_version,
            time_ms,
        );
        if let (Some(s), Some(obj)) = (suppression, ev.as_object_mut()) {
            // OCSF finding status 3: Suppressed.
            obj.insert("status_id".into(), json!(3));
            obj.insert("status".into(), json!("Suppressed"));
            obj.insert(
                "status_detail".into(),
                json!(format!(
                    "suppressed in the source at {}: {}",
                    s.location, s.reason
                )),
            );
            if let Some(Value::Object(u)) = obj.get_mut("unmapped") {
                u.insert("suppression".into(), json!(s));
            }
        }
        serde_json::to_writer(&mut *out, &ev)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
