#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `pillar detect` end to end: the demo log, exit codes, stdin, bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pillar(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(b) = stdin {
        input.write_all(b).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const EXPECTED: [&str; 11] = [
    "cloudtrail-access-denied-burst",
    "cloudtrail-console-login-without-mfa",
    "cloudtrail-logging-stopped",
    "cloudtrail-root-account-used",
    "config-recording-disabled",
    "ec2-sg-admin-port-opened-to-world",
    "ec2-snapshot-shared-publicly",
    "guardduty-detector-disabled",
    "iam-access-key-created-for-other-user",
    "s3-block-public-access-removed",
    "s3-bucket-made-public",
];

#[test]
fn demo_logs_are_detected() {
    let (code, out, err) = pillar(&["detect", "examples/demo/logs", "-f", "json"], None);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    assert_eq!(rules, EXPECTED);
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["source"], "logs");
        assert_eq!(f["domain"], "detection");
    }
    // alice's benign events (port 443, sign-in with MFA) are not findings.
    assert!(!out.contains("user/alice"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let (code, _, _) = pillar(
        &[
            "detect",
            "examples/demo/logs",
            "--fail-on",
            "high",
            "-f",
            "sarif",
        ],
        None,
    );
    assert_eq!(code, 1);
    let (code, _, _) = pillar(
        &["detect", "examples/demo/logs", "--fail-on", "critical"],
        None,
    );
    assert_eq!(code, 0);
}

#[test]
fn stdin_and_bad_lines() {
    let input = b"{\"eventName\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"userIdentity\":{\"arn\":\"arn:aws:iam::1:user/x\"}}\nnot json\n";
    let (code, out, err) = pillar(&["detect", "-", "-f", "json"], Some(input));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"][0]["rule"], "cloudtrail-logging-stopped");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|s| s["path"] == "-"
            && s["line"] == 2
            && s["reason"].as_str().unwrap().contains("invalid JSON")),
        "{skipped:?}"
    );
}

#[test]
fn unreadable_input_is_a_usage_error() {
    let (code, _, err) = pillar(&["detect", "no/such/file.json"], None);
    assert_eq!(code, 2);
    assert!(err.contains("no such file"), "{err}");
    let (code, _, err) = pillar(&["detect", "-"], Some(b"\x1f\x8b\x08\x00garbage"));
    assert_eq!(code, 2);
    assert!(err.contains("gzip"), "{err}");
    let (code, _, err) = pillar(&["detect"], None);
    assert_eq!(code, 2);
    assert!(err.contains("name the logs"), "{err}");
}

#[test]
fn user_rules_with_errors_are_reported_and_the_rest_runs() {
    let dir = std::env::temp_dir().join(format!("pillar-detect-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.yml"),
        "title: bad\ndetection:\n  sel:\n    eventName|nosuch: x\n  condition: sel\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("good.yml"),
        "title: Good\nname: my-rule\ndetection:\n  sel:\n    eventName: DeleteDetector\n  condition: sel\nlevel: low\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let (code, out, err) = pillar(
        &[
            "detect",
            "--no-default-rules",
            "--rules",
            d,
            "examples/demo/logs",
            "-f",
            "json",
        ],
        None,
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(report["findings"][0]["rule"], "my-rule");
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("bad.yml") && skipped.contains("nosuch"),
        "{skipped}"
    );
}

#[test]
fn check_rules_runs_the_examples() {
    let (code, out, err) = pillar(&["detect", "--check-rules"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("examples: ok"), "{out}");
    let dir = std::env::temp_dir().join(format!("pillar-check-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("r.yml"),
        "title: t\nname: t\ndetection:\n  sel: {eventName: A}\n  condition: sel\npillar:\n  examples:\n    - {eventName: B}\n",
    )
    .unwrap();
    let (code, out, err) = pillar(
        &[
            "detect",
            "--check-rules",
            "--no-default-rules",
            "--rules",
            dir.to_str().unwrap(),
        ],
        None,
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 1);
    assert!(out.contains("FAILED"), "{out}");
    assert!(
        err.contains("r.yml:8") && err.contains("example does not match"),
        "{err}"
    );
}

#[test]
fn rules_check_subcommand() {
    let (code, out, err) = pillar(&["rules", "check"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("examples") && out.ends_with("ok\n"), "{out}");
    // Without PATH the shipped secret rules' examples are checked too.
    let secrets = out
        .lines()
        .find(|l| l.contains("secret rules"))
        .unwrap_or_else(|| panic!("no secret rules line: {out}"));
    let n: usize = secrets.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 30 && secrets.ends_with(": ok"), "{secrets}");
    let (code, out, err) = pillar(&["rules", "check", "-f", "json"], None);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["secrets"]["ok"], true, "{out}");
    assert!(v["secrets"]["examples"].as_u64().unwrap() > 100, "{out}");
    let dir = std::env::temp_dir().join(format!("pillar-rules-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = "title: t\nname: t\ndetection:\n  sel: {eventName: A}\n  condition: sel\npillar:\n  examples:\n    - {eventName: A}\n  negative_examples:\n    - {eventName: B}\n";
    std::fs::write(dir.join("good.yml"), good).unwrap();
    let (code, out, err) = pillar(&["rules", "check", dir.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("1 detection rules (1 with examples)"),
        "{out}"
    );
    // A failing example: exit 1, named by file and line.
    std::fs::write(
        dir.join("good.yml"),
        good.replace("- {eventName: B}", "- {eventName: A}"),
    )
    .unwrap();
    let (code, out, err) = pillar(&["rules", "check", dir.to_str().unwrap()], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("good.yml:10: t: negative example matches"),
        "{err}"
    );
    // A rule that does not load: exit 2, with its file and line.
    std::fs::write(
        dir.join("bad.yml"),
        "title: b\ndetection:\n  sel:\n    eventName|nosuchmod: A\n  condition: sel\n",
    )
    .unwrap();
    let (code, out, err) = pillar(
        &["rules", "check", dir.to_str().unwrap(), "-f", "json"],
        None,
    );
    assert_eq!(code, 2, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0]["kind"], "error");
    assert!(problems[0]["file"].as_str().unwrap().ends_with("bad.yml"));
    assert_eq!(problems[0]["line"], 4);
    assert_eq!(problems[1]["kind"], "example");
    // The old flag is an alias and agrees.
    let (code, _, err) = pillar(
        &[
            "detect",
            "--check-rules",
            "--no-default-rules",
            "--rules",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.yml:4: error:") && err.contains("nosuchmod"),
        "{err}"
    );
    let (code, _, err) = pillar(&["rules", "check", "/nonexistent/rules"], None);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/rules: no such file"), "{err}");
}

#[test]
fn s3_access_logs_from_stdin() {
    let rec = |req: &str, status: u16| {
        format!("7f3c0ab4e2d1 example-bucket [06/Feb/2024:10:00:00 +0000] 198.51.100.7 {req} REQ1 REST.GET.OBJECT data/x.csv \"GET /example-bucket/data/x.csv HTTP/1.1\" {status} - 10 10 5 4 \"-\" \"curl/8.4.0\" -\n")
    };
    let text = [
        rec("-", 200),
        rec("arn:aws:iam::123456789012:user/alice", 200),
    ]
    .concat();
    let (code, out, err) = pillar(
        &["detect", "-", "--color", "never", "--fail-on", "high"],
        Some(text.as_bytes()),
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("s3access-object-read-anonymously"), "{out}");
    assert!(out.contains("198.51.100.7"), "{out}");
    assert!(!out.contains("alice"), "{out}");
}

#[test]
fn history_and_geoip_stateful_detections() {
    let dir = std::env::temp_dir().join(format!("pillar-detect-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ev = |name: &str, region: &str, t: &str, ip: &str| {
        format!("{{\"eventTime\":\"{t}\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"{name}\",\"awsRegion\":\"{region}\",\"sourceIPAddress\":\"{ip}\",\"userIdentity\":{{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/alice\"}},\"responseElements\":{{\"ConsoleLogin\":\"Success\"}}}}\n")
    };
    let hist = dir.join("history.json");
    let h = hist.to_str().unwrap();
    let week1 = ev(
        "ConsoleLogin",
        "us-east-1",
        "2026-01-01T08:00:00Z",
        "198.51.100.1",
    );
    let (code, _, err) = pillar(
        &[
            "detect",
            "-",
            "--history",
            h,
            "--update-history",
            "-f",
            "json",
        ],
        Some(week1.as_bytes()),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 principals written"), "{err}");
    let week2 = [
        ev(
            "ConsoleLogin",
            "eu-north-1",
            "2026-01-08T08:00:00Z",
            "198.51.100.1",
        ),
        ev(
            "ConsoleLogin",
            "eu-north-1",
            "2026-01-08T08:30:00Z",
            "203.0.113.1",
        ),
    ]
    .concat();
    let geo = dir.join("geo.csv");
    std::fs::write(
        &geo,
        "198.51.100.0/24,48.86,2.35\n203.0.113.0/24,-33.87,151.21\n",
    )
    .unwrap();
    let (code, out, err) = pillar(
        &[
            "detect",
            "-",
            "--history",
            h,
            "--geoip",
            geo.to_str().unwrap(),
            "-f",
            "json",
            "--fail-on",
            "high",
        ],
        Some(week2.as_bytes()),
    );
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"cloudtrail-first-seen-region"), "{rules:?}");
    assert!(rules.contains(&"cloudtrail-impossible-travel"), "{rules:?}");
    assert!(!rules.contains(&"cloudtrail-first-seen-api"), "{rules:?}");
    // A bad geolocation file: a usage error naming file and line.
    std::fs::write(&geo, "198.51.100.0/24,48.86,2.35\nnot-a-net,1,2\n").unwrap();
    let (code, _, err) = pillar(
        &["detect", "-", "--geoip", geo.to_str().unwrap()],
        Some(week2.as_bytes()),
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2);
    assert!(err.contains("geo.csv:2:"), "{err}");
}

#[test]
fn placeholders_fill_expand_values() {
    let dir = std::env::temp_dir().join(format!("pillar-detect-ph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("r.yml"),
        "title: Trail stopped by an unexpected principal\nname: ph-rule\ndetection:\n  sel:\n    eventName: StopLogging\n  known:\n    userIdentity.arn|expand: '%Admins%'\n  condition: sel and not known\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ph.yml"),
        "Admins:\n  - arn:aws:iam::*:user/nobody\n",
    )
    .unwrap();
    let rules = dir.join("r.yml");
    let rules = rules.to_str().unwrap();
    let base = [
        "detect",
        "--no-default-rules",
        "--rules",
        rules,
        "examples/demo/logs",
        "-f",
        "json",
    ];
    // Without values the rule is not loaded and nothing else can run.
    let (code, _, err) = pillar(&base, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("%Admins%") && err.contains("r.yml:7"), "{err}");
    let ph = dir.join("ph.yml");
    let mut args = base.to_vec();
    args.extend(["--placeholders", ph.to_str().unwrap()]);
    let (code, out, err) = pillar(&args, None);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"][0]["rule"], "ph-rule", "{out}");
}

#[test]
fn emit_sql_writes_the_shipped_pack() {
    let (code, out, err) = pillar(&["detect", "--emit-sql", "athena"], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("-- CloudTrail logging stopped")
            || out.contains("'cloudtrail-logging-stopped' AS rule"),
        "{out}"
    );
    assert!(out.contains("FROM cloudtrail_logs"), "{out}");
    // The burst correlation is a window query.
    assert!(out.contains("COUNT(*) OVER (PARTITION BY g0"), "{out}");
    assert!(err.contains("statements written"), "{err}");
    let (code, out, _) = pillar(
        &["detect", "--emit-sql", "spark", "--sql-table", "ct"],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("FROM ct") && out.contains("to_timestamp(eventtime)"),
        "{out}"
    );
}

#[test]
fn vpc_flow_logs_from_stdin() {
    // Default format with its header line; a bad record on line 3.
    let input = b"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n\
2 123456789012 eni-0a1 203.0.113.9 10.0.1.5 50123 22 6 10 840 1700000000 1700000060 ACCEPT OK\n\
2 123456789012 eni-0a1 203.0.113.9\n\
2 123456789012 eni-0a1 10.0.2.7 10.0.1.5 50125 3389 6 10 840 1700000000 1700000060 ACCEPT OK\n";
    let (code, out, err) = pillar(&["detect", "-", "-f", "json"], Some(input));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{out}");
    assert_eq!(
        findings[0]["rule"],
        "vpcflow-admin-port-accepted-from-internet"
    );
    assert_eq!(findings[0]["resource"]["id"], "203.0.113.9");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|s| s["path"] == "-"
            && s["line"] == 3
            && s["reason"].as_str().unwrap().contains("fields")),
        "{skipped:?}"
    );
}

#[test]
fn follow_prints_detections_as_lines_are_appended() {
    use std::io::BufRead;
    use std::time::Duration;
    let dir = std::env::temp_dir().join(format!("pillar-detect-follow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("trail.jsonl");
    let event = |user: &str| {
        format!("{{\"eventName\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"userIdentity\":{{\"arn\":\"arn:aws:iam::1:user/{user}\"}}}}\n")
    };
    std::fs::write(&log, event("first")).unwrap();
    // Killed when the test ends, passed or not.
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(["detect", "--follow", "--poll-ms", "50", "-f", "json"])
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map(Kill)
        .unwrap();
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Bounded waits: generous, so a loaded machine does not fail the test.
    let wait = Duration::from_secs(60);
    let next = |rx: &std::sync::mpsc::Receiver<String>| -> serde_json::Value {
        serde_json::from_str(&rx.recv_timeout(wait).expect("no detection printed")).unwrap()
    };
    let first = next(&rx);
    assert_eq!(first["rule"], "cloudtrail-logging-stopped");
    assert_eq!(first["resource"]["id"], "arn:aws:iam::1:user/first");
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    f.write_all(event("second").as_bytes()).unwrap();
    drop(f);
    let second = next(&rx);
    drop(child);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(second["resource"]["id"], "arn:aws:iam::1:user/second");
    assert_eq!(second["location"]["line"], 2);
}

/// A call of the demo's web instance (private, behind the NAT gateway
/// 3.214.88.17) with its role credentials.
fn instance_call(ip: &str, t: &str, id: &str) -> String {
    format!(
        "{{\"eventTime\":\"2026-01-05T{t}Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"{ip}\",\"eventID\":\"{id}\",\"userIdentity\":{{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/acme-web-ec2/i-0a1b2c3d4e5f60002\",\"accountId\":\"111122223333\",\"accessKeyId\":\"ASIAEXAMPLEWEB00001\",\"sessionContext\":{{\"sessionIssuer\":{{\"arn\":\"arn:aws:iam::111122223333:role/acme-web-ec2\"}},\"ec2RoleDelivery\":\"1.0\"}}}}}}\n"
    )
}

#[test]
fn instance_credentials_outside_the_instance() {
    let rule = "cloudtrail-instance-credentials-outside-instance";
    let text = [
        instance_call("3.214.88.17", "10:00:00", "ok-1"),
        instance_call("ec2.amazonaws.com", "10:01:00", "svc-1"),
        instance_call("203.0.113.66", "10:05:00", "bad-1"),
    ]
    .concat();
    let findings = |out: &str| -> Vec<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .cloned()
            .collect()
    };
    // With the demo snapshot: the NAT gateway is the instance's way out,
    // the stranger is not (high).
    let (code, out, err) = pillar(
        &[
            "detect",
            "-",
            "--snapshot",
            "examples/demo/snapshot",
            "-f",
            "json",
            "--fail-on",
            "high",
        ],
        Some(text.as_bytes()),
    );
    assert_eq!(code, 1, "{err}");
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{out}");
    assert_eq!(f[0]["severity"], "high");
    assert_eq!(f[0]["evidence"]["source_ip"], "203.0.113.66");
    assert_eq!(f[0]["evidence"]["instance_id"], "i-0a1b2c3d4e5f60002");
    assert_eq!(f[0]["evidence"]["events"][0]["eventID"], "bad-1");
    assert!(f[0]["evidence"]["expected"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "3.214.88.17"));
    // Without it: the same key's first address is the instance's
    // (medium), in text and SARIF too.
    let (code, out, err) = pillar(&["detect", "-", "-f", "json"], Some(text.as_bytes()));
    assert_eq!(code, 0, "{err}");
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{out}");
    assert_eq!(f[0]["severity"], "medium");
    assert_eq!(f[0]["evidence"]["expected"][0], "3.214.88.17");
    let (_, text_out, _) = pillar(&["detect", "-", "--color", "never"], Some(text.as_bytes()));
    assert!(text_out.contains(rule), "{text_out}");
    assert!(text_out.contains("203.0.113.66"), "{text_out}");
    let (_, sarif, _) = pillar(&["detect", "-", "-f", "sarif"], Some(text.as_bytes()));
    assert!(sarif.contains(rule), "{sarif}");
    // Only the user's rules: the shipped detection does not run.
    let rules = root().join("rules/cloudtrail/root_account_used.yml");
    let (_, out, _) = pillar(
        &[
            "detect",
            "-",
            "--no-default-rules",
            "--rules",
            rules.to_str().unwrap(),
            "-f",
            "json",
        ],
        Some(text.as_bytes()),
    );
    assert!(findings(&out).is_empty(), "{out}");
    // A snapshot folder that does not exist: a usage error.
    let (code, _, err) = pillar(
        &["detect", "-", "--snapshot", "no/such/dir"],
        Some(text.as_bytes()),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no/such/dir"), "{err}");
}
