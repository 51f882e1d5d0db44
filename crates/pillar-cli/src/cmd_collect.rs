//! `pillar collect --aws -o DIR`, and the live-account part of `pillar scan
//! --aws`: options from the flags, a progress bar on a terminal, and a
//! short account of the calls that failed. Without the `aws` build feature
//! the flags exist (same help) but say how to get a build that has it.

use crate::args::{AwsArgs, CollectArgs};
use std::process::ExitCode;

/// What a build without the feature says to `--aws`.
#[cfg(not(feature = "aws"))]
const NO_FEATURE: &str = "this pillar was built without the aws feature; install with cargo install --path crates/pillar-cli --features aws";

pub fn run(args: &CollectArgs) -> anyhow::Result<ExitCode> {
    if !args.live.aws {
        anyhow::bail!("collect reads the live account: pass --aws (and -o DIR)");
    }
    imp::collect(&args.live, &args.output)
}

/// The live account as a loaded source for `scan --aws`, with what to say
/// about it once the rules ran.
pub use imp::scan;

#[cfg(feature = "aws")]
mod imp {
    use super::AwsArgs;
    use anyhow::Context;
    use pillar_sources::live::{self, FailedCall, Options, Progress, Summary};
    use pillar_sources::{LoadOptions, Loaded};
    use std::collections::BTreeMap;
    use std::io::IsTerminal;
    use std::path::Path;
    use std::process::ExitCode;
    use std::sync::Arc;
    use std::time::Duration;

    /// What `scan` keeps of the live collection.
    pub struct Live {
        pub summary: Summary,
    }

    impl Live {
        /// Mark the findings about the live account as `aws`.
        pub fn mark(&self, findings: &mut [pillar_model::Finding], live_only: bool) {
            live::mark_findings(findings, &self.summary, live_only);
        }
    }

    fn options(a: &AwsArgs) -> Options {
        Options {
            profile: a.profile.clone(),
            regions: a.regions.clone(),
            all_regions: a.all_regions,
            endpoint_url: a.endpoint_url.clone(),
            concurrency: a.aws_concurrency.max(1),
            call_timeout: Duration::from_secs(a.aws_timeout.max(1)),
            max_attempts: a.aws_max_attempts,
            ..Options::default()
        }
    }

    /// A progress bar on standard error, only on a terminal.
    struct Bar(indicatif::ProgressBar);

    impl Progress for Bar {
        fn call_started(&self) {
            self.0.inc_length(1);
        }
        fn call_finished(&self, failed: bool) {
            if failed {
                self.0.set_message("(some calls failed)");
            }
            self.0.inc(1);
        }
    }

    fn progress() -> (Arc<dyn Progress>, Option<indicatif::ProgressBar>) {
        if !std::io::stderr().is_terminal() {
            return (Arc::new(live::NoProgress), None);
        }
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("aws {spinner} {pos}/{len} API calls {msg}")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        (Arc::new(Bar(bar.clone())), Some(bar))
    }

    /// `AccessDenied ×3, RequestTimeout ×1`.
    fn by_code(failed: &[FailedCall]) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for f in failed {
            *counts.entry(f.code.as_str()).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|(code, n)| format!("{code} ×{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The short account printed to standard error.
    fn report(summary: &Summary, list_failures: bool) {
        let account = summary.account_id.as_deref().unwrap_or("(unknown account)");
        eprintln!(
            "aws: account {account}, {} region(s) ({}), {} API calls",
            summary.regions.len(),
            summary.regions.join(", "),
            summary.calls
        );
        if summary.failed.is_empty() {
            return;
        }
        eprintln!(
            "aws: {} call(s) failed; what they inform is not assessed: {}",
            summary.failed.len(),
            by_code(&summary.failed)
        );
        if list_failures {
            for f in &summary.failed {
                eprintln!("  {}: {}: {}", f.file, f.code, f.message);
            }
        }
    }

    pub fn collect(a: &AwsArgs, dir: &Path) -> anyhow::Result<ExitCode> {
        let (progress, bar) = progress();
        let result = live::collect(&options(a), dir, progress);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let summary = result.context("aws")?;
        report(&summary, true);
        eprintln!("snapshot written to {}", dir.display());
        Ok(ExitCode::SUCCESS)
    }

    pub fn scan(a: &AwsArgs, load: &LoadOptions) -> anyhow::Result<(Loaded, Live)> {
        let (progress, bar) = progress();
        let result = live::scan(&options(a), load, progress);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let (loaded, summary) = result.context("aws")?;
        // The failed calls are listed in the report's skipped inputs.
        report(&summary, false);
        Ok((loaded, Live { summary }))
    }
}

#[cfg(not(feature = "aws"))]
mod imp {
    use super::{AwsArgs, NO_FEATURE};
    use pillar_sources::{LoadOptions, Loaded};
    use std::path::Path;
    use std::process::ExitCode;

    /// Never built without the feature.
    pub enum Live {}

    impl Live {
        pub fn mark(&self, _findings: &mut [pillar_model::Finding], _live_only: bool) {
            match *self {}
        }
    }

    pub fn collect(_a: &AwsArgs, _dir: &Path) -> anyhow::Result<ExitCode> {
        anyhow::bail!(NO_FEATURE)
    }

    pub fn scan(_a: &AwsArgs, _load: &LoadOptions) -> anyhow::Result<(Loaded, Live)> {
        anyhow::bail!(NO_FEATURE)
    }
}
