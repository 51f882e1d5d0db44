//! The text report: a review a person reads top to bottom, grouped by the
//! five domains in pillar order, failures first, summary last.

use crate::summary::{Outcome, Summary};
use crate::wrap::wrap;
use crate::{by_severity, RenderOptions, Report};
use anstyle::{AnsiColor, Color, Effects, Style};
use pillar_model::finding::Remediation;
use pillar_model::{Domain, Finding, RuleInfo, Severity, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Lines are wrapped to this many columns (code snippets and long words
/// excepted).
const WIDTH: usize = 100;
/// Indent of a finding's labelled lines.
const LABEL_INDENT: &str = "    ";
/// Width of a domain's header line.
const HEADER_WIDTH: usize = 88;
/// Column where a label's text starts.
const TEXT_INDENT: &str = "              ";
/// Column where a fix's text starts.
const FIX_INDENT: &str = "                 ";

/// The best-practice areas of each domain, as the pillar numbers them.
fn areas(d: Domain) -> &'static str {
    match d {
        Domain::IdentityAccess => "SEC02, SEC03",
        Domain::Detection => "SEC04",
        Domain::InfrastructureProtection => "SEC05, SEC06",
        Domain::DataProtection => "SEC07, SEC08, SEC09",
        Domain::IncidentResponse => "SEC10",
    }
}

/// Colours, or none.
struct Paint {
    on: bool,
}

impl Paint {
    fn style(&self, style: Style, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    fn fg(c: AnsiColor) -> Style {
        Style::new().fg_color(Some(Color::Ansi(c)))
    }

    fn bold(&self, text: &str) -> String {
        self.style(Style::new().effects(Effects::BOLD), text)
    }

    fn dim(&self, text: &str) -> String {
        self.style(Style::new().effects(Effects::DIMMED), text)
    }

    fn severity(&self, s: Severity, text: &str) -> String {
        let style = match s {
            Severity::Critical => Self::fg(AnsiColor::BrightRed).effects(Effects::BOLD),
            Severity::High => Self::fg(AnsiColor::Red),
            Severity::Medium => Self::fg(AnsiColor::Yellow),
            Severity::Low => Self::fg(AnsiColor::Cyan),
            Severity::Info => Style::new().effects(Effects::DIMMED),
        };
        self.style(style, text)
    }

    fn outcome(&self, o: Outcome, text: &str) -> String {
        let style = match o {
            Outcome::Failed => Self::fg(AnsiColor::Red),
            Outcome::Baselined => Self::fg(AnsiColor::Magenta),
            Outcome::Passed => Self::fg(AnsiColor::Green),
            Outcome::NotAssessed => Self::fg(AnsiColor::Yellow),
            Outcome::NoResources => Style::new().effects(Effects::DIMMED),
        };
        self.style(style, text)
    }

    /// Colour a count only when it is not zero.
    fn count(&self, o: Outcome, n: usize, width: usize) -> String {
        let s = format!("{n:>width$}");
        if n == 0 {
            self.dim(&s)
        } else {
            self.outcome(o, &s)
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

struct Writer<'a> {
    out: String,
    paint: Paint,
    rules: BTreeMap<&'a str, &'a RuleInfo>,
}

impl Writer<'_> {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// `label` in the label column, `text` wrapped beside it.
    fn labelled(&mut self, label: &str, text: &str) {
        let first = format!("{LABEL_INDENT}{label:<10}");
        for (i, l) in wrap(text, WIDTH, &first, TEXT_INDENT)
            .into_iter()
            .enumerate()
        {
            if i == 0 {
                let rest = l.get(first.len()..).unwrap_or("");
                let styled = format!(
                    "{LABEL_INDENT}{}{rest}",
                    self.paint.dim(&format!("{label:<10}"))
                );
                self.line(&styled);
            } else {
                self.line(&l);
            }
        }
    }
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let summary = Summary::of(report);
    let mut w = Writer {
        out: String::new(),
        paint: Paint { on: opts.color },
        rules: report.rules.iter().map(|r| (r.id.as_str(), r)).collect(),
    };
    header(&mut w, report, &summary);
    for d in Domain::ALL {
        domain(&mut w, report, &summary, d, opts.verbose);
    }
    summary_table(&mut w, &summary);
    skipped(&mut w, report);
    w.out
}

fn header(w: &mut Writer<'_>, report: &Report, s: &Summary) {
    let title = format!(
        "pillar {} · AWS Well-Architected Security Pillar review",
        report.tool_version
    );
    let title = w.paint.bold(&title);
    w.line(&title);
    if report.sources.is_empty() {
        w.line("sources   none");
    } else {
        // In the order given: the user's order of paths.
        for (i, src) in report.sources.iter().enumerate() {
            let label = if i == 0 { "sources   " } else { "          " };
            let l = format!("{}{src}", w.paint.dim(label));
            w.line(&l);
        }
    }
    let mut totals = format!(
        "{} · {}: {} failed, {} passed, {} not assessed",
        plural(s.rules, "rule", "rules"),
        plural(s.results.total(), "result", "results"),
        s.results.failed,
        s.results.passed,
        s.results.not_assessed
    );
    if s.baselined > 0 {
        let _ = write!(totals, " · {} baselined", s.baselined);
    }
    if !report.suppressed.is_empty() {
        let _ = write!(totals, " · {} suppressed", report.suppressed.len());
    }
    let totals = format!("{}{totals}", w.paint.dim("checked   "));
    w.line(&totals);
}

fn domain(w: &mut Writer<'_>, report: &Report, summary: &Summary, d: Domain, verbose: bool) {
    let of = |status: Status| -> Vec<&Finding> {
        let mut v: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.domain == d && f.status == status)
            .collect();
        v.sort_by(|a, b| by_severity(a, b));
        v
    };
    let (failed, passed, unknown) = (of(Status::Fail), of(Status::Pass), of(Status::Unknown));
    let rules = summary.domain(d).map_or(0, |s| s.rules);

    w.blank();
    let title = format!("{} ({})", d.title(), areas(d));
    let rule_line = "━".repeat(HEADER_WIDTH.saturating_sub(title.chars().count() + 4));
    let head = format!("━━ {} {}", w.paint.bold(&title), rule_line);
    w.line(&head);
    w.blank();

    if rules == 0 {
        let l = format!("  {}", w.paint.dim("no rules in this domain ran"));
        w.line(&l);
        return;
    }
    // Failures are sorted by severity then rule: one block per rule, with
    // each resource, then why it matters and the fix once.
    for group in failed.chunk_by(|a, b| a.rule == b.rule) {
        w.blank();
        failures(w, group);
    }

    // Failures suppressed in the source, one line each with the reason.
    for s in report.suppressed.iter().filter(|s| s.finding.domain == d) {
        let at = s
            .finding
            .location
            .as_ref()
            .map(|l| match l.line {
                Some(n) => format!(" ({}:{n})", l.file),
                None => format!(" ({})", l.file),
            })
            .unwrap_or_default();
        let text = format!(
            "suppressed  {} on {}{at}: {}",
            s.finding.rule,
            s.finding.resource.display_name(),
            s.suppression.reason
        );
        let l = format!("  {}", w.paint.dim(&text));
        w.line(&l);
    }
    // One line of counts: what is not listed in full above.
    let baselined = report.baselined.iter().filter(|f| f.domain == d).count();
    let mut parts = Vec::new();
    if failed.is_empty() {
        parts.push(w.paint.outcome(Outcome::Passed, "no failures"));
    }
    if baselined > 0 {
        let text = format!("{baselined} baselined");
        parts.push(w.paint.outcome(Outcome::Baselined, &text));
    }
    // Verbose lists passed and not-assessed results below, with counts.
    if !passed.is_empty() && !verbose {
        let text = format!("{} passed", passed.len());
        parts.push(w.paint.outcome(Outcome::Passed, &text));
    }
    if !unknown.is_empty() && !verbose {
        let text = format!("{} not assessed", unknown.len());
        parts.push(w.paint.outcome(Outcome::NotAssessed, &text));
    }
    if !parts.is_empty() {
        let hint = if unknown.is_empty() || verbose {
            ""
        } else {
            " (--verbose says why)"
        };
        w.blank();
        let l = format!("  {}{hint}", parts.join(" · "));
        w.line(&l);
    }

    if verbose {
        for (label, list, outcome) in [
            ("passed", &passed, Outcome::Passed),
            ("not assessed", &unknown, Outcome::NotAssessed),
        ] {
            if list.is_empty() {
                continue;
            }
            w.blank();
            let head = format!("  {} ({})", w.paint.outcome(outcome, label), list.len());
            w.line(&head);
            for f in list.iter() {
                brief(w, f);
            }
        }
    }
}

/// The failures of one rule: the rule, each resource, why, the fix.
fn failures(w: &mut Writer<'_>, group: &[&Finding]) {
    let Some(first) = group.first() else {
        return;
    };
    let sev = format!("{:<8}", first.severity.as_str().to_uppercase());
    let sev = w.paint.severity(first.severity, &sev);
    let one_line = 2 + 8 + 2 + first.rule.chars().count() + 2 + first.title.chars().count();
    if one_line <= WIDTH {
        let l = format!("  {sev}  {}  {}", w.paint.bold(&first.rule), first.title);
        w.line(&l);
    } else {
        let l = format!("  {sev}  {}", w.paint.bold(&first.rule));
        w.line(&l);
        for l in wrap(&first.title, WIDTH, "            ", "            ") {
            w.line(&l);
        }
    }
    if group.len() > 1 {
        let l = format!(
            "{LABEL_INDENT}{}",
            w.paint.dim(&format!("{} resources", group.len()))
        );
        w.line(&l);
    }
    for (i, f) in group.iter().enumerate() {
        if i > 0 {
            w.line("");
        }
        resource_lines(w, f);
    }
    if group.len() > 1 {
        w.line("");
    }

    let rule = w.rules.get(first.rule.as_str()).copied();
    if let Some(r) = rule.filter(|r| !r.rationale.trim().is_empty()) {
        w.labelled("why", r.rationale.trim());
    }
    let mut maps = Vec::new();
    if !first.wa.is_empty() {
        maps.push(format!("WA {}", first.wa.join(", ")));
    }
    if !first.cis.is_empty() {
        maps.push(format!("CIS {}", first.cis.join(", ")));
    }
    if !maps.is_empty() {
        w.labelled("maps to", &maps.join(" · "));
    }
    let empty = Remediation::default();
    let fix = if is_empty(&first.remediation) {
        rule.map_or(&empty, |r| &r.remediation)
    } else {
        &first.remediation
    };
    remediation(w, fix);
}

/// What one failure is about: the resource, where, what, evidence.
fn resource_lines(w: &mut Writer<'_>, f: &Finding) {
    let mut resource = format!("{} {}", f.resource.kind, f.resource);
    // Account and region, unless the id (an ARN) already says them.
    for part in [&f.resource.account, &f.resource.region]
        .into_iter()
        .flatten()
    {
        if !f.resource.id.contains(part.as_str()) {
            let _ = write!(resource, " · {part}");
        }
    }
    w.labelled("resource", &resource);
    let source = match &f.location {
        Some(loc) => format!("{} · {loc}", f.source.as_str()),
        None => f.source.as_str().to_owned(),
    };
    w.labelled("source", &source);
    w.labelled("finding", &f.message);
    let ev = evidence(&f.evidence, &f.resource.id);
    if !ev.is_empty() {
        w.labelled("evidence", &ev);
    }
}

/// Evidence for people: `key: value, key: value` for an object, JSON with
/// spaces after separators (so it wraps) for the values. An entry that only
/// repeats the resource id is left out.
fn evidence(v: &serde_json::Value, resource_id: &str) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(_, v)| v.as_str() != Some(resource_id))
            .map(|(k, v)| format!("{k}: {}", human_json(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => human_json(other),
    }
}

fn human_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(human_json).collect::<Vec<_>>().join(", ")
            )
        }
        serde_json::Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", human_json(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn is_empty(r: &Remediation) -> bool {
    r.console.trim().is_empty() && r.cli.trim().is_empty() && r.terraform.trim().is_empty()
}

fn remediation(w: &mut Writer<'_>, fix: &Remediation) {
    if is_empty(fix) {
        return;
    }
    let l = format!("{LABEL_INDENT}{}", w.paint.dim("fix"));
    w.line(&l);
    let console = fix.console.trim();
    if !console.is_empty() {
        let first = format!("{LABEL_INDENT}  {:<11}", "console");
        for (i, l) in wrap(console, WIDTH, &first, FIX_INDENT)
            .into_iter()
            .enumerate()
        {
            let l = if i == 0 {
                dim_label(w, &l, "console")
            } else {
                l
            };
            w.line(&l);
        }
    }
    // Code is indented, never wrapped: a wrapped command would not run.
    for (label, code) in [("cli", &fix.cli), ("terraform", &fix.terraform)] {
        let code = code.trim_matches('\n').trim_end();
        if code.trim().is_empty() {
            continue;
        }
        for (i, line) in code.lines().enumerate() {
            let l = if i == 0 {
                let l = format!("{LABEL_INDENT}  {label:<11}{line}");
                dim_label(w, &l, label)
            } else {
                format!("{FIX_INDENT}{line}")
            };
            w.line(l.trim_end());
        }
    }
}

/// Dim the sub-label of a fix line.
fn dim_label(w: &Writer<'_>, line: &str, label: &str) -> String {
    let prefix = format!("{LABEL_INDENT}  ");
    match line
        .strip_prefix(&prefix)
        .and_then(|r| r.strip_prefix(label))
    {
        Some(rest) => format!("{prefix}{}{rest}", w.paint.dim(label)),
        None => line.to_owned(),
    }
}

/// A passed or not-assessed result, in two lines.
fn brief(w: &mut Writer<'_>, f: &Finding) {
    let mut head = format!("{} · {}", f.rule, f.resource);
    if let Some(loc) = &f.location {
        let _ = write!(head, " · {loc}");
    }
    for l in wrap(&head, WIDTH, "    ", "      ") {
        w.line(&l);
    }
    for l in wrap(&f.message, WIDTH, "      ", "      ") {
        let l = w.paint.dim(&l);
        w.line(&l);
    }
}

fn summary_table(w: &mut Writer<'_>, s: &Summary) {
    w.blank();
    let head = w.paint.bold("Summary");
    w.line(&head);
    let show_baselined = s.domains.iter().any(|d| d.baselined > 0);
    let mut cols = vec![
        ("rules", Outcome::NoResources),
        ("passed", Outcome::Passed),
        ("failed", Outcome::Failed),
    ];
    if show_baselined {
        cols.push(("baselined", Outcome::Baselined));
    }
    cols.push(("not assessed", Outcome::NotAssessed));
    cols.push(("no resources", Outcome::NoResources));

    let mut h = format!("  {:<32}", "domain");
    for (name, _) in &cols {
        let _ = write!(h, "  {name:>width$}", width = name.len().max(6));
    }
    let h = w.paint.dim(&h);
    w.line(&h);
    let mut total = [0usize; 6];
    for d in &s.domains {
        let values = if show_baselined {
            vec![
                d.rules,
                d.passed,
                d.failed,
                d.baselined,
                d.not_assessed,
                d.no_resources,
            ]
        } else {
            vec![d.rules, d.passed, d.failed, d.not_assessed, d.no_resources]
        };
        let mut l = format!("  {:<32}", d.title);
        for (i, ((name, outcome), v)) in cols.iter().zip(&values).enumerate() {
            if let Some(t) = total.get_mut(i) {
                *t += v;
            }
            let width = name.len().max(6);
            let cell = if i == 0 {
                format!("{v:>width$}")
            } else {
                w.paint.count(*outcome, *v, width)
            };
            let _ = write!(l, "  {cell}");
        }
        w.line(&l);
    }
    let mut l = format!("  {:<32}", "total");
    for (i, (name, _)) in cols.iter().enumerate() {
        let v = total.get(i).copied().unwrap_or(0);
        let _ = write!(l, "  {v:>width$}", width = name.len().max(6));
    }
    let l = w.paint.bold(&l);
    w.line(&l);

    w.blank();
    let mut sev = Vec::new();
    for s2 in Severity::ALL {
        let n = s.failures_by_severity.get(s2);
        let text = format!("{} {n}", s2.as_str());
        sev.push(if n == 0 {
            w.paint.dim(&text)
        } else {
            w.paint.severity(s2, &text)
        });
    }
    let l = format!("failures by severity   {}", sev.join(" · "));
    w.line(&l);
    if s.baselined > 0 {
        let text = format!(
            "{} accepted by the baseline, not counted above",
            plural(s.baselined, "failure", "failures")
        );
        let l = format!(
            "baselined              {}",
            w.paint.outcome(Outcome::Baselined, &text)
        );
        w.line(&l);
    }

    if s.best_practices.is_empty() {
        return;
    }
    w.blank();
    let head = format!(
        "Well-Architected best practices covered ({})",
        s.best_practices.len()
    );
    let head = w.paint.bold(&head);
    w.line(&head);
    for (label, outcome) in [
        ("failing", Outcome::Failed),
        ("baselined", Outcome::Baselined),
        ("passing", Outcome::Passed),
        ("not assessed", Outcome::NotAssessed),
        ("no resources", Outcome::NoResources),
    ] {
        let ids: Vec<&str> = s
            .best_practices
            .iter()
            .filter(|b| b.status == outcome)
            .map(|b| b.id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let first = format!("  {label:<14}");
        for (i, l) in wrap(&ids.join(" "), WIDTH, &first, "                ")
            .into_iter()
            .enumerate()
        {
            let l = if i == 0 {
                let rest = l.get(first.len()..).unwrap_or("");
                format!(
                    "  {}{rest}",
                    w.paint.outcome(outcome, &format!("{label:<14}"))
                )
            } else {
                l
            };
            w.line(&l);
        }
    }
}

fn skipped(w: &mut Writer<'_>, report: &Report) {
    if report.skipped.is_empty() {
        return;
    }
    let mut list: Vec<&pillar_model::Skipped> = report.skipped.iter().collect();
    list.sort();
    w.blank();
    let head = format!("Skipped inputs ({}), not reviewed", list.len());
    let head = w.paint.bold(&head);
    w.line(&head);
    for s in list {
        for l in wrap(&s.to_string(), WIDTH, "  ", "    ") {
            w.line(&l);
        }
    }
}
