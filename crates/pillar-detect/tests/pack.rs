#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The shipped rule pack: loads cleanly, every rule carries examples that
//! it matches and negative examples that it does not, ids are kebab-case.

use pillar_detect::{check_examples, RuleSet};

#[test]
fn shipped_pack_loads_and_its_examples_pass() {
    let set = RuleSet::shipped();
    assert!(set.errors.is_empty(), "{:#?}", set.errors);
    assert!(set.other_logsource.is_empty());
    for r in &set.rules {
        let h = &r.header;
        assert!(
            h.rule_id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            h.rule_id
        );
        assert!(
            !h.pillar.examples.is_empty(),
            "{} has no examples",
            h.rule_id
        );
        if h.severity != pillar_model::Severity::Info {
            assert!(
                !h.pillar.negative_examples.is_empty(),
                "{} has no negative examples",
                h.rule_id
            );
            assert!(
                !h.pillar.response.is_empty(),
                "{} has no response",
                h.rule_id
            );
            assert!(
                !h.description.is_empty(),
                "{} has no description",
                h.rule_id
            );
            assert!(
                !h.techniques().is_empty(),
                "{} has no ATT&CK tag",
                h.rule_id
            );
        }
    }
    let (n, failures) = check_examples(&set);
    assert!(n >= 2 * set.rules.len(), "only {n} examples");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn shipped_pack_covers_the_security_pillar_threats() {
    let set = RuleSet::shipped();
    let ids: Vec<&str> = set
        .rules
        .iter()
        .map(|r| r.header.rule_id.as_str())
        .chain(
            set.correlations
                .iter()
                .map(|c| c.def.header.rule_id.as_str()),
        )
        .collect();
    for want in [
        "cloudtrail-root-account-used",
        "cloudtrail-console-login-without-mfa",
        "cloudtrail-logging-stopped",
        "cloudtrail-trail-or-selectors-changed",
        "guardduty-detector-disabled",
        "config-recording-disabled",
        "iam-access-key-created-for-other-user",
        "s3-bucket-made-public",
        "s3-block-public-access-removed",
        "ec2-snapshot-shared-publicly",
        "ec2-sg-admin-port-opened-to-world",
        "cloudtrail-access-denied-burst",
    ] {
        assert!(ids.contains(&want), "missing {want}");
    }
}

#[test]
fn a_broken_negative_example_is_caught() {
    let mut set = RuleSet::default();
    set.add_text(
        "title: t\nname: t\ndetection:\n  sel: {eventName: A}\n  condition: sel\npillar:\n  examples:\n    - {eventName: B}\n  negative_examples:\n    - {eventName: A}\n",
        "t.yml",
    );
    set.finish();
    let (n, failures) = check_examples(&set);
    assert_eq!(n, 2);
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0].line, 8);
}
