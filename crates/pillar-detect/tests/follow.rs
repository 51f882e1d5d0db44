#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `Follower`: rounds read only what was appended, whole lines only, new
//! files in a followed folder, flow logs, correlations alert once.

use pillar_detect::follow::Follower;
use pillar_detect::{Engine, ReadOptions, RuleSet};
use std::io::Write;

fn stop(user: &str, t: &str) -> String {
    format!(
        "{{\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"eventTime\":\"{t}\",\"userIdentity\":{{\"arn\":\"arn:aws:iam::1:user/{user}\"}}}}\n"
    )
}

fn denied(t: &str) -> String {
    format!(
        "{{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\",\"errorCode\":\"AccessDenied\",\"eventTime\":\"{t}\",\"userIdentity\":{{\"arn\":\"arn:aws:iam::1:user/enum\"}}}}\n"
    )
}

fn append(path: &std::path::Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn rounds_read_what_was_appended() {
    let dir = std::env::temp_dir().join(format!("pillar-follow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let trail = dir.join("trail.jsonl");
    append(&trail, &stop("a", "2026-01-01T00:00:00Z"));
    let engine = Engine::new(RuleSet::shipped());
    let mut f = Follower::new(&engine, std::slice::from_ref(&dir), ReadOptions::default());
    let r = f.poll();
    assert_eq!(r.events, 1);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].rule, "cloudtrail-logging-stopped");
    // Nothing new: nothing found again.
    let r = f.poll();
    assert_eq!((r.events, r.findings.len()), (0, 0));
    // A line being written waits for its newline.
    let line = stop("b", "2026-01-01T00:01:00Z");
    let (head, tail) = line.split_at(40);
    append(&trail, head);
    assert_eq!(f.poll().events, 0);
    append(&trail, &format!("{tail}not json\n"));
    let r = f.poll();
    assert_eq!(r.events, 1);
    assert_eq!(r.findings[0].resource.id, "arn:aws:iam::1:user/b");
    assert_eq!(r.skipped.len(), 1, "{:?}", r.skipped);
    assert_eq!(r.skipped[0].line, Some(3), "{:?}", r.skipped);
    // A new flow log in the folder.
    append(
        &dir.join("flow.log"),
        "srcaddr dstaddr dstport protocol action start\n203.0.113.9 10.0.0.5 22 6 ACCEPT 1767225600\n",
    );
    let r = f.poll();
    assert_eq!(r.events, 1);
    assert_eq!(
        r.findings[0].rule,
        "vpcflow-admin-port-accepted-from-internet"
    );
    // A burst of denied calls, across rounds: one alert, not one per round.
    let mut alerts = 0;
    for i in 0..30 {
        append(&trail, &denied(&format!("2026-01-01T00:02:{i:02}Z")));
        let r = f.poll();
        alerts += r
            .findings
            .iter()
            .filter(|x| x.rule == "cloudtrail-access-denied-burst")
            .count();
    }
    assert_eq!(alerts, 1);
    // A whole JSON line without its newline is taken; the next one
    // starts after it.
    let last = stop("d", "2026-01-01T01:00:00Z");
    append(&trail, last.trim_end());
    let r = f.poll();
    assert_eq!(
        (r.events, r.findings[0].resource.id.as_str()),
        (1, "arn:aws:iam::1:user/d")
    );
    append(&trail, &format!("\n{}", stop("e", "2026-01-01T01:00:01Z")));
    let r = f.poll();
    assert_eq!(r.events, 1, "{:?}", r.skipped);
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    let d_line = r.findings[0].location.as_ref().unwrap().line.unwrap();
    assert_eq!(d_line, 3 + 30 + 2, "line of `e`");
    // Truncated (replaced): read again from the start.
    std::fs::write(&trail, stop("c", "2026-01-02T00:00:00Z")).unwrap();
    let r = f.poll();
    assert_eq!(r.events, 1);
    assert_eq!(r.findings[0].resource.id, "arn:aws:iam::1:user/c");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn s3_access_logs_are_followed() {
    let dir = std::env::temp_dir().join(format!("pillar-follow-s3-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("2026-01-01-00-00-00-0123ABCD");
    let rec = |ip: &str, status: u16| {
        format!("7f3c0ab4e2d1 example-bucket [01/Jan/2026:00:00:00 +0000] {ip} - REQ REST.GET.OBJECT k \"GET /example-bucket/k HTTP/1.1\" {status} - 10 10 5 4 \"-\" \"curl/8.4.0\" -\n")
    };
    append(&log, &rec("198.51.100.1", 403));
    let engine = Engine::new(RuleSet::shipped());
    let mut f = Follower::new(&engine, std::slice::from_ref(&dir), ReadOptions::default());
    let r = f.poll();
    assert_eq!((r.events, r.findings.len()), (1, 0));
    append(
        &log,
        &format!("{}{}", rec("198.51.100.2", 200), "broken \"line\n"),
    );
    let r = f.poll();
    assert_eq!(r.events, 1, "{:?}", r.skipped);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].rule, "s3access-object-read-anonymously");
    assert_eq!(r.findings[0].location.as_ref().unwrap().line, Some(2));
    assert_eq!(r.skipped.len(), 1, "{:?}", r.skipped);
    assert_eq!(r.skipped[0].line, Some(3));
    let _ = std::fs::remove_dir_all(&dir);
}
