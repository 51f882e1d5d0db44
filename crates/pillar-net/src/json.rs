//! JSON views of the results, for `pillar net … --format json` and rule
//! evidence.

use crate::analysis::{Analysis, Exposure, PathResult};
use serde_json::{json, Value};

/// An exposure as JSON.
pub fn exposure(e: &Exposure) -> Value {
    json!({
        "resource": e.resource.id,
        "kind": e.kind,
        "id": e.id,
        "eni": e.eni,
        "via": e.via,
        "state": e.state,
        "addresses": e.addresses,
        "family": e.family,
        "protocol": e.protocol,
        "ports": e.ports.ranges().iter().map(|&(a, b)| json!([a, b])).collect::<Vec<_>>(),
        "service": e.service(),
        "sources": e.sources.cidrs(),
        "sources_summary": e.sources.summary(),
        "whole_internet": e.sources.covers_internet(),
        "single_layer": e.single_layer,
        "path": e.path,
    })
}

/// The whole analysis as JSON.
pub fn analysis(a: &Analysis) -> Value {
    json!({
        "endpoints": a.endpoints,
        "exposures": a.exposures.iter().map(exposure).collect::<Vec<_>>(),
        "latent": a.latent.iter().map(exposure).collect::<Vec<_>>(),
        "incomplete": a.incomplete.iter().map(|i| json!({
            "resource": i.resource.id,
            "id": i.id,
            "reasons": i.reasons,
        })).collect::<Vec<_>>(),
    })
}

/// A path answer as JSON.
pub fn path(p: &PathResult) -> Value {
    json!({
        "resource": p.resource.id,
        "id": p.id,
        "eni": p.eni,
        "via": p.via,
        "family": p.family,
        "addresses": p.addresses,
        "reachable": !p.sources.is_empty(),
        "sources": p.sources.cidrs(),
        "sources_summary": p.sources.summary(),
        "whole_internet": p.sources.covers_internet(),
        "path": p.hops,
        "blocked": p.blocked,
        "unknown": p.unknown,
    })
}
