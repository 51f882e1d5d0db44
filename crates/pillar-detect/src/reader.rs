//! Log readers: CloudTrail delivery files (`{"Records":[…]}`, plain or
//! gzip), JSON arrays, JSON Lines (each line an event or a `Records`
//! object), from files, folders or standard input.
//!
//! JSON Lines stream in batches; a delivery document is read whole (S3
//! delivery files are small). Bad input never stops the run: a malformed
//! record is counted and reported with its file and line, a truncated gzip
//! stream keeps the events read before the damage.

use crate::event::{raw_records, Event};
use crate::rule::LogKind;
use pillar_model::Skipped;
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where an event came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLoc {
    /// File name as given (`-` for standard input).
    pub file: Arc<str>,
    /// 1-based line (JSON Lines), when known.
    pub line: Option<u32>,
    /// 1-based record number inside a `Records` document, when known.
    pub record: Option<u32>,
}

/// A batch of input from one file: whole JSON Lines lines, or one
/// whole delivery document.
#[derive(Debug)]
pub struct Batch {
    /// The file.
    pub file: Arc<str>,
    /// The bytes.
    pub data: Vec<u8>,
    /// What the bytes hold.
    pub kind: BatchKind,
    /// Which log the events come from (rules run only on their own kind).
    pub source: LogKind,
}

/// What a batch holds.
#[derive(Debug)]
pub enum BatchKind {
    /// Lines: 1-based number, start and end offsets (newline excluded).
    Lines(Vec<(u32, usize, usize)>),
    /// One JSON document (`{"Records": […]}` or an array of records).
    Document,
}

/// Reader limits.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest line, and largest whole document, in bytes.
    pub max_document_bytes: u64,
    /// Bytes read per batch of lines.
    pub batch_bytes: usize,
    /// Groups one correlation keeps at most (bounded memory); events of
    /// further groups are dropped and the run notes it.
    pub max_groups: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_document_bytes: 1 << 30,
            batch_bytes: 4 << 20,
            max_groups: crate::correlate::MAX_GROUPS,
        }
    }
}

/// Files to read under `paths` (`-` is standard input): files as given;
/// under folders, `.json`, `.jsonl`, `.ndjson`, `.log` and `.gz` files
/// and S3 access log objects (named `YYYY-mm-DD-HH-MM-SS-UniqueString`,
/// no extension), sorted.
pub fn expand_paths(paths: &[PathBuf], skipped: &mut Vec<Skipped>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" || p.is_file() {
            out.push(p.clone());
        } else if p.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|f| {
                    let n = f
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    [".json", ".jsonl", ".ndjson", ".gz", ".log"]
                        .iter()
                        .any(|e| n.ends_with(e))
                        || crate::s3access::is_log_object_name(&n)
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            skipped.push(Skipped::new(
                p.display().to_string(),
                "no such file or folder",
            ));
        }
    }
    out
}

/// Read one input, handing batches to `sink`. Problems go to `skipped`.
pub fn read_input(
    path: &Path,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(&Batch),
) {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                skipped.push(Skipped::new(name.to_string(), format!("cannot open: {e}")));
                return;
            }
        }
    };
    read_stream(raw, name, opts, skipped, sink);
}

/// Read from any byte stream (gzip is recognised by its magic bytes).
pub fn read_stream(
    raw: Box<dyn Read + '_>,
    name: Arc<str>,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(&Batch),
) {
    let mut buf = BufReader::with_capacity(256 << 10, raw);
    let gz = match buf.fill_buf() {
        Ok(head) => head.starts_with(&[0x1f, 0x8b]),
        Err(e) => {
            skipped.push(Skipped::new(name.to_string(), format!("cannot read: {e}")));
            return;
        }
    };
    let mut reader: Box<dyn BufRead + '_> = if gz {
        Box::new(BufReader::with_capacity(
            256 << 10,
            flate2::bufread::MultiGzDecoder::new(buf),
        ))
    } else {
        Box::new(buf)
    };
    let what = if gz { "gzip stream" } else { "file" };
    // Find the first meaningful byte.
    let first = loop {
        match reader.fill_buf() {
            Ok([]) => return,
            Ok(b) => {
                let skip = b
                    .iter()
                    .position(|c| !c.is_ascii_whitespace())
                    .unwrap_or(b.len());
                let skip = if b
                    .get(skip..)
                    .is_some_and(|r| r.starts_with(&[0xEF, 0xBB, 0xBF]))
                {
                    skip + 3
                } else {
                    skip
                };
                match b.get(skip).copied() {
                    Some(c) => {
                        reader.consume(skip);
                        break c;
                    }
                    None => {
                        let n = b.len();
                        reader.consume(n);
                    }
                }
            }
            Err(e) => {
                skipped.push(Skipped::new(name.to_string(), damaged(what, &e, 1)));
                return;
            }
        }
    };
    match first {
        b'[' => read_document(reader, Vec::new(), &name, opts, skipped, sink, what),
        b'{' => read_lines(reader, &name, opts, skipped, sink, what),
        _ => {
            let head = reader.fill_buf().unwrap_or_default();
            let end = memchr::memchr(b'\n', head).unwrap_or(head.len());
            if let Some(h) = head.get(..end).and_then(crate::flow::header_of) {
                crate::flow::read_flow(reader, h, &name, opts, skipped, sink);
                return;
            }
            if head.get(..end).is_some_and(crate::s3access::looks_like) {
                crate::flow::read_text(
                    reader,
                    false,
                    LogKind::S3Access,
                    &crate::s3access::record,
                    &name,
                    opts,
                    skipped,
                    sink,
                );
                return;
            }
            skipped.push(
            Skipped::new(
                name.to_string(),
                "not JSON: expected CloudTrail records (`{\"Records\": […]}`), JSON Lines, a VPC flow log (its header line first) or an S3 server access log",
            )
            .at(Some(1), None),
        );
        }
    }
}

fn damaged(what: &str, e: &std::io::Error, line: u32) -> String {
    if e.kind() == std::io::ErrorKind::UnexpectedEof || e.kind() == std::io::ErrorKind::InvalidInput
    {
        format!("truncated or corrupt {what} at line {line}: the events before it were read")
    } else {
        format!("cannot read {what} at line {line}: {e}")
    }
}

/// Read `want` more bytes (or up to the end) into `buf`. Returns whether
/// the end was reached; bytes read before an error stay in `buf`.
fn fill(reader: &mut dyn BufRead, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let n = reader.take(want as u64).read_to_end(buf)?;
    Ok(n < want)
}

/// Split `data` into non-blank lines numbered from `first`.
pub(crate) fn spans(data: &[u8], first: u32) -> (Vec<(u32, usize, usize)>, u32) {
    let mut out = Vec::with_capacity(data.len() / 1024 + 1);
    let mut line = first;
    let mut start = 0usize;
    let mut push = |line: u32, s: usize, e: usize| {
        let e = if e > s && data.get(e - 1) == Some(&b'\r') {
            e - 1
        } else {
            e
        };
        if data
            .get(s..e)
            .is_some_and(|l| !l.iter().all(u8::is_ascii_whitespace))
        {
            out.push((line, s, e));
        }
    };
    for nl in memchr::memchr_iter(b'\n', data) {
        push(line, start, nl);
        line = line.saturating_add(1);
        start = nl + 1;
    }
    if start < data.len() {
        push(line, start, data.len());
        line = line.saturating_add(1);
    }
    (out, line)
}

fn read_lines(
    mut reader: Box<dyn BufRead + '_>,
    name: &Arc<str>,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(&Batch),
    what: &str,
) {
    let chunk = opts.batch_bytes.max(1);
    let mut buf: Vec<u8> = Vec::with_capacity(chunk + (64 << 10));
    let mut line_no: u32 = 1;
    let mut first = true;
    let mut want = chunk;
    loop {
        let res = fill(&mut reader, &mut buf, want);
        let eof = match &res {
            Ok(eof) => *eof,
            Err(_) => true,
        };
        let cut = if eof && res.is_ok() {
            Some(buf.len())
        } else {
            memchr::memrchr(b'\n', &buf).map(|i| i + 1)
        };
        let Some(cut) = cut else {
            if let Err(e) = &res {
                skipped.push(
                    Skipped::new(name.to_string(), damaged(what, e, line_no))
                        .at(Some(line_no), None),
                );
                return;
            }
            if buf.len() as u64 >= opts.max_document_bytes {
                skipped.push(
                    Skipped::new(
                        name.to_string(),
                        format!(
                            "line longer than {} bytes: rest of the file skipped",
                            opts.max_document_bytes
                        ),
                    )
                    .at(Some(line_no), None),
                );
                return;
            }
            // One long line: read more before cutting.
            want = buf.len().max(chunk);
            continue;
        };
        want = chunk;
        if first {
            first = false;
            // A pretty-printed document: its first line is `{` alone or an
            // unfinished object. Read it whole.
            let end = memchr::memchr(b'\n', &buf).unwrap_or(buf.len());
            if !buf.get(..end).is_some_and(line_is_complete) {
                if let Err(e) = &res {
                    let line = bytecount_lines(&buf);
                    skipped.push(
                        Skipped::new(name.to_string(), damaged(what, e, line)).at(Some(line), None),
                    );
                    return;
                }
                read_document(reader, buf, name, opts, skipped, sink, what);
                return;
            }
        }
        let rest = buf.split_off(cut);
        let (lines, next) = spans(&buf, line_no);
        line_no = next;
        if !lines.is_empty() {
            // The buffer comes back after the batch is processed and is
            // filled again: no new allocation per batch.
            let batch = Batch {
                file: name.clone(),
                data: buf,
                kind: BatchKind::Lines(lines),
                source: LogKind::CloudTrail,
            };
            sink(&batch);
            buf = batch.data;
        }
        buf.clear();
        buf.extend_from_slice(&rest);
        if let Err(e) = &res {
            skipped.push(
                Skipped::new(name.to_string(), damaged(what, e, line_no)).at(Some(line_no), None),
            );
            return;
        }
        if eof {
            return;
        }
    }
}

pub(crate) fn line_is_complete(line: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

fn read_document(
    mut reader: Box<dyn BufRead + '_>,
    mut head: Vec<u8>,
    name: &Arc<str>,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(&Batch),
    what: &str,
) {
    let limit = opts.max_document_bytes.saturating_sub(head.len() as u64);
    if let Err(e) = (&mut reader)
        .take(limit.saturating_add(1))
        .read_to_end(&mut head)
    {
        let line = bytecount_lines(&head);
        skipped.push(Skipped::new(name.to_string(), damaged(what, &e, line)).at(Some(line), None));
        return;
    }
    if head.len() as u64 > opts.max_document_bytes {
        skipped.push(Skipped::new(
            name.to_string(),
            format!(
                "a single JSON document larger than {} bytes: split it or use JSON Lines",
                opts.max_document_bytes
            ),
        ));
        return;
    }
    sink(&Batch {
        file: name.clone(),
        data: head,
        kind: BatchKind::Document,
        source: LogKind::CloudTrail,
    });
}

fn bytecount_lines(b: &[u8]) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', b).count() + 1).unwrap_or(u32::MAX)
}

/// A serde_json error message without its " at line L column C" suffix.
pub fn strip_pos(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s.get(..i).unwrap_or(&s).to_owned(),
        None => s,
    }
}

/// A bad record: line, record number, what is wrong.
pub type ItemError = (Option<u32>, Option<u32>, String);

/// Called with each event of a unit: line, record number, the event.
pub type EventSink<'a, 'f> = dyn FnMut(Option<u32>, Option<u32>, &Event<'a>) + 'f;

/// One unit of work of a batch: a line, or a record of a document.
#[derive(Debug, Clone, Copy)]
pub enum Unit<'a> {
    /// A JSON Lines line (an event or a `Records` object) and its number.
    Line(u32, &'a [u8]),
    /// A record of a document and its 1-based number.
    Record(u32, &'a RawValue),
}

/// The units of a batch. A document that is not valid JSON is one error.
pub fn units(batch: &Batch) -> Result<Vec<Unit<'_>>, ItemError> {
    match &batch.kind {
        BatchKind::Lines(lines) => Ok(lines
            .iter()
            .filter_map(|&(n, s, e)| batch.data.get(s..e).map(|l| Unit::Line(n, l)))
            .collect()),
        BatchKind::Document => {
            let text = std::str::from_utf8(&batch.data).map_err(|e| {
                let line = bytecount_lines(batch.data.get(..e.valid_up_to()).unwrap_or_default());
                (Some(line), None, "not UTF-8 text".to_owned())
            })?;
            let recs = raw_records(text).map_err(|e| {
                (
                    u32::try_from(e.line()).ok(),
                    None,
                    format!("invalid JSON: {}", strip_pos(&e)),
                )
            })?;
            Ok(recs
                .into_iter()
                .enumerate()
                .map(|(i, r)| Unit::Record(u32::try_from(i + 1).unwrap_or(u32::MAX), r))
                .collect())
        }
    }
}

/// Parse one unit and call `f` with each event in it (line, record
/// number, event). Returns the problem of a bad unit.
pub fn events_in<'a>(unit: Unit<'a>, f: &mut EventSink<'a, '_>) -> Result<(), ItemError> {
    match unit {
        Unit::Record(n, raw) => match Event::from_raw(raw) {
            Ok(ev) => {
                f(None, Some(n), &ev);
                Ok(())
            }
            Err(_) => Err((None, Some(n), "record is not a JSON object".to_owned())),
        },
        Unit::Line(line, bytes) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| (Some(line), None, "line is not UTF-8 text".to_owned()))?;
            let ev = match Event::parse(text) {
                Ok(ev) => ev,
                Err(e) if e.classify() == serde_json::error::Category::Data => {
                    return Err((Some(line), None, "line is not a JSON object".to_owned()))
                }
                Err(e) => {
                    return Err((Some(line), None, format!("invalid JSON: {}", strip_pos(&e))))
                }
            };
            if !ev.is_records_wrapper() {
                f(Some(line), None, &ev);
                return Ok(());
            }
            let recs: Vec<&'a RawValue> = ev
                .raw("Records")
                .and_then(|r| serde_json::from_str(r.get()).ok())
                .unwrap_or_default();
            for (i, r) in recs.into_iter().enumerate() {
                if let Ok(ev) = Event::from_raw(r) {
                    f(
                        Some(line),
                        Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                        &ev,
                    );
                }
            }
            Ok(())
        }
    }
}

/// Every event of a batch, in order, sequentially (tests, small inputs):
/// each event as a `serde_json` value, or the problem of a bad unit.
pub fn batch_values(batch: &Batch) -> Vec<Result<Value, ItemError>> {
    let mut out = Vec::new();
    match units(batch) {
        Ok(us) => {
            for u in us {
                let r = events_in(u, &mut |_, _, ev| out.push(Ok(ev.to_value())));
                if let Err(e) = r {
                    out.push(Err(e));
                }
            }
        }
        Err(e) => out.push(Err(e)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(bytes: Vec<u8>) -> (Vec<Value>, Vec<Skipped>) {
        let mut skipped = Vec::new();
        let mut bad = Vec::new();
        let mut out = Vec::new();
        read_stream(
            Box::new(std::io::Cursor::new(bytes)),
            Arc::from("t"),
            &ReadOptions {
                batch_bytes: 64,
                ..ReadOptions::default()
            },
            &mut skipped,
            &mut |b| {
                for r in batch_values(b) {
                    match r {
                        Ok(v) => out.push(v),
                        Err((l, r, m)) => bad.push(Skipped::new(format!("t {l:?} {r:?}"), m)),
                    }
                }
            },
        );
        skipped.extend(bad);
        (out, skipped)
    }

    fn gz(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn formats() {
        let rec = br#"{"Records":[{"eventName":"A"},{"eventName":"B"}]}"#.to_vec();
        assert_eq!(read_all(rec.clone()).0.len(), 2);
        assert_eq!(read_all(gz(&rec)).0.len(), 2);
        let pretty = b"{\n \"Records\": [\n  {\"eventName\": \"A\"}\n ]\n}\n".to_vec();
        assert_eq!(read_all(pretty).0.len(), 1);
        let lines = b"{\"eventName\":\"A\"}\n\n{\"eventName\":\"B\"}\n".to_vec();
        assert_eq!(read_all(lines).0.len(), 2);
        assert_eq!(read_all(b"[{\"a\":1},{\"b\":2}]".to_vec()).0.len(), 2);
    }

    #[test]
    fn bad_input_is_reported_not_fatal() {
        let (evs, sk) =
            read_all(b"{\"eventName\":\"A\"}\n{not json\n{\"eventName\":\"B\"}\n".to_vec());
        assert_eq!(evs.len(), 2);
        assert_eq!(sk.len(), 1);
        assert!(sk[0].path.contains("Some(2)"), "{sk:?}");
        let (_, sk) = read_all(b"hello".to_vec());
        assert!(sk[0].reason.contains("not JSON"));
        let lines: Vec<u8> = (0..2000)
            .flat_map(|i| format!("{{\"eventName\":\"E{i}\"}}\n").into_bytes())
            .collect();
        let mut z = gz(&lines);
        z.truncate(z.len() / 2);
        let (evs, sk) = read_all(z);
        assert!(!evs.is_empty() && evs.len() < 2000);
        assert!(sk.iter().any(|s| s.reason.contains("truncated")), "{sk:?}");
        let (evs, sk) = read_all(b"{\"Records\": [1, {\"a\": 2}\n".to_vec());
        assert!(evs.is_empty());
        assert!(sk[0].path.contains("Some(2)"), "{sk:?}");
    }

    #[test]
    fn lines_across_chunks_and_crlf() {
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&format!(
                "{{\"eventName\":\"E{i}\",\"pad\":\"{}\"}}\r\n",
                "x".repeat(i * 7)
            ));
        }
        let (evs, sk) = read_all(text.into_bytes());
        assert!(sk.is_empty(), "{sk:?}");
        assert_eq!(evs.len(), 50);
        assert_eq!(evs[49]["eventName"], "E49");
        let (mut lines, next) = spans(b"a\n\n  \nb", 1);
        assert_eq!(next, 5);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.pop(), Some((4, 6, 7)));
    }
}
