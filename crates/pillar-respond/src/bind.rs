//! Input binding: pick the finding a playbook responds to, and take the
//! playbook's inputs from it.

use crate::playbook::Playbook;
use crate::Error;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Built-in references available in every step.
pub const BUILTINS: [&str; 1] = ["incident_id"];

/// How an input's raw value becomes what an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transform {
    /// `arn:aws:iam::1:user/path/bob` or `bob` → `bob`.
    IamUserName,
    /// `arn:aws:iam::1:role/path/r`, `arn:aws:sts::1:assumed-role/r/session` or `r` → `r`.
    IamRoleName,
    /// `arn:aws:ec2:region:1:instance/i-1` or `i-1` → `i-1`.
    InstanceId,
    /// `arn:aws:s3:::b` or `b` → `b`.
    BucketName,
    /// Any ARN or a 12-digit id → the 12-digit account id.
    AccountId,
}

impl Transform {
    const ALL: [Transform; 5] = [
        Transform::IamUserName,
        Transform::IamRoleName,
        Transform::InstanceId,
        Transform::BucketName,
        Transform::AccountId,
    ];

    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Transform::IamUserName => "iam-user-name",
            Transform::IamRoleName => "iam-role-name",
            Transform::InstanceId => "instance-id",
            Transform::BucketName => "bucket-name",
            Transform::AccountId => "account-id",
        }
    }

    /// Parse a name.
    pub fn parse(s: &str) -> Option<Transform> {
        Transform::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Every name.
    pub fn names() -> Vec<&'static str> {
        Transform::ALL.map(Transform::as_str).to_vec()
    }

    /// Apply to a raw value; `None` when the value is not of that kind
    /// (the next `from` path is then tried).
    pub fn apply(self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        let arn: Vec<&str> = raw.splitn(6, ':').collect();
        let is_arn = raw.starts_with("arn:");
        let service = if is_arn { arn.get(2).copied() } else { None };
        let resource = if is_arn { arn.get(5).copied() } else { None };
        let out = match self {
            Transform::IamUserName => match (service, resource) {
                (Some("iam"), Some(r)) => r.strip_prefix("user/").map(last_segment),
                (None, _) if !is_arn => Some(raw.to_owned()),
                _ => None,
            },
            Transform::IamRoleName => match (service, resource) {
                (Some("iam"), Some(r)) => r.strip_prefix("role/").map(last_segment),
                (Some("sts"), Some(r)) => r
                    .strip_prefix("assumed-role/")
                    .and_then(|rest| rest.split('/').next())
                    .map(str::to_owned),
                (None, _) if !is_arn => Some(raw.to_owned()),
                _ => None,
            },
            Transform::InstanceId => match (service, resource) {
                (Some("ec2"), Some(r)) => r.strip_prefix("instance/").map(str::to_owned),
                (None, _) if raw.starts_with("i-") => Some(raw.to_owned()),
                _ => None,
            },
            Transform::BucketName => match (service, resource) {
                (Some("s3"), Some(r)) => r.split('/').next().map(str::to_owned),
                (None, _) if !is_arn && is_bucket_name(raw) => Some(raw.to_owned()),
                _ => None,
            },
            Transform::AccountId => {
                let id = if is_arn {
                    arn.get(4).copied().unwrap_or("")
                } else {
                    raw
                };
                Some(id.to_owned())
                    .filter(|s| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
            }
        };
        out.filter(|s| !s.is_empty() && !s.contains(char::is_whitespace))
    }
}

impl fmt::Display for Transform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn last_segment(s: &str) -> String {
    s.rsplit('/').next().unwrap_or(s).to_owned()
}

fn is_bucket_name(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

/// Check a `from` path: dot-separated keys (numbers index lists), starting
/// at the finding (`resource.id`, `evidence.user`, `evidence.keys.0.id`).
pub fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(format!(
            "bad path `{path}` (expected keys joined by dots, e.g. resource.id)"
        ));
    }
    Ok(())
}

/// The value at `path` in `v`, written out when it is a scalar.
pub fn lookup(v: &Value, path: &str) -> Option<String> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match cur {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The `${name}` references in a parameter value.
pub fn references(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk_strings(v, &mut |s| {
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            let after = rest.get(start + 2..).unwrap_or("");
            let Some(end) = after.find('}') else { break };
            let name = after.get(..end).unwrap_or("");
            if !BUILTINS.contains(&name) {
                out.push(name.to_owned());
            }
            rest = after.get(end + 1..).unwrap_or("");
        }
    });
    out
}

fn walk_strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| walk_strings(x, f)),
        Value::Object(m) => m.values().for_each(|x| walk_strings(x, f)),
        _ => {}
    }
}

/// Replace `${name}` references; `None` when one refers to an input that
/// has no value (the parameter is then left out).
pub fn substitute(v: &Value, vars: &BTreeMap<String, String>) -> Option<Value> {
    Some(match v {
        Value::String(s) => {
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(rest.get(..start).unwrap_or(""));
                let after = rest.get(start + 2..).unwrap_or("");
                let Some(end) = after.find('}') else {
                    out.push_str(rest.get(start..).unwrap_or(""));
                    rest = "";
                    break;
                };
                out.push_str(vars.get(after.get(..end).unwrap_or(""))?);
                rest = after.get(end + 1..).unwrap_or("");
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| substitute(x, vars))
                .collect::<Option<Vec<_>>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Some((k.clone(), substitute(x, vars)?)))
                .collect::<Option<Map<_, _>>>()?,
        ),
        other => other.clone(),
    })
}

/// The finding a run responds to, with the inputs taken from it.
#[derive(Debug, Clone, Serialize)]
pub struct Binding {
    /// Rule id of the finding.
    pub rule: String,
    /// Fingerprint of the finding.
    pub fingerprint: String,
    /// Resource id of the finding.
    pub resource: String,
    /// Region of the finding's resource, when known.
    pub region: Option<String>,
    /// Bound inputs.
    pub inputs: BTreeMap<String, String>,
    /// Optional inputs with no value.
    pub unbound: Vec<String>,
}

fn findings_in(doc: &Value) -> Option<Vec<&Value>> {
    if doc.get("rule").is_some() && doc.get("fingerprint").is_some() {
        return Some(vec![doc]);
    }
    match doc.get("findings") {
        Some(Value::Array(a)) => Some(a.iter().collect()),
        _ => None,
    }
}

fn matches_trigger(pb: &Playbook, f: &Value) -> bool {
    let rule = f.get("rule").and_then(Value::as_str).unwrap_or("");
    let kind = lookup(f, "resource.kind").unwrap_or_default();
    pb.trigger.rules.iter().any(|r| r == rule)
        && (pb.trigger.resource_kinds.is_empty() || pb.trigger.resource_kinds.contains(&kind))
}

fn describe(f: &Value) -> String {
    format!(
        "{} {} on {}",
        lookup(f, "fingerprint").unwrap_or_default(),
        lookup(f, "rule").unwrap_or_default(),
        lookup(f, "resource.id").unwrap_or_default()
    )
}

/// Pick the finding in `doc` (a finding, or a pillar JSON report) that
/// `pb` responds to and bind the inputs. `fingerprint` picks one finding
/// of a report; `overrides` (`--input name=value`) win over the finding.
pub fn bind(
    pb: &Playbook,
    file: &str,
    doc: &Value,
    fingerprint: Option<&str>,
    overrides: &BTreeMap<String, String>,
) -> Result<Binding, Error> {
    let all = findings_in(doc).ok_or_else(|| {
        Error::Bind(format!(
            "{file}: neither a finding (an object with `rule` and `fingerprint`) nor a pillar report (with `findings`)"
        ))
    })?;
    let finding = match fingerprint {
        Some(fp) => {
            let f = all
                .iter()
                .find(|f| f.get("fingerprint").and_then(Value::as_str) == Some(fp))
                .ok_or_else(|| Error::Bind(format!("{file}: no finding has fingerprint {fp}")))?;
            if !matches_trigger(pb, f) {
                return Err(Error::Bind(format!(
                    "{file}: finding {} does not trigger playbook {} (its trigger rules: {})",
                    describe(f),
                    pb.id,
                    pb.trigger.rules.join(", ")
                )));
            }
            *f
        }
        None => {
            let candidates: Vec<&Value> = all
                .iter()
                .copied()
                .filter(|f| {
                    matches_trigger(pb, f)
                        && f.get("status").and_then(Value::as_str).unwrap_or("fail") == "fail"
                })
                .collect();
            match candidates.as_slice() {
                [one] => *one,
                [] => {
                    return Err(Error::Bind(format!(
                        "{file}: no failing finding triggers playbook {} (its trigger rules: {})",
                        pb.id,
                        pb.trigger.rules.join(", ")
                    )))
                }
                many => {
                    let list: Vec<String> = many.iter().take(20).map(|f| describe(f)).collect();
                    return Err(Error::Bind(format!(
                        "{file}: {} findings trigger playbook {}; pick one with --fingerprint:\n  {}",
                        many.len(),
                        pb.id,
                        list.join("\n  ")
                    )));
                }
            }
        }
    };
    let mut inputs = BTreeMap::new();
    let mut unbound = Vec::new();
    for def in &pb.inputs {
        let value = overrides.get(&def.name).cloned().or_else(|| {
            def.from.iter().find_map(|p| {
                let raw = lookup(finding, p)?;
                match def.transform {
                    Some(t) => t.apply(&raw),
                    None => Some(raw),
                }
            })
        });
        match value.or_else(|| def.default.clone()) {
            Some(v) => {
                inputs.insert(def.name.clone(), v);
            }
            None if def.required => {
                return Err(Error::Bind(format!(
                    "{file}: finding {} gives no value for input `{}` of playbook {} (tried {}{}); pass --input {}=VALUE",
                    describe(finding),
                    def.name,
                    pb.id,
                    def.from.join(", "),
                    def.transform.map(|t| format!(" as {t}")).unwrap_or_default(),
                    def.name
                )))
            }
            None => unbound.push(def.name.clone()),
        }
    }
    for k in overrides.keys() {
        if !pb.inputs.iter().any(|d| &d.name == k) {
            return Err(Error::Bind(format!(
                "playbook {} has no input `{k}`",
                pb.id
            )));
        }
    }
    Ok(Binding {
        rule: lookup(finding, "rule").unwrap_or_default(),
        fingerprint: lookup(finding, "fingerprint").unwrap_or_default(),
        resource: lookup(finding, "resource.id").unwrap_or_default(),
        region: lookup(finding, "resource.region"),
        inputs,
        unbound,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn transforms() {
        let t = Transform::IamUserName;
        assert_eq!(
            t.apply("arn:aws:iam::111122223333:user/ops/bob").as_deref(),
            Some("bob")
        );
        assert_eq!(t.apply("bob").as_deref(), Some("bob"));
        assert_eq!(t.apply("arn:aws:iam::111122223333:root"), None);
        assert_eq!(t.apply("arn:aws:iam::111122223333:role/r"), None);
        let r = Transform::IamRoleName;
        assert_eq!(
            r.apply("arn:aws:sts::1:assumed-role/app/i-1").as_deref(),
            Some("app")
        );
        assert_eq!(
            r.apply("arn:aws:iam::1:role/svc/app").as_deref(),
            Some("app")
        );
        let i = Transform::InstanceId;
        assert_eq!(
            i.apply("arn:aws:ec2:us-east-1:1:instance/i-0abc")
                .as_deref(),
            Some("i-0abc")
        );
        assert_eq!(i.apply("i-0abc").as_deref(), Some("i-0abc"));
        assert_eq!(i.apply("aws_instance.web"), None);
        let b = Transform::BucketName;
        assert_eq!(
            b.apply("arn:aws:s3:::my-bucket").as_deref(),
            Some("my-bucket")
        );
        assert_eq!(b.apply("StoreAssetsBucket"), None);
        let a = Transform::AccountId;
        assert_eq!(
            a.apply("arn:aws:iam::111122223333:root").as_deref(),
            Some("111122223333")
        );
        assert_eq!(
            a.apply("arn:aws:::111122223333").as_deref(),
            Some("111122223333")
        );
        assert_eq!(a.apply("12"), None);
    }

    #[test]
    fn lookup_and_substitute() {
        let f = json!({"resource": {"id": "x"}, "evidence": {"keys": [{"id": "k1"}]}});
        assert_eq!(lookup(&f, "evidence.keys.0.id").as_deref(), Some("k1"));
        assert_eq!(lookup(&f, "evidence.keys.1.id"), None);
        let mut vars = BTreeMap::new();
        vars.insert("user".to_owned(), "bob".to_owned());
        let v = json!({"a": "${user}", "b": ["x-${user}-y"]});
        assert_eq!(
            substitute(&v, &vars).unwrap(),
            json!({"a": "bob", "b": ["x-bob-y"]})
        );
        assert_eq!(substitute(&json!("${nope}"), &vars), None);
        assert_eq!(references(&v), vec!["user", "user"]);
        assert!(references(&json!("${incident_id}")).is_empty());
    }

    fn book() -> Playbook {
        crate::playbook::parse(
            "p.yml",
            r#"
id: p
title: P
trigger:
  rules: [r1]
  resource_kinds: [AWS::IAM::User]
inputs:
  user: {from: [resource.id, evidence.user], as: iam-user-name}
  key: {from: evidence.key, required: false}
steps:
  - {id: s, phase: contain, action: deactivate-access-keys, with: {user: "${user}", access_key_id: "${key}"}}
"#,
        )
        .unwrap()
    }

    fn finding(rule: &str, id: &str, fp: &str) -> Value {
        json!({"rule": rule, "status": "fail", "fingerprint": fp,
               "resource": {"kind": "AWS::IAM::User", "id": id, "region": "us-east-1"}})
    }

    #[test]
    fn binds_a_single_finding() {
        let f = finding("r1", "arn:aws:iam::1:user/bob", "fp1");
        let b = bind(&book(), "f.json", &f, None, &BTreeMap::new()).unwrap();
        assert_eq!(b.inputs.get("user").map(String::as_str), Some("bob"));
        assert_eq!(b.unbound, vec!["key"]);
        assert_eq!(b.region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn picks_from_a_report() {
        let report = json!({"findings": [
            finding("r1", "arn:aws:iam::1:user/bob", "fp1"),
            finding("r2", "arn:aws:iam::1:user/eve", "fp2"),
        ]});
        let b = bind(&book(), "r.json", &report, None, &BTreeMap::new()).unwrap();
        assert_eq!(b.fingerprint, "fp1");
        let two = json!({"findings": [
            finding("r1", "arn:aws:iam::1:user/bob", "fp1"),
            finding("r1", "arn:aws:iam::1:user/eve", "fp3"),
        ]});
        let e = bind(&book(), "r.json", &two, None, &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("2 findings") && e.contains("--fingerprint"),
            "{e}"
        );
        let b = bind(&book(), "r.json", &two, Some("fp3"), &BTreeMap::new()).unwrap();
        assert_eq!(b.inputs.get("user").map(String::as_str), Some("eve"));
        let e = bind(&book(), "r.json", &report, Some("fp2"), &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not trigger"), "{e}");
    }

    #[test]
    fn missing_input_says_how_to_give_it() {
        let f = finding("r1", "arn:aws:iam::1:role/r", "fp1");
        let e = bind(&book(), "f.json", &f, None, &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("--input user=VALUE"), "{e}");
        let mut o = BTreeMap::new();
        o.insert("user".to_owned(), "carol".to_owned());
        let b = bind(&book(), "f.json", &f, None, &o).unwrap();
        assert_eq!(b.inputs.get("user").map(String::as_str), Some("carol"));
        o.insert("nope".to_owned(), "x".to_owned());
        assert!(bind(&book(), "f.json", &f, None, &o).is_err());
        assert!(bind(&book(), "f.json", &json!([1]), None, &BTreeMap::new()).is_err());
    }
}
