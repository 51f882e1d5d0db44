#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `elbv2-describe-target-group-attributes/<name>.json`: the
//! `preserve_client_ip.enabled` attribute reaches the target group.

use pillar_sources::{load_paths, LoadOptions, Loaded};

const GROUPS: &str = r#"{"TargetGroups": [
    {"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/nlb-ip/1",
     "TargetGroupName": "nlb-ip", "Protocol": "TCP", "Port": 22, "VpcId": "vpc-1",
     "TargetType": "ip", "IpAddressType": "ipv4"},
    {"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/nlb-inst/2",
     "TargetGroupName": "nlb-inst", "Protocol": "TCP", "Port": 22, "VpcId": "vpc-1",
     "TargetType": "instance"}
]}"#;

fn load(attributes: &[(&str, &str)]) -> Loaded {
    let tmp = tempfile::tempdir().unwrap();
    let region = tmp.path().join("us-east-1");
    std::fs::create_dir_all(region.join("elbv2-describe-target-group-attributes")).unwrap();
    std::fs::write(region.join("elbv2-describe-target-groups.json"), GROUPS).unwrap();
    for (name, body) in attributes {
        std::fs::write(
            region
                .join("elbv2-describe-target-group-attributes")
                .join(format!("{name}.json")),
            body,
        )
        .unwrap();
    }
    load_paths(&[tmp.path().to_path_buf()], &LoadOptions::default())
}

fn flag(loaded: &Loaded, name: &str) -> Option<bool> {
    loaded
        .inventory
        .target_groups
        .iter()
        .find(|g| g.resource.name.as_deref() == Some(name))
        .unwrap()
        .preserve_client_ip
}

#[test]
fn the_attribute_is_read_per_target_group() {
    let loaded = load(&[
        (
            "nlb-ip",
            r#"{"Attributes": [
                {"Key": "deregistration_delay.timeout_seconds", "Value": "300"},
                {"Key": "preserve_client_ip.enabled", "Value": "true"}
            ]}"#,
        ),
        (
            "nlb-inst",
            r#"{"Attributes": [{"Key": "preserve_client_ip.enabled", "Value": "false"}]}"#,
        ),
    ]);
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    assert_eq!(flag(&loaded, "nlb-ip"), Some(true));
    assert_eq!(flag(&loaded, "nlb-inst"), Some(false));
    assert_eq!(
        loaded.inventory.target_groups[0].ip_address_type.as_deref(),
        Some("ipv4")
    );
}

#[test]
fn without_the_attribute_the_default_applies() {
    // No file for nlb-inst; nlb-ip's file does not list the attribute.
    let loaded = load(&[(
        "nlb-ip",
        r#"{"Attributes": [{"Key": "stickiness.enabled", "Value": "false"}]}"#,
    )]);
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    assert_eq!(flag(&loaded, "nlb-ip"), None);
    assert_eq!(flag(&loaded, "nlb-inst"), None);
}

#[test]
fn a_bad_value_or_shape_is_skipped_with_the_file_named() {
    let loaded = load(&[
        (
            "nlb-ip",
            r#"{"Attributes": [{"Key": "preserve_client_ip.enabled", "Value": "maybe"}]}"#,
        ),
        ("nlb-inst", r#"{"Attributes": {"Key": 1}}"#),
    ]);
    assert_eq!(loaded.skipped.len(), 2, "{:?}", loaded.skipped);
    let text = format!("{:?}", loaded.skipped);
    assert!(
        text.contains("nlb-ip.json") && text.contains("maybe"),
        "{text}"
    );
    assert!(text.contains("nlb-inst.json"), "{text}");
    // The groups themselves are still there, with the default.
    assert_eq!(flag(&loaded, "nlb-ip"), None);
    assert_eq!(flag(&loaded, "nlb-inst"), None);
}
