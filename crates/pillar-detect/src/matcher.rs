//! Compiled matchers and their evaluation over one event (a JSON value).
//!
//! Semantics (Sigma specification): string comparisons are
//! case-insensitive unless `|cased`; `*` and `?` are wildcards (`\*`,
//! `\?`, `\\` escape them); a field that is missing or `null` is absent, and
//! only `null` / `|exists: false` match an absent field; a dotted name
//! reaches into nested objects (and into every element of an array on the
//! way); a value compared as a string that is an object or an array is
//! compared as its compact JSON text.

use crate::condition::Cond;
use crate::event::{Event, Val};
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// A field name: the full dotted name and its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    /// As written in the rule.
    pub full: String,
    parts: Vec<String>,
    head_slot: Option<usize>,
}

impl FieldPath {
    /// A path from a dotted name.
    pub fn new(full: &str) -> Self {
        let parts: Vec<String> = full.split('.').map(str::to_owned).collect();
        let head_slot = parts.first().and_then(|h| crate::event::slot_of(h));
        FieldPath {
            full: full.to_owned(),
            parts,
            head_slot,
        }
    }

    /// The dotted parts.
    pub fn parts(&self) -> &[String] {
        &self.parts
    }

    /// Visit every non-null value at this path; stop at the first `true`.
    pub fn any(&self, event: &Event<'_>, f: &mut dyn FnMut(&Val<'_>) -> bool) -> bool {
        if self.parts.len() > 1 && event.has_dotted_keys() {
            if let Some(v) = event.get(&self.full) {
                return visit_leaf(v, f);
            }
        }
        match self.parts.split_first() {
            Some((head, rest)) => event
                .get_known(self.head_slot, head)
                .is_some_and(|v| visit(v, rest, f)),
            None => false,
        }
    }

    /// The first non-null value at this path.
    pub fn first<'a, 'e>(&self, event: &'a Event<'e>) -> Option<&'a Val<'e>> {
        if self.parts.len() > 1 && event.has_dotted_keys() {
            if let Some(v) = event.get(&self.full) {
                if !v.is_null() {
                    return Some(v);
                }
            }
        }
        let (head, rest) = self.parts.split_first()?;
        let mut cur = event.get_known(self.head_slot, head)?;
        for p in rest {
            cur = match cur {
                Val::Obj(_) => cur.get(p)?,
                Val::Arr(items) => items.iter().find_map(|i| i.get(p))?,
                _ => return None,
            };
        }
        (!cur.is_null()).then_some(cur)
    }
}

fn visit(v: &Val<'_>, parts: &[String], f: &mut dyn FnMut(&Val<'_>) -> bool) -> bool {
    match parts.split_first() {
        None => visit_leaf(v, f),
        Some((head, rest)) => match v {
            Val::Obj(_) => v.get(head).is_some_and(|c| visit(c, rest, f)),
            Val::Arr(items) => items.iter().any(|i| visit(i, parts, f)),
            _ => false,
        },
    }
}

fn visit_leaf(v: &Val<'_>, f: &mut dyn FnMut(&Val<'_>) -> bool) -> bool {
    match v {
        Val::Null => false,
        Val::Arr(items) if !items.is_empty() => items.iter().any(|i| !i.is_null() && f(i)),
        _ => f(v),
    }
}

/// A value as text for string comparison.
pub fn text_of<'a>(v: &'a Val<'_>) -> Cow<'a, str> {
    match v {
        Val::Str(s) => Cow::Borrowed(s),
        Val::Bool(true) => Cow::Borrowed("true"),
        Val::Bool(false) => Cow::Borrowed("false"),
        Val::Null => Cow::Borrowed(""),
        Val::Num(n) => Cow::Owned(n.to_string()),
        Val::Arr(_) | Val::Obj(_) => Cow::Owned(v.to_json_text()),
    }
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// One piece of a wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// `*`.
    Star,
    /// `?`.
    One,
}

/// Split a Sigma string value into literal text and wildcards.
pub fn pieces(s: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&n @ ('*' | '?' | '\\')) => {
                    lit.push(n);
                    chars.next();
                }
                _ => lit.push('\\'),
            },
            '*' | '?' => {
                if !lit.is_empty() {
                    out.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                let p = if c == '*' { Piece::Star } else { Piece::One };
                if !(p == Piece::Star && out.last() == Some(&Piece::Star)) {
                    out.push(p);
                }
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

/// A compiled string pattern.
#[derive(Debug, Clone)]
pub enum StrKind {
    /// Anything (`*`).
    Any,
    /// Whole value.
    Exact(String),
    /// `x*`.
    Prefix(String),
    /// `*x`.
    Suffix(String),
    /// `*x*`.
    Contains(String),
    /// Anything else with wildcards, as characters.
    Glob(Vec<GlobTok>),
}

/// A wildcard pattern token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobTok {
    /// One literal character.
    Char(char),
    /// `?`.
    One,
    /// `*`.
    Star,
}

/// A string pattern and whether it is case-sensitive.
#[derive(Debug, Clone)]
pub struct StrPattern {
    /// The shape.
    pub kind: StrKind,
    /// `|cased`.
    pub cased: bool,
}

impl StrPattern {
    /// Compile from pieces.
    pub fn new(pieces: Vec<Piece>, cased: bool) -> Self {
        let fold = |s: String| if cased { s } else { lower(&s).into_owned() };
        let kind = match pieces.as_slice() {
            [] => StrKind::Exact(String::new()),
            [Piece::Star] => StrKind::Any,
            [Piece::Lit(a)] => StrKind::Exact(fold(a.clone())),
            [Piece::Lit(a), Piece::Star] => StrKind::Prefix(fold(a.clone())),
            [Piece::Star, Piece::Lit(a)] => StrKind::Suffix(fold(a.clone())),
            [Piece::Star, Piece::Lit(a), Piece::Star] => StrKind::Contains(fold(a.clone())),
            _ => StrKind::Glob(
                pieces
                    .into_iter()
                    .flat_map(|p| match p {
                        Piece::Lit(s) => fold(s).chars().map(GlobTok::Char).collect::<Vec<_>>(),
                        Piece::Star => vec![GlobTok::Star],
                        Piece::One => vec![GlobTok::One],
                    })
                    .collect(),
            ),
        };
        StrPattern { kind, cased }
    }

    /// A literal (no wildcards).
    pub fn literal(s: &str, cased: bool) -> Self {
        Self::new(vec![Piece::Lit(s.to_owned())], cased)
    }

    /// Whether `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        if let StrKind::Any = self.kind {
            return true;
        }
        // ASCII text compared without building its lower-case copy.
        if !self.cased && text.is_ascii() {
            let t = text.as_bytes();
            match &self.kind {
                StrKind::Exact(p) => return t.eq_ignore_ascii_case(p.as_bytes()),
                StrKind::Prefix(p) => {
                    return t
                        .get(..p.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
                }
                StrKind::Suffix(p) => {
                    return t
                        .len()
                        .checked_sub(p.len())
                        .and_then(|i| t.get(i..))
                        .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
                }
                _ => {}
            }
        }
        let t = if self.cased {
            Cow::Borrowed(text)
        } else {
            lower(text)
        };
        match &self.kind {
            StrKind::Any => true,
            StrKind::Exact(p) => t == p.as_str(),
            StrKind::Prefix(p) => t.starts_with(p.as_str()),
            StrKind::Suffix(p) => t.ends_with(p.as_str()),
            StrKind::Contains(p) => memchr::memmem::find(t.as_bytes(), p.as_bytes()).is_some(),
            StrKind::Glob(toks) => {
                let chars: Vec<char> = t.chars().collect();
                glob_tokens(toks, &chars)
            }
        }
    }

    /// The exact value, when this is a plain (case-insensitive or not) literal.
    pub fn exact(&self) -> Option<&str> {
        match &self.kind {
            StrKind::Exact(s) => Some(s),
            _ => None,
        }
    }
}

fn glob_tokens(p: &[GlobTok], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(GlobTok::Star) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(GlobTok::One) => {
                pi += 1;
                ti += 1;
            }
            Some(GlobTok::Char(c)) if t.get(ti) == Some(c) => {
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
        .is_some_and(|rest| rest.iter().all(|x| *x == GlobTok::Star))
}

/// Wildcard match over characters (`*`, `?`), case-sensitive.
pub fn glob_chars(p: &[char], t: &[char]) -> bool {
    let toks: Vec<GlobTok> = p
        .iter()
        .map(|c| match c {
            '*' => GlobTok::Star,
            '?' => GlobTok::One,
            c => GlobTok::Char(*c),
        })
        .collect();
    glob_tokens(&toks, t)
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `>`.
    Gt,
    /// `>=`.
    Gte,
    /// `<`.
    Lt,
    /// `<=`.
    Lte,
    /// `==` (correlation conditions).
    Eq,
}

impl CmpOp {
    /// Apply.
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Gt => a > b,
            CmpOp::Gte => a >= b,
            CmpOp::Lt => a < b,
            CmpOp::Lte => a <= b,
            CmpOp::Eq => (a - b).abs() < f64::EPSILON,
        }
    }
}

/// An IP network for `|cidr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Cidr {
    /// Parse `10.0.0.0/8`, `::1/128` or a bare address.
    pub fn parse(s: &str) -> Option<Self> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Cidr { addr, prefix })
    }

    /// Whether `ip` is inside.
    pub fn contains(&self, ip: &str) -> bool {
        let Ok(ip) = ip.trim().parse::<IpAddr>() else {
            return false;
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                (u32::from(n) & mask) == (u32::from(i) & mask)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                (u128::from(n) & mask) == (u128::from(i) & mask)
            }
            _ => false,
        }
    }
}

/// How a field value is compared with another field (`|fieldref`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// Equal.
    Exact,
    /// Contains.
    Contains,
    /// Starts with.
    Prefix,
    /// Ends with.
    Suffix,
}

/// One value a field is compared with.
#[derive(Debug, Clone)]
pub enum ValueMatch {
    /// A string pattern (also used for numbers and booleans, compared as text).
    Str(StrPattern),
    /// A regular expression.
    Re(Regex),
    /// An IP network.
    Cidr(Cidr),
    /// A numeric comparison.
    Cmp(CmpOp, f64),
    /// Another field's value.
    FieldRef {
        /// The other field.
        path: FieldPath,
        /// How.
        kind: RefKind,
        /// `|cased`.
        cased: bool,
    },
    /// `null`: the field is absent.
    Null,
}

impl ValueMatch {
    fn leaf(&self, v: &Val<'_>, event: &Event<'_>) -> bool {
        match self {
            ValueMatch::Str(p) => p.is_match(&text_of(v)),
            ValueMatch::Re(re) => re.is_match(&text_of(v)),
            ValueMatch::Cidr(c) => v.as_str().is_some_and(|s| c.contains(s)),
            ValueMatch::Cmp(op, n) => number_of(v).is_some_and(|x| op.holds(x, *n)),
            ValueMatch::FieldRef { path, kind, cased } => {
                let t = text_of(v);
                let (t, fold) = if *cased {
                    (t, false)
                } else {
                    (Cow::Owned(lower(&t).into_owned()), true)
                };
                path.any(event, &mut |o| {
                    let other = text_of(o);
                    let other = if fold { lower(&other) } else { other };
                    match kind {
                        RefKind::Exact => t == other,
                        RefKind::Contains => t.contains(other.as_ref()),
                        RefKind::Prefix => t.starts_with(other.as_ref()),
                        RefKind::Suffix => t.ends_with(other.as_ref()),
                    }
                })
            }
            ValueMatch::Null => false,
        }
    }
}

fn number_of(v: &Val<'_>) -> Option<f64> {
    match v {
        Val::Num(n) => n.as_f64(),
        Val::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The test on one field.
#[derive(Debug, Clone)]
pub enum FieldOp {
    /// `|exists: true/false`.
    Exists(bool),
    /// One of (or, with `|all`, every one of) these values.
    Values {
        /// `|all`.
        all: bool,
        /// The values, each as the alternatives it stands for (windash,
        /// base64offset give several).
        values: Vec<Vec<ValueMatch>>,
    },
}

/// One field test.
#[derive(Debug, Clone)]
pub struct FieldCond {
    /// The field.
    pub path: FieldPath,
    /// The test.
    pub op: FieldOp,
}

impl FieldCond {
    fn eval(&self, event: &Event<'_>) -> bool {
        match &self.op {
            FieldOp::Exists(want) => self.path.any(event, &mut |_| true) == *want,
            FieldOp::Values { all, values } => {
                let alt = |m: &ValueMatch| match m {
                    ValueMatch::Null => !self.path.any(event, &mut |_| true),
                    m => self.path.any(event, &mut |v| m.leaf(v, event)),
                };
                let one = |alts: &Vec<ValueMatch>| alts.iter().any(alt);
                if *all {
                    values.iter().all(one)
                } else {
                    values.iter().any(one)
                }
            }
        }
    }
}

/// A search identifier's body.
#[derive(Debug, Clone)]
pub enum Search {
    /// Maps joined by OR; within one map, fields joined by AND.
    Fields(Vec<Vec<FieldCond>>),
    /// Keywords: any string anywhere in the event matches one of these.
    Keywords(Vec<StrPattern>),
}

impl Search {
    fn eval(&self, event: &Event<'_>) -> bool {
        match self {
            Search::Fields(groups) => groups.iter().any(|g| g.iter().all(|c| c.eval(event))),
            Search::Keywords(ps) => {
                let values = event.values();
                ps.iter()
                    .any(|p| values.iter().any(|v| any_string(v, p, 0)))
            }
        }
    }
}

fn any_string(v: &Val<'_>, p: &StrPattern, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match v {
        Val::Str(s) => p.is_match(s),
        Val::Arr(items) => items.iter().any(|i| any_string(i, p, depth + 1)),
        Val::Obj(m) => m.iter().any(|(_, i)| any_string(i, p, depth + 1)),
        _ => false,
    }
}

/// A compiled detection: search identifiers and the condition over them.
#[derive(Debug, Clone)]
pub struct Detection {
    /// Search identifiers, in rule order.
    pub names: Vec<String>,
    /// Their bodies.
    pub searches: Vec<Search>,
    /// The condition.
    pub cond: Cond,
}

impl Detection {
    /// Whether `event` matches.
    pub fn is_match(&self, event: &serde_json::Value) -> bool {
        self.is_match_event(&Event::from_value(event))
    }

    /// Whether `event` matches.
    pub fn is_match_event(&self, event: &Event<'_>) -> bool {
        self.eval(&self.cond, event)
    }

    fn eval(&self, c: &Cond, event: &Event<'_>) -> bool {
        match c {
            Cond::Search(i) => self.searches.get(*i).is_some_and(|s| s.eval(event)),
            Cond::And(items) => items.iter().all(|c| self.eval(c, event)),
            Cond::Or(items) => items.iter().any(|c| self.eval(c, event)),
            Cond::Not(c) => !self.eval(c, event),
            Cond::AtLeast(n, ids) => {
                ids.iter()
                    .filter(|i| self.searches.get(**i).is_some_and(|s| s.eval(event)))
                    .take(*n)
                    .count()
                    >= *n
            }
        }
    }

    /// The lower-case `eventName` values an event must have to match, or
    /// `None` when the rule can match any event name.
    pub fn event_names(&self) -> Option<Vec<String>> {
        self.required(&self.cond).remove("eventName")
    }

    /// The field to index this rule on and the lower-case values one of
    /// which the field must hold for the rule to match: `eventName` when
    /// the rule pins it, else `eventSource`, else any other pinned field
    /// (the one with the fewest values). `None`: test on every event.
    pub fn index_key(&self) -> Option<(String, Vec<String>)> {
        let mut req = self.required(&self.cond);
        for f in ["eventName", "eventSource"] {
            if let Some(v) = req.remove(f) {
                return Some((f.to_owned(), v));
            }
        }
        req.into_iter()
            .min_by(|a, b| a.1.len().cmp(&b.1.len()).then(a.0.cmp(&b.0)))
    }

    /// Fields that must hold one of some exact (case-insensitive) values
    /// for `c` to hold.
    fn required(&self, c: &Cond) -> BTreeMap<String, Vec<String>> {
        match c {
            Cond::Search(i) => match self.searches.get(*i) {
                Some(Search::Fields(groups)) => {
                    let mut it = groups.iter().map(|g| group_required(g));
                    let first = it.next().unwrap_or_default();
                    it.fold(first, union_required)
                }
                _ => BTreeMap::new(),
            },
            Cond::And(items) => {
                let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for c in items {
                    for (f, v) in self.required(c) {
                        match out.get(&f) {
                            Some(prev) if prev.len() <= v.len() => {}
                            _ => {
                                out.insert(f, v);
                            }
                        }
                    }
                }
                out
            }
            Cond::Or(items) => {
                let mut it = items.iter().map(|c| self.required(c));
                let first = it.next().unwrap_or_default();
                it.fold(first, union_required)
            }
            Cond::Not(_) => BTreeMap::new(),
            Cond::AtLeast(n, ids) => {
                let sub: Vec<Cond> = ids.iter().map(|i| Cond::Search(*i)).collect();
                if *n >= ids.len() {
                    self.required(&Cond::And(sub))
                } else {
                    self.required(&Cond::Or(sub))
                }
            }
        }
    }
}

/// Constraints of either branch: fields pinned in both, values of both.
fn union_required(
    mut a: BTreeMap<String, Vec<String>>,
    b: BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    a.retain(|k, _| b.contains_key(k));
    for (k, v) in b {
        if let Some(x) = a.get_mut(&k) {
            x.extend(v);
            x.sort();
            x.dedup();
        }
    }
    a
}

/// Fields a map of field tests pins to exact values.
fn group_required(g: &[FieldCond]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for c in g {
        let FieldOp::Values { all, values } = &c.op else {
            continue;
        };
        if *all && values.len() > 1 {
            continue;
        }
        let exact: Option<Vec<String>> = values
            .iter()
            .flatten()
            .map(|v| match v {
                ValueMatch::Str(p) if !p.cased => p.exact().map(|s| lower(s).into_owned()),
                _ => None,
            })
            .collect();
        if let Some(mut e) = exact.filter(|e| !e.is_empty()) {
            e.sort();
            e.dedup();
            out.insert(c.path.full.clone(), e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pat(s: &str) -> StrPattern {
        StrPattern::new(pieces(s), false)
    }

    #[test]
    fn wildcards_and_escapes() {
        assert!(pat("Stop*").is_match("stoplogging"));
        assert!(pat("*log*").is_match("StopLogging"));
        assert!(pat("a?c").is_match("ABC"));
        assert!(!pat("a?c").is_match("abbc"));
        assert!(pat("a*b*c").is_match("a-x-b-y-c"));
        assert!(!pat("a*b*c").is_match("a-x-c-y-b"));
        assert!(pat(r"a\*b").is_match("a*b"));
        assert!(!pat(r"a\*b").is_match("axb"));
        assert!(pat(r"c:\\dir\*").is_match(r"C:\dir*"));
        assert!(pat(r"c:\temp").is_match(r"C:\TEMP"));
        assert!(pat("").is_match(""));
        assert!(!pat("").is_match("x"));
        assert!(StrPattern::new(pieces("ABC"), true).is_match("ABC"));
        assert!(!StrPattern::new(pieces("ABC"), true).is_match("abc"));
        assert!(pat("ÄRGER").is_match("ärger"));
    }

    #[test]
    fn paths() {
        let ev = json!({"a": {"b": [{"c": "x"}, {"c": "y"}]}, "d.e": 1, "n": null});
        let mut seen = Vec::new();
        let ev = Event::from_value(&ev);
        FieldPath::new("a.b.c").any(&ev, &mut |v| {
            seen.push(text_of(v).into_owned());
            false
        });
        assert_eq!(seen, vec!["x", "y"]);
        assert!(FieldPath::new("d.e").any(&ev, &mut |v| text_of(v) == "1"));
        assert!(!FieldPath::new("n").any(&ev, &mut |_| true));
        assert_eq!(
            FieldPath::new("a.b.c").first(&ev).and_then(Val::as_str),
            Some("x")
        );
    }

    #[test]
    fn cidr() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3"));
        assert!(!c.contains("11.1.2.3"));
        assert!(!c.contains("not an ip"));
        let c = Cidr::parse("2001:db8::/32").unwrap();
        assert!(c.contains("2001:db8::1"));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8"));
        assert!(Cidr::parse("1.2.3.4/33").is_none());
    }

    #[test]
    fn text_of_objects() {
        let o = json!({"a": true});
        assert_eq!(text_of(&Val::from_json(&o)), "{\"a\":true}");
        assert_eq!(text_of(&Val::Num(5.into())), "5");
    }
}
