//! Summary counting.

use crate::sample;
use pillar_model::{Domain, Severity, Status};
use pillar_report::summary::{rule_outcomes, Outcome, SeverityCounts, StatusCounts};
use pillar_report::{Report, Summary};

#[test]
fn counts_rules_per_domain_by_outcome() {
    let s = Summary::of(&sample::report());
    // 10 listed rules plus the secrets rule only a finding names.
    assert_eq!(s.rules, 11);
    let d = |d| s.domain(d).unwrap();

    let iam = d(Domain::IdentityAccess);
    assert_eq!(
        (
            iam.rules,
            iam.failed,
            iam.passed,
            iam.not_assessed,
            iam.no_resources
        ),
        (3, 2, 0, 1, 0)
    );
    assert_eq!(
        iam.results,
        StatusCounts {
            failed: 2,
            passed: 1,
            not_assessed: 1
        }
    );

    let det = d(Domain::Detection);
    assert_eq!(
        (
            det.rules,
            det.failed,
            det.passed,
            det.not_assessed,
            det.no_resources
        ),
        (2, 1, 1, 0, 0)
    );

    // ec2-sg-admin-port-open has fails and an unknown: it failed.
    let net = d(Domain::InfrastructureProtection);
    assert_eq!(
        (net.rules, net.failed, net.passed, net.not_assessed),
        (2, 2, 0, 0)
    );
    assert_eq!(
        net.results,
        StatusCounts {
            failed: 3,
            passed: 0,
            not_assessed: 1
        }
    );

    // kms-key-rotation-disabled has no finding at all.
    let data = d(Domain::DataProtection);
    assert_eq!((data.rules, data.failed, data.no_resources), (3, 2, 1));

    let ir = d(Domain::IncidentResponse);
    assert_eq!((ir.rules, ir.not_assessed), (1, 1));

    // Every domain's outcomes add up to its rules, in pillar order.
    assert_eq!(
        s.domains.iter().map(|d| d.domain).collect::<Vec<_>>(),
        Domain::ALL
    );
    for d in &s.domains {
        assert_eq!(
            d.passed + d.failed + d.baselined + d.not_assessed + d.no_resources,
            d.rules
        );
        assert_eq!(d.title, d.domain.title());
    }
    assert_eq!(
        s.results,
        StatusCounts {
            failed: 8,
            passed: 2,
            not_assessed: 3
        }
    );
    assert_eq!(s.skipped, 2);
    assert_eq!(s.baselined, 0);
}

#[test]
fn passed_needs_a_pass_and_no_fail() {
    let rules = sample::rules();
    let r = sample::rule_named(&rules, "ec2-sg-admin-port-open");
    let pass = |id: &str| {
        sample::finding(
            r,
            Status::Pass,
            pillar_model::ResourceRef::new("AWS::EC2::SecurityGroup", id),
            None,
            "closed",
            serde_json::Value::Null,
        )
    };
    let unknown = sample::finding(
        r,
        Status::Unknown,
        pillar_model::ResourceRef::new("AWS::EC2::SecurityGroup", "sg-u"),
        None,
        "var",
        serde_json::Value::Null,
    );
    let report = Report {
        rules: vec![r.clone()],
        findings: vec![pass("sg-1"), unknown],
        ..Report::default()
    };
    assert_eq!(
        rule_outcomes(&report)["ec2-sg-admin-port-open"],
        Outcome::Passed
    );
    let d = Summary::of(&report);
    let d = d.domain(Domain::InfrastructureProtection).unwrap();
    assert_eq!((d.passed, d.not_assessed), (1, 0));
}

#[test]
fn counts_failures_by_severity() {
    let s = Summary::of(&sample::report());
    assert_eq!(
        s.failures_by_severity,
        SeverityCounts {
            critical: 2,
            high: 4,
            medium: 1,
            low: 1,
            info: 0
        }
    );
    assert_eq!(s.failures_by_severity.get(Severity::High), 4);
}

#[test]
fn lists_best_practices_with_the_first_outcome_of_their_rules() {
    let s = Summary::of(&sample::report());
    let bp: Vec<(&str, Outcome)> = s
        .best_practices
        .iter()
        .map(|b| (b.id.as_str(), b.status))
        .collect();
    assert_eq!(
        bp,
        vec![
            // SEC02-BP01: console-without-mfa failed, password-policy unknown.
            ("SEC02-BP01", Outcome::Failed),
            ("SEC02-BP02", Outcome::Failed),
            ("SEC02-BP03", Outcome::Failed),
            ("SEC03-BP03", Outcome::Failed),
            ("SEC04-BP01", Outcome::Failed),
            ("SEC04-BP02", Outcome::Passed),
            ("SEC05-BP02", Outcome::Failed),
            ("SEC06-BP02", Outcome::Failed),
            ("SEC08-BP01", Outcome::NoResources),
            ("SEC09-BP01", Outcome::Failed),
            ("SEC09-BP03", Outcome::Failed),
            ("SEC10-BP05", Outcome::NotAssessed),
        ]
    );
    let sec02 = &s.best_practices[0];
    assert_eq!(
        sec02.rules,
        vec!["iam-password-policy-weak", "iam-user-console-without-mfa"]
    );
}

#[test]
fn summary_is_in_the_json_report() {
    let report = sample::report();
    let out =
        pillar_report::render(&report, pillar_report::Format::Json, &Default::default()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let back: Summary = serde_json::from_value(v["summary"].clone()).unwrap();
    assert_eq!(back, Summary::of(&report));
    assert_eq!(v["summary"]["domains"][0]["domain"], "identity-access");
    assert_eq!(v["summary"]["best_practices"][8]["status"], "no-resources");
}
