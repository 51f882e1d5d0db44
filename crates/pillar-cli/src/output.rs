//! What `scan`, `secrets` and `detect` share: the format and colour choice,
//! writing the report, and the `--fail-on` threshold.

use crate::args::{ColorChoice, FailOn, ScanFormat};
use anyhow::Context;
use pillar_model::Severity;
use pillar_report::{Format, RenderOptions, Report};
use std::io::IsTerminal;
use std::path::Path;

/// The severity a `--fail-on` value names.
pub fn threshold(f: FailOn) -> Severity {
    match f {
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
        FailOn::Info => Severity::Info,
    }
}

/// The report format of a `--format` value.
pub fn format(f: ScanFormat) -> Format {
    match f {
        ScanFormat::Text => Format::Text,
        ScanFormat::Json => Format::Json,
        ScanFormat::Sarif => Format::Sarif,
        ScanFormat::Html => Format::Html,
        ScanFormat::Markdown => Format::Markdown,
        ScanFormat::Ocsf => Format::Ocsf,
        ScanFormat::Asff => Format::Asff,
        ScanFormat::Junit => Format::Junit,
    }
}

/// Whether to colour: `auto` colours a terminal when `NO_COLOR` is unset.
pub fn color(choice: ColorChoice, output: Option<&Path>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// When the report is made, in seconds since the Unix epoch:
/// `SOURCE_DATE_EPOCH` when set (reproducible output, the convention of
/// reproducible-builds.org), else now.
pub fn now() -> i64 {
    if let Some(v) = std::env::var_os("SOURCE_DATE_EPOCH") {
        if let Some(t) = v.to_str().and_then(|s| s.trim().parse::<i64>().ok()) {
            return t;
        }
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Redact and write the report to `output`, or to standard output. A closed
/// pipe (`pillar scan | head`) is not an error worth a message.
pub fn write(
    report: &mut Report,
    format: Format,
    opts: &RenderOptions,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    if report.generated_at.is_none() {
        report.generated_at = Some(now());
    }
    match output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            pillar_report::write(report, format, opts, &mut w)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            match pillar_report::write(report, format, opts, &mut w) {
                Ok(()) => {}
                Err(pillar_report::ReportError::Io(e))
                    if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e).context("cannot write the report"),
            }
        }
    }
    Ok(())
}
