#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Stateful detections: first-seen APIs and regions against a history,
//! impossible travel between console sign-ins.

use pillar_detect::stateful::{self, Geo, History};
use pillar_detect::{detect, Engine, ReadOptions, RuleSet};
use std::path::PathBuf;

fn ev(user: &str, name: &str, region: &str, t: &str, ip: &str) -> String {
    let login = if name == "ConsoleLogin" {
        r#","responseElements":{"ConsoleLogin":"Success"}"#
    } else {
        ""
    };
    format!(
        "{{\"eventTime\":\"{t}\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"{name}\",\"awsRegion\":\"{region}\",\"sourceIPAddress\":\"{ip}\",\"userIdentity\":{{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/{user}\"}}{login}}}\n"
    )
}

fn run(tag: &str, text: &str) -> pillar_detect::Outcome {
    let path: PathBuf = std::env::temp_dir().join(format!(
        "pillar-stateful-{tag}-{}.jsonl",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    let mut engine = Engine::new(RuleSet::default());
    engine.track_activity = true;
    let out = detect(
        &engine,
        std::slice::from_ref(&path),
        &ReadOptions::default(),
    );
    std::fs::remove_file(&path).unwrap();
    out
}

#[test]
fn first_seen_against_a_history() {
    let week1 = [
        ev(
            "alice",
            "ListUsers",
            "us-east-1",
            "2026-01-01T00:00:00Z",
            "192.0.2.1",
        ),
        ev(
            "alice",
            "GetUser",
            "us-east-1",
            "2026-01-01T00:01:00Z",
            "192.0.2.1",
        ),
    ]
    .concat();
    let mut h = History::default();
    // Nothing known: nothing is first seen; the run is learned.
    let out = run("w1", &week1);
    assert!(stateful::first_seen(&out.activity, &h).is_empty());
    h.learn(&out.activity);
    assert_eq!(h.principals.len(), 1);
    let week2 = [
        ev(
            "alice",
            "GetUser",
            "us-east-1",
            "2026-01-08T00:00:00Z",
            "192.0.2.1",
        ),
        ev(
            "alice",
            "CreateAccessKey",
            "ap-southeast-3",
            "2026-01-08T00:05:00Z",
            "192.0.2.1",
        ),
        ev(
            "alice",
            "CreateAccessKey",
            "ap-southeast-3",
            "2026-01-08T00:02:00Z",
            "192.0.2.1",
        ),
        // A principal the history does not know: not judged.
        ev(
            "bob",
            "DeleteTrail",
            "eu-west-1",
            "2026-01-08T00:00:00Z",
            "192.0.2.2",
        ),
    ]
    .concat();
    let out = run("w2", &week2);
    let f = stateful::first_seen(&out.activity, &h);
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f.rule.as_str(), f.resource.id.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (stateful::FIRST_SEEN_API, "arn:aws:iam::1:user/alice"),
            (stateful::FIRST_SEEN_REGION, "arn:aws:iam::1:user/alice"),
        ]
    );
    assert_eq!(f[0].evidence["api"], "iam.amazonaws.com:CreateAccessKey");
    // The earliest sighting, wherever it is in the file.
    assert_eq!(f[0].evidence["first_seen"], "2026-01-08T00:02:00Z");
    assert_eq!(f[0].location.as_ref().unwrap().line, Some(3));
    assert_eq!(f[1].evidence["region"], "ap-southeast-3");
    // Learned, the same week is quiet.
    h.learn(&out.activity);
    assert!(stateful::first_seen(&out.activity, &h).is_empty());
    // The history round-trips as JSON.
    let back: History = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
    assert_eq!(back, h);
}

#[test]
fn impossible_travel_between_sign_ins() {
    let geo = Geo::parse(
        "network,latitude,longitude\n198.51.100.0/24,48.86,2.35\n203.0.113.0/24,40.71,-74.01\n192.0.2.0/24,48.80,2.13\n",
        "geo.csv",
    )
    .unwrap();
    let text = [
        // Paris, then New York 1 hour later: impossible.
        ev(
            "carol",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T08:00:00Z",
            "198.51.100.10",
        ),
        ev(
            "carol",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T09:00:00Z",
            "203.0.113.20",
        ),
        // Paris then Versailles 10 minutes later: near, fine.
        ev(
            "dave",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T08:00:00Z",
            "198.51.100.11",
        ),
        ev(
            "dave",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T08:10:00Z",
            "192.0.2.9",
        ),
        // Paris then New York 12 hours later: a flight, fine.
        ev(
            "erin",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T00:00:00Z",
            "198.51.100.12",
        ),
        ev(
            "erin",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T12:00:00Z",
            "203.0.113.21",
        ),
        // An address the file does not locate: not judged.
        ev(
            "frank",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T08:00:00Z",
            "198.51.100.13",
        ),
        ev(
            "frank",
            "ConsoleLogin",
            "us-east-1",
            "2026-01-01T08:01:00Z",
            "10.1.1.1",
        ),
    ]
    .concat();
    let out = run("travel", &text);
    assert_eq!(out.activity.logins.len(), 8);
    let f = stateful::impossible_travel(&out.activity, &geo);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, stateful::IMPOSSIBLE_TRAVEL);
    assert_eq!(f[0].resource.id, "arn:aws:iam::1:user/carol");
    let km = f[0].evidence["distance_km"].as_f64().unwrap();
    assert!((5800.0..5900.0).contains(&km), "{km}");
    assert!(f[0].message.contains("km/h"), "{}", f[0].message);
    // A failed sign-in is not a sign-in.
    let failed = ev(
        "gina",
        "ConsoleLogin",
        "us-east-1",
        "2026-01-01T08:00:00Z",
        "198.51.100.1",
    )
    .replace("Success", "Failure");
    assert!(run("failed", &failed).activity.logins.is_empty());
}
