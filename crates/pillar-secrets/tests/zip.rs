//! Zip files under `--archives`: members scanned with `ARCHIVE!MEMBER`
//! paths; truncated files, bombs, liars, encrypted members and unsupported
//! methods noted as skipped, never a panic. The zips are written byte by
//! byte here (PKWARE APPNOTE 4.3: local headers, central directory, end
//! record) so that sizes and flags can lie.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_secrets::archive::{scan, Kind};
use pillar_secrets::walk::WalkOutput;
use pillar_secrets::{Engine, WalkOptions};
use proptest::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

const PASSWORD: &str = "Qm4r8vT2zLx";

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().unwrap())
}

/// One member as written: method 0 (stored) or 8 (deflate), the bytes as
/// stored, and what the headers claim.
struct Member {
    name: &'static str,
    method: u16,
    flags: u16,
    data: Vec<u8>,
    crc: u32,
    declared: u32,
}

fn crc(b: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(b);
    c.sum()
}

fn deflated(name: &'static str, body: &[u8]) -> Member {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(body).unwrap();
    Member {
        name,
        method: 8,
        flags: 0,
        data: e.finish().unwrap(),
        crc: crc(body),
        declared: u32::try_from(body.len()).unwrap(),
    }
}

fn stored(name: &'static str, body: &[u8]) -> Member {
    Member {
        name,
        method: 0,
        flags: 0,
        data: body.to_vec(),
        crc: crc(body),
        declared: u32::try_from(body.len()).unwrap(),
    }
}

fn zip(members: &[Member]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for m in members {
        let offset = u32::try_from(out.len()).unwrap();
        let name_len = u16::try_from(m.name.len()).unwrap();
        let size = u32::try_from(m.data.len()).unwrap();
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, m.flags);
        u16le(&mut out, m.method);
        u16le(&mut out, 0);
        u16le(&mut out, 0x21);
        u32le(&mut out, m.crc);
        u32le(&mut out, size);
        u32le(&mut out, m.declared);
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(m.name.as_bytes());
        out.extend_from_slice(&m.data);

        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 20);
        u16le(&mut central, 20);
        u16le(&mut central, m.flags);
        u16le(&mut central, m.method);
        u16le(&mut central, 0);
        u16le(&mut central, 0x21);
        u32le(&mut central, m.crc);
        u32le(&mut central, size);
        u32le(&mut central, m.declared);
        u16le(&mut central, name_len);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(m.name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let count = u16::try_from(members.len()).unwrap();
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, u32::try_from(central.len()).unwrap());
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

fn scan_bytes(bytes: &[u8], name: &str) -> WalkOutput {
    let mut out = WalkOutput::default();
    scan(engine(), Kind::Zip, bytes, name, 16 << 20, &mut out);
    out
}

fn skipped(out: &WalkOutput) -> Vec<String> {
    out.skipped.iter().map(ToString::to_string).collect()
}

#[test]
fn zip_kinds_by_name() {
    for n in [
        "a.zip",
        "A.JAR",
        "x.war",
        "x.ear",
        "x.apk",
        "x.aar",
        "p-1.0-py3-none-any.whl",
        "x.egg",
        "Pkg.1.0.nupkg",
    ] {
        assert_eq!(pillar_secrets::archive::kind(n), Some(Kind::Zip), "{n}");
    }
    assert_eq!(pillar_secrets::archive::kind("zip.rs"), None);
}

/// A secret in a deflated member and in a stored one is found under
/// `ARCHIVE!MEMBER`; a nested archive is passed over, not opened.
#[test]
fn members_are_scanned_with_archive_paths() {
    let body = format!("DB_PASSWORD={PASSWORD}\n");
    let inner = zip(&[deflated("deep.env", body.as_bytes())]);
    let bytes = zip(&[
        deflated("config/prod.env", body.as_bytes()),
        stored("BOOT-INF/classes/application.properties", body.as_bytes()),
        stored("lib/inner.jar", &inner),
    ]);
    let out = scan_bytes(&bytes, "app.jar");
    let paths: Vec<&str> = out.hits.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "app.jar!config/prod.env",
            "app.jar!BOOT-INF/classes/application.properties"
        ]
    );
    assert_eq!(out.files_scanned, 2);
    assert_eq!(out.files_passed_over, 1);
    assert!(out.skipped.is_empty(), "{:?}", skipped(&out));
    assert!(!format!("{:?}", out.hits).contains(PASSWORD));
}

/// Encrypted members and methods other than stored and deflate are listed
/// as skipped with the reason; the other members are still read.
#[test]
fn encrypted_and_unsupported_members_are_skipped_with_a_reason() {
    let body = format!("DB_PASSWORD={PASSWORD}\n");
    let mut secret = stored("locked.env", body.as_bytes());
    secret.flags = 1;
    let mut bz = stored("packed.env", body.as_bytes());
    bz.method = 12;
    let out = scan_bytes(
        &zip(&[secret, bz, deflated("open.env", body.as_bytes())]),
        "m.zip",
    );
    let notes = skipped(&out);
    assert!(
        notes
            .iter()
            .any(|s| s.contains("m.zip!locked.env") && s.contains("encrypted")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|s| s.contains("m.zip!packed.env") && s.contains("compressed with")),
        "{notes:?}"
    );
    assert_eq!(out.hits.len(), 1);
    assert_eq!(out.hits[0].path, "m.zip!open.env");
}

/// A bomb: 8 MiB of one byte deflates to a few KiB (about 1,000:1); the
/// member is stopped at the ratio bound, not read out. A liar declares 16
/// bytes and holds a secret after them: never scanned past its claim.
#[test]
fn bombs_and_lying_sizes_are_bounded() {
    let bomb = deflated("bomb.txt", &vec![b'A'; 8 << 20]);
    assert!(bomb.data.len() < 64 << 10);
    let body = format!("# padding..........\nDB_PASSWORD={PASSWORD}\n");
    let mut liar = deflated("liar.env", body.as_bytes());
    liar.declared = 16;
    let out = scan_bytes(&zip(&[bomb, liar]), "b.zip");
    let notes = skipped(&out);
    assert!(
        notes
            .iter()
            .any(|s| s.contains("b.zip!bomb.txt") && s.contains("decompression bomb")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|s| s.contains("b.zip!liar.env")),
        "{notes:?}"
    );
    assert!(out.hits.is_empty(), "{:?}", out.hits);
    assert_eq!(out.files_scanned, 0);
}

/// A truncated zip (its central directory cut off) is noted, and the walk
/// goes on to the other files.
#[test]
fn truncated_zip_is_noted_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let body = format!("DB_PASSWORD={PASSWORD}\n");
    let whole = zip(&[deflated("config/prod.env", body.as_bytes())]);
    std::fs::write(p.join("whole.zip"), &whole).unwrap();
    std::fs::write(p.join("cut.zip"), &whole[..whole.len() - 30]).unwrap();
    std::fs::write(p.join("plain.env"), &body).unwrap();
    let scan = pillar_secrets::scan(
        engine(),
        &[PathBuf::from(p)],
        &WalkOptions {
            archives: true,
            ..WalkOptions::default()
        },
    );
    let files: Vec<&str> = scan
        .findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().file.as_str())
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("whole.zip!config/prod.env")),
        "{files:?}"
    );
    assert!(files.iter().any(|f| f.ends_with("plain.env")), "{files:?}");
    assert!(
        scan.skipped
            .iter()
            .any(|s| s.to_string().contains("cut.zip") && s.to_string().contains("zip")),
        "{:?}",
        scan.skipped
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Random bytes named .zip, and a real zip with bytes flipped, are
    /// noted or scanned, never a panic.
    #[test]
    fn zip_bytes_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..4096),
        flip in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
    ) {
        let body = format!("DB_PASSWORD={PASSWORD}\n");
        let mut real = zip(&[
            deflated("a/b.env", body.as_bytes()),
            stored("c.txt", b"hello"),
        ]);
        for (at, b) in flip {
            let n = real.len();
            real[at % n] ^= b;
        }
        let _ = scan_bytes(&data, "random.zip");
        let _ = scan_bytes(&real, "flipped.zip");
    }
}
