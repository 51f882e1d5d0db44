//! A light, lenient view of IAM policy documents, enough for posture rules.
//! The exact grammar and evaluator live in `pillar-iam`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A policy document as written (identity, resource, trust policy or SCP).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PolicyDocument(pub Value);

/// One statement, with single values widened to lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statement {
    /// `Sid`, when present.
    pub sid: Option<String>,
    /// True for `"Effect": "Allow"`.
    pub allow: bool,
    /// `Action` values.
    pub action: Vec<String>,
    /// `NotAction` values.
    pub not_action: Vec<String>,
    /// `Resource` values.
    pub resource: Vec<String>,
    /// `NotResource` values.
    pub not_resource: Vec<String>,
    /// `Principal` as written (`"*"` or an object), when present.
    pub principal: Option<Value>,
    /// `NotPrincipal` as written, when present.
    pub not_principal: Option<Value>,
    /// `Condition` block as written, when present.
    pub condition: Option<Value>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

impl PolicyDocument {
    /// Parse a document that may arrive URL-encoded (as IAM returns it) or
    /// as a JSON string inside JSON (as several APIs return it).
    pub fn from_text(text: &str) -> Result<Self, serde_json::Error> {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            return serde_json::from_str(text).map(PolicyDocument);
        }
        let decoded = percent_decode(text);
        serde_json::from_str(&decoded).map(PolicyDocument)
    }

    /// The statements, each widened; malformed entries are skipped.
    pub fn statements(&self) -> Vec<Statement> {
        let list: Vec<&Value> = match self.0.get("Statement") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            _ => Vec::new(),
        };
        list.into_iter()
            .filter_map(|s| s.as_object())
            .map(|s| Statement {
                sid: s.get("Sid").and_then(Value::as_str).map(str::to_owned),
                allow: s.get("Effect").and_then(Value::as_str) == Some("Allow"),
                action: strings(s.get("Action")),
                not_action: strings(s.get("NotAction")),
                resource: strings(s.get("Resource")),
                not_resource: strings(s.get("NotResource")),
                principal: s.get("Principal").cloned(),
                not_principal: s.get("NotPrincipal").cloned(),
                condition: s.get("Condition").cloned(),
            })
            .collect()
    }
}

impl Statement {
    /// Whether the statement has a non-empty `Condition`.
    pub fn has_condition(&self) -> bool {
        match &self.condition {
            Some(Value::Object(m)) => !m.is_empty(),
            Some(_) => true,
            None => false,
        }
    }

    /// Whether the statement allows every action on every resource
    /// (`"Action": "*"`, `"Resource": "*"`) with no condition.
    pub fn is_full_admin(&self) -> bool {
        self.allow
            && !self.has_condition()
            && self.action.iter().any(|a| a == "*" || a == "*:*")
            && self.resource.iter().any(|r| r == "*")
    }

    /// Every principal string named in `Principal` (the `*` form gives `*`).
    pub fn principals(&self) -> Vec<(String, String)> {
        principal_entries(self.principal.as_ref())
    }

    /// Whether `Principal` grants to everyone: `"*"` or `{"AWS": "*"}`.
    pub fn principal_is_public(&self) -> bool {
        self.principals()
            .iter()
            .any(|(kind, value)| value == "*" && (kind == "*" || kind == "AWS"))
    }

    /// Condition keys used, lower-cased (e.g. `aws:sourceaccount`).
    pub fn condition_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(Value::Object(ops)) = &self.condition {
            for block in ops.values() {
                if let Value::Object(kv) = block {
                    keys.extend(kv.keys().map(|k| k.to_ascii_lowercase()));
                }
            }
        }
        keys
    }

    /// The values a condition key is compared with under any operator whose
    /// name contains `op` (e.g. `Bool`), lower-cased key match.
    pub fn condition_values(&self, op: &str, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(Value::Object(ops)) = &self.condition {
            for (name, block) in ops {
                if !name.contains(op) {
                    continue;
                }
                if let Value::Object(kv) = block {
                    for (k, v) in kv {
                        if k.eq_ignore_ascii_case(key) {
                            match v {
                                Value::String(s) => out.push(s.clone()),
                                Value::Bool(b) => out.push(b.to_string()),
                                Value::Array(a) => out.extend(a.iter().map(|x| match x {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })),
                                other => out.push(other.to_string()),
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// `(kind, value)` pairs of a `Principal` element: `("*", "*")` for the bare
/// wildcard, else `("AWS", "arn:…")`, `("Service", "ec2.amazonaws.com")`…
pub fn principal_entries(principal: Option<&Value>) -> Vec<(String, String)> {
    match principal {
        Some(Value::String(s)) => vec![("*".to_owned(), s.clone())],
        Some(Value::Object(m)) => m
            .iter()
            .flat_map(|(kind, v)| strings(Some(v)).into_iter().map(move |s| (kind.clone(), s)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Decode `%XX` escapes (and `+` as a space is not used by IAM; left as is).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_and_detects_admin() {
        let d = PolicyDocument::from_text(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        )
        .unwrap();
        let s = d.statements();
        assert_eq!(s.len(), 1);
        assert!(s[0].is_full_admin());
    }

    #[test]
    fn url_encoded() {
        let d = PolicyDocument::from_text(
            "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22%2A%22%7D%7D%5D%7D",
        )
        .unwrap();
        assert!(d.statements()[0].principal_is_public());
    }
}
