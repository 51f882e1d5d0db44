//! `pillar secrets` end to end on the demo app: findings, exit codes,
//! baselines, rule checks, and no secret in any output format.
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

fn demo_findings() -> Vec<Value> {
    let o = pillar(&["secrets", "examples/demo/app", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn demo_app_secrets_are_found() {
    let findings = demo_findings();
    let got: BTreeSet<(String, String)> = findings
        .iter()
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap();
            let file = file.trim_start_matches("examples/demo/app/").to_owned();
            (file, f["rule"].as_str().unwrap().to_owned())
        })
        .collect();
    for (file, rule) in [
        (".env", "aws-access-key-id"),
        (".env", "aws-secret-access-key"),
        (".env", "stripe-test-secret-key"),
        ("config/settings.yml", "postgres-url-password"),
        ("config/settings.yml", "redis-url-password"),
        ("config/settings.yml", "slack-token"),
        ("config/application.properties", "jdbc-url-password"),
        (
            "config/application.properties",
            "generic-password-assignment",
        ),
        ("deploy/ci.env", "aws-access-key-id"),
        ("deploy/ci.env", "aws-secret-access-key"),
        ("deploy/deploy_key", "private-key-pem"),
        ("src/app.py", "github-token"),
        ("src/app.py", "generic-password-assignment"),
        ("Dockerfile", "generic-password-assignment"),
    ] {
        assert!(
            got.contains(&(file.to_owned(), rule.to_owned())),
            "{file} {rule}: {got:?}"
        );
    }
    assert_eq!(got.len(), 14, "{got:#?}");
    // The documentation's example pair is low; a real-looking pair critical.
    for f in &findings {
        let file = f["location"]["file"].as_str().unwrap();
        if file.ends_with("/.env") && f["rule"].as_str().unwrap().starts_with("aws-") {
            assert_eq!(f["severity"], "low");
        }
        if file.ends_with("ci.env") {
            assert_eq!(f["severity"], "critical");
        }
        assert_eq!(f["domain"], "data-protection");
        assert!(f["remediation"]["cli"]
            .as_str()
            .unwrap()
            .contains("aws secretsmanager create-secret"));
    }
}

/// The longest credential-looking token of a line: the planted value.
fn longest_token(line: &str) -> String {
    line.split(|c: char| !(c.is_ascii_alphanumeric() || "+/_-!".contains(c)))
        .max_by_key(|t| t.len())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn no_output_format_holds_a_planted_secret() {
    let findings = demo_findings();
    let mut secrets = BTreeSet::new();
    for f in &findings {
        let file = f["location"]["file"].as_str().unwrap();
        let line = f["location"]["line"].as_u64().unwrap() as usize;
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let l = text.lines().nth(line - 1).unwrap();
        let token = longest_token(l);
        assert!(token.len() >= 8, "{file}:{line}: {token}");
        secrets.insert(token);
    }
    assert!(secrets.len() >= 12);
    for format in ["text", "json", "sarif"] {
        let o = pillar(&["secrets", "examples/demo/app", "--format", format]);
        let out = String::from_utf8(o.stdout).unwrap();
        for s in &secrets {
            assert!(!out.contains(s.as_str()), "{format} output leaks {s}");
        }
    }
    let o = pillar(&["scan", "examples/demo", "--format", "json"]);
    let out = String::from_utf8(o.stdout).unwrap();
    for s in &secrets {
        assert!(!out.contains(s.as_str()), "scan output leaks {s}");
    }
}

#[test]
fn fail_on_baseline_and_rule_checks() {
    let o = pillar(&["secrets", "examples/demo/app", "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(1));
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let o = pillar(&[
        "secrets",
        "examples/demo/app",
        "--format",
        "json",
        "-o",
        base.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = pillar(&[
        "secrets",
        "examples/demo/app",
        "--format",
        "json",
        "--fail-on",
        "low",
        "--baseline",
        base.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "every finding is in the baseline");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["findings"].as_array().unwrap().is_empty());

    // `pillar scan --select` accepts secret rule ids and keeps only them.
    let o = pillar(&[
        "scan",
        "examples/demo",
        "--format",
        "json",
        "--select",
        "private-key-pem",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, BTreeSet::from(["private-key-pem"]));

    let o = pillar(&["secrets", "--check-rules"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains("examples: ok"));

    let o = pillar(&["secrets", "no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("no/such/folder"));
}
