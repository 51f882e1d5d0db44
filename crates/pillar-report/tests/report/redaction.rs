//! Secrets never reach any format.

use crate::sample;
use pillar_report::{render, Format, RenderOptions};

#[test]
fn no_format_prints_a_secret() {
    let report = sample::report();
    // The sample does hold them in clear.
    let raw = serde_json::to_string(&report).unwrap();
    for secret in [sample::KEY_ID, sample::SECRET_KEY, sample::PASSWORD] {
        assert!(raw.contains(secret));
    }
    for format in Format::ALL {
        for verbose in [false, true] {
            let out = render(
                &report,
                format,
                &RenderOptions {
                    color: false,
                    verbose,
                },
            )
            .unwrap();
            for secret in [
                sample::KEY_ID,
                sample::SECRET_KEY,
                sample::PASSWORD,
                "hunter2",
            ] {
                assert!(
                    !out.contains(secret),
                    "{format} (verbose {verbose}) prints {secret}"
                );
            }
            // The key id stays recognisable by its last four characters.
            assert!(out.contains("AKIA************MPLE"), "{format}");
        }
    }
}

#[test]
fn redaction_keeps_the_rest_of_the_evidence() {
    let report = sample::report();
    let out = render(&report, Format::Json, &RenderOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let secret = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secrets-aws-access-key")
        .unwrap();
    assert_eq!(
        secret["evidence"],
        serde_json::json!({
            "key_id": "AKIA************MPLE",
            "value": "[REDACTED]",
            "secret_length": 40,
            "nested": { "password": "[REDACTED]" },
        })
    );
    assert_eq!(
        secret["message"],
        "AWS access key AKIA************MPLE with secret aws_secret_access_key=[REDACTED] in code"
    );
    // Skipped reasons too.
    assert!(out.contains("not valid JSON near password = [REDACTED]"));
    // Rendering does not change the report it was given.
    assert!(report
        .findings
        .iter()
        .any(|f| f.message.contains(sample::KEY_ID)));
}
