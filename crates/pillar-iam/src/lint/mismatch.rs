//! Resource/action mismatch: an action whose resource types (Service
//! Authorization Reference) cannot be any of the statement's `Resource`s,
//! so the statement grants or denies nothing for it — typically
//! `s3:ListBucket` on `arn:aws:s3:::bucket/*`, or `s3:GetObject` on the
//! bucket's own ARN.

use crate::catalog::Catalog;
use crate::pattern::PTok;
use crate::policy::{ActionPattern, ActionSpec, Effect, ResourceSpec, Statement};

/// The mismatched action patterns of one statement. Judged only when every
/// action the pattern stands for is known and applies to some resource type:
/// actions that take only `"Resource": "*"` and unknown services are left
/// alone, and so are `NotAction`, `NotResource` and `"Resource": "*"`.
/// One message per action pattern that applies to none of the resources.
pub(super) fn mismatches(st: &Statement) -> Vec<String> {
    let (ActionSpec::Action(actions), Some(ResourceSpec::Resource(resources))) =
        (&st.action, &st.resource)
    else {
        return Vec::new();
    };
    if resources.iter().any(|r| r.is_star()) {
        return Vec::new();
    }
    let res: Vec<Vec<PTok>> = resources.iter().map(|r| r.wild()).collect();
    let catalog = Catalog::builtin();
    let mut out = Vec::new();
    for a in actions {
        let Some((svc, name)) = a.raw.split_once(':') else {
            continue;
        };
        if svc.contains(['*', '?']) || name.is_empty() {
            continue;
        }
        // Two API generations share these prefixes and the catalog's source
        // keeps one of them per action name (ELB's AddTags lists only the
        // classic load balancer): their resource types are not reliable.
        if ["elasticloadbalancing", "ses"]
            .iter()
            .any(|x| svc.eq_ignore_ascii_case(x))
        {
            continue;
        }
        let Some(service) = catalog.service(svc) else {
            continue;
        };
        let pat = ActionPattern::new(name);
        let mut any_action = false;
        let mut fits = false;
        let mut type_names: Vec<&str> = Vec::new();
        let mut example: Option<&str> = None;
        for (_, types) in service.matching(&pat) {
            any_action = true;
            if types.is_empty() {
                // Takes only "*": not judged here.
                fits = true;
                break;
            }
            for (tname, formats) in &types {
                if !type_names.contains(&tname.as_str()) {
                    type_names.push(tname.as_str());
                }
                if example.is_none() {
                    example = formats.first().map(|f| f.raw.as_str());
                }
                if formats.iter().any(|f| res.iter().any(|r| f.intersects(r))) {
                    fits = true;
                    break;
                }
            }
            if fits {
                break;
            }
        }
        if !any_action || fits {
            continue;
        }
        let shown: Vec<&str> = type_names.iter().take(4).copied().collect();
        let more = if type_names.len() > shown.len() {
            format!(" and {} more", type_names.len() - shown.len())
        } else {
            String::new()
        };
        let verb = if st.effect == Effect::Allow {
            "grants"
        } else {
            "denies"
        };
        out.push(format!(
                "{:?} applies to resource type {}{more} ({}), and no Resource of the statement can be one: the statement {verb} nothing for it",
                a.raw,
                shown.join(", "),
                example.unwrap_or_default()
            ));
    }
    out
}
