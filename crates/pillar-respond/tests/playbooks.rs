//! The shipped playbooks: each loads, and every rule id its trigger names
//! exists (a posture rule of pillar-checks or a detection of the shipped
//! Sigma pack in rules/cloudtrail).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_respond::playbook;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn playbooks_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../playbooks")
}

fn known_rule_ids() -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = pillar_checks::all()
        .iter()
        .map(|r| r.meta().id.to_owned())
        .collect();
    let set = pillar_detect::RuleSet::shipped();
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    ids.extend(set.rules.iter().map(|r| r.header.rule_id.clone()));
    ids.extend(
        set.correlations
            .iter()
            .map(|c| c.def.header.rule_id.clone()),
    );
    // The stateful detections, built in rather than written as Sigma.
    ids.extend(
        pillar_detect::stateful::rule_infos(true, true)
            .into_iter()
            .map(|i| i.id),
    );
    ids.insert(pillar_detect::instance_creds::rule_info().id);
    ids
}

#[test]
fn every_trigger_rule_exists() {
    let known = known_rule_ids();
    assert!(known.contains("cloudtrail-root-account-used"));
    assert!(known.contains("iam-access-key-not-rotated"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(playbooks_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "compromised-access-key.yml",
            "compromised-ec2-instance.yml",
            "public-s3-bucket.yml",
            "root-account-use.yml"
        ]
    );
    let mut unknown = Vec::new();
    for f in &files {
        let pb = playbook::load(f).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            format!("{}.yml", pb.id),
            f.file_name().unwrap().to_string_lossy()
        );
        let phases: BTreeSet<_> = pb.steps.iter().map(|s| s.phase).collect();
        assert!(
            phases.contains(&playbook::Phase::Evidence),
            "{}: no evidence step",
            pb.id
        );
        for (rule, line) in pb.trigger.rules.iter().zip(&pb.trigger.rule_lines) {
            if !known.contains(rule) {
                unknown.push(format!("{}:{line}: unknown rule id `{rule}`", f.display()));
            }
        }
    }
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

#[test]
fn a_wrong_rule_id_would_be_caught() {
    let known = known_rule_ids();
    let pb = playbook::parse(
        "x.yml",
        "id: x\ntitle: X\ntrigger: {rules: [iam-acess-key-not-rotated]}\nsteps:\n  - {id: s, phase: recover, action: manual, with: {instructions: hi}}\n",
    )
    .unwrap();
    assert!(!known.contains(&pb.trigger.rules[0]));
}

#[test]
fn every_playbook_a_shipped_rule_names_exists() {
    // Detections name their next step as `(playbook ID …)`: each ID must
    // be a playbook of playbooks/.
    let ids: BTreeSet<String> = std::fs::read_dir(playbooks_dir())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "yml").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    let set = pillar_detect::RuleSet::shipped();
    let mut texts: Vec<(String, String)> = set
        .rules
        .iter()
        .map(|r| (r.header.rule_id.clone(), format!("{:?}", r.header)))
        .collect();
    texts.extend(
        set.correlations
            .iter()
            .map(|c| (c.def.header.rule_id.clone(), format!("{:?}", c.def.header))),
    );
    let mut infos = pillar_detect::stateful::rule_infos(true, true);
    infos.push(pillar_detect::instance_creds::rule_info());
    texts.extend(infos.into_iter().map(|i| {
        (
            i.id.clone(),
            format!("{} {}", i.remediation.console, i.docs),
        )
    }));
    let mut named = 0;
    let mut unknown = Vec::new();
    for (rule, text) in &texts {
        for (i, _) in text.match_indices("playbook ") {
            let id: String = text[i + "playbook ".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            if id.is_empty() {
                continue;
            }
            named += 1;
            if !ids.contains(&id) {
                unknown.push(format!("{rule}: playbook {id}"));
            }
        }
    }
    assert!(named >= 6, "the shipped rules name {named} playbooks");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}
