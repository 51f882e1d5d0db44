//! Render a JSON report (`pillar scan --format json`) in another format and
//! print how long rendering took: the figure the HTML report's performance
//! goal names (20,000 findings in under a second).
//!
//! ```text
//! cargo run --release -p pillar-report --example render -- REPORT.json html OUT.html
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, format, output] = args.as_slice() else {
        eprintln!("usage: render REPORT.json FORMAT OUT");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {input}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut report = match pillar_report::read_json(&text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {input}: {e}");
            return ExitCode::from(2);
        }
    };
    let format: pillar_report::Format = match format.parse() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let file = match std::fs::File::create(output) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot write {output}: {e}");
            return ExitCode::from(2);
        }
    };
    let findings = report.findings.len() + report.baselined.len();
    let mut out = std::io::BufWriter::new(file);
    let started = Instant::now();
    let result = pillar_report::write(
        &mut report,
        format,
        &pillar_report::RenderOptions::default(),
        &mut out,
    )
    .map_err(|e| e.to_string())
    .and_then(|()| out.flush().map_err(|e| e.to_string()));
    let elapsed = started.elapsed();
    if let Err(e) = result {
        eprintln!("error: {output}: {e}");
        return ExitCode::from(2);
    }
    let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    println!(
        "render: {findings} findings as {format} in {:.0} ms ({:.1} MB)",
        elapsed.as_secs_f64() * 1000.0,
        size as f64 / 1e6
    );
    ExitCode::SUCCESS
}
