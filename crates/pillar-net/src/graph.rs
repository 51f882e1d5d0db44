//! The exposure graph as Graphviz DOT or Mermaid: the internet, every hop
//! crossed and every resource reached, edges labelled with the rules that
//! let the traffic through.

use crate::analysis::{Analysis, Exposure};
use std::collections::BTreeSet;
use std::fmt::Write;

type Edge = (String, String, String);

fn node_id(kind: &str, id: &str) -> String {
    let raw = format!("{kind}_{id}");
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Nodes (id, label) and edges (from, to, label) of the exposures.
fn build(exposures: &[Exposure]) -> (BTreeSet<(String, String)>, BTreeSet<Edge>) {
    let mut nodes = BTreeSet::new();
    let mut edges = BTreeSet::new();
    nodes.insert(("internet".to_owned(), "internet".to_owned()));
    for e in exposures {
        let mut prev = "internet".to_owned();
        for h in &e.path {
            let id = node_id(h.kind, &h.id);
            nodes.insert((id.clone(), format!("{}\\n{}", h.kind, h.id)));
            edges.insert((prev, id.clone(), h.notes.join("; ")));
            prev = id;
        }
        let target = node_id(e.kind, &e.id);
        nodes.insert((target.clone(), format!("{} {}", e.kind, e.id)));
        edges.insert((
            prev,
            target,
            format!("{} {}", e.family.as_str(), e.service()),
        ));
    }
    (nodes, edges)
}

fn quote(s: &str) -> String {
    s.replace('"', "'")
}

/// Graphviz DOT.
pub fn dot(a: &Analysis) -> String {
    let (nodes, edges) = build(&a.exposures);
    let mut out = String::from("digraph exposure {\n  rankdir=LR;\n  node [shape=box];\n");
    for (id, label) in &nodes {
        let _ = writeln!(out, "  {id} [label=\"{}\"];", quote(label));
    }
    for (from, to, label) in &edges {
        let _ = writeln!(out, "  {from} -> {to} [label=\"{}\"];", quote(label));
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart.
pub fn mermaid(a: &Analysis) -> String {
    let (nodes, edges) = build(&a.exposures);
    let mut out = String::from("flowchart LR\n");
    for (id, label) in &nodes {
        let _ = writeln!(out, "  {id}[\"{}\"]", quote(&label.replace("\\n", "<br/>")));
    }
    for (from, to, label) in &edges {
        if label.is_empty() {
            let _ = writeln!(out, "  {from} --> {to}");
        } else {
            let _ = writeln!(out, "  {from} -->|\"{}\"| {to}", quote(label));
        }
    }
    out
}
