#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! A 100,000-resource snapshot loads in one pass. Run with
//! `cargo test -p pillar-sources --release --test scale -- --ignored --nocapture`.

use pillar_sources::{load_paths, LoadOptions};
use std::fmt::Write as _;
use std::time::Instant;

fn security_groups(region: usize, n: usize) -> String {
    let mut s = String::from("{\n    \"SecurityGroups\": [\n");
    for i in 0..n {
        if i > 0 {
            s.push_str(",\n");
        }
        write!(
            s,
            r#"        {{
            "Description": "group {i}",
            "GroupName": "g-{region}-{i}",
            "IpPermissions": [
                {{
                    "FromPort": 22,
                    "IpProtocol": "tcp",
                    "IpRanges": [{{"CidrIp": "10.{region}.0.0/16", "Description": "admin"}}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "ToPort": 22,
                    "UserIdGroupPairs": [{{"GroupId": "sg-{region}x{i}", "UserId": "111122223333"}}]
                }}
            ],
            "OwnerId": "111122223333",
            "GroupId": "sg-{region}x{i}",
            "IpPermissionsEgress": [{{"IpProtocol": "-1", "IpRanges": [{{"CidrIp": "0.0.0.0/0"}}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}}],
            "Tags": [{{"Key": "Name", "Value": "g{i}"}}],
            "VpcId": "vpc-{region}"
        }}"#
        )
        .unwrap();
    }
    s.push_str("\n    ]\n}\n");
    s
}

fn instances(region: usize, n: usize) -> String {
    let mut s = String::from("{\n    \"Reservations\": [\n");
    for i in 0..n {
        if i > 0 {
            s.push_str(",\n");
        }
        write!(
            s,
            r#"        {{"OwnerId": "111122223333", "ReservationId": "r-{i}", "Instances": [{{"InstanceId": "i-{region}x{i}", "ImageId": "ami-1", "State": {{"Code": 16, "Name": "running"}}, "SubnetId": "subnet-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.1", "SecurityGroups": [{{"GroupName": "a", "GroupId": "sg-{region}x{i}"}}], "NetworkInterfaces": [{{"NetworkInterfaceId": "eni-{i}"}}], "MetadataOptions": {{"HttpTokens": "optional", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1}}, "Tags": []}}]}}"#
        )
        .unwrap();
    }
    s.push_str("\n    ]\n}\n");
    s
}

#[test]
#[ignore = "generates ~100 MB; run in release"]
fn hundred_thousand_resources() {
    let tmp = tempfile::tempdir().unwrap();
    let regions = ["us-east-1", "us-east-2", "eu-west-1", "ap-south-1"];
    let mut bytes = 0usize;
    for (r, name) in regions.iter().enumerate() {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let sg = security_groups(r, 15_000);
        let inst = instances(r, 10_000);
        bytes += sg.len() + inst.len();
        std::fs::write(dir.join("ec2-describe-security-groups.json"), sg).unwrap();
        std::fs::write(dir.join("ec2-describe-instances.json"), inst).unwrap();
    }
    let start = Instant::now();
    let loaded = load_paths(&[tmp.path().to_path_buf()], &LoadOptions::default());
    let took = start.elapsed();
    let inv = &loaded.inventory;
    let total = inv.security_groups.len() + inv.instances.len();
    println!(
        "{total} resources, {} MB, loaded in {took:?}",
        bytes / 1_000_000
    );
    assert_eq!(total, 100_000);
    assert!(loaded.skipped.is_empty());
    let last = inv.security_groups.last().unwrap();
    assert!(last.location.as_ref().unwrap().line.unwrap() > 100_000);
}
