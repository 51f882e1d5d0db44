//! The Terraform source: a folder of `.tf` files (one root module) with its
//! variables, mapped into the same model the snapshot fills.
//!
//! * Variables: `default`, then `terraform.tfvars`, `*.auto.tfvars`
//!   (alphabetical), `--var-file` and `--var`, later ones winning, as
//!   Terraform orders them. A variable with no value is unknown
//!   (`var.x is not set`), and so is everything computed from it.
//! * Locals, references between resources, `count`, `for_each`, `dynamic`
//!   blocks, templates and the common functions are evaluated
//!   ([`eval`], [`funcs`]). Attributes AWS computes at apply time are
//!   unknown; a resource's `id` and `arn` stand for its address so that
//!   references join (an `aws_security_group_rule` to its group).
//! * Coverage: a Terraform configuration describes part of an account, so
//!   no service is marked as collected and rules about whole regions or
//!   accounts report *not assessed*. Settings of one resource declared in
//!   the same configuration (a bucket's logging, versioning, policy and
//!   public access block, a secret's rotation) are joined to it; when the
//!   configuration declares none, the setting is taken as absent, because
//!   Terraform manages that resource's settings and would remove one set
//!   elsewhere.
//! * Locations: every resource carries the file and line of its block;
//!   security group rules carry the line of their own block.

pub mod eval;
pub mod funcs;
pub(crate) mod map;
pub mod parse;
pub mod plan;
pub mod value;

use crate::{LoadOptions, Loaded};
use eval::Module;
use parse::File;
use pillar_model::Skipped;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use value::V;

/// Whether a folder holds `.tf` files (it is a Terraform module).
pub fn is_module_dir(dir: &Path) -> bool {
    tf_files(dir).next().is_some()
}

fn tf_files(dir: &Path) -> impl Iterator<Item = PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    files.into_iter()
}

/// Read a file within the size limit, as text.
fn read_text(path: &Path, opts: &LoadOptions) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > opts.max_file_bytes {
        return Err(format!(
            "larger than the {} MiB limit",
            opts.max_file_bytes / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.contains(&0) {
        return Err("binary file, not HCL".to_owned());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    // A byte-order mark is not part of the text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

fn parse_file(path: &Path, opts: &LoadOptions, loaded: &mut Loaded) -> Option<File> {
    let display = path.display().to_string();
    let text = match read_text(path, opts) {
        Ok(t) => t,
        Err(why) => {
            loaded.skipped.push(Skipped::new(display, why));
            return None;
        }
    };
    match parse::parse(&display, &text) {
        Ok(f) => {
            loaded.files_read += 1;
            Some(f)
        }
        Err(e) => {
            loaded.skipped.push(
                Skipped::new(display, format!("invalid HCL: {}", e.message))
                    .at(Some(e.line), Some(e.column)),
            );
            None
        }
    }
}

/// Load one module folder.
pub fn load(dir: &Path, opts: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let files: Vec<File> = tf_files(dir)
        .filter_map(|p| parse_file(&p, opts, &mut loaded))
        .collect();
    if files.is_empty() {
        return loaded;
    }
    let vars = resolve_vars(dir, &files, opts, &mut loaded);
    let module = Module::new(dir.to_path_buf(), files, vars);
    for f in &module.files {
        for b in &f.blocks {
            if b.ident == "module" {
                let source = b
                    .attr("source")
                    .and_then(|a| match &a.expr {
                        hcl::Expression::String(s) => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let name = b.labels.first().cloned().unwrap_or_default();
                let kind = if source.starts_with("./") || source.starts_with("../") {
                    "local modules are not scanned yet"
                } else {
                    "remote modules are not downloaded or scanned"
                };
                loaded.skipped.push(
                    Skipped::new(
                        f.display.clone(),
                        format!("module.{name} (source {source:?}): {kind}"),
                    )
                    .at(Some(b.line), None),
                );
            }
        }
    }
    map::map_module(&module, &mut loaded.inventory);
    loaded.sources.push(format!("terraform {}", dir.display()));
    loaded
}

/// Resolve input variables in Terraform's order of precedence.
fn resolve_vars(
    dir: &Path,
    files: &[File],
    opts: &LoadOptions,
    loaded: &mut Loaded,
) -> BTreeMap<String, V> {
    let empty = Module::default();
    let scope = eval::Scope::default();
    let mut vars = BTreeMap::new();
    for f in files {
        for b in f.blocks.iter().filter(|b| b.ident == "variable") {
            let Some(name) = b.labels.first() else {
                continue;
            };
            let v = match b.attr("default") {
                Some(a) => empty.eval(&a.expr, &scope, 0),
                None => V::Unknown(format!("var.{name} is not set")),
            };
            vars.insert(name.clone(), v);
        }
    }
    let mut tfvars: Vec<PathBuf> = Vec::new();
    let main = dir.join("terraform.tfvars");
    if main.is_file() {
        tfvars.push(main);
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".auto.tfvars"))
        })
        .collect();
    auto.sort();
    tfvars.extend(auto);
    tfvars.extend(opts.tf_var_files.iter().cloned());
    for path in tfvars {
        let Some(f) = parse_file(&path, opts, loaded) else {
            continue;
        };
        for a in &f.attrs {
            vars.insert(a.name.clone(), empty.eval(&a.expr, &scope, 0));
        }
    }
    for (k, v) in &opts.tf_vars {
        vars.insert(k.clone(), parse_cli_value(v));
    }
    vars
}

/// A `--var` value: HCL when it is a list or object, else a string.
fn parse_cli_value(v: &str) -> V {
    let t = v.trim_start();
    if t.starts_with('[') || t.starts_with('{') {
        if let Ok(f) = parse::parse("--var", &format!("x = {v}\n")) {
            if let Some(a) = f.attrs.first() {
                return Module::default().eval(&a.expr, &eval::Scope::default(), 0);
            }
        }
    }
    V::Str(v.to_owned())
}
