//! Address families, CIDR parsing and per-family address sets.

use crate::ipset::{to_prefixes, V4Set, V6Set};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Family {
    /// IPv4.
    #[serde(rename = "ipv4")]
    V4,
    /// IPv6.
    #[serde(rename = "ipv6")]
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

    /// Both families, IPv4 first.
    pub const BOTH: [Family; 2] = [Family::V4, Family::V6];
}

/// A parsed CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cidr {
    /// IPv4 block: first address and prefix length.
    V4(u32, u32),
    /// IPv6 block: first address and prefix length.
    V6(u128, u32),
}

impl Cidr {
    /// Parse `a.b.c.d/n` or `x:y::/n`; a bare address is a host route.
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.trim().parse::<u32>().ok()?)),
            None => (text, None),
        };
        if let Ok(v4) = addr.parse::<Ipv4Addr>() {
            let p = prefix.unwrap_or(32);
            if p > 32 {
                return None;
            }
            let mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
            Some(Cidr::V4(u32::from(v4) & mask, p))
        } else {
            let v6 = addr.parse::<Ipv6Addr>().ok()?;
            let p = prefix.unwrap_or(128);
            if p > 128 {
                return None;
            }
            let mask = if p == 0 { 0 } else { u128::MAX << (128 - p) };
            Some(Cidr::V6(u128::from(v6) & mask, p))
        }
    }

    /// The family.
    pub fn family(&self) -> Family {
        match self {
            Cidr::V4(..) => Family::V4,
            Cidr::V6(..) => Family::V6,
        }
    }

    /// The prefix length.
    pub fn prefix_len(&self) -> u32 {
        match self {
            Cidr::V4(_, p) | Cidr::V6(_, p) => *p,
        }
    }

    /// The block as an address set of its family.
    pub fn to_set(&self) -> AddrSet {
        match *self {
            Cidr::V4(a, p) => {
                let host = if p == 0 {
                    u32::MAX
                } else {
                    !(u32::MAX << (32 - p))
                };
                AddrSet::V4(V4Set::range(a, a | host))
            }
            Cidr::V6(a, p) => {
                let host = if p == 0 {
                    u128::MAX
                } else {
                    !(u128::MAX << (128 - p))
                };
                AddrSet::V6(V6Set::range(a, a | host))
            }
        }
    }
}

/// An address set of one family.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddrSet {
    /// IPv4 addresses.
    V4(V4Set),
    /// IPv6 addresses.
    V6(V6Set),
}

impl AddrSet {
    /// The empty set of a family.
    pub fn empty(f: Family) -> AddrSet {
        match f {
            Family::V4 => AddrSet::V4(V4Set::empty()),
            Family::V6 => AddrSet::V6(V6Set::empty()),
        }
    }

    /// Every address of a family.
    pub fn full(f: Family) -> AddrSet {
        match f {
            Family::V4 => AddrSet::V4(V4Set::full()),
            Family::V6 => AddrSet::V6(V6Set::full()),
        }
    }

    /// The set's family.
    pub fn family(&self) -> Family {
        match self {
            AddrSet::V4(_) => Family::V4,
            AddrSet::V6(_) => Family::V6,
        }
    }

    /// Whether it has no member.
    pub fn is_empty(&self) -> bool {
        match self {
            AddrSet::V4(s) => s.is_empty(),
            AddrSet::V6(s) => s.is_empty(),
        }
    }

    /// Whether it is the family's whole address space.
    pub fn is_full(&self) -> bool {
        match self {
            AddrSet::V4(s) => s.is_full(),
            AddrSet::V6(s) => s.is_full(),
        }
    }

    /// Members of both (empty when the families differ).
    pub fn intersection(&self, o: &AddrSet) -> AddrSet {
        match (self, o) {
            (AddrSet::V4(a), AddrSet::V4(b)) => AddrSet::V4(a.intersection(b)),
            (AddrSet::V6(a), AddrSet::V6(b)) => AddrSet::V6(a.intersection(b)),
            _ => AddrSet::empty(self.family()),
        }
    }

    /// Members of either (`self` when the families differ).
    pub fn union(&self, o: &AddrSet) -> AddrSet {
        match (self, o) {
            (AddrSet::V4(a), AddrSet::V4(b)) => AddrSet::V4(a.union(b)),
            (AddrSet::V6(a), AddrSet::V6(b)) => AddrSet::V6(a.union(b)),
            _ => self.clone(),
        }
    }

    /// Members of `self` not in `o`.
    pub fn difference(&self, o: &AddrSet) -> AddrSet {
        match (self, o) {
            (AddrSet::V4(a), AddrSet::V4(b)) => AddrSet::V4(a.difference(b)),
            (AddrSet::V6(a), AddrSet::V6(b)) => AddrSet::V6(a.difference(b)),
            _ => self.clone(),
        }
    }

    /// Whether the sets share a member.
    pub fn intersects(&self, o: &AddrSet) -> bool {
        !self.intersection(o).is_empty()
    }

    /// The set as the fewest CIDR blocks, ascending.
    pub fn cidrs(&self) -> Vec<String> {
        match self {
            AddrSet::V4(s) => s
                .ranges()
                .iter()
                .flat_map(|&(a, b)| to_prefixes(u128::from(a), u128::from(b), 32))
                .map(|(start, p)| {
                    let a = u32::try_from(start).unwrap_or(u32::MAX);
                    format!("{}/{p}", Ipv4Addr::from(a))
                })
                .collect(),
            AddrSet::V6(s) => s
                .ranges()
                .iter()
                .flat_map(|&(a, b)| to_prefixes(a, b, 128))
                .map(|(start, p)| format!("{}/{p}", Ipv6Addr::from(start)))
                .collect(),
        }
    }

    /// A short human summary: `0.0.0.0/0`, or the CIDRs when few, or the
    /// first ones and a count.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "none".to_owned();
        }
        let cidrs = self.cidrs();
        if cidrs.len() <= 4 {
            return cidrs.join(", ");
        }
        // A set that is most of the space reads better as what it lacks.
        let missing = AddrSet::full(self.family()).difference(self).cidrs();
        let world = match self.family() {
            Family::V4 => "0.0.0.0/0",
            Family::V6 => "::/0",
        };
        if missing.len() < cidrs.len() {
            return format!("{world} except {}", list(&missing));
        }
        list(&cidrs)
    }
}

fn list(cidrs: &[String]) -> String {
    if cidrs.len() <= 4 {
        return cidrs.join(", ");
    }
    let head: Vec<&str> = cidrs.iter().take(3).map(String::as_str).collect();
    format!("{} and {} more blocks", head.join(", "), cidrs.len() - 3)
}

/// Whether an IPv6 address is globally routable (not link-local,
/// unique-local, loopback or unspecified).
pub fn is_global_v6(addr: &str) -> bool {
    let Ok(a) = addr.trim().parse::<Ipv6Addr>() else {
        return false;
    };
    let seg0 = a.segments().first().copied().unwrap_or(0);
    !(a.is_unspecified() || a.is_loopback() || seg0 & 0xfe00 == 0xfc00 || seg0 & 0xffc0 == 0xfe80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_summarise() {
        let c = Cidr::parse("10.1.2.3/8").unwrap();
        assert_eq!(c, Cidr::V4(0x0a00_0000, 8));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("nope").is_none());
        let world = Cidr::parse("0.0.0.0/0").unwrap().to_set();
        assert!(world.is_full());
        let halves = Cidr::parse("0.0.0.0/1")
            .unwrap()
            .to_set()
            .union(&Cidr::parse("128.0.0.0/1").unwrap().to_set());
        assert!(halves.is_full());
        let carved = world.difference(&Cidr::parse("198.51.100.0/24").unwrap().to_set());
        assert_eq!(carved.cidrs().len(), 24);
        assert_eq!(carved.summary(), "0.0.0.0/0 except 198.51.100.0/24");
        assert_eq!(Cidr::parse("::/0").unwrap().to_set().cidrs(), vec!["::/0"]);
        assert!(is_global_v6("2600:1f18::1"));
        assert!(!is_global_v6("fe80::1"));
        assert!(!is_global_v6("fd00::1"));
    }
}
