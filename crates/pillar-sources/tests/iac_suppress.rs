//! In-source suppressions read from Terraform comments and CloudFormation
//! `Metadata`, and which findings they cover.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_checks::RunOptions;
use pillar_model::Status;
use pillar_sources::{load_paths, LoadOptions};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/iac-fixtures/suppress")
        .join(name)
}

fn check(name: &str, versioning_line: u32) {
    let loaded = load_paths(&[fixture(name)], &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let sup = &loaded.inventory.suppressions;
    assert_eq!(sup.len(), 2, "{sup:?}");
    let versioning = sup
        .iter()
        .find(|s| s.rule == "s3-bucket-versioning-disabled")
        .unwrap();
    assert_eq!(
        versioning.reason,
        "build artefacts are rebuilt from git, never edited"
    );
    assert_eq!(versioning.location.line, Some(versioning_line));
    let admin = sup
        .iter()
        .find(|s| s.rule == "ec2-sg-admin-port-open")
        .unwrap();
    assert!(!admin.has_reason());

    let result = pillar_checks::run(
        &loaded.inventory,
        &pillar_checks::all(),
        &RunOptions::default(),
    );
    let fails = |rule: &str| -> Vec<_> {
        result
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail && f.rule == rule)
            .collect()
    };
    let v = fails("s3-bucket-versioning-disabled");
    assert_eq!(v.len(), 1);
    assert!(versioning.covers(v[0]));
    let a = fails("ec2-sg-admin-port-open");
    assert_eq!(a.len(), 1);
    assert!(admin.covers(a[0]));
    // The key's rotation failure is covered by neither.
    let k = fails("kms-key-rotation-disabled");
    assert_eq!(k.len(), 1);
    assert!(!sup.iter().any(|s| s.covers(k[0])));
}

#[test]
fn terraform_comments() {
    check("terraform", 8);
}

#[test]
fn cloudformation_metadata() {
    check("cloudformation/template.yaml", 9);
}
