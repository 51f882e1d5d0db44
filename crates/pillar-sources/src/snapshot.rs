//! The snapshot source: a folder of AWS CLI v2 JSON outputs.

use crate::{LoadOptions, Loaded};
use std::path::{Path, PathBuf};

/// Folders at or below `path` that are snapshot roots.
pub fn find_snapshot_roots(path: &Path) -> Vec<PathBuf> {
    let _ = path;
    Vec::new()
}

/// Load a snapshot folder.
pub fn load(root: &Path, opts: &LoadOptions) -> Loaded {
    let _ = (root, opts);
    Loaded::default()
}
