//! Small network helpers shared by the infrastructure rules: world-open
//! sources, security group rule matching (with managed prefix lists expanded) and
//! network ACL evaluation (ascending rule number, first match wins, implicit
//! deny). CIDR blocks and address sets are pillar-net's ([`pillar_net::Cidr`],
//! [`pillar_net::AddrSet`]), the same parsing the reachability analysis uses.
//!
//! Every predicate is three-valued: [`Known::Known`] when the inputs decide
//! it, [`Known::Unknown`] with the reason when an unresolved value (a
//! Terraform variable, a computed attribute) could change the answer.

use pillar_model::resources::{NaclEntry, NetworkAcl, SgRule};
use pillar_model::{Inventory, Known};
use pillar_net::{AddrSet, Cidr};
use serde_json::{json, Value};

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Family {
    /// `IPv4` or `IPv6`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }

    /// The whole address space of the family, as written.
    pub fn world(self) -> &'static str {
        match self {
            Family::V4 => "0.0.0.0/0",
            Family::V6 => "::/0",
        }
    }

    /// The same family in pillar-net's terms.
    fn net(self) -> pillar_net::Family {
        match self {
            Family::V4 => pillar_net::Family::V4,
            Family::V6 => pillar_net::Family::V6,
        }
    }
}

/// Whether a CIDR is the whole IPv4 or IPv6 internet (`0.0.0.0/0`, `::/0`,
/// or any spelling with a zero prefix length).
pub fn is_world(cidr: &str) -> bool {
    Cidr::parse(cidr).is_some_and(|c| c.prefix_len() == 0)
}

/// The family a CIDR belongs to (IPv6 when it has a colon).
pub fn family_of(cidr: &str) -> Family {
    if cidr.contains(':') {
        Family::V6
    } else {
        Family::V4
    }
}

/// Three-valued AND: false wins over unknown, unknown over true.
pub fn and(a: Known<bool>, b: Known<bool>) -> Known<bool> {
    match (a, b) {
        (Known::Known(false), _) | (_, Known::Known(false)) => Known::Known(false),
        (Known::Known(true), Known::Known(true)) => Known::Known(true),
        (Known::Unknown(r), _) | (_, Known::Unknown(r)) => Known::Unknown(r),
    }
}

/// A transport protocol a port belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    /// TCP (protocol 6).
    Tcp,
    /// UDP (protocol 17).
    Udp,
}

impl Proto {
    /// `tcp` or `udp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }

    fn number(self) -> &'static str {
        match self {
            Proto::Tcp => "6",
            Proto::Udp => "17",
        }
    }

    /// Whether a protocol as written (`tcp`, `6`, `TCP`) is this one.
    pub fn is(self, written: &str) -> bool {
        let w = written.trim();
        w.eq_ignore_ascii_case(self.as_str()) || w == self.number()
    }
}

/// Whether a protocol as written means every protocol (`-1`, `all`).
pub fn is_all_protocols(written: &str) -> bool {
    let w = written.trim();
    w == "-1" || w.eq_ignore_ascii_case("all")
}

/// A security group rule's port range, widened: `None` ends mean all.
fn sg_ports(rule: &SgRule) -> Known<(i32, i32)> {
    match (&rule.from_port, &rule.to_port) {
        (Known::Known(from), Known::Known(to)) => {
            let from = from.unwrap_or(0).max(0);
            let to = match to {
                Some(t) if *t >= 0 => *t,
                _ => 65535,
            };
            Known::Known((from, to))
        }
        (Known::Unknown(r), _) | (_, Known::Unknown(r)) => {
            Known::Unknown(format!("port range unresolved: {r}"))
        }
    }
}

/// Whether a security group rule lets `proto`/`port` through. `-1` (all
/// protocols) covers every port.
pub fn sg_rule_covers_port(rule: &SgRule, proto: Proto, port: u16) -> Known<bool> {
    let Known::Known(written) = &rule.protocol else {
        return Known::unknown(format!(
            "protocol unresolved: {}",
            rule.protocol.reason().unwrap_or_default()
        ));
    };
    if is_all_protocols(written) {
        return Known::Known(true);
    }
    if !proto.is(written) {
        return Known::Known(false);
    }
    sg_ports(rule).map(|(from, to)| from <= i32::from(port) && i32::from(port) <= to)
}

/// Whether a security group rule's port range covers TCP `port`.
pub fn sg_rule_covers_tcp_port(rule: &SgRule, port: u16) -> Known<bool> {
    sg_rule_covers_port(rule, Proto::Tcp, port)
}

/// Whether a security group rule opens every port: protocol `-1`, or TCP or
/// UDP over the whole range (`0`/`1`–`65535`).
pub fn sg_rule_all_ports(rule: &SgRule) -> Known<bool> {
    let Known::Known(written) = &rule.protocol else {
        return Known::unknown(format!(
            "protocol unresolved: {}",
            rule.protocol.reason().unwrap_or_default()
        ));
    };
    if is_all_protocols(written) {
        return Known::Known(true);
    }
    if !Proto::Tcp.is(written) && !Proto::Udp.is(written) {
        return Known::Known(false);
    }
    sg_ports(rule).map(|(from, to)| from <= 1 && to >= 65535)
}

/// Where world traffic enters through a rule: a CIDR, or a prefix list that
/// holds one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldSource {
    /// Address family.
    pub family: Family,
    /// The CIDR as written.
    pub cidr: String,
    /// The prefix list that carried it, if any.
    pub prefix_list: Option<String>,
}

impl WorldSource {
    /// As evidence.
    pub fn evidence(&self) -> Value {
        match &self.prefix_list {
            Some(pl) => {
                json!({ "family": self.family.as_str(), "cidr": self.cidr, "prefix_list": pl })
            }
            None => json!({ "family": self.family.as_str(), "cidr": self.cidr }),
        }
    }
}

/// The world-open sources of a rule, and why the answer may be incomplete.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorldSources {
    /// World-open sources found.
    pub found: Vec<WorldSource>,
    /// Set when a range or prefix list could not be read.
    pub unknown: Option<String>,
}

impl WorldSources {
    /// Three-valued "open to the world".
    pub fn open(&self) -> Known<bool> {
        if !self.found.is_empty() {
            Known::Known(true)
        } else if let Some(r) = &self.unknown {
            Known::Unknown(r.clone())
        } else {
            Known::Known(false)
        }
    }
}

/// The sources of a security group rule that are the whole internet, with
/// managed prefix lists expanded through `inv.prefix_lists`.
pub fn sg_rule_world_sources(inv: &Inventory, rule: &SgRule) -> WorldSources {
    let mut out = WorldSources::default();
    let mut unknown = None;
    for (ranges, label) in [(&rule.ipv4_ranges, "IPv4"), (&rule.ipv6_ranges, "IPv6")] {
        match ranges {
            Known::Known(list) => {
                for cidr in list {
                    if is_world(cidr) {
                        out.found.push(WorldSource {
                            family: family_of(cidr),
                            cidr: cidr.clone(),
                            prefix_list: None,
                        });
                    }
                }
            }
            Known::Unknown(r) => {
                if unknown.is_none() {
                    unknown = Some(format!("{label} source ranges unresolved: {r}"));
                }
            }
        }
    }
    for id in &rule.prefix_list_ids {
        match inv.prefix_lists.iter().find(|p| &p.id == id) {
            None => {
                if unknown.is_none() {
                    unknown = Some(format!("prefix list {id} is not in the inventory"));
                }
            }
            Some(pl) => match &pl.entries {
                Known::Known(entries) => {
                    for cidr in entries.iter().filter(|c| is_world(c)) {
                        out.found.push(WorldSource {
                            family: family_of(cidr),
                            cidr: cidr.clone(),
                            prefix_list: Some(id.clone()),
                        });
                    }
                }
                Known::Unknown(r) => {
                    if unknown.is_none() {
                        unknown = Some(format!("entries of prefix list {id} unknown: {r}"));
                    }
                }
            },
        }
    }
    out.unknown = unknown;
    out
}

fn known_json<T: serde::Serialize>(k: &Known<T>) -> Value {
    serde_json::to_value(k).unwrap_or(Value::Null)
}

/// A security group rule as evidence (no secrets in rules).
pub fn sg_rule_evidence(rule: &SgRule) -> Value {
    let mut v = json!({
        "protocol": known_json(&rule.protocol),
        "from_port": known_json(&rule.from_port),
        "to_port": known_json(&rule.to_port),
        "ipv4_ranges": known_json(&rule.ipv4_ranges),
        "ipv6_ranges": known_json(&rule.ipv6_ranges),
    });
    if let Value::Object(m) = &mut v {
        if !rule.prefix_list_ids.is_empty() {
            m.insert("prefix_list_ids".into(), json!(rule.prefix_list_ids));
        }
        if !rule.group_ids.is_empty() {
            m.insert("group_ids".into(), json!(rule.group_ids));
        }
        if let Some(d) = &rule.description {
            m.insert("description".into(), json!(d));
        }
    }
    v
}

/// One ingress rule that matched a world-open predicate.
#[derive(Debug, Clone)]
pub struct OpenRule<'a> {
    /// Index in the group's ingress list.
    pub index: usize,
    /// The rule.
    pub rule: &'a SgRule,
    /// Its world-open sources.
    pub sources: Vec<WorldSource>,
}

impl OpenRule<'_> {
    /// As evidence: the rule and which world sources opened it.
    pub fn evidence(&self) -> Value {
        json!({
            "rule": sg_rule_evidence(self.rule),
            "world_sources": self.sources.iter().map(WorldSource::evidence).collect::<Vec<_>>(),
        })
    }

    /// The families the rule opens, deduplicated, in order.
    pub fn families(&self) -> Vec<Family> {
        let mut f: Vec<Family> = self.sources.iter().map(|s| s.family).collect();
        f.sort();
        f.dedup();
        f
    }
}

/// The outcome of matching a group's ingress rules against a predicate.
#[derive(Debug, Clone, Default)]
pub struct IngressScan<'a> {
    /// Rules that are world-open and match.
    pub open: Vec<OpenRule<'a>>,
    /// Reasons some rule could not be judged.
    pub unknown: Vec<String>,
}

/// Match every ingress rule of a group against `covers` (which ports the
/// rule lets through) and world-open sources.
pub fn scan_ingress<'a>(
    inv: &Inventory,
    ingress: &'a [SgRule],
    covers: impl Fn(&SgRule) -> Known<bool>,
) -> IngressScan<'a> {
    let mut scan = IngressScan::default();
    for (index, rule) in ingress.iter().enumerate() {
        let sources = sg_rule_world_sources(inv, rule);
        match and(covers(rule), sources.open()) {
            Known::Known(true) => scan.open.push(OpenRule {
                index,
                rule,
                sources: sources.found,
            }),
            Known::Known(false) => {}
            Known::Unknown(r) => scan.unknown.push(format!("ingress rule {index}: {r}")),
        }
    }
    scan
}

// ------------------------------------------------------------------ NACLs

/// Why a network ACL lets world traffic in.
#[derive(Debug, Clone, PartialEq)]
pub struct NaclOpen<'a> {
    /// The allow entry that admits the world.
    pub entry: &'a NaclEntry,
    /// Lower-numbered deny entries that matched only part of the world.
    pub partial_denies: Vec<u32>,
}

/// Whether an entry's protocol and ports match TCP/UDP `port`.
fn nacl_entry_matches_port(entry: &NaclEntry, proto: Proto, port: u16) -> Known<bool> {
    let Known::Known(written) = &entry.protocol else {
        return Known::unknown(format!(
            "rule {} protocol unresolved: {}",
            entry.rule_number,
            entry.protocol.reason().unwrap_or_default()
        ));
    };
    if is_all_protocols(written) {
        return Known::Known(true);
    }
    if !proto.is(written) {
        return Known::Known(false);
    }
    match &entry.port_range {
        Known::Known(None) => Known::Known(true),
        Known::Known(Some(r)) => Known::Known(r.from <= port && port <= r.to),
        Known::Unknown(r) => Known::unknown(format!(
            "rule {} port range unresolved: {r}",
            entry.rule_number
        )),
    }
}

/// Evaluate a network ACL's inbound entries for traffic from the whole
/// `family` internet to `proto`/`port`: ascending rule number, first match
/// wins, implicit deny. Open when an allow entry for the world CIDR is
/// reached while some source addresses are still undecided.
pub fn nacl_inbound_world_open<'a>(
    acl: &'a NetworkAcl,
    family: Family,
    proto: Proto,
    port: u16,
) -> Known<Option<NaclOpen<'a>>> {
    let mut entries: Vec<&NaclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    let mut remaining = AddrSet::full(family.net());
    let mut partial_denies = Vec::new();
    for entry in entries {
        match nacl_entry_matches_port(entry, proto, port) {
            Known::Known(false) => continue,
            Known::Known(true) => {}
            Known::Unknown(r) => return Known::Unknown(r),
        }
        let cidr = match family {
            Family::V4 => &entry.cidr_block,
            Family::V6 => &entry.ipv6_cidr_block,
        };
        let text = match cidr {
            Known::Known(None) => continue,
            Known::Known(Some(t)) => t,
            Known::Unknown(r) => {
                return Known::unknown(format!("rule {} source unresolved: {r}", entry.rule_number))
            }
        };
        let Some(cidr) = Cidr::parse(text).filter(|c| c.family() == family.net()) else {
            return Known::unknown(format!(
                "rule {} has an unreadable CIDR {text:?}",
                entry.rule_number
            ));
        };
        let block = cidr.to_set();
        if !remaining.intersects(&block) {
            continue;
        }
        let world = cidr.prefix_len() == 0;
        if entry.allow && world {
            return Known::Known(Some(NaclOpen {
                entry,
                partial_denies,
            }));
        }
        if !entry.allow && !world {
            partial_denies.push(entry.rule_number);
        }
        remaining = remaining.difference(&block);
        if remaining.is_empty() {
            return Known::Known(None);
        }
    }
    Known::Known(None)
}

/// A NACL entry as evidence.
pub fn nacl_entry_evidence(entry: &NaclEntry) -> Value {
    json!({
        "rule_number": entry.rule_number,
        "egress": entry.egress,
        "protocol": known_json(&entry.protocol),
        "action": if entry.allow { "allow" } else { "deny" },
        "cidr_block": known_json(&entry.cidr_block),
        "ipv6_cidr_block": known_json(&entry.ipv6_cidr_block),
        "port_range": known_json(&entry.port_range),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::resources::PortRange;

    fn entry(n: u32, proto: &str, allow: bool, cidr: &str, ports: Option<(u16, u16)>) -> NaclEntry {
        NaclEntry {
            rule_number: n,
            egress: false,
            protocol: Known::Known(proto.to_owned()),
            allow,
            cidr_block: Known::Known(Some(cidr.to_owned())),
            ipv6_cidr_block: Known::Known(None),
            port_range: Known::Known(ports.map(|(from, to)| PortRange { from, to })),
        }
    }

    fn acl(entries: Vec<NaclEntry>) -> NetworkAcl {
        NetworkAcl {
            entries,
            ..NetworkAcl::default()
        }
    }

    #[test]
    fn parses_cidrs() {
        let c = Cidr::parse("10.1.2.3/8").unwrap();
        assert_eq!(
            c,
            Cidr::V4(u32::from(std::net::Ipv4Addr::new(10, 0, 0, 0)), 8)
        );
        assert!(is_world("0.0.0.0/0"));
        assert!(is_world("::/0"));
        assert!(is_world("0::0/0"));
        assert!(!is_world("0.0.0.0/1"));
        assert!(!is_world("10.0.0.0/33"));
        assert!(Cidr::parse("not-a-cidr").is_none());
        assert_eq!(
            Cidr::parse("2001:db8::/32").unwrap().family(),
            Family::V6.net()
        );
    }

    #[test]
    fn lower_deny_wins_over_later_allow() {
        let a = acl(vec![
            entry(100, "-1", true, "0.0.0.0/0", None),
            entry(50, "6", false, "0.0.0.0/0", Some((22, 22))),
        ]);
        assert_eq!(
            nacl_inbound_world_open(&a, Family::V4, Proto::Tcp, 22),
            Known::Known(None)
        );
        assert!(nacl_inbound_world_open(&a, Family::V4, Proto::Tcp, 3389)
            .get()
            .unwrap()
            .is_some());
    }

    #[test]
    fn partial_deny_leaves_world_open() {
        let a = acl(vec![
            entry(10, "6", false, "198.51.100.0/24", Some((22, 22))),
            entry(20, "6", true, "0.0.0.0/0", Some((0, 1024))),
        ]);
        let open = nacl_inbound_world_open(&a, Family::V4, Proto::Tcp, 22);
        let open = open.get().unwrap().as_ref().unwrap();
        assert_eq!(open.entry.rule_number, 20);
        assert_eq!(open.partial_denies, vec![10]);
    }

    #[test]
    fn halves_deny_close_everything() {
        let a = acl(vec![
            entry(10, "-1", false, "0.0.0.0/1", None),
            entry(11, "-1", false, "128.0.0.0/1", None),
            entry(20, "-1", true, "0.0.0.0/0", None),
        ]);
        assert_eq!(
            nacl_inbound_world_open(&a, Family::V4, Proto::Tcp, 22),
            Known::Known(None)
        );
    }

    #[test]
    fn unknown_entry_before_decision_is_unknown() {
        let mut e = entry(10, "6", false, "0.0.0.0/0", Some((22, 22)));
        e.cidr_block = Known::unknown("var.admin_cidr");
        let a = acl(vec![e, entry(20, "-1", true, "0.0.0.0/0", None)]);
        assert!(!nacl_inbound_world_open(&a, Family::V4, Proto::Tcp, 22).is_known());
        // Not relevant for another port.
        assert!(nacl_inbound_world_open(&a, Family::V4, Proto::Tcp, 3389)
            .get()
            .unwrap()
            .is_some());
    }

    #[test]
    fn sg_port_matching() {
        let r = SgRule {
            protocol: Known::Known("tcp".into()),
            from_port: Known::Known(Some(20)),
            to_port: Known::Known(Some(25)),
            ..SgRule::default()
        };
        assert_eq!(sg_rule_covers_tcp_port(&r, 22), Known::Known(true));
        assert_eq!(sg_rule_covers_port(&r, Proto::Udp, 22), Known::Known(false));
        assert_eq!(sg_rule_all_ports(&r), Known::Known(false));
        let all = SgRule {
            protocol: Known::Known("-1".into()),
            ..SgRule::default()
        };
        assert_eq!(sg_rule_all_ports(&all), Known::Known(true));
        let unk = SgRule {
            protocol: Known::Known("tcp".into()),
            from_port: Known::unknown("var.port"),
            to_port: Known::unknown("var.port"),
            ..SgRule::default()
        };
        assert!(!sg_rule_covers_tcp_port(&unk, 22).is_known());
    }

    #[test]
    fn prefix_lists_expand() {
        let inv: Inventory = serde_json::from_str(
            r#"{"prefix_lists":[{"id":"pl-1","entries":["0.0.0.0/0"]},{"id":"pl-2","entries":{"$unknown":"computed"}}]}"#,
        )
        .unwrap();
        let r = SgRule {
            ipv4_ranges: Known::Known(vec![]),
            ipv6_ranges: Known::Known(vec![]),
            prefix_list_ids: vec!["pl-1".into()],
            ..SgRule::default()
        };
        assert_eq!(sg_rule_world_sources(&inv, &r).open(), Known::Known(true));
        let r2 = SgRule {
            prefix_list_ids: vec!["pl-2".into()],
            ipv4_ranges: Known::Known(vec![]),
            ipv6_ranges: Known::Known(vec![]),
            ..SgRule::default()
        };
        assert!(!sg_rule_world_sources(&inv, &r2).open().is_known());
    }
}
