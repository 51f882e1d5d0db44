//! The engine and the walk on planted files: what is found, what is passed
//! over, what is suppressed, and that no finding ever holds a secret.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_model::{Severity, Status};
use pillar_secrets::{Engine, WalkOptions};
use proptest::prelude::*;
use std::path::PathBuf;

const KEY_ID: &str = "AKIA2DEMOFAKEKEY7Q3X";
const SECRET: &str = "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";
const PASSWORD: &str = "Qm4r8vT2zLx";

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("config")).unwrap();
    std::fs::create_dir_all(p.join("node_modules/pkg")).unwrap();
    std::fs::write(
        p.join("config/prod.env"),
        format!(
            "AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\nDB_PASSWORD={PASSWORD}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("config/allowed.yml"),
        format!("# pillar:allow-secret fixture for the docs\npassword: {PASSWORD}\n"),
    )
    .unwrap();
    std::fs::write(
        p.join("app.py"),
        "password = get_password()\nPASSWORD = os.environ['X']\nconn = connect(password=\"Xk29!vLq7z\")\n",
    )
    .unwrap();
    std::fs::write(
        p.join("node_modules/pkg/x.env"),
        format!("DB_PASSWORD={PASSWORD}\n"),
    )
    .unwrap();
    let mut bin = b"\0\0\0ELF".to_vec();
    bin.extend_from_slice(format!("DB_PASSWORD={PASSWORD}\n").as_bytes());
    std::fs::write(p.join("blob.bin"), bin).unwrap();
    std::fs::write(p.join(".gitignore"), "ignored.env\n").unwrap();
    std::fs::write(p.join("ignored.env"), format!("DB_PASSWORD={PASSWORD}\n")).unwrap();
    dir
}

#[test]
fn finds_pairs_passes_over_and_suppresses() {
    let dir = tree();
    let engine = Engine::builtin().unwrap();
    let scan = pillar_secrets::scan(
        &engine,
        &[PathBuf::from(dir.path())],
        &WalkOptions::default(),
    );
    let got: Vec<(String, String, u32)> = scan
        .findings
        .iter()
        .map(|f| {
            let loc = f.location.as_ref().unwrap();
            let file = loc.file.rsplit('/').next().unwrap().to_owned();
            (file, f.rule.clone(), loc.line.unwrap())
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("app.py".into(), "generic-password-assignment".into(), 3),
            ("prod.env".into(), "aws-access-key-id".into(), 1),
            ("prod.env".into(), "aws-secret-access-key".into(), 2),
            ("prod.env".into(), "generic-password-assignment".into(), 3),
        ],
        "{got:#?}"
    );
    // The pair in one file is a usable credential.
    for f in &scan.findings[1..3] {
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.evidence["paired"], true);
    }
    assert_eq!(scan.findings[1].location.as_ref().unwrap().column, Some(19));
    assert!(
        scan.files_passed_over >= 1,
        "the binary file is passed over"
    );
    // Never the secret in clear, anywhere in a finding.
    let json = serde_json::to_string(&scan.findings).unwrap();
    for s in [KEY_ID, SECRET, PASSWORD, "Xk29!vLq7z"] {
        assert!(!json.contains(s), "{s} leaked");
    }
    // The fingerprint is stable across runs and distinct per secret.
    let again = pillar_secrets::scan(
        &engine,
        &[PathBuf::from(dir.path())],
        &WalkOptions::default(),
    );
    let fp = |s: &pillar_secrets::SecretsScan| -> Vec<String> {
        s.findings.iter().map(|f| f.fingerprint.clone()).collect()
    };
    assert_eq!(fp(&scan), fp(&again));
    let mut unique = fp(&scan);
    unique.dedup();
    assert_eq!(unique.len(), scan.findings.len());
}

#[test]
fn ignore_files_can_be_disregarded() {
    let dir = tree();
    let engine = Engine::builtin().unwrap();
    let opts = WalkOptions {
        respect_ignore_files: false,
        ..WalkOptions::default()
    };
    let scan = pillar_secrets::scan(&engine, &[PathBuf::from(dir.path())], &opts);
    assert!(scan.findings.iter().any(|f| f
        .location
        .as_ref()
        .unwrap()
        .file
        .ends_with("ignored.env")));
}

#[test]
fn documented_example_key_is_low_confidence() {
    let engine = Engine::builtin().unwrap();
    let hits = engine.scan("x.env", b"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].confidence, pillar_secrets::Confidence::Low);
}

#[test]
fn oversized_and_missing_inputs_are_noted() {
    let dir = tree();
    let engine = Engine::builtin().unwrap();
    let opts = WalkOptions {
        max_file_bytes: 8,
        ..WalkOptions::default()
    };
    let scan = pillar_secrets::scan(
        &engine,
        &[PathBuf::from(dir.path()), dir.path().join("missing")],
        &opts,
    );
    assert!(scan.findings.is_empty());
    assert!(scan
        .skipped
        .iter()
        .any(|s| s.reason.contains("larger than")));
    assert!(
        scan.skipped.iter().any(|s| s.path.ends_with("missing")),
        "{:?}",
        scan.skipped
    );
}

#[test]
fn minified_lines_are_passed_over() {
    let mut js = b"var a=1;".repeat(5000);
    js.extend_from_slice(format!("\npassword=\"{PASSWORD}\"\n").as_bytes());
    assert!(pillar_secrets::walk::classify(&js).is_some());
}

fn shared() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| Engine::builtin().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = shared().scan("random.env", &data);
        let _ = pillar_secrets::walk::classify(&data);
    }

    /// Archives are untrusted input: random bytes, and a real tar.gz with
    /// bytes flipped, are noted or scanned, never a panic.
    #[test]
    fn archive_bytes_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..4096),
        flip in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
    ) {
        use pillar_secrets::archive::{scan, Kind};
        use std::io::Write;
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(16);
        header.set_cksum();
        tar.append_data(&mut header, "a/b.env", &b"PASSWORD=Qm4r8vT"[..]).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar.into_inner().unwrap()).unwrap();
        let mut real = gz.finish().unwrap();
        for (at, b) in flip {
            let n = real.len();
            real[at % n] ^= b;
        }
        for kind in [Kind::Tar, Kind::TarGz, Kind::Gz] {
            for bytes in [&data, &real] {
                let mut out = pillar_secrets::walk::WalkOutput::default();
                scan(shared(), kind, &bytes[..], "x.tgz", 1 << 20, &mut out);
            }
        }
    }

    #[test]
    fn keyword_soup_never_panics(parts in proptest::collection::vec(
        prop::sample::select(vec![
            "password", "=", "\"", "'", "AKIA", "-----BEGIN RSA PRIVATE KEY-----", "\n",
            "postgres://", ":", "@", "eyJ", ".", "ghp_", "secret", "xoxb-", "Zq8v0Xc4m2PL9s7T",
            "pillar:allow", "<password>", "</password>", " ", "ENV ",
        ]), 0..64)) {
        let text = parts.concat();
        for h in shared().scan("soup.py", text.as_bytes()) {
            prop_assert!(h.line >= 1 && h.column >= 1);
        }
    }
}

/// A tar.gz, a tar and a .gz written here: members scanned with
/// `archives`, the archive passed over as binary without it; a truncated
/// archive is noted and never panics.
#[test]
fn archives_are_read_when_asked() {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut tar = tar::Builder::new(Vec::new());
    let body = format!("DB_PASSWORD={PASSWORD}\n");
    let mut header = tar::Header::new_gnu();
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "app/prod.env", body.as_bytes())
        .unwrap();
    let tar = tar.into_inner().unwrap();
    std::fs::write(p.join("release.tar"), &tar).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    let tgz = gz.finish().unwrap();
    std::fs::write(p.join("release.tar.gz"), &tgz).unwrap();
    std::fs::write(p.join("broken.tgz"), &tgz[..tgz.len() / 2]).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(body.as_bytes()).unwrap();
    std::fs::write(p.join("settings.env.gz"), gz.finish().unwrap()).unwrap();

    let engine = Engine::builtin().unwrap();
    let roots = [PathBuf::from(p)];
    let off = pillar_secrets::scan(&engine, &roots, &WalkOptions::default());
    assert!(off.findings.is_empty(), "{:?}", off.findings);
    let on = pillar_secrets::scan(
        &engine,
        &roots,
        &WalkOptions {
            archives: true,
            ..WalkOptions::default()
        },
    );
    let files: Vec<&str> = on
        .findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().file.as_str())
        .collect();
    for want in [
        "release.tar!app/prod.env",
        "release.tar.gz!app/prod.env",
        "settings.env.gz!settings.env",
    ] {
        assert!(files.iter().any(|f| f.ends_with(want)), "{want}: {files:?}");
    }
    assert!(
        on.skipped
            .iter()
            .any(|s| s.to_string().contains("broken.tgz")),
        "{:?}",
        on.skipped
    );
    let text = serde_json::to_string(&on.findings).unwrap();
    assert!(!text.contains(PASSWORD));
}
