//! Every rule's `examples` produce a finding of that rule and its
//! `negative_examples` do not: the rules test themselves.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_secrets::Engine;

#[test]
fn builtin_rules_load_and_have_unique_ids() {
    let engine = Engine::builtin().unwrap();
    assert!(engine.rules().len() >= 25, "{} rules", engine.rules().len());
}

#[test]
fn every_example_matches_and_no_negative_does() {
    let engine = Engine::builtin().unwrap();
    let failures = engine.check_examples();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    let examples: usize = engine.rules().iter().map(|r| r.examples.len()).sum();
    assert!(examples >= 50, "{examples} examples");
}
