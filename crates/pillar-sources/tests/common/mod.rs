//! Helpers shared by the integration tests that write a small input tree,
//! load it and judge one rule. Each test crate uses only some of them.
#![allow(dead_code)]

use pillar_checks::{all, run, RunOptions};
use pillar_model::{Finding, Inventory};
use pillar_sources::{load_paths, LoadOptions};
use std::path::Path;

/// Writes `text` at `dir/rel`, creating the folders on the way.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Loads `dir`, asserting nothing was skipped.
pub fn load_clean(dir: &Path) -> Inventory {
    let loaded = load_paths(&[dir.to_path_buf()], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "skipped: {:?}", loaded.skipped);
    loaded.inventory
}

/// The findings of the one rule `id`, asserting none holds `secret` in clear.
pub fn findings_without(inv: &Inventory, id: &str, secret: &str) -> Vec<Finding> {
    let opts = RunOptions {
        select: vec![id.to_owned()],
        ignore: vec![],
    };
    let findings = run(inv, &all(), &opts).findings;
    let text = serde_json::to_string(&findings).unwrap();
    assert!(!text.contains(secret), "a finding leaks the secret: {text}");
    findings
}
