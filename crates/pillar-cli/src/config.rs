//! `pillar.toml`: defaults for `pillar scan` that flags override.

use crate::args::{FailOn, ScanFormat};
use anyhow::Context;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Default output format.
    pub format: Option<ScanFormat>,
    /// Default failure threshold.
    pub fail_on: Option<FailOn>,
    /// Rules to run.
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules to skip.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Baseline report.
    pub baseline: Option<PathBuf>,
    /// Paths to scan when none are given.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
}

/// Load `explicit`, else `./pillar.toml` when present, else defaults.
pub fn load(explicit: Option<&Path>) -> anyhow::Result<Config> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from("pillar.toml");
            if !p.is_file() {
                return Ok(Config::default());
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read config {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text.get(..s.start).map_or(0, |t| t.matches('\n').count()) + 1);
        match line {
            Some(l) => anyhow::anyhow!("{}:{l}: {}", path.display(), e.message()),
            None => anyhow::anyhow!("{}: {}", path.display(), e.message()),
        }
    })
}
