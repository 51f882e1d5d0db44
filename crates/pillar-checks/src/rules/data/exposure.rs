//! Shared judgement of resource policies (buckets, keys, queues, topics,
//! secrets, role trust policies) that let callers from outside the
//! inventory's accounts in, decided by the IAM evaluator
//! (`pillar_iam::exposure`), not by reading the policy's text.

use crate::out::Out;
use pillar_iam::exposure::{Exposure, Grant};
use pillar_iam::inventory::IamModel;
use pillar_model::resources::Resource;
use pillar_model::{Inventory, Known, Location, PolicyDocument, Status};
use serde_json::{json, Value};

/// The inventory's compiled policies, built once per run.
pub(crate) fn model(inv: &Inventory, out: &Out) -> std::sync::Arc<IamModel> {
    out.shared("iam-model", || IamModel::build(inv))
}

/// What is known of a resource's policy.
pub(crate) enum PolicyState<'a> {
    /// The resource has no policy.
    Absent,
    /// Not read, or not evaluable, and why.
    Unknown(&'a str),
    /// A document.
    Present,
}

impl<'a> PolicyState<'a> {
    /// From a policy that may be absent.
    pub fn of_optional(p: &'a Known<Option<PolicyDocument>>) -> Self {
        match p {
            Known::Unknown(why) => PolicyState::Unknown(why),
            Known::Known(None) => PolicyState::Absent,
            Known::Known(Some(_)) => PolicyState::Present,
        }
    }

    /// From a policy every such resource has (key policy, trust policy).
    pub fn of(p: &'a Known<PolicyDocument>) -> Self {
        match p {
            Known::Unknown(why) => PolicyState::Unknown(why),
            Known::Known(_) => PolicyState::Present,
        }
    }
}

/// One resource with a resource policy.
pub(crate) struct Target<'a, R: Resource> {
    pub resource: &'a R,
    pub arn: &'a str,
    pub name: &'a str,
    pub policy: PolicyState<'a>,
    /// Where the policy is declared or read, when not where the resource is.
    pub policy_location: Option<&'a Location>,
    /// `queue`, `topic`, `secret`, `bucket`, `key`, `role`.
    pub what: &'static str,
    /// How the policy is called (`policy`, `key policy`, `trust policy`).
    pub policy_word: &'static str,
    /// The IAM service prefix (`sqs`, `sns`, `secretsmanager`, `s3`, `kms`,
    /// `sts`).
    pub service: &'static str,
    /// More evidence for a failure (an object), or `Value::Null`.
    pub extra: Value,
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
        .map(|(a, actions)| format!("account {a} ({})", list_text(actions)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Actions for a message: all of them up to eight, else the first eight
/// and how many more (the evidence lists all).
fn list_text<S: AsRef<str>>(actions: &[S]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<&str> = actions.iter().take(SHOWN).map(AsRef::as_ref).collect();
    let mut text = shown.join(", ");
    if actions.len() > SHOWN {
        text.push_str(&format!(" and {} more", actions.len() - SHOWN));
    }
    text
}

/// How one resource's policy judges, before any finding is written.
pub(crate) enum Verdict {
    /// No policy: pass with this message.
    NoPolicy,
    /// Unknown, with the reason.
    Unknown(String),
    /// Evaluated.
    Evaluated(Exposure),
}

/// Ask the evaluator about one resource.
pub(crate) fn verdict<R: Resource>(model: &IamModel, t: &Target<'_, R>) -> Verdict {
    match t.policy {
        PolicyState::Unknown(why) => {
            // "key key policy" reads "key policy".
            let label = if t.policy_word.starts_with(t.what) {
                t.policy_word.to_owned()
            } else {
                format!("{} {}", t.what, t.policy_word)
            };
            return Verdict::Unknown(format!("{label} unknown: {why}"));
        }
        PolicyState::Absent => return Verdict::NoPolicy,
        PolicyState::Present => {}
    }
    let id = t.resource.resource().id.as_str();
    match model.exposure_of(t.arn, t.service, Some(id)) {
        Some(e) => Verdict::Evaluated(e),
        None => Verdict::Unknown(format!(
            "the {} {} could not be evaluated (not a valid policy document)",
            t.what, t.policy_word
        )),
    }
}

/// Write a finding on the resource at its policy's location.
pub(crate) fn report<R: Resource>(
    t: &Target<'_, R>,
    out: &mut Out,
    status: Status,
    message: String,
    evidence: Value,
) {
    let location = t.policy_location.or_else(|| t.resource.location()).cloned();
    out.report(
        status,
        t.resource.resource().clone(),
        location,
        message,
        evidence,
        "",
    );
}

/// Write the finding for an evaluated policy: fail when anyone outside may
/// act on the resource, pass otherwise (naming accounts outside the
/// inventory the policy lets in).
pub(crate) fn report_exposure<R: Resource>(t: &Target<'_, R>, e: &Exposure, out: &mut Out) {
    if e.public.is_empty() {
        let mut msg = format!(
            "no caller outside the inventory's accounts can act on the {} through its {}",
            t.what, t.policy_word
        );
        if !e.cross_account.is_empty() {
            msg.push_str(&format!(
                "; it lets in other accounts by name: {}",
                cross_text(e)
            ));
        }
        report(t, out, Status::Pass, msg, Value::Null);
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
    let mut evidence = json!({
        "arn": t.arn,
        "public": grants_evidence(&e.public),
        "cross_account": e.cross_account.iter().map(|(a, actions)| json!({
            "account": a,
            "actions": actions,
        })).collect::<Vec<_>>(),
    });
    if let (Value::Object(ev), Value::Object(more)) = (&mut evidence, &t.extra) {
        ev.extend(more.clone());
    }
    report(
        t,
        out,
        Status::Fail,
        format!(
            "{} {} {} lets {who} call {}",
            t.what,
            t.name,
            t.policy_word,
            list_text(&actions)
        ),
        evidence,
    );
}

/// Judge one resource end to end.
pub(crate) fn judge<R: Resource>(model: &IamModel, t: &Target<'_, R>, out: &mut Out) {
    match verdict(model, t) {
        Verdict::NoPolicy => report(
            t,
            out,
            Status::Pass,
            format!("the {} has no access policy", t.what),
            Value::Null,
        ),
        Verdict::Unknown(why) => report(t, out, Status::Unknown, why, Value::Null),
        Verdict::Evaluated(e) => report_exposure(t, &e, out),
    }
}
