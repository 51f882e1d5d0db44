//! Evaluate Terraform expressions over one module: variables, locals,
//! references between resources, `count`/`for_each`, `dynamic` blocks,
//! templates and the common functions. What cannot be known before apply
//! evaluates to [`V::Unknown`] with the reason.

use super::funcs;
use super::parse::{Block, File};
use super::value::V;
use hcl::expr::{BinaryOperator, Operation, TemplateExpr, TraversalOperator, UnaryOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Expression, ObjectKey};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

/// Deepest expression nesting evaluated; deeper input is unknown.
const MAX_DEPTH: u32 = 96;
/// Most instances one `count`/`for_each` expands to.
pub const MAX_INSTANCES: usize = 1000;
/// Blocks that configure Terraform itself, not the resource.
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection", "timeouts"];

/// Hidden key holding a resource instance's address.
pub const ADDR_KEY: &str = "__addr";
/// Hidden key holding a nested block's line.
pub const LINE_KEY: &str = "__line";

/// A resource or data block.
#[derive(Debug, Clone)]
pub struct ResDef {
    /// `aws_security_group`.
    pub kind: String,
    /// `web`.
    pub name: String,
    /// The block.
    pub block: Block,
    /// File it is in, as shown.
    pub file: String,
    /// Index of the file in the module.
    pub file_index: usize,
    /// Data source rather than managed resource.
    pub data: bool,
}

impl ResDef {
    /// `aws_security_group.web` or `data.aws_iam_policy_document.x`.
    pub fn address(&self) -> String {
        if self.data {
            format!("data.{}.{}", self.kind, self.name)
        } else {
            format!("{}.{}", self.kind, self.name)
        }
    }
}

/// One expanded instance of a resource.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Address with its key: `aws_instance.web[0]`, `aws_s3_bucket.b["logs"]`.
    pub address: String,
    /// Evaluated arguments and nested blocks.
    pub value: V,
}

/// Why a value is unknown while the module it comes from is not loaded yet.
pub const MODULE_PENDING: &str = "is not loaded yet";

/// One instance of a block with `count` or `for_each`.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// Address suffix: `[0]`, `["key"]`, or empty.
    pub suffix: String,
    /// The `for_each` key, when there is one.
    pub key: Option<String>,
    /// `count.index` or `each.key`/`each.value` in scope.
    pub scope: Scope,
}

/// Variable bindings in scope (`count`, `each`, for-expression variables).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: Vec<(String, V)>,
}

impl Scope {
    fn with(&self, name: &str, v: V) -> Scope {
        let mut s = self.clone();
        s.vars.push((name.to_owned(), v));
        s
    }

    fn lookup(&self, name: &str) -> Option<&V> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// A module ready to evaluate.
#[derive(Debug, Default)]
pub struct Module {
    /// Folder of the module (for `file()` and `path.module`).
    pub dir: PathBuf,
    /// Parsed files.
    pub files: Vec<File>,
    /// Input variables, resolved.
    pub vars: BTreeMap<String, V>,
    /// Locals by name.
    pub locals: BTreeMap<String, Expression>,
    /// Managed resources and data sources by address.
    pub defs: BTreeMap<String, ResDef>,
    /// The provider's region, when written.
    pub region: Option<String>,
    /// Address prefix of a child module's resources (`module.net.`); empty
    /// for the root module.
    pub prefix: String,
    /// Values of the local modules called, once loaded: their outputs (a
    /// list of them with `count`, a map by key with `for_each`), or an
    /// unknown with the reason (remote module, folder missing, …).
    pub modules: RefCell<BTreeMap<String, V>>,
    /// Names of the `module` blocks declared.
    module_names: BTreeSet<String>,
    cache: RefCell<HashMap<String, V>>,
    busy: RefCell<HashSet<String>>,
}

impl Module {
    /// A module over parsed files and resolved variables.
    pub fn new(dir: PathBuf, files: Vec<File>, vars: BTreeMap<String, V>) -> Module {
        let mut m = Module {
            dir,
            vars,
            ..Module::default()
        };
        for (fi, f) in files.iter().enumerate() {
            for b in &f.blocks {
                match (b.ident.as_str(), b.labels.as_slice()) {
                    ("locals", _) => {
                        for a in &b.attrs {
                            m.locals.insert(a.name.clone(), a.expr.clone());
                        }
                    }
                    ("module", [name]) => {
                        m.module_names.insert(name.clone());
                    }
                    ("resource", [kind, name]) | ("data", [kind, name]) => {
                        let def = ResDef {
                            kind: kind.clone(),
                            name: name.clone(),
                            block: b.clone(),
                            file: f.display.clone(),
                            file_index: fi,
                            data: b.ident == "data",
                        };
                        m.defs.insert(def.address(), def);
                    }
                    _ => {}
                }
            }
        }
        m.files = files;
        m.region = m.provider_region();
        m
    }

    fn provider_region(&self) -> Option<String> {
        let block = self.files.iter().flat_map(|f| &f.blocks).find(|b| {
            b.ident == "provider"
                && b.labels.first().map(String::as_str) == Some("aws")
                && b.attr("alias").is_none()
        })?;
        let expr = &block.attr("region")?.expr;
        self.eval(expr, &Scope::default(), 0)
            .as_str()
            .map(str::to_owned)
    }

    /// Expand a resource into its instances (empty when `count = 0`).
    pub fn instances(&self, def: &ResDef) -> Vec<Instance> {
        let base = format!("{}{}", self.prefix, def.address());
        self.expand(&def.block)
            .into_iter()
            .map(|x| self.instance(def, format!("{base}{}", x.suffix), &x.scope))
            .collect()
    }

    /// The instances a block with `count` or `for_each` (a resource or a
    /// module call) stands for: none when `count = 0`, one with an unknown
    /// index or key when the expression cannot be resolved.
    pub fn expand(&self, block: &Block) -> Vec<Expansion> {
        let scope = Scope::default();
        let mut out = Vec::new();
        if let Some(count) = block.attr("count") {
            match self.eval(&count.expr, &scope, 0).to_num() {
                Ok(n) => {
                    let n = if n.is_finite() && n > 0.0 {
                        n as usize
                    } else {
                        0
                    };
                    for i in 0..n.min(MAX_INSTANCES) {
                        out.push(Expansion {
                            suffix: format!("[{i}]"),
                            key: None,
                            scope: scope.with("count", map1("index", V::Num(i as f64))),
                        });
                    }
                }
                Err(why) => out.push(Expansion {
                    suffix: String::new(),
                    key: None,
                    scope: scope.with("count", map1("index", V::unknown(why))),
                }),
            }
        } else if let Some(fe) = block.attr("for_each") {
            let pairs: Vec<(String, V)> = match self.eval(&fe.expr, &scope, 0) {
                V::Map(m) => m.into_iter().take(MAX_INSTANCES).collect(),
                V::List(l) => l
                    .into_iter()
                    .take(MAX_INSTANCES)
                    .map(|v| (v.to_text().unwrap_or_default(), v))
                    .collect(),
                V::Null => Vec::new(),
                other => {
                    let why = other
                        .unknown_reason()
                        .unwrap_or("for_each is not a map or set")
                        .to_owned();
                    let each = each(V::unknown(why.clone()), V::unknown(why));
                    return vec![Expansion {
                        suffix: String::new(),
                        key: None,
                        scope: scope.with("each", each),
                    }];
                }
            };
            for (k, v) in pairs {
                out.push(Expansion {
                    suffix: format!("[{}]", quote(&k)),
                    key: Some(k.clone()),
                    scope: scope.with("each", each(V::Str(k), v)),
                });
            }
        } else {
            out.push(Expansion {
                suffix: String::new(),
                key: None,
                scope,
            });
        }
        out
    }

    /// The value of `module.<name>`.
    fn module_value(&self, name: &str) -> V {
        if let Some(v) = self.modules.borrow().get(name) {
            return v.clone();
        }
        if self.module_names.contains(name) {
            V::Unknown(format!("module.{name} {MODULE_PENDING}"))
        } else {
            V::Unknown(format!("module.{name} is not declared in this module"))
        }
    }

    /// Forget cached values (after a called module's outputs became known).
    pub fn forget_cached(&self) {
        self.cache.borrow_mut().clear();
    }

    fn instance(&self, def: &ResDef, address: String, scope: &Scope) -> Instance {
        let mut value = self.eval_body(&def.block, scope, 0);
        if let V::Map(m) = &mut value {
            m.insert(ADDR_KEY.to_owned(), V::Str(address.clone()));
            if def.data {
                if def.kind == "aws_iam_policy_document" {
                    let doc = funcs::policy_document(m);
                    m.insert("json".to_owned(), doc);
                }
            } else {
                let id = identity(&def.kind, m).unwrap_or_else(|| address.clone());
                if matches!(def.kind.as_str(), "aws_vpc" | "aws_default_vpc") {
                    // The main route table AWS creates with the VPC, which
                    // `aws_default_route_table` adopts: a stand-in id that
                    // names the VPC (see `map::default_route_table_vpc`).
                    let t = V::Str(format!("{id}{DEFAULT_ROUTE_TABLE}"));
                    m.entry("default_route_table_id".to_owned())
                        .or_insert_with(|| t.clone());
                    m.entry("main_route_table_id".to_owned()).or_insert(t);
                }
                m.entry("id".to_owned()).or_insert_with(|| V::Str(id));
                m.entry("arn".to_owned())
                    .or_insert_with(|| V::Str(address.clone()));
                // A queue's URL is its id, known only after apply: the
                // address stands for it, so policies join their queue.
                if def.kind == "aws_sqs_queue" {
                    m.entry("url".to_owned())
                        .or_insert_with(|| V::Str(address.clone()));
                }
            }
        }
        Instance { address, value }
    }

    /// Evaluate a block body: attributes, nested blocks as lists of objects
    /// (with their line), `dynamic` blocks expanded.
    pub fn eval_body(&self, block: &Block, scope: &Scope, depth: u32) -> V {
        let mut m = BTreeMap::new();
        m.insert(LINE_KEY.to_owned(), V::Num(f64::from(block.line)));
        if depth > MAX_DEPTH {
            return V::Map(m);
        }
        for a in &block.attrs {
            if a.name == "count" || a.name == "for_each" || a.name == "depends_on" {
                continue;
            }
            m.insert(a.name.clone(), self.eval(&a.expr, scope, depth + 1));
        }
        for b in &block.blocks {
            if META_BLOCKS.contains(&b.ident.as_str()) {
                continue;
            }
            if b.ident == "dynamic" {
                let Some(label) = b.labels.first() else {
                    continue;
                };
                let iterator = b
                    .attr("iterator")
                    .and_then(|a| match &a.expr {
                        Expression::Variable(v) => Some(v.to_string()),
                        _ => None,
                    })
                    .unwrap_or_else(|| label.clone());
                let Some(content) = b.blocks.iter().find(|c| c.ident == "content") else {
                    continue;
                };
                let coll = b
                    .attr("for_each")
                    .map_or(V::Null, |a| self.eval(&a.expr, scope, depth + 1));
                let entry = m
                    .entry(label.clone())
                    .or_insert_with(|| V::List(Vec::new()));
                let items: Vec<(V, V)> = match coll {
                    V::Map(mm) => mm.into_iter().map(|(k, v)| (V::Str(k), v)).collect(),
                    V::List(l) => l
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (V::Num(i as f64), v))
                        .collect(),
                    V::Null => Vec::new(),
                    other => {
                        let why = other
                            .unknown_reason()
                            .unwrap_or("not a collection")
                            .to_owned();
                        vec![(V::unknown(why.clone()), V::unknown(why))]
                    }
                };
                for (k, v) in items.into_iter().take(MAX_INSTANCES) {
                    let s = scope.with(&iterator, each(k, v));
                    let mut item = self.eval_body(content, &s, depth + 1);
                    if let V::Map(im) = &mut item {
                        im.insert(LINE_KEY.to_owned(), V::Num(f64::from(b.line)));
                    }
                    if let V::List(l) = entry {
                        l.push(item);
                    }
                }
                continue;
            }
            let item = self.eval_body(b, scope, depth + 1);
            let entry = m
                .entry(b.ident.clone())
                .or_insert_with(|| V::List(Vec::new()));
            if let V::List(l) = entry {
                l.push(item);
            }
        }
        V::Map(m)
    }

    /// Evaluate an expression.
    pub fn eval(&self, e: &Expression, scope: &Scope, depth: u32) -> V {
        if depth > MAX_DEPTH {
            return V::unknown("expression nested too deeply");
        }
        let d = depth + 1;
        match e {
            Expression::Null => V::Null,
            Expression::Bool(b) => V::Bool(*b),
            Expression::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
            Expression::String(s) => V::Str(s.clone()),
            Expression::Array(a) => V::List(a.iter().map(|x| self.eval(x, scope, d)).collect()),
            Expression::Object(o) => {
                let mut m = BTreeMap::new();
                for (k, v) in o {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.to_string(),
                        ObjectKey::Expression(Expression::Variable(var)) => var.to_string(),
                        ObjectKey::Expression(x) => match self.eval(x, scope, d).to_text() {
                            Ok(s) => s,
                            Err(why) => return V::Unknown(why),
                        },
                        _ => return V::unknown("unsupported object key"),
                    };
                    m.insert(key, self.eval(v, scope, d));
                }
                V::Map(m)
            }
            Expression::TemplateExpr(t) => self.template(t, scope, d),
            Expression::Variable(v) => self.variable(&v.to_string(), scope),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, scope, d),
            Expression::FuncCall(f) => {
                let name = f.name.name.to_string();
                if name == "try" {
                    return f
                        .args
                        .iter()
                        .map(|a| self.eval(a, scope, d))
                        .find(|v| !matches!(v, V::Unknown(_)))
                        .unwrap_or_else(|| V::unknown("no argument of try() could be evaluated"));
                }
                if name == "can" {
                    return match f.args.first().map(|a| self.eval(a, scope, d)) {
                        Some(V::Unknown(r)) => V::Unknown(r),
                        Some(_) => V::Bool(true),
                        None => V::Bool(false),
                    };
                }
                let mut args: Vec<V> = f.args.iter().map(|a| self.eval(a, scope, d)).collect();
                if f.expand_final {
                    if let Some(last) = args.pop() {
                        match last.elements() {
                            Ok(items) => args.extend(items),
                            Err(why) => return V::Unknown(why),
                        }
                    }
                }
                funcs::call(&name, args, self)
            }
            Expression::Parenthesis(p) => self.eval(p, scope, d),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, scope, d).to_bool() {
                Ok(true) => self.eval(&c.true_expr, scope, d),
                Ok(false) => self.eval(&c.false_expr, scope, d),
                Err(why) => {
                    let t = self.eval(&c.true_expr, scope, d);
                    let f = self.eval(&c.false_expr, scope, d);
                    if t == f {
                        t
                    } else {
                        V::Unknown(format!("condition unknown: {why}"))
                    }
                }
            },
            Expression::Operation(op) => self.operation(op, scope, d),
            Expression::ForExpr(fe) => {
                let coll = self.eval(&fe.collection_expr, scope, d);
                let items: Vec<(V, V)> = match coll {
                    V::Map(m) => m.into_iter().map(|(k, v)| (V::Str(k), v)).collect(),
                    V::List(l) => l
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (V::Num(i as f64), v))
                        .collect(),
                    V::Null => Vec::new(),
                    V::Unknown(r) => return V::Unknown(r),
                    other => return V::Unknown(format!("cannot iterate over {}", other.short())),
                };
                let mut list = Vec::new();
                let mut map: BTreeMap<String, V> = BTreeMap::new();
                for (k, v) in items.into_iter().take(MAX_INSTANCES * 10) {
                    let mut s = scope.with(fe.value_var.as_ref(), v);
                    if let Some(kv) = &fe.key_var {
                        s = s.with(kv.as_ref(), k);
                    }
                    if let Some(c) = &fe.cond_expr {
                        match self.eval(c, &s, d).to_bool() {
                            Ok(true) => {}
                            Ok(false) => continue,
                            Err(why) => return V::Unknown(why),
                        }
                    }
                    let val = self.eval(&fe.value_expr, &s, d);
                    match &fe.key_expr {
                        Some(ke) => {
                            let key = match self.eval(ke, &s, d).to_text() {
                                Ok(k) => k,
                                Err(why) => return V::Unknown(why),
                            };
                            if fe.grouping {
                                let e = map.entry(key).or_insert_with(|| V::List(Vec::new()));
                                if let V::List(l) = e {
                                    l.push(val);
                                }
                            } else {
                                map.insert(key, val);
                            }
                        }
                        None => list.push(val),
                    }
                }
                if fe.key_expr.is_some() {
                    V::Map(map)
                } else {
                    V::List(list)
                }
            }
            _ => V::unknown("unsupported expression"),
        }
    }

    fn template(&self, t: &TemplateExpr, scope: &Scope, depth: u32) -> V {
        match Template::from_expr(t) {
            Ok(tpl) => self.render(&tpl, scope, depth),
            Err(e) => V::Unknown(format!("invalid template: {}", first_line(&e.to_string()))),
        }
    }

    fn render(&self, tpl: &Template, scope: &Scope, depth: u32) -> V {
        let elements = tpl.elements();
        // A template that is exactly one interpolation keeps its type.
        if let [Element::Interpolation(i)] = elements {
            return self.eval(&i.expr, scope, depth);
        }
        let mut out = String::new();
        for el in elements {
            match el {
                Element::Literal(s) => out.push_str(s),
                Element::Interpolation(i) => match self.eval(&i.expr, scope, depth).to_text() {
                    Ok(s) => out.push_str(&s),
                    Err(why) => return V::Unknown(why),
                },
                Element::Directive(dir) => match dir.as_ref() {
                    Directive::If(ifd) => {
                        let branch = match self.eval(&ifd.cond_expr, scope, depth).to_bool() {
                            Ok(true) => Some(&ifd.true_template),
                            Ok(false) => ifd.false_template.as_ref(),
                            Err(why) => return V::Unknown(why),
                        };
                        if let Some(b) = branch {
                            match self.render(b, scope, depth + 1).to_text() {
                                Ok(s) => out.push_str(&s),
                                Err(why) => return V::Unknown(why),
                            }
                        }
                    }
                    Directive::For(fd) => {
                        let coll = self.eval(&fd.collection_expr, scope, depth);
                        let items: Vec<(V, V)> = match coll {
                            V::Map(m) => m.into_iter().map(|(k, v)| (V::Str(k), v)).collect(),
                            V::List(l) => l
                                .into_iter()
                                .enumerate()
                                .map(|(i, v)| (V::Num(i as f64), v))
                                .collect(),
                            V::Unknown(r) => return V::Unknown(r),
                            _ => Vec::new(),
                        };
                        for (k, v) in items {
                            let mut s = scope.with(fd.value_var.as_ref(), v);
                            if let Some(kv) = &fd.key_var {
                                s = s.with(kv.as_ref(), k);
                            }
                            match self.render(&fd.template, &s, depth + 1).to_text() {
                                Ok(x) => out.push_str(&x),
                                Err(why) => return V::Unknown(why),
                            }
                        }
                    }
                },
            }
        }
        V::Str(out)
    }

    fn variable(&self, name: &str, scope: &Scope) -> V {
        if let Some(v) = scope.lookup(name) {
            return v.clone();
        }
        match name {
            "var" => V::Map(self.vars.clone()),
            "path" => map1("module", V::Str(self.dir.display().to_string())),
            "terraform" => map1("workspace", V::Str("default".to_owned())),
            _ => V::Unknown(format!("{name} is not defined")),
        }
    }

    fn local(&self, name: &str, depth: u32) -> V {
        let key = format!("local.{name}");
        if let Some(v) = self.cache.borrow().get(&key) {
            return v.clone();
        }
        let Some(expr) = self.locals.get(name) else {
            return V::Unknown(format!("{key} is not defined"));
        };
        if !self.busy.borrow_mut().insert(key.clone()) {
            return V::Unknown(format!("{key} refers to itself"));
        }
        let v = self.eval(expr, &Scope::default(), depth + 1);
        self.busy.borrow_mut().remove(&key);
        self.cache.borrow_mut().insert(key, v.clone());
        v
    }

    /// The value of a whole resource: an object, a list (count) or a map
    /// (for_each).
    fn resource(&self, address: &str) -> V {
        if let Some(v) = self.cache.borrow().get(address) {
            return v.clone();
        }
        let Some(def) = self.defs.get(address) else {
            return V::Unknown(format!("{address} is not declared in this module"));
        };
        if !self.busy.borrow_mut().insert(address.to_owned()) {
            return V::Unknown(format!("{address} refers to itself"));
        }
        let insts = self.instances(def);
        let v = if def.block.attr("count").is_some() {
            V::List(insts.into_iter().map(|i| i.value).collect())
        } else if def.block.attr("for_each").is_some() {
            V::Map(
                insts
                    .into_iter()
                    .map(|i| (key_of(&i.address), i.value))
                    .collect(),
            )
        } else {
            insts.into_iter().next().map_or(V::Null, |i| i.value)
        };
        self.busy.borrow_mut().remove(address);
        self.cache
            .borrow_mut()
            .insert(address.to_owned(), v.clone());
        v
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[TraversalOperator],
        scope: &Scope,
        depth: u32,
    ) -> V {
        let mut rest = ops;
        let base = match root {
            Expression::Variable(v) if scope.lookup(&v.to_string()).is_none() => {
                let name = v.to_string();
                match (name.as_str(), ops) {
                    ("local", [TraversalOperator::GetAttr(n), tail @ ..]) => {
                        rest = tail;
                        self.local(n.as_ref(), depth)
                    }
                    ("var", [TraversalOperator::GetAttr(n), tail @ ..]) => {
                        rest = tail;
                        self.vars
                            .get(&n.to_string())
                            .cloned()
                            .unwrap_or_else(|| V::Unknown(format!("var.{n} is not declared")))
                    }
                    (
                        "data",
                        [TraversalOperator::GetAttr(k), TraversalOperator::GetAttr(n), tail @ ..],
                    ) => {
                        rest = tail;
                        let addr = format!("data.{k}.{n}");
                        if self.defs.contains_key(&addr) {
                            self.resource(&addr)
                        } else {
                            V::Unknown(format!("{addr} is not declared in this module"))
                        }
                    }
                    ("module", [TraversalOperator::GetAttr(n), tail @ ..]) => {
                        rest = tail;
                        self.module_value(n.as_ref())
                    }
                    (kind, [TraversalOperator::GetAttr(n), tail @ ..]) if kind.contains('_') => {
                        rest = tail;
                        self.resource(&format!("{kind}.{n}"))
                    }
                    _ => self.variable(&name, scope),
                }
            }
            other => self.eval(other, scope, depth),
        };
        self.apply_ops(base, rest, scope, depth)
    }

    fn apply_ops(&self, mut v: V, ops: &[TraversalOperator], scope: &Scope, depth: u32) -> V {
        for (i, op) in ops.iter().enumerate() {
            if let V::Unknown(_) = v {
                return v;
            }
            match op {
                TraversalOperator::GetAttr(name) => v = get_attr(&v, name.as_ref()),
                TraversalOperator::Index(e) => {
                    let key = self.eval(e, scope, depth + 1);
                    v = index(&v, &key);
                }
                TraversalOperator::LegacyIndex(n) => v = index(&v, &V::Num(*n as f64)),
                TraversalOperator::AttrSplat | TraversalOperator::FullSplat => {
                    let tail = ops.get(i + 1..).unwrap_or_default();
                    let items = match v {
                        V::List(l) => l,
                        V::Null => Vec::new(),
                        other => vec![other],
                    };
                    return V::List(
                        items
                            .into_iter()
                            .map(|x| self.apply_ops(x, tail, scope, depth + 1))
                            .collect(),
                    );
                }
            }
        }
        v
    }

    fn operation(&self, op: &Operation, scope: &Scope, depth: u32) -> V {
        match op {
            Operation::Unary(u) => {
                let x = self.eval(&u.expr, scope, depth);
                match u.operator {
                    UnaryOperator::Not => x.to_bool().map_or_else(V::Unknown, |b| V::Bool(!b)),
                    UnaryOperator::Neg => x.to_num().map_or_else(V::Unknown, |n| V::Num(-n)),
                }
            }
            Operation::Binary(b) => {
                let l = self.eval(&b.lhs_expr, scope, depth);
                // Short-circuit the logical operators on a known side.
                match (b.operator, l.to_bool()) {
                    (BinaryOperator::And, Ok(false)) => return V::Bool(false),
                    (BinaryOperator::Or, Ok(true)) => return V::Bool(true),
                    _ => {}
                }
                let r = self.eval(&b.rhs_expr, scope, depth);
                binary(b.operator, &l, &r)
            }
        }
    }
}

fn binary(op: BinaryOperator, l: &V, r: &V) -> V {
    use BinaryOperator as B;
    if let Some(why) = l.unknown_reason().or(r.unknown_reason()) {
        return V::unknown(why);
    }
    let num = |f: fn(f64, f64) -> f64| match (l.to_num(), r.to_num()) {
        (Ok(a), Ok(b)) => V::Num(f(a, b)),
        (Err(e), _) | (_, Err(e)) => V::Unknown(e),
    };
    let cmp = |f: fn(f64, f64) -> bool| match (l.to_num(), r.to_num()) {
        (Ok(a), Ok(b)) => V::Bool(f(a, b)),
        (Err(e), _) | (_, Err(e)) => V::Unknown(e),
    };
    match op {
        B::Eq => V::Bool(loose_eq(l, r)),
        B::NotEq => V::Bool(!loose_eq(l, r)),
        B::Less => cmp(|a, b| a < b),
        B::LessEq => cmp(|a, b| a <= b),
        B::Greater => cmp(|a, b| a > b),
        B::GreaterEq => cmp(|a, b| a >= b),
        B::Plus => num(|a, b| a + b),
        B::Minus => num(|a, b| a - b),
        B::Mul => num(|a, b| a * b),
        B::Div => num(|a, b| a / b),
        B::Mod => num(|a, b| a % b),
        B::And => match (l.to_bool(), r.to_bool()) {
            (Ok(a), Ok(b)) => V::Bool(a && b),
            (Err(e), _) | (_, Err(e)) => V::Unknown(e),
        },
        B::Or => match (l.to_bool(), r.to_bool()) {
            (Ok(a), Ok(b)) => V::Bool(a || b),
            (Err(e), _) | (_, Err(e)) => V::Unknown(e),
        },
    }
}

fn loose_eq(l: &V, r: &V) -> bool {
    match (l, r) {
        (V::Num(a), V::Str(b)) | (V::Str(b), V::Num(a)) => b.parse::<f64>().ok() == Some(*a),
        _ => l == r,
    }
}

/// Suffix of the stand-in id of a VPC's main route table
/// (`aws_vpc.x.default_route_table_id` is `<vpc id>` followed by it).
pub const DEFAULT_ROUTE_TABLE: &str = "/default-route-table";

/// `obj.name`: a missing attribute of a resource is computed at apply.
pub fn get_attr(v: &V, name: &str) -> V {
    match v {
        V::Map(m) => match m.get(name) {
            Some(x) => x.clone(),
            None => match m.get(ADDR_KEY) {
                Some(V::Str(addr)) => {
                    V::Unknown(format!("{addr}.{name} is known only after apply"))
                }
                _ => V::Unknown(format!("attribute {name} is not set")),
            },
        },
        V::List(l) if l.len() == 1 => l.first().map_or(V::Null, |x| get_attr(x, name)),
        V::Unknown(r) => V::Unknown(r.clone()),
        V::Null => V::unknown(format!("attribute {name} of null")),
        other => V::Unknown(format!("attribute {name} of {}", other.short())),
    }
}

fn index(v: &V, key: &V) -> V {
    if let V::Unknown(r) = key {
        return V::Unknown(r.clone());
    }
    match v {
        V::List(l) => match key.to_num() {
            Ok(n) if n >= 0.0 => l
                .get(n as usize)
                .cloned()
                .unwrap_or_else(|| V::unknown("index out of range")),
            _ => V::unknown("invalid list index"),
        },
        V::Map(m) => match key.to_text() {
            Ok(k) => m
                .get(&k)
                .cloned()
                .unwrap_or_else(|| V::Unknown(format!("key {k:?} not found"))),
            Err(why) => V::Unknown(why),
        },
        V::Unknown(r) => V::Unknown(r.clone()),
        other => V::Unknown(format!("cannot index {}", other.short())),
    }
}

fn map1(k: &str, v: V) -> V {
    V::Map(BTreeMap::from([(k.to_owned(), v)]))
}

fn each(key: V, value: V) -> V {
    V::Map(BTreeMap::from([
        ("key".to_owned(), key),
        ("value".to_owned(), value),
    ]))
}

fn quote(k: &str) -> String {
    format!("\"{}\"", k.replace('"', "\\\""))
}

/// The key of `addr["k"]`.
fn key_of(address: &str) -> String {
    address
        .rsplit_once("[\"")
        .map(|(_, k)| k.trim_end_matches("\"]").replace("\\\"", "\""))
        .unwrap_or_default()
}

/// What `id` of a resource is when AWS decides it from an argument
/// (a bucket's id is its name).
fn identity(kind: &str, m: &BTreeMap<String, V>) -> Option<String> {
    let attr = match kind {
        "aws_s3_bucket" => "bucket",
        "aws_iam_user" | "aws_iam_role" | "aws_iam_group" => "name",
        // It adopts the VPC's table: its id is the table's.
        "aws_default_route_table" => "default_route_table_id",
        _ => return None,
    };
    m.get(attr).and_then(V::as_str).map(str::to_owned)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_lowercase()
}
