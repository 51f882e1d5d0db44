//! Archives (`--archives`): the files inside `.tar`, `.tar.gz` / `.tgz`,
//! `.gz` and zip files (`.zip` and the formats built on it: Java `.jar`,
//! `.war`, `.ear`, Android `.apk` / `.aar`, Python `.whl` / `.egg`, NuGet
//! `.nupkg`) are scanned like files on disk, in bounded memory. A finding's
//! path is `ARCHIVE!MEMBER`.
//!
//! Bounds, so a crafted archive (a decompression bomb, millions of members)
//! cannot exhaust memory or time: each member is read up to the walk's file
//! size limit, an archive up to [`MAX_TOTAL_BYTES`] uncompressed and
//! [`MAX_MEMBERS`] members; past a bound, the rest is listed as skipped.
//! Archives inside archives are not opened. A corrupt archive is noted; the
//! members read before the damage keep their findings.
//!
//! Zip files can lie: a member's declared size is only a claim. A member is
//! read up to the smaller of its declared size and the member limit, and one
//! that holds more than it declares, or that expands more than
//! [`MAX_ZIP_RATIO`] times its compressed size (a bomb; text rarely passes
//! 20:1), is listed as skipped. Encrypted members, and members stored with a
//! method other than stored or deflate (bzip2, zstd, LZMA…), are listed as
//! skipped with the reason.

use crate::engine::Engine;
use crate::walk::{classify, FileHit, WalkOutput};
use flate2::read::GzDecoder;
use pillar_model::Skipped;
use std::io::Read;

/// Most bytes read out of one archive, all members together.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Most members read out of one archive.
pub const MAX_MEMBERS: usize = 100_000;
/// Most bytes a zip member may expand to per compressed byte (past the
/// first MiB). Deflate reaches about 1,000:1 on a run of one byte; text and
/// code compress 3–20:1.
pub const MAX_ZIP_RATIO: u64 = 200;

/// The kinds of archive read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A tar file.
    Tar,
    /// A gzip-compressed tar file.
    TarGz,
    /// One gzip-compressed file.
    Gz,
    /// A zip file (also `.jar`, `.war`, `.ear`, `.apk`, `.aar`, `.whl`,
    /// `.egg`, `.nupkg`).
    Zip,
}

/// File name endings of zip files.
const ZIP_ENDINGS: &[&str] = &[
    ".zip", ".jar", ".war", ".ear", ".apk", ".aar", ".whl", ".egg", ".nupkg",
];

/// The archive kind of a file name, if it is one.
pub fn kind(name: &str) -> Option<Kind> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".tar.gz") || n.ends_with(".tgz") {
        Some(Kind::TarGz)
    } else if n.ends_with(".tar") {
        Some(Kind::Tar)
    } else if n.ends_with(".gz") {
        Some(Kind::Gz)
    } else if ZIP_ENDINGS.iter().any(|e| n.ends_with(e)) {
        Some(Kind::Zip)
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
        Kind::Zip => {
            // The central directory is at the end: read the file (no larger
            // than the walk's size limit) and seek in memory.
            let mut bytes = Vec::new();
            if let Err(e) = reader.take(MAX_TOTAL_BYTES).read_to_end(&mut bytes) {
                out.skipped
                    .push(Skipped::new(shown.to_owned(), format!("cannot read: {e}")));
                return;
            }
            scan_zip(engine, &bytes, shown, max_member_bytes, out);
        }
    }
}

/// Scan the members of a zip file held in `bytes`.
pub fn scan_zip(
    engine: &Engine,
    bytes: &[u8],
    shown: &str,
    max_member_bytes: u64,
    out: &mut WalkOutput,
) {
    let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            out.skipped.push(Skipped::new(
                shown.to_owned(),
                format!("cannot read zip archive: {e}"),
            ));
            return;
        }
    };
    let count = archive.len();
    if count > MAX_MEMBERS {
        out.skipped.push(Skipped::new(
            shown.to_owned(),
            format!("{count} members: only the first {MAX_MEMBERS} are scanned"),
        ));
    }
    let mut total = 0u64;
    let mut buf = Vec::new();
    for i in 0..count.min(MAX_MEMBERS) {
        // The member's header first, without decompressing it.
        let (member, declared, compressed, encrypted, method) = match archive.by_index_raw(i) {
            Ok(f) => {
                if f.is_dir() {
                    continue;
                }
                (
                    f.name().to_owned(),
                    f.size(),
                    f.compressed_size(),
                    f.encrypted(),
                    f.compression(),
                )
            }
            Err(e) => {
                out.skipped.push(Skipped::new(
                    shown.to_owned(),
                    format!("zip archive damaged at member {i}: {e}"),
                ));
                continue;
            }
        };
        let at = format!("{shown}!{member}");
        let skip =
            |out: &mut WalkOutput, why: String| out.skipped.push(Skipped::new(at.clone(), why));
        if crate::walk::skip_file_name(&member) || kind(&member).is_some() {
            out.files_passed_over += 1;
            continue;
        }
        if encrypted {
            skip(
                out,
                "encrypted zip member, not scanned for secrets".to_owned(),
            );
            continue;
        }
        if !matches!(
            method,
            zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
        ) {
            skip(
                out,
                format!("zip member compressed with {method:?} (only stored and deflate are read), not scanned for secrets"),
            );
            continue;
        }
        if declared > max_member_bytes {
            skip(
                out,
                format!(
                    "larger than {} MiB, not scanned for secrets",
                    max_member_bytes / (1024 * 1024)
                ),
            );
            continue;
        }
        if total > MAX_TOTAL_BYTES {
            out.skipped.push(Skipped::new(
                shown.to_owned(),
                format!(
                    "more than {} MiB uncompressed: the rest is not scanned",
                    MAX_TOTAL_BYTES / (1024 * 1024)
                ),
            ));
            return;
        }
        // Read no more than the member declares, nor than its compressed
        // size allows at the bomb ratio; one byte more tells a liar.
        let ratio_cap = compressed
            .saturating_mul(MAX_ZIP_RATIO)
            .saturating_add(1024 * 1024);
        let cap = declared
            .min(ratio_cap)
            .min(MAX_TOTAL_BYTES - total.min(MAX_TOTAL_BYTES));
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                skip(out, format!("cannot read zip member: {e}"));
                continue;
            }
        };
        buf.clear();
        let read = (&mut file)
            .take(cap.saturating_add(1))
            .read_to_end(&mut buf);
        total = total.saturating_add(buf.len() as u64);
        match read {
            Err(e) => {
                skip(out, format!("cannot decompress zip member: {e}"));
                continue;
            }
            Ok(_) if buf.len() as u64 > cap => {
                let why = if buf.len() as u64 > declared {
                    format!("holds more than the {declared} bytes it declares (a crafted archive), not scanned for secrets")
                } else if buf.len() as u64 > ratio_cap {
                    format!("expands more than {MAX_ZIP_RATIO} times its {compressed} compressed bytes (a decompression bomb?), not scanned for secrets")
                } else {
                    format!(
                        "past {} MiB uncompressed in this archive, not scanned for secrets",
                        MAX_TOTAL_BYTES / (1024 * 1024)
                    )
                };
                skip(out, why);
                continue;
            }
            Ok(_) => {}
        }
        scan_member(engine, shown, &member, &buf, out);
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
