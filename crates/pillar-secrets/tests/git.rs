//! Git history scanning on repositories built here with the `git` command:
//! which commit added which secret, by whom, at which path and line; what a
//! later commit removed is still found; `--since`; merges; a corrupt
//! repository. Skips with a message when `git` is not installed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_secrets::git::{scan_history, GitOptions};
use pillar_secrets::Engine;
use std::path::Path;
use std::process::Command;

const KEY_ID: &str = "AKIA2DEMOFAKEKEY7Q3X";
const SECRET: &str = "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";
const PASSWORD: &str = "Qm4r8vT2zLx";
const PASSWORD2: &str = "Vb7n2Kp9wQe";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Alice Example")
        .env("GIT_AUTHOR_EMAIL", "alice@example.com")
        .env("GIT_COMMITTER_NAME", "Alice Example")
        .env("GIT_COMMITTER_EMAIL", "alice@example.com")
        .env("GIT_AUTHOR_DATE", "2024-03-05T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-05T10:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skipped: the `git` command is not installed (needed to build test repositories)");
    }
    ok
}

fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// Four commits: keys added, a line inserted above them, keys removed, a
/// password added in another file.
fn history() -> (tempfile::TempDir, [String; 4]) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q"]);
    std::fs::create_dir_all(p.join("config")).unwrap();
    std::fs::write(p.join("README.md"), "# app\n").unwrap();
    std::fs::write(
        p.join("config/prod.env"),
        format!("REGION=eu-west-1\nAWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n"),
    )
    .unwrap();
    let c1 = commit_all(p, "add config");
    std::fs::write(
        p.join("config/prod.env"),
        format!("# prod\nREGION=eu-west-1\nAWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n"),
    )
    .unwrap();
    let c2 = commit_all(p, "comment");
    std::fs::write(p.join("config/prod.env"), "REGION=eu-west-1\n").unwrap();
    let c3 = commit_all(p, "remove keys");
    std::fs::write(
        p.join("settings.yml"),
        format!("db:\n  password: {PASSWORD}\n"),
    )
    .unwrap();
    let c4 = commit_all(p, "db settings");
    (dir, [c1, c2, c3, c4])
}

#[test]
fn each_secret_is_reported_once_in_the_commit_that_added_it() {
    if !have_git() {
        return;
    }
    let (dir, [c1, _c2, _c3, c4]) = history();
    let engine = Engine::builtin().unwrap();
    let out = scan_history(&engine, dir.path(), &GitOptions::default()).unwrap();
    assert_eq!(out.commits.len(), 4);
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    let mut got: Vec<(String, String, u32, String)> = out
        .hits
        .iter()
        .map(|h| {
            (
                out.commits[h.commit].id.clone(),
                h.file.path.clone(),
                h.file.hit.line,
                engine.rules()[h.file.hit.rule].id.clone(),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        (
            c1.clone(),
            "config/prod.env".to_owned(),
            2,
            "aws-access-key-id".to_owned(),
        ),
        (
            c1.clone(),
            "config/prod.env".to_owned(),
            3,
            "aws-secret-access-key".to_owned(),
        ),
        (
            c4.clone(),
            "settings.yml".to_owned(),
            2,
            "generic-password".to_owned(),
        ),
    ];
    want.sort();
    // The generic rule's id may differ; compare it by prefix.
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((&g.0, &g.1, g.2), (&w.0, &w.1, w.2), "{got:?}");
        assert!(g.3.starts_with(w.3.split('-').next().unwrap()), "{got:?}");
    }
    let c = &out.commits[out.hits[0].commit];
    assert_eq!(c.author, "Alice Example <alice@example.com>");
    assert_eq!(c.date, "2024-03-05");
}

#[test]
fn findings_name_the_commit_and_never_hold_the_secret() {
    if !have_git() {
        return;
    }
    let (dir, [c1, ..]) = history();
    let engine = Engine::builtin().unwrap();
    let scan = pillar_secrets::scan_git(&engine, dir.path(), &GitOptions::default()).unwrap();
    assert_eq!(scan.commits_scanned, 4);
    let key = scan
        .findings
        .iter()
        .find(|f| f.rule == "aws-access-key-id")
        .unwrap();
    assert_eq!(key.evidence["commit"], c1.as_str());
    assert_eq!(key.evidence["author"], "Alice Example <alice@example.com>");
    assert!(key.message.contains(&c1[..12]), "{}", key.message);
    // Added with its secret key in one commit: a usable pair.
    assert_eq!(key.evidence["paired"], true);
    let text = serde_json::to_string(&scan.findings).unwrap();
    for s in [KEY_ID, SECRET, PASSWORD] {
        assert!(!text.contains(s), "leaked {s}");
    }
}

#[test]
fn since_limits_the_walk_to_later_commits() {
    if !have_git() {
        return;
    }
    let (dir, [_c1, c2, _c3, c4]) = history();
    let engine = Engine::builtin().unwrap();
    let opts = GitOptions {
        since: Some(c2.clone()),
        ..GitOptions::default()
    };
    let out = scan_history(&engine, dir.path(), &opts).unwrap();
    assert_eq!(out.commits.len(), 2);
    assert!(out.hits.iter().all(|h| out.commits[h.commit].id == c4));
    assert_eq!(out.hits.len(), 1);
    // Revision syntax: a relative ref and a branch name.
    let opts = GitOptions {
        since: Some("HEAD~1".to_owned()),
        ..GitOptions::default()
    };
    assert_eq!(
        scan_history(&engine, dir.path(), &opts)
            .unwrap()
            .commits
            .len(),
        1
    );
    let opts = GitOptions {
        since: Some("no-such-branch".to_owned()),
        ..GitOptions::default()
    };
    let err = scan_history(&engine, dir.path(), &opts)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no-such-branch"), "{err}");
}

#[test]
fn a_merge_reports_only_what_neither_side_had() {
    if !have_git() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q"]);
    std::fs::write(p.join("a.txt"), "hello\n").unwrap();
    commit_all(p, "base");
    git(p, &["checkout", "-q", "-b", "side"]);
    std::fs::write(p.join("side.env"), format!("DB_PASSWORD={PASSWORD}\n")).unwrap();
    let side = commit_all(p, "side secret");
    git(p, &["checkout", "-q", "main"]);
    std::fs::write(p.join("main.env"), format!("DB_PASSWORD={PASSWORD2}\n")).unwrap();
    let main = commit_all(p, "main secret");
    git(p, &["merge", "-q", "--no-edit", "side"]);
    let engine = Engine::builtin().unwrap();
    let out = scan_history(&engine, p, &GitOptions::default()).unwrap();
    assert_eq!(out.commits.len(), 4);
    let mut by: Vec<(String, String)> = out
        .hits
        .iter()
        .map(|h| (out.commits[h.commit].id.clone(), h.file.path.clone()))
        .collect();
    by.sort();
    let mut want = vec![(side, "side.env".to_owned()), (main, "main.env".to_owned())];
    want.sort();
    assert_eq!(by, want);
}

#[test]
fn empty_and_missing_repositories() {
    if !have_git() {
        return;
    }
    let engine = Engine::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = scan_history(&engine, dir.path(), &GitOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a readable git repository"), "{err}");
    git(dir.path(), &["init", "-q"]);
    let out = scan_history(&engine, dir.path(), &GitOptions::default()).unwrap();
    assert!(out.commits.is_empty() && out.hits.is_empty());
}

#[test]
fn a_corrupt_object_is_noted_and_the_rest_is_scanned() {
    if !have_git() {
        return;
    }
    let (dir, [_c1, _c2, _c3, _c4]) = history();
    let p = dir.path();
    // Overwrite the loose object of settings.yml's version with garbage.
    let blob = git(p, &["rev-parse", "HEAD:settings.yml"]);
    let obj = p.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    let mut perms = std::fs::metadata(&obj).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&obj, perms).unwrap();
    std::fs::write(&obj, b"not zlib at all").unwrap();
    let engine = Engine::builtin().unwrap();
    let out = scan_history(&engine, p, &GitOptions::default()).unwrap();
    assert!(
        out.skipped
            .iter()
            .any(|s| s.to_string().contains("settings.yml")),
        "{:?}",
        out.skipped
    );
    // The keys in the intact objects are still found.
    assert_eq!(
        out.hits
            .iter()
            .filter(|h| h.file.path == "config/prod.env")
            .count(),
        2
    );
}
