#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! VPC flow logs end to end: the shipped pack over a flow log and a
//! CloudTrail file read together; each rule runs only on its own log.

use pillar_detect::{detect, Engine, ReadOptions, RuleSet};
use std::io::Write;
use std::path::PathBuf;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pillar-detect-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";

#[test]
fn flow_rules_run_on_flow_records_only() {
    let d = dir("flow");
    // Flow log, gzip as S3 delivers it: SSH accepted from the internet
    // (twice, same source), SSH from inside, RDP rejected, a bad line.
    let text = format!(
        "{HEADER}\
         2 123456789012 eni-0a1 203.0.113.9 10.0.1.5 50123 22 6 10 840 1700000000 1700000060 ACCEPT OK\n\
         2 123456789012 eni-0a1 203.0.113.9 10.0.1.5 50124 22 6 12 900 1700000100 1700000160 ACCEPT OK\n\
         2 123456789012 eni-0a1 10.0.2.7 10.0.1.5 50125 22 6 10 840 1700000000 1700000060 ACCEPT OK\n\
         2 123456789012 eni-0a1 198.51.100.4 10.0.1.5 50126 3389 6 1 44 1700000000 1700000060 REJECT OK\n\
         2 123456789012 eni-0a1 oops\n"
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(d.join("flow.log.gz"), gz.finish().unwrap()).unwrap();
    // A CloudTrail event by root from the same address: the root rule
    // fires on it, the flow rule does not; the root rule (no eventName)
    // never fires on flow records.
    std::fs::write(
        d.join("trail.jsonl"),
        r#"{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"},"eventTime":"2023-11-14T22:20:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","action":"ACCEPT","dstport":22,"protocol":6,"srcaddr":"203.0.113.9"}
"#,
    )
    .unwrap();
    let engine = Engine::new(RuleSet::shipped());
    let out = detect(&engine, std::slice::from_ref(&d), &ReadOptions::default());
    assert_eq!(out.stats.files, 2);
    let flow: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.rule == "vpcflow-admin-port-accepted-from-internet")
        .collect();
    assert_eq!(flow.len(), 1, "{:#?}", out.findings);
    let f = flow[0];
    assert_eq!(f.resource.id, "203.0.113.9");
    assert_eq!(f.evidence["count"], 2);
    assert!(
        f.message.contains("ACCEPT to 10.0.1.5 port 22"),
        "{}",
        f.message
    );
    let loc = f.location.as_ref().unwrap();
    assert!(loc.file.ends_with("flow.log.gz"), "{loc:?}");
    let rules: Vec<&str> = out.findings.iter().map(|f| f.rule.as_str()).collect();
    let root = rules.iter().filter(|r| r.contains("root")).count();
    assert_eq!(root, 1, "{rules:?}");
    let bad: Vec<_> = out
        .skipped
        .iter()
        .filter(|s| s.path.ends_with("flow.log.gz"))
        .collect();
    assert_eq!(bad.len(), 1, "{:?}", out.skipped);
    assert_eq!(bad[0].line, Some(6));
    let _ = std::fs::remove_dir_all(&d);
}
