//! Arbitrary bytes as a log file must never panic the readers: CloudTrail
//! (S3 delivery objects, JSON Lines, Lake exports), VPC flow logs, S3
//! server access logs, plain or gzip — the format is recognised from the
//! content, as `pillar detect` does.
//!
//! Run (cargo-fuzz): `cargo fuzz run detect_logs` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pillar_detect::reader::{batch_values, read_stream, ReadOptions};
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let mut skipped = Vec::new();
    read_stream(
        Box::new(std::io::Cursor::new(data.to_vec())),
        Arc::from("fuzz.log"),
        &ReadOptions::default(),
        &mut skipped,
        &mut |batch| {
            let _ = batch_values(batch);
        },
    );
    for line in data.split(|b| *b == b'\n') {
        let _ = pillar_detect::s3access::record(line);
    }
});
