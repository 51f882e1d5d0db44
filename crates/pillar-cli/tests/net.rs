//! `pillar net` on the bundled demo: the SSH-open bastion in a public
//! subnet is reachable with its path; the private app server is not
//! reachable directly (only through the web load balancer, on its target
//! port); the JSON output carries exact source sets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BASTION: &str = "i-0a1b2c3d4e5f60001";
const APP: &str = "i-0a1b2c3d4e5f60002";

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

fn json(args: &[&str]) -> Value {
    let o = pillar(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn exposure_reports_the_bastion_on_ssh_with_its_path() {
    let v = json(&["net", "exposure", "examples/demo", "--format", "json"]);
    let ex = v["exposures"].as_array().unwrap();
    let ssh = ex
        .iter()
        .find(|e| e["id"] == BASTION && e["service"] == "tcp 22")
        .expect("bastion reachable on SSH");
    assert_eq!(ssh["family"], "ipv4");
    assert_eq!(ssh["sources_summary"], "0.0.0.0/0 except 10.0.0.0/16");
    assert_eq!(ssh["single_layer"], true);
    let kinds: Vec<&str> = ssh["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "internet-gateway",
            "route-table",
            "network-acl-inbound",
            "security-group",
            "network-acl-outbound",
            "network-interface"
        ]
    );
    assert_eq!(ssh["path"][2]["notes"][0], "rule 110 allow");
    // The private app server is never reachable directly ...
    assert!(ex.iter().all(|e| e["id"] != APP || !e["via"].is_null()));
    // ... only through the internet-facing ALB, on its target port.
    let via: Vec<&Value> = ex.iter().filter(|e| e["id"] == APP).collect();
    assert!(!via.is_empty());
    assert!(via
        .iter()
        .all(|e| e["via"] == "acme-web-alb" && e["service"] == "tcp 8080"));
    // The publicly accessible legacy database on PostgreSQL.
    assert!(ex
        .iter()
        .any(|e| e["kind"] == "db-instance" && e["service"] == "tcp 5432"));
}

#[test]
fn path_explains_reachable_and_blocked() {
    let o = pillar(&[
        "net",
        "path",
        "examples/demo",
        "--to",
        BASTION,
        "--port",
        "22",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("REACHABLE on tcp 22"), "{text}");
    assert!(
        text.contains("sg-0a1b2c3d4e5f60004 (rule 0: tcp 22 from 0.0.0.0/0)"),
        "{text}"
    );

    let v = json(&[
        "net",
        "path",
        "examples/demo",
        "--to",
        APP,
        "--port",
        "22",
        "--format",
        "json",
    ]);
    let direct = &v.as_array().unwrap()[0];
    assert_eq!(direct["reachable"], false);
    assert_eq!(direct["blocked"]["code"], "NO_PUBLIC_ADDRESS");

    // The bastion's group admits only SSH.
    let v = json(&[
        "net",
        "path",
        "examples/demo",
        "--to",
        BASTION,
        "--port",
        "3389",
        "--format",
        "json",
    ]);
    assert_eq!(v[0]["blocked"]["code"], "SG_NO_MATCHING_RULE");
    assert_eq!(v[0]["blocked"]["id"], "sg-0a1b2c3d4e5f60004");
}

#[test]
fn unknown_target_and_protocol_are_usage_errors() {
    let o = pillar(&[
        "net",
        "path",
        "examples/demo",
        "--to",
        "i-nope",
        "--port",
        "22",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("i-nope"));
    let o = pillar(&[
        "net",
        "path",
        "examples/demo",
        "--to",
        BASTION,
        "--port",
        "22",
        "--protocol",
        "bogus",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn exposure_graph_as_dot_and_mermaid() {
    let o = pillar(&["net", "exposure", "examples/demo", "--format", "dot"]);
    assert_eq!(o.status.code(), Some(0));
    let dot = String::from_utf8(o.stdout).unwrap();
    assert!(dot.starts_with("digraph exposure {"));
    assert!(dot.contains("internet -> internet_gateway_igw_0a1b2c3d4e5f60001"));
    assert!(dot.contains("instance_i_0a1b2c3d4e5f60001 [label=\"instance i-0a1b2c3d4e5f60001\"]"));
    let o = pillar(&["net", "exposure", "examples/demo", "--format", "mermaid"]);
    let mm = String::from_utf8(o.stdout).unwrap();
    assert!(mm.starts_with("flowchart LR\n"));
    assert!(mm.contains("-->|\"IPv4 tcp 22\"| instance_i_0a1b2c3d4e5f60001"));
}
