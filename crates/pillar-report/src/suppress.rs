//! In-source suppressions (`# pillar:ignore[rule-id] reason` in Terraform,
//! `Metadata: pillar: ignore:` in CloudFormation): a failure its author
//! accepted with a reason moves from `findings` to `suppressed`, where the
//! JSON report lists it with the reason and SARIF marks the result with
//! `suppressions`. A suppression without a reason is not applied: the
//! failure stays, and the suppression is reported in `skipped` at its line.

use crate::Report;
use pillar_model::{Skipped, Suppressed, Suppression, SuppressionNote};

/// Apply suppressions to a report. Returns how many failures were moved.
pub fn apply(report: &mut Report, suppressions: &[Suppression]) -> usize {
    for s in suppressions.iter().filter(|s| !s.has_reason()) {
        report.skipped.push(
            Skipped::new(
                s.location.file.clone(),
                format!(
                    "pillar:ignore[{}] on {} has no reason, so it is not applied: write why after it",
                    s.rule, s.resource
                ),
            )
            .at(s.location.line, s.location.column),
        );
    }
    let usable: Vec<&Suppression> = suppressions.iter().filter(|s| s.has_reason()).collect();
    if usable.is_empty() {
        return 0;
    }
    let mut kept = Vec::with_capacity(report.findings.len());
    let mut moved = 0;
    for f in std::mem::take(&mut report.findings) {
        match usable.iter().find(|s| s.covers(&f)) {
            Some(s) => {
                moved += 1;
                report.suppressed.push(Suppressed {
                    finding: f,
                    suppression: SuppressionNote::from(*s),
                });
            }
            None => kept.push(f),
        }
    }
    report.findings = kept;
    report
        .suppressed
        .sort_by(|a, b| crate::by_severity(&a.finding, &b.finding));
    moved
}
