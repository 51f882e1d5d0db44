//! Glob patterns (`*`, `?`) with policy variables (`${aws:username}`,
//! `${aws:PrincipalTag/team, 'none'}`) and the escapes `${*}`, `${?}`, `${$}`.
//!
//! A pattern is compiled once. Variables are resolved per request; a resolved
//! value is always literal text, never a wildcard.

use std::borrow::Cow;

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PTok {
    /// A literal byte.
    Byte(u8),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, empty included.
    Many,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Toks(Vec<PTok>),
    Var {
        key: String,
        default: Option<String>,
    },
}

/// A value from a policy: literal text, wildcards and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The text as written.
    pub raw: String,
    parts: Vec<Part>,
    /// Precompiled tokens when the template has no variables.
    fixed: Option<Vec<PTok>>,
    /// For a fixed ARN pattern: its six fields, precomputed.
    arn: Option<Box<[Vec<PTok>; 6]>>,
}

/// A request context value: one string or a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CtxValue {
    /// A single value.
    One(String),
    /// A multivalued key.
    Many(Vec<String>),
}

/// Request context keys, compared case-insensitively. Requests carry a
/// handful of keys, so a short list beats hashing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<(String, CtxValue)>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a key (replacing any value).
    pub fn insert(&mut self, key: &str, value: CtxValue) {
        let k = key.to_ascii_lowercase();
        match self.entries.iter_mut().find(|(e, _)| *e == k) {
            Some((_, v)) => *v = value,
            None => self.entries.push((k, value)),
        }
    }

    /// Set a key only when absent.
    pub fn insert_default(&mut self, key: &str, value: CtxValue) {
        let k = key.to_ascii_lowercase();
        if self.get(&k).is_none() {
            self.entries.push((k, value));
        }
    }

    /// Look a key up; `key_lower` must already be lower case.
    pub fn get(&self, key_lower: &str) -> Option<&CtxValue> {
        self.entries
            .iter()
            .find(|(k, _)| k == key_lower)
            .map(|(_, v)| v)
    }

    /// Whether the context has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Why a variable could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarError {
    /// The key is not in the request and there is no default.
    Missing,
    /// The key is multivalued; it cannot be a variable.
    MultiValued,
}

fn push_text(out: &mut Vec<PTok>, text: &str, glob: bool) {
    for b in text.bytes() {
        out.push(match b {
            b'*' if glob => PTok::Many,
            b'?' if glob => PTok::One,
            _ => PTok::Byte(b),
        });
    }
}

fn push_lit(out: &mut Vec<PTok>, text: &str) {
    out.extend(text.bytes().map(PTok::Byte));
}

impl Template {
    /// Compile `raw`. With `vars`, `${…}` is a variable or an escape (policy
    /// version 2012-10-17); without, it is literal text. With `glob`, `*` and
    /// `?` are wildcards.
    pub fn new(raw: &str, vars: bool, glob: bool) -> Template {
        let mut parts: Vec<Part> = Vec::new();
        let mut cur: Vec<PTok> = Vec::new();
        let mut rest = raw;
        while !rest.is_empty() {
            let found = if vars { rest.find("${") } else { None };
            let Some(at) = found else {
                push_text(&mut cur, rest, glob);
                break;
            };
            let (before, after) = rest.split_at(at);
            push_text(&mut cur, before, glob);
            let inner_start = after.get(2..).unwrap_or_default();
            let Some(close) = inner_start.find('}') else {
                push_text(&mut cur, after, glob);
                break;
            };
            let inner = inner_start.get(..close).unwrap_or_default();
            rest = inner_start.get(close + 1..).unwrap_or_default();
            match inner {
                "*" | "?" | "$" => push_lit(&mut cur, inner),
                _ => {
                    let (key, default) = match inner.split_once(',') {
                        Some((k, d)) => {
                            let d = d.trim();
                            let d = d
                                .strip_prefix('\'')
                                .and_then(|x| x.strip_suffix('\''))
                                .unwrap_or(d);
                            (k.trim(), Some(d.to_owned()))
                        }
                        None => (inner.trim(), None),
                    };
                    if !cur.is_empty() {
                        parts.push(Part::Toks(std::mem::take(&mut cur)));
                    }
                    parts.push(Part::Var {
                        key: key.to_ascii_lowercase(),
                        default,
                    });
                }
            }
        }
        if !cur.is_empty() {
            parts.push(Part::Toks(cur));
        }
        let fixed = if parts.iter().all(|p| matches!(p, Part::Toks(_))) {
            Some(
                parts
                    .iter()
                    .flat_map(|p| match p {
                        Part::Toks(t) => t.clone(),
                        Part::Var { .. } => Vec::new(),
                    })
                    .collect(),
            )
        } else {
            None
        };
        let arn = fixed
            .as_deref()
            .and_then(crate::arn::padded_fields)
            .map(Box::new);
        Template {
            raw: raw.to_owned(),
            parts,
            fixed,
            arn,
        }
    }

    /// The six precomputed fields of a fixed ARN pattern.
    pub fn arn_fields(&self) -> Option<&[Vec<PTok>; 6]> {
        self.arn.as_deref()
    }

    /// Whether the template uses policy variables.
    pub fn has_vars(&self) -> bool {
        self.fixed.is_none()
    }

    /// The tokens with every variable as `*` (for static analysis: the
    /// pattern stands for at least what it could match once resolved).
    pub fn wild(&self) -> Vec<PTok> {
        if let Some(f) = &self.fixed {
            return f.clone();
        }
        let mut out = Vec::with_capacity(self.raw.len());
        for p in &self.parts {
            match p {
                Part::Toks(t) => out.extend_from_slice(t),
                Part::Var { .. } => {
                    if out.last() != Some(&PTok::Many) {
                        out.push(PTok::Many);
                    }
                }
            }
        }
        out
    }

    /// Whether the template is exactly `*`.
    pub fn is_star(&self) -> bool {
        self.fixed.as_deref() == Some(&[PTok::Many])
    }

    /// The tokens with variables replaced by their request values.
    pub fn resolve(&self, ctx: &Context) -> Result<Cow<'_, [PTok]>, VarError> {
        if let Some(f) = &self.fixed {
            return Ok(Cow::Borrowed(f.as_slice()));
        }
        let mut out = Vec::with_capacity(self.raw.len() + 16);
        for p in &self.parts {
            match p {
                Part::Toks(t) => out.extend_from_slice(t),
                Part::Var { key, default } => match ctx.get(key) {
                    Some(CtxValue::One(v)) => push_lit(&mut out, v),
                    Some(CtxValue::Many(_)) => return Err(VarError::MultiValued),
                    None => match default {
                        Some(d) => push_lit(&mut out, d),
                        None => return Err(VarError::Missing),
                    },
                },
            }
        }
        Ok(Cow::Owned(out))
    }

    /// The resolved text (wildcards as written); for non-glob comparisons.
    pub fn resolve_text(&self, ctx: &Context) -> Result<Cow<'_, str>, VarError> {
        if self.fixed.is_some() {
            return Ok(Cow::Borrowed(self.raw.as_str()));
        }
        let toks = self.resolve(ctx)?;
        let bytes: Vec<u8> = toks
            .iter()
            .map(|t| match t {
                PTok::Byte(b) => *b,
                PTok::One => b'?',
                PTok::Many => b'*',
            })
            .collect();
        Ok(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

fn char_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn byte_eq(a: u8, b: u8, ci: bool) -> bool {
    if ci {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// Whether `s` matches the glob `pat` (`ci`: ASCII case-insensitive).
pub fn glob_match(pat: &[PTok], s: &[u8], ci: bool) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = s.get(i) {
        match pat.get(p) {
            Some(PTok::Byte(b)) if byte_eq(*b, c, ci) => {
                p += 1;
                i += 1;
                continue;
            }
            Some(PTok::One) => {
                p += 1;
                i = (i + char_len(c)).min(s.len());
                continue;
            }
            Some(PTok::Many) => {
                star = Some((p, i));
                p += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, si)) => {
                let first = s.get(si).copied().unwrap_or(0);
                let ni = (si + char_len(first)).min(s.len());
                star = Some((sp, ni));
                p = sp + 1;
                i = ni;
            }
            None => return false,
        }
    }
    pat.get(p..)
        .is_some_and(|rest| rest.iter().all(|t| *t == PTok::Many))
}

/// Whether some string matches both globs.
pub fn globs_intersect(a: &[PTok], b: &[PTok], ci: bool) -> bool {
    let (n, m) = (a.len(), b.len());
    let w = m + 1;
    let mut seen = vec![false; (n + 1) * w];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * w + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == n && j == m {
            return true;
        }
        let ta = a.get(i).copied();
        let tb = b.get(j).copied();
        if ta == Some(PTok::Many) {
            stack.push((i + 1, j));
            if j < m {
                stack.push((i, j + 1));
            }
        }
        if tb == Some(PTok::Many) {
            stack.push((i, j + 1));
            if i < n {
                stack.push((i + 1, j));
            }
        }
        if let (Some(x), Some(y)) = (ta, tb) {
            let ok = match (x, y) {
                (PTok::Many, _) | (_, PTok::Many) => false,
                (PTok::One, _) | (_, PTok::One) => true,
                (PTok::Byte(p), PTok::Byte(q)) => byte_eq(p, q, ci),
            };
            if ok {
                stack.push((i + 1, j + 1));
            }
        }
    }
    false
}

/// Whether every string matching `sub` also matches `sup` (conservative:
/// `sup`'s `*` may stand for any tokens of `sub`, its `?` for one literal or `?`).
pub fn glob_subset(sub: &[PTok], sup: &[PTok], ci: bool) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = sub.get(i) {
        let step = match (sup.get(p), c) {
            (Some(PTok::Byte(b)), PTok::Byte(x)) => byte_eq(*b, x, ci),
            (Some(PTok::One), PTok::Byte(_) | PTok::One) => true,
            _ => false,
        };
        if step {
            p += 1;
            i += 1;
            continue;
        }
        if sup.get(p) == Some(&PTok::Many) {
            star = Some((p, i));
            p += 1;
            continue;
        }
        match star {
            Some((sp, si)) => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            None => return false,
        }
    }
    sup.get(p..)
        .is_some_and(|rest| rest.iter().all(|t| *t == PTok::Many))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<PTok> {
        Template::new(s, true, true).fixed.unwrap()
    }

    #[test]
    fn globs() {
        assert!(glob_match(&t("s3:get*"), b"s3:getobject", false));
        assert!(glob_match(&t("a?c"), "aéc".as_bytes(), false));
        assert!(!glob_match(&t("a?c"), b"ac", false));
        assert!(glob_match(&t("*"), b"", false));
        assert!(glob_match(&t("A*b"), b"aXXB", true));
        assert!(!glob_match(&t("A*b"), b"aXXB", false));
        assert!(glob_match(&t("*a*a*a*"), b"xaxaxa", false));
    }

    #[test]
    fn variables_and_escapes() {
        let mut ctx = Context::new();
        ctx.insert("aws:username", CtxValue::One("B*b".into()));
        let tpl = Template::new("home/${aws:username}/*", true, true);
        let r = tpl.resolve(&ctx).unwrap();
        assert!(glob_match(&r, b"home/B*b/x", false));
        assert!(!glob_match(&r, b"home/Bob/x", false));
        let d = Template::new("${aws:PrincipalTag/team, 'none'}", true, true);
        assert_eq!(d.resolve_text(&ctx).unwrap(), "none");
        let e = Template::new("a${*}b${?}${$}", true, true);
        assert_eq!(e.fixed.as_ref().unwrap().len(), 5);
        assert!(glob_match(&e.resolve(&ctx).unwrap(), b"a*b?$", false));
        assert!(!glob_match(&e.resolve(&ctx).unwrap(), b"axb?$", false));
        let old = Template::new("${aws:username}", false, true);
        assert!(!old.has_vars());
        let missing = Template::new("${aws:userid}", true, true);
        assert_eq!(missing.resolve(&ctx).unwrap_err(), VarError::Missing);
        ctx.insert("k", CtxValue::Many(vec![]));
        assert_eq!(
            Template::new("${k}", true, true).resolve(&ctx).unwrap_err(),
            VarError::MultiValued
        );
    }

    #[test]
    fn intersections_and_subsets() {
        assert!(globs_intersect(
            &t("*/AWSLogs/*"),
            &t("example-bucket/*"),
            false
        ));
        assert!(!globs_intersect(&t("other/*"), &t("example/*"), false));
        assert!(globs_intersect(&t("*.iso"), &t("b/*"), false));
        assert!(glob_subset(&t("b/private/*"), &t("b/*"), false));
        assert!(!glob_subset(&t("b/*"), &t("b/private/*"), false));
        assert!(glob_subset(&t("b/x?"), &t("b/*"), false));
        assert!(!glob_subset(&t("b/*"), &t("b/?"), false));
    }
}
