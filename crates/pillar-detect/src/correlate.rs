//! Correlation rules over matched events, on event time (so historical
//! logs replay as they happened). Windows slide: a window may start at any
//! event of the group.

use crate::rule::{CorrelationDef, CorrelationKind};
use std::collections::{BTreeMap, HashMap};

/// One base-rule match as a correlation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrEvent {
    /// Event time, ms since the epoch.
    pub time_ms: i64,
    /// Which of the correlation's rules matched (position in its list).
    pub rule_pos: usize,
    /// The value of `condition.field`, when the correlation has one.
    pub value: Option<String>,
}

/// An alert: a group whose events met the condition in some window.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Group-by values, in `group-by` order (empty string when absent).
    pub group: Vec<String>,
    /// Start of the first window that met the condition.
    pub first_ms: i64,
    /// End (last event) of that window.
    pub last_ms: i64,
    /// The count (events, distinct values, sum, average) in that window.
    pub value: f64,
}

/// Groups one correlation keeps by default; events of further groups are
/// dropped (and counted, so the run says so).
pub const MAX_GROUPS: usize = 100_000;

/// A group is compacted (see [`compact`]) when it holds this many events,
/// and again each time its count doubles.
pub const COMPACT_AT: usize = 4096;

/// Evaluate a correlation over its groups' events (any order).
pub fn evaluate(def: &CorrelationDef, groups: HashMap<Vec<String>, Vec<CorrEvent>>) -> Vec<Alert> {
    let groups: BTreeMap<_, _> = groups.into_iter().collect();
    let mut out = Vec::new();
    for (key, mut evs) in groups {
        if let Some((first_ms, last_ms, value)) = evaluate_group(def, &mut evs) {
            out.push(Alert {
                group: key,
                first_ms,
                last_ms,
                value,
            });
        }
    }
    out
}

/// Bound one group's events while reading. Sorts them and evaluates them:
/// when a window meets the condition, returns that (earliest) window and
/// empties the group, whose later events are no longer needed; otherwise
/// drops the events more than `timespan` older than the newest one, since
/// every window starting at them is complete and did not meet the
/// condition. Exact when a group's events arrive in time order (as in a
/// CloudTrail file or a time-ordered folder); an event arriving later than
/// `timespan` behind the newest may miss the events it would have joined.
pub fn compact(def: &CorrelationDef, evs: &mut Vec<CorrEvent>) -> Option<(i64, i64, f64)> {
    if let Some(hit) = evaluate_group(def, evs) {
        evs.clear();
        evs.shrink_to_fit();
        return Some(hit);
    }
    if let Some(newest) = evs.last().map(|e| e.time_ms) {
        let horizon = newest.saturating_sub(def.timespan_ms);
        evs.retain(|e| e.time_ms >= horizon);
    }
    None
}

/// Sort one group's events and find its first window meeting the condition.
fn evaluate_group(def: &CorrelationDef, evs: &mut [CorrEvent]) -> Option<(i64, i64, f64)> {
    evs.sort_by_key(|e| e.time_ms);
    let evs: &[CorrEvent] = evs;
    {
        match def.kind {
            CorrelationKind::EventCount => count_window(def, evs, |w| w.len() as f64),
            CorrelationKind::ValueCount => count_window(def, evs, |w| {
                let mut vals: Vec<&str> = w.iter().filter_map(|e| e.value.as_deref()).collect();
                vals.sort_unstable();
                vals.dedup();
                vals.len() as f64
            }),
            CorrelationKind::ValueSum => count_window(def, evs, |w| {
                w.iter()
                    .filter_map(|e| e.value.as_deref()?.trim().parse::<f64>().ok())
                    .sum()
            }),
            CorrelationKind::ValueAvg => count_window(def, evs, |w| {
                let nums: Vec<f64> = w
                    .iter()
                    .filter_map(|e| e.value.as_deref()?.trim().parse::<f64>().ok())
                    .collect();
                if nums.is_empty() {
                    0.0
                } else {
                    nums.iter().sum::<f64>() / nums.len() as f64
                }
            }),
            CorrelationKind::Temporal => temporal(def, evs, false),
            CorrelationKind::TemporalOrdered => temporal(def, evs, true),
        }
    }
}

/// The first window (starting at an event, `timespan` long) whose measure
/// meets the condition. For `gt`/`gte`, the largest window starting at
/// each event is enough; for `lt`/`lte`/`eq`, the same full windows are
/// tested (a group with few events in every window).
fn count_window(
    def: &CorrelationDef,
    evs: &[CorrEvent],
    measure: impl Fn(&[CorrEvent]) -> f64,
) -> Option<(i64, i64, f64)> {
    let (op, n) = def.condition?;
    let mut end = 0usize;
    for start in 0..evs.len() {
        let t0 = evs.get(start)?.time_ms;
        if end < start {
            end = start;
        }
        while evs
            .get(end + 1)
            .is_some_and(|e| e.time_ms - t0 <= def.timespan_ms)
        {
            end += 1;
        }
        let w = evs.get(start..=end)?;
        let m = measure(w);
        if op.holds(m, n) {
            return Some((t0, w.last().map_or(t0, |e| e.time_ms), m));
        }
    }
    None
}

/// Every listed rule matched within `timespan` (in list order when
/// `ordered`): the earliest such chain.
fn temporal(def: &CorrelationDef, evs: &[CorrEvent], ordered: bool) -> Option<(i64, i64, f64)> {
    let k = def.rules.len();
    if ordered {
        for (i, e) in evs.iter().enumerate() {
            if e.rule_pos != 0 {
                continue;
            }
            let mut want = 1usize;
            let mut last = e.time_ms;
            if want == k {
                return Some((e.time_ms, last, 1.0));
            }
            for f in evs.iter().skip(i + 1) {
                if f.time_ms - e.time_ms > def.timespan_ms {
                    break;
                }
                if f.rule_pos == want {
                    want += 1;
                    last = f.time_ms;
                    if want == k {
                        return Some((e.time_ms, last, k as f64));
                    }
                }
            }
        }
        None
    } else {
        let mut end = 0usize;
        let mut counts = vec![0usize; k];
        let mut seen = 0usize;
        for start in 0..evs.len() {
            let t0 = evs.get(start)?.time_ms;
            while let Some(e) = evs.get(end) {
                if e.time_ms - t0 > def.timespan_ms {
                    break;
                }
                if let Some(c) = counts.get_mut(e.rule_pos) {
                    if *c == 0 {
                        seen += 1;
                    }
                    *c += 1;
                }
                end += 1;
            }
            if seen == k {
                let last = evs.get(end.saturating_sub(1)).map_or(t0, |e| e.time_ms);
                return Some((t0, last, k as f64));
            }
            if let Some(c) = evs.get(start).and_then(|e| counts.get_mut(e.rule_pos)) {
                *c -= 1;
                if *c == 0 {
                    seen -= 1;
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::CmpOp;
    use crate::rule::{parse_file, Document};

    fn def(kind: &str, cond: &str, rules: &str) -> CorrelationDef {
        let text = format!(
            "title: c\ncorrelation:\n  type: {kind}\n  rules: [{rules}]\n  group-by: [u]\n  timespan: 10s\n{cond}"
        );
        match parse_file(&text, "c.yml").remove(0).unwrap() {
            Document::Correlation(c) => *c,
            Document::Rule(_) => panic!(),
        }
    }

    fn ev(t: i64, pos: usize, v: &str) -> CorrEvent {
        CorrEvent {
            time_ms: t * 1000,
            rule_pos: pos,
            value: Some(v.to_owned()),
        }
    }

    fn one(evs: Vec<CorrEvent>) -> HashMap<Vec<String>, Vec<CorrEvent>> {
        HashMap::from([(vec!["u1".to_owned()], evs)])
    }

    #[test]
    fn event_count_slides() {
        let d = def("event_count", "  condition: {gte: 3}\n", "a");
        assert_eq!(d.condition, Some((CmpOp::Gte, 3.0)));
        // 3 events within 10 s, but not aligned on any fixed bucket.
        let a = evaluate(&d, one(vec![ev(8, 0, ""), ev(12, 0, ""), ev(17, 0, "")]));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].value, 3.0);
        let a = evaluate(&d, one(vec![ev(0, 0, ""), ev(11, 0, ""), ev(22, 0, "")]));
        assert!(a.is_empty());
    }

    #[test]
    fn value_count_distinct() {
        let d = def("value_count", "  condition: {gte: 2, field: f}\n", "a");
        assert!(evaluate(&d, one(vec![ev(0, 0, "x"), ev(1, 0, "x")])).is_empty());
        assert_eq!(
            evaluate(&d, one(vec![ev(0, 0, "x"), ev(1, 0, "y")])).len(),
            1
        );
    }

    #[test]
    fn temporal_orders() {
        let d = def("temporal_ordered", "", "a, b");
        assert!(evaluate(&d, one(vec![ev(0, 1, ""), ev(1, 0, "")])).is_empty());
        assert_eq!(evaluate(&d, one(vec![ev(0, 0, ""), ev(5, 1, "")])).len(), 1);
        assert!(evaluate(&d, one(vec![ev(0, 0, ""), ev(50, 1, "")])).is_empty());
        let d = def("temporal", "", "a, b");
        assert_eq!(evaluate(&d, one(vec![ev(0, 1, ""), ev(1, 0, "")])).len(), 1);
        assert!(evaluate(&d, one(vec![ev(0, 1, ""), ev(1, 1, "")])).is_empty());
    }
}
