//! `pillar respond` (plan) and `pillar audit verify` in a build without
//! the `aws` feature: the static plan of each shipped playbook for a
//! finding of the demo, finding selection from a report, `--apply` refused
//! with nothing written, playbook errors with file:line, and the audit log
//! verified and its tampered copies rejected with the first bad line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_respond::audit::AuditLog;
use serde_json::{json, Map, Value};
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

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The demo's JSON report.
#[cfg(not(feature = "aws"))]
fn demo_report(dir: &Path) -> PathBuf {
    let out = dir.join("report.json");
    let o = pillar(&[
        "scan",
        "examples/demo",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.code().is_some(), "{}", text(&o));
    out
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

#[cfg(not(feature = "aws"))]
#[test]
fn static_plan_of_every_playbook() {
    let d = tempfile::tempdir().unwrap();
    let report: Value =
        serde_json::from_slice(&std::fs::read(demo_report(d.path())).unwrap()).unwrap();
    let find = |rule: &str| -> Value {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["status"] == "fail")
            .cloned()
            .unwrap_or_else(|| panic!("demo has no failing {rule}"))
    };
    let cases = [
        (
            "compromised-access-key",
            "iam-access-key-not-rotated",
            vec![
                "read   iam:ListAccessKeys UserName=ci-deploy",
                "change iam:UpdateAccessKey UserName=ci-deploy AccessKeyId=<key> Status=Inactive",
                "change iam:PutUserPolicy UserName=ci-deploy PolicyName=pillar-incident-deny-all",
                "approval required: deleting the console password",
            ],
        ),
        (
            "compromised-ec2-instance",
            "ec2-instance-imdsv1-allowed",
            vec![
                "change ec2:CreateSnapshot VolumeId=<volume>",
                "change ec2:ModifyNetworkInterfaceAttribute NetworkInterfaceId=<each ENI>",
                "change autoscaling:DetachInstances",
                "change elasticloadbalancing:DeregisterTargets",
                "change ec2:StopInstances InstanceIds=[\"i-0a1b2c3d4e5f60001\"]",
                "revoke-role-sessions (revoke-sessions)",
                "skipped: needs",
            ],
        ),
        (
            "public-s3-bucket",
            "s3-bucket-public-acl",
            vec![
                "read   s3:GetBucketAcl Bucket=acme-store-assets-prod",
                "change s3:PutPublicAccessBlock Bucket=acme-store-assets-prod",
            ],
        ),
        (
            "root-account-use",
            "iam-root-used-recently",
            vec![
                "read   iam:GetCredentialReport",
                "Account 111122223333: confirm with the owners",
            ],
        ),
    ];
    for (book, rule, expected) in cases {
        let f = write(d.path(), &format!("{book}.json"), &find(rule));
        let log = d.path().join("audit.jsonl");
        let o = pillar(&[
            "respond",
            &format!("playbooks/{book}.yml"),
            "--finding",
            f.to_str().unwrap(),
            "--audit-log",
            log.to_str().unwrap(),
        ]);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(0), "{book}: {out}");
        for e in expected {
            assert!(out.contains(e), "{book}: missing `{e}` in:\n{out}");
        }
        assert!(out.contains("[evidence]"), "{out}");
        assert!(out.contains("built without the aws feature"), "{out}");
        assert!(!log.exists(), "a plan writes no audit log");
    }
}

#[cfg(not(feature = "aws"))]
#[test]
fn report_with_several_findings_needs_a_fingerprint() {
    let d = tempfile::tempdir().unwrap();
    let report = demo_report(d.path());
    let o = pillar(&[
        "respond",
        "playbooks/compromised-access-key.yml",
        "--finding",
        report.to_str().unwrap(),
    ]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("pick one with --fingerprint"), "{out}");
    let fp = out
        .lines()
        .find(|l| l.contains("iam-access-key-unused"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let o = pillar(&[
        "respond",
        "playbooks/compromised-access-key.yml",
        "--finding",
        report.to_str().unwrap(),
        "--fingerprint",
        &fp,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["binding"]["inputs"]["user"], "legacy-backup");
    assert_eq!(plan["binding"]["fingerprint"], fp.as_str());
    assert_eq!(plan["exact"], false);
    let ids: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "capture-user",
            "deactivate-keys",
            "deny-all",
            "remove-console-password",
            "tag-user",
            "follow-up"
        ]
    );
}

#[cfg(not(feature = "aws"))]
#[test]
fn apply_without_the_feature_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "f.json",
        &json!({"rule": "iam-access-key-unused", "fingerprint": "fp", "status": "fail",
                "resource": {"kind": "AWS::IAM::User", "id": "arn:aws:iam::111122223333:user/bob"}}),
    );
    let log = d.path().join("audit.jsonl");
    let o = pillar(&[
        "respond",
        "playbooks/compromised-access-key.yml",
        "--finding",
        f.to_str().unwrap(),
        "--apply",
        "--audit-log",
        log.to_str().unwrap(),
    ]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("aws feature") && out.contains("nothing was changed"),
        "{out}"
    );
    assert!(!log.exists());
}

#[test]
fn bad_playbook_and_finding_name_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    let pb = d.path().join("bad.yml");
    std::fs::write(
        &pb,
        "id: bad\ntitle: Bad\ntrigger: {rules: [iam-access-key-unused]}\nsteps:\n  - id: s\n    phase: contain\n    action: delete-everything\n",
    )
    .unwrap();
    let f = write(
        d.path(),
        "f.json",
        &json!({"rule": "x", "fingerprint": "y"}),
    );
    let o = pillar(&[
        "respond",
        pb.to_str().unwrap(),
        "--finding",
        f.to_str().unwrap(),
    ]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("bad.yml:7: step `s`: unknown action `delete-everything`"),
        "{out}"
    );
    let broken = d.path().join("broken.json");
    std::fs::write(&broken, "{\"rule\": \n").unwrap();
    let o = pillar(&[
        "respond",
        "playbooks/public-s3-bucket.yml",
        "--finding",
        broken.to_str().unwrap(),
    ]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("broken.json:2:"), "{out}");
}

fn sample_log(dir: &Path) -> PathBuf {
    let p = dir.join("respond-audit.jsonl");
    let mut log = AuditLog::open(&p).unwrap();
    for (event, step) in [
        ("run-start", ""),
        ("call", "deactivate-keys"),
        ("step", "deactivate-keys"),
        ("run-end", ""),
    ] {
        let mut body = Map::new();
        if !step.is_empty() {
            body.insert("step".into(), json!(step));
        }
        if event == "call" {
            body.insert("mutating".into(), json!(true));
        }
        log.append("inc-1", event, body).unwrap();
    }
    p
}

#[test]
fn audit_verify_passes_intact_and_names_the_first_bad_line() {
    let d = tempfile::tempdir().unwrap();
    let log = sample_log(d.path());
    let path = log.to_str().unwrap();
    let o = pillar(&["audit", "verify", path]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("OK") && out.contains("4 entries") && out.contains("1 change(s)"),
        "{out}"
    );
    let head = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("head sha256 "))
        .unwrap()
        .to_owned();
    let o = pillar(&["audit", "verify", path, "--head", &head]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let orig = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = orig.lines().collect();
    let tampered = d.path().join("tampered.jsonl");
    let check = |content: String, copy_head: bool, want: &str| {
        std::fs::write(&tampered, content).unwrap();
        let head_file = d.path().join("tampered.jsonl.head");
        if copy_head {
            std::fs::copy(d.path().join("respond-audit.jsonl.head"), &head_file).unwrap();
        } else {
            let _ = std::fs::remove_file(&head_file);
        }
        let o = pillar(&["audit", "verify", tampered.to_str().unwrap()]);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{want}: {out}");
        assert!(out.contains(want), "expected `{want}` in: {out}");
    };
    let join = |l: &[String]| l.iter().map(|x| format!("{x}\n")).collect::<String>();
    let owned: Vec<String> = lines.iter().map(|s| (*s).to_owned()).collect();
    // An edit of line 2 (the call).
    let mut l = owned.clone();
    l[1] = l[1].replace("deactivate-keys", "deactivate-key5");
    check(join(&l), true, "tampered.jsonl:2:");
    // Line 3 deleted.
    let mut l = owned.clone();
    l.remove(2);
    check(join(&l), true, "tampered.jsonl:3:");
    // Lines 2 and 3 swapped.
    let mut l = owned.clone();
    l.swap(1, 2);
    check(join(&l), true, "tampered.jsonl:2:");
    // The last entry removed: the head file tells.
    check(join(&owned[..3]), true, "removed from the end");
    // Without the head file, --head does.
    std::fs::write(&tampered, join(&owned[..3])).unwrap();
    let _ = std::fs::remove_file(d.path().join("tampered.jsonl.head"));
    let o = pillar(&[
        "audit",
        "verify",
        tampered.to_str().unwrap(),
        "--head",
        &head,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = pillar(&["audit", "verify", tampered.to_str().unwrap()]);
    assert!(text(&o).contains("cannot be detected"), "{}", text(&o));
    // Cut in the middle of the last line.
    check(orig[..orig.len() - 5].to_owned(), false, "incomplete");
}
