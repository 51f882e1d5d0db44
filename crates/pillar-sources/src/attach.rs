//! Joining a resource-policy resource to the queue, topic or secret it
//! governs, shared by the Terraform and CloudFormation mappers: the policy
//! goes to the declared resource when there is one, else to a stand-in
//! for it (a literal URL or ARN, an import), so the policy is still judged.
//! Findings on a policy point at the policy's resource (`policy_location`).

use pillar_model::*;

/// A policy resource's target: the id it names (queue URL, topic ARN,
/// secret ARN or name), the stand-in's identity (the policy resource's,
/// with the target's kind), the policy and the policy resource's place.
pub(crate) struct PolicyTarget {
    /// The URL, ARN or name written in the policy resource.
    pub id: String,
    /// Identity of the stand-in, when the target is not declared.
    pub stand_in: ResourceRef,
    /// The policy document.
    pub doc: Known<Option<PolicyDocument>>,
    /// Where the policy resource is.
    pub loc: Option<Location>,
}

/// The last path segment of a queue URL or the last field of an ARN: the
/// resource's name.
pub(crate) fn last_part(id: &str) -> &str {
    id.rsplit(['/', ':']).next().unwrap_or(id)
}

/// Sets a queue's policy, found by URL, ARN or (for a URL) name.
pub(crate) fn queue_policy(inv: &mut Inventory, t: PolicyTarget) {
    let url = t.id;
    let found = inv
        .queues
        .iter_mut()
        .find(|q| q.url == url || q.arn == url || (url.contains('/') && q.name == last_part(&url)));
    match found {
        Some(q) => {
            q.policy = t.doc;
            q.policy_location = t.loc;
        }
        None => inv.queues.push(Queue {
            resource: t.stand_in.named(last_part(&url).to_owned()),
            location: t.loc.clone(),
            name: last_part(&url).to_owned(),
            arn: url.clone(),
            url,
            policy: t.doc,
            policy_location: t.loc,
            ..Queue::default()
        }),
    }
}

/// Sets a topic's policy, found by ARN.
pub(crate) fn topic_policy(inv: &mut Inventory, t: PolicyTarget) {
    let arn = t.id;
    match inv.topics.iter_mut().find(|x| x.arn == arn) {
        Some(x) => {
            x.policy = t.doc;
            x.policy_location = t.loc;
        }
        None => inv.topics.push(Topic {
            resource: t.stand_in.named(last_part(&arn).to_owned()),
            location: t.loc.clone(),
            name: last_part(&arn).to_owned(),
            arn,
            policy: t.doc,
            policy_location: t.loc,
            ..Topic::default()
        }),
    }
}

/// Sets a secret's policy, found by ARN or name. A stand-in's rotation is
/// unknown for `undeclared` (why: not declared in this template or
/// configuration).
pub(crate) fn secret_policy(inv: &mut Inventory, t: PolicyTarget, undeclared: &str) {
    let id = t.id;
    match inv.secrets.iter_mut().find(|s| s.arn == id || s.name == id) {
        Some(s) => {
            s.policy = t.doc;
            s.policy_location = t.loc;
        }
        None => inv.secrets.push(Secret {
            resource: t.stand_in.named(last_part(&id).to_owned()),
            location: t.loc.clone(),
            name: last_part(&id).to_owned(),
            arn: id,
            rotation_enabled: Known::unknown(undeclared),
            policy: t.doc,
            policy_location: t.loc,
            ..Secret::default()
        }),
    }
}
