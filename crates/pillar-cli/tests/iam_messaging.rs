//! Golden tests of `pillar iam simulate` and `who-can` over SQS queue and
//! SNS topic policies and a VPC endpoint policy, read from a snapshot
//! (`crates/pillar-iam/tests/fixtures/messaging-snapshot`), and of
//! `pillar iam escalation` through ECS Exec into running tasks
//! (`crates/pillar-iam/tests/fixtures/ecs-exec-snapshot`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SNAP: &str = "crates/pillar-iam/tests/fixtures/messaging-snapshot";
const ORDERS: &str = "arn:aws:sqs:us-east-1:111122223333:orders";
const PAYROLL: &str = "arn:aws:sqs:us-east-1:111122223333:payroll";
const INTERNAL: &str = "arn:aws:sqs:us-east-1:111122223333:internal";
const ALERTS: &str = "arn:aws:sns:us-east-1:111122223333:alerts";
const ANN: &str = "arn:aws:iam::111122223333:user/ann";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pillar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(args: &[&str]) -> String {
    let o = pillar(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn who_can(action: &str, resource: &str, extra: &[&str]) -> String {
    let mut args = vec!["iam", "who-can", action, resource, SNAP];
    args.extend_from_slice(extra);
    text(&args)
}

fn simulate(principal: &str, action: &str, resource: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "iam",
        "simulate",
        "--snapshot",
        SNAP,
        "--principal",
        principal,
        "--action",
        action,
        "--resource",
        resource,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&text(&args)).unwrap()
}

#[test]
fn a_public_queue_policy_lets_anyone_send() {
    insta::assert_snapshot!(
        "who_can_send_to_public_queue",
        who_can("sqs:SendMessage", ORDERS, &[])
    );
    let anon = simulate("anonymous", "sqs:SendMessage", ORDERS, &[]);
    assert_eq!(anon["response"], "Allowed", "{anon}");
    // Only SendMessage is public.
    let recv = simulate("anonymous", "sqs:ReceiveMessage", ORDERS, &[]);
    assert_eq!(recv["response"], "ImplicitlyDenied", "{recv}");
}

#[test]
fn a_queue_shared_with_one_account_and_a_queue_without_policy() {
    insta::assert_snapshot!(
        "who_can_receive_from_partner_queue",
        who_can("sqs:ReceiveMessage", PAYROLL, &[])
    );
    let partner = simulate(
        "arn:aws:iam::444455556666:role/reader",
        "sqs:ReceiveMessage",
        PAYROLL,
        &[],
    );
    assert_eq!(partner["response"], "Allowed", "{partner}");
    let stranger = simulate(
        "arn:aws:iam::777788889999:role/reader",
        "sqs:ReceiveMessage",
        PAYROLL,
        &[],
    );
    assert_eq!(stranger["response"], "ImplicitlyDenied", "{stranger}");
    // No queue policy: only principals of the account whose identity
    // policies allow it.
    let who = who_can("sqs:ReceiveMessage", INTERNAL, &[]);
    assert!(who.contains(ANN), "{who}");
    assert!(!who.contains("anonymous"), "{who}");
    assert!(!who.contains("other AWS account"), "{who}");
    assert!(!who.contains("user/dev"), "{who}");
}

#[test]
fn a_topic_policy_opens_publish_and_its_deny_keeps_subscribe_in_the_account() {
    insta::assert_snapshot!(
        "who_can_subscribe_to_topic",
        who_can("sns:Subscribe", ALERTS, &[])
    );
    let other = simulate(
        "arn:aws:iam::444455556666:user/x",
        "sns:Subscribe",
        ALERTS,
        &[],
    );
    assert_eq!(other["response"], "ExplicitlyDenied", "{other}");
    let publish = simulate(
        "arn:aws:iam::444455556666:user/x",
        "sns:Publish",
        ALERTS,
        &[],
    );
    assert_eq!(publish["response"], "Allowed", "{publish}");
}

#[test]
fn lint_flags_public_queue_and_topic_policies_not_endpoint_policies() {
    let out = pillar(&["iam", "lint", SNAP]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("orders queue policy $.Statement[0] warning [public-principal]"),
        "{s}"
    );
    assert!(
        s.contains("alerts topic policy $.Statement[0] warning [public-principal]"),
        "{s}"
    );
    assert!(!s.contains("endpoint policy"), "{s}");
}

#[test]
fn requests_through_a_vpc_endpoint_are_bound_by_its_policy() {
    let vpce = ["--context", "aws:SourceVpce=vpce-0sqs"];
    // Without the endpoint ann reads payroll; through it, the endpoint
    // policy (orders only) stops her.
    let direct = simulate(ANN, "sqs:ReceiveMessage", PAYROLL, &[]);
    assert_eq!(direct["response"], "Allowed", "{direct}");
    let through = simulate(ANN, "sqs:ReceiveMessage", PAYROLL, &vpce);
    assert_eq!(through["response"], "ImplicitlyDenied", "{through}");
    let orders = simulate(ANN, "sqs:ReceiveMessage", ORDERS, &vpce);
    assert_eq!(orders["response"], "Allowed", "{orders}");
    let mut args = vec![
        "iam",
        "simulate",
        "--snapshot",
        SNAP,
        "--principal",
        ANN,
        "--action",
        "sqs:ReceiveMessage",
        "--resource",
        PAYROLL,
    ];
    args.extend_from_slice(&vpce);
    insta::assert_snapshot!("simulate_through_vpc_endpoint", text(&args));
    // who-can through the endpoint: anonymous senders still reach orders,
    // nobody reaches payroll.
    let who = who_can("sqs:SendMessage", ORDERS, &vpce);
    assert!(who.contains("anonymous"), "{who}");
    insta::assert_snapshot!(
        "who_can_receive_payroll_through_endpoint",
        who_can("sqs:ReceiveMessage", PAYROLL, &vpce)
    );
}

#[test]
fn ecs_exec_into_a_task_of_an_admin_role_is_an_escalation_path() {
    let dir = "crates/pillar-iam/tests/fixtures/ecs-exec-snapshot";
    let out = text(&["iam", "escalation", dir]);
    insta::assert_snapshot!("escalation_through_ecs_exec", out);
    let v: Value =
        serde_json::from_str(&text(&["iam", "escalation", dir, "--format", "json"])).unwrap();
    let paths = v["paths"].as_array().unwrap();
    let oncall = paths
        .iter()
        .find(|p| p["principal"] == "arn:aws:iam::111122223333:user/oncall")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(oncall["steps"][0]["method"], "ecs-execute-command");
    assert_eq!(
        oncall["admin"],
        "arn:aws:iam::111122223333:role/billing-worker"
    );
    // The intern's task runs as a role that is not administrator.
    assert!(
        !paths
            .iter()
            .any(|p| p["principal"] == "arn:aws:iam::111122223333:user/intern"),
        "{v}"
    );
    // The posture rule reports the same path.
    let scan = pillar(&[
        "scan",
        dir,
        "--format",
        "json",
        "--select",
        "iam-principal-privilege-escalation",
    ]);
    let s = String::from_utf8_lossy(&scan.stdout);
    assert!(
        s.contains("ecs:ExecuteCommand") || s.contains("ECS Exec"),
        "{s}"
    );
}
