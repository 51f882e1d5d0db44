//! Arbitrary text as a Sigma rule file (rules, correlations, several
//! documents) must never panic the parser, the compiler or the matcher.
//!
//! Run (cargo-fuzz): `cargo fuzz run detect_rules` from the repository root.
//! The first line of the input, if it is JSON, is matched as an event
//! against whatever rules the rest compiled to.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pillar_detect::{Engine, RuleSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (first, rest) = text.split_once('\n').unwrap_or(("", text));
    let mut set = RuleSet::default();
    set.add_text(rest, "fuzz.yml");
    set.finish();
    let _ = pillar_detect::check_examples(&set);
    let engine = Engine::new(set);
    if let Ok(event) = serde_json::from_str::<serde_json::Value>(first) {
        let _ = engine.matches(&event);
    }
});
