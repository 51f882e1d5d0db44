//! The JSON report, schema `pillar-report/v1` (`docs/report-schema.json`).

use crate::summary::Summary;
use crate::{by_domain, sorted_rules, Report, ReportError};
use pillar_model::{Finding, RuleInfo, Skipped, Suppressed};
use serde::{Deserialize, Serialize};

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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressed: Vec<&'a Suppressed>,
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
    let mut suppressed: Vec<&Suppressed> = report.suppressed.iter().collect();
    suppressed.sort_by(|a, b| by_domain(&a.finding, &b.finding));
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
        suppressed,
        skipped,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}

#[derive(Deserialize)]
struct ReadReport {
    schema: String,
    #[serde(default)]
    tool: Option<ReadTool>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    rules: Vec<RuleInfo>,
    #[serde(default)]
    findings: Vec<Finding>,
    #[serde(default)]
    baselined: Vec<Finding>,
    #[serde(default)]
    suppressed: Vec<Suppressed>,
    #[serde(default)]
    skipped: Vec<Skipped>,
}

#[derive(Deserialize)]
struct ReadTool {
    #[serde(default)]
    version: String,
}

/// Read a JSON report (`pillar-report/v1`) back, to render it in another
/// format. The summary is recomputed, not read.
pub fn read(text: &str) -> Result<Report, ReportError> {
    let doc: ReadReport = serde_json::from_str(text).map_err(|e| ReportError::BaselineSyntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if doc.schema != SCHEMA_ID {
        return Err(ReportError::BaselineShape(format!(
            "unsupported schema `{}` (expected `{SCHEMA_ID}`)",
            doc.schema
        )));
    }
    Ok(Report {
        tool_version: doc.tool.map(|t| t.version).unwrap_or_default(),
        sources: doc.sources,
        rules: doc.rules,
        findings: doc.findings,
        skipped: doc.skipped,
        baselined: doc.baselined,
        suppressed: doc.suppressed,
        generated_at: None,
    })
}
