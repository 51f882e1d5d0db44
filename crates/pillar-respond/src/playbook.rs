//! The playbook model and its loader. A playbook is YAML:
//!
//! ```yaml
//! id: compromised-access-key
//! title: Compromised IAM access key
//! trigger:
//!   rules: [iam-access-key-not-rotated, cloudtrail-console-login-without-mfa]
//!   resource_kinds: [AWS::IAM::User, AWS::IAM::Principal]
//! inputs:
//!   user:
//!     from: [resource.id, evidence.user]
//!     as: iam-user-name
//! steps:
//!   - id: deactivate-keys
//!     phase: contain
//!     action: deactivate-access-keys
//!     with: {user: "${user}"}
//!     on_failure: stop
//! ```
//!
//! See docs/playbooks.md for every field and action.

use crate::action::Action;
use crate::bind::Transform;
use crate::yaml::{self, Kind, Node};
use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::path::Path;

/// Largest playbook file read.
const MAX_BYTES: u64 = 1 << 20;

/// The incident-response phases, in the order steps run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Keep what an investigation needs before anything changes.
    Evidence,
    /// Stop the damage from spreading.
    Contain,
    /// Remove what the attacker left or used.
    Eradicate,
    /// Return to normal operation.
    Recover,
}

impl Phase {
    /// Every phase in order.
    pub const ALL: [Phase; 4] = [
        Phase::Evidence,
        Phase::Contain,
        Phase::Eradicate,
        Phase::Recover,
    ];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Evidence => "evidence",
            Phase::Contain => "contain",
            Phase::Eradicate => "eradicate",
            Phase::Recover => "recover",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happens when a step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnFailure {
    /// Stop the run (the default): later steps may depend on this one.
    Stop,
    /// Record the failure and go on with the next step.
    Continue,
}

/// When a playbook applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Trigger {
    /// Rule ids (posture, detection or secrets) whose findings trigger it.
    pub rules: Vec<String>,
    /// Resource kinds accepted; empty means any.
    pub resource_kinds: Vec<String>,
    /// Line of each rule id, for messages.
    #[serde(skip)]
    pub rule_lines: Vec<usize>,
}

/// An input taken from the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputDef {
    /// Name used as `${name}` in steps.
    pub name: String,
    /// Paths into the finding, tried in order (`resource.id`, `evidence.user`).
    pub from: Vec<String>,
    /// How to turn the value into what the action needs.
    pub transform: Option<Transform>,
    /// Whether binding fails without it.
    pub required: bool,
    /// Used when no path gives a value.
    pub default: Option<String>,
    /// What it is.
    pub description: String,
    /// Line of its definition.
    pub line: usize,
}

/// One step of a playbook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Unique id within the playbook.
    pub id: String,
    /// Incident-response phase.
    pub phase: Phase,
    /// What it does.
    pub action: Action,
    /// Parameters; strings may hold `${input}` references.
    pub with: Map<String, Value>,
    /// When set, `--apply` stops before this step unless `--yes` is given;
    /// the text says why a person should confirm.
    pub approval: Option<String>,
    /// What a failure does to the run.
    pub on_failure: OnFailure,
    /// Why the step is there.
    pub description: String,
    /// Line of the step.
    pub line: usize,
}

/// A loaded, checked playbook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Playbook {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Longer description.
    pub description: String,
    /// The file it came from.
    pub file: String,
    /// SHA-256 of the file's bytes, recorded in the audit log.
    pub sha256: String,
    /// When it applies.
    pub trigger: Trigger,
    /// Inputs bound from the finding.
    pub inputs: Vec<InputDef>,
    /// Steps in order.
    pub steps: Vec<Step>,
}

/// Read and check a playbook file.
pub fn load(path: &Path) -> Result<Playbook, Error> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::Io(file.clone(), e.to_string()))?;
    if meta.len() > MAX_BYTES {
        return Err(Error::at(
            &file,
            1,
            format!("file larger than {MAX_BYTES} bytes"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::Io(file.clone(), e.to_string()))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Error::at(
            &file,
            line_of_byte(&bytes, e.valid_up_to()),
            "not UTF-8 text",
        )
    })?;
    parse(&file, text)
}

fn line_of_byte(bytes: &[u8], at: usize) -> usize {
    1 + bytes.iter().take(at).filter(|b| **b == b'\n').count()
}

/// Parse a playbook from text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Playbook, Error> {
    let root = yaml::parse(text).map_err(|e| Error::at(file, e.line, e.message))?;
    let p = Parser { file };
    p.playbook(&root, crate::audit::sha256_hex(text.as_bytes()))
}

struct Parser<'a> {
    file: &'a str,
}

type Entries<'n> = &'n [(String, usize, Node)];

impl Parser<'_> {
    fn err(&self, line: usize, msg: impl Into<String>) -> Error {
        Error::at(self.file, line, msg)
    }

    fn map<'n>(&self, n: &'n Node, what: &str) -> Result<Entries<'n>, Error> {
        match &n.kind {
            Kind::Map(m) => Ok(m),
            _ => Err(self.err(
                n.line,
                format!("{what} must be a mapping, found {}", n.type_name()),
            )),
        }
    }

    fn only_keys(&self, m: Entries<'_>, allowed: &[&str], what: &str) -> Result<(), Error> {
        for (k, line, _) in m {
            if !allowed.contains(&k.as_str()) {
                return Err(self.err(
                    *line,
                    format!(
                        "unknown key `{k}` in {what} (expected one of: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn string(&self, n: &Node, what: &str) -> Result<String, Error> {
        n.scalar_text()
            .filter(|_| !matches!(n.kind, Kind::Null))
            .ok_or_else(|| {
                self.err(
                    n.line,
                    format!("{what} must be a string, found {}", n.type_name()),
                )
            })
    }

    fn strings(&self, n: &Node, what: &str) -> Result<Vec<(String, usize)>, Error> {
        match &n.kind {
            Kind::Seq(items) => items
                .iter()
                .map(|i| Ok((self.string(i, what)?, i.line)))
                .collect(),
            _ => Ok(vec![(self.string(n, what)?, n.line)]),
        }
    }

    fn playbook(&self, root: &Node, sha256: String) -> Result<Playbook, Error> {
        let m = self.map(root, "a playbook")?;
        self.only_keys(
            m,
            &["id", "title", "description", "trigger", "inputs", "steps"],
            "the playbook",
        )?;
        let get = |k: &str| m.iter().find(|(key, _, _)| key == k).map(|(_, _, v)| v);
        let need = |k: &str| get(k).ok_or_else(|| self.err(root.line, format!("missing `{k}`")));
        let id = self.string(need("id")?, "`id`")?;
        if !is_kebab(&id) {
            return Err(self.err(
                need("id")?.line,
                format!("`id` must be kebab-case, found `{id}`"),
            ));
        }
        let title = self.string(need("title")?, "`title`")?;
        let description = match get("description") {
            Some(n) => self.string(n, "`description`")?,
            None => String::new(),
        };
        let trigger = self.trigger(need("trigger")?)?;
        let inputs = match get("inputs") {
            Some(n) => self.inputs(n)?,
            None => Vec::new(),
        };
        let steps = self.steps(need("steps")?, &inputs)?;
        Ok(Playbook {
            id,
            title,
            description,
            file: self.file.to_owned(),
            sha256,
            trigger,
            inputs,
            steps,
        })
    }

    fn trigger(&self, n: &Node) -> Result<Trigger, Error> {
        let m = self.map(n, "`trigger`")?;
        self.only_keys(m, &["rules", "resource_kinds"], "`trigger`")?;
        let mut t = Trigger::default();
        for (k, _, v) in m {
            let list = self.strings(v, &format!("`trigger.{k}`"))?;
            if k == "rules" {
                for (r, line) in list {
                    t.rules.push(r);
                    t.rule_lines.push(line);
                }
            } else {
                t.resource_kinds = list.into_iter().map(|(s, _)| s).collect();
            }
        }
        if t.rules.is_empty() {
            return Err(self.err(n.line, "`trigger.rules` must name at least one rule id"));
        }
        Ok(t)
    }

    fn inputs(&self, n: &Node) -> Result<Vec<InputDef>, Error> {
        let m = self.map(n, "`inputs`")?;
        let mut out = Vec::new();
        for (name, line, v) in m {
            if !is_ident(name) {
                return Err(self.err(
                    *line,
                    format!("input name `{name}` must be letters, digits and `_`"),
                ));
            }
            let spec = self.map(v, &format!("input `{name}`"))?;
            self.only_keys(
                spec,
                &["from", "as", "required", "default", "description"],
                &format!("input `{name}`"),
            )?;
            let mut def = InputDef {
                name: name.clone(),
                from: Vec::new(),
                transform: None,
                required: true,
                default: None,
                description: String::new(),
                line: *line,
            };
            for (k, kline, val) in spec {
                match k.as_str() {
                    "from" => {
                        for (path, pline) in self.strings(val, "`from`")? {
                            crate::bind::check_path(&path)
                                .map_err(|e| self.err(pline, format!("input `{name}`: {e}")))?;
                            def.from.push(path);
                        }
                    }
                    "as" => {
                        let t = self.string(val, "`as`")?;
                        def.transform = Some(Transform::parse(&t).ok_or_else(|| {
                            self.err(
                                *kline,
                                format!(
                                    "input `{name}`: unknown transform `{t}` (expected one of: {})",
                                    Transform::names().join(", ")
                                ),
                            )
                        })?);
                    }
                    "required" => {
                        def.required = match val.kind {
                            Kind::Bool(b) => b,
                            _ => return Err(self.err(val.line, "`required` must be true or false")),
                        }
                    }
                    "default" => def.default = Some(self.string(val, "`default`")?),
                    _ => def.description = self.string(val, "`description`")?,
                }
            }
            if def.from.is_empty() && def.default.is_none() {
                return Err(self.err(*line, format!("input `{name}` needs `from` or `default`")));
            }
            out.push(def);
        }
        Ok(out)
    }

    fn steps(&self, n: &Node, inputs: &[InputDef]) -> Result<Vec<Step>, Error> {
        let Kind::Seq(items) = &n.kind else {
            return Err(self.err(
                n.line,
                format!("`steps` must be a list, found {}", n.type_name()),
            ));
        };
        if items.is_empty() {
            return Err(self.err(n.line, "`steps` is empty"));
        }
        let mut out: Vec<Step> = Vec::new();
        for item in items {
            let step = self.step(item, inputs)?;
            if out.iter().any(|s| s.id == step.id) {
                return Err(self.err(step.line, format!("duplicate step id `{}`", step.id)));
            }
            if let Some(prev) = out.last() {
                if step.phase < prev.phase {
                    return Err(self.err(
                        step.line,
                        format!(
                            "step `{}` is in phase {} after step `{}` in phase {}: steps run in the order evidence, contain, eradicate, recover",
                            step.id, step.phase, prev.id, prev.phase
                        ),
                    ));
                }
            }
            out.push(step);
        }
        Ok(out)
    }

    fn step(&self, n: &Node, inputs: &[InputDef]) -> Result<Step, Error> {
        let m = self.map(n, "a step")?;
        self.only_keys(
            m,
            &[
                "id",
                "phase",
                "action",
                "with",
                "approval",
                "on_failure",
                "description",
            ],
            "a step",
        )?;
        let get = |k: &str| m.iter().find(|(key, _, _)| key == k).map(|(_, _, v)| v);
        let need = |k: &str| get(k).ok_or_else(|| self.err(n.line, format!("step: missing `{k}`")));
        let id = self.string(need("id")?, "step `id`")?;
        if !is_kebab(&id) {
            return Err(self.err(
                need("id")?.line,
                format!("step id must be kebab-case, found `{id}`"),
            ));
        }
        let phase_node = need("phase")?;
        let phase_text = self.string(phase_node, "`phase`")?;
        let phase = Phase::ALL
            .into_iter()
            .find(|p| p.as_str() == phase_text)
            .ok_or_else(|| {
                self.err(
                    phase_node.line,
                    format!("step `{id}`: unknown phase `{phase_text}` (expected evidence, contain, eradicate or recover)"),
                )
            })?;
        let action_node = need("action")?;
        let action_text = self.string(action_node, "`action`")?;
        let action = Action::parse(&action_text).ok_or_else(|| {
            self.err(
                action_node.line,
                format!(
                    "step `{id}`: unknown action `{action_text}` (expected one of: {})",
                    Action::ALL.map(Action::as_str).join(", ")
                ),
            )
        })?;
        let mut with = Map::new();
        if let Some(w) = get("with") {
            for (k, kline, v) in self.map(w, "`with`")? {
                let Some(spec) = action.params().iter().find(|p| p.name == k) else {
                    return Err(self.err(
                        *kline,
                        format!(
                            "step `{id}`: action {action} has no parameter `{k}` (it takes: {})",
                            action
                                .params()
                                .iter()
                                .map(|p| p.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                };
                let value = v.to_json();
                for r in crate::bind::references(&value) {
                    if !inputs.iter().any(|i| i.name == r) {
                        return Err(self.err(
                            v.line,
                            format!(
                                "step `{id}`: `{}` refers to undefined input `{r}`",
                                spec.name
                            ),
                        ));
                    }
                }
                with.insert(k.clone(), value);
            }
        }
        for p in action.params() {
            if p.required && !with.contains_key(p.name) {
                return Err(self.err(
                    n.line,
                    format!(
                        "step `{id}`: action {action} needs `{}` ({})",
                        p.name, p.help
                    ),
                ));
            }
        }
        action
            .check_params(&with)
            .map_err(|e| self.err(n.line, format!("step `{id}`: action {action} {e}")))?;
        let approval = match get("approval") {
            None => None,
            Some(a) => match &a.kind {
                Kind::Bool(false) | Kind::Null => None,
                Kind::Bool(true) => Some("confirm before this step runs".to_owned()),
                _ => Some(self.string(a, "`approval`")?),
            },
        };
        let on_failure = match get("on_failure") {
            None => OnFailure::Stop,
            Some(o) => match self.string(o, "`on_failure`")?.as_str() {
                "stop" => OnFailure::Stop,
                "continue" => OnFailure::Continue,
                other => {
                    return Err(self.err(
                        o.line,
                        format!("`on_failure` is `stop` or `continue`, found `{other}`"),
                    ))
                }
            },
        };
        let description = match get("description") {
            Some(d) => self.string(d, "`description`")?,
            None => String::new(),
        };
        Ok(Step {
            id,
            phase,
            action,
            with,
            approval,
            on_failure,
            description,
            line: n.line,
        })
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id: test-book
title: Test
trigger:
  rules: [iam-access-key-not-rotated]
inputs:
  user:
    from: [resource.id]
    as: iam-user-name
steps:
  - id: keep
    phase: evidence
    action: capture-evidence
    with: {user: "${user}"}
  - id: keys
    phase: contain
    action: deactivate-access-keys
    with: {user: "${user}"}
    approval: keys in use by production stop working
    on_failure: continue
"#;

    #[test]
    fn parses_a_playbook() {
        let p = parse("t.yml", GOOD).unwrap();
        assert_eq!(p.id, "test-book");
        assert_eq!(p.steps.len(), 2);
        assert_eq!(p.steps[1].phase, Phase::Contain);
        assert_eq!(p.steps[1].on_failure, OnFailure::Continue);
        assert!(p.steps[1].approval.is_some());
        assert_eq!(p.steps[0].line, 11);
        assert_eq!(p.inputs[0].transform, Some(Transform::IamUserName));
        assert_eq!(p.sha256.len(), 64);
    }

    fn err(text: &str) -> String {
        parse("bad.yml", text).unwrap_err().to_string()
    }

    #[test]
    fn bad_yaml_names_file_and_line() {
        let e = err("id: x\ntitle: [\n");
        assert!(e.starts_with("bad.yml:"), "{e}");
        let e = err(&GOOD.replace("phase: contain", "phase: containment"));
        assert!(e.starts_with("bad.yml:16:"), "{e}");
        assert!(e.contains("unknown phase"), "{e}");
        let e = err(&GOOD.replace("action: deactivate-access-keys", "action: nuke"));
        assert!(
            e.starts_with("bad.yml:17:") && e.contains("unknown action `nuke`"),
            "{e}"
        );
        let e = err(&GOOD.replace("${user}\"}\n    approval", "${usr}\"}\n    approval"));
        assert!(
            e.starts_with("bad.yml:18:") && e.contains("undefined input `usr`"),
            "{e}"
        );
        let e = err(&GOOD.replace(
            "with: {user: \"${user}\"}\n    approval",
            "with: {usr: x}\n    approval",
        ));
        assert!(e.contains("no parameter `usr`"), "{e}");
        let e = err(&GOOD.replace("as: iam-user-name", "as: magic"));
        assert!(
            e.starts_with("bad.yml:9:") && e.contains("unknown transform"),
            "{e}"
        );
        let e = err(&GOOD.replace("  - id: keys\n", "  - id: keep\n"));
        assert!(e.contains("duplicate step id"), "{e}");
    }

    #[test]
    fn phases_must_not_go_back() {
        let text = GOOD.replace("phase: evidence", "phase: recover");
        let e = err(&text);
        assert!(e.starts_with("bad.yml:15:"), "{e}");
        assert!(e.contains("evidence, contain, eradicate, recover"), "{e}");
    }

    #[test]
    fn required_params_and_unknown_keys() {
        let e = err(&GOOD.replace(
            "    with: {user: \"${user}\"}\n    approval",
            "    approval",
        ));
        assert!(e.contains("needs `user`"), "{e}");
        let e = err(&GOOD.replace("title: Test", "title: Test\ncolour: red"));
        assert!(
            e.starts_with("bad.yml:4:") && e.contains("unknown key `colour`"),
            "{e}"
        );
        assert!(err("").contains("must be a mapping"));
        assert!(err("- 1\n").contains("must be a mapping"));
    }
}
