//! Print what the loaders read from paths, as JSON (a debugging aid).
use pillar_sources::{load_paths, LoadOptions};
use std::path::PathBuf;

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let loaded = load_paths(&paths, &LoadOptions::default());
    for s in &loaded.skipped {
        eprintln!("skipped: {s}");
    }
    match serde_json::to_string_pretty(&loaded.inventory) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("{e}"),
    }
}
