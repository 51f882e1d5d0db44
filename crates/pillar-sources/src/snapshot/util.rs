//! Helpers shared by the snapshot parsers: timestamps, tags, policy
//! documents, resource references and line lookup.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use pillar_model::{Location, PolicyDocument, ResourceRef, SourceKind, Tags, Timestamp};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// What a parser knows about the file it reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// The file as displayed.
    pub file: &'a str,
    /// Region folder, `None` for root files.
    pub region: Option<&'a str>,
    /// Snapshot account id, when known.
    pub account: Option<&'a str>,
    /// ARN partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: &'a str,
}

impl Ctx<'_> {
    /// A snapshot reference of a regional resource.
    pub fn rref(&self, kind: &str, id: String, account: Option<&str>) -> ResourceRef {
        let mut r = ResourceRef::new(kind, id)
            .in_account(account.or(self.account).map(str::to_owned))
            .from_source(SourceKind::Snapshot);
        if let Some(region) = self.region {
            r = r.in_region(region);
        }
        r
    }

    /// A regional ARN built from its parts, when the account is known.
    pub fn arn(&self, service: &str, account: Option<&str>, resource: &str) -> Option<String> {
        let account = account.or(self.account)?;
        let region = self.region.unwrap_or_default();
        Some(format!(
            "arn:{}:{service}:{region}:{account}:{resource}",
            self.partition
        ))
    }

    /// A regional ARN when it can be built, else the bare id.
    pub fn arn_or_id(&self, service: &str, account: Option<&str>, kind: &str, id: &str) -> String {
        self.arn(service, account, &format!("{kind}/{id}"))
            .unwrap_or_else(|| id.to_owned())
    }

    /// The location of a resource in this file.
    pub fn loc(&self, lines: &mut Lines<'_>, id: &str) -> Option<Location> {
        Some(Location::new(self.file, lines.find(id)))
    }
}

/// Finds the line of a JSON string value in a file, scanning forward from
/// the previous hit so a whole file costs one pass.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    cursor: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            cursor: 0,
            line: 1,
        }
    }

    fn newlines(slice: &[u8]) -> u32 {
        u32::try_from(memchr::memchr_iter(b'\n', slice).count()).unwrap_or(u32::MAX)
    }

    /// 1-based line where the quoted string `value` next appears (from the
    /// last hit on; else from the start of the file).
    pub fn find(&mut self, value: &str) -> Option<u32> {
        let quoted = serde_json::to_string(value).ok()?;
        let needle = quoted.as_bytes();
        let rest = self.bytes.get(self.cursor..)?;
        if let Some(pos) = memchr::memmem::find(rest, needle) {
            let upto = rest.get(..pos)?;
            self.line = self.line.saturating_add(Self::newlines(upto));
            self.cursor += pos;
            return Some(self.line);
        }
        let pos = memchr::memmem::find(self.bytes, needle)?;
        let line = 1u32.saturating_add(Self::newlines(self.bytes.get(..pos)?));
        Some(line)
    }
}

/// Parse a timestamp as the AWS CLI prints it (ISO 8601 with an offset),
/// with a few lenient fall-backs.
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Seconds since the epoch (some CLI timestamp formats) to a time.
fn from_epoch(secs: f64) -> Option<Timestamp> {
    if !secs.is_finite() {
        return None;
    }
    // Values above 1e11 are milliseconds (CloudWatch Logs prints those).
    let secs = if secs.abs() > 1e11 {
        secs / 1000.0
    } else {
        secs
    };
    #[allow(clippy::cast_possible_truncation)] // reason: finite, checked range below
    let whole = secs.floor() as i64;
    DateTime::from_timestamp(whole, 0)
}

struct TimeVisitor;

impl<'de> Visitor<'de> for TimeVisitor {
    type Value = Option<Timestamp>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date and time")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_time(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("invalid date and time `{v}`")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        #[allow(clippy::cast_precision_loss)] // reason: timestamps fit in f64
        Ok(from_epoch(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        #[allow(clippy::cast_precision_loss)] // reason: timestamps fit in f64
        Ok(from_epoch(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(from_epoch(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// `#[serde(deserialize_with = "time")]` for optional timestamps.
pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    d.deserialize_any(TimeVisitor)
}

/// An EC2-style tag.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Tag {
    pub key: String,
    pub value: String,
}

pub(crate) fn tags(list: Vec<Tag>) -> Tags {
    list.into_iter().map(|t| (t.key, t.value)).collect()
}

/// A policy document as the CLI prints it: a JSON object, or JSON text
/// (possibly URL-encoded) in a string.
pub(crate) fn policy(value: Value) -> Result<PolicyDocument, String> {
    match value {
        Value::String(text) => PolicyDocument::from_text(&text)
            .map_err(|e| format!("policy document is not valid JSON: {e}")),
        v @ Value::Object(_) => Ok(PolicyDocument(v)),
        Value::Null => Err("no policy document".to_owned()),
        _ => Err("policy document is neither an object nor text".to_owned()),
    }
}

/// A policy given as JSON text (`{"Policy": "<text>"}`).
pub(crate) fn policy_text(text: &str) -> Result<PolicyDocument, String> {
    PolicyDocument::from_text(text).map_err(|e| format!("policy document is not valid JSON: {e}"))
}
