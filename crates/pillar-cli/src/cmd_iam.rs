//! `pillar iam`: exact IAM request evaluation over a snapshot or a case file,
//! who-can queries, privilege-escalation paths, and policy lint.

use crate::args::{
    IamActionsArgs, IamArgs, IamCommand, IamEscalationArgs, IamFormat, IamLintArgs,
    IamSimulateArgs, IamWhoCanArgs,
};
use anyhow::{bail, Context as _};
use pillar_iam::inventory::IamModel;
use pillar_iam::{decision_json, Case, CtxValue, Decision, Request, RequestPrincipal};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// An account id no real account has, standing for "any other account".
const ANY_ACCOUNT: &str = "000000000000";

pub fn run(args: &IamArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        IamCommand::Simulate(a) => simulate(a),
        IamCommand::WhoCan(a) => who_can(a),
        IamCommand::Lint(a) => lint(a),
        IamCommand::Escalation(a) => escalation(a),
        IamCommand::Actions(a) => actions(a),
    }
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to standard output"),
    }
}

fn load_model(paths: &[PathBuf]) -> anyhow::Result<IamModel> {
    load(paths).map(|(_, m)| m)
}

fn load(paths: &[PathBuf]) -> anyhow::Result<(pillar_model::Inventory, IamModel)> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let loaded = pillar_sources::load_paths(&paths, &pillar_sources::LoadOptions::default());
    for s in &loaded.skipped {
        eprintln!("skipped: {s}");
    }
    if loaded.files_read == 0 {
        bail!("nothing could be read from {}", shown_paths(&paths));
    }
    let model = IamModel::build(&loaded.inventory);
    for p in &model.problems {
        eprintln!("warning: {p}");
    }
    Ok((loaded.inventory, model))
}

fn shown_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return ".".into();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn actions(a: &IamActionsArgs) -> anyhow::Result<ExitCode> {
    let catalog = pillar_iam::catalog::Catalog::builtin();
    let mut rows = Vec::new();
    let mut text = String::new();
    let mut none = 0usize;
    for p in &a.patterns {
        let found = catalog.expand(p);
        if found.is_empty() {
            none += 1;
            text.push_str(&format!("{p}: matches no action\n"));
        }
        for action in found {
            let level = catalog
                .access_level(&action)
                .map(|l| l.label())
                .unwrap_or_default();
            text.push_str(&format!("{action}\t{level}\n"));
            rows.push(json!({"pattern": p, "action": action, "access_level": level}));
        }
    }
    match a.format {
        IamFormat::Json => print(&format!("{}\n", serde_json::to_string_pretty(&rows)?))?,
        IamFormat::Text => print(&text)?,
    }
    Ok(if none > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn escalation(a: &IamEscalationArgs) -> anyhow::Result<ExitCode> {
    let (inv, model) = load(&a.paths)?;
    let graph = pillar_iam::escalation::Graph::build(&model, &inv);
    // Without the account's IAM data (iam-get-account-authorization-details.json
    // missing or unreadable) "nobody can escalate" would be a guess: say so.
    let iam_read = inv.covers_any(pillar_model::Service::Iam);
    if !iam_read && graph.nodes.is_empty() {
        eprintln!(
            "IAM not assessed: no IAM users or roles were read from {} (iam-get-account-authorization-details.json missing or unreadable); no escalation paths can be judged",
            shown_paths(&a.paths)
        );
        return Ok(ExitCode::from(2));
    }
    let mut paths = graph.paths();
    if let Some(p) = &a.principal {
        paths.retain(|x| &x.principal == p);
    }
    paths.sort_by(|x, y| {
        x.steps
            .len()
            .cmp(&y.steps.len())
            .then_with(|| x.principal.cmp(&y.principal))
    });
    let admins: Vec<&pillar_iam::escalation::Node> = graph.admins().collect();
    match a.format {
        IamFormat::Json => {
            let doc = json!({
                "iam_assessed": iam_read,
                "principals": graph.nodes.len(),
                "administrators": admins,
                "paths": paths,
                "edges": graph.edges,
                "self_grants": graph.self_grants,
            });
            print(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
        }
        IamFormat::Text => {
            let mut t = format!("administrators ({}):\n", admins.len());
            for n in &admins {
                t.push_str(&format!(
                    "  {}  ({})\n",
                    n.arn,
                    n.admin.as_deref().unwrap_or_default()
                ));
            }
            t.push_str(&format!("\ncan become administrator ({}):\n", paths.len()));
            for p in &paths {
                let n = p.steps.len();
                let to = if p.admin == p.principal {
                    "administrator access".to_owned()
                } else {
                    p.admin.clone()
                };
                t.push_str(&format!(
                    "  {}  ({n} step{} to {to})\n",
                    p.principal,
                    if n == 1 { "" } else { "s" }
                ));
                for (i, s) in p.steps.iter().enumerate() {
                    t.push_str(&format!(
                        "      {}. {} [{}]\n",
                        i + 1,
                        s.detail,
                        s.actions.join(", ")
                    ));
                }
            }
            if paths.is_empty() {
                t.push_str("  nobody\n");
            }
            if !iam_read {
                t.push_str("\nnote: the account's IAM data (iam-get-account-authorization-details.json) was not read; only the principals defined in the sources above are judged\n");
            }
            let others = graph.nodes.len() - admins.len() - paths.len();
            t.push_str(&format!(
                "\n{others} other principal(s) have no path to administrator access (grants that need MFA, a source IP or other request context are not taken)\n"
            ));
            print(&t)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `KEY=VALUE` pairs; a key given more than once becomes multivalued.
fn context(pairs: &[String]) -> anyhow::Result<Vec<(String, CtxValue)>> {
    let mut out: Vec<(String, CtxValue)> = Vec::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            bail!("--context {p:?}: expected KEY=VALUE");
        };
        let k = k.trim();
        match out.iter_mut().find(|(key, _)| key.eq_ignore_ascii_case(k)) {
            Some((_, CtxValue::One(first))) => {
                let first = std::mem::take(first);
                if let Some((_, slot)) = out.iter_mut().find(|(key, _)| key.eq_ignore_ascii_case(k))
                {
                    *slot = CtxValue::Many(vec![first, v.to_owned()]);
                }
            }
            Some((_, CtxValue::Many(list))) => list.push(v.to_owned()),
            None => out.push((k.to_owned(), CtxValue::One(v.to_owned()))),
        }
    }
    Ok(out)
}

fn where_text(s: &pillar_iam::eval::Decider<'_>) -> String {
    let line = if s.statement.line > 0 {
        Some(s.statement.line)
    } else {
        s.policy.origin_line
    };
    match (&s.policy.file, line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f.clone(),
        _ => String::new(),
    }
}

fn decision_text(d: &Decision<'_>, headline: &str) -> String {
    let mut s = format!("{}: {headline}\n  why: {}\n", d.outcome, d.reason);
    if !d.blocked_by.is_empty() {
        let kinds: Vec<&str> = d.blocked_by.iter().map(|k| k.label()).collect();
        s.push_str(&format!("  blocked by: {}\n", kinds.join(", ")));
    }
    if !d.statements.is_empty() {
        s.push_str("  deciding statements:\n");
        for st in &d.statements {
            let sid = st
                .statement
                .sid
                .as_deref()
                .map(|x| format!(" (Sid {x})"))
                .unwrap_or_default();
            let at = where_text(st);
            let at = if at.is_empty() {
                String::new()
            } else {
                format!("  at {at}")
            };
            s.push_str(&format!(
                "    {:<5} {:<8} {} statement {}{sid}{at}\n",
                st.statement.effect.to_string(),
                st.kind.label(),
                st.policy.name,
                st.statement.index,
            ));
        }
    }
    s
}

fn simulate(a: &IamSimulateArgs) -> anyhow::Result<ExitCode> {
    if let Some(case) = &a.case {
        return simulate_cases(case);
    }
    let (Some(principal), Some(action), Some(resource)) = (&a.principal, &a.action, &a.resource)
    else {
        bail!(
            "give --case CASE.json, or --principal, --action and --resource (with --snapshot DIR)"
        );
    };
    let model = load_model(&a.snapshot)?;
    let mut req = Request::new(principal, action, resource);
    req.resource_account = model.resource_account(resource);
    for (k, v) in context(&a.context)? {
        req.context.insert(&k, v);
    }
    model.fill_principal_context(&mut req);
    let (d, notes) = model.simulate(&req);
    match a.format {
        IamFormat::Json => {
            let mut v = decision_json(&d);
            if let Value::Object(m) = &mut v {
                m.insert(
                    "request".into(),
                    json!({"principal": principal, "action": action, "resource": resource}),
                );
                m.insert("notes".into(), json!(notes));
            }
            print(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        }
        IamFormat::Text => {
            let mut s = decision_text(&d, &format!("{principal} → {action} on {resource}"));
            for n in &notes {
                s.push_str(&format!("  note: {n}\n"));
            }
            print(&s)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn simulate_cases(path: &Path) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let v: Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid json", path.display()))?;
    let (cases, single) = match v {
        Value::Array(items) => (items, false),
        other => (vec![other], true),
    };
    let mut out = Vec::with_capacity(cases.len());
    let mut mismatches = 0usize;
    for c in &cases {
        let case = Case::from_json(c).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let d = case.run();
        let mut r = decision_json(&d);
        if let Value::Object(m) = &mut r {
            m.insert("name".into(), json!(case.name));
            if let Some(exp) = &case.expected {
                let ok = *exp == d.outcome.to_string();
                if !ok {
                    mismatches += 1;
                }
                m.insert("expected".into(), json!(exp));
                m.insert("matches".into(), json!(ok));
            }
        }
        out.push(r);
    }
    let doc = if single {
        out.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(out)
    };
    print(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    if mismatches > 0 {
        eprintln!("{mismatches} case(s) differ from their expected response");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn who_can(a: &IamWhoCanArgs) -> anyhow::Result<ExitCode> {
    let model = load_model(&a.paths)?;
    let ctx = context(&a.context)?;
    let account = model.resource_account(&a.resource);
    let mut principals: Vec<String> = model.principals().iter().map(|s| s.to_string()).collect();
    // Principals of other accounts: those the resource's policies name, and
    // one standing for any other account (their own policies are unknown and
    // taken to allow everything).
    for acct in model.external_accounts_named(&a.resource) {
        principals.push(format!("arn:aws:iam::{acct}:role/any-role"));
    }
    principals.push(format!("arn:aws:iam::{ANY_ACCOUNT}:role/any-role"));
    principals.push(String::new()); // anonymous
    let mut rows = Vec::new();
    let mut text = format!("who can {} on {}:\n", a.action, a.resource);
    for p in &principals {
        let mut req = Request::new(p, &a.action, &a.resource);
        if p.is_empty() {
            req.principal = RequestPrincipal::anonymous();
        }
        req.resource_account = account.clone();
        for (k, v) in &ctx {
            req.context.insert(k, v.clone());
        }
        model.fill_principal_context(&mut req);
        let (d, _) = model.simulate(&req);
        if d.outcome != pillar_iam::Outcome::Allowed {
            continue;
        }
        let shown = if p.is_empty() {
            "anonymous (anyone)".to_owned()
        } else if p.contains(ANY_ACCOUNT) {
            "any principal of any other AWS account".to_owned()
        } else if let Some(acct) = p.strip_suffix(":role/any-role") {
            format!(
                "any principal of account {}",
                acct.trim_start_matches("arn:aws:iam::")
            )
        } else {
            p.clone()
        };
        let how: Vec<String> = d
            .statements
            .iter()
            .map(|s| {
                let sid = s
                    .statement
                    .sid
                    .as_deref()
                    .map(|x| format!(" Sid {x}"))
                    .unwrap_or_default();
                format!(
                    "{} {} statement {}{sid}",
                    s.kind.label(),
                    s.policy.name,
                    s.statement.index
                )
            })
            .collect();
        text.push_str(&format!("  {shown}\n"));
        for h in &how {
            text.push_str(&format!("      via {h}\n"));
        }
        let mut j = decision_json(&d);
        if let Value::Object(m) = &mut j {
            m.insert("principal".into(), json!(shown));
        }
        rows.push(j);
    }
    if rows.is_empty() {
        text.push_str("  nobody\n");
    }
    text.push_str("  (conditions are evaluated against the given --context only; principals of other accounts are assumed to be allowed everything by their own account)\n");
    match a.format {
        IamFormat::Json => print(&format!("{}\n", serde_json::to_string_pretty(&rows)?))?,
        IamFormat::Text => print(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Lint codes about what a policy grants.
const GRANT_CODES: &[&str] = &[
    "full-admin",
    "public-principal",
    "privilege-escalation",
    "credentials-exposure",
    "allow-not-action",
    "allow-not-resource",
];

fn lint(a: &IamLintArgs) -> anyhow::Result<ExitCode> {
    if a.files.is_empty() {
        bail!("give one or more policy files");
    }
    let mut findings = Vec::new();
    let mut errors = 0usize;
    for f in &a.files {
        let shown = f.display().to_string();
        if f.is_dir() {
            // A snapshot (or a folder of them): lint every policy it holds.
            let model = load_model(std::slice::from_ref(f))?;
            for p in &model.problems {
                if p.contains("policy document not known") || p.contains("not in the inventory") {
                    continue;
                }
                errors += 1;
                findings.push(json!({"file": shown, "level": "error", "code": "invalid-policy", "message": p}));
            }
            for p in model.policies() {
                // VPC endpoint policies only limit: their `Principal: *` or
                // `Action: *` grants nothing, so grant warnings do not apply.
                let limits_only = model.grants_nothing(p);
                for l in pillar_iam::lint::lint(p) {
                    if limits_only && GRANT_CODES.contains(&l.code) {
                        continue;
                    }
                    let file = p.file.clone().unwrap_or_else(|| shown.clone());
                    let line = if l.line > 0 {
                        Some(l.line)
                    } else {
                        p.origin_line
                    };
                    findings.push(json!({"file": file, "line": line, "path": format!("{} {}", p.name, l.path), "level": "warning", "code": l.code, "message": l.message}));
                }
            }
            continue;
        }
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                errors += 1;
                findings.push(json!({"file": shown, "level": "error", "code": "unreadable", "message": format!("cannot read: {e}")}));
                continue;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            errors += 1;
            findings.push(json!({"file": shown, "level": "error", "code": "not-utf8", "message": "not UTF-8 text"}));
            continue;
        };
        match pillar_iam::Policy::parse(&text, Some(&shown)) {
            Err(e) => {
                errors += 1;
                findings.push(json!({"file": shown, "line": e.line, "path": e.path, "level": "error", "code": "invalid-policy", "message": e.message}));
            }
            Ok(p) => {
                for l in pillar_iam::lint::lint(&p) {
                    findings.push(json!({"file": shown, "line": l.line, "path": l.path, "level": "warning", "code": l.code, "message": l.message}));
                }
            }
        }
    }
    match a.format {
        IamFormat::Json => print(&format!("{}\n", serde_json::to_string_pretty(&findings)?))?,
        IamFormat::Text => {
            let mut s = String::new();
            for f in &findings {
                let line = f["line"]
                    .as_u64()
                    .filter(|l| *l > 0)
                    .map(|l| format!(":{l}"))
                    .unwrap_or_default();
                let path = f["path"]
                    .as_str()
                    .map(|p| format!(" {p}"))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "{}{line}:{path} {} [{}] {}\n",
                    f["file"].as_str().unwrap_or_default(),
                    f["level"].as_str().unwrap_or_default(),
                    f["code"].as_str().unwrap_or_default(),
                    f["message"].as_str().unwrap_or_default()
                ));
            }
            s.push_str(&format!(
                "{} file(s), {errors} error(s), {} warning(s)\n",
                a.files.len(),
                findings.len() - errors
            ));
            print(&s)?;
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
