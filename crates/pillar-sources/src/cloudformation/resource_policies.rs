//! SQS queues, SNS topics, and the resource policies of queues, topics and
//! secrets: `AWS::SQS::QueuePolicy` (its `Queues`, queue URLs: a queue's
//! `Ref`), `AWS::SNS::TopicPolicy` (its `Topics`, topic ARNs: a topic's
//! `Ref`) and `AWS::SecretsManager::ResourcePolicy` (its `SecretId`, the
//! secret's ARN or name: a secret's `Ref`). A queue, topic or secret that
//! the template does not declare (a literal URL or ARN, an import) gets a
//! stand-in, so its policy is still judged. Findings on a policy point at
//! the policy's resource (`policy_location`).

use super::{policy, R, V};
use crate::attach::{self, PolicyTarget};
use pillar_model::*;

/// Queues and topics. Neither type carries a policy of its own: one comes
/// only from a policy resource.
pub(super) fn primary(r: &R, inv: &mut Inventory) {
    match r.kind.as_str() {
        "AWS::SQS::Queue" => {
            let name = r.s("QueueName").unwrap_or_else(|| r.id.clone());
            inv.queues.push(Queue {
                resource: r.rref("AWS::SQS::Queue").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                url: r.id.clone(),
                policy: Known::Known(None),
                kms_key_id: r.s("KmsMasterKeyId"),
                sqs_managed_sse: r.get("SqsManagedSseEnabled").and_then(|v| v.to_bool().ok()),
                ..Queue::default()
            });
        }
        "AWS::SNS::Topic" => {
            let name = r.s("TopicName").unwrap_or_else(|| r.id.clone());
            inv.topics.push(Topic {
                resource: r.rref("AWS::SNS::Topic").named(name.clone()),
                location: r.loc(),
                name,
                arn: r.id.clone(),
                policy: Known::Known(None),
                kms_key_id: r.s("KmsMasterKeyId"),
                ..Topic::default()
            });
        }
        _ => {}
    }
}

/// The known strings of a list property (`Queues`, `Topics`).
fn targets(r: &R, key: &str) -> Vec<String> {
    match r.get(key) {
        Some(V::List(l)) => l.iter().filter_map(|x| x.to_text().ok()).collect(),
        Some(x) => x.to_text().ok().into_iter().collect(),
        None => Vec::new(),
    }
}

/// Policy resources, joined to their queues, topics or secret.
pub(super) fn join(r: &R, inv: &mut Inventory) {
    let target = |kind: &str, id: String, doc: &Known<Option<PolicyDocument>>| PolicyTarget {
        id,
        stand_in: r.rref(kind),
        doc: doc.clone(),
        loc: r.loc(),
    };
    match r.kind.as_str() {
        "AWS::SQS::QueuePolicy" => {
            let doc = policy(r.get("PolicyDocument")).map(Some);
            for url in targets(r, "Queues") {
                attach::queue_policy(inv, target("AWS::SQS::Queue", url, &doc));
            }
        }
        "AWS::SNS::TopicPolicy" => {
            let doc = policy(r.get("PolicyDocument")).map(Some);
            for arn in targets(r, "Topics") {
                attach::topic_policy(inv, target("AWS::SNS::Topic", arn, &doc));
            }
        }
        "AWS::SecretsManager::ResourcePolicy" => {
            let Some(id) = r.s("SecretId") else { return };
            let doc = policy(r.get("ResourcePolicy")).map(Some);
            attach::secret_policy(
                inv,
                target("AWS::SecretsManager::Secret", id, &doc),
                "the secret is not declared in this template",
            );
        }
        _ => {}
    }
}
