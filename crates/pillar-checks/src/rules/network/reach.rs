//! Shared reporting for the reachability rules (built on `pillar-net`):
//! one finding per resource and service the internet reaches, a pass for
//! every other resource judged, unknown where the analysis was incomplete.

use crate::out::Out;
use pillar_model::{Inventory, Status};
use pillar_net::{Analysis, Exposure, Proto};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The reachability analysis of `inv`, computed once for all the rules of
/// a run (shared through `out`).
pub(crate) fn analysis(inv: &Inventory, out: &Out) -> Arc<Analysis> {
    out.shared("pillar-net/analysis", || pillar_net::analyze(inv))
}

/// Remote administration ports.
pub(crate) const ADMIN_PORTS: [(u16, &str); 2] = [(22, "SSH"), (3389, "RDP")];

/// Database and cache ports.
pub(crate) const DATABASE_PORTS: [(u16, &str); 12] = [
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2049, "NFS"),
    (3306, "MySQL/MariaDB"),
    (5432, "PostgreSQL"),
    (5439, "Redshift"),
    (6379, "Redis"),
    (9042, "Cassandra"),
    (9200, "Elasticsearch/OpenSearch"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
    (50000, "DB2"),
];

/// An exposure as evidence: the service, sources in short, addresses and
/// the path hop by hop.
pub(crate) fn evidence(e: &Exposure, port: Option<u16>) -> Value {
    json!({
        "kind": e.kind,
        "id": e.id,
        "eni": e.eni,
        "via": e.via,
        "family": e.family,
        "protocol": e.protocol,
        "port": port,
        "ports": e.service(),
        "sources": e.sources.summary(),
        "addresses": e.addresses,
        "single_layer": e.single_layer,
        "path": e.path,
    })
}

/// The sentence naming where the traffic comes from and how it gets in.
pub(crate) fn how(e: &Exposure) -> String {
    let via = e
        .via
        .as_deref()
        .map(|lb| format!(" through load balancer {lb}"))
        .unwrap_or_default();
    format!(
        "from {} ({}){via}: internet -> {}",
        e.sources.summary(),
        e.family.as_str(),
        e.path_text()
    )
}

/// Report, per resource judged, the exposures `pick` selects as failures
/// (each with a message and a fingerprint detail), else pass or unknown.
pub(crate) fn report(
    a: &Analysis,
    out: &mut Out,
    pass_message: &str,
    pick: impl Fn(&Exposure) -> Vec<(String, Value, String)>,
) {
    let mut failed: BTreeSet<&str> = BTreeSet::new();
    let mut seen_details: BTreeSet<(String, String)> = BTreeSet::new();
    for e in &a.exposures {
        for (message, evidence, detail) in pick(e) {
            if !seen_details.insert((e.resource.id.clone(), detail.clone())) {
                continue;
            }
            failed.insert(e.resource.id.as_str());
            out.report(
                Status::Fail,
                e.resource.clone(),
                e.location.clone(),
                message,
                evidence,
                &detail,
            );
        }
    }
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for j in &a.judged {
        if failed.contains(j.resource.id.as_str()) || !done.insert(j.resource.id.as_str()) {
            continue;
        }
        let reasons: Vec<&str> = a
            .incomplete
            .iter()
            .filter(|i| i.resource.id == j.resource.id)
            .flat_map(|i| i.reasons.iter().map(String::as_str))
            .collect();
        if reasons.is_empty() {
            out.report(
                Status::Pass,
                j.resource.clone(),
                j.location.clone(),
                pass_message,
                Value::Null,
                "",
            );
        } else {
            out.report(
                Status::Unknown,
                j.resource.clone(),
                j.location.clone(),
                format!("reachability not fully assessed: {}", reasons.join("; ")),
                Value::Null,
                "",
            );
        }
    }
}

/// The named ports of `ports` an exposure covers over TCP.
pub(crate) fn covered<'a>(e: &Exposure, ports: &'a [(u16, &'a str)]) -> Vec<(u16, &'a str)> {
    ports
        .iter()
        .copied()
        .filter(|(p, _)| e.covers(Proto::TCP, *p))
        .collect()
}
