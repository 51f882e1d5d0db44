//! S3 server access log records, in the format the Amazon S3 User Guide
//! documents ("Amazon S3 server access log format",
//! https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html):
//! one record a line, fields separated by spaces, the time in brackets
//! (`[06/Feb/2019:00:00:38 +0000]`), the request URI, referrer and user
//! agent in double quotes, `-` for a field without data. There is no
//! header line. S3 has added fields at the end over time and says more may
//! come: the first ten are required, later ones are optional and unknown
//! trailing fields are ignored.
//!
//! Each record becomes an event keyed by the column names of the Athena
//! table in the same guide (`bucketowner`, `bucket_name`, `remoteip`,
//! `requester`, `operation`, `key`, `httpstatus`, `errorcode`, …), so
//! Sigma rules with `logsource: {product: aws, service: s3accesslogs}`
//! name those fields. `-` is absent; status, sizes and times are numbers;
//! `eventTime` (RFC 3339, UTC) is added from the record's time.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// The fields in the order S3 writes them.
pub const FIELDS: [&str; 26] = [
    "bucketowner",
    "bucket_name",
    "requestdatetime",
    "remoteip",
    "requester",
    "requestid",
    "operation",
    "key",
    "request_uri",
    "httpstatus",
    "errorcode",
    "bytessent",
    "objectsize",
    "totaltime",
    "turnaroundtime",
    "referrer",
    "useragent",
    "versionid",
    "hostid",
    "sigv",
    "ciphersuite",
    "authtype",
    "endpoint",
    "tlsversion",
    "accesspointarn",
    "aclrequired",
];

/// Fields that must be present in every record (through `httpstatus`).
const REQUIRED: usize = 10;

/// Fields whose values are numbers.
const NUMERIC: [&str; 5] = [
    "httpstatus",
    "bytessent",
    "objectsize",
    "totaltime",
    "turnaroundtime",
];

/// Split a record into its fields: bracketed and quoted fields are one
/// field each (without their brackets or quotes; `\"` inside quotes is a
/// quote).
pub fn fields(line: &str) -> Result<Vec<Cow<'_, str>>, String> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0usize;
    loop {
        while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
            i += 1;
        }
        let Some(&c) = b.get(i) else { break };
        if c == b'\r' || c == b'\n' {
            break;
        }
        match c {
            b'[' => {
                let rest = line.get(i + 1..).unwrap_or_default();
                let end = rest
                    .find(']')
                    .ok_or_else(|| format!("unclosed `[` at column {}", i + 1))?;
                out.push(Cow::Borrowed(rest.get(..end).unwrap_or_default()));
                i += end + 2;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                loop {
                    match b.get(j) {
                        None => return Err(format!("unclosed quote at column {}", i + 1)),
                        Some(b'\\') if b.get(j + 1) == Some(&b'"') => {
                            escaped = true;
                            j += 2;
                        }
                        Some(b'"') => break,
                        Some(_) => j += 1,
                    }
                }
                let raw = line.get(start..j).unwrap_or_default();
                out.push(if escaped {
                    Cow::Owned(raw.replace("\\\"", "\""))
                } else {
                    Cow::Borrowed(raw)
                });
                i = j + 1;
            }
            _ => {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|c| !matches!(*c, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    i += 1;
                }
                out.push(Cow::Borrowed(line.get(start..i).unwrap_or_default()));
            }
        }
    }
    Ok(out)
}

/// Whether a file name is the name S3 gives access log objects
/// (`TargetPrefixYYYY-mm-DD-HH-MM-SS-UniqueString`, the simple key format
/// of the S3 User Guide): it ends with the time and a unique string and has
/// no extension.
pub fn is_log_object_name(name: &str) -> bool {
    let b = name.as_bytes();
    let Some(dash) = name.rfind('-') else {
        return false;
    };
    let unique = name.get(dash + 1..).unwrap_or_default();
    if unique.is_empty() || !unique.bytes().all(|c| c.is_ascii_alphanumeric()) || dash < 19 {
        return false;
    }
    // `YYYY-mm-DD-HH-MM-SS` before the last dash.
    let Some(t) = b.get(dash - 19..dash) else {
        return false;
    };
    t.iter().enumerate().all(|(i, c)| {
        if matches!(i, 4 | 7 | 10 | 13 | 16) {
            *c == b'-'
        } else {
            c.is_ascii_digit()
        }
    })
}

/// The record time (`06/Feb/2019:00:00:38 +0000`) as RFC 3339 UTC.
pub fn time_of(t: &str) -> Option<String> {
    let d = chrono::DateTime::parse_from_str(t, "%d/%b/%Y:%H:%M:%S %z").ok()?;
    Some(
        d.with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    )
}

/// Whether `line` (the first line of a file) is an S3 server access log
/// record: the required fields, a bracketed time third and an operation
/// such as `REST.GET.OBJECT` seventh.
pub fn looks_like(line: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(line) else {
        return false;
    };
    if text.trim_start().get(..1).is_none_or(|c| c == "{") {
        return false;
    }
    let Ok(f) = fields(text) else { return false };
    f.len() >= REQUIRED
        && text.contains(" [")
        && f.get(2).and_then(|t| time_of(t)).is_some()
        && f.get(6).is_some_and(|op| {
            op.contains('.')
                && op
                    .bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'.' || c == b'_')
        })
}

/// One record line as an event, or what is wrong with it.
pub fn record(line: &[u8]) -> Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(line).map_err(|_| "line is not UTF-8 text".to_owned())?;
    let values = fields(text)?;
    if values.len() < REQUIRED {
        return Err(format!(
            "S3 access log record has {} fields, at least {REQUIRED} expected",
            values.len()
        ));
    }
    let mut m = Map::new();
    for (name, v) in FIELDS.iter().zip(&values) {
        if v == "-" || v.is_empty() {
            continue;
        }
        let val = if NUMERIC.contains(name) {
            match v.parse::<u64>() {
                Ok(n) => Value::from(n),
                Err(_) => return Err(format!("field `{name}` is not a number: `{v}`")),
            }
        } else {
            Value::from(v.as_ref())
        };
        m.insert((*name).to_owned(), val);
    }
    let t = values.get(2).map(|t| t.as_ref()).unwrap_or_default();
    let time =
        time_of(t).ok_or_else(|| format!("time `[{t}]` is not `dd/Mon/yyyy:HH:MM:SS +zzzz`"))?;
    m.insert("eventTime".to_owned(), Value::from(time));
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The example record of the S3 User Guide's log format page, shape
    /// only (ids and names are ours).
    const LINE: &str = "7f3c0ab4e2d1 example-bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:iam::123456789012:user/alice 3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET /example-bucket?versioning HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" - hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader example-bucket.s3.us-west-1.amazonaws.com TLSv1.2 - Yes";

    #[test]
    fn documented_record() {
        assert!(looks_like(LINE.as_bytes()));
        let m = Value::Object(record(LINE.as_bytes()).unwrap());
        assert_eq!(m["bucket_name"], "example-bucket");
        assert_eq!(m["remoteip"], "192.0.2.3");
        assert_eq!(m["requester"], "arn:aws:iam::123456789012:user/alice");
        assert_eq!(m["operation"], "REST.GET.VERSIONING");
        assert_eq!(m["request_uri"], "GET /example-bucket?versioning HTTP/1.1");
        assert_eq!(m["httpstatus"], 200);
        assert_eq!(m["bytessent"], 113);
        assert_eq!(m["useragent"], "S3Console/0.4");
        assert_eq!(m["aclrequired"], "Yes");
        assert_eq!(m["eventTime"], "2019-02-06T00:00:38Z");
        for absent in [
            "key",
            "errorcode",
            "objectsize",
            "referrer",
            "accesspointarn",
        ] {
            assert!(m.get(absent).is_none(), "{absent}");
        }
    }

    #[test]
    fn older_and_newer_records() {
        // An older record ends after the user agent and version id; a
        // newer one may carry fields not known yet.
        let old = LINE.split(" hostid=").next().unwrap();
        let m = record(old.as_bytes()).unwrap();
        assert_eq!(m.get("useragent"), Some(&json!("S3Console/0.4")));
        assert!(m.get("sigv").is_none());
        let newer = format!("{LINE} extra-field \"another one\"");
        assert_eq!(record(newer.as_bytes()).unwrap().len(), m.len() + 7);
        // Times with an offset are converted to UTC.
        let shifted = LINE.replace("+0000]", "+0200]");
        assert_eq!(
            record(shifted.as_bytes()).unwrap()["eventTime"],
            "2019-02-05T22:00:38Z"
        );
    }

    #[test]
    fn object_names() {
        assert!(is_log_object_name("2024-02-06-10-00-00-ABCDEF0123456789"));
        assert!(is_log_object_name(
            "logs/prefix2024-02-06-10-00-00-ABCDEF0123456789"
        ));
        assert!(!is_log_object_name("2024-02-06-10-00-00-"));
        assert!(!is_log_object_name("readme"));
        assert!(!is_log_object_name("2024-02-06-10-00-ABCDEF"));
        assert!(!is_log_object_name("x-ABC"));
    }

    #[test]
    fn quotes_and_errors() {
        let f = fields(r#"a "x \"y\" z" [t u] "" b"#).unwrap();
        assert_eq!(f, vec!["a", "x \"y\" z", "t u", "", "b"]);
        assert!(fields("a \"open").unwrap_err().contains("unclosed quote"));
        assert!(fields("a [open").unwrap_err().contains("unclosed `[`"));
        assert!(record(b"a b c").unwrap_err().contains("3 fields"));
        let bad_status = LINE.replace(" 200 ", " OK ");
        assert!(record(bad_status.as_bytes())
            .unwrap_err()
            .contains("`httpstatus` is not a number"));
        let bad_time = LINE.replace("06/Feb/2019", "06/Fbr/2019");
        assert!(record(bad_time.as_bytes()).unwrap_err().contains("time"));
        assert!(!looks_like(b"{\"eventName\":\"x\"}"));
        assert!(!looks_like(
            b"version account-id interface-id srcaddr dstaddr"
        ));
        assert!(!looks_like(
            b"2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000060 ACCEPT OK"
        ));
    }
}
