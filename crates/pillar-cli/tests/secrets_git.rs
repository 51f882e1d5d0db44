//! `pillar secrets --git` and `--fix-plan` end to end on repositories built
//! here with the `git` command: commit and author in findings, no secret in
//! any output format, baselines across commits, the fix plan. Skips with a
//! message when `git` is not installed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const KEY_ID: &str = "AKIA2DEMOFAKEKEY7Q3X";
const SECRET: &str = "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";
const PASSWORD: &str = "Qm4r8vT2zLx";
const PASSWORD2: &str = "Vb7n2Kp9wQe";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Bob Builder")
        .env("GIT_AUTHOR_EMAIL", "bob@example.com")
        .env("GIT_COMMITTER_NAME", "Bob Builder")
        .env("GIT_COMMITTER_EMAIL", "bob@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skipped: the `git` command is not installed (needed to build test repositories)");
    }
    ok
}

fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

fn pillar(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Keys added then removed (only the history holds them), then a password.
fn repo() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q"]);
    std::fs::write(
        p.join("deploy.sh"),
        format!("export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\n"),
    )
    .unwrap();
    let c1 = commit_all(p, "deploy script");
    std::fs::write(p.join("deploy.sh"), "aws sts get-caller-identity\n").unwrap();
    commit_all(p, "use the role");
    std::fs::write(p.join("app.py"), format!("DB_PASSWORD = \"{PASSWORD}\"\n")).unwrap();
    let c3 = commit_all(p, "db");
    (dir, c1, c3)
}

#[test]
fn history_findings_name_commit_author_and_line() {
    if !have_git() {
        return;
    }
    let (dir, c1, c3) = repo();
    let o = pillar(dir.path(), &["secrets", "--git", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let mut got: Vec<(String, String, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["evidence"]["commit"].as_str().unwrap().to_owned(),
                f["location"]["file"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
                f["evidence"]["author"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let bob = "Bob Builder <bob@example.com>".to_owned();
    let mut want = vec![
        (c1.clone(), "deploy.sh".to_owned(), 1, bob.clone()),
        (c1.clone(), "deploy.sh".to_owned(), 2, bob.clone()),
        (c3.clone(), "app.py".to_owned(), 1, bob.clone()),
    ];
    want.sort();
    assert_eq!(got, want);
    // The working tree alone no longer holds the keys.
    let o = pillar(dir.path(), &["secrets", ".", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn no_output_format_holds_a_secret_from_history() {
    if !have_git() {
        return;
    }
    let (dir, ..) = repo();
    for format in [
        "text", "json", "sarif", "html", "markdown", "ocsf", "asff", "junit",
    ] {
        let o = pillar(dir.path(), &["secrets", "--git", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}");
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(out.contains("deploy.sh"), "{format}: {out}");
        for s in [KEY_ID, SECRET, PASSWORD] {
            assert!(!out.contains(s) && !err.contains(s), "{format} leaked {s}");
        }
    }
    let o = pillar(dir.path(), &["secrets", "--git", "--fix-plan"]);
    let plan = String::from_utf8_lossy(&o.stdout);
    for s in [KEY_ID, SECRET, PASSWORD] {
        assert!(!plan.contains(s), "the plan leaked {s}");
    }
}

#[test]
fn a_baseline_keeps_only_secrets_added_since() {
    if !have_git() {
        return;
    }
    let (dir, ..) = repo();
    let p = dir.path();
    let base = p.join("..").join(format!(
        "baseline-{}.json",
        p.file_name().unwrap().to_string_lossy()
    ));
    let o = pillar(
        p,
        &[
            "secrets",
            "--git",
            "--format",
            "json",
            "-o",
            base.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(p.join("worker.env"), format!("DB_PASSWORD={PASSWORD2}\n")).unwrap();
    let c4 = commit_all(p, "worker");
    let o = pillar(
        p,
        &[
            "secrets",
            "--git",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "high",
        ],
    );
    std::fs::remove_file(&base).unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["evidence"]["commit"], c4.as_str());
    assert_eq!(
        o.status.code(),
        Some(1),
        "a new secret fails --fail-on high"
    );
    // --since the last commit before it gives the same one finding.
    let o = pillar(
        p,
        &["secrets", "--git", "--since", "HEAD~1", "--format", "json"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn fix_plan_names_secrets_commands_and_readers() {
    if !have_git() {
        return;
    }
    let (dir, ..) = repo();
    let p = dir.path();
    let plan_path = p.join("plan.md");
    let o = pillar(
        p,
        &[
            "secrets",
            "--git",
            "--fix-plan",
            "-o",
            plan_path.to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let plan = std::fs::read_to_string(&plan_path).unwrap();
    assert!(plan.contains("1 secret(s) to create"), "{plan}");
    assert!(
        plan.contains("aws secretsmanager create-secret --name 'app.py/"),
        "{plan}"
    );
    assert!(plan.contains("boto3"), "{plan}");
    assert!(
        plan.contains("resource \"aws_secretsmanager_secret\""),
        "{plan}"
    );
    assert!(plan.contains("IAM role"), "the access keys: {plan}");
}

#[test]
fn bad_git_usage_is_an_error_naming_the_input() {
    if !have_git() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = pillar(dir.path(), &["secrets", "--git"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a readable git repository"), "{err}");
    let o = pillar(dir.path(), &["secrets", "--since", "main"]);
    assert_eq!(o.status.code(), Some(2), "--since needs --git");
    let (repo, ..) = repo();
    let o = pillar(repo.path(), &["secrets", "--git", "--since", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope"));
}
