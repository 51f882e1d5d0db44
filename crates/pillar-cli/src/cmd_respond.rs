//! `pillar respond PLAYBOOK --finding FILE [--apply] [--undo]`: bind a
//! playbook to a finding, print the plan, and with `--apply` run it
//! (the `aws` build feature), recording everything in the audit log.

use crate::args::{RespondArgs, RespondFormat};
use anyhow::{bail, Context};
use pillar_respond::{bind, plan, playbook};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Largest finding or report file read.
const MAX_FINDING_BYTES: u64 = 512 << 20;

pub fn run(args: &RespondArgs) -> anyhow::Result<ExitCode> {
    let pb = playbook::load(&args.playbook)?;
    let file = args.finding.display().to_string();
    let size = std::fs::metadata(&args.finding)
        .with_context(|| format!("{file}: cannot read"))?
        .len();
    if size > MAX_FINDING_BYTES {
        bail!("{file}: larger than {MAX_FINDING_BYTES} bytes");
    }
    let text = std::fs::read(&args.finding).with_context(|| format!("{file}: cannot read"))?;
    let doc: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| anyhow::anyhow!("{file}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
    let overrides: BTreeMap<String, String> = args.inputs.iter().cloned().collect();
    let binding = bind::bind(&pb, &file, &doc, args.fingerprint.as_deref(), &overrides)?;
    let incident = match &args.incident_id {
        Some(id) if plan::valid_incident_id(id) => id.clone(),
        Some(id) => bail!("--incident-id `{id}`: use 1 to 64 letters, digits, `-`, `_` or `.`"),
        None => plan::default_incident_id(&pb.id, &binding.fingerprint),
    };
    let mut plan = plan::plan(&pb, binding, &incident);
    imp::run(args, &mut plan)
}

fn print_plan(args: &RespondArgs, plan: &pillar_respond::Plan, note: &str) -> anyhow::Result<()> {
    match args.format {
        RespondFormat::Json => println!("{}", serde_json::to_string_pretty(plan)?),
        RespondFormat::Text => {
            print!("{plan}");
            if !note.is_empty() {
                println!("{note}");
            }
        }
    }
    Ok(())
}

/// Evidence goes next to the audit log unless a folder is given.
fn evidence_dir(args: &RespondArgs) -> PathBuf {
    args.evidence_dir.clone().unwrap_or_else(|| {
        args.audit_log
            .parent()
            .map(|p| p.join("evidence"))
            .unwrap_or_else(|| PathBuf::from("evidence"))
    })
}

#[cfg(not(feature = "aws"))]
mod imp {
    use super::*;

    pub fn run(args: &RespondArgs, plan: &mut pillar_respond::Plan) -> anyhow::Result<ExitCode> {
        if args.apply {
            bail!(
                "--apply needs the AWS SDK: this pillar was built without the aws feature; install with cargo install --path crates/pillar-cli --features aws (nothing was changed)"
            );
        }
        if args.undo {
            bail!("--undo reads the account: this pillar was built without the aws feature; install with cargo install --path crates/pillar-cli --features aws");
        }
        let _ = evidence_dir(args);
        print_plan(
            args,
            plan,
            "(this pillar was built without the aws feature: the plan is static; a build with it reads the account and shows the exact calls)",
        )?;
        Ok(ExitCode::SUCCESS)
    }
}

#[cfg(feature = "aws")]
mod imp {
    use super::*;
    use pillar_respond::exec::{self, Connect, Mode, RunOptions};

    pub fn run(args: &RespondArgs, plan: &mut pillar_respond::Plan) -> anyhow::Result<ExitCode> {
        let mode = match (args.apply, args.undo) {
            (false, false) => Mode::Plan,
            (true, false) => Mode::Apply,
            (false, true) => Mode::UndoPlan,
            (true, true) => Mode::UndoApply,
        };
        let connect = Connect {
            region: args.region.clone(),
            profile: args.profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
        };
        let opts = RunOptions {
            mode,
            yes: args.yes,
            evidence_dir: evidence_dir(args),
        };
        let out = exec::run(plan, &connect, &opts, &args.audit_log)?;
        match mode {
            Mode::Plan => print_plan(args, plan, "")?,
            Mode::UndoPlan => {
                print_plan(args, plan, "")?;
                if args.format == RespondFormat::Text {
                    println!("(undo plan: the calls above put back what earlier runs of incident {} changed)", plan.incident_id);
                }
            }
            Mode::Apply | Mode::UndoApply => {
                if args.format == RespondFormat::Json {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&serde_json::json!({
                            "incident": plan.incident_id,
                            "changes": out.changed,
                            "done": out.done,
                            "failed": out.failed,
                            "awaiting_approval": out.awaiting,
                            "evidence": out.evidence,
                        }))?
                    );
                } else {
                    println!("incident {} — playbook {}", plan.incident_id, plan.playbook);
                    for line in &out.log {
                        println!("  {line}");
                    }
                    println!("{} change(s) made", out.changed);
                }
            }
        }
        if !out.failed.is_empty() || out.awaiting.is_some() {
            for (step, e) in &out.failed {
                eprintln!("step {step} failed: {e}");
            }
            if let Some((step, why)) = &out.awaiting {
                eprintln!("step {step} needs approval ({why}): run again with --yes to continue");
            }
            return Ok(ExitCode::from(1));
        }
        Ok(ExitCode::SUCCESS)
    }
}
