//! The matcher: one Aho-Corasick pass over a file finds which rules'
//! keywords occur, then only those rules' regexes run (as `regex::bytes`,
//! Unicode off unless a rule asks for it).

use crate::filter;
use crate::rules::{RuleDef, RuleError};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use sha2::{Digest, Sha256};

/// Bytes before a keyword that a rule's regex sees (then back to the line
/// start): room for a name before `password`, a scheme before `://`.
const WINDOW_BEFORE: usize = 256;
/// Bytes after a keyword that a rule's regex sees (then on to the line end):
/// room for a private key's headers before its body.
const WINDOW_AFTER: usize = 1024;

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// A documented example, or the shape without the structure.
    Low,
    /// Every check passed.
    High,
}

impl Confidence {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::High => "high",
        }
    }
}

/// One secret found in one file. Holds no secret: only its redacted form
/// and a hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (bytes).
    pub column: u32,
    /// First and last characters only.
    pub redacted: String,
    /// SHA-256 of the secret, hex.
    pub secret_sha256: String,
    /// Entropy of the secret, bits per character.
    pub entropy: f64,
    /// How sure.
    pub confidence: Confidence,
    /// Why the confidence is low, when it is.
    pub note: Option<&'static str>,
}

struct Compiled {
    regex: Regex,
}

/// Compiled rules.
pub struct Engine {
    rules: Vec<RuleDef>,
    compiled: Vec<Compiled>,
    keywords: AhoCorasick,
    /// Keyword pattern index → rules that use it.
    keyword_rules: Vec<Vec<usize>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl Engine {
    /// Compile rules. `file` names where they came from, for errors.
    pub fn new(rules: Vec<RuleDef>, file: &str) -> Result<Self, RuleError> {
        let mut compiled = Vec::with_capacity(rules.len());
        let mut keyword_list: Vec<Vec<u8>> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let regex = RegexBuilder::new(&r.pattern)
                .unicode(r.unicode)
                .size_limit(32 * 1024 * 1024)
                .dfa_size_limit(16 * 1024 * 1024)
                .build()
                .map_err(|e| RuleError::Pattern {
                    file: file.to_owned(),
                    id: r.id.clone(),
                    message: e.to_string(),
                })?;
            compiled.push(Compiled { regex });
            for k in &r.keywords {
                let k = k.to_ascii_lowercase().into_bytes();
                match keyword_list.iter().position(|x| *x == k) {
                    Some(p) => {
                        if let Some(v) = keyword_rules.get_mut(p) {
                            v.push(i);
                        }
                    }
                    None => {
                        keyword_list.push(k);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        // The search is leftmost-longest and does not overlap (much faster
        // than an overlapping search), so a keyword that holds another also
        // stands for the rules of the one it holds: `aws_secret` triggers
        // the rules of `secret` too.
        let own = keyword_rules.clone();
        for (k, rules_of_k) in keyword_list.iter().zip(keyword_rules.iter_mut()) {
            for (other, other_rules) in keyword_list.iter().zip(&own) {
                if other.len() < k.len() && memchr::memmem::find(k, other).is_some() {
                    for &r in other_rules {
                        if !rules_of_k.contains(&r) {
                            rules_of_k.push(r);
                        }
                    }
                }
            }
        }
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&keyword_list)
            .map_err(|e| RuleError::Invalid {
                file: file.to_owned(),
                id: "*".to_owned(),
                message: format!("keywords do not compile: {e}"),
            })?;
        Ok(Engine {
            rules,
            compiled,
            keywords,
            keyword_rules,
        })
    }

    /// The built-in rules, compiled.
    pub fn builtin() -> Result<Self, RuleError> {
        Engine::new(crate::rules::builtin()?, "rules/secrets")
    }

    /// The rules, in index order.
    pub fn rules(&self) -> &[RuleDef] {
        &self.rules
    }

    /// Run every rule's `examples` (each must produce a finding of the
    /// rule) and `negative_examples` (none may). Returns one line per
    /// failure; empty when all hold.
    pub fn check_examples(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            for ex in &rule.examples {
                if !self
                    .scan("example.txt", ex.as_bytes())
                    .iter()
                    .any(|h| h.rule == i)
                {
                    failures.push(format!("{}: example not found: {ex:?}", rule.id));
                }
            }
            for ex in &rule.negative_examples {
                if self
                    .scan("example.txt", ex.as_bytes())
                    .iter()
                    .any(|h| h.rule == i)
                {
                    failures.push(format!("{}: negative example matched: {ex:?}", rule.id));
                }
            }
            for ex in &rule.low_examples {
                let hits = self.scan("example.txt", ex.as_bytes());
                let mine = || hits.iter().filter(|h| h.rule == i);
                if !mine().any(|h| h.confidence == Confidence::Low)
                    || mine().any(|h| h.confidence == Confidence::High)
                {
                    failures.push(format!(
                        "{}: low example not found at low confidence only: {ex:?}",
                        rule.id
                    ));
                }
            }
        }
        failures
    }

    /// Scan one file's bytes. `path` decides code-only filters.
    pub fn scan(&self, path: &str, data: &[u8]) -> Vec<Hit> {
        // Per rule, the windows of the file around its keywords: whole
        // lines from WINDOW_BEFORE bytes before a keyword to WINDOW_AFTER
        // bytes after it. Only these run through the rule's regex.
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rules.len()];
        for m in self.keywords.find_iter(data) {
            let Some(rs) = self.keyword_rules.get(m.pattern().as_usize()) else {
                continue;
            };
            let from = m.start().saturating_sub(WINDOW_BEFORE);
            let from = data
                .get(..from)
                .and_then(|b| memchr::memrchr(b'\n', b))
                .map_or(0, |i| i + 1);
            let to = (m.end() + WINDOW_AFTER).min(data.len());
            let to = data
                .get(to..)
                .and_then(|b| memchr::memchr(b'\n', b))
                .map_or(data.len(), |i| to + i);
            for &r in rs {
                if let Some(w) = windows.get_mut(r) {
                    match w.last_mut() {
                        Some(last) if from <= last.1 && to >= last.0 => {
                            last.0 = last.0.min(from);
                            last.1 = last.1.max(to);
                        }
                        _ => w.push((from, to)),
                    }
                }
            }
        }
        let is_code = filter::is_source_code(path);
        let mut raw: Vec<(usize, usize, usize, Confidence, Option<&'static str>)> = Vec::new();
        for (i, ((rule, comp), wins)) in self
            .rules
            .iter()
            .zip(&self.compiled)
            .zip(&windows)
            .enumerate()
        {
            for &(from, to) in wins {
                let Some(window) = data.get(from..to) else {
                    continue;
                };
                for caps in comp.regex.captures_iter(window) {
                    let m = match rule.secret_group {
                        Some(g) => caps.get(g),
                        None => (1..caps.len())
                            .find_map(|g| caps.get(g))
                            .or_else(|| caps.get(0)),
                    };
                    let Some(m) = m else { continue };
                    let (start, end) = (from + m.start(), from + m.end());
                    if let Some((conf, note)) = judge(rule, data, start, m.as_bytes(), is_code) {
                        raw.push((i, start, end, conf, note));
                    }
                }
            }
        }
        // A generic rule loses to a specific one on the same bytes.
        let specific: Vec<(usize, usize)> = raw
            .iter()
            .filter(|h| self.rules.get(h.0).is_some_and(|r| !r.generic))
            .map(|h| (h.1, h.2))
            .collect();
        raw.retain(|h| {
            self.rules.get(h.0).is_some_and(|r| !r.generic)
                || !specific.iter().any(|&(s, e)| h.1 < e && s < h.2)
        });
        raw.sort_by_key(|h| (h.1, h.0));
        raw.dedup_by_key(|h| (h.0, h.1));

        let mut out = Vec::with_capacity(raw.len());
        let mut line = 1u32;
        let mut line_start = 0usize;
        let mut pos = 0usize;
        for (rule, start, end, confidence, note) in raw {
            // Walk lines forward (hits are sorted by offset).
            if let Some(chunk) = data.get(pos..start) {
                for nl in memchr::memchr_iter(b'\n', chunk) {
                    line = line.saturating_add(1);
                    line_start = pos + nl + 1;
                }
            }
            pos = start;
            if suppressed(data, line_start) {
                continue;
            }
            let secret = data.get(start..end).unwrap_or_default();
            out.push(Hit {
                rule,
                line,
                column: u32::try_from(start - line_start + 1).unwrap_or(u32::MAX),
                redacted: redact(secret),
                secret_sha256: sha256_hex(secret),
                entropy: filter::entropy(secret),
                confidence,
                note,
            });
        }
        out
    }
}

/// Decide whether a candidate is a finding, and how sure it is.
fn judge(
    rule: &RuleDef,
    data: &[u8],
    start: usize,
    secret: &[u8],
    is_code: bool,
) -> Option<(Confidence, Option<&'static str>)> {
    if secret.len() < rule.min_length {
        return None;
    }
    if rule.require_digit && !secret.iter().any(u8::is_ascii_digit) {
        return None;
    }
    // A reference or a mask is never a secret. A placeholder word
    // (`changeme`, `secret`) in a generic `name = value` is noise, but in a
    // specific format (a database URL, a key) it may be the password in use:
    // kept, at low confidence.
    let mut placeholder = false;
    if rule.filter_placeholders {
        match filter::placeholder(secret) {
            filter::Placeholder::No => {}
            filter::Placeholder::Reference => return None,
            filter::Placeholder::Word if rule.generic => return None,
            filter::Placeholder::Word => placeholder = true,
        }
    }
    if rule.code_needs_quotes && is_code {
        let before = start.checked_sub(1).and_then(|i| data.get(i)).copied();
        let quoted = matches!(before, Some(b'"' | b'\'' | b'`'));
        if !quoted {
            return None;
        }
    }
    if rule.generic && filter::looks_like_expression(secret) {
        let before = start.checked_sub(1).and_then(|i| data.get(i)).copied();
        if !matches!(before, Some(b'"' | b'\'' | b'`')) {
            return None;
        }
    }
    if !rule.exclude_context.is_empty() {
        let before = data
            .get(start.saturating_sub(64)..start)
            .unwrap_or_default()
            .to_ascii_lowercase();
        if rule
            .exclude_context
            .iter()
            .any(|c| memchr::memmem::find(&before, c.to_ascii_lowercase().as_bytes()).is_some())
        {
            return None;
        }
    }
    if filter::entropy(secret) < rule.min_entropy {
        return None;
    }
    if let Some(v) = rule.validate {
        if !v.check(secret) {
            if rule.drop_invalid {
                return None;
            }
            return Some((Confidence::Low, Some("fails the format's structural check")));
        }
    }
    if filter::is_known_example(secret) {
        return Some((Confidence::Low, Some("a documented example value")));
    }
    if placeholder {
        return Some((Confidence::Low, Some("a placeholder-like value")));
    }
    Some((Confidence::High, None))
}

/// Whether the line starting at `line_start`, or the line before it, holds
/// the suppression marker.
fn suppressed(data: &[u8], line_start: usize) -> bool {
    let rest = data.get(line_start..).unwrap_or_default();
    let this_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let this = rest.get(..this_end).unwrap_or_default();
    if memchr::memmem::find(this, filter::ALLOW_MARKER).is_some() {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let before = data.get(..line_start.saturating_sub(1)).unwrap_or_default();
    let prev_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let prev = before.get(prev_start..).unwrap_or_default();
    // Only a line that is nothing but a comment with the marker counts.
    memchr::memmem::find(prev, filter::ALLOW_MARKER).is_some()
}

/// Show the first and last characters of a secret only: at most an eighth
/// of it in all, none for short ones.
pub fn redact(secret: &[u8]) -> String {
    let n = secret.len();
    let (head, tail) = match n {
        0..=7 => (0, 0),
        8..=15 => (1, 1),
        16..=31 => (3, 1),
        _ => (4, 4),
    };
    let text = |b: &[u8]| -> String {
        b.iter()
            .map(|&c| {
                if c.is_ascii_graphic() {
                    char::from(c)
                } else {
                    '?'
                }
            })
            .collect()
    };
    let h = secret.get(..head).unwrap_or_default();
    let t = secret.get(n - tail..).unwrap_or_default();
    format!("{}…{} ({n} chars)", text(h), text(t))
}

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_much() {
        assert_eq!(redact(b"abc"), "… (3 chars)");
        assert_eq!(redact(b"hunter22"), "h…2 (8 chars)");
        assert_eq!(redact(b"AKIAIOSFODNN7EXAMPLE"), "AKI…E (20 chars)");
        let long = redact(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert_eq!(long, "wJal…EKEY (40 chars)");
    }
}
