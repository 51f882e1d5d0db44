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

/// The built-in rules plus the packs given with `--rules`.
pub(crate) fn engine_with_packs(packs: &[PathBuf]) -> anyhow::Result<Engine> {
    let mut rules = pillar_secrets::rules::builtin().context("built-in secret rules")?;
    for p in packs {
        let shown = p.display().to_string();
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read rule pack {shown}"))?;
        let pack = pillar_secrets::packs::load(&shown, &text)?;
        for n in &pack.notes {
            eprintln!("note: {n}");
        }
        for r in pack.rules {
            if rules.iter().any(|x| x.id == r.id) {
                anyhow::bail!(
                    "{shown}: rule `{}` has the id of a rule already loaded",
                    r.id
                );
            }
            rules.push(r);
        }
    }
    Ok(Engine::new(rules, "rules")?)
}

pub fn run(args: &SecretsArgs) -> anyhow::Result<ExitCode> {
    let mut engine = engine_with_packs(&args.rule_packs)?;
    if args.stats {
        engine.enable_stats();
    }
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
        archives: args.archives,
    };
    let started = Instant::now();
    let scan = if args.git {
        scan_history(&engine, &paths, args, &opts)?
    } else {
        pillar_secrets::scan(&engine, &paths, &opts)
    };
    if args.stats {
        let what = if args.git {
            format!(
                "{} commits, {} file versions",
                scan.commits_scanned, scan.files_scanned
            )
        } else {
            format!("{} files", scan.files_scanned)
        };
        eprintln!(
            "secrets: {what}, {:.1} MB scanned in {:.2} s; {} passed over (binary, minified, lock files); {} findings",
            scan.bytes_scanned as f64 / 1e6,
            started.elapsed().as_secs_f64(),
            scan.files_passed_over,
            scan.findings.len()
        );
        if let Some(stats) = engine.stats() {
            eprint!("{}", stats.render());
        }
    }
    let kind = if args.git { "git" } else { "files" };
    let mut report = Report {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        sources: paths
            .iter()
            .map(|p| format!("{kind} {}", p.display()))
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
    let failed = args.fail_on.is_some_and(|t| {
        let t = output::threshold(t);
        report
            .findings
            .iter()
            .any(|f| f.status == Status::Fail && f.severity >= t)
    });
    let code = if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if args.fix_plan {
        let plan = pillar_secrets::fixplan::render(&report.findings);
        match &args.output {
            Some(path) => std::fs::write(path, plan)
                .with_context(|| format!("cannot write {}", path.display()))?,
            None => print!("{plan}"),
        }
        for s in &report.skipped {
            eprintln!("skipped: {s}");
        }
        return Ok(code);
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
    Ok(code)
}

/// `--git`: the history of each path's repository, one scan merged.
fn scan_history(
    engine: &Engine,
    paths: &[PathBuf],
    args: &SecretsArgs,
    opts: &WalkOptions,
) -> anyhow::Result<pillar_secrets::SecretsScan> {
    let git_opts = pillar_secrets::git::GitOptions {
        since: args.since.clone(),
        max_blob_bytes: opts.max_file_bytes,
        threads: opts.threads,
    };
    let mut all = pillar_secrets::SecretsScan::default();
    for p in paths {
        let s = pillar_secrets::scan_git(engine, p, &git_opts)?;
        all.findings.extend(s.findings);
        all.skipped.extend(s.skipped);
        all.files_scanned += s.files_scanned;
        all.bytes_scanned += s.bytes_scanned;
        all.files_passed_over += s.files_passed_over;
        all.commits_scanned += s.commits_scanned;
        all.rules = s.rules;
    }
    Ok(all)
}
