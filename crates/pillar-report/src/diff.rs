//! `pillar diff`: what changed between two JSON reports, by fingerprint.
//!
//! A fingerprint names a rule on a resource (not a line), so a failure that
//! moved in a file is unchanged. Failures only: **new** fail in the new
//! report and not in the old one, **fixed** failed in the old one and do
//! not fail in the new one (passing now, or the resource is gone),
//! **unchanged** fail in both. Failures a report had baselined count as
//! failures.

use crate::escape::markup;
use crate::json::SCHEMA_ID;
use crate::{by_severity, redact, ReportError};
use pillar_model::{Finding, Severity, Status};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Output formats of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// Lines for people.
    Text,
    /// JSON (`pillar-diff/v1`).
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
}

/// The schema id of the JSON diff.
pub const DIFF_SCHEMA_ID: &str = "pillar-diff/v1";

/// The failures of two reports, compared.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    /// Failing now, not before.
    pub new: Vec<Finding>,
    /// Failing before, not now.
    pub fixed: Vec<Finding>,
    /// Failing in both (the new report's finding).
    pub unchanged: Vec<Finding>,
}

impl Diff {
    /// Whether a new failure is at or above `threshold`.
    pub fn new_at_or_above(&self, threshold: Severity) -> bool {
        self.new.iter().any(|f| f.severity >= threshold)
    }
}

/// The failures (listed and baselined) of a pillar JSON report.
pub fn failures_from_json(text: &str) -> Result<Vec<Finding>, ReportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ReportError::BaselineSyntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    match doc.get("schema").and_then(Value::as_str) {
        Some(SCHEMA_ID) => {}
        Some(other) => {
            return Err(ReportError::BaselineShape(format!(
                "unsupported schema `{other}` (expected `{SCHEMA_ID}`)"
            )))
        }
        None => {
            return Err(ReportError::BaselineShape(format!(
            "expected a JSON report (`pillar scan --format json`) with \"schema\": \"{SCHEMA_ID}\""
        )))
        }
    }
    let mut out = Vec::new();
    for key in ["findings", "baselined"] {
        let items = match doc.get(key) {
            None => continue,
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(ReportError::BaselineShape(format!(
                    "`{key}` is not an array"
                )))
            }
        };
        for (i, item) in items.iter().enumerate() {
            let f: Finding = serde_json::from_value(item.clone()).map_err(|e| {
                ReportError::BaselineShape(format!("{key}[{i}] is not a finding: {e}"))
            })?;
            if f.status == Status::Fail {
                out.push(redact::finding(&f));
            }
        }
    }
    Ok(out)
}

/// Compare the failures of an old and a new report.
pub fn diff(old: &[Finding], new: &[Finding]) -> Diff {
    let old_fp: BTreeSet<&str> = old.iter().map(|f| f.fingerprint.as_str()).collect();
    let new_fp: BTreeSet<&str> = new.iter().map(|f| f.fingerprint.as_str()).collect();
    let mut seen = BTreeSet::new();
    let mut d = Diff::default();
    for f in new {
        if !seen.insert(f.fingerprint.as_str()) {
            continue;
        }
        if old_fp.contains(f.fingerprint.as_str()) {
            d.unchanged.push(f.clone());
        } else {
            d.new.push(f.clone());
        }
    }
    let mut seen = BTreeSet::new();
    for f in old {
        if seen.insert(f.fingerprint.as_str()) && !new_fp.contains(f.fingerprint.as_str()) {
            d.fixed.push(f.clone());
        }
    }
    for v in [&mut d.new, &mut d.fixed, &mut d.unchanged] {
        v.sort_by(by_severity);
    }
    d
}

fn line(f: &Finding) -> String {
    let place = f
        .location
        .as_ref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    format!(
        "{:<8} {} on {}{place}: {}",
        f.severity.as_str(),
        f.rule,
        f.resource.display_name(),
        f.message
    )
}

/// Render a diff.
pub fn render(d: &Diff, format: DiffFormat) -> Result<String, ReportError> {
    let mut s = String::new();
    match format {
        DiffFormat::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                schema: &'static str,
                summary: Counts,
                new: &'a [Finding],
                fixed: &'a [Finding],
                unchanged: &'a [Finding],
            }
            #[derive(Serialize)]
            struct Counts {
                new: usize,
                fixed: usize,
                unchanged: usize,
            }
            s = serde_json::to_string_pretty(&Doc {
                schema: DIFF_SCHEMA_ID,
                summary: Counts {
                    new: d.new.len(),
                    fixed: d.fixed.len(),
                    unchanged: d.unchanged.len(),
                },
                new: &d.new,
                fixed: &d.fixed,
                unchanged: &d.unchanged,
            })?;
            s.push('\n');
        }
        DiffFormat::Text => {
            let _ = writeln!(
                s,
                "{} new, {} fixed, {} unchanged failures",
                d.new.len(),
                d.fixed.len(),
                d.unchanged.len()
            );
            for (title, list) in [("new", &d.new), ("fixed", &d.fixed)] {
                if list.is_empty() {
                    continue;
                }
                let _ = writeln!(s, "\n{title}:");
                for f in list {
                    let _ = writeln!(s, "  {}", line(f));
                }
            }
        }
        DiffFormat::Markdown => {
            let _ = writeln!(s, "## pillar diff\n");
            let _ = writeln!(
                s,
                "**{} new** · **{} fixed** · {} unchanged failures\n",
                d.new.len(),
                d.fixed.len(),
                d.unchanged.len()
            );
            for (title, list) in [("New failures", &d.new), ("Fixed", &d.fixed)] {
                if list.is_empty() {
                    continue;
                }
                let _ = writeln!(s, "### {title}\n");
                let _ = writeln!(s, "| Severity | Rule | Resource | Message |");
                let _ = writeln!(s, "|---|---|---|---|");
                for f in list {
                    let cell = |t: &str| markup(t).replace('|', "\\|").replace('\n', " ");
                    let _ = writeln!(
                        s,
                        "| {} | `{}` | `{}` | {} |",
                        f.severity.as_str(),
                        f.rule,
                        cell(f.resource.display_name()),
                        cell(&f.message)
                    );
                }
                s.push('\n');
            }
        }
    }
    Ok(s)
}
