//! Who a policy statement lets in: the one place rules decide whether a
//! `Principal: "*"` grant is narrowed by its conditions.
//!
//! A grant to everyone stays public unless a condition ties it to known
//! callers: an organization, account, principal, source resource or network
//! (see "Determining whether a policy is public" in the Amazon S3 User
//! Guide, and the global condition context keys in the IAM User Guide).

use pillar_model::Statement;
use serde_json::Value;

/// Condition keys (lower case) that tie a grant to an organization, account,
/// principal or source resource.
pub(crate) const IDENTITY_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceowner",
    "aws:userid",
];

/// Condition keys (lower case) that tie a grant to a network.
pub(crate) const NETWORK_KEYS: &[&str] = &["aws:sourceip", "aws:sourcevpc", "aws:sourcevpce"];

/// Identity and network keys together: what narrows a resource policy
/// (bucket, key, queue, topic) grant to everyone.
pub(crate) fn resource_policy_keys(extra: &[&'static str]) -> Vec<&'static str> {
    IDENTITY_KEYS
        .iter()
        .chain(NETWORK_KEYS)
        .chain(extra)
        .copied()
        .collect()
}

/// A condition value that narrows nothing: `*`-only patterns, or the whole
/// internet for `aws:SourceIp`.
fn wildcard_value(key: &str, v: &Value) -> bool {
    match v {
        Value::String(s) => {
            let s = s.trim();
            s.is_empty()
                || s.chars().all(|c| c == '*' || c == '?')
                || (key == "aws:sourceip" && crate::net::is_world(s))
        }
        Value::Array(a) => !a.is_empty() && a.iter().all(|x| wildcard_value(key, x)),
        _ => false,
    }
}

/// The condition keys, among `keys` (lower case), that narrow who can use
/// a statement: used under a positive operator (not `…Not…`, not
/// `…IfExists`, not `Null`) with a value other than a wildcard or the whole
/// internet. Returns the keys as written.
pub(crate) fn restricting_keys(st: &Statement, keys: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let Some(Value::Object(ops)) = &st.condition else {
        return found;
    };
    for (op, block) in ops {
        let op_l = op.to_ascii_lowercase();
        if op_l.contains("not") || op_l.ends_with("ifexists") || op_l == "null" {
            continue;
        }
        let Value::Object(kv) = block else { continue };
        for (k, v) in kv {
            let key = k.to_ascii_lowercase();
            if keys.contains(&key.as_str()) && !wildcard_value(&key, v) && !found.contains(k) {
                found.push(k.clone());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::PolicyDocument;

    fn stmt(v: serde_json::Value) -> Statement {
        PolicyDocument(serde_json::json!({ "Statement": [v] }))
            .statements()
            .remove(0)
    }

    #[test]
    fn negated_ifexists_null_and_wildcards_do_not_restrict() {
        let keys = resource_policy_keys(&[]);
        for cond in [
            serde_json::json!({"StringNotEquals": {"aws:SourceAccount": "111122223333"}}),
            serde_json::json!({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}),
            serde_json::json!({"Null": {"aws:SourceArn": "false"}}),
            serde_json::json!({"StringLike": {"aws:PrincipalOrgID": ["*"]}}),
            serde_json::json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
        ] {
            let s = stmt(serde_json::json!({"Effect":"Allow","Principal":"*","Condition": cond}));
            assert!(restricting_keys(&s, &keys).is_empty(), "{cond}");
        }
        let s = stmt(serde_json::json!({"Effect":"Allow","Principal":"*",
            "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}));
        assert_eq!(
            restricting_keys(&s, &keys),
            vec!["aws:PrincipalOrgID".to_owned()]
        );
    }
}
