//! One test per semantic point of the reachability engine, each on a small
//! model built in code. The base model: VPC 10.0.0.0/16 with an internet
//! gateway, a public subnet whose table routes 0.0.0.0/0 and ::/0 to it,
//! a NACL that allows everything, and an instance whose security group
//! opens SSH to the world.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_model::Inventory;
use pillar_net::{analyze, internet, path, AddrSet, Cidr, Family, Proto};
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "vpcs": [{"id": "vpc-1", "cidr_blocks": ["10.0.0.0/16"]}],
        "internet_gateways": [{"id": "igw-1", "vpc_ids": ["vpc-1"]}],
        "subnets": [
            {"id": "subnet-pub", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "ipv6_cidr_blocks": ["2600:1f18::/64"]},
            {"id": "subnet-priv", "vpc_id": "vpc-1", "cidr_block": "10.0.2.0/24"}
        ],
        "route_tables": [
            {"id": "rtb-main", "vpc_id": "vpc-1", "associations": [{"main": true}],
             "routes": [{"destination_cidr": "10.0.0.0/16", "target": "local", "state": "active"}]},
            {"id": "rtb-pub", "vpc_id": "vpc-1", "associations": [{"main": false, "subnet_id": "subnet-pub"}],
             "routes": [
                {"destination_cidr": "10.0.0.0/16", "target": "local", "state": "active"},
                {"destination_cidr": "0.0.0.0/0", "target": "igw-1", "state": "active"},
                {"destination_ipv6_cidr": "::/0", "target": "igw-1", "state": "active"}
             ]}
        ],
        "network_acls": [{"id": "acl-1", "vpc_id": "vpc-1", "is_default": true, "subnet_ids": ["subnet-pub", "subnet-priv"], "entries": [
            {"rule_number": 100, "egress": false, "protocol": "-1", "allow": true, "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": null, "port_range": null},
            {"rule_number": 101, "egress": false, "protocol": "-1", "allow": true, "cidr_block": null, "ipv6_cidr_block": "::/0", "port_range": null},
            {"rule_number": 100, "egress": true, "protocol": "-1", "allow": true, "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": null, "port_range": null},
            {"rule_number": 101, "egress": true, "protocol": "-1", "allow": true, "cidr_block": null, "ipv6_cidr_block": "::/0", "port_range": null}
        ]}],
        "security_groups": [
            {"id": "sg-ssh", "vpc_id": "vpc-1", "ingress": [
                {"protocol": "tcp", "from_port": 22, "to_port": 22, "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": ["::/0"]}
            ]},
            {"id": "sg-web", "vpc_id": "vpc-1", "ingress": [
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []}
            ]}
        ],
        "instances": [{"resource": {"kind": "AWS::EC2::Instance", "id": "i-1"}, "id": "i-1", "state": "running",
                        "subnet_id": "subnet-pub", "vpc_id": "vpc-1", "security_groups": ["sg-ssh"], "network_interfaces": ["eni-1"]}],
        "network_interfaces": [{"resource": {"kind": "AWS::EC2::NetworkInterface", "id": "eni-1"}, "id": "eni-1",
            "subnet_id": "subnet-pub", "vpc_id": "vpc-1", "interface_type": "interface", "instance_id": "i-1",
            "security_groups": ["sg-ssh"], "ipv6_addresses": [],
            "private_ips": [{"address": "10.0.1.10", "primary": true, "public_ip": "54.0.0.10"}]}]
    })
}

fn inv(v: &Value) -> Inventory {
    serde_json::from_value(v.clone()).unwrap()
}

fn set(cidrs: &[&str]) -> AddrSet {
    let fam = Cidr::parse(cidrs[0]).unwrap().family();
    cidrs.iter().fold(AddrSet::empty(fam), |a, c| {
        a.union(&Cidr::parse(c).unwrap().to_set())
    })
}

/// The one IPv4 path answer for i-1 on tcp/port.
fn ssh(v: &Value, port: u16) -> pillar_net::PathResult {
    path(&inv(v), "i-1", Proto::TCP, port)
        .into_iter()
        .find(|p| p.family == Family::V4 && p.via.is_none())
        .expect("a v4 answer")
}

/// Every IPv4 address the internet sends from (the VPC's 10.0.0.0/16 is
/// private, so not among them).
fn net4() -> AddrSet {
    internet(Family::V4).clone()
}

fn code(p: &pillar_net::PathResult) -> &'static str {
    p.blocked.as_ref().map(|b| b.code).unwrap_or("REACHABLE")
}

#[test]
fn base_instance_is_reachable_on_ssh_with_its_path() {
    let p = ssh(&base(), 22);
    assert_eq!(code(&p), "REACHABLE");
    // 0.0.0.0/0 in the group is the whole internet.
    assert_eq!(p.sources, net4());
    assert_eq!(p.sources.summary(), "the whole internet");
    let kinds: Vec<&str> = p.hops.iter().map(|h| h.kind).collect();
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
    assert_eq!(p.hops[1].id, "rtb-pub");
    assert!(p.hops[2].notes.contains(&"rule 100 allow".to_owned()));
    assert!(p.hops[3].notes[0].contains("tcp 22 from 0.0.0.0/0"));
    // Another port is blocked at the security group.
    let p = ssh(&base(), 23);
    assert_eq!(code(&p), "SG_NO_MATCHING_RULE");
}

#[test]
fn subnet_without_explicit_association_uses_the_main_table() {
    let mut v = base();
    // Drop the explicit association: the main table (no IGW route) rules.
    v["route_tables"][1]["associations"] = json!([]);
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "NO_RETURN_ROUTE_TO_IGW");
    assert_eq!(p.blocked.unwrap().id, "rtb-main");
}

#[test]
fn more_specific_route_elsewhere_carves_sources_out() {
    let mut v = base();
    v["route_tables"][1]["routes"]
        .as_array_mut()
        .unwrap()
        .extend([
            json!({"destination_cidr": "52.94.0.0/22", "target": "pcx-1", "state": "active"}),
            json!({"destination_cidr": "3.5.0.0/16", "target": "tgw-1", "state": "active"}),
            json!({"destination_cidr": "18.0.0.0/8", "target": "igw-1", "state": "blackhole"}),
            // A private range elsewhere carves nothing out of the internet.
            json!({"destination_cidr": "172.16.0.0/12", "target": "tgw-1", "state": "active"}),
        ]);
    let p = ssh(&v, 22);
    let want = net4().difference(&set(&["52.94.0.0/22", "3.5.0.0/16", "18.0.0.0/8"]));
    assert_eq!(p.sources, want);
    assert_eq!(
        p.sources.summary(),
        "the internet except 3.5.0.0/16, 18.0.0.0/8, 52.94.0.0/22"
    );
    assert!(p.hops[1]
        .notes
        .iter()
        .any(|n| n.contains("carves out 52.94.0.0/22 -> pcx-1")));
    assert!(!p.hops[1].notes.iter().any(|n| n.contains("172.16.0.0/12")));
}

#[test]
fn a_more_specific_igw_route_keeps_sources_under_a_nat_default() {
    let mut v = base();
    // Default route to a NAT gateway, one /8 back to the IGW.
    v["route_tables"][1]["routes"][1] =
        json!({"destination_cidr": "0.0.0.0/0", "target": "nat-1", "state": "active"});
    v["route_tables"][1]["routes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"destination_cidr": "52.0.0.0/8", "target": "igw-1", "state": "active"}));
    let p = ssh(&v, 22);
    assert_eq!(p.sources, set(&["52.0.0.0/8"]));
}

#[test]
fn nat_default_route_blocks_the_reply() {
    let mut v = base();
    v["route_tables"][1]["routes"][1] =
        json!({"destination_cidr": "0.0.0.0/0", "target": "nat-1", "state": "active"});
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "NO_RETURN_ROUTE_TO_IGW");
    assert!(p.blocked.unwrap().reason.contains("nat-1"));
}

#[test]
fn managed_prefix_list_route_is_expanded() {
    let mut v = base();
    v["prefix_lists"] =
        json!([{"id": "pl-1", "entries": ["13.32.0.0/15", "100.64.0.0/10", "2600:9000::/28"]}]);
    v["route_tables"][1]["routes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"destination_prefix_list": "pl-1", "target": "tgw-1", "state": "active"}));
    let p = ssh(&v, 22);
    assert_eq!(p.sources, net4().difference(&set(&["13.32.0.0/15"])));
}

#[test]
fn egress_only_gateway_takes_no_inbound_ipv6() {
    let mut v = base();
    v["network_interfaces"][0]["ipv6_addresses"] = json!(["2600:1f18::10"]);
    let inv6 = inv(&v);
    let p6 = path(&inv6, "i-1", Proto::TCP, 22)
        .into_iter()
        .find(|p| p.family == Family::V6)
        .unwrap();
    assert_eq!(code(&p6), "REACHABLE");
    assert_eq!(&p6.sources, internet(Family::V6));
    v["route_tables"][1]["routes"][2] =
        json!({"destination_ipv6_cidr": "::/0", "target": "eigw-1", "state": "active"});
    let p6 = path(&inv(&v), "i-1", Proto::TCP, 22)
        .into_iter()
        .find(|p| p.family == Family::V6)
        .unwrap();
    assert_eq!(code(&p6), "NO_RETURN_ROUTE_TO_IGW");
    assert!(p6.blocked.unwrap().reason.contains("egress-only"));
}

#[test]
fn link_local_ipv6_is_not_a_public_address() {
    let mut v = base();
    v["network_interfaces"][0]["ipv6_addresses"] = json!(["fe80::1"]);
    let a = analyze(&inv(&v));
    assert!(a.exposures.iter().all(|e| e.family == Family::V4));
}

#[test]
fn no_public_address_no_exposure_but_latent() {
    let mut v = base();
    v["network_interfaces"][0]["private_ips"][0]["public_ip"] = Value::Null;
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "NO_PUBLIC_ADDRESS");
    let a = analyze(&inv(&v));
    assert!(a.exposures.is_empty());
    // One Elastic IP away.
    assert!(a
        .latent
        .iter()
        .any(|e| e.id == "i-1" && e.covers(Proto::TCP, 22)));
}

#[test]
fn private_subnet_instance_is_neither_reachable_nor_latent() {
    let mut v = base();
    v["network_interfaces"][0]["subnet_id"] = json!("subnet-priv");
    v["network_interfaces"][0]["private_ips"][0]["public_ip"] = Value::Null;
    let a = analyze(&inv(&v));
    assert!(a.exposures.is_empty());
    assert!(a.latent.is_empty());
}

#[test]
fn stopped_instance_keeps_only_elastic_ips() {
    let mut v = base();
    v["instances"][0]["state"] = json!("stopped");
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "NO_PUBLIC_ADDRESS");
    v["elastic_ips"] = json!([{"allocation_id": "eipalloc-1", "public_ip": "54.0.0.10", "network_interface_id": "eni-1", "private_ip": "10.0.1.10"}]);
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "REACHABLE");
    assert_eq!(p.addresses, vec!["54.0.0.10"]);
}

#[test]
fn elastic_ip_on_a_secondary_private_ip_counts() {
    let mut v = base();
    v["network_interfaces"][0]["private_ips"] = json!([
        {"address": "10.0.1.10", "primary": true},
        {"address": "10.0.1.11", "primary": false, "public_ip": "3.3.3.3"}
    ]);
    v["elastic_ips"] = json!([{"allocation_id": "eipalloc-2", "public_ip": "3.3.3.3", "network_interface_id": "eni-1", "private_ip": "10.0.1.11"}]);
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "REACHABLE");
    assert_eq!(p.addresses, vec!["3.3.3.3"]);
}

fn set_acl(v: &mut Value, entries: Value) {
    v["network_acls"][0]["entries"] = entries;
}

fn e(
    n: u32,
    egress: bool,
    proto: &str,
    allow: bool,
    cidr: &str,
    ports: Option<(u16, u16)>,
) -> Value {
    json!({"rule_number": n, "egress": egress, "protocol": proto, "allow": allow, "cidr_block": cidr,
           "ipv6_cidr_block": null, "port_range": ports.map(|(a, b)| json!({"from": a, "to": b}))})
}

#[test]
fn nacl_first_match_wins_and_a_deny_carves_a_block() {
    let mut v = base();
    set_acl(
        &mut v,
        json!([
            e(200, false, "-1", true, "0.0.0.0/0", None),
            e(50, false, "6", false, "45.33.0.0/24", Some((22, 22))),
            e(300, false, "6", false, "0.0.0.0/0", Some((22, 22))),
            e(100, true, "-1", true, "0.0.0.0/0", None),
        ]),
    );
    let p = ssh(&v, 22);
    assert_eq!(p.sources, net4().difference(&set(&["45.33.0.0/24"])));
    assert!(p.hops[2].notes.contains(&"rule 200 allow".to_owned()));
}

#[test]
fn nacl_implicit_deny_blocks() {
    let mut v = base();
    set_acl(
        &mut v,
        json!([
            e(100, false, "6", true, "0.0.0.0/0", Some((443, 443))),
            e(100, true, "-1", true, "0.0.0.0/0", None),
        ]),
    );
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "NACL_INBOUND_DENY");
    assert!(p.blocked.unwrap().reason.contains('*'));
}

#[test]
fn nacl_return_to_ephemeral_ports_must_pass() {
    let mut v = base();
    set_acl(
        &mut v,
        json!([
            e(100, false, "-1", true, "0.0.0.0/0", None),
            e(100, true, "6", true, "0.0.0.0/0", Some((0, 1023))),
        ]),
    );
    assert_eq!(code(&ssh(&v, 22)), "NACL_OUTBOUND_DENY");
    // Linux's ephemeral range is enough: a client can pick its port.
    set_acl(
        &mut v,
        json!([
            e(100, false, "-1", true, "0.0.0.0/0", None),
            e(100, true, "6", true, "0.0.0.0/0", Some((32768, 60999))),
        ]),
    );
    assert_eq!(code(&ssh(&v, 22)), "REACHABLE");
    // Replies to one /16 only: the sources shrink to it.
    set_acl(
        &mut v,
        json!([
            e(100, false, "-1", true, "0.0.0.0/0", None),
            e(100, true, "6", true, "52.95.0.0/16", Some((1024, 65535))),
        ]),
    );
    assert_eq!(ssh(&v, 22).sources, set(&["52.95.0.0/16"]));
}

#[test]
fn security_groups_are_a_union_and_group_references_never_match_the_internet() {
    let mut v = base();
    v["network_interfaces"][0]["security_groups"] = json!(["sg-ssh", "sg-web"]);
    let p = ssh(&v, 443);
    assert_eq!(code(&p), "REACHABLE");
    assert!(p.hops.iter().any(|h| h.id == "sg-web"));
    // A rule naming another group admits none of the internet.
    v["security_groups"][0]["ingress"] = json!([{"protocol": "tcp", "from_port": 22, "to_port": 22,
        "ipv4_ranges": [], "ipv6_ranges": [], "group_ids": ["sg-web"]}]);
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "SG_NO_MATCHING_RULE");
    assert!(p.blocked.unwrap().reason.contains("other security groups"));
}

#[test]
fn all_protocols_rule_exposes_tcp_udp_and_icmp() {
    let mut v = base();
    v["security_groups"][0]["ingress"] =
        json!([{"protocol": "-1", "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []}]);
    let a = analyze(&inv(&v));
    let tcp = a
        .exposures
        .iter()
        .find(|e| e.protocol == Proto::TCP)
        .unwrap();
    assert!(tcp.ports.is_full());
    assert_eq!(tcp.service(), "tcp all ports");
    assert!(a.exposures.iter().any(|e| e.protocol == Proto::UDP));
    assert!(a.exposures.iter().any(|e| e.protocol == Proto::ICMP));
}

#[test]
fn icmp_type_and_port_ranges_are_exact() {
    let mut v = base();
    v["security_groups"][0]["ingress"] = json!([
        {"protocol": "icmp", "from_port": 8, "to_port": -1, "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []},
        {"protocol": "tcp", "from_port": 8000, "to_port": 8100, "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []}
    ]);
    set_acl(
        &mut v,
        json!([
            e(10, false, "6", false, "0.0.0.0/0", Some((8050, 8050))),
            e(100, false, "-1", true, "0.0.0.0/0", None),
            e(100, true, "-1", true, "0.0.0.0/0", None),
        ]),
    );
    let a = analyze(&inv(&v));
    let icmp = a
        .exposures
        .iter()
        .find(|e| e.protocol == Proto::ICMP)
        .unwrap();
    assert_eq!(icmp.service(), "icmp type 8");
    let tcp = a
        .exposures
        .iter()
        .find(|e| e.protocol == Proto::TCP)
        .unwrap();
    assert_eq!(tcp.service(), "tcp 8000-8049,8051-8100");
}

#[test]
fn unknown_values_are_reported_not_guessed() {
    let mut v = base();
    v["security_groups"][0]["ingress"][0]["ipv4_ranges"] = json!({"$unknown": "var.admin_cidr"});
    let a = analyze(&inv(&v));
    assert!(a.exposures.iter().all(|e| e.family != Family::V4));
    assert!(a
        .incomplete
        .iter()
        .any(|i| i.reasons.iter().any(|r| r.contains("var.admin_cidr"))));
}

#[test]
fn unreadable_cidrs_are_reported_not_dropped() {
    let mut v = base();
    v["security_groups"][0]["ingress"][0]["ipv4_ranges"] = json!(["10.0.0.300/8"]);
    let a = analyze(&inv(&v));
    assert!(a.incomplete.iter().any(|i| i
        .reasons
        .iter()
        .any(|r| r.contains("unreadable CIDR \"10.0.0.300/8\""))));
}

#[test]
fn ingress_routing_through_an_appliance_is_flagged_not_assessed() {
    let mut v = base();
    v["route_tables"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "rtb-edge", "vpc_id": "vpc-1",
        "associations": [{"main": false, "gateway_id": "igw-1"}],
        "routes": [{"destination_cidr": "10.0.1.0/24", "target": "eni-fw", "state": "active"}]}));
    let p = ssh(&v, 22);
    assert!(p.hops[0]
        .notes
        .contains(&"ingress routing via eni-fw".to_owned()));
    assert!(p.unknown.iter().any(|u| u.contains("rtb-edge")));
}

fn with_lb(kind: &str, lb_sgs: Value, target_rule: Value) -> Value {
    let mut v = base();
    // The target: a private instance, no public address.
    v["network_interfaces"][0]["subnet_id"] = json!("subnet-priv");
    v["network_interfaces"][0]["private_ips"][0]["public_ip"] = Value::Null;
    v["network_interfaces"][0]["security_groups"] = json!(["sg-app"]);
    v["security_groups"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "sg-app", "vpc_id": "vpc-1", "ingress": [target_rule]}));
    v["load_balancers"] = json!([{"resource": {"kind": "AWS::ElasticLoadBalancingV2::LoadBalancer", "id": "arn:lb"},
        "arn": "arn:lb", "name": "web", "kind": kind, "scheme": "internet-facing", "vpc_id": "vpc-1",
        "subnets": ["subnet-pub"], "security_groups": lb_sgs,
        "listeners": [{"arn": "arn:l", "port": 443, "protocol": "HTTPS", "target_groups": ["arn:aws:elasticloadbalancing:r:a:targetgroup/app-tg/1"]}]}]);
    v["target_groups"] = json!([{"arn": "arn:aws:elasticloadbalancing:r:a:targetgroup/app-tg/1", "target_type": "instance", "port": 8080,
        "targets": [["i-1", null]]}]);
    v
}

#[test]
fn alb_reaches_its_target_through_the_target_group() {
    let v = with_lb(
        "application",
        json!(["sg-web"]),
        json!({"protocol": "tcp", "from_port": 8080, "to_port": 8080,
        "ipv4_ranges": [], "ipv6_ranges": [], "group_ids": ["sg-web"]}),
    );
    let a = analyze(&inv(&v));
    let lb = a
        .exposures
        .iter()
        .find(|e| e.kind == "load-balancer")
        .unwrap();
    assert!(lb.covers(Proto::TCP, 443));
    let t = a.exposures.iter().find(|e| e.id == "i-1").unwrap();
    assert_eq!(t.via.as_deref(), Some("web"));
    assert!(t.covers(Proto::TCP, 8080));
    assert!(t
        .path
        .iter()
        .any(|h| h.kind == "target-group" && h.id == "app-tg"));
    // Not reachable directly.
    assert_eq!(code(&ssh(&v, 8080)), "NO_PUBLIC_ADDRESS");
    // A target group that does not admit the ALB: no exposure through it.
    let v = with_lb(
        "application",
        json!(["sg-web"]),
        json!({"protocol": "tcp", "from_port": 8080, "to_port": 8080,
        "ipv4_ranges": ["192.168.0.0/16"], "ipv6_ranges": []}),
    );
    let a = analyze(&inv(&v));
    assert!(a.exposures.iter().all(|e| e.id != "i-1"));
}

#[test]
fn nlb_without_security_groups_passes_client_addresses() {
    let v = with_lb(
        "network",
        json!([]),
        json!({"protocol": "tcp", "from_port": 8080, "to_port": 8080,
        "ipv4_ranges": ["52.95.4.0/24"], "ipv6_ranges": []}),
    );
    let mut v = v;
    v["load_balancers"][0]["listeners"][0]["protocol"] = json!("TCP");
    let a = analyze(&inv(&v));
    let t = a.exposures.iter().find(|e| e.id == "i-1").unwrap();
    assert_eq!(t.sources, set(&["52.95.4.0/24"]));
    assert_eq!(t.via.as_deref(), Some("web"));
}

#[test]
fn internal_load_balancers_are_not_exposed() {
    let mut v = with_lb(
        "application",
        json!(["sg-web"]),
        json!({"protocol": "tcp", "from_port": 8080, "to_port": 8080,
        "ipv4_ranges": [], "ipv6_ranges": [], "group_ids": ["sg-web"]}),
    );
    v["load_balancers"][0]["scheme"] = json!("internal");
    let a = analyze(&inv(&v));
    assert!(a.exposures.is_empty());
    let p = path(&inv(&v), "web", Proto::TCP, 443);
    assert_eq!(
        p[0].blocked.as_ref().unwrap().code,
        "LB_NOT_INTERNET_FACING"
    );
}

#[test]
fn single_layer_flag_reflects_the_nacl() {
    let a = analyze(&inv(&base()));
    assert!(a.exposures.iter().all(|e| e.single_layer));
    let mut v = base();
    set_acl(
        &mut v,
        json!([
            e(10, false, "6", false, "45.33.0.0/24", None),
            e(100, false, "-1", true, "0.0.0.0/0", None),
            e(100, true, "-1", true, "0.0.0.0/0", None),
        ]),
    );
    let a = analyze(&inv(&v));
    assert!(a.exposures.iter().all(|e| !e.single_layer));
    // A deny for a private range filters nothing the internet sends: the
    // group is still the only layer.
    set_acl(
        &mut v,
        json!([
            e(10, false, "6", false, "192.168.0.0/16", None),
            e(100, false, "-1", true, "0.0.0.0/0", None),
            e(100, true, "-1", true, "0.0.0.0/0", None),
        ]),
    );
    let a = analyze(&inv(&v));
    assert!(!a.exposures.is_empty());
    assert!(a.exposures.iter().all(|e| e.single_layer));
}

/// VPC Block Public Access (Amazon VPC User Guide): a blocking mode stops
/// inbound traffic through the internet gateway, also over IPv6 and for the
/// latent (one Elastic IP away) analysis; an allow-bidirectional exclusion
/// of the VPC lifts it, an allow-egress one does not.
#[test]
fn vpc_block_public_access_blocks_inbound_unless_excluded_both_ways() {
    let with = |mode: &str, exclusion: Option<(&str, &str)>| {
        let mut v = base();
        v["vpc_bpa"] = json!([{"region": "", "mode": mode, "state": "update-complete"}]);
        if let Some((m, target)) = exclusion {
            v["vpc_bpa_exclusions"] = json!([{"id": "exclusion-1", "mode": m, "target_id": target, "state": "create-complete"}]);
        }
        v
    };
    for mode in ["block-ingress", "block-bidirectional"] {
        let v = with(mode, None);
        let p = ssh(&v, 22);
        assert_eq!(code(&p), "VPC_BPA_BLOCKS_INGRESS", "{mode}");
        assert!(p.sources.is_empty());
        let a = analyze(&inv(&v));
        assert!(a.exposures.is_empty(), "{mode}: {:?}", a.exposures);
        // The same instance without a public address is not latent either.
        let mut v = v.clone();
        v["network_interfaces"][0]["private_ips"][0]["public_ip"] = Value::Null;
        assert!(analyze(&inv(&v)).latent.is_empty(), "{mode}");
    }
    let p = ssh(
        &with("block-ingress", Some(("allow-bidirectional", "vpc-1"))),
        22,
    );
    assert_eq!(code(&p), "REACHABLE");
    assert!(p.hops.iter().any(|h| h.kind == "vpc-block-public-access"
        && h.notes.iter().any(|n| n.contains("exclusion-1"))));
    let p = ssh(
        &with("block-bidirectional", Some(("allow-egress", "subnet-pub"))),
        22,
    );
    assert_eq!(code(&p), "VPC_BPA_BLOCKS_INGRESS");
    assert_eq!(code(&ssh(&with("off", None), 22)), "REACHABLE");
    // IPv6 through the same gateway is blocked as well.
    let mut v = with("block-ingress", None);
    v["network_interfaces"][0]["ipv6_addresses"] = json!(["2600:1f18::10"]);
    let six: Vec<_> = path(&inv(&v), "i-1", Proto::TCP, 22)
        .into_iter()
        .filter(|p| p.family == Family::V6)
        .collect();
    assert_eq!(six.len(), 1);
    assert_eq!(code(&six[0]), "VPC_BPA_BLOCKS_INGRESS");
}

/// The internet is the publicly routable space: a group rule for private
/// or special-purpose ranges only (10.0.0.0/8, 100.64.0.0/10, fd00::/8)
/// admits no internet client, while the same rule plus one public range
/// exposes the instance to that range alone.
#[test]
fn private_only_rule_exposes_nothing_to_the_internet() {
    let mut v = base();
    v["network_interfaces"][0]["ipv6_addresses"] = json!(["2600:1f18::10"]);
    v["security_groups"][0]["ingress"] = json!([{"protocol": "tcp", "from_port": 22, "to_port": 22,
        "ipv4_ranges": ["10.0.0.0/8", "100.64.0.0/10", "192.0.2.0/24"], "ipv6_ranges": ["fd00::/8", "2001:db8::/32"]}]);
    let a = analyze(&inv(&v));
    assert!(a.exposures.is_empty(), "{:?}", a.exposures);
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "SG_NO_MATCHING_RULE");
    let why = p.blocked.unwrap().reason;
    assert!(
        why.contains("10.0.0.0/8") && why.contains("no internet client"),
        "{why}"
    );
    // Fail variant: one public /24 beside them is exposed, and only it.
    v["security_groups"][0]["ingress"][0]["ipv4_ranges"] =
        json!(["10.0.0.0/8", "100.64.0.0/10", "81.2.69.0/24"]);
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "REACHABLE");
    assert_eq!(p.sources, set(&["81.2.69.0/24"]));
    assert_eq!(p.sources.summary(), "81.2.69.0/24");
    let a = analyze(&inv(&v));
    assert_eq!(a.exposures.len(), 1);
    assert_eq!(a.exposures[0].family, Family::V4);
}

/// An RDS network interface names no DB instance: it is the instance's
/// whose DB subnet group holds its subnet, narrowed by security groups.
/// Judged once, through the interface, even when its groups differ from
/// the instance's record; when two instances could own it, the interface
/// is judged as itself and both instances are not fully assessed.
#[test]
fn rds_network_interface_and_its_db_instance_are_judged_once() {
    let mut v = base();
    v["network_interfaces"]
        .as_array_mut()
        .unwrap()
        .push(json!({"resource": {"kind": "AWS::EC2::NetworkInterface", "id": "eni-rds"}, "id": "eni-rds",
            "subnet_id": "subnet-pub", "vpc_id": "vpc-1", "interface_type": "interface",
            "description": "RDSNetworkInterface", "security_groups": ["sg-web"], "ipv6_addresses": [],
            "private_ips": [{"address": "10.0.1.20", "primary": true, "public_ip": "54.0.0.20"}]}));
    // The record names a group the interface does not carry: the old
    // heuristic (all of the instance's groups on the ENI) failed here.
    v["db_instances"] = json!([{"resource": {"kind": "AWS::RDS::DBInstance", "id": "arn:db1"}, "id": "db1",
        "publicly_accessible": true, "security_groups": ["sg-db"], "subnet_ids": ["subnet-pub", "subnet-priv"], "vpc_id": "vpc-1"}]);
    let a = analyze(&inv(&v));
    let judged: Vec<(&str, &str)> = a.judged.iter().map(|j| (j.kind, j.id.as_str())).collect();
    assert_eq!(
        judged.iter().filter(|j| j.1 == "db1").count(),
        1,
        "{judged:?}"
    );
    assert!(!judged.iter().any(|j| j.1 == "eni-rds"), "{judged:?}");
    let db: Vec<_> = a.exposures.iter().filter(|e| e.id == "db1").collect();
    assert_eq!(db.len(), 1);
    assert_eq!(db[0].eni.as_deref(), Some("eni-rds"));
    assert!(db[0].covers(Proto::TCP, 443));
    // Two instances in the same subnet with the same groups: the
    // interface cannot be told apart; judged once, as itself.
    v["db_instances"].as_array_mut().unwrap().push(json!({"resource": {"kind": "AWS::RDS::DBInstance", "id": "arn:db2"}, "id": "db2",
        "publicly_accessible": true, "security_groups": ["sg-db"], "subnet_ids": ["subnet-pub"], "vpc_id": "vpc-1"}));
    let a = analyze(&inv(&v));
    let ids: Vec<&str> = a.judged.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(
        ids.iter().filter(|i| **i == "eni-rds").count(),
        1,
        "{ids:?}"
    );
    assert_eq!(ids.iter().filter(|i| **i == "db1").count(), 1, "{ids:?}");
    assert!(a.exposures.iter().all(|e| e.id != "db1" && e.id != "db2"));
    assert!(a.exposures.iter().any(|e| e.id == "eni-rds"));
    for d in ["db1", "db2"] {
        assert!(
            a.incomplete
                .iter()
                .any(|i| i.id == d && i.reasons[0].contains("eni-rds")),
            "{d}"
        );
    }
}

/// VPC Block Public Access blocks traffic through Gateway Load Balancer
/// and Network Firewall endpoints even where an exclusion lets the subnet's
/// own traffic in (VPC User Guide, "VPC BPA basics"): ingress routing
/// through such an endpoint is blocked; without BPA the same path is only
/// flagged (the appliance's verdict is not modelled).
#[test]
fn bpa_blocks_ingress_routing_through_an_endpoint_despite_an_exclusion() {
    let mut v = base();
    v["route_tables"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "rtb-edge", "vpc_id": "vpc-1",
        "associations": [{"main": false, "gateway_id": "igw-1"}],
        "routes": [{"destination_cidr": "10.0.1.0/24", "target": "vpce-0fw", "state": "active"}]}));
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "REACHABLE");
    assert!(p.unknown.iter().any(|u| u.contains("vpce-0fw")));
    v["vpc_bpa"] = json!([{"region": "", "mode": "block-ingress", "state": "update-complete"}]);
    v["vpc_bpa_exclusions"] = json!([{"id": "exclusion-1", "mode": "allow-bidirectional", "target_id": "vpc-1", "state": "create-complete"}]);
    let p = ssh(&v, 22);
    assert_eq!(code(&p), "VPC_BPA_BLOCKS_INGRESS");
    assert!(p.blocked.unwrap().reason.contains("vpce-0fw"));
    // The exclusion alone, no endpoint on the way: reachable.
    v["route_tables"].as_array_mut().unwrap().pop();
    assert_eq!(code(&ssh(&v, 22)), "REACHABLE");
}

/// A dualstack NLB (no security group) in front of i-1, with the given
/// target group fields and target rule. The target sits in the private
/// subnet, which gets an IPv6 block, and holds an IPv6 address.
fn nlb6(tg: Value, target_rule: Value) -> Vec<(Family, AddrSet)> {
    let mut v = with_lb("network", json!([]), target_rule);
    v["load_balancers"][0]["listeners"][0]["protocol"] = json!("TCP");
    v["load_balancers"][0]["ip_address_type"] = json!("dualstack");
    v["subnets"][1]["ipv6_cidr_blocks"] = json!(["2600:1f18:0:1::/64"]);
    v["network_interfaces"][0]["ipv6_addresses"] = json!(["2600:1f18:0:1::10"]);
    // The VPC's IPv6 block (global unicast, so internet space) routes
    // locally, as AWS adds it to every table.
    v["route_tables"][1]["routes"].as_array_mut().unwrap().push(
        json!({"destination_ipv6_cidr": "2600:1f18::/56", "target": "local", "state": "active"}),
    );
    let mut group = v["target_groups"][0].clone();
    for (k, x) in tg.as_object().unwrap() {
        group[k] = x.clone();
    }
    v["target_groups"] = json!([group]);
    let a = analyze(&inv(&v));
    let mut out: Vec<(Family, AddrSet)> = a
        .exposures
        .iter()
        .filter(|e| e.id == "i-1" && e.via.is_some())
        .map(|e| (e.family, e.sources.clone()))
        .collect();
    out.sort();
    out
}

/// Network Load Balancer client IP preservation per address family
/// (Elastic Load Balancing, "Edit target group attributes for your Network
/// Load Balancer"): instance targets see IPv4 clients' own addresses but
/// IPv6 clients as the load balancer's IPv4 address; IP targets over TCP
/// see the load balancer unless preservation is enabled; an IPv6 target
/// group sees IPv4 clients as the load balancer's IPv6 address.
#[test]
fn nlb_client_ip_preservation_per_family() {
    let v4_rule = |cidr: &str| json!({"protocol": "tcp", "from_port": 8080, "to_port": 8080, "ipv4_ranges": [cidr], "ipv6_ranges": []});
    let v6_rule = |cidr: &str| json!({"protocol": "tcp", "from_port": 8080, "to_port": 8080, "ipv4_ranges": [], "ipv6_ranges": [cidr]});
    let net6 = internet(Family::V6).difference(&set(&["2600:1f18::/56"]));
    // Instance target group (IPv4), a rule for one public range: IPv4
    // clients of that range reach it; IPv6 clients arrive from the load
    // balancer's IPv4 address, which the rule does not admit.
    let got = nlb6(json!({}), v4_rule("52.95.4.0/24"));
    assert_eq!(got, vec![(Family::V4, set(&["52.95.4.0/24"]))]);
    // A rule for the load balancer's subnet: IPv6 clients (the whole IPv6
    // internet) get through, IPv4 clients keep their own address, which
    // the rule does not admit.
    let got = nlb6(json!({}), v4_rule("10.0.1.0/24"));
    assert_eq!(got, vec![(Family::V6, net6.clone())]);
    // IP targets over TCP: no preservation by default, every client
    // arrives from the load balancer.
    let ip_tcp = json!({"target_type": "ip", "protocol": "TCP", "targets": [["10.0.1.10", null]]});
    let got = nlb6(ip_tcp.clone(), v4_rule("52.95.4.0/24"));
    assert!(got.is_empty(), "{got:?}");
    let got = nlb6(ip_tcp.clone(), v4_rule("10.0.1.0/24"));
    assert_eq!(got, vec![(Family::V4, net4()), (Family::V6, net6.clone())]);
    // ... unless the attribute enables it.
    let mut on = ip_tcp.clone();
    on["preserve_client_ip"] = json!(true);
    assert_eq!(
        nlb6(on, v4_rule("52.95.4.0/24")),
        vec![(Family::V4, set(&["52.95.4.0/24"]))]
    );
    // An IPv6 target group: the target's group is judged on IPv6.
    let ip6 = json!({"target_type": "ip", "protocol": "TCP", "ip_address_type": "ipv6",
        "targets": [["2600:1f18:0:1::10", null]]});
    let got = nlb6(ip6.clone(), v6_rule("2600:1f18::/64"));
    assert_eq!(got, vec![(Family::V4, net4()), (Family::V6, net6.clone())]);
    let got = nlb6(ip6.clone(), v4_rule("0.0.0.0/0"));
    assert!(
        got.is_empty(),
        "an IPv4 rule admits nothing of an IPv6 target group: {got:?}"
    );
    // With preservation, IPv6 clients keep their address (the VPC-only
    // rule admits none); IPv4 clients still come from the load balancer.
    let mut ip6_on = ip6;
    ip6_on["preserve_client_ip"] = json!(true);
    let got = nlb6(ip6_on.clone(), v6_rule("2600:1f18::/64"));
    assert_eq!(got, vec![(Family::V4, net4())]);
    let got = nlb6(ip6_on, v6_rule("::/0"));
    assert_eq!(got, vec![(Family::V4, net4()), (Family::V6, net6)]);
}

/// The streamed JSON document is byte for byte the `Value` one: exposures
/// (a NACL deny carving a block out, IPv4 and IPv6), latent exposures, a
/// stopped instance and an incomplete endpoint.
#[test]
fn streamed_json_matches_the_value_document() {
    let mut v = base();
    v["network_acls"][0]["entries"]
        .as_array_mut()
        .unwrap()
        .push(
            json!({"rule_number": 50, "egress": false, "protocol": "6", "allow": false,
                     "cidr_block": "52.94.0.0/22", "ipv6_cidr_block": null,
                     "port_range": {"from": 22, "to": 22}}),
        );
    v["network_interfaces"][0]["ipv6_addresses"] = json!(["2600:1f18::10"]);
    v["network_interfaces"][0]["security_groups"] = json!(["sg-ssh", "sg-web", "sg-missing"]);
    v["network_interfaces"].as_array_mut().unwrap().push(json!({
        "resource": {"kind": "AWS::EC2::NetworkInterface", "id": "eni-2"}, "id": "eni-2",
        "subnet_id": "subnet-pub", "vpc_id": "vpc-1", "interface_type": "interface",
        "security_groups": ["sg-web"], "ipv6_addresses": [],
        "private_ips": [{"address": "10.0.1.11", "primary": true, "public_ip": null}]}));
    let a = analyze(&inv(&v));
    assert!(!a.exposures.is_empty() && !a.latent.is_empty() && !a.incomplete.is_empty());
    assert!(a.exposures.iter().any(|e| !e.sources.covers_internet()));
    let want = serde_json::to_string_pretty(&pillar_net::json::analysis(&a)).unwrap();
    let got = serde_json::to_string_pretty(&pillar_net::json::AnalysisDoc::new(&a)).unwrap();
    assert_eq!(got, want);
    let empty = analyze(&Inventory::default());
    let want = serde_json::to_string_pretty(&pillar_net::json::analysis(&empty)).unwrap();
    let got = serde_json::to_string_pretty(&pillar_net::json::AnalysisDoc::new(&empty)).unwrap();
    assert_eq!(got, want);
}
