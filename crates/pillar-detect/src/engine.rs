//! A rule set compiled into a matcher indexed on `eventName`, so that an
//! event is tested only against the rules that can match it.

use crate::event::Event;
use crate::matcher::FieldPath;
use crate::rule::{
    parse_file_with, CorrelationDef, Document, LogKind, Placeholders, Rule, RuleError,
};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// What a correlation refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrRef {
    /// A detection rule (index into [`RuleSet::rules`]).
    Rule(usize),
    /// Another correlation (index into [`RuleSet::correlations`], always
    /// lower than the referring one's).
    Correlation(usize),
}

/// A correlation with its references resolved.
#[derive(Debug, Clone)]
pub struct Correlation {
    /// The definition.
    pub def: CorrelationDef,
    /// The referenced rules and correlations, in the listed order.
    pub refs: Vec<CorrRef>,
}

/// Rules and correlations loaded from files, with the errors met.
#[derive(Debug, Default, Clone)]
pub struct RuleSet {
    /// Single-event rules.
    pub rules: Vec<Rule>,
    /// Correlations.
    pub correlations: Vec<Correlation>,
    /// Rules that could not be used.
    pub errors: Vec<RuleError>,
    /// Rules that were read but are for other log sources (file, title).
    pub other_logsource: Vec<(String, String)>,
    /// Values of `%name%` placeholders (`expand` modifier) for rules added
    /// after they are set.
    pub placeholders: Placeholders,
    pending: Vec<CorrelationDef>,
}

/// The shipped rule pack, embedded in the binary.
pub const SHIPPED: &[(&str, &str)] = &crate::pack::FILES;

impl RuleSet {
    /// The shipped pack.
    pub fn shipped() -> Self {
        let mut s = RuleSet::default();
        s.add_shipped();
        s.finish();
        s
    }

    /// Add the shipped pack (call [`RuleSet::finish`] once all rules are in).
    pub fn add_shipped(&mut self) {
        for (name, text) in SHIPPED {
            let path = if name.contains('/') {
                format!("rules/{name}")
            } else {
                format!("rules/cloudtrail/{name}")
            };
            self.add_text(text, &path);
        }
    }

    /// Add every document of one rule file's text.
    pub fn add_text(&mut self, text: &str, file: &str) {
        for doc in parse_file_with(text, file, &self.placeholders) {
            match doc {
                Ok(Document::Rule(r)) => {
                    if r.logsource.kind().is_some() {
                        self.rules.push(*r);
                    } else {
                        self.other_logsource
                            .push((r.header.file.clone(), r.header.title.clone()));
                    }
                }
                Ok(Document::Correlation(c)) => self.pending.push(*c),
                Err(e) => self.errors.push(e),
            }
        }
    }

    /// Read placeholder values from a YAML file: a mapping of names
    /// (without `%`) to a value or a list of values.
    pub fn load_placeholders(&mut self, path: &Path) -> Result<(), RuleError> {
        let name = path.display().to_string();
        let err = |line: usize, message: String| RuleError {
            file: name.clone(),
            line,
            message,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| err(1, format!("cannot read: {e}")))?;
        let docs = crate::yaml::parse_documents(&text)
            .map_err(|e| err(e.line, format!("invalid YAML: {}", e.message)))?;
        for doc in docs {
            if doc.kind == crate::yaml::Kind::Null {
                continue;
            }
            let map = doc.as_map().ok_or_else(|| {
                err(
                    doc.line,
                    "placeholders must be a mapping of names to values".to_owned(),
                )
            })?;
            for (k, v) in map {
                let vals = v.string_list();
                if vals.is_empty() {
                    return Err(err(v.line, format!("placeholder `{k}` has no value")));
                }
                self.placeholders
                    .insert(k.trim_matches('%').to_owned(), vals);
            }
        }
        Ok(())
    }

    /// Add a rule file, or every `.yml`/`.yaml` file under a folder.
    pub fn add_path(&mut self, path: &Path) {
        if path.is_dir() {
            let mut files: Vec<_> = walkdir::WalkDir::new(path)
                .follow_links(false)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml")
                    })
                })
                .collect();
            files.sort();
            for f in files {
                self.add_file(&f);
            }
        } else {
            self.add_file(path);
        }
    }

    fn add_file(&mut self, path: &Path) {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => self.add_text(&text, &name),
                Err(_) => self.errors.push(RuleError {
                    file: name,
                    line: 1,
                    message: "not UTF-8 text".to_owned(),
                }),
            },
            Err(e) => self.errors.push(RuleError {
                file: name,
                line: 1,
                message: format!("cannot read: {e}"),
            }),
        }
    }

    /// Resolve correlations' rule references and check ids are unique.
    /// Call once every file is added.
    pub fn finish(&mut self) {
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut keep = Vec::with_capacity(self.rules.len());
        for r in std::mem::take(&mut self.rules) {
            let h = &r.header;
            if let Some(prev) = seen.get(&h.rule_id) {
                self.errors.push(RuleError {
                    file: h.file.clone(),
                    line: h.line,
                    message: format!("rule id `{}` is already used by {prev}", h.rule_id),
                });
                continue;
            }
            seen.insert(h.rule_id.clone(), h.file.clone());
            keep.push(r);
        }
        self.rules = keep;
        // Correlations may refer to correlations (chains): resolve in
        // rounds, each placing those whose references are all placed, so
        // a referenced correlation always comes first.
        let mut pending = std::mem::take(&mut self.pending);
        let is = |h: &crate::rule::Header, name: &str| {
            h.name.as_deref() == Some(name) || h.sigma_id.as_deref() == Some(name)
        };
        loop {
            let mut progress = false;
            let mut rest = Vec::new();
            let waiting_names: Vec<crate::rule::Header> =
                pending.iter().map(|d| d.header.clone()).collect();
            for def in pending {
                let mut refs = Vec::new();
                let mut waiting = false;
                let mut missing = Vec::new();
                for name in &def.rules {
                    // By `name` or `id` (the specification); by `title` as a
                    // fallback, which some published rule packs use.
                    let rule = self
                        .rules
                        .iter()
                        .position(|r| is(&r.header, name))
                        .or_else(|| self.rules.iter().position(|r| &r.header.title == name));
                    let corr = || {
                        self.correlations
                            .iter()
                            .position(|c| is(&c.def.header, name))
                            .or_else(|| {
                                self.correlations
                                    .iter()
                                    .position(|c| &c.def.header.title == name)
                            })
                    };
                    if let Some(i) = rule {
                        refs.push(CorrRef::Rule(i));
                    } else if let Some(i) = corr() {
                        refs.push(CorrRef::Correlation(i));
                    } else if waiting_names
                        .iter()
                        .any(|h| is(h, name) || &h.title == name)
                    {
                        waiting = true;
                    } else {
                        missing.push(name.clone());
                    }
                }
                if !missing.is_empty() {
                    self.errors.push(RuleError {
                        file: def.header.file.clone(),
                        line: def.header.line,
                        message: format!(
                            "the correlation refers to unknown rules: {}",
                            missing.join(", ")
                        ),
                    });
                } else if waiting {
                    rest.push(def);
                } else {
                    progress = true;
                    self.correlations.push(Correlation { def, refs });
                }
            }
            pending = rest;
            if pending.is_empty() {
                break;
            }
            if !progress {
                for def in pending {
                    self.errors.push(RuleError {
                        file: def.header.file.clone(),
                        line: def.header.line,
                        message:
                            "the correlation refers to itself through other correlations (a cycle)"
                                .to_owned(),
                    });
                }
                break;
            }
        }
    }
}

/// Rules indexed on one field's (lower-case) value.
#[derive(Debug)]
struct Index {
    field: FieldPath,
    by_value: HashMap<String, Vec<u32>>,
}

/// The compiled matcher.
#[derive(Debug)]
pub struct Engine {
    /// The rules.
    pub set: RuleSet,
    indexes: Vec<Index>,
    unindexed: Vec<u32>,
    /// VPC flow log rules (few: tested on every flow record, never on
    /// CloudTrail events).
    flow: Vec<u32>,
    /// S3 server access log rules (likewise only on their own records).
    s3: Vec<u32>,
    /// Rules whose matches are reported (not only used by correlations).
    pub reported: Vec<bool>,
    /// For each rule, the correlations that use it.
    pub used_by: Vec<Vec<usize>>,
    /// Correlations whose alerts are reported (not only used by others).
    pub corr_reported: Vec<bool>,
    /// Gather principals' activity for the stateful detections
    /// ([`crate::stateful`]); off unless asked.
    pub track_activity: bool,
    /// Gather the calls of EC2 instance sessions
    /// ([`crate::instance_creds`]); off unless asked.
    pub track_instance_creds: bool,
}

impl Engine {
    /// Compile a finished rule set.
    pub fn new(set: RuleSet) -> Self {
        let mut indexes: Vec<Index> = Vec::new();
        let mut unindexed = Vec::new();
        let mut flow = Vec::new();
        let mut s3 = Vec::new();
        for (i, r) in set.rules.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            match r.logsource.kind() {
                Some(LogKind::VpcFlow) => {
                    flow.push(i);
                    continue;
                }
                Some(LogKind::S3Access) => {
                    s3.push(i);
                    continue;
                }
                _ => {}
            }
            match r.detection.index_key() {
                Some((field, values)) => {
                    let pos = match indexes.iter().position(|x| x.field.full == field) {
                        Some(p) => p,
                        None => {
                            indexes.push(Index {
                                field: FieldPath::new(&field),
                                by_value: HashMap::new(),
                            });
                            indexes.len() - 1
                        }
                    };
                    if let Some(ix) = indexes.get_mut(pos) {
                        for v in values {
                            ix.by_value.entry(v).or_default().push(i);
                        }
                    }
                }
                None => unindexed.push(i),
            }
        }
        // eventName first: most rules are there.
        indexes.sort_by_key(|x| (x.field.full != "eventName", x.field.full.clone()));
        let mut reported = vec![true; set.rules.len()];
        let mut used_by = vec![Vec::new(); set.rules.len()];
        let mut corr_reported = vec![true; set.correlations.len()];
        for (ci, c) in set.correlations.iter().enumerate() {
            for r in &c.refs {
                match *r {
                    CorrRef::Rule(ri) => {
                        if let Some(u) = used_by.get_mut(ri) {
                            u.push(ci);
                        }
                        if !c.def.generate {
                            if let Some(r) = reported.get_mut(ri) {
                                *r = false;
                            }
                        }
                    }
                    CorrRef::Correlation(cj) => {
                        if !c.def.generate {
                            if let Some(r) = corr_reported.get_mut(cj) {
                                *r = false;
                            }
                        }
                    }
                }
            }
        }
        Engine {
            set,
            indexes,
            unindexed,
            flow,
            s3,
            reported,
            used_by,
            corr_reported,
            track_activity: false,
            track_instance_creds: false,
        }
    }

    /// Rules that an index lookup cannot narrow down (tested on every event).
    pub fn unindexed_count(&self) -> usize {
        self.unindexed.len()
    }

    /// Fields rules are indexed on.
    pub fn index_fields(&self) -> Vec<&str> {
        self.indexes.iter().map(|x| x.field.full.as_str()).collect()
    }

    /// Indices of the rules for logs of `kind` that `event` matches,
    /// ascending, into `out`.
    pub fn matches_kind_into(&self, kind: LogKind, event: &Event<'_>, out: &mut Vec<u32>) {
        match kind {
            LogKind::CloudTrail => self.matches_into(event, out),
            LogKind::VpcFlow | LogKind::S3Access => {
                let list = if kind == LogKind::VpcFlow {
                    &self.flow
                } else {
                    &self.s3
                };
                out.clear();
                out.extend(list.iter().copied().filter(|&i| {
                    self.set
                        .rules
                        .get(i as usize)
                        .is_some_and(|r| r.detection.is_match_event(event))
                }));
            }
        }
    }

    /// Indices of the CloudTrail rules `event` matches, ascending, into `out`.
    pub fn matches_into(&self, event: &Event<'_>, out: &mut Vec<u32>) {
        out.clear();
        let rules = &self.set.rules;
        let test = |i: u32, out: &mut Vec<u32>| {
            if rules
                .get(i as usize)
                .is_some_and(|r| r.detection.is_match_event(event))
            {
                out.push(i);
            }
        };
        let mut buf = String::new();
        for ix in &self.indexes {
            ix.field.any(event, &mut |v| {
                let t = crate::matcher::text_of(v);
                let key: &str = if t.bytes().any(|b| b.is_ascii_uppercase()) || !t.is_ascii() {
                    buf.clear();
                    buf.push_str(&t.to_lowercase());
                    &buf
                } else {
                    &t
                };
                if let Some(ids) = ix.by_value.get(key) {
                    for &i in ids {
                        test(i, out);
                    }
                }
                false
            });
        }
        for &i in &self.unindexed {
            test(i, out);
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    /// Indices of the rules `event` matches.
    pub fn matches(&self, event: &Value) -> Vec<u32> {
        let mut out = Vec::new();
        self.matches_into(&Event::from_value(event), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_run_only_on_their_log_kind() {
        let mut s = RuleSet::default();
        // Both rules test a field that both kinds of record carry here.
        s.add_text(
            "title: ct\nname: ct\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel: {action: ACCEPT}\n  condition: sel\n---\ntitle: flow\nname: flow\nlogsource: {product: aws, service: vpcflowlogs}\ndetection:\n  sel: {action: ACCEPT}\n  condition: sel\n",
            "x.yml",
        );
        s.finish();
        assert!(s.errors.is_empty() && s.other_logsource.is_empty());
        let e = Engine::new(s);
        let v = json!({"action": "ACCEPT"});
        let ev = Event::from_value(&v);
        let mut out = Vec::new();
        e.matches_kind_into(LogKind::CloudTrail, &ev, &mut out);
        assert_eq!(out, vec![0]);
        e.matches_kind_into(LogKind::VpcFlow, &ev, &mut out);
        assert_eq!(out, vec![1]);
    }

    #[test]
    fn index_narrows_and_agrees() {
        let mut s = RuleSet::default();
        s.add_text(
            "title: a\nname: a\ndetection:\n  sel:\n    eventName: StopLogging\n  condition: sel\n---\ntitle: b\nname: b\ndetection:\n  sel:\n    userIdentity.type: Root\n  condition: sel\n---\ntitle: c\ndetection:\n  sel: {x: 1}\n  condition: sel\nlogsource: {product: windows}\n",
            "x.yml",
        );
        s.finish();
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        assert_eq!(s.other_logsource.len(), 1);
        let e = Engine::new(s);
        assert_eq!(e.unindexed_count(), 0);
        assert_eq!(e.index_fields(), vec!["eventName", "userIdentity.type"]);
        let ev = json!({"eventName": "stoplogging", "userIdentity": {"type": "Root"}});
        assert_eq!(e.matches(&ev), vec![0, 1]);
        assert_eq!(e.matches(&json!({"eventName": "Other"})), Vec::<u32>::new());
    }

    #[test]
    fn duplicate_ids_and_unknown_references() {
        let mut s = RuleSet::default();
        s.add_text(
            "title: a\nname: a\ndetection:\n  sel: {x: 1}\n  condition: sel\n",
            "1.yml",
        );
        s.add_text(
            "title: a2\nname: a\ndetection:\n  sel: {x: 1}\n  condition: sel\n",
            "2.yml",
        );
        s.add_text(
            "title: c\ncorrelation:\n  type: event_count\n  rules: [zz]\n  timespan: 1m\n  condition: {gte: 2}\n",
            "3.yml",
        );
        s.finish();
        assert_eq!(s.rules.len(), 1);
        assert_eq!(s.errors.len(), 2, "{:?}", s.errors);
        assert!(s.errors[0].to_string().contains("already used"));
        assert!(s.errors[1].to_string().contains("zz"));
    }

    #[test]
    fn correlations_resolve_by_name_id_or_title() {
        let mut s = RuleSet::default();
        s.add_text(
            "title: Base One\nid: u-1\ndetection:\n  sel: {x: 1}\n  condition: sel\n---\ntitle: Base Two\nname: two\ndetection:\n  sel: {x: 2}\n  condition: sel\n",
            "b.yml",
        );
        s.add_text(
            "title: c\ncorrelation:\n  type: temporal\n  rules: [u-1, two, Base One]\n  timespan: 1m\n",
            "c.yml",
        );
        s.finish();
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        assert_eq!(
            s.correlations[0].refs,
            vec![CorrRef::Rule(0), CorrRef::Rule(1), CorrRef::Rule(0)]
        );
        let e = Engine::new(s);
        assert_eq!(e.reported, vec![false, false]);
        assert_eq!(e.used_by[0], vec![0, 0]);
    }
}
