//! Hard-coded secrets: find them fast, never leak them, and say how to move
//! them to AWS Secrets Manager.
//!
//! * [`rules`]: rules as data (`rules/secrets/*.yml`, embedded), each with
//!   examples and negative examples that the tests verify;
//! * [`engine`]: one Aho-Corasick keyword pass per file, then only the
//!   regexes whose keywords occur (`regex::bytes`, Unicode off by default);
//! * [`walk`]: a parallel, gitignore-aware walk that passes over binary,
//!   minified and lock files and notes unreadable and oversized ones;
//! * [`finding`]: hits become `pillar_model::Finding`s in the data-protection
//!   domain, with the secret redacted to its first and last characters and a
//!   fingerprint made from the rule, the file and the secret's hash.
//!
//! No secret ever leaves the engine in clear: a [`engine::Hit`] holds only the
//! redacted form and a SHA-256.

pub mod archive;
pub mod engine;
pub mod filter;
pub mod finding;
pub mod fixplan;
pub mod git;
pub mod inline;
pub mod packs;
pub mod rules;
pub mod validate;
pub mod walk;
pub mod yaml;

pub use engine::{Confidence, Engine, EngineStats, Hit, RuleStats};
pub use rules::{RuleDef, RuleError};
pub use walk::{FileHit, WalkOptions};

use pillar_model::{Finding, RuleInfo, Severity, Skipped};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The result of scanning paths for secrets.
#[derive(Debug, Default)]
pub struct SecretsScan {
    /// One failed finding per secret.
    pub findings: Vec<Finding>,
    /// Every rule that ran.
    pub rules: Vec<RuleInfo>,
    /// Inputs not scanned, with the reason.
    pub skipped: Vec<Skipped>,
    /// Files scanned.
    pub files_scanned: u64,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// Files passed over as binary, minified or lock files.
    pub files_passed_over: u64,
    /// Commits read (history scans only).
    pub commits_scanned: u64,
}

/// Scan `roots` with `engine` and turn the hits into findings.
pub fn scan(engine: &Engine, roots: &[PathBuf], opts: &WalkOptions) -> SecretsScan {
    let out = walk::scan_paths(engine, roots, opts);
    let findings = findings(engine, &out.hits);
    SecretsScan {
        findings,
        rules: engine.rules().iter().map(finding::rule_info).collect(),
        skipped: out.skipped,
        files_scanned: out.files_scanned,
        bytes_scanned: out.bytes_scanned,
        files_passed_over: out.files_passed_over,
        commits_scanned: 0,
    }
}

/// Scan the git history of the repository holding `root`: the secrets each
/// commit added, each finding naming its commit, author and date. Findings
/// carry the same fingerprint as the same secret in the same file of a
/// working-tree scan, so one baseline serves both.
pub fn scan_git(
    engine: &Engine,
    root: &std::path::Path,
    opts: &git::GitOptions,
) -> Result<SecretsScan, git::GitError> {
    let out = git::scan_history(engine, root, opts)?;
    let mut all = Vec::with_capacity(out.hits.len());
    // An access key id and its secret key are a pair when one commit adds
    // both to one file.
    for chunk in out.hits.chunk_by(|a, b| a.commit == b.commit) {
        let Some(commit) = chunk.first().and_then(|h| out.commits.get(h.commit)) else {
            continue;
        };
        let file_hits: Vec<FileHit> = chunk.iter().map(|h| h.file.clone()).collect();
        for mut f in findings(engine, &file_hits) {
            finding::add_commit(&mut f, commit);
            all.push(f);
        }
    }
    Ok(SecretsScan {
        findings: all,
        rules: engine.rules().iter().map(finding::rule_info).collect(),
        skipped: out.skipped,
        files_scanned: out.blobs_scanned,
        bytes_scanned: out.bytes_scanned,
        files_passed_over: out.blobs_passed_over,
        commits_scanned: out.commits.len() as u64,
    })
}

/// Findings for hits. An AWS access key id and a secret access key in the
/// same file are a usable pair: both are raised to critical.
pub fn findings(engine: &Engine, hits: &[FileHit]) -> Vec<Finding> {
    let rule_id = |h: &FileHit| engine.rules().get(h.hit.rule).map(|r| r.id.as_str());
    let with = |id: &str| -> BTreeSet<&str> {
        hits.iter()
            .filter(|h| rule_id(h) == Some(id) && h.hit.confidence == Confidence::High)
            .map(|h| h.path.as_str())
            .collect()
    };
    let ids = with("aws-access-key-id");
    let secrets = with("aws-secret-access-key");
    let paired: BTreeSet<&str> = ids.intersection(&secrets).copied().collect();
    hits.iter()
        .filter_map(|h| {
            let mut f = finding::to_finding(engine, h)?;
            let is_pair_part = matches!(
                rule_id(h),
                Some("aws-access-key-id" | "aws-secret-access-key")
            );
            if is_pair_part
                && h.hit.confidence == Confidence::High
                && paired.contains(h.path.as_str())
            {
                f.severity = Severity::Critical;
                f.message
                    .push_str(", with its pair in the same file: a usable AWS credential");
                if let Some(obj) = f.evidence.as_object_mut() {
                    obj.insert("paired".to_owned(), serde_json::Value::Bool(true));
                }
            }
            Some(f)
        })
        .collect()
}
