//! The Sigma condition grammar: `and`, `or`, `not`, parentheses,
//! `1 of X`, `all of X`, `N of X` with `X` a search identifier, a
//! wildcard pattern over identifiers, or `them`.
//!
//! Precedence, lowest first: `or`, `and`, `not`.

/// A condition, with search identifiers resolved to their index.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// One search identifier.
    Search(usize),
    /// All must hold.
    And(Vec<Cond>),
    /// One must hold.
    Or(Vec<Cond>),
    /// Negation.
    Not(Box<Cond>),
    /// At least `n` of these searches hold.
    AtLeast(usize, Vec<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Of,
    All,
    Num(usize),
    Word(String),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(Tok::LParen),
            ')' => out.push(Tok::RParen),
            '|' => {
                return Err(
                    "aggregation conditions (`| count() …`) are not supported: write a correlation rule"
                        .to_owned(),
                )
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '*' | '?' | '-' | '.') => {
                let mut w = String::from(c);
                while let Some(&(_, n)) = chars.peek() {
                    if n.is_alphanumeric() || matches!(n, '_' | '*' | '?' | '-' | '.') {
                        w.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(match w.to_ascii_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "of" => Tok::Of,
                    "all" => Tok::All,
                    _ => match w.parse::<usize>() {
                        Ok(n) => Tok::Num(n),
                        Err(_) => Tok::Word(w),
                    },
                });
            }
            other => return Err(format!("unexpected character `{other}` in condition")),
        }
    }
    Ok(out)
}

/// Matches `name` against a pattern with `*` and `?` (identifier patterns).
fn ident_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    crate::matcher::glob_chars(&p, &n)
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    names: &'a [String],
}

const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self, depth: usize) -> Result<Cond, String> {
        let mut items = vec![self.and(depth)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            items.push(self.and(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Cond, String> {
        let mut items = vec![self.unary(depth)?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            items.push(self.unary(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }

    fn unary(&mut self, depth: usize) -> Result<Cond, String> {
        if depth > MAX_DEPTH {
            return Err("condition nested too deeply".to_owned());
        }
        match self.next() {
            Some(Tok::Not) => Ok(Cond::Not(Box::new(self.unary(depth + 1)?))),
            Some(Tok::LParen) => {
                let c = self.or(depth + 1)?;
                match self.next() {
                    Some(Tok::RParen) => Ok(c),
                    _ => Err("missing `)` in condition".to_owned()),
                }
            }
            Some(Tok::Num(n)) => self.quantified(Some(n)),
            Some(Tok::All) => self.quantified(None),
            Some(Tok::Word(w)) => {
                if w.contains('*') || w.contains('?') {
                    return Err(format!(
                        "`{w}`: a wildcard needs a quantifier (`1 of {w}` or `all of {w}`)"
                    ));
                }
                self.names
                    .iter()
                    .position(|n| n == &w)
                    .map(Cond::Search)
                    .ok_or_else(|| {
                        format!("condition names `{w}`, which is not a search identifier")
                    })
            }
            Some(t) => Err(format!("unexpected `{}` in condition", tok_text(&t))),
            None => Err("condition ends too early".to_owned()),
        }
    }

    fn quantified(&mut self, n: Option<usize>) -> Result<Cond, String> {
        if self.next() != Some(Tok::Of) {
            return Err("expected `of` after a quantifier".to_owned());
        }
        let target = match self.next() {
            Some(Tok::Word(w)) => w,
            _ => {
                return Err(
                    "expected a search identifier, a pattern or `them` after `of`".to_owned(),
                )
            }
        };
        let ids: Vec<usize> = if target == "them" {
            self.names
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.starts_with('_'))
                .map(|(i, _)| i)
                .collect()
        } else {
            self.names
                .iter()
                .enumerate()
                .filter(|(_, n)| ident_matches(&target, n))
                .map(|(i, _)| i)
                .collect()
        };
        if ids.is_empty() {
            return Err(format!("`{target}` matches no search identifier"));
        }
        Ok(match n {
            None => Cond::And(ids.into_iter().map(Cond::Search).collect()),
            Some(1) => Cond::Or(ids.into_iter().map(Cond::Search).collect()),
            Some(n) => Cond::AtLeast(n, ids),
        })
    }
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::And => "and".into(),
        Tok::Or => "or".into(),
        Tok::Not => "not".into(),
        Tok::Of => "of".into(),
        Tok::All => "all".into(),
        Tok::Num(n) => n.to_string(),
        Tok::Word(w) => w.clone(),
    }
}

/// Parse a condition over the named search identifiers.
pub fn parse(text: &str, names: &[String]) -> Result<Cond, String> {
    let toks = tokenize(text)?;
    if toks.is_empty() {
        return Err("empty condition".to_owned());
    }
    let mut p = Parser {
        toks,
        pos: 0,
        names,
    };
    let c = p.or(0)?;
    if let Some(t) = p.peek() {
        return Err(format!("unexpected `{}` in condition", tok_text(t)));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["selection", "filter_a", "filter_b", "_hidden"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn precedence() {
        let c = parse("selection and not filter_a or filter_b", &names()).unwrap();
        assert_eq!(
            c,
            Cond::Or(vec![
                Cond::And(vec![Cond::Search(0), Cond::Not(Box::new(Cond::Search(1)))]),
                Cond::Search(2)
            ])
        );
    }

    #[test]
    fn quantifiers() {
        let c = parse("selection and not 1 of filter_*", &names()).unwrap();
        assert_eq!(
            c,
            Cond::And(vec![
                Cond::Search(0),
                Cond::Not(Box::new(Cond::Or(vec![Cond::Search(1), Cond::Search(2)])))
            ])
        );
        assert_eq!(
            parse("all of them", &names()).unwrap(),
            Cond::And(vec![Cond::Search(0), Cond::Search(1), Cond::Search(2)])
        );
        assert_eq!(
            parse("2 of filter*", &names()).unwrap(),
            Cond::AtLeast(2, vec![1, 2])
        );
        assert_eq!(parse("( selection )", &names()).unwrap(), Cond::Search(0));
    }

    #[test]
    fn errors() {
        assert!(parse("selection and", &names()).is_err());
        assert!(parse("nosuch", &names()).is_err());
        assert!(parse("(selection", &names()).is_err());
        assert!(parse("selection | count() > 5", &names()).is_err());
        assert!(parse("1 of nothing*", &names()).is_err());
        assert!(parse("filter_*", &names()).is_err());
    }
}
