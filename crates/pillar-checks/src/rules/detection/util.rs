//! Helpers shared by the detection and response rules: trails without
//! their per-region shadow copies, and whether a bucket is public.

use crate::rules::iam::util::{resource_account, restricting_keys, same_account};
use pillar_model::resources::{Bucket, PublicAccessBlock, Trail};
use pillar_model::{Inventory, Known};
use std::collections::BTreeSet;

/// Every trail once: a multi-region trail is listed in every region it
/// shadows, with the same ARN.
pub(crate) fn unique_trails(inv: &Inventory) -> Vec<&Trail> {
    let mut seen = BTreeSet::new();
    inv.trails
        .iter()
        .filter(|t| {
            let key = if t.arn.is_empty() {
                &t.resource.id
            } else {
                &t.arn
            };
            seen.insert(key.as_str())
        })
        .collect()
}

/// The trail's account.
pub(crate) fn trail_account(t: &Trail) -> Option<&str> {
    resource_account(&t.resource, &t.arn)
}

/// Three-valued `or`: true if either is known true, false if both are
/// known false, else unknown.
fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// Three-valued `and`.
fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// One Block Public Access setting from a `Known<Option<…>>` level
/// (`Known(None)`: not configured, so off).
fn setting(
    level: &Known<Option<PublicAccessBlock>>,
    pick: fn(&PublicAccessBlock) -> bool,
) -> Option<bool> {
    match level {
        Known::Known(Some(b)) => Some(pick(b)),
        Known::Known(None) => Some(false),
        Known::Unknown(_) => None,
    }
}

/// Condition keys that keep a `*` principal in a bucket policy from being
/// public, per the S3 definition of "public".
static BUCKET_RESTRICTING_KEYS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| crate::access::resource_policy_keys(&[]));

/// Why a bucket is public, or whether it could not be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Publicness {
    /// `Some(true)` public, `Some(false)` not public, `None` undecided.
    pub public: Option<bool>,
    /// What makes it public (`acl: READ to AllUsers`, `policy: statement …`).
    pub reasons: Vec<String>,
    /// What could not be read.
    pub missing: Vec<String>,
}

/// Whether a bucket is public by its ACL or policy, after the bucket- and
/// account-level Block Public Access settings that are in force now
/// (`IgnorePublicAcls`, `RestrictPublicBuckets`; the `Block…` settings only
/// stop new grants).
pub(crate) fn bucket_publicness(inv: &Inventory, bucket: &Bucket) -> Publicness {
    let mut missing = Vec::new();
    let mut reasons = Vec::new();
    let bucket_acct = bucket.resource.account.as_deref();
    let accounts: Vec<_> = inv
        .accounts
        .iter()
        .filter(|a| same_account(a.id.get().map(String::as_str), bucket_acct))
        .collect();
    let account_level: Known<Option<PublicAccessBlock>> = match accounts.as_slice() {
        [one] => one.s3_public_access_block.clone(),
        _ => Known::unknown("bucket's account not identified"),
    };
    if let Some(r) = account_level.reason() {
        missing.push(format!("account Block Public Access: {r}"));
    }
    if let Some(r) = bucket.public_access_block.reason() {
        missing.push(format!("bucket Block Public Access: {r}"));
    }
    let ignore_acls = or3(
        setting(&bucket.public_access_block, |b| b.ignore_public_acls),
        setting(&account_level, |b| b.ignore_public_acls),
    );
    let restrict = or3(
        setting(&bucket.public_access_block, |b| b.restrict_public_buckets),
        setting(&account_level, |b| b.restrict_public_buckets),
    );
    let acl_public = match &bucket.acl {
        Known::Known(grants) => {
            let public: Vec<String> = grants
                .iter()
                .filter(|g| g.is_public())
                .map(|g| {
                    format!(
                        "acl: {} to {}",
                        g.permission,
                        g.uri.as_deref().unwrap_or("?")
                    )
                })
                .collect();
            let any = !public.is_empty();
            if ignore_acls != Some(true) {
                reasons.extend(public);
            }
            Some(any)
        }
        Known::Unknown(r) => {
            missing.push(format!("bucket ACL: {r}"));
            None
        }
    };
    let policy_public = match &bucket.policy {
        Known::Known(None) => Some(false),
        Known::Known(Some(doc)) => {
            let open: Vec<String> = doc
                .statements()
                .iter()
                .filter(|s| {
                    s.allow
                        && s.principal_is_public()
                        && restricting_keys(s, &BUCKET_RESTRICTING_KEYS).is_empty()
                })
                .map(|s| {
                    format!(
                        "policy: {} allows {} to *",
                        s.sid.as_deref().unwrap_or("statement"),
                        s.action.join(", ")
                    )
                })
                .collect();
            let any = !open.is_empty();
            if restrict != Some(true) {
                reasons.extend(open);
            }
            Some(any)
        }
        Known::Unknown(r) => {
            missing.push(format!("bucket policy: {r}"));
            None
        }
    };
    let by_acl = and3(ignore_acls.map(|b| !b), acl_public);
    let by_policy = and3(restrict.map(|b| !b), policy_public);
    let public = or3(by_acl, by_policy);
    if public == Some(true) {
        // Keep only the reasons that are really in force.
        reasons.retain(|r| {
            (r.starts_with("acl:") && by_acl == Some(true))
                || (r.starts_with("policy:") && by_policy == Some(true))
        });
    }
    Publicness {
        public,
        reasons,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_logic() {
        assert_eq!(or3(None, Some(true)), Some(true));
        assert_eq!(or3(None, Some(false)), None);
        assert_eq!(and3(None, Some(false)), Some(false));
        assert_eq!(and3(Some(true), None), None);
    }

    fn inv(json: &str) -> Inventory {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn ignore_public_acls_at_account_level_hides_a_public_acl() {
        let i = inv(
            r#"{"accounts":[{"id":"111122223333","s3_public_access_block":{"ignore_public_acls":true}}],
            "buckets":[{"name":"b","resource":{"kind":"AWS::S3::Bucket","id":"arn:aws:s3:::b","account":"111122223333"},
              "acl":[{"grantee_type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers","permission":"READ"}],
              "policy":null,"public_access_block":null}]}"#,
        );
        let p = bucket_publicness(&i, &i.buckets[0]);
        assert_eq!(p.public, Some(false));
    }

    #[test]
    fn public_policy_is_public_and_unknown_acl_does_not_hide_it() {
        let i = inv(
            r#"{"accounts":[{"id":"111122223333","s3_public_access_block":null}],
            "buckets":[{"name":"b","resource":{"kind":"AWS::S3::Bucket","id":"arn:aws:s3:::b","account":"111122223333"},
              "policy":{"Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]},
              "public_access_block":null}]}"#,
        );
        let p = bucket_publicness(&i, &i.buckets[0]);
        assert_eq!(p.public, Some(true));
        assert_eq!(
            p.reasons,
            vec!["policy: Pub allows s3:GetObject to *".to_owned()]
        );
    }

    #[test]
    fn source_arn_condition_is_not_public() {
        let i = inv(
            r#"{"accounts":[{"id":"111122223333","s3_public_access_block":null}],
            "buckets":[{"name":"b","resource":{"kind":"AWS::S3::Bucket","id":"arn:aws:s3:::b","account":"111122223333"},
              "acl":[],"public_access_block":null,
              "policy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*",
                "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}}}]}}]}"#,
        );
        assert_eq!(bucket_publicness(&i, &i.buckets[0]).public, Some(false));
    }
}
