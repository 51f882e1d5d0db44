//! `pillar scan`: load sources, run the rules, render the review.

use crate::args::{ScanArgs, ScanFormat};
use crate::config;
use crate::output;
use anyhow::Context;
use pillar_checks::RunOptions;
use pillar_model::Status;
use pillar_report::{RenderOptions, Report};
use pillar_sources::LoadOptions;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let cfg = config::load(args.config.as_deref())?;
    let paths: Vec<PathBuf> = if !args.paths.is_empty() {
        args.paths.clone()
    } else if !cfg.paths.is_empty() {
        cfg.paths.clone()
    } else if args.live.aws {
        // `scan --aws` alone reviews the live account only.
        Vec::new()
    } else {
        vec![PathBuf::from(".")]
    };
    let load_opts = LoadOptions {
        max_file_bytes: args.max_file_mib.saturating_mul(1024 * 1024),
        tf_vars: args.tf_vars.clone(),
        tf_var_files: args.tf_var_files.clone(),
        cfn_params: args.cfn_params.clone(),
    };
    let mut loaded = pillar_sources::load_paths(&paths, &load_opts);
    // Secrets (issue 9): the secrets scanner reads the same paths.
    let secrets = crate::cmd_secrets::scan_paths(&paths, load_opts.max_file_bytes)?;
    // The live account (issue 7): loaded like a snapshot, marked `aws`.
    let live = if args.live.aws {
        let (from_aws, live) = crate::cmd_collect::scan(&args.live, &load_opts)?;
        loaded.merge(from_aws);
        Some(live)
    } else {
        None
    };
    if live.is_none() && loaded.files_read == 0 && secrets.files_scanned == 0 {
        for s in &loaded.skipped {
            eprintln!("skipped: {s}");
        }
        anyhow::bail!(
            "nothing could be read from {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let opts = RunOptions {
        select: if args.select.is_empty() {
            cfg.select.clone()
        } else {
            args.select.clone()
        },
        ignore: cfg.ignore.iter().chain(&args.ignore).cloned().collect(),
    };
    let rules = pillar_checks::all();
    for pattern in opts.select.iter().chain(&opts.ignore) {
        if !rules
            .iter()
            .any(|r| pillar_checks::run::pattern_matches(pattern, *r))
            && !crate::cmd_secrets::pattern_names_a_rule(pattern)
        {
            anyhow::bail!(
                "--select/--ignore pattern `{pattern}` matches no rule (see `pillar rules`)"
            );
        }
    }
    let mut result = pillar_checks::run(&loaded.inventory, &rules, &opts);
    if let Some(live) = &live {
        live.mark(&mut result.findings, paths.is_empty());
    }

    // The inventory is not needed past this point; freeing a large one takes
    // a noticeable time, so do it on another thread while the report renders.
    let mut inventory = loaded.inventory;
    let suppressions = std::mem::take(&mut inventory.suppressions);
    let freeing = std::thread::spawn(move || drop(inventory));
    let mut report = Report {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        sources: loaded.sources,
        rules: result.rules,
        findings: result.findings,
        skipped: loaded.skipped,
        ..Report::default()
    };
    // Secrets (issue 9): their findings, rules and skipped inputs join the review.
    crate::cmd_secrets::add_to_report(&mut report, secrets, &opts.select, &opts.ignore);
    // In-source suppressions (issue 3): accepted failures move to `suppressed`.
    pillar_report::suppress::apply(&mut report, &suppressions);
    if let Some(path) = args.baseline.as_ref().or(cfg.baseline.as_ref()) {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let known = pillar_report::baseline::fingerprints_from_json(&text)
            .with_context(|| format!("baseline {}", path.display()))?;
        pillar_report::baseline::apply(&mut report, &known);
    }

    let format = output::format(args.format.or(cfg.format).unwrap_or(ScanFormat::Text));
    let color = output::color(args.color, args.output.as_deref());
    let render_opts = RenderOptions {
        color,
        verbose: args.verbose,
    };
    output::write(&mut report, format, &render_opts, args.output.as_deref())?;
    if args.output.is_some() {
        for s in &report.skipped {
            eprintln!("skipped: {s}");
        }
    }

    let fail_on = args.fail_on.or(cfg.fail_on);
    let failed = fail_on.is_some_and(|t| {
        let t = output::threshold(t);
        report
            .findings
            .iter()
            .any(|f| f.status == Status::Fail && f.severity >= t)
    });
    // The process is about to exit: let the OS reclaim the report wholesale.
    std::mem::forget(report);
    let _ = freeing.join();
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
