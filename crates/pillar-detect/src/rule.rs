//! Sigma rules and correlation rules, read from YAML into compiled form.

use crate::condition::{self, Cond};
use crate::matcher::{
    pieces, Cidr, CmpOp, Detection, FieldCond, FieldOp, FieldPath, Piece, RefKind, Search,
    StrPattern, ValueMatch,
};
use crate::yaml::{self, Kind, Node};
use base64::Engine as _;
use pillar_model::Severity;
use serde_json::Value;
use std::fmt;

/// A rule that cannot be used, naming its file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RuleError {
    /// The rule file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong, in lower case.
    pub message: String,
}

/// Where a rule applies (`logsource`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSource {
    /// `product`.
    pub product: Option<String>,
    /// `service`.
    pub service: Option<String>,
    /// `category`.
    pub category: Option<String>,
}

impl LogSource {
    /// Whether the rule is meant for CloudTrail events.
    pub fn is_cloudtrail(&self) -> bool {
        let prod = self
            .product
            .as_deref()
            .is_none_or(|p| p.eq_ignore_ascii_case("aws"));
        let svc = self
            .service
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("cloudtrail"));
        prod && svc && self.category.is_none()
    }

    /// Which of the logs pillar reads the rule is for: CloudTrail (no
    /// `service`, or `cloudtrail`), VPC flow logs (`service:
    /// vpcflowlogs`) or S3 server access logs (`service: s3accesslogs`);
    /// `None` for any other log source.
    pub fn kind(&self) -> Option<LogKind> {
        if self.is_cloudtrail() {
            return Some(LogKind::CloudTrail);
        }
        let prod = self
            .product
            .as_deref()
            .is_none_or(|p| p.eq_ignore_ascii_case("aws"));
        let flow = self
            .service
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("vpcflowlogs"));
        if prod && flow && self.category.is_none() {
            return Some(LogKind::VpcFlow);
        }
        let s3 = self
            .service
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("s3accesslogs"));
        (prod && s3 && self.category.is_none()).then_some(LogKind::S3Access)
    }
}

/// The kinds of log pillar reads; a rule runs only on its own kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum LogKind {
    /// CloudTrail events (JSON).
    #[default]
    CloudTrail,
    /// VPC flow log records (text, one per line).
    VpcFlow,
    /// S3 server access log records (text, one per line).
    S3Access,
}

/// pillar's own metadata on a rule (the `pillar:` block of shipped rules).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PillarMeta {
    /// Well-Architected best practices.
    pub wa: Vec<String>,
    /// CIS controls.
    pub cis: Vec<String>,
    /// The GuardDuty finding type this mirrors.
    pub guardduty: Option<String>,
    /// The next step to take.
    pub response: String,
    /// Fix, as console steps.
    pub console: String,
    /// Fix, as AWS CLI.
    pub cli: String,
    /// Events the rule must match.
    pub examples: Vec<(usize, Value)>,
    /// Events the rule must not match.
    pub negative_examples: Vec<(usize, Value)>,
}

/// Common header of rules and correlations.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// pillar rule id (kebab-case): `name`, else from the file name.
    pub rule_id: String,
    /// `title`.
    pub title: String,
    /// Sigma `id` (UUID).
    pub sigma_id: Option<String>,
    /// Sigma `name` (how correlations refer to rules).
    pub name: Option<String>,
    /// `description`.
    pub description: String,
    /// `level` mapped to a severity.
    pub severity: Severity,
    /// `tags` (MITRE ATT&CK as `attack.t1078`).
    pub tags: Vec<String>,
    /// `references`.
    pub references: Vec<String>,
    /// `falsepositives`.
    pub falsepositives: Vec<String>,
    /// `author`.
    pub author: String,
    /// The rule file.
    pub file: String,
    /// First line of the rule's document.
    pub line: usize,
    /// pillar's metadata.
    pub pillar: PillarMeta,
}

impl Header {
    /// ATT&CK technique ids from the tags (`T1078.004`).
    pub fn techniques(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter_map(|t| t.strip_prefix("attack."))
            .filter(|t| {
                t.len() > 1
                    && t.starts_with(['t', 'T'])
                    && t.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
            })
            .map(|t| t.to_ascii_uppercase())
            .collect()
    }
}

/// A compiled single-event rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Metadata.
    pub header: Header,
    /// `logsource`.
    pub logsource: LogSource,
    /// The detection.
    pub detection: Detection,
}

/// Correlation types (Sigma correlation specification).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrelationKind {
    /// Number of matching events in a window.
    EventCount,
    /// Number of distinct values of a field in a window.
    ValueCount,
    /// All rules matched within a window, in any order.
    Temporal,
    /// All rules matched within a window, in the listed order.
    TemporalOrdered,
    /// Sum of a numeric field in a window.
    ValueSum,
    /// Average of a numeric field in a window.
    ValueAvg,
}

impl fmt::Display for CorrelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CorrelationKind::EventCount => "event_count",
            CorrelationKind::ValueCount => "value_count",
            CorrelationKind::Temporal => "temporal",
            CorrelationKind::TemporalOrdered => "temporal_ordered",
            CorrelationKind::ValueSum => "value_sum",
            CorrelationKind::ValueAvg => "value_avg",
        })
    }
}

/// A correlation rule as written (rule references not yet resolved).
#[derive(Debug, Clone)]
pub struct CorrelationDef {
    /// Metadata.
    pub header: Header,
    /// Type.
    pub kind: CorrelationKind,
    /// Referenced rules, by `name` or `id`.
    pub rules: Vec<String>,
    /// `group-by`.
    pub group_by: Vec<FieldPath>,
    /// `timespan` in milliseconds.
    pub timespan_ms: i64,
    /// The threshold (count types).
    pub condition: Option<(CmpOp, f64)>,
    /// The field (`value_count`, `value_sum`, `value_avg`).
    pub field: Option<FieldPath>,
    /// `generate`: the referenced rules also report their own matches.
    pub generate: bool,
    /// `aliases`: a `group-by` name standing for differently named fields
    /// of the referenced rules: (alias, [(rule name, field)]).
    pub aliases: Vec<(String, Vec<(String, FieldPath)>)>,
}

impl CorrelationDef {
    /// The field `group-by` entry `g` reads in the events of the rule at
    /// `pos` of `rules`: the aliased field when `g` is an alias that names
    /// that rule, else `g` itself.
    pub fn group_field<'a>(&'a self, pos: usize, g: &'a FieldPath) -> &'a FieldPath {
        let Some(rule) = self.rules.get(pos) else {
            return g;
        };
        self.aliases
            .iter()
            .find(|(a, _)| *a == g.full)
            .and_then(|(_, m)| m.iter().find(|(r, _)| r == rule))
            .map_or(g, |(_, f)| f)
    }
}

/// What one YAML document held.
#[derive(Debug, Clone)]
pub enum Document {
    /// A detection rule.
    Rule(Box<Rule>),
    /// A correlation rule.
    Correlation(Box<CorrelationDef>),
}

/// Values of `%name%` placeholders for the `expand` modifier (Sigma
/// placeholders): name (without `%`) to the values it stands for.
pub type Placeholders = std::collections::BTreeMap<String, Vec<String>>;

struct Ctx<'a> {
    file: &'a str,
    placeholders: &'a Placeholders,
}

impl Ctx<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> RuleError {
        RuleError {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

/// Parse every document of a rule file. Each document is a rule, a
/// correlation, or an error; one bad document does not hide the others.
pub fn parse_file(text: &str, file: &str) -> Vec<Result<Document, RuleError>> {
    parse_file_with(text, file, &Placeholders::new())
}

/// [`parse_file`] with values for `%name%` placeholders.
pub fn parse_file_with(
    text: &str,
    file: &str,
    placeholders: &Placeholders,
) -> Vec<Result<Document, RuleError>> {
    let ctx = Ctx { file, placeholders };
    let docs = match yaml::parse_documents(text) {
        Ok(d) => d,
        Err(e) => return vec![Err(ctx.err(e.line, format!("invalid YAML: {}", e.message)))],
    };
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("rule")
        .replace('_', "-")
        .to_ascii_lowercase();
    let many = docs.len() > 1;
    docs.iter()
        .enumerate()
        .filter(|(_, d)| d.kind != Kind::Null)
        .map(|(i, d)| {
            let fallback = if many {
                format!("{stem}-{}", i + 1)
            } else {
                stem.clone()
            };
            parse_document(d, &ctx, &fallback)
        })
        .collect()
}

fn parse_document(doc: &Node, ctx: &Ctx<'_>, fallback_id: &str) -> Result<Document, RuleError> {
    if doc.as_map().is_none() {
        return Err(ctx.err(doc.line, "a rule must be a mapping"));
    }
    let header = parse_header(doc, ctx, fallback_id)?;
    if let Some(c) = doc.get("correlation") {
        return parse_correlation(c, header, ctx).map(|c| Document::Correlation(Box::new(c)));
    }
    if doc.get("action").is_some() {
        return Err(ctx.err(doc.line, "rule collections (`action:`) are not supported"));
    }
    if doc.get("filter").is_some() && doc.get("detection").is_none() {
        return Err(ctx.err(doc.line, "sigma filter documents are not supported"));
    }
    let det = doc.get("detection").ok_or_else(|| {
        ctx.err(
            doc.line,
            "the rule has neither `detection` nor `correlation`",
        )
    })?;
    let logsource = doc
        .get("logsource")
        .map(|l| LogSource {
            product: l.get("product").and_then(Node::scalar_text),
            service: l.get("service").and_then(Node::scalar_text),
            category: l.get("category").and_then(Node::scalar_text),
        })
        .unwrap_or_default();
    let detection = parse_detection(det, ctx)?;
    Ok(Document::Rule(Box::new(Rule {
        header,
        logsource,
        detection,
    })))
}

fn severity_of(level: Option<&str>) -> Severity {
    match level.map(str::to_ascii_lowercase).as_deref() {
        Some("informational" | "info") => Severity::Info,
        Some("low") => Severity::Low,
        Some("high") => Severity::High,
        Some("critical") => Severity::Critical,
        _ => Severity::Medium,
    }
}

fn parse_header(doc: &Node, ctx: &Ctx<'_>, fallback_id: &str) -> Result<Header, RuleError> {
    let title = doc
        .get("title")
        .and_then(Node::scalar_text)
        .ok_or_else(|| ctx.err(doc.line, "the rule has no `title`"))?;
    let name = doc.get("name").and_then(Node::scalar_text);
    let rule_id = name
        .as_deref()
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(|n| n.replace('_', "-").to_ascii_lowercase())
        .unwrap_or_else(|| fallback_id.to_owned());
    let pillar = match doc.get("pillar") {
        Some(p) => parse_pillar(p, ctx)?,
        None => PillarMeta::default(),
    };
    Ok(Header {
        rule_id,
        title,
        sigma_id: doc.get("id").and_then(Node::scalar_text),
        name,
        description: doc
            .get("description")
            .and_then(Node::scalar_text)
            .unwrap_or_default(),
        severity: severity_of(doc.get("level").and_then(Node::as_str)),
        tags: doc.get("tags").map(Node::string_list).unwrap_or_default(),
        references: doc
            .get("references")
            .map(Node::string_list)
            .unwrap_or_default(),
        falsepositives: doc
            .get("falsepositives")
            .map(Node::string_list)
            .unwrap_or_default(),
        author: doc
            .get("author")
            .and_then(Node::scalar_text)
            .unwrap_or_default(),
        file: ctx.file.to_owned(),
        line: doc.line,
        pillar,
    })
}

fn parse_pillar(p: &Node, ctx: &Ctx<'_>) -> Result<PillarMeta, RuleError> {
    if p.as_map().is_none() {
        return Err(ctx.err(p.line, "`pillar` must be a mapping"));
    }
    let examples = |key: &str| -> Result<Vec<(usize, Value)>, RuleError> {
        match p.get(key) {
            None => Ok(Vec::new()),
            Some(Node {
                kind: Kind::Seq(items),
                ..
            }) => items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Map(_) => Ok((i.line, i.to_json())),
                    _ => Err(ctx.err(i.line, format!("`{key}` items must be events (mappings)"))),
                })
                .collect(),
            Some(other) => Err(ctx.err(other.line, format!("`{key}` must be a list of events"))),
        }
    };
    let text = |key: &str| p.get(key).and_then(Node::scalar_text).unwrap_or_default();
    Ok(PillarMeta {
        wa: p.get("wa").map(Node::string_list).unwrap_or_default(),
        cis: p.get("cis").map(Node::string_list).unwrap_or_default(),
        guardduty: p.get("guardduty").and_then(Node::scalar_text),
        response: text("response"),
        console: text("console"),
        cli: text("cli"),
        examples: examples("examples")?,
        negative_examples: examples("negative_examples")?,
    })
}

fn parse_detection(det: &Node, ctx: &Ctx<'_>) -> Result<Detection, RuleError> {
    let map = det
        .as_map()
        .ok_or_else(|| ctx.err(det.line, "`detection` must be a mapping"))?;
    let mut names = Vec::new();
    let mut searches = Vec::new();
    let mut cond_node = None;
    for (k, v) in map {
        match k.as_str() {
            "condition" => cond_node = Some(v),
            // Only meaningful with the old aggregation syntax, which is refused below.
            "timeframe" => {}
            _ => {
                names.push(k.clone());
                searches.push(parse_search(v, ctx)?);
            }
        }
    }
    let cond_node = cond_node.ok_or_else(|| ctx.err(det.line, "`detection` has no `condition`"))?;
    let texts = cond_node.string_list();
    if texts.is_empty() {
        return Err(ctx.err(
            cond_node.line,
            "`condition` must be a string or a list of strings",
        ));
    }
    let mut conds = Vec::new();
    for t in &texts {
        conds.push(condition::parse(t, &names).map_err(|m| ctx.err(cond_node.line, m))?);
    }
    let cond = if conds.len() == 1 {
        conds.remove(0)
    } else {
        Cond::Or(conds)
    };
    Ok(Detection {
        names,
        searches,
        cond,
    })
}

fn parse_search(v: &Node, ctx: &Ctx<'_>) -> Result<Search, RuleError> {
    match &v.kind {
        Kind::Map(m) => Ok(Search::Fields(vec![parse_field_map(m, ctx)?])),
        Kind::Seq(items) if items.iter().all(|i| matches!(i.kind, Kind::Map(_))) => {
            let mut groups = Vec::new();
            for i in items {
                if let Kind::Map(m) = &i.kind {
                    groups.push(parse_field_map(m, ctx)?);
                }
            }
            Ok(Search::Fields(groups))
        }
        Kind::Seq(items) => {
            let mut ps = Vec::new();
            for i in items {
                let t = i
                    .scalar_text()
                    .ok_or_else(|| ctx.err(i.line, "keyword lists hold strings only"))?;
                ps.push(StrPattern::new(contains(pieces(&t)), false));
            }
            Ok(Search::Keywords(ps))
        }
        Kind::Str(_) | Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) => {
            let t = v.scalar_text().unwrap_or_default();
            Ok(Search::Keywords(vec![StrPattern::new(
                contains(pieces(&t)),
                false,
            )]))
        }
        Kind::Null => Err(ctx.err(v.line, "a search identifier cannot be empty")),
    }
}

fn contains(mut p: Vec<Piece>) -> Vec<Piece> {
    if p.first() != Some(&Piece::Star) {
        p.insert(0, Piece::Star);
    }
    if p.last() != Some(&Piece::Star) {
        p.push(Piece::Star);
    }
    p
}

#[derive(Debug, Default)]
struct Mods {
    contains: bool,
    startswith: bool,
    endswith: bool,
    all: bool,
    re: bool,
    re_i: bool,
    re_m: bool,
    re_s: bool,
    cidr: bool,
    base64: bool,
    base64offset: bool,
    windash: bool,
    exists: bool,
    cmp: Option<CmpOp>,
    fieldref: bool,
    cased: bool,
    expand: bool,
    wide: Option<Wide>,
}

#[derive(Debug, Clone, Copy)]
enum Wide {
    Le,
    Be,
    LeBom,
}

fn parse_mods(names: &[&str], line: usize, ctx: &Ctx<'_>) -> Result<Mods, RuleError> {
    let mut m = Mods::default();
    for n in names {
        match n.to_ascii_lowercase().as_str() {
            "contains" => m.contains = true,
            "startswith" => m.startswith = true,
            "endswith" => m.endswith = true,
            "all" => m.all = true,
            "re" => m.re = true,
            "i" | "ignorecase" => m.re_i = true,
            "m" | "multiline" => m.re_m = true,
            "s" | "dotall" => m.re_s = true,
            "cidr" => m.cidr = true,
            "base64" => m.base64 = true,
            "base64offset" => m.base64offset = true,
            "windash" => m.windash = true,
            "exists" => m.exists = true,
            "gt" => m.cmp = Some(CmpOp::Gt),
            "gte" => m.cmp = Some(CmpOp::Gte),
            "lt" => m.cmp = Some(CmpOp::Lt),
            "lte" => m.cmp = Some(CmpOp::Lte),
            "fieldref" => m.fieldref = true,
            "cased" => m.cased = true,
            "wide" | "utf16le" => m.wide = Some(Wide::Le),
            "utf16be" => m.wide = Some(Wide::Be),
            "utf16" => m.wide = Some(Wide::LeBom),
            "expand" => m.expand = true,
            other => return Err(ctx.err(line, format!("unknown modifier `{other}`"))),
        }
    }
    if (m.re_i || m.re_m || m.re_s) && !m.re {
        return Err(ctx.err(line, "regular-expression flags (`i`, `m`, `s`) need `re`"));
    }
    if [m.contains, m.startswith, m.endswith]
        .iter()
        .filter(|b| **b)
        .count()
        > 1
    {
        return Err(ctx.err(line, "use only one of `contains`, `startswith`, `endswith`"));
    }
    Ok(m)
}

fn parse_field_map(m: &[(String, Node)], ctx: &Ctx<'_>) -> Result<Vec<FieldCond>, RuleError> {
    let mut out = Vec::new();
    for (key, v) in m {
        let mut parts = key.split('|');
        let field = parts.next().unwrap_or_default();
        let mod_names: Vec<&str> = parts.collect();
        if field.is_empty() {
            return Err(ctx.err(
                v.line,
                "keyword searches with modifiers are not supported; name a field",
            ));
        }
        let mods = parse_mods(&mod_names, v.line, ctx)?;
        let path = FieldPath::new(field);
        let items: Vec<&Node> = match &v.kind {
            Kind::Seq(items) => items.iter().collect(),
            Kind::Map(_) => {
                return Err(ctx.err(
                    v.line,
                    format!("`{key}`: a field value cannot be a mapping"),
                ))
            }
            _ => vec![v],
        };
        if mods.exists {
            let want = match items.as_slice() {
                [Node {
                    kind: Kind::Bool(b),
                    ..
                }] => *b,
                [Node {
                    kind: Kind::Str(s), ..
                }] if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                    s.eq_ignore_ascii_case("true")
                }
                _ => return Err(ctx.err(v.line, "`exists` takes `true` or `false`")),
            };
            out.push(FieldCond {
                path,
                op: FieldOp::Exists(want),
            });
            continue;
        }
        let mut values = Vec::new();
        for item in items {
            values.push(compile_value(item, &mods, ctx)?);
        }
        out.push(FieldCond {
            path,
            op: FieldOp::Values {
                all: mods.all,
                values,
            },
        });
    }
    Ok(out)
}

fn encode(text: &str, wide: Option<Wide>) -> Vec<u8> {
    match wide {
        None => text.as_bytes().to_vec(),
        Some(Wide::Le) => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Some(Wide::Be) => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Some(Wide::LeBom) => [0xFFu8, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
    }
}

/// The three base64 forms of `bytes` at offsets 0, 1 and 2 inside a larger
/// encoded text: the characters that depend only on `bytes`.
fn base64_offsets(bytes: &[u8]) -> Vec<String> {
    let b64 = &base64::engine::general_purpose::STANDARD;
    (0..3usize)
        .map(|shift| {
            let mut padded = vec![b' '; shift];
            padded.extend_from_slice(bytes);
            let enc = b64.encode(&padded);
            // Leading characters mix the padding bytes in; trailing ones the
            // bytes that follow (or `=` padding).
            let start = [0usize, 2, 3].get(shift).copied().unwrap_or(0);
            let cut = match (bytes.len() + shift) % 3 {
                1 => 3,
                2 => 2,
                _ => 0,
            };
            enc.get(start..enc.len().saturating_sub(cut))
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every text `s` stands for once each `%name%` is replaced by one of its
/// values. Err: the first placeholder without values.
fn expand_placeholders(s: &str, values: &Placeholders) -> Result<Vec<String>, String> {
    let mut out = vec![String::new()];
    let mut rest = s;
    while let Some(open) = rest.find('%') {
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.find('%') else {
            break;
        };
        let name = after.get(..close).unwrap_or_default();
        let lit = rest.get(..open).unwrap_or_default();
        if name.is_empty() || name.contains(char::is_whitespace) {
            // `%%` or a lone percent sign: literal text.
            for o in &mut out {
                o.push_str(lit);
                o.push('%');
            }
            rest = after;
            continue;
        }
        let vals = values
            .get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| name.to_owned())?;
        out = out
            .iter()
            .flat_map(|o| vals.iter().map(move |v| format!("{o}{lit}{v}")))
            .collect();
        rest = after.get(close + 1..).unwrap_or_default();
    }
    for o in &mut out {
        o.push_str(rest);
    }
    Ok(out)
}

fn windash_variants(s: &str) -> Vec<String> {
    if !s.contains('-') && !s.contains('/') {
        return vec![s.to_owned()];
    }
    ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}']
        .iter()
        .map(|d| {
            let mut out = String::with_capacity(s.len());
            let mut prev_space = true;
            for c in s.chars() {
                if (c == '-' || c == '/') && prev_space {
                    out.push(*d);
                } else {
                    out.push(c);
                }
                prev_space = c.is_whitespace();
            }
            out
        })
        .collect()
}

/// One value of a field, as the alternatives it stands for.
fn compile_value(item: &Node, m: &Mods, ctx: &Ctx<'_>) -> Result<Vec<ValueMatch>, RuleError> {
    if item.kind == Kind::Null {
        return Ok(vec![ValueMatch::Null]);
    }
    let text = item.scalar_text().ok_or_else(|| {
        ctx.err(
            item.line,
            "a field value must be a scalar or a list of scalars",
        )
    })?;
    if !m.expand {
        return compile_text(text, item, m, ctx);
    }
    let texts = expand_placeholders(&text, ctx.placeholders).map_err(|name| {
        ctx.err(
            item.line,
            format!("placeholder `%{name}%` has no value: give it one in a placeholders file (`--placeholders FILE`)"),
        )
    })?;
    let mut out = Vec::new();
    for t in texts {
        out.extend(compile_text(t, item, m, ctx)?);
    }
    Ok(out)
}

/// One value's text (placeholders already expanded).
fn compile_text(
    text: String,
    item: &Node,
    m: &Mods,
    ctx: &Ctx<'_>,
) -> Result<Vec<ValueMatch>, RuleError> {
    if m.re {
        // Flags inline, so the pattern text carries them (SQL export).
        let flags: String = [(m.re_i, 'i'), (m.re_m, 'm'), (m.re_s, 's')]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, c)| *c)
            .collect();
        let pattern = if flags.is_empty() {
            text.clone()
        } else {
            format!("(?{flags}){text}")
        };
        let re = regex::RegexBuilder::new(&pattern)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| ctx.err(item.line, format!("invalid regular expression: {e}")))?;
        return Ok(vec![ValueMatch::Re(re)]);
    }
    if m.cidr {
        return Cidr::parse(&text)
            .map(|c| vec![ValueMatch::Cidr(c)])
            .ok_or_else(|| ctx.err(item.line, format!("`{text}` is not an IP network")));
    }
    if let Some(op) = m.cmp {
        let n: f64 = text
            .trim()
            .parse()
            .map_err(|_| ctx.err(item.line, format!("`{text}` is not a number")))?;
        return Ok(vec![ValueMatch::Cmp(op, n)]);
    }
    if m.fieldref {
        let kind = if m.contains {
            RefKind::Contains
        } else if m.startswith {
            RefKind::Prefix
        } else if m.endswith {
            RefKind::Suffix
        } else {
            RefKind::Exact
        };
        return Ok(vec![ValueMatch::FieldRef {
            path: FieldPath::new(&text),
            kind,
            cased: m.cased,
        }]);
    }
    let variants = if m.windash {
        windash_variants(&text)
    } else {
        vec![text]
    };
    let mut out = Vec::new();
    for v in variants {
        let bodies: Vec<Vec<Piece>> = if m.base64 || m.base64offset || m.wide.is_some() {
            let bytes = encode(&v, m.wide);
            if m.base64offset {
                base64_offsets(&bytes)
                    .into_iter()
                    .map(|s| vec![Piece::Lit(s)])
                    .collect()
            } else if m.base64 {
                vec![vec![Piece::Lit(
                    base64::engine::general_purpose::STANDARD.encode(&bytes),
                )]]
            } else {
                return Err(ctx.err(
                    item.line,
                    "`wide`/`utf16` must be followed by `base64` or `base64offset`",
                ));
            }
        } else {
            vec![pieces(&v)]
        };
        for mut p in bodies {
            if m.contains {
                p = contains(p);
            } else if m.startswith {
                if p.last() != Some(&Piece::Star) {
                    p.push(Piece::Star);
                }
            } else if m.endswith && p.first() != Some(&Piece::Star) {
                p.insert(0, Piece::Star);
            }
            // base64 output is case-sensitive by nature.
            let cased = m.cased || m.base64 || m.base64offset;
            out.push(ValueMatch::Str(StrPattern::new(p, cased)));
        }
    }
    Ok(out)
}

fn parse_timespan(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().ok()?;
    let ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(ms).filter(|v| *v > 0)
}

fn parse_correlation(c: &Node, header: Header, ctx: &Ctx<'_>) -> Result<CorrelationDef, RuleError> {
    let kind = match c.get("type").and_then(Node::as_str) {
        Some("event_count") => CorrelationKind::EventCount,
        Some("value_count") => CorrelationKind::ValueCount,
        Some("temporal") => CorrelationKind::Temporal,
        Some("temporal_ordered") => CorrelationKind::TemporalOrdered,
        Some("value_sum") => CorrelationKind::ValueSum,
        Some("value_avg") => CorrelationKind::ValueAvg,
        Some(other) => return Err(ctx.err(c.line, format!("unknown correlation type `{other}`"))),
        None => return Err(ctx.err(c.line, "the correlation has no `type`")),
    };
    let rules = c.get("rules").map(Node::string_list).unwrap_or_default();
    if rules.is_empty() {
        return Err(ctx.err(c.line, "the correlation names no `rules`"));
    }
    let mut aliases = Vec::new();
    if let Some(a) = c.get("aliases") {
        let m = a.as_map().ok_or_else(|| {
            ctx.err(
                a.line,
                "`aliases` must map each alias to a mapping of rule names to fields",
            )
        })?;
        for (alias, per_rule) in m {
            let pm = per_rule.as_map().ok_or_else(|| {
                ctx.err(
                    per_rule.line,
                    format!("alias `{alias}` must map rule names to fields"),
                )
            })?;
            let mut fields = Vec::new();
            for (rule, field) in pm {
                if !rules.contains(rule) {
                    return Err(ctx.err(
                        field.line,
                        format!("alias `{alias}` names `{rule}`, which is not among the correlation's `rules`"),
                    ));
                }
                let f = field
                    .scalar_text()
                    .filter(|f| !f.is_empty())
                    .ok_or_else(|| {
                        ctx.err(
                            field.line,
                            format!("alias `{alias}`: the field for `{rule}` must be a field name"),
                        )
                    })?;
                fields.push((rule.clone(), FieldPath::new(&f)));
            }
            aliases.push((alias.clone(), fields));
        }
    }
    let group_by = c
        .get("group-by")
        .map(Node::string_list)
        .unwrap_or_default()
        .iter()
        .map(|f| FieldPath::new(f))
        .collect();
    let ts_node = c
        .get("timespan")
        .or_else(|| c.get("timeframe"))
        .ok_or_else(|| ctx.err(c.line, "the correlation has no `timespan`"))?;
    let timespan_ms = ts_node
        .scalar_text()
        .as_deref()
        .and_then(parse_timespan)
        .ok_or_else(|| {
            ctx.err(
                ts_node.line,
                "`timespan` must be a number and a unit (s, m, h, d, w), e.g. `10m`",
            )
        })?;
    let mut condition = None;
    let mut field = None;
    if let Some(cond) = c.get("condition") {
        let m = cond
            .as_map()
            .ok_or_else(|| ctx.err(cond.line, "the correlation `condition` must be a mapping"))?;
        for (k, v) in m {
            let op = match k.as_str() {
                "gt" => CmpOp::Gt,
                "gte" => CmpOp::Gte,
                "lt" => CmpOp::Lt,
                "lte" => CmpOp::Lte,
                "eq" => CmpOp::Eq,
                "field" => {
                    field = v.scalar_text().map(|f| FieldPath::new(&f));
                    continue;
                }
                other => {
                    return Err(ctx.err(v.line, format!("unknown condition operator `{other}`")))
                }
            };
            let n = match &v.kind {
                Kind::Int(i) => *i as f64,
                Kind::Float(f) => *f,
                _ => return Err(ctx.err(v.line, format!("`{k}` takes a number"))),
            };
            condition = Some((op, n));
        }
    }
    let needs_count = !matches!(
        kind,
        CorrelationKind::Temporal | CorrelationKind::TemporalOrdered
    );
    if needs_count && condition.is_none() {
        return Err(ctx.err(c.line, format!("a {kind} correlation needs a `condition`")));
    }
    if matches!(
        kind,
        CorrelationKind::ValueCount | CorrelationKind::ValueSum | CorrelationKind::ValueAvg
    ) && field.is_none()
    {
        return Err(ctx.err(
            c.line,
            format!("a {kind} correlation needs `condition.field`"),
        ));
    }
    let generate = matches!(c.get("generate").map(|g| &g.kind), Some(Kind::Bool(true)));
    Ok(CorrelationDef {
        header,
        kind,
        rules,
        group_by,
        timespan_ms,
        condition,
        field,
        generate,
        aliases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(text: &str) -> Rule {
        match parse_file(text, "t.yml").remove(0).unwrap() {
            Document::Rule(r) => *r,
            Document::Correlation(_) => panic!("not a rule"),
        }
    }

    fn err(text: &str) -> RuleError {
        parse_file(text, "t.yml").remove(0).unwrap_err()
    }

    const HEAD: &str = "title: t\nlogsource: {product: aws, service: cloudtrail}\n";

    fn m(det: &str, ev: serde_json::Value) -> bool {
        rule(&format!("{HEAD}detection:\n{det}"))
            .detection
            .is_match(&ev)
    }

    #[test]
    fn modifiers() {
        let sel = "  sel:\n    f|contains|all: [ab, cd]\n  condition: sel\n";
        assert!(m(sel, json!({"f": "xxABxCDx"})));
        assert!(!m(sel, json!({"f": "xxABx"})));
        assert!(m(
            "  sel:\n    f|startswith: Get\n  condition: sel\n",
            json!({"f": "getX"})
        ));
        assert!(m(
            "  sel:\n    f|endswith: Get\n  condition: sel\n",
            json!({"f": "xget"})
        ));
        assert!(m(
            "  sel:\n    f|re: '^a.c$'\n  condition: sel\n",
            json!({"f": "abc"})
        ));
        assert!(!m(
            "  sel:\n    f|re: '^a.c$'\n  condition: sel\n",
            json!({"f": "ABC"})
        ));
        assert!(m(
            "  sel:\n    f|re|i: '^a.c$'\n  condition: sel\n",
            json!({"f": "ABC"})
        ));
        assert!(m(
            "  sel:\n    ip|cidr: 10.0.0.0/8\n  condition: sel\n",
            json!({"ip": "10.2.3.4"})
        ));
        assert!(m(
            "  sel:\n    n|gte: 5\n  condition: sel\n",
            json!({"n": 5})
        ));
        assert!(m(
            "  sel:\n    n|lt: 5\n  condition: sel\n",
            json!({"n": "4"})
        ));
        assert!(!m(
            "  sel:\n    n|gt: 5\n  condition: sel\n",
            json!({"n": "x"})
        ));
        assert!(m(
            "  sel:\n    f|exists: true\n  condition: sel\n",
            json!({"f": ""})
        ));
        assert!(m(
            "  sel:\n    f|exists: false\n  condition: sel\n",
            json!({"f": null})
        ));
        assert!(m(
            "  sel:\n    a|fieldref: b\n  condition: sel\n",
            json!({"a": "X", "b": "x"})
        ));
        assert!(!m(
            "  sel:\n    a|fieldref|cased: b\n  condition: sel\n",
            json!({"a": "X", "b": "x"})
        ));
        assert!(m(
            "  sel:\n    f|cased: Abc\n  condition: sel\n",
            json!({"f": "Abc"})
        ));
        assert!(!m(
            "  sel:\n    f|cased: Abc\n  condition: sel\n",
            json!({"f": "abc"})
        ));
        // base64("hello world") = aGVsbG8gd29ybGQ=
        assert!(m(
            "  sel:\n    f|base64: hello world\n  condition: sel\n",
            json!({"f": "aGVsbG8gd29ybGQ="})
        ));
        for enc in [
            "aGVsbG8gd29ybGQ=",
            "eGhlbGxvIHdvcmxk",
            "eHhoZWxsbyB3b3JsZA==",
        ] {
            assert!(
                m(
                    "  sel:\n    f|base64offset|contains: hello\n  condition: sel\n",
                    json!({"f": enc})
                ),
                "{enc}"
            );
        }
        assert!(m(
            "  sel:\n    f|windash|contains: ' -enc '\n  condition: sel\n",
            json!({"f": "ps /enc x"})
        ));
        assert!(m(
            "  sel:\n    f|windash|contains: ' -enc '\n  condition: sel\n",
            json!({"f": "ps \u{2013}enc x"})
        ));
    }

    #[test]
    fn null_booleans_numbers_objects() {
        assert!(m("  sel:\n    f: null\n  condition: sel\n", json!({})));
        assert!(m(
            "  sel:\n    f: null\n  condition: sel\n",
            json!({"f": null})
        ));
        assert!(!m(
            "  sel:\n    f: null\n  condition: sel\n",
            json!({"f": "x"})
        ));
        assert!(m(
            "  sel:\n    f: 'true'\n  condition: sel\n",
            json!({"f": true})
        ));
        assert!(m(
            "  sel:\n    f: true\n  condition: sel\n",
            json!({"f": "TRUE"})
        ));
        assert!(m(
            "  sel:\n    f: 443\n  condition: sel\n",
            json!({"f": 443})
        ));
        assert!(m(
            "  sel:\n    f: 443\n  condition: sel\n",
            json!({"f": "443"})
        ));
        assert!(m(
            "  sel:\n    f|contains: Suspended\n  condition: sel\n",
            json!({"f": {"s": "Suspended"}})
        ));
        assert!(m(
            "  sel:\n    a.b: x\n  condition: sel\n",
            json!({"a": {"b": "X"}})
        ));
        assert!(m(
            "  sel:\n    a.b: x\n  condition: sel\n",
            json!({"a": [{"b": "y"}, {"b": "x"}]})
        ));
        assert!(m(
            "  sel:\n    a: x\n  condition: sel\n",
            json!({"a": ["y", "x"]})
        ));
        assert!(!m(
            "  sel:\n    a|contains: '*'\n  condition: sel\n",
            json!({})
        ));
        assert!(m(
            "  sel:\n    a|contains: '*'\n  condition: sel\n",
            json!({"a": ""})
        ));
    }

    #[test]
    fn keywords_and_lists() {
        assert!(m(
            "  kw:\n    - evil\n  condition: kw\n",
            json!({"a": {"b": "so EVIL"}})
        ));
        assert!(!m(
            "  kw:\n    - evil\n  condition: kw\n",
            json!({"a": "good"})
        ));
        let or_maps = "  sel:\n    - a: 1\n    - b: 2\n  condition: sel\n";
        assert!(m(or_maps, json!({"b": 2})));
        assert!(!m(or_maps, json!({"c": 2})));
        let two = "  s1:\n    a: 1\n  s2:\n    b: 2\n  s3:\n    c: 3\n  condition: 2 of s*\n";
        assert!(m(two, json!({"a": 1, "c": 3})));
        assert!(!m(two, json!({"a": 1})));
    }

    #[test]
    fn expand_placeholders_from_values() {
        let text = format!(
            "{HEAD}detection:\n  sel:\n    eventName: ConsoleLogin\n  ok:\n    sourceIPAddress|expand|cidr: '%Office%'\n  ua:\n    userAgent|expand|contains: 'x-%Tool%-y'\n  condition: sel and not ok or ua\n"
        );
        let e = parse_file(&text, "t.yml").remove(0).unwrap_err();
        assert!(e.message.contains("%Office%"), "{e}");
        assert_eq!(e.line, 7);
        let mut ph = Placeholders::new();
        ph.insert(
            "Office".into(),
            vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()],
        );
        ph.insert("Tool".into(), vec!["a".into(), "b".into()]);
        let r = match parse_file_with(&text, "t.yml", &ph).remove(0).unwrap() {
            Document::Rule(r) => r,
            Document::Correlation(_) => panic!(),
        };
        let d = &r.detection;
        assert!(!d.is_match(&json!({"eventName": "ConsoleLogin", "sourceIPAddress": "10.1.1.1"})));
        assert!(!d.is_match(&json!({"eventName": "ConsoleLogin", "sourceIPAddress": "192.0.2.9"})));
        assert!(
            d.is_match(&json!({"eventName": "ConsoleLogin", "sourceIPAddress": "198.51.100.1"}))
        );
        assert!(d.is_match(&json!({"eventName": "X", "userAgent": "1 X-B-Y 2"})));
        assert!(!d.is_match(&json!({"eventName": "X", "userAgent": "x-c-y"})));
        assert_eq!(
            expand_placeholders("100% %A% %%", &ph).unwrap_err(),
            "A".to_owned()
        );
        assert_eq!(
            expand_placeholders("50% off", &ph).unwrap(),
            vec!["50% off"]
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = err(&format!(
            "{HEAD}detection:\n  sel:\n    f|bogus: x\n  condition: sel\n"
        ));
        assert_eq!(e.line, 5);
        assert!(e.message.contains("bogus"), "{e}");
        assert!(e.to_string().starts_with("t.yml:5:"));
        let e = err(&format!(
            "{HEAD}detection:\n  sel:\n    f: x\n  condition: sel and nope\n"
        ));
        assert!(e.message.contains("nope"), "{e}");
        let e = err(&format!(
            "{HEAD}detection:\n  sel:\n    f|re: '(('\n  condition: sel\n"
        ));
        assert!(e.message.contains("regular expression"), "{e}");
        assert!(err("title: x\n").message.contains("neither"));
        assert!(err("- a\n").message.contains("mapping"));
        assert!(err("a: [\n").message.contains("invalid YAML"));
    }

    #[test]
    fn index_names() {
        let r = rule(&format!(
            "{HEAD}detection:\n  sel:\n    eventName: [StopLogging, DeleteTrail]\n  f:\n    x: 1\n  condition: sel and not f\n"
        ));
        assert_eq!(
            r.detection.event_names(),
            Some(vec!["deletetrail".to_owned(), "stoplogging".to_owned()])
        );
        let r = rule(&format!(
            "{HEAD}detection:\n  sel:\n    eventName: A\n  f:\n    x: 1\n  condition: sel or f\n"
        ));
        assert_eq!(r.detection.event_names(), None);
    }

    #[test]
    fn correlation() {
        let docs = parse_file(
            "title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  group-by: [x]\n  timespan: 10m\n  condition: {gte: 3}\n",
            "c.yml",
        );
        match docs.into_iter().next().unwrap().unwrap() {
            Document::Correlation(c) => {
                assert_eq!(c.timespan_ms, 600_000);
                assert_eq!(c.condition, Some((CmpOp::Gte, 3.0)));
            }
            Document::Rule(_) => panic!("not a correlation"),
        }
        let e = parse_file(
            "title: c\ncorrelation:\n  type: value_count\n  rules: [a]\n  timespan: 1x\n  condition: {gte: 3}\n",
            "c.yml",
        )
        .remove(0)
        .unwrap_err();
        assert!(e.message.contains("timespan"), "{e}");
    }

    #[test]
    fn correlation_aliases() {
        let text = "title: c\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  aliases:\n    ip:\n      a: sourceIPAddress\n      b: srcaddr\n  group-by: [ip, awsRegion]\n  timespan: 10m\n";
        let Document::Correlation(c) = parse_file(text, "c.yml").remove(0).unwrap() else {
            panic!("not a correlation")
        };
        let ip = &c.group_by[0];
        assert_eq!(c.group_field(0, ip).full, "sourceIPAddress");
        assert_eq!(c.group_field(1, ip).full, "srcaddr");
        // Not an alias: the field itself, for every rule.
        assert_eq!(c.group_field(1, &c.group_by[1]).full, "awsRegion");
        for (bad, want) in [
            ("      z: f\n", "`z`, which is not among"),
            ("      a: [x]\n", "must be a field name"),
        ] {
            let text = format!("title: c\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  aliases:\n    ip:\n{bad}  group-by: [ip]\n  timespan: 10m\n");
            let e = parse_file(&text, "c.yml").remove(0).unwrap_err();
            assert!(e.message.contains(want), "{e}");
            assert_eq!(e.line, 7, "{e}");
        }
    }
}
