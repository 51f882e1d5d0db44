//! The matcher: one SIMD keyword pass over a lower-cased copy of a file
//! finds where the rules' keywords occur, then each rule's regex runs (as
//! `regex::bytes`, Unicode off unless a rule asks for it) over the windows
//! around its own keywords only: the keyword's line for rules that cannot
//! match a line break, a block of lines for the others.

use crate::filter;
use crate::rules::{RuleDef, RuleError};
use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Bytes before a keyword that a rule's regex sees (then back to the line
/// start): room for a name before `password`, a scheme before `://`.
const WINDOW_BEFORE: usize = 256;
/// Bytes after a keyword that a rule's regex sees (then on to the line end):
/// room for a private key's headers before its body.
const WINDOW_AFTER: usize = 1024;
/// Bytes of a keyword's line before it that a single-line rule sees.
const LINE_BEFORE: usize = 256;
/// Bytes of a keyword's line after it that a single-line rule sees.
const LINE_AFTER: usize = 1024;

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// A documented example, or the shape without the structure.
    Low,
    /// Every check passed.
    High,
}

impl Confidence {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::High => "high",
        }
    }
}

/// One secret found in one file. Holds no secret: only its redacted form
/// and a hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (bytes).
    pub column: u32,
    /// First and last characters only.
    pub redacted: String,
    /// SHA-256 of the secret, hex.
    pub secret_sha256: String,
    /// Entropy of the secret, bits per character.
    pub entropy: f64,
    /// How sure.
    pub confidence: Confidence,
    /// Why the confidence is low, when it is.
    pub note: Option<&'static str>,
}

struct Compiled {
    regex: Regex,
    /// The pattern cannot match a line break: the rule's windows are the
    /// keyword's line only (bounded), not a block of lines.
    single_line: bool,
}

/// Where the rules' keywords occur in a file. Keywords are ASCII and
/// case-insensitive. The search runs over a lower-cased copy of the file for
/// a small set of anchors (the keywords that hold no other keyword) with the
/// SIMD searcher Teddy, which is fast when every anchor it looks for has at
/// least four bytes: shorter anchors get a search of their own. Each anchor
/// occurrence is then checked against the keywords that hold it.
struct Keywords {
    /// Lower-case keywords.
    words: Vec<Vec<u8>>,
    /// Keyword index → rules that use it.
    rules: Vec<Vec<usize>>,
    /// The anchors.
    anchors: Vec<Vec<u8>>,
    /// Anchor index → (keyword index, offset of the anchor in the keyword).
    anchor_words: Vec<Vec<(usize, usize)>>,
    /// One search per group of anchors (at least four bytes; shorter),
    /// with the anchor index of each of its patterns.
    searches: Vec<(AnchorSearch, Vec<usize>)>,
}

/// Anchors shorter than this get a search of their own: Teddy's
/// fingerprint is as long as the shortest pattern, and a three-byte one
/// lets through about three times as many false candidates.
const LONG_ANCHOR: usize = 4;

/// The anchor that every keyword holding it shares (URL schemes).
const URL_ANCHOR: &[u8] = b"://";

enum AnchorSearch {
    /// Teddy (SSSE3/AVX2), when the CPU and the anchor count allow it.
    Packed(packed::Searcher),
    /// An automaton otherwise.
    Automaton(AhoCorasick),
}

impl AnchorSearch {
    fn new(anchors: &[&[u8]]) -> Result<Self, String> {
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .heuristic_pattern_limits(false)
            .builder()
            .extend(anchors)
            .build();
        Ok(match packed {
            Some(p) => AnchorSearch::Packed(p),
            None => AnchorSearch::Automaton(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(anchors)
                    .map_err(|e| e.to_string())?,
            ),
        })
    }

    /// The next match at or after `at`: (pattern, start).
    fn next(&self, hay: &[u8], at: usize) -> Option<(usize, usize)> {
        if at >= hay.len() {
            return None;
        }
        match self {
            AnchorSearch::Packed(p) => p
                .find_in(hay, aho_corasick::Span::from(at..hay.len()))
                .map(|m| (m.pattern().as_usize(), m.start())),
            AnchorSearch::Automaton(ac) => ac
                .find(aho_corasick::Input::new(hay).span(at..hay.len()))
                .map(|m| (m.pattern().as_usize(), m.start())),
        }
    }
}

impl Keywords {
    fn new(words: Vec<Vec<u8>>, rules: Vec<Vec<usize>>) -> Result<Self, String> {
        // An anchor is a keyword that holds no other keyword; every keyword
        // holds at least one anchor (its shortest contained keyword), so
        // finding every anchor occurrence finds every keyword occurrence.
        // No anchor holds another, so none is a prefix of another and a
        // search that restarts one byte after each match sees them all.
        //
        // URL schemes (`postgres://`, `amqps://`, the `scheme://` keywords
        // of many rules) share one anchor, `://`, checked against the bytes
        // before it: every long anchor costs the SIMD search (at about 100
        // anchors Teddy's buckets let through so many false candidates that
        // the search took twice as long as at 80), and `://` alone costs
        // little. Not when a keyword lies inside `://` (`:`, `//`), which
        // would then hold another anchor.
        let contains = |big: &[u8], small: &[u8]| memchr::memmem::find(big, small).is_some();
        let share_url = !words
            .iter()
            .any(|o| o.as_slice() != URL_ANCHOR && contains(URL_ANCHOR, o));
        let url_anchor = URL_ANCHOR.to_vec();
        let mut anchors: Vec<Vec<u8>> = Vec::new();
        let mut anchor_words: Vec<Vec<(usize, usize)>> = Vec::new();
        for (wi, w) in words.iter().enumerate() {
            let anchor = if share_url && contains(w, URL_ANCHOR) {
                Some(&url_anchor)
            } else {
                words
                    .iter()
                    .filter(|o| contains(w, o))
                    .min_by_key(|o| (o.len(), o.as_slice()))
            };
            let Some(anchor) = anchor else {
                continue;
            };
            let ai = match anchors.iter().position(|a| a == anchor) {
                Some(ai) => ai,
                None => {
                    anchors.push(anchor.clone());
                    anchor_words.push(Vec::new());
                    anchors.len() - 1
                }
            };
            if let Some(list) = anchor_words.get_mut(ai) {
                for off in memchr::memmem::find_iter(w, anchor) {
                    list.push((wi, off));
                }
            }
        }
        let mut searches = Vec::new();
        for long in [true, false] {
            let ids: Vec<usize> = (0..anchors.len())
                .filter(|&i| {
                    anchors
                        .get(i)
                        .is_some_and(|a| (a.len() >= LONG_ANCHOR) == long)
                })
                .collect();
            if ids.is_empty() {
                continue;
            }
            let pats: Vec<&[u8]> = ids
                .iter()
                .filter_map(|&i| anchors.get(i).map(Vec::as_slice))
                .collect();
            searches.push((AnchorSearch::new(&pats)?, ids));
        }
        Ok(Keywords {
            words,
            rules,
            anchors,
            anchor_words,
            searches,
        })
    }

    /// Every occurrence of every keyword in `lower` (a lower-cased text):
    /// (keyword index, start), sorted by start.
    fn find_all(&self, lower: &[u8], out: &mut Vec<(usize, usize)>) {
        out.clear();
        for (search, ids) in &self.searches {
            let mut at = 0;
            while let Some((pi, start)) = search.next(lower, at) {
                at = start + 1;
                let Some(list) = ids.get(pi).and_then(|&ai| self.anchor_words.get(ai)) else {
                    continue;
                };
                for &(wi, off) in list {
                    let Some(s) = start.checked_sub(off) else {
                        continue;
                    };
                    let Some(w) = self.words.get(wi) else {
                        continue;
                    };
                    if lower.get(s..s + w.len()) == Some(w.as_slice()) {
                        out.push((wi, s));
                    }
                }
            }
        }
        if self.searches.len() > 1 {
            out.sort_unstable_by_key(|&(wi, s)| (s, wi));
        }
    }

    /// Whether every search runs on Teddy.
    fn simd(&self) -> bool {
        self.searches
            .iter()
            .all(|(s, _)| matches!(s, AnchorSearch::Packed(_)))
    }
}

/// Per-thread buffers of the keyword search, kept between files.
#[derive(Default)]
struct Scratch {
    /// The file, lower-cased.
    lower: Vec<u8>,
    /// Keyword occurrences.
    found: Vec<(usize, usize)>,
}

/// A lower-case buffer larger than this is freed after its file.
const SCRATCH_KEEP: usize = 4 * 1024 * 1024;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Cost counters of one rule, summed over every thread.
#[derive(Debug, Default)]
struct RuleCounters {
    keyword_hits: AtomicU64,
    windows: AtomicU64,
    window_bytes: AtomicU64,
    regex_ns: AtomicU64,
    matches: AtomicU64,
    hits: AtomicU64,
}

/// Cost counters of a scan, kept once [`Engine::enable_stats`] was called.
#[derive(Debug, Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    keyword_ns: AtomicU64,
    rules: Vec<RuleCounters>,
    /// Occurrences per keyword.
    keywords: Vec<AtomicU64>,
}

/// What one rule cost during a scan (see [`Engine::stats`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleStats {
    /// Rule id.
    pub id: String,
    /// Occurrences of the rule's keywords.
    pub keyword_hits: u64,
    /// Windows its regex ran over (overlapping windows merged).
    pub windows: u64,
    /// Bytes its regex ran over.
    pub window_bytes: u64,
    /// Time in its regex (and the checks of its candidates), summed over
    /// threads, in nanoseconds.
    pub regex_ns: u64,
    /// Regex matches (candidates before the filters).
    pub matches: u64,
    /// Candidates kept as findings (before suppression and overlap).
    pub hits: u64,
}

/// What a scan cost, per rule and for the keyword search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineStats {
    /// Files (or archive members, file versions) scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Time lower-casing and searching keywords, summed over threads, ns.
    pub keyword_ns: u64,
    /// Per rule, in rule order.
    pub rules: Vec<RuleStats>,
    /// Per keyword (lower case): occurrences, in keyword order.
    pub keywords: Vec<(String, u64)>,
}

impl EngineStats {
    /// A table for people: one line per rule that ran, costliest first,
    /// then the keyword search and the keywords that occur most.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let ms = |ns: u64| ns as f64 / 1e6;
        let mut out = String::new();
        let regex_ns: u64 = self.rules.iter().map(|r| r.regex_ns).sum();
        let _ = writeln!(
            out,
            "secrets stats: {} files, {:.1} MB; keyword search {:.0} ms, rule regexes {:.0} ms (CPU summed over threads)",
            self.files,
            self.bytes as f64 / 1e6,
            ms(self.keyword_ns),
            ms(regex_ns)
        );
        let _ = writeln!(
            out,
            "{:<32} {:>10} {:>9} {:>10} {:>9} {:>8} {:>8}",
            "rule", "kw hits", "windows", "KB", "ms", "matches", "kept"
        );
        let mut rules: Vec<&RuleStats> = self
            .rules
            .iter()
            .filter(|r| r.keyword_hits > 0 || r.windows > 0)
            .collect();
        rules.sort_by(|a, b| b.regex_ns.cmp(&a.regex_ns).then(a.id.cmp(&b.id)));
        for r in rules {
            let _ = writeln!(
                out,
                "{:<32} {:>10} {:>9} {:>10} {:>9.1} {:>8} {:>8}",
                r.id,
                r.keyword_hits,
                r.windows,
                r.window_bytes / 1024,
                ms(r.regex_ns),
                r.matches,
                r.hits
            );
        }
        let mut words: Vec<&(String, u64)> = self.keywords.iter().filter(|k| k.1 > 0).collect();
        words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let top: Vec<String> = words
            .iter()
            .take(15)
            .map(|(w, n)| format!("{w:?} {n}"))
            .collect();
        let _ = writeln!(out, "most frequent keywords: {}", top.join(", "));
        out
    }
}

fn nanos(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Compiled rules.
pub struct Engine {
    rules: Vec<RuleDef>,
    compiled: Vec<Compiled>,
    keywords: Keywords,
    stats: Option<Counters>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.rules.len())
            .field("keywords", &self.keywords.words.len())
            .field("anchors", &self.keywords.anchors.len())
            .field("simd", &self.keywords.simd())
            .finish()
    }
}

impl Engine {
    /// Compile rules. `file` names where they came from, for errors.
    pub fn new(rules: Vec<RuleDef>, file: &str) -> Result<Self, RuleError> {
        let mut compiled = Vec::with_capacity(rules.len());
        let mut keyword_list: Vec<Vec<u8>> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let pattern_error = |message: String| RuleError::Pattern {
                file: file.to_owned(),
                id: r.id.clone(),
                message,
            };
            let regex = RegexBuilder::new(&r.pattern)
                .unicode(r.unicode)
                .size_limit(32 * 1024 * 1024)
                .dfa_size_limit(16 * 1024 * 1024)
                .build()
                .map_err(|e| pattern_error(e.to_string()))?;
            let single_line = !can_match_newline(&r.pattern, r.unicode).map_err(pattern_error)?;
            compiled.push(Compiled { regex, single_line });
            for k in &r.keywords {
                let k = k.to_ascii_lowercase().into_bytes();
                match keyword_list.iter().position(|x| *x == k) {
                    Some(p) => {
                        if let Some(v) = keyword_rules.get_mut(p) {
                            if !v.contains(&i) {
                                v.push(i);
                            }
                        }
                    }
                    None => {
                        keyword_list.push(k);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let keywords =
            Keywords::new(keyword_list, keyword_rules).map_err(|e| RuleError::Invalid {
                file: file.to_owned(),
                id: "*".to_owned(),
                message: format!("keywords do not compile: {e}"),
            })?;
        Ok(Engine {
            rules,
            compiled,
            keywords,
            stats: None,
        })
    }

    /// Count, from now on, what each rule costs: keyword occurrences,
    /// regex windows and bytes, time, matches (see [`Engine::stats`]).
    /// Off by default: the clock reads cost a little.
    pub fn enable_stats(&mut self) {
        self.stats = Some(Counters {
            rules: self.rules.iter().map(|_| RuleCounters::default()).collect(),
            keywords: self
                .keywords
                .words
                .iter()
                .map(|_| AtomicU64::new(0))
                .collect(),
            ..Counters::default()
        });
    }

    /// What the scans so far cost, when [`Engine::enable_stats`] was called.
    pub fn stats(&self) -> Option<EngineStats> {
        let c = self.stats.as_ref()?;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Some(EngineStats {
            files: get(&c.files),
            bytes: get(&c.bytes),
            keyword_ns: get(&c.keyword_ns),
            rules: self
                .rules
                .iter()
                .zip(&c.rules)
                .map(|(r, k)| RuleStats {
                    id: r.id.clone(),
                    keyword_hits: get(&k.keyword_hits),
                    windows: get(&k.windows),
                    window_bytes: get(&k.window_bytes),
                    regex_ns: get(&k.regex_ns),
                    matches: get(&k.matches),
                    hits: get(&k.hits),
                })
                .collect(),
            keywords: self
                .keywords
                .words
                .iter()
                .zip(&c.keywords)
                .map(|(w, n)| (String::from_utf8_lossy(w).into_owned(), get(n)))
                .collect(),
        })
    }

    /// Whether the rule at `index` runs on single-line windows (its
    /// pattern cannot match across a line break).
    pub fn single_line(&self, index: usize) -> bool {
        self.compiled.get(index).is_some_and(|c| c.single_line)
    }

    /// How many keyword anchors the search looks for, and whether it uses
    /// the SIMD searcher (at most 64 anchors, SSSE3 or AVX2).
    pub fn keyword_search(&self) -> (usize, bool) {
        (self.keywords.anchors.len(), self.keywords.simd())
    }

    /// The built-in rules, compiled.
    pub fn builtin() -> Result<Self, RuleError> {
        Engine::new(crate::rules::builtin()?, "rules/secrets")
    }

    /// The rules, in index order.
    pub fn rules(&self) -> &[RuleDef] {
        &self.rules
    }

    /// Run every rule's `examples` (each must produce a finding of the
    /// rule) and `negative_examples` (none may). Returns one line per
    /// failure; empty when all hold.
    pub fn check_examples(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            for ex in &rule.examples {
                if !self
                    .scan("example.txt", ex.as_bytes())
                    .iter()
                    .any(|h| h.rule == i)
                {
                    failures.push(format!("{}: example not found: {ex:?}", rule.id));
                }
            }
            for ex in &rule.negative_examples {
                if self
                    .scan("example.txt", ex.as_bytes())
                    .iter()
                    .any(|h| h.rule == i)
                {
                    failures.push(format!("{}: negative example matched: {ex:?}", rule.id));
                }
            }
            for ex in &rule.low_examples {
                let hits = self.scan("example.txt", ex.as_bytes());
                let mine = || hits.iter().filter(|h| h.rule == i);
                if !mine().any(|h| h.confidence == Confidence::Low)
                    || mine().any(|h| h.confidence == Confidence::High)
                {
                    failures.push(format!(
                        "{}: low example not found at low confidence only: {ex:?}",
                        rule.id
                    ));
                }
            }
        }
        failures
    }

    /// Scan one file's bytes. `path` decides code-only filters.
    pub fn scan(&self, path: &str, data: &[u8]) -> Vec<Hit> {
        // Per rule, the windows of the file around its keywords. A rule
        // that can match across lines sees whole lines from WINDOW_BEFORE
        // bytes before a keyword to WINDOW_AFTER bytes after it; a rule
        // that cannot sees the keyword's line, at most LINE_BEFORE bytes
        // before the keyword and LINE_AFTER after it. Only windows run
        // through the rule's regex; a window's edges count as the text's
        // edges for `^` and `$`.
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rules.len()];
        SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            let Scratch { lower, found } = &mut *scratch;
            let clock = self.stats.as_ref().map(|_| Instant::now());
            lower.clear();
            lower.extend(data.iter().map(u8::to_ascii_lowercase));
            self.keywords.find_all(lower, found);
            if lower.capacity() > SCRATCH_KEEP {
                *lower = Vec::new();
            }
            if let (Some(c), Some(t)) = (&self.stats, clock) {
                c.keyword_ns.fetch_add(nanos(t), Ordering::Relaxed);
                c.files.fetch_add(1, Ordering::Relaxed);
                c.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                for &(wi, _) in found.iter() {
                    if let Some(n) = c.keywords.get(wi) {
                        n.fetch_add(1, Ordering::Relaxed);
                    }
                    for &r in self.keywords.rules.get(wi).map_or(&[][..], Vec::as_slice) {
                        if let Some(k) = c.rules.get(r) {
                            k.keyword_hits.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }
            for &(wi, start) in found.iter() {
                let Some(rs) = self.keywords.rules.get(wi) else {
                    continue;
                };
                let end = start + self.keywords.words.get(wi).map_or(0, Vec::len);
                let mut block: Option<(usize, usize)> = None;
                let mut line: Option<(usize, usize)> = None;
                for &r in rs {
                    let single = self.compiled.get(r).is_some_and(|c| c.single_line);
                    let (from, to) = if single {
                        *line.get_or_insert_with(|| line_window(data, start, end))
                    } else {
                        *block.get_or_insert_with(|| block_window(data, start, end))
                    };
                    if let Some(w) = windows.get_mut(r) {
                        match w.last_mut() {
                            Some(last) if from <= last.1 && to >= last.0 => {
                                last.0 = last.0.min(from);
                                last.1 = last.1.max(to);
                            }
                            _ => w.push((from, to)),
                        }
                    }
                }
            }
        });
        let is_code = filter::is_source_code(path);
        let mut raw: Vec<(usize, usize, usize, Confidence, Option<&'static str>)> = Vec::new();
        for (i, ((rule, comp), wins)) in self
            .rules
            .iter()
            .zip(&self.compiled)
            .zip(&windows)
            .enumerate()
        {
            if wins.is_empty() {
                continue;
            }
            let clock = self.stats.as_ref().map(|_| (Instant::now(), raw.len()));
            let mut matches = 0u64;
            for &(from, to) in wins {
                let Some(window) = data.get(from..to) else {
                    continue;
                };
                for caps in comp.regex.captures_iter(window) {
                    matches += 1;
                    let m = match rule.secret_group {
                        Some(g) => caps.get(g),
                        None => (1..caps.len())
                            .find_map(|g| caps.get(g))
                            .or_else(|| caps.get(0)),
                    };
                    let Some(m) = m else { continue };
                    let (start, end) = (from + m.start(), from + m.end());
                    if let Some((conf, note)) = judge(rule, data, start, m.as_bytes(), is_code) {
                        raw.push((i, start, end, conf, note));
                    }
                }
            }
            if let (Some(c), Some((t, before))) = (&self.stats, clock) {
                if let Some(k) = c.rules.get(i) {
                    k.regex_ns.fetch_add(nanos(t), Ordering::Relaxed);
                    k.windows.fetch_add(wins.len() as u64, Ordering::Relaxed);
                    let bytes: usize = wins.iter().map(|&(f, t)| t.saturating_sub(f)).sum();
                    k.window_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
                    k.matches.fetch_add(matches, Ordering::Relaxed);
                    k.hits
                        .fetch_add((raw.len() - before) as u64, Ordering::Relaxed);
                }
            }
        }
        // A generic rule loses to a specific one on the same bytes.
        let specific: Vec<(usize, usize)> = raw
            .iter()
            .filter(|h| self.rules.get(h.0).is_some_and(|r| !r.generic))
            .map(|h| (h.1, h.2))
            .collect();
        raw.retain(|h| {
            self.rules.get(h.0).is_some_and(|r| !r.generic)
                || !specific.iter().any(|&(s, e)| h.1 < e && s < h.2)
        });
        raw.sort_by_key(|h| (h.1, h.0));
        raw.dedup_by_key(|h| (h.0, h.1));

        let mut out = Vec::with_capacity(raw.len());
        let mut line = 1u32;
        let mut line_start = 0usize;
        let mut pos = 0usize;
        for (rule, start, end, confidence, note) in raw {
            // Walk lines forward (hits are sorted by offset).
            if let Some(chunk) = data.get(pos..start) {
                for nl in memchr::memchr_iter(b'\n', chunk) {
                    line = line.saturating_add(1);
                    line_start = pos + nl + 1;
                }
            }
            pos = start;
            if suppressed(data, line_start) {
                continue;
            }
            let secret = data.get(start..end).unwrap_or_default();
            out.push(Hit {
                rule,
                line,
                column: u32::try_from(start - line_start + 1).unwrap_or(u32::MAX),
                redacted: redact(secret),
                secret_sha256: sha256_hex(secret),
                entropy: filter::entropy(secret),
                confidence,
                note,
            });
        }
        out
    }
}

/// Whole lines from WINDOW_BEFORE bytes before a keyword to WINDOW_AFTER
/// bytes after it.
fn block_window(data: &[u8], start: usize, end: usize) -> (usize, usize) {
    let from = start.saturating_sub(WINDOW_BEFORE);
    let from = data
        .get(..from)
        .and_then(|b| memchr::memrchr(b'\n', b))
        .map_or(0, |i| i + 1);
    let to = (end + WINDOW_AFTER).min(data.len());
    let to = data
        .get(to..)
        .and_then(|b| memchr::memchr(b'\n', b))
        .map_or(data.len(), |i| to + i);
    (from, to)
}

/// The keyword's line, at most LINE_BEFORE bytes before the keyword and
/// LINE_AFTER bytes after it.
fn line_window(data: &[u8], start: usize, end: usize) -> (usize, usize) {
    let lo = start.saturating_sub(LINE_BEFORE);
    let from = data
        .get(lo..start)
        .and_then(|b| memchr::memrchr(b'\n', b))
        .map_or(lo, |i| lo + i + 1);
    let hi = (end + LINE_AFTER).min(data.len());
    let to = data
        .get(end..hi)
        .and_then(|b| memchr::memchr(b'\n', b))
        .map_or(hi, |i| end + i);
    (from, to)
}

/// Whether a pattern can match a line break (then its windows span lines).
/// A leading or trailing boundary (`(?:^|[^A-Za-z0-9])`, `(?:\s|$)`, a
/// single class) does not count: it holds the byte before or after the
/// match, which a line window's edge stands in for.
fn can_match_newline(pattern: &str, unicode: bool) -> Result<bool, String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(unicode)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    let is_boundary = |h: &Hir| match h.kind() {
        HirKind::Look(_) | HirKind::Class(_) => true,
        HirKind::Alternation(alts) => alts.iter().all(|a| {
            matches!(
                a.kind(),
                HirKind::Look(_) | HirKind::Class(_) | HirKind::Empty
            )
        }),
        _ => false,
    };
    // The parts to check: a top-level concatenation (or each branch of a
    // top-level alternation) without its boundary items.
    let mut tops: Vec<&Hir> = vec![&hir];
    let mut stack: Vec<&Hir> = Vec::new();
    while let Some(h) = tops.pop() {
        match h.kind() {
            HirKind::Alternation(alts) => tops.extend(alts.iter()),
            HirKind::Capture(c) => tops.push(&c.sub),
            HirKind::Concat(items) => {
                let mut items: &[Hir] = items;
                if let Some((first, rest)) = items.split_first() {
                    if is_boundary(first) {
                        items = rest;
                    }
                }
                if let Some((last, rest)) = items.split_last() {
                    if is_boundary(last) {
                        items = rest;
                    }
                }
                stack.extend(items.iter());
            }
            _ => stack.push(h),
        }
    }
    while let Some(h) = stack.pop() {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(l) => {
                if l.0.contains(&b'\n') {
                    return Ok(true);
                }
            }
            HirKind::Class(Class::Bytes(c)) => {
                if c.ranges()
                    .iter()
                    .any(|r| r.start() <= b'\n' && b'\n' <= r.end())
                {
                    return Ok(true);
                }
            }
            HirKind::Class(Class::Unicode(c)) => {
                if c.ranges()
                    .iter()
                    .any(|r| r.start() <= '\n' && '\n' <= r.end())
                {
                    return Ok(true);
                }
            }
            HirKind::Repetition(r) => stack.push(&r.sub),
            HirKind::Capture(c) => stack.push(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => stack.extend(v.iter()),
        }
    }
    Ok(false)
}

/// Decide whether a candidate is a finding, and how sure it is.
fn judge(
    rule: &RuleDef,
    data: &[u8],
    start: usize,
    secret: &[u8],
    is_code: bool,
) -> Option<(Confidence, Option<&'static str>)> {
    if secret.len() < rule.min_length || rule.max_length.is_some_and(|m| secret.len() > m) {
        return None;
    }
    if rule.require_digit && !secret.iter().any(u8::is_ascii_digit) {
        return None;
    }
    // A reference or a mask is never a secret. A placeholder word
    // (`changeme`, `secret`) in a generic `name = value` is noise, but in a
    // specific format (a database URL, a key) it may be the password in use:
    // kept, at low confidence.
    let mut placeholder = false;
    if rule.filter_placeholders {
        match filter::placeholder(secret) {
            filter::Placeholder::No => {}
            filter::Placeholder::Reference => return None,
            filter::Placeholder::Word if rule.generic => return None,
            filter::Placeholder::Word => placeholder = true,
        }
    }
    if rule.code_needs_quotes && is_code {
        let before = start.checked_sub(1).and_then(|i| data.get(i)).copied();
        let quoted = matches!(before, Some(b'"' | b'\'' | b'`'));
        if !quoted {
            return None;
        }
    }
    if rule.generic && filter::looks_like_expression(secret) {
        let before = start.checked_sub(1).and_then(|i| data.get(i)).copied();
        if !matches!(before, Some(b'"' | b'\'' | b'`')) {
            return None;
        }
    }
    if !rule.exclude_context.is_empty() {
        let before = data
            .get(start.saturating_sub(64)..start)
            .unwrap_or_default()
            .to_ascii_lowercase();
        if rule
            .exclude_context
            .iter()
            .any(|c| memchr::memmem::find(&before, c.to_ascii_lowercase().as_bytes()).is_some())
        {
            return None;
        }
    }
    if filter::entropy(secret) < rule.min_entropy {
        if !rule.keep_weak {
            return None;
        }
        return Some((
            Confidence::Low,
            Some("too regular for a real key: a stand-in where one goes"),
        ));
    }
    if let Some(v) = rule.validate {
        if !v.check(secret) {
            if rule.drop_invalid {
                return None;
            }
            return Some((Confidence::Low, Some("fails the format's structural check")));
        }
    }
    if !rule.low_context.is_empty() {
        let before = data
            .get(start.saturating_sub(160)..start)
            .unwrap_or_default();
        let head = secret.get(..secret.len().min(64)).unwrap_or_default();
        if rule.low_context.iter().any(|c| {
            memchr::memmem::find(before, c.as_bytes()).is_some()
                || memchr::memmem::find(head, c.as_bytes()).is_some()
        }) {
            return Some((
                Confidence::Low,
                Some("protected: usable only with its passphrase"),
            ));
        }
    }
    if filter::is_known_example(secret) {
        return Some((Confidence::Low, Some("a documented example value")));
    }
    if placeholder {
        return Some((Confidence::Low, Some("a placeholder-like value")));
    }
    Some((Confidence::High, None))
}

/// Whether the line starting at `line_start`, or the line before it, holds
/// the suppression marker.
fn suppressed(data: &[u8], line_start: usize) -> bool {
    let rest = data.get(line_start..).unwrap_or_default();
    let this_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let this = rest.get(..this_end).unwrap_or_default();
    if memchr::memmem::find(this, filter::ALLOW_MARKER).is_some() {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let before = data.get(..line_start.saturating_sub(1)).unwrap_or_default();
    let prev_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let prev = before.get(prev_start..).unwrap_or_default();
    // Only a line that is nothing but a comment with the marker counts.
    memchr::memmem::find(prev, filter::ALLOW_MARKER).is_some()
}

/// Show the first and last characters of a secret only: at most an eighth
/// of it in all, none for short ones.
pub fn redact(secret: &[u8]) -> String {
    let n = secret.len();
    let (head, tail) = match n {
        0..=7 => (0, 0),
        8..=15 => (1, 1),
        16..=31 => (3, 1),
        _ => (4, 4),
    };
    let text = |b: &[u8]| -> String {
        b.iter()
            .map(|&c| {
                if c.is_ascii_graphic() {
                    char::from(c)
                } else {
                    '?'
                }
            })
            .collect()
    };
    let h = secret.get(..head).unwrap_or_default();
    let t = secret.get(n - tail..).unwrap_or_default();
    format!("{}…{} ({n} chars)", text(h), text(t))
}

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, keywords: &[&str], pattern: &str) -> RuleDef {
        let keywords: Vec<String> = keywords.iter().map(|k| format!("{k:?}")).collect();
        let yaml = format!(
            "rules:\n  - id: {id}\n    title: t\n    description: d\n    severity: high\n    keywords: [{}]\n    pattern: '{pattern}'\n    examples: [x]\n",
            keywords.join(", ")
        );
        crate::rules::parse("test.yml", &yaml)
            .unwrap()
            .into_iter()
            .next()
            .unwrap()
    }

    #[test]
    fn keywords_match_in_any_case_and_overlapping() {
        let engine = Engine::new(
            vec![
                rule(
                    "a",
                    &["secret_key", "secret"],
                    r"(?i:secret[a-z_]*)=([0-9]{6})",
                ),
                rule("b", &["key_id"], r"(?i:key_id)=([A-Z]{6})"),
                rule("c", &["pwd"], r"(?i:pwd)=([a-z]{6})"),
            ],
            "test.yml",
        )
        .unwrap();
        // `secret` is the anchor of `secret_key`; `key_id` overlaps it.
        let (anchors, _) = engine.keyword_search();
        assert_eq!(anchors, 3);
        let rules_hit = |text: &str| -> Vec<usize> {
            engine
                .scan("x.txt", text.as_bytes())
                .iter()
                .map(|h| h.rule)
                .collect()
        };
        assert_eq!(rules_hit("SeCrEt_KeY=123456"), vec![0]);
        assert_eq!(rules_hit("x sEcReT_KEY_Id=QWERTY"), vec![1]);
        assert_eq!(rules_hit("PwD=abcdef"), vec![2]);
        assert!(rules_hit("secre t=123456 key-id=QWERTY").is_empty());
    }

    #[test]
    fn url_scheme_keywords_share_one_anchor_and_stats_count_them() {
        let mut engine = Engine::new(
            vec![
                rule(
                    "a",
                    &["postgres://", "mysql://"],
                    r"(?i:postgres|mysql)://([a-z]{6})",
                ),
                rule("b", &["://"], r"(?i:amqp)://([a-z]{6})"),
                rule("c", &["token"], r"(?i:token)=([0-9]{6})"),
            ],
            "test.yml",
        )
        .unwrap();
        // `://` and `token`: the scheme keywords add no anchor of their own.
        assert_eq!(engine.keyword_search().0, 2);
        engine.enable_stats();
        let rules_hit = |e: &Engine, text: &str| -> Vec<usize> {
            e.scan("x.txt", text.as_bytes())
                .iter()
                .map(|h| h.rule)
                .collect()
        };
        assert_eq!(rules_hit(&engine, "u=POSTGRES://abcdef"), vec![0]);
        assert_eq!(
            rules_hit(&engine, "x mysql://qwerty amqp://zxcvbn"),
            vec![0, 1]
        );
        assert_eq!(rules_hit(&engine, "https://example token=123456"), vec![2]);
        let stats = engine.stats().unwrap();
        assert_eq!(stats.files, 3);
        let a = &stats.rules[0];
        assert_eq!((a.keyword_hits, a.matches, a.hits), (2, 2, 2));
        let b = &stats.rules[1];
        // Every `://` is a keyword hit of rule b; one matched.
        assert_eq!((b.keyword_hits, b.matches, b.hits), (4, 1, 1));
        let url = stats.keywords.iter().find(|k| k.0 == "://").unwrap();
        assert_eq!(url.1, 4);
        let table = stats.render();
        assert!(table.contains("\nb "), "{table}");
        assert!(!table.contains("abcdef"), "{table}");
    }

    #[test]
    fn single_line_rules_are_told_from_multi_line_ones() {
        let ml = |p: &str| can_match_newline(p, false).unwrap();
        assert!(!ml(
            r"(?:^|[^A-Za-z0-9])(AKIA[A-Z0-9]{16})(?:[^A-Za-z0-9]|$)"
        ));
        assert!(!ml(r"key[ \t]{0,4}=[ \t]{0,4}([^\s]{8,})"));
        assert!(!ml(r"(?:(?:^|[^a-z])(x[0-9]{4})(?:[^a-z]|$)|y=([0-9]+))"));
        assert!(ml(r"-----BEGIN(?s:.{0,400}?)([A-Za-z0-9+/=]{40,})"));
        assert!(ml(r"key\s{0,4}=\s{0,4}([a-z]{8,})"));
    }

    #[test]
    fn windows_of_single_line_rules_stop_at_the_line() {
        let engine = Engine::new(
            vec![rule(
                "a",
                &["token"],
                r"(?i:token)[ \t]{0,4}=[ \t]{0,4}([a-z0-9]{8,})",
            )],
            "test.yml",
        )
        .unwrap();
        assert!(engine.single_line(0));
        assert_eq!(engine.scan("x.txt", b"token = abcdef12\n").len(), 1);
        assert!(engine.scan("x.txt", b"token =\nabcdef12\n").is_empty());
        // A keyword far into a long line still sees its own assignment.
        let mut long = vec![b'x'; 5000];
        long.extend_from_slice(b" token = abcdef12");
        assert_eq!(engine.scan("x.txt", &long).len(), 1);
    }

    #[test]
    fn redaction_never_shows_much() {
        assert_eq!(redact(b"abc"), "… (3 chars)");
        assert_eq!(redact(b"hunter22"), "h…2 (8 chars)");
        assert_eq!(redact(b"AKIAIOSFODNN7EXAMPLE"), "AKI…E (20 chars)");
        let long = redact(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert_eq!(long, "wJal…EKEY (40 chars)");
    }
}
