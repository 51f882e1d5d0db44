//! A detection run: read inputs, match events in parallel, aggregate,
//! correlate, and turn the results into findings.

use crate::correlate::{self, Alert, CorrEvent};
use crate::engine::{CorrRef, Engine};
use crate::event::{Event, Val};
use crate::reader::{self, Batch, EventLoc, ReadOptions, Unit};
use crate::rule::{Header, LogKind};
use pillar_model::finding::{fingerprint, Remediation};
use pillar_model::{
    Domain, Finding, Location, ResourceRef, RuleInfo, Severity, Skipped, SourceKind, Status,
};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// What a run counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Inputs read.
    pub files: usize,
    /// Events read.
    pub events: u64,
    /// Records that were not events (bad JSON, not an object).
    pub malformed: u64,
    /// Events without a readable `eventTime` (left out of correlations).
    pub without_time: u64,
    /// Matches per rule (index into the rule set), including rules used
    /// only by correlations.
    pub matches: Vec<u64>,
    /// Alerts per correlation.
    pub alerts: Vec<u64>,
    /// Per correlation: events dropped because the correlation already
    /// held `max_groups` groups.
    pub capped: Vec<u64>,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// One finding per rule and principal, and per correlation alert.
    pub findings: Vec<Finding>,
    /// The rules that ran and can report.
    pub rules: Vec<RuleInfo>,
    /// Inputs, records and rules that could not be used.
    pub skipped: Vec<Skipped>,
    /// Counts.
    pub stats: Stats,
    /// Correlation alerts, per correlation.
    pub alerts: Vec<Vec<Alert>>,
    /// Principals' activity, when the engine tracks it.
    pub activity: crate::stateful::Activity,
}

/// The parts of an event a finding shows.
#[derive(Debug, Clone, PartialEq)]
struct Summary {
    kind: LogKind,
    loc: EventLoc,
    time: String,
    time_ms: Option<i64>,
    name: String,
    source: String,
    region: String,
    ip: String,
    agent: String,
    id: String,
    error: String,
    principal: String,
    account: Option<String>,
}

fn s(ev: &Event<'_>, k: &str) -> String {
    ev.get(k)
        .map(crate::matcher::text_of)
        .map(|c| c.into_owned())
        .unwrap_or_default()
}

/// The principal of a CloudTrail event: ARN, else principal id, else
/// the calling service, else its identity type.
pub fn principal_of(ev: &Event<'_>) -> String {
    principal_ref(ev).into_owned()
}

fn principal_ref<'a>(ev: &'a Event<'_>) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    let ui = ev.get("userIdentity");
    let get = |k: &str| {
        ui.and_then(|u| u.get(k))
            .and_then(Val::as_str)
            .filter(|s| !s.is_empty())
    };
    get("arn")
        .or_else(|| get("principalId"))
        .or_else(|| get("invokedBy"))
        .map(Cow::Borrowed)
        .or_else(|| get("type").map(|t| Cow::Owned(format!("({t})"))))
        // An S3 access log record: its requester (an ARN or a canonical
        // user id; absent when anonymous), else its remote address.
        .or_else(|| {
            ev.get("requester")
                .or_else(|| ev.get("remoteip"))
                .and_then(Val::as_str)
                .filter(|_| ui.is_none())
                .map(Cow::Borrowed)
        })
        // A flow log record: its source address.
        .or_else(|| {
            ev.get("srcaddr")
                .and_then(Val::as_str)
                .filter(|_| ui.is_none())
                .map(Cow::Borrowed)
        })
        .unwrap_or(Cow::Borrowed("(unknown principal)"))
}

fn time_ms(ev: &Event<'_>) -> Option<i64> {
    parse_time(ev.get_str("eventTime")?)
}

/// Milliseconds since the epoch of an RFC 3339 time. CloudTrail writes
/// `YYYY-MM-DDTHH:MM:SSZ`, read here without the general parser.
pub fn parse_time(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 20
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.get(10) == Some(&b'T')
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':')
        && b.get(19) == Some(&b'Z')
    {
        let date = chrono::NaiveDate::from_ymd_opt(
            i32::try_from(num(0..4)?).ok()?,
            num(5..7)?,
            num(8..10)?,
        )?;
        let dt = date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
        return Some(dt.and_utc().timestamp_millis());
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|d| d.timestamp_millis())
}

fn summarize(kind: LogKind, ev: &Event<'_>, loc: EventLoc) -> Summary {
    let account = ev
        .get_str("recipientAccountId")
        .or_else(|| ev.get("userIdentity")?.get("accountId")?.as_str())
        .or_else(|| ev.get_str("account-id"))
        .map(str::to_owned);
    let (name, source) = match kind {
        LogKind::CloudTrail => (s(ev, "eventName"), s(ev, "eventSource")),
        // What a flow record shows: the action and where the traffic went.
        LogKind::VpcFlow => (
            format!(
                "{} to {} port {} on {}",
                s(ev, "action"),
                s(ev, "dstaddr"),
                s(ev, "dstport"),
                s(ev, "interface-id")
            ),
            "VPC flow log".to_owned(),
        ),
        // What an access log record shows: the operation, the object and
        // the answer.
        LogKind::S3Access => (
            format!(
                "{} {}/{} ({})",
                s(ev, "operation"),
                s(ev, "bucket_name"),
                s(ev, "key"),
                s(ev, "httpstatus")
            ),
            "S3 server access log".to_owned(),
        ),
    };
    Summary {
        kind,
        loc,
        time: s(ev, "eventTime"),
        time_ms: time_ms(ev),
        name,
        source,
        region: s(ev, "awsRegion"),
        ip: ev
            .get("sourceIPAddress")
            .or_else(|| ev.get("srcaddr"))
            .or_else(|| ev.get("remoteip"))
            .map(|v| crate::matcher::text_of(v).into_owned())
            .unwrap_or_default(),
        agent: ev
            .get("userAgent")
            .or_else(|| ev.get("useragent"))
            .map(|v| crate::matcher::text_of(v).into_owned())
            .unwrap_or_default(),
        id: s(ev, "eventID"),
        error: ev
            .get("errorCode")
            .or_else(|| ev.get("errorcode"))
            .map(|v| crate::matcher::text_of(v).into_owned())
            .unwrap_or_default(),
        principal: principal_of(ev),
        account,
    }
}

/// What a slice of a batch produced (worked on by one thread).
#[derive(Default)]
struct ChunkOut {
    events: u64,
    without_time: u64,
    problems: Vec<(Option<u32>, Option<u32>, String)>,
    /// Rules matched, one entry per match.
    matches: Vec<u32>,
    /// Per principal, per reported rule: the aggregate.
    aggs: HashMap<String, Vec<(u32, Agg)>>,
    corr: Vec<(usize, Vec<String>, CorrEvent)>,
    activity: crate::stateful::Activity,
}

fn process_units(engine: &Engine, kind: LogKind, file: &Arc<str>, units: &[Unit<'_>]) -> ChunkOut {
    let mut out = ChunkOut::default();
    let mut idx = Vec::new();
    for u in units {
        if let Err(p) = reader::events_in(*u, &mut |line, record, ev| {
            process_event(engine, kind, file, line, record, ev, &mut idx, &mut out);
        }) {
            out.problems.push(p);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn process_event(
    engine: &Engine,
    kind: LogKind,
    file: &Arc<str>,
    line: Option<u32>,
    record: Option<u32>,
    ev: &Event<'_>,
    idx: &mut Vec<u32>,
    out: &mut ChunkOut,
) {
    out.events += 1;
    if engine.track_activity && kind == LogKind::CloudTrail {
        out.activity.add(ev, file, line);
    }
    if engine.track_instance_creds && kind == LogKind::CloudTrail {
        out.activity.instance.add(ev, file, line);
    }
    let has_corr = !engine.set.correlations.is_empty();
    let t = if has_corr { time_ms(ev) } else { None };
    if has_corr && t.is_none() {
        out.without_time += 1;
    }
    engine.matches_kind_into(kind, ev, idx);
    if idx.is_empty() {
        return;
    }
    let loc = || EventLoc {
        file: file.clone(),
        line,
        record,
    };
    let time = ev.get_str("eventTime").unwrap_or_default();
    let mut summary: Option<Arc<Summary>> = None;
    let sum = |summary: &mut Option<Arc<Summary>>| {
        summary
            .get_or_insert_with(|| Arc::new(summarize(kind, ev, loc())))
            .clone()
    };
    let mut principal = None;
    for &r in idx.iter() {
        let ri = r as usize;
        out.matches.push(r);
        if engine.reported.get(ri).copied().unwrap_or(false) {
            let p = principal.get_or_insert_with(|| principal_ref(ev));
            let list = match out.aggs.get_mut(p.as_ref()) {
                Some(l) => l,
                None => out.aggs.entry(p.to_string()).or_default(),
            };
            match list.iter_mut().find(|(x, _)| *x == r) {
                Some((_, a)) => {
                    a.count += 1;
                    if time < a.first.time.as_str() {
                        a.first = sum(&mut summary);
                    }
                    if time > a.last_time.as_str() {
                        a.last_time.clear();
                        a.last_time.push_str(time);
                    }
                    if a.samples.len() < MAX_SAMPLES {
                        a.samples.push(sum(&mut summary));
                    }
                }
                None => {
                    let first = sum(&mut summary);
                    list.push((
                        r,
                        Agg {
                            count: 1,
                            last_time: first.time.clone(),
                            samples: vec![first.clone()],
                            first,
                        },
                    ));
                }
            }
        }
        if let (Some(t), Some(users)) = (t, engine.used_by.get(ri)) {
            for &ci in users {
                let Some(c) = engine.set.correlations.get(ci) else {
                    continue;
                };
                let value = c
                    .def
                    .field
                    .as_ref()
                    .and_then(|f| f.first(ev))
                    .map(|v| crate::matcher::text_of(v).into_owned());
                for (pos, _) in c
                    .refs
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| **x == CorrRef::Rule(ri))
                {
                    // With `aliases`, each rule reads its own field.
                    let key: Vec<String> = c
                        .def
                        .group_by
                        .iter()
                        .map(|g| {
                            c.def
                                .group_field(pos, g)
                                .first(ev)
                                .map(|v| crate::matcher::text_of(v).into_owned())
                                .unwrap_or_default()
                        })
                        .collect();
                    out.corr.push((
                        ci,
                        key,
                        CorrEvent {
                            time_ms: t,
                            rule_pos: pos,
                            value: value.clone(),
                        },
                    ));
                }
            }
        }
    }
}

#[derive(Debug)]
pub(crate) struct Agg {
    count: u64,
    first: Arc<Summary>,
    last_time: String,
    samples: Vec<Arc<Summary>>,
}

impl Agg {
    fn merge(&mut self, o: Agg) {
        self.count += o.count;
        if o.first.time < self.first.time {
            self.first = o.first;
        }
        if o.last_time > self.last_time {
            self.last_time = o.last_time;
        }
        let room = MAX_SAMPLES.saturating_sub(self.samples.len());
        self.samples.extend(o.samples.into_iter().take(room));
    }
}

/// How many malformed records are listed one by one per file.
const MAX_LISTED_PER_FILE: usize = 20;
/// Sample events kept per finding.
const MAX_SAMPLES: usize = 3;

/// What one input contributed; inputs are read in parallel and their
/// accumulators merged in input order, so results do not depend on timing.
pub(crate) struct Acc {
    pub(crate) stats: Stats,
    pub(crate) aggs: BTreeMap<(u32, String), Agg>,
    pub(crate) groups: Vec<HashMap<Vec<String>, Vec<CorrEvent>>>,
    /// Per correlation: groups whose alert was settled by compaction.
    pub(crate) settled: Vec<HashMap<Vec<String>, Alert>>,
    pub(crate) activity: crate::stateful::Activity,
    /// Compact large groups while reading (a whole run; not `--follow`,
    /// which prunes by time between rounds).
    pub(crate) compact: bool,
    /// Groups per correlation at most.
    pub(crate) max_groups: usize,
    pub(crate) skipped: Vec<Skipped>,
    pub(crate) problems: Vec<Skipped>,
    listed: usize,
    unlisted: u64,
}

impl Acc {
    pub(crate) fn new(nrules: usize, ncorr: usize) -> Self {
        Acc {
            stats: Stats {
                matches: vec![0; nrules],
                alerts: vec![0; ncorr],
                capped: vec![0; ncorr],
                ..Stats::default()
            },
            aggs: BTreeMap::new(),
            groups: vec![HashMap::new(); ncorr],
            settled: vec![HashMap::new(); ncorr],
            activity: crate::stateful::Activity::default(),
            compact: true,
            max_groups: correlate::MAX_GROUPS,
            skipped: Vec::new(),
            problems: Vec::new(),
            listed: 0,
            unlisted: 0,
        }
    }

    fn absorb(&mut self, engine: &Engine, file: &Arc<str>, o: ChunkOut) {
        self.stats.events += o.events;
        self.stats.without_time += o.without_time;
        for (line, record, msg) in o.problems {
            self.stats.malformed += 1;
            if self.listed < MAX_LISTED_PER_FILE {
                self.listed += 1;
                let msg = match record {
                    Some(r) => format!("record {r}: {msg}"),
                    None => msg,
                };
                self.problems
                    .push(Skipped::new(file.to_string(), msg).at(line, None));
            } else {
                self.unlisted += 1;
            }
        }
        for r in o.matches {
            if let Some(m) = self.stats.matches.get_mut(r as usize) {
                *m += 1;
            }
        }
        for (principal, list) in o.aggs {
            for (r, agg) in list {
                self.add_agg((r, principal.clone()), agg);
            }
        }
        for (ci, key, ce) in o.corr {
            self.add_corr(engine, ci, key, vec![ce]);
        }
        self.activity.merge(o.activity);
    }

    /// Add events to a correlation group, within the bounds: a group
    /// already settled takes no more events, a new group past
    /// `max_groups` is dropped (and counted), a large group is compacted.
    pub(crate) fn add_corr(
        &mut self,
        engine: &Engine,
        ci: usize,
        key: Vec<String>,
        mut evs: Vec<CorrEvent>,
    ) {
        let Some(g) = self.groups.get_mut(ci) else {
            return;
        };
        if self.compact && self.settled.get(ci).is_some_and(|s| s.contains_key(&key)) {
            return;
        }
        let ngroups = g.len();
        let list = match g.get_mut(&key) {
            Some(l) => l,
            None if ngroups >= self.max_groups => {
                if let Some(n) = self.stats.capped.get_mut(ci) {
                    *n += evs.len() as u64;
                }
                return;
            }
            None => g.entry(key.clone()).or_default(),
        };
        let before = list.len();
        list.append(&mut evs);
        let n = list.len();
        // At COMPACT_AT, then each time the count passes a power of two.
        let due = n >= correlate::COMPACT_AT
            && (before < correlate::COMPACT_AT || before.leading_zeros() != n.leading_zeros());
        if !(self.compact && due) {
            return;
        }
        let Some(c) = engine.set.correlations.get(ci) else {
            return;
        };
        if let Some((first_ms, last_ms, value)) = correlate::compact(&c.def, list) {
            g.remove(&key);
            if let Some(s) = self.settled.get_mut(ci) {
                s.insert(
                    key.clone(),
                    Alert {
                        group: key,
                        first_ms,
                        last_ms,
                        value,
                    },
                );
            }
        }
    }

    fn add_agg(&mut self, key: (u32, String), agg: Agg) {
        match self.aggs.get_mut(&key) {
            Some(a) => a.merge(agg),
            None => {
                self.aggs.insert(key, agg);
            }
        }
    }

    pub(crate) fn finish_file(&mut self, file: &str) {
        if self.unlisted > 0 {
            self.problems.push(Skipped::new(
                file.to_owned(),
                format!("{} more malformed records not listed", self.unlisted),
            ));
        }
        self.listed = 0;
        self.unlisted = 0;
    }

    fn merge(&mut self, engine: &Engine, o: Acc) {
        self.stats.events += o.stats.events;
        self.stats.malformed += o.stats.malformed;
        self.stats.without_time += o.stats.without_time;
        for (a, b) in self.stats.matches.iter_mut().zip(o.stats.matches) {
            *a += b;
        }
        for (a, b) in self.stats.capped.iter_mut().zip(o.stats.capped) {
            *a += b;
        }
        self.activity.merge(o.activity);
        for (k, a) in o.aggs {
            self.add_agg(k, a);
        }
        // Settled alerts: the earliest per group. Inputs merge in input
        // order, so the other side's events of a group settled here come
        // later and are not needed.
        for (mine, theirs) in self.settled.iter_mut().zip(o.settled) {
            for (k, a) in theirs {
                match mine.get(&k) {
                    Some(m) if m.first_ms <= a.first_ms => {}
                    _ => {
                        mine.insert(k, a);
                    }
                }
            }
        }
        for (ci, og) in o.groups.into_iter().enumerate() {
            for (k, evs) in og {
                self.add_corr(engine, ci, k, evs);
            }
        }
        self.skipped.extend(o.skipped);
        self.problems.extend(o.problems);
    }
}

/// Process one batch: its units in parallel, absorbed in order.
pub(crate) fn process_batch(engine: &Engine, batch: &Batch, acc: &mut Acc) {
    let units = match reader::units(batch) {
        Ok(u) => u,
        Err(p) => {
            acc.absorb(
                engine,
                &batch.file,
                ChunkOut {
                    problems: vec![p],
                    ..ChunkOut::default()
                },
            );
            return;
        }
    };
    // A few tasks per thread: enough to balance, few enough that hits of
    // the same rule and principal are aggregated in one place.
    let size = (units.len() / (rayon::current_num_threads() * 4)).max(256);
    let outs: Vec<ChunkOut> = units
        .par_chunks(size)
        .map(|chunk| process_units(engine, batch.source, &batch.file, chunk))
        .collect();
    for o in outs {
        acc.absorb(engine, &batch.file, o);
    }
}

fn read_one(engine: &Engine, path: &std::path::Path, opts: &ReadOptions) -> Acc {
    let mut acc = Acc::new(engine.set.rules.len(), engine.set.correlations.len());
    acc.max_groups = opts.max_groups;
    let mut skipped = Vec::new();
    reader::read_input(path, opts, &mut skipped, &mut |batch: &Batch| {
        process_batch(engine, batch, &mut acc);
    });
    acc.skipped.extend(skipped);
    acc.finish_file(&path.display().to_string());
    acc
}

/// Run the engine over the inputs.
pub fn detect(engine: &Engine, paths: &[PathBuf], opts: &ReadOptions) -> Outcome {
    let mut skipped = Vec::new();
    let files = reader::expand_paths(paths, &mut skipped);
    let nrules = engine.set.rules.len();
    let ncorr = engine.set.correlations.len();
    let mut acc = Acc::new(nrules, ncorr);
    acc.max_groups = opts.max_groups;
    let parts: Vec<Acc> = files
        .par_iter()
        .map(|f| read_one(engine, f, opts))
        .collect();
    for p in parts {
        acc.merge(engine, p);
    }
    let mut stats = acc.stats;
    stats.files = files.len();
    skipped.extend(acc.skipped);
    skipped.extend(acc.problems);
    if stats.without_time > 0 && ncorr > 0 {
        skipped.push(Skipped::new(
            "(events)",
            format!(
                "{} events have no readable eventTime: correlations left them out",
                stats.without_time
            ),
        ));
    }
    for e in &engine.set.errors {
        skipped.push(
            Skipped::new(e.file.clone(), format!("rule not loaded: {}", e.message))
                .at(u32::try_from(e.line).ok(), None),
        );
    }
    skipped.extend(capped_notes(engine, &stats.capped, opts.max_groups));

    let mut findings = Vec::new();
    for ((ri, _), agg) in &acc.aggs {
        if let Some(rule) = engine.set.rules.get(*ri as usize) {
            findings.push(event_finding(&rule.header, agg));
        }
    }
    let alerts = correlate_groups(engine, acc.groups, acc.settled, &mut stats.alerts);
    for (ci, a) in alerts.iter().enumerate() {
        if let (true, Some(c)) = (
            engine.corr_reported.get(ci).copied().unwrap_or(true),
            engine.set.correlations.get(ci),
        ) {
            for al in a {
                findings.push(alert_finding(c, al));
            }
        }
    }
    let mut rules: Vec<RuleInfo> = engine
        .set
        .rules
        .iter()
        .zip(&engine.reported)
        .filter(|(_, rep)| **rep)
        .map(|(r, _)| rule_info(&r.header))
        .collect();
    rules.extend(
        engine
            .set
            .correlations
            .iter()
            .map(|c| rule_info(&c.def.header)),
    );
    Outcome {
        findings,
        rules,
        skipped,
        stats,
        alerts,
        activity: acc.activity,
    }
}

/// Evaluate every correlation over its groups, in order: a correlation's
/// referenced correlations come before it, and their alerts join its
/// groups as events at the time each alert's condition was met. Returns
/// the alerts per correlation; `counts` gets their numbers.
pub(crate) fn correlate_groups(
    engine: &Engine,
    groups: Vec<HashMap<Vec<String>, Vec<CorrEvent>>>,
    settled: Vec<HashMap<Vec<String>, Alert>>,
    counts: &mut [u64],
) -> Vec<Vec<Alert>> {
    let mut settled = settled;
    let ncorr = engine.set.correlations.len();
    // In order: a correlation's referenced correlations come before it, and
    // their alerts join its groups as events at the time each alert's
    // condition was met.
    let mut groups = groups;
    let mut alerts: Vec<Vec<Alert>> = Vec::with_capacity(ncorr);
    for (ci, c) in engine.set.correlations.iter().enumerate() {
        let mut g = groups.get_mut(ci).map(std::mem::take).unwrap_or_default();
        for (pos, r) in c.refs.iter().enumerate() {
            let CorrRef::Correlation(cj) = *r else {
                continue;
            };
            let (Some(inner), Some(found)) = (engine.set.correlations.get(cj), alerts.get(cj))
            else {
                continue;
            };
            for a in found {
                let value_of = |f: &crate::matcher::FieldPath| {
                    inner
                        .def
                        .group_by
                        .iter()
                        .position(|g| g.full == f.full)
                        .and_then(|i| a.group.get(i).cloned())
                };
                let key: Vec<String> = c
                    .def
                    .group_by
                    .iter()
                    .map(|f| value_of(c.def.group_field(pos, f)).unwrap_or_default())
                    .collect();
                g.entry(key).or_default().push(CorrEvent {
                    time_ms: a.last_ms,
                    rule_pos: pos,
                    value: c.def.field.as_ref().and_then(value_of),
                });
            }
        }
        let mut a = correlate::evaluate(&c.def, g);
        // Alerts settled while reading: the earlier of the two per group.
        if let Some(s) = settled.get_mut(ci).map(std::mem::take) {
            if !s.is_empty() {
                let mut by_key: BTreeMap<Vec<String>, Alert> =
                    a.into_iter().map(|x| (x.group.clone(), x)).collect();
                for (k, x) in s {
                    match by_key.get(&k) {
                        Some(y) if y.first_ms <= x.first_ms => {}
                        _ => {
                            by_key.insert(k, x);
                        }
                    }
                }
                a = by_key.into_values().collect();
            }
        }
        if let Some(n) = counts.get_mut(ci) {
            *n = a.len() as u64;
        }
        alerts.push(a);
    }
    alerts
}

/// Notes for correlations whose group cap dropped events.
pub(crate) fn capped_notes(engine: &Engine, capped: &[u64], max_groups: usize) -> Vec<Skipped> {
    capped
        .iter()
        .zip(&engine.set.correlations)
        .filter(|(n, _)| **n > 0)
        .map(|(n, c)| {
            let h = &c.def.header;
            Skipped::new(
                h.file.clone(),
                format!(
                    "correlation `{}` reached {max_groups} groups: {n} events of further groups were dropped and their alerts may be missed (raise --max-groups)",
                    h.rule_id
                ),
            )
            .at(u32::try_from(h.line).ok(), None)
        })
        .collect()
}

/// Best practices a detection supports when a rule names none: SEC04-BP03,
/// correlate and enrich security alerts.
const DEFAULT_WA: &str = "SEC04-BP03";

fn wa_of(h: &Header) -> Vec<String> {
    if h.pillar.wa.is_empty() {
        vec![DEFAULT_WA.to_owned()]
    } else {
        h.pillar.wa.clone()
    }
}

fn remediation_of(h: &Header) -> Remediation {
    Remediation {
        console: h.pillar.response.clone(),
        cli: h.pillar.cli.clone(),
        terraform: String::new(),
    }
}

/// Rule metadata for reports.
pub fn rule_info(h: &Header) -> RuleInfo {
    let mut docs = String::new();
    docs.push_str("## What it does\n\n");
    docs.push_str(if h.description.is_empty() {
        &h.title
    } else {
        &h.description
    });
    docs.push_str("\n\n");
    if !h.falsepositives.is_empty() {
        docs.push_str("## False positives\n\n");
        for f in &h.falsepositives {
            docs.push_str(&format!("* {f}\n"));
        }
        docs.push('\n');
    }
    if !h.references.is_empty() {
        docs.push_str("## References\n\n");
        for r in &h.references {
            docs.push_str(&format!("* {r}\n"));
        }
    }
    RuleInfo {
        id: h.rule_id.clone(),
        title: h.title.clone(),
        severity: h.severity,
        domain: Domain::Detection,
        service: "cloudtrail".to_owned(),
        wa: wa_of(h),
        cis: h.pillar.cis.clone(),
        rationale: h.description.clone(),
        remediation: remediation_of(h),
        docs,
        help_uri: h.references.first().cloned().unwrap_or_default(),
    }
}

fn sample_json(s: &Summary) -> Value {
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k.to_owned(), Value::String(v.to_owned()));
        }
    };
    put("eventTime", &s.time);
    put("eventSource", &s.source);
    put("eventName", &s.name);
    put("awsRegion", &s.region);
    put("sourceIPAddress", &s.ip);
    put("userAgent", &s.agent);
    put("errorCode", &s.error);
    put("eventID", &s.id);
    let mut at = s.loc.file.to_string();
    if let Some(l) = s.loc.line {
        at.push_str(&format!(":{l}"));
    }
    if let Some(r) = s.loc.record {
        at.push_str(&format!(" record {r}"));
    }
    m.insert("at".to_owned(), Value::String(at));
    Value::Object(m)
}

pub(crate) fn event_finding(h: &Header, a: &Agg) -> Finding {
    let f = &a.first;
    let kind = match f.kind {
        LogKind::CloudTrail => "AWS::IAM::Principal",
        // A flow record has no principal: the finding is about the source.
        LogKind::VpcFlow => "IPAddress",
        LogKind::S3Access if f.principal.starts_with("arn:") => "AWS::IAM::Principal",
        LogKind::S3Access => "S3::Requester",
    };
    let resource = ResourceRef::new(kind, f.principal.clone())
        .in_account(f.account.clone())
        .from_source(SourceKind::Logs);
    let resource = if f.region.is_empty() {
        resource
    } else {
        resource.in_region(f.region.clone())
    };
    let when = if a.count > 1 {
        format!("{} events from {} to {}", a.count, f.time, a.last_time)
    } else {
        format!("at {}", f.time)
    };
    let from = if f.ip.is_empty() || f.ip == f.principal {
        String::new()
    } else {
        format!(" from {}", f.ip)
    };
    let message = format!(
        "{}: {} by {}{} ({} {})",
        h.title, f.name, f.principal, from, when, f.source
    );
    let mut evidence = json!({
        "count": a.count,
        "first_seen": f.time,
        "last_seen": a.last_time,
        "events": a.samples.iter().map(|s| sample_json(s)).collect::<Vec<_>>(),
        "rule_file": format!("{}:{}", h.file, h.line),
    });
    if let Some(obj) = evidence.as_object_mut() {
        let t = h.techniques();
        if !t.is_empty() {
            obj.insert("mitre_attack".to_owned(), json!(t));
        }
        if let Some(g) = &h.pillar.guardduty {
            obj.insert("guardduty".to_owned(), json!(g));
        }
    }
    Finding {
        rule: h.rule_id.clone(),
        title: h.title.clone(),
        severity: h.severity,
        domain: Domain::Detection,
        wa: wa_of(h),
        cis: h.pillar.cis.clone(),
        status: Status::Fail,
        fingerprint: fingerprint(&h.rule_id, &resource, ""),
        resource,
        location: Some(Location::new(f.loc.file.to_string(), f.loc.line)),
        source: SourceKind::Logs,
        message,
        evidence,
        remediation: remediation_of(h),
    }
}

fn fmt_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

pub(crate) fn alert_finding(c: &crate::engine::Correlation, a: &Alert) -> Finding {
    let h = &c.def.header;
    let fields: Vec<&str> = c.def.group_by.iter().map(|g| g.full.as_str()).collect();
    let group_text = fields
        .iter()
        .zip(&a.group)
        .map(|(f, v)| format!("{f}={v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let principal_field = fields.iter().position(|f| f.starts_with("userIdentity."));
    let resource = match principal_field.and_then(|i| a.group.get(i)) {
        Some(p) if !p.is_empty() => ResourceRef::new("AWS::IAM::Principal", p.clone()),
        _ => ResourceRef::new(
            "CloudTrail::Group",
            if group_text.is_empty() {
                "(all events)".to_owned()
            } else {
                group_text.clone()
            },
        ),
    }
    .from_source(SourceKind::Logs);
    let measure = match c.def.kind {
        crate::rule::CorrelationKind::EventCount => "events".to_owned(),
        crate::rule::CorrelationKind::ValueCount => format!(
            "distinct {}",
            c.def.field.as_ref().map_or("values", |f| f.full.as_str())
        ),
        crate::rule::CorrelationKind::ValueSum => "total".to_owned(),
        crate::rule::CorrelationKind::ValueAvg => "average".to_owned(),
        crate::rule::CorrelationKind::Temporal | crate::rule::CorrelationKind::TemporalOrdered => {
            "rules matched".to_owned()
        }
    };
    let message = format!(
        "{}: {} {} between {} and {} (window {} s) for {}",
        h.title,
        a.value,
        measure,
        fmt_ms(a.first_ms),
        fmt_ms(a.last_ms),
        c.def.timespan_ms / 1000,
        if group_text.is_empty() {
            "all events"
        } else {
            &group_text
        }
    );
    let group: serde_json::Map<String, Value> = fields
        .iter()
        .zip(&a.group)
        .map(|(f, v)| ((*f).to_owned(), Value::String(v.clone())))
        .collect();
    Finding {
        rule: h.rule_id.clone(),
        title: h.title.clone(),
        severity: h.severity,
        domain: Domain::Detection,
        wa: wa_of(h),
        cis: h.pillar.cis.clone(),
        status: Status::Fail,
        fingerprint: fingerprint(&h.rule_id, &resource, &group_text),
        resource,
        location: None,
        source: SourceKind::Logs,
        message,
        evidence: json!({
            "correlation": c.def.kind.to_string(),
            "group": group,
            "window_start": fmt_ms(a.first_ms),
            "window_end": fmt_ms(a.last_ms),
            "count": a.value,
            "rule_file": format!("{}:{}", h.file, h.line),
        }),
        remediation: remediation_of(h),
    }
}

/// The severity a finding carries, for callers that filter.
pub fn max_severity(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::engine::RuleSet;

    #[test]
    fn chained_correlations() {
        let mut set = RuleSet::default();
        set.add_text(
            "title: A\nname: a\ndetection:\n  sel: {eventName: A}\n  condition: sel\n---\ntitle: B\nname: b\ndetection:\n  sel: {eventName: B}\n  condition: sel\n",
            "r.yml",
        );
        // The outer correlation comes first in the file: order must not matter.
        set.add_text(
            "title: burst then B\nname: c2\ncorrelation:\n  type: temporal_ordered\n  rules: [c1, b]\n  group-by: [userIdentity.arn]\n  timespan: 10m\n---\ntitle: burst of A\nname: c1\ncorrelation:\n  type: event_count\n  rules: [a]\n  group-by: [userIdentity.arn, awsRegion]\n  timespan: 1m\n  condition: {gte: 2}\n---\ntitle: loop1\nname: x\ncorrelation:\n  type: temporal\n  rules: [y, a]\n  timespan: 1m\n---\ntitle: loop2\nname: y\ncorrelation:\n  type: temporal\n  rules: [x]\n  timespan: 1m\n",
            "c.yml",
        );
        set.finish();
        assert_eq!(set.correlations.len(), 2, "{:?}", set.errors);
        assert_eq!(set.errors.len(), 2, "{:?}", set.errors);
        assert!(set.errors.iter().all(|e| e.message.contains("cycle")));
        assert_eq!(set.correlations[0].def.header.title, "burst of A");
        let engine = Engine::new(set);
        let ev = |u: &str, n: &str, t: &str| {
            format!("{{\"eventName\":\"{n}\",\"eventTime\":\"2024-01-01T00:{t}Z\",\"awsRegion\":\"r\",\"userIdentity\":{{\"arn\":\"{u}\"}}}}\n")
        };
        let text = [
            ev("u", "A", "00:00"),
            ev("u", "A", "00:10"),
            ev("u", "B", "01:00"),
            ev("v", "B", "00:00"),
            ev("v", "A", "00:05"),
            ev("v", "A", "00:06"),
        ]
        .concat();
        let path = std::env::temp_dir().join(format!("pillar-chain-{}.jsonl", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let out = detect(
            &engine,
            std::slice::from_ref(&path),
            &ReadOptions::default(),
        );
        std::fs::remove_file(&path).unwrap();
        assert_eq!(out.stats.alerts, vec![2, 1]);
        assert_eq!(out.alerts[1][0].group, vec!["u".to_owned()]);
        // The inner correlation only feeds the outer one.
        let rules: Vec<&str> = out.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, vec!["c2"]);
    }

    fn run_text(set: RuleSet, text: &str, opts: &ReadOptions, tag: &str) -> Outcome {
        let engine = Engine::new(set);
        let path = std::env::temp_dir().join(format!("pillar-{tag}-{}.jsonl", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let out = detect(&engine, std::slice::from_ref(&path), opts);
        std::fs::remove_file(&path).unwrap();
        out
    }

    #[test]
    fn aliases_join_differently_named_fields() {
        let mut set = RuleSet::default();
        set.add_text(
            "title: key created\nname: key\ndetection:\n  sel: {eventName: CreateAccessKey}\n  condition: sel\n---\ntitle: key used\nname: used\ndetection:\n  sel: {eventName: ListBuckets}\n  condition: sel\n---\ntitle: new key used soon\nname: c\ncorrelation:\n  type: temporal_ordered\n  rules: [key, used]\n  aliases:\n    keyid:\n      key: responseElements.accessKey.accessKeyId\n      used: userIdentity.accessKeyId\n  group-by: [keyid]\n  timespan: 1h\n",
            "a.yml",
        );
        set.finish();
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        let text = concat!(
            "{\"eventName\":\"CreateAccessKey\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"responseElements\":{\"accessKey\":{\"accessKeyId\":\"AKIAX\"}}}\n",
            "{\"eventName\":\"CreateAccessKey\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"responseElements\":{\"accessKey\":{\"accessKeyId\":\"AKIAY\"}}}\n",
            "{\"eventName\":\"ListBuckets\",\"eventTime\":\"2024-01-01T00:10:00Z\",\"userIdentity\":{\"accessKeyId\":\"AKIAX\"}}\n",
            "{\"eventName\":\"ListBuckets\",\"eventTime\":\"2024-01-01T00:10:00Z\",\"userIdentity\":{\"accessKeyId\":\"AKIAZ\"}}\n",
        );
        let out = run_text(set, text, &ReadOptions::default(), "alias");
        assert_eq!(out.alerts[0].len(), 1, "{:?}", out.alerts);
        assert_eq!(out.alerts[0][0].group, vec!["AKIAX".to_owned()]);
        let f = &out.findings[0];
        assert!(f.message.contains("keyid=AKIAX"), "{}", f.message);
    }

    fn burst_set() -> RuleSet {
        let mut set = RuleSet::default();
        set.add_text(
            "title: denied\nname: d\ndetection:\n  sel: {errorCode: AccessDenied}\n  condition: sel\n---\ntitle: burst\nname: burst\ncorrelation:\n  type: event_count\n  rules: [d]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: {gte: 5}\n",
            "b.yml",
        );
        set.finish();
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        set
    }

    fn denied(user: &str, secs: i64) -> String {
        let t = chrono::DateTime::from_timestamp(1_700_000_000 + secs, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ");
        format!("{{\"errorCode\":\"AccessDenied\",\"eventTime\":\"{t}\",\"userIdentity\":{{\"arn\":\"{user}\"}}}}\n")
    }

    #[test]
    fn long_groups_are_compacted_and_alert_as_before() {
        // 3 x COMPACT_AT slow events (one every 30 s: never 5 in a minute)
        // for one principal, then a burst; another principal bursts first.
        let n = 3 * crate::correlate::COMPACT_AT as i64;
        let mut text = String::new();
        for i in 0..5 {
            text.push_str(&denied("early", i));
        }
        for i in 0..n {
            text.push_str(&denied("slow", i * 30));
        }
        for i in 0..5 {
            text.push_str(&denied("slow", n * 30 + i));
        }
        // The early principal keeps going long after its alert.
        for i in 0..n {
            text.push_str(&denied("early", 100 + i));
        }
        let out = run_text(burst_set(), &text, &ReadOptions::default(), "compact");
        let groups: Vec<&str> = out.alerts[0].iter().map(|a| a.group[0].as_str()).collect();
        assert_eq!(groups, vec!["early", "slow"]);
        assert_eq!(out.alerts[0][0].first_ms, 1_700_000_000_000);
        // The slow principal's alert window is the burst, found after
        // thousands of its events were dropped as expired.
        assert_eq!(
            out.alerts[0][1].first_ms,
            (1_700_000_000 + (n - 1) * 30) * 1000
        );
        assert!(out.alerts[0][1].value >= 5.0);
    }

    #[test]
    fn compact_keeps_only_what_a_window_can_use() {
        let set = burst_set();
        let def = &set.correlations[0].def;
        let ev = |s: i64| CorrEvent {
            time_ms: s * 1000,
            rule_pos: 0,
            value: None,
        };
        let mut evs: Vec<CorrEvent> = (0..100).rev().map(|i| ev(i * 30)).collect();
        assert_eq!(correlate::compact(def, &mut evs), None);
        // Newest at 2970 s: events from 2910 s on are kept, in time order.
        assert_eq!(evs, vec![ev(2910), ev(2940), ev(2970)]);
        let mut evs: Vec<CorrEvent> = (0..6).map(ev).collect();
        assert_eq!(correlate::compact(def, &mut evs), Some((0, 5000, 6.0)));
        assert!(evs.is_empty());
    }

    #[test]
    fn group_cap_drops_and_says_so() {
        let mut text = String::new();
        for u in ["a", "b", "c", "d"] {
            for i in 0..5 {
                text.push_str(&denied(u, i));
            }
        }
        let opts = ReadOptions {
            max_groups: 2,
            ..ReadOptions::default()
        };
        let out = run_text(burst_set(), &text, &opts, "cap");
        assert_eq!(out.alerts[0].len(), 2);
        assert_eq!(out.stats.capped, vec![10]);
        let note = out
            .skipped
            .iter()
            .find(|s| s.reason.contains("reached 2 groups"))
            .expect("a note on the cap");
        assert!(note.reason.contains("10 events"), "{}", note.reason);
        assert!(note.reason.contains("`burst`"), "{}", note.reason);
        let out = run_text(burst_set(), &text, &ReadOptions::default(), "nocap");
        assert_eq!(out.alerts[0].len(), 4);
        assert_eq!(out.stats.capped, vec![0]);
    }

    #[test]
    fn times() {
        for t in [
            "2023-07-10T11:42:36Z",
            "2023-07-10T11:42:36.250Z",
            "2023-07-10T13:42:36+02:00",
            "1999-12-31T23:59:59Z",
        ] {
            let want = chrono::DateTime::parse_from_rfc3339(t)
                .unwrap()
                .timestamp_millis();
            assert_eq!(parse_time(t), Some(want), "{t}");
        }
        assert_eq!(parse_time("2023-13-10T11:42:36Z"), None);
        assert_eq!(parse_time("2023-07-10T1a:42:36Z"), None);
        assert_eq!(parse_time("yesterday"), None);
    }
}
