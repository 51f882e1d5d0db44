//! The SARIF structure code-scanning tools rely on.

use crate::sample;
use pillar_model::Status;
use pillar_report::{render, Format, RenderOptions};
use serde_json::Value;

fn sarif() -> Value {
    let out = render(&sample::report(), Format::Sarif, &RenderOptions::default()).unwrap();
    serde_json::from_str(&out).unwrap()
}

#[test]
fn has_the_required_top_level_structure() {
    let v = sarif();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"]
        .as_str()
        .unwrap()
        .ends_with("sarif-schema-2.1.0.json"));
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "pillar");
    assert_eq!(driver["version"], "0.1.0");
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
}

#[test]
fn rules_carry_docs_tags_and_security_severity() {
    let v = sarif();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    // 10 listed rules plus the secrets rule only a finding names, ids unique.
    assert_eq!(rules.len(), 11);
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 11);

    let root = rules
        .iter()
        .find(|r| r["id"] == "iam-root-access-key-present")
        .unwrap();
    assert_eq!(root["name"], "IamRootAccessKeyPresent");
    assert_eq!(
        root["shortDescription"]["text"],
        "Root user has an active access key"
    );
    assert!(root["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Why iam-root"));
    assert!(root["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## What it does"));
    let md = root["help"]["markdown"].as_str().unwrap();
    assert!(md.contains("## Remediation"), "{md}");
    assert!(
        md.contains("```sh\naws iam fix-it --resource <ID>\n```"),
        "{md}"
    );
    let text = root["help"]["text"].as_str().unwrap();
    assert!(text.starts_with("What it does\n"), "{text}");
    assert!(!text.contains("```"));
    assert_eq!(
        root["helpUri"],
        "https://example.invalid/pillar/rules/iam-root-access-key-present"
    );
    let props = &root["properties"];
    assert_eq!(props["security-severity"], "9.5");
    let tags: Vec<&str> = props["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        [
            "security",
            "identity-access",
            "SEC02-BP02",
            "SEC03-BP03",
            "CIS 1.4"
        ]
    );

    for (id, sev) in [
        ("ec2-sg-admin-port-open", "8.0"),
        ("ec2-instance-imdsv1-enabled", "5.5"),
        ("s3-bucket-versioning-disabled", "3.0"),
    ] {
        let r = rules.iter().find(|r| r["id"] == id).unwrap();
        assert_eq!(r["properties"]["security-severity"], sev, "{id}");
        // A number in a string.
        r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap();
    }
}

#[test]
fn results_are_the_failures_and_point_at_their_rule() {
    let v = sarif();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let failures = sample::report()
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .count();
    assert_eq!(results.len(), failures);
    for r in results {
        let idx = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(
            rules[idx]["id"], r["ruleId"],
            "ruleIndex of {}",
            r["ruleId"]
        );
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        assert_eq!(
            r["partialFingerprints"]["pillarFingerprint/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
        assert_eq!(r["locations"].as_array().unwrap().len(), 1);
    }
    let level = |rule: &str| {
        results.iter().find(|r| r["ruleId"] == rule).unwrap()["level"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(level("iam-root-access-key-present"), "error");
    assert_eq!(level("cloudtrail-multi-region-missing"), "error");
    assert_eq!(level("ec2-instance-imdsv1-enabled"), "warning");
    assert_eq!(level("s3-bucket-versioning-disabled"), "note");
}

#[test]
fn locations_are_physical_when_known_else_logical() {
    let v = sarif();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let loc = |msg: &str| {
        results
            .iter()
            .find(|r| r["message"]["text"].as_str().unwrap().contains(msg))
            .unwrap()["locations"][0]
            .clone()
    };
    let trail = loc("aws_cloudtrail.main");
    assert_eq!(
        trail["physicalLocation"]["artifactLocation"]["uri"],
        "terraform/main.tf"
    );
    assert_eq!(
        trail["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "%SRCROOT%"
    );
    assert_eq!(trail["physicalLocation"]["region"]["startLine"], 12);
    assert!(trail.get("logicalLocations").is_none());

    // `./app/config.py` is written relative, without `./`, with its column.
    let secret = loc("AWS access key");
    assert_eq!(
        secret["physicalLocation"]["artifactLocation"]["uri"],
        "app/config.py"
    );
    assert_eq!(secret["physicalLocation"]["region"]["startColumn"], 9);

    let root = loc("root user has 1 active");
    assert!(root.get("physicalLocation").is_none());
    let logical = &root["logicalLocations"][0];
    assert_eq!(
        logical["fullyQualifiedName"],
        "arn:aws:iam::111122223333:root"
    );
    assert_eq!(logical["properties"]["resourceType"], "AWS::IAM::Root");
}

#[test]
fn skipped_inputs_are_tool_notifications() {
    let v = sarif();
    let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2);
    let broken = notes
        .iter()
        .find(|n| {
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "terraform/broken.tf"
        })
        .unwrap();
    assert_eq!(
        broken["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    assert_eq!(broken["level"], "warning");
}
