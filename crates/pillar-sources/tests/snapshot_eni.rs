#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Where `describe-network-interfaces` puts an interface's public address.

use pillar_sources::{load_paths, LoadOptions};

fn public_ips(json: &str) -> Vec<(String, bool, Option<String>)> {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp
        .path()
        .join("us-east-1/ec2-describe-network-interfaces.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, json).unwrap();
    let loaded = load_paths(&[tmp.path().to_path_buf()], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let eni = &loaded.inventory.network_interfaces[0];
    eni.private_ips
        .iter()
        .map(|p| (p.address.clone(), p.primary, p.public_ip.clone()))
        .collect()
}

#[test]
fn the_interface_association_belongs_to_the_primary_address() {
    // As moto answers: the public address only at the interface level.
    let got = public_ips(
        r#"{"NetworkInterfaces": [{
            "NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "VpcId": "vpc-1",
            "PrivateIpAddress": "10.0.1.4",
            "PrivateIpAddresses": [
                {"PrivateIpAddress": "10.0.1.4", "Primary": true},
                {"PrivateIpAddress": "10.0.1.5", "Primary": false}
            ],
            "Association": {"PublicIp": "54.1.2.3"},
            "Groups": []
        }]}"#,
    );
    assert_eq!(
        got,
        vec![
            ("10.0.1.4".into(), true, Some("54.1.2.3".into())),
            ("10.0.1.5".into(), false, None),
        ]
    );
}

#[test]
fn per_address_associations_are_kept_as_they_are() {
    // As EC2 answers: each address with its own association; the
    // interface-level one repeats the primary's.
    let got = public_ips(
        r#"{"NetworkInterfaces": [{
            "NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "VpcId": "vpc-1",
            "PrivateIpAddress": "10.0.1.4",
            "PrivateIpAddresses": [
                {"PrivateIpAddress": "10.0.1.4", "Primary": true, "Association": {"PublicIp": "54.1.2.3"}},
                {"PrivateIpAddress": "10.0.1.5", "Primary": false, "Association": {"PublicIp": "54.9.9.9"}}
            ],
            "Association": {"PublicIp": "54.1.2.3"},
            "Groups": []
        }]}"#,
    );
    assert_eq!(
        got,
        vec![
            ("10.0.1.4".into(), true, Some("54.1.2.3".into())),
            ("10.0.1.5".into(), false, Some("54.9.9.9".into())),
        ]
    );
}
