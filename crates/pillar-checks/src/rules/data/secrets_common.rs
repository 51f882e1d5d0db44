//! Helpers for the rules fed by the secrets engine (`pillar-secrets`):
//! Lambda environment variables, EC2 user data and ECS container environments.

use pillar_secrets::inline::ValueHit;
use pillar_secrets::Confidence;
use serde_json::{json, Value};

/// Confident hits and low-confidence ones (documented examples,
/// placeholder-like values), in that order.
pub(crate) fn split_hits(hits: &[ValueHit]) -> (Vec<&ValueHit>, Vec<&ValueHit>) {
    hits.iter().partition(|h| h.confidence == Confidence::High)
}

/// One hit as evidence: where it is, the rule, the redacted value. Never the
/// value.
pub(crate) fn hit_evidence(h: &ValueHit) -> Value {
    let mut v = json!({
        "rule": h.rule,
        "kind": h.title,
        "value": h.redacted,
    });
    if let Some(obj) = v.as_object_mut() {
        match &h.variable {
            Some(name) => {
                obj.insert("name".to_owned(), json!(name));
            }
            None => {
                obj.insert("line".to_owned(), json!(h.line));
            }
        }
    }
    v
}

/// The message of a pass: what was clean, and how many low-confidence hits
/// were set aside.
pub(crate) fn pass_message(low: usize, what: &str) -> String {
    if low == 0 {
        format!("no {what} holds a literal secret")
    } else {
        format!(
            "no {what} holds a literal secret ({low} low-confidence match(es), documented \
             examples or placeholders, set aside)"
        )
    }
}
