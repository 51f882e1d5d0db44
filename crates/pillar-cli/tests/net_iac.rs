//! `pillar net` on Terraform and CloudFormation: the verdicts a snapshot of
//! the same deployment would give. Each scenario is one configuration
//! (tests/net/tf-*, tests/net/cfn-*) with one variable or parameter set
//! per variant, pass (not reachable, with the blocking hop) and fail
//! (reachable, with the path through the internet gateway).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> PathBuf {
    root().join("crates/pillar-cli/tests/net").join(rel)
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

fn net_path(dir: &Path, to: &str, port: &str) -> Vec<Value> {
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
    .as_array()
    .unwrap()
    .clone()
}

fn exposures(dir: &Path) -> Vec<Value> {
    json(&["net", "exposure", dir.to_str().unwrap(), "--format", "json"])["exposures"]
        .as_array()
        .unwrap()
        .clone()
}

/// The address a reachable variant is given, or the blocking code.
type Want = Result<&'static str, &'static str>;

/// Parameter defaults replaced in a template: (from, to).
type Edits = Vec<(&'static str, &'static str)>;

fn hop_kinds(p: &Value) -> Vec<String> {
    p["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The Terraform configuration of a scenario with one `*.auto.tfvars`.
fn terraform(rel: &str, variables: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(rel).join("main.tf"), tmp.path().join("main.tf")).unwrap();
    std::fs::write(
        tmp.path().join("scenario.auto.tfvars"),
        format!("{variables}\n"),
    )
    .unwrap();
    tmp
}

/// The template of a scenario with parameter defaults replaced.
fn cloudformation(rel: &str, replace: &[(&str, &str)]) -> tempfile::TempDir {
    let mut text = std::fs::read_to_string(fixture(rel).join("template.yaml")).unwrap();
    for (from, to) in replace {
        assert!(text.contains(from), "{rel}: {from}");
        text = text.replacen(from, to, 1);
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("template.yaml"), text).unwrap();
    tmp
}

/// Reachable on SSH through the internet gateway, in `family`, from the
/// whole internet, at an address that names how it was given.
fn assert_ssh_reachable(p: &Value, igw: &str, family: &str, address: &str, name: &str) {
    assert_eq!(p["reachable"], true, "{name}: {p}");
    assert_eq!(p["family"], family, "{name}: {p}");
    assert_eq!(p["sources_summary"], "the whole internet", "{name}: {p}");
    assert_eq!(p["path"][0]["kind"], "internet-gateway", "{name}: {p}");
    assert_eq!(p["path"][0]["id"], igw, "{name}: {p}");
    assert_eq!(
        hop_kinds(p)[1..],
        [
            "route-table",
            "network-acl-inbound",
            "security-group",
            "network-acl-outbound",
            "network-interface"
        ],
        "{name}: {p}"
    );
    assert_eq!(p["addresses"][0], address, "{name}: {p}");
    assert!(p["unknown"].as_array().unwrap().is_empty(), "{name}: {p}");
}

fn assert_blocked(p: &Value, code: &str, name: &str) {
    assert_eq!(p["reachable"], false, "{name}: {p}");
    assert_eq!(p["blocked"]["code"], code, "{name}: {p}");
}

/// End to end: `pillar net exposure` on a small Terraform directory names
/// the instance reachable on SSH through the internet gateway.
#[test]
fn exposure_names_a_terraform_instance_reachable_on_ssh() {
    let dir = terraform("tf-ec2", "associate = true");
    let o = pillar(&["net", "exposure", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("1 reachable"), "{text}");
    assert!(text.contains("instance aws_instance.bastion"), "{text}");
    assert!(
        text.contains("IPv4 tcp 22 from the whole internet"),
        "{text}"
    );
    assert!(
        text.contains("path: internet -> aws_internet_gateway.gw -> aws_route_table.public"),
        "{text}"
    );
    let ex = exposures(dir.path());
    let ssh = ex
        .iter()
        .find(|e| e["id"] == "aws_instance.bastion" && e["service"] == "tcp 22")
        .expect("the bastion is exposed on SSH");
    assert_eq!(ssh["family"], "ipv4");
    assert_eq!(ssh["whole_internet"], true);
    assert_eq!(ssh["path"][0]["id"], "aws_internet_gateway.gw");
    // The rule built on the analysis fails the instance, as from a snapshot.
    let o = pillar(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--select",
        "ec2-admin-port-internet-reachable",
        "--format",
        "json",
    ]);
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fails: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"]["id"] == "aws_instance.bastion" && f["status"] == "fail")
        .collect();
    assert_eq!(fails.len(), 1, "{r}");
}

/// Terraform public addressing (tests/net/tf-ec2): the instance's
/// `associate_public_ip_address` wins over the subnet's
/// `map_public_ip_on_launch`; an Elastic IP (on the instance or through an
/// association) gives an address; `ipv6_address_count` an IPv6 one; a
/// launch template's primary interface decides for an instance using it.
#[test]
fn terraform_public_addressing_scenarios() {
    const AT_LAUNCH: &str = "assigned at launch";
    // (variant, variables, instance, family, address or blocking code)
    let cases: [(&str, &str, &str, &str, Want); 8] = [
        ("nothing", "", "bastion", "ipv4", Err("NO_PUBLIC_ADDRESS")),
        (
            "associate",
            "associate = true",
            "bastion",
            "ipv4",
            Ok(AT_LAUNCH),
        ),
        (
            "subnet-maps",
            "subnet_maps_public = true",
            "bastion",
            "ipv4",
            Ok(AT_LAUNCH),
        ),
        (
            "instance-declines",
            "subnet_maps_public = true\nassociate = false",
            "bastion",
            "ipv4",
            Err("NO_PUBLIC_ADDRESS"),
        ),
        (
            "eip-on-instance",
            "eip = \"instance\"",
            "bastion",
            "ipv4",
            Ok("Elastic IP aws_eip.bastion[0], allocated at apply"),
        ),
        (
            "eip-association",
            "eip = \"association\"",
            "bastion",
            "ipv4",
            Ok("Elastic IP aws_eip.spare[0], allocated at apply"),
        ),
        (
            "ipv6",
            "ipv6_count = 1",
            "bastion",
            "ipv6",
            Ok("IPv6 address assigned at launch"),
        ),
        (
            "launch-template",
            "template_public = true",
            "worker",
            "ipv4",
            Ok(AT_LAUNCH),
        ),
    ];
    for (name, variables, instance, family, want) in cases {
        let dir = terraform("tf-ec2", variables);
        let to = format!("aws_instance.{instance}");
        let answers = net_path(dir.path(), &to, "22");
        let p = answers
            .iter()
            .find(|p| p["family"] == family)
            .unwrap_or_else(|| panic!("{name}: no {family} answer in {answers:?}"));
        match want {
            Ok(address) => {
                assert_ssh_reachable(p, "aws_internet_gateway.gw", family, address, name)
            }
            Err(code) => assert_blocked(p, code, name),
        }
        let exposed = exposures(dir.path())
            .iter()
            .any(|e| e["id"] == to.as_str() && e["family"] == family);
        assert_eq!(exposed, want.is_ok(), "{name}");
        if family == "ipv4" {
            // The posture rule agrees with the reachability analysis.
            assert_eq!(
                public_ip_status(dir.path(), &to),
                if want.is_ok() { "fail" } else { "pass" },
                "{name}: ec2-instance-public-ip"
            );
        }
    }
}

/// The status of `ec2-instance-public-ip` for one resource.
fn public_ip_status(dir: &Path, id: &str) -> String {
    let o = pillar(&[
        "scan",
        dir.to_str().unwrap(),
        "--select",
        "ec2-instance-public-ip",
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"]["id"] == id)
        .map(|f| f["status"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no ec2-instance-public-ip finding for {id}"))
}

/// CloudFormation public addressing (tests/net/cfn-ec2), the same
/// semantics: `NetworkInterfaces[0].AssociatePublicIpAddress` over the
/// subnet's `MapPublicIpOnLaunch`, `AWS::EC2::EIP` with `InstanceId`,
/// `AWS::EC2::EIPAssociation`, `Ipv6AddressCount`.
#[test]
fn cloudformation_public_addressing_scenarios() {
    let associate = ("Default: unset", "Default: \"true\"");
    let decline = ("Default: unset", "Default: \"false\"");
    let maps = ("Default: \"false\"", "Default: \"true\"");
    let cases: [(&str, Edits, &str, Want); 7] = [
        ("nothing", vec![], "ipv4", Err("NO_PUBLIC_ADDRESS")),
        (
            "associate",
            vec![associate],
            "ipv4",
            Ok("assigned at launch"),
        ),
        ("subnet-maps", vec![maps], "ipv4", Ok("assigned at launch")),
        (
            "instance-declines",
            vec![maps, decline],
            "ipv4",
            Err("NO_PUBLIC_ADDRESS"),
        ),
        (
            "eip-on-instance",
            vec![("Default: none", "Default: instance")],
            "ipv4",
            Ok("Elastic IP BastionIp, allocated at apply"),
        ),
        (
            "eip-association",
            vec![("Default: none", "Default: association")],
            "ipv4",
            Ok("Elastic IP SpareIp, allocated at apply"),
        ),
        (
            "ipv6",
            vec![("Default: 0", "Default: 1")],
            "ipv6",
            Ok("IPv6 address assigned at launch"),
        ),
    ];
    for (name, replace, family, want) in cases {
        let dir = cloudformation("cfn-ec2", &replace);
        let answers = net_path(dir.path(), "Bastion", "22");
        let p = answers
            .iter()
            .find(|p| p["family"] == family)
            .unwrap_or_else(|| panic!("{name}: no {family} answer in {answers:?}"));
        match want {
            Ok(address) => assert_ssh_reachable(p, "Gateway", family, address, name),
            Err(code) => assert_blocked(p, code, name),
        }
    }
}

/// An unresolved `associate_public_ip_address` leaves the verdict open:
/// not reachable, and said to be not fully assessed, never guessed.
#[test]
fn terraform_unresolved_addressing_is_not_guessed() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("tf-ec2").join("main.tf"))
        .unwrap()
        .replace(
            "variable \"associate\" {\n  default = null\n}",
            "variable \"associate\" {}",
        );
    std::fs::write(tmp.path().join("main.tf"), text).unwrap();
    let answers = net_path(tmp.path(), "aws_instance.bastion", "22");
    let p = answers.iter().find(|p| p["family"] == "ipv4").unwrap();
    assert_eq!(p["reachable"], false, "{p}");
    let unknown = p["unknown"].as_array().unwrap();
    assert!(
        unknown.iter().any(|u| u
            .as_str()
            .unwrap()
            .contains("associate_public_ip_address is not known")),
        "{p}"
    );
}

/// The VPC's main route table, which AWS creates with only the local route:
/// a subnet with no explicit association uses it, so it is assessed (not
/// reachable, no return route to the gateway) rather than left unknown;
/// with its association the subnet routes through the public table.
#[test]
fn main_route_table_scenarios() {
    // (source, variant, instance, main table id)
    let tf_on = terraform("tf-ec2", "associate = true");
    let tf_off = terraform("tf-ec2", "associate = true\nassociate_routes = false");
    let associate = ("Default: unset", "Default: \"true\"");
    let cfn_on = cloudformation("cfn-ec2", &[associate]);
    let cfn_off = cloudformation(
        "cfn-ec2",
        &[associate, ("Default: \"yes\"", "Default: \"no\"")],
    );
    let cases = [
        (&tf_on, "aws_instance.bastion", Ok("aws_route_table.public")),
        (
            &tf_off,
            "aws_instance.bastion",
            Err("aws_vpc.main/default-route-table"),
        ),
        (&cfn_on, "Bastion", Ok("PublicRoutes")),
        (&cfn_off, "Bastion", Err("Vpc/default-route-table")),
    ];
    for (dir, to, want) in cases {
        let answers = net_path(dir.path(), to, "22");
        let p = answers.iter().find(|p| p["family"] == "ipv4").unwrap();
        assert!(p["unknown"].as_array().unwrap().is_empty(), "{to}: {p}");
        assert_eq!(p["path"][1]["kind"], "route-table", "{to}: {p}");
        match want {
            Ok(table) => {
                assert_eq!(p["reachable"], true, "{to}: {p}");
                assert_eq!(p["path"][1]["id"], table, "{to}: {p}");
            }
            Err(main) => {
                assert_blocked(p, "NO_RETURN_ROUTE_TO_IGW", to);
                assert_eq!(p["path"][1]["id"], main, "{to}: {p}");
                assert_eq!(p["blocked"]["id"], main, "{to}: {p}");
            }
        }
    }
}

/// Load balancer targets from IaC (tests/net/tf-lb, cfn-lb): the listener's
/// forward (plain or weighted) or a rule's forward reaches the registered
/// instance on the target group's port when its group admits the load
/// balancer's; a listener that forwards nowhere, or a target group the
/// instance's group does not admit the load balancer from, exposes only the
/// load balancer.
#[test]
fn load_balancer_targets_from_iac_scenarios() {
    // (variant, reachable through the load balancer)
    let tf = [
        ("", true),
        ("forward_by = \"weighted\"", true),
        ("forward_by = \"rule\"", true),
        ("forward_by = \"none\"", false),
        ("app_admits_lb = false", false),
    ];
    let cfn: [(Edits, bool); 5] = [
        (vec![], true),
        (vec![("Default: default", "Default: weighted")], true),
        (vec![("Default: default", "Default: rule")], true),
        (vec![("Default: default", "Default: none")], false),
        (vec![("Default: \"yes\"", "Default: \"no\"")], false),
    ];
    let mut dirs: Vec<(String, tempfile::TempDir, &str, &str, bool)> = Vec::new();
    for (v, want) in tf {
        let d = terraform("tf-lb", v);
        dirs.push((
            format!("tf {v}"),
            d,
            "aws_instance.app",
            "aws_lb_target_group.app",
            want,
        ));
    }
    for (edits, want) in cfn {
        let name = format!("cfn {edits:?}");
        dirs.push((
            name,
            cloudformation("cfn-lb", &edits),
            "App",
            "AppTargets",
            want,
        ));
    }
    for (name, dir, app, tg, want) in &dirs {
        let v = json(&[
            "net",
            "exposure",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ]);
        let ex = v["exposures"].as_array().unwrap();
        assert!(
            ex.iter().any(|e| e["id"] == "web"
                && e["kind"] == "load-balancer"
                && e["service"] == "tcp 80"),
            "{name}: {v}"
        );
        let through: Vec<&Value> = ex.iter().filter(|e| e["id"] == *app).collect();
        if *want {
            assert_eq!(through.len(), 1, "{name}: {v}");
            let e = through[0];
            assert_eq!(e["via"], "web", "{name}: {e}");
            assert_eq!(e["service"], "tcp 8080", "{name}: {e}");
            let hops: Vec<&str> = e["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap())
                .collect();
            assert!(hops.contains(tg), "{name}: {e}");
        } else {
            assert!(through.is_empty(), "{name}: {v}");
        }
        assert!(
            v["incomplete"].as_array().is_none_or(|i| i.is_empty()),
            "{name}: {v}"
        );
    }
}
