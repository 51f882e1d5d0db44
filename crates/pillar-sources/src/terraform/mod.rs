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
//! * Local modules: loaded with the inputs of each call, one instance per
//!   `count` index or `for_each` key (`module.x[0].`, `module.x["k"].`);
//!   `module.x.out` is the called module's output value (a list of them
//!   with `count`, a map by key with `for_each`). A call whose inputs need
//!   another module's outputs is loaded after that module. Remote modules
//!   are reported as not scanned, and their outputs are unknown.
//! * Locations: every resource carries the file and line of its block;
//!   security group rules carry the line of their own block.

pub mod eval;
pub mod funcs;
pub(crate) mod map;
pub mod parse;
pub mod plan;
pub mod suppress;
pub mod value;

use crate::secret_args::{self, Supplied};
use crate::{LoadOptions, Loaded};
use eval::Module;
use parse::File;
use pillar_model::Skipped;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use value::V;

/// Whether a folder holds `.tf` or `.tf.json` files (it is a Terraform module).
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
        .filter(|p| {
            p.extension().is_some_and(|x| x == "tf")
                || p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".tf.json"))
        })
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
    let json = display.ends_with(".tf.json") || display.ends_with(".tfvars.json");
    let parsed = if json {
        parse::parse_json(&display, &text)
    } else {
        parse::parse(&display, &text)
    };
    match parsed {
        Ok(f) => {
            loaded.files_read += 1;
            Some(f)
        }
        Err(e) => {
            loaded.skipped.push(
                Skipped::new(
                    display,
                    if json {
                        e.message
                    } else {
                        format!("invalid HCL: {}", e.message)
                    },
                )
                .at(Some(e.line), Some(e.column)),
            );
            None
        }
    }
}

/// Deepest chain of local modules followed.
const MAX_MODULE_DEPTH: usize = 16;
/// Arguments of a `module` block that are not inputs.
const MODULE_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Load one module folder (the root module), following local modules.
pub fn load(dir: &Path, opts: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let mut walk = Walk::default();
    if load_module(dir, opts, &Child::root(), &mut walk, &mut loaded).is_some() {
        loaded.sources.push(format!("terraform {}", dir.display()));
    }
    secret_args::settle(&mut loaded.inventory, 0, 0, &walk.origins);
    loaded
}

/// State of one load across its modules: the modules being loaded (to
/// stop cycles) and where the variables' values came from.
#[derive(Default)]
struct Walk {
    stack: Vec<PathBuf>,
    origins: Vec<Supplied>,
}

/// How a module is called: its address prefix, inputs and inherited region.
struct Child {
    prefix: String,
    inputs: Option<BTreeMap<String, V>>,
    region: Option<String>,
}

impl Child {
    fn root() -> Child {
        Child {
            prefix: String::new(),
            inputs: None,
            region: None,
        }
    }
}

/// Folders a module calls as local modules (`source = "./x"`), found by a
/// quick look at its files: those are loaded through their caller, with
/// its inputs, not as root modules of their own.
pub fn local_module_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in tf_files(dir) {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        for line in text.lines() {
            let t = line.trim_start().trim_start_matches('"');
            let Some(rest) = t.strip_prefix("source") else {
                continue;
            };
            let rest = rest.trim_start().trim_start_matches('"').trim_start();
            let Some(rest) = rest.strip_prefix(['=', ':']) else {
                continue;
            };
            let Some(value) = rest.trim().strip_prefix('"') else {
                continue;
            };
            let Some((value, _)) = value.split_once('"') else {
                continue;
            };
            if is_local_source(value) {
                out.push(clean(&dir.join(value)));
            }
        }
    }
    out
}

/// A local module source (`./x`, `../x`).
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Load a module and, depth first, the local modules it calls. Returns its
/// outputs (an object), or `None` when the folder holds no file.
fn load_module(
    dir: &Path,
    opts: &LoadOptions,
    call: &Child,
    walk: &mut Walk,
    loaded: &mut Loaded,
) -> Option<V> {
    let files: Vec<File> = tf_files(dir)
        .filter_map(|p| parse_file(&p, opts, loaded))
        .collect();
    if files.is_empty() {
        return None;
    }
    let vars = match &call.inputs {
        None => resolve_vars(dir, &files, opts, loaded, &mut walk.origins),
        Some(inputs) => {
            walk.origins.extend(
                default_origins(&files)
                    .into_iter()
                    .filter(|(name, _)| !inputs.contains_key(name))
                    .map(|(_, s)| s),
            );
            let mut vars = declared_vars(&files);
            for (k, v) in inputs {
                vars.insert(k.clone(), v.clone());
            }
            vars
        }
    };
    let mut module = Module::new(dir.to_path_buf(), files, vars);
    module.prefix = call.prefix.clone();
    if module.region.is_none() {
        module.region = call.region.clone();
    }
    walk.stack
        .push(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()));
    // Module calls, in rounds: a call whose inputs need another module's
    // outputs waits until that module is loaded; calls that still wait
    // when no round makes progress are loaded with those values unknown.
    let mut queue: Vec<(usize, usize)> = module
        .files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            f.blocks
                .iter()
                .enumerate()
                .filter(|(_, b)| b.ident == "module")
                .map(move |(bi, _)| (fi, bi))
        })
        .collect();
    let mut force = false;
    while !queue.is_empty() {
        let before = queue.len();
        let mut waiting = Vec::new();
        for (fi, bi) in queue {
            let Some(f) = module.files.get(fi) else {
                continue;
            };
            let Some(b) = f.blocks.get(bi) else {
                continue;
            };
            if !call_module(&module, dir, f, b, opts, call, walk, loaded, force) {
                waiting.push((fi, bi));
            }
        }
        force = waiting.len() == before;
        queue = waiting;
    }
    walk.stack.pop();
    map::map_module(&module, &mut loaded.inventory);
    for f in &module.files {
        loaded
            .inventory
            .suppressions
            .extend(suppress::suppressions(f));
    }
    let outputs = module
        .files
        .iter()
        .flat_map(|f| &f.blocks)
        .filter(|b| b.ident == "output")
        .filter_map(|b| {
            let name = b.labels.first()?.clone();
            let value = b.attr("value").map_or(V::Null, |a| {
                module.eval(&a.expr, &eval::Scope::default(), 0)
            });
            Some((name, value))
        })
        .collect();
    Some(V::Map(outputs))
}

/// Whether a value waits for a module not loaded yet.
fn waits_for_module(v: &V) -> bool {
    match v {
        V::Unknown(why) => why.starts_with("module.") && why.ends_with(eval::MODULE_PENDING),
        V::List(l) => l.iter().any(waits_for_module),
        V::Map(m) => m.values().any(waits_for_module),
        _ => false,
    }
}

/// Load the local module one `module` block calls, once per `count` or
/// `for_each` instance (addresses `module.x[0].`, `module.x["k"].`), and
/// record its value in the caller. Returns `false`, loading nothing, when
/// its inputs wait for another module and `force` is not set.
#[allow(clippy::too_many_arguments)] // one call site; the loader's state
fn call_module(
    module: &Module,
    dir: &Path,
    f: &File,
    b: &parse::Block,
    opts: &LoadOptions,
    call: &Child,
    walk: &mut Walk,
    loaded: &mut Loaded,
    force: bool,
) -> bool {
    let source = b
        .attr("source")
        .and_then(|a| match &a.expr {
            hcl::Expression::String(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let name = b.labels.first().cloned().unwrap_or_default();
    let skip = |why: &str, loaded: &mut Loaded| {
        loaded.skipped.push(
            Skipped::new(
                f.display.clone(),
                format!("module.{name} (source {source:?}): {why}"),
            )
            .at(Some(b.line), None),
        );
        module.modules.borrow_mut().insert(
            name.clone(),
            V::Unknown(format!("module.{name} (source {source:?}): {why}")),
        );
        module.forget_cached();
        true
    };
    if !is_local_source(&source) {
        return skip("remote modules are not downloaded or scanned", loaded);
    }
    let meta = |n: &str| {
        b.attr(n)
            .map(|a| module.eval(&a.expr, &eval::Scope::default(), 0))
    };
    if !force
        && [meta("count"), meta("for_each")]
            .iter()
            .flatten()
            .any(waits_for_module)
    {
        return false;
    }
    let expansions = module.expand(b);
    if expansions.is_empty() {
        // `count = 0` or an empty `for_each`: nothing to load.
        let empty = if b.attr("count").is_some() {
            V::List(Vec::new())
        } else {
            V::Map(BTreeMap::new())
        };
        module.modules.borrow_mut().insert(name, empty);
        module.forget_cached();
        return true;
    }
    let child_dir = clean(&dir.join(&source));
    let key = std::fs::canonicalize(&child_dir).unwrap_or_else(|_| child_dir.clone());
    if !child_dir.is_dir() {
        return skip("the module's folder does not exist", loaded);
    }
    if walk.stack.contains(&key) {
        return skip(
            "the module calls itself (directly or through others)",
            loaded,
        );
    }
    if walk.stack.len() >= MAX_MODULE_DEPTH {
        return skip("modules nested too deeply", loaded);
    }
    let mut calls = Vec::new();
    for x in &expansions {
        let inputs: BTreeMap<String, V> = b
            .attrs
            .iter()
            .filter(|a| !MODULE_META.contains(&a.name.as_str()))
            .map(|a| (a.name.clone(), module.eval(&a.expr, &x.scope, 0)))
            .collect();
        if !force && inputs.values().any(waits_for_module) {
            return false;
        }
        calls.push(Child {
            prefix: format!("{}module.{name}{}.", call.prefix, x.suffix),
            inputs: Some(inputs),
            region: module.region.clone(),
        });
    }
    let mut values = Vec::new();
    for (x, child) in expansions.iter().zip(calls) {
        let out = match load_module(&child_dir, opts, &child, walk, loaded) {
            Some(out) => out,
            None => {
                let why = format!(
                    "{}: the module's folder holds no .tf file",
                    child.prefix.trim_end_matches('.')
                );
                loaded
                    .skipped
                    .push(Skipped::new(child_dir.display().to_string(), why.clone()));
                V::Unknown(why)
            }
        };
        values.push((x.key.clone(), out));
    }
    let value = if b.attr("count").is_some() {
        V::List(values.into_iter().map(|(_, v)| v).collect())
    } else if b.attr("for_each").is_some() {
        V::Map(
            values
                .into_iter()
                .map(|(k, v)| (k.unwrap_or_default(), v))
                .collect(),
        )
    } else {
        values.into_iter().next().map_or(V::Null, |(_, v)| v)
    };
    module.modules.borrow_mut().insert(name, value);
    module.forget_cached();
    true
}

/// Variables a module declares, with their defaults (unset: unknown).
fn declared_vars(files: &[File]) -> BTreeMap<String, V> {
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
    vars
}

/// Where the variables' defaults are written, by name.
fn default_origins(files: &[File]) -> Vec<(String, Supplied)> {
    let empty = Module::default();
    let scope = eval::Scope::default();
    let mut out = Vec::new();
    for f in files {
        for b in f.blocks.iter().filter(|b| b.ident == "variable") {
            let (Some(name), Some(a)) = (b.labels.first(), b.attr("default")) else {
                continue;
            };
            if let Ok(value) = empty.eval(&a.expr, &scope, 0).to_text() {
                let what = format!("the default of variable `{name}`");
                out.push((
                    name.clone(),
                    Supplied::written(value, what, &f.display, a.line),
                ));
            }
        }
    }
    out
}

/// The folder of the repository `dir` is in: the nearest one above it
/// holding `.git`, else `dir` itself.
fn repo_root(dir: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .map_or_else(|| dir.clone(), Path::to_path_buf)
}

/// Resolve input variables in Terraform's order of precedence, and record
/// where each value came from in `origins`: a default or a `.tfvars` file
/// is written in the repository (so is a `--var-file` inside it); `--var`
/// and a `--var-file` outside the repository are given at scan time.
fn resolve_vars(
    dir: &Path,
    files: &[File],
    opts: &LoadOptions,
    loaded: &mut Loaded,
    origins: &mut Vec<Supplied>,
) -> BTreeMap<String, V> {
    let empty = Module::default();
    let scope = eval::Scope::default();
    let mut vars = declared_vars(files);
    let mut from: BTreeMap<String, Supplied> = default_origins(files).into_iter().collect();
    let root = repo_root(dir);
    let mut tfvars: Vec<PathBuf> = Vec::new();
    for main in ["terraform.tfvars", "terraform.tfvars.json"] {
        let main = dir.join(main);
        if main.is_file() {
            tfvars.push(main);
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
        })
        .collect();
    auto.sort();
    tfvars.extend(auto);
    tfvars.extend(opts.tf_var_files.iter().cloned());
    let given = opts.tf_var_files.len();
    let first_given = tfvars.len().saturating_sub(given);
    for (i, path) in tfvars.into_iter().enumerate() {
        let Some(f) = parse_file(&path, opts, loaded) else {
            continue;
        };
        let in_repo =
            i < first_given || std::fs::canonicalize(&path).is_ok_and(|p| p.starts_with(&root));
        for a in &f.attrs {
            let v = empty.eval(&a.expr, &scope, 0);
            match v.to_text() {
                Ok(value) if in_repo => {
                    let what = format!("`{}` in {}", a.name, f.display);
                    from.insert(
                        a.name.clone(),
                        Supplied::written(value, what, &f.display, a.line),
                    );
                }
                Ok(value) => {
                    let how = format!("--var-file {}", path.display());
                    from.insert(
                        a.name.clone(),
                        Supplied {
                            value,
                            from: secret_args::Source::ScanTime(how),
                        },
                    );
                }
                Err(_) => {
                    from.remove(&a.name);
                }
            }
            vars.insert(a.name.clone(), v);
        }
    }
    for (k, v) in &opts.tf_vars {
        let v = parse_cli_value(v);
        match v.to_text() {
            Ok(value) => {
                from.insert(
                    k.clone(),
                    Supplied {
                        value,
                        from: secret_args::Source::ScanTime(format!("--var {k}")),
                    },
                );
            }
            Err(_) => {
                from.remove(k);
            }
        }
        vars.insert(k.clone(), v);
    }
    origins.extend(from.into_values());
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
