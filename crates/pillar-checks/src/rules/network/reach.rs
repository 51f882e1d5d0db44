//! The reachability rules' glue: the analysis and the verdicts are
//! `pillar-net`'s ([`pillar_net::analyze`], [`pillar_net::verdict`]); this
//! module computes the analysis once per run and records the verdicts.

use crate::out::Out;
use pillar_model::Inventory;
use pillar_net::{Analysis, Exposure};
use serde_json::Value;
use std::sync::Arc;

pub(crate) use pillar_net::verdict::{covered, evidence, how, ADMIN_PORTS, DATABASE_PORTS};

/// The reachability analysis of `inv`, computed once for all the rules of
/// a run (shared through `out`).
pub(crate) fn analysis(inv: &Inventory, out: &Out) -> Arc<Analysis> {
    out.shared("pillar-net/analysis", || pillar_net::analyze(inv))
}

/// Record, per resource judged, the exposures `pick` selects as failures
/// (each with a message and a fingerprint detail), else pass or unknown.
pub(crate) fn report(
    a: &Analysis,
    out: &mut Out,
    pass_message: &str,
    pick: impl Fn(&Exposure) -> Vec<(String, Value, String)>,
) {
    for v in pillar_net::verdict::verdicts(a, pass_message, pick) {
        out.report(
            v.status, v.resource, v.location, v.message, v.evidence, &v.detail,
        );
    }
}
