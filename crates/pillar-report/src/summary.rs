//! Counts for the end of a report: per domain, per severity, and which
//! Well-Architected best practices the run covered.

use crate::Report;
use pillar_model::{Domain, Finding, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a rule (or a best practice, over its rules) came to. Ordered from
/// most to least telling: a best practice takes the first outcome any of
/// its rules has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// At least one failure not accepted by the baseline.
    Failed,
    /// Failures, all of them accepted by the baseline.
    Baselined,
    /// No failure and at least one pass.
    Passed,
    /// Only results that could not be assessed.
    NotAssessed,
    /// No resource the rule applies to.
    NoResources,
}

impl Outcome {
    /// Kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Baselined => "baselined",
            Outcome::Passed => "passed",
            Outcome::NotAssessed => "not-assessed",
            Outcome::NoResources => "no-resources",
        }
    }
}

/// Result counts (findings, not rules).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Failures (baselined ones excluded).
    pub failed: usize,
    /// Passes.
    pub passed: usize,
    /// Results that could not be assessed.
    pub not_assessed: usize,
}

impl StatusCounts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Fail => self.failed += 1,
            Status::Pass => self.passed += 1,
            Status::Unknown => self.not_assessed += 1,
        }
    }

    /// All results.
    pub fn total(&self) -> usize {
        self.failed + self.passed + self.not_assessed
    }
}

/// One domain's rules, by outcome, and its results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainSummary {
    /// The domain.
    pub domain: Domain,
    /// Its title for people.
    pub title: String,
    /// Rules that ran in this domain.
    pub rules: usize,
    /// Rules with no failure and at least one pass.
    pub passed: usize,
    /// Rules with at least one failure.
    pub failed: usize,
    /// Rules whose only failures are baselined.
    pub baselined: usize,
    /// Rules with only not-assessed results.
    pub not_assessed: usize,
    /// Rules with no resource to judge.
    pub no_resources: usize,
    /// Result counts.
    pub results: StatusCounts,
}

/// Failure counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Critical.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Informational.
    pub info: usize,
}

impl SeverityCounts {
    /// The count for one severity.
    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn slot(&mut self, s: Severity) -> &mut usize {
        match s {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }
}

/// A Well-Architected best practice the run covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestPractice {
    /// Id, e.g. `SEC02-BP02`.
    pub id: String,
    /// The first outcome, in [`Outcome`] order, of the rules mapped to it.
    pub status: Outcome,
    /// The rules mapped to it, sorted.
    pub rules: Vec<String>,
}

/// The summary of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Rules that ran.
    pub rules: usize,
    /// Result counts over all domains.
    pub results: StatusCounts,
    /// Failures accepted by the baseline (not in `results`).
    pub baselined: usize,
    /// The five domains, in pillar order.
    pub domains: Vec<DomainSummary>,
    /// Failures by severity (baselined ones excluded).
    pub failures_by_severity: SeverityCounts,
    /// Best practices covered, sorted by id.
    pub best_practices: Vec<BestPractice>,
    /// Inputs skipped.
    pub skipped: usize,
}

#[derive(Default)]
struct RuleTally {
    domain: Option<Domain>,
    wa: BTreeSet<String>,
    results: StatusCounts,
    baselined: usize,
}

impl RuleTally {
    fn outcome(&self) -> Outcome {
        if self.results.failed > 0 {
            Outcome::Failed
        } else if self.baselined > 0 {
            Outcome::Baselined
        } else if self.results.passed > 0 {
            Outcome::Passed
        } else if self.results.not_assessed > 0 {
            Outcome::NotAssessed
        } else {
            Outcome::NoResources
        }
    }
}

impl Summary {
    /// Count a report. Rules are those in `report.rules` plus any rule a
    /// finding names that is not listed there.
    pub fn of(report: &Report) -> Summary {
        let tallies = tally(report);

        let mut domains: Vec<DomainSummary> = Domain::ALL
            .into_iter()
            .map(|d| DomainSummary {
                domain: d,
                title: d.title().to_owned(),
                rules: 0,
                passed: 0,
                failed: 0,
                baselined: 0,
                not_assessed: 0,
                no_resources: 0,
                results: StatusCounts::default(),
            })
            .collect();
        let mut bps: BTreeMap<String, (Outcome, BTreeSet<String>)> = BTreeMap::new();
        let mut results = StatusCounts::default();
        for (id, t) in &tallies {
            let outcome = t.outcome();
            results.failed += t.results.failed;
            results.passed += t.results.passed;
            results.not_assessed += t.results.not_assessed;
            if let Some(d) = domains.iter_mut().find(|d| Some(d.domain) == t.domain) {
                d.rules += 1;
                match outcome {
                    Outcome::Failed => d.failed += 1,
                    Outcome::Baselined => d.baselined += 1,
                    Outcome::Passed => d.passed += 1,
                    Outcome::NotAssessed => d.not_assessed += 1,
                    Outcome::NoResources => d.no_resources += 1,
                }
                d.results.failed += t.results.failed;
                d.results.passed += t.results.passed;
                d.results.not_assessed += t.results.not_assessed;
            }
            for wa in &t.wa {
                let e = bps
                    .entry(wa.clone())
                    .or_insert_with(|| (outcome, BTreeSet::new()));
                e.0 = e.0.min(outcome);
                e.1.insert(id.clone());
            }
        }

        let mut failures_by_severity = SeverityCounts::default();
        for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
            *failures_by_severity.slot(f.severity) += 1;
        }

        Summary {
            rules: tallies.len(),
            results,
            baselined: report.baselined.len(),
            domains,
            failures_by_severity,
            best_practices: bps
                .into_iter()
                .map(|(id, (status, rules))| BestPractice {
                    id,
                    status,
                    rules: rules.into_iter().collect(),
                })
                .collect(),
            skipped: report.skipped.len(),
        }
    }

    /// The summary of one domain.
    pub fn domain(&self, d: Domain) -> Option<&DomainSummary> {
        self.domains.iter().find(|s| s.domain == d)
    }
}

/// Each rule's outcome, by rule id.
pub fn rule_outcomes(report: &Report) -> BTreeMap<String, Outcome> {
    tally(report)
        .into_iter()
        .map(|(id, t)| (id, t.outcome()))
        .collect()
}

fn tally(report: &Report) -> BTreeMap<String, RuleTally> {
    let mut tallies: BTreeMap<String, RuleTally> = BTreeMap::new();
    for r in &report.rules {
        let t = tallies.entry(r.id.clone()).or_default();
        t.domain = Some(r.domain);
        t.wa.extend(r.wa.iter().cloned());
    }
    for f in &report.findings {
        learn(&mut tallies, f).results.add(f.status);
    }
    for f in &report.baselined {
        learn(&mut tallies, f).baselined += 1;
    }
    tallies
}

fn learn<'a>(tallies: &'a mut BTreeMap<String, RuleTally>, f: &Finding) -> &'a mut RuleTally {
    let t = tallies.entry(f.rule.clone()).or_default();
    if t.domain.is_none() {
        t.domain = Some(f.domain);
    }
    t.wa.extend(f.wa.iter().cloned());
    t
}
