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
use crate::attach::{self, PolicyTarget};
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

/// Policy resources, joined to their queue, topic or secret.
pub(super) fn join(r: &R<'_>, inv: &mut Inventory) {
    let target = |kind: &str, id: String, doc| PolicyTarget {
        id,
        stand_in: r.rref(kind),
        doc,
        loc: r.loc(),
    };
    match r.kind {
        "aws_sqs_queue_policy" => {
            let Some(url) = r.s("queue_url") else { return };
            let doc = opt_policy(r.get("policy"));
            attach::queue_policy(inv, target("AWS::SQS::Queue", url, doc));
        }
        "aws_sns_topic_policy" => {
            let Some(arn) = r.s("arn") else { return };
            let doc = opt_policy(r.get("policy"));
            attach::topic_policy(inv, target("AWS::SNS::Topic", arn, doc));
        }
        "aws_secretsmanager_secret_policy" => {
            let Some(id) = r.s("secret_arn") else { return };
            let doc = opt_policy(r.get("policy"));
            // Not declared here: its rotation is not known.
            attach::secret_policy(
                inv,
                target("AWS::SecretsManager::Secret", id, doc),
                "the secret is not declared in this configuration",
            );
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
