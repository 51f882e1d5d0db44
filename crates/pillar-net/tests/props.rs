//! Property tests: the interval-set algebra against a brute-force model,
//! and the network ACL evaluator's laws (adding a deny never adds a
//! source, adding an allow never removes one, list order never matters).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_model::resources::{NaclEntry, NetworkAcl, PortRange};
use pillar_model::Known;
use pillar_net::layers::nacl_eval;
use pillar_net::{AddrSet, Family, IntervalSet, PortSet, Proto};
use proptest::prelude::*;

fn bits(s: &IntervalSet<u16>) -> Vec<bool> {
    let mut v = vec![false; 65536];
    for &(a, b) in s.ranges() {
        for x in a..=b {
            v[usize::from(x)] = true;
        }
    }
    v
}

fn ranges() -> impl Strategy<Value = Vec<(u16, u16)>> {
    // Small values plus the top of the range, to hit both ends.
    let point = prop_oneof![0u16..300, 65400u16..=65535];
    prop::collection::vec((point.clone(), point), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn interval_sets_match_brute_force(a in ranges(), b in ranges()) {
        let sa = IntervalSet::from_ranges(a.clone());
        let sb = IntervalSet::from_ranges(b.clone());
        let (ba, bb) = (bits(&sa), bits(&sb));
        // Membership is what the ranges say.
        for (lo, hi) in &a {
            if lo <= hi {
                prop_assert!(ba[usize::from(*lo)] && ba[usize::from(*hi)]);
            }
        }
        let u = bits(&sa.union(&sb));
        let i = bits(&sa.intersection(&sb));
        let d = bits(&sa.difference(&sb));
        let c = bits(&sa.complement());
        for x in 0..65536 {
            prop_assert_eq!(u[x], ba[x] || bb[x]);
            prop_assert_eq!(i[x], ba[x] && bb[x]);
            prop_assert_eq!(d[x], ba[x] && !bb[x]);
            prop_assert_eq!(c[x], !ba[x]);
        }
        prop_assert_eq!(sa.count(), ba.iter().filter(|x| **x).count() as u128);
        // Canonical: sorted, disjoint, not adjacent.
        for w in sa.ranges().windows(2) {
            prop_assert!(u32::from(w[0].1) + 1 < u32::from(w[1].0));
        }
        prop_assert_eq!(sa.contains_set(&sa.intersection(&sb)), true);
    }
}

const CIDRS: [&str; 8] = [
    "0.0.0.0/0",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "10.0.0.0/8",
    "203.0.113.0/24",
    "203.0.0.0/16",
    "198.51.100.7/32",
    "64.0.0.0/2",
];

fn entry() -> impl Strategy<Value = NaclEntry> {
    (
        1u32..200,
        any::<bool>(),
        prop_oneof![Just("6"), Just("-1"), Just("17")],
        0usize..CIDRS.len(),
        prop::option::of((0u16..100, 0u16..100)),
    )
        .prop_map(|(n, allow, proto, c, ports)| NaclEntry {
            rule_number: n,
            egress: false,
            protocol: Known::Known(proto.to_owned()),
            allow,
            cidr_block: Known::Known(Some(CIDRS[c].to_owned())),
            ipv6_cidr_block: Known::Known(None),
            port_range: Known::Known(ports.map(|(a, b)| PortRange {
                from: a.min(b),
                to: a.max(b),
            })),
        })
}

/// NACL rule numbers are unique; keep the first entry of each number.
fn acl(mut entries: Vec<NaclEntry>) -> NetworkAcl {
    let mut seen = std::collections::BTreeSet::new();
    entries.retain(|e| seen.insert(e.rule_number));
    NetworkAcl {
        id: "acl-p".into(),
        entries,
        ..NetworkAcl::default()
    }
}

fn allowed(a: &NetworkAcl, ports: &PortSet) -> AddrSet {
    nacl_eval(a, false, Family::V4, Proto::TCP, ports).allowed
}

proptest! {
    #[test]
    fn nacl_laws(entries in prop::collection::vec(entry(), 0..8), extra in entry(), lo in 0u16..100, len in 0u16..20) {
        let ports = PortSet::range(lo, lo.saturating_add(len));
        let base = acl(entries.clone());
        let before = allowed(&base, &ports);
        if base.entries.iter().all(|e| e.rule_number != extra.rule_number) {
            let mut deny = extra.clone();
            deny.allow = false;
            let mut with = base.entries.clone();
            with.push(deny);
            let after = allowed(&acl(with), &ports);
            prop_assert!(after.difference(&before).is_empty(), "a deny added sources");
            let mut allow = extra.clone();
            allow.allow = true;
            let mut with = base.entries.clone();
            with.push(allow);
            let after = allowed(&acl(with), &ports);
            prop_assert!(before.difference(&after).is_empty(), "an allow removed sources");
        }
        let mut rev = base.entries.clone();
        rev.reverse();
        prop_assert_eq!(allowed(&acl(rev), &ports), before);
    }
}

/// A public instance whose group opens a few ports, behind a NACL of
/// generated entries (both directions).
fn model(entries: &[NaclEntry]) -> pillar_model::Inventory {
    serde_json::from_value(model_value(entries)).unwrap()
}

fn model_value(entries: &[NaclEntry]) -> serde_json::Value {
    let mut v = serde_json::json!({
        "internet_gateways": [{"id": "igw-1", "vpc_ids": ["vpc-1"]}],
        "subnets": [{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24"}],
        "route_tables": [{"id": "rtb-1", "vpc_id": "vpc-1", "associations": [{"main": true}],
            "routes": [{"destination_cidr": "10.0.0.0/16", "target": "local", "state": "active"},
                       {"destination_cidr": "0.0.0.0/0", "target": "igw-1", "state": "active"}]}],
        "network_acls": [{"id": "acl-1", "vpc_id": "vpc-1", "is_default": true, "subnet_ids": ["subnet-1"], "entries": []}],
        "security_groups": [{"id": "sg-1", "vpc_id": "vpc-1", "ingress": [
            {"protocol": "tcp", "from_port": 20, "to_port": 80, "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []},
            {"protocol": "udp", "from_port": 53, "to_port": 53, "ipv4_ranges": ["64.0.0.0/2"], "ipv6_ranges": []}]}],
        "network_interfaces": [{"id": "eni-1", "subnet_id": "subnet-1", "vpc_id": "vpc-1", "interface_type": "interface",
            "security_groups": ["sg-1"], "private_ips": [{"address": "10.0.1.5", "primary": true, "public_ip": "54.0.0.5"}]}]
    });
    v["network_acls"][0]["entries"] = serde_json::to_value(entries).unwrap();
    v
}

/// Reachable (protocol, port) -> sources, over the ports the group names.
fn reach(inv: &pillar_model::Inventory) -> Vec<(Proto, u16, AddrSet)> {
    let a = pillar_net::analyze(inv);
    let mut out = Vec::new();
    for (proto, ports) in [(Proto::TCP, 15u16..90), (Proto::UDP, 50..56)] {
        for port in ports {
            let mut s = AddrSet::empty(Family::V4);
            for e in a.exposures.iter().filter(|e| e.covers(proto, port)) {
                s = s.union(&e.sources);
            }
            out.push((proto, port, s));
        }
    }
    out
}

fn both_ways(e: NaclEntry) -> Vec<NaclEntry> {
    let mut out = e.clone();
    out.egress = true;
    out.port_range = Known::Known(None);
    vec![e, out]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Over the whole analysis: a deny entry added anywhere never adds a
    /// source, an allow never removes one.
    #[test]
    fn analysis_is_monotone_in_nacl_entries(entries in prop::collection::vec(entry(), 0..6), extra in entry()) {
        let base: Vec<NaclEntry> = acl(entries).entries.into_iter().flat_map(both_ways).collect();
        if base.iter().any(|e| e.rule_number == extra.rule_number) {
            return Ok(());
        }
        let before = reach(&model(&base));
        for allow in [false, true] {
            let mut x = extra.clone();
            x.allow = allow;
            let mut with = base.clone();
            with.extend(both_ways(x));
            let after = reach(&model(&with));
            for ((p, port, b), (_, _, a)) in before.iter().zip(&after) {
                if allow {
                    prop_assert!(b.difference(a).is_empty(), "allow removed sources on {p} {port}");
                } else {
                    prop_assert!(a.difference(b).is_empty(), "deny added sources on {p} {port}");
                }
            }
        }
    }
}

/// Blocks no internet client sends from (IANA special-purpose registries).
const NOT_INTERNET: [&str; 8] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "198.51.100.0/24",
    "240.0.0.0/4",
];

fn group_model(ranges: &[String]) -> pillar_model::Inventory {
    let mut v = model_value(&[]);
    v["network_acls"][0]["entries"] = serde_json::json!([
        {"rule_number": 100, "egress": false, "protocol": "-1", "allow": true, "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": null, "port_range": null},
        {"rule_number": 100, "egress": true, "protocol": "-1", "allow": true, "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": null, "port_range": null}
    ]);
    v["security_groups"][0]["ingress"] = serde_json::json!([
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "ipv4_ranges": ranges, "ipv6_ranges": []}
    ]);
    serde_json::from_value(v).unwrap()
}

fn cidr_set(ranges: &[String]) -> AddrSet {
    ranges.iter().fold(AddrSet::empty(Family::V4), |a, c| {
        a.union(&pillar_net::Cidr::parse(c).unwrap().to_set())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A group rule reaches exactly its internet part: private and
    /// special-purpose blocks alone expose nothing; any public block beside
    /// them is exposed, and the sources never leave the internet.
    #[test]
    fn only_the_internet_part_of_a_rule_is_exposed(
        private in prop::collection::vec(0usize..NOT_INTERNET.len(), 1..4),
        public in prop::collection::vec((any::<u32>(), 8u32..=32), 0..3),
    ) {
        let mut ranges: Vec<String> = private.iter().map(|i| NOT_INTERNET[*i].to_owned()).collect();
        let a = pillar_net::analyze(&group_model(&ranges));
        prop_assert!(a.exposures.is_empty(), "private-only rule exposed: {:?}", a.exposures);
        for (addr, len) in &public {
            ranges.push(format!("{}/{len}", std::net::Ipv4Addr::from(*addr)));
        }
        let want = cidr_set(&ranges).intersection(pillar_net::internet(Family::V4));
        let a = pillar_net::analyze(&group_model(&ranges));
        let got = a.exposures.iter().fold(AddrSet::empty(Family::V4), |s, e| s.union(&e.sources));
        prop_assert_eq!(&got, &want);
        prop_assert!(got.difference(pillar_net::internet(Family::V4)).is_empty());
        prop_assert_eq!(a.exposures.is_empty(), want.is_empty());
    }
}
