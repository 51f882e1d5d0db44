//! `pillar secrets`: scan files for hard-coded secrets and render the
//! findings (redacted) through the report formats.

use crate::args::{ScanFormat, SecretsArgs};
use crate::output;
use anyhow::Context;
use pillar_model::Status;
use pillar_report::{Format, RenderOptions, Report};
use pillar_secrets::{Engine, WalkOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Scan `paths` for secrets with the built-in rules, for `pillar scan`.
pub fn scan_paths(
    paths: &[PathBuf],
    max_file_bytes: u64,
) -> anyhow::Result<pillar_secrets::SecretsScan> {
    let engine = Engine::builtin().context("built-in secret rules")?;
    let opts = WalkOptions {
        max_file_bytes,
        ..WalkOptions::default()
    };
    Ok(pillar_secrets::scan(&engine, paths, &opts))
}

/// Whether a `--select`/`--ignore` pattern names a secret rule: its id, an
/// id prefix (`generic-`, `aws-*`), its service (`secretsmanager`) or its
/// domain (`data-protection`).
fn pattern_names(pattern: &str, rule: &pillar_model::RuleInfo) -> bool {
    let p = pattern.trim();
    p == rule.id
        || p == rule.service
        || p == rule.domain.as_str()
        || p.strip_suffix('*')
            .is_some_and(|prefix| rule.id.starts_with(prefix))
        || (p.ends_with('-') && rule.id.starts_with(p))
}

/// Whether a `--select`/`--ignore` pattern of `pillar scan` names a secret
/// rule (so it is not a usage error).
pub fn pattern_names_a_rule(pattern: &str) -> bool {
    pillar_secrets::rules::builtin().is_ok_and(|rules| {
        rules
            .iter()
            .any(|r| pattern_names(pattern, &pillar_secrets::finding::rule_info(r)))
    })
}

/// Add a secrets scan to a `pillar scan` report, honouring the run's
/// `--select` and `--ignore` patterns.
pub fn add_to_report(
    report: &mut Report,
    scan: pillar_secrets::SecretsScan,
    select: &[String],
    ignore: &[String],
) {
    let keep = |r: &pillar_model::RuleInfo| {
        (select.is_empty() || select.iter().any(|p| pattern_names(p, r)))
            && !ignore.iter().any(|p| pattern_names(p, r))
    };
    let kept: Vec<pillar_model::RuleInfo> = scan.rules.into_iter().filter(|r| keep(r)).collect();
    report.findings.extend(
        scan.findings
            .into_iter()
            .filter(|f| kept.iter().any(|r| r.id == f.rule)),
    );
    report.rules.extend(kept);
    report.skipped.extend(scan.skipped);
}

pub fn run(args: &SecretsArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::builtin().context("built-in secret rules")?;
    if args.list_rules {
        for r in engine.rules() {
            println!("{:<30} {:<8} {}", r.id, r.severity.as_str(), r.title);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.check_rules {
        let failures = engine.check_examples();
        let examples: usize = engine
            .rules()
            .iter()
            .map(|r| r.examples.len() + r.negative_examples.len())
            .sum();
        for f in &failures {
            eprintln!("{f}");
        }
        println!(
            "{} secret rules, {examples} examples: {}",
            engine.rules().len(),
            if failures.is_empty() { "ok" } else { "FAILED" }
        );
        return Ok(if failures.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if std::fs::symlink_metadata(p).is_err() {
            anyhow::bail!("cannot read {}: no such file or folder", p.display());
        }
    }
    let opts = WalkOptions {
        max_file_bytes: args.max_file_mib.saturating_mul(1024 * 1024),
        respect_ignore_files: !args.no_ignore,
        threads: args.threads,
    };
    let started = Instant::now();
    let scan = pillar_secrets::scan(&engine, &paths, &opts);
    if args.stats {
        eprintln!(
            "secrets: {} files, {:.1} MB scanned in {:.2} s; {} passed over (binary, minified, lock files); {} findings",
            scan.files_scanned,
            scan.bytes_scanned as f64 / 1e6,
            started.elapsed().as_secs_f64(),
            scan.files_passed_over,
            scan.findings.len()
        );
    }
    let mut report = Report {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        sources: paths
            .iter()
            .map(|p| format!("files {}", p.display()))
            .collect(),
        rules: scan.rules,
        findings: scan.findings,
        skipped: scan.skipped,
        ..Report::default()
    };
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let known = pillar_report::baseline::fingerprints_from_json(&text)
            .with_context(|| format!("baseline {}", path.display()))?;
        pillar_report::baseline::apply(&mut report, &known);
    }
    let format = output::format(args.format.unwrap_or(ScanFormat::Text));
    let color = output::color(args.color, args.output.as_deref());
    let render_opts = RenderOptions {
        color,
        verbose: false,
    };
    output::write(&mut report, format, &render_opts, args.output.as_deref())?;
    if args.output.is_some() || format != Format::Text {
        for s in &report.skipped {
            eprintln!("skipped: {s}");
        }
    }
    let failed = args.fail_on.is_some_and(|t| {
        let t = output::threshold(t);
        report
            .findings
            .iter()
            .any(|f| f.status == Status::Fail && f.severity >= t)
    });
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
