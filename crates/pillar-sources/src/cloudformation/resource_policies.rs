//! SQS queues, SNS topics, and the resource policies of queues, topics and
//! secrets: `AWS::SQS::QueuePolicy` (its `Queues`, queue URLs: a queue's
//! `Ref`), `AWS::SNS::TopicPolicy` (its `Topics`, topic ARNs: a topic's
//! `Ref`) and `AWS::SecretsManager::ResourcePolicy` (its `SecretId`, the
//! secret's ARN or name: a secret's `Ref`). A queue, topic or secret that
//! the template does not declare (a literal URL or ARN, an import) gets a
//! stand-in, so its policy is still judged. Findings on a policy point at
//! the policy's resource (`policy_location`).

use super::{policy, R, V};
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

/// The last path segment of a queue URL or the last field of an ARN.
fn last_part(id: &str) -> &str {
    id.rsplit(['/', ':']).next().unwrap_or(id)
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
    match r.kind.as_str() {
        "AWS::SQS::QueuePolicy" => {
            let doc = policy(r.get("PolicyDocument")).map(Some);
            for url in targets(r, "Queues") {
                let found = inv.queues.iter_mut().find(|q| {
                    q.url == url || q.arn == url || (url.contains('/') && q.name == last_part(&url))
                });
                match found {
                    Some(q) => {
                        q.policy = doc.clone();
                        q.policy_location = r.loc();
                    }
                    None => inv.queues.push(Queue {
                        resource: r.rref("AWS::SQS::Queue").named(last_part(&url).to_owned()),
                        location: r.loc(),
                        name: last_part(&url).to_owned(),
                        arn: url.clone(),
                        url,
                        policy: doc.clone(),
                        policy_location: r.loc(),
                        ..Queue::default()
                    }),
                }
            }
        }
        "AWS::SNS::TopicPolicy" => {
            let doc = policy(r.get("PolicyDocument")).map(Some);
            for arn in targets(r, "Topics") {
                match inv.topics.iter_mut().find(|t| t.arn == arn) {
                    Some(t) => {
                        t.policy = doc.clone();
                        t.policy_location = r.loc();
                    }
                    None => inv.topics.push(Topic {
                        resource: r.rref("AWS::SNS::Topic").named(last_part(&arn).to_owned()),
                        location: r.loc(),
                        name: last_part(&arn).to_owned(),
                        arn,
                        policy: doc.clone(),
                        policy_location: r.loc(),
                        ..Topic::default()
                    }),
                }
            }
        }
        "AWS::SecretsManager::ResourcePolicy" => {
            let Some(id) = r.s("SecretId") else { return };
            let doc = policy(r.get("ResourcePolicy")).map(Some);
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
                    rotation_enabled: Known::unknown("the secret is not declared in this template"),
                    policy: doc,
                    policy_location: r.loc(),
                    ..Secret::default()
                }),
            }
        }
        _ => {}
    }
}
