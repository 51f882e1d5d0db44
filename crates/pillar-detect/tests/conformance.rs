#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Conformance with the Sigma reference toolchain (pySigma + SQLite) over
//! the shared corpus: the 57 SigmaHQ CloudTrail rules and 4 correlation
//! rules, on 3,774 real CloudTrail events. Skips when `../shared` is absent.

use pillar_detect::{detect, Engine, ReadOptions, RuleSet};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/detect");
    if p.join("oracle/expected_counts.csv").is_file() {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} is absent (the shared corpora are not here)",
            p.display()
        );
        None
    }
}

/// rule file -> expected count (oracle column).
fn oracle(dir: &Path) -> BTreeMap<String, u64> {
    let text = std::fs::read_to_string(dir.join("oracle/expected_counts.csv")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        // rule_file,title,oracle,... ; titles hold no commas in this file.
        out.insert(cols[0].to_owned(), cols[2].parse().unwrap());
    }
    out
}

fn file_name(p: &str) -> String {
    Path::new(p)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn sigmahq_rules_match_the_reference_counts() {
    let Some(dir) = corpus() else { return };
    let mut set = RuleSet::default();
    set.add_path(&dir.join("sigma_aws/rules"));
    set.finish();
    assert!(set.errors.is_empty(), "rule errors: {:#?}", set.errors);
    assert_eq!(set.rules.len(), 57);
    let engine = Engine::new(set);
    let out = detect(
        &engine,
        &[dir.join("datasets/normalized/ALL.jsonl")],
        &ReadOptions::default(),
    );
    assert_eq!(out.stats.events, 3774);
    assert_eq!(out.stats.malformed, 0);
    let expected = oracle(&dir);
    let mut agree = 0;
    let mut diffs = Vec::new();
    for (i, r) in engine.set.rules.iter().enumerate() {
        let f = file_name(&r.header.file);
        let want = expected[&f];
        let got = out.stats.matches[i];
        if want == got {
            agree += 1;
        } else {
            diffs.push(format!("{f}: pillar {got}, reference {want}"));
        }
    }
    println!("sigma conformance: {agree}/57 rules agree with the reference");
    for d in &diffs {
        println!("  differs: {d}");
    }
    assert_eq!(agree, 57, "differences: {diffs:#?}");
}

#[test]
fn correlations_match_the_reference_groups() {
    let Some(dir) = corpus() else { return };
    let mut set = RuleSet::default();
    set.add_path(&dir.join("correlations"));
    set.finish();
    assert!(set.errors.is_empty(), "rule errors: {:#?}", set.errors);
    assert_eq!(set.correlations.len(), 4);
    let engine = Engine::new(set);
    let out = detect(
        &engine,
        &[dir.join("datasets/normalized/ALL.jsonl")],
        &ReadOptions::default(),
    );
    let oracle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("oracle/oracle_ALL.json")).unwrap())
            .unwrap();
    let rules = oracle["rules"].as_object().unwrap();
    let mut agree = 0;
    let mut diffs = Vec::new();
    for (ci, c) in engine.set.correlations.iter().enumerate() {
        let key = format!("{}::{}", file_name(&c.def.header.file), c.def.header.title);
        let entry = &rules[&key];
        let want: BTreeSet<BTreeMap<String, String>> = entry["sqlite_alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| serde_json::from_str(s.as_str().unwrap()).unwrap())
            .collect();
        let got: BTreeSet<BTreeMap<String, String>> = out.alerts[ci]
            .iter()
            .map(|a| {
                c.def
                    .group_by
                    .iter()
                    .zip(&a.group)
                    .map(|(f, v)| (f.full.clone(), v.clone()))
                    .collect()
            })
            .collect();
        if want == got {
            agree += 1;
        } else {
            diffs.push(format!("{key}: pillar {got:?}\n  reference {want:?}"));
        }
    }
    println!("correlation conformance: {agree}/4 agree with the reference groups");
    for d in &diffs {
        println!("  differs: {d}");
    }
    assert_eq!(agree, 4, "differences: {diffs:#?}");
}

/// The SigmaHQ placeholder rule (`rules-placeholder`): refused with a
/// clear error without values, loaded and run with them.
#[test]
fn placeholder_rule_needs_values_and_runs_with_them() {
    let Some(dir) = corpus() else { return };
    let rule = dir.join(
        "sigma_aws/rules-placeholder/cloud/aws/cloudtrail/aws_cloudtrail_console_login_success_from_susp_locations.yml",
    );
    let mut set = RuleSet::default();
    set.add_path(&rule);
    set.finish();
    assert_eq!(set.rules.len(), 0);
    let e = set.errors[0].to_string();
    assert!(
        e.contains("Legitimate_Countries") && e.contains(".yml:"),
        "{e}"
    );

    let ph = std::env::temp_dir().join(format!("pillar-ph-{}.yml", std::process::id()));
    std::fs::write(
        &ph,
        "Legitimate_Countries: [DE, FR]\n'%Legitimate_IP_Ranges%': 192.0.2.0/24\n",
    )
    .unwrap();
    let mut set = RuleSet::default();
    set.load_placeholders(&ph).unwrap();
    std::fs::remove_file(&ph).unwrap();
    set.add_path(&rule);
    set.finish();
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let engine = Engine::new(set);
    let out = detect(
        &engine,
        &[dir.join("datasets/normalized/ALL.jsonl")],
        &ReadOptions::default(),
    );
    // CloudTrail has no src_country / src_ip, so the filters never hold:
    // every successful console login matches.
    let text = std::fs::read_to_string(dir.join("datasets/normalized/ALL.jsonl")).unwrap();
    let want = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| {
            v["eventName"] == "ConsoleLogin"
                && v["responseElements"]["ConsoleLogin"]
                    .as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("success"))
        })
        .count() as u64;
    assert!(want > 0);
    assert_eq!(out.stats.matches[0], want);
}
