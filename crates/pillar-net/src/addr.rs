//! Address families, CIDR parsing and per-family address sets.

use crate::ipset::{to_prefixes, V4Set, V6Set};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

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

    /// Whether every internet address of the family is a member
    /// ([`internet`]): a network ACL or security group that lets such a
    /// set through filters nothing the internet can send.
    pub fn covers_internet(&self) -> bool {
        internet(self.family()).difference(self).is_empty()
    }

    /// A short human summary, relative to the internet ([`internet`]):
    ///
    /// * `none` for the empty set;
    /// * `the whole internet` when the set is every internet address of
    ///   its family (`0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`, less
    ///   the private and special-purpose blocks the internet never sends
    ///   from);
    /// * the CIDR blocks, when at most four;
    /// * `the internet except B, …` when the set lies within the internet
    ///   and what it lacks takes fewer blocks than what it holds (a NACL
    ///   deny for one /24, a more specific route elsewhere);
    /// * for sets that reach beyond the internet (a rule's own ranges),
    ///   `0.0.0.0/0 except B, …` on the same condition;
    /// * else the first three blocks and a count.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "none".to_owned();
        }
        let net = internet(self.family());
        if self == net {
            return "the whole internet".to_owned();
        }
        let cidrs = self.cidrs();
        if cidrs.len() <= 4 {
            return cidrs.join(", ");
        }
        // A set that is most of the space reads better as what it lacks.
        let (base, name) = if self.difference(net).is_empty() {
            (net.clone(), "the internet")
        } else {
            let world = match self.family() {
                Family::V4 => "0.0.0.0/0",
                Family::V6 => "::/0",
            };
            (AddrSet::full(self.family()), world)
        };
        let missing = base.difference(self).cidrs();
        if missing.len() < cidrs.len() {
            return format!("{name} except {}", list(&missing));
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

/// IPv4 blocks whose "Globally Reachable" is `False` in the IANA IPv4
/// Special-Purpose Address Registry
/// (<https://www.iana.org/assignments/iana-ipv4-special-registry/>, RFC
/// 6890 and its updates), plus multicast, 224.0.0.0/4 (IANA IPv4 Address
/// Space Registry, RFC 5771), which no unicast client sends from. The
/// limited broadcast 255.255.255.255/32 lies in 240.0.0.0/4.
const V4_NOT_GLOBAL: [&str; 14] = [
    "0.0.0.0/8",       // "this network" (RFC 791, RFC 1122)
    "10.0.0.0/8",      // private use (RFC 1918)
    "100.64.0.0/10",   // shared address space, carrier-grade NAT (RFC 6598)
    "127.0.0.0/8",     // loopback (RFC 1122)
    "169.254.0.0/16",  // link local (RFC 3927)
    "172.16.0.0/12",   // private use (RFC 1918)
    "192.0.0.0/24",    // IETF protocol assignments (RFC 6890), less .9 and .10 below
    "192.0.2.0/24",    // documentation, TEST-NET-1 (RFC 5737)
    "192.168.0.0/16",  // private use (RFC 1918)
    "198.18.0.0/15",   // benchmarking (RFC 2544)
    "198.51.100.0/24", // documentation, TEST-NET-2 (RFC 5737)
    "203.0.113.0/24",  // documentation, TEST-NET-3 (RFC 5737)
    "224.0.0.0/4",     // multicast (RFC 5771)
    "240.0.0.0/4",     // reserved (RFC 1112), with limited broadcast (RFC 919)
];

/// Blocks inside [`V4_NOT_GLOBAL`] the IPv4 registry marks globally
/// reachable.
const V4_GLOBAL_WITHIN: [&str; 2] = [
    "192.0.0.9/32",  // Port Control Protocol anycast (RFC 7723)
    "192.0.0.10/32", // TURN anycast (RFC 8155)
];

/// IPv6: IANA assigns unicast addresses from 2000::/3 only ("Global
/// Unicast" in the IANA IPv6 Address Space Registry, RFC 4291; the rest of
/// the space is reserved by the IETF, unique local fc00::/7, link local
/// fe80::/10 or multicast ff00::/8), so no internet host has an address
/// outside it, save the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052),
/// which the IANA IPv6 Special-Purpose Address Registry
/// (<https://www.iana.org/assignments/iana-ipv6-special-registry/>) marks
/// globally reachable. Everything else that registry lists outside
/// 2000::/3 is not globally reachable (::/128, ::1/128, ::ffff:0:0/96,
/// 64:ff9b:1::/48, 100::/64, 100:0:0:1::/64, 5f00::/16, fc00::/7,
/// fe80::/10).
const V6_GLOBAL: [&str; 2] = ["2000::/3", "64:ff9b::/96"];

/// Blocks inside 2000::/3 that the IPv6 registry marks not globally
/// reachable.
const V6_NOT_GLOBAL: [&str; 3] = [
    "2001::/23",     // IETF protocol assignments (RFC 2928), less the blocks below
    "2001:db8::/32", // documentation (RFC 3849)
    "3fff::/20",     // documentation (RFC 9637)
];

/// Blocks inside 2001::/23 the IPv6 registry marks globally reachable.
const V6_GLOBAL_WITHIN: [&str; 7] = [
    "2001:1::1/128",   // Port Control Protocol anycast (RFC 7723)
    "2001:1::2/128",   // TURN anycast (RFC 8155)
    "2001:1::3/128",   // DNS-SD service registration anycast (RFC 9665)
    "2001:3::/32",     // AMT (RFC 7450)
    "2001:4:112::/48", // AS112-v6 (RFC 7535)
    "2001:20::/28",    // ORCHIDv2 (RFC 7343)
    "2001:30::/28",    // drone remote ID, DET (RFC 9374)
];

fn union_of(cidrs: &[&str], family: Family) -> AddrSet {
    cidrs
        .iter()
        .filter_map(|c| Cidr::parse(c))
        .fold(AddrSet::empty(family), |a, c| a.union(&c.to_set()))
}

fn build_internet(family: Family) -> AddrSet {
    match family {
        Family::V4 => AddrSet::full(Family::V4)
            .difference(&union_of(&V4_NOT_GLOBAL, Family::V4))
            .union(&union_of(&V4_GLOBAL_WITHIN, Family::V4)),
        Family::V6 => union_of(&V6_GLOBAL, Family::V6)
            .difference(&union_of(&V6_NOT_GLOBAL, Family::V6))
            .union(&union_of(&V6_GLOBAL_WITHIN, Family::V6)),
    }
}

/// The internet of a family: the addresses a client on the internet can
/// send from, so the only sources an internet gateway can deliver. Private
/// ranges (10.0.0.0/8, fc00::/7…), shared, loopback, link-local,
/// documentation, benchmarking, multicast and reserved blocks are left
/// out (see the registries cited on the tables above): a security group
/// rule for 10.0.0.0/8 admits no internet client, and 0.0.0.0/0 admits
/// the whole internet.
pub fn internet(family: Family) -> &'static AddrSet {
    static V4: OnceLock<AddrSet> = OnceLock::new();
    static V6: OnceLock<AddrSet> = OnceLock::new();
    match family {
        Family::V4 => V4.get_or_init(|| build_internet(Family::V4)),
        Family::V6 => V6.get_or_init(|| build_internet(Family::V6)),
    }
}

/// Whether an IPv6 address is globally reachable: inside [`internet`]
/// (not link-local, unique-local, loopback, unspecified, documentation…).
pub fn is_global_v6(addr: &str) -> bool {
    let Ok(a) = addr.trim().parse::<Ipv6Addr>() else {
        return false;
    };
    match internet(Family::V6) {
        AddrSet::V6(s) => s.contains(u128::from(a)),
        AddrSet::V4(_) => false,
    }
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
        assert!(!is_global_v6("2001:db8::1"));
        assert!(!is_global_v6("ff02::1"));
        assert!(is_global_v6("2001:4:112::1"));
    }

    fn set(cidrs: &[&str]) -> AddrSet {
        let f = Cidr::parse(cidrs[0]).unwrap().family();
        cidrs.iter().fold(AddrSet::empty(f), |a, c| {
            a.union(&Cidr::parse(c).unwrap().to_set())
        })
    }

    #[test]
    fn the_internet_leaves_out_private_and_special_blocks() {
        let net4 = internet(Family::V4);
        for private in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
        ] {
            assert!(!net4.intersects(&set(&[private])), "{private}");
        }
        for special in [
            "127.0.0.1",
            "169.254.169.254",
            "0.1.2.3",
            "192.0.2.7",
            "224.0.0.1",
            "255.255.255.255",
            "198.19.0.1",
            "192.0.0.8",
        ] {
            assert!(!net4.intersects(&set(&[special])), "{special}");
        }
        for public in [
            "8.8.8.8",
            "54.0.0.10",
            "192.0.0.9",
            "192.0.0.10",
            "223.255.255.255",
            "11.0.0.0",
        ] {
            assert!(net4.intersects(&set(&[public])), "{public}");
        }
        // 0.0.0.0/0 and its two halves are the whole internet.
        let world = set(&["0.0.0.0/0"]);
        assert!(world.covers_internet());
        assert!(set(&["0.0.0.0/1", "128.0.0.0/1"]).covers_internet());
        assert!(!set(&["0.0.0.0/1"]).covers_internet());
        assert_eq!(world.intersection(net4).summary(), "the whole internet");
        // A private range alone is nothing the internet sends from.
        assert!(set(&["10.0.0.0/8"]).intersection(net4).is_empty());
        // Partial sets read as what the internet lacks, or as blocks.
        let carved = net4.difference(&set(&["8.8.8.0/24"]));
        assert_eq!(carved.summary(), "the internet except 8.8.8.0/24");
        assert_eq!(
            set(&["8.8.8.0/24", "1.1.1.1"]).summary(),
            "1.1.1.1/32, 8.8.8.0/24"
        );
        let net6 = internet(Family::V6);
        assert_eq!(
            set(&["::/0"]).intersection(net6).summary(),
            "the whole internet"
        );
        assert!(set(&["2000::/3", "64:ff9b::/96"]).covers_internet());
        for not6 in [
            "fc00::/7",
            "fe80::/10",
            "ff00::/8",
            "::1/128",
            "::/128",
            "2001:db8::/32",
            "3fff::/20",
            "4000::/3",
        ] {
            assert!(!net6.intersects(&set(&[not6])), "{not6}");
        }
        assert_eq!(
            set(&["::/0"])
                .intersection(net6)
                .difference(&set(&["2600:1f18::/32"]))
                .summary(),
            "the internet except 2600:1f18::/32"
        );
    }
}
