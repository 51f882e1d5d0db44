#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Random input never panics the readers, the rule parser or the engine.

use pillar_detect::reader::{batch_values, read_stream, ReadOptions};
use pillar_detect::{rule, Engine, RuleSet};
use proptest::prelude::*;
use std::sync::Arc;

fn read(bytes: Vec<u8>) -> usize {
    let mut skipped = Vec::new();
    let mut n = 0;
    read_stream(
        Box::new(std::io::Cursor::new(bytes)),
        Arc::from("p"),
        &ReadOptions::default(),
        &mut skipped,
        &mut |b| {
            n += batch_values(b).iter().filter(|r| r.is_ok()).count();
        },
    );
    n
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-zA-Z*?\\\\ .:/-]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-zA-Z.|]{1,8}", inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn readers_survive_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(bytes.clone());
        let mut gz = vec![0x1f, 0x8b];
        gz.extend(bytes);
        let _ = read(gz);
    }

    #[test]
    fn flow_reader_survives_random_lines(
        lines in prop::collection::vec("[0-9a-zA-Z .:-]{0,40}", 0..20),
        raw in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut text = String::from("version srcaddr dstaddr dstport action\n");
        for l in &lines {
            text.push_str(l);
            text.push('\n');
        }
        let n = read(text.into_bytes());
        // No more records than lines; bad ones are reported, not fatal.
        prop_assert!(n <= lines.len());
        let mut bytes = b"2 123456789012 eni-1 1.2.3.4 5.6.7.8 1 2 6 1 1 1 2 ACCEPT OK\n".to_vec();
        bytes.extend(raw);
        prop_assert!(read(bytes) >= 1);
    }

    #[test]
    fn readers_survive_random_json(v in json_value()) {
        let text = v.to_string();
        let _ = read(text.clone().into_bytes());
        let _ = read(format!("{{\"Records\":[{text}]}}").into_bytes());
        let _ = read(format!("{text}\n{text}\n").into_bytes());
    }

    #[test]
    fn rule_parser_survives_random_text(text in "[a-z:|* \\n\\-'\\[\\]{}()0-9]{0,300}") {
        let _ = rule::parse_file(&text, "p.yml");
    }

    #[test]
    fn rule_parser_and_engine_survive_random_detections(
        det in json_value(),
        cond in "[a-z_ *()0-9]{0,30}",
        ev in json_value(),
    ) {
        // A YAML document is a JSON document: build a rule from random JSON.
        let doc = serde_json::json!({"title": "p", "detection": det});
        let mut text = doc.to_string();
        text.push_str(&format!("\n# {cond}\n"));
        let mut set = RuleSet::default();
        set.add_text(&text, "p.yml");
        let mut with_cond = det.clone();
        if let Some(m) = with_cond.as_object_mut() {
            m.insert("condition".into(), serde_json::Value::String(cond));
        }
        set.add_text(&serde_json::json!({"title": "q", "detection": with_cond}).to_string(), "q.yml");
        set.finish();
        let engine = Engine::new(set);
        let _ = engine.matches(&ev);
    }
}
