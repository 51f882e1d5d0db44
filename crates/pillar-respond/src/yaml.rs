//! Playbook YAML read into a small tree that keeps the line of every node,
//! so that every error names `file:line`.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::Value;

/// A YAML node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line.
    pub line: usize,
    /// The value.
    pub kind: Kind,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with scalar keys, in document order; each key with its line.
    Map(Vec<(String, usize, Node)>),
}

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong, lower case.
    pub message: String,
}

/// Deepest nesting accepted (deeper input is an error, not a stack overflow).
const MAX_DEPTH: usize = 64;

impl Node {
    /// A scalar written out as text (numbers and booleans too).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Int(i) => Some(i.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            Kind::Null | Kind::Seq(_) | Kind::Map(_) => None,
        }
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) | Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// The node as JSON.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(m) => {
                Value::Object(m.iter().map(|(k, _, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

/// Parse a YAML text holding exactly one document (an empty text is `Null`).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| SyntaxError {
        line: e.marker().line().max(1),
        message: e.info().to_owned(),
    })?;
    let mut docs = docs.iter();
    let Some(first) = docs.next() else {
        return Ok(Node {
            line: 1,
            kind: Kind::Null,
        });
    };
    if let Some(second) = docs.next() {
        return Err(SyntaxError {
            line: second.span.start.line().max(1),
            message: "a playbook file holds one YAML document, found a second one".to_owned(),
        });
    }
    convert(first, 0)
}

fn key_text(k: &MarkedYaml<'_>) -> Option<String> {
    match &k.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string()),
        YamlData::Value(Scalar::Null) => Some("null".to_owned()),
        YamlData::Representation(s, _, _) => Some(s.to_string()),
        _ => None,
    }
}

fn convert(y: &MarkedYaml<'_>, depth: usize) -> Result<Node, SyntaxError> {
    let line = y.span.start.line().max(1);
    let err = |message: String| SyntaxError { line, message };
    if depth > MAX_DEPTH {
        return Err(err(format!("nesting deeper than {MAX_DEPTH} levels")));
    }
    let kind = match &y.data {
        YamlData::Value(s) => match s {
            Scalar::Null => Kind::Null,
            Scalar::Boolean(b) => Kind::Bool(*b),
            Scalar::Integer(i) => Kind::Int(*i),
            Scalar::FloatingPoint(f) => Kind::Float(f.into_inner()),
            Scalar::String(s) => Kind::Str(s.to_string()),
        },
        YamlData::Representation(s, _, _) => Kind::Str(s.to_string()),
        YamlData::Sequence(items) => Kind::Seq(
            items
                .iter()
                .map(|i| convert(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(m) => {
            let mut out: Vec<(String, usize, Node)> = Vec::with_capacity(m.len());
            for (k, v) in m {
                let kline = k.span.start.line().max(1);
                let Some(key) = key_text(k) else {
                    return Err(SyntaxError {
                        line: kline,
                        message: "mapping keys must be scalars".to_owned(),
                    });
                };
                if out.iter().any(|(seen, _, _)| *seen == key) {
                    return Err(SyntaxError {
                        line: kline,
                        message: format!("duplicate key `{key}`"),
                    });
                }
                out.push((key, kline, convert(v, depth + 1)?));
            }
            Kind::Map(out)
        }
        YamlData::Tagged(_, inner) => return convert(inner, depth + 1),
        YamlData::Alias(_) => return Err(err("aliases are not supported in playbooks".into())),
        YamlData::BadValue => return Err(err("invalid value".into())),
    };
    Ok(Node { line, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines() {
        let n = parse("a: 1\nb:\n  - x\n  - 'true'\n").unwrap();
        let Kind::Map(m) = &n.kind else {
            panic!("{n:?}")
        };
        assert_eq!(m[1].0, "b");
        assert_eq!(m[1].1, 2);
        let Kind::Seq(items) = &m[1].2.kind else {
            panic!()
        };
        assert_eq!(items[1].line, 4);
        assert_eq!(items[1].kind, Kind::Str("true".into()));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("a: 1\nb: [\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("duplicate"));
        let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&text).is_err());
    }
}
