//! Redundant and shadowed statements: a statement whose every request is
//! already covered by another statement of the same policy with the same
//! effect (redundant, or a duplicate), or by an unconditional `Deny`
//! (shadowed: the `Allow` never grants anything).

use crate::arn::resource_covers;
use crate::pattern::glob_subset;
use crate::policy::{ActionSpec, Effect, Policy, ResourceSpec, Statement};

/// How statement `index` relates to statement `by`.
pub(super) enum Overlap {
    /// Same scope, same effect, same conditions as an earlier statement.
    Duplicate { by: usize },
    /// Inside the scope of another statement with the same effect, which has
    /// no condition (`bare`) or the same conditions.
    Redundant { by: usize, bare: bool },
    /// An `Allow` inside the scope of an unconditional `Deny`.
    Shadowed { by: usize },
}

/// Whether every request `a` matches, `b` matches too, leaving conditions
/// aside. Conservative: `NotAction`/`NotResource` and policy variables in
/// `b` are not reasoned about (no overlap is claimed).
fn scope_covers(b: &Statement, a: &Statement) -> bool {
    let (ActionSpec::Action(aa), ActionSpec::Action(ba)) = (&a.action, &b.action) else {
        return false;
    };
    if b.principal != a.principal && !(b.effect == Effect::Deny && b.principal.is_none()) {
        return false;
    }
    let actions = aa
        .iter()
        .all(|x| ba.iter().any(|y| glob_subset(x.toks(), y.toks(), true)));
    if !actions {
        return false;
    }
    match (&a.resource, &b.resource) {
        (None, None) => true,
        (Some(_), Some(ResourceSpec::Resource(br))) if br.iter().any(|r| r.is_star()) => true,
        (Some(ResourceSpec::Resource(ar)), Some(ResourceSpec::Resource(br))) => {
            ar.iter().all(|x| {
                br.iter().any(|y| {
                    if y.has_vars() || x.has_vars() {
                        y.raw == x.raw
                    } else {
                        resource_covers(&y.wild(), &x.wild())
                    }
                })
            })
        }
        _ => false,
    }
}

fn same_conditions(a: &Statement, b: &Statement) -> bool {
    let key = |s: &Statement| {
        let mut v: Vec<(String, String, Vec<String>)> = s
            .conditions
            .iter()
            .map(|c| {
                let mut vals: Vec<String> = c.values.iter().map(|t| t.raw.clone()).collect();
                vals.sort();
                (c.operator_text(), c.key.to_ascii_lowercase(), vals)
            })
            .collect();
        v.sort();
        v
    };
    key(a) == key(b)
}

/// The overlaps in a policy, one per statement at most.
pub(super) fn overlaps(p: &Policy) -> Vec<(usize, Overlap)> {
    let mut out = Vec::new();
    for (i, a) in p.statements.iter().enumerate() {
        // A Deny without conditions that covers an Allow.
        if a.effect == Effect::Allow {
            if let Some((j, _)) = p.statements.iter().enumerate().find(|(j, b)| {
                *j != i && b.effect == Effect::Deny && b.conditions.is_empty() && scope_covers(b, a)
            }) {
                out.push((i, Overlap::Shadowed { by: j }));
                continue;
            }
        }
        let found = p.statements.iter().enumerate().find_map(|(j, b)| {
            if j == i || b.effect != a.effect {
                return None;
            }
            if !(b.conditions.is_empty() || same_conditions(a, b)) || !scope_covers(b, a) {
                return None;
            }
            let mutual = scope_covers(a, b) && same_conditions(a, b);
            match (mutual, j < i) {
                // Equivalent statements: the later one is the duplicate.
                (true, true) => Some(Overlap::Duplicate { by: j }),
                (true, false) => None,
                (false, _) => Some(Overlap::Redundant {
                    by: j,
                    bare: b.conditions.is_empty(),
                }),
            }
        });
        if let Some(o) = found {
            out.push((i, o));
        }
    }
    out
}
