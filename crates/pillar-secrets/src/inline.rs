//! Secrets in values that are not files: a Lambda function's environment
//! variables and an EC2 instance's or launch template's user data. The
//! posture rules call these, so the cloud and the files are judged by the
//! same rules, filters and redaction.
//!
//! Environment variables are scanned as one `.env` file (`NAME=value` per
//! line); a hit names its variable. User data is base64 as the EC2 API
//! holds it, possibly of gzip (cloud-init accepts both): it is decoded,
//! decompressed within [`MAX_USER_DATA`], and scanned as a shell script; a
//! hit names its line. No value leaves in clear: only the redacted form.

use crate::engine::{Confidence, Engine};
use base64::Engine as _;
use flate2::read::GzDecoder;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

/// Most bytes of decoded (and decompressed) user data scanned. EC2 takes at
/// most 16 KB of user data before base64; gzip can make that larger.
pub const MAX_USER_DATA: u64 = 1024 * 1024;

/// One secret in a value.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueHit {
    /// The environment variable that holds it (environment scans only).
    pub variable: Option<String>,
    /// 1-based line within the scanned text (user data: the script's line).
    pub line: u32,
    /// The secret rule's id.
    pub rule: String,
    /// The secret rule's title.
    pub title: String,
    /// First and last characters only.
    pub redacted: String,
    /// How sure.
    pub confidence: Confidence,
    /// Why the confidence is low, when it is.
    pub note: Option<&'static str>,
}

/// The built-in rules, compiled once per process.
pub fn builtin() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

fn to_value_hits(engine: &Engine, text: &[u8], path: &str) -> Vec<ValueHit> {
    engine
        .scan(path, text)
        .into_iter()
        .filter_map(|h| {
            let rule = engine.rules().get(h.rule)?;
            Some(ValueHit {
                variable: None,
                line: h.line,
                rule: rule.id.clone(),
                title: rule.title.clone(),
                redacted: h.redacted,
                confidence: h.confidence,
                note: h.note,
            })
        })
        .collect()
}

/// Scan environment variables. Each hit names the variable that holds it.
pub fn scan_environment(engine: &Engine, vars: &BTreeMap<String, String>) -> Vec<ValueHit> {
    let mut text = String::new();
    // (first line, variable) for each variable, in line order.
    let mut starts: Vec<(u32, &str)> = Vec::with_capacity(vars.len());
    let mut line = 1u32;
    for (name, value) in vars {
        starts.push((line, name));
        text.push_str(name);
        text.push('=');
        text.push_str(value);
        text.push('\n');
        let breaks = value.bytes().filter(|&b| b == b'\n').count();
        line = line.saturating_add(u32::try_from(breaks).unwrap_or(u32::MAX).saturating_add(1));
    }
    let mut hits = to_value_hits(engine, text.as_bytes(), "environment.env");
    for h in &mut hits {
        h.variable = starts
            .iter()
            .rev()
            .find(|(first, _)| *first <= h.line)
            .map(|(_, name)| (*name).to_owned());
    }
    hits
}

/// Why user data could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum UserDataError {
    /// gzip that does not decompress.
    #[error("{0}: user data is gzip that does not decompress: {1}")]
    Gzip(String, String),
    /// Larger than [`MAX_USER_DATA`] once decoded.
    #[error("{0}: user data is larger than {MAX_USER_DATA} bytes once decoded; not scanned")]
    TooLarge(String),
}

/// Decode user data as the EC2 API holds it: base64 (whitespace ignored),
/// else the text itself; then gunzip when it is gzip. `label` names the
/// resource in errors.
pub fn decode_user_data(label: &str, raw: &str) -> Result<Vec<u8>, UserDataError> {
    let compact: String = raw.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(b) if !compact.is_empty() => b,
        _ => raw.as_bytes().to_vec(),
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(bytes.as_slice())
            .take(MAX_USER_DATA + 1)
            .read_to_end(&mut out)
            .map_err(|e| UserDataError::Gzip(label.to_owned(), e.to_string()))?;
        if out.len() as u64 > MAX_USER_DATA {
            return Err(UserDataError::TooLarge(label.to_owned()));
        }
        return Ok(out);
    }
    if bytes.len() as u64 > MAX_USER_DATA {
        return Err(UserDataError::TooLarge(label.to_owned()));
    }
    Ok(bytes)
}

/// Scan user data (see [`decode_user_data`]) as a shell script. Each hit
/// names its line.
pub fn scan_user_data(
    engine: &Engine,
    label: &str,
    raw: &str,
) -> Result<Vec<ValueHit>, UserDataError> {
    let bytes = decode_user_data(label, raw)?;
    Ok(to_value_hits(engine, &bytes, "user-data.sh"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn b64(s: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn environment_hits_name_their_variable_and_never_the_value() {
        let engine = builtin().unwrap();
        let mut vars = BTreeMap::new();
        vars.insert("LOG_LEVEL".to_owned(), "info".to_owned());
        vars.insert("DB_PASSWORD".to_owned(), "Tr0ub4dor&3-orders".to_owned());
        vars.insert(
            "SIGNING_KEY".to_owned(),
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7yn3bRHQ5FHMQ2rQvKM3bR2lH8xQ\n-----END RSA PRIVATE KEY-----".to_owned(),
        );
        vars.insert(
            "STRIPE".to_owned(),
            format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc"),
        );
        vars.insert(
            "DB_PASSWORD_SECRET_ARN".to_owned(),
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/orders/db-AbCdEf".to_owned(),
        );
        vars.insert("API_TOKEN".to_owned(), "${API_TOKEN}".to_owned());
        let hits = scan_environment(engine, &vars);
        let named: Vec<(&str, &str)> = hits
            .iter()
            .map(|h| (h.variable.as_deref().unwrap(), h.rule.as_str()))
            .collect();
        assert!(
            named.contains(&("DB_PASSWORD", "generic-password-assignment")),
            "{named:?}"
        );
        assert!(named.iter().any(|(v, _)| *v == "SIGNING_KEY"), "{named:?}");
        assert!(named.iter().any(|(v, _)| *v == "STRIPE"), "{named:?}");
        assert!(
            !named.iter().any(|(v, _)| *v == "DB_PASSWORD_SECRET_ARN"),
            "{named:?}"
        );
        assert!(
            !named
                .iter()
                .any(|(v, _)| *v == "API_TOKEN" || *v == "LOG_LEVEL"),
            "{named:?}"
        );
        let dbg = format!("{hits:?}");
        assert!(!dbg.contains("Tr0ub4dor&3-orders"));
        assert!(!dbg.contains("4eC39HqLyjWDarjtT1zdp7dc"));
    }

    #[test]
    fn user_data_base64_and_gzip() {
        let engine = builtin().unwrap();
        let script = b"#!/bin/bash\nyum install -y postgresql\nexport PGPASSWORD='Xq7!vLm2Rz9k'\npsql -h db.internal -U app\n";
        let hits = scan_user_data(engine, "i-1", &b64(script)).unwrap();
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].line, 3);
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(script).unwrap();
        let zipped = gz.finish().unwrap();
        let hits = scan_user_data(engine, "i-1", &b64(&zipped)).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].line, 3);
        // Plain text (not base64) is scanned as it is.
        let hits = scan_user_data(engine, "i-1", std::str::from_utf8(script).unwrap()).unwrap();
        assert_eq!(hits.len(), 1);
        let clean = b"#!/bin/bash\nyum install -y nginx\n";
        assert!(scan_user_data(engine, "i-1", &b64(clean))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn user_data_bounds_and_bad_gzip() {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b'a'; (MAX_USER_DATA + 10) as usize])
            .unwrap();
        let bomb = b64(&gz.finish().unwrap());
        assert_eq!(
            decode_user_data("lt-1", &bomb),
            Err(UserDataError::TooLarge("lt-1".to_owned()))
        );
        let bad = b64(&[0x1f, 0x8b, 8, 0, 1, 2, 3]);
        let e = decode_user_data("i-9", &bad).unwrap_err();
        assert!(e.to_string().starts_with("i-9: user data is gzip"), "{e}");
    }
}
