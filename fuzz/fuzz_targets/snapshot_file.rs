//! Arbitrary bytes as the content of any snapshot file must never panic.
//!
//! Run (needs a nightly toolchain and cargo-fuzz):
//! `cargo +nightly fuzz run snapshot_file` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// A spread of file names: collections, per-resource files, and the
/// account-wide files with their own parsers.
const NAMES: &[&str] = &[
    "pillar-snapshot.json",
    "sts-get-caller-identity.json",
    "iam-get-account-authorization-details.json",
    "iam-get-credential-report.json",
    "iam-get-account-password-policy.json",
    "iam-list-access-keys/alice.json",
    "s3api-list-buckets.json",
    "s3api-get-bucket-policy/b.json",
    "s3api-get-bucket-lifecycle-configuration/b.json",
    "organizations-describe-policy/p-1.json",
    "us-east-1/ec2-describe-security-groups.json",
    "us-east-1/ec2-describe-network-acls.json",
    "us-east-1/ec2-describe-instances.json",
    "us-east-1/ec2-describe-route-tables.json",
    "us-east-1/elbv2-describe-listeners/lb.json",
    "us-east-1/kms-get-key-policy/k.json",
    "us-east-1/cloudtrail-describe-trails.json",
    "us-east-1/cloudtrail-get-event-selectors/t.json",
    "us-east-1/configservice-describe-configuration-recorders.json",
    "us-east-1/logs-describe-log-groups.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let _ = pillar_sources::snapshot::load_file_bytes(name, bytes);
});
