//! Arbitrary bytes as an archive of each kind `pillar secrets --archives`
//! reads (tar, tar.gz, gz, zip) must never panic.
//!
//! Run: `scripts/fuzz.sh secrets_archive [SECONDS]`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pillar_secrets::archive::{scan, Kind};
use pillar_secrets::walk::WalkOutput;
use pillar_secrets::Engine;
use std::sync::OnceLock;

fn engine() -> Option<&'static Engine> {
    static E: OnceLock<Option<Engine>> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let Some(engine) = engine() else { return };
    let (kind, name) = match pick % 4 {
        0 => (Kind::Zip, "fuzz.zip"),
        1 => (Kind::Tar, "fuzz.tar"),
        2 => (Kind::TarGz, "fuzz.tgz"),
        _ => (Kind::Gz, "fuzz.env.gz"),
    };
    let mut out = WalkOutput::default();
    scan(engine, kind, bytes, name, 1 << 20, &mut out);
});
