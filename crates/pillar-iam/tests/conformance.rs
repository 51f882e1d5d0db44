//! Conformance against the iam-simulate decision cases in
//! `../shared/corpora/iam/oracle/` (read at test time, never copied here).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_iam::condition::{CondOp, Condition, Qualifier};
use pillar_iam::{Case, Context, CtxValue};
use serde_json::Value;
use std::path::PathBuf;

fn oracle_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/iam/oracle");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: {} is absent (the shared corpora are not checked out)",
            dir.display()
        );
        None
    }
}

fn read(dir: &std::path::Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Cases we agree with, out of 359. Raise it when the engine improves.
const CORE_FLOOR: usize = 359;
/// Condition operator cases we agree with, out of 162.
const OPERATOR_FLOOR: usize = 162;

#[test]
fn core_cases() {
    let Some(dir) = oracle_dir() else { return };
    let cases = read(&dir, "iam-simulate-core-cases.strict.json");
    let cases = cases.as_array().unwrap();
    let mut pass = 0;
    let mut failures = Vec::new();
    for c in cases {
        let id = c
            .get("_id")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned();
        let case = match Case::from_json(c) {
            Ok(case) => case,
            Err(e) => {
                failures.push(format!("{id}: cannot read: {e}"));
                continue;
            }
        };
        let d = case.run();
        let expected = case.expected.clone().unwrap_or_default();
        if d.outcome.to_string() == expected {
            pass += 1;
        } else {
            failures.push(format!(
                "{id} {:?}: expected {expected}, got {} ({})",
                case.name, d.outcome, d.reason
            ));
        }
    }
    for f in &failures {
        eprintln!("MISMATCH {f}");
    }
    eprintln!("iam-simulate core cases: {pass}/{} agree", cases.len());
    assert!(pass >= CORE_FLOOR, "{pass} < floor {CORE_FLOOR}");
}

fn split_op(op: &str) -> (CondOp, Qualifier, bool) {
    let (q, rest) = if let Some(r) = op.strip_prefix("ForAllValues:") {
        (Qualifier::ForAllValues, r)
    } else if let Some(r) = op.strip_prefix("ForAnyValue:") {
        (Qualifier::ForAnyValue, r)
    } else {
        (Qualifier::None, op)
    };
    let (base, ie) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    (CondOp::from_name(base).unwrap(), q, ie)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn condition_operator_cases() {
    let Some(dir) = oracle_dir() else { return };
    let groups = read(&dir, "iam-simulate-condition-operators.json");
    let mut pass = 0;
    let mut total = 0;
    for (group, g) in groups.as_object().unwrap() {
        let (op, q, ie) = split_op(g["operator"].as_str().unwrap());
        for c in g["cases"].as_array().unwrap() {
            total += 1;
            let mut ctx = Context::new();
            if let Some(Value::Object(m)) = c.get("requestContext") {
                for (k, v) in m {
                    let cv = match v {
                        Value::Array(a) => CtxValue::Many(a.iter().map(text).collect()),
                        other => CtxValue::One(text(other)),
                    };
                    ctx.insert(k, cv);
                }
            }
            let values: Vec<String> = c["policyValues"]
                .as_array()
                .unwrap()
                .iter()
                .map(text)
                .collect();
            let cond = Condition::new(op, q, ie, "test:key", &values, true, 0);
            let got = cond.single(&text(&c["testValue"]), &ctx);
            if got == c["expected"].as_bool().unwrap() {
                pass += 1;
            } else {
                eprintln!("MISMATCH {group}: {}: got {got}", c["name"]);
            }
        }
    }
    eprintln!("iam-simulate condition operator cases: {pass}/{total} agree");
    assert!(pass >= OPERATOR_FLOOR, "{pass} < floor {OPERATOR_FLOOR}");
}
