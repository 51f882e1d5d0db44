//! VPC Block Public Access (BPA) for inbound internet traffic.
//!
//! Semantics (Amazon VPC User Guide, "Block public access to VPCs and
//! subnets", and the EC2 API reference of `VpcBlockPublicAccessOptions`):
//!
//! * The mode is per account and region: `off` blocks nothing;
//!   `block-bidirectional` blocks all traffic to and from internet gateways
//!   and egress-only internet gateways; `block-ingress` blocks all inbound
//!   internet traffic (outbound through NAT and egress-only gateways stays
//!   allowed). Both blocking modes block inbound connections through an
//!   internet gateway, including to internet-facing load balancers.
//! * An exclusion exempts one VPC or subnet: `allow-bidirectional` lets
//!   internet traffic in and out; `allow-egress` lets only outbound traffic
//!   out, inbound stays blocked. A VPC's exclusion covers its subnets.
//! * Only exclusions in state `create-complete` or `update-complete` are in
//!   force; `…-in-progress` ones may or may not be, so the answer is marked
//!   incomplete and the exclusion is taken as lifting the block (pillar
//!   prefers reporting an exposure to missing one). Failed, deleted and
//!   disabled exclusions are not in force.
//! * `ExclusionsAllowed: not-allowed` (an organization-level declarative
//!   policy) makes every exclusion inert.
//! * Options in state `update-in-progress` may not be in force yet: a
//!   blocking mode then does not block, and the answer is marked incomplete.
//!   `default-state` is BPA never configured (off).
//! * No options for a region (the file absent, or no IaC resource) means
//!   off: BPA is opt-in and off by default in every account and region.
//! * Gateway Load Balancer endpoints and AWS Network Firewall endpoints
//!   block all traffic under a blocking mode "even if the subnet containing
//!   [the] endpoints is excluded" (VPC User Guide, "VPC BPA basics", AWS
//!   service impact): inbound traffic that ingress routing sends through
//!   such an endpoint (a gateway route table route to a `vpce-…` target)
//!   is blocked whatever the exclusions ([`BpaVerdict::mode_blocks`]).
//!
//! Outbound blocking does not change what the internet reaches: a reply to
//! an inbound connection leaves only from a subnet whose inbound traffic
//! an `allow-bidirectional` exclusion lets in, and that exclusion lets its
//! outbound traffic out too, in both modes; `allow-egress` exclusions (and
//! `block-ingress`, which lets NAT and egress-only gateway traffic out)
//! shape outbound connections only, which `pillar net` does not report.

use crate::index::Index;

/// The BPA verdict for inbound internet traffic to one subnet.
#[derive(Debug, Clone, Default)]
pub struct BpaVerdict {
    /// The region whose options apply (the hop's id), when any applies.
    pub region: Option<String>,
    /// Whether inbound traffic from the internet is blocked.
    pub blocks: bool,
    /// Whether a blocking mode is in force in the region, whatever the
    /// exclusions (traffic through Gateway Load Balancer and Network
    /// Firewall endpoints is blocked then).
    pub mode_blocks: bool,
    /// Notes for the hop: the mode, the exclusion that lifts or not.
    pub notes: Vec<String>,
    /// The reason for the block, in words.
    pub reason: String,
    /// Reasons the verdict may be wrong.
    pub unknown: Vec<String>,
}

fn in_force(state: &str) -> Option<bool> {
    match state {
        "" | "create-complete" | "update-complete" => Some(true),
        s if s.ends_with("-in-progress") => None,
        _ => Some(false),
    }
}

/// Judge BPA for inbound internet traffic into `subnet` of `vpc`.
pub fn inbound(ix: &Index<'_>, subnet: &str, vpc: &str) -> BpaVerdict {
    let mut v = BpaVerdict::default();
    let region = ix
        .subnets
        .get(subnet)
        .and_then(|s| s.resource.region.clone())
        .unwrap_or_default();
    let Some(opts) = ix.bpa_options(&region) else {
        return v;
    };
    let label = if opts.region.is_empty() {
        "(provider region)".to_owned()
    } else {
        opts.region.clone()
    };
    v.region = Some(label.clone());
    let mode = opts.mode.as_str();
    if !matches!(mode, "block-bidirectional" | "block-ingress") {
        if mode != "off" && !mode.is_empty() {
            v.unknown.push(format!(
                "VPC Block Public Access mode {mode:?} in {label} is not understood"
            ));
        }
        v.notes.push(format!(
            "mode {}",
            if mode.is_empty() { "off" } else { mode }
        ));
        return v;
    }
    v.notes.push(format!("mode {mode}"));
    if opts.state == "update-in-progress" {
        v.unknown.push(format!(
            "VPC Block Public Access in {label} is being updated to {mode}: it may not be in force yet"
        ));
        v.notes.push("update in progress: not counted".into());
        return v;
    }
    v.mode_blocks = true;
    let exclusions_inert = opts.exclusions_allowed == "not-allowed";
    let mut lifted = false;
    let mut egress_only: Vec<String> = Vec::new();
    for target in [subnet, vpc] {
        for e in ix.bpa_exclusions(target) {
            if !e.region.is_empty() && !region.is_empty() && e.region != region {
                continue;
            }
            let what = format!("exclusion {} ({}) on {target}", e.id, e.mode);
            if exclusions_inert {
                v.notes
                    .push(format!("{what} inert: exclusions not allowed"));
                continue;
            }
            let force = in_force(&e.state);
            if force == Some(false) {
                continue;
            }
            if e.mode == "allow-bidirectional" {
                if force.is_none() {
                    v.unknown.push(format!(
                        "VPC Block Public Access exclusion {} is {}: taken as in force",
                        e.id, e.state
                    ));
                }
                v.notes.push(format!("{what} lets inbound traffic in"));
                lifted = true;
            } else {
                egress_only.push(what);
            }
        }
    }
    if lifted {
        return v;
    }
    v.blocks = true;
    let mut reason = format!(
        "VPC Block Public Access in {label} ({mode}) blocks inbound internet traffic to subnet {subnet}"
    );
    if !egress_only.is_empty() {
        reason.push_str(&format!(
            "; {} lifts only outbound traffic",
            egress_only.join(", ")
        ));
    } else if exclusions_inert {
        reason.push_str("; exclusions are not allowed (organization policy)");
    } else {
        reason.push_str(&format!(
            "; no allow-bidirectional exclusion for the subnet or {vpc}"
        ));
    }
    v.notes.extend(egress_only);
    v.reason = reason;
    v
}
