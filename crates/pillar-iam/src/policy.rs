//! The policy grammar: a JSON document → a typed, compiled policy.
//!
//! Grammar from the IAM JSON policy element reference: `Version`, `Id`,
//! `Statement` (an object or a list), and per statement `Sid`, `Effect`,
//! `Action`/`NotAction`, `Resource`/`NotResource`, `Principal`/`NotPrincipal`
//! and `Condition`. Every error names the line and the JSON path.

use crate::condition::{CondOp, Condition, Qualifier};
use crate::json::{self, Node, Value};
use crate::pattern::{PTok, Template};
use std::fmt;

/// A policy error: where (file, line, JSON path) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct PolicyError {
    /// The file or name of the policy, when known.
    pub source_name: Option<String>,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// JSON path, e.g. `$.Statement[1].Condition`.
    pub path: String,
    /// What is wrong, lower case.
    pub message: String,
}

impl PolicyError {
    fn render(&self) -> String {
        let mut s = String::new();
        if let Some(n) = &self.source_name {
            s.push_str(n);
            if self.line > 0 {
                s.push_str(&format!(":{}", self.line));
            }
            s.push_str(": ");
        } else if self.line > 0 {
            s.push_str(&format!("line {}: ", self.line));
        }
        s.push_str(&format!("{}: {}", self.path, self.message));
        s
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2012-10-17`: policy variables are substituted.
    V2012,
    /// `2008-10-17` or no `Version`: `${…}` is literal text.
    V2008,
}

/// An action pattern, `service:Action` with `*`/`?`, compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPattern {
    /// As written.
    pub raw: String,
    toks: Vec<PTok>,
}

impl ActionPattern {
    /// Compile an action pattern.
    pub fn new(raw: &str) -> Self {
        let toks = Template::new(raw, false, true)
            .resolve(&crate::pattern::Context::new())
            .map(|c| c.into_owned())
            .unwrap_or_default();
        ActionPattern {
            raw: raw.to_owned(),
            toks,
        }
    }

    /// The compiled glob.
    pub fn toks(&self) -> &[PTok] {
        &self.toks
    }

    /// Whether `action` (any case) matches.
    pub fn matches(&self, action: &str) -> bool {
        crate::pattern::glob_match(&self.toks, action.as_bytes(), true)
    }
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionSpec {
    /// `Action`: the listed actions.
    Action(Vec<ActionPattern>),
    /// `NotAction`: every action except the listed ones.
    NotAction(Vec<ActionPattern>),
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceSpec {
    /// `Resource`.
    Resource(Vec<Template>),
    /// `NotResource`.
    NotResource(Vec<Template>),
}

/// The principals named in `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principals {
    /// `"Principal": "*"`.
    pub everyone: bool,
    /// `AWS` values: `*`, account ids, `arn:…:root`, user/role/session ARNs.
    pub aws: Vec<String>,
    /// `Service` values.
    pub service: Vec<String>,
    /// `Federated` values.
    pub federated: Vec<String>,
    /// `CanonicalUser` values.
    pub canonical_user: Vec<String>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `Principal`.
    Principal(Principals),
    /// `NotPrincipal`.
    NotPrincipal(Principals),
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` / `NotAction`.
    pub action: ActionSpec,
    /// `Resource` / `NotResource`; `None` when absent (trust policies).
    pub resource: Option<ResourceSpec>,
    /// `Principal` / `NotPrincipal`; `None` when absent.
    pub principal: Option<PrincipalSpec>,
    /// Every condition (key × operator), AND-ed.
    pub conditions: Vec<Condition>,
    /// Position in the policy's statement list (0-based).
    pub index: usize,
    /// Line of the statement, 0 when unknown.
    pub line: u32,
}

/// A compiled policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// A display name (policy name, ARN or file).
    pub name: String,
    /// The file the policy was read from, when known.
    pub file: Option<String>,
    /// Line in `file` of the policy or of the resource that holds it, when
    /// statement lines are not known.
    pub origin_line: Option<u32>,
    /// The language version.
    pub version: Version,
    /// `Id`.
    pub id: Option<String>,
    /// The statements.
    pub statements: Vec<Statement>,
}

struct Ctx<'a> {
    source: Option<&'a str>,
    vars: bool,
}

impl Ctx<'_> {
    fn err(&self, node: &Node, path: &str, message: impl Into<String>) -> PolicyError {
        PolicyError {
            source_name: self.source.map(str::to_owned),
            line: node.line,
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

fn strings(cx: &Ctx<'_>, node: &Node, path: &str) -> Result<Vec<String>, PolicyError> {
    match &node.value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                match &it.value {
                    Value::String(s) => out.push(s.clone()),
                    other => {
                        return Err(cx.err(
                            it,
                            &format!("{path}[{i}]"),
                            format!("expected a string, found {}", other.kind()),
                        ))
                    }
                }
            }
            Ok(out)
        }
        other => Err(cx.err(
            node,
            path,
            format!(
                "expected a string or a list of strings, found {}",
                other.kind()
            ),
        )),
    }
}

/// Condition values may be strings, numbers or booleans (or lists of them).
fn cond_values(cx: &Ctx<'_>, node: &Node, path: &str) -> Result<Vec<String>, PolicyError> {
    let scalar = |n: &Node, p: &str| -> Result<String, PolicyError> {
        match &n.value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(cx.err(
                n,
                p,
                format!(
                    "expected a string, number or boolean, found {}",
                    other.kind()
                ),
            )),
        }
    };
    match &node.value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, it)| scalar(it, &format!("{path}[{i}]")))
            .collect(),
        _ => scalar(node, path).map(|s| vec![s]),
    }
}

fn principals(cx: &Ctx<'_>, node: &Node, path: &str) -> Result<Principals, PolicyError> {
    let mut p = Principals::default();
    match &node.value {
        Value::String(s) if s == "*" => p.everyone = true,
        // Not in the grammar, but accepted by some services: a bare ARN or
        // account id stands for {"AWS": …}.
        Value::String(s) => p.aws.push(s.clone()),
        Value::Object(members) => {
            for (k, v) in members {
                let sub = format!("{path}.{k}");
                let vals = strings(cx, v, &sub)?;
                match k.as_str() {
                    "AWS" => p.aws.extend(vals),
                    "Service" => p.service.extend(vals),
                    "Federated" => p.federated.extend(vals),
                    "CanonicalUser" => p.canonical_user.extend(vals),
                    _ => {
                        return Err(cx.err(
                            v,
                            &sub,
                            "unknown principal type (expected AWS, Service, Federated or CanonicalUser)",
                        ))
                    }
                }
            }
        }
        other => {
            return Err(cx.err(
                node,
                path,
                format!("expected \"*\" or an object, found {}", other.kind()),
            ))
        }
    }
    Ok(p)
}

fn conditions(cx: &Ctx<'_>, node: &Node, path: &str) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(ops) = &node.value else {
        return Err(cx.err(
            node,
            path,
            format!("expected an object, found {}", node.value.kind()),
        ));
    };
    let mut out = Vec::new();
    for (op_name, block) in ops {
        let op_path = format!("{path}.{op_name}");
        let (qualifier, rest) = if let Some(r) = op_name.strip_prefix("ForAllValues:") {
            (Qualifier::ForAllValues, r)
        } else if let Some(r) = op_name.strip_prefix("ForAnyValue:") {
            (Qualifier::ForAnyValue, r)
        } else {
            (Qualifier::None, op_name.as_str())
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let Some(op) = CondOp::from_name(base) else {
            return Err(cx.err(
                block,
                &op_path,
                format!("unknown condition operator {op_name:?}"),
            ));
        };
        if if_exists && op == CondOp::Null {
            return Err(cx.err(block, &op_path, "Null cannot be used with IfExists"));
        }
        let Value::Object(keys) = &block.value else {
            return Err(cx.err(
                block,
                &op_path,
                format!(
                    "expected an object of condition keys, found {}",
                    block.value.kind()
                ),
            ));
        };
        for (key, vals) in keys {
            let kpath = format!("{op_path}.{key}");
            let values = cond_values(cx, vals, &kpath)?;
            out.push(Condition::new(
                op, qualifier, if_exists, key, &values, cx.vars, vals.line,
            ));
        }
    }
    Ok(out)
}

fn statement(
    cx: &Ctx<'_>,
    node: &Node,
    path: &str,
    index: usize,
) -> Result<Statement, PolicyError> {
    let Value::Object(members) = &node.value else {
        return Err(cx.err(
            node,
            path,
            format!("a statement must be an object, found {}", node.value.kind()),
        ));
    };
    let mut sid = None;
    let mut effect = None;
    let mut action = None;
    let mut resource = None;
    let mut principal = None;
    let mut conds = Vec::new();
    for (k, v) in members {
        let sub = format!("{path}.{k}");
        let twice = |what: &str| cx.err(v, &sub, format!("{what} given more than once"));
        match k.as_str() {
            "Sid" => match &v.value {
                Value::String(s) => sid = Some(s.clone()),
                other => {
                    return Err(cx.err(
                        v,
                        &sub,
                        format!("expected a string, found {}", other.kind()),
                    ))
                }
            },
            "Effect" => match &v.value {
                Value::String(s) if s == "Allow" => effect = Some(Effect::Allow),
                Value::String(s) if s == "Deny" => effect = Some(Effect::Deny),
                _ => return Err(cx.err(v, &sub, "Effect must be \"Allow\" or \"Deny\"")),
            },
            "Action" | "NotAction" => {
                if action.is_some() {
                    return Err(twice("Action/NotAction"));
                }
                let pats: Vec<ActionPattern> = strings(cx, v, &sub)?
                    .iter()
                    .map(|s| ActionPattern::new(s))
                    .collect();
                action = Some(if k == "Action" {
                    ActionSpec::Action(pats)
                } else {
                    ActionSpec::NotAction(pats)
                });
            }
            "Resource" | "NotResource" => {
                if resource.is_some() {
                    return Err(twice("Resource/NotResource"));
                }
                let pats: Vec<Template> = strings(cx, v, &sub)?
                    .iter()
                    .map(|s| Template::new(s, cx.vars, true))
                    .collect();
                resource = Some(if k == "Resource" {
                    ResourceSpec::Resource(pats)
                } else {
                    ResourceSpec::NotResource(pats)
                });
            }
            "Principal" | "NotPrincipal" => {
                if principal.is_some() {
                    return Err(twice("Principal/NotPrincipal"));
                }
                let p = principals(cx, v, &sub)?;
                principal = Some(if k == "Principal" {
                    PrincipalSpec::Principal(p)
                } else {
                    PrincipalSpec::NotPrincipal(p)
                });
            }
            "Condition" => conds = conditions(cx, v, &sub)?,
            _ => return Err(cx.err(v, &sub, format!("unknown statement element {k:?}"))),
        }
    }
    let effect = effect.ok_or_else(|| cx.err(node, path, "statement has no Effect"))?;
    let action =
        action.ok_or_else(|| cx.err(node, path, "statement has no Action or NotAction"))?;
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        principal,
        conditions: conds,
        index,
        line: node.line,
    })
}

impl Policy {
    /// Parse policy text. `source` names the file in errors.
    pub fn parse(text: &str, source: Option<&str>) -> Result<Policy, PolicyError> {
        let node = json::parse(text).map_err(|e| PolicyError {
            source_name: source.map(str::to_owned),
            line: e.line,
            path: "$".into(),
            message: format!("invalid json at column {}: {}", e.column, e.message),
        })?;
        let mut p = Policy::from_node(&node, source)?;
        if let Some(s) = source {
            p.name = s.to_owned();
            p.file = Some(s.to_owned());
        }
        Ok(p)
    }

    /// Compile an already parsed JSON value (lines unknown).
    pub fn from_serde(v: &serde_json::Value, name: &str) -> Result<Policy, PolicyError> {
        let mut p = Policy::from_node(&Node::from_serde(v), Some(name))?;
        p.name = name.to_owned();
        Ok(p)
    }

    /// Compile a positioned JSON node.
    pub fn from_node(node: &Node, source: Option<&str>) -> Result<Policy, PolicyError> {
        let pre = Ctx {
            source,
            vars: false,
        };
        let Value::Object(members) = &node.value else {
            return Err(pre.err(
                node,
                "$",
                format!("a policy must be an object, found {}", node.value.kind()),
            ));
        };
        let mut version = Version::V2008;
        for (k, v) in members {
            if k == "Version" {
                match &v.value {
                    Value::String(s) if s == "2012-10-17" => version = Version::V2012,
                    Value::String(s) if s == "2008-10-17" => version = Version::V2008,
                    _ => {
                        return Err(pre.err(
                            v,
                            "$.Version",
                            "Version must be \"2012-10-17\" or \"2008-10-17\"",
                        ))
                    }
                }
            }
        }
        let cx = Ctx {
            source,
            vars: version == Version::V2012,
        };
        let mut id = None;
        let mut statements = Vec::new();
        let mut saw_statement = false;
        for (k, v) in members {
            match k.as_str() {
                "Version" => {}
                "Id" => match &v.value {
                    Value::String(s) => id = Some(s.clone()),
                    other => {
                        return Err(cx.err(
                            v,
                            "$.Id",
                            format!("expected a string, found {}", other.kind()),
                        ))
                    }
                },
                "Statement" => {
                    if saw_statement {
                        return Err(cx.err(v, "$.Statement", "Statement given more than once"));
                    }
                    saw_statement = true;
                    match &v.value {
                        Value::Array(items) => {
                            for (i, it) in items.iter().enumerate() {
                                statements.push(statement(
                                    &cx,
                                    it,
                                    &format!("$.Statement[{i}]"),
                                    i,
                                )?);
                            }
                        }
                        Value::Object(_) => statements.push(statement(&cx, v, "$.Statement", 0)?),
                        other => {
                            return Err(cx.err(
                                v,
                                "$.Statement",
                                format!(
                                    "Statement must be an object or a list, found {}",
                                    other.kind()
                                ),
                            ))
                        }
                    }
                }
                _ => {
                    return Err(cx.err(
                        v,
                        &format!("$.{k}"),
                        format!("unknown policy element {k:?}"),
                    ))
                }
            }
        }
        if !saw_statement {
            return Err(cx.err(node, "$", "policy has no Statement"));
        }
        Ok(Policy {
            name: source.unwrap_or("policy").to_owned(),
            file: None,
            origin_line: None,
            version,
            id,
            statements,
        })
    }

    /// A policy that allows everything (`RCPFullAWSAccess`, `FullAWSAccess`).
    pub fn allow_all(name: &str) -> Policy {
        Policy {
            name: name.to_owned(),
            file: None,
            origin_line: None,
            version: Version::V2012,
            id: None,
            statements: vec![Statement {
                sid: None,
                effect: Effect::Allow,
                action: ActionSpec::Action(vec![ActionPattern::new("*")]),
                resource: Some(ResourceSpec::Resource(vec![Template::new("*", true, true)])),
                principal: Some(PrincipalSpec::Principal(Principals {
                    everyone: true,
                    ..Principals::default()
                })),
                conditions: Vec::new(),
                index: 0,
                line: 0,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_element() {
        let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/${aws:username}/*",
     "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", 1, true]}}},
    {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["*"],
     "NotPrincipal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:root"], "Service": "ec2.amazonaws.com",
                      "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"}}
  ]
}"#;
        let p = Policy::parse(text, Some("p.json")).unwrap();
        assert_eq!(p.version, Version::V2012);
        assert_eq!(p.statements.len(), 2);
        assert_eq!(p.statements[0].line, 4);
        assert_eq!(p.statements[1].line, 6);
        assert_eq!(p.statements[0].conditions.len(), 1);
        let Some(PrincipalSpec::NotPrincipal(np)) = &p.statements[1].principal else {
            panic!("not principal")
        };
        assert_eq!(np.aws.len(), 2);
        assert_eq!(np.canonical_user, vec!["abc".to_owned()]);
        let single = Policy::parse(
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Principal": "*"}}"#,
            None,
        )
        .unwrap();
        assert_eq!(single.version, Version::V2008);
        assert_eq!(single.statements.len(), 1);
    }

    fn err(text: &str) -> PolicyError {
        Policy::parse(text, Some("f.json")).unwrap_err()
    }

    #[test]
    fn errors_name_line_and_path() {
        let e = err("{\n\"Version\": \"2012-10-17\",\n\"Statement\": [\n {\"Effect\": \"Allow\", \"Action\": \"*\"},\n {\"Effect\": \"Allow\", \"Action\": \"*\",\n  \"Condition\": {\"StringEqualz\": {\"a\": \"b\"}}}]}");
        assert_eq!(e.line, 6);
        assert_eq!(e.path, "$.Statement[1].Condition.StringEqualz");
        assert!(e.to_string().starts_with(
            "f.json:6: $.Statement[1].Condition.StringEqualz: unknown condition operator"
        ));

        let e = err("{\"Statement\": [{\"Effect\": \"Maybe\", \"Action\": \"*\"}]}");
        assert_eq!(e.path, "$.Statement[0].Effect");
        let e = err("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:*\", 3]}]}");
        assert_eq!(e.path, "$.Statement[0].Action[1]");
        let e = err("{\"Statement\": [{\"Effect\": \"Allow\"}]}");
        assert!(e.message.contains("no Action"));
        let e = err("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Principal\": {\"Bogus\": \"x\"}}]}");
        assert_eq!(e.path, "$.Statement[0].Principal.Bogus");
        let e = err("{\"Statement\": 3}");
        assert_eq!(e.path, "$.Statement");
        let e = err("{\n\n  \"Statement\": [ }");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("invalid json"));
        let e = err("{\"Version\": \"2020\", \"Statement\": []}");
        assert_eq!(e.path, "$.Version");
        let e = err("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Condition\": {\"NullIfExists\": {\"a\": \"true\"}}}]}");
        assert!(e.message.contains("IfExists"));
        let e = err("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Condition\": {\"StringEquals\": {\"a\": {\"x\": 1}}}}]}");
        assert_eq!(e.path, "$.Statement[0].Condition.StringEquals.a");
    }
}
