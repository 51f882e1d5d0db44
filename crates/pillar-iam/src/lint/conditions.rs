//! Conditions that are weaker than they look.

use crate::catalog::Catalog;
use crate::condition::{CondOp, Condition, Qualifier};
use crate::policy::{Effect, Statement};

/// (code, message) for each condition of the statement that lets more
/// requests through than its author likely meant.
pub(super) fn permissive(st: &Statement) -> Vec<(&'static str, String)> {
    let catalog = Catalog::builtin();
    let mut out = Vec::new();
    for c in &st.conditions {
        let op = c.operator_text();
        let key = &c.key;
        match (st.effect, c.qualifier) {
            (Effect::Allow, Qualifier::ForAllValues)
                if c.op != CondOp::Null && catalog.key_multivalued(key) == Some(false) =>
            {
                out.push((
                    "forallvalues-single-valued-key",
                    format!("{op} on the single-valued key {key:?}: ForAllValues is true when the request has no {key}, so the Allow also applies to requests without it (use {} without ForAllValues)", c.op.name()),
                ));
            }
            (Effect::Deny, Qualifier::ForAnyValue) if c.op != CondOp::Null => {
                out.push((
                    "deny-forany-missing-key",
                    format!("Deny with {op} on {key:?} does not apply when the request carries no {key}: a caller avoids it by leaving the key out (add a Deny with \"Null\": {{{key:?}: \"true\"}})"),
                ));
            }
            _ => {}
        }
        if st.effect == Effect::Allow && !c.op.negated() && matches_anything(c) {
            out.push((
                "condition-matches-anything",
                format!("{op} {key:?} with {:?} matches every value of a key that almost every request carries: the condition restricts nothing", matching_value(c).unwrap_or_default()),
            ));
        }
        if matches!(
            c.op.positive(),
            CondOp::StringEquals | CondOp::StringEqualsIgnoreCase
        ) && c
            .values
            .iter()
            .any(|v| v.raw.contains(['*', '?']) && !v.raw.contains("${"))
        {
            out.push((
                "wildcard-without-like",
                format!("{op} compares {key:?} with text holding `*` or `?` literally; use StringLike for wildcards"),
            ));
        }
    }
    out
}

/// Global keys present on (almost) every request, so that "any value"
/// means "anyone": `aws:PrincipalOrgID` `*` is every organization,
/// `aws:SourceAccount` `*` every account. (A wildcard on a tag key is a
/// presence test and is not reported.)
const ALWAYS_PRESENT: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:sourceip",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:requestedregion",
    "aws:securetransport",
    "aws:useragent",
];

fn matching_value(c: &Condition) -> Option<&str> {
    let all_stars = |s: &str| !s.is_empty() && s.chars().all(|ch| ch == '*');
    c.values
        .iter()
        .map(|v| v.raw.as_str())
        .find(|raw| match c.op {
            CondOp::StringLike => all_stars(raw),
            // `arn:*`, `arn:*:*:*:*:*`: every ARN.
            CondOp::ArnLike | CondOp::ArnEquals => {
                all_stars(raw)
                    || raw.strip_prefix("arn:").is_some_and(|rest| {
                        rest.split(':').all(all_stars) && rest.split(':').count() <= 5
                    })
            }
            CondOp::IpAddress => matches!(raw.trim(), "0.0.0.0/0" | "::/0"),
            _ => false,
        })
}

fn matches_anything(c: &Condition) -> bool {
    c.qualifier != Qualifier::ForAllValues
        && ALWAYS_PRESENT.contains(&c.key.to_ascii_lowercase().as_str())
        && matching_value(c).is_some()
}
