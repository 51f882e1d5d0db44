//! Parse one `.tf` file into blocks with line numbers.

use hcl::edit::Span;
use hcl::Expression;

/// An attribute: name, expression, 1-based line.
#[derive(Debug, Clone)]
pub struct Attr {
    /// Name.
    pub name: String,
    /// The expression as written.
    pub expr: Expression,
    /// 1-based line.
    pub line: u32,
}

/// A block with its labels, attributes and nested blocks.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Block type (`resource`, `ingress`…).
    pub ident: String,
    /// Labels.
    pub labels: Vec<String>,
    /// 1-based line of the header.
    pub line: u32,
    /// 1-based line of the closing brace.
    pub end_line: u32,
    /// Attributes in order.
    pub attrs: Vec<Attr>,
    /// Nested blocks in order.
    pub blocks: Vec<Block>,
}

impl Block {
    /// An attribute by name.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// A parsed file.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// Path as shown.
    pub display: String,
    /// Top-level attributes (only in `.tfvars`).
    pub attrs: Vec<Attr>,
    /// Top-level blocks.
    pub blocks: Vec<Block>,
    /// The text, for suppression comments.
    pub text: String,
}

/// A parse error with its position.
#[derive(Debug, Clone)]
pub struct ParseError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Message, lower case.
    pub message: String,
}

struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines(starts)
    }

    fn line(&self, offset: usize) -> u32 {
        let idx = match self.0.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }
}

/// Parse HCL text.
pub fn parse(display: &str, text: &str) -> Result<File, ParseError> {
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        ParseError {
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
            message: first_line(e.message()),
        }
    })?;
    let lines = Lines::new(text);
    let (attrs, blocks) = convert_body(&body, &lines);
    Ok(File {
        display: display.to_owned(),
        attrs,
        blocks,
        text: text.to_owned(),
    })
}

fn first_line(msg: &str) -> String {
    let m = msg.lines().next().unwrap_or("invalid HCL").trim();
    if m.is_empty() {
        "invalid HCL".to_owned()
    } else {
        m.to_lowercase()
    }
}

fn convert_body(body: &hcl::edit::structure::Body, lines: &Lines) -> (Vec<Attr>, Vec<Block>) {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    for s in body.iter() {
        if let Some(a) = s.as_attribute() {
            attrs.push(Attr {
                name: a.key.as_str().to_owned(),
                expr: Expression::from(a.value.clone()),
                line: a.span().map_or(0, |r| lines.line(r.start)),
            });
        } else if let Some(b) = s.as_block() {
            let (a, bl) = convert_body(&b.body, lines);
            blocks.push(Block {
                ident: b.ident.as_str().to_owned(),
                labels: b.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                line: b
                    .span()
                    .or_else(|| b.ident.span())
                    .map_or(0, |r| lines.line(r.start)),
                end_line: b.span().map_or(0, |r| lines.line(r.end.saturating_sub(1))),
                attrs: a,
                blocks: bl,
            });
        }
    }
    (attrs, blocks)
}

/// Parse a file in Terraform's JSON syntax (`.tf.json`). Each block is
/// rewritten in the native syntax and parsed as such; nested blocks become
/// object (or list of objects) arguments, which the mapping reads the same
/// way. Every block and argument carries the line of the block's name in
/// the JSON text.
pub fn parse_json(display: &str, text: &str) -> Result<File, ParseError> {
    let root: serde_json::Value = serde_json::from_str(text).map_err(|e| ParseError {
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.column()).unwrap_or(u32::MAX),
        message: format!("invalid JSON: {}", first_line(&e.to_string())),
    })?;
    let serde_json::Value::Object(top) = root else {
        return Err(ParseError {
            line: 1,
            column: 1,
            message: "a .tf.json file must hold one JSON object".to_owned(),
        });
    };
    let mut out = String::new();
    // (labels, line in the JSON text) per block written, in order.
    let mut lines: Vec<u32> = Vec::new();
    let finder = JsonLines::new(text);
    if display.ends_with(".tfvars.json") {
        // Variable values: top-level arguments.
        for (k, x) in &top {
            if is_identifier(k) {
                out.push_str(k);
                out.push_str(" = ");
                hcl_value(&mut out, x, 0);
                out.push('\n');
            }
        }
        let mut file = parse(display, &out)?;
        file.text = text.to_owned();
        return Ok(file);
    }
    for (kind, v) in &top {
        let labels = match kind.as_str() {
            "resource" | "data" => 2,
            "module" | "variable" | "output" | "provider" => 1,
            "locals" => 0,
            _ => continue,
        };
        for (names, body) in json_blocks(v, labels) {
            let Some(body) = body.as_object() else {
                continue;
            };
            let line = finder.line_of(kind, &names);
            out.push_str(kind);
            for n in &names {
                out.push(' ');
                hcl_string(&mut out, n);
            }
            out.push_str(" {\n");
            for (k, x) in body {
                if !is_identifier(k) {
                    continue;
                }
                out.push_str(k);
                out.push_str(" = ");
                hcl_value(&mut out, x, 0);
                out.push('\n');
            }
            out.push_str("}\n");
            lines.push(line);
        }
    }
    let mut file = parse(display, &out)?;
    for (b, line) in file.blocks.iter_mut().zip(lines) {
        set_line(b, line);
    }
    file.text = text.to_owned();
    Ok(file)
}

fn set_line(b: &mut Block, line: u32) {
    b.line = line;
    b.end_line = line;
    for a in &mut b.attrs {
        a.line = line;
    }
    for c in &mut b.blocks {
        set_line(c, line);
    }
}

/// The blocks under a block type: `{label: {label: body}}` down to the
/// body, which may also be a list of bodies.
fn json_blocks(v: &serde_json::Value, labels: usize) -> Vec<(Vec<String>, &serde_json::Value)> {
    if labels == 0 {
        return match v {
            serde_json::Value::Array(items) => items.iter().map(|b| (Vec::new(), b)).collect(),
            other => vec![(Vec::new(), other)],
        };
    }
    let serde_json::Value::Object(m) = v else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, x) in m {
        for (mut rest, body) in json_blocks(x, labels - 1) {
            rest.insert(0, k.clone());
            out.push((rest, body));
        }
    }
    out
}

fn is_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A JSON string as an HCL quoted template: `${…}` stays an interpolation,
/// as Terraform reads strings in JSON files.
fn hcl_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Deepest JSON nesting rewritten; deeper values become null.
const MAX_JSON_DEPTH: u32 = 64;

fn hcl_value(out: &mut String, v: &serde_json::Value, depth: u32) {
    if depth > MAX_JSON_DEPTH {
        out.push_str("null");
        return;
    }
    match v {
        serde_json::Value::Null => out.push_str("null"),
        serde_json::Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        serde_json::Value::Number(n) => out.push_str(&n.to_string()),
        serde_json::Value::String(s) => hcl_string(out, s),
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                hcl_value(out, x, depth + 1);
            }
            out.push(']');
        }
        serde_json::Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                // Keys are literal, never templates.
                hcl_string(out, &k.replace("${", "$${").replace("%{", "%%{"));
                out.push_str(" = ");
                hcl_value(out, x, depth + 1);
            }
            out.push('}');
        }
    }
}

/// Finds where a block's name appears in the JSON text.
struct JsonLines<'t> {
    text: &'t str,
    lines: Lines,
}

impl<'t> JsonLines<'t> {
    fn new(text: &'t str) -> Self {
        JsonLines {
            text,
            lines: Lines::new(text),
        }
    }

    /// The line of the last label's key after the block type's key; the
    /// first line when it cannot be found.
    fn line_of(&self, kind: &str, names: &[String]) -> u32 {
        let mut at = 0usize;
        for key in std::iter::once(kind).chain(names.iter().map(String::as_str)) {
            let quoted = format!("\"{key}\"");
            match self.text.get(at..).and_then(|t| t.find(&quoted)) {
                Some(i) => at += i + quoted.len(),
                None => return 1,
            }
        }
        self.lines.line(at)
    }
}
