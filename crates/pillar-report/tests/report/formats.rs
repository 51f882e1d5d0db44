//! Snapshots of every format, colour against plain, ordering.

use crate::sample;
use pillar_report::{render, Format, RenderOptions};

fn opts(color: bool, verbose: bool) -> RenderOptions {
    RenderOptions { color, verbose }
}

/// Strip ANSI SGR sequences (`ESC [ … m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn text_plain() {
    let out = render(&sample::report(), Format::Text, &opts(false, false)).unwrap();
    insta::assert_snapshot!("text_plain", out);
}

#[test]
fn text_verbose() {
    let out = render(&sample::report(), Format::Text, &opts(false, true)).unwrap();
    insta::assert_snapshot!("text_verbose", out);
}

#[test]
fn json() {
    let out = render(&sample::report(), Format::Json, &opts(false, false)).unwrap();
    insta::assert_snapshot!("json", out);
}

#[test]
fn sarif() {
    let out = render(&sample::report(), Format::Sarif, &opts(false, false)).unwrap();
    insta::assert_snapshot!("sarif", out);
}

#[test]
fn colour_only_when_asked_and_same_text_underneath() {
    let report = sample::report();
    for verbose in [false, true] {
        let plain = render(&report, Format::Text, &opts(false, verbose)).unwrap();
        let colour = render(&report, Format::Text, &opts(true, verbose)).unwrap();
        assert!(!plain.contains('\u{1b}'), "plain output has an escape code");
        assert!(
            colour.contains("\u{1b}["),
            "colour output has no escape code"
        );
        // Critical is bold bright red.
        assert!(colour.contains("\u{1b}[1m\u{1b}[91mCRITICAL"), "{colour}");
        assert_eq!(strip_ansi(&colour), plain);
    }
    // Machine formats never carry colour.
    for f in [Format::Json, Format::Sarif] {
        let a = render(&report, f, &opts(true, true)).unwrap();
        let b = render(&report, f, &opts(false, false)).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn text_lines_fit_in_100_columns() {
    let mut baselined = sample::report();
    let all = baselined
        .findings
        .iter()
        .map(|f| f.fingerprint.clone())
        .collect();
    pillar_report::baseline::apply(&mut baselined, &all);
    for (report, verbose) in [
        (sample::report(), false),
        (sample::report(), true),
        (baselined, false),
    ] {
        let out = render(&report, Format::Text, &opts(false, verbose)).unwrap();
        for line in out.lines() {
            assert!(line.chars().count() <= 100, "too long: {line:?}");
        }
    }
}

#[test]
fn text_failures_are_ordered_by_severity_then_rule_then_resource() {
    let out = render(&sample::report(), Format::Text, &opts(false, false)).unwrap();
    let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing"));
    // Identity: critical before high.
    assert!(
        pos("CRITICAL  iam-root-access-key-present")
            < pos("HIGH      iam-user-console-without-mfa")
    );
    // Infrastructure: two highs of one rule sorted by resource id, then the medium.
    assert!(pos("aws_security_group.admin") < pos("sg-0b1 (web)"));
    assert!(pos("sg-0b1 (web)") < pos("MEDIUM    ec2-instance-imdsv1-enabled"));
    // Domains in pillar order.
    let order = [
        "━━ Identity and access management",
        "━━ Detection",
        "━━ Infrastructure protection",
        "━━ Data protection",
        "━━ Incident response",
        "Summary",
        "Skipped inputs",
    ];
    for pair in order.windows(2) {
        assert!(
            pos(pair[0]) < pos(pair[1]),
            "{} before {}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn text_shows_what_a_reader_needs_for_each_failure() {
    let out = render(&sample::report(), Format::Text, &opts(false, false)).unwrap();
    // Location when known.
    assert!(out.contains("source    terraform · terraform/main.tf:40"));
    // Why it matters, from the rule.
    assert!(out.contains("why       Why ec2-sg-admin-port-open matters"));
    // WA and CIS ids.
    assert!(out.contains("maps to   WA SEC05-BP02 · CIS 5.2, 5.3"));
    // Multi-line Terraform indented under its label.
    assert!(out.contains(
        "      terraform  resource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n                   cidr_ipv4"
    ));
    // Not verbose: a count of not-assessed results, no passed list.
    assert!(out.contains("1 passed · 1 not assessed (--verbose says why)"));
    assert!(!out.contains("bob signs in with MFA"));
    let verbose = render(&sample::report(), Format::Text, &opts(false, true)).unwrap();
    assert!(verbose.contains("bob signs in with MFA"));
    assert!(verbose.contains("ingress cidr_blocks is var.allowed_cidrs, which has no value"));
}

#[test]
fn output_does_not_depend_on_the_order_of_findings_rules_or_skipped() {
    // Sources keep the order the user gave them; everything else is sorted.
    let report = sample::report();
    let mut shuffled = report.clone();
    shuffled.findings.reverse();
    shuffled.rules.reverse();
    shuffled.skipped.reverse();
    for f in Format::ALL {
        for verbose in [false, true] {
            let a = render(&report, f, &opts(false, verbose)).unwrap();
            let b = render(&shuffled, f, &opts(false, verbose)).unwrap();
            assert_eq!(a, b, "{f}");
        }
    }
}

#[test]
fn empty_report_renders_in_every_format() {
    let report = pillar_report::Report {
        tool_version: "0.1.0".to_owned(),
        ..Default::default()
    };
    let text = render(&report, Format::Text, &opts(false, false)).unwrap();
    assert!(text.contains("no rules in this domain ran"));
    assert!(!text.contains("Skipped inputs"));
    for f in [Format::Json, Format::Sarif] {
        let out = render(&report, f, &opts(false, false)).unwrap();
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
    }
}
