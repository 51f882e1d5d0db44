//! Extra rule packs a user loads at run time (`pillar secrets --rules FILE`):
//! pillar's own YAML, a gitleaks TOML configuration, or a noseyparker YAML
//! rule file. pillar ships none of theirs; this module reads their
//! documented formats and maps each rule onto a [`RuleDef`].
//!
//! * gitleaks (`[[rules]]` tables): `id`, `description`, `regex`,
//!   `secretGroup`, `entropy`, `keywords`; a rule with only a `path` (it
//!   flags file names, not content) is left out with a note, and allowlists
//!   are not applied (noted once).
//! * noseyparker (`rules:` list): `id`, `name`, `pattern`, `description`,
//!   `examples`, `negative_examples` (checked by `--check-rules` like ours).
//!
//! Neither format requires prefilter keywords, so when a rule has none they
//! are derived from its regex: literals that every match starts (or ends)
//! with. A rule for which no such literal of three bytes or more exists is
//! left out with a note: it would run its regex over every byte of every
//! file.

use crate::rules::{RuleDef, RuleError};
use pillar_model::Severity;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use serde::Deserialize;

/// A loaded pack: its rules, and notes on what was left out or not applied.
#[derive(Debug, Default)]
pub struct Pack {
    /// The rules, ids prefixed by the pack's kind.
    pub rules: Vec<RuleDef>,
    /// What was not loaded, one line each, naming the rule.
    pub notes: Vec<String>,
}

/// Which format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// pillar's own rule YAML.
    Pillar,
    /// gitleaks TOML.
    Gitleaks,
    /// noseyparker YAML.
    Noseyparker,
}

/// Load one pack, telling the format from the file name and content.
pub fn load(file: &str, text: &str) -> Result<Pack, RuleError> {
    match detect(file, text) {
        Format::Gitleaks => gitleaks(file, text),
        Format::Noseyparker => noseyparker(file, text),
        Format::Pillar => Ok(Pack {
            rules: crate::rules::read(file, text)?
                .into_iter()
                .map(|(_, r)| r)
                .collect(),
            notes: Vec::new(),
        }),
    }
}

/// Tell the format: `.toml` is gitleaks; YAML whose rules have `pattern`
/// and `name` but no `title` is noseyparker.
pub fn detect(file: &str, text: &str) -> Format {
    if file.to_ascii_lowercase().ends_with(".toml") {
        return Format::Gitleaks;
    }
    let has = |key: &str| {
        text.lines()
            .any(|l| l.trim_start().trim_start_matches("- ").starts_with(key))
    };
    if has("name:") && !has("title:") {
        Format::Noseyparker
    } else {
        Format::Pillar
    }
}

/// A kebab-case id from another tool's id.
fn kebab(prefix: &str, id: &str) -> String {
    let mut out = String::from(prefix);
    let mut dash = true;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Literals of three bytes or more, lower-cased, such that every match of
/// `pattern` starts (or else ends) with one of them; `None` when there are
/// none, or too many to be a useful prefilter.
pub fn derive_keywords(pattern: &str) -> Option<Vec<String>> {
    let hir = match regex_syntax::ParserBuilder::new()
        .utf8(false)
        .unicode(false)
        .build()
        .parse(pattern)
    {
        Ok(h) => h,
        Err(_) => regex_syntax::Parser::new().parse(pattern).ok()?,
    };
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let mut ex = Extractor::new();
        ex.kind(kind)
            .limit_class(16)
            .limit_repeat(4)
            .limit_literal_len(24)
            .limit_total(512);
        let seq = ex.extract(&hir);
        // Case variants of one word collapse once lower-cased below.
        let Some(lits) = seq.literals() else { continue };
        if lits.is_empty() || lits.iter().any(|l| l.as_bytes().len() < 3) {
            continue;
        }
        let mut words: Vec<String> = lits
            .iter()
            .filter_map(|l| std::str::from_utf8(l.as_bytes()).ok())
            .filter(|s| s.is_ascii())
            .map(str::to_ascii_lowercase)
            .collect();
        if words.len() != lits.len() {
            continue;
        }
        words.sort();
        words.dedup();
        if words.len() <= 64 {
            return Some(words);
        }
    }
    None
}

fn external_rule(
    id: String,
    title: String,
    description: String,
    pattern: String,
    keywords: Vec<String>,
) -> RuleDef {
    RuleDef {
        id,
        title,
        description,
        severity: Severity::High,
        keywords,
        pattern,
        unicode: false,
        min_entropy: 0.0,
        min_length: 0,
        max_length: None,
        secret_group: None,
        validate: None,
        drop_invalid: false,
        keep_weak: false,
        filter_placeholders: true,
        generic: false,
        code_needs_quotes: false,
        require_digit: false,
        exclude_context: Vec::new(),
        low_context: Vec::new(),
        examples: Vec::new(),
        negative_examples: Vec::new(),
        low_examples: Vec::new(),
    }
}

/// Whether the pattern compiles as pillar compiles it (bytes, Unicode off);
/// when it needs Unicode (a `\p{..}` class, say), whether it does with it.
fn compile_mode(file: &str, id: &str, pattern: &str) -> Result<bool, RuleError> {
    let build = |unicode: bool| {
        regex::bytes::RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(32 * 1024 * 1024)
            .build()
    };
    match build(false) {
        Ok(_) => Ok(false),
        Err(first) => build(true).map(|_| true).map_err(|_| RuleError::Pattern {
            file: file.to_owned(),
            id: id.to_owned(),
            message: first.to_string(),
        }),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlConfig {
    #[serde(default)]
    rules: Vec<GlRule>,
    #[serde(default)]
    allowlist: Option<toml::Value>,
    #[serde(default)]
    allowlists: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlRule {
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    allowlist: Option<toml::Value>,
    #[serde(default)]
    allowlists: Option<toml::Value>,
}

fn gitleaks(file: &str, text: &str) -> Result<Pack, RuleError> {
    let cfg: GlConfig = toml::from_str(text).map_err(|e| RuleError::Syntax {
        file: file.to_owned(),
        message: toml_message(text, &e),
    })?;
    let mut pack = Pack::default();
    if cfg.allowlist.is_some() || cfg.allowlists.is_some() {
        pack.notes
            .push(format!("{file}: the global allowlist is not applied"));
    }
    for r in cfg.rules {
        let id = kebab("gitleaks-", &r.id);
        let Some(pattern) = r.regex else {
            let what = if r.path.is_some() {
                "matches file paths only"
            } else {
                "has no regex"
            };
            pack.notes
                .push(format!("{file}: rule `{}` {what}: not loaded", r.id));
            continue;
        };
        if r.allowlist.is_some() || r.allowlists.is_some() {
            pack.notes.push(format!(
                "{file}: rule `{}`: its allowlist is not applied",
                r.id
            ));
        }
        let unicode = compile_mode(file, &id, &pattern)?;
        let keywords = if r.keywords.iter().any(|k| !k.is_empty() && k.is_ascii()) {
            r.keywords
                .iter()
                .filter(|k| !k.is_empty() && k.is_ascii())
                .map(|k| k.to_ascii_lowercase())
                .collect()
        } else if let Some(k) = derive_keywords(&pattern) {
            k
        } else {
            pack.notes.push(format!(
                "{file}: rule `{}` has no keywords and no literal to derive them from: not loaded",
                r.id
            ));
            continue;
        };
        let title = if r.description.is_empty() {
            r.id.clone()
        } else {
            r.description.clone()
        };
        let mut rule = external_rule(
            id,
            title,
            format!("gitleaks rule `{}` from {file}. {}", r.id, r.description),
            pattern,
            keywords,
        );
        rule.unicode = unicode;
        rule.secret_group = r.secret_group.filter(|&g| g > 0);
        rule.min_entropy = r.entropy.unwrap_or(0.0);
        pack.rules.push(rule);
    }
    Ok(pack)
}

/// The parser's message, on one line, with the line it is about.
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map_or(1, |s| {
        text.get(..s.start)
            .map_or(1, |b| b.bytes().filter(|&c| c == b'\n').count() + 1)
    });
    format!("line {line}: {}", e.message())
}

#[derive(Debug, Deserialize)]
struct NpRule {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    pattern: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    negative_examples: Vec<String>,
}

fn noseyparker(file: &str, text: &str) -> Result<Pack, RuleError> {
    let syntax = |line: usize, message: String| RuleError::Syntax {
        file: file.to_owned(),
        message: format!("line {line}: {message}"),
    };
    let (value, lines) =
        crate::yaml::parse_with_item_lines(text, "rules").map_err(|e| syntax(e.line, e.message))?;
    let Some(items) = value.get("rules").and_then(|r| r.as_array()) else {
        return Err(syntax(
            1,
            "expected a mapping with a `rules` list".to_owned(),
        ));
    };
    let mut pack = Pack::default();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let r: NpRule = serde_json::from_value(item.clone())
            .map_err(|e| syntax(line, format!("rule {}: {e}", i + 1)))?;
        let source_id = if r.id.is_empty() {
            r.name.clone()
        } else {
            r.id.clone()
        };
        let id = kebab("noseyparker-", &source_id);
        let unicode = compile_mode(file, &id, &r.pattern)?;
        let Some(keywords) = derive_keywords(&r.pattern) else {
            pack.notes.push(format!(
                "{file}: line {line}: rule `{source_id}` has no literal to prefilter on: not loaded"
            ));
            continue;
        };
        let mut rule = external_rule(
            id,
            if r.name.is_empty() {
                source_id.clone()
            } else {
                r.name.clone()
            },
            format!(
                "noseyparker rule `{source_id}` from {file}. {}",
                r.description.unwrap_or_default()
            ),
            r.pattern,
            keywords,
        );
        rule.unicode = unicode;
        rule.examples = r.examples;
        rule.negative_examples = r.negative_examples;
        pack.rules.push(rule);
    }
    Ok(pack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_from_literals() {
        assert_eq!(
            derive_keywords(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
            Some(vec!["akia".to_owned(), "asia".to_owned()])
        );
        assert_eq!(
            derive_keywords(r"(?i)password\s*=\s*(\S+)"),
            Some(vec!["password".to_owned()])
        );
        // Only a suffix is literal.
        assert_eq!(
            derive_keywords(r"[a-z0-9]{32}\.apps\.example\.com"),
            Some(vec![".apps.example.com".to_owned()])
        );
        assert_eq!(derive_keywords(r"[A-Za-z0-9]{40}"), None);
        assert_eq!(derive_keywords(r"x?[0-9]+"), None);
    }

    #[test]
    fn ids_become_kebab_case() {
        assert_eq!(kebab("noseyparker-", "np.aws.1"), "noseyparker-np-aws-1");
        assert_eq!(kebab("gitleaks-", "my_Token--X"), "gitleaks-my-token-x");
    }

    #[test]
    fn formats_are_told_apart() {
        assert_eq!(detect("x.toml", ""), Format::Gitleaks);
        assert_eq!(
            detect("np.yml", "rules:\n- name: A\n  id: np.a\n  pattern: x\n"),
            Format::Noseyparker
        );
        assert_eq!(
            detect("ours.yml", "rules:\n  - id: a\n    title: A\n"),
            Format::Pillar
        );
    }
}
