//! Baselines: read fingerprints from an earlier report, accept those failures.

use crate::sample;
use pillar_model::Status;
use pillar_report::{baseline, render, Format, RenderOptions, ReportError, Summary};
use std::collections::BTreeSet;

fn failing(report: &pillar_report::Report) -> BTreeSet<String> {
    report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.fingerprint.clone())
        .collect()
}

#[test]
fn reads_the_failures_of_a_json_report() {
    let report = sample::report();
    let json = render(&report, Format::Json, &RenderOptions::default()).unwrap();
    let fps = baseline::fingerprints_from_json(&json).unwrap();
    assert_eq!(fps, failing(&report));
    assert_eq!(fps.len(), 8);
}

#[test]
fn reads_the_results_of_a_sarif_report() {
    let report = sample::report();
    let sarif = render(&report, Format::Sarif, &RenderOptions::default()).unwrap();
    assert_eq!(
        baseline::fingerprints_from_json(&sarif).unwrap(),
        failing(&report)
    );
}

#[test]
fn accepted_failures_leave_the_failure_list_and_are_counted() {
    let mut report = sample::report();
    let json = render(&report, Format::Json, &RenderOptions::default()).unwrap();
    let known = baseline::fingerprints_from_json(&json).unwrap();
    let before = report.findings.len();

    assert_eq!(baseline::apply(&mut report, &known), 8);
    assert!(report.findings.iter().all(|f| f.status != Status::Fail));
    assert_eq!(report.findings.len(), before - 8);
    assert_eq!(report.baselined.len(), 8);

    let s = Summary::of(&report);
    assert_eq!(s.baselined, 8);
    assert_eq!(s.results.failed, 0);
    assert_eq!(s.failures_by_severity, Default::default());
    let iam = s.domain(pillar_model::Domain::IdentityAccess).unwrap();
    assert_eq!((iam.failed, iam.baselined), (0, 2));

    // No format lists them as failures.
    let sarif = render(&report, Format::Sarif, &RenderOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 0);
    let text = render(&report, Format::Text, &RenderOptions::default()).unwrap();
    assert!(!text.contains("CRITICAL  "));
    assert!(text.contains("baselined              8 failures accepted by the baseline"));
    assert!(text.contains("no failures · 2 baselined · 1 passed"));
    insta::assert_snapshot!("text_baselined", text);

    // A report made with the baseline is itself a baseline with the same failures.
    let json2 = render(&report, Format::Json, &RenderOptions::default()).unwrap();
    assert_eq!(baseline::fingerprints_from_json(&json2).unwrap(), known);
}

#[test]
fn new_failures_stay() {
    let mut report = sample::report();
    let all = failing(&report);
    let first = all.iter().next().unwrap().clone();
    let known: BTreeSet<String> = [first.clone(), "not-a-fingerprint".to_owned()].into();
    assert_eq!(baseline::apply(&mut report, &known), 1);
    assert_eq!(failing(&report).len(), 7);
    assert!(!failing(&report).contains(&first));
    assert_eq!(report.baselined[0].fingerprint, first);
}

#[test]
fn passes_with_a_baselined_fingerprint_are_kept() {
    let mut report = sample::report();
    let passes: BTreeSet<String> = report
        .findings
        .iter()
        .filter(|f| f.status != Status::Fail)
        .map(|f| f.fingerprint.clone())
        .collect();
    let n = report.findings.len();
    assert_eq!(baseline::apply(&mut report, &passes), 0);
    assert_eq!(report.findings.len(), n);
}

#[test]
fn bad_baselines_are_errors_that_say_where() {
    let err = baseline::fingerprints_from_json("{\n  \"schema\": \"pillar-report/v1\",\n  oops\n}")
        .unwrap_err();
    assert!(
        matches!(err, ReportError::BaselineSyntax { line: 3, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("baseline is not valid JSON at line 3, column"),
        "{err}"
    );

    let err = baseline::fingerprints_from_json(r#"{"schema": "pillar-report/v9"}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "baseline is not a pillar report: unsupported schema `pillar-report/v9` (expected `pillar-report/v1`)"
    );

    let err = baseline::fingerprints_from_json(r#"[1, 2]"#).unwrap_err();
    assert!(matches!(err, ReportError::BaselineShape(_)));

    let err = baseline::fingerprints_from_json(
        r#"{"schema": "pillar-report/v1", "findings": [{"status": "pass"}, {"status": "fail"}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "baseline is not a pillar report: findings[1] has no fingerprint"
    );

    let err = baseline::fingerprints_from_json(r#"{"schema": "pillar-report/v1", "findings": {}}"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "baseline is not a pillar report: `findings` is not an array"
    );
}
