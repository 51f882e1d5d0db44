//! JSON views of the results, for `pillar net … --format json` and rule
//! evidence.

use crate::addr::{AddrSet, Family};
use crate::analysis::{Analysis, Exposure, Hop, PathResult};
use crate::proto::Proto;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use std::collections::HashMap;

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

/// How a source set reads in JSON, computed once per distinct set: the
/// whole internet alone is about 30 CIDR blocks, and most exposures share
/// a handful of sets.
struct SourceText {
    cidrs: Vec<String>,
    summary: String,
    whole_internet: bool,
}

impl SourceText {
    fn of(set: &AddrSet) -> SourceText {
        SourceText {
            cidrs: set.cidrs(),
            summary: set.summary(),
            whole_internet: set.covers_internet(),
        }
    }
}

/// The document of [`analysis`], serialisable straight to a writer
/// (`serde_json::to_writer_pretty`) without building a [`Value`] tree:
/// same keys, same order, same bytes, at a fraction of the time and
/// memory on large accounts.
pub struct AnalysisDoc<'a> {
    a: &'a Analysis,
    texts: Vec<SourceText>,
    /// Per exposure, then per latent exposure: its set's index in `texts`.
    index: Vec<usize>,
}

impl<'a> AnalysisDoc<'a> {
    /// Prepare the document (renders each distinct source set once).
    pub fn new(a: &'a Analysis) -> Self {
        let mut seen: HashMap<&'a AddrSet, usize> = HashMap::new();
        let mut texts = Vec::new();
        let index = a
            .exposures
            .iter()
            .chain(&a.latent)
            .map(|e| {
                *seen.entry(&e.sources).or_insert_with(|| {
                    texts.push(SourceText::of(&e.sources));
                    texts.len() - 1
                })
            })
            .collect();
        AnalysisDoc { a, texts, index }
    }
}

#[derive(Serialize)]
struct ExposureOut<'a> {
    resource: &'a str,
    kind: &'a str,
    id: &'a str,
    eni: &'a Option<String>,
    via: &'a Option<String>,
    state: &'a Option<String>,
    addresses: &'a [String],
    family: Family,
    protocol: Proto,
    ports: &'a [(u16, u16)],
    service: String,
    sources: &'a [String],
    sources_summary: &'a str,
    whole_internet: bool,
    single_layer: bool,
    path: &'a [Hop],
}

fn exposure_out<'a>(e: &'a Exposure, t: &'a SourceText) -> ExposureOut<'a> {
    ExposureOut {
        resource: &e.resource.id,
        kind: e.kind,
        id: &e.id,
        eni: &e.eni,
        via: &e.via,
        state: &e.state,
        addresses: &e.addresses,
        family: e.family,
        protocol: e.protocol,
        ports: e.ports.ranges(),
        service: e.service(),
        sources: &t.cidrs,
        sources_summary: &t.summary,
        whole_internet: t.whole_internet,
        single_layer: e.single_layer,
        path: &e.path,
    }
}

/// A list of exposures whose source texts start at `offset` in the index.
struct ExposuresOut<'d, 'a> {
    doc: &'d AnalysisDoc<'a>,
    list: &'a [Exposure],
    offset: usize,
}

impl Serialize for ExposuresOut<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.list.len()))?;
        for (i, e) in self.list.iter().enumerate() {
            let text = self
                .doc
                .index
                .get(self.offset + i)
                .and_then(|&k| self.doc.texts.get(k))
                .ok_or_else(|| serde::ser::Error::custom("source text index out of range"))?;
            seq.serialize_element(&exposure_out(e, text))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct IncompleteOut<'a> {
    resource: &'a str,
    id: &'a str,
    reasons: &'a [String],
}

impl Serialize for AnalysisDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.a;
        let mut m = s.serialize_struct("Analysis", 4)?;
        m.serialize_field("endpoints", &a.endpoints)?;
        m.serialize_field(
            "exposures",
            &ExposuresOut {
                doc: self,
                list: &a.exposures,
                offset: 0,
            },
        )?;
        m.serialize_field(
            "latent",
            &ExposuresOut {
                doc: self,
                list: &a.latent,
                offset: a.exposures.len(),
            },
        )?;
        let incomplete: Vec<IncompleteOut<'_>> = a
            .incomplete
            .iter()
            .map(|i| IncompleteOut {
                resource: &i.resource.id,
                id: &i.id,
                reasons: &i.reasons,
            })
            .collect();
        m.serialize_field("incomplete", &incomplete)?;
        m.end()
    }
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
