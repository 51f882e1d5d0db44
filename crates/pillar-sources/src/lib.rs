//! Sources: each turns some input into the pillar [`Inventory`].
//!
//! * [`snapshot`]: a folder of AWS CLI v2 JSON outputs (see the README for
//!   the layout).
//! * [`terraform`]: a folder of `.tf` files with its variables.
//! * [`cloudformation`]: a CloudFormation template, YAML or JSON.
//! * `live` (feature `aws`): the account itself, through the AWS SDK,
//!   written as a snapshot and loaded as one.
//!
//! Loading never stops at a bad file: what cannot be read is listed in
//! [`Loaded::skipped`] with the file, line and reason.

mod attach;
pub mod cloudformation;
pub mod detect;
#[cfg(feature = "aws")]
pub mod live;
mod secret_args;
pub mod snapshot;
pub mod terraform;

pub use detect::{load_network_paths, load_paths, LoadOptions};
use pillar_model::{Inventory, Skipped};

/// The result of loading one or more inputs.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Everything read, merged.
    pub inventory: Inventory,
    /// Inputs (or parts) that could not be read, and why.
    pub skipped: Vec<Skipped>,
    /// Number of files read successfully.
    pub files_read: usize,
    /// The sources recognised, e.g. `snapshot examples/demo/snapshot`.
    pub sources: Vec<String>,
}

impl Loaded {
    /// Fold another load into this one.
    pub fn merge(&mut self, other: Loaded) {
        self.inventory.merge(other.inventory);
        self.skipped.extend(other.skipped);
        self.files_read += other.files_read;
        self.sources.extend(other.sources);
    }
}
