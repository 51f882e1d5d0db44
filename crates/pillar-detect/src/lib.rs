//! Detection as code over CloudTrail, VPC flow logs and S3 server access logs: log readers, a Sigma rule engine
//! (the full detection format, compiled once and indexed on `eventName`),
//! Sigma correlations on event time, and pillar's shipped rule pack.
//!
//! ```text
//! files / stdin ──reader──▶ batches ──rayon──▶ Engine::matches ──▶ per-rule aggregates ──▶ Finding
//!                                                        └──────▶ correlation groups ──▶ alerts ──▶ Finding
//! ```

pub mod condition;
pub mod correlate;
pub mod engine;
pub mod event;
pub mod flow;
pub mod follow;
pub mod instance_creds;
pub mod matcher;
mod pack;
pub mod reader;
pub mod rule;
pub mod run;
pub mod s3access;
pub mod sql;
pub mod stateful;
pub mod yaml;

pub use engine::{Engine, RuleSet};
pub use reader::ReadOptions;
pub use rule::{LogKind, RuleError};
pub use run::{detect, Outcome, Stats};

/// A failed example of a rule (`pillar rules check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// Rule id.
    pub rule: String,
    /// Rule file.
    pub file: String,
    /// Line of the example.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.rule, self.message
        )
    }
}

/// Check every rule's `pillar.examples` (must match) and
/// `pillar.negative_examples` (must not). Returns the number of examples
/// checked and the failures.
pub fn check_examples(set: &RuleSet) -> (usize, Vec<ExampleFailure>) {
    let mut n = 0;
    let mut failures = Vec::new();
    for r in &set.rules {
        let h = &r.header;
        for (want, list) in [
            (true, &h.pillar.examples),
            (false, &h.pillar.negative_examples),
        ] {
            for (line, ev) in list {
                n += 1;
                if r.detection.is_match(ev) != want {
                    failures.push(ExampleFailure {
                        rule: h.rule_id.clone(),
                        file: h.file.clone(),
                        line: *line,
                        message: if want {
                            "example does not match".to_owned()
                        } else {
                            "negative example matches".to_owned()
                        },
                    });
                }
            }
        }
    }
    (n, failures)
}
