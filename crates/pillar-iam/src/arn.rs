//! ARN matching, field by field: `arn:partition:service:region:account:resource`.
//! A wildcard never crosses a colon in the first five fields; the resource
//! field keeps its own colons and is case-sensitive.

use crate::pattern::{glob_match, glob_subset, globs_intersect, PTok};

const STAR: &[PTok] = &[PTok::Many];

/// Split an ARN into its six fields; `None` when it has fewer.
pub fn split(s: &str) -> Option<[&str; 6]> {
    let mut it = s.splitn(6, ':');
    let f = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    Some(f)
}

/// Split a compiled pattern into six fields at literal colons.
pub fn split_toks(t: &[PTok]) -> Option<[&[PTok]; 6]> {
    let mut out: [&[PTok]; 6] = [&[]; 6];
    let mut rest = t;
    for slot in out.iter_mut().take(5) {
        let at = rest.iter().position(|x| *x == PTok::Byte(b':'))?;
        *slot = rest.get(..at)?;
        rest = rest.get(at + 1..)?;
    }
    if let Some(last) = out.get_mut(5) {
        *last = rest;
    }
    Some(out)
}

/// Like [`split_toks`], but a short ARN pattern (`arn:aws:iam::*`) is padded
/// with `*` fields.
fn split_toks_padded(t: &[PTok]) -> Option<[&[PTok]; 6]> {
    if !t.starts_with(&[
        PTok::Byte(b'a'),
        PTok::Byte(b'r'),
        PTok::Byte(b'n'),
        PTok::Byte(b':'),
    ]) {
        return None;
    }
    let mut out: [&[PTok]; 6] = [STAR; 6];
    let mut rest = t;
    for (i, slot) in out.iter_mut().enumerate() {
        if i == 5 {
            *slot = rest;
            break;
        }
        match rest.iter().position(|x| *x == PTok::Byte(b':')) {
            Some(at) => {
                *slot = rest.get(..at)?;
                rest = rest.get(at + 1..)?;
            }
            None => {
                *slot = rest;
                // the remaining fields stay `*`
                return Some(out);
            }
        }
    }
    Some(out)
}

/// The six fields of an ARN pattern (short patterns padded with `*`).
pub fn padded_fields(t: &[PTok]) -> Option<[Vec<PTok>; 6]> {
    let f = split_toks_padded(t)?;
    Some(f.map(<[PTok]>::to_vec))
}

/// Whether an already split ARN matches precomputed pattern fields; the
/// most telling fields (service, resource) are compared first.
pub fn split_fields_match(pat: &[Vec<PTok>; 6], f: &[&str; 6]) -> bool {
    [2usize, 5, 4, 3, 1, 0]
        .iter()
        .all(|&i| match (pat.get(i), f.get(i)) {
            (Some(p), Some(v)) => glob_match(p, v.as_bytes(), i < 5),
            _ => false,
        })
}

/// Whether `s` (a full ARN) matches the six pattern fields.
pub fn fields_match(pat: &[&[PTok]; 6], s: &str) -> bool {
    let Some(f) = split(s) else {
        return false;
    };
    pat.iter()
        .zip(f.iter())
        .enumerate()
        .all(|(i, (p, v))| glob_match(p, v.as_bytes(), i < 5))
}

/// Whether a `Resource` pattern matches a concrete request resource.
pub fn resource_matches(pat: &[PTok], resource: &str) -> bool {
    if pat == STAR {
        return true;
    }
    match (split_toks_padded(pat), split(resource)) {
        (Some(p), Some(_)) => fields_match(&p, resource),
        _ => glob_match(pat, resource.as_bytes(), false),
    }
}

/// For a request resource that is itself a pattern (`arn:aws:s3:::b/*`):
/// whether some resource matches both.
pub fn resource_intersects(pat: &[PTok], req: &[PTok]) -> bool {
    if pat == STAR || req == STAR {
        return true;
    }
    match (split_toks_padded(pat), split_toks_padded(req)) {
        (Some(p), Some(r)) => p
            .iter()
            .zip(r.iter())
            .enumerate()
            .all(|(i, (a, b))| globs_intersect(a, b, i < 5)),
        _ => globs_intersect(pat, req, false),
    }
}

/// For a request resource that is a pattern: whether every resource it
/// stands for matches `pat`.
pub fn resource_covers(pat: &[PTok], req: &[PTok]) -> bool {
    if pat == STAR {
        return true;
    }
    match (split_toks_padded(pat), split_toks_padded(req)) {
        (Some(p), Some(r)) => p
            .iter()
            .zip(r.iter())
            .enumerate()
            .all(|(i, (a, b))| glob_subset(b, a, i < 5)),
        _ => glob_subset(req, pat, false),
    }
}

/// Parts of a principal or resource ARN used by the evaluator.
pub fn account_of(arn: &str) -> Option<&str> {
    split(arn).map(|f| f[4]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Template;

    fn p(s: &str) -> Vec<PTok> {
        Template::new(s, false, true)
            .resolve(&crate::pattern::Context::new())
            .unwrap()
            .into_owned()
    }

    #[test]
    fn field_matching() {
        assert!(resource_matches(
            &p("arn:aws:s3:::b/*"),
            "arn:aws:s3:::b/k:with:colons"
        ));
        assert!(!resource_matches(
            &p("arn:aws:s3:::b/*"),
            "arn:aws:s3:::B/k"
        ));
        assert!(resource_matches(&p("arn:AWS:S3:::b"), "arn:aws:s3:::b"));
        assert!(resource_matches(
            &p("arn:aws:iam::*"),
            "arn:aws:iam::1:role/x"
        ));
        // a wildcard in the region does not swallow the account
        assert!(!resource_matches(
            &p("arn:aws:ec2:*:instance/i-1"),
            "arn:aws:ec2:us-east-1:1:instance/i-1"
        ));
        assert!(resource_matches(
            &p("arn:???:*:*:*:*"),
            "arn:aws:ec2:us-east-1:1:instance/i-1"
        ));
        assert!(resource_matches(&p("*"), "anything"));
        assert!(!resource_matches(&p("arn:aws:s3:::b"), "*"));
    }

    #[test]
    fn pattern_requests() {
        assert!(resource_intersects(
            &p("arn:aws:s3:::*/AWSLogs/*"),
            &p("arn:aws:s3:::b/*")
        ));
        assert!(!resource_intersects(
            &p("arn:aws:s3:::o/*"),
            &p("arn:aws:s3:::b/*")
        ));
        assert!(resource_covers(
            &p("arn:aws:s3:::b/*"),
            &p("arn:aws:s3:::b/p/*")
        ));
        assert!(!resource_covers(
            &p("arn:aws:s3:::b/p/*"),
            &p("arn:aws:s3:::b/*")
        ));
        assert!(resource_intersects(&p("arn:aws:s3:::b/k"), &p("*")));
        assert!(!resource_covers(&p("arn:aws:s3:::b/*"), &p("*")));
    }
}
