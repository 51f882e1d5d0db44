//! `--follow`: read files and folders as they grow, by polling (no file
//! notification dependency), and return the detections of each round.
//!
//! Every file is first read from its start; then only the whole lines
//! appended since the last round are read (a line still being written
//! waits for its newline; a last JSON line that is whole JSON is taken
//! without one). A file that shrinks was replaced or truncated
//! and is read again from its start. Files that appear under a followed
//! folder are picked up. JSON Lines, VPC flow logs and S3 server access
//! logs are followed; a
//! gzip file or a single JSON document is read once, whole.
//!
//! Correlations keep their events across rounds, pruned to twice the
//! longest `timespan` before the newest event time, so memory stays
//! bounded; an alert is returned once per group and window.

use crate::correlate::CorrEvent;
use crate::engine::Engine;
use crate::flow::{header_of, push_record, Header, DEFAULT_V2};
use crate::reader::{self, Batch, BatchKind, ReadOptions};
use crate::rule::LogKind;
use crate::run::{self, Acc};
use pillar_model::{Finding, Skipped};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;

/// Bytes read from one file in one round (the rest waits for the next).
const MAX_ROUND_BYTES: u64 = 64 << 20;

#[derive(Debug, Clone)]
enum Kind {
    Json,
    Flow(Vec<String>),
    S3Access,
}

#[derive(Debug, Default)]
struct FileState {
    offset: u64,
    /// Lines read so far.
    line: u32,
    kind: Option<Kind>,
    /// Read whole once (gzip, a document): not followed.
    done: bool,
}

/// What one round found.
#[derive(Debug, Default)]
pub struct Round {
    /// New detections (per rule and principal among the new events) and
    /// new correlation alerts.
    pub findings: Vec<Finding>,
    /// Inputs and records that could not be used in this round.
    pub skipped: Vec<Skipped>,
    /// Events read in this round.
    pub events: u64,
}

/// Follows inputs across rounds.
#[derive(Debug)]
pub struct Follower<'e> {
    engine: &'e Engine,
    paths: Vec<PathBuf>,
    opts: ReadOptions,
    files: BTreeMap<PathBuf, FileState>,
    groups: Vec<HashMap<Vec<String>, Vec<CorrEvent>>>,
    /// Per correlation and group, the end of the last alert returned.
    alerted: HashMap<(usize, Vec<String>), i64>,
    first_round: bool,
}

impl<'e> Follower<'e> {
    /// Follow `paths` (files and folders; not standard input).
    pub fn new(engine: &'e Engine, paths: &[PathBuf], opts: ReadOptions) -> Self {
        Follower {
            engine,
            paths: paths.to_vec(),
            opts,
            files: BTreeMap::new(),
            groups: vec![HashMap::new(); engine.set.correlations.len()],
            alerted: HashMap::new(),
            first_round: true,
        }
    }

    /// Read what was added since the last round.
    pub fn poll(&mut self) -> Round {
        let engine = self.engine;
        let mut acc = Acc::new(engine.set.rules.len(), engine.set.correlations.len());
        // Rounds are pruned by time below; the group cap holds in each.
        acc.compact = false;
        acc.max_groups = self.opts.max_groups;
        let mut missing = Vec::new();
        let files = reader::expand_paths(&self.paths, &mut missing);
        if std::mem::take(&mut self.first_round) {
            acc.skipped.extend(missing);
        }
        for f in files {
            let st = self.files.entry(f.clone()).or_default();
            read_new(engine, &f, st, &self.opts, &mut acc);
            acc.finish_file(&f.display().to_string());
        }
        let mut round = Round {
            events: acc.stats.events,
            ..Round::default()
        };
        for ((ri, _), agg) in &acc.aggs {
            if let Some(rule) = engine.set.rules.get(*ri as usize) {
                round.findings.push(run::event_finding(&rule.header, agg));
            }
        }
        round.skipped.extend(std::mem::take(&mut acc.skipped));
        round.skipped.extend(std::mem::take(&mut acc.problems));
        if !self.groups.is_empty() {
            round.skipped.extend(run::capped_notes(
                engine,
                &acc.stats.capped,
                self.opts.max_groups,
            ));
            self.correlate(acc.groups, &mut round.findings, &mut round.skipped);
        }
        round
    }

    fn correlate(
        &mut self,
        new: Vec<HashMap<Vec<String>, Vec<CorrEvent>>>,
        findings: &mut Vec<Finding>,
        skipped: &mut Vec<Skipped>,
    ) {
        let engine = self.engine;
        let mut capped = vec![0u64; self.groups.len()];
        for ((g, ng), dropped) in self.groups.iter_mut().zip(new).zip(&mut capped) {
            for (k, mut evs) in ng {
                let n = g.len();
                match g.get_mut(&k) {
                    Some(l) => l.append(&mut evs),
                    None if n >= self.opts.max_groups => *dropped += evs.len() as u64,
                    None => {
                        g.insert(k, evs);
                    }
                }
            }
        }
        skipped.extend(run::capped_notes(engine, &capped, self.opts.max_groups));
        // Keep only what a window can still use.
        let newest = self
            .groups
            .iter()
            .flat_map(|g| g.values().flatten())
            .map(|e| e.time_ms)
            .max();
        let span = engine
            .set
            .correlations
            .iter()
            .map(|c| c.def.timespan_ms)
            .max()
            .unwrap_or(0);
        if let Some(newest) = newest {
            let horizon = newest.saturating_sub(span.saturating_mul(2));
            for g in &mut self.groups {
                g.retain(|_, evs| {
                    evs.retain(|e| e.time_ms >= horizon);
                    !evs.is_empty()
                });
            }
            // An alert ending before the horizon cannot be found again.
            self.alerted.retain(|_, end| *end >= horizon);
        }
        let mut counts = vec![0; engine.set.correlations.len()];
        let alerts = run::correlate_groups(engine, self.groups.clone(), Vec::new(), &mut counts);
        for (ci, list) in alerts.iter().enumerate() {
            let (Some(c), true) = (
                engine.set.correlations.get(ci),
                engine.corr_reported.get(ci).copied().unwrap_or(true),
            ) else {
                continue;
            };
            for a in list {
                let key = (ci, a.group.clone());
                if self.alerted.get(&key).is_some_and(|&end| a.first_ms <= end) {
                    continue;
                }
                self.alerted.insert(key, a.last_ms);
                findings.push(run::alert_finding(c, a));
            }
        }
    }
}

fn skip(acc: &mut Acc, name: &str, line: Option<u32>, why: String) {
    acc.skipped
        .push(Skipped::new(name.to_owned(), why).at(line, None));
}

/// Read what was appended to `path` since `st`.
fn read_new(
    engine: &Engine,
    path: &std::path::Path,
    st: &mut FileState,
    opts: &ReadOptions,
    acc: &mut Acc,
) {
    let name = path.display().to_string();
    if st.done {
        return;
    }
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(_) => return, // gone for now (rotated): looked at again next round
    };
    if len < st.offset {
        *st = FileState::default();
    }
    if len == st.offset {
        return;
    }
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return skip(acc, &name, None, format!("cannot open: {e}")),
    };
    let want = (len - st.offset).min(MAX_ROUND_BYTES);
    let mut data = Vec::new();
    let read = file
        .seek(SeekFrom::Start(st.offset))
        .and_then(|_| (&mut file).take(want).read_to_end(&mut data));
    if let Err(e) = read {
        return skip(acc, &name, Some(st.line + 1), format!("cannot read: {e}"));
    }
    if st.kind.is_none() {
        let trimmed = data
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(data.len());
        let rest = data.get(trimmed..).unwrap_or_default();
        let first_line = rest
            .get(..memchr::memchr(b'\n', rest).unwrap_or(rest.len()))
            .unwrap_or_default();
        let kind = if rest.starts_with(&[0x1f, 0x8b]) || rest.starts_with(b"[") {
            None
        } else if rest.starts_with(b"{") {
            if memchr::memchr(b'\n', rest).is_none() && (data.len() as u64) < len {
                return; // the first line is not whole yet
            }
            reader::line_is_complete(first_line).then_some(Kind::Json)
        } else if memchr::memchr(b'\n', rest).is_none() {
            return; // wait for the whole first line
        } else {
            match header_of(first_line) {
                Some(Header::Fields(f)) => Some(Kind::Flow(f)),
                Some(Header::DefaultNoHeader) => Some(Kind::Flow(
                    DEFAULT_V2.iter().map(|s| (*s).to_owned()).collect(),
                )),
                None if crate::s3access::looks_like(first_line) => Some(Kind::S3Access),
                None => None,
            }
        };
        match kind {
            Some(k) => st.kind = Some(k),
            None => {
                // Not line-oriented: read whole, once.
                st.done = true;
                let mut skipped = Vec::new();
                reader::read_input(path, opts, &mut skipped, &mut |b: &Batch| {
                    run::process_batch(engine, b, acc);
                });
                acc.skipped.extend(skipped);
                return;
            }
        }
    }
    let mut cut = memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1);
    // A last JSON line without its newline is taken when it is whole JSON
    // (an object's braces close only at its end).
    if matches!(st.kind, Some(Kind::Json))
        && data
            .get(cut..)
            .is_some_and(|t| !t.iter().all(u8::is_ascii_whitespace) && reader::line_is_complete(t))
    {
        cut = data.len();
    }
    let Some(cut) = (cut > 0).then_some(cut) else {
        if want as usize >= opts.max_document_bytes.min(MAX_ROUND_BYTES) as usize {
            st.done = true;
            skip(
                acc,
                &name,
                Some(st.line + 1),
                "line too long: the file is no longer followed".to_owned(),
            );
        }
        return;
    };
    data.truncate(cut);
    st.offset += cut as u64;
    let file_name: Arc<str> = Arc::from(name.as_str());
    let first = st.line + 1;
    let (lines, next) = reader::spans(&data, first);
    // A last line taken without its newline ends with the next round's
    // first byte: that round starts on the same line.
    st.line = if data.ends_with(b"\n") {
        next.saturating_sub(1)
    } else {
        next.saturating_sub(2)
    };
    let batch = match &st.kind {
        Some(Kind::Json) => Batch {
            file: file_name,
            data,
            kind: BatchKind::Lines(lines),
            source: LogKind::CloudTrail,
        },
        Some(Kind::Flow(fields)) => {
            let mut out = Vec::with_capacity(data.len() * 2);
            let mut spans = Vec::with_capacity(lines.len());
            for (n, s, e) in lines {
                let Some(line) = data.get(s..e) else { continue };
                // The header line itself (the first line of a file with one).
                if n == 1 && header_of(line).is_some_and(|h| matches!(h, Header::Fields(_))) {
                    continue;
                }
                push_record(
                    fields,
                    n,
                    line,
                    &mut out,
                    &mut spans,
                    &name,
                    &mut acc.skipped,
                );
            }
            Batch {
                file: file_name,
                data: out,
                kind: BatchKind::Lines(spans),
                source: LogKind::VpcFlow,
            }
        }
        Some(Kind::S3Access) => {
            let mut out = Vec::with_capacity(data.len() * 2);
            let mut spans = Vec::with_capacity(lines.len());
            for (n, s, e) in lines {
                let Some(line) = data.get(s..e) else { continue };
                crate::flow::push_parsed(
                    crate::s3access::record(line),
                    n,
                    &mut out,
                    &mut spans,
                    &name,
                    &mut acc.skipped,
                );
            }
            Batch {
                file: file_name,
                data: out,
                kind: BatchKind::Lines(spans),
                source: LogKind::S3Access,
            }
        }
        None => return,
    };
    run::process_batch(engine, &batch, acc);
}
