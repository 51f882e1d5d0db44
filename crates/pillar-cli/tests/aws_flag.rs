//! A build without the `aws` feature has the same flags, and says how to
//! get live scanning instead of failing obscurely.
#![cfg(not(feature = "aws"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const HINT: &str = "this pillar was built without the aws feature; install with cargo install --path crates/pillar-cli --features aws";

#[test]
fn aws_flags_without_the_feature_say_how_to_install_it() {
    for args in [
        &["scan", "--aws", "--region", "us-east-1"][..],
        &["collect", "--aws", "-o", "never-written"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_pillar"))
            .args(args)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("run pillar");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(HINT), "{args:?}: {stderr}");
    }
    assert!(!std::path::Path::new("never-written").exists());
}

#[test]
fn the_help_lists_the_live_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(["scan", "--help"])
        .output()
        .expect("run pillar");
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--aws",
        "--profile",
        "--region",
        "--all-regions",
        "--endpoint-url",
    ] {
        assert!(help.contains(flag), "{flag} in scan --help");
    }
}
