//! Small network helpers shared by the infrastructure rules.

use pillar_model::resources::SgRule;
use pillar_model::Known;

/// Whether a CIDR is the whole IPv4 or IPv6 internet.
pub fn is_world(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0")
}

/// Whether a security group rule's port range covers `port` for TCP.
/// `-1` (all protocols) covers every port.
pub fn sg_rule_covers_tcp_port(rule: &SgRule, port: u16) -> Known<bool> {
    let Known::Known(proto) = &rule.protocol else {
        return Known::unknown("protocol unresolved");
    };
    let proto = proto.to_ascii_lowercase();
    if proto == "-1" || proto == "all" {
        return Known::Known(true);
    }
    if proto != "tcp" && proto != "6" {
        return Known::Known(false);
    }
    match (&rule.from_port, &rule.to_port) {
        (Known::Known(from), Known::Known(to)) => {
            let from = from.unwrap_or(0);
            let to = to.unwrap_or(65535);
            let p = i32::from(port);
            Known::Known(from <= p && p <= to)
        }
        _ => Known::unknown("port range unresolved"),
    }
}
