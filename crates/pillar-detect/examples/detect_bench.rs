//! Times a detection run without the CLI (for profiling the engine alone):
//! `cargo run --release -p pillar-detect --example detect_bench -- RULES LOGS...`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use pillar_detect::{detect, Engine, ReadOptions, RuleSet};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(rules) = args.next() else {
        eprintln!("usage: detect_bench RULES LOGS...");
        std::process::exit(2);
    };
    let logs: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let mut set = RuleSet::default();
    set.add_path(std::path::Path::new(&rules));
    set.finish();
    let nerr = set.errors.len();
    let engine = Engine::new(set);
    let t = Instant::now();
    let out = detect(&engine, &logs, &ReadOptions::default());
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} events in {s:.3} s: {:.0} events/s; {} rules ({} unindexed, {nerr} errors); {} findings; {} matches",
        out.stats.events,
        out.stats.events as f64 / s,
        engine.set.rules.len(),
        engine.unindexed_count(),
        out.findings.len(),
        out.stats.matches.iter().sum::<u64>()
    );
    if std::env::var_os("TOP").is_some() {
        let mut top: Vec<(u64, &str)> = out
            .stats
            .matches
            .iter()
            .zip(&engine.set.rules)
            .map(|(n, r)| (*n, r.header.title.as_str()))
            .collect();
        top.sort_unstable_by(|a, b| b.cmp(a));
        for (n, t) in top.iter().take(10) {
            println!("{n:>8} {t}");
        }
    }
}
