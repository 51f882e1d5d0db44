//! The exchange formats (OCSF, ASFF, JUnit), Markdown's size cap, the HTML
//! page's embedded data, and the diff.

use crate::sample;
use pillar_model::finding::fingerprint;
use pillar_model::{Domain, Finding, Location, ResourceRef, Severity, SourceKind, Status};
use pillar_report::diff::{self, DiffFormat};
use pillar_report::{render, Format, RenderOptions, Report};
use serde_json::{json, Value};

fn schema(name: &str) -> jsonschema::Validator {
    let path = format!("{}/../../docs/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The sample plus a detection from logs and a reachability failure with
/// its path, and a time.
fn report() -> Report {
    let mut r = sample::report();
    let res = ResourceRef::new("AWS::IAM::User", "alice")
        .in_account(Some(sample::ACCOUNT.to_owned()))
        .from_source(SourceKind::Logs);
    r.findings.push(Finding {
        rule: "cloudtrail-stop-logging".into(),
        title: "CloudTrail logging stopped / deleted".into(),
        severity: Severity::High,
        domain: Domain::Detection,
        wa: vec!["SEC04-BP01".into()],
        cis: vec![],
        status: Status::Fail,
        fingerprint: fingerprint("cloudtrail-stop-logging", &res, ""),
        resource: res,
        location: Some(Location::new("logs/trail.json", Some(4))),
        source: SourceKind::Logs,
        message: "StopLogging by alice".into(),
        evidence: json!({"first_seen": "2026-11-01T10:00:00Z", "last_seen": "2026-11-01T10:05:00Z", "count": 2}),
        remediation: Default::default(),
    });
    let res = ResourceRef::new("AWS::EC2::Instance", "i-1")
        .in_region("us-east-1")
        .in_account(Some(sample::ACCOUNT.to_owned()));
    r.findings.push(Finding {
        rule: "ec2-admin-port-internet-reachable".into(),
        title: "SSH or RDP is reachable from the internet".into(),
        severity: Severity::Critical,
        domain: Domain::InfrastructureProtection,
        wa: vec!["SEC05-BP01".into()],
        cis: vec![],
        status: Status::Fail,
        fingerprint: fingerprint("ec2-admin-port-internet-reachable", &res, "tcp/22"),
        resource: res,
        location: None,
        source: SourceKind::Snapshot,
        message: "SSH is reachable </script><script>alert(1)</script>".into(),
        evidence: json!({"kind": "instance", "id": "i-1", "protocol": "tcp", "port": 22, "path": [
            {"kind": "internet-gateway", "id": "igw-1", "notes": []},
            {"kind": "security-group", "id": "sg-1", "notes": ["rule 0: tcp 22 from 0.0.0.0/0"]},
            {"kind": "network-interface", "id": "eni-1", "notes": ["203.0.113.9"]}
        ]}),
        remediation: Default::default(),
    });
    r.generated_at = Some(1_790_000_000);
    r
}

#[test]
fn ocsf_events_have_every_required_attribute() {
    let v = schema("ocsf-required.schema.json");
    let out = render(&report(), Format::Ocsf, &RenderOptions::default()).unwrap();
    let mut classes = std::collections::BTreeMap::new();
    for (i, line) in out.lines().enumerate() {
        let ev: Value = serde_json::from_str(line).unwrap();
        let errs = errors(&v, &ev);
        assert!(errs.is_empty(), "line {}: {}", i + 1, errs.join("\n"));
        *classes
            .entry(ev["class_uid"].as_u64().unwrap())
            .or_insert(0) += 1;
        assert_eq!(ev["time"], 1_790_000_000_000i64);
    }
    assert_eq!(out.lines().count(), report().findings.len());
    assert_eq!(classes.get(&2004), Some(&1), "one detection finding");
    assert!(classes.get(&2003).copied().unwrap_or(0) > 5);
    // The schema does reject a broken event.
    let bad = json!({"class_uid": 2003, "activity_id": 1});
    assert!(!errors(&v, &bad).is_empty());
}

#[test]
fn asff_batches_hold_at_most_100_complete_findings() {
    let v = schema("asff-required.schema.json");
    let mut r = report();
    let template = r.findings.first().unwrap().clone();
    for i in 0..230 {
        let mut f = template.clone();
        f.fingerprint = format!("{i:032x}");
        r.findings.push(f);
    }
    let total = r.findings.len();
    let out = render(&r, Format::Asff, &RenderOptions::default()).unwrap();
    let mut seen = 0;
    let mut sizes = vec![];
    for (i, line) in out.lines().enumerate() {
        let batch: Value = serde_json::from_str(line).unwrap();
        let errs = errors(&v, &batch);
        assert!(errs.is_empty(), "batch {}: {}", i + 1, errs.join("\n"));
        sizes.push(batch.as_array().unwrap().len());
        seen += batch.as_array().unwrap().len();
        for f in batch.as_array().unwrap() {
            assert_eq!(f["CreatedAt"], "2026-09-21T14:13:20.000Z");
        }
    }
    assert_eq!(seen, total);
    assert!(sizes.iter().all(|s| *s <= 100) && sizes.len() == total.div_ceil(100));
    assert!(!errors(&v, &json!([{"Id": "x"}])).is_empty());
}

/// Well-formed XML: every tag closed in order, attributes quoted, entities
/// known (xmlparser checks the syntax; the stack checks nesting).
fn assert_well_formed(xml: &str) -> usize {
    let mut stack: Vec<String> = vec![];
    let mut elements = 0;
    for token in xmlparser::Tokenizer::from(xml) {
        match token.unwrap_or_else(|e| panic!("junit is not well-formed: {e}")) {
            xmlparser::Token::ElementStart { local, .. } => {
                stack.push(local.to_string());
                elements += 1;
            }
            xmlparser::Token::ElementEnd { end, .. } => match end {
                xmlparser::ElementEnd::Open => {}
                xmlparser::ElementEnd::Empty => {
                    stack.pop().unwrap();
                }
                xmlparser::ElementEnd::Close(_, name) => {
                    assert_eq!(
                        stack.pop().as_deref(),
                        Some(name.as_str()),
                        "mismatched tag"
                    );
                }
            },
            xmlparser::Token::Attribute { value, .. } => {
                assert!(!value.as_str().contains('<'), "raw < in an attribute");
            }
            xmlparser::Token::Text { text } => {
                for (i, _) in text.as_str().match_indices('&') {
                    let rest = text.as_str().get(i..).unwrap();
                    assert!(
                        ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                            .iter()
                            .any(|e| rest.starts_with(e)),
                        "unknown entity in {rest:.20}"
                    );
                }
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    elements
}

#[test]
fn junit_is_well_formed_with_one_case_per_finding() {
    let r = report();
    let out = render(&r, Format::Junit, &RenderOptions::default()).unwrap();
    assert!(assert_well_formed(&out) > r.findings.len());
    assert_eq!(out.matches("<testcase ").count(), r.findings.len());
    let fails = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .count();
    let unknown = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Unknown)
        .count();
    assert_eq!(out.matches("<failure ").count(), fails);
    assert_eq!(out.matches("<skipped ").count(), unknown);
    assert!(out.contains("&lt;/script&gt;"));
}

#[test]
fn markdown_stays_under_the_comment_limit() {
    let mut r = report();
    let template = r
        .findings
        .iter()
        .find(|f| f.status == Status::Fail)
        .unwrap()
        .clone();
    for i in 0..2000 {
        let mut f = template.clone();
        f.fingerprint = format!("{i:032x}");
        f.message = format!("{} — copy {i} {}", f.message, "x".repeat(200));
        r.findings.push(f);
    }
    let out = render(&r, Format::Markdown, &RenderOptions::default()).unwrap();
    assert!(
        out.chars().count() < 65_536,
        "{} characters",
        out.chars().count()
    );
    assert!(out.contains("more findings** not shown"));
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
    // Small reports are whole, without the tail.
    let out = render(&report(), Format::Markdown, &RenderOptions::default()).unwrap();
    assert!(!out.contains("more findings"));
    assert!(out.contains("### Failures"));
}

#[test]
fn markdown_lists_new_failures_first_with_a_baseline() {
    let mut r = report();
    let old = render(&r, Format::Json, &RenderOptions::default()).unwrap();
    let mut known = pillar_report::baseline::fingerprints_from_json(&old).unwrap();
    // Everything but the reachability failure was there before.
    let newest = r.findings.last().unwrap().fingerprint.clone();
    known.remove(&newest);
    pillar_report::baseline::apply(&mut r, &known);
    let out = render(&r, Format::Markdown, &RenderOptions::default()).unwrap();
    assert!(out.contains("### New failures (not in the baseline)"));
    assert!(out.contains("`ec2-admin-port-internet-reachable`"));
    assert!(out.contains("accepted by the baseline"));
}

#[test]
fn html_embeds_the_findings_safely_and_draws_its_pictures() {
    let r = report();
    let out = render(&r, Format::Html, &RenderOptions::default()).unwrap();
    // Two script elements (data, code): no message can close one early.
    assert_eq!(out.matches("</script>").count(), 2);
    assert!(!out.contains("<script>alert(1)"));
    let start = out
        .find("<script type=\"application/json\" id=\"pillar-data\">")
        .unwrap();
    let body = &out[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    let data: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        data["findings"].as_array().unwrap().len(),
        r.findings.len() + r.baselined.len()
    );
    assert!(data["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["m"].as_str().unwrap().contains("</script>")));
    // Self-contained: nothing fetched from elsewhere.
    for needle in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "<link rel=\"stylesheet\"",
    ] {
        assert!(!out.contains(needle), "{needle}");
    }
    assert!(out.contains("id=\"exposure-graph\""));
    assert!(out.contains("igw-1"));
    assert!(out.contains("id=\"timeline-graph\""));
    // Every Security Pillar best practice is in the matrix.
    assert_eq!(out.matches("class=\"mcell ").count() - 6, 63);
    // Privilege escalation, from the IAM engine's evidence.
    let mut r = report();
    let user = ResourceRef::new("AWS::IAM::User", "arn:aws:iam::111122223333:user/ci");
    let steps = json!({
        "principal": "arn:aws:iam::111122223333:user/ci",
        "admin": "arn:aws:iam::111122223333:role/ops",
        "steps": [
            {"from": "arn:aws:iam::111122223333:user/ci", "to": "arn:aws:iam::111122223333:role/deploy",
             "method": "assume-role", "actions": ["sts:AssumeRole"], "detail": "assumes role deploy"},
            {"from": "arn:aws:iam::111122223333:role/deploy", "to": "arn:aws:iam::111122223333:role/ops",
             "method": "passrole-lambda-create-function", "actions": ["iam:PassRole"], "detail": "passes role ops to Lambda"},
            {"from": "arn:aws:iam::111122223333:role/ops", "to": "arn:aws:iam::111122223333:role/ops",
             "method": "put-own-inline-policy", "actions": ["iam:PutRolePolicy"], "detail": "grants itself everything"}
        ]
    });
    r.findings.push(Finding {
        rule: "iam-principal-privilege-escalation".into(),
        title: "An IAM principal can escalate to administrator".into(),
        severity: Severity::High,
        domain: Domain::IdentityAccess,
        wa: vec!["SEC03-BP02".into()],
        cis: vec![],
        status: Status::Fail,
        fingerprint: fingerprint("iam-principal-privilege-escalation", &user, ""),
        resource: user,
        location: None,
        source: SourceKind::Snapshot,
        message: "user ci can become administrator".into(),
        evidence: steps,
        remediation: Default::default(),
    });
    let out = render(&r, Format::Html, &RenderOptions::default()).unwrap();
    let start = out
        .find("<svg id=\"escalation-graph\"")
        .expect("escalation graph");
    let svg = &out[start..start + out[start..].find("</svg>").unwrap()];
    for needle in [
        "user/ci",
        "role/deploy",
        "role/ops",
        "assume-role",
        "put-own-inline-policy",
        "administrator",
    ] {
        assert!(svg.contains(needle), "{needle} in the escalation graph");
    }
    assert_eq!(svg.matches("class=\"edge\"").count(), 3);

    // Without reachability, escalation or detection data, no picture.
    let plain = render(&sample::report(), Format::Html, &RenderOptions::default()).unwrap();
    assert!(!plain.contains("id=\"exposure-graph\""));
    assert!(!plain.contains("id=\"timeline-graph\""));
    assert!(!plain.contains("id=\"escalation-graph\""));
}

#[test]
fn diff_sorts_failures_into_new_fixed_and_unchanged() {
    let old_report = sample::report();
    let new_report = report();
    let old = render(&old_report, Format::Json, &RenderOptions::default()).unwrap();
    let mut newer = new_report.clone();
    // One old failure is fixed.
    let fixed = newer
        .findings
        .iter()
        .position(|f| f.status == Status::Fail)
        .unwrap();
    let fixed_fp = newer.findings.remove(fixed).fingerprint;
    let new = render(&newer, Format::Json, &RenderOptions::default()).unwrap();
    let d = diff::diff(
        &diff::failures_from_json(&old).unwrap(),
        &diff::failures_from_json(&new).unwrap(),
    );
    assert_eq!(d.new.len(), 2, "the detection and the reachability failure");
    assert_eq!(d.fixed.len(), 1);
    assert_eq!(d.fixed[0].fingerprint, fixed_fp);
    assert!(d.new_at_or_above(Severity::Critical));
    assert!(!d.unchanged.is_empty());
    let text = diff::render(&d, DiffFormat::Text).unwrap();
    assert!(text.starts_with("2 new, 1 fixed, "));
    let json: Value = serde_json::from_str(&diff::render(&d, DiffFormat::Json).unwrap()).unwrap();
    assert_eq!(json["summary"]["new"], 2);
    let md = diff::render(&d, DiffFormat::Markdown).unwrap();
    assert!(md.contains("### New failures") && md.contains("### Fixed"));
    for out in [text, md, json.to_string()] {
        assert!(!out.contains(sample::SECRET_KEY));
    }
    // Not a report.
    assert!(diff::failures_from_json("{\"x\": 1}").is_err());
    assert!(diff::failures_from_json("{").is_err());
}
