//! A defensive redaction pass run over every report before it is rendered.
//!
//! Engines are meant to never put a secret in a finding, but a report is the
//! last place to catch one that slipped through, so every format masks:
//!
//! * AWS access key ids (`AKIA…`, `ASIA…`, `ABIA…`, `ACCA…`: the prefix plus 16 upper-case
//!   letters or digits, per the IAM User Guide's "Understanding unique ID
//!   prefixes"), keeping the prefix and the last four characters, which is
//!   enough to tell keys apart;
//! * the value of an assignment to a secret-like name (`password = …`,
//!   `"client_secret": "…"`, `AWS_SECRET_ACCESS_KEY=…`);
//! * PEM private key blocks;
//! * in evidence, every string or number held under a key named like a
//!   secret (`value`, `secret`, `password`, `token`, …).
//!
//! Messages, evidence and skipped-input reasons are redacted; resource ids
//! and file paths are identities, not secrets, and are left alone.

use crate::Report;
use aho_corasick::AhoCorasick;
use pillar_model::Finding;
use serde_json::Value;
use std::sync::OnceLock;

/// What a masked value is replaced with.
pub const MASK: &str = "[REDACTED]";
/// What a private key block is replaced with.
pub const KEY_MASK: &str = "[REDACTED PRIVATE KEY]";

/// Access key id prefixes that identify a credential (long-term `AKIA`,
/// temporary `ASIA`, STS bearer token `ABIA`, context-specific `ACCA`).
const KEY_ID_PREFIXES: [&[u8; 4]; 4] = [b"AKIA", b"ASIA", b"ABIA", b"ACCA"];

/// Normalised name endings (lower case, letters and digits only) that mark
/// a secret, in text assignments and in evidence keys.
const SECRET_NAME_ENDINGS: [&str; 12] = [
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "secretkey",
    "secretaccesskey",
    "secretstring",
    "token",
    "apikey",
    "privatekey",
    "credentials",
];

/// A copy of the report with every message, evidence and skipped reason
/// redacted.
pub fn report(report: &Report) -> Report {
    let mut r = report.clone();
    in_place(&mut r);
    r
}

/// Redact every message, evidence and skipped reason of a report in place.
pub fn in_place(r: &mut Report) {
    for f in r.findings.iter_mut().chain(r.baselined.iter_mut()) {
        finding_in_place(f);
    }
    for s in &mut r.suppressed {
        finding_in_place(&mut s.finding);
        text_in_place(&mut s.suppression.reason);
    }
    for s in &mut r.skipped {
        text_in_place(&mut s.reason);
    }
}

/// A copy of a finding with its message and evidence redacted.
pub fn finding(f: &Finding) -> Finding {
    let mut f = f.clone();
    finding_in_place(&mut f);
    f
}

fn finding_in_place(f: &mut Finding) {
    text_in_place(&mut f.message);
    value_in_place(&mut f.evidence);
}

/// Whether a string could hold anything [`text`] masks: a PEM header, an
/// access key id prefix, or a secret-like name. Most messages hold none, and
/// skipping them keeps large reports fast.
fn may_hold_secret(s: &str) -> bool {
    static NEEDLES: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let ac = NEEDLES.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "-----begin",
                "credential",
                "akia",
                "asia",
                "abia",
                "acca",
                "pass",
                "pwd",
                "secret",
                "token",
                "key",
            ])
            .ok()
    });
    // Without the automaton (it always builds), treat every string as
    // suspect: slower, never less safe.
    ac.as_ref().is_none_or(|ac| ac.is_match(s))
}

fn text_in_place(s: &mut String) {
    if may_hold_secret(s) {
        *s = text(s);
    }
}

/// Redact a JSON value in place (see [`value`]).
pub fn value_in_place(v: &mut Value) {
    match v {
        Value::String(s) => text_in_place(s),
        Value::Array(items) => items.iter_mut().for_each(value_in_place),
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_key(k) {
                    *v = mask_all(v);
                } else {
                    value_in_place(v);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Redact a JSON value: every string is passed through [`text`], and every
/// string or number under a secret-like key is masked whole.
pub fn value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(text(s)),
        Value::Array(items) => Value::Array(items.iter().map(value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) {
                        mask_all(v)
                    } else {
                        value(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Null | Value::Bool(_) | Value::Number(_) => v.clone(),
    }
}

/// Mask every string and number in a value (booleans and nulls say nothing
/// secret and stay, so `"password_set": true` still reads).
fn mask_all(v: &Value) -> Value {
    match v {
        Value::String(s) if s.is_empty() => v.clone(),
        Value::String(_) | Value::Number(_) => Value::String(MASK.to_owned()),
        Value::Array(items) => Value::Array(items.iter().map(mask_all).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), mask_all(v))).collect())
        }
        Value::Null | Value::Bool(_) => v.clone(),
    }
}

/// Whether an evidence key names a secret: `value` and anything ending in
/// `value`, or a name ending in one of the secret words (`db_password`,
/// `client-secret`, `SessionToken`). Names that merely mention a secret
/// (`minimum_password_length`, `secret_arn`) are not secrets.
pub fn is_secret_key(name: &str) -> bool {
    let n = normalise(name);
    n.ends_with("value") || is_secret_name(&n)
}

fn is_secret_name(normalised: &str) -> bool {
    SECRET_NAME_ENDINGS.iter().any(|e| normalised.ends_with(e))
}

fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Redact a free-text string. Idempotent: redacting twice changes nothing.
pub fn text(s: &str) -> String {
    let s = mask_private_keys(s);
    let s = mask_key_ids(&s);
    mask_assignments(&s)
}

fn mask_private_keys(s: &str) -> String {
    const BEGIN: &str = "-----BEGIN ";
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find(BEGIN) {
        let (before, block) = rest.split_at(start);
        let header_end = block
            .get(BEGIN.len()..)
            .and_then(|t| t.find("-----"))
            .map(|i| i + BEGIN.len());
        let header = header_end.and_then(|e| block.get(..e)).unwrap_or("");
        if !header.contains("PRIVATE KEY") {
            out.push_str(before);
            out.push_str(BEGIN);
            rest = block.get(BEGIN.len()..).unwrap_or("");
            continue;
        }
        out.push_str(before);
        out.push_str(KEY_MASK);
        // Skip to the end marker's closing dashes, or to the end of the text.
        rest = match block.find("-----END ") {
            Some(end) => {
                let after = block.get(end + "-----END ".len()..).unwrap_or("");
                match after.find("-----") {
                    Some(close) => after.get(close + 5..).unwrap_or(""),
                    None => "",
                }
            }
            None => "",
        };
    }
    out.push_str(rest);
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn mask_key_ids(s: &str) -> String {
    let mut bytes = s.as_bytes().to_vec();
    let mut i = 0;
    while i + 20 <= bytes.len() {
        let starts_word = i == 0 || bytes.get(i - 1).is_none_or(|b| !is_word_byte(*b));
        let prefix_ok = bytes
            .get(i..i + 4)
            .is_some_and(|p| KEY_ID_PREFIXES.iter().any(|k| k.as_slice() == p));
        let body_ok = bytes.get(i + 4..i + 20).is_some_and(|b| {
            b.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
        let ends_word = bytes.get(i + 20).is_none_or(|b| !is_word_byte(*b));
        if starts_word && prefix_ok && body_ok && ends_word {
            for b in bytes.iter_mut().skip(i + 4).take(12) {
                *b = b'*';
            }
            i += 20;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes, so this is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn mask_assignments(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        // A name right after `:` or `/` is a segment of an ARN or a path
        // (`…:secret:prod-db`), not the left side of an assignment.
        let at_name = b.get(i).is_some_and(|c| is_name_byte(*c))
            && (i == 0
                || b.get(i - 1)
                    .is_none_or(|c| !is_name_byte(*c) && !b":/".contains(c)));
        if !at_name {
            i += 1;
            continue;
        }
        let mut j = i;
        while b.get(j).is_some_and(|c| is_name_byte(*c)) {
            j += 1;
        }
        let name = s.get(i..j).unwrap_or("");
        if is_secret_name(&normalise(name)) {
            if let Some((vs, ve)) = assigned_value(s, j) {
                out.push_str(s.get(copied..vs).unwrap_or(""));
                out.push_str(MASK);
                copied = ve;
                i = ve;
                continue;
            }
        }
        i = j;
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    out
}

/// The byte range of the value assigned right after a name ending at
/// `after`, if there is an assignment there.
fn assigned_value(s: &str, after: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let is_quote = |c: u8| c == b'"' || c == b'\'';
    let is_space = |c: u8| c == b' ' || c == b'\t';
    let mut k = after;
    let name_quoted = b.get(k).is_some_and(|c| is_quote(*c));
    if name_quoted {
        k += 1;
    }
    while b.get(k).is_some_and(|c| is_space(*c)) {
        k += 1;
    }
    let sep = *b.get(k)?;
    match sep {
        b'=' => {
            k += 1;
            match b.get(k) {
                Some(b'=') => return None, // a comparison
                Some(b'>') => k += 1,      // `=>`
                _ => {}
            }
        }
        b':' => k += 1,
        _ => return None,
    }
    while b.get(k).is_some_and(|c| is_space(*c)) {
        k += 1;
    }
    let quote = b.get(k).copied().filter(|c| is_quote(*c));
    if quote.is_some() {
        k += 1;
    }
    let vs = k;
    let mut ve = vs;
    match quote {
        Some(q) => {
            while b.get(ve).is_some_and(|c| *c != q) {
                ve += 1;
            }
        }
        None => {
            while b.get(ve).is_some_and(|c| {
                !c.is_ascii_whitespace() && !is_quote(*c) && !b",;&)}]".contains(c)
            }) {
                ve += 1;
            }
        }
    }
    let v = s.get(vs..ve)?;
    if v.is_empty() || v.starts_with("[REDACTED") {
        return None;
    }
    // `password: missing` in prose is not a secret; an unquoted value after a
    // colon is masked only when it has a digit or a symbol in it.
    if sep == b':' && quote.is_none() && !name_quoted && v.bytes().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    Some((vs, ve))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_access_key_ids_keeping_prefix_and_last_four() {
        assert_eq!(
            text("key AKIAIOSFODNN7EXAMPLE is active"),
            "key AKIA************MPLE is active"
        );
        assert_eq!(text("ASIAY34FZKBOKMUTVV7A"), "ASIA************VV7A");
        assert_eq!(text("ABIAY34FZKBOKMUTVV7A"), "ABIA************VV7A");
        // Not a key id: too short, lower case, or part of a longer word.
        for s in [
            "AKIAIOSFODNN7EXAMPL",
            "akiaiosfodnn7example",
            "XAKIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPLEX",
        ] {
            assert_eq!(text(s), s);
        }
    }

    #[test]
    fn masks_assignments_to_secret_names() {
        assert_eq!(
            text("password = \"hunter2\" here"),
            "password = \"[REDACTED]\" here"
        );
        assert_eq!(
            text("DB_PASSWORD=hunter2; x=1"),
            "DB_PASSWORD=[REDACTED]; x=1"
        );
        assert_eq!(
            text(r#"{"client_secret": "abc def", "user": "bob"}"#),
            r#"{"client_secret": "[REDACTED]", "user": "bob"}"#
        );
        assert_eq!(
            text("aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "aws_secret_access_key: [REDACTED]"
        );
        assert_eq!(text("api_key: 'sk_live_1'"), "api_key: '[REDACTED]'");
    }

    #[test]
    fn leaves_prose_and_lookalike_names_alone() {
        for s in [
            "password policy requires 14 characters",
            "root password: never used",
            "minimum_password_length = 8",
            "secret_arn=arn:aws:secretsmanager:us-east-1:1:secret:x",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbC123",
            "token == other",
            "no secret here",
        ] {
            assert_eq!(text(s), s, "{s}");
        }
    }

    #[test]
    fn masks_private_key_blocks() {
        let s = "found -----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY----- in a.pem";
        assert_eq!(text(s), "found [REDACTED PRIVATE KEY] in a.pem");
        let cut = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNz";
        assert_eq!(text(cut), KEY_MASK);
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB";
        assert_eq!(text(cert), cert);
    }

    #[test]
    fn redaction_is_idempotent() {
        for s in [
            "key AKIAIOSFODNN7EXAMPLE",
            "password = hunter2",
            "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
            "token: 'abc1'",
        ] {
            let once = text(s);
            assert_ne!(once, s);
            assert_eq!(text(&once), once);
        }
    }

    #[test]
    fn evidence_keys_named_like_secrets_are_masked() {
        let v = json!({
            "value": "hunter2",
            "secret_value": 1234,
            "DbPassword": ["a", "b"],
            "session-token": {"inner": "x", "set": true},
            "password_set": true,
            "minimum_password_length": 8,
            "secret_arn": "arn:aws:secretsmanager:us-east-1:1:secret:db",
            "note": "uses AKIAIOSFODNN7EXAMPLE",
            "empty_password": "",
        });
        assert_eq!(
            value(&v),
            json!({
                "value": MASK,
                "secret_value": MASK,
                "DbPassword": [MASK, MASK],
                "session-token": {"inner": MASK, "set": true},
                "password_set": true,
                "minimum_password_length": 8,
                "secret_arn": "arn:aws:secretsmanager:us-east-1:1:secret:db",
                "note": "uses AKIA************MPLE",
                "empty_password": "",
            })
        );
    }

    #[test]
    fn non_ascii_text_survives() {
        assert_eq!(
            text("clé AKIAIOSFODNN7EXAMPLE — é"),
            "clé AKIA************MPLE — é"
        );
        assert_eq!(
            text("mot_de_passe_token=ça€"),
            "mot_de_passe_token=[REDACTED]"
        );
    }
}
