//! Verdicts of the reachability rules, computed here so that one crate
//! decides what the internet reaches and how that reads: per resource
//! judged, the exposures a rule picks as failures (message, evidence,
//! fingerprint detail), else a pass, else *not assessed* with the reasons
//! the analysis was incomplete. The rule crate only records them.

use crate::analysis::{Analysis, Exposure};
use crate::proto::Proto;
use pillar_model::{Location, ResourceRef, Status};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Remote administration ports.
pub const ADMIN_PORTS: [(u16, &str); 2] = [(22, "SSH"), (3389, "RDP")];

/// Database and cache ports.
pub const DATABASE_PORTS: [(u16, &str); 12] = [
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
pub fn evidence(e: &Exposure, port: Option<u16>) -> Value {
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
pub fn how(e: &Exposure) -> String {
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

/// The named ports of `ports` an exposure covers over TCP.
pub fn covered<'a>(e: &Exposure, ports: &'a [(u16, &'a str)]) -> Vec<(u16, &'a str)> {
    ports
        .iter()
        .copied()
        .filter(|(p, _)| e.covers(Proto::TCP, *p))
        .collect()
}

/// One result of a reachability rule.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Fail, pass or unknown.
    pub status: Status,
    /// The resource judged.
    pub resource: ResourceRef,
    /// Where it was declared.
    pub location: Option<Location>,
    /// The message.
    pub message: String,
    /// Evidence (`null` for passes and unknowns).
    pub evidence: Value,
    /// What distinguishes this failure of the resource from its others.
    pub detail: String,
}

/// Per resource judged, the exposures `pick` selects as failures (each
/// with a message, evidence and a fingerprint detail; one per resource and
/// detail), else a pass with `pass_message`, else unknown when the
/// analysis of the resource was incomplete.
pub fn verdicts(
    a: &Analysis,
    pass_message: &str,
    pick: impl Fn(&Exposure) -> Vec<(String, Value, String)>,
) -> Vec<Verdict> {
    let mut out = Vec::new();
    let mut failed: BTreeSet<&str> = BTreeSet::new();
    let mut seen_details: BTreeSet<(String, String)> = BTreeSet::new();
    for e in &a.exposures {
        for (message, evidence, detail) in pick(e) {
            if !seen_details.insert((e.resource.id.clone(), detail.clone())) {
                continue;
            }
            failed.insert(e.resource.id.as_str());
            out.push(Verdict {
                status: Status::Fail,
                resource: e.resource.clone(),
                location: e.location.clone(),
                message,
                evidence,
                detail,
            });
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
        let (status, message) = if reasons.is_empty() {
            (Status::Pass, pass_message.to_owned())
        } else {
            (
                Status::Unknown,
                format!("reachability not fully assessed: {}", reasons.join("; ")),
            )
        };
        out.push(Verdict {
            status,
            resource: j.resource.clone(),
            location: j.location.clone(),
            message,
            evidence: Value::Null,
            detail: String::new(),
        });
    }
    out
}
