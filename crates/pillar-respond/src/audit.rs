//! The audit log: append-only JSON Lines. Every entry carries its number
//! (`seq`, from 0) and the SHA-256 of the previous line's bytes (`prev`;
//! 64 zeros for the first), so editing, removing or moving a line breaks
//! the chain. The hash of the last line (the *head*) is also written to
//! `<log>.head` after every append: removing entries from the end, or
//! editing the last one, then shows as a mismatch. Keep a copy of the
//! head elsewhere (a ticket) to detect a rewrite of the whole file.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The head file of a log.
pub fn head_path(log: &Path) -> PathBuf {
    let mut s = log.as_os_str().to_owned();
    s.push(".head");
    PathBuf::from(s)
}

/// The content of a head file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// Number of entries.
    pub entries: u64,
    /// SHA-256 of the last line.
    pub sha256: String,
}

/// Why a log does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// The log file.
    pub file: String,
    /// 1-based line of the first bad entry (0: the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for VerifyError {}

/// What a verified log holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of entries.
    pub entries: u64,
    /// Incident ids seen.
    pub incidents: BTreeSet<String>,
    /// Runs started.
    pub runs: u64,
    /// Calls that changed the account.
    pub changes: u64,
    /// SHA-256 of the last line.
    pub head: String,
    /// Whether a head file (or an expected head) was checked.
    pub head_checked: bool,
    /// Time of the first entry.
    pub first: String,
    /// Time of the last entry.
    pub last: String,
}

/// Verify the bytes of a log; `head` is the expected head, if known.
pub fn verify_bytes(file: &str, bytes: &[u8], head: Option<&Head>) -> Result<Summary, VerifyError> {
    let bad = |line: usize, message: String| VerifyError {
        file: file.to_owned(),
        line,
        message,
    };
    let mut s = Summary {
        head: GENESIS.to_owned(),
        ..Summary::default()
    };
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    match lines.pop() {
        Some([]) | None => {}
        Some(_) => {
            return Err(bad(
                lines.len() + 1,
                "the last line is incomplete (no newline at its end): the log was truncated or written to by hand".into(),
            ))
        }
    }
    let mut prev_hash = GENESIS.to_owned();
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let v: Value = serde_json::from_slice(raw).map_err(|e| {
            bad(
                n,
                format!("not a JSON entry ({e}): the line was edited or cut"),
            )
        })?;
        let obj = v
            .as_object()
            .ok_or_else(|| bad(n, "not a JSON object: the line was edited".into()))?;
        let seq = obj.get("seq").and_then(Value::as_u64);
        if seq != Some(i as u64) {
            return Err(bad(
                n,
                format!(
                    "entry number is {}, expected {i}: an entry before this line was removed or moved, or this one was edited",
                    seq.map(|x| x.to_string()).unwrap_or_else(|| "missing".into())
                ),
            ));
        }
        let prev = obj.get("prev").and_then(Value::as_str).unwrap_or("");
        if prev != prev_hash {
            return Err(if n == 1 {
                bad(
                    1,
                    "the first entry does not start the chain (`prev` is not 64 zeros)".into(),
                )
            } else {
                bad(
                    n - 1,
                    format!(
                        "its SHA-256 does not match the `prev` recorded by line {n}: line {} was edited (or line {n}'s link was)",
                        n - 1
                    ),
                )
            });
        }
        prev_hash = sha256_hex(raw);
        if let Some(inc) = obj.get("incident").and_then(Value::as_str) {
            s.incidents.insert(inc.to_owned());
        }
        match obj.get("event").and_then(Value::as_str) {
            Some("run-start") => s.runs += 1,
            Some("call") if obj.get("mutating") == Some(&Value::Bool(true)) => s.changes += 1,
            _ => {}
        }
        let time = obj
            .get("time")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if i == 0 {
            s.first = time.clone();
        }
        s.last = time;
        s.entries += 1;
    }
    s.head = prev_hash;
    if let Some(h) = head {
        s.head_checked = true;
        if h.entries != s.entries {
            return Err(bad(
                lines.len().max(1),
                format!(
                    "the log has {} entries but its head records {}: entries were removed from the end (or added by hand)",
                    s.entries, h.entries
                ),
            ));
        }
        if h.sha256 != s.head {
            return Err(bad(
                lines.len().max(1),
                "the last entry's SHA-256 does not match the head: the last entry was edited"
                    .into(),
            ));
        }
    }
    Ok(s)
}

/// Read the head file next to `log`, if there is one.
pub fn read_head(log: &Path) -> Result<Option<Head>, VerifyError> {
    let hp = head_path(log);
    match std::fs::read(&hp) {
        Ok(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(|e| VerifyError {
                file: hp.display().to_string(),
                line: 1,
                message: format!("not a head file ({e})"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(VerifyError {
            file: hp.display().to_string(),
            line: 0,
            message: e.to_string(),
        }),
    }
}

/// Verify a log file, with its head file when present (or `expected` when given).
pub fn verify_file(log: &Path, expected: Option<&Head>) -> Result<Summary, VerifyError> {
    let file = log.display().to_string();
    let bytes = std::fs::read(log).map_err(|e| VerifyError {
        file: file.clone(),
        line: 0,
        message: e.to_string(),
    })?;
    let head = match expected {
        Some(h) => Some(h.clone()),
        None => read_head(log)?,
    };
    verify_bytes(&file, &bytes, head.as_ref())
}

/// The entries of a verified log, parsed.
pub fn entries(log: &Path) -> Result<Vec<Map<String, Value>>, VerifyError> {
    verify_file(log, None)?;
    let text = std::fs::read_to_string(log).map_err(|e| VerifyError {
        file: log.display().to_string(),
        line: 0,
        message: e.to_string(),
    })?;
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str::<Map<String, Value>>(l).ok())
        .collect())
}

/// An open log that entries are appended to.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    next: u64,
    prev: String,
}

/// A failure to open or write the log.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The existing log does not verify: nothing is appended to it.
    #[error("{0} (refusing to append to a log that does not verify)")]
    Broken(VerifyError),
    /// An I/O error.
    #[error("{0}: {1}")]
    Io(String, String),
}

impl AuditLog {
    /// Open (or create) a log; an existing log must verify first.
    pub fn open(path: &Path) -> Result<AuditLog, AuditError> {
        let (next, prev) = if path.exists() {
            let s = verify_file(path, None).map_err(AuditError::Broken)?;
            (s.entries, s.head)
        } else {
            (0, GENESIS.to_owned())
        };
        Ok(AuditLog {
            path: path.to_owned(),
            next,
            prev,
        })
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The current head.
    pub fn head(&self) -> Head {
        Head {
            entries: self.next,
            sha256: self.prev.clone(),
        }
    }

    /// Append one entry: `event` with the fields of `body`.
    pub fn append(
        &mut self,
        incident: &str,
        event: &str,
        body: Map<String, Value>,
    ) -> Result<(), AuditError> {
        let mut m = Map::new();
        m.insert("seq".into(), Value::from(self.next));
        m.insert(
            "time".into(),
            Value::String(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        );
        m.insert("incident".into(), Value::String(incident.to_owned()));
        m.insert("event".into(), Value::String(event.to_owned()));
        for (k, v) in body {
            if !matches!(k.as_str(), "seq" | "time" | "incident" | "event" | "prev") {
                m.insert(k, v);
            }
        }
        m.insert("prev".into(), Value::String(self.prev.clone()));
        let line = Value::Object(m).to_string();
        let io = |e: std::io::Error| AuditError::Io(self.path.display().to_string(), e.to_string());
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        let mut buf = line.clone().into_bytes();
        buf.push(b'\n');
        f.write_all(&buf).map_err(io)?;
        f.sync_data().map_err(io)?;
        self.prev = sha256_hex(line.as_bytes());
        self.next += 1;
        let head = serde_json::to_string(&self.head()).unwrap_or_default();
        let hp = head_path(&self.path);
        std::fs::write(&hp, head + "\n")
            .map_err(|e| AuditError::Io(hp.display().to_string(), e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn write_log(dir: &Path, n: usize, payload: &[String]) -> PathBuf {
        let p = dir.join("a.jsonl");
        let mut log = AuditLog::open(&p).unwrap();
        for i in 0..n {
            let mut body = Map::new();
            body.insert("step".into(), json!(format!("s{i}")));
            body.insert(
                "data".into(),
                json!(payload
                    .get(i % payload.len().max(1))
                    .cloned()
                    .unwrap_or_default()),
            );
            log.append("inc-1", if i == 0 { "run-start" } else { "step" }, body)
                .unwrap();
        }
        p
    }

    #[test]
    fn intact_log_verifies_and_reopens() {
        let d = tempfile::tempdir().unwrap();
        let p = write_log(d.path(), 4, &["x".into()]);
        let s = verify_file(&p, None).unwrap();
        assert_eq!(s.entries, 4);
        assert_eq!(s.runs, 1);
        assert!(s.head_checked);
        let mut log = AuditLog::open(&p).unwrap();
        log.append("inc-2", "run-start", Map::new()).unwrap();
        let s = verify_file(&p, None).unwrap();
        assert_eq!(s.entries, 5);
        assert_eq!(s.incidents.len(), 2);
    }

    fn lines(p: &Path) -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn rewrite(p: &Path, lines: &[String]) {
        std::fs::write(
            p,
            lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap();
    }

    #[test]
    fn edit_delete_reorder_truncate_are_named() {
        let d = tempfile::tempdir().unwrap();
        let p = write_log(d.path(), 5, &["x".into()]);
        let orig = lines(&p);

        let mut l = orig.clone();
        l[2] = l[2].replace("\"s2\"", "\"S2\"");
        rewrite(&p, &l);
        assert_eq!(verify_file(&p, None).unwrap_err().line, 3);

        let mut l = orig.clone();
        l.remove(1);
        rewrite(&p, &l);
        assert_eq!(verify_file(&p, None).unwrap_err().line, 2);

        let mut l = orig.clone();
        l.swap(2, 3);
        rewrite(&p, &l);
        assert_eq!(verify_file(&p, None).unwrap_err().line, 3);

        let l = orig[..3].to_vec();
        rewrite(&p, &l);
        let e = verify_file(&p, None).unwrap_err();
        assert!(e.message.contains("removed from the end"), "{e}");

        let mut l = orig.clone();
        l[4] = l[4].replace("\"s4\"", "\"S4\"");
        rewrite(&p, &l);
        let e = verify_file(&p, None).unwrap_err();
        assert!(e.message.contains("last entry was edited"), "{e}");

        rewrite(&p, &orig);
        let mut bytes = std::fs::read(&p).unwrap();
        bytes.truncate(bytes.len() - 10);
        std::fs::write(&p, &bytes).unwrap();
        assert_eq!(verify_file(&p, None).unwrap_err().line, 5);

        rewrite(&p, &orig);
        assert!(verify_file(&p, None).is_ok());
        assert!(AuditLog::open(&p).is_ok());
        let mut l = orig.clone();
        l.remove(0);
        rewrite(&p, &l);
        assert!(matches!(AuditLog::open(&p), Err(AuditError::Broken(_))));
    }

    #[derive(Debug, Clone)]
    enum Tamper {
        Edit(usize, usize, u8),
        Delete(usize),
        Swap(usize, usize),
        Truncate(usize),
    }

    fn tamper() -> impl Strategy<Value = Tamper> {
        prop_oneof![
            (any::<usize>(), any::<usize>(), any::<u8>())
                .prop_map(|(a, b, c)| Tamper::Edit(a, b, c)),
            any::<usize>().prop_map(Tamper::Delete),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Tamper::Swap(a, b)),
            any::<usize>().prop_map(Tamper::Truncate),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn any_tampering_is_detected(
            n in 2usize..12,
            payload in proptest::collection::vec("[ -~]{0,20}", 1..4),
            t in tamper(),
        ) {
            let d = tempfile::tempdir().unwrap();
            let p = write_log(d.path(), n, &payload);
            prop_assert!(verify_file(&p, None).is_ok());
            let mut l = lines(&p);
            match t {
                Tamper::Edit(i, j, byte) => {
                    let i = i % l.len();
                    let mut b = l[i].clone().into_bytes();
                    let j = j % b.len();
                    let new = if b[j] == byte { byte.wrapping_add(1) } else { byte };
                    b[j] = new;
                    if new == b'\n' || new == b'\r' { b[j] = b'x'; }
                    if b == l[i].as_bytes() { return Ok(()); }
                    l[i] = String::from_utf8_lossy(&b).into_owned();
                }
                Tamper::Delete(i) => { l.remove(i % n); }
                Tamper::Swap(i, j) => {
                    let (i, j) = (i % n, j % n);
                    if i == j { return Ok(()); }
                    l.swap(i, j);
                }
                Tamper::Truncate(k) => { l.truncate(k % n); }
            }
            rewrite(&p, &l);
            prop_assert!(verify_file(&p, None).is_err());
        }
    }
}
