//! Golden tests for every rule: each rule has `tests/fixtures/<id>/fail.json`
//! and `pass.json` (an [`Inventory`] as JSON), and optionally
//! `unknown.json`. The fail fixture must give at least one `fail`, the pass
//! fixture at least one `pass` and no `fail`, the unknown fixture at least
//! one `unknown` and no `fail`/`pass`. Results are snapshot-tested.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_checks::{all, run, Inventory, RunOptions};
use pillar_model::{Finding, Status};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture_dir(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(id)
}

fn load(path: &PathBuf) -> Inventory {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad fixture {}: {e}", path.display()))
}

fn run_one(id: &str, inv: &Inventory) -> Vec<Finding> {
    let opts = RunOptions {
        select: vec![id.to_owned()],
        ignore: vec![],
    };
    run(inv, &all(), &opts).findings
}

/// The stable part of findings for snapshots.
fn digest(findings: &[Finding]) -> serde_json::Value {
    serde_json::Value::Array(
        findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "status": f.status,
                    "resource": f.resource.id,
                    "location": f.location.as_ref().map(ToString::to_string),
                    "message": f.message,
                    "evidence": f.evidence,
                })
            })
            .collect(),
    )
}

#[test]
fn every_rule_has_fail_and_pass_fixtures() {
    let mut problems = Vec::new();
    for rule in all() {
        let id = rule.meta().id;
        let dir = fixture_dir(id);
        for (case, want) in [
            ("fail", Status::Fail),
            ("pass", Status::Pass),
            ("unknown", Status::Unknown),
        ] {
            let path = dir.join(format!("{case}.json"));
            if case == "unknown" && !path.exists() {
                continue;
            }
            if !path.exists() {
                problems.push(format!("{id}: no {case}.json"));
                continue;
            }
            let findings = run_one(id, &load(&path));
            let statuses: BTreeSet<Status> = findings.iter().map(|f| f.status).collect();
            let ok = match want {
                Status::Fail => statuses.contains(&Status::Fail),
                Status::Pass => {
                    statuses.contains(&Status::Pass) && !statuses.contains(&Status::Fail)
                }
                Status::Unknown => statuses == BTreeSet::from([Status::Unknown]),
            };
            if !ok {
                problems.push(format!("{id}: {case}.json gave {statuses:?}"));
            }
            insta::assert_json_snapshot!(format!("{id}__{case}"), digest(&findings));
        }
    }
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_rule_passes_on_missing_input() {
    let inv = Inventory::default();
    let findings = run(&inv, &all(), &RunOptions::default()).findings;
    let passed: Vec<&str> = findings
        .iter()
        .filter(|f| f.status == Status::Pass)
        .map(|f| f.rule.as_str())
        .collect();
    assert!(passed.is_empty(), "rules passed with no input: {passed:?}");
}

#[test]
fn no_rule_passes_on_unknown_everything() {
    // An account and a region present, but nothing collected.
    let inv: Inventory = serde_json::from_str(
        r#"{"accounts":[{"id":"111122223333"}],"regions":[{"region":"us-east-1","account":"111122223333"}]}"#,
    )
    .unwrap();
    let findings = run(&inv, &all(), &RunOptions::default()).findings;
    let passed: Vec<&str> = findings
        .iter()
        .filter(|f| f.status == Status::Pass)
        .map(|f| f.rule.as_str())
        .collect();
    assert!(
        passed.is_empty(),
        "rules passed with nothing collected: {passed:?}"
    );
}

#[test]
fn metadata_is_complete_and_ids_unique() {
    let mut seen = BTreeSet::new();
    for rule in all() {
        let m = rule.meta();
        assert!(seen.insert(m.id), "duplicate rule id {}", m.id);
        assert!(
            m.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: id must be kebab-case",
            m.id
        );
        assert!(
            m.id.starts_with(&format!("{}-", m.service)),
            "{}: id must start with its service",
            m.id
        );
        assert!(!m.wa.is_empty(), "{}: no WA best practice", m.id);
        for wa in m.wa {
            assert!(
                wa.len() == 10 && wa.starts_with("SEC") && wa.get(5..8) == Some("-BP"),
                "{}: malformed WA id {wa}",
                m.id
            );
        }
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## How to fix",
            "## References",
        ] {
            assert!(m.docs.contains(heading), "{}: docs lack {heading}", m.id);
        }
        assert!(
            !m.title.is_empty() && !m.rationale.is_empty(),
            "{}: empty title/rationale",
            m.id
        );
        assert!(
            !m.console.is_empty() && !m.cli.is_empty() && !m.terraform.is_empty(),
            "{}: incomplete remediation",
            m.id
        );
    }
}
