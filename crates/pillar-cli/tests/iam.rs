//! End-to-end tests of `pillar iam` on the bundled demo and on bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pillar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json_of(o: &Output) -> Value {
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&String::from_utf8_lossy(&o.stdout)).unwrap()
}

const SNAP: &str = "examples/demo/snapshot";

fn simulate(principal: &str, action: &str, resource: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "iam",
        "simulate",
        "--snapshot",
        SNAP,
        "--principal",
        principal,
        "--action",
        action,
        "--resource",
        resource,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    json_of(&pillar(&args))
}

#[test]
fn admin_role_is_allowed_by_administrator_access_with_file_and_line() {
    let v = simulate(
        "arn:aws:iam::111122223333:role/acme-admin",
        "s3:DeleteBucket",
        "arn:aws:s3:::acme-payroll",
        &[],
    );
    assert_eq!(v["response"], "Allowed");
    let st = &v["statements"][0];
    assert_eq!(st["policy"], "arn:aws:iam::aws:policy/AdministratorAccess");
    assert!(st["file"]
        .as_str()
        .unwrap()
        .ends_with("iam-get-account-authorization-details.json"));
    assert!(st["line"].as_u64().unwrap() > 0);
}

#[test]
fn public_trust_role_can_be_assumed_from_any_account() {
    let v = simulate(
        "arn:aws:iam::999988887777:role/outsider",
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/acme-data-exchange",
        &[],
    );
    assert_eq!(v["response"], "Allowed");
    assert_eq!(v["statements"][0]["sid"], "PartnerAccess");
    // the admin role trusts only its own account (with MFA)
    let v = simulate(
        "arn:aws:iam::999988887777:role/outsider",
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/acme-admin",
        &[],
    );
    assert_eq!(v["response"], "ImplicitlyDenied");
    assert_eq!(v["blockedBy"][0], "resource");
}

#[test]
fn trust_condition_uses_the_given_context() {
    let role = "arn:aws:iam::111122223333:role/acme-security-audit";
    let alice = "arn:aws:iam::111122223333:user/alice";
    let with = simulate(
        alice,
        "sts:AssumeRole",
        role,
        &["--context", "aws:MultiFactorAuthPresent=true"],
    );
    assert_eq!(with["response"], "Allowed");
    let without = simulate(
        "arn:aws:iam::111122223333:user/bob",
        "sts:AssumeRole",
        role,
        &[],
    );
    assert_eq!(without["response"], "ImplicitlyDenied");
}

#[test]
fn text_output_names_the_deciding_statement() {
    let o = pillar(&[
        "iam",
        "simulate",
        "--snapshot",
        SNAP,
        "--principal",
        "arn:aws:iam::111122223333:role/acme-admin",
        "--action",
        "iam:CreateUser",
        "--resource",
        "arn:aws:iam::111122223333:user/x",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("Allowed: arn:aws:iam::111122223333:role/acme-admin"),
        "{out}"
    );
    assert!(out.contains("AdministratorAccess statement 0"), "{out}");
    assert!(
        out.contains("iam-get-account-authorization-details.json:"),
        "{out}"
    );
}

#[test]
fn case_file_runs_and_reports_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.json");
    std::fs::write(
        &case,
        r#"[{"name": "deny wins", "request": {"action": "s3:GetObject", "principal": "arn:aws:iam::111111111111:user/u",
             "resource": {"resource": "arn:aws:s3:::b/k", "accountId": "111111111111"}},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
               {"Effect": "Deny", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}]}],
            "expected": {"response": "ExplicitlyDenied"}},
           {"name": "scp level without allow", "request": {"action": "s3:GetObject", "principal": "arn:aws:iam::111111111111:user/u",
             "resource": {"resource": "arn:aws:s3:::b/k", "accountId": "111111111111"}},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}],
            "serviceControlPolicies": [{"orgIdentifier": "r-1", "policies": []}]}]"#,
    )
    .unwrap();
    let v = json_of(&pillar(&[
        "iam",
        "simulate",
        "--case",
        case.to_str().unwrap(),
    ]));
    assert_eq!(v[0]["response"], "ExplicitlyDenied");
    assert_eq!(v[0]["matches"], true);
    assert_eq!(v[1]["response"], "ImplicitlyDenied");
    assert_eq!(v[1]["blockedBy"][0], "scp");
}

#[test]
fn who_can_lists_admins_and_not_others() {
    let o = pillar(&[
        "iam",
        "who-can",
        "s3:GetObject",
        "arn:aws:s3:::acme-payroll/x",
        SNAP,
        "--format",
        "json",
    ]);
    let v = json_of(&o);
    let who: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["principal"].as_str().unwrap())
        .collect();
    assert!(
        who.contains(&"arn:aws:iam::111122223333:role/acme-admin"),
        "{who:?}"
    );
    assert!(
        !who.contains(&"arn:aws:iam::111122223333:role/acme-web-ec2"),
        "{who:?}"
    );
}

#[test]
fn who_can_shows_other_accounts_a_trust_policy_opens_to() {
    let names = |role: &str| -> Vec<String> {
        let o = pillar(&[
            "iam",
            "who-can",
            "sts:AssumeRole",
            role,
            SNAP,
            "--format",
            "json",
        ]);
        json_of(&o)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["principal"].as_str().unwrap().to_owned())
            .collect()
    };
    let public = names("arn:aws:iam::111122223333:role/acme-data-exchange");
    assert!(
        public.contains(&"any principal of any other AWS account".to_owned()),
        "{public:?}"
    );
    let vendor = names("arn:aws:iam::111122223333:role/vendor-monitoring");
    assert!(
        vendor.contains(&"any principal of account 444455556666".to_owned()),
        "{vendor:?}"
    );
    assert!(
        !vendor.contains(&"any principal of any other AWS account".to_owned()),
        "{vendor:?}"
    );
}

#[test]
fn who_can_asks_the_demo_queue_and_topic_before_deploy() {
    let names = |action: &str, resource: &str, source: &str| -> Vec<String> {
        let o = pillar(&[
            "iam", "who-can", action, resource, source, "--format", "json",
        ]);
        json_of(&o)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["principal"].as_str().unwrap().to_owned())
            .collect()
    };
    // Terraform: the queue is asked by the ARN its heredoc policy names.
    let queue = names(
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111122223333:acme-order-events",
        "examples/demo/terraform",
    );
    assert!(
        queue.contains(&"anonymous (anyone)".to_owned()),
        "{queue:?}"
    );
    // CloudFormation: the topic by its logical id.
    let topic = names(
        "sns:Subscribe",
        "OrderNotifications",
        "examples/demo/cloudformation",
    );
    assert!(
        topic.contains(&"any principal of any other AWS account".to_owned()),
        "{topic:?}"
    );
}

#[test]
fn lint_reports_errors_with_line_and_path_and_risky_grants() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"*\",\n     \"Condition\": {\"IpAddres\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}}\n  ]\n}\n",
    )
    .unwrap();
    let risky = dir.path().join("risky.json");
    std::fs::write(
        &risky,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#,
    )
    .unwrap();
    let binary = dir.path().join("bin.json");
    std::fs::write(&binary, [0xff_u8, 0xfe, 0x00, 0x7b]).unwrap();
    let o = pillar(&[
        "iam",
        "lint",
        bad.to_str().unwrap(),
        risky.to_str().unwrap(),
        binary.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("bad.json:5: $.Statement[0].Condition.IpAddres error [invalid-policy] unknown condition operator"), "{out}");
    assert!(out.contains("[privilege-escalation]"), "{out}");
    assert!(out.contains("[not-utf8]"), "{out}");
}

#[test]
fn lint_of_a_snapshot_flags_the_demo_risky_policies() {
    let o = pillar(&["iam", "lint", SNAP, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        hits.iter()
            .any(|h| h.starts_with("full-admin arn:aws:iam::aws:policy/AdministratorAccess")),
        "{hits:?}"
    );
    assert!(
        hits.iter().any(|h| h.starts_with(
            "public-principal arn:aws:iam::111122223333:role/acme-data-exchange trust policy"
        )),
        "{hits:?}"
    );
}

#[test]
fn simulate_without_request_is_a_clear_error() {
    let o = pillar(&[
        "iam",
        "simulate",
        "--snapshot",
        SNAP,
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--principal"));
}

/// A snapshot folder holding only `GetAccountAuthorizationDetails`.
fn iam_snapshot(dir: &Path, details: &Value) {
    std::fs::write(
        dir.join("pillar-snapshot.json"),
        r#"{"collected_at": "2026-11-01T00:00:00Z", "account_id": "111122223333"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("iam-get-account-authorization-details.json"),
        serde_json::to_string_pretty(details).unwrap(),
    )
    .unwrap();
}

#[test]
fn escalation_finds_keys_for_an_admin_and_the_demo_admins() {
    let tmp = tempfile::tempdir().unwrap();
    let admin_policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let keys = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::111122223333:user/*"}]});
    iam_snapshot(
        tmp.path(),
        &serde_json::json!({
            "UserDetailList": [
                {"UserName": "admin", "Arn": "arn:aws:iam::111122223333:user/admin", "GroupList": [], "UserPolicyList": [],
                 "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]},
                {"UserName": "dev", "Arn": "arn:aws:iam::111122223333:user/dev", "GroupList": [], "AttachedManagedPolicies": [],
                 "UserPolicyList": [{"PolicyName": "self-service", "PolicyDocument": keys}]}
            ],
            "GroupDetailList": [],
            "RoleDetailList": [],
            "Policies": [{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                          "DefaultVersionId": "v1", "AttachmentCount": 1,
                          "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": admin_policy}]}]
        }),
    );
    let dir = tmp.path().to_str().unwrap();
    let out = pillar(&["iam", "escalation", dir, "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(
        v["administrators"][0]["arn"],
        "arn:aws:iam::111122223333:user/admin"
    );
    assert_eq!(
        v["paths"][0]["principal"],
        "arn:aws:iam::111122223333:user/dev"
    );
    assert_eq!(v["paths"][0]["steps"][0]["method"], "create-access-key");
    let text = pillar(&["iam", "escalation", dir]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("creates an access key for user arn:aws:iam::111122223333:user/admin [iam:CreateAccessKey]"),
        "{text}"
    );
    // The scan reports the same path as a finding of the posture rule.
    let scan = pillar(&[
        "scan",
        dir,
        "--format",
        "json",
        "--select",
        "iam-principal-privilege-escalation",
    ]);
    let v = json_of(&scan);
    let fails: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    assert_eq!(fails.len(), 1, "{v}");
    assert_eq!(
        fails[0]["resource"]["id"],
        "arn:aws:iam::111122223333:user/dev"
    );
    // On the demo: the administrators, and the two developers' path.
    let demo = json_of(&pillar(&["iam", "escalation", SNAP, "--format", "json"]));
    let admins: Vec<&str> = demo["administrators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["arn"].as_str().unwrap())
        .collect();
    assert!(
        admins.contains(&"arn:aws:iam::111122223333:user/alice"),
        "{admins:?}"
    );
}

#[test]
fn actions_expand_wildcards_with_access_levels() {
    let out = pillar(&["iam", "actions", "iam:*AccessKey*", "-f", "json"]);
    let v = json_of(&out);
    let rows = v.as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["action"] == "iam:CreateAccessKey" && r["access_level"] == "Write"));
    assert!(rows.iter().all(|r| r["action"]
        .as_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("accesskey")));
    let bad = pillar(&["iam", "actions", "s3:GetObjekt"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("matches no action"));
}

#[test]
fn escalation_without_readable_iam_data_says_not_assessed() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("pillar-snapshot.json"),
        r#"{"collected_at": "2026-11-01T00:00:00Z", "account_id": "111122223333"}"#,
    )
    .unwrap();
    // Truncated: the loader skips it with file:line, so IAM is not read.
    std::fs::write(
        tmp.path()
            .join("iam-get-account-authorization-details.json"),
        r#"{"UserDetailList": [{"UserName": "#,
    )
    .unwrap();
    let o = pillar(&["iam", "escalation", tmp.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stdout} {stderr}");
    assert!(stderr.contains("IAM not assessed"), "{stderr}");
    assert!(
        stderr.contains("iam-get-account-authorization-details.json"),
        "{stderr}"
    );
    assert!(!stdout.contains("nobody"), "{stdout}");
}

#[test]
fn lint_reports_mismatches_overlaps_and_weak_conditions_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.json");
    std::fs::write(
        &f,
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::payroll/*"},
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::payroll/*"},
    {"Sid": "ReadAgain", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::payroll/2026/*"},
    {"Sid": "Org", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::payroll/*",
     "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc"}}},
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "arn:aws:s3:::payroll/*"},
    {"Sid": "Delete", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::payroll/*"}
  ]
}
"#,
    )
    .unwrap();
    let o = pillar(&["iam", "lint", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "warnings only");
    let out = String::from_utf8_lossy(&o.stdout);
    for want in [
        "p.json:4: $.Statement[0] warning [resource-mismatch] \"s3:ListBucket\" applies to resource type accesspoint, bucket",
        "p.json:6: $.Statement[2] warning [redundant-statement] statement 1 (Sid Read) already allows",
        "p.json:7: $.Statement[3] warning [forallvalues-single-valued-key]",
        "p.json:10: $.Statement[5] warning [shadowed-by-deny] statement 4 (Sid NoDelete) denies",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(out.contains("1 file(s), 0 error(s), 4 warning(s)"), "{out}");
}

#[test]
fn escalation_through_an_existing_instance_of_an_admin_role() {
    let tmp = tempfile::tempdir().unwrap();
    let admin_policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let ec2_trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let session = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "arn:aws:ec2:*:*:instance/*"}]});
    let profile = "arn:aws:iam::111122223333:instance-profile/batch";
    iam_snapshot(
        tmp.path(),
        &serde_json::json!({
            "UserDetailList": [
                {"UserName": "support", "Arn": "arn:aws:iam::111122223333:user/support", "GroupList": [], "AttachedManagedPolicies": [],
                 "UserPolicyList": [{"PolicyName": "sessions", "PolicyDocument": session}]}
            ],
            "GroupDetailList": [],
            "RoleDetailList": [
                {"RoleName": "batch", "Arn": "arn:aws:iam::111122223333:role/batch", "Path": "/",
                 "AssumeRolePolicyDocument": ec2_trust, "RolePolicyList": [],
                 "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
                 "InstanceProfileList": [{"InstanceProfileName": "batch", "Arn": profile, "Roles": []}]}
            ],
            "Policies": [{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                          "DefaultVersionId": "v1", "AttachmentCount": 1,
                          "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": admin_policy}]}]
        }),
    );
    let region = tmp.path().join("us-east-1");
    std::fs::create_dir(&region).unwrap();
    std::fs::write(
        region.join("ec2-describe-instances.json"),
        serde_json::to_string_pretty(&serde_json::json!({"Reservations": [{"OwnerId": "111122223333", "Instances": [
            {"InstanceId": "i-0batch", "State": {"Name": "running"}, "IamInstanceProfile": {"Arn": profile, "Id": "AIPA1"}}
        ]}]}))
        .unwrap(),
    )
    .unwrap();
    let dir = tmp.path().to_str().unwrap();
    let v = json_of(&pillar(&["iam", "escalation", dir, "--format", "json"]));
    let path = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == "arn:aws:iam::111122223333:user/support")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(path["admin"], "arn:aws:iam::111122223333:role/batch");
    assert_eq!(path["steps"][0]["method"], "ssm-start-session");
    assert!(
        path["steps"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("i-0batch"),
        "{path}"
    );
}

#[test]
fn resource_control_policies_from_the_snapshot_bound_a_public_bucket() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    iam_snapshot(
        d,
        &serde_json::json!({"UserDetailList": [
            {"UserName": "ann", "Arn": "arn:aws:iam::111122223333:user/ann", "GroupList": [], "UserPolicyList": [],
             "AttachedManagedPolicies": []}
        ], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}),
    );
    let write = |rel: &str, v: &Value| {
        let p = d.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    };
    write(
        "s3api-list-buckets.json",
        &serde_json::json!({"Buckets": [{"Name": "reports", "CreationDate": "2025-01-01T00:00:00+00:00"}]}),
    );
    let public = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]});
    write(
        "s3api-get-bucket-policy/reports.json",
        &serde_json::json!({"Policy": public.to_string()}),
    );
    // The organization's RCP: nobody outside account 111122223333.
    let rcp = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]});
    write(
        "organizations-list-policies-rcp.json",
        &serde_json::json!({"Policies": [{"Id": "p-rcp1", "Arn": "arn:aws:organizations::999999999999:policy/o-abc/resource_control_policy/p-rcp1",
            "Name": "in-account-only", "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": false}]}),
    );
    write(
        "organizations-describe-policy/p-rcp1.json",
        &serde_json::json!({"Policy": {"Content": rcp.to_string()}}),
    );
    write(
        "organizations-list-targets-for-policy/p-rcp1.json",
        &serde_json::json!({"Targets": [{"TargetId": "r-root", "Type": "ROOT", "Name": "Root"}]}),
    );
    let dir = d.to_str().unwrap();
    let sim = |principal: &str| {
        let v = json_of(&pillar(&[
            "iam",
            "simulate",
            "--snapshot",
            dir,
            "--principal",
            principal,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::reports/q3.csv",
            "--format",
            "json",
        ]));
        v["response"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_owned()
    };
    assert_eq!(
        sim("arn:aws:iam::444455556666:role/any"),
        "ExplicitlyDenied"
    );
    assert_eq!(sim("arn:aws:iam::111122223333:user/ann"), "Allowed");
    let who = pillar(&[
        "iam",
        "who-can",
        "s3:GetObject",
        "arn:aws:s3:::reports/q3.csv",
        dir,
    ]);
    let text = String::from_utf8_lossy(&who.stdout);
    assert!(
        text.contains("arn:aws:iam::111122223333:user/ann"),
        "{text}"
    );
    assert!(!text.contains("anonymous"), "{text}");
    assert!(
        !text.contains("any principal of any other AWS account"),
        "{text}"
    );
    // AWS's implicit RCPFullAWSAccess is not a policy of the snapshot to lint.
    let lint = pillar(&["iam", "lint", dir]);
    let text = String::from_utf8_lossy(&lint.stdout);
    assert!(!text.contains("RCPFullAWSAccess"), "{text}");
    assert!(text.contains("bucket policy"), "{text}");
}

#[test]
fn scps_of_other_ous_do_not_apply_once_the_account_path_is_known() {
    let build = |with_parents: bool| {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().to_path_buf();
        let read = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
        iam_snapshot(
            &d,
            &serde_json::json!({"UserDetailList": [
                {"UserName": "ann", "Arn": "arn:aws:iam::111122223333:user/ann", "GroupList": [], "AttachedManagedPolicies": [],
                 "UserPolicyList": [{"PolicyName": "read", "PolicyDocument": read}]}
            ], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}),
        );
        let write = |rel: &str, v: &Value| {
            let p = d.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
        };
        let full = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        let deny = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]});
        write(
            "organizations-list-policies.json",
            &serde_json::json!({"Policies": [
                {"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": true},
                {"Id": "p-nos3", "Arn": "arn:aws:organizations::999999999999:policy/o-abc/service_control_policy/p-nos3", "Name": "no-s3", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false}
            ]}),
        );
        write(
            "organizations-describe-policy/p-FullAWSAccess.json",
            &serde_json::json!({"Policy": {"Content": full.to_string()}}),
        );
        write(
            "organizations-describe-policy/p-nos3.json",
            &serde_json::json!({"Policy": {"Content": deny.to_string()}}),
        );
        write(
            "organizations-list-targets-for-policy/p-FullAWSAccess.json",
            &serde_json::json!({"Targets": [{"TargetId": "r-root"}, {"TargetId": "ou-a"}, {"TargetId": "ou-b"}, {"TargetId": "111122223333"}]}),
        );
        // The deny sits on another OU.
        write(
            "organizations-list-targets-for-policy/p-nos3.json",
            &serde_json::json!({"Targets": [{"TargetId": "ou-b"}]}),
        );
        if with_parents {
            write(
                "organizations-list-parents/111122223333.json",
                &serde_json::json!({"Parents": [{"Id": "ou-a", "Type": "ORGANIZATIONAL_UNIT"}]}),
            );
            write(
                "organizations-list-parents/ou-a.json",
                &serde_json::json!({"Parents": [{"Id": "r-root", "Type": "ROOT"}]}),
            );
        }
        tmp
    };
    let decide = |dir: &Path| {
        let v = json_of(&pillar(&[
            "iam",
            "simulate",
            "--snapshot",
            dir.to_str().unwrap(),
            "--principal",
            "arn:aws:iam::111122223333:user/ann",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::any/x",
            "--format",
            "json",
        ]));
        (
            v["response"].as_str().unwrap().to_owned(),
            v["notes"].to_string(),
        )
    };
    let known = build(true);
    let (outcome, notes) = decide(known.path());
    assert_eq!(outcome, "Allowed", "{notes}");
    assert!(notes.contains("the account's OUs"), "{notes}");
    // Without the path every target counts, the other OU's deny included.
    let unknown = build(false);
    let (outcome, notes) = decide(unknown.path());
    assert_eq!(outcome, "ExplicitlyDenied", "{notes}");
    assert!(notes.contains("was not collected"), "{notes}");
}

#[test]
fn scps_do_not_restrict_the_management_account() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let read = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    iam_snapshot(
        d,
        &serde_json::json!({"UserDetailList": [
            {"UserName": "ann", "Arn": "arn:aws:iam::111122223333:user/ann", "GroupList": [], "AttachedManagedPolicies": [],
             "UserPolicyList": [{"PolicyName": "read", "PolicyDocument": read}]}
        ], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}),
    );
    let write = |rel: &str, v: &Value| {
        std::fs::create_dir_all(d.join(rel).parent().unwrap()).unwrap();
        std::fs::write(d.join(rel), serde_json::to_string_pretty(v).unwrap()).unwrap();
    };
    let deny = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]});
    write(
        "organizations-list-policies.json",
        &serde_json::json!({"Policies": [{"Id": "p-nos3", "Arn": "arn:aws:organizations::111122223333:policy/o-abc/service_control_policy/p-nos3", "Name": "no-s3", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false}]}),
    );
    write(
        "organizations-describe-policy/p-nos3.json",
        &serde_json::json!({"Policy": {"Content": deny.to_string()}}),
    );
    write(
        "organizations-list-targets-for-policy/p-nos3.json",
        &serde_json::json!({"Targets": [{"TargetId": "r-root"}]}),
    );
    let decide = || {
        let v = json_of(&pillar(&[
            "iam",
            "simulate",
            "--snapshot",
            d.to_str().unwrap(),
            "--principal",
            "arn:aws:iam::111122223333:user/ann",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::any/x",
            "--format",
            "json",
        ]));
        (
            v["response"].as_str().unwrap().to_owned(),
            v["notes"].to_string(),
        )
    };
    // A member account: the SCP's deny applies.
    let org = |management: &str| {
        serde_json::json!({"Organization": {"Id": "o-abc", "Arn": format!("arn:aws:organizations::{management}:organization/o-abc"),
            "MasterAccountId": management, "MasterAccountArn": format!("arn:aws:organizations::{management}:account/o-abc/{management}")}})
    };
    write(
        "organizations-describe-organization.json",
        &org("999999999999"),
    );
    let (outcome, notes) = decide();
    assert_eq!(outcome, "ExplicitlyDenied", "{notes}");
    // The management account itself: SCPs do not apply.
    write(
        "organizations-describe-organization.json",
        &org("111122223333"),
    );
    let (outcome, notes) = decide();
    assert_eq!(outcome, "Allowed", "{notes}");
    assert!(notes.contains("management account"), "{notes}");
}
