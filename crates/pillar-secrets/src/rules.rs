//! Secret rules as data: the YAML schema, the embedded default packs, and
//! their compilation into one keyword automaton plus one regex per rule.
//!
//! A rule file holds `rules:`, a list of:
//!
//! ```yaml
//! - id: aws-access-key-id          # stable, kebab-case, never reused
//!   title: AWS access key id in a file
//!   description: What the credential is and what it gives access to.
//!   severity: high                 # critical | high | medium | low | info
//!   keywords: [AKIA, ASIA]         # ASCII, case-insensitive; the regex runs only
//!                                  # on files holding at least one
//!   pattern: '\b((?:AKIA|ASIA)[A-Z0-9]{16})\b'
//!   unicode: false                 # default: regex::bytes with Unicode off
//!   min_entropy: 3.0               # Shannon bits per character of the secret
//!   min_length: 8                  # of the secret
//!   max_length: 500                # of the secret (optional; longer ones are dropped)
//!   validate: aws-access-key-id    # optional structural check, see `validate`
//!   drop_invalid: false            # drop (not keep at low confidence) what fails it
//!   keep_weak: false               # under min_entropy: low confidence, not dropped
//!   filter_placeholders: true      # drop references (`${VAR}`, `<password>`, `****`);
//!                                  # placeholder words (`changeme`, `secret`) are
//!                                  # dropped by generic rules, low confidence otherwise
//!   generic: false                 # a name=value rule: loses to specific rules
//!   code_needs_quotes: false       # in source code, only quoted values count
//!   require_digit: false           # the secret must hold a digit
//!   exclude_context: [NextToken]   # not when the 64 bytes before hold one
//!   low_context: [ENCRYPTED]       # low confidence when the 160 bytes before or the
//!                                  # secret's start hold one (exact bytes)
//!   examples: [...]                # each must produce a finding of this rule
//!   negative_examples: [...]       # none may produce a finding of this rule
//!   low_examples: [...]            # each gives a low-confidence finding of this rule, no other
//! ```
//!
//! The secret is the first capture group that took part in the match (the
//! whole match when the pattern has no group).

use crate::validate::Validator;
use pillar_model::Severity;
use serde::Deserialize;

/// Rule packs shipped with pillar, embedded at build time.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/secrets/aws.yml",
        include_str!("../../../rules/secrets/aws.yml"),
    ),
    (
        "rules/secrets/keys.yml",
        include_str!("../../../rules/secrets/keys.yml"),
    ),
    (
        "rules/secrets/databases.yml",
        include_str!("../../../rules/secrets/databases.yml"),
    ),
    (
        "rules/secrets/saas.yml",
        include_str!("../../../rules/secrets/saas.yml"),
    ),
    (
        "rules/secrets/generic.yml",
        include_str!("../../../rules/secrets/generic.yml"),
    ),
];

/// One rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules.
    pub rules: Vec<RuleDef>,
}

/// One secret rule, as written in YAML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Stable kebab-case id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// What the credential is.
    pub description: String,
    /// Severity of a confident finding.
    pub severity: Severity,
    /// Prefilter keywords (ASCII, case-insensitive).
    pub keywords: Vec<String>,
    /// The regex.
    pub pattern: String,
    /// Compile with Unicode classes (slower; only when a rule needs them).
    #[serde(default)]
    pub unicode: bool,
    /// Minimum Shannon entropy of the secret, bits per character.
    #[serde(default)]
    pub min_entropy: f64,
    /// Minimum length of the secret.
    #[serde(default)]
    pub min_length: usize,
    /// Maximum length of the secret: a longer match is dropped (a blob of
    /// data, not a credential). Lets a pattern say `{12,}` rather than a
    /// counted `{12,500}`, which makes its automaton much larger.
    #[serde(default)]
    pub max_length: Option<usize>,
    /// The capture group that holds the secret (default: the first that
    /// took part in the match, else the whole match).
    #[serde(default)]
    pub secret_group: Option<usize>,
    /// Structural validation.
    #[serde(default)]
    pub validate: Option<Validator>,
    /// Drop a candidate that fails `validate` instead of keeping it at low
    /// confidence (for patterns that also match harmless look-alikes).
    #[serde(default)]
    pub drop_invalid: bool,
    /// Keep a value under `min_entropy` at low confidence instead of
    /// dropping it: for rules whose pattern already pins the credential's
    /// name and exact shape (`aws_secret_access_key = ` and 40 characters),
    /// where even a regular stand-in marks the place a real key is pasted.
    #[serde(default)]
    pub keep_weak: bool,
    /// Drop placeholders and references.
    #[serde(default)]
    pub filter_placeholders: bool,
    /// A generic name=value rule.
    #[serde(default)]
    pub generic: bool,
    /// In source code files, only quoted values count.
    #[serde(default)]
    pub code_needs_quotes: bool,
    /// The secret must hold a digit (tokens do; names and paths seldom).
    #[serde(default)]
    pub require_digit: bool,
    /// Drop a match when the 64 bytes before the secret hold one of these
    /// (ASCII, case-insensitive): names of values that are not secrets
    /// (`LockToken`, `NextToken`).
    #[serde(default)]
    pub exclude_context: Vec<String>,
    /// Keep a match at low confidence when the 160 bytes before the secret,
    /// or the secret's first bytes, hold one of these (exact bytes): marks
    /// of a protected value, such as an encrypted private key's
    /// `Proc-Type: 4,ENCRYPTED` header, usable only with its passphrase.
    #[serde(default)]
    pub low_context: Vec<String>,
    /// Lines that must produce a finding of this rule.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Lines that must not.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// Lines that must give a low-confidence finding of this rule (a
    /// placeholder word, a documented example), and no high-confidence one.
    #[serde(default)]
    pub low_examples: Vec<String>,
}

/// Errors loading rules.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The YAML does not parse or does not fit the schema.
    #[error("{file}: {message}")]
    Syntax {
        /// Rule file.
        file: String,
        /// What the parser said (it names the line).
        message: String,
    },
    /// A pattern does not compile.
    #[error("{file}: rule `{id}`: pattern does not compile: {message}")]
    Pattern {
        /// Rule file.
        file: String,
        /// Rule id.
        id: String,
        /// What the regex compiler said.
        message: String,
    },
    /// A rule breaks a schema constraint.
    #[error("{file}: rule `{id}`: {message}")]
    Invalid {
        /// Rule file.
        file: String,
        /// Rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// Read a pillar rule file into rules with the line each starts on, with
/// no check beyond the schema.
pub fn read(file: &str, text: &str) -> Result<Vec<(usize, RuleDef)>, RuleError> {
    let syntax = |line: usize, message: String| RuleError::Syntax {
        file: file.to_owned(),
        message: format!("line {line}: {message}"),
    };
    let (value, lines) =
        crate::yaml::parse_with_item_lines(text, "rules").map_err(|e| syntax(e.line, e.message))?;
    let Some(top) = value.as_object() else {
        return Err(syntax(
            1,
            "expected a mapping with a `rules` list".to_owned(),
        ));
    };
    if let Some(k) = top.keys().find(|k| k.as_str() != "rules") {
        return Err(syntax(1, format!("unknown top-level key `{k}`")));
    }
    let Some(items) = top.get("rules").and_then(|r| r.as_array()) else {
        return Err(syntax(1, "`rules` must be a list".to_owned()));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let rule: RuleDef = serde_json::from_value(item.clone())
            .map_err(|e| syntax(line, format!("rule {}: {e}", i + 1)))?;
        out.push((line, rule));
    }
    Ok(out)
}

/// Parse one rule file of pillar's own format, checking every rule.
pub fn parse(file: &str, text: &str) -> Result<Vec<RuleDef>, RuleError> {
    let parsed = RuleFile {
        rules: read(file, text)?.into_iter().map(|(_, r)| r).collect(),
    };
    for r in &parsed.rules {
        let invalid = |message: &str| RuleError::Invalid {
            file: file.to_owned(),
            id: r.id.clone(),
            message: message.to_owned(),
        };
        if r.id.is_empty()
            || !r
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(invalid("id must be kebab-case"));
        }
        if r.keywords.is_empty() {
            return Err(invalid("needs at least one keyword"));
        }
        if r.keywords.iter().any(|k| k.is_empty() || !k.is_ascii()) {
            return Err(invalid("keywords must be non-empty ASCII"));
        }
        if r.examples.is_empty() {
            return Err(invalid("needs at least one example"));
        }
    }
    Ok(parsed.rules)
}

/// The built-in rules.
pub fn builtin() -> Result<Vec<RuleDef>, RuleError> {
    let mut all = Vec::new();
    for (file, text) in BUILTIN {
        all.extend(parse(file, text)?);
    }
    let mut ids: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w.first() == w.get(1)) {
        return Err(RuleError::Invalid {
            file: "rules/secrets".to_owned(),
            id: w.first().copied().unwrap_or_default().to_owned(),
            message: "duplicate rule id".to_owned(),
        });
    }
    Ok(all)
}
