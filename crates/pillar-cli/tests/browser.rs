//! The demo's HTML report in a real headless Chromium, through
//! `tests/browser/report.mjs` (filters, expanding rows, copy buttons, the
//! exposure graph, no network request). Needs `/usr/bin/chromium` (or
//! `CHROMIUM`), Node.js, and playwright-core installed under
//! `target/browser-deps` (or `PLAYWRIGHT_DIR`), as `.ci/run` does; skips with
//! a message when one is missing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn demo_report_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let pw = std::env::var("PLAYWRIGHT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target/browser-deps"));
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing = if !Path::new(&chromium).exists() {
        Some(format!("{chromium} (apt-get install chromium)"))
    } else if !node_ok {
        Some("node".to_owned())
    } else if !pw.join("node_modules/playwright-core").is_dir() {
        Some(format!(
            "playwright-core in {} (npm install playwright-core there)",
            pw.display()
        ))
    } else {
        None
    };
    if let Some(what) = missing {
        println!("SKIPPED: the browser test needs {what}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("demo.html");
    let o = Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(["scan", "examples/demo", "--format", "html", "-o"])
        .arg(&html)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = Command::new("node")
        .arg(root().join("crates/pillar-cli/tests/browser/report.mjs"))
        .arg(&html)
        .env("PLAYWRIGHT_DIR", &pw)
        .env("CHROMIUM", &chromium)
        .env("OUT_DIR", dir.path())
        .current_dir(root())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    println!("{out}");
    assert!(
        o.status.success(),
        "browser checks failed:\n{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("browser test: all checks passed"));
    assert!(dir.path().join("demo.png").exists(), "screenshot taken");
}
