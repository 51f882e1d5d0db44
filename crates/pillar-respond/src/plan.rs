//! The planner: a playbook, bound to a finding, as ordered steps with
//! resolved parameters and the calls each step makes.

use crate::action::Action;
use crate::bind::{substitute, Binding};
use crate::call::Call;
use crate::playbook::{OnFailure, Phase, Playbook};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// A step ready to run.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedStep {
    /// Step id.
    pub id: String,
    /// Phase.
    pub phase: Phase,
    /// Action.
    pub action: Action,
    /// Parameters with inputs filled in.
    pub params: Map<String, Value>,
    /// Approval gate text.
    pub approval: Option<String>,
    /// Failure policy.
    pub on_failure: OnFailure,
    /// Why the step is there.
    pub description: String,
    /// Why the step will not run, when it will not (a needed input is unbound).
    pub skip: Option<String>,
    /// The calls: static (every call it may make) until the executor reads
    /// the account and replaces them with the exact calls.
    pub calls: Vec<Call>,
}

/// A playbook bound to a finding.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Playbook id.
    pub playbook: String,
    /// Playbook title.
    pub title: String,
    /// Playbook file.
    pub file: String,
    /// SHA-256 of the playbook file.
    pub playbook_sha256: String,
    /// Incident id (tags, group names, audit log).
    pub incident_id: String,
    /// The finding and the inputs.
    pub binding: Binding,
    /// Steps in order.
    pub steps: Vec<PlannedStep>,
    /// Whether the calls are exact (read from the account) or static.
    pub exact: bool,
}

/// The incident id used when none is given: stable for one playbook and
/// one finding, so that running the same command again continues the
/// same incident.
pub fn default_incident_id(playbook: &str, fingerprint: &str) -> String {
    let mut h = Sha256::new();
    h.update(playbook.as_bytes());
    h.update([0]);
    h.update(fingerprint.as_bytes());
    let d = h.finalize();
    let hex: String = d.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("inc-{hex}")
}

/// Whether an incident id is safe in tags, group names and file names.
pub fn valid_incident_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// Build the static plan.
pub fn plan(pb: &Playbook, binding: Binding, incident_id: &str) -> Plan {
    let mut vars: BTreeMap<String, String> = binding.inputs.clone();
    vars.insert("incident_id".to_owned(), incident_id.to_owned());
    let steps = pb
        .steps
        .iter()
        .map(|s| {
            let mut params = Map::new();
            let mut unbound = Vec::new();
            for (k, v) in &s.with {
                match substitute(v, &vars) {
                    Some(v) => {
                        params.insert(k.clone(), v);
                    }
                    None => unbound.push(k.clone()),
                }
            }
            let missing: Vec<&str> = s
                .action
                .params()
                .iter()
                .filter(|p| p.required && !params.contains_key(p.name))
                .map(|p| p.name)
                .collect();
            let skip = if !missing.is_empty() {
                Some(format!(
                    "needs {} but the input it refers to has no value",
                    missing.join(", ")
                ))
            } else {
                s.action.check_params(&params).err().map(|e| {
                    format!(
                        "{e} (after leaving out parameters whose inputs have no value: {})",
                        unbound.join(", ")
                    )
                })
            };
            let calls = if skip.is_some() {
                Vec::new()
            } else {
                s.action.static_calls(&params, incident_id)
            };
            PlannedStep {
                id: s.id.clone(),
                phase: s.phase,
                action: s.action,
                params,
                approval: s.approval.clone(),
                on_failure: s.on_failure,
                description: s.description.clone(),
                skip,
                calls,
            }
        })
        .collect();
    Plan {
        playbook: pb.id.clone(),
        title: pb.title.clone(),
        file: pb.file.clone(),
        playbook_sha256: pb.sha256.clone(),
        incident_id: incident_id.to_owned(),
        binding,
        steps,
        exact: false,
    }
}

impl Plan {
    /// Number of mutating calls in the plan.
    pub fn changes(&self) -> usize {
        self.steps
            .iter()
            .flat_map(|s| &s.calls)
            .filter(|c| c.mutating)
            .count()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "playbook {} — {} ({})",
            self.playbook, self.title, self.file
        )?;
        writeln!(f, "incident {}", self.incident_id)?;
        writeln!(
            f,
            "finding  {} on {} (fingerprint {})",
            self.binding.rule, self.binding.resource, self.binding.fingerprint
        )?;
        let mut inputs = String::new();
        for (k, v) in &self.binding.inputs {
            let _ = write!(inputs, " {k}={v}");
        }
        for k in &self.binding.unbound {
            let _ = write!(inputs, " {k}=(none)");
        }
        writeln!(f, "inputs  {inputs}")?;
        let mut phase = None;
        for (n, s) in self.steps.iter().enumerate() {
            if phase != Some(s.phase) {
                writeln!(f, "\n[{}]", s.phase)?;
                phase = Some(s.phase);
            }
            write!(f, "{}. {} ({})", n + 1, s.id, s.action)?;
            if s.on_failure == OnFailure::Continue {
                write!(f, " [on failure: continue]")?;
            }
            writeln!(f)?;
            if !s.description.is_empty() {
                writeln!(f, "   {}", s.description)?;
            }
            if let Some(a) = &s.approval {
                writeln!(f, "   approval required: {a} (--yes to approve)")?;
            }
            if let Some(why) = &s.skip {
                writeln!(f, "   skipped: {why}")?;
                continue;
            }
            if s.action == Action::Manual {
                if let Some(t) = s.params.get("instructions").and_then(Value::as_str) {
                    for line in t.lines() {
                        writeln!(f, "   | {line}")?;
                    }
                }
            }
            if self.exact && !s.calls.iter().any(|c| c.mutating) && !s.action.read_only() {
                writeln!(f, "   nothing to change: already done")?;
            }
            for c in &s.calls {
                let tag = if c.mutating { "change" } else { "read  " };
                writeln!(f, "   {tag} {c}")?;
            }
        }
        writeln!(f)?;
        if self.exact {
            writeln!(
                f,
                "{} change(s) to make; nothing was changed (plan only: add --apply to run it)",
                self.changes()
            )
        } else {
            writeln!(
                f,
                "static plan: the account was not read, so every call that may be needed is shown; nothing was changed"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bind::bind;
    use serde_json::json;

    const BOOK: &str = r#"
id: p
title: P
trigger: {rules: [r1]}
inputs:
  user: {from: resource.id, as: iam-user-name}
  key: {from: evidence.key, required: false}
  role: {from: evidence.role, required: false, as: iam-role-name}
steps:
  - {id: keep, phase: evidence, action: capture-evidence, with: {user: "${user}"}}
  - {id: keys, phase: contain, action: deactivate-access-keys, with: {user: "${user}", access_key_id: "${key}"}}
  - {id: sessions, phase: contain, action: revoke-sessions, with: {role: "${role}"}, approval: "apps using the role fail"}
  - {id: tag, phase: recover, action: tag-resources, with: {user: "${user}", tags: {case: "${incident_id}"}}}
"#;

    fn make() -> Plan {
        let pb = crate::playbook::parse("p.yml", BOOK).unwrap();
        let f = json!({"rule": "r1", "fingerprint": "fp", "resource": {"kind": "k", "id": "arn:aws:iam::1:user/bob"}});
        let b = bind(&pb, "f.json", &f, None, &BTreeMap::new()).unwrap();
        plan(&pb, b, "inc-1")
    }

    #[test]
    fn steps_keep_order_and_resolve_inputs() {
        let p = make();
        let ids: Vec<&str> = p.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["keep", "keys", "sessions", "tag"]);
        assert_eq!(p.steps[1].params.get("user"), Some(&json!("bob")));
        assert!(!p.steps[1].params.contains_key("access_key_id"));
        assert_eq!(
            p.steps[3].params.get("tags"),
            Some(&json!({"case": "inc-1"}))
        );
    }

    #[test]
    fn unbound_required_parameter_skips_the_step() {
        let p = make();
        let s = &p.steps[2];
        assert!(s.skip.is_some(), "{s:?}");
        assert!(s.calls.is_empty());
        assert!(p.steps[1].skip.is_none());
    }

    #[test]
    fn static_plan_text_shows_every_call() {
        let p = make();
        let text = p.to_string();
        assert!(
            text.contains("[evidence]") && text.contains("[recover]"),
            "{text}"
        );
        assert!(
            text.contains("change iam:UpdateAccessKey UserName=bob"),
            "{text}"
        );
        assert!(
            text.contains("read   iam:ListAccessKeys UserName=bob"),
            "{text}"
        );
        assert!(text.contains("skipped:"), "{text}");
        assert!(text.contains("static plan"), "{text}");
        assert!(p.changes() >= 2);
    }

    #[test]
    fn incident_ids() {
        let a = default_incident_id("p", "fp");
        assert_eq!(a, default_incident_id("p", "fp"));
        assert_ne!(a, default_incident_id("p", "fp2"));
        assert!(valid_incident_id(&a));
        assert!(!valid_incident_id("a b"));
        assert!(!valid_incident_id(""));
    }
}
