#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! S3 server access logs end to end: read beside CloudTrail, each rule on
//! its own log only, bad records named by file and line, and a reader
//! that never panics on random input.

use pillar_detect::{detect, s3access, Engine, ReadOptions, RuleSet};
use proptest::prelude::*;
use std::io::Write;
use std::path::PathBuf;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pillar-detect-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A record in the documented layout: `requester` `-` when anonymous.
fn line(requester: &str, op: &str, key: &str, status: &str, ip: &str, t: &str) -> String {
    format!(
        "7f3c0ab4e2d1 example-bucket [{t} +0000] {ip} {requester} 3E57427F3EXAMPLE {op} {key} \"GET /example-bucket/{key} HTTP/1.1\" {status} - 5120 5120 12 11 \"-\" \"curl/8.4.0\" - hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 - example-bucket.s3.us-east-1.amazonaws.com TLSv1.3 - -\n"
    )
}

#[test]
fn s3_rules_run_on_access_log_records_only() {
    let d = dir("s3access");
    let text = [
        line("-", "REST.GET.OBJECT", "reports/q4.csv", "200", "198.51.100.7", "06/Feb/2024:10:00:00"),
        line("-", "REST.GET.OBJECT", "reports/q3.csv", "200", "198.51.100.7", "06/Feb/2024:10:00:05"),
        // Signed, denied, or a website request: not anonymous reads.
        line("arn:aws:iam::123456789012:user/alice", "REST.GET.OBJECT", "a", "200", "192.0.2.1", "06/Feb/2024:10:01:00"),
        line("-", "REST.GET.OBJECT", "b", "403", "203.0.113.5", "06/Feb/2024:10:02:00"),
        line("-", "WEBSITE.GET.OBJECT", "index.html", "200", "203.0.113.6", "06/Feb/2024:10:03:00"),
        "7f3c0ab4e2d1 example-bucket [06/Feb/2024:10:04:00 +0000] 192.0.2.1 - REQ REST.GET.OBJECT k \"GET /k HTTP/1.1\" 2OO -\n".to_owned(),
        "7f3c0ab4e2d1 example-bucket [06/Feb/2024:10:05:00 +0000] 192.0.2.1 - REQ REST.GET.OBJECT k \"GET /k HTTP/1.1\n".to_owned(),
    ]
    .concat();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(
        d.join("2024-02-06-10-00-00-ABCDEF.gz"),
        gz.finish().unwrap(),
    )
    .unwrap();
    // A plain object as S3 names it (no extension), found in the folder.
    std::fs::write(
        d.join("2024-02-06-11-00-00-0123ABCD4567EF89"),
        line(
            "-",
            "REST.GET.OBJECT",
            "k",
            "200",
            "203.0.113.99",
            "06/Feb/2024:11:00:00",
        ),
    )
    .unwrap();
    // A CloudTrail event carrying the access log's field names: the S3
    // rule does not run on it; a CloudTrail rule on those names does not
    // run on access log records.
    std::fs::write(
        d.join("trail.jsonl"),
        r#"{"eventVersion":"1.08","eventTime":"2024-02-06T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","operation":"REST.GET.OBJECT","httpstatus":200,"remoteip":"198.51.100.7"}
"#,
    )
    .unwrap();
    let mut set = RuleSet::default();
    set.add_shipped();
    set.add_text(
        "title: ct on s3 names\nname: ct-s3-names\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel: {operation: REST.GET.OBJECT}\n  condition: sel\n",
        "user.yml",
    );
    set.finish();
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let engine = Engine::new(set);
    let out = detect(&engine, std::slice::from_ref(&d), &ReadOptions::default());
    assert_eq!(out.stats.files, 3);
    assert_eq!(out.stats.events, 7, "{:?}", out.skipped);
    let s3: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.rule == "s3access-object-read-anonymously")
        .collect();
    assert_eq!(s3.len(), 2, "{:#?}", out.findings);
    let f = s3.iter().find(|f| f.resource.id == "198.51.100.7").unwrap();
    assert!(s3.iter().any(|f| f.resource.id == "203.0.113.99"));
    assert_eq!(f.resource.id, "198.51.100.7");
    assert_eq!(f.evidence["count"], 2);
    assert_eq!(f.evidence["first_seen"], "2024-02-06T10:00:00Z");
    assert!(
        f.message
            .contains("REST.GET.OBJECT example-bucket/reports/q4.csv (200)"),
        "{}",
        f.message
    );
    assert_eq!(f.location.as_ref().unwrap().line, Some(1));
    // The CloudTrail rule fired on the CloudTrail event only.
    let ct: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.rule == "ct-s3-names")
        .collect();
    assert_eq!(ct.len(), 1);
    assert!(ct[0]
        .location
        .as_ref()
        .unwrap()
        .file
        .ends_with("trail.jsonl"));
    // The two bad records, by line.
    let mut bad: Vec<(Option<u32>, String)> = out
        .skipped
        .iter()
        .filter(|s| s.path.ends_with(".gz"))
        .map(|s| (s.line, s.reason.clone()))
        .collect();
    bad.sort();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert_eq!(bad[0].0, Some(6));
    assert!(bad[0].1.contains("`httpstatus` is not a number"), "{bad:?}");
    assert_eq!(bad[1].0, Some(7));
    assert!(bad[1].1.contains("unclosed quote"), "{bad:?}");
    let _ = std::fs::remove_dir_all(&d);
}

const VALID: &str = "7f3c0ab4e2d1 example-bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - 3E57427F3EXAMPLE REST.GET.OBJECT k \"GET /k HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" - hostid= SigV4 - AuthHeader h TLSv1.2 - Yes";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random bytes: an event or an error, never a panic.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = s3access::looks_like(&bytes);
        if let Ok(m) = s3access::record(&bytes) {
            prop_assert!(m.contains_key("eventTime"));
        }
    }

    /// A valid record cut, or with bytes replaced by the characters the
    /// format gives meaning to: still no panic, and a cut record is either
    /// read or refused.
    #[test]
    fn damaged_records_never_panic(
        cut in 0usize..VALID.len(),
        edits in proptest::collection::vec((0usize..VALID.len(), prop::sample::select(vec![b'"', b'[', b']', b'\\', b' ', b'-', 0xFF, b'\n'])), 0..6),
    ) {
        let mut b = VALID.as_bytes().to_vec();
        for (at, c) in edits {
            if let Some(x) = b.get_mut(at) {
                *x = c;
            }
        }
        let _ = s3access::looks_like(&b);
        let _ = s3access::record(&b);
        let _ = s3access::record(b.get(..cut).unwrap());
    }
}
