//! `pillar diff OLD.json NEW.json`: fixed, new and unchanged failures by
//! fingerprint; exit 1 when a new failure is at or above `--fail-on`.

use crate::args::{DiffArgs, DiffFormat};
use crate::output;
use anyhow::Context;
use pillar_report::diff;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

fn read(path: &Path) -> anyhow::Result<Vec<pillar_model::Finding>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    diff::failures_from_json(&text).with_context(|| format!("{}", path.display()))
}

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let old = read(&args.old)?;
    let new = read(&args.new)?;
    let d = diff::diff(&old, &new);
    let format = match args.format {
        DiffFormat::Text => diff::DiffFormat::Text,
        DiffFormat::Json => diff::DiffFormat::Json,
        DiffFormat::Markdown => diff::DiffFormat::Markdown,
    };
    let text = diff::render(&d, format)?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e).context("cannot write the diff"),
            }
        }
    }
    let failed = args
        .fail_on
        .is_some_and(|t| d.new_at_or_above(output::threshold(t)));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
