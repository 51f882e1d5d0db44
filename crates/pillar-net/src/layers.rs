//! The filters a packet from the internet meets, each as a function from a
//! (family, protocol, port) to the set of source addresses it lets through.

use crate::addr::{internet, AddrSet, Cidr, Family};
use crate::index::Index;
use crate::ipset::PortSet;
use crate::proto::{Proto, ProtoMatch};
use pillar_model::resources::{NaclEntry, NetworkAcl, RouteTable, SecurityGroup, SgRule};
use pillar_model::Known;

/// Client ephemeral ports the return packet goes to.
pub const EPHEMERAL: (u16, u16) = (1024, 65535);

/// Which internet sources the return path sends back through an internet
/// gateway of the VPC: longest-prefix match over the table (managed
/// prefix lists expanded), a more specific route to anything else carving
/// its block out. Only internet addresses ([`internet`]) count: a route
/// for 10.0.0.0/8 to a transit gateway carves nothing out of the internet.
#[derive(Debug, Clone)]
pub struct RouteVerdict {
    /// Sources whose return traffic leaves through the IGW.
    pub sources: AddrSet,
    /// The IGW routes that carry them, as `destination -> target`.
    pub via: Vec<String>,
    /// More specific routes elsewhere that carve sources out.
    pub carved: Vec<String>,
    /// What the default route of the family targets, when not the IGW.
    pub default_target: Option<String>,
    /// Why the answer may be incomplete.
    pub unknown: Vec<String>,
}

fn route_dest(
    ix: &Index<'_>,
    r: &pillar_model::resources::Route,
    family: Family,
) -> Known<Vec<(String, Cidr)>> {
    let mut out = Vec::new();
    let written = match family {
        Family::V4 => &r.destination_cidr,
        Family::V6 => &r.destination_ipv6_cidr,
    };
    if let Some(c) = written {
        if let Some(p) = Cidr::parse(c).filter(|p| p.family() == family) {
            out.push((c.clone(), p));
        }
    }
    if let Some(pl) = &r.destination_prefix_list {
        match ix.prefix_list(pl) {
            Known::Known(entries) => {
                for e in entries {
                    if let Some(p) = Cidr::parse(e).filter(|p| p.family() == family) {
                        out.push((format!("{e} ({pl})"), p));
                    }
                }
            }
            Known::Unknown(r) => return Known::Unknown(r),
        }
    }
    Known::Known(out)
}

/// Evaluate a route table for the return path of `family`.
pub fn route_sources(ix: &Index<'_>, rtb: &RouteTable, vpc: &str, family: Family) -> RouteVerdict {
    let igws = ix.igws(vpc);
    let mut routes: Vec<(String, Cidr, &str, bool)> = Vec::new();
    let mut unknown = Vec::new();
    for r in &rtb.routes {
        match route_dest(ix, r, family) {
            Known::Known(list) => {
                for (text, c) in list {
                    routes.push((text, c, r.target.as_str(), r.state != "blackhole"));
                }
            }
            Known::Unknown(why) => unknown.push(format!("route table {}: {why}", rtb.id)),
        }
    }
    // Longest prefix first; the first route to claim an address wins.
    routes.sort_by_key(|r| std::cmp::Reverse(r.1.prefix_len()));
    let mut remaining = AddrSet::full(family);
    let mut sources = AddrSet::empty(family);
    let mut via = Vec::new();
    let mut carved = Vec::new();
    let mut default_target = None;
    let net = internet(family);
    for (text, c, target, active) in &routes {
        let block = c.to_set().intersection(&remaining);
        if block.is_empty() {
            continue;
        }
        remaining = remaining.difference(&block);
        let to_igw = *active && igws.contains(target);
        if to_igw {
            sources = sources.union(&block);
            via.push(format!("{text} -> {target}"));
        } else if c.prefix_len() == 0 {
            let what = if *active {
                (*target).to_owned()
            } else {
                format!("{target} (blackhole)")
            };
            default_target = Some(what);
        } else if !target.eq_ignore_ascii_case("local") && block.intersects(net) {
            let state = if *active { "" } else { " (blackhole)" };
            carved.push(format!("{text} -> {target}{state}"));
        }
    }
    RouteVerdict {
        sources: sources.intersection(net),
        via,
        carved,
        default_target,
        unknown,
    }
}

/// The sources a NACL direction lets through, and which entries did.
#[derive(Debug, Clone)]
pub struct NaclVerdict {
    /// Sources (or, outbound, destinations) allowed.
    pub allowed: AddrSet,
    /// Allow entries that admitted part of the set.
    pub allow_rules: Vec<u32>,
    /// Deny entries (or the implicit `*`) that refused part of the space.
    pub deny_rules: Vec<String>,
    /// Why the answer may be incomplete.
    pub unknown: Vec<String>,
}

fn entry_ports(e: &NaclEntry, proto: Proto) -> Known<PortSet> {
    if !proto.has_ports() {
        return Known::Known(PortSet::full());
    }
    match &e.port_range {
        Known::Known(None) => Known::Known(PortSet::full()),
        Known::Known(Some(r)) => Known::Known(PortSet::range(r.from, r.to)),
        Known::Unknown(r) => Known::unknown(format!("rule {} port range: {r}", e.rule_number)),
    }
}

fn entry_block(e: &NaclEntry, family: Family) -> Known<Option<AddrSet>> {
    let written = match family {
        Family::V4 => &e.cidr_block,
        Family::V6 => &e.ipv6_cidr_block,
    };
    match written {
        Known::Known(None) => Known::Known(None),
        Known::Known(Some(t)) => match Cidr::parse(t) {
            Some(c) if c.family() == family => Known::Known(Some(c.to_set())),
            Some(_) => Known::Known(None),
            None => Known::unknown(format!(
                "rule {} has an unreadable CIDR {t:?}",
                e.rule_number
            )),
        },
        Known::Unknown(r) => Known::unknown(format!("rule {} CIDR: {r}", e.rule_number)),
    }
}

/// Evaluate one direction of a NACL for `proto` to any port of `ports`
/// (inbound: the destination port; outbound: the client's port of the
/// return packet): ascending rule number, first match wins, implicit deny.
/// An address is allowed when some port of `ports` is allowed for it.
pub fn nacl_eval(
    acl: &NetworkAcl,
    egress: bool,
    family: Family,
    proto: Proto,
    ports: &PortSet,
) -> NaclVerdict {
    let mut entries: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    let mut unknown = Vec::new();
    // Split `ports` where entry ranges start or end, so each piece is
    // either inside or outside every entry's range.
    let mut cuts: Vec<u16> = Vec::new();
    let parsed: Vec<(&NaclEntry, Option<AddrSet>, PortSet)> = entries
        .iter()
        .filter_map(|e| {
            let pm = match &e.protocol {
                Known::Known(p) => match ProtoMatch::parse(p) {
                    Some(pm) => pm,
                    None => {
                        unknown.push(format!("rule {} protocol {p:?} unreadable", e.rule_number));
                        return None;
                    }
                },
                Known::Unknown(r) => {
                    unknown.push(format!("rule {} protocol: {r}", e.rule_number));
                    return None;
                }
            };
            if !pm.matches(proto) {
                return None;
            }
            let ports = match (pm, entry_ports(e, proto)) {
                (ProtoMatch::All, _) => PortSet::full(),
                (_, Known::Known(p)) => p,
                (_, Known::Unknown(r)) => {
                    unknown.push(r);
                    return None;
                }
            };
            match entry_block(e, family) {
                Known::Known(b) => Some((*e, b, ports)),
                Known::Unknown(r) => {
                    unknown.push(r);
                    None
                }
            }
        })
        .filter(|(_, b, _)| b.is_some())
        .collect();
    for (_, _, p) in &parsed {
        for &(a, b) in p.ranges() {
            cuts.push(a);
            if let Some(n) = b.checked_add(1) {
                cuts.push(n);
            }
        }
    }
    let mut pieces: Vec<(u16, u16)> = Vec::new();
    for &(a, b) in ports.ranges() {
        let mut start = a;
        let mut inner: Vec<u16> = cuts.iter().copied().filter(|&c| c > a && c <= b).collect();
        inner.sort_unstable();
        inner.dedup();
        for c in inner {
            pieces.push((start, c - 1));
            start = c;
        }
        pieces.push((start, b));
    }
    let mut allowed = AddrSet::empty(family);
    let mut allow_rules = Vec::new();
    let mut deny_rules = Vec::new();
    for (lo, _) in pieces {
        let mut remaining = AddrSet::full(family);
        for (e, block, p) in &parsed {
            if !p.contains(lo) {
                continue;
            }
            let Some(block) = block else { continue };
            let hit = block.intersection(&remaining);
            if hit.is_empty() {
                continue;
            }
            remaining = remaining.difference(&hit);
            if e.allow {
                if !allow_rules.contains(&e.rule_number) {
                    allow_rules.push(e.rule_number);
                }
                allowed = allowed.union(&hit);
            } else {
                let n = e.rule_number.to_string();
                if !deny_rules.contains(&n) {
                    deny_rules.push(n);
                }
            }
            if remaining.is_empty() {
                break;
            }
        }
        if !remaining.is_empty() && !deny_rules.iter().any(|d| d == "*") {
            deny_rules.push("*".to_owned());
        }
    }
    NaclVerdict {
        allowed,
        allow_rules,
        deny_rules,
        unknown,
    }
}

/// One security group rule that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgHit {
    /// Group id.
    pub group: String,
    /// Index in the group's ingress list.
    pub index: usize,
    /// The rule, in short.
    pub text: String,
    /// The sources it admits by address.
    pub sources: AddrSet,
}

/// What the union of an ENI's groups admits.
#[derive(Debug, Clone)]
pub struct SgVerdict {
    /// Sources allowed by address (CIDRs and prefix lists).
    pub allowed: AddrSet,
    /// Rules that admitted part of `allowed`.
    pub hits: Vec<SgHit>,
    /// Rules that admit the protocol and port from other groups (these
    /// never match the internet), with the groups they name.
    pub group_refs: Vec<(SgHit, Vec<String>)>,
    /// Why the answer may be incomplete.
    pub unknown: Vec<String>,
}

/// The port range a security group rule covers for `proto` (`None` when
/// the protocol does not match).
fn sg_rule_ports(rule: &SgRule, proto: Proto) -> Known<Option<PortSet>> {
    let Known::Known(written) = &rule.protocol else {
        return Known::unknown(format!(
            "protocol: {}",
            rule.protocol.reason().unwrap_or_default()
        ));
    };
    let Some(pm) = ProtoMatch::parse(written) else {
        return Known::unknown(format!("protocol {written:?} unreadable"));
    };
    if !pm.matches(proto) {
        return Known::Known(None);
    }
    if pm == ProtoMatch::All || !(proto.has_ports() || proto.is_icmp()) {
        return Known::Known(Some(PortSet::full()));
    }
    match (&rule.from_port, &rule.to_port) {
        (Known::Known(from), Known::Known(to)) => {
            if proto.is_icmp() {
                // The "from" port is the ICMP type; -1 means every type.
                return Known::Known(Some(match from {
                    Some(t) if (0..=255).contains(t) => {
                        PortSet::single(u16::try_from(*t).unwrap_or(0))
                    }
                    _ => PortSet::full(),
                }));
            }
            let lo = from.unwrap_or(0).clamp(0, 65535);
            let hi = match to {
                Some(t) if *t >= 0 => (*t).min(65535),
                _ => 65535,
            };
            let lo = u16::try_from(lo).unwrap_or(0);
            let hi = u16::try_from(hi).unwrap_or(u16::MAX);
            Known::Known(Some(PortSet::range(lo, hi)))
        }
        (Known::Unknown(r), _) | (_, Known::Unknown(r)) => {
            Known::unknown(format!("port range: {r}"))
        }
    }
}

fn rule_sources(ix: &Index<'_>, rule: &SgRule, family: Family) -> Known<AddrSet> {
    let mut set = AddrSet::empty(family);
    let ranges = match family {
        Family::V4 => &rule.ipv4_ranges,
        Family::V6 => &rule.ipv6_ranges,
    };
    match ranges {
        Known::Known(list) => {
            for text in list {
                match Cidr::parse(text) {
                    Some(c) if c.family() == family => set = set.union(&c.to_set()),
                    Some(_) => {}
                    None => return Known::unknown(format!("unreadable CIDR {text:?}")),
                }
            }
        }
        Known::Unknown(r) => return Known::unknown(format!("{} ranges: {r}", family.as_str())),
    }
    for pl in &rule.prefix_list_ids {
        match ix.prefix_list(pl) {
            Known::Known(entries) => {
                for text in entries {
                    match Cidr::parse(text) {
                        Some(c) if c.family() == family => set = set.union(&c.to_set()),
                        Some(_) => {}
                        None => {
                            return Known::unknown(format!(
                                "prefix list {pl}: unreadable CIDR {text:?}"
                            ))
                        }
                    }
                }
            }
            Known::Unknown(r) => return Known::Unknown(r),
        }
    }
    Known::Known(set)
}

/// The rule in short: `tcp 22 from 0.0.0.0/0`.
pub fn sg_rule_text(rule: &SgRule) -> String {
    let proto = rule.protocol.get().map(String::as_str).unwrap_or("?");
    let ports = match (rule.from_port.get(), rule.to_port.get()) {
        (Some(Some(a)), Some(Some(b))) if a == b => format!(" {a}"),
        (Some(Some(a)), Some(Some(b))) if *a >= 0 => format!(" {a}-{b}"),
        _ => String::new(),
    };
    let mut from: Vec<String> = Vec::new();
    for r in [&rule.ipv4_ranges, &rule.ipv6_ranges] {
        if let Known::Known(l) = r {
            from.extend(l.iter().cloned());
        }
    }
    from.extend(rule.prefix_list_ids.iter().cloned());
    from.extend(rule.group_ids.iter().cloned());
    let proto = if proto == "-1" { "all" } else { proto };
    format!("{proto}{ports} from {}", from.join(", "))
}

/// Evaluate the union of `groups`' ingress rules for `proto` and any port
/// of `ports`.
pub fn sg_eval(
    ix: &Index<'_>,
    groups: &[&SecurityGroup],
    family: Family,
    proto: Proto,
    ports: &PortSet,
) -> SgVerdict {
    let mut v = SgVerdict {
        allowed: AddrSet::empty(family),
        hits: Vec::new(),
        group_refs: Vec::new(),
        unknown: Vec::new(),
    };
    for g in groups {
        for (index, rule) in g.ingress.iter().enumerate() {
            let rp = match sg_rule_ports(rule, proto) {
                Known::Known(Some(p)) => p,
                Known::Known(None) => continue,
                Known::Unknown(r) => {
                    v.unknown
                        .push(format!("{} ingress rule {index}: {r}", g.id));
                    continue;
                }
            };
            if !rp.intersects(ports) {
                continue;
            }
            let mut hit = SgHit {
                group: g.id.clone(),
                index,
                text: sg_rule_text(rule),
                sources: AddrSet::empty(family),
            };
            if !rule.group_ids.is_empty() {
                v.group_refs.push((hit.clone(), rule.group_ids.clone()));
            }
            match rule_sources(ix, rule, family) {
                Known::Known(s) if !s.is_empty() => {
                    v.allowed = v.allowed.union(&s);
                    hit.sources = s;
                    v.hits.push(hit);
                }
                Known::Known(_) => {}
                Known::Unknown(r) => v
                    .unknown
                    .push(format!("{} ingress rule {index}: {r}", g.id)),
            }
        }
    }
    v
}

/// The port cut points of a set of groups' rules and a NACL's inbound
/// entries for `proto`, so each piece between cuts is judged alike.
pub fn port_pieces(
    groups: &[&SecurityGroup],
    acl: Option<&NetworkAcl>,
    proto: Proto,
    max: u16,
) -> Vec<(u16, u16)> {
    let mut cuts: Vec<u16> = vec![0];
    let mut add = |p: &PortSet| {
        for &(a, b) in p.ranges() {
            cuts.push(a);
            if let Some(n) = b.checked_add(1) {
                cuts.push(n);
            }
        }
    };
    for g in groups {
        for r in &g.ingress {
            if let Known::Known(Some(p)) = sg_rule_ports(r, proto) {
                add(&p);
            }
        }
    }
    if let Some(acl) = acl {
        if proto.has_ports() {
            for e in acl.entries.iter().filter(|e| !e.egress) {
                if let Known::Known(Some(r)) = &e.port_range {
                    add(&PortSet::range(r.from, r.to));
                }
            }
        }
    }
    cuts.retain(|&c| c <= max);
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    for (i, &c) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map(|n| n - 1).unwrap_or(max);
        out.push((c, end));
    }
    out
}

/// The protocols worth enumerating for a set of groups: every protocol a
/// rule names, and TCP, UDP and ICMP for `-1` rules.
pub fn protocols(groups: &[&SecurityGroup], family: Family) -> Vec<Proto> {
    let mut out = Vec::new();
    for g in groups {
        for r in &g.ingress {
            match r.protocol.get().and_then(|p| ProtoMatch::parse(p)) {
                Some(ProtoMatch::One(p)) => out.push(p),
                Some(ProtoMatch::All) => {
                    out.push(Proto::TCP);
                    out.push(Proto::UDP);
                    out.push(match family {
                        Family::V4 => Proto::ICMP,
                        Family::V6 => Proto::ICMPV6,
                    });
                }
                None => {}
            }
        }
    }
    // ICMP is IPv4's, ICMPv6 IPv6's.
    out.retain(|p| match family {
        Family::V4 => *p != Proto::ICMPV6,
        Family::V6 => *p != Proto::ICMP,
    });
    out.sort();
    out.dedup();
    out
}
