//! GitHub-flavoured Markdown for a pull-request comment.
//!
//! New failures come first: when the run had a baseline, the failures left
//! in the report are the new ones and the baselined ones are only counted.
//! Each failure is one line (severity, rule, resource, place) with its
//! message and fix folded in a `<details>` block; past 48,000 bytes the
//! rest are listed one line each. GitHub cuts comments at 65,536
//! characters, so the body stays under [`LIMIT`] and ends with an "N more
//! findings" line when it had to stop.

use crate::escape::markup;
use crate::summary::Summary;
use crate::{by_severity, Report, ReportError};
use pillar_model::{Finding, Severity, Status, Suppressed};
use std::fmt::Write as _;

/// The largest body written, in bytes (GitHub's limit is 65,536 characters;
/// bytes are never fewer than characters).
pub const LIMIT: usize = 65_000;

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟥",
        Severity::High => "🟧",
        Severity::Medium => "🟨",
        Severity::Low => "🟦",
        Severity::Info => "⬜",
    }
}

/// A fenced code block whose fence is longer than any backtick run inside.
fn fenced(lang: &str, code: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{lang}\n{}\n{fence}\n", code.trim_end())
}

/// Inline code that survives backticks in the text.
fn code(s: &str) -> String {
    if s.contains('`') {
        format!("<code>{}</code>", markup(s))
    } else {
        format!("`{s}`")
    }
}

/// Bytes of the body after which failures are listed without details.
const DETAILED: usize = 48_000;

/// One failure on one line, without details.
fn line(f: &Finding) -> String {
    let place = f
        .location
        .as_ref()
        .map(|l| format!(" at {}", code(&l.to_string())))
        .unwrap_or_default();
    format!(
        "- {} **{}** {} on {}{place}\n",
        icon(f.severity),
        f.severity.as_str(),
        code(&f.rule),
        code(f.resource.display_name()),
    )
}

/// One failure: a line and its folded details.
fn item(f: &Finding) -> String {
    let mut s = String::new();
    let place = f
        .location
        .as_ref()
        .map(|l| format!(" at {}", code(&l.to_string())))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "- {} **{}** {} — {} on {}{place}",
        icon(f.severity),
        f.severity.as_str(),
        code(&f.rule),
        markup(&f.title),
        code(f.resource.display_name()),
    );
    let _ = writeln!(s, "  <details><summary>Why and how to fix</summary>\n");
    let _ = writeln!(s, "  {}\n", markup(&f.message).replace('\n', "\n  "));
    if !f.wa.is_empty() {
        let _ = writeln!(s, "  Well-Architected: {}\n", f.wa.join(", "));
    }
    let fix = &f.remediation;
    if !fix.console.is_empty() {
        let _ = writeln!(s, "  **Console:** {}\n", markup(&fix.console));
    }
    if !fix.cli.is_empty() {
        let _ = writeln!(s, "  **AWS CLI:**\n");
        s.push_str(&indent(&fenced("sh", &fix.cli)));
        s.push('\n');
    }
    if !fix.terraform.is_empty() {
        let _ = writeln!(s, "  **Terraform:**\n");
        s.push_str(&indent(&fenced("hcl", &fix.terraform)));
        s.push('\n');
    }
    let _ = writeln!(s, "  </details>\n");
    s
}

fn indent(block: &str) -> String {
    block
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_owned()
            } else {
                format!("  {l}\n")
            }
        })
        .collect()
}

/// Render the comment body.
pub(crate) fn render(report: &Report) -> String {
    let summary = Summary::of(report);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## pillar — AWS Well-Architected Security Pillar review\n"
    );
    let sev = &summary.failures_by_severity;
    let by_sev: Vec<String> = Severity::ALL
        .into_iter()
        .filter(|v| sev.get(*v) > 0)
        .map(|v| format!("{} {}", sev.get(v), v.as_str()))
        .collect();
    let _ = write!(
        s,
        "**{} failures**{} · {} passed · {} not assessed",
        summary.results.failed,
        if by_sev.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_sev.join(", "))
        },
        summary.results.passed,
        summary.results.not_assessed,
    );
    if summary.baselined > 0 {
        let _ = write!(s, " · {} accepted by the baseline", summary.baselined);
    }
    if !report.suppressed.is_empty() {
        let _ = write!(s, " · {} suppressed in the source", report.suppressed.len());
    }
    let _ = writeln!(s, " · {} rules\n", summary.rules);
    let _ = writeln!(s, "| Domain | Failed | Passed | Not assessed |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for d in &summary.domains {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            d.title, d.results.failed, d.results.passed, d.results.not_assessed
        );
    }
    s.push('\n');

    let mut fails: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    fails.sort_by(|a, b| by_severity(a, b));
    let mut unknown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unknown)
        .collect();
    unknown.sort_by(|a, b| by_severity(a, b));

    let heading = if report.baselined.is_empty() {
        "### Failures\n\n".to_owned()
    } else {
        format!(
            "### New failures (not in the baseline)\n\n{} earlier failures are accepted by the baseline and not listed.\n\n",
            report.baselined.len()
        )
    };
    s.push_str(&heading);
    if fails.is_empty() {
        s.push_str("None. ✅\n\n");
    }
    let total = fails.len() + unknown.len();
    let mut written = 0usize;
    // Room for the "N more" line and the not-assessed heading.
    let reserve = 400;
    let mut stopped = false;
    // The most severe failures with their details; once [`DETAILED`] bytes
    // are used, one line each, so more of them are at least named.
    let mut compact = false;
    for f in &fails {
        if !compact && s.len() > DETAILED {
            compact = true;
            let _ = writeln!(
                s,
                "\n<sub>The remaining failures, one line each (details in the full report):</sub>\n"
            );
        }
        let block = if compact { line(f) } else { item(f) };
        if s.len() + block.len() + reserve > LIMIT {
            stopped = true;
            break;
        }
        s.push_str(&block);
        written += 1;
    }
    if !stopped && !report.suppressed.is_empty() {
        let mut suppressed: Vec<&Suppressed> = report.suppressed.iter().collect();
        suppressed.sort_by(|a, b| by_severity(&a.finding, &b.finding));
        let _ = writeln!(
            s,
            "<details><summary>{} failures suppressed in the source</summary>\n",
            suppressed.len()
        );
        for x in &suppressed {
            let f = &x.finding;
            let place = f
                .location
                .as_ref()
                .map(|l| format!(" at {}", code(&l.to_string())))
                .unwrap_or_default();
            let line = format!(
                "- {} **{}** {} on {}{place}: {} (suppressed at {})\n",
                icon(f.severity),
                f.severity.as_str(),
                code(&f.rule),
                code(f.resource.display_name()),
                markup(&x.suppression.reason),
                code(&x.suppression.location.to_string()),
            );
            if s.len() + line.len() + reserve > LIMIT {
                stopped = true;
                break;
            }
            s.push_str(&line);
        }
        s.push_str("\n</details>\n\n");
    }
    if !stopped && !unknown.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>{} results could not be assessed</summary>\n",
            unknown.len()
        );
        for f in &unknown {
            let line = format!(
                "- {} on {}: {}\n",
                code(&f.rule),
                code(f.resource.display_name()),
                markup(&f.message)
            );
            if s.len() + line.len() + reserve > LIMIT {
                break;
            }
            s.push_str(&line);
            written += 1;
        }
        s.push_str("\n</details>\n\n");
    }
    if written < total {
        let _ = writeln!(
            s,
            "**… and {} more findings** not shown (a comment holds at most 65,536 characters): see the full report, e.g. `pillar scan --format html -o review.html`.",
            total - written
        );
    }
    s
}

/// Write the comment body.
pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    out.write_all(render(report).as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fenced("sh", "a ``` b"), "````sh\na ``` b\n````\n");
        assert_eq!(fenced("", "x"), "```\nx\n```\n");
    }
}
