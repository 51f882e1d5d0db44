//! `pillar detect`: run the Sigma rules (shipped pack and `--rules`) over
//! CloudTrail logs and render the detections like a scan.

use crate::args::{DetectArgs, SqlDialect};
use crate::output;
use pillar_detect::sql::Dialect;
use pillar_detect::{Engine, ReadOptions, RuleSet};
use pillar_model::Status;
use pillar_report::{RenderOptions, Report};
use std::process::ExitCode;
use std::time::Instant;

fn load_rules(args: &DetectArgs) -> anyhow::Result<RuleSet> {
    let mut set = RuleSet::default();
    if let Some(p) = &args.placeholders {
        set.load_placeholders(p)
            .map_err(|e| anyhow::anyhow!("--placeholders {e}"))?;
    }
    if !args.no_default_rules {
        set.add_shipped();
    }
    for dir in &args.rules {
        if !dir.exists() {
            anyhow::bail!("--rules {}: no such file or folder", dir.display());
        }
        set.add_path(dir);
    }
    set.finish();
    Ok(set)
}

/// `--check-rules`: every rule loads, its examples match and its negative
/// examples do not.
fn check_rules(args: &DetectArgs) -> anyhow::Result<ExitCode> {
    let set = load_rules(args)?;
    let (examples, failures) = pillar_detect::check_examples(&set);
    for e in &set.errors {
        eprintln!("rule not loaded: {e}");
    }
    for f in &failures {
        eprintln!("{f}");
    }
    let ok = failures.is_empty() && set.errors.is_empty();
    println!(
        "{} detection rules, {} correlations, {examples} examples: {}",
        set.rules.len(),
        set.correlations.len(),
        if ok { "ok" } else { "FAILED" }
    );
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--emit-sql`: the rules as SQL on standard output; what cannot be
/// written is listed on standard error.
fn emit_sql(args: &DetectArgs, dialect: SqlDialect) -> anyhow::Result<ExitCode> {
    let set = load_rules(args)?;
    for e in &set.errors {
        eprintln!("rule not loaded: {e}");
    }
    let d = match dialect {
        SqlDialect::Athena => Dialect::Athena,
        SqlDialect::Trino => Dialect::Trino,
        SqlDialect::Spark => Dialect::Spark,
    };
    let out = pillar_detect::sql::emit(&set, &args.sql_table, d);
    print!("{}", out.sql);
    for (rule, why) in &out.skipped {
        eprintln!("not written as SQL: {rule}: {why}");
    }
    eprintln!(
        "{} statements written, {} rules left out",
        out.written,
        out.skipped.len()
    );
    Ok(if out.written == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn run(args: &DetectArgs) -> anyhow::Result<ExitCode> {
    if args.check_rules {
        return check_rules(args);
    }
    if let Some(d) = args.emit_sql {
        return emit_sql(args, d);
    }
    if args.logs.is_empty() {
        anyhow::bail!("name the logs to read: files, folders, or `-` for standard input");
    }
    let set = load_rules(args)?;
    if set.rules.is_empty() {
        for e in &set.errors {
            eprintln!("rule not loaded: {e}");
        }
        anyhow::bail!("no usable rule: check --rules and the errors above");
    }
    let engine = Engine::new(set);
    let started = Instant::now();
    let out = pillar_detect::detect(&engine, &args.logs, &ReadOptions::default());
    let elapsed = started.elapsed().as_secs_f64();
    if args.stats {
        let s = &out.stats;
        eprintln!(
            "detect: {} events from {} inputs in {:.2} s ({:.0} events/s); {} rules ({} not indexed), {} correlations; {} malformed records; {} findings",
            s.events,
            s.files,
            elapsed,
            s.events as f64 / elapsed.max(1e-9),
            engine.set.rules.len(),
            engine.unindexed_count(),
            engine.set.correlations.len(),
            s.malformed,
            out.findings.len()
        );
    }
    if out.stats.events == 0 && out.stats.malformed == 0 {
        for s in &out.skipped {
            eprintln!("skipped: {s}");
        }
        anyhow::bail!(
            "no event could be read from {}",
            args.logs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let mut report = Report {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        sources: args
            .logs
            .iter()
            .map(|p| format!("logs {}", p.display()))
            .collect(),
        rules: out.rules,
        findings: out.findings,
        skipped: out.skipped,
        ..Report::default()
    };
    let format = output::format(args.format);
    let color = output::color(args.color, args.output.as_deref());
    let render_opts = RenderOptions {
        color,
        verbose: false,
    };
    output::write(&mut report, format, &render_opts, args.output.as_deref())?;
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
