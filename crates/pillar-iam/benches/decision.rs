//! One decision on a realistic policy set, timed (no criterion: it would
//! add minutes of compile time to CI). Run: `cargo bench -p pillar-iam`.
//! Prints the median and p90 of per-decision time over batches.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_iam::inventory::IamModel;
use pillar_iam::{evaluate, CtxValue, Outcome, Policy, PolicySet, Request};
use pillar_model::{IamRole, InlinePolicy, Inventory, Known, PolicyDocument};
use std::hint::black_box;
use std::time::Instant;

const IDENTITY: &[&str] = &[
    r#"{"Version":"2012-10-17","Statement":[
      {"Sid":"ReadOwnPrefix","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:ListBucket"],
       "Resource":["arn:aws:s3:::payroll","arn:aws:s3:::payroll/home/${aws:username}/*"]},
      {"Sid":"Reports","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::payroll/reports/*",
       "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]},"Bool":{"aws:SecureTransport":"true"}}},
      {"Sid":"NoDelete","Effect":"Deny","Action":["s3:DeleteObject*","s3:PutBucketPolicy"],"Resource":"*"}]}"#,
    r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["ec2:Describe*","cloudwatch:Get*","cloudwatch:List*","logs:Get*"],"Resource":"*"},
      {"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-west-1:111122223333:key/*",
       "Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}"#,
    r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*",
       "Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]},
                    "ForAllValues:StringLike":{"aws:TagKeys":["team","cost-*"]}}}]}"#,
];

const BOUNDARY: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["s3:*","ec2:Describe*","kms:Decrypt","cloudwatch:*","logs:*"],"Resource":"*"},
  {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::audit-*",
   "Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"security"}}}]}"#;

const BUCKET: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::payroll","arn:aws:s3:::payroll/*"],
   "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
  {"Sid":"Org","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::payroll/*",
   "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}},
  {"Sid":"Auditors","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/auditor"},
   "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::payroll","arn:aws:s3:::payroll/*"]}]}"#;

const SCP: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"*","Resource":"*"},
  {"Effect":"Deny","Action":["organizations:LeaveOrganization","cloudtrail:StopLogging","cloudtrail:DeleteTrail"],"Resource":"*"},
  {"Effect":"Deny","NotAction":["iam:*","sts:*","support:*"],"Resource":"*",
   "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1","us-east-1"]}}}]}"#;

fn main() {
    let identity: Vec<Policy> = IDENTITY
        .iter()
        .map(|t| Policy::parse(t, Some("identity.json")).unwrap())
        .collect();
    let boundary = Policy::parse(BOUNDARY, Some("boundary.json")).unwrap();
    let bucket = Policy::parse(BUCKET, Some("bucket.json")).unwrap();
    let scp = Policy::parse(SCP, Some("scp.json")).unwrap();
    let set = PolicySet {
        identity: identity.iter().collect(),
        resource: vec![&bucket],
        boundary: vec![&boundary],
        scps: vec![vec![&scp]],
        ..PolicySet::default()
    };
    let mut req = Request::new(
        "arn:aws:iam::111122223333:user/dev",
        "s3:GetObject",
        "arn:aws:s3:::payroll/reports/2026.csv",
    );
    for (k, v) in [
        ("aws:SourceIp", "10.1.2.3"),
        ("aws:SecureTransport", "true"),
        ("aws:username", "dev"),
        ("aws:PrincipalOrgID", "o-abc123"),
        ("aws:RequestedRegion", "eu-west-1"),
        ("aws:PrincipalTag/team", "payments"),
    ] {
        req.context.insert(k, CtxValue::One(v.into()));
    }
    assert_eq!(evaluate(&req, &set).outcome, Outcome::Allowed);

    let per_batch = 20_000u32;
    let mut samples = Vec::new();
    for _ in 0..40 {
        let t = Instant::now();
        for _ in 0..per_batch {
            black_box(evaluate(black_box(&req), black_box(&set)).outcome);
        }
        samples.push(t.elapsed().as_secs_f64() * 1e6 / f64::from(per_batch));
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = samples[samples.len() / 2];
    let p90 = samples[samples.len() * 9 / 10];
    println!(
        "one decision (5 policies + boundary + bucket policy + SCP, 12 statements): median {median:.3} µs, p90 {p90:.3} µs"
    );
    println!(
        "vs @cloud-copilot/iam-simulate 332 µs warm: {:.0}x faster",
        332.0 / median
    );
    who_can_2000_roles();
    lint_managed_policies();
}

/// who-can over an account of 2,000 roles (two inline policies each, a trust
/// policy): build the model, then decide one request per role.
fn who_can_2000_roles() {
    let mut inv = Inventory::default();
    for i in 0..2000 {
        let doc = |t: String| PolicyDocument(serde_json::from_str(&t).unwrap());
        let bucket = if i % 10 == 0 { "payroll" } else { "logs" };
        inv.roles.push(IamRole {
            name: format!("r{i}"),
            arn: format!("arn:aws:iam::111122223333:role/team{}/r{i}", i % 37),
            assume_role_policy: Known::Known(doc(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.into(),
            )),
            inline_policies: vec![
                InlinePolicy {
                    name: "data".into(),
                    document: doc(format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"]}},{{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}}]}}"#
                    )),
                },
                InlinePolicy {
                    name: "ops".into(),
                    document: doc(format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["logs:*","cloudwatch:Get*"],"Resource":"*"}},{{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/t{i}","Condition":{{"StringEquals":{{"aws:RequestedRegion":"eu-west-1"}}}}}}]}}"#
                    )),
                },
            ],
            ..IamRole::default()
        });
    }
    let t = Instant::now();
    let model = IamModel::build(&inv);
    let built = t.elapsed();
    let t = Instant::now();
    let mut allowed = 0;
    for p in model.principals() {
        let req = Request::new(p, "s3:GetObject", "arn:aws:s3:::payroll/2026.csv");
        if model.simulate(&req).0.outcome == Outcome::Allowed {
            allowed += 1;
        }
    }
    println!(
        "who-can s3:GetObject over 2,000 roles: model built in {:.1} ms, {} decisions in {:.1} ms ({allowed} allowed)",
        built.as_secs_f64() * 1e3,
        model.principals().len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    escalation(inv);
}

/// The escalation graph of the same 2,000 roles plus 200 users (some may
/// pass roles to Lambda, some may assume roles of their team) and one
/// administrator role.
fn escalation(mut inv: Inventory) {
    let doc = |t: String| PolicyDocument(serde_json::from_str(&t).unwrap());
    inv.policies.push(pillar_model::ManagedPolicy {
        name: "AdministratorAccess".into(),
        arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        aws_managed: true,
        document: Known::Known(doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into(),
        )),
        ..Default::default()
    });
    if let Some(r) = inv.roles.get_mut(20) {
        r.attached_policies
            .push("arn:aws:iam::aws:policy/AdministratorAccess".into());
    }
    for i in 0..200 {
        let grant = if i % 20 == 0 {
            format!(
                r#"{{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"arn:aws:iam::111122223333:role/team{}/*"}}"#,
                i % 37
            )
        } else {
            format!(
                r#"{{"Effect":"Allow","Action":["sts:AssumeRole","s3:GetObject"],"Resource":"arn:aws:iam::111122223333:role/team{}/*"}}"#,
                i % 37
            )
        };
        inv.users.push(pillar_model::IamUser {
            name: format!("u{i}"),
            arn: format!("arn:aws:iam::111122223333:user/u{i}"),
            inline_policies: vec![InlinePolicy {
                name: "work".into(),
                document: doc(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{grant},{{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}}]}}"#
                )),
            }],
            ..Default::default()
        });
    }
    let t = Instant::now();
    let model = IamModel::build(&inv);
    let graph = pillar_iam::escalation::Graph::build(&model, &inv);
    let paths = graph.paths();
    println!(
        "escalation over 2,000 roles and 200 users: graph and shortest paths in {:.1} ms ({} edges, {} paths)",
        t.elapsed().as_secs_f64() * 1e3,
        graph.edges.len(),
        paths.len()
    );
}

/// Parse and lint the 1,594 AWS managed policies, when the corpus is present.
fn lint_managed_policies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/iam/aws-managed-policies");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "lint of AWS managed policies: skipped ({} absent)",
            dir.display()
        );
        return;
    };
    let texts: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    let t = Instant::now();
    let mut notes = 0;
    for text in &texts {
        if let Ok(p) = Policy::parse(text, None) {
            notes += pillar_iam::lint::lint(&p).len();
        }
    }
    println!(
        "parse + lint of {} AWS managed policies: {:.1} ms ({notes} notes; parliament 188 s, cloudsplaining 5.3 s)",
        texts.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
}
