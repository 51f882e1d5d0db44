//! Baselines: accept the failures an earlier report already had, so a scan
//! reports only what is new.
//!
//! A baseline is an earlier JSON report (`--format json`) or SARIF report
//! (`--format sarif`). Its fingerprints identify a rule on a resource, not a
//! line, so they survive edits that move code around.

use crate::{json::SCHEMA_ID, sarif::FINGERPRINT_KEY, Report, ReportError};
use pillar_model::Status;
use serde_json::Value;
use std::collections::BTreeSet;

/// The fingerprints of the failures in an earlier report: its failing
/// findings and those it had itself baselined. Reads pillar JSON reports
/// (`pillar-report/v1`) and pillar SARIF reports.
pub fn fingerprints_from_json(text: &str) -> Result<BTreeSet<String>, ReportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ReportError::BaselineSyntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if let Some(schema) = doc.get("schema").and_then(Value::as_str) {
        if schema != SCHEMA_ID {
            return Err(ReportError::BaselineShape(format!(
                "unsupported schema `{schema}` (expected `{SCHEMA_ID}`)"
            )));
        }
        return from_pillar_json(&doc);
    }
    if doc.get("version").and_then(Value::as_str) == Some("2.1.0") && doc.get("runs").is_some() {
        return from_sarif(&doc);
    }
    Err(ReportError::BaselineShape(format!(
        "expected a JSON report with \"schema\": \"{SCHEMA_ID}\" or a SARIF 2.1.0 report"
    )))
}

fn array<'a>(doc: &'a Value, key: &str) -> Result<&'a [Value], ReportError> {
    match doc.get(key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ReportError::BaselineShape(format!(
            "`{key}` is not an array"
        ))),
    }
}

fn from_pillar_json(doc: &Value) -> Result<BTreeSet<String>, ReportError> {
    let mut out = BTreeSet::new();
    for key in ["findings", "baselined"] {
        for (i, f) in array(doc, key)?.iter().enumerate() {
            let failing = key == "baselined"
                || f.get("status").and_then(Value::as_str) == Some(Status::Fail.as_str());
            if !failing {
                continue;
            }
            let fp = f
                .get("fingerprint")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    ReportError::BaselineShape(format!("{key}[{i}] has no fingerprint"))
                })?;
            out.insert(fp.to_owned());
        }
    }
    Ok(out)
}

fn from_sarif(doc: &Value) -> Result<BTreeSet<String>, ReportError> {
    let mut out = BTreeSet::new();
    for (r, run) in array(doc, "runs")?.iter().enumerate() {
        for (i, result) in array(run, "results")?.iter().enumerate() {
            let fp = result
                .get("partialFingerprints")
                .and_then(|p| p.get(FINGERPRINT_KEY))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ReportError::BaselineShape(format!(
                        "runs[{r}].results[{i}] has no partialFingerprints.\"{FINGERPRINT_KEY}\""
                    ))
                })?;
            out.insert(fp.to_owned());
        }
    }
    Ok(out)
}

/// Move every failure whose fingerprint is in `known` from
/// `report.findings` to `report.baselined`, where the summary counts it
/// and no format lists it as a failure. Passes and not-assessed results
/// stay. Returns how many failures were moved.
pub fn apply(report: &mut Report, known: &BTreeSet<String>) -> usize {
    let (accepted, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut report.findings)
        .into_iter()
        .partition(|f| f.status == Status::Fail && known.contains(&f.fingerprint));
    report.findings = kept;
    let moved = accepted.len();
    report.baselined.extend(accepted);
    report.baselined.sort_by(crate::by_severity);
    moved
}
