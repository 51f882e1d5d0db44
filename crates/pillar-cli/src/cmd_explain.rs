//! `pillar explain RULE`: one rule's documentation.

use crate::args::ExplainArgs;
use anyhow::bail;
use std::process::ExitCode;

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    match pillar_checks::registry::find(&args.rule) {
        Some(rule) => {
            print!("{}", pillar_checks::docs::rule_page(rule));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let close: Vec<&str> = pillar_checks::all()
                .iter()
                .map(|r| r.meta().id)
                .filter(|id| id.contains(args.rule.as_str()) || args.rule.contains(id))
                .collect();
            if close.is_empty() {
                bail!("no rule named `{}` (see `pillar rules`)", args.rule);
            }
            bail!(
                "no rule named `{}`; did you mean: {}",
                args.rule,
                close.join(", ")
            );
        }
    }
}
