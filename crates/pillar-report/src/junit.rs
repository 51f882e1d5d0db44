//! JUnit XML for CI dashboards (Jenkins, GitLab, Azure DevOps, GitHub
//! test-report actions): one `<testsuite>` per rule, one `<testcase>` per
//! rule × resource. A failure is a `<failure>` (its `type` the severity),
//! a result that could not be assessed is `<skipped>`, a pass is an empty
//! test case. A failure suppressed in the source is `<skipped>` too, its
//! message the author's reason and where the suppression is written. The element and attribute names follow the de-facto JUnit
//! schema those tools read (`testsuites` / `testsuite` with `name`, `tests`,
//! `failures`, `errors`, `skipped`; `testcase` with `name`, `classname`).

use crate::escape::markup;
use crate::{by_severity, Report, ReportError};
use pillar_model::{Finding, Status, SuppressionNote};
use std::collections::BTreeMap;
use std::io::Write;

/// Write the report as JUnit XML.
pub(crate) fn write(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    type Case<'a> = (&'a Finding, Option<&'a SuppressionNote>);
    let mut by_rule: BTreeMap<&str, Vec<Case<'_>>> = BTreeMap::new();
    for f in &report.findings {
        by_rule.entry(f.rule.as_str()).or_default().push((f, None));
    }
    for s in &report.suppressed {
        by_rule
            .entry(s.finding.rule.as_str())
            .or_default()
            .push((&s.finding, Some(&s.suppression)));
    }
    let count = |s: Status| report.findings.iter().filter(|f| f.status == s).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="pillar" tests="{}" failures="{}" errors="0" skipped="{}" time="0">"#,
        report.findings.len() + report.suppressed.len(),
        count(Status::Fail),
        count(Status::Unknown) + report.suppressed.len(),
    )?;
    for (rule, mut findings) in by_rule {
        findings.sort_by(|(a, _), (b, _)| {
            a.resource
                .id
                .cmp(&b.resource.id)
                .then_with(|| by_severity(a, b))
        });
        let fails = findings
            .iter()
            .filter(|(f, s)| s.is_none() && f.status == Status::Fail)
            .count();
        let skips = findings
            .iter()
            .filter(|(f, s)| s.is_some() || f.status == Status::Unknown)
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{fails}" errors="0" skipped="{skips}" time="0">"#,
            markup(rule),
            findings.len(),
        )?;
        for (f, suppression) in findings {
            let mut name = f.resource.id.clone();
            if let Some(l) = &f.location {
                name.push_str(&format!(" ({l})"));
            }
            write!(
                out,
                r#"    <testcase name="{}" classname="pillar.{}.{}" time="0""#,
                markup(&name),
                f.domain.as_str(),
                markup(rule),
            )?;
            if let Some(s) = suppression {
                writeln!(out, ">")?;
                writeln!(
                    out,
                    r#"      <skipped message="{}"/>"#,
                    markup(&format!(
                        "suppressed in the source at {}: {} ({})",
                        s.location, s.reason, f.message
                    ))
                )?;
                writeln!(out, "    </testcase>")?;
                continue;
            }
            match f.status {
                Status::Pass => writeln!(out, "/>")?,
                Status::Unknown => {
                    writeln!(out, ">")?;
                    writeln!(out, r#"      <skipped message="{}"/>"#, markup(&f.message))?;
                    writeln!(out, "    </testcase>")?;
                }
                Status::Fail => {
                    writeln!(out, ">")?;
                    let mut body = format!("{}\n{}", f.title, f.message);
                    if !f.wa.is_empty() {
                        body.push_str(&format!("\nWell-Architected: {}", f.wa.join(", ")));
                    }
                    if !f.remediation.console.is_empty() {
                        body.push_str(&format!("\nFix: {}", f.remediation.console));
                    }
                    body.push_str(&format!("\nFingerprint: {}", f.fingerprint));
                    writeln!(
                        out,
                        r#"      <failure message="{}" type="{}">{}</failure>"#,
                        markup(&f.message),
                        f.severity.as_str(),
                        markup(&body),
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    Ok(())
}
