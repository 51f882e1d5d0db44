//! Time the secrets scan of a tree without the CLI's report rendering:
//! `cargo run --release -p pillar-secrets --example secrets_bench -- [--git] PATH [THREADS]`
//! (`--git`: the repository's history instead of the files).
//! Prints files, bytes, findings and wall time; with `SECRETS_BENCH_LIST=1`
//! also one line per finding (file, line, rule, redacted value) on stderr,
//! to compare two builds.

use pillar_secrets::{Engine, WalkOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let git = args.next_if(|a| a == "--git").is_some();
    let root = PathBuf::from(
        args.next()
            .ok_or("usage: secrets_bench [--git] PATH [THREADS]")?,
    );
    let threads = args.next().map(|t| t.parse()).transpose()?.unwrap_or(0);
    // SECRETS_BENCH_DROP=id,id: leave these rules out (to measure what
    // each costs); SECRETS_BENCH_STATS=1: print the per-rule costs.
    let drop = std::env::var("SECRETS_BENCH_DROP").unwrap_or_default();
    let rules: Vec<_> = pillar_secrets::rules::builtin()?
        .into_iter()
        .filter(|r| !drop.split(',').any(|d| d == r.id))
        .collect();
    let mut engine = Engine::new(rules, "rules/secrets")?;
    if std::env::var_os("SECRETS_BENCH_STATS").is_some() {
        engine.enable_stats();
    }
    let (anchors, simd) = engine.keyword_search();
    eprintln!(
        "{} rules, {anchors} keyword anchors, SIMD search: {simd}",
        engine.rules().len()
    );
    let multi: Vec<&str> = (0..engine.rules().len())
        .filter(|&i| !engine.single_line(i))
        .filter_map(|i| engine.rules().get(i).map(|r| r.id.as_str()))
        .collect();
    eprintln!("rules with multi-line windows: {}", multi.join(", "));
    let opts = WalkOptions {
        respect_ignore_files: false,
        threads,
        ..WalkOptions::default()
    };
    let started = Instant::now();
    let scan = if git {
        let git_opts = pillar_secrets::git::GitOptions {
            threads,
            ..Default::default()
        };
        pillar_secrets::scan_git(&engine, &root, &git_opts)?
    } else {
        pillar_secrets::scan(&engine, &[root], &opts)
    };
    println!(
        "{} commits, {} files, {:.1} MB, {} findings, {} passed over, {:.2} s wall",
        scan.commits_scanned,
        scan.files_scanned,
        scan.bytes_scanned as f64 / 1e6,
        scan.findings.len(),
        scan.files_passed_over,
        started.elapsed().as_secs_f64()
    );
    if let Some(stats) = engine.stats() {
        eprint!("{}", stats.render());
    }
    if std::env::var_os("SECRETS_BENCH_LIST").is_some() {
        for f in &scan.findings {
            let (file, line) = f.location.as_ref().map_or((String::new(), 0), |l| {
                (l.file.clone(), l.line.unwrap_or(0))
            });
            eprintln!("{file}:{line}\t{}\t{}", f.rule, f.message);
        }
    }
    Ok(())
}
