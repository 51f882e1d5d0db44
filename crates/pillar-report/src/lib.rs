//! Report renderers. Input: a [`Report`] (findings, the rules that ran,
//! what was skipped). Output: text for people, JSON (schema
//! `pillar-report/v1`, see `docs/report-schema.json`), SARIF 2.1.0, a
//! self-contained HTML review, GitHub-flavoured Markdown for pull requests,
//! OCSF (Security Lake), ASFF (Security Hub) and JUnit XML (CI dashboards);
//! `docs/formats.md` describes each mapping. [`diff`] compares two JSON
//! reports by fingerprint.
//!
//! Every format goes through [`redact`] first: secrets are never printed,
//! whatever an engine put in a message or in evidence.
//!
//! Ordering is deterministic everywhere: findings, rules and summaries are
//! sorted before they are written, and no hash map is iterated for output.

mod asff;
pub mod baseline;
pub mod diff;
mod escape;
mod html;
mod json;
mod junit;
mod markdown;
mod ocsf;
pub mod redact;
mod sarif;
pub mod summary;
pub mod suppress;
mod text;
pub mod wa;
mod wrap;

use pillar_model::{Finding, RuleInfo, Skipped, SuppressionNote};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

pub use json::{read as read_json, SCHEMA_ID};
pub use summary::Summary;

/// Everything one run produced.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// pillar version.
    pub tool_version: String,
    /// Sources read (`snapshot examples/demo/snapshot`).
    pub sources: Vec<String>,
    /// Every rule that ran.
    pub rules: Vec<RuleInfo>,
    /// Every finding (pass, fail, unknown), except baselined failures.
    pub findings: Vec<Finding>,
    /// Inputs that could not be read.
    pub skipped: Vec<Skipped>,
    /// Failures accepted by a baseline ([`baseline::apply`]): kept out of
    /// `findings`, counted in the summary.
    #[serde(default)]
    pub baselined: Vec<Finding>,
    /// Failures accepted in the source with a reason ([`suppress::apply`]):
    /// kept out of `findings`, listed as suppressed by every format that
    /// lists failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<pillar_model::Suppressed>,
    /// When the report was made, seconds since the Unix epoch (OCSF `time`,
    /// ASFF `CreatedAt`, the HTML header). `None` writes the epoch itself,
    /// so output stays reproducible; the CLI sets it (`SOURCE_DATE_EPOCH`
    /// when set, else now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<i64>,
}

impl Report {
    /// [`Report::generated_at`] as RFC 3339 UTC (`2026-11-28T19:00:00Z`).
    pub fn generated_rfc3339(&self) -> String {
        chrono::DateTime::from_timestamp(self.generated_at.unwrap_or(0), 0)
            .unwrap_or_default()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Human text, grouped by domain.
    Text,
    /// JSON, schema `docs/report-schema.json`.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// One self-contained HTML file.
    Html,
    /// GitHub-flavoured Markdown for pull-request comments.
    Markdown,
    /// OCSF 1.1 events, one JSON object per line.
    Ocsf,
    /// AWS Security Finding Format, one batch of at most 100 per line.
    Asff,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Html,
        Format::Markdown,
        Format::Ocsf,
        Format::Asff,
        Format::Junit,
    ];

    /// Lower-case name, as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("md") {
            return Ok(Format::Markdown);
        }
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ReportError::UnknownFormat(s.to_owned()))
    }
}

/// Rendering options.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colour (text only).
    pub color: bool,
    /// Also list passed and not-assessed results (text only).
    pub verbose: bool,
}

/// Errors rendering a report or reading a baseline.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// JSON serialisation failed.
    #[error("cannot serialise report: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing the output failed.
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    /// A format name that is not one of [`Format::ALL`].
    #[error("unknown report format `{0}` (expected text, json, sarif, html, markdown, ocsf, asff or junit)")]
    UnknownFormat(String),
    /// The baseline is not valid JSON.
    #[error("baseline is not valid JSON at line {line}, column {column}: {message}")]
    BaselineSyntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The baseline is JSON, but not a pillar JSON or SARIF report.
    #[error("baseline is not a pillar report: {0}")]
    BaselineShape(String),
}

/// Render a report. Secrets are redacted first, whatever the format.
pub fn render(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
) -> Result<String, ReportError> {
    let report = redact::report(report);
    match format {
        Format::Text => Ok(text::render(&report, opts)),
        Format::Json => json::render(&report),
        Format::Sarif => sarif::render(&report),
        _ => {
            let mut buf = Vec::new();
            write_other(&report, format, &mut buf)?;
            String::from_utf8(buf).map_err(|e| ReportError::Io(std::io::Error::other(e)))
        }
    }
}

/// Redact `report` in place, then write it to `out`. For large runs: no
/// copy of the report and no intermediate string for JSON. The caller
/// keeps the (redacted) report.
pub fn write(
    report: &mut Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    redact::in_place(report);
    match format {
        Format::Text => out.write_all(text::render(report, opts).as_bytes())?,
        Format::Json => json::write(report, &mut *out)?,
        Format::Sarif => sarif::write(report, &mut *out)?,
        _ => write_other(report, format, &mut *out)?,
    }
    out.flush()?;
    Ok(())
}

/// The formats added after the foundation, on an already redacted report.
fn write_other(
    report: &Report,
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    match format {
        Format::Html => html::write(report, out),
        Format::Markdown => markdown::write(report, out),
        Format::Ocsf => ocsf::write(report, out),
        Format::Asff => asff::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Text | Format::Json | Format::Sarif => Ok(()),
    }
}

/// The total order findings are listed in: most severe first, then by rule,
/// resource, location and fingerprint, so output never depends on the order
/// engines produced them.
pub(crate) fn by_severity(a: &Finding, b: &Finding) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.resource.id.cmp(&b.resource.id))
        .then_with(|| a.resource.kind.cmp(&b.resource.kind))
        .then_with(|| a.location.cmp(&b.location))
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        .then_with(|| a.message.cmp(&b.message))
}

/// Findings ordered for machine formats: by domain (pillar order), status
/// (fail, unknown, pass), then [`by_severity`].
pub(crate) fn by_domain(a: &Finding, b: &Finding) -> Ordering {
    a.domain
        .cmp(&b.domain)
        .then_with(|| a.status.cmp(&b.status))
        .then_with(|| by_severity(a, b))
}

/// Every finding with its source suppression (none for the active ones),
/// active and suppressed together in [`by_domain`] order: the machine
/// formats that carry suppressed findings as records with a status.
pub(crate) fn all_by_domain(report: &Report) -> Vec<(&Finding, Option<&SuppressionNote>)> {
    let mut findings: Vec<(&Finding, Option<&SuppressionNote>)> =
        report.findings.iter().map(|f| (f, None)).collect();
    findings.extend(
        report
            .suppressed
            .iter()
            .map(|s| (&s.finding, Some(&s.suppression))),
    );
    findings.sort_by(|(a, _), (b, _)| by_domain(a, b));
    findings
}

/// Rules ordered by domain, then id.
pub(crate) fn sorted_rules(rules: &[RuleInfo]) -> Vec<&RuleInfo> {
    let mut v: Vec<&RuleInfo> = rules.iter().collect();
    v.sort_by(|a, b| a.domain.cmp(&b.domain).then_with(|| a.id.cmp(&b.id)));
    v.dedup_by(|a, b| a.id == b.id);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_round_trips_through_its_name() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
            assert_eq!(f.to_string(), f.as_str());
        }
        assert_eq!("SARIF".parse::<Format>().unwrap(), Format::Sarif);
        assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown report format `xml` (expected text, json, sarif, html, markdown, ocsf, asff or junit)"
        );
    }
}
