//! Read a template (YAML, or JSON, which is YAML) into a [`V`] tree with
//! line numbers, short-form intrinsics (`!Ref x`) rewritten to their long
//! form (`{"Ref": x}`), and aliases expanded within a budget (so a "billion
//! laughs" file is refused, not expanded).

use crate::terraform::value::V;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::{BTreeMap, HashMap};

/// Hidden key on every mapping: the line of the mapping.
pub const LINE_KEY: &str = "__line";
/// Hidden key on every mapping: the line of each key.
pub const KEY_LINES: &str = "__keylines";
/// Most nodes a document may hold once aliases are expanded.
const MAX_NODES: usize = 2_000_000;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 512;

/// A YAML error with its position.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Message, lower case.
    pub message: String,
}

enum Frame {
    Seq {
        items: Vec<V>,
        anchor: usize,
        tag: Option<String>,
    },
    Map {
        map: BTreeMap<String, V>,
        lines: BTreeMap<String, V>,
        key: Option<(String, u32)>,
        anchor: usize,
        tag: Option<String>,
        line: u32,
    },
}

fn size(v: &V) -> usize {
    match v {
        V::List(l) => 1 + l.iter().map(size).sum::<usize>(),
        V::Map(m) => 1 + m.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

/// The long form of a short-form intrinsic tag.
fn intrinsic(tag: &str, v: V) -> V {
    let key = match tag {
        "Ref" => "Ref".to_owned(),
        "Condition" => "Condition".to_owned(),
        "GetAtt" => {
            let v = match v {
                V::Str(s) => match s.split_once('.') {
                    Some((a, b)) => V::List(vec![V::Str(a.to_owned()), V::Str(b.to_owned())]),
                    None => V::Str(s),
                },
                other => other,
            };
            return V::Map(BTreeMap::from([("Fn::GetAtt".to_owned(), v)]));
        }
        other => format!("Fn::{other}"),
    };
    V::Map(BTreeMap::from([(key, v)]))
}

fn scalar(text: &str, style: ScalarStyle) -> V {
    if style != ScalarStyle::Plain {
        return V::Str(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => V::Null,
        "true" | "True" | "TRUE" => V::Bool(true),
        "false" | "False" | "FALSE" => V::Bool(false),
        _ => {
            let numeric = text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                && text.chars().any(|c| c.is_ascii_digit())
                && !(text.len() > 1 && text.starts_with('0') && !text.starts_with("0."));
            match text.parse::<f64>() {
                Ok(n) if numeric && n.is_finite() => V::Num(n),
                _ => V::Str(text.to_owned()),
            }
        }
    }
}

fn err(line: usize, col: usize, message: impl Into<String>) -> YamlError {
    YamlError {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(col + 1).unwrap_or(u32::MAX),
        message: message.into(),
    }
}

/// Parse the first document of a YAML or JSON text.
pub fn parse(text: &str) -> Result<V, YamlError> {
    Ok(parse_all(text)?.into_iter().next().unwrap_or(V::Null))
}

/// Parse every document of a YAML stream (`---` separated). The node
/// budget is shared by all of them.
pub fn parse_all(text: &str) -> Result<Vec<V>, YamlError> {
    let parser = Parser::new_from_str(text);
    let mut docs: Vec<V> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, V> = HashMap::new();
    let mut nodes = 0usize;
    let mut root: Option<V> = None;
    for ev in parser {
        let (event, span) =
            ev.map_err(|e| err(e.marker().line(), e.marker().col(), e.info().to_lowercase()))?;
        let (line, col) = (span.start.line(), span.start.col());
        let line32 = u32::try_from(line).unwrap_or(u32::MAX);
        let tag_of = |t: &Option<std::borrow::Cow<'_, saphyr_parser::Tag>>| {
            t.as_ref()
                .filter(|t| t.handle == "!")
                .map(|t| t.suffix.clone())
        };
        let done: Option<V> = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => None,
            Event::DocumentEnd => {
                docs.push(root.take().unwrap_or(V::Null));
                anchors.clear();
                None
            }
            Event::StreamEnd => break,
            Event::Alias(id) => {
                let v = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| err(line, col, "alias to an unknown anchor"))?;
                nodes += size(&v);
                if nodes > MAX_NODES {
                    return Err(err(
                        line,
                        col,
                        "aliases expand to too many nodes (a yaml bomb?)",
                    ));
                }
                Some(v)
            }
            Event::Scalar(text, style, anchor, tag) => {
                nodes += 1;
                let mut v = scalar(&text, style);
                if let Some(t) = tag_of(&tag) {
                    v = intrinsic(&t, v);
                } else if tag.is_some() {
                    v = V::Str(text.into_owned());
                }
                if anchor > 0 {
                    anchors.insert(anchor, v.clone());
                }
                Some(v)
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(line, col, "nested too deeply"));
                }
                stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    tag: tag_of(&tag),
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(line, col, "nested too deeply"));
                }
                stack.push(Frame::Map {
                    map: BTreeMap::new(),
                    lines: BTreeMap::new(),
                    key: None,
                    anchor,
                    tag: tag_of(&tag),
                    line: line32,
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { items, anchor, tag }) => {
                    nodes += 1;
                    let mut v = V::List(items);
                    if let Some(t) = tag {
                        v = intrinsic(&t, v);
                    }
                    if anchor > 0 {
                        anchors.insert(anchor, v.clone());
                    }
                    Some(v)
                }
                _ => return Err(err(line, col, "unbalanced sequence")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    mut map,
                    lines,
                    anchor,
                    tag,
                    line: start,
                    ..
                }) => {
                    nodes += 1;
                    map.insert(LINE_KEY.to_owned(), V::Num(f64::from(start)));
                    map.insert(KEY_LINES.to_owned(), V::Map(lines));
                    let mut v = V::Map(map);
                    if let Some(t) = tag {
                        v = intrinsic(&t, v);
                    }
                    if anchor > 0 {
                        anchors.insert(anchor, v.clone());
                    }
                    Some(v)
                }
                _ => return Err(err(line, col, "unbalanced mapping")),
            },
        };
        if nodes > MAX_NODES {
            return Err(err(line, col, "document has too many nodes"));
        }
        let Some(v) = done else { continue };
        match stack.last_mut() {
            None => {
                root = Some(v);
            }
            Some(Frame::Seq { items, .. }) => items.push(v),
            Some(Frame::Map {
                map, lines, key, ..
            }) => match key.take() {
                None => {
                    let k = match &v {
                        V::Str(s) => s.clone(),
                        V::Num(_) | V::Bool(_) | V::Null => v.to_text().unwrap_or_default(),
                        _ => return Err(err(line, col, "a mapping key must be a scalar")),
                    };
                    if k == "<<" {
                        *key = Some((k, line32));
                    } else {
                        if map.contains_key(&k) {
                            return Err(err(line, col, format!("duplicate key {k:?}")));
                        }
                        *key = Some((k, line32));
                    }
                }
                Some((k, kl)) => {
                    if k == "<<" {
                        // Merge key: copy entries not already set.
                        let sources = match v {
                            V::List(l) => l,
                            other => vec![other],
                        };
                        for s in sources {
                            if let V::Map(m) = s {
                                for (mk, mv) in m {
                                    if !mk.starts_with("__") {
                                        map.entry(mk).or_insert(mv);
                                    }
                                }
                            }
                        }
                    } else {
                        lines.insert(k.clone(), V::Num(f64::from(kl)));
                        map.insert(k, v);
                    }
                }
            },
        }
    }
    if let Some(v) = root {
        docs.push(v);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_of_a_stream() {
        let docs = parse_all("a: 1\n---\nb: &x 2\nc: *x\n---\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].get("c"), Some(&V::Num(2.0)));
        assert_eq!(docs[2], V::Null);
        // An alias does not reach into another document.
        assert!(parse_all("a: &x 1\n---\nb: *x\n").is_err());
    }

    #[test]
    fn short_forms_and_lines() {
        let v = parse("A:\n  B: !Ref X\n  C: !GetAtt R.Arn\n  D: !Sub 'a-${X}'\n").unwrap();
        let a = v.get("A").unwrap();
        assert_eq!(a.get("B").unwrap().get("Ref"), Some(&V::Str("X".into())));
        assert!(a.get("C").unwrap().get("Fn::GetAtt").is_some());
        assert!(a.get("D").unwrap().get("Fn::Sub").is_some());
        let lines = v.get(KEY_LINES).unwrap();
        assert_eq!(lines.get("A"), Some(&V::Num(1.0)));
        assert_eq!(a.get(KEY_LINES).unwrap().get("C"), Some(&V::Num(3.0)));
    }

    #[test]
    fn bomb_is_refused() {
        let mut s = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        let mut prev = 'a';
        for c in "bcdefghijk".chars() {
            s.push_str(&format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = c;
        }
        let e = parse(&s).unwrap_err();
        assert!(e.message.contains("too many"), "{}", e.message);
    }

    #[test]
    fn duplicate_key_names_line() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("duplicate"));
    }

    #[test]
    fn json_is_read() {
        let v = parse("{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}").unwrap();
        assert!(v.get("Resources").unwrap().get("B").is_some());
    }
}
