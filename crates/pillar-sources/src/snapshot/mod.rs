//! The snapshot source: a folder of AWS CLI v2 JSON outputs, laid out as
//! `docs/snapshot-layout.md` describes.
//!
//! Loading runs in three steps: list the files (names decide what each
//! holds), read and parse them in parallel into typed data, then join the
//! per-resource files to their resources by name in one pass over hash
//! maps. A file that cannot be read is reported in [`Loaded::skipped`] with
//! its line and column; the rest loads.

#![allow(
    clippy::needless_update,
    reason = "`..Default::default()` keeps the loaders building when the model gains fields"
)]

mod assemble;
mod ec2;
mod files;
mod iam;
mod messaging;
mod parse;
mod s3;
mod services;
mod util;

// The live collector (feature `aws`) writes the same files and error forms.
#[cfg(all(feature = "aws", test))]
pub(crate) use util::parse_time;
#[cfg(feature = "aws")]
pub(crate) use {
    files::{file_key, is_region_name},
    parse::ABSENT_CODES,
};

use crate::{LoadOptions, Loaded};
use files::Kind;
use parse::Data;
use pillar_model::Skipped;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use util::Ctx;

/// Folders never searched for snapshots.
const SKIP_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// One file to read.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub kind: Kind,
    pub path: PathBuf,
    /// The path as shown to the user.
    pub display: String,
    /// Region folder, for regional files.
    pub region: Option<String>,
    /// The resource a per-resource file is about (its file stem).
    pub key: Option<String>,
}

fn file_name(path: &Path) -> Option<&str> {
    path.file_name().and_then(|n| n.to_str())
}

/// Entries of a folder, symlinks left out: (path, is_dir).
fn entries(dir: &Path) -> Vec<(PathBuf, bool)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, bool)> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let t = e.file_type().ok()?;
            if t.is_symlink() {
                return None;
            }
            Some((e.path(), t.is_dir()))
        })
        .collect();
    out.sort();
    out
}

fn has_region_file(dir: &Path) -> bool {
    entries(dir)
        .iter()
        .any(|(p, is_dir)| !is_dir && file_name(p).and_then(files::region_file).is_some())
}

/// Whether a folder is a snapshot root: it holds a known root file, or a
/// region folder with a known regional file.
fn is_snapshot_root(dir: &Path) -> bool {
    entries(dir).iter().any(|(p, is_dir)| {
        let Some(name) = file_name(p) else {
            return false;
        };
        if *is_dir {
            files::is_region_name(name) && has_region_file(p)
        } else {
            files::root_file(name).is_some()
        }
    })
}

/// A region folder given on its own (`snapshot/us-east-1`).
fn is_region_root(dir: &Path) -> bool {
    file_name(dir).is_some_and(files::is_region_name) && has_region_file(dir)
}

/// Folders at or below `path` that are snapshot roots. Symlinks are not
/// followed; `.git`, `target` and `node_modules` are not searched. A root's
/// own sub-folders are not searched again.
pub fn find_snapshot_roots(path: &Path) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let mut walk = walkdir::WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIP_DIRS.contains(&n))
        });
    while let Some(entry) = walk.next() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_dir() {
            continue;
        }
        let dir = entry.path();
        if is_snapshot_root(dir) || is_region_root(dir) {
            roots.push(dir.to_path_buf());
            walk.skip_current_dir();
        }
    }
    roots
}

fn per_resource_jobs(dir: &Path, kind: Kind, region: Option<&str>, jobs: &mut Vec<Job>) {
    for (p, is_dir) in entries(dir) {
        if is_dir {
            continue;
        }
        let Some(stem) = file_name(&p).and_then(|n| n.strip_suffix(".json")) else {
            continue;
        };
        jobs.push(Job {
            kind,
            display: p.display().to_string(),
            region: region.map(str::to_owned),
            key: Some(stem.to_owned()),
            path: p,
        });
    }
}

fn region_jobs(dir: &Path, region: &str, jobs: &mut Vec<Job>) {
    for (p, is_dir) in entries(dir) {
        let Some(name) = file_name(&p) else { continue };
        if is_dir {
            if let Some(kind) = files::region_dir(name) {
                per_resource_jobs(&p, kind, Some(region), jobs);
            }
        } else if let Some(kind) = files::region_file(name) {
            jobs.push(Job {
                kind,
                display: p.display().to_string(),
                region: Some(region.to_owned()),
                key: None,
                path: p,
            });
        }
    }
}

/// Every file of a snapshot root, with the regions found.
fn list(root: &Path) -> (Vec<Job>, Vec<String>) {
    let mut jobs = Vec::new();
    let mut regions = Vec::new();
    if !is_snapshot_root(root) && is_region_root(root) {
        if let Some(region) = file_name(root) {
            region_jobs(root, region, &mut jobs);
            regions.push(region.to_owned());
        }
        return (jobs, regions);
    }
    for (p, is_dir) in entries(root) {
        let Some(name) = file_name(&p) else { continue };
        if is_dir {
            if let Some(kind) = files::root_dir(name) {
                per_resource_jobs(&p, kind, None, &mut jobs);
            } else if files::is_region_name(name) {
                regions.push(name.to_owned());
                region_jobs(&p, name, &mut jobs);
            }
        } else if let Some(kind) = files::root_file(name) {
            jobs.push(Job {
                kind,
                display: p.display().to_string(),
                region: None,
                key: None,
                path: p,
            });
        }
    }
    (jobs, regions)
}

/// Read a file within the size limit.
fn read(job: &Job, opts: &LoadOptions) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(&job.path).map_err(|e| format!("cannot read: {}", lower(&e)))?;
    if meta.len() > opts.max_file_bytes {
        return Err(format!(
            "file is larger than the limit of {} bytes ({} bytes)",
            opts.max_file_bytes,
            meta.len()
        ));
    }
    std::fs::read(&job.path).map_err(|e| format!("cannot read: {}", lower(&e)))
}

fn lower(e: &dyn std::fmt::Display) -> String {
    let s = e.to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => s,
    }
}

/// A parsed file, or why it was skipped.
pub(crate) type Outcome = Result<(Job, Data), Skipped>;

fn parse_job(job: Job, bytes: &[u8], ctx: &Ctx<'_>) -> Outcome {
    let ctx = Ctx {
        file: &job.display,
        region: job.region.as_deref(),
        ..*ctx
    };
    match parse::parse(job.kind, bytes, &ctx) {
        Ok(data) => Ok((job, data)),
        Err(fail) => {
            let (reason, line, column) = parse::describe(&fail);
            Err(Skipped::new(job.display, reason).at(line, column))
        }
    }
}

fn read_and_parse(job: Job, opts: &LoadOptions, ctx: &Ctx<'_>) -> Outcome {
    match read(&job, opts) {
        Ok(bytes) => parse_job(job, &bytes, ctx),
        Err(reason) => Err(Skipped::new(job.display, reason)),
    }
}

/// The account id and ARN partition, from the two small identity files.
fn identity(outcomes: &[Outcome]) -> (Option<String>, String) {
    let mut account = None;
    let mut partition = "aws".to_owned();
    for (_, data) in outcomes.iter().flatten() {
        match data {
            Data::Meta(m) => account = account.clone().or(m.account_id.clone()),
            Data::Identity(i) => {
                account = account.clone().or(i.account.clone());
                if let Some(p) = i.arn.as_deref().and_then(|a| a.split(':').nth(1)) {
                    if !p.is_empty() {
                        p.clone_into(&mut partition);
                    }
                }
            }
            _ => {}
        }
    }
    (account, partition)
}

/// Load a snapshot folder.
pub fn load(root: &Path, opts: &LoadOptions) -> Loaded {
    load_scoped(root, opts, Scope::All)
}

/// Which files of a snapshot to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every file.
    All,
    /// The files network reachability reads (`Kind::network`).
    Network,
}

/// [`load`], reading only the files of `scope`.
pub fn load_scoped(root: &Path, opts: &LoadOptions, scope: Scope) -> Loaded {
    let (mut jobs, regions) = list(root);
    if scope == Scope::Network {
        jobs.retain(|j| j.kind.network());
    }
    let (first, rest): (Vec<Job>, Vec<Job>) = jobs
        .into_iter()
        .partition(|j| matches!(j.kind, Kind::Meta | Kind::CallerIdentity));
    let empty = Ctx {
        file: "",
        region: None,
        account: None,
        partition: "aws",
    };
    let mut outcomes: Vec<Outcome> = first
        .into_iter()
        .map(|j| read_and_parse(j, opts, &empty))
        .collect();
    let (account, partition) = identity(&outcomes);
    let ctx = Ctx {
        account: account.as_deref(),
        partition: &partition,
        ..empty
    };
    let parsed: Vec<Outcome> = rest
        .into_par_iter()
        .map(|j| read_and_parse(j, opts, &ctx))
        .collect();
    outcomes.extend(parsed);
    let mut loaded = assemble::assemble(outcomes, &regions, account);
    loaded.sources.push(format!("snapshot {}", root.display()));
    loaded
}

/// Load one snapshot file from memory, named by its path inside a snapshot
/// (`ec2-describe-security-groups.json` is read as
/// `us-east-1/ec2-describe-security-groups.json`…). For fuzzing and tests:
/// bad bytes give a [`Skipped`] entry, never a panic.
pub fn load_file_bytes(name: &str, bytes: &[u8]) -> Loaded {
    let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    let stem = |f: &str| f.strip_suffix(".json").map(str::to_owned);
    let classified: Option<(Kind, Option<String>, Option<String>)> = match parts.as_slice() {
        [file] => files::root_file(file).map(|k| (k, None, None)),
        [a, file] if files::is_region_name(a) => {
            files::region_file(file).map(|k| (k, Some((*a).to_owned()), None))
        }
        [dir, file] => files::root_dir(dir).and_then(|k| stem(file).map(|s| (k, None, Some(s)))),
        [region, dir, file] if files::is_region_name(region) => files::region_dir(dir)
            .and_then(|k| stem(file).map(|s| (k, Some((*region).to_owned()), Some(s)))),
        _ => None,
    };
    let Some((kind, region, key)) = classified else {
        let mut loaded = Loaded::default();
        loaded
            .skipped
            .push(Skipped::new(name, "not a snapshot file name"));
        return loaded;
    };
    let job = Job {
        kind,
        path: PathBuf::from(name),
        display: name.to_owned(),
        region: region.clone(),
        key,
    };
    let ctx = Ctx {
        file: "",
        region: None,
        account: None,
        partition: "aws",
    };
    let outcome = parse_job(job, bytes, &ctx);
    let regions: Vec<String> = region.into_iter().collect();
    assemble::assemble(vec![outcome], &regions, None)
}
