//! Arbitrary text as a Terraform file (HCL or JSON syntax) or a
//! CloudFormation template must never panic, and the rules must run on
//! whatever was read.
//!
//! Run (needs a nightly toolchain and cargo-fuzz):
//! `cargo +nightly fuzz run iac_text` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pillar_sources::{cloudformation, terraform, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let opts = LoadOptions::default();
    match pick % 3 {
        0 => {
            let mut inv = pillar_model::Inventory::default();
            let _ = cloudformation::load_text("fuzz.yaml", text, &opts, &mut inv);
        }
        n => {
            let Ok(dir) = tempfile::tempdir() else { return };
            let name = if n == 1 { "main.tf" } else { "main.tf.json" };
            if std::fs::write(dir.path().join(name), text).is_ok() {
                let _ = terraform::load(dir.path(), &opts);
            }
        }
    }
});
