//! `pillar rules`: list rules or generate their docs.

use crate::args::{RulesArgs, RulesFormat};
use anyhow::{bail, Context};
use pillar_checks::docs;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let rules = pillar_checks::all();
    match args.format {
        RulesFormat::Text => {
            for r in &rules {
                let m = r.meta();
                println!(
                    "{:<48} {:<9} {:<26} {}",
                    m.id,
                    m.severity,
                    m.domain.as_str(),
                    m.title
                );
            }
            println!("{} rules", rules.len());
        }
        RulesFormat::Json => {
            let infos: Vec<_> = rules.iter().map(|r| r.meta().info()).collect();
            println!("{}", serde_json::to_string_pretty(&infos)?);
        }
        RulesFormat::Md => {
            let dir = args
                .output
                .clone()
                .unwrap_or_else(|| PathBuf::from("docs/rules"));
            let mut pages = vec![("README.md".to_owned(), docs::index_page(&rules))];
            pages.extend(
                rules
                    .iter()
                    .map(|r| (format!("{}.md", r.meta().id), docs::rule_page(*r))),
            );
            if args.check {
                let mut stale = Vec::new();
                for (name, text) in &pages {
                    let path = dir.join(name);
                    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                        stale.push(path.display().to_string());
                    }
                }
                if !stale.is_empty() {
                    bail!(
                        "rule docs are out of date (run `pillar rules --format md -o {}`): {}",
                        dir.display(),
                        stale.join(", ")
                    );
                }
                println!(
                    "{} rule pages up to date in {}",
                    pages.len() - 1,
                    dir.display()
                );
            } else {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                for (name, text) in &pages {
                    let path = dir.join(name);
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                println!("wrote {} rule pages to {}", pages.len() - 1, dir.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
