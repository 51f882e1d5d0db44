//! `pillar secrets --rules FILE`: extra rule packs in gitleaks TOML and
//! noseyparker YAML form (rules written here, for an invented token
//! format), found in files, checked with `--check-rules`, errors naming the
//! file and line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const TOKEN: &str = "acme_live_4fq9x2m7c1v8b3n6z0k5j2h7g4d1s9a3";
const INTERNAL: &str = "corp-int-Zk39Vq0m7Lx2Pw8T";

fn pillar(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

const GITLEAKS: &str = r#"
title = "team rules"

[[rules]]
id = "acme-live-token"
description = "ACME live API token"
regex = '''\b(acme_live_[a-z0-9]{32})\b'''
secretGroup = 1
keywords = ["acme_live_"]

[[rules]]
id = "corp_internal"
description = "Corp internal credential"
regex = '''corp-int-[A-Za-z0-9]{16}'''
entropy = 3.0

[[rules]]
id = "pkcs12-file"
description = "PKCS#12 file"
path = '''\.p12$'''

[allowlist]
paths = ['''vendor/''']
"#;

const NOSEYPARKER: &str = r#"
rules:
- name: ACME live token
  id: team.acme.1
  pattern: |
    (?x)
    \b
    (acme_live_[a-z0-9]{32})
    \b
  examples:
  - 'ACME_TOKEN=acme_live_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d'
  negative_examples:
  - 'acme_live_short'
"#;

#[test]
fn gitleaks_and_noseyparker_packs_find_their_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("team.toml"), GITLEAKS).unwrap();
    std::fs::write(p.join("team-np.yml"), NOSEYPARKER).unwrap();
    std::fs::create_dir(p.join("src")).unwrap();
    std::fs::write(
        p.join("src/client.env"),
        format!("ACME_TOKEN={TOKEN}\nINTERNAL={INTERNAL}\n"),
    )
    .unwrap();
    let o = pillar(
        p,
        &["secrets", "src", "--rules", "team.toml", "--format", "json"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("pkcs12-file` matches file paths only"),
        "{err}"
    );
    assert!(err.contains("global allowlist is not applied"), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        vec!["gitleaks-acme-live-token", "gitleaks-corp-internal"]
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains(TOKEN) && !out.contains(INTERNAL));

    let o = pillar(
        p,
        &[
            "secrets",
            "src",
            "--rules",
            "team-np.yml",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(found, vec!["noseyparker-team-acme-1"]);

    // The noseyparker examples are checked like pillar's own.
    let o = pillar(p, &["secrets", "--rules", "team-np.yml", "--check-rules"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = pillar(p, &["secrets", "--rules", "team-np.yml", "--list-rules"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("noseyparker-team-acme-1"));
}

#[test]
fn a_broken_pack_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("bad.toml"),
        "[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n",
    )
    .unwrap();
    let o = pillar(p, &["secrets", ".", "--rules", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("gitleaks-x"),
        "{err}"
    );
    std::fs::write(p.join("bad.toml"), "[[rules]\nid = 1\n").unwrap();
    let o = pillar(p, &["secrets", ".", "--rules", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml: line 1"), "{err}");
    std::fs::write(
        p.join("bad.yml"),
        "rules:\n- name: a\n  pattern: ok\n- name: b\n  pattern: [\n",
    )
    .unwrap();
    let o = pillar(p, &["secrets", ".", "--rules", "bad.yml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.yml: line"), "{err}");
}
