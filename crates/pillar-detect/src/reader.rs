//! Log readers: CloudTrail delivery files (`{"Records":[…]}`, plain or
//! gzip), JSON arrays, JSON Lines (each line an event or a `Records`
//! object), from files, folders or standard input.
//!
//! JSON Lines stream in batches; a delivery document is read whole (S3
//! delivery files are small). Bad input never stops the run: a malformed
//! record is counted and reported with its file and line, a truncated gzip
//! stream keeps the events read before the damage.

use pillar_model::Skipped;
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

/// One raw item of a batch, not yet parsed (lines) or parsed (documents).
#[derive(Debug)]
pub enum Item {
    /// A JSON Lines line and its 1-based number.
    Line(u32, Vec<u8>),
    /// A record of a document and its 1-based number.
    Record(u32, Value),
}

/// A batch of items from one file.
#[derive(Debug)]
pub struct Batch {
    /// The file.
    pub file: Arc<str>,
    /// The items.
    pub items: Vec<Item>,
}

/// Reader limits.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest line, and largest whole document, in bytes.
    pub max_document_bytes: u64,
    /// Items per batch.
    pub batch_items: usize,
    /// Bytes per batch.
    pub batch_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_document_bytes: 1 << 30,
            batch_items: 4096,
            batch_bytes: 8 << 20,
        }
    }
}

/// Files to read under `paths` (`-` is standard input): files as given;
/// under folders, `.json`, `.jsonl`, `.ndjson` and `.gz` files, sorted.
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
                    [".json", ".jsonl", ".ndjson", ".gz"]
                        .iter()
                        .any(|e| n.ends_with(e))
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
    sink: &mut dyn FnMut(Batch),
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
    sink: &mut dyn FnMut(Batch),
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
        _ => skipped.push(
            Skipped::new(
                name.to_string(),
                "not JSON: expected CloudTrail records (`{\"Records\": […]}`) or JSON Lines",
            )
            .at(Some(1), None),
        ),
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

fn read_lines(
    mut reader: Box<dyn BufRead + '_>,
    name: &Arc<str>,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(Batch),
    what: &str,
) {
    let mut items = Vec::new();
    let mut bytes = 0usize;
    let mut line_no: u32 = 0;
    loop {
        let mut line = Vec::new();
        let n = match (&mut reader)
            .take(opts.max_document_bytes)
            .read_until(b'\n', &mut line)
        {
            Ok(n) => n,
            Err(e) => {
                skipped.push(
                    Skipped::new(name.to_string(), damaged(what, &e, line_no + 1))
                        .at(Some(line_no + 1), None),
                );
                break;
            }
        };
        if n == 0 {
            break;
        }
        line_no = line_no.saturating_add(1);
        if line.last() != Some(&b'\n') && n as u64 >= opts.max_document_bytes {
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
            break;
        }
        // A pretty-printed document: its first line is `{` alone or an
        // unfinished object. Read it whole.
        if line_no == 1 && !line_is_complete(&line) {
            read_document(reader, line, name, opts, skipped, sink, what);
            return;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        bytes += line.len();
        items.push(Item::Line(line_no, line));
        if items.len() >= opts.batch_items || bytes >= opts.batch_bytes {
            sink(Batch {
                file: name.clone(),
                items: std::mem::take(&mut items),
            });
            bytes = 0;
        }
    }
    if !items.is_empty() {
        sink(Batch {
            file: name.clone(),
            items,
        });
    }
}

fn line_is_complete(line: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

fn read_document(
    mut reader: Box<dyn BufRead + '_>,
    mut head: Vec<u8>,
    name: &Arc<str>,
    opts: &ReadOptions,
    skipped: &mut Vec<Skipped>,
    sink: &mut dyn FnMut(Batch),
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
    let doc: Value = match serde_json::from_slice(&head) {
        Ok(v) => v,
        Err(e) => {
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
            let col = u32::try_from(e.column()).unwrap_or(u32::MAX);
            skipped.push(
                Skipped::new(name.to_string(), format!("invalid JSON: {}", strip_pos(&e)))
                    .at(Some(line), Some(col)),
            );
            return;
        }
    };
    drop(head);
    let records = match doc {
        Value::Array(items) => items,
        Value::Object(mut m) => match m.remove("Records") {
            Some(Value::Array(items)) => items,
            Some(_) => {
                skipped.push(Skipped::new(name.to_string(), "`Records` is not a list"));
                return;
            }
            None => vec![Value::Object(m)],
        },
        _ => Vec::new(),
    };
    let mut items = Vec::with_capacity(opts.batch_items.min(records.len()));
    for (i, r) in records.into_iter().enumerate() {
        items.push(Item::Record(u32::try_from(i + 1).unwrap_or(u32::MAX), r));
        if items.len() >= opts.batch_items {
            sink(Batch {
                file: name.clone(),
                items: std::mem::take(&mut items),
            });
        }
    }
    if !items.is_empty() {
        sink(Batch {
            file: name.clone(),
            items,
        });
    }
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

/// An event of an item: line, record number, the event.
pub type ItemEvent = (Option<u32>, Option<u32>, Value);
/// A bad item: line, record number, what is wrong.
pub type ItemError = (Option<u32>, Option<u32>, String);

/// The events of one item: a line may hold one event or a `Records`
/// object. Errors are (line, message).
pub fn events_of(item: Item) -> Result<Vec<ItemEvent>, ItemError> {
    match item {
        Item::Record(n, v) => match v {
            Value::Object(_) => Ok(vec![(None, Some(n), v)]),
            _ => Err((None, Some(n), "record is not a JSON object".to_owned())),
        },
        Item::Line(line, bytes) => {
            let v: Value = serde_json::from_slice(&bytes)
                .map_err(|e| (Some(line), None, format!("invalid JSON: {}", strip_pos(&e))))?;
            match v {
                Value::Object(mut m) => {
                    if !m.contains_key("eventName") {
                        if let Some(Value::Array(_)) = m.get("Records") {
                            if let Some(Value::Array(records)) = m.remove("Records") {
                                return Ok(records
                                    .into_iter()
                                    .enumerate()
                                    .filter(|(_, r)| r.is_object())
                                    .map(|(i, r)| {
                                        (
                                            Some(line),
                                            Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                                            r,
                                        )
                                    })
                                    .collect());
                            }
                        }
                    }
                    Ok(vec![(Some(line), None, Value::Object(m))])
                }
                _ => Err((Some(line), None, "line is not a JSON object".to_owned())),
            }
        }
    }
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
            &ReadOptions::default(),
            &mut skipped,
            &mut |b| {
                for i in b.items {
                    match events_of(i) {
                        Ok(evs) => out.extend(evs.into_iter().map(|e| e.2)),
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
        assert_eq!(sk[0].line, Some(2), "{sk:?}");
    }
}
