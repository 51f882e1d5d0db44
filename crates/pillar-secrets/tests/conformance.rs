//! Conformance against others' labelled material in `../shared/corpora/secrets`
//! (read in place, never copied): the noseyparker rule examples (one-line
//! files, positive and negative) and part of Samsung's CredData (labelled
//! lines of real files). Prints recall and precision; asserts floors.
//! Skips with a message when the corpora are absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_secrets::{Confidence, Engine, WalkOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let manifest = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).ok()?;
    let dir = manifest.join("../../../shared/corpora/secrets");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: secrets corpora not found at {} (they live beside the repository)",
            dir.display()
        );
        None
    }
}

#[derive(Default, Debug, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Counts {
    fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }
}

/// Kinds the issue sets a recall target for, by the corpus's rule-id family.
const MUST_FIND: &[&str] = &["np.aws", "np.pem", "np.postgres", "np.mongodb"];

#[test]
fn rule_examples_recall_and_false_positives() {
    let Some(dir) = corpus() else { return };
    let dir = dir.join("rule_examples");
    let engine = Engine::builtin().unwrap();
    let labels = std::fs::read_to_string(dir.join("labels.tsv")).unwrap();
    let mut per_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut total = Counts::default();
    let mut must = Counts::default();
    let mut missed_must = Vec::new();
    // ODBC / ADO.NET connection strings: DSNs, not URLs; printed apart.
    let mut dsn = Counts::default();
    let mut missed_dsn = Vec::new();
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, rule, label) = (cols[0], cols[1], cols[2]);
        let kind = rule.rsplit_once('.').map_or(rule, |(k, _)| k).to_owned();
        let data = std::fs::read(dir.join("files").join(file)).unwrap();
        let found = !engine.scan(file, &data).is_empty();
        let c = per_kind.entry(kind.clone()).or_default();
        // `np.aws.3` are AWS account ids: identifiers, not credentials, and
        // not reported by pillar (an account id grants nothing).
        let is_must = MUST_FIND.contains(&kind.as_str()) && !rule.starts_with("np.aws.3");
        for c in [c, &mut total] {
            match (label == "pos", found) {
                (true, true) => c.tp += 1,
                (true, false) => c.fn_ += 1,
                (false, true) => c.fp += 1,
                (false, false) => c.tn += 1,
            }
        }
        if kind == "np.odbc" && label == "pos" {
            if found {
                dsn.tp += 1;
            } else {
                dsn.fn_ += 1;
                missed_dsn.push(file.to_owned());
            }
        }
        if is_must && label == "pos" {
            if found {
                must.tp += 1;
            } else {
                must.fn_ += 1;
                missed_must.push(file.to_owned());
            }
        }
    }
    println!("rule_examples, per kind (tp fn fp tn):");
    for (k, c) in &per_kind {
        println!("  {k:<24} {:>3} {:>3} {:>3} {:>3}", c.tp, c.fn_, c.fp, c.tn);
    }
    println!(
        "rule_examples: recall {:.1}% ({} of {}), false positives on negatives {} of {}",
        100.0 * total.recall(),
        total.tp,
        total.tp + total.fn_,
        total.fp,
        total.fp + total.tn
    );
    println!(
        "rule_examples, AWS keys + private keys + database URLs: recall {:.1}% ({} of {}); missed {:?}",
        100.0 * must.recall(),
        must.tp,
        must.tp + must.fn_,
        missed_must
    );
    println!(
        "rule_examples, connection strings (np.odbc): recall {:.1}% ({} of {}); missed {:?}",
        100.0 * dsn.recall(),
        dsn.tp,
        dsn.tp + dsn.fn_,
        missed_dsn
    );
    // Floors: measured, with a margin for rule changes that move one sample.
    // Many of the corpus's negatives are real-format credentials that are
    // negative only for one narrow rule (a Slack token in a test script, a
    // Vault token under `apikey:`); they are printed, not asserted.
    assert!(total.recall() >= 0.48, "overall recall fell");
    assert!(dsn.recall() >= 0.70, "recall on connection strings fell");
    assert!(
        must.recall() >= 0.98,
        "recall on AWS, private keys, DB URLs fell"
    );
}

/// Line-level scoring of CredData: a labelled line counts when a finding
/// falls within its LineStart..=LineEnd; findings on unlabelled lines count
/// as false positives.
#[test]
fn creddata_precision_and_recall() {
    let Some(dir) = corpus() else { return };
    let dir = dir.join("creddata");
    let engine = Engine::builtin().unwrap();
    // Every data file is scanned through the same walk users get.
    let out = pillar_secrets::walk::scan_paths(
        &engine,
        &[dir.join("data")],
        &WalkOptions {
            respect_ignore_files: false,
            ..WalkOptions::default()
        },
    );
    let base = dir.display().to_string();
    let mut flagged: BTreeMap<String, Vec<(u32, Confidence)>> = BTreeMap::new();
    for h in &out.hits {
        let rel = Path::new(&h.path)
            .strip_prefix(&base)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| h.path.clone());
        flagged
            .entry(rel)
            .or_default()
            .push((h.hit.line, h.hit.confidence));
    }
    let mut labelled: BTreeMap<String, Vec<(u32, u32, bool)>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("meta")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let (path, start, end, truth) = (cols[4], cols[5], cols[6], cols[7]);
            if truth != "T" && truth != "F" {
                continue; // `X`: undecided
            }
            labelled.entry(path.to_owned()).or_default().push((
                start.parse().unwrap(),
                end.parse().unwrap(),
                truth == "T",
            ));
        }
    }
    // One truth per line: a line is a credential when any row covering it
    // says so (CredData may label several values on one line).
    let mut truth: BTreeMap<(String, u32), bool> = BTreeMap::new();
    for (path, rows) in &labelled {
        for &(s, e, t) in rows {
            for l in s..=e {
                let v = truth.entry((path.clone(), l)).or_insert(false);
                *v |= t;
            }
        }
    }
    let finding_lines: BTreeSet<(String, u32)> = flagged
        .iter()
        .flat_map(|(p, hs)| hs.iter().map(move |h| (p.clone(), h.0)))
        .collect();
    // A credential labelled over several lines (a PEM key from BEGIN to
    // END) is found when a finding falls within its LineStart..=LineEnd: a
    // finding names the line where the secret starts, not every line of it.
    let mut hit_lines = finding_lines.clone();
    for (path, rows) in &labelled {
        for &(s, e, t) in rows {
            if t && e > s && (s..=e).any(|l| finding_lines.contains(&(path.clone(), l))) {
                hit_lines.extend((s..=e).map(|l| (path.clone(), l)));
            }
        }
    }
    let strict_tp = finding_lines
        .iter()
        .filter(|l| truth.get(*l) == Some(&true))
        .count();
    let mut c = Counts::default();
    let mut unlabelled_fp = 0u32;
    for line in &hit_lines {
        match truth.get(line) {
            Some(true) => c.tp += 1,
            Some(false) => c.fp += 1,
            None => unlabelled_fp += 1,
        }
    }
    for (line, t) in &truth {
        match (*t, hit_lines.contains(line)) {
            (true, false) => c.fn_ += 1,
            (false, false) => c.tn += 1,
            _ => {}
        }
    }
    let precision = f64::from(c.tp) / f64::from((c.tp + c.fp + unlabelled_fp).max(1));
    println!(
        "creddata: {} files scanned; lines: tp {} fn {} fp {} tn {}; unlabelled lines flagged {}",
        out.files_scanned, c.tp, c.fn_, c.fp, c.tn, unlabelled_fp
    );
    println!(
        "creddata: line recall {:.1}%, line precision {:.1}% (unlabelled flagged lines count as false)",
        100.0 * c.recall(),
        100.0 * precision
    );
    println!(
        "creddata: counting only the line each finding names (multi-line keys as one line): recall {:.1}%",
        100.0 * strict_tp as f64 / f64::from((c.tp + c.fn_).max(1))
    );
    assert!(out.files_scanned > 100, "the walk reads the corpus");
    assert!(precision >= 0.99, "precision fell");
    assert!(c.recall() >= 0.32, "recall fell");
}
