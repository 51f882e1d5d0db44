//! End-to-end tests of the `pillar` binary on the bundled demo and on bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pillar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn demo_json() -> Value {
    let o = pillar(&["scan", "examples/demo", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// Replace the tool version so snapshots survive releases.
fn stable(mut v: Value) -> Value {
    if let Some(t) = v.pointer_mut("/tool/version") {
        *t = Value::String("[version]".into());
    }
    if let Some(t) = v.pointer_mut("/runs/0/tool/driver/version") {
        *t = Value::String("[version]".into());
    }
    v
}

#[test]
fn demo_shows_failures_in_every_domain() {
    let report = demo_json();
    let findings = report["findings"].as_array().unwrap();
    let failing_domains: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        failing_domains,
        BTreeSet::from([
            "identity-access",
            "detection",
            "infrastructure-protection",
            "data-protection",
            "incident-response"
        ])
    );
    assert!(
        findings.iter().any(|f| f["status"] == "pass"),
        "the demo has fine resources too"
    );
    assert!(
        report["skipped"].as_array().unwrap().is_empty(),
        "demo loads cleanly: {}",
        report["skipped"]
    );
}

#[test]
fn demo_text_review() {
    let o = pillar(&["scan", "examples/demo", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let text = stdout(&o);
    for title in [
        "Identity and access management",
        "Detection",
        "Infrastructure protection",
        "Data protection",
        "Incident response",
    ] {
        assert!(text.contains(title), "missing domain {title}");
    }
    assert!(!text.contains('\u{1b}'), "no colour when not asked");
    insta::assert_snapshot!("demo_text", text);
}

#[test]
fn demo_json_snapshot() {
    insta::assert_json_snapshot!("demo_json", stable(demo_json()));
}

#[test]
fn demo_sarif_snapshot() {
    let o = pillar(&["scan", "examples/demo", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let sarif: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    insta::assert_json_snapshot!("demo_sarif", stable(sarif));
}

#[test]
fn secrets_never_appear_in_any_format() {
    // The demo's Lambda environment holds AWS's documented example key.
    for format in ["text", "json", "sarif"] {
        let o = pillar(&["scan", "examples/demo", "--format", format, "-v"]);
        let out = stdout(&o);
        assert!(
            !out.contains("AKIAIOSFODNN7EXAMPLE"),
            "{format} leaks a key"
        );
        assert!(
            !out.contains("wJalrXUtnFEMI/K7MDENG"),
            "{format} leaks a secret key"
        );
    }
}

#[test]
fn fail_on_sets_exit_code() {
    let o = pillar(&["scan", "examples/demo", "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(1));
    // Failures below the threshold do not fail the run.
    let o = pillar(&[
        "scan",
        "examples/demo",
        "--fail-on",
        "high",
        "--select",
        "s3-bucket-versioning-disabled",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    // A pattern that names no rule is a usage error.
    let o = pillar(&["scan", "examples/demo", "--select", "nonexistent-rule-id"]);
    assert_eq!(o.status.code(), Some(2), "unknown pattern is a usage error");
    assert!(stderr(&o).contains("nonexistent-rule-id"));
}

#[test]
fn baseline_hides_known_failures() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let o = pillar(&[
        "scan",
        "examples/demo",
        "--format",
        "json",
        "-o",
        base.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let o = pillar(&[
        "scan",
        "examples/demo",
        "--format",
        "json",
        "--baseline",
        base.to_str().unwrap(),
        "--fail-on",
        "info",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let new_failures = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .count();
    assert_eq!(new_failures, 0);
}

#[test]
fn empty_folder_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = pillar(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nothing could be read"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_path_is_an_input_error() {
    let o = pillar(&["scan", "no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/folder"));
}

#[test]
fn malformed_file_is_skipped_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let region = snap.join("us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        snap.join("sts-get-caller-identity.json"),
        r#"{"UserId":"AIDAEXAMPLE","Account":"111122223333","Arn":"arn:aws:iam::111122223333:user/ci"}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("ec2-describe-security-groups.json"),
        "{\n  \"SecurityGroups\": [\n    {\"GroupId\": \"sg-1\",\n",
    )
    .unwrap();
    std::fs::write(
        region.join("ec2-describe-vpcs.json"),
        r#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","IsDefault":false}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("ec2-describe-flow-logs.json"),
        [0u8, 159, 146, 150, 255],
    )
    .unwrap();
    let o = pillar(&["scan", snap.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let skipped = report["skipped"].as_array().unwrap();
    let paths: Vec<&str> = skipped
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("ec2-describe-security-groups.json")),
        "{skipped:?}"
    );
    assert!(paths
        .iter()
        .any(|p| p.ends_with("ec2-describe-flow-logs.json")));
    let sg = skipped
        .iter()
        .find(|s| {
            s["path"]
                .as_str()
                .unwrap()
                .ends_with("security-groups.json")
        })
        .unwrap();
    assert!(sg["line"].as_u64().is_some(), "parse errors carry a line");
    // The VPC still loaded and was judged.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["resource"]["id"].as_str().unwrap_or("").contains("vpc-1")));
}

#[test]
fn rules_lists_at_least_45() {
    let o = pillar(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let n = stdout(&o)
        .lines()
        .filter(|l| !l.ends_with(" rules"))
        .count();
    assert!(n >= 45, "{n} rules");
}

#[test]
fn explain_prints_docs_and_rejects_unknown() {
    let o = pillar(&["explain", "iam-root-access-key-present"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("## How to fix"));
    let o = pillar(&["explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rule_docs_are_up_to_date() {
    let o = pillar(&["rules", "--format", "md", "-o", "docs/rules", "--check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{} — regenerate with `cargo run -- rules --format md -o docs/rules`",
        stderr(&o)
    );
}

#[test]
fn bad_config_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("pillar.toml");
    std::fs::write(&cfg, "format = \"text\"\nfail-on = \"sometimes\"\n").unwrap();
    let o = pillar(&["scan", "examples/demo", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pillar.toml:2"), "{}", stderr(&o));
}
