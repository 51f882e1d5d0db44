//! Git history: the secrets each commit added, with the commit, its author
//! and date, the path and the line.
//!
//! Every commit reachable from `HEAD` (less those reachable from `--since`)
//! is compared with its parents tree by tree: only subtrees whose ids differ
//! are entered, so a commit costs what it changed. A file version (blob) is
//! scanned once however many commits hold it. A secret is reported in a
//! commit when that commit's version of the file holds it and no parent's
//! version of the same path does: moving a line or editing next to it does
//! not report it again, and a merge reports only what neither side had.
//!
//! Objects are read with `gix` (no `git` executable needed). A corrupt or
//! missing object is noted and skipped; the rest of the history is scanned.

use crate::engine::{Engine, Hit};
use crate::walk::{self, FileHit};
use gix::hash::ObjectId;
use gix::objs::tree::EntryMode;
use pillar_model::Skipped;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How to read the history.
#[derive(Debug, Clone, Default)]
pub struct GitOptions {
    /// Scan only commits not reachable from this revision (`main`, a tag,
    /// a commit id, `HEAD~10`): `git log REV..HEAD`.
    pub since: Option<String>,
    /// File versions larger than this are skipped with a note (0: 16 MiB).
    pub max_blob_bytes: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

/// The commit a secret was added in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// `Name <email>` of the author.
    pub author: String,
    /// Author date, `YYYY-MM-DD` (UTC).
    pub date: String,
}

/// A secret added by a commit.
#[derive(Debug, Clone, PartialEq)]
pub struct GitHit {
    /// Path in the repository and the hit (line and column in the commit's
    /// version of the file).
    pub file: FileHit,
    /// Index into [`GitOutput::commits`].
    pub commit: usize,
}

/// What a history scan found.
#[derive(Debug, Default)]
pub struct GitOutput {
    /// Commits scanned, in walk order (newest first).
    pub commits: Vec<CommitInfo>,
    /// Secrets added, in commit order, then path, line, column.
    pub hits: Vec<GitHit>,
    /// Objects that could not be read, file versions too large.
    pub skipped: Vec<Skipped>,
    /// Distinct file versions scanned.
    pub blobs_scanned: u64,
    /// Bytes of those.
    pub bytes_scanned: u64,
    /// File versions passed over (binary, minified, lock files).
    pub blobs_passed_over: u64,
}

/// Errors that stop a history scan before it starts.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// Not a repository, or one gix cannot open.
    #[error("{path}: not a readable git repository: {message}")]
    Open {
        /// The folder given.
        path: String,
        /// Why.
        message: String,
    },
    /// `--since` names nothing.
    #[error("{path}: cannot resolve revision `{rev}`: {message}")]
    Revision {
        /// The repository.
        path: String,
        /// The revision given.
        rev: String,
        /// Why.
        message: String,
    },
    /// `HEAD` cannot be read or walked.
    #[error("{path}: cannot walk the history: {message}")]
    Walk {
        /// The repository.
        path: String,
        /// Why.
        message: String,
    },
}

/// Deepest folder nesting followed in a tree (a crafted repository could
/// nest deeper than any real one).
const MAX_DEPTH: usize = 128;

/// One file a commit changed: the new version and the parents' versions at
/// the same path.
struct Change {
    commit: usize,
    path: String,
    blob: ObjectId,
    old: Vec<ObjectId>,
}

type Entries = Vec<(Vec<u8>, EntryMode, ObjectId)>;

fn tree_entries(repo: &gix::Repository, id: ObjectId) -> Result<Entries, String> {
    let tree = repo.find_tree(id).map_err(|e| e.to_string())?;
    let decoded = tree.decode().map_err(|e| e.to_string())?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| (e.filename.to_vec(), e.mode, e.oid.to_owned()))
        .collect())
}

/// The files that `new` holds in a version no parent tree holds at the
/// same path.
fn diff_trees(
    repo: &gix::Repository,
    new: ObjectId,
    olds: &[Option<ObjectId>],
    prefix: &str,
    depth: usize,
    emit: &mut dyn FnMut(String, ObjectId, Vec<ObjectId>),
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("{prefix}: folders nested deeper than {MAX_DEPTH}"));
    }
    let entries = tree_entries(repo, new)?;
    let mut old_maps: Vec<HashMap<Vec<u8>, (EntryMode, ObjectId)>> = Vec::new();
    for old in olds.iter().flatten() {
        // An unreadable parent tree counts as empty: its files are reported
        // as added rather than lost.
        let m = tree_entries(repo, *old)
            .unwrap_or_default()
            .into_iter()
            .map(|(n, m, i)| (n, (m, i)))
            .collect();
        old_maps.push(m);
    }
    for (name, mode, id) in entries {
        let shown = String::from_utf8_lossy(&name);
        let path = if prefix.is_empty() {
            shown.into_owned()
        } else {
            format!("{prefix}/{shown}")
        };
        let in_parents: Vec<(EntryMode, ObjectId)> = old_maps
            .iter()
            .filter_map(|m| m.get(&name).copied())
            .collect();
        if in_parents.iter().any(|&(_, i)| i == id) {
            continue;
        }
        if mode.is_tree() {
            if walk::skip_dir(&String::from_utf8_lossy(&name)) {
                continue;
            }
            let sub: Vec<Option<ObjectId>> = old_maps
                .iter()
                .map(|m| m.get(&name).filter(|(m, _)| m.is_tree()).map(|&(_, i)| i))
                .collect();
            diff_trees(repo, id, &sub, &path, depth + 1, emit)?;
        } else if mode.is_blob() {
            let old = in_parents
                .iter()
                .filter(|(m, _)| m.is_blob())
                .map(|&(_, i)| i)
                .collect();
            emit(path, id, old);
        }
        // Symbolic links and submodules hold no file content.
    }
    Ok(())
}

/// What scanning one file version gave.
enum Scanned {
    /// The hits and the size of the version.
    Hits(Vec<Hit>, u64),
    PassedOver,
    Skipped(String),
}

/// Read the history of the repository holding `root` and return the
/// secrets each commit added.
pub fn scan_history(
    engine: &Engine,
    root: &Path,
    opts: &GitOptions,
) -> Result<GitOutput, GitError> {
    let shown = root.display().to_string();
    let mut repo = gix::discover(root).map_err(|e| GitError::Open {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let walk_err = |message: String| GitError::Walk {
        path: shown.clone(),
        message,
    };
    let head = repo.head().map_err(|e| walk_err(e.to_string()))?;
    let Some(head_id) = head.id().map(|i| i.detach()) else {
        // An unborn branch: no commits yet.
        return Ok(GitOutput::default());
    };
    let mut hidden = Vec::new();
    if let Some(rev) = &opts.since {
        let id = repo
            .rev_parse_single(rev.as_str())
            .map_err(|e| GitError::Revision {
                path: shown.clone(),
                rev: rev.clone(),
                message: e.to_string(),
            })?;
        hidden.push(id.detach());
    }
    let walk = repo
        .rev_walk([head_id])
        .with_hidden(hidden)
        .all()
        .map_err(|e| walk_err(e.to_string()))?;

    let mut out = GitOutput::default();
    let mut changes: Vec<Change> = Vec::new();
    for info in walk {
        let info = match info {
            Ok(i) => i,
            Err(e) => {
                out.skipped.push(Skipped::new(
                    format!("{shown} (git history)"),
                    format!("history walk stopped: {e}"),
                ));
                break;
            }
        };
        let id = info.id;
        let hex = id.to_string();
        let commit = match repo.find_commit(id) {
            Ok(c) => c,
            Err(e) => {
                out.skipped
                    .push(Skipped::new(format!("commit {hex}"), e.to_string()));
                continue;
            }
        };
        let (author, date) = match commit.author() {
            Ok(sig) => {
                let date = sig
                    .time()
                    .ok()
                    .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                (
                    format!(
                        "{} <{}>",
                        String::from_utf8_lossy(sig.name.as_ref()).trim(),
                        String::from_utf8_lossy(sig.email.as_ref()).trim()
                    ),
                    date,
                )
            }
            Err(_) => (String::new(), String::new()),
        };
        let tree = match commit.tree_id() {
            Ok(t) => t.detach(),
            Err(e) => {
                out.skipped
                    .push(Skipped::new(format!("commit {hex}"), e.to_string()));
                continue;
            }
        };
        let parent_trees: Vec<Option<ObjectId>> = info
            .parent_ids
            .iter()
            .map(|p| {
                repo.find_commit(*p)
                    .ok()
                    .and_then(|c| c.tree_id().ok())
                    .map(|t| t.detach())
            })
            .collect();
        let index = out.commits.len();
        out.commits.push(CommitInfo {
            id: hex.clone(),
            author,
            date,
        });
        let mut emit = |path: String, blob: ObjectId, old: Vec<ObjectId>| {
            if !walk::skip_file_name(&path) {
                changes.push(Change {
                    commit: index,
                    path,
                    blob,
                    old,
                });
            }
        };
        if let Err(e) = diff_trees(&repo, tree, &parent_trees, "", 0, &mut emit) {
            out.skipped.push(Skipped::new(
                format!("commit {hex}"),
                format!("tree not fully read: {e}"),
            ));
        }
    }

    // Every file version to scan, once, keyed by whether its path is source
    // code (some rules read code differently).
    let mut keys: Vec<(ObjectId, bool, &str)> = Vec::new();
    let mut seen: HashSet<(ObjectId, bool)> = HashSet::new();
    for c in &changes {
        let code = crate::filter::is_source_code(&c.path);
        for &b in std::iter::once(&c.blob).chain(&c.old) {
            if seen.insert((b, code)) {
                keys.push((b, code, c.path.as_str()));
            }
        }
    }
    let max = if opts.max_blob_bytes == 0 {
        16 * 1024 * 1024
    } else {
        opts.max_blob_bytes
    };
    let results = scan_blobs(engine, repo.git_dir(), &keys, max, opts.threads);
    let mut by_key: HashMap<(ObjectId, bool), &Scanned> = HashMap::new();
    for ((b, code, _), r) in keys.iter().zip(&results) {
        by_key.insert((*b, *code), r);
        match r {
            Scanned::Hits(_, n) => {
                out.blobs_scanned += 1;
                out.bytes_scanned += n;
            }
            Scanned::PassedOver => out.blobs_passed_over += 1,
            Scanned::Skipped(_) => {}
        }
    }
    for c in &changes {
        let code = crate::filter::is_source_code(&c.path);
        let new = match by_key.get(&(c.blob, code)) {
            Some(Scanned::Hits(h, _)) if !h.is_empty() => h,
            Some(Scanned::Skipped(reason)) => {
                let commit = out.commits.get(c.commit).map_or("", |i| i.id.as_str());
                out.skipped.push(Skipped::new(
                    format!("{} at commit {commit}", c.path),
                    reason.clone(),
                ));
                continue;
            }
            _ => continue,
        };
        let had: HashSet<(usize, &str)> = c
            .old
            .iter()
            .filter_map(|o| match by_key.get(&(*o, code)) {
                Some(Scanned::Hits(h, _)) => Some(h),
                _ => None,
            })
            .flatten()
            .map(|h| (h.rule, h.secret_sha256.as_str()))
            .collect();
        for h in new.iter() {
            if !had.contains(&(h.rule, h.secret_sha256.as_str())) {
                out.hits.push(GitHit {
                    file: FileHit {
                        path: c.path.clone(),
                        hit: h.clone(),
                    },
                    commit: c.commit,
                });
            }
        }
    }
    Ok(out)
}

/// Scan file versions on `threads` workers, each with its own handle on the
/// repository (opened again from its git folder).
fn scan_blobs(
    engine: &Engine,
    git_dir: &Path,
    keys: &[(ObjectId, bool, &str)],
    max: u64,
    threads: usize,
) -> Vec<Scanned> {
    let workers = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
    .clamp(1, 64);
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Scanned)>> = Mutex::new(Vec::with_capacity(keys.len()));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut local = Vec::new();
                let mut repo = match gix::open(git_dir) {
                    Ok(r) => r,
                    Err(e) => {
                        // Opened once already; if it fails now, say so for
                        // every version this worker would have read.
                        let reason = format!("cannot open the repository again: {e}");
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= keys.len() {
                                break;
                            }
                            local.push((i, Scanned::Skipped(reason.clone())));
                        }
                        done.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .append(&mut local);
                        return;
                    }
                };
                repo.object_cache_size_if_unset(4 * 1024 * 1024);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(id, _, path)) = keys.get(i) else {
                        break;
                    };
                    local.push((i, scan_blob(engine, &repo, id, path, max)));
                }
                done.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .append(&mut local);
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

fn scan_blob(
    engine: &Engine,
    repo: &gix::Repository,
    id: ObjectId,
    path: &str,
    max: u64,
) -> Scanned {
    match repo.find_header(id) {
        Ok(h) if h.size() > max => {
            return Scanned::Skipped(format!(
                "larger than {} MiB, not scanned for secrets",
                max / (1024 * 1024)
            ))
        }
        Ok(_) => {}
        Err(e) => return Scanned::Skipped(format!("cannot read object {id}: {e}")),
    }
    let blob = match repo.find_blob(id) {
        Ok(b) => b,
        Err(e) => return Scanned::Skipped(format!("cannot read object {id}: {e}")),
    };
    if walk::classify(&blob.data).is_some() {
        return Scanned::PassedOver;
    }
    Scanned::Hits(engine.scan(path, &blob.data), blob.data.len() as u64)
}
