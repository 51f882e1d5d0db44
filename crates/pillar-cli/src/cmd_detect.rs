//! `pillar detect`: run the Sigma rules (shipped pack and `--rules`) over
//! CloudTrail logs and render the detections like a scan.

use crate::args::{DetectArgs, ScanFormat, SqlDialect};
use crate::output;
use pillar_detect::instance_creds::{self, InstanceNetworks};
use pillar_detect::sql::Dialect;
use pillar_detect::stateful::{self, Geo, History};
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

fn read_options(args: &DetectArgs) -> ReadOptions {
    ReadOptions {
        max_groups: args.max_groups.max(1),
        ..ReadOptions::default()
    }
}

/// `--check-rules`: the alias of `pillar rules check` over the shipped
/// pack (unless `--no-default-rules`) and `--rules`.
fn check_rules(args: &DetectArgs) -> anyhow::Result<ExitCode> {
    let set = crate::cmd_rules_check::load(
        &args.rules,
        !args.no_default_rules,
        args.placeholders.as_deref(),
    )?;
    let format = if args.format == ScanFormat::Json {
        crate::args::RulesCheckFormat::Json
    } else {
        crate::args::RulesCheckFormat::Text
    };
    Ok(crate::cmd_rules_check::report(&set, None, format))
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

/// `--follow`: poll the inputs, print each round's detections as they
/// come (one line each), until stopped.
fn follow(args: &DetectArgs, engine: &Engine) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    if args.logs.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!("--follow reads files and folders, not standard input");
    }
    let json = args.format == ScanFormat::Json;
    let mut sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let mut follower = pillar_detect::follow::Follower::new(engine, &args.logs, read_options(args));
    let pause = std::time::Duration::from_millis(args.poll_ms.max(10));
    loop {
        let round = follower.poll();
        for s in &round.skipped {
            eprintln!("skipped: {s}");
        }
        for f in &round.findings {
            if json {
                writeln!(sink, "{}", serde_json::to_string(f)?)?;
            } else {
                let at = f
                    .location
                    .as_ref()
                    .map(|l| match l.line {
                        Some(n) => format!(" [{}:{n}]", l.file),
                        None => format!(" [{}]", l.file),
                    })
                    .unwrap_or_default();
                writeln!(
                    sink,
                    "{:<8} {}: {}{at}",
                    f.severity.as_str().to_uppercase(),
                    f.rule,
                    f.message
                )?;
            }
        }
        sink.flush()?;
        if args.stats && round.events > 0 {
            eprintln!(
                "detect: {} new events, {} findings",
                round.events,
                round.findings.len()
            );
        }
        std::thread::sleep(pause);
    }
}

/// `--snapshot`: the instances' expected addresses, from snapshot
/// folders read like `pillar scan` reads them.
fn load_snapshot(paths: &[std::path::PathBuf]) -> anyhow::Result<Option<InstanceNetworks>> {
    if paths.is_empty() {
        return Ok(None);
    }
    if let Some(p) = paths.iter().find(|p| !p.exists()) {
        anyhow::bail!("--snapshot {}: no such file or folder", p.display());
    }
    let loaded = pillar_sources::load_paths(paths, &pillar_sources::LoadOptions::default());
    for s in &loaded.skipped {
        eprintln!("skipped: {s}");
    }
    if loaded.files_read == 0 {
        anyhow::bail!(
            "--snapshot: nothing could be read from {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let nets = InstanceNetworks::from_inventory(&loaded.inventory);
    if nets.instances.is_empty() {
        eprintln!("snapshot: no EC2 instance described; instance credentials are judged by their first address");
    }
    Ok(Some(nets))
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
    let mut engine = Engine::new(set);
    if args.follow {
        if args.history.is_some() || args.geoip.is_some() || !args.snapshot.is_empty() {
            anyhow::bail!("--history, --geoip and --snapshot read whole runs, not --follow");
        }
        return follow(args, &engine);
    }
    let history = match &args.history {
        Some(p) => Some(History::load(p)?),
        None => None,
    };
    let geo = match &args.geoip {
        Some(p) => Some(Geo::load(p)?),
        None => None,
    };
    let nets = load_snapshot(&args.snapshot)?;
    engine.track_activity = history.is_some() || geo.is_some();
    // The instance-credentials detection is part of the shipped pack.
    engine.track_instance_creds = !args.no_default_rules || nets.is_some();
    let started = Instant::now();
    let out = pillar_detect::detect(&engine, &args.logs, &read_options(args));
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

    let mut out = out;
    if let Some(h) = &history {
        if h.principals.is_empty() {
            eprintln!("history: no principal known yet, nothing is first seen in this run");
        }
        out.findings.extend(stateful::first_seen(&out.activity, h));
    }
    if let Some(g) = &geo {
        out.findings
            .extend(stateful::impossible_travel(&out.activity, g));
    }
    if engine.track_instance_creds {
        out.findings.extend(instance_creds::outside_instance(
            &out.activity.instance,
            nets.as_ref(),
            history.as_ref(),
        ));
        out.rules.push(instance_creds::rule_info());
    }
    out.rules
        .extend(stateful::rule_infos(history.is_some(), geo.is_some()));
    if let (Some(mut h), Some(path), true) = (history, &args.history, args.update_history) {
        let learnt = instance_creds::learnable(&out.activity.instance, nets.as_ref(), Some(&h));
        h.learn(&out.activity);
        h.learn_instances(learnt);
        let text = serde_json::to_string_pretty(&h)?;
        std::fs::write(path, text + "\n")
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        eprintln!(
            "history: {} principals written to {}",
            h.principals.len(),
            path.display()
        );
    }
    let mut report = Report {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        sources: args
            .logs
            .iter()
            .map(|p| format!("logs {}", p.display()))
            .chain(
                args.snapshot
                    .iter()
                    .map(|p| format!("snapshot {}", p.display())),
            )
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
