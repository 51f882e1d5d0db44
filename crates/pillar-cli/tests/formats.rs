//! Every report format on the bundled demo (snapshots), the exchange
//! formats' required fields, secrets redacted in every format, and
//! `pillar diff`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fixed report time, so snapshots do not change from run to run.
const EPOCH: &str = "1700000000";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pillar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap()
}

fn run_ok(args: &[&str]) -> String {
    let o = pillar(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "pillar {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn scan(format: &str) -> String {
    run_ok(&["scan", "examples/demo", "--format", format])
}

/// The `required` list of one of the docs/*-required.schema.json files
/// (for ASFF, of its items).
fn required(schema: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("docs").join(schema)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let req = v
        .get("items")
        .and_then(|i| i.get("required"))
        .or_else(|| v.get("required"))
        .unwrap();
    req.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn demo_markdown() {
    let md = scan("markdown");
    assert!(md.chars().count() < 65_536);
    assert_eq!(md, scan("md"), "md is an alias");
    insta::assert_snapshot!("demo_markdown", md);
}

#[test]
fn demo_junit() {
    let xml = scan("junit");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert!(xml.trim_end().ends_with("</testsuites>"));
    insta::assert_snapshot!("demo_junit", xml);
}

/// The page without its constant style and code, and with the embedded
/// data summarised (the JSON report snapshot already covers the findings).
fn html_skeleton(html: &str) -> String {
    let cut = |s: &str, open: &str, close: &str, with: &str| -> String {
        let a = s.find(open).unwrap() + open.len();
        let b = a + s[a..].find(close).unwrap();
        format!("{}{with}{}", &s[..a], &s[b..])
    };
    let data_open = "<script type=\"application/json\" id=\"pillar-data\">";
    let a = html.find(data_open).unwrap() + data_open.len();
    let b = a + html[a..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[a..b]).unwrap();
    let summary = format!(
        "[{} rules, {} findings]",
        data["rules"].as_object().unwrap().len(),
        data["findings"].as_array().unwrap().len()
    );
    let s = format!("{}{summary}{}", &html[..a], &html[b..]);
    let s = cut(&s, "<style>\n", "</style>", "[report.css]\n");
    let s = cut(&s, "</script>\n<script>\n", "</script>", "[report.js]\n");
    s.replace(&format!("pillar {VERSION} ·"), "pillar [version] ·")
}

#[test]
fn demo_html() {
    let html = scan("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for needle in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(needle), "the page loads {needle}");
    }
    assert!(html.contains("<svg id=\"exposure-graph\""));
    insta::assert_snapshot!("demo_html", html_skeleton(&html));
}

#[test]
fn detect_html_draws_the_timeline() {
    let html = run_ok(&["detect", "examples/demo/logs", "--format", "html"]);
    assert!(html.contains("<svg id=\"timeline-graph\""));
    assert!(!html.contains("<svg id=\"exposure-graph\""));
}

fn ocsf_digest(out: &str) -> Value {
    let events: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let req = required("ocsf-required.schema.json");
    for (i, ev) in events.iter().enumerate() {
        for key in &req {
            assert!(ev.get(key).is_some(), "event {i} lacks {key}");
        }
        assert_eq!(ev["time"], 1_700_000_000_000i64);
        if ev["class_uid"] == 2003 {
            assert!(!ev["compliance"]["standards"].as_array().unwrap().is_empty());
        }
    }
    let mut first: Vec<Value> = events.iter().take(3).cloned().collect();
    for ev in &mut first {
        ev["metadata"]["product"]["version"] = Value::String("[version]".into());
    }
    let count = |class: u64| events.iter().filter(|e| e["class_uid"] == class).count();
    serde_json::json!({
        "events": events.len(),
        "compliance_findings": count(2003),
        "detection_findings": count(2004),
        "first": first,
    })
}

#[test]
fn demo_ocsf() {
    let scan_digest = ocsf_digest(&scan("ocsf"));
    assert_eq!(scan_digest["detection_findings"], 0);
    insta::assert_json_snapshot!("demo_ocsf", scan_digest);
    let detect = run_ok(&["detect", "examples/demo/logs", "--format", "ocsf"]);
    let detect_digest = ocsf_digest(&detect);
    assert_eq!(detect_digest["compliance_findings"], 0);
    insta::assert_json_snapshot!("demo_detect_ocsf", detect_digest);
}

#[test]
fn demo_asff() {
    let out = scan("asff");
    let req = required("asff-required.schema.json");
    let batches: Vec<Vec<Value>> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut total = 0;
    for b in &batches {
        assert!(!b.is_empty() && b.len() <= 100, "batch of {}", b.len());
        for f in b {
            for key in &req {
                assert!(f.get(key).is_some(), "{} lacks {key}", f["Id"]);
            }
            let account = f["AwsAccountId"].as_str().unwrap();
            assert!(account.len() == 12 && account.bytes().all(|c| c.is_ascii_digit()));
        }
        total += b.len();
    }
    let json: Value = serde_json::from_str(&scan("json")).unwrap();
    assert_eq!(total, json["findings"].as_array().unwrap().len());
    insta::assert_json_snapshot!(
        "demo_asff",
        serde_json::json!({
            "batches": batches.iter().map(Vec::len).collect::<Vec<_>>(),
            "first": batches[0].iter().take(3).collect::<Vec<_>>(),
        })
    );
}

#[test]
fn no_format_prints_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    // Shaped like real credentials (test values, not issued keys).
    let key_id = "AKIAQ3EGRTXMLPVBW7NZ";
    let secret = "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";
    let password = "Pw7-vortex-quill-9931";
    std::fs::write(
        dir.path().join("deploy.env"),
        format!(
            "AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\nDB_PASSWORD={password}\n"
        ),
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let json = run_ok(&["scan", path, "--format", "json"]);
    assert!(json.contains("aws-access-key-id"), "the secret is found");
    for format in [
        "text", "json", "sarif", "html", "markdown", "ocsf", "asff", "junit",
    ] {
        let out = run_ok(&["scan", path, "--format", format, "--verbose"]);
        for s in [key_id, secret, password] {
            assert!(!out.contains(s), "{format} prints {s}");
        }
        // Escaped forms too (JSON in HTML, XML entities).
        assert!(!out.contains(&secret[..20]), "{format}");
    }
}

#[test]
fn diff_reports_new_and_fixed_failures() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    let (old_s, new_s) = (old.to_str().unwrap(), new.to_str().unwrap());
    run_ok(&[
        "scan",
        "examples/demo",
        "--ignore",
        "s3",
        "--format",
        "json",
        "-o",
        old_s,
    ]);
    run_ok(&["scan", "examples/demo", "--format", "json", "-o", new_s]);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
    let s3_fails = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail" && f["rule"].as_str().unwrap().starts_with("s3-"))
        .count();
    assert!(s3_fails > 0);

    let text = run_ok(&["diff", old_s, new_s]);
    assert!(
        text.starts_with(&format!("{s3_fails} new, 0 fixed, ")),
        "{text}"
    );
    let o = pillar(&["diff", old_s, new_s, "--fail-on", "low"]);
    assert_eq!(o.status.code(), Some(1), "new failures at or above low");
    let o = pillar(&["diff", new_s, old_s, "--fail-on", "low", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "nothing new the other way round");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "pillar-diff/v1");
    assert_eq!(v["summary"]["fixed"], s3_fails);
    assert_eq!(v["summary"]["new"], 0);
    let md = run_ok(&["diff", old_s, new_s, "--format", "markdown"]);
    assert!(md.contains("### New failures"));
    insta::assert_snapshot!("demo_diff_text", text);

    // Bad input: a clear error naming the file, exit 2.
    std::fs::write(
        dir.path().join("bad.json"),
        "{\"schema\": \"pillar-report/v1\",\n \"findings\": [1]}",
    )
    .unwrap();
    let bad = dir.path().join("bad.json");
    let o = pillar(&["diff", bad.to_str().unwrap(), new_s]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.json") && err.contains("findings[0]"),
        "{err}"
    );
}
