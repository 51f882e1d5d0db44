//! Helpers shared by the data protection rules: public grants in resource
//! policies, Block Public Access lookups, ARN glob matching.

use pillar_model::resources::{Bucket, PublicAccessBlock};
use pillar_model::{Inventory, Known, SourceKind};
use serde_json::{json, Value};

/// Three-valued OR: true wins over unknown, unknown over false.
pub(crate) fn or3(a: Known<bool>, b: Known<bool>) -> Known<bool> {
    match (a, b) {
        (Known::Known(true), _) | (_, Known::Known(true)) => Known::Known(true),
        (Known::Known(false), Known::Known(false)) => Known::Known(false),
        (Known::Unknown(r), _) | (_, Known::Unknown(r)) => Known::Unknown(r),
    }
}

/// The account-level Block Public Access of the bucket's account.
pub(crate) fn account_block(inv: &Inventory, bucket: &Bucket) -> Known<Option<PublicAccessBlock>> {
    let id = bucket
        .resource
        .account
        .as_deref()
        .or_else(|| inv.account_id());
    let account = match id {
        Some(id) => inv
            .accounts
            .iter()
            .find(|a| a.id.get().map(String::as_str) == Some(id)),
        None if inv.accounts.len() == 1 => inv.accounts.first(),
        None => None,
    };
    match account {
        Some(a) => a.s3_public_access_block.clone(),
        // A Terraform or CloudFormation configuration judges the buckets it
        // declares: an account-level block it does not declare is taken as
        // absent, as KICS and checkov do (the bucket's own settings decide),
        // and the finding's evidence says so.
        None if is_iac(bucket) => Known::Known(None),
        None => Known::unknown("account-level Block Public Access was not read"),
    }
}

/// Whether a bucket comes from a Terraform or CloudFormation configuration.
pub(crate) fn is_iac(bucket: &Bucket) -> bool {
    matches!(
        bucket.resource.source,
        Some(SourceKind::Terraform) | Some(SourceKind::Cloudformation)
    )
}

/// Whether a Block Public Access setting is on at bucket or account level.
pub(crate) fn setting_on(
    inv: &Inventory,
    bucket: &Bucket,
    setting: fn(&PublicAccessBlock) -> bool,
) -> Known<bool> {
    let at = |k: &Known<Option<PublicAccessBlock>>, level: &str| match k {
        Known::Known(b) => Known::Known(b.as_ref().is_some_and(setting)),
        Known::Unknown(r) => {
            Known::Unknown(format!("{level}-level Block Public Access unknown: {r}"))
        }
    };
    or3(
        at(&bucket.public_access_block, "bucket"),
        at(&account_block(inv, bucket), "account"),
    )
}

/// The four settings as evidence (`null` when not configured).
pub(crate) fn block_evidence(k: &Known<Option<PublicAccessBlock>>) -> Value {
    match k {
        Known::Known(Some(b)) => json!({
            "block_public_acls": b.block_public_acls,
            "ignore_public_acls": b.ignore_public_acls,
            "block_public_policy": b.block_public_policy,
            "restrict_public_buckets": b.restrict_public_buckets,
        }),
        Known::Known(None) => json!("not configured"),
        Known::Unknown(r) => json!({ "$unknown": r }),
    }
}

/// IAM-style glob match: `*` any run, `?` one character.
pub(crate) fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if ignore_case {
            s.to_ascii_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (p, t) = (norm(pattern), norm(text));
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::restricting_keys;
    use pillar_model::PolicyDocument;

    #[test]
    fn globs() {
        assert!(glob("s3:*", "s3:GetObject", true));
        assert!(glob("S3:Get*", "s3:getobject", true));
        assert!(glob("arn:aws:s3:::b/*", "arn:aws:s3:::b/x", false));
        assert!(!glob("arn:aws:s3:::b", "arn:aws:s3:::b/x", false));
        assert!(glob("*", "", false));
        assert!(glob("a?c", "abc", false));
        assert!(!glob("a?c", "abbc", false));
    }

    #[test]
    fn restricting_conditions() {
        let doc: PolicyDocument = serde_json::from_str(
            r#"{"Statement":[
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}},
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}},
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}},
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}
            ]}"#,
        )
        .unwrap();
        let keys = ["aws:principalorgid", "aws:sourceip", "aws:sourcevpce"];
        let st = doc.statements();
        assert_eq!(
            restricting_keys(&st[0], &keys),
            vec!["aws:PrincipalOrgID".to_owned()]
        );
        assert!(restricting_keys(&st[1], &keys).is_empty());
        assert!(restricting_keys(&st[2], &keys).is_empty());
        assert!(restricting_keys(&st[3], &keys).is_empty());
    }
}
