//! Rule packs are untrusted input: whatever the text, loading one returns
//! rules or an error naming the file, never a panic; the rules it returns
//! compile.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_secrets::packs::load;
use pillar_secrets::Engine;
use proptest::prelude::*;

const GITLEAKS: &str = "[[rules]]\nid = \"t\"\ndescription = \"T\"\nregex = '''tok_[a-z0-9]{20}'''\nkeywords = [\"tok_\"]\nentropy = 2.5\nsecretGroup = 0\n";
const NOSEYPARKER: &str = "rules:\n- name: T\n  id: np.t.1\n  pattern: '(?x) \\b (tok_[a-z0-9]{20}) \\b'\n  examples: ['tok_0123456789abcdefghij']\n";
const PILLAR: &str = "rules:\n  - id: t\n    title: T\n    description: d\n    severity: high\n    keywords: [tok_]\n    pattern: 'tok_[a-z0-9]{20}'\n    examples: ['tok_0123456789abcdefghij']\n";

fn check(name: &str, text: &str) {
    match load(name, text) {
        Ok(pack) => {
            // Whatever loaded compiles into an engine with the built-ins.
            let mut rules = pillar_secrets::rules::builtin().unwrap();
            let n = rules.len();
            rules.extend(pack.rules);
            if let Ok(engine) = Engine::new(rules, name) {
                assert!(engine.rules().len() >= n);
                let _ = engine.scan("x.env", text.as_bytes());
            }
        }
        Err(e) => assert!(e.to_string().starts_with(name), "{e}"),
    }
}

#[test]
fn the_three_formats_load() {
    for (name, text, id) in [
        ("g.toml", GITLEAKS, "gitleaks-t"),
        ("n.yml", NOSEYPARKER, "noseyparker-np-t-1"),
        ("p.yml", PILLAR, "t"),
    ] {
        let pack = load(name, text).unwrap();
        assert_eq!(pack.rules.len(), 1, "{name}");
        assert_eq!(pack.rules[0].id, id);
        let engine = Engine::new(pack.rules, name).unwrap();
        let hits = engine.scan("a.env", b"KEY=tok_0123456789abcdefghij\n");
        assert_eq!(hits.len(), 1, "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}", toml in any::<bool>()) {
        check(if toml { "p.toml" } else { "p.yml" }, &text);
    }

    #[test]
    fn truncated_and_spliced_packs_never_panic(
        which in 0usize..3,
        cut in 0usize..400,
        junk in "[\\[\\]{}:'\"\\\\(|)*+?\n -]{0,12}",
    ) {
        let (name, text) = [("g.toml", GITLEAKS), ("n.yml", NOSEYPARKER), ("p.yml", PILLAR)][which];
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let spliced = format!("{}{junk}{}", &text[..cut], &text[cut..]);
        check(name, &text[..cut]);
        check(name, &spliced);
    }
}
