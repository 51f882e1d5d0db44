//! SARIF 2.1.0 (OASIS), one run. Only failures become results; the rules
//! carry their docs, WA and CIS ids, and a `security-severity` that code
//! scanning tools use to rank results.

use crate::{by_severity, sorted_rules, Report, ReportError};
use pillar_model::{Finding, Location, RuleInfo, Severity, Status, SuppressionNote};
use serde::ser::SerializeSeq;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// The `$schema` written in every SARIF report.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The `partialFingerprints` key holding a finding's fingerprint.
pub const FINGERPRINT_KEY: &str = "pillarFingerprint/v1";
/// Where pillar is documented.
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// `security-severity` per severity, as a number in a string (the CVSS-like
/// 0–10 scale: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// SARIF `level` per severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `iam-root-access-key-present` → `IamRootAccessKeyPresent`.
fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn tags(domain: &str, wa: &[String], cis: &[String]) -> Vec<String> {
    let mut t = vec!["security".to_owned(), domain.to_owned()];
    t.extend(wa.iter().cloned());
    t.extend(cis.iter().map(|c| format!("CIS {c}")));
    t
}

/// The rule's docs (or rationale) followed by its fix, in Markdown.
fn help_markdown(r: &RuleInfo) -> String {
    let mut md = if r.docs.trim().is_empty() {
        r.rationale.trim().to_owned()
    } else {
        r.docs.trim_end().to_owned()
    };
    let fix = &r.remediation;
    if fix.console.trim().is_empty() && fix.cli.trim().is_empty() && fix.terraform.trim().is_empty()
    {
        return md;
    }
    md.push_str("\n\n## Remediation\n");
    if !fix.console.trim().is_empty() {
        md.push_str(&format!("\n**Console:** {}\n", fix.console.trim()));
    }
    for (label, lang, code) in [
        ("AWS CLI", "sh", &fix.cli),
        ("Terraform", "hcl", &fix.terraform),
    ] {
        if !code.trim().is_empty() {
            md.push_str(&format!(
                "\n**{label}:**\n\n```{lang}\n{}\n```\n",
                code.trim_end()
            ));
        }
    }
    md
}

/// Markdown made plain: no heading marks, emphasis or code fences; code
/// inside fences is kept as it is (a `#` there is a comment, not a heading).
fn plain(md: &str) -> String {
    let mut in_code = false;
    let mut out = Vec::new();
    for l in md.lines() {
        if l.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push(l.to_owned());
        } else if let Some(heading) = l.strip_prefix('#') {
            out.push(heading.trim_start_matches('#').trim_start().to_owned());
        } else {
            out.push(l.replace("**", ""));
        }
    }
    out.join("\n")
}

fn rule_descriptor(r: &RuleInfo) -> Value {
    let markdown = help_markdown(r);
    let mut d = json!({
        "id": r.id,
        "name": pascal(&r.id),
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": if r.rationale.is_empty() { &r.title } else { &r.rationale } },
        "help": { "text": plain(&markdown), "markdown": markdown },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": tags(r.domain.as_str(), &r.wa, &r.cis),
            "security-severity": security_severity(r.severity),
            "severity": r.severity.as_str(),
            "domain": r.domain.as_str(),
            "service": r.service,
            "wa": r.wa,
            "cis": r.cis,
        },
    });
    if !r.help_uri.is_empty() {
        if let Value::Object(m) = &mut d {
            m.insert("helpUri".to_owned(), Value::String(r.help_uri.clone()));
        }
    }
    d
}

/// A descriptor for a rule that failed but is not in `report.rules`.
fn descriptor_from_finding(f: &Finding) -> Value {
    json!({
        "id": f.rule,
        "name": pascal(&f.rule),
        "shortDescription": { "text": f.title },
        "fullDescription": { "text": f.title },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "tags": tags(f.domain.as_str(), &f.wa, &f.cis),
            "security-severity": security_severity(f.severity),
            "severity": f.severity.as_str(),
            "domain": f.domain.as_str(),
            "wa": f.wa,
            "cis": f.cis,
        },
    })
}

/// A path as a URI reference: `/` separators, no leading `./`, and the
/// characters a URI cannot hold percent-encoded. Absolute paths become
/// `file://` URIs; relative ones are relative to the scan root.
pub(crate) fn uri(path: &str) -> (String, bool) {
    let p = path.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let absolute = p.starts_with('/')
        || (p.len() > 2
            && p.as_bytes().get(1) == Some(&b':')
            && p.as_bytes().get(2) == Some(&b'/'));
    let mut enc = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            enc.push(char::from(b));
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    if absolute {
        let prefix = if enc.starts_with('/') {
            "file://"
        } else {
            "file:///"
        };
        (format!("{prefix}{enc}"), true)
    } else {
        (enc, false)
    }
}

fn physical(loc: &Location) -> Value {
    let (u, absolute) = uri(&loc.file);
    let mut artifact = Map::new();
    artifact.insert("uri".to_owned(), Value::String(u));
    if !absolute {
        artifact.insert(
            "uriBaseId".to_owned(),
            Value::String("%SRCROOT%".to_owned()),
        );
    }
    let mut phys = Map::new();
    phys.insert("artifactLocation".to_owned(), Value::Object(artifact));
    if let Some(line) = loc.line.filter(|l| *l > 0) {
        let mut region = Map::new();
        region.insert("startLine".to_owned(), json!(line));
        if let Some(col) = loc.column.filter(|c| *c > 0) {
            region.insert("startColumn".to_owned(), json!(col));
        }
        phys.insert("region".to_owned(), Value::Object(region));
    }
    json!({ "physicalLocation": phys })
}

fn logical(f: &Finding) -> Value {
    json!({
        "logicalLocations": [{
            "name": f.resource.display_name(),
            "fullyQualifiedName": f.resource.id,
            "kind": "resource",
            "properties": { "resourceType": f.resource.kind },
        }]
    })
}

fn result(f: &Finding, index: usize, suppression: Option<&SuppressionNote>) -> Value {
    let location = match &f.location {
        Some(loc) if !loc.file.is_empty() => physical(loc),
        _ => logical(f),
    };
    let mut fingerprints = Map::new();
    fingerprints.insert(
        FINGERPRINT_KEY.to_owned(),
        Value::String(f.fingerprint.clone()),
    );
    let mut resource = Map::new();
    resource.insert("type".to_owned(), Value::String(f.resource.kind.clone()));
    resource.insert("id".to_owned(), Value::String(f.resource.id.clone()));
    for (k, v) in [
        ("name", &f.resource.name),
        ("account", &f.resource.account),
        ("region", &f.resource.region),
    ] {
        if let Some(v) = v {
            resource.insert(k.to_owned(), Value::String(v.clone()));
        }
    }
    let mut props = Map::new();
    props.insert("severity".to_owned(), json!(f.severity.as_str()));
    props.insert("domain".to_owned(), json!(f.domain.as_str()));
    props.insert("source".to_owned(), json!(f.source.as_str()));
    props.insert("resource".to_owned(), Value::Object(resource));
    if !f.evidence.is_null() {
        props.insert("evidence".to_owned(), f.evidence.clone());
    }
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location],
        "partialFingerprints": fingerprints,
        "properties": props,
    });
    if let (Some(s), Some(obj)) = (suppression, r.as_object_mut()) {
        // SARIF 2.1.0 §3.35: a suppression written in the source.
        obj.insert(
            "suppressions".to_owned(),
            json!([{
                "kind": "inSource",
                "status": "accepted",
                "justification": s.reason,
                "location": physical(&s.location),
            }]),
        );
    }
    r
}

fn notification(s: &pillar_model::Skipped) -> Value {
    let loc = Location {
        file: s.path.clone(),
        line: s.line,
        column: s.column,
    };
    json!({
        "level": "warning",
        "message": { "text": format!("skipped: {}", s.reason) },
        "locations": [physical(&loc)],
    })
}

/// Results serialised one at a time, so a run with many failures never holds
/// all their JSON trees at once.
struct Results<'a>(Vec<(&'a Finding, usize, Option<&'a SuppressionNote>)>);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (f, index, s) in &self.0 {
            seq.serialize_element(&result(f, *index, *s))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Value,
    invocations: Value,
    #[serde(rename = "originalUriBaseIds")]
    original_uri_base_ids: Value,
    results: Results<'a>,
    properties: Value,
}

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

pub(crate) fn render(report: &Report) -> Result<String, ReportError> {
    let mut buf = Vec::new();
    write(report, &mut buf)?;
    String::from_utf8(buf).map_err(|e| ReportError::Io(std::io::Error::other(e)))
}

/// Write the SARIF log straight to `out`.
pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let mut ids: Vec<String> = Vec::new();
    let mut rules: Vec<Value> = Vec::new();
    for r in sorted_rules(&report.rules) {
        ids.push(r.id.clone());
        rules.push(rule_descriptor(r));
    }
    let mut failures: Vec<(&Finding, Option<&SuppressionNote>)> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| (f, None))
        .chain(
            report
                .suppressed
                .iter()
                .map(|s| (&s.finding, Some(&s.suppression))),
        )
        .collect();
    failures.sort_by(|(a, _), (b, _)| a.domain.cmp(&b.domain).then_with(|| by_severity(a, b)));
    let mut index_of: std::collections::HashMap<String, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i))
        .collect();
    let mut results = Vec::with_capacity(failures.len());
    for (f, suppression) in failures {
        let index = match index_of.get(&f.rule) {
            Some(i) => *i,
            None => {
                ids.push(f.rule.clone());
                rules.push(descriptor_from_finding(f));
                index_of.insert(f.rule.clone(), ids.len() - 1);
                ids.len() - 1
            }
        };
        results.push((f, index, suppression));
    }
    let mut skipped: Vec<&pillar_model::Skipped> = report.skipped.iter().collect();
    skipped.sort();
    let doc = Doc {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({
                "driver": {
                    "name": "pillar",
                    "version": report.tool_version,
                    "semanticVersion": report.tool_version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            }),
            invocations: json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": skipped.into_iter().map(notification).collect::<Vec<_>>(),
            }]),
            original_uri_base_ids: json!({
                "%SRCROOT%": { "description": { "text": "The folder the scan was run from." } }
            }),
            results: Results(results),
            properties: if report.suppressed.is_empty() {
                json!({
                    "sources": report.sources,
                    "baselined": report.baselined.len(),
                })
            } else {
                json!({
                    "sources": report.sources,
                    "baselined": report.baselined.len(),
                    "suppressed": report.suppressed.len(),
                })
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("./tf/main.tf"), ("tf/main.tf".to_owned(), false));
        assert_eq!(
            uri("tf\\my dir\\a#b.tf"),
            ("tf/my%20dir/a%23b.tf".to_owned(), false)
        );
        assert_eq!(uri("/abs/x.tf"), ("file:///abs/x.tf".to_owned(), true));
        assert_eq!(uri("C:/x/y.tf"), ("file:///C:/x/y.tf".to_owned(), true));
    }

    #[test]
    fn plain_help_drops_markdown_marks() {
        let md = "## What it does\nChecks `x`.\n\n**Console:** do it\n\n```sh\naws x\n```";
        assert_eq!(
            plain(md),
            "What it does\nChecks `x`.\n\nConsole: do it\n\naws x"
        );
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(
            pascal("iam-root-access-key-present"),
            "IamRootAccessKeyPresent"
        );
    }
}
