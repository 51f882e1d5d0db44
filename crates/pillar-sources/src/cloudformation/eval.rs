//! Resolve intrinsic functions over a template: `Ref`, `Fn::Sub`,
//! `Fn::GetAtt`, `Fn::If` with the template's conditions, `Fn::Join`,
//! `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Base64`,
//! `Fn::Equals`/`And`/`Or`/`Not`. Parameters take `--cfn-param`, then their
//! `Default`; anything else (`Fn::ImportValue`, pseudo parameters, a
//! parameter without value) is unknown.

use crate::terraform::value::V;
use base64::Engine;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

const MAX_DEPTH: u32 = 128;

/// A template with what its intrinsics need.
pub struct Template<'a> {
    /// The whole template.
    pub root: &'a V,
    /// Parameter values.
    pub params: BTreeMap<String, V>,
    busy: RefCell<HashSet<String>>,
}

impl<'a> Template<'a> {
    /// A template with parameter values from the command line.
    pub fn new(root: &'a V, cli: &[(String, String)]) -> Template<'a> {
        let mut params = BTreeMap::new();
        if let Some(V::Map(ps)) = root.get("Parameters") {
            for (name, p) in ps.iter().filter(|(k, _)| !k.starts_with("__")) {
                let v = match p.get("Default") {
                    Some(d) if !matches!(d, V::Null) => d.clone(),
                    _ => V::Unknown(format!("parameter {name} has no value")),
                };
                params.insert(name.clone(), v);
            }
        }
        for (k, v) in cli {
            params.insert(k.clone(), V::Str(v.clone()));
        }
        Template {
            root,
            params,
            busy: RefCell::new(HashSet::new()),
        }
    }

    fn is_resource(&self, name: &str) -> bool {
        self.root
            .get("Resources")
            .and_then(|r| r.get(name))
            .is_some()
    }

    /// Evaluate a named condition.
    pub fn condition(&self, name: &str, depth: u32) -> Result<bool, String> {
        let Some(expr) = self.root.get("Conditions").and_then(|c| c.get(name)) else {
            return Err(format!("condition {name} is not defined"));
        };
        if !self.busy.borrow_mut().insert(name.to_owned()) {
            return Err(format!("condition {name} refers to itself"));
        }
        let r = self.resolve(expr, depth + 1).to_bool();
        self.busy.borrow_mut().remove(name);
        r
    }

    /// Resolve every intrinsic in a value.
    pub fn resolve(&self, v: &V, depth: u32) -> V {
        if depth > MAX_DEPTH {
            return V::unknown("template nested too deeply");
        }
        let d = depth + 1;
        match v {
            V::List(l) => V::List(
                l.iter()
                    .map(|x| self.resolve(x, d))
                    .filter(|x| !is_no_value(x))
                    .collect(),
            ),
            V::Map(m) => {
                let keys: Vec<&String> = m.keys().filter(|k| !k.starts_with("__")).collect();
                if let [k] = keys.as_slice() {
                    if let Some(arg) = m.get(*k) {
                        if let Some(r) = self.intrinsic(k, arg, d) {
                            return r;
                        }
                    }
                }
                V::Map(
                    m.iter()
                        .map(|(k, x)| {
                            if k.starts_with("__") {
                                (k.clone(), x.clone())
                            } else {
                                (k.clone(), self.resolve(x, d))
                            }
                        })
                        .filter(|(_, x)| !is_no_value(x))
                        .collect(),
                )
            }
            other => other.clone(),
        }
    }

    fn reference(&self, name: &str) -> V {
        match name {
            "AWS::NoValue" => V::Str(NO_VALUE.to_owned()),
            "AWS::Partition" => V::Str("aws".to_owned()),
            "AWS::URLSuffix" => V::Str("amazonaws.com".to_owned()),
            n if n.starts_with("AWS::") => V::Unknown(format!("{n} is known only at deploy")),
            n => match self.params.get(n) {
                Some(v) => v.clone(),
                // A resource's Ref is its physical id: its logical id stands
                // for it, so references join.
                None if self.is_resource(n) => V::Str(n.to_owned()),
                None => V::Unknown(format!("{n} is not a parameter or resource")),
            },
        }
    }

    fn intrinsic(&self, k: &str, arg: &V, d: u32) -> Option<V> {
        let args = || match self.resolve(arg, d) {
            V::List(l) => l,
            other => vec![other],
        };
        Some(match k {
            "Ref" => match self.resolve(arg, d).to_text() {
                Ok(n) => self.reference(&n),
                Err(why) => V::Unknown(why),
            },
            "Condition" => match arg.to_text() {
                Ok(n) => self.condition(&n, d).map_or_else(V::Unknown, V::Bool),
                Err(why) => V::Unknown(why),
            },
            "Fn::GetAtt" => {
                let a = args();
                let res = a.first().and_then(|x| x.to_text().ok()).unwrap_or_default();
                let attr = a.get(1).and_then(|x| x.to_text().ok()).unwrap_or_default();
                if matches!(attr.as_str(), "Arn" | "GroupId" | "KeyId" | "AllocationId") {
                    V::Str(res)
                } else {
                    V::Unknown(format!("{res}.{attr} is known only after deploy"))
                }
            }
            "Fn::Sub" => {
                let a = args();
                let Some(text) = a.first().and_then(|x| x.as_str().map(str::to_owned)) else {
                    return Some(V::unknown("Fn::Sub of an unknown string"));
                };
                let vars = a.get(1).cloned().unwrap_or(V::Null);
                self.sub(&text, &vars)
            }
            "Fn::Join" => {
                let a = args();
                let sep = a.first().and_then(|x| x.to_text().ok()).unwrap_or_default();
                let items = match a.get(1).map(V::elements) {
                    Some(Ok(items)) => items,
                    Some(Err(why)) => return Some(V::Unknown(why)),
                    None => Vec::new(),
                };
                let mut parts = Vec::new();
                for i in items {
                    match i.to_text() {
                        Ok(s) => parts.push(s),
                        Err(why) => return Some(V::Unknown(why)),
                    }
                }
                V::Str(parts.join(&sep))
            }
            "Fn::Select" => {
                let a = args();
                let i = a.first().and_then(|x| x.to_num().ok());
                match (i, a.get(1).map(V::elements)) {
                    (Some(i), Some(Ok(items))) => items
                        .get(i as usize)
                        .cloned()
                        .unwrap_or_else(|| V::unknown("Fn::Select index out of range")),
                    _ => V::unknown("Fn::Select over an unknown list"),
                }
            }
            "Fn::Split" => {
                let a = args();
                match (
                    a.first().and_then(|x| x.to_text().ok()),
                    a.get(1).map(V::to_text),
                ) {
                    (Some(sep), Some(Ok(s))) if !sep.is_empty() => V::List(
                        s.split(sep.as_str())
                            .map(|x| V::Str(x.to_owned()))
                            .collect(),
                    ),
                    _ => V::unknown("Fn::Split of an unknown string"),
                }
            }
            "Fn::If" => {
                let a = match arg {
                    V::List(l) => l.clone(),
                    _ => return Some(V::unknown("Fn::If needs a list")),
                };
                let name = a.first().and_then(|x| x.to_text().ok()).unwrap_or_default();
                match self.condition(&name, d) {
                    Ok(true) => a.get(1).map_or(V::Null, |x| self.resolve(x, d)),
                    Ok(false) => a.get(2).map_or(V::Null, |x| self.resolve(x, d)),
                    Err(why) => {
                        let t = a.get(1).map_or(V::Null, |x| self.resolve(x, d));
                        let f = a.get(2).map_or(V::Null, |x| self.resolve(x, d));
                        if t == f {
                            t
                        } else {
                            V::Unknown(why)
                        }
                    }
                }
            }
            "Fn::Equals" => {
                let a = args();
                match (a.first(), a.get(1)) {
                    (Some(x), Some(y)) => match x.unknown_reason().or(y.unknown_reason()) {
                        Some(why) => V::unknown(why),
                        None => V::Bool(x.to_text().ok() == y.to_text().ok()),
                    },
                    _ => V::unknown("Fn::Equals needs two values"),
                }
            }
            "Fn::And" | "Fn::Or" => {
                let mut acc = k == "Fn::And";
                for x in args() {
                    match x.to_bool() {
                        Ok(b) if k == "Fn::And" => acc &= b,
                        Ok(b) => acc |= b,
                        Err(why) => return Some(V::Unknown(why)),
                    }
                }
                V::Bool(acc)
            }
            "Fn::Not" => match args().first().map(V::to_bool) {
                Some(Ok(b)) => V::Bool(!b),
                Some(Err(why)) => V::Unknown(why),
                None => V::unknown("Fn::Not needs a value"),
            },
            "Fn::FindInMap" => {
                let a = args();
                let keys: Result<Vec<String>, String> = a.iter().take(3).map(V::to_text).collect();
                match keys {
                    Ok(k) if k.len() == 3 => self
                        .root
                        .get("Mappings")
                        .and_then(|m| m.get(k.first()?.as_str()))
                        .and_then(|m| m.get(k.get(1)?.as_str()))
                        .and_then(|m| m.get(k.get(2)?.as_str()))
                        .map_or_else(
                            || V::unknown("Fn::FindInMap key not found"),
                            |v| self.resolve(v, d),
                        ),
                    Ok(_) => V::unknown("Fn::FindInMap needs three keys"),
                    Err(why) => V::Unknown(why),
                }
            }
            "Fn::Base64" => match self.resolve(arg, d).to_text() {
                Ok(s) => V::Str(base64::engine::general_purpose::STANDARD.encode(s)),
                Err(why) => V::Unknown(why),
            },
            "Fn::ImportValue" => V::unknown("Fn::ImportValue is known only at deploy"),
            "Fn::GetAZs" | "Fn::Cidr" | "Fn::Transform" | "Fn::ToJsonString" | "Fn::Length" => {
                V::Unknown(format!("{k} is not evaluated"))
            }
            _ => return None,
        })
    }

    fn sub(&self, text: &str, vars: &V) -> V {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(rest.get(..i).unwrap_or_default());
            let after = rest.get(i + 2..).unwrap_or_default();
            let Some(end) = after.find('}') else {
                out.push_str(rest.get(i..).unwrap_or_default());
                rest = "";
                break;
            };
            let name = after.get(..end).unwrap_or_default();
            rest = after.get(end + 1..).unwrap_or_default();
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
                continue;
            }
            let v = match vars.get(name) {
                Some(v) => self.resolve(v, 1),
                None => match name.split_once('.') {
                    Some((res, attr)) if !name.starts_with("AWS::") => {
                        let args = V::List(vec![V::Str(res.to_owned()), V::Str(attr.to_owned())]);
                        self.intrinsic("Fn::GetAtt", &args, 1).unwrap_or(V::Null)
                    }
                    _ => self.reference(name),
                },
            };
            match v.to_text() {
                Ok(s) => out.push_str(&s),
                Err(why) => return V::Unknown(why),
            }
        }
        out.push_str(rest);
        V::Str(out)
    }
}

const NO_VALUE: &str = "\u{0}AWS::NoValue";

fn is_no_value(v: &V) -> bool {
    v.as_str() == Some(NO_VALUE)
}
