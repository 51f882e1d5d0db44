//! The JSON report, schema `pillar-report/v1` (`docs/report-schema.json`).

use crate::summary::Summary;
use crate::{by_domain, sorted_rules, Report, ReportError};
use pillar_model::{Finding, RuleInfo, Skipped};
use serde::Serialize;

/// The schema id written in every JSON report. A change that removes or
/// renames a field bumps it; adding an optional field does not.
pub const SCHEMA_ID: &str = "pillar-report/v1";

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    tool: Tool<'a>,
    sources: &'a [String],
    summary: Summary,
    rules: Vec<&'a RuleInfo>,
    findings: Vec<&'a Finding>,
    baselined: Vec<&'a Finding>,
    skipped: Vec<&'a Skipped>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

pub(crate) fn render(report: &Report) -> Result<String, ReportError> {
    let mut buf = Vec::new();
    write(report, &mut buf)?;
    String::from_utf8(buf).map_err(|e| ReportError::Io(std::io::Error::other(e)))
}

/// Write the JSON report straight to `out`, without an intermediate string.
pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by(|a, b| by_domain(a, b));
    let mut baselined: Vec<&Finding> = report.baselined.iter().collect();
    baselined.sort_by(|a, b| by_domain(a, b));
    let mut skipped: Vec<&Skipped> = report.skipped.iter().collect();
    skipped.sort();
    let doc = JsonReport {
        schema: SCHEMA_ID,
        tool: Tool {
            name: "pillar",
            version: &report.tool_version,
        },
        sources: &report.sources,
        summary: Summary::of(report),
        rules: sorted_rules(&report.rules),
        findings,
        baselined,
        skipped,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}
