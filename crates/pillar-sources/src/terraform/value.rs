//! Values of evaluated Terraform expressions: JSON-like, plus *unknown*.

use pillar_model::Known;
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// An evaluated expression. `Unknown` carries why the value cannot be
/// known before apply (an unset variable, a data source, a computed
/// attribute); it spreads through every operation that uses it.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A list, tuple or set.
    List(Vec<V>),
    /// A map or object.
    Map(BTreeMap<String, V>),
    /// Not known before apply, and why.
    Unknown(String),
}

impl V {
    /// An unknown value.
    pub fn unknown(why: impl Into<String>) -> V {
        V::Unknown(why.into())
    }

    /// A map key lookup (objects only).
    pub fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// The string, for strings only.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The first unknown reason found anywhere in the value.
    pub fn unknown_reason(&self) -> Option<&str> {
        match self {
            V::Unknown(r) => Some(r),
            V::List(l) => l.iter().find_map(V::unknown_reason),
            V::Map(m) => m.values().find_map(V::unknown_reason),
            _ => None,
        }
    }

    /// Terraform's string conversion of a primitive.
    pub fn to_text(&self) -> Result<String, String> {
        match self {
            V::Str(s) => Ok(s.clone()),
            V::Num(n) => Ok(fmt_num(*n)),
            V::Bool(b) => Ok(b.to_string()),
            V::Null => Ok(String::new()),
            V::Unknown(r) => Err(r.clone()),
            V::List(_) | V::Map(_) => Err("a collection where a string was expected".to_owned()),
        }
    }

    /// Truthiness with Terraform's string conversion (`"true"`).
    pub fn to_bool(&self) -> Result<bool, String> {
        match self {
            V::Bool(b) => Ok(*b),
            V::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            V::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            V::Unknown(r) => Err(r.clone()),
            other => Err(format!("not a boolean: {}", other.short())),
        }
    }

    /// A number, with string conversion.
    pub fn to_num(&self) -> Result<f64, String> {
        match self {
            V::Num(n) => Ok(*n),
            V::Str(s) => s
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("not a number: {s:?}")),
            V::Unknown(r) => Err(r.clone()),
            other => Err(format!("not a number: {}", other.short())),
        }
    }

    /// Elements of a list, or the values of a map (sorted by key).
    pub fn elements(&self) -> Result<Vec<V>, String> {
        match self {
            V::List(l) => Ok(l.clone()),
            V::Map(m) => Ok(m.values().cloned().collect()),
            V::Null => Ok(Vec::new()),
            V::Unknown(r) => Err(r.clone()),
            other => Err(format!("not a collection: {}", other.short())),
        }
    }

    /// A short description for messages (never the whole value).
    pub fn short(&self) -> &'static str {
        match self {
            V::Null => "null",
            V::Bool(_) => "a boolean",
            V::Num(_) => "a number",
            V::Str(_) => "a string",
            V::List(_) => "a list",
            V::Map(_) => "an object",
            V::Unknown(_) => "an unknown value",
        }
    }

    /// As JSON; `Err(reason)` when any part is unknown.
    pub fn to_json(&self) -> Result<Value, String> {
        Ok(match self {
            V::Null => Value::Null,
            V::Bool(b) => Value::Bool(*b),
            V::Num(n) => num_json(*n),
            V::Str(s) => Value::String(s.clone()),
            V::List(l) => Value::Array(l.iter().map(V::to_json).collect::<Result<_, _>>()?),
            V::Map(m) => {
                let mut o = Map::new();
                for (k, v) in m.iter().filter(|(k, _)| !k.starts_with("__")) {
                    o.insert(k.clone(), v.to_json()?);
                }
                Value::Object(o)
            }
            V::Unknown(r) => return Err(r.clone()),
        })
    }

    /// As JSON, with unknown parts written as `${unknown: reason}` strings.
    /// Used for policy documents, where a computed ARN in `Resource` must
    /// not hide a wildcard `Action` in the same statement; such a string
    /// never equals `*`, so no rule fails on it.
    pub fn to_json_lenient(&self) -> Value {
        match self {
            V::Null => Value::Null,
            V::Bool(b) => Value::Bool(*b),
            V::Num(n) => num_json(*n),
            V::Str(s) => Value::String(s.clone()),
            V::List(l) => Value::Array(l.iter().map(V::to_json_lenient).collect()),
            V::Map(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| !k.starts_with("__"))
                    .map(|(k, v)| (k.clone(), v.to_json_lenient()))
                    .collect(),
            ),
            V::Unknown(r) => Value::String(format!("${{unknown: {r}}}")),
        }
    }

    /// From JSON.
    pub fn from_json(v: &Value) -> V {
        match v {
            Value::Null => V::Null,
            Value::Bool(b) => V::Bool(*b),
            Value::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => V::Str(s.clone()),
            Value::Array(a) => V::List(a.iter().map(V::from_json).collect()),
            Value::Object(o) => V::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), V::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Known string (numbers and booleans converted).
    pub fn known_string(&self) -> Known<String> {
        match self.to_text() {
            Ok(s) => Known::Known(s),
            Err(r) => Known::Unknown(r),
        }
    }

    /// Known boolean.
    pub fn known_bool(&self) -> Known<bool> {
        match self.to_bool() {
            Ok(b) => Known::Known(b),
            Err(r) => Known::Unknown(r),
        }
    }

    /// Known list of strings (a single string is widened).
    pub fn known_strings(&self) -> Known<Vec<String>> {
        match self {
            V::Unknown(r) => Known::Unknown(r.clone()),
            V::Null => Known::Known(Vec::new()),
            V::Str(s) => Known::Known(vec![s.clone()]),
            V::List(l) => {
                let mut out = Vec::new();
                for x in l {
                    match x.to_text() {
                        Ok(s) => out.push(s),
                        Err(r) => return Known::Unknown(r),
                    }
                }
                Known::Known(out)
            }
            other => Known::Unknown(format!(
                "expected a list of strings, found {}",
                other.short()
            )),
        }
    }
}

/// Format a number as Terraform prints it (integers without `.0`).
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn num_json(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}
