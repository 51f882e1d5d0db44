#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! SQS queues, SNS topics, VPC endpoints and ECS tasks from a snapshot (the
//! `pillar iam` fixtures), and bad input in those files.

use pillar_model::{Known, Service};
use pillar_sources::{load_paths, snapshot, LoadOptions, Loaded};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pillar-iam/tests/fixtures")
        .join(name)
}

fn load(dir: &Path) -> Loaded {
    load_paths(&[dir.to_path_buf()], &LoadOptions::default())
}

#[test]
fn queues_topics_and_endpoints_with_their_policies() {
    let loaded = load(&fixture("messaging-snapshot"));
    assert!(loaded.skipped.is_empty(), "{:#?}", loaded.skipped);
    let inv = &loaded.inventory;
    let names: Vec<&str> = inv.queues.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["orders", "payroll", "internal"]);
    let q = &inv.queues[1];
    assert_eq!(q.arn, "arn:aws:sqs:us-east-1:111122223333:payroll");
    assert_eq!(q.kms_key_id.as_deref(), Some("alias/payroll"));
    assert!(matches!(q.policy, Known::Known(Some(_))));
    assert_eq!(inv.queues[2].policy, Known::Known(None));
    assert_eq!(inv.queues[0].sqs_managed_sse, Some(true));
    assert_eq!(inv.topics.len(), 1);
    assert!(matches!(inv.topics[0].policy, Known::Known(Some(_))));
    let e: Vec<(&str, &str)> = inv
        .vpc_endpoints
        .iter()
        .map(|e| (e.id.as_str(), e.service_name.as_str()))
        .collect();
    assert_eq!(
        e,
        [
            ("vpce-0sqs", "com.amazonaws.us-east-1.sqs"),
            ("vpce-0s3", "com.amazonaws.us-east-1.s3")
        ]
    );
    assert!(inv
        .vpc_endpoints
        .iter()
        .all(|e| matches!(e.policy, Known::Known(Some(_)))));
    for s in [Service::Sqs, Service::Sns, Service::VpcEndpoints] {
        assert!(inv.covers(s, "us-east-1"), "{s:?}");
    }
}

#[test]
fn ecs_tasks_with_roles_and_a_bad_task_definition() {
    let loaded = load(&fixture("ecs-exec-snapshot"));
    assert!(loaded.skipped.is_empty(), "{:#?}", loaded.skipped);
    let roles: Vec<_> = loaded
        .inventory
        .ecs_tasks
        .iter()
        .map(|t| {
            (
                t.arn.rsplit('/').next().unwrap().to_owned(),
                t.task_role_arn.clone(),
                t.enable_execute_command,
            )
        })
        .collect();
    assert_eq!(roles.len(), 2);
    assert_eq!(
        roles[0].1,
        Known::Known(Some("arn:aws:iam::111122223333:role/billing-worker".into()))
    );
    assert!(loaded.inventory.covers(Service::Ecs, "us-east-1"));
    // A damaged task definition: its task's role is unknown, with the file
    // named; the rest loads.
    let tmp = tempfile::tempdir().unwrap();
    copy(&fixture("ecs-exec-snapshot"), tmp.path());
    let bad = tmp
        .path()
        .join("us-east-1/ecs-describe-task-definition/billing_7.json");
    std::fs::write(&bad, b"{\"taskDefinition\": [1,").unwrap();
    let loaded = load(tmp.path());
    assert_eq!(loaded.skipped.len(), 1, "{:#?}", loaded.skipped);
    assert!(loaded.skipped[0].path.ends_with("billing_7.json"));
    assert!(loaded.skipped[0].line.is_some());
    let tasks = &loaded.inventory.ecs_tasks;
    assert_eq!(tasks.len(), 2);
    assert!(matches!(tasks[0].task_role_arn, Known::Unknown(_)));
    assert!(matches!(tasks[1].task_role_arn, Known::Known(Some(_))));
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

const NAMES: &[&str] = &[
    "us-east-1/sqs-list-queues.json",
    "us-east-1/sqs-get-queue-attributes/orders.json",
    "us-east-1/sns-list-topics.json",
    "us-east-1/sns-get-topic-attributes/alerts.json",
    "us-east-1/ec2-describe-vpc-endpoints.json",
    "us-east-1/ecs-list-clusters.json",
    "us-east-1/ecs-describe-tasks/prod.json",
    "us-east-1/ecs-describe-task-definition/web_3.json",
];

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-zA-Z0-9:/ {}\"%*-]{0,16}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let keys = prop_oneof![
            Just("QueueUrls".to_owned()),
            Just("Attributes".to_owned()),
            Just("Policy".to_owned()),
            Just("Topics".to_owned()),
            Just("TopicArn".to_owned()),
            Just("VpcEndpoints".to_owned()),
            Just("VpcEndpointId".to_owned()),
            Just("PolicyDocument".to_owned()),
            Just("clusterArns".to_owned()),
            Just("tasks".to_owned()),
            Just("taskArn".to_owned()),
            Just("overrides".to_owned()),
            Just("taskDefinition".to_owned()),
            Just("Error".to_owned()),
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
        let loaded = snapshot::load_file_bytes(idx.get::<&str>(NAMES), &bytes);
        prop_assert!(loaded.files_read == 1 || !loaded.skipped.is_empty());
    }

    #[test]
    fn random_json_never_panics(idx in any::<prop::sample::Index>(), value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let loaded = snapshot::load_file_bytes(idx.get::<&str>(NAMES), &bytes);
        prop_assert!(loaded.files_read == 1 || !loaded.skipped.is_empty());
    }
}
