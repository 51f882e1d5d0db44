//! The parallel, gitignore-aware walk: each worker reads a file, decides
//! whether it is text worth scanning, and runs the engine over it.

use crate::engine::{Engine, Hit};
use ignore::{WalkBuilder, WalkState};
use pillar_model::Skipped;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Files larger than this are skipped with a note.
    pub max_file_bytes: u64,
    /// Honour `.gitignore`, `.ignore` and git's exclude files.
    pub respect_ignore_files: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Open `.tar`, `.tar.gz`, `.tgz`, `.gz` and zip files (`.zip`, `.jar`, `.war`,
    /// `.ear`, `.apk`, `.aar`, `.whl`, `.egg`, `.nupkg`) and scan their members.
    pub archives: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            max_file_bytes: 16 * 1024 * 1024,
            respect_ignore_files: true,
            threads: 0,
            archives: false,
        }
    }
}

/// A hit with the file it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct FileHit {
    /// The path as walked (relative when the root was).
    pub path: String,
    /// The hit.
    pub hit: Hit,
}

/// What a walk found and read.
#[derive(Debug, Default)]
pub struct WalkOutput {
    /// Every hit, sorted by path, line, column.
    pub hits: Vec<FileHit>,
    /// Inputs that could not be read, or were too large.
    pub skipped: Vec<Skipped>,
    /// Files scanned.
    pub files_scanned: u64,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// Files passed over as binary, minified or lock files.
    pub files_passed_over: u64,
}

/// Folder names never entered: package caches and version-control data.
const SKIP_DIRS: &[&str] = &[".git", ".hg", ".svn", "node_modules", "__pycache__"];

/// File names of generated lock and checksum files (hashes, no secrets).
const SKIP_FILES: &[&str] = &[
    ".cargo-checksum.json",
    "Cargo.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "Pipfile.lock",
    "composer.lock",
    "Gemfile.lock",
    "go.sum",
];

/// Whether a folder of this name is never entered.
pub fn skip_dir(name: &str) -> bool {
    SKIP_DIRS.contains(&name)
}

/// Whether a file is passed over by its name alone (lock and checksum
/// files, minified bundles, source maps). `path` may hold folders.
pub fn skip_file_name(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    SKIP_FILES.contains(&name)
        || name.ends_with(".min.js")
        || name.ends_with(".min.css")
        || name.ends_with(".map")
}

/// Why a file's content is not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassOver {
    /// Holds NUL bytes near its start.
    Binary,
    /// Very long lines: minified or generated.
    Minified,
}

/// Decide from the content whether a file is text worth scanning.
pub fn classify(data: &[u8]) -> Option<PassOver> {
    let head = data.get(..8192).unwrap_or(data);
    if memchr::memchr(0, head).is_some() {
        return Some(PassOver::Binary);
    }
    // Minified: the first 64 KiB hold a line longer than 32 KiB, or on
    // average lines longer than 1,000 bytes (fewer than one line break per
    // 1,000 bytes: the count stops as soon as there are enough).
    let window = data.get(..65536).unwrap_or(data);
    if window.len() >= 4096 {
        let enough = window.len() / 1000;
        if memchr::memchr_iter(b'\n', window).take(enough).count() < enough {
            return Some(PassOver::Minified);
        }
        // A line longer than 32 KiB covers a whole aligned 16 KiB chunk:
        // only a chunk without a line break calls for the exact check.
        if window
            .chunks(16384)
            .any(|c| memchr::memchr(b'\n', c).is_none())
        {
            let mut last = 0usize;
            for nl in memchr::memchr_iter(b'\n', window).chain(std::iter::once(window.len())) {
                if nl - last > 32768 {
                    return Some(PassOver::Minified);
                }
                last = nl + 1;
            }
        }
    }
    None
}

/// Walk `roots` and scan every file.
pub fn scan_paths(engine: &Engine, roots: &[PathBuf], opts: &WalkOptions) -> WalkOutput {
    let out = Mutex::new(WalkOutput::default());
    let Some((first, rest)) = roots.split_first() else {
        return WalkOutput::default();
    };
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder
        .hidden(false)
        .parents(opts.respect_ignore_files)
        .ignore(opts.respect_ignore_files)
        .git_ignore(opts.respect_ignore_files)
        .git_global(false)
        .git_exclude(opts.respect_ignore_files)
        .require_git(false)
        .follow_links(false)
        .threads(opts.threads)
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && skip_dir(&name))
        });
    builder.build_parallel().run(|| {
        let mut local = Local {
            out: &out,
            data: WalkOutput::default(),
        };
        let mut buf: Vec<u8> = Vec::new();
        Box::new(move |entry| {
            let local = &mut local.data;
            match entry {
                Err(e) => {
                    let path = match &e {
                        ignore::Error::WithPath { path, .. } => path.display().to_string(),
                        _ => String::from("(walk)"),
                    };
                    local.skipped.push(Skipped::new(path, error_text(&e)));
                }
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        scan_file(engine, entry.path(), opts, &mut buf, local);
                    }
                }
            }
            WalkState::Continue
        })
    });
    let mut result = out.into_inner().unwrap_or_else(|e| e.into_inner());
    result.hits.sort_by(|a, b| {
        (a.path.as_str(), a.hit.line, a.hit.column, a.hit.rule).cmp(&(
            b.path.as_str(),
            b.hit.line,
            b.hit.column,
            b.hit.rule,
        ))
    });
    result.skipped.sort();
    result
}

fn error_text(e: &ignore::Error) -> String {
    let s = e.to_string();
    // `ignore` prefixes some messages with the path; keep the reason.
    s.to_lowercase()
}

fn flush(out: &Mutex<WalkOutput>, local: &mut WalkOutput) {
    let mut g = out.lock().unwrap_or_else(|e| e.into_inner());
    g.hits.append(&mut local.hits);
    g.skipped.append(&mut local.skipped);
    g.files_scanned += std::mem::take(&mut local.files_scanned);
    g.bytes_scanned += std::mem::take(&mut local.bytes_scanned);
    g.files_passed_over += std::mem::take(&mut local.files_passed_over);
}

/// A worker's results, merged into the shared output when the worker ends.
struct Local<'a> {
    out: &'a Mutex<WalkOutput>,
    data: WalkOutput,
}

impl Drop for Local<'_> {
    fn drop(&mut self) {
        flush(self.out, &mut self.data);
    }
}

fn scan_file(
    engine: &Engine,
    path: &Path,
    opts: &WalkOptions,
    buf: &mut Vec<u8>,
    local: &mut WalkOutput,
) {
    let shown = path.display().to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if skip_file_name(&name) {
        local.files_passed_over += 1;
        return;
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            local
                .skipped
                .push(Skipped::new(shown, format!("cannot read: {e}")));
            return;
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > opts.max_file_bytes {
        local.skipped.push(Skipped::new(
            shown,
            format!(
                "larger than {} MiB, not scanned for secrets",
                opts.max_file_bytes / (1024 * 1024)
            ),
        ));
        return;
    }
    if opts.archives {
        if let Some(kind) = crate::archive::kind(&name) {
            crate::archive::scan(
                engine,
                kind,
                std::io::BufReader::new(file),
                &shown,
                opts.max_file_bytes,
                local,
            );
            return;
        }
    }
    buf.clear();
    // Read at most the limit even if the file grows meanwhile.
    if let Err(e) = file.take(opts.max_file_bytes).read_to_end(buf) {
        local
            .skipped
            .push(Skipped::new(shown, format!("cannot read: {e}")));
        return;
    }
    if classify(buf).is_some() {
        local.files_passed_over += 1;
        return;
    }
    local.files_scanned += 1;
    local.bytes_scanned += buf.len() as u64;
    for hit in engine.scan(&shown, buf) {
        local.hits.push(FileHit {
            path: shown.clone(),
            hit,
        });
    }
}
