//! Running the rules over an inventory.

use crate::meta::Rule;
use crate::out::{Out, Shared};
use pillar_model::{Finding, Inventory, RuleInfo};
use rayon::prelude::*;

/// Which rules to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run only rules matching one of these (empty: all). A pattern matches
    /// a rule id exactly, an id prefix ending in `-` or `*`
    /// (`iam-`, `ec2-sg-*`), a service (`s3`) or a domain
    /// (`data-protection`).
    pub select: Vec<String>,
    /// Skip rules matching one of these.
    pub ignore: Vec<String>,
}

/// Whether a selection pattern names a rule.
pub fn pattern_matches(pattern: &str, rule: &dyn Rule) -> bool {
    let m = rule.meta();
    let p = pattern.trim();
    if p == m.id || p == m.service || p == m.domain.as_str() || p == "all" {
        return true;
    }
    if let Some(prefix) = p.strip_suffix('*') {
        return m.id.starts_with(prefix);
    }
    p.ends_with('-') && m.id.starts_with(p)
}

impl RunOptions {
    /// Whether a rule is selected.
    pub fn selects(&self, rule: &dyn Rule) -> bool {
        let selected =
            self.select.is_empty() || self.select.iter().any(|p| pattern_matches(p, rule));
        selected && !self.ignore.iter().any(|p| pattern_matches(p, rule))
    }
}

/// The result of running rules: findings plus the rules that ran.
#[derive(Debug, Clone, Default)]
pub struct RunResult {
    /// Every finding, all statuses, in registry order then resource order.
    pub findings: Vec<Finding>,
    /// Metadata of the rules that ran.
    pub rules: Vec<RuleInfo>,
}

/// Run the selected rules of `rules` over `inv`, in parallel.
pub fn run(inv: &Inventory, rules: &[&'static dyn Rule], opts: &RunOptions) -> RunResult {
    let selected: Vec<&'static dyn Rule> =
        rules.iter().copied().filter(|r| opts.selects(*r)).collect();
    let shared = std::sync::Arc::new(Shared::default());
    let per_rule: Vec<Vec<Finding>> = selected
        .par_iter()
        .map(|rule| {
            let mut out = Out::with_shared(rule.meta(), std::sync::Arc::clone(&shared));
            rule.check(inv, &mut out);
            out.into_findings()
        })
        .collect();
    RunResult {
        findings: per_rule.into_iter().flatten().collect(),
        rules: selected.iter().map(|r| r.meta().info()).collect(),
    }
}
