//! Inline SVG pictures, drawn here from the findings (no script library).

use crate::escape::markup;
use crate::Report;
use pillar_model::{Finding, Severity, SourceKind, Status};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The most targets drawn in the exposure graph; the rest are counted.
const MAX_TARGETS: usize = 60;
const NODE_W: i64 = 175;
const NODE_H: i64 = 40;
const COL_GAP: i64 = 45;
const ROW_GAP: i64 = 14;

/// A node of the exposure graph.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Node {
    kind: String,
    id: String,
}

fn short_kind(kind: &str) -> &str {
    match kind {
        "internet" => "internet",
        "internet-gateway" => "internet gateway",
        "route-table" => "route table",
        "network-acl-inbound" => "network ACL in",
        "network-acl-outbound" => "network ACL out",
        "security-group" => "security group",
        "network-interface" => "interface",
        "load-balancer" => "load balancer",
        "user" => "IAM user",
        "role" => "IAM role",
        other => other,
    }
}

fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The hops of a reachability finding: internet, each hop of
/// `evidence.path`, then the target (`evidence.kind` / `evidence.id`), and
/// the port it is reached on.
fn hops(f: &Finding) -> Option<(Vec<Node>, Vec<String>, String)> {
    let ev = &f.evidence;
    let path = ev.get("path")?.as_array()?;
    if path.is_empty() {
        return None;
    }
    let mut nodes = vec![Node {
        kind: "internet".into(),
        id: "0.0.0.0/0, ::/0".into(),
    }];
    let mut notes = vec![String::new()];
    for hop in path {
        let kind = hop.get("kind").and_then(Value::as_str)?;
        let id = hop.get("id").and_then(Value::as_str)?;
        nodes.push(Node {
            kind: kind.to_owned(),
            id: id.to_owned(),
        });
        let n: Vec<&str> = hop
            .get("notes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        notes.push(n.join("; "));
    }
    let target_kind = ev.get("kind").and_then(Value::as_str).unwrap_or("resource");
    let target_id = ev
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(f.resource.display_name());
    nodes.push(Node {
        kind: target_kind.to_owned(),
        id: target_id.to_owned(),
    });
    notes.push(f.resource.id.clone());
    let port = match (
        ev.get("protocol").and_then(Value::as_str),
        ev.get("port").and_then(Value::as_u64),
    ) {
        (Some(p), Some(n)) => format!("{p} {n}"),
        _ => ev
            .get("ports")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
    };
    Some((nodes, notes, port))
}

/// A layered graph to draw: paths from left to right, merged where they
/// share nodes.
struct Layered {
    /// `id` of the `<svg>`.
    id: &'static str,
    /// Accessible description.
    aria: String,
    /// Each path's nodes and, per node, a note for its tooltip.
    paths: Vec<(Vec<Node>, Vec<String>)>,
    /// Path ends: a label drawn beside them and the worst severity.
    targets: BTreeMap<Node, (String, Severity)>,
    /// Labels drawn on edges.
    edge_labels: BTreeMap<(Node, Node), BTreeSet<String>>,
    /// Targets not drawn (over the limit).
    dropped: usize,
    /// What the dropped ones are, for the note under the picture.
    dropped_noun: &'static str,
}

/// The internet-exposure graph of the run's reachability failures, if any.
pub(super) fn exposure(report: &Report) -> Option<String> {
    let mut fails: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    fails.sort_by(|a, b| crate::by_severity(a, b));
    let mut g = Layered {
        id: "exposure-graph",
        aria: String::new(),
        paths: Vec::new(),
        targets: BTreeMap::new(),
        edge_labels: BTreeMap::new(),
        dropped: 0,
        dropped_noun: "exposed resources",
    };
    let mut ports: BTreeMap<Node, BTreeSet<String>> = BTreeMap::new();
    let mut seen: BTreeSet<Vec<Node>> = BTreeSet::new();
    let mut dropped: BTreeSet<Node> = BTreeSet::new();
    for f in fails {
        let Some((nodes, notes, port)) = hops(f) else {
            continue;
        };
        let Some(target) = nodes.last().cloned() else {
            continue;
        };
        if !g.targets.contains_key(&target) && g.targets.len() >= MAX_TARGETS {
            dropped.insert(target);
            continue;
        }
        let e = g
            .targets
            .entry(target.clone())
            .or_insert_with(|| (String::new(), f.severity));
        e.1 = e.1.max(f.severity);
        if !port.is_empty() {
            ports.entry(target).or_default().insert(port);
        }
        if seen.insert(nodes.clone()) {
            g.paths.push((nodes, notes));
        }
    }
    if g.paths.is_empty() {
        return None;
    }
    for (t, p) in ports {
        if let Some(e) = g.targets.get_mut(&t) {
            e.0 = p.into_iter().collect::<Vec<_>>().join(", ");
        }
    }
    g.dropped = dropped.len();
    g.aria = format!(
        "Internet exposure graph: {} paths to {} resources",
        g.paths.len(),
        g.targets.len()
    );
    Some(draw(&g))
}

/// `arn:aws:iam::111122223333:role/ops` → (`role`, `role/ops`).
fn iam_node(arn: &str) -> Node {
    let tail = arn.rsplit(':').next().unwrap_or(arn);
    let kind = tail.split('/').next().unwrap_or("principal");
    Node {
        kind: kind.to_owned(),
        id: tail.to_owned(),
    }
}

/// The privilege-escalation paths of the run (the IAM engine's
/// `iam-principal-privilege-escalation` failures: `evidence.steps`), if any.
pub(super) fn escalation(report: &Report) -> Option<String> {
    let mut fails: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    fails.sort_by(|a, b| crate::by_severity(a, b));
    let mut g = Layered {
        id: "escalation-graph",
        aria: String::new(),
        paths: Vec::new(),
        targets: BTreeMap::new(),
        edge_labels: BTreeMap::new(),
        dropped: 0,
        dropped_noun: "escalation paths",
    };
    for f in fails {
        let ev = &f.evidence;
        let (Some(principal), Some(admin), Some(steps)) = (
            ev.get("principal").and_then(Value::as_str),
            ev.get("admin").and_then(Value::as_str),
            ev.get("steps").and_then(Value::as_array),
        ) else {
            continue;
        };
        if steps.is_empty() {
            continue;
        }
        if g.paths.len() >= MAX_TARGETS {
            g.dropped += 1;
            continue;
        }
        let mut nodes = vec![iam_node(principal)];
        let mut notes = vec![principal.to_owned()];
        for step in steps {
            let to = step.get("to").and_then(Value::as_str).unwrap_or(admin);
            let method = step.get("method").and_then(Value::as_str).unwrap_or("");
            let detail = step.get("detail").and_then(Value::as_str).unwrap_or("");
            let from = nodes.last().cloned().unwrap_or_else(|| iam_node(principal));
            let next = iam_node(to);
            if next == from {
                // A principal that grants itself more: a step to "admin".
                let admin_node = Node {
                    kind: "administrator".into(),
                    id: from.id.clone(),
                };
                g.edge_labels
                    .entry((from, admin_node.clone()))
                    .or_default()
                    .insert(method.to_owned());
                nodes.push(admin_node);
            } else {
                g.edge_labels
                    .entry((from, next.clone()))
                    .or_default()
                    .insert(method.to_owned());
                nodes.push(next);
            }
            notes.push(format!("{to}: {detail}"));
        }
        if let Some(last) = nodes.last().cloned() {
            let e = g
                .targets
                .entry(last)
                .or_insert_with(|| ("administrator".to_owned(), f.severity));
            e.1 = e.1.max(f.severity);
        }
        g.paths.push((nodes, notes));
    }
    if g.paths.is_empty() {
        return None;
    }
    g.aria = format!(
        "Privilege-escalation graph: {} principals can become administrator",
        g.paths.len()
    );
    Some(draw(&g))
}

/// Draw a layered graph: each node in the column of the furthest position
/// it has on any path, path ends in the last column.
fn draw(g: &Layered) -> String {
    let paths = &g.paths;
    let targets = &g.targets;
    // Layer: the furthest position a node has on any path; targets last.
    let mut layer: BTreeMap<&Node, usize> = BTreeMap::new();
    let mut order: Vec<&Node> = Vec::new();
    let mut note_of: BTreeMap<&Node, BTreeSet<&str>> = BTreeMap::new();
    for (nodes, notes) in paths {
        for (i, (n, note)) in nodes.iter().zip(notes).enumerate() {
            let l = layer.entry(n).or_insert(i);
            *l = (*l).max(i);
            if !order.contains(&n) {
                order.push(n);
            }
            if !note.is_empty() {
                note_of.entry(n).or_default().insert(note);
            }
        }
    }
    let last = layer.values().copied().max().unwrap_or(0);
    for t in targets.keys() {
        if let Some(l) = layer.get_mut(t) {
            *l = last;
        }
    }
    let mut columns: BTreeMap<usize, Vec<&Node>> = BTreeMap::new();
    for n in &order {
        if let Some(l) = layer.get(n) {
            columns.entry(*l).or_default().push(n);
        }
    }
    let mut edges: BTreeSet<(&Node, &Node)> = BTreeSet::new();
    for (nodes, _) in paths {
        for w in nodes.windows(2) {
            if let [a, b] = w {
                edges.insert((a, b));
            }
        }
    }
    // Fewer crossings: order each column by the mean row of the nodes that
    // lead to it (one left-to-right barycentre pass).
    let mut row_of: BTreeMap<&Node, usize> = BTreeMap::new();
    for nodes in columns.values_mut() {
        let key = |n: &Node| -> usize {
            let preds: Vec<usize> = edges
                .iter()
                .filter(|(_, b)| *b == n)
                .filter_map(|(a, _)| row_of.get(a).copied())
                .collect();
            match preds.len() {
                0 => usize::MAX,
                k => preds.iter().sum::<usize>() * 1000 / k,
            }
        };
        let mut keyed: Vec<(usize, &Node)> = nodes.iter().map(|n| (key(n), *n)).collect();
        keyed.sort_by_key(|(k, _)| *k);
        *nodes = keyed.into_iter().map(|(_, n)| n).collect();
        for (i, n) in nodes.iter().enumerate() {
            row_of.insert(n, i);
        }
    }
    let rows = columns.values().map(Vec::len).max().unwrap_or(1) as i64;
    let height = rows * (NODE_H + ROW_GAP) + ROW_GAP + 20;
    // Labelled edges (escalation methods) need room between columns.
    let gap = if g.edge_labels.is_empty() {
        COL_GAP
    } else {
        170
    };
    let col_w = NODE_W + gap;
    // Room after the last column for the end labels.
    let width = (last as i64 + 1) * col_w + 150;
    let mut pos: BTreeMap<&Node, (i64, i64)> = BTreeMap::new();
    for (l, nodes) in &columns {
        let n = nodes.len() as i64;
        let offset = (rows - n) * (NODE_H + ROW_GAP) / 2;
        for (i, node) in nodes.iter().enumerate() {
            let x = 10 + *l as i64 * col_w;
            let y = ROW_GAP + offset + i as i64 * (NODE_H + ROW_GAP);
            pos.insert(node, (x, y));
        }
    }
    let mut s = String::new();
    let id = g.id;
    let _ = write!(
        s,
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        markup(&g.aria)
    );
    let _ = write!(s, "<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker></defs>");
    for (a, b) in &edges {
        if let (Some((ax, ay)), Some((bx, by))) = (pos.get(a), pos.get(b)) {
            let (x1, y1) = (ax + NODE_W, ay + NODE_H / 2);
            let (x2, y2) = (*bx - 2, by + NODE_H / 2);
            let mid = (x1 + x2) / 2;
            let labels = g
                .edge_labels
                .get(&((*a).clone(), (*b).clone()))
                .map(|l| l.iter().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            let _ = write!(
                s,
                "<path class=\"edge\" d=\"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}\" marker-end=\"url(#{id}-arrow)\">"
            );
            if !labels.is_empty() {
                let _ = write!(s, "<title>{}</title>", markup(&labels));
            }
            s.push_str("</path>");
            if !labels.is_empty() {
                let _ = write!(
                    s,
                    "<text class=\"elabel\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    // Near the source, where the curve is still level, so
                    // labels of edges that cross columns do not collide.
                    x1 + ((x2 - x1) / 2).min(gap / 2),
                    y1 - 5,
                    markup(&ellipsis(&labels, 26)),
                );
            }
        }
    }
    for n in &order {
        let Some((x, y)) = pos.get(n) else { continue };
        let class = n.kind.replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        let mut tip = format!("{}: {}", n.kind, n.id);
        if let Some(notes) = note_of.get(n) {
            for note in notes {
                tip.push('\n');
                tip.push_str(note);
            }
        }
        let target = targets.get(*n);
        let sev_class = target
            .map(|(_, sev)| format!(" target sev-{}", sev.as_str()))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<g class=\"node k-{class}{sev_class}\"><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"6\"/><text x=\"{}\" y=\"{}\" class=\"kind\">{}</text><text x=\"{}\" y=\"{}\">{}</text></g>",
            markup(&tip),
            x + 8,
            y + 15,
            markup(short_kind(&n.kind)),
            x + 8,
            y + 32,
            markup(&ellipsis(&n.id, 25)),
        );
        if let Some((label, _)) = target.filter(|(l, _)| !l.is_empty()) {
            let _ = write!(
                s,
                "<text class=\"ports\" x=\"{}\" y=\"{}\">{}</text>",
                x + NODE_W + 6,
                y + NODE_H / 2 + 4,
                markup(&ellipsis(label, 24)),
            );
        }
    }
    s.push_str("</svg>");
    if g.dropped > 0 {
        let _ = write!(
            s,
            "<p class=\"muted\">{} more {} are not drawn; filter the findings table by rule to list them.</p>",
            g.dropped, g.dropped_noun
        );
    }
    s
}

/// When a detection happened: `first_seen` (single events) or
/// `window_start` (correlations).
fn seen_at(f: &Finding) -> Option<(i64, i64)> {
    let get = |k: &str| {
        f.evidence
            .get(k)
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp())
    };
    let start = get("first_seen").or_else(|| get("window_start"))?;
    let end = get("last_seen")
        .or_else(|| get("window_end"))
        .unwrap_or(start);
    Some((start, end.max(start)))
}

/// A timeline of the run's detections (findings from logs), if any.
pub(super) fn timeline(report: &Report) -> Option<String> {
    let mut points: Vec<(&Finding, i64, i64)> = report
        .findings
        .iter()
        .filter(|f| f.source == SourceKind::Logs && f.status == Status::Fail)
        .filter_map(|f| seen_at(f).map(|(a, b)| (f, a, b)))
        .collect();
    if points.is_empty() {
        return None;
    }
    points.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.rule.cmp(&b.0.rule)));
    let lanes: Vec<&str> = {
        let mut l: Vec<&str> = points.iter().map(|p| p.0.rule.as_str()).collect();
        l.sort();
        l.dedup();
        l
    };
    let min = points.iter().map(|p| p.1).min().unwrap_or(0);
    let max = points.iter().map(|p| p.2).max().unwrap_or(min).max(min + 1);
    let label_w: i64 = 260;
    let plot_w: i64 = 760;
    let lane_h: i64 = 22;
    let height = lanes.len() as i64 * lane_h + 50;
    let width = label_w + plot_w + 30;
    let x_of = |t: i64| label_w + (t - min) * plot_w / (max - min);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"timeline-graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Timeline of {} detections\">",
        points.len()
    );
    for (i, lane) in lanes.iter().enumerate() {
        let y = 10 + i as i64 * lane_h + lane_h / 2;
        let _ = write!(
            s,
            "<text class=\"lane\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><line class=\"grid\" x1=\"{label_w}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
            label_w - 8,
            y + 4,
            markup(&ellipsis(lane, 36)),
            label_w + plot_w
        );
    }
    let axis_y = 10 + lanes.len() as i64 * lane_h + 8;
    for k in 0..=4i64 {
        let t = min + (max - min) * k / 4;
        let x = x_of(t);
        let when = chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let anchor = match k {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"10\" y2=\"{axis_y}\"/><text class=\"axis\" x=\"{x}\" y=\"{}\" text-anchor=\"{anchor}\">{when}</text>",
            axis_y + 16
        );
    }
    for (f, a, b) in &points {
        let lane = lanes.iter().position(|l| *l == f.rule).unwrap_or(0) as i64;
        let y = 10 + lane * lane_h + lane_h / 2;
        let (x1, x2) = (x_of(*a), x_of(*b));
        let tip = markup(&format!("{} · {}", f.severity.as_str(), f.message));
        if x2 > x1 {
            let _ = write!(
                s,
                "<g class=\"det sev-{}\"><title>{tip}</title><line x1=\"{x1}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\"/><circle cx=\"{x1}\" cy=\"{y}\" r=\"5\"/></g>",
                f.severity.as_str()
            );
        } else {
            let _ = write!(
                s,
                "<g class=\"det sev-{}\"><title>{tip}</title><circle cx=\"{x1}\" cy=\"{y}\" r=\"5\"/></g>",
                f.severity.as_str()
            );
        }
    }
    s.push_str("</svg>");
    Some(s)
}
