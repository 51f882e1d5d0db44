//! Terraform and CloudFormation through `pillar scan`: in-source
//! suppressions in text, JSON and SARIF, and exit codes that ignore
//! suppressed failures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const FIXTURES: &str = "crates/pillar-sources/tests/iac-fixtures/suppress";

fn pillar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap()
}

fn stdout(args: &[&str]) -> String {
    let o = pillar(args);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "pillar {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn fails<'a>(doc: &'a Value, key: &str, rule: &str) -> Vec<&'a Value> {
    doc[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["rule"] == rule && f["status"] == "fail")
                .collect()
        })
        .unwrap_or_default()
}

fn json_of(which: &str) -> Value {
    let path = format!("{FIXTURES}/{which}");
    serde_json::from_str(&stdout(&["scan", &path, "--format", "json"])).unwrap()
}

#[test]
fn json_lists_suppressed_failures_with_the_reason() {
    for which in ["terraform", "cloudformation/template.yaml"] {
        let doc = json_of(which);
        // Suppressed with a reason: out of the failures, in `suppressed`.
        assert!(fails(&doc, "findings", "s3-bucket-versioning-disabled").is_empty());
        let s = fails(&doc, "suppressed", "s3-bucket-versioning-disabled");
        assert_eq!(s.len(), 1, "{which}");
        assert_eq!(s[0]["suppression"]["kind"], "in-source");
        assert_eq!(
            s[0]["suppression"]["reason"],
            "build artefacts are rebuilt from git, never edited"
        );
        assert!(s[0]["suppression"]["location"]["line"].is_u64());
        // No reason: not applied, and said so at its line.
        assert_eq!(fails(&doc, "findings", "ec2-sg-admin-port-open").len(), 1);
        let skipped = doc["skipped"].as_array().unwrap();
        assert!(
            skipped.iter().any(|s| s["reason"]
                .as_str()
                .unwrap()
                .contains("pillar:ignore[ec2-sg-admin-port-open]")
                && s["line"].is_u64()),
            "{which}: {skipped:?}"
        );
        // Untouched.
        assert_eq!(
            fails(&doc, "findings", "kms-key-rotation-disabled").len(),
            1
        );
    }
}

#[test]
fn sarif_marks_suppressed_results() {
    let path = format!("{FIXTURES}/terraform");
    let doc: Value = serde_json::from_str(&stdout(&["scan", &path, "--format", "sarif"])).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "s3-bucket-versioning-disabled");
    let s = &suppressed[0]["suppressions"][0];
    assert_eq!(s["kind"], "inSource");
    assert_eq!(
        s["justification"],
        "build artefacts are rebuilt from git, never edited"
    );
    assert_eq!(s["location"]["physicalLocation"]["region"]["startLine"], 8);
    // The unsuppressed failures are plain results.
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "ec2-sg-admin-port-open" && r.get("suppressions").is_none()));
    assert_eq!(doc["runs"][0]["properties"]["suppressed"], 1);
}

#[test]
fn text_says_what_was_suppressed_and_why() {
    let path = format!("{FIXTURES}/terraform");
    let text = stdout(&["scan", &path]);
    assert!(text.contains("1 suppressed"), "{text}");
    assert!(
        text.contains("suppressed  s3-bucket-versioning-disabled on example-artifacts"),
        "{text}"
    );
    assert!(text.contains("build artefacts are rebuilt from git, never edited"));
    // The report wraps long lines: look at the words, not the layout.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(
        "pillar:ignore[ec2-sg-admin-port-open] on aws_security_group.bastion has no reason, so it is not applied"
    ));
}

#[test]
fn suppressed_failures_do_not_fail_the_build() {
    let path = format!("{FIXTURES}/terraform");
    // The suppressed rule alone passes the gate; the one whose suppression
    // has no reason does not.
    let o = pillar(&[
        "scan",
        &path,
        "--select",
        "s3-bucket-versioning-disabled",
        "--fail-on",
        "low",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = pillar(&[
        "scan",
        &path,
        "--select",
        "ec2-sg-admin-port-open",
        "--fail-on",
        "low",
    ]);
    assert_eq!(o.status.code(), Some(1));
}
