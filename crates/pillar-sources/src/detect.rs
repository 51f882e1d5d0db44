//! Recognise what a path holds and load it with the right source.

use crate::{cloudformation, snapshot, terraform, Loaded};
use pillar_model::Skipped;
use std::path::{Path, PathBuf};

/// Options for loading.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this are skipped with a message.
    pub max_file_bytes: u64,
    /// Terraform `--var NAME=VALUE`, in order (later wins).
    pub tf_vars: Vec<(String, String)>,
    /// Terraform `--var-file FILE`, in order (after `*.auto.tfvars`).
    pub tf_var_files: Vec<PathBuf>,
    /// CloudFormation `--cfn-param NAME=VALUE`.
    pub cfn_params: Vec<(String, String)>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: 256 * 1024 * 1024,
            tf_vars: Vec::new(),
            tf_var_files: Vec::new(),
            cfn_params: Vec::new(),
        }
    }
}

/// Load every path: a snapshot folder is loaded as a snapshot; any other
/// folder is searched (not following symlinks) for snapshot folders below
/// it. Paths that hold nothing pillar reads are reported in `skipped`.
pub fn load_paths(paths: &[PathBuf], opts: &LoadOptions) -> Loaded {
    load_paths_scoped(paths, opts, snapshot::Scope::All)
}

/// [`load_paths`] reading, from snapshots, only the files network
/// reachability needs (VPCs, subnets, route tables, gateways, ACLs,
/// security groups, prefix lists, ENIs, instances, Elastic IPs, load
/// balancers and their listeners and targets, DB instances, VPC Block
/// Public Access): `pillar net` skips the account's buckets, IAM, logs and
/// the rest. Terraform and CloudFormation inputs are read whole.
pub fn load_network_paths(paths: &[PathBuf], opts: &LoadOptions) -> Loaded {
    load_paths_scoped(paths, opts, snapshot::Scope::Network)
}

fn load_paths_scoped(paths: &[PathBuf], opts: &LoadOptions, scope: snapshot::Scope) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        loaded.merge(load_path(path, opts, scope));
    }
    loaded
}

fn load_path(path: &Path, opts: &LoadOptions, scope: snapshot::Scope) -> Loaded {
    let mut loaded = Loaded::default();
    let shown = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            loaded
                .skipped
                .push(Skipped::new(shown, format!("cannot read: {e}")));
            return loaded;
        }
    };
    if !meta.is_dir() {
        if cloudformation::is_template_path(path) {
            return cloudformation::load_file(path, opts);
        }
        if terraform::plan::is_plan_path(path) {
            return terraform::plan::load_plan(path, opts);
        }
        loaded.skipped.push(Skipped::new(
            shown,
            "not a folder or template pillar can read (expected a snapshot, Terraform or CloudFormation folder, or a template)",
        ));
        return loaded;
    }
    let found = find_inputs(path);
    if found.is_empty() {
        loaded.skipped.push(Skipped::new(
            shown,
            "no snapshot, Terraform or CloudFormation input found in this folder",
        ));
        return loaded;
    }
    for input in found {
        loaded.merge(match input {
            Input::Snapshot(root) => snapshot::load_scoped(&root, opts, scope),
            Input::Terraform(dir) => terraform::load(&dir, opts),
            Input::Template(file) => cloudformation::load_file(&file, opts),
            Input::Plan(file) => terraform::plan::load_plan(&file, opts),
        });
    }
    loaded
}

/// One input found under a folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Input {
    Snapshot(PathBuf),
    Terraform(PathBuf),
    Template(PathBuf),
    Plan(PathBuf),
}

/// Folders never searched.
const SKIP_DIRS: &[&str] = &[".git", "target", "node_modules", ".terraform"];

/// Snapshot roots, Terraform module folders and CloudFormation templates
/// at or below `path`. A snapshot root's own sub-folders are not searched
/// again; symlinks are not followed.
fn find_inputs(path: &Path) -> Vec<Input> {
    let mut found: Vec<Input> = snapshot::find_snapshot_roots(path)
        .into_iter()
        .map(Input::Snapshot)
        .collect();
    let roots: Vec<PathBuf> = found
        .iter()
        .filter_map(|i| match i {
            Input::Snapshot(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    let walk = walkdir::WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            // A snapshot root's inside (tens of thousands of files) is not
            // walked at all.
            e.depth() == 0
                || !(e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIP_DIRS.contains(&n))
                    || roots.iter().any(|r| e.path().starts_with(r)))
        });
    for entry in walk.filter_map(Result::ok) {
        let p = entry.path();
        if roots.iter().any(|r| p.starts_with(r)) {
            continue;
        }
        if entry.file_type().is_dir() {
            if terraform::is_module_dir(p) {
                found.push(Input::Terraform(p.to_path_buf()));
            }
        } else if entry.file_type().is_file() && cloudformation::is_template_path(p) {
            found.push(Input::Template(p.to_path_buf()));
        } else if entry.file_type().is_file() && terraform::plan::is_plan_path(p) {
            found.push(Input::Plan(p.to_path_buf()));
        }
    }
    // A folder another configuration calls as a local module is loaded
    // through that call, with its inputs, not again on its own.
    let called: Vec<PathBuf> = found
        .iter()
        .filter_map(|i| match i {
            Input::Terraform(d) => Some(terraform::local_module_dirs(d)),
            _ => None,
        })
        .flatten()
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect();
    if !called.is_empty() {
        found.retain(|i| match i {
            Input::Terraform(d) => std::fs::canonicalize(d).map_or(true, |c| !called.contains(&c)),
            _ => true,
        });
    }
    found
}
