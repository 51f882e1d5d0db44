//! Property tests: the parser never panics on any input, and evaluation
//! laws hold (a Deny never turns a denial into an allow; statement order and
//! policy order never matter).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_iam::{evaluate, CtxValue, Outcome, Policy, PolicySet, Request};
use proptest::prelude::*;

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        prop::sample::select(vec![
            "*",
            "Allow",
            "Deny",
            "s3:*",
            "s3:Get*",
            "arn:aws:s3:::b/*",
            "2012-10-17",
            "${aws:username}",
            "10.0.0.0/8",
            "StringEquals",
            "ForAllValues:StringLike",
            "Condition",
            "",
            "${",
            "arn:",
        ])
        .prop_map(|s| serde_json::Value::String(s.to_owned())),
        ".{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        let key = prop::sample::select(vec![
            "Version",
            "Statement",
            "Sid",
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Principal",
            "NotPrincipal",
            "Condition",
            "AWS",
            "Service",
            "StringLike",
            "NumericLessThanIfExists",
            "ForAnyValue:IpAddress",
            "Null",
            "aws:SourceIp",
            "x",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((key, inner), 0..5).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

fn ctx_request(action: &str, resource: &str, ip: &str) -> Request {
    let mut r = Request::new("arn:aws:iam::111111111111:user/u", action, resource);
    r.context
        .insert("aws:SourceIp", CtxValue::One(ip.to_owned()));
    r.context
        .insert("aws:username", CtxValue::One("u".to_owned()));
    r
}

fn statement() -> impl Strategy<Value = String> {
    let effect = prop::sample::select(vec!["Allow", "Deny"]);
    let action = prop::sample::select(vec![
        "s3:*",
        "s3:GetObject",
        "s3:Put*",
        "ec2:*",
        "*",
        "s3:?etObject",
    ]);
    let key = prop::sample::select(vec!["Action", "NotAction"]);
    let resource = prop::sample::select(vec![
        "*",
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b/${aws:username}/*",
        "arn:aws:s3:::other/*",
        "arn:aws:ec2:*:*:instance/*",
    ]);
    let rkey = prop::sample::select(vec!["Resource", "NotResource"]);
    let cond = prop::sample::select(vec![
        "",
        r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        r#","Condition":{"StringNotEquals":{"aws:username":"u"}}"#,
        r#","Condition":{"Null":{"aws:MultiFactorAuthAge":"true"}}"#,
    ]);
    (effect, key, action, rkey, resource, cond).prop_map(|(e, k, a, rk, r, c)| {
        format!(r#"{{"Effect":"{e}","{k}":"{a}","{rk}":"{r}"{c}}}"#)
    })
}

fn policy(stmts: &[String]) -> Policy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        stmts.join(",")
    );
    Policy::parse(&text, None).unwrap()
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop::sample::select(vec![
            "s3:GetObject",
            "s3:PutObject",
            "ec2:RunInstances",
            "iam:CreateUser",
        ]),
        prop::sample::select(vec![
            "arn:aws:s3:::b/u/k",
            "arn:aws:s3:::b/k",
            "arn:aws:s3:::other/k",
            "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
        ]),
        prop::sample::select(vec!["10.1.1.1", "192.168.0.1"]),
    )
        .prop_map(|(a, r, ip)| ctx_request(a, r, ip))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn parser_never_panics_on_json(v in json_value()) {
        let text = v.to_string();
        let _ = Policy::parse(&text, Some("p.json"));
        let _ = Policy::from_serde(&v, "p");
    }

    #[test]
    fn lint_never_panics_and_star_never_mismatches(
        effect in prop::sample::select(vec!["Allow", "Deny"]),
        actions in prop::collection::vec(prop::sample::select(vec![
            "s3:GetObject", "s3:ListBucket", "s3:*", "s3:Get*", "*", "iam:PassRole", "logs:GetLogEvents",
            "ec2:RunInstances", "nosuch:Thing", "s3:", "sts:AssumeRole", "kms:Decrypt", "s3:?et*",
        ]), 1..4),
        resources in prop::collection::vec(prop::sample::select(vec![
            "arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:s3:::*", "arn:aws:logs:*:*:log-group:/x:*",
            "arn:aws:iam::1:role/${aws:username}", "arn", "arn:aws:s3:::${x", "arn:aws:ec2:*:*:instance/*",
            "::::::::", "arn:*", "",
        ]), 1..3),
        star in any::<bool>(),
        cond in prop::sample::select(vec![
            "", r#","Condition":{"ForAllValues:StringLike":{"aws:SourceIp":"*"}}"#,
            r#","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}"#,
            r#","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            r#","Condition":{"ArnLike":{"aws:SourceArn":"arn:*:*"}}"#,
        ]),
        copies in 1usize..3,
    ) {
        let mut res: Vec<&str> = resources.clone();
        if star {
            res.push("*");
        }
        let st = format!(
            r#"{{"Effect":"{effect}","Action":{},"Resource":{}{cond}}}"#,
            serde_json::to_string(&actions).unwrap(),
            serde_json::to_string(&res).unwrap()
        );
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            vec![st; copies].join(",")
        );
        if let Ok(p) = Policy::parse(&text, None) {
            let found = pillar_iam::lint::lint(&p);
            if star {
                prop_assert!(!found.iter().any(|l| l.code == "resource-mismatch"), "{found:?}");
            }
            if copies > 1 {
                prop_assert!(found.iter().any(|l| l.code == "duplicate-statement"), "{found:?}");
            }
        }
    }

    #[test]
    fn parser_never_panics_on_text(s in "\\PC{0,200}") {
        let _ = Policy::parse(&s, None);
    }

    #[test]
    fn parser_never_panics_on_truncated_policies(cut in 0usize..400) {
        let full = r#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":["s3:Get*"],"Resource":"arn:aws:s3:::b/${aws:username, 'x'}/*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*"]},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}}]}"#;
        let end = cut.min(full.len());
        let _ = Policy::parse(&full[..end], None);
    }

    #[test]
    fn condition_evaluator_never_panics(
        op in prop::sample::select(vec![
            "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
            "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
            "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
            "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
            "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
            "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
        ]),
        qualifier in prop::sample::select(vec!["", "ForAllValues:", "ForAnyValue:"]),
        if_exists in any::<bool>(),
        values in prop::collection::vec("(\\$\\{[a-z:/]{0,8}(, '[a-z]{0,3}')?\\}|[0-9./:*?a-f-]{0,12}|\\PC{0,8})", 0..4),
        request in prop::collection::vec("([0-9./:a-f-]{0,20}|\\PC{0,10}|arn:aws:[a-z0-9]{0,4}:[a-z0-9-]{0,9}:[0-9]{0,12}:[a-z/*]{0,8})", 0..3),
    ) {
        use pillar_iam::condition::{CondOp, Condition, Qualifier};
        let q = match qualifier {
            "ForAllValues:" => Qualifier::ForAllValues,
            "ForAnyValue:" => Qualifier::ForAnyValue,
            _ => Qualifier::None,
        };
        let op = CondOp::from_name(op).unwrap();
        let c = Condition::new(op, q, if_exists && op != CondOp::Null, "k", &values, true, 0);
        let mut ctx = pillar_iam::Context::new();
        let _ = c.eval(&ctx);
        if let Some(first) = request.first() {
            ctx.insert("k", CtxValue::One(first.clone()));
            ctx.insert("aws:username", CtxValue::One(first.clone()));
            let _ = c.eval(&ctx);
        }
        ctx.insert("k", CtxValue::Many(request.clone()));
        let _ = c.eval(&ctx);
    }

    #[test]
    fn adding_a_deny_never_turns_a_denial_into_an_allow(
        stmts in prop::collection::vec(statement(), 1..5),
        extra in statement(),
        req in request(),
    ) {
        let before = policy(&stmts);
        let before_out = evaluate(&req, &PolicySet { identity: vec![&before], ..PolicySet::default() }).outcome;
        let deny = extra.replace("\"Allow\"", "\"Deny\"");
        let mut more = stmts.clone();
        more.push(deny);
        let after = policy(&more);
        let after_out = evaluate(&req, &PolicySet { identity: vec![&after], ..PolicySet::default() }).outcome;
        if before_out != Outcome::Allowed {
            prop_assert_ne!(after_out, Outcome::Allowed);
        }
    }

    #[test]
    fn statement_and_policy_order_never_matter(
        stmts in prop::collection::vec(statement(), 1..6),
        req in request(),
    ) {
        let forward = policy(&stmts);
        let mut rev = stmts.clone();
        rev.reverse();
        let backward = policy(&rev);
        let a = evaluate(&req, &PolicySet { identity: vec![&forward], ..PolicySet::default() }).outcome;
        let b = evaluate(&req, &PolicySet { identity: vec![&backward], ..PolicySet::default() }).outcome;
        prop_assert_eq!(a, b);
        // split into one policy per statement, in both orders
        let singles: Vec<Policy> = stmts.iter().map(|s| policy(std::slice::from_ref(s))).collect();
        let c = evaluate(&req, &PolicySet { identity: singles.iter().collect(), ..PolicySet::default() }).outcome;
        let d = evaluate(&req, &PolicySet { identity: singles.iter().rev().collect(), ..PolicySet::default() }).outcome;
        prop_assert_eq!(a, c);
        prop_assert_eq!(c, d);
    }

    #[test]
    fn a_boundary_only_narrows(
        stmts in prop::collection::vec(statement(), 1..4),
        bstmts in prop::collection::vec(statement(), 1..4),
        req in request(),
    ) {
        let id = policy(&stmts);
        let pb = policy(&bstmts);
        let without = evaluate(&req, &PolicySet { identity: vec![&id], ..PolicySet::default() }).outcome;
        let with = evaluate(&req, &PolicySet { identity: vec![&id], boundary: vec![&pb], ..PolicySet::default() }).outcome;
        if without != Outcome::Allowed {
            prop_assert_ne!(with, Outcome::Allowed);
        }
    }
}
