//! `pillar rules check`: validate Sigma detection rules. Every file must
//! load (errors name the file and line), every rule's examples must match
//! and its negative examples must not. Without PATH, the shipped secret
//! rules (`rules/secrets/*.yml`) are checked the same way.
//!
//! Exit codes: 0 all pass; 1 an example fails; 2 a rule cannot be loaded
//! (syntax error, unknown modifier, bad correlation) or a path is missing.

use crate::args::{RulesCheckArgs, RulesCheckFormat};
use pillar_detect::RuleSet;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

/// One problem found.
struct Problem {
    file: String,
    line: usize,
    rule: String,
    kind: &'static str,
    message: String,
}

/// Build the rule set to check: PATHs (and the shipped pack when asked or
/// when no PATH is given).
pub fn load(
    paths: &[PathBuf],
    shipped: bool,
    placeholders: Option<&std::path::Path>,
) -> anyhow::Result<RuleSet> {
    let mut set = RuleSet::default();
    if let Some(p) = placeholders {
        set.load_placeholders(p)
            .map_err(|e| anyhow::anyhow!("--placeholders {e}"))?;
    }
    if shipped {
        set.add_shipped();
    }
    for p in paths {
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
        set.add_path(p);
    }
    set.finish();
    Ok(set)
}

/// The shipped secret rules' example check: rules, examples, failures.
pub struct SecretsCheck {
    rules: usize,
    examples: usize,
    failures: Vec<String>,
}

impl SecretsCheck {
    /// Check every shipped secret rule's examples, negative and
    /// low-confidence examples.
    pub fn shipped() -> anyhow::Result<Self> {
        let engine = crate::cmd_secrets::engine_with_packs(&[])?;
        let examples = engine
            .rules()
            .iter()
            .map(|r| r.examples.len() + r.negative_examples.len() + r.low_examples.len())
            .sum();
        Ok(SecretsCheck {
            rules: engine.rules().len(),
            examples,
            failures: engine.check_examples(),
        })
    }
}

/// Check a loaded set (and the secret rules, when given) and print the
/// result; the exit code as documented.
pub fn report(set: &RuleSet, secrets: Option<&SecretsCheck>, format: RulesCheckFormat) -> ExitCode {
    let (examples, failures) = pillar_detect::check_examples(set);
    let mut problems: Vec<Problem> = set
        .errors
        .iter()
        .map(|e| Problem {
            file: e.file.clone(),
            line: e.line,
            rule: String::new(),
            kind: "error",
            message: e.message.clone(),
        })
        .collect();
    problems.extend(failures.iter().map(|f| Problem {
        file: f.file.clone(),
        line: f.line,
        rule: f.rule.clone(),
        kind: "example",
        message: f.message.clone(),
    }));
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let with_examples = set
        .rules
        .iter()
        .filter(|r| !r.header.pillar.examples.is_empty())
        .count();
    let secrets_failed = secrets.is_some_and(|c| !c.failures.is_empty());
    let code = if !set.errors.is_empty() {
        2
    } else if !failures.is_empty() || secrets_failed {
        1
    } else {
        0
    };
    match format {
        RulesCheckFormat::Text => {
            for p in &problems {
                if p.rule.is_empty() {
                    eprintln!("{}:{}: error: {}", p.file, p.line, p.message);
                } else {
                    eprintln!("{}:{}: {}: {}", p.file, p.line, p.rule, p.message);
                }
            }
            if !set.other_logsource.is_empty() {
                eprintln!(
                    "note: {} rules are for log sources pillar does not read (not checked)",
                    set.other_logsource.len()
                );
            }
            println!(
                "{} detection rules ({with_examples} with examples), {} correlations, {} files with errors, {examples} examples: {}",
                set.rules.len(),
                set.correlations.len(),
                {
                    let mut files: Vec<&str> = set.errors.iter().map(|e| e.file.as_str()).collect();
                    files.sort_unstable();
                    files.dedup();
                    files.len()
                },
                if code == 0 { "ok" } else { "FAILED" }
            );
            if let Some(c) = secrets {
                for f in &c.failures {
                    eprintln!("rules/secrets: {f}");
                }
                println!(
                    "{} secret rules, {} examples: {}",
                    c.rules,
                    c.examples,
                    if c.failures.is_empty() {
                        "ok"
                    } else {
                        "FAILED"
                    }
                );
            }
        }
        RulesCheckFormat::Json => {
            let v = json!({
                "rules": set.rules.len(),
                "rules_with_examples": with_examples,
                "correlations": set.correlations.len(),
                "examples": examples,
                "ok": code == 0,
                "other_logsource": set.other_logsource.iter().map(|(f, t)| json!({"file": f, "title": t})).collect::<Vec<_>>(),
                "problems": problems.iter().map(|p| json!({
                    "file": p.file,
                    "line": p.line,
                    "rule": p.rule,
                    "kind": p.kind,
                    "message": p.message,
                })).collect::<Vec<_>>(),
                "secrets": secrets.map(|c| json!({
                    "rules": c.rules,
                    "examples": c.examples,
                    "ok": c.failures.is_empty(),
                    "problems": c.failures,
                })),
            });
            println!("{v:#}");
        }
    }
    ExitCode::from(code)
}

pub fn run(args: &RulesCheckArgs) -> anyhow::Result<ExitCode> {
    let shipped = args.paths.is_empty() || args.with_default_rules;
    let set = match load(&args.paths, shipped, args.placeholders.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    // Without PATH the shipped packs are checked: the secret rules too.
    let secrets = if args.paths.is_empty() {
        Some(SecretsCheck::shipped()?)
    } else {
        None
    };
    Ok(report(&set, secrets.as_ref(), args.format))
}
