//! Simulation cases: a request plus inline policy sets, in the JSON shape of
//! the iam-simulate test cases (`request`, `identityPolicies`,
//! `resourcePolicy`, `permissionBoundaries`, `sessionPolicy`,
//! `serviceControlPolicies`, `resourceControlPolicies`, `endpointPolicies`,
//! `expected`).

use crate::eval::{evaluate, Decision, PolicySet, Request, RequestPrincipal};
use crate::pattern::{Context, CtxValue};
use crate::policy::{Policy, PolicyError};
use serde_json::{json, Value};

/// A case that cannot be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CaseError {
    /// A field is missing or has the wrong type.
    #[error("case {case:?}: {field}: {message}")]
    Field {
        /// Case name.
        case: String,
        /// JSON path of the field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A policy in the case does not parse.
    #[error("case {case:?}: {source}")]
    Policy {
        /// Case name.
        case: String,
        /// The policy error.
        source: PolicyError,
    },
}

/// A compiled case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Case name.
    pub name: String,
    /// The request.
    pub request: Request,
    identity: Vec<Policy>,
    resource: Vec<Policy>,
    boundary: Vec<Policy>,
    session: Vec<Policy>,
    scps: Vec<Vec<Policy>>,
    rcps: Vec<Vec<Policy>>,
    endpoint: Vec<Policy>,
    /// The expected response, when the case has one.
    pub expected: Option<String>,
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Case {
    /// Read one case.
    pub fn from_json(v: &Value) -> Result<Case, CaseError> {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("unnamed")
            .to_owned();
        let field = |field: &str, message: &str| CaseError::Field {
            case: name.clone(),
            field: field.to_owned(),
            message: message.to_owned(),
        };
        let req = v
            .get("request")
            .ok_or_else(|| field("$.request", "missing"))?;
        let action = req
            .get("action")
            .and_then(Value::as_str)
            .ok_or_else(|| field("$.request.action", "missing or not a string"))?;
        let principal = match req.get("principal") {
            Some(Value::String(s)) => RequestPrincipal::parse(s),
            Some(Value::Object(o))
                if o.get("type").and_then(Value::as_str) == Some("Anonymous") =>
            {
                RequestPrincipal::anonymous()
            }
            None | Some(Value::Null) => RequestPrincipal::anonymous(),
            Some(_) => {
                return Err(field(
                    "$.request.principal",
                    "expected an ARN or {\"type\": \"Anonymous\"}",
                ))
            }
        };
        let (resource, account) = match req.get("resource") {
            Some(Value::String(s)) => (s.clone(), None),
            Some(Value::Object(o)) => (
                o.get("resource")
                    .and_then(Value::as_str)
                    .ok_or_else(|| field("$.request.resource.resource", "missing or not a string"))?
                    .to_owned(),
                o.get("accountId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            _ => return Err(field("$.request.resource", "missing")),
        };
        let mut context = Context::new();
        if let Some(Value::Object(c)) = req.get("context") {
            for (k, val) in c {
                let cv = match val {
                    Value::Array(items) => {
                        CtxValue::Many(items.iter().filter_map(scalar_text).collect())
                    }
                    other => match scalar_text(other) {
                        Some(s) => CtxValue::One(s),
                        None => {
                            return Err(field(
                                &format!("$.request.context.{k}"),
                                "expected a string, number, boolean or list",
                            ))
                        }
                    },
                };
                context.insert(k, cv);
            }
        }
        let request = Request {
            principal,
            action: action.to_owned(),
            resource,
            resource_account: account,
            context,
            wildcard_only: req
                .get("wildcardOnlyAction")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        };
        let pol = |p: &Value, path: &str| -> Result<Policy, CaseError> {
            Policy::from_serde(p, path).map_err(|source| CaseError::Policy {
                case: name.clone(),
                source,
            })
        };
        let list = |key: &str| -> Result<Vec<Policy>, CaseError> {
            match v.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .enumerate()
                    .map(|(i, p)| pol(p, &format!("{key}[{i}]")))
                    .collect(),
                Some(p) => Ok(vec![pol(p, key)?]),
            }
        };
        let levels = |key: &str, implicit_allow: bool| -> Result<Vec<Vec<Policy>>, CaseError> {
            let Some(Value::Array(a)) = v.get(key) else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            for (i, lvl) in a.iter().enumerate() {
                let org = lvl
                    .get("orgIdentifier")
                    .and_then(Value::as_str)
                    .unwrap_or("level");
                let mut ps = Vec::new();
                if let Some(Value::Array(items)) = lvl.get("policies") {
                    for (j, p) in items.iter().enumerate() {
                        ps.push(pol(p, &format!("{key}[{i}] ({org}) policies[{j}]"))?);
                    }
                }
                if implicit_allow {
                    ps.push(Policy::allow_all(&format!("RCPFullAWSAccess ({org})")));
                }
                out.push(ps);
            }
            Ok(out)
        };
        let mut resource_pols = list("resourcePolicy")?;
        resource_pols.extend(list("resourcePolicies")?);
        Ok(Case {
            request,
            identity: list("identityPolicies")?,
            resource: resource_pols,
            boundary: list("permissionBoundaries")?,
            session: list("sessionPolicy")?,
            scps: levels("serviceControlPolicies", false)?,
            rcps: levels("resourceControlPolicies", true)?,
            endpoint: list("endpointPolicies")?,
            expected: v
                .get("expected")
                .and_then(|e| e.get("response"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            name,
        })
    }

    /// The policy set, borrowed.
    pub fn policy_set(&self) -> PolicySet<'_> {
        PolicySet {
            identity: self.identity.iter().collect(),
            resource: self.resource.iter().collect(),
            boundary: self.boundary.iter().collect(),
            session: self.session.iter().collect(),
            scps: self.scps.iter().map(|l| l.iter().collect()).collect(),
            rcps: self.rcps.iter().map(|l| l.iter().collect()).collect(),
            endpoint: self.endpoint.iter().collect(),
        }
    }

    /// Decide the case.
    pub fn run(&self) -> Decision<'_> {
        evaluate(&self.request, &self.policy_set())
    }
}

/// A decision as JSON: `response`, `blockedBy`, `reason`, `statements`.
pub fn decision_json(d: &Decision<'_>) -> Value {
    json!({
        "response": d.outcome.to_string(),
        "blockedBy": d.blocked_by.iter().map(|k| k.label()).collect::<Vec<_>>(),
        "reason": d.reason,
        "statements": d.statements.iter().map(|s| json!({
            "kind": s.kind.label(),
            "policy": s.policy.name,
            "file": s.policy.file,
            "line": if s.statement.line > 0 { Some(s.statement.line) } else { s.policy.origin_line },
            "index": s.statement.index,
            "sid": s.statement.sid,
            "effect": s.statement.effect.to_string(),
        })).collect::<Vec<_>>(),
    })
}
