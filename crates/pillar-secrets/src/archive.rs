//! Archives (`--archives`): the files inside `.tar`, `.tar.gz` / `.tgz` and
//! `.gz` files are scanned like files on disk, streamed, in bounded memory.
//! A finding's path is `ARCHIVE!MEMBER`.
//!
//! Bounds, so a crafted archive (a decompression bomb, millions of members)
//! cannot exhaust memory or time: each member is read up to the walk's file
//! size limit, an archive up to [`MAX_TOTAL_BYTES`] uncompressed and
//! [`MAX_MEMBERS`] members; past a bound, the rest is listed as skipped.
//! Archives inside archives are not opened. A corrupt archive is noted; the
//! members read before the damage keep their findings.

use crate::engine::Engine;
use crate::walk::{classify, FileHit, WalkOutput};
use flate2::read::GzDecoder;
use pillar_model::Skipped;
use std::io::Read;

/// Most bytes read out of one archive, all members together.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Most members read out of one archive.
pub const MAX_MEMBERS: usize = 100_000;

/// The kinds of archive read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A tar file.
    Tar,
    /// A gzip-compressed tar file.
    TarGz,
    /// One gzip-compressed file.
    Gz,
}

/// The archive kind of a file name, if it is one.
pub fn kind(name: &str) -> Option<Kind> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".tar.gz") || n.ends_with(".tgz") {
        Some(Kind::TarGz)
    } else if n.ends_with(".tar") {
        Some(Kind::Tar)
    } else if n.ends_with(".gz") {
        Some(Kind::Gz)
    } else {
        None
    }
}

/// Scan one archive from `reader`. `shown` names it in findings and notes.
pub fn scan(
    engine: &Engine,
    kind: Kind,
    reader: impl Read,
    shown: &str,
    max_member_bytes: u64,
    out: &mut WalkOutput,
) {
    match kind {
        Kind::Gz => {
            let member = shown
                .rsplit_once('.')
                .map_or(shown, |(stem, _)| stem)
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(shown)
                .to_owned();
            let mut buf = Vec::new();
            let limit = max_member_bytes.min(MAX_TOTAL_BYTES);
            match GzDecoder::new(reader).take(limit + 1).read_to_end(&mut buf) {
                Ok(_) if buf.len() as u64 > limit => out.skipped.push(Skipped::new(
                    shown.to_owned(),
                    format!(
                        "decompresses to more than {} MiB, not scanned for secrets",
                        limit / (1024 * 1024)
                    ),
                )),
                Ok(_) => scan_member(engine, shown, &member, &buf, out),
                Err(e) => out.skipped.push(Skipped::new(
                    shown.to_owned(),
                    format!("cannot decompress: {e}"),
                )),
            }
        }
        Kind::TarGz => scan_tar(engine, GzDecoder::new(reader), shown, max_member_bytes, out),
        Kind::Tar => scan_tar(engine, reader, shown, max_member_bytes, out),
    }
}

fn scan_tar(
    engine: &Engine,
    reader: impl Read,
    shown: &str,
    max_member_bytes: u64,
    out: &mut WalkOutput,
) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            out.skipped.push(Skipped::new(
                shown.to_owned(),
                format!("cannot read archive: {e}"),
            ));
            return;
        }
    };
    let mut total = 0u64;
    let mut buf = Vec::new();
    for (n, entry) in entries.enumerate() {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.skipped.push(Skipped::new(
                    shown.to_owned(),
                    format!("archive damaged after {n} members: {e}"),
                ));
                return;
            }
        };
        if n >= MAX_MEMBERS || total > MAX_TOTAL_BYTES {
            out.skipped.push(Skipped::new(
                shown.to_owned(),
                format!(
                    "more than {MAX_MEMBERS} members or {} MiB: the rest is not scanned",
                    MAX_TOTAL_BYTES / (1024 * 1024)
                ),
            ));
            return;
        }
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let member = entry
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| format!("member {n}"));
        let size = entry.size();
        if size > max_member_bytes {
            out.skipped.push(Skipped::new(
                format!("{shown}!{member}"),
                format!(
                    "larger than {} MiB, not scanned for secrets",
                    max_member_bytes / (1024 * 1024)
                ),
            ));
            continue;
        }
        if crate::walk::skip_file_name(&member) || kind(&member).is_some() {
            out.files_passed_over += 1;
            continue;
        }
        total += size;
        buf.clear();
        if let Err(e) = (&mut entry).take(max_member_bytes).read_to_end(&mut buf) {
            out.skipped.push(Skipped::new(
                format!("{shown}!{member}"),
                format!("cannot read: {e}"),
            ));
            return;
        }
        scan_member(engine, shown, &member, &buf, out);
    }
}

fn scan_member(engine: &Engine, shown: &str, member: &str, data: &[u8], out: &mut WalkOutput) {
    if classify(data).is_some() {
        out.files_passed_over += 1;
        return;
    }
    out.files_scanned += 1;
    out.bytes_scanned += data.len() as u64;
    let path = format!("{shown}!{member}");
    // The member's own name decides code-only filters.
    for hit in engine.scan(member, data) {
        out.hits.push(FileHit {
            path: path.clone(),
            hit,
        });
    }
}
