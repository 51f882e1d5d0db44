//! VPC flow log records (text, one record a line, fields separated by
//! spaces), as S3 delivers them: a header line naming the fields in order
//! (`version account-id interface-id srcaddr …` for the default format,
//! any list of fields for a custom format), then one record per line.
//! A file without a header whose lines start with version `2` and have the
//! 14 fields of the default format is read with the default header.
//!
//! Each record becomes a JSON object keyed by the field names of the
//! header (the names of the AWS documentation, e.g. `srcaddr`, `dstport`,
//! `action`), so Sigma rules with `logsource: {product: aws, service:
//! vpcflowlogs}` name those fields. A value of `-` (no data) is left out
//! (absent, as Sigma treats null); counters, ports, protocol and times are
//! numbers; `eventTime` is added from `start` (RFC 3339) so correlations
//! and findings have the record's time.

use crate::reader::{Batch, BatchKind, ReadOptions};
use crate::rule::LogKind;
use pillar_model::Skipped;
use serde_json::{Map, Value};
use std::io::{BufRead, Read};
use std::sync::Arc;

/// The fields of the default format (version 2), in order.
pub const DEFAULT_V2: [&str; 14] = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
];

/// Fields whose values are numbers (the rest stay strings: account ids
/// are digits too but are identifiers).
const NUMERIC: [&str; 13] = [
    "version",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "tcp-flags",
    "traffic-path",
    "pkt-src-aws-service-port",
    "sublocation-id",
    "ecs-container-instance-count",
];

/// Longest record line read.
const MAX_LINE: u64 = 64 << 10;

/// What the first line of a text file says about it.
pub enum Header {
    /// A header line: the fields, in order.
    Fields(Vec<String>),
    /// No header, but a default-format record: read with [`DEFAULT_V2`].
    DefaultNoHeader,
}

/// Whether `line` (the first line of a file) is a flow log header or a
/// default-format record.
pub fn header_of(line: &[u8]) -> Option<Header> {
    let text = std::str::from_utf8(line).ok()?;
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    let is_name = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            && w.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
    };
    if words.len() >= 2
        && words.iter().all(|w| is_name(w))
        && words
            .iter()
            .any(|w| matches!(*w, "srcaddr" | "dstaddr" | "interface-id" | "interface_id"))
    {
        return Some(Header::Fields(
            words.iter().map(|w| (*w).to_owned()).collect(),
        ));
    }
    (words.len() == DEFAULT_V2.len() && words.first() == Some(&"2"))
        .then_some(Header::DefaultNoHeader)
}

fn is_numeric(field: &str) -> bool {
    let f = field.replace('_', "-");
    NUMERIC.contains(&f.as_str())
}

/// One record line as a JSON object, or what is wrong with it.
pub fn record(fields: &[String], line: &[u8]) -> Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(line).map_err(|_| "line is not UTF-8 text".to_owned())?;
    let values: Vec<&str> = text.split_ascii_whitespace().collect();
    if values.len() != fields.len() {
        return Err(format!(
            "flow log record has {} fields, the header names {}",
            values.len(),
            fields.len()
        ));
    }
    let mut m = Map::new();
    for (name, v) in fields.iter().zip(values) {
        if v == "-" {
            continue;
        }
        let val = if is_numeric(name) {
            match v.parse::<u64>() {
                Ok(n) => Value::from(n),
                Err(_) => return Err(format!("field `{name}` is not a number: `{v}`")),
            }
        } else {
            Value::from(v)
        };
        m.insert(name.clone(), val);
    }
    if let Some(start) = m.get("start").and_then(Value::as_i64) {
        if let Some(t) = chrono::DateTime::from_timestamp(start, 0) {
            m.insert(
                "eventTime".to_owned(),
                Value::from(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            );
        }
    }
    Ok(m)
}

/// Read a flow log (its first line, described by `header`, not consumed
/// yet from `reader`), handing batches of JSON Lines to `sink`.
pub fn read_flow(
    reader: Box<dyn BufRead + '_>,
    header: Header,
    name: &Arc<str>,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(&Batch),
) {
    let (fields, has_header_line): (Vec<String>, bool) = match header {
        Header::Fields(f) => (f, true),
        Header::DefaultNoHeader => (DEFAULT_V2.iter().map(|s| (*s).to_owned()).collect(), false),
    };
    read_text(
        reader,
        has_header_line,
        LogKind::VpcFlow,
        &|line| record(&fields, line),
        name,
        opts,
        skipped,
        sink,
    );
}

/// Turns one record line into an event, or says what is wrong with it.
pub(crate) type RecordParser<'a> = dyn Fn(&[u8]) -> Result<Map<String, Value>, String> + 'a;

/// Read a text log of one record a line (the first line skipped when it
/// is a header), each line turned into an event by `parse`, handing
/// batches of JSON Lines of `source` to `sink`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_text(
    mut reader: Box<dyn BufRead + '_>,
    has_header_line: bool,
    source: LogKind,
    parse: &RecordParser<'_>,
    name: &Arc<str>,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(&Batch),
) {
    let what = match source {
        LogKind::S3Access => "S3 access log",
        _ => "flow log",
    };
    let mut line_no: u32 = 0;
    let mut skip_first = true;
    let mut data: Vec<u8> = Vec::new();
    let mut spans: Vec<(u32, usize, usize)> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let flush =
        |data: &mut Vec<u8>, spans: &mut Vec<(u32, usize, usize)>, sink: &mut dyn FnMut(&Batch)| {
            if spans.is_empty() {
                return;
            }
            let batch = Batch {
                file: name.clone(),
                data: std::mem::take(data),
                kind: BatchKind::Lines(std::mem::take(spans)),
                source,
            };
            sink(&batch);
        };
    loop {
        line.clear();
        let res = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line);
        line_no = line_no.saturating_add(1);
        match res {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                skipped.push(
                    Skipped::new(
                        name.to_string(),
                        format!("truncated or unreadable {what} at line {line_no}: {e}"),
                    )
                    .at(Some(line_no), None),
                );
                break;
            }
        }
        if line.len() as u64 > MAX_LINE && line.last() != Some(&b'\n') {
            skipped.push(
                Skipped::new(
                    name.to_string(),
                    format!("line longer than {MAX_LINE} bytes: rest of the file skipped"),
                )
                .at(Some(line_no), None),
            );
            break;
        }
        if std::mem::take(&mut skip_first) && has_header_line {
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        push_parsed(parse(&line), line_no, &mut data, &mut spans, name, skipped);
        if data.len() >= opts.batch_bytes.max(1) {
            flush(&mut data, &mut spans, sink);
        }
    }
    flush(&mut data, &mut spans, sink);
}

/// Append record line `line_no` as a JSON line to `data` (its span to
/// `spans`), or report it.
pub(crate) fn push_record(
    fields: &[String],
    line_no: u32,
    line: &[u8],
    data: &mut Vec<u8>,
    spans: &mut Vec<(u32, usize, usize)>,
    name: &str,
    skipped: &mut Vec<Skipped>,
) {
    push_parsed(record(fields, line), line_no, data, spans, name, skipped);
}

/// Append a parsed record as a JSON line to `data` (its span to `spans`),
/// or report what is wrong with it.
pub(crate) fn push_parsed(
    parsed: Result<Map<String, Value>, String>,
    line_no: u32,
    data: &mut Vec<u8>,
    spans: &mut Vec<(u32, usize, usize)>,
    name: &str,
    skipped: &mut Vec<Skipped>,
) {
    match parsed {
        Ok(m) => {
            let s = data.len();
            if serde_json::to_writer(&mut *data, &m).is_ok() {
                spans.push((line_no, s, data.len()));
                data.push(b'\n');
            } else {
                data.truncate(s);
            }
        }
        Err(msg) => skipped.push(Skipped::new(name.to_owned(), msg).at(Some(line_no), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Value>, Vec<Skipped>) {
        let mut skipped = Vec::new();
        let mut out = Vec::new();
        crate::reader::read_stream(
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
            Arc::from("flow.log"),
            &ReadOptions {
                batch_bytes: 64,
                ..ReadOptions::default()
            },
            &mut skipped,
            &mut |b| {
                assert_eq!(b.source, LogKind::VpcFlow);
                for r in crate::reader::batch_values(b) {
                    out.push(r.unwrap());
                }
            },
        );
        (out, skipped)
    }

    #[test]
    fn default_format_with_header() {
        let (evs, sk) = read(
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n\
             2 123456789012 eni-0a1 203.0.113.9 10.0.1.5 50123 22 6 10 840 1700000000 1700000060 ACCEPT OK\n\
             2 123456789012 eni-0a1 - - - - - - - 1700000000 1700000060 - NODATA\n",
        );
        assert!(sk.is_empty(), "{sk:?}");
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0]["dstport"], 22);
        assert_eq!(evs[0]["account-id"], "123456789012");
        assert_eq!(evs[0]["action"], "ACCEPT");
        assert_eq!(evs[0]["eventTime"], "2023-11-14T22:13:20Z");
        assert!(evs[1].get("srcaddr").is_none());
        assert_eq!(evs[1]["log-status"], "NODATA");
    }

    #[test]
    fn custom_format_and_no_header() {
        let (evs, sk) = read(
            "srcaddr dstaddr dstport action flow-direction\n198.51.100.1 10.0.0.9 3389 REJECT ingress\n",
        );
        assert!(sk.is_empty(), "{sk:?}");
        assert_eq!(evs[0]["dstport"], 3389);
        assert_eq!(evs[0]["flow-direction"], "ingress");
        let (evs, sk) = read(
            "2 123456789012 eni-0a1 203.0.113.9 10.0.1.5 50123 22 6 10 840 1700000000 1700000060 ACCEPT OK\n",
        );
        assert!(sk.is_empty(), "{sk:?}");
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0]["srcaddr"], "203.0.113.9");
    }

    #[test]
    fn bad_lines_are_reported_with_their_line() {
        let (evs, sk) = read(
            "srcaddr dstaddr dstport action\n1.2.3.4 10.0.0.1 22 ACCEPT\n1.2.3.4 10.0.0.1\n1.2.3.4 10.0.0.1 port ACCEPT\n\u{1}\u{2} \u{ff} x y\n5.6.7.8 10.0.0.1 443 ACCEPT",
        );
        assert_eq!(evs.len(), 2, "{evs:?}");
        let lines: Vec<Option<u32>> = sk.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![Some(3), Some(4), Some(5)], "{sk:?}");
        assert!(sk[0].reason.contains("2 fields"), "{sk:?}");
        assert!(sk[1].reason.contains("not a number"), "{sk:?}");
    }
}
