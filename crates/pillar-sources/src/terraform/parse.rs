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
                attrs: a,
                blocks: bl,
            });
        }
    }
    (attrs, blocks)
}
