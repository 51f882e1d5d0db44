//! Local modules called with their inputs, remote modules reported as not
//! scanned, and Terraform's JSON syntax (`.tf.json`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_model::Known;
use pillar_sources::{load_paths, terraform, LoadOptions};
use std::path::PathBuf;

fn infra() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/iac-fixtures/modules/infra")
}

#[test]
fn local_modules_get_their_inputs_and_remote_ones_are_reported() {
    let loaded = terraform::load(&infra(), &LoadOptions::default());
    let inv = &loaded.inventory;
    let mut buckets: Vec<(&str, &str, Option<String>)> = inv
        .buckets
        .iter()
        .map(|b| {
            (
                b.resource.id.as_str(),
                b.name.as_str(),
                b.versioning.get().cloned().flatten(),
            )
        })
        .collect();
    buckets.sort();
    assert_eq!(
        buckets,
        vec![
            (
                "module.data.aws_s3_bucket.this",
                "example-data",
                Some("Enabled".to_owned())
            ),
            ("module.logs.aws_s3_bucket.this", "example-logs", None),
        ]
    );
    // The child inherits the root's provider region.
    assert!(inv
        .buckets
        .iter()
        .all(|b| b.resource.region.as_deref() == Some("eu-west-1")));
    // The .tf.json child: its ingress reads the caller's input.
    assert_eq!(inv.security_groups.len(), 1);
    let sg = &inv.security_groups[0];
    assert_eq!(sg.resource.id, "module.bastion.aws_security_group.this");
    assert_eq!(
        sg.ingress[0].ipv4_ranges,
        Known::Known(vec!["0.0.0.0/0".to_owned()])
    );
    let loc = sg.location.as_ref().unwrap();
    assert!(loc.file.ends_with("modules/sg/main.tf.json"), "{loc:?}");
    assert_eq!(loc.line, Some(7));
    // Locations point into the module's own files.
    assert!(inv.buckets[0]
        .location
        .as_ref()
        .unwrap()
        .file
        .ends_with("modules/bucket/main.tf"));
    // The registry module is reported, once.
    let remote: Vec<_> = loaded
        .skipped
        .iter()
        .filter(|s| s.reason.contains("remote modules are not downloaded"))
        .collect();
    assert_eq!(remote.len(), 1, "{:?}", loaded.skipped);
    assert_eq!(remote[0].line, Some(26));
    assert_eq!(loaded.skipped.len(), 1, "{:?}", loaded.skipped);
}

#[test]
fn a_called_module_folder_is_not_also_a_root() {
    let loaded = load_paths(&[infra()], &LoadOptions::default());
    assert_eq!(loaded.sources.len(), 1, "{:?}", loaded.sources);
    assert_eq!(loaded.inventory.buckets.len(), 2);
}

#[test]
fn a_module_calling_itself_stops() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"me\" {\n  source = \"./\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let loaded = terraform::load(dir.path(), &LoadOptions::default());
    assert_eq!(loaded.inventory.buckets.len(), 1);
    assert!(loaded
        .skipped
        .iter()
        .any(|s| s.reason.contains("calls itself")));
}

#[test]
fn tf_json_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.tf.json"), "{\n  \"resource\": [\n").unwrap();
    std::fs::write(
        dir.path().join("ok.tf.json"),
        "{\"resource\": {\"aws_kms_key\": {\"k\": {\"enable_key_rotation\": \"${true}\"}}}}",
    )
    .unwrap();
    let loaded = terraform::load(dir.path(), &LoadOptions::default());
    assert_eq!(loaded.skipped.len(), 1, "{:?}", loaded.skipped);
    assert!(loaded.skipped[0].reason.starts_with("invalid JSON"));
    assert!(loaded.skipped[0].line.is_some());
    assert_eq!(loaded.inventory.kms_keys.len(), 1);
    assert_eq!(
        loaded.inventory.kms_keys[0].rotation_enabled,
        Known::Known(true)
    );
}

mod property {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any text in a `.tf.json` file, and any JSON shape, loads or is
        /// refused with a line: never a panic.
        #[test]
        fn tf_json_never_panics(text in "\\PC{0,200}", depth in 0usize..40) {
            let nested = format!(
                "{{\"resource\": {{\"aws_s3_bucket\": {{\"b\": {{\"tags\": {}1{}}}}}}}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            for t in [text.as_str(), nested.as_str()] {
                let dir = tempfile::tempdir().unwrap();
                std::fs::write(dir.path().join("main.tf.json"), t).unwrap();
                let loaded = pillar_sources::terraform::load(dir.path(), &pillar_sources::LoadOptions::default());
                for s in &loaded.skipped {
                    prop_assert!(s.line.is_some() || s.reason.contains("one JSON object"), "{s}");
                }
            }
        }
    }
}
