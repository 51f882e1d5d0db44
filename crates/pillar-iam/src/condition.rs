//! Condition operators, per the IAM "Condition operators" and "Multivalued
//! context keys" pages.
//!
//! One [`Condition`] is one (operator, key) pair with its values: the values
//! are OR-ed; negated operators require that no value matches.

use crate::arn;
use crate::pattern::{glob_match, Context, CtxValue, Template};
use std::net::IpAddr;

/// A condition operator without its `IfExists` suffix or set qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is the AWS operator of the same name
pub enum CondOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

const OPS: &[(&str, CondOp)] = &[
    ("StringEquals", CondOp::StringEquals),
    ("StringNotEquals", CondOp::StringNotEquals),
    ("StringEqualsIgnoreCase", CondOp::StringEqualsIgnoreCase),
    (
        "StringNotEqualsIgnoreCase",
        CondOp::StringNotEqualsIgnoreCase,
    ),
    ("StringLike", CondOp::StringLike),
    ("StringNotLike", CondOp::StringNotLike),
    ("NumericEquals", CondOp::NumericEquals),
    ("NumericNotEquals", CondOp::NumericNotEquals),
    ("NumericLessThan", CondOp::NumericLessThan),
    ("NumericLessThanEquals", CondOp::NumericLessThanEquals),
    ("NumericGreaterThan", CondOp::NumericGreaterThan),
    ("NumericGreaterThanEquals", CondOp::NumericGreaterThanEquals),
    ("DateEquals", CondOp::DateEquals),
    ("DateNotEquals", CondOp::DateNotEquals),
    ("DateLessThan", CondOp::DateLessThan),
    ("DateLessThanEquals", CondOp::DateLessThanEquals),
    ("DateGreaterThan", CondOp::DateGreaterThan),
    ("DateGreaterThanEquals", CondOp::DateGreaterThanEquals),
    ("Bool", CondOp::Bool),
    ("BinaryEquals", CondOp::BinaryEquals),
    ("IpAddress", CondOp::IpAddress),
    ("NotIpAddress", CondOp::NotIpAddress),
    ("ArnEquals", CondOp::ArnEquals),
    ("ArnLike", CondOp::ArnLike),
    ("ArnNotEquals", CondOp::ArnNotEquals),
    ("ArnNotLike", CondOp::ArnNotLike),
    ("Null", CondOp::Null),
];

impl CondOp {
    /// The operator for a name (exact case, no qualifier, no `IfExists`).
    pub fn from_name(name: &str) -> Option<CondOp> {
        OPS.iter().find(|(n, _)| *n == name).map(|(_, op)| *op)
    }

    /// The operator's name.
    pub fn name(self) -> &'static str {
        OPS.iter()
            .find(|(_, op)| *op == self)
            .map(|(n, _)| *n)
            .unwrap_or("Null")
    }

    /// Whether the operator is a negation (`…Not…`).
    pub fn negated(self) -> bool {
        self.positive() != self
    }

    /// The positive form of a negated operator (itself otherwise).
    pub fn positive(self) -> CondOp {
        match self {
            CondOp::StringNotEquals => CondOp::StringEquals,
            CondOp::StringNotEqualsIgnoreCase => CondOp::StringEqualsIgnoreCase,
            CondOp::StringNotLike => CondOp::StringLike,
            CondOp::NumericNotEquals => CondOp::NumericEquals,
            CondOp::DateNotEquals => CondOp::DateEquals,
            CondOp::NotIpAddress => CondOp::IpAddress,
            CondOp::ArnNotEquals => CondOp::ArnEquals,
            CondOp::ArnNotLike => CondOp::ArnLike,
            other => other,
        }
    }

    fn globbing(self) -> bool {
        matches!(
            self.positive(),
            CondOp::StringLike | CondOp::ArnLike | CondOp::ArnEquals
        )
    }
}

/// `ForAllValues:` / `ForAnyValue:` / none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// No set qualifier.
    None,
    /// `ForAllValues:`
    ForAllValues,
    /// `ForAnyValue:`
    ForAnyValue,
}

/// One (operator, key) test.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator.
    pub op: CondOp,
    /// The set qualifier.
    pub qualifier: Qualifier,
    /// `…IfExists`.
    pub if_exists: bool,
    /// The key as written.
    pub key: String,
    key_lc: String,
    /// The values.
    pub values: Vec<Template>,
    /// Line of the values, 0 when unknown.
    pub line: u32,
}

impl Condition {
    /// Build a condition; `vars` enables policy variables in values.
    pub fn new(
        op: CondOp,
        qualifier: Qualifier,
        if_exists: bool,
        key: &str,
        values: &[String],
        vars: bool,
        line: u32,
    ) -> Condition {
        let glob = op.globbing();
        Condition {
            op,
            qualifier,
            if_exists,
            key: key.to_owned(),
            key_lc: key.to_ascii_lowercase(),
            values: values
                .iter()
                .map(|v| Template::new(v, vars, glob))
                .collect(),
            line,
        }
    }

    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub fn operator_text(&self) -> String {
        let q = match self.qualifier {
            Qualifier::None => "",
            Qualifier::ForAllValues => "ForAllValues:",
            Qualifier::ForAnyValue => "ForAnyValue:",
        };
        let ie = if self.if_exists { "IfExists" } else { "" };
        format!("{q}{}{ie}", self.op.name())
    }

    /// Evaluate against a request context.
    pub fn eval(&self, ctx: &Context) -> bool {
        if self.op == CondOp::Null {
            let present = match ctx.get(&self.key_lc) {
                None => false,
                Some(CtxValue::One(_)) => true,
                Some(CtxValue::Many(v)) => !v.is_empty(),
            };
            return self.values.iter().any(|t| match t.resolve_text(ctx) {
                Ok(s) if s.eq_ignore_ascii_case("true") => !present,
                Ok(s) if s.eq_ignore_ascii_case("false") => present,
                _ => false,
            });
        }
        let missing = || match self.qualifier {
            Qualifier::ForAllValues => true,
            Qualifier::ForAnyValue => false,
            Qualifier::None => self.if_exists || self.op.negated(),
        };
        match ctx.get(&self.key_lc) {
            None => missing(),
            Some(CtxValue::One(v)) => self.single(v, ctx),
            Some(CtxValue::Many(list)) if list.is_empty() => missing(),
            Some(CtxValue::Many(list)) => match self.qualifier {
                // A multivalued key needs a set qualifier.
                Qualifier::None => false,
                Qualifier::ForAllValues => list.iter().all(|v| self.single(v, ctx)),
                Qualifier::ForAnyValue => list.iter().any(|v| self.single(v, ctx)),
            },
        }
    }

    /// One request value against every policy value.
    pub fn single(&self, value: &str, ctx: &Context) -> bool {
        let op = self.op.positive();
        let Some(req) = Typed::parse(op, value) else {
            return false;
        };
        if self.op.negated() {
            self.values
                .iter()
                .all(|pv| compare(op, pv, &req, ctx) == Some(false))
        } else {
            self.values
                .iter()
                .any(|pv| compare(op, pv, &req, ctx) == Some(true))
        }
    }
}

/// A request value parsed for an operator family.
enum Typed<'a> {
    Str(&'a str),
    Num(f64),
    Date(i64),
    Bool(bool),
    Ip(IpAddr),
}

impl<'a> Typed<'a> {
    fn parse(op: CondOp, v: &'a str) -> Option<Typed<'a>> {
        Some(match op {
            CondOp::NumericEquals
            | CondOp::NumericLessThan
            | CondOp::NumericLessThanEquals
            | CondOp::NumericGreaterThan
            | CondOp::NumericGreaterThanEquals => Typed::Num(parse_number(v)?),
            CondOp::DateEquals
            | CondOp::DateLessThan
            | CondOp::DateLessThanEquals
            | CondOp::DateGreaterThan
            | CondOp::DateGreaterThanEquals => Typed::Date(parse_date_ms(v)?),
            CondOp::Bool => Typed::Bool(parse_bool(v)?),
            CondOp::IpAddress => Typed::Ip(v.trim().parse().ok()?),
            CondOp::ArnEquals | CondOp::ArnLike => {
                arn::split(v)?;
                Typed::Str(v)
            }
            _ => Typed::Str(v),
        })
    }
}

/// Compare one policy value with a request value; `None` when the policy
/// value is invalid or its variables cannot be resolved.
fn compare(op: CondOp, pv: &Template, req: &Typed<'_>, ctx: &Context) -> Option<bool> {
    match (op, req) {
        (CondOp::StringEquals, Typed::Str(s)) => Some(pv.resolve_text(ctx).ok()? == *s),
        (CondOp::BinaryEquals, Typed::Str(s)) => Some(pv.resolve_text(ctx).ok()? == *s),
        (CondOp::StringEqualsIgnoreCase, Typed::Str(s)) => {
            Some(pv.resolve_text(ctx).ok()?.to_lowercase() == s.to_lowercase())
        }
        (CondOp::StringLike, Typed::Str(s)) => {
            Some(glob_match(&pv.resolve(ctx).ok()?, s.as_bytes(), false))
        }
        (CondOp::ArnEquals | CondOp::ArnLike, Typed::Str(s)) => {
            let toks = pv.resolve(ctx).ok()?;
            let fields = arn::split_toks(&toks)?;
            Some(arn::fields_match(&fields, s))
        }
        (_, Typed::Num(n)) => {
            let p = parse_number(&pv.resolve_text(ctx).ok()?)?;
            Some(match op {
                CondOp::NumericEquals => *n == p,
                CondOp::NumericLessThan => *n < p,
                CondOp::NumericLessThanEquals => *n <= p,
                CondOp::NumericGreaterThan => *n > p,
                _ => *n >= p,
            })
        }
        (_, Typed::Date(d)) => {
            let p = parse_date_ms(&pv.resolve_text(ctx).ok()?)?;
            Some(match op {
                CondOp::DateEquals => *d == p,
                CondOp::DateLessThan => *d < p,
                CondOp::DateLessThanEquals => *d <= p,
                CondOp::DateGreaterThan => *d > p,
                _ => *d >= p,
            })
        }
        (_, Typed::Bool(b)) => Some(parse_bool(&pv.resolve_text(ctx).ok()?)? == *b),
        (_, Typed::Ip(ip)) => {
            let (net, len) = parse_cidr(&pv.resolve_text(ctx).ok()?)?;
            Some(in_cidr(*ip, net, len))
        }
        _ => None,
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A decimal number (no `inf`/`nan` spellings).
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A date as milliseconds since the epoch: ISO 8601 (date, date-time, with
/// or without zone) or epoch time (seconds; 12 digits or more read as
/// milliseconds).
pub fn parse_date_ms(s: &str) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let t = s.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        return if digits.len() >= 12 {
            Some(n)
        } else {
            n.checked_mul(1000)
        };
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    let naive = t.strip_suffix('Z').unwrap_or(t);
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, f) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_millis())
}

/// A CIDR block, or a bare address as a full-length block.
pub fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let t = s.trim();
    let (addr, len) = match t.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (t, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => l.parse().ok()?,
        Some(_) => return None,
        None => max,
    };
    if len > max {
        return None;
    }
    Some((ip, len))
}

fn in_cidr(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, values: &[&str]) -> Condition {
        let (q, rest) = if let Some(r) = op.strip_prefix("ForAllValues:") {
            (Qualifier::ForAllValues, r)
        } else if let Some(r) = op.strip_prefix("ForAnyValue:") {
            (Qualifier::ForAnyValue, r)
        } else {
            (Qualifier::None, op)
        };
        let (base, ie) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let vals: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        Condition::new(CondOp::from_name(base).unwrap(), q, ie, "k", &vals, true, 0)
    }

    fn ctx1(v: &str) -> Context {
        let mut c = Context::new();
        c.insert("K", CtxValue::One(v.into()));
        c
    }

    fn ctxn(v: &[&str]) -> Context {
        let mut c = Context::new();
        c.insert(
            "k",
            CtxValue::Many(v.iter().map(|s| s.to_string()).collect()),
        );
        c
    }

    #[test]
    fn strings() {
        assert!(cond("StringEquals", &["a", "b"]).eval(&ctx1("b")));
        assert!(!cond("StringEquals", &["A"]).eval(&ctx1("a")));
        assert!(cond("StringEqualsIgnoreCase", &["A"]).eval(&ctx1("a")));
        assert!(cond("StringLike", &["a*c", "x"]).eval(&ctx1("abbc")));
        assert!(!cond("StringEquals", &["a*"]).eval(&ctx1("ab")));
        assert!(cond("StringNotEquals", &["a", "b"]).eval(&ctx1("c")));
        assert!(!cond("StringNotLike", &["a*"]).eval(&ctx1("ab")));
        assert!(!cond("StringNotEqualsIgnoreCase", &["A"]).eval(&ctx1("a")));
    }

    #[test]
    fn missing_keys() {
        let empty = Context::new();
        assert!(!cond("StringEquals", &["a"]).eval(&empty));
        assert!(cond("StringNotEquals", &["a"]).eval(&empty));
        assert!(cond("StringEqualsIfExists", &["a"]).eval(&empty));
        assert!(cond("ForAllValues:StringEquals", &["a"]).eval(&empty));
        assert!(!cond("ForAnyValue:StringEquals", &["a"]).eval(&empty));
        assert!(cond("Null", &["true"]).eval(&empty));
        assert!(!cond("Null", &["false"]).eval(&empty));
        assert!(cond("Null", &["false"]).eval(&ctx1("x")));
        assert!(cond("ForAllValues:StringEquals", &["a"]).eval(&ctxn(&[])));
    }

    #[test]
    fn sets() {
        let c = ctxn(&["a", "b"]);
        assert!(cond("ForAllValues:StringEquals", &["a", "b", "c"]).eval(&c));
        assert!(!cond("ForAllValues:StringEquals", &["a"]).eval(&c));
        assert!(cond("ForAnyValue:StringEquals", &["b"]).eval(&c));
        assert!(!cond("ForAnyValue:StringEquals", &["z"]).eval(&c));
        assert!(!cond("StringEquals", &["a"]).eval(&c));
        assert!(cond("ForAnyValue:StringNotEquals", &["a"]).eval(&c));
        assert!(!cond("ForAllValues:StringNotEquals", &["a"]).eval(&c));
    }

    #[test]
    fn numbers_dates_bools_binary() {
        assert!(cond("NumericLessThan", &["10"]).eval(&ctx1("9.5")));
        assert!(cond("NumericEquals", &["10"]).eval(&ctx1("10.0")));
        assert!(!cond("NumericEquals", &["inf"]).eval(&ctx1("inf")));
        assert!(!cond("NumericNotEquals", &["x"]).eval(&ctx1("1")));
        assert!(cond("NumericGreaterThanEquals", &["10"]).eval(&ctx1("10")));
        assert!(
            cond("DateGreaterThan", &["2024-01-01T00:00:00Z"]).eval(&ctx1("2024-01-01T00:00:01Z"))
        );
        assert!(cond("DateEquals", &["2024-01-01"]).eval(&ctx1("1704067200")));
        assert!(cond("DateEquals", &["2024-01-01"]).eval(&ctx1("1704067200000")));
        assert!(cond("DateLessThan", &["2024-01-01T01:00:00+01:00"])
            .eval(&ctx1("2023-12-31T23:59:59Z")));
        assert!(!cond("DateNotEquals", &["a"]).eval(&ctx1("2024-01-01")));
        assert!(cond("Bool", &["true"]).eval(&ctx1("TRUE")));
        assert!(!cond("Bool", &["true"]).eval(&ctx1("yes")));
        assert!(cond("BinaryEquals", &["QUJD"]).eval(&ctx1("QUJD")));
    }

    #[test]
    fn ip_addresses() {
        assert!(cond("IpAddress", &["10.0.0.0/8"]).eval(&ctx1("10.1.2.3")));
        assert!(!cond("IpAddress", &["10.0.0.0/8"]).eval(&ctx1("11.1.2.3")));
        assert!(cond("IpAddress", &["2001:db8::/32"]).eval(&ctx1("2001:db8:1::1")));
        assert!(!cond("IpAddress", &["2001:db8::/32"]).eval(&ctx1("10.0.0.1")));
        assert!(cond("NotIpAddress", &["10.0.0.0/8"]).eval(&ctx1("2001:db8::1")));
        assert!(!cond("NotIpAddress", &["10.0.0.0/33"]).eval(&ctx1("1.1.1.1")));
        assert!(cond("IpAddress", &["0.0.0.0/0"]).eval(&ctx1("8.8.8.8")));
        assert!(!cond("IpAddress", &["1.2.3.4/x"]).eval(&ctx1("1.2.3.4")));
    }

    #[test]
    fn arns_and_variables() {
        assert!(
            cond("ArnLike", &["arn:aws:iam::*:role/x-*"]).eval(&ctx1("arn:aws:iam::1:role/x-y"))
        );
        assert!(
            !cond("ArnLike", &["arn:aws:iam::*:role/X-*"]).eval(&ctx1("arn:aws:iam::1:role/x-y"))
        );
        assert!(!cond("ArnNotLike", &["arn:aws:iam::1:*"]).eval(&ctx1("bad")));
        assert!(cond("ArnNotEquals", &["arn:aws:iam::1:*"]).eval(&ctx1("arn:aws:iam::2:root")));
        let mut c = ctx1("arn:aws:iam::1:user/Bob");
        c.insert("aws:username", CtxValue::One("Bob".into()));
        assert!(cond("ArnEquals", &["arn:aws:iam::1:user/${aws:username}"]).eval(&c));
        assert!(cond("StringEquals", &["${aws:nope, 'arn:aws:iam::1:user/Bob'}"]).eval(&c));
        assert!(!cond("StringNotEquals", &["${aws:nope}"]).eval(&c));
    }
}
