//! The JSON report validates against `docs/report-schema.json`.

use crate::sample;
use pillar_report::{baseline, render, Format, RenderOptions};
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/report-schema.json");
    let text = std::fs::read_to_string(path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::new(&schema).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match docs/report-schema.json:\n{}",
        errors.join("\n")
    );
}

#[test]
fn json_report_matches_the_schema() {
    let v = validator();
    let mut report = sample::report();
    let out = render(&report, Format::Json, &RenderOptions::default()).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema"], pillar_report::SCHEMA_ID);
    assert_eq!(doc["tool"]["name"], "pillar");
    assert_valid(&v, &doc);

    // With baselined failures too.
    let known = baseline::fingerprints_from_json(&out).unwrap();
    baseline::apply(&mut report, &known);
    let out = render(&report, Format::Json, &RenderOptions::default()).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(!doc["baselined"].as_array().unwrap().is_empty());
    assert_valid(&v, &doc);

    // And an empty report.
    let out = render(
        &pillar_report::Report::default(),
        Format::Json,
        &RenderOptions::default(),
    )
    .unwrap();
    assert_valid(&v, &serde_json::from_str(&out).unwrap());
}

#[test]
fn schema_rejects_what_it_should() {
    // The schema is strict enough to catch drift: an unknown field, a bad
    // status, a missing summary.
    let v = validator();
    let out = render(&sample::report(), Format::Json, &RenderOptions::default()).unwrap();
    let good: Value = serde_json::from_str(&out).unwrap();

    let mut extra = good.clone();
    extra["findings"][0]["surprise"] = Value::Bool(true);
    assert!(!v.is_valid(&extra));

    let mut status = good.clone();
    status["findings"][0]["status"] = Value::String("maybe".to_owned());
    assert!(!v.is_valid(&status));

    let mut missing = good;
    missing.as_object_mut().unwrap().remove("summary");
    assert!(!v.is_valid(&missing));
}
