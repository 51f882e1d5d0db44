#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Bad input never panics and never stops the load.

use pillar_model::Known;
use pillar_sources::{load_paths, snapshot, LoadOptions, Loaded};
use proptest::prelude::*;
use std::path::Path;

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

const GOOD_SG: &str = r#"{
    "SecurityGroups": [
        {
            "GroupId": "sg-1",
            "GroupName": "a",
            "IpPermissions": []
        }
    ]
}"#;

fn load_dir(dir: &Path, opts: &LoadOptions) -> Loaded {
    load_paths(&[dir.to_path_buf()], opts)
}

fn skipped_for<'a>(loaded: &'a Loaded, name: &str) -> &'a pillar_model::Skipped {
    loaded
        .skipped
        .iter()
        .find(|s| s.path.ends_with(name))
        .unwrap_or_else(|| panic!("no skip for {name}: {:#?}", loaded.skipped))
}

#[test]
fn bad_files_are_skipped_with_position_and_the_rest_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "us-east-1/ec2-describe-security-groups.json",
        GOOD_SG.as_bytes(),
    );
    // Truncated JSON.
    write(
        d,
        "us-east-1/ec2-describe-vpcs.json",
        b"{\n    \"Vpcs\": [\n        {\"VpcId\": \"vpc-1\"",
    );
    // Wrong type: IsDefault must be a boolean.
    write(
        d,
        "us-east-1/ec2-describe-subnets.json",
        b"{\n  \"Subnets\": [\n    {\"SubnetId\": \"subnet-1\", \"MapPublicIpOnLaunch\": \"yes\"}\n  ]\n}",
    );
    // Wrong shape: a string at the top.
    write(d, "us-east-1/ec2-describe-instances.json", b"\"hello\"");
    write(d, "us-east-1/ec2-describe-volumes.json", b"");
    write(
        d,
        "us-east-1/ec2-describe-addresses.json",
        &[0xff, 0xfe, 0x00, 0x12, 0x80],
    );
    // Non-UTF-8 inside a string.
    write(
        d,
        "us-east-1/ec2-describe-flow-logs.json",
        b"{\"FlowLogs\": [{\"FlowLogId\": \"\xff\xfe\"}]}",
    );
    // Error files: one "not configured", one access denied.
    write(
        d,
        "us-east-1/securityhub-describe-hub.json",
        br#"{"Error": {"Code": "InvalidAccessException", "Message": "not subscribed"}}"#,
    );
    write(
        d,
        "us-east-1/guardduty-list-detectors.json",
        br#"{"Error": {"Code": "AccessDeniedException", "Message": "no"}}"#,
    );
    write(d, "us-east-1/unrelated.txt", b"hello");
    let loaded = load_dir(d, &LoadOptions::default());

    assert_eq!(
        loaded.inventory.security_groups.len(),
        1,
        "good file still loads"
    );
    let vpcs = skipped_for(&loaded, "ec2-describe-vpcs.json");
    assert_eq!(vpcs.line, Some(3));
    assert!(vpcs.column.is_some());
    assert!(
        vpcs.reason.starts_with("invalid JSON: end of file"),
        "{}",
        vpcs.reason
    );
    let subnets = skipped_for(&loaded, "ec2-describe-subnets.json");
    assert_eq!(subnets.line, Some(3));
    assert!(
        subnets
            .reason
            .contains("invalid type: string \"yes\", expected a boolean"),
        "{}",
        subnets.reason
    );
    let inst = skipped_for(&loaded, "ec2-describe-instances.json");
    assert!(
        inst.reason.contains("expected an object"),
        "{}",
        inst.reason
    );
    assert!(!inst.reason.contains("struct"), "{}", inst.reason);
    assert_eq!(
        skipped_for(&loaded, "ec2-describe-volumes.json").reason,
        "empty file"
    );
    assert!(skipped_for(&loaded, "ec2-describe-addresses.json")
        .line
        .is_some());
    assert!(skipped_for(&loaded, "ec2-describe-flow-logs.json")
        .line
        .is_some());
    let gd = skipped_for(&loaded, "guardduty-list-detectors.json");
    assert!(
        gd.reason.contains("AccessDeniedException: no"),
        "{}",
        gd.reason
    );
    assert!(loaded
        .skipped
        .iter()
        .all(|s| !s.path.ends_with("securityhub-describe-hub.json")));
    for s in &loaded.skipped {
        let first = s.reason.chars().next().unwrap();
        assert!(!first.is_uppercase(), "lower-case reason: {s}");
    }

    let region = &loaded.inventory.regions[0];
    assert_eq!(region.security_hub, Known::Known(None));
    assert_eq!(
        region.guardduty_detectors,
        Known::Unknown("AccessDeniedException: no".to_owned())
    );
    assert!(!loaded
        .inventory
        .covers(pillar_model::Service::FlowLogs, "us-east-1"));
    assert!(loaded
        .inventory
        .covers(pillar_model::Service::Network, "us-east-1"));
}

#[test]
fn oversized_file_is_skipped_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "us-east-1/ec2-describe-security-groups.json",
        GOOD_SG.as_bytes(),
    );
    let loaded = load_dir(
        tmp.path(),
        &LoadOptions {
            max_file_bytes: 10,
            ..LoadOptions::default()
        },
    );
    let s = skipped_for(&loaded, "ec2-describe-security-groups.json");
    assert!(
        s.reason.contains("larger than the limit of 10 bytes"),
        "{}",
        s.reason
    );
    assert!(loaded.inventory.security_groups.is_empty());
}

#[test]
fn missing_per_resource_file_is_not_collected() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "s3api-list-buckets.json",
        br#"{"Buckets": [{"Name": "b1", "CreationDate": "2024-01-01T00:00:00+00:00"}]}"#,
    );
    write(
        tmp.path(),
        "s3api-get-bucket-policy/b1.json",
        br#"{"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}"#,
    );
    let loaded = load_dir(tmp.path(), &LoadOptions::default());
    let b = &loaded.inventory.buckets[0];
    assert_eq!(b.acl, Known::Unknown("not collected".to_owned()));
    assert_eq!(
        b.policy,
        Known::Unknown("AccessDenied: Access Denied".to_owned())
    );
    assert!(loaded.skipped.is_empty());
}

#[test]
fn empty_and_unrelated_folders_are_not_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let other = tmp.path().join("other");
    write(&other, "README.md", b"# hi");
    write(&other, "data.json", b"{}");
    write(&other, "us-east-1/notes.json", b"{}");
    let loaded = load_paths(&[empty.clone(), other.clone()], &LoadOptions::default());
    assert_eq!(loaded.skipped.len(), 2, "{:#?}", loaded.skipped);
    assert!(loaded.inventory.is_empty());
    assert!(snapshot::find_snapshot_roots(&other).is_empty());
    let missing = load_paths(&[tmp.path().join("nope")], &LoadOptions::default());
    assert!(missing.skipped[0].reason.starts_with("cannot read"));
}

#[test]
fn skips_git_target_and_node_modules() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in [".git", "target", "node_modules"] {
        write(
            tmp.path(),
            &format!("{dir}/snap/sts-get-caller-identity.json"),
            b"{}",
        );
    }
    write(
        tmp.path(),
        "real/sts-get-caller-identity.json",
        br#"{"Account": "123456789012"}"#,
    );
    let roots = snapshot::find_snapshot_roots(tmp.path());
    assert_eq!(roots, vec![tmp.path().join("real")]);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "real/sts-get-caller-identity.json",
        br#"{"Account": "123456789012"}"#,
    );
    let outer = tmp.path().join("outer");
    std::fs::create_dir_all(&outer).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("real"), outer.join("link")).unwrap();
    assert!(snapshot::find_snapshot_roots(&outer).is_empty());
}

#[test]
fn url_encoded_and_object_trust_policies_both_load() {
    let encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22%2A%22%7D%7D%5D%7D";
    let body = format!(
        r#"{{"RoleDetailList": [
            {{"RoleName": "a", "Arn": "arn:aws:iam::1:role/a", "AssumeRolePolicyDocument": "{encoded}"}},
            {{"RoleName": "b", "Arn": "arn:aws:iam::1:role/b", "AssumeRolePolicyDocument": {{"Statement": []}}}},
            {{"RoleName": "c", "Arn": "arn:aws:iam::1:role/c", "AssumeRolePolicyDocument": "not json"}}
        ]}}"#
    );
    let loaded = snapshot::load_file_bytes(
        "iam-get-account-authorization-details.json",
        body.as_bytes(),
    );
    let roles = &loaded.inventory.roles;
    assert!(roles[0].assume_role_policy.get().unwrap().statements()[0].principal_is_public());
    assert!(roles[1].assume_role_policy.is_known());
    assert!(!roles[2].assume_role_policy.is_known());
    assert_eq!(roles[2].location.as_ref().unwrap().line, Some(4));
}

#[test]
fn credential_report_bad_base64_is_skipped() {
    let loaded = snapshot::load_file_bytes(
        "iam-get-credential-report.json",
        br#"{"Content": "***", "ReportFormat": "text/csv"}"#,
    );
    assert!(loaded.skipped[0].reason.contains("not base64"));
    assert!(!loaded.inventory.accounts[0].credential_report.is_known());
}

#[test]
fn unknown_name_for_load_file_bytes() {
    let loaded = snapshot::load_file_bytes("whatever.json", b"{}");
    assert_eq!(loaded.skipped[0].reason, "not a snapshot file name");
}

/// Every file name of the layout, as `load_file_bytes` takes it.
fn all_names() -> Vec<String> {
    let root = Path::new("tests/fixtures/snapshot");
    let mut names = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap();
            names.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    names.sort();
    names
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[a-zA-Z0-9:/ %*-]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let keys = prop_oneof![
            Just("SecurityGroups".to_owned()),
            Just("IpPermissions".to_owned()),
            Just("Error".to_owned()),
            Just("Code".to_owned()),
            Just("Content".to_owned()),
            Just("Policy".to_owned()),
            Just("UserDetailList".to_owned()),
            Just("RoleDetailList".to_owned()),
            Just("PolicyVersionList".to_owned()),
            Just("AssumeRolePolicyDocument".to_owned()),
            Just("FromPort".to_owned()),
            Just("CreateDate".to_owned()),
            "[A-Za-z]{1,10}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys, inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(idx in any::<prop::sample::Index>(), bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let names = all_names();
        let name = idx.get(&names);
        let _ = snapshot::load_file_bytes(name, &bytes);
    }

    #[test]
    fn random_json_never_panics(idx in any::<prop::sample::Index>(), value in json_value()) {
        let names = all_names();
        let name = idx.get(&names);
        let bytes = serde_json::to_vec(&value).unwrap();
        let loaded = snapshot::load_file_bytes(name, &bytes);
        // Either it was read, or skipped with a reason.
        prop_assert!(loaded.files_read == 1 || !loaded.skipped.is_empty());
    }
}

#[test]
fn not_in_an_organization_means_no_scps() {
    let loaded = snapshot::load_file_bytes(
        "organizations-list-policies.json",
        br#"{"Error": {"Code": "AWSOrganizationsNotInUseException", "Message": "not a member"}}"#,
    );
    assert!(loaded.skipped.is_empty());
    assert!(loaded.inventory.scps.is_empty());
    assert!(loaded
        .inventory
        .covers(pillar_model::Service::Organizations, "global"));
}
