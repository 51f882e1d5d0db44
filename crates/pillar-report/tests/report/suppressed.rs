//! Failures suppressed in the source stay visible, with their reason, in
//! the HTML, Markdown, JUnit, OCSF and ASFF outputs (text, JSON and SARIF
//! are covered by the CLI's suppression tests).

use crate::sample;
use pillar_model::{Location, Status, Suppressed, SuppressionNote};
use pillar_report::{render, Format, RenderOptions, Report};
use serde_json::Value;

const REASON: &str = "one-Region stack by design, reviewed by security (TICKET-42)";

/// The sample report with its first Terraform failure suppressed in the
/// source.
fn report() -> Report {
    let mut r = sample::report();
    let i = r
        .findings
        .iter()
        .position(|f| {
            f.status == Status::Fail
                && f.location
                    .as_ref()
                    .is_some_and(|l| l.file.starts_with("terraform"))
        })
        .unwrap();
    let finding = r.findings.remove(i);
    let line = finding.location.as_ref().and_then(|l| l.line).unwrap_or(2);
    r.suppressed.push(Suppressed {
        suppression: SuppressionNote {
            kind: "in-source".to_owned(),
            reason: REASON.to_owned(),
            location: Location::new(
                finding.location.as_ref().unwrap().file.clone(),
                Some(line.saturating_sub(1).max(1)),
            ),
        },
        finding,
    });
    r
}

fn out(r: &Report, f: Format) -> String {
    render(
        r,
        f,
        &RenderOptions {
            color: false,
            verbose: false,
        },
    )
    .unwrap()
}

#[test]
fn html_lists_suppressed_failures() {
    let r = report();
    let html = out(&r, Format::Html);
    let start = html.find("<section id=\"suppressed\">").unwrap();
    let end = start + html[start..].find("</section>").unwrap() + "</section>".len();
    let totals = html
        .lines()
        .find(|l| l.contains("suppressed in the source"))
        .unwrap();
    insta::assert_snapshot!(
        "html_suppressed",
        format!("{totals}\n{}", &html[start..end])
    );
    // The table's data carries it too, with its status and reason.
    let data_start = html.find("id=\"pillar-data\">").unwrap() + "id=\"pillar-data\">".len();
    let data_end = data_start + html[data_start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[data_start..data_end]).unwrap();
    let rows: Vec<&Value> = data["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["st"] == "suppressed")
        .collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["sup"].as_str().unwrap().contains(REASON));
    // Without suppressions the section is absent.
    assert!(!out(&sample::report(), Format::Html).contains("id=\"suppressed\""));
}

#[test]
fn markdown_lists_suppressed_failures() {
    let md = out(&report(), Format::Markdown);
    let start = md.find("<details><summary>1 failures suppressed").unwrap();
    let end = start + md[start..].find("</details>").unwrap() + "</details>".len();
    let head = md.lines().find(|l| l.starts_with("**")).unwrap();
    insta::assert_snapshot!(
        "markdown_suppressed",
        format!("{head}\n\n{}", &md[start..end])
    );
}

#[test]
fn junit_skips_suppressed_failures_with_the_reason() {
    let r = report();
    let xml = out(&r, Format::Junit);
    let plain = out(&sample::report(), Format::Junit);
    // One failure fewer, one skipped more, the same number of tests.
    let head = |x: &str| x.lines().nth(1).unwrap().to_owned();
    insta::assert_snapshot!(
        "junit_suppressed",
        format!(
            "{}\n{}\n{}",
            head(&plain),
            head(&xml),
            xml.lines()
                .filter(|l| l.contains("suppressed in the source"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    );
}

#[test]
fn ocsf_marks_suppressed_status() {
    let r = report();
    let lines: Vec<Value> = out(&r, Format::Ocsf)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), r.findings.len() + 1);
    let sup: Vec<&Value> = lines.iter().filter(|e| e["status_id"] == 3).collect();
    assert_eq!(sup.len(), 1);
    let e = sup[0];
    insta::assert_json_snapshot!(
        "ocsf_suppressed",
        serde_json::json!({
            "status_id": e["status_id"],
            "status": e["status"],
            "status_detail": e["status_detail"],
            "compliance_status": e["compliance"]["status"],
            "suppression": e["unmapped"]["suppression"],
            "rule": e["unmapped"]["rule"],
        })
    );
}

#[test]
fn asff_marks_workflow_suppressed() {
    let r = report();
    let all: Vec<Value> = out(&r, Format::Asff)
        .lines()
        .flat_map(|l| serde_json::from_str::<Vec<Value>>(l).unwrap().into_iter())
        .collect();
    assert_eq!(all.len(), r.findings.len() + 1);
    let sup: Vec<&Value> = all
        .iter()
        .filter(|f| f["Workflow"]["Status"] == "SUPPRESSED")
        .collect();
    assert_eq!(sup.len(), 1);
    let f = sup[0];
    insta::assert_json_snapshot!(
        "asff_suppressed",
        serde_json::json!({
            "Workflow": f["Workflow"],
            "Compliance": f["Compliance"]["Status"],
            "GeneratorId": f["GeneratorId"],
            "ProductFields": f["ProductFields"],
        })
    );
}
