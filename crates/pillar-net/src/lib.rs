//! Network reachability over the pillar model: which resource the internet
//! really reaches, on which protocol and ports, from which sources, hop by
//! hop (internet gateway → route table → network ACL both ways → security
//! groups → ENI), and for a blocked path the hop that blocks it and why.
//!
//! The internet is the publicly routable address space
//! ([`addr::internet`]): every address less the private, shared,
//! loopback, link-local, documentation, benchmarking, multicast and
//! reserved blocks of the IANA special-purpose registries. A rule for
//! 10.0.0.0/8 therefore admits no internet client, and summaries say
//! `the whole internet` for 0.0.0.0/0 (or ::/0, or two /1 halves) and
//! `the internet except …` for what a deny or a route carves out.
//!
//! Address and port sets are exact interval sets ([`ipset`]), so partial
//! reachability (a NACL deny carving one /24 out of the internet, a more
//! specific route sending part of the internet elsewhere) is reported as
//! it is. Engines never print: the CLI renders [`Analysis`] and
//! [`PathResult`].
//!
//! Semantics follow the Amazon VPC User Guide: route tables (explicit
//! association else the main table, longest prefix match), internet
//! gateways (the only inbound door; the reply must leave through the same
//! gateway), network ACLs (stateless, ascending rule number, first match,
//! implicit deny, the reply to the client's ephemeral port checked
//! outbound), security groups (stateful, allow-only, the union of an ENI's
//! groups; group references match private addresses of members only),
//! and VPC Block Public Access ([`bpa`]).

pub mod addr;
pub mod analysis;
pub mod bpa;
pub mod graph;
pub mod index;
pub mod ipset;
pub mod json;
pub mod layers;
pub mod proto;
pub mod verdict;

pub use addr::{internet, AddrSet, Cidr, Family};
pub use analysis::{analyze, path, Analysis, Block, Exposure, Hop, PathResult};
pub use ipset::{IntervalSet, PortSet};
pub use proto::Proto;
