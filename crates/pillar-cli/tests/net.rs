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
    // 0.0.0.0/0 less the VPC's private range is still the whole internet.
    assert_eq!(ssh["sources_summary"], "the whole internet");
    assert_eq!(ssh["whole_internet"], true);
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

// ------------------------------------------------------------------
// Scenarios: a small snapshot (tests/net/base: one VPC, an instance with
// SSH open to the world in a public subnet, NACL allowing all) overlaid
// with the files of one variant, copied into a temporary folder.

const SCN_INSTANCE: &str = "i-0b0000000000000a1";

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// The base snapshot with `overlay` (a folder under tests/net) on top.
fn scenario(overlay: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let here = root().join("crates/pillar-cli/tests/net");
    copy_tree(&here.join("base"), dir.path());
    if let Some(o) = overlay {
        copy_tree(&here.join(o), dir.path());
    }
    dir
}

fn net_path(dir: &Path, to: &str, port: &str) -> Value {
    json(&[
        "net",
        "path",
        dir.to_str().unwrap(),
        "--to",
        to,
        "--port",
        port,
        "--format",
        "json",
    ])
}

fn hop_kinds(p: &Value) -> Vec<String> {
    p["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// VPC Block Public Access, per the Amazon VPC User Guide: both blocking
/// modes stop inbound internet traffic through the internet gateway; only
/// an allow-bidirectional exclusion in force on the subnet or its VPC lifts
/// that; allow-egress, deleted exclusions, exclusions another subnet holds
/// and exclusions an organization forbids do not.
#[test]
fn vpc_block_public_access_scenarios() {
    // (overlay, reachable, hop present, incomplete)
    let cases: [(Option<&str>, bool, bool, bool); 11] = [
        (None, true, false, false),
        (Some("bpa/off"), true, true, false),
        (Some("bpa/bidirectional"), false, true, false),
        (Some("bpa/ingress"), false, true, false),
        (Some("bpa/subnet-excluded"), true, true, false),
        (Some("bpa/vpc-excluded"), true, true, false),
        (Some("bpa/egress-excluded"), false, true, false),
        (Some("bpa/deleted-exclusion"), false, true, false),
        (Some("bpa/exclusions-not-allowed"), false, true, false),
        (Some("bpa/other-subnet-excluded"), false, true, false),
        (Some("bpa/updating"), true, true, true),
    ];
    for (overlay, reachable, hop, incomplete) in cases {
        let dir = scenario(overlay);
        let v = net_path(dir.path(), SCN_INSTANCE, "22");
        let p = &v.as_array().unwrap()[0];
        let name = overlay.unwrap_or("no BPA files");
        assert_eq!(p["reachable"], reachable, "{name}: {p}");
        assert_eq!(
            hop_kinds(p).contains(&"vpc-block-public-access".to_owned()),
            hop,
            "{name}: {p}"
        );
        assert_eq!(
            !p["unknown"].as_array().unwrap().is_empty(),
            incomplete,
            "{name}: {p}"
        );
        if reachable {
            assert!(p["blocked"].is_null(), "{name}: {p}");
        } else {
            assert_eq!(
                p["blocked"]["code"], "VPC_BPA_BLOCKS_INGRESS",
                "{name}: {p}"
            );
            assert_eq!(p["blocked"]["kind"], "vpc-block-public-access");
            assert_eq!(p["blocked"]["id"], "us-east-1");
        }
    }
    // The reason names the exclusion that lifts only egress.
    let dir = scenario(Some("bpa/egress-excluded"));
    let v = net_path(dir.path(), SCN_INSTANCE, "22");
    let reason = v[0]["blocked"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("exclusion-0b00000000000003 (allow-egress)"),
        "{reason}"
    );
    // The text output names the blocking hop.
    let o = pillar(&[
        "net",
        "path",
        dir.path().to_str().unwrap(),
        "--to",
        SCN_INSTANCE,
        "--port",
        "22",
    ]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("VPC_BPA_BLOCKS_INGRESS"), "{text}");
}

/// The exposure list and the reachability rule follow BPA: the instance is
/// exposed without it and not with it (then the rule passes).
#[test]
fn vpc_block_public_access_exposure_and_rule() {
    for (overlay, exposed) in [(None, true), (Some("bpa/bidirectional"), false)] {
        let dir = scenario(overlay);
        let v = json(&[
            "net",
            "exposure",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ]);
        let hit = v["exposures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == SCN_INSTANCE && e["service"] == "tcp 22");
        assert_eq!(hit, exposed, "{overlay:?}: {v}");
        let o = pillar(&[
            "scan",
            dir.path().to_str().unwrap(),
            "--select",
            "ec2-admin-port-internet-reachable",
            "--format",
            "json",
            "--verbose",
        ]);
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        let statuses: Vec<&str> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["resource"]["id"]
                    .as_str()
                    .unwrap_or("")
                    .contains(SCN_INSTANCE)
            })
            .map(|f| f["status"].as_str().unwrap())
            .collect();
        let want = if exposed { "fail" } else { "pass" };
        assert_eq!(statuses, vec![want], "{overlay:?}: {r}");
    }
}

/// RDS from Terraform (tests/net/rds): a DB instance's subnets come from
/// its DB subnet group; it is reached only when publicly accessible, in
/// subnets routing to the internet gateway, with a group admitting the
/// client; the database-port rule judges it as it would from a snapshot.
/// Each variant is the one configuration with one variable set in a
/// `*.auto.tfvars` file beside it.
#[test]
fn rds_from_terraform_scenarios() {
    // (scenario, its variable, blocking code or None when reachable, rule status)
    let cases = [
        ("public", "", None, "fail"),
        (
            "not-public",
            "publicly_accessible = false",
            Some("NO_PUBLIC_ADDRESS"),
            "pass",
        ),
        (
            "private-subnets",
            "subnet_group = \"private\"",
            Some("NO_RETURN_ROUTE_TO_IGW"),
            "pass",
        ),
        (
            "sg-closed",
            "client_cidr = \"10.2.0.0/16\"",
            Some("SG_NO_MATCHING_RULE"),
            "pass",
        ),
    ];
    let base = root().join("crates/pillar-cli/tests/net/rds/main.tf");
    for (name, variable, code, rule) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::copy(&base, dir.join("main.tf")).unwrap();
        std::fs::write(dir.join("scenario.auto.tfvars"), format!("{variable}\n")).unwrap();
        let v = net_path(&dir, "orders-db", "5432");
        let answers = v.as_array().unwrap();
        // One answer per subnet of the DB subnet group.
        assert_eq!(answers.len(), 2, "{name}: {v}");
        for p in answers {
            assert_eq!(p["resource"], "aws_db_instance.orders", "{name}: {p}");
            match code {
                None => {
                    assert_eq!(p["reachable"], true, "{name}: {p}");
                    assert_eq!(
                        hop_kinds(p),
                        [
                            "internet-gateway",
                            "route-table",
                            "network-acl-inbound",
                            "security-group",
                            "network-acl-outbound",
                            "network-interface"
                        ],
                        "{name}: {p}"
                    );
                }
                Some(c) => {
                    assert_eq!(p["reachable"], false, "{name}: {p}");
                    assert_eq!(p["blocked"]["code"], c, "{name}: {p}");
                }
            }
        }
        let e = json(&["net", "exposure", dir.to_str().unwrap(), "--format", "json"]);
        let hits: Vec<&Value> = e["exposures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["id"] == "orders-db")
            .collect();
        if code.is_none() {
            // One exposure for both subnets, not one each.
            assert_eq!(hits.len(), 1, "{name}: {e}");
            assert_eq!(hits[0]["service"], "tcp 5432");
            assert_eq!(hits[0]["sources_summary"], "the whole internet");
        } else {
            assert!(hits.is_empty(), "{name}: {e}");
        }
        let o = pillar(&[
            "scan",
            dir.to_str().unwrap(),
            "--select",
            "ec2-database-port-internet-reachable",
            "--format",
            "json",
            "--verbose",
        ]);
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        let statuses: Vec<&str> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["resource"]["id"] == "aws_db_instance.orders")
            .map(|f| f["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, vec![rule], "{name}: {r}");
    }
}

/// Terraform's `aws_default_route_table` (tests/net/default-rtb) is the
/// VPC's main table: subnets with no explicit association use its routes,
/// until an `aws_main_route_table_association` makes another table main.
#[test]
fn default_route_table_from_terraform_scenarios() {
    let cases = [
        ("default-routes-to-igw", "", None),
        (
            "default-without-igw-route",
            "default_routes_to_igw = false",
            Some("NO_RETURN_ROUTE_TO_IGW"),
        ),
        (
            "main-moved-elsewhere",
            "move_main = true",
            Some("NO_RETURN_ROUTE_TO_IGW"),
        ),
    ];
    let base = root().join("crates/pillar-cli/tests/net/default-rtb/main.tf");
    for (name, variable, code) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::copy(&base, dir.join("main.tf")).unwrap();
        std::fs::write(dir.join("scenario.auto.tfvars"), format!("{variable}\n")).unwrap();
        let v = net_path(&dir, "ledger-db", "3306");
        let answers = v.as_array().unwrap();
        assert_eq!(answers.len(), 2, "{name}: {v}");
        for p in answers {
            assert!(p["unknown"].as_array().unwrap().is_empty(), "{name}: {p}");
            match code {
                None => {
                    assert_eq!(p["reachable"], true, "{name}: {p}");
                    assert_eq!(p["path"][1]["kind"], "route-table", "{name}: {p}");
                    assert_eq!(
                        p["path"][1]["id"], "aws_vpc.main/default-route-table",
                        "{name}: {p}"
                    );
                }
                Some(c) => {
                    assert_eq!(p["reachable"], false, "{name}: {p}");
                    assert_eq!(p["blocked"]["code"], c, "{name}: {p}");
                }
            }
        }
    }
}

/// VPC Block Public Access from CloudFormation (tests/net/cfn-bpa): the
/// options and an exclusion of the VPC, with the gateway attachment,
/// routes and associations that make the ALB's subnets public.
#[test]
fn vpc_block_public_access_from_cloudformation_scenarios() {
    // (block mode, exclusion mode, blocking code or None when reachable)
    let cases = [
        ("block-ingress", "allow-bidirectional", None),
        // CloudFormation cannot declare the options "off" (its default).
        ("block-bidirectional", "allow-bidirectional", None),
        (
            "block-ingress",
            "allow-egress",
            Some("VPC_BPA_BLOCKS_INGRESS"),
        ),
        (
            "block-bidirectional",
            "allow-egress",
            Some("VPC_BPA_BLOCKS_INGRESS"),
        ),
    ];
    let base =
        std::fs::read_to_string(root().join("crates/pillar-cli/tests/net/cfn-bpa/template.yaml"))
            .unwrap();
    for (mode, exclusion, code) in cases {
        let text = base
            .replace("Default: block-ingress", &format!("Default: {mode}"))
            .replace(
                "Default: allow-bidirectional",
                &format!("Default: {exclusion}"),
            );
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("template.yaml"), text).unwrap();
        let name = format!("{mode}/{exclusion}");
        let v = net_path(tmp.path(), "shop-web", "443");
        let p = &v.as_array().unwrap()[0];
        assert!(p["unknown"].as_array().unwrap().is_empty(), "{name}: {p}");
        match code {
            None => {
                assert_eq!(p["reachable"], true, "{name}: {p}");
                assert_eq!(p["sources_summary"], "the whole internet", "{name}: {p}");
                let kinds = hop_kinds(p);
                assert_eq!(kinds[0], "internet-gateway", "{name}: {p}");
                assert_eq!(p["path"][0]["id"], "Gateway", "{name}: {p}");
                assert!(kinds.contains(&"route-table".to_owned()), "{name}: {p}");
            }
            Some(c) => {
                assert_eq!(p["reachable"], false, "{name}: {p}");
                assert_eq!(p["blocked"]["code"], c, "{name}: {p}");
            }
        }
    }
}

/// The base snapshot with several overlays on top, in order.
fn scenario_with(overlays: &[&str]) -> tempfile::TempDir {
    let dir = scenario(None);
    let here = root().join("crates/pillar-cli/tests/net");
    for o in overlays {
        copy_tree(&here.join(o), dir.path());
    }
    dir
}

/// IPv6 on an internet-facing ALB (tests/net/lb6): `dualstack` answers on
/// both families, `dualstack-without-public-ipv4` on IPv6 only, `ipv4` on
/// IPv4 only; the IPv6 path needs the ::/0 route to the internet gateway,
/// an IPv6 rule in the load balancer's group and NACL IPv6 entries that
/// allow it.
#[test]
fn load_balancer_ipv6_scenarios() {
    // (variant, IPv4 answer, IPv6 answer: None when the family is not
    // served, Some(None) reachable, Some(Some(code)) blocked)
    type Want = Option<Option<&'static str>>;
    let cases: [(&str, Want, Want); 6] = [
        ("lb6/common", Some(None), Some(None)),
        ("lb6/ipv4-only", Some(None), None),
        ("lb6/without-public-ipv4", None, Some(None)),
        (
            "lb6/no-v6-route",
            Some(None),
            Some(Some("NO_RETURN_ROUTE_TO_IGW")),
        ),
        (
            "lb6/sg-v4-only",
            Some(None),
            Some(Some("SG_NO_MATCHING_RULE")),
        ),
        (
            "lb6/nacl-denies-v6",
            Some(None),
            Some(Some("NACL_INBOUND_DENY")),
        ),
    ];
    for (variant, v4, v6) in cases {
        let dir = scenario_with(&["lb6/common", variant]);
        let v = net_path(dir.path(), "web6", "443");
        let answers = v.as_array().unwrap();
        for (family, want) in [("ipv4", v4), ("ipv6", v6)] {
            let got = answers.iter().find(|p| p["family"] == family);
            match (want, got) {
                (None, None) => {}
                (None, Some(p)) => panic!("{variant}: no {family} answer expected: {p}"),
                (Some(_), None) => panic!("{variant}: a {family} answer expected: {v}"),
                (Some(None), Some(p)) => {
                    assert_eq!(p["reachable"], true, "{variant} {family}: {p}");
                }
                (Some(Some(code)), Some(p)) => {
                    assert_eq!(p["reachable"], false, "{variant} {family}: {p}");
                    assert_eq!(p["blocked"]["code"], code, "{variant} {family}: {p}");
                }
            }
        }
        // The exposure list agrees with the path answers.
        let e = json(&[
            "net",
            "exposure",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ]);
        for (family, want) in [("ipv4", v4), ("ipv6", v6)] {
            let exposed =
                e["exposures"].as_array().unwrap().iter().any(|x| {
                    x["id"] == "web6" && x["family"] == family && x["service"] == "tcp 443"
                });
            assert_eq!(exposed, want == Some(None), "{variant} {family}: {e}");
        }
    }
    // The IPv6 source set is the whole IPv6 internet but the VPC's range.
    let dir = scenario_with(&["lb6/common"]);
    let v = net_path(dir.path(), "web6", "443");
    let p6 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["family"] == "ipv6")
        .unwrap();
    let kinds = hop_kinds(p6);
    assert_eq!(kinds.first().map(String::as_str), Some("internet-gateway"));
    assert!(kinds.contains(&"security-group".to_owned()), "{p6}");
}
