//! The live source (feature `aws`): reads the account through the AWS SDK
//! for Rust, read-only, and writes what it reads as a snapshot folder —
//! for every call of `docs/snapshot-layout.md`, the JSON the AWS CLI v2
//! would print, or the collector's error form `{"Error": {"Code",
//! "Message"}}` when the call failed.
//!
//! [`collect`] keeps that folder (`pillar collect --aws -o DIR`); [`scan`]
//! collects into a temporary folder, loads it with the snapshot loader and
//! marks everything as coming from the live account. So a collected folder
//! scans to the same findings as the live scan by construction, and "not
//! configured" versus "not assessed" is decided in one place (the loader).
//!
//! Calls run concurrently across services and regions, bounded by
//! [`Options::concurrency`]; each call has the SDK's standard retries with
//! backoff and a time-out. A failed call (access denied, not implemented,
//! throttled past the retries, timed out) becomes an error file: its rules
//! report *not assessed* with the reason, and [`Summary::failed`] lists it.

/// Every item of a paginated list call, all pages read:
/// `every!(client.list_x().param(v))`.
macro_rules! every {
    ($request:expr) => {
        $request.into_paginator().items().send().try_collect()
    };
}

mod call;
mod clients;
mod ec2;
mod global;
mod json;
mod relabel;
mod services;

use crate::{LoadOptions, Loaded};
use call::Ctx;
use clients::{Global, Regional};
use serde_json::json;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// How to reach the account.
#[derive(Debug, Clone)]
pub struct Options {
    /// Named profile of the shared config files (SSO and assume-role
    /// profiles included); `None`: the default chain (environment, default
    /// profile, instance metadata…).
    pub profile: Option<String>,
    /// Regions to read; empty: the configured region.
    pub regions: Vec<String>,
    /// Read every region enabled for the account (`ec2 describe-regions`).
    pub all_regions: bool,
    /// Send every call to this URL (an emulator such as moto).
    pub endpoint_url: Option<String>,
    /// Calls in flight at once, across services and regions.
    pub concurrency: usize,
    /// Time-out of one call, retries included.
    pub call_timeout: Duration,
    /// Time-out to open a connection.
    pub connect_timeout: Duration,
    /// Attempts per call (standard retry mode, exponential backoff).
    pub max_attempts: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            regions: Vec::new(),
            all_regions: false,
            endpoint_url: None,
            concurrency: 16,
            call_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_attempts: 4,
        }
    }
}

/// Told about every call, for a progress display. Calls are discovered as
/// the collection goes (a bucket list leads to per-bucket calls), so the
/// total grows.
pub trait Progress: Send + Sync {
    /// A call is about to be made.
    fn call_started(&self);
    /// A call ended; `failed` unless it succeeded or its error means "not
    /// configured".
    fn call_finished(&self, failed: bool);
}

/// No progress display.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn call_started(&self) {}
    fn call_finished(&self, _failed: bool) {}
}

/// A call that failed for a reason other than "not configured": what it
/// informs is not assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCall {
    /// The snapshot file it would have written, relative to the folder
    /// (e.g. `us-east-1/ec2-describe-flow-logs.json`).
    pub file: String,
    /// The service's error code (`AccessDenied`…), or `RequestTimeout`,
    /// `ConnectionError`, `HttpStatus500`… when there was none.
    pub code: String,
    /// The service's message.
    pub message: String,
}

/// What a collection did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The account, from `sts get-caller-identity`.
    pub account_id: Option<String>,
    /// Regions read.
    pub regions: Vec<String>,
    /// API calls made (retries not counted).
    pub calls: usize,
    /// Calls that failed, sorted by file.
    pub failed: Vec<FailedCall>,
}

/// Why a live collection could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The output folder could not be created.
    #[error("cannot create {path}: {source}")]
    Output {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A temporary folder could not be created.
    #[error("cannot create a temporary folder: {0}")]
    Temp(std::io::Error),
    /// `sts get-caller-identity` failed: no usable credentials, or the API
    /// cannot be reached. Nothing else would work either.
    #[error("cannot identify the account with these credentials (sts get-caller-identity): {code}: {message}")]
    Identity {
        /// Error code.
        code: String,
        /// Message.
        message: String,
    },
    /// `--all-regions` but the regions cannot be listed.
    #[error("cannot list the enabled regions (ec2 describe-regions): {code}: {message}; pass --region instead")]
    Regions {
        /// Error code.
        code: String,
        /// Message.
        message: String,
    },
    /// A region name that is not one.
    #[error("`{0}` is not a region name (e.g. us-east-1)")]
    BadRegion(String),
    /// Files could not be written, or a collecting task stopped.
    #[error("{0}")]
    Write(String),
}

/// Run `fut` for every item, concurrently, and wait for all.
pub(crate) async fn spawn_all<I, F, Fut>(ctx: &Arc<Ctx>, items: Vec<I>, f: F)
where
    I: Send + 'static,
    F: Fn(Arc<Ctx>, I) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut set = JoinSet::new();
    for item in items {
        set.spawn(f(ctx.clone(), item));
    }
    join(ctx, set).await;
}

async fn join(ctx: &Ctx, mut set: JoinSet<()>) {
    while let Some(done) = set.join_next().await {
        if let Err(e) = done {
            ctx.task_failed(&e.to_string());
        }
    }
}

fn regions_to_read(
    opts: &Options,
    config: &aws_config::SdkConfig,
) -> Result<Vec<String>, LiveError> {
    let mut list: Vec<String> = if opts.regions.is_empty() {
        vec![clients::home_region(config)]
    } else {
        opts.regions.clone()
    };
    list.sort();
    list.dedup();
    match list.iter().find(|r| !crate::snapshot::is_region_name(r)) {
        Some(bad) => Err(LiveError::BadRegion(bad.clone())),
        None => Ok(list),
    }
}

async fn collect_async(opts: &Options, ctx: Arc<Ctx>) -> Result<Summary, LiveError> {
    let config = clients::load(opts).await;
    let g = Arc::new(Global::new(config.clone(), opts.endpoint_url.clone()));

    let asked = if opts.all_regions {
        None
    } else {
        Some(regions_to_read(opts, &config)?)
    };
    let account = global::caller_identity(&ctx, &g)
        .await
        .map_err(|e| LiveError::Identity {
            code: e.code,
            message: e.message,
        })?;
    let regions = match asked {
        Some(list) => list,
        None => ec2::enabled_regions(&ctx, &g.ec2_home())
            .await
            .map_err(|e| LiveError::Regions {
                code: e.code,
                message: e.message,
            })?,
    };

    let mut set = JoinSet::new();
    set.spawn(global::iam(ctx.clone(), g.clone()));
    set.spawn(global::s3(ctx.clone(), g.clone()));
    set.spawn(global::organizations(
        ctx.clone(),
        g.clone(),
        account.clone(),
    ));
    if let Some(id) = &account {
        set.spawn(global::s3control(ctx.clone(), g.clone(), id.clone()));
    }
    for region in &regions {
        let c = Arc::new(Regional::new(&config, region));
        set.spawn(ec2::ec2(ctx.clone(), c.clone(), account.clone()));
        set.spawn(services::load_balancers(ctx.clone(), c.clone()));
        set.spawn(services::waf(ctx.clone(), c.clone()));
        set.spawn(services::kms(ctx.clone(), c.clone()));
        set.spawn(services::secrets(ctx.clone(), c.clone()));
        set.spawn(services::rds(ctx.clone(), c.clone()));
        set.spawn(services::lambda(ctx.clone(), c.clone()));
        set.spawn(services::cloudtrail(ctx.clone(), c.clone()));
        set.spawn(services::guardduty(ctx.clone(), c.clone()));
        set.spawn(services::securityhub(ctx.clone(), c.clone()));
        set.spawn(services::config(ctx.clone(), c.clone()));
        set.spawn(services::access_analyzer(ctx.clone(), c.clone()));
        set.spawn(services::events(ctx.clone(), c.clone()));
        set.spawn(services::queues(ctx.clone(), c.clone()));
        set.spawn(services::topics(ctx.clone(), c.clone()));
        set.spawn(services::ecs(ctx.clone(), c.clone()));
        set.spawn(services::logs(ctx.clone(), c));
    }
    join(&ctx, set).await;

    let collected_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    ctx.write(
        "pillar-snapshot.json",
        &json!({"collected_at": collected_at, "account_id": account, "regions": regions}),
    );
    let problems = ctx.take_write_errors();
    if let Some(first) = problems.first() {
        return Err(LiveError::Write(if problems.len() > 1 {
            format!("{first} (and {} more)", problems.len() - 1)
        } else {
            first.clone()
        }));
    }
    Ok(Summary {
        account_id: account,
        regions,
        calls: ctx.calls(),
        failed: ctx.take_failed(),
    })
}

/// Read the account into a snapshot folder `dir` (created if needed).
/// Blocks until done.
pub fn collect(
    opts: &Options,
    dir: &Path,
    progress: Arc<dyn Progress>,
) -> Result<Summary, LiveError> {
    std::fs::create_dir_all(dir).map_err(|source| LiveError::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(LiveError::Runtime)?;
    let ctx = Arc::new(Ctx::new(dir, opts.concurrency, progress));
    runtime.block_on(collect_async(opts, ctx))
}

/// Read the account and load it: the live source. The snapshot is written
/// to a temporary folder, removed before returning; inventory references
/// say `aws`, and no temporary path appears anywhere.
pub fn scan(
    opts: &Options,
    load: &LoadOptions,
    progress: Arc<dyn Progress>,
) -> Result<(Loaded, Summary), LiveError> {
    let tmp = tempfile::Builder::new()
        .prefix("pillar-aws-")
        .tempdir()
        .map_err(LiveError::Temp)?;
    let summary = collect(opts, tmp.path(), progress)?;
    let mut loaded = crate::snapshot::load(tmp.path(), load);
    relabel::relabel(&mut loaded, tmp.path(), &summary);
    Ok((loaded, summary))
}

/// How a live call is named to the user: the CLI command it stands for,
/// e.g. `aws us-east-1: ec2 describe-flow-logs` or
/// `aws: s3api get-bucket-policy my-bucket`, from a snapshot-relative path.
pub fn call_name(file: &str) -> String {
    relabel::call_name(file)
}

/// After the rules ran: account- and region-wide findings carry no source
/// of their own (their references are built by the rules); those about the
/// live account say `aws`. With `live_only` (no other input) every
/// snapshot-sourced finding is the live account's.
pub fn mark_findings(findings: &mut [pillar_model::Finding], summary: &Summary, live_only: bool) {
    use pillar_model::SourceKind;
    for f in findings {
        let about_live = match f.resource.source {
            Some(SourceKind::Aws) => true,
            Some(_) => false,
            None => {
                live_only
                    || (summary.account_id.is_some() && f.resource.account == summary.account_id)
            }
        };
        if about_live && matches!(f.source, SourceKind::Snapshot | SourceKind::Aws) {
            f.source = SourceKind::Aws;
            f.resource.source = Some(SourceKind::Aws);
        }
    }
}
