//! Rule files are read with `saphyr` into JSON values that keep the line of
//! each list item, so that a rule that does not fit the schema is named by
//! its line, then each item is typed with serde.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::Value;

/// A YAML error: the 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Deepest nesting accepted; deeper input is an error, not a stack overflow.
const MAX_DEPTH: usize = 32;

/// Parse one YAML document (an empty stream is `null`), keeping the line of
/// every item of the top-level mapping's `key` list.
pub fn parse_with_item_lines(text: &str, key: &str) -> Result<(Value, Vec<usize>), YamlError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| YamlError {
        line: e.marker().line().max(1),
        message: e.info().to_owned(),
    })?;
    let Some(doc) = docs.first() else {
        return Ok((Value::Null, Vec::new()));
    };
    if let Some(extra) = docs.get(1) {
        return Err(YamlError {
            line: extra.span.start.line().max(1),
            message: "one YAML document per rule file".to_owned(),
        });
    }
    let mut lines = Vec::new();
    if let YamlData::Mapping(m) = &doc.data {
        for (k, v) in m {
            if matches!(&k.data, YamlData::Value(Scalar::String(s)) if s == key) {
                if let YamlData::Sequence(items) = &v.data {
                    lines = items.iter().map(|i| i.span.start.line().max(1)).collect();
                }
            }
        }
    }
    Ok((to_json(doc, 0)?, lines))
}

fn to_json(y: &MarkedYaml<'_>, depth: usize) -> Result<Value, YamlError> {
    let line = y.span.start.line().max(1);
    if depth > MAX_DEPTH {
        return Err(YamlError {
            line,
            message: format!("nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    Ok(match &y.data {
        YamlData::Value(s) => match s {
            Scalar::Null => Value::Null,
            Scalar::Boolean(b) => Value::Bool(*b),
            Scalar::Integer(i) => Value::from(*i),
            Scalar::FloatingPoint(f) => {
                serde_json::Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number)
            }
            Scalar::String(s) => Value::String(s.to_string()),
        },
        YamlData::Representation(s, _, _) => Value::String(s.to_string()),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|i| to_json(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(m) => {
            let mut out = serde_json::Map::with_capacity(m.len());
            for (k, v) in m {
                let key = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(Scalar::Integer(i)) => i.to_string(),
                    YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
                    YamlData::Representation(s, _, _) => s.to_string(),
                    _ => {
                        return Err(YamlError {
                            line: k.span.start.line().max(1),
                            message: "mapping keys must be strings".to_owned(),
                        })
                    }
                };
                out.insert(key, to_json(v, depth + 1)?);
            }
            Value::Object(out)
        }
        YamlData::Tagged(_, inner) => to_json(inner, depth + 1)?,
        YamlData::Alias(_) => {
            return Err(YamlError {
                line,
                message: "aliases are not supported in rule files".to_owned(),
            })
        }
        YamlData::BadValue => {
            return Err(YamlError {
                line,
                message: "invalid value".to_owned(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_lines_and_types() {
        let (v, lines) =
            parse_with_item_lines("rules:\n  - id: a\n    n: 1\n  - id: 'true'\n", "rules")
                .unwrap();
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(v["rules"][0]["n"], 1);
        assert_eq!(v["rules"][1]["id"], "true");
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_with_item_lines("rules:\n  - id: [\n", "rules").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let e = parse_with_item_lines("a: 1\n---\nb: 2\n", "rules").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
    }
}
