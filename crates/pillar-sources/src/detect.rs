//! Recognise what a path holds and load it with the right source.

use crate::{snapshot, Loaded};
use pillar_model::Skipped;
use std::path::{Path, PathBuf};

/// Options for loading.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this are skipped with a message.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Load every path: a snapshot folder is loaded as a snapshot; any other
/// folder is searched (not following symlinks) for snapshot folders below
/// it. Paths that hold nothing pillar reads are reported in `skipped`.
pub fn load_paths(paths: &[PathBuf], opts: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        loaded.merge(load_path(path, opts));
    }
    loaded
}

fn load_path(path: &Path, opts: &LoadOptions) -> Loaded {
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
        loaded.skipped.push(Skipped::new(
            shown,
            "not a folder pillar can read (expected a snapshot folder)",
        ));
        return loaded;
    }
    let roots = snapshot::find_snapshot_roots(path);
    if roots.is_empty() {
        loaded.skipped.push(Skipped::new(
            shown,
            "no snapshot, Terraform or CloudFormation input found in this folder",
        ));
        return loaded;
    }
    for root in roots {
        loaded.merge(snapshot::load(&root, opts));
    }
    loaded
}
