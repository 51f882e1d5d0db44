//! SQS queues, SNS topics, and the resource policies of queues, topics and
//! secrets. A policy is either an argument of its resource
//! (`aws_sqs_queue.policy`, `aws_sns_topic.policy`,
//! `aws_secretsmanager_secret.policy`) or a resource of its own
//! (`aws_sqs_queue_policy`, `aws_sns_topic_policy`,
//! `aws_secretsmanager_secret_policy`), written as a heredoc, with
//! `jsonencode` or as an `aws_iam_policy_document`'s `json`, all read by
//! [`opt_policy`]. A policy resource whose queue, topic or secret is not
//! declared here (a literal URL or ARN, another configuration) still
//! carries a stand-in for it, so the policy is still judged. Findings on a
//! policy point at the policy's resource (`policy_location`).

use super::{opt_policy, PENDING, R};
use pillar_model::*;

/// A policy set as an argument: its document (pending when absent, as a
/// policy resource may set it) and where it is.
fn inline_policy(r: &R<'_>) -> (Known<Option<PolicyDocument>>, Option<Location>) {
    match r.get("policy") {
        None | Some(super::V::Null) => (Known::unknown(PENDING), None),
        p => (opt_policy(p), r.loc()),
    }
}

/// Queues and topics, with the policy they carry as an argument.
pub(super) fn primary(r: &R<'_>, inv: &mut Inventory) {
    match r.kind {
        "aws_sqs_queue" => {
            let name = r
                .s("name")
                .or_else(|| r.s("name_prefix"))
                .unwrap_or_else(|| r.addr.clone());
            let (policy, policy_location) = inline_policy(r);
            inv.queues.push(Queue {
                resource: r.rref("AWS::SQS::Queue").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.s("arn").unwrap_or_else(|| r.addr.clone()),
                url: r.s("url").unwrap_or_else(|| r.addr.clone()),
                policy,
                policy_location,
                kms_key_id: r.s("kms_master_key_id"),
                sqs_managed_sse: r
                    .get("sqs_managed_sse_enabled")
                    .and_then(|v| v.to_bool().ok()),
                ..Queue::default()
            });
        }
        "aws_sns_topic" => {
            let name = r
                .s("name")
                .or_else(|| r.s("name_prefix"))
                .unwrap_or_else(|| r.addr.clone());
            let (policy, policy_location) = inline_policy(r);
            inv.topics.push(Topic {
                resource: r.rref("AWS::SNS::Topic").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.s("arn").unwrap_or_else(|| r.addr.clone()),
                policy,
                policy_location,
                kms_key_id: r.s("kms_master_key_id"),
                ..Topic::default()
            });
        }
        "aws_secretsmanager_secret" => {
            // The secret itself is mapped with the other services; here
            // only where its inline policy is.
            if matches!(r.get("policy"), Some(p) if !matches!(p, super::V::Null)) {
                if let Some(s) = inv
                    .secrets
                    .iter_mut()
                    .rev()
                    .find(|s| s.arn == r.addr && s.resource.id == r.addr)
                {
                    s.policy_location = r.loc();
                }
            }
        }
        _ => {}
    }
}

/// The last path segment of a queue URL or the last field of an ARN: the
/// resource's name.
fn last_part(id: &str) -> &str {
    id.rsplit(['/', ':']).next().unwrap_or(id)
}

/// Policy resources, joined to their queue, topic or secret.
pub(super) fn join(r: &R<'_>, inv: &mut Inventory) {
    match r.kind {
        "aws_sqs_queue_policy" => {
            let Some(url) = r.s("queue_url") else { return };
            let doc = opt_policy(r.get("policy"));
            let found = inv.queues.iter_mut().find(|q| {
                q.url == url || q.arn == url || (url.contains('/') && q.name == last_part(&url))
            });
            match found {
                Some(q) => {
                    q.policy = doc;
                    q.policy_location = r.loc();
                }
                None => inv.queues.push(Queue {
                    resource: r.rref("AWS::SQS::Queue").named(last_part(&url).to_owned()),
                    location: r.loc(),
                    name: last_part(&url).to_owned(),
                    arn: url.clone(),
                    url,
                    policy: doc,
                    policy_location: r.loc(),
                    ..Queue::default()
                }),
            }
        }
        "aws_sns_topic_policy" => {
            let Some(arn) = r.s("arn") else { return };
            let doc = opt_policy(r.get("policy"));
            match inv.topics.iter_mut().find(|t| t.arn == arn) {
                Some(t) => {
                    t.policy = doc;
                    t.policy_location = r.loc();
                }
                None => inv.topics.push(Topic {
                    resource: r.rref("AWS::SNS::Topic").named(last_part(&arn).to_owned()),
                    location: r.loc(),
                    name: last_part(&arn).to_owned(),
                    arn,
                    policy: doc,
                    policy_location: r.loc(),
                    ..Topic::default()
                }),
            }
        }
        "aws_secretsmanager_secret_policy" => {
            let Some(id) = r.s("secret_arn") else { return };
            let doc = opt_policy(r.get("policy"));
            match inv.secrets.iter_mut().find(|s| s.arn == id || s.name == id) {
                Some(s) => {
                    s.policy = doc;
                    s.policy_location = r.loc();
                }
                None => inv.secrets.push(Secret {
                    resource: r
                        .rref("AWS::SecretsManager::Secret")
                        .named(last_part(&id).to_owned()),
                    location: r.loc(),
                    name: last_part(&id).to_owned(),
                    arn: id,
                    // Not declared here: its rotation is not known.
                    rotation_enabled: Known::unknown(
                        "the secret is not declared in this configuration",
                    ),
                    policy: doc,
                    policy_location: r.loc(),
                    ..Secret::default()
                }),
            }
        }
        _ => {}
    }
}

/// Queue and topic policies no policy resource set: none.
pub(super) fn settle(inv: &mut Inventory) {
    let settle = |p: &mut Known<Option<PolicyDocument>>| {
        if p.reason() == Some(PENDING) {
            *p = Known::Known(None);
        }
    };
    for q in &mut inv.queues {
        if q.resource.source == Some(SourceKind::Terraform) {
            settle(&mut q.policy);
        }
    }
    for t in &mut inv.topics {
        if t.resource.source == Some(SourceKind::Terraform) {
            settle(&mut t.policy);
        }
    }
}
