//! IP protocols as security groups and network ACLs write them.

use serde::{Serialize, Serializer};
use std::fmt;

/// An IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Proto(pub u8);

impl Proto {
    /// TCP.
    pub const TCP: Proto = Proto(6);
    /// UDP.
    pub const UDP: Proto = Proto(17);
    /// ICMP.
    pub const ICMP: Proto = Proto(1);
    /// ICMPv6.
    pub const ICMPV6: Proto = Proto(58);

    /// Parse `tcp`, `udp`, `icmp`, `icmpv6` or a number (not `-1`).
    pub fn parse(text: &str) -> Option<Proto> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "tcp" => Some(Proto::TCP),
            "udp" => Some(Proto::UDP),
            "icmp" => Some(Proto::ICMP),
            "icmpv6" | "icmp6" => Some(Proto::ICMPV6),
            n => n.parse::<u8>().ok().map(Proto),
        }
    }

    /// Whether the protocol has ports (TCP, UDP).
    pub fn has_ports(self) -> bool {
        self == Proto::TCP || self == Proto::UDP
    }

    /// Whether the protocol is ICMP or ICMPv6 (the "port" is the type).
    pub fn is_icmp(self) -> bool {
        self == Proto::ICMP || self == Proto::ICMPV6
    }

    /// The highest "port" of the protocol: 65535 for TCP/UDP, 255 (the
    /// ICMP type) for ICMP, 0 for protocols without ports.
    pub fn max_port(self) -> u16 {
        if self.has_ports() {
            u16::MAX
        } else if self.is_icmp() {
            255
        } else {
            0
        }
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Proto::TCP => f.write_str("tcp"),
            Proto::UDP => f.write_str("udp"),
            Proto::ICMP => f.write_str("icmp"),
            Proto::ICMPV6 => f.write_str("icmpv6"),
            Proto(n) => write!(f, "proto-{n}"),
        }
    }
}

impl Serialize for Proto {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// What a rule's protocol field matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtoMatch {
    /// `-1` / `all`: every protocol and port.
    All,
    /// One protocol.
    One(Proto),
}

impl ProtoMatch {
    /// Parse a rule's protocol as written.
    pub fn parse(text: &str) -> Option<ProtoMatch> {
        let t = text.trim();
        if t == "-1" || t.eq_ignore_ascii_case("all") {
            Some(ProtoMatch::All)
        } else {
            Proto::parse(t).map(ProtoMatch::One)
        }
    }

    /// Whether it matches `p`.
    pub fn matches(self, p: Proto) -> bool {
        match self {
            ProtoMatch::All => true,
            ProtoMatch::One(q) => q == p,
        }
    }
}
