//! Shared judgement of resource policies (queues, topics, secrets) that let
//! callers from outside the inventory's accounts in, decided by the IAM
//! evaluator (`pillar_iam::exposure`), not by reading the policy's text.

use crate::out::Out;
use pillar_iam::exposure::{Exposure, Grant};
use pillar_iam::inventory::IamModel;
use pillar_model::resources::Resource;
use pillar_model::{Inventory, Known, PolicyDocument};
use serde_json::{json, Value};

/// The inventory's compiled policies, built once per run.
pub(crate) fn model(inv: &Inventory, out: &Out) -> std::sync::Arc<IamModel> {
    out.shared("iam-model", || IamModel::build(inv))
}

/// One resource with a resource policy.
pub(crate) struct Target<'a, R: Resource> {
    pub resource: &'a R,
    pub arn: &'a str,
    pub name: &'a str,
    pub policy: &'a Known<Option<PolicyDocument>>,
    /// `queue`, `topic`, `secret`.
    pub what: &'static str,
    /// The IAM service prefix (`sqs`, `sns`, `secretsmanager`).
    pub service: &'static str,
}

fn grants_evidence(grants: &[Grant]) -> Value {
    Value::Array(
        grants
            .iter()
            .map(|g| {
                json!({
                    "action": g.action,
                    "callers": g.callers.iter().map(|c| c.label()).collect::<Vec<_>>(),
                    "statements": g.statements.iter().map(|s| json!({
                        "sid": s.sid,
                        "index": s.index,
                        "line": s.line,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn cross_text(e: &Exposure) -> String {
    e.cross_account
        .iter()
        .map(|(a, actions)| format!("account {a} ({})", actions.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Judge one resource: fail when anyone outside may act on it, pass
/// otherwise (naming accounts outside the inventory the policy lets in).
pub(crate) fn judge<R: Resource>(model: &IamModel, t: &Target<'_, R>, out: &mut Out) {
    match t.policy {
        Known::Unknown(why) => {
            out.unknown(t.resource, format!("{} policy unknown: {why}", t.what));
            return;
        }
        Known::Known(None) => {
            out.pass(t.resource, format!("the {} has no access policy", t.what));
            return;
        }
        Known::Known(Some(_)) => {}
    }
    let Some(e) = model.exposure(t.arn, t.service) else {
        out.unknown(
            t.resource,
            format!(
                "the {} policy could not be evaluated (not a valid policy document)",
                t.what
            ),
        );
        return;
    };
    if e.public.is_empty() {
        let mut msg = format!(
            "no caller outside the inventory's accounts can act on the {} through its policy",
            t.what
        );
        if !e.cross_account.is_empty() {
            msg.push_str(&format!(
                "; it lets in other accounts by name: {}",
                cross_text(&e)
            ));
        }
        out.pass(t.resource, msg);
        return;
    }
    let mut callers: Vec<_> = e.public.iter().flat_map(|g| g.callers.clone()).collect();
    callers.sort();
    callers.dedup();
    let who = callers
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(" and ");
    let actions: Vec<&str> = e.public.iter().map(|g| g.action.as_str()).collect();
    out.fail(
        t.resource,
        format!(
            "{} {} policy lets {who} call {}",
            t.what,
            t.name,
            actions.join(", ")
        ),
        json!({
            "arn": t.arn,
            "public": grants_evidence(&e.public),
            "cross_account": e.cross_account.iter().map(|(a, actions)| json!({
                "account": a,
                "actions": actions,
            })).collect::<Vec<_>>(),
        }),
    );
}
