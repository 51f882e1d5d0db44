#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! EC2 instance credentials used from outside the instance's network:
//! hand-written CloudTrail records, with and without a snapshot, and the
//! real datasets of `../shared/corpora/detect/datasets`.

use pillar_detect::instance_creds::{self, InstanceNetworks};
use pillar_detect::stateful::History;
use pillar_detect::{detect, Engine, ReadOptions, RuleSet};
use pillar_model::resources::{ElasticIp, Instance, NatGateway, NetworkInterface, PrivateIp};
use pillar_model::{Inventory, Severity};
use std::path::PathBuf;

const ROLE: &str = "web-role";
const INSTANCE: &str = "i-0123456789abcdef0";

/// A call of the instance session; `extra` is spliced into the record.
fn call(key: &str, ip: &str, t: &str, id: &str, extra: &str) -> String {
    format!(
        concat!(
            "{{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-01-01T{t}Z\",\"eventSource\":\"s3.amazonaws.com\",",
            "\"eventName\":\"ListBuckets\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"{ip}\",",
            "\"eventID\":\"{id}\",\"recipientAccountId\":\"111122223333\",",
            "\"userIdentity\":{{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE:{inst}\",",
            "\"arn\":\"arn:aws:sts::111122223333:assumed-role/{role}/{inst}\",\"accountId\":\"111122223333\",",
            "\"accessKeyId\":\"{key}\",\"sessionContext\":{{\"sessionIssuer\":{{\"type\":\"Role\",",
            "\"arn\":\"arn:aws:iam::111122223333:role/{role}\"}},\"ec2RoleDelivery\":\"2.0\"}}}}{extra}}}\n"
        ),
        t = t,
        ip = ip,
        id = id,
        inst = INSTANCE,
        role = ROLE,
        key = key,
        extra = extra
    )
}

fn run(tag: &str, text: &str) -> pillar_detect::Outcome {
    let path: PathBuf = std::env::temp_dir().join(format!(
        "pillar-instance-{tag}-{}.jsonl",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    let out = run_paths(std::slice::from_ref(&path));
    std::fs::remove_file(&path).unwrap();
    out
}

fn run_paths(paths: &[PathBuf]) -> pillar_detect::Outcome {
    let mut engine = Engine::new(RuleSet::default());
    engine.track_instance_creds = true;
    detect(&engine, paths, &ReadOptions::default())
}

/// The instance at 198.51.100.7 (public), 10.0.1.5 (private), in a VPC
/// whose NAT gateway leaves from 192.0.2.44.
fn snapshot() -> InstanceNetworks {
    let inv = Inventory {
        instances: vec![Instance {
            id: INSTANCE.to_owned(),
            vpc_id: Some("vpc-1".to_owned()),
            private_ip: Some("10.0.1.5".to_owned()),
            public_ip: Some("198.51.100.7".to_owned()),
            network_interfaces: vec!["eni-1".to_owned()],
            ..Instance::default()
        }],
        network_interfaces: vec![NetworkInterface {
            id: "eni-1".to_owned(),
            vpc_id: "vpc-1".to_owned(),
            private_ips: vec![PrivateIp {
                address: "10.0.1.5".to_owned(),
                primary: true,
                public_ip: Some("198.51.100.7".to_owned()),
            }],
            ipv6_addresses: vec!["2001:db8::7".to_owned()],
            ..NetworkInterface::default()
        }],
        elastic_ips: vec![ElasticIp {
            public_ip: "198.51.100.8".to_owned(),
            network_interface_id: Some("eni-1".to_owned()),
            ..ElasticIp::default()
        }],
        nat_gateways: vec![
            NatGateway {
                id: "nat-1".to_owned(),
                vpc_id: "vpc-1".to_owned(),
                public_ips: vec!["192.0.2.44".to_owned()],
                ..NatGateway::default()
            },
            // Another VPC's gateway is not the instance's way out.
            NatGateway {
                id: "nat-2".to_owned(),
                vpc_id: "vpc-2".to_owned(),
                public_ips: vec!["192.0.2.99".to_owned()],
                ..NatGateway::default()
            },
        ],
        ..Inventory::default()
    };
    InstanceNetworks::from_inventory(&inv)
}

fn addrs(fs: &[pillar_model::Finding]) -> Vec<(String, Severity)> {
    fs.iter()
        .map(|f| {
            (
                f.evidence["source_ip"].as_str().unwrap().to_owned(),
                f.severity,
            )
        })
        .collect()
}

#[test]
fn snapshot_addresses_are_expected() {
    let nets = snapshot();
    let exp = nets.expected("I-0123456789ABCDEF0").unwrap();
    let want: Vec<&str> = vec![
        "10.0.1.5",
        "192.0.2.44",
        "198.51.100.7",
        "198.51.100.8",
        "2001:db8::7",
    ];
    let got: Vec<String> = exp.iter().map(ToString::to_string).collect();
    assert_eq!(got, want);
}

#[test]
fn with_a_snapshot_a_foreign_address_is_high() {
    let k = "ASIAEXAMPLEKEY000001";
    let text = [
        // The instance itself, its EIP, its NAT gateway: expected.
        call(k, "198.51.100.7", "00:00:00", "e1", ""),
        call(k, "198.51.100.8", "00:01:00", "e2", ""),
        call(k, "192.0.2.44", "00:02:00", "e3", ""),
        // Through a VPC endpoint (private source), and an AWS service:
        // not judged.
        call(
            k,
            "10.0.1.5",
            "00:03:00",
            "e4",
            ",\"vpcEndpointId\":\"vpce-0abc\"",
        ),
        call(k, "AWS Internal", "00:04:00", "e5", ""),
        call(k, "ec2.amazonaws.com", "00:04:30", "e6", ""),
        // Another VPC's NAT gateway, then a stranger, twice: foreign.
        call(k, "192.0.2.99", "00:05:00", "e7", ""),
        call(k, "203.0.113.50", "00:07:00", "e9", ""),
        call(k, "203.0.113.50", "00:06:00", "e8", ""),
    ]
    .concat();
    let out = run("snap", &text);
    let s = &out.activity.instance.sessions;
    assert_eq!(s.len(), 1);
    let session = s.values().next().unwrap();
    assert_eq!(session.instance, INSTANCE);
    assert_eq!(session.role, "arn:aws:iam::111122223333:role/web-role");
    assert_eq!(session.not_judged, 3);
    let nets = snapshot();
    let f = instance_creds::outside_instance(&out.activity.instance, Some(&nets), None);
    assert_eq!(
        addrs(&f),
        vec![
            ("192.0.2.99".to_owned(), Severity::High),
            ("203.0.113.50".to_owned(), Severity::High),
        ]
    );
    let e = &f[1].evidence;
    assert_eq!(e["instance_id"], INSTANCE);
    assert_eq!(e["count"], 2);
    assert_eq!(e["first_seen"], "2026-01-01T00:06:00Z");
    assert_eq!(e["last_seen"], "2026-01-01T00:07:00Z");
    assert_eq!(e["events"][0]["eventID"], "e8");
    assert_eq!(e["events"][1]["eventID"], "e9");
    assert_eq!(e["access_key_ids"][0], k);
    assert_eq!(e["ec2_role_delivery"], "2.0");
    assert!(e["basis"].as_str().unwrap().starts_with("snapshot"));
    assert!(e["expected"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "192.0.2.44"));
    assert_eq!(f[1].rule, instance_creds::RULE);
    assert_eq!(
        f[1].resource.id,
        format!("arn:aws:sts::111122223333:assumed-role/{ROLE}/{INSTANCE}")
    );
    assert!(
        f[1].message.contains("from 203.0.113.50"),
        "{}",
        f[1].message
    );
    // Only the instance's addresses: nothing to report.
    let quiet = [
        call(k, "198.51.100.7", "00:00:00", "e1", ""),
        call(k, "192.0.2.44", "00:02:00", "e3", ""),
        call(k, "2001:db8::7", "00:02:30", "e3b", ""),
    ]
    .concat();
    let out = run("snapquiet", &quiet);
    assert!(instance_creds::outside_instance(&out.activity.instance, Some(&nets), None).is_empty());
}

#[test]
fn without_a_snapshot_the_same_key_elsewhere_is_medium() {
    let k1 = "ASIAEXAMPLEKEY000001";
    let k2 = "ASIAEXAMPLEKEY000002";
    let text = [
        // k1: the instance, then the same key from a stranger.
        call(k1, "198.51.100.7", "00:00:00", "a1", ""),
        call(k1, "198.51.100.7", "00:10:00", "a2", ""),
        call(k1, "203.0.113.50", "00:20:00", "a3", ""),
        // k1 through a VPC endpoint and from a private address: not judged.
        call(
            k1,
            "10.0.1.5",
            "00:21:00",
            "a4",
            ",\"vpcEndpointId\":\"vpce-0abc\"",
        ),
        call(k1, "172.31.0.9", "00:22:00", "a5", ""),
        // k2 (credentials rotated, the instance got a new address): one
        // address only, not judged as foreign.
        call(k2, "198.51.100.70", "06:00:00", "b1", ""),
        // k2 over IPv6 as well: its own family's first address.
        call(k2, "2001:db8::70", "06:00:01", "b2", ""),
    ]
    .concat();
    let out = run("learn", &text);
    let f = instance_creds::outside_instance(&out.activity.instance, None, None);
    assert_eq!(
        addrs(&f),
        vec![("203.0.113.50".to_owned(), Severity::Medium)]
    );
    let e = &f[0].evidence;
    assert_eq!(e["expected"][0], "198.51.100.7");
    assert!(e["basis"].as_str().unwrap().starts_with("learnt"));
    assert_eq!(e["events"][0]["eventID"], "a3");
    assert_eq!(f[0].location.as_ref().unwrap().line, Some(3));

    // Same IP all along: nothing.
    let same = [
        call(k1, "198.51.100.7", "00:00:00", "a1", ""),
        call(k1, "198.51.100.7", "00:10:00", "a2", ""),
    ]
    .concat();
    let out = run("same", &same);
    assert!(instance_creds::outside_instance(&out.activity.instance, None, None).is_empty());

    // A session name that is not an instance id is not an instance session.
    let other = call(k1, "198.51.100.7", "00:00:00", "x", "").replace(INSTANCE, "alice")
        + &call(k1, "203.0.113.50", "00:10:00", "y", "").replace(INSTANCE, "alice");
    let out = run("notinst", &other);
    assert!(out.activity.instance.sessions.is_empty());
}

#[test]
fn history_carries_the_instance_addresses_across_runs() {
    let k1 = "ASIAEXAMPLEKEY000001";
    let k3 = "ASIAEXAMPLEKEY000003";
    let mut h = History::default();
    let week1 = call(k1, "198.51.100.7", "00:00:00", "a1", "");
    let out = run("h1", &week1);
    assert!(instance_creds::outside_instance(&out.activity.instance, None, Some(&h)).is_empty());
    h.learn_instances(instance_creds::learnable(
        &out.activity.instance,
        None,
        Some(&h),
    ));
    let arn = format!("arn:aws:sts::111122223333:assumed-role/{ROLE}/{INSTANCE}");
    assert_eq!(
        h.instance_addresses[&arn].iter().collect::<Vec<_>>(),
        vec!["198.51.100.7"]
    );
    // Week 2: a new key used first by a stranger, then by the instance
    // at its known address: the stranger is foreign (by the history),
    // though it came first.
    let week2 = [
        call(k3, "203.0.113.50", "00:00:00", "c1", ""),
        call(k3, "198.51.100.7", "00:05:00", "c2", ""),
    ]
    .concat();
    let out = run("h2", &week2);
    let f = instance_creds::outside_instance(&out.activity.instance, None, Some(&h));
    assert_eq!(
        addrs(&f),
        vec![("203.0.113.50".to_owned(), Severity::Medium)]
    );
    assert!(f[0].evidence["basis"]
        .as_str()
        .unwrap()
        .starts_with("history"));
    // Without the history, the stranger came first: the instance's own
    // later call is the one that stands out (the pair is reported).
    let f = instance_creds::outside_instance(&out.activity.instance, None, None);
    assert_eq!(
        addrs(&f),
        vec![("198.51.100.7".to_owned(), Severity::Medium)]
    );
    // The foreign address is not learnt.
    h.learn_instances(instance_creds::learnable(
        &out.activity.instance,
        None,
        Some(&h),
    ));
    assert_eq!(h.instance_addresses[&arn].len(), 1);
    // The history round-trips as JSON.
    let back: History = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
    assert_eq!(back, h);
    // An older history file without the field still reads.
    let old: History = serde_json::from_str(r#"{"version":1,"principals":{}}"#).unwrap();
    assert!(old.instance_addresses.is_empty());
}

fn datasets() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/detect/datasets/normalized");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} is absent (the shared corpora are not here)",
            p.display()
        );
        None
    }
}

/// The real datasets: what the learnt way finds without a snapshot, and
/// the OTRF SSRF-to-S3 theft judged against the instance's addresses.
#[test]
fn real_datasets() {
    let Some(dir) = datasets() else {
        return;
    };
    let all = dir.join("ALL.jsonl");
    let out = run_paths(std::slice::from_ref(&all));
    let u = &out.activity.instance;
    // The instance sessions in the corpus: Stratus (invictus) steal
    // credentials and enumerate, Stratus detonation logs, OTRF, Panther
    // tests.
    let instances: Vec<&str> = u.sessions.values().map(|s| s.instance.as_str()).collect();
    eprintln!("instance sessions: {instances:?}");
    assert!(instances.contains(&"i-0317f6c6b66ae9c40"), "{instances:?}");
    assert!(instances.contains(&"i-0dbc91f429e48eeed"), "{instances:?}");
    let learnt = instance_creds::outside_instance(u, None, None);
    for f in &learnt {
        eprintln!("learnt: {}", f.message);
    }
    // Panther's two labelled positives of this threat (its
    // IMDSCredentialExfiltration tests) use one key from two public
    // addresses at the same time: reported as a pair (the later address
    // in order, against the first). Every other session's key stays on
    // one address, or on a private (anonymised) one, so nothing else is.
    assert_eq!(
        addrs(&learnt),
        vec![("52.42.146.205".to_owned(), Severity::Medium)],
        "{learnt:?}"
    );
    assert_eq!(
        learnt[0].evidence["instance_id"], "i-0abcdef1234567890",
        "{learnt:?}"
    );

    // OTRF: the web server's role credentials, taken through SSRF, list
    // and download buckets from the attacker's laptop (anonymised to
    // 1.2.3.4, user agent aws-cli on Darwin). Described by a snapshot
    // with the instance at other addresses, every such call is foreign.
    let otrf = dir.join("otrf_ec2_proxy_s3_exfiltration.jsonl");
    let out = run_paths(std::slice::from_ref(&otrf));
    let inv = Inventory {
        instances: vec![Instance {
            id: "i-0317f6c6b66ae9c40".to_owned(),
            vpc_id: Some("vpc-1".to_owned()),
            private_ip: Some("10.10.0.20".to_owned()),
            public_ip: Some("198.51.100.20".to_owned()),
            ..Instance::default()
        }],
        ..Inventory::default()
    };
    let nets = InstanceNetworks::from_inventory(&inv);
    let f = instance_creds::outside_instance(&out.activity.instance, Some(&nets), None);
    eprintln!("otrf with a snapshot: {}", f[0].message);
    assert_eq!(addrs(&f), vec![("1.2.3.4".to_owned(), Severity::High)]);
    assert_eq!(f[0].evidence["count"], 11);
    assert_eq!(f[0].evidence["ec2_role_delivery"], "1.0");
    // Without a snapshot the data has one address for the session, so
    // there is nothing to compare with.
    assert!(instance_creds::outside_instance(&out.activity.instance, None, None).is_empty());
}
