//! The HTML review: one self-contained file (inline CSS and JavaScript, no
//! external resource, works from `file://`), light and dark
//! (`prefers-color-scheme` and a toggle), printable.
//!
//! Rendered here, in Rust: the header, a score per domain, the
//! Well-Architected matrix (every Security Pillar best practice from
//! [`crate::wa`], with the rules that cover it and their results, so gaps
//! show), and inline SVG pictures drawn by [`svg`] — the internet-exposure
//! graph from the reachability findings' paths, the privilege-escalation
//! paths from the IAM engine's findings, and a timeline of detections —
//! each present only when its data is in the run.
//!
//! The findings themselves are embedded once as JSON in a
//! `<script type="application/json">` (escaped so no string can close the
//! element) and listed by a small vanilla script (`report.js`) that filters,
//! searches and pages the table, so 20,000 findings open quickly: only one
//! page of rows is ever in the DOM.

mod svg;

use crate::escape::{json_in_script, markup};
use crate::summary::{Outcome, Summary};
use crate::{by_domain, wa, Report, ReportError};
use pillar_model::finding::Remediation;
use pillar_model::{Domain, Finding, RuleInfo, Status, Suppressed};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// A rule as the page needs it.
#[derive(Serialize)]
struct PageRule<'a> {
    title: &'a str,
    service: &'a str,
    domain: Domain,
    severity: &'a str,
    wa: &'a [String],
    rationale: &'a str,
    fix: &'a Remediation,
    help: &'a str,
}

/// A finding as the page needs it (short keys: the page carries thousands).
#[derive(Serialize)]
struct PageFinding<'a> {
    /// Rule id.
    r: &'a str,
    /// Title.
    t: &'a str,
    /// Severity.
    s: &'a str,
    /// Domain.
    d: &'a str,
    /// Status: fail, unknown, pass or baselined.
    st: &'a str,
    /// Service.
    sv: String,
    /// Source.
    src: &'a str,
    /// Resource (name or id) and kind.
    res: &'a str,
    k: &'a str,
    /// File and line.
    #[serde(skip_serializing_if = "Option::is_none")]
    loc: Option<String>,
    /// Message.
    m: &'a str,
    /// Evidence.
    #[serde(skip_serializing_if = "Value::is_null")]
    ev: &'a Value,
    /// The fix, when it differs from the rule's.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a Remediation>,
    /// Fingerprint.
    fp: &'a str,
    /// Why it is suppressed in the source, and where.
    #[serde(skip_serializing_if = "Option::is_none")]
    sup: Option<String>,
}

#[derive(Serialize)]
struct PageData<'a> {
    rules: BTreeMap<&'a str, PageRule<'a>>,
    findings: Vec<PageFinding<'a>>,
}

/// `AWS::EC2::Instance` → `ec2`; `file` → `file`.
fn service_of_kind(kind: &str) -> String {
    let mut parts = kind.split("::");
    match (parts.next(), parts.next()) {
        (Some("AWS"), Some(svc)) => svc.to_ascii_lowercase(),
        _ => kind.to_ascii_lowercase(),
    }
}

fn page_finding<'a>(
    f: &'a Finding,
    st: &'a str,
    rules: &BTreeMap<&str, &'a RuleInfo>,
) -> PageFinding<'a> {
    let rule = rules.get(f.rule.as_str());
    let sv = rule
        .map(|r| r.service.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| service_of_kind(&f.resource.kind));
    let fix = match rule {
        Some(r) if r.remediation == f.remediation => None,
        _ if f.remediation.is_empty() => None,
        _ => Some(&f.remediation),
    };
    PageFinding {
        r: &f.rule,
        t: &f.title,
        s: f.severity.as_str(),
        d: f.domain.as_str(),
        st,
        sv,
        src: f.source.as_str(),
        res: f.resource.display_name(),
        k: &f.resource.kind,
        loc: f.location.as_ref().map(|l| l.to_string()),
        m: &f.message,
        ev: &f.evidence,
        fix,
        fp: &f.fingerprint,
        sup: None,
    }
}

/// `reason (suppressed at file:line)`.
fn suppression_text(s: &Suppressed) -> String {
    format!(
        "{} (suppressed at {})",
        s.suppression.reason, s.suppression.location
    )
}

fn data_json(report: &Report) -> Result<String, ReportError> {
    let rules: BTreeMap<&str, &RuleInfo> =
        report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by(|a, b| by_domain(a, b));
    let mut baselined: Vec<&Finding> = report.baselined.iter().collect();
    baselined.sort_by(|a, b| by_domain(a, b));
    let mut page = PageData {
        rules: BTreeMap::new(),
        findings: Vec::with_capacity(findings.len() + baselined.len()),
    };
    for r in &report.rules {
        page.rules.insert(
            &r.id,
            PageRule {
                title: &r.title,
                service: &r.service,
                domain: r.domain,
                severity: r.severity.as_str(),
                wa: &r.wa,
                rationale: &r.rationale,
                fix: &r.remediation,
                help: &r.help_uri,
            },
        );
    }
    for f in findings {
        page.findings
            .push(page_finding(f, f.status.as_str(), &rules));
    }
    for f in baselined {
        page.findings.push(page_finding(f, "baselined", &rules));
    }
    let mut suppressed: Vec<&Suppressed> = report.suppressed.iter().collect();
    suppressed.sort_by(|a, b| by_domain(&a.finding, &b.finding));
    for s in suppressed {
        let mut pf = page_finding(&s.finding, "suppressed", &rules);
        pf.sup = Some(suppression_text(s));
        page.findings.push(pf);
    }
    Ok(json_in_script(&serde_json::to_string(&page)?))
}

fn score_cards(s: &Summary, out: &mut String) {
    out.push_str("<section class=\"scores\" aria-label=\"Score per domain\">\n");
    for d in &s.domains {
        let assessed = d.results.passed + d.results.failed;
        let (score, width) = match (d.results.passed * 100).checked_div(assessed) {
            None => ("n/a".to_owned(), 0),
            Some(pct) => (format!("{pct}%"), pct),
        };
        let _ = writeln!(
            out,
            "<div class=\"card\" data-domain=\"{id}\"><div class=\"card-title\">{title}</div>\
             <div class=\"score\">{score}</div>\
             <div class=\"bar\"><span style=\"width:{width}%\"></span></div>\
             <div class=\"counts\"><span class=\"st-fail\">{f} failed</span> · <span class=\"st-pass\">{p} passed</span> · <span class=\"st-unknown\">{u} not assessed</span></div>\
             <div class=\"counts\">{rules} rules: {rf} failing, {rp} passing</div></div>",
            id = d.domain.as_str(),
            title = markup(&d.title),
            f = d.results.failed,
            p = d.results.passed,
            u = d.results.not_assessed,
            rules = d.rules,
            rf = d.failed,
            rp = d.passed,
        );
    }
    out.push_str("</section>\n");
}

#[derive(Default)]
struct BpRow {
    rules: BTreeSet<String>,
    fail: usize,
    pass: usize,
    unknown: usize,
    baselined: usize,
}

fn wa_matrix(report: &Report, s: &Summary, out: &mut String) {
    let mut rows: BTreeMap<String, BpRow> = BTreeMap::new();
    for r in &report.rules {
        for w in &r.wa {
            rows.entry(w.clone())
                .or_default()
                .rules
                .insert(r.id.clone());
        }
    }
    for f in &report.findings {
        for w in &f.wa {
            let row = rows.entry(w.clone()).or_default();
            row.rules.insert(f.rule.clone());
            match f.status {
                Status::Fail => row.fail += 1,
                Status::Pass => row.pass += 1,
                Status::Unknown => row.unknown += 1,
            }
        }
    }
    for f in &report.baselined {
        for w in &f.wa {
            rows.entry(w.clone()).or_default().baselined += 1;
        }
    }
    let outcomes: BTreeMap<&str, Outcome> = s
        .best_practices
        .iter()
        .map(|b| (b.id.as_str(), b.status))
        .collect();
    let ids = wa::all_ids(rows.keys().map(String::as_str));
    let covered = ids.iter().filter(|i| rows.contains_key(*i)).count();
    let status = |id: &str| -> (&'static str, &'static str) {
        match (rows.get(id), outcomes.get(id)) {
            (None, _) => ("gap", "no rule"),
            (Some(_), Some(Outcome::Failed)) => ("fail", "failed"),
            (Some(_), Some(Outcome::Baselined)) => ("baselined", "baselined"),
            (Some(_), Some(Outcome::Passed)) => ("pass", "passed"),
            (Some(_), Some(Outcome::NotAssessed)) => ("unknown", "not assessed"),
            (Some(_), _) => ("none", "no resources"),
        }
    };
    let _ = writeln!(
        out,
        "<section id=\"wa\"><h2>Well-Architected Security Pillar</h2>\
         <p class=\"muted\">{covered} of {} best practices have at least one rule in this run; \
         the others (dashed) are gaps in what pillar checks automatically and need a review by people.</p>",
        ids.len()
    );
    // The matrix: one row per question, one cell per best practice.
    let mut by_question: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for id in &ids {
        by_question
            .entry(id.get(..5).unwrap_or(""))
            .or_default()
            .push(id);
    }
    out.push_str(
        "<div class=\"matrix\" role=\"table\" aria-label=\"Best practices by question\">\n",
    );
    for (q, bps) in &by_question {
        let qtitle = wa::QUESTIONS
            .iter()
            .find(|(qid, _)| qid == q)
            .map(|(_, t)| *t)
            .unwrap_or("");
        let _ = write!(
            out,
            "<div class=\"mrow\" role=\"row\"><div class=\"mq\" role=\"rowheader\" title=\"{}\"><b>{}</b> <span class=\"muted\">{}</span></div>",
            markup(qtitle),
            markup(q),
            markup(qtitle)
        );
        for id in bps {
            let (class, label) = status(id);
            let row = rows.get(*id);
            let title = wa::title(id).unwrap_or("(not in pillar's catalogue)");
            let n = row.map(|r| r.rules.len()).unwrap_or(0);
            let (f, p, u) = row
                .map(|r| (r.fail, r.pass, r.unknown))
                .unwrap_or((0, 0, 0));
            let counts = if n == 0 {
                "no rule".to_owned()
            } else {
                format!("{n} rule{} · {f}✗ {p}✓ {u}?", if n == 1 { "" } else { "s" })
            };
            let _ = write!(
                out,
                "<div class=\"mcell {class}\" role=\"cell\" data-bp=\"{id}\" title=\"{id} {title}: {label}; {counts}\"><b>{}</b><small>{counts}</small></div>",
                markup(id.get(5..).unwrap_or(id)).trim_start_matches('-'),
                id = markup(id),
                title = markup(title),
            );
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n<p class=\"legend\"><span class=\"mcell fail\">failed</span> <span class=\"mcell pass\">passed</span> <span class=\"mcell unknown\">not assessed</span> <span class=\"mcell none\">no resources</span> <span class=\"mcell baselined\">baselined</span> <span class=\"mcell gap\">no rule</span> · ✗ failed, ✓ passed, ? not assessed results</p>\n");
    out.push_str("<details id=\"wa-table\"><summary>Every best practice with its rules and results</summary>\n<table class=\"wa\"><thead><tr><th>Best practice</th><th>Rules</th><th>Failed</th><th>Passed</th><th>Not assessed</th><th>Result</th></tr></thead><tbody>\n");
    let mut question = "";
    for id in &ids {
        let q = id.get(..5).unwrap_or("");
        if q != question {
            question = q;
            let title = wa::QUESTIONS
                .iter()
                .find(|(qid, _)| *qid == q)
                .map(|(_, t)| *t)
                .unwrap_or("");
            let _ = writeln!(
                out,
                "<tr class=\"q\"><th colspan=\"6\">{} {}</th></tr>",
                markup(q),
                markup(title)
            );
        }
        let title = wa::title(id).unwrap_or("(not in pillar's catalogue)");
        let row = rows.get(id);
        let (class, label) = status(id);
        let rules = row
            .map(|r| {
                r.rules
                    .iter()
                    .map(|x| markup(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr class=\"bp-{class}\"><td><b>{id}</b> {title}<br><small class=\"muted\">{rules}</small></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"pill {class}\">{label}</span></td></tr>",
            row.map(|r| r.rules.len()).unwrap_or(0),
            row.map(|r| r.fail).unwrap_or(0),
            row.map(|r| r.pass).unwrap_or(0),
            row.map(|r| r.unknown).unwrap_or(0),
            id = markup(id),
            title = markup(title),
        );
    }
    out.push_str("</tbody></table></details></section>\n");
}

/// Render the page.
pub(crate) fn render(report: &Report) -> Result<String, ReportError> {
    let summary = Summary::of(report);
    let data = data_json(report)?;
    let mut out = String::with_capacity(data.len() + CSS.len() + JS.len() + 64 * 1024);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>pillar — Security Pillar review</title>\n<style>\n",
    );
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<div>\n<h1>AWS Well-Architected Security Pillar review</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"muted\">pillar {} · {} · {}</p>",
        markup(&report.tool_version),
        markup(&report.generated_rfc3339()),
        report
            .sources
            .iter()
            .map(|s| markup(s))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    out.push_str("</div>\n<button id=\"theme\" type=\"button\" title=\"Switch light or dark\">◐ theme</button>\n</header>\n<main>\n");
    let sev = &summary.failures_by_severity;
    let _ = writeln!(
        out,
        "<p class=\"totals\"><b>{}</b> failures (<span class=\"sev-critical\">{} critical</span>, <span class=\"sev-high\">{} high</span>, <span class=\"sev-medium\">{} medium</span>, <span class=\"sev-low\">{} low</span>, {} info) · {} passed · {} not assessed · {} accepted by a baseline · {} rules · {} inputs skipped</p>",
        summary.results.failed,
        sev.critical,
        sev.high,
        sev.medium,
        sev.low,
        sev.info,
        summary.results.passed,
        summary.results.not_assessed,
        summary.baselined,
        summary.rules,
        summary.skipped,
    );
    if !report.suppressed.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"totals\">{} failures suppressed in the source, with their reasons (listed below and in the table, status “suppressed”)</p>",
            report.suppressed.len()
        );
    }
    score_cards(&summary, &mut out);
    wa_matrix(report, &summary, &mut out);
    if let Some(graph) = svg::exposure(report) {
        out.push_str("<section id=\"exposure\"><h2>Internet exposure</h2>\n<p class=\"muted\">What the internet really reaches, hop by hop (internet gateway → route table → network ACL → security group → interface), from the reachability findings.</p>\n<div class=\"svgwrap\">");
        out.push_str(&graph);
        out.push_str("</div></section>\n");
    }
    if let Some(graph) = svg::escalation(report) {
        out.push_str("<section id=\"escalation\"><h2>Privilege escalation</h2>\n<p class=\"muted\">Principals that can make themselves administrator, step by step (from the IAM engine: each edge names the method; hover for the actions).</p>\n<div class=\"svgwrap\">");
        out.push_str(&graph);
        out.push_str("</div></section>\n");
    }
    if let Some(timeline) = svg::timeline(report) {
        out.push_str(
            "<section id=\"timeline\"><h2>Detections over time</h2>\n<div class=\"svgwrap\">",
        );
        out.push_str(&timeline);
        out.push_str("</div></section>\n");
    }
    out.push_str(
        "<section id=\"findings\"><h2>Findings</h2>\n<div class=\"filters\" role=\"search\">\n\
         <input id=\"q\" type=\"search\" placeholder=\"Search rule, resource, message…\" aria-label=\"Search\">\n\
         <select id=\"f-status\" aria-label=\"Status\"></select>\n\
         <select id=\"f-severity\" aria-label=\"Severity\"></select>\n\
         <select id=\"f-domain\" aria-label=\"Domain\"></select>\n\
         <select id=\"f-service\" aria-label=\"Service\"></select>\n\
         <select id=\"f-source\" aria-label=\"Source\"></select>\n\
         <span id=\"count\" class=\"muted\"></span>\n</div>\n\
         <table class=\"findings\"><thead><tr><th>Severity</th><th>Status</th><th>Rule</th><th>Resource</th><th>Source</th><th>Message</th></tr></thead>\n\
         <tbody id=\"rows\"><tr><td colspan=\"6\">Loading… (this page needs JavaScript to list the findings)</td></tr></tbody></table>\n\
         <nav class=\"pager\"><button id=\"prev\" type=\"button\">‹ previous</button> <span id=\"page\"></span> <button id=\"next\" type=\"button\">next ›</button></nav>\n</section>\n",
    );
    if !report.suppressed.is_empty() {
        out.push_str("<section id=\"suppressed\"><h2>Suppressed in the source</h2><ul>\n");
        let mut suppressed: Vec<&Suppressed> = report.suppressed.iter().collect();
        suppressed.sort_by(|a, b| by_domain(&a.finding, &b.finding));
        for s in suppressed {
            let f = &s.finding;
            let _ = writeln!(
                out,
                "<li><span class=\"sev-{}\">{}</span> <code>{}</code> on <code>{}</code>{}: {}</li>",
                f.severity.as_str(),
                f.severity.as_str(),
                markup(&f.rule),
                markup(f.resource.display_name()),
                f.location
                    .as_ref()
                    .map(|l| format!(" ({})", markup(&l.to_string())))
                    .unwrap_or_default(),
                markup(&suppression_text(s)),
            );
        }
        out.push_str("</ul></section>\n");
    }
    if !report.skipped.is_empty() {
        out.push_str("<section id=\"skipped\"><h2>Inputs skipped</h2><ul>\n");
        let mut skipped: Vec<String> = report.skipped.iter().map(|s| s.to_string()).collect();
        skipped.sort();
        for s in skipped {
            let _ = writeln!(out, "<li>{}</li>", markup(&s));
        }
        out.push_str("</ul></section>\n");
    }
    out.push_str("</main>\n<script type=\"application/json\" id=\"pillar-data\">");
    out.push_str(&data);
    out.push_str("</script>\n<script>\n");
    out.push_str(JS);
    out.push_str("</script>\n</body>\n</html>\n");
    Ok(out)
}

/// Write the page.
pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    out.write_all(render(report)?.as_bytes())?;
    Ok(())
}
