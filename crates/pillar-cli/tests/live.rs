//! Live scanning against the AWS emulator moto: `pillar scan --aws` finds
//! the problems planted through the API, `collect --aws` + `scan DIR` gives
//! the same results, and an API that fails is *not assessed*, never a pass.
//!
//! Runs only in a loopback-only network namespace (see `common::moto`):
//! `scripts/netns-run.sh cargo test --offline -p pillar-cli --features aws --test live`.
//!
//! Emulator limits written around here (moto 5): IAM Access Analyzer is not
//! implemented (HTTP 500) and Security Hub's `GetEnabledStandards` is not
//! either (HTTP 404) — the tests use them as the failure path; the
//! credential report has no root row, so the root-user rules are not
//! assessed; a `public-read-write` ACL is stored as `public-read`;
//! `GetBucketVersioning` answers in a wrapper element S3 does not use, which
//! the Rust SDK rejects (code `UnreadableResponse`: versioning not assessed).
#![cfg(feature = "aws")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::moto::Moto;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn seed_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/seed_insecure.py")
}

fn pillar(moto: &Moto, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pillar"));
    cmd.args(args);
    moto.env(&mut cmd);
    cmd.output().expect("run pillar")
}

/// `pillar scan … --format json`, which must exit 0 or 1.
fn scan_json(moto: &Moto, args: &[&str]) -> (Value, String) {
    let mut all = vec!["scan", "--format", "json", "--color", "never"];
    all.extend_from_slice(args);
    let out = pillar(moto, &all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "pillar {all:?} failed: {stderr}"
    );
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("report is not JSON ({e}): {stderr}"));
    (report, stderr)
}

fn live_args(moto: &Moto) -> Vec<&str> {
    vec![
        "--aws",
        "--endpoint-url",
        &moto.endpoint,
        "--region",
        "us-east-1",
    ]
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings array")
}

/// (rule, resource id, status) of every posture finding: what must not
/// depend on whether the account was read live or from a collected folder.
/// (`scan DIR` also runs the secrets scan over the folder's files, which
/// flags the access key ids that `iam list-access-keys` prints; those
/// findings have source `files` and are not about the account's posture.)
fn triples(report: &Value) -> BTreeSet<(String, String, String)> {
    findings(report)
        .iter()
        .filter(|f| f["source"] != "files")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["resource"]["id"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Run a seeding script of tests/live against moto; its printed lines.
fn seed(moto: &Moto, script: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/live")
        .join(script);
    moto.python(&path, &[]).lines().map(str::to_owned).collect()
}

/// `pillar collect --aws` into a new folder, which must succeed.
fn collect_ok(moto: &Moto) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("s");
    let mut collect = vec!["collect", "-o", snap.to_str().unwrap()];
    collect.extend_from_slice(&live_args(moto));
    let out = pillar(moto, &collect);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, snap)
}

fn failed_rules(report: &Value) -> BTreeSet<String> {
    findings(report)
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn live_scan_finds_the_planted_problems_and_collect_scans_the_same() {
    let Some(moto) = Moto::start() else { return };
    let planted: Vec<String> = moto
        .python(&seed_script(), &[])
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(
        planted.len() >= 20,
        "the seed plants the problems: {planted:?}"
    );

    let args = live_args(&moto);
    let (live, stderr) = scan_json(&moto, &args);
    let failed = failed_rules(&live);
    let missed: Vec<&String> = planted.iter().filter(|r| !failed.contains(*r)).collect();
    assert!(
        missed.is_empty(),
        "planted problems not reported: {missed:?}\n{stderr}"
    );

    // The findings point at the seeded resources.
    let fail_on = |rule: &str, needle: &str| {
        findings(&live).iter().any(|f| {
            f["rule"] == rule && f["status"] == "fail" && f["resource"].to_string().contains(needle)
        })
    };
    assert!(fail_on("iam-user-console-without-mfa", "alice"));
    assert!(fail_on("s3-bucket-public-policy", "pillar-open-bucket"));
    assert!(fail_on("s3-bucket-public-acl", "pillar-acl-bucket"));
    assert!(fail_on("iam-role-trust-public", "open-door"));

    // Everything says where it came from: the live account, no file.
    let text = live.to_string();
    assert!(
        !text.contains("pillar-aws-"),
        "no temporary path in the report"
    );
    assert!(!text.contains("/tmp/"), "no temporary path in the report");
    for f in findings(&live) {
        assert_eq!(f["source"], "aws", "{f}");
    }
    assert!(stderr.contains("aws: account 123456789012"), "{stderr}");

    // The same account collected to a folder scans to the same results.
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot");
    let snap_s = snap.to_str().unwrap();
    let mut collect = vec!["collect", "-o", snap_s];
    collect.extend_from_slice(&args);
    let out = pillar(&moto, &collect);
    assert!(
        out.status.success(),
        "collect failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "pillar-snapshot.json",
        "sts-get-caller-identity.json",
        "iam-get-account-authorization-details.json",
        "iam-get-credential-report.json",
        "iam-list-access-keys/alice.json",
        "s3api-get-bucket-policy/pillar-open-bucket.json",
        "s3control-get-public-access-block.json",
        "us-east-1/ec2-describe-security-groups.json",
        "us-east-1/kms-list-keys.json",
        "organizations-list-policies.json",
        "organizations-list-policies-rcp.json",
        "organizations-list-parents/123456789012.json",
    ] {
        assert!(snap.join(file).is_file(), "{file} was written");
    }
    let read = |file: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(snap.join(file)).unwrap()).unwrap()
    };
    // Resource control policies are listed apart from SCPs, and the
    // account's parent (the root, here) is recorded for the OU path.
    let rcps = read("organizations-list-policies-rcp.json");
    let rcp = rcps["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Name"] == "deny-external-s3")
        .unwrap_or_else(|| panic!("the seeded RCP is listed: {rcps}"));
    let rcp_id = rcp["Id"].as_str().unwrap();
    assert!(
        snap.join(format!("organizations-describe-policy/{rcp_id}.json"))
            .is_file(),
        "the RCP's document is read"
    );
    let parents = read("organizations-list-parents/123456789012.json");
    assert!(
        parents["Parents"][0]["Id"]
            .as_str()
            .is_some_and(|id| id.starts_with("r-")),
        "{parents}"
    );
    // Only the account's own snapshots are read (moto answers
    // describe-snapshots with the 1,000-odd snapshots of Amazon's public
    // AMIs as well, and would need one attribute call for each).
    let snaps = read("us-east-1/ec2-describe-snapshots.json");
    let snaps = snaps["Snapshots"].as_array().unwrap();
    assert!(!snaps.is_empty());
    assert!(
        snaps.iter().all(|s| s["OwnerId"] == "123456789012"),
        "{snaps:?}"
    );
    let attribute_files = std::fs::read_dir(snap.join("us-east-1/ec2-describe-snapshot-attribute"))
        .unwrap()
        .count();
    assert_eq!(attribute_files, snaps.len());
    // IAM policy documents are printed decoded, as the CLI does.
    let auth: Value = serde_json::from_str(
        &std::fs::read_to_string(snap.join("iam-get-account-authorization-details.json")).unwrap(),
    )
    .unwrap();
    let role = auth["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["RoleName"] == "open-door")
        .unwrap();
    assert!(role["AssumeRolePolicyDocument"]["Statement"].is_array());

    let (from_dir, _) = scan_json(&moto, &[snap_s]);
    assert_eq!(
        triples(&from_dir),
        triples(&live),
        "collect + scan DIR gives the same findings as scan --aws"
    );
    for f in findings(&from_dir)
        .iter()
        .filter(|f| f["source"] != "files")
    {
        assert_eq!(f["source"], "snapshot");
    }
}

#[test]
fn a_failed_api_is_not_assessed_never_a_pass() {
    let Some(moto) = Moto::start() else { return };
    let (live, stderr) = scan_json(&moto, &live_args(&moto));
    // moto does not implement IAM Access Analyzer: the rule that needs it
    // cannot judge, and says why.
    let analyzer: Vec<&Value> = findings(&live)
        .iter()
        .filter(|f| f["rule"] == "iam-access-analyzer-disabled")
        .collect();
    assert!(!analyzer.is_empty(), "the rule reports on us-east-1");
    for f in &analyzer {
        assert_eq!(f["status"], "unknown", "{f}");
        assert!(
            f["message"].as_str().unwrap().contains("HttpStatus500"),
            "{f}"
        );
    }
    // The failed call is listed by its CLI name, and counted on stderr.
    let skipped = live["skipped"].to_string();
    assert!(
        skipped.contains("aws us-east-1: accessanalyzer list-analyzers"),
        "{skipped}"
    );
    assert!(stderr.contains("call(s) failed"), "{stderr}");
    assert!(stderr.contains("HttpStatus500"), "{stderr}");

    // moto's GetBucketVersioning answer is not what S3 sends: the rule
    // cannot judge the buckets, and never passes them.
    assert!(!findings(&live)
        .iter()
        .any(|f| f["rule"] == "s3-bucket-versioning-disabled" && f["status"] == "pass"));

    // A configured-off service is judged, not "not assessed": GuardDuty
    // has no detector.
    assert!(findings(&live)
        .iter()
        .any(|f| f["rule"] == "guardduty-disabled" && f["status"] == "fail"));

    // `collect` lists every failed call with its code.
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("s");
    let mut collect = vec!["collect", "-o", snap.to_str().unwrap()];
    collect.extend_from_slice(&live_args(&moto));
    let out = pillar(&moto, &collect);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("us-east-1/accessanalyzer-list-analyzers.json: HttpStatus500"),
        "{stderr}"
    );
    let error: Value = serde_json::from_str(
        &std::fs::read_to_string(snap.join("us-east-1/accessanalyzer-list-analyzers.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(error["Error"]["Code"], "HttpStatus500");
}

#[test]
fn unreachable_endpoint_is_a_clear_error() {
    let Some(moto) = Moto::start() else { return };
    // Nothing listens on port 9 of loopback.
    let out = pillar(
        &moto,
        &[
            "scan",
            "--aws",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--aws-timeout",
            "5",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot identify the account with these credentials"),
        "{stderr}"
    );
}

#[test]
fn a_bad_region_name_is_refused() {
    let Some(moto) = Moto::start() else { return };
    let out = pillar(
        &moto,
        &[
            "scan",
            "--aws",
            "--endpoint-url",
            &moto.endpoint,
            "--region",
            "moon-base",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`moon-base` is not a region name"),
        "{stderr}"
    );
}

/// A server on loopback that answers every request with HTTP 503 (a
/// retryable server error) and counts the requests it got.
fn always_unavailable() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            seen.fetch_add(1, Ordering::SeqCst);
            let _ = stream.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (url, count)
}

#[test]
fn aws_max_attempts_bounds_the_retries() {
    if !common::moto::loopback_only() {
        eprintln!("SKIPPED: run inside a loopback-only network namespace (scripts/netns-run.sh)");
        return;
    }
    for attempts in [1usize, 3] {
        let (url, count) = always_unavailable();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pillar"));
        cmd.args([
            "scan",
            "--aws",
            "--endpoint-url",
            &url,
            "--aws-max-attempts",
            &attempts.to_string(),
        ]);
        common::moto::aws_env(&mut cmd);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // STS is the first call; a 503 on every attempt stops the scan.
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("cannot identify the account"), "{stderr}");
        assert_eq!(
            count.load(std::sync::atomic::Ordering::SeqCst),
            attempts,
            "requests made with --aws-max-attempts {attempts}"
        );
    }
}

#[test]
fn all_regions_reads_every_enabled_region() {
    let Some(moto) = Moto::start() else { return };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/seed_region.py");
    let group = moto.python(&script, &["ap-southeast-2"]);
    let group = group.trim();

    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("s");
    let out = pillar(
        &moto,
        &[
            "collect",
            "--aws",
            "--all-regions",
            "--endpoint-url",
            &moto.endpoint,
            "--aws-max-attempts",
            "1",
            "-o",
            snap.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Every region `ec2 describe-regions` lists was read, each in its folder.
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(snap.join("pillar-snapshot.json")).unwrap())
            .unwrap();
    let regions: Vec<&str> = meta["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for expected in ["us-east-1", "eu-west-1", "ap-southeast-2"] {
        assert!(regions.contains(&expected), "{regions:?}");
    }
    for region in &regions {
        assert!(
            snap.join(region)
                .join("ec2-describe-security-groups.json")
                .is_file(),
            "{region} was not read"
        );
    }

    // The problem planted far from the home region is found there.
    let (report, stderr) = scan_json(&moto, &[snap.to_str().unwrap()]);
    let hit = findings(&report).iter().find(|f| {
        f["rule"] == "ec2-sg-admin-port-open"
            && f["status"] == "fail"
            && f["resource"]["id"]
                .as_str()
                .is_some_and(|r| r == group || r.ends_with(&format!("/{group}")))
    });
    let hit = hit.unwrap_or_else(|| panic!("{group} not reported\n{stderr}"));
    assert_eq!(hit["resource"]["region"], "ap-southeast-2", "{hit}");
}

#[test]
fn reachability_judges_every_layer_of_the_live_network() {
    let Some(moto) = Moto::start() else { return };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/seed_network.py");
    let scenarios = moto.python(&script, &[]);
    let (report, stderr) = scan_json(&moto, &live_args(&moto));
    let status = |rule: &str, id: &str| -> Vec<String> {
        findings(&report)
            .iter()
            .filter(|f| {
                f["rule"] == rule
                    && f["resource"]["id"]
                        .as_str()
                        .is_some_and(|r| r == id || r.ends_with(&format!("/{id}")))
            })
            .map(|f| f["status"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut checked = 0;
    for line in scenarios.lines() {
        let [name, instance, verdict] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            panic!("bad seed line {line:?}")
        };
        let got = status("ec2-admin-port-internet-reachable", instance);
        match verdict {
            "reachable" => assert!(
                got.iter().any(|s| s == "fail"),
                "{name}: {instance} should be reachable on SSH: {got:?}\n{stderr}"
            ),
            _ => assert!(
                !got.iter().any(|s| s == "fail"),
                "{name}: {instance} is not reachable, yet: {got:?}"
            ),
        }
        checked += 1;
    }
    assert_eq!(checked, 8, "{scenarios}");
}

#[test]
fn an_assume_role_profile_is_followed() {
    // `--profile P` where P names a role to assume from another profile's
    // keys: the SDK's profile chain calls STS AssumeRole and the scan runs
    // as the role. (SSO profiles need an SSO portal, which moto does not
    // emulate; they go through the same profile chain.)
    let Some(moto) = Moto::start() else { return };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/seed_role.py");
    let role_arn = moto.python(&script, &["pillar-auditor"]);
    let role_arn = role_arn.trim();

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\naws_access_key_id = AKIABASEEXAMPLE00001\n\
             aws_secret_access_key = base-secret\nregion = us-east-1\n\n\
             [profile audit]\nrole_arn = {role_arn}\nsource_profile = base\n\
             role_session_name = pillar-review\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    let snap = dir.path().join("s");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pillar"));
    cmd.args([
        "collect",
        "--aws",
        "--profile",
        "audit",
        "--endpoint-url",
        &moto.endpoint,
        "-o",
        snap.to_str().unwrap(),
    ]);
    common::moto::aws_env(&mut cmd);
    // Only the profile gives credentials; the STS call that assumes the
    // role goes to the emulator too.
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_ENDPOINT_URL", &moto.endpoint);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let who: Value = serde_json::from_str(
        &std::fs::read_to_string(snap.join("sts-get-caller-identity.json")).unwrap(),
    )
    .unwrap();
    let arn = who["Arn"].as_str().unwrap();
    assert!(
        arn.contains(":assumed-role/pillar-auditor/pillar-review"),
        "the scan ran as the assumed role: {who}"
    );
}

#[test]
fn queue_topic_and_endpoint_policies_are_collected() {
    // Resource policies of SQS queues and SNS topics, and VPC endpoint
    // policies, read through the API answer `iam who-can` as a snapshot
    // written by hand would.
    let Some(moto) = Moto::start() else { return };
    let [queue, topic, endpoint] =
        <[String; 3]>::try_from(seed(&moto, "seed_messaging.py")).unwrap();
    let (_dir, snap) = collect_ok(&moto);
    let snap_s = snap.to_str().unwrap();
    for file in [
        "us-east-1/sqs-list-queues.json",
        "us-east-1/sqs-get-queue-attributes/public-orders.json",
        "us-east-1/sns-list-topics.json",
        "us-east-1/sns-get-topic-attributes/alerts.json",
        "us-east-1/ec2-describe-vpc-endpoints.json",
        "us-east-1/ecs-list-clusters.json",
    ] {
        assert!(snap.join(file).is_file(), "{file} was written");
    }

    let who_can = |action: &str, resource: &str| -> String {
        let out = pillar(&moto, &["iam", "who-can", action, resource, snap_s]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let senders = who_can("sqs:SendMessage", &queue);
    assert!(senders.contains("anonymous"), "{senders}");
    let publishers = who_can("sns:Publish", &topic);
    assert!(!publishers.contains("anonymous"), "{publishers}");

    let endpoints: Value = serde_json::from_str(
        &std::fs::read_to_string(snap.join("us-east-1/ec2-describe-vpc-endpoints.json")).unwrap(),
    )
    .unwrap();
    let found = endpoints["VpcEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["VpcEndpointId"] == endpoint.as_str())
        .unwrap_or_else(|| panic!("{endpoints}"));
    assert!(
        found["PolicyDocument"]
            .as_str()
            .is_some_and(|p| p.contains("approved-bucket")),
        "{found}"
    );
}

#[test]
fn secret_policies_user_data_and_classic_tls_policies_are_collected() {
    // Per-item reads beyond the core services: a secret's resource
    // policy, an instance's user data, a classic load balancer's SSL
    // negotiation policies, and the account's VPC Block Public Access
    // (which moto does not answer: a failed call, never a pass).
    let Some(moto) = Moto::start() else { return };
    let [secret, instance, lb, template, http, task] =
        <[String; 6]>::try_from(seed(&moto, "seed_extras.py")).unwrap();
    let (_dir, snap) = collect_ok(&moto);
    let snap_s = snap.to_str().unwrap();
    let read = |file: &str| -> Value {
        let path = snap.join(file);
        serde_json::from_str(
            &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}")),
        )
        .unwrap()
    };

    // Named after the secret (`/` made `_`), matched by the ARN inside.
    let policy = read("us-east-1/secretsmanager-get-resource-policy/app_db-password.json");
    assert_eq!(policy["ARN"], secret.as_str());
    assert!(
        policy["ResourcePolicy"]
            .as_str()
            .is_some_and(|p| p.contains("210987654321")),
        "{policy}"
    );

    let user_data = read(&format!(
        "us-east-1/ec2-describe-instance-attribute-userdata/{instance}.json"
    ));
    assert_eq!(user_data["InstanceId"], instance.as_str());
    let encoded = user_data["UserData"]["Value"].as_str().unwrap();
    assert!(
        encoded.starts_with("IyEvYmluL2Jhc2gK"),
        "base64 of the script as EC2 returns it: {encoded}"
    );

    let templates = read("us-east-1/ec2-describe-launch-template-versions.json");
    let version = &templates["LaunchTemplateVersions"][0];
    assert_eq!(
        version["LaunchTemplateId"],
        template.as_str(),
        "{templates}"
    );
    assert!(version["LaunchTemplateData"]["UserData"]
        .as_str()
        .is_some_and(|u| u.starts_with("IyEvYmluL2Jhc2gK")));

    let classic = read("us-east-1/elb-describe-load-balancers.json");
    let listener = &classic["LoadBalancerDescriptions"][0]["ListenerDescriptions"][0];
    assert_eq!(listener["PolicyNames"][0], "legacy-tls", "{classic}");
    let policies = read(&format!(
        "us-east-1/elb-describe-load-balancer-policies/{lb}.json"
    ));
    let attributes = policies["PolicyDescriptions"][0]["PolicyAttributeDescriptions"]
        .as_array()
        .unwrap();
    assert!(attributes
        .iter()
        .any(|a| a["AttributeName"] == "Protocol-TLSv1" && a["AttributeValue"] == "true"));

    // A listener's rules, named after the listener ARN (`/` and `:` made
    // `_`): the forwarding rule behind the redirecting default.
    let rules = read(&format!(
        "us-east-1/elbv2-describe-rules/{}.json",
        http.replace(['/', ':'], "_")
    ));
    let forward = rules["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Priority"] == "10")
        .unwrap_or_else(|| panic!("{rules}"));
    assert_eq!(forward["Actions"][0]["Type"], "forward", "{rules}");
    assert_eq!(forward["Conditions"][0]["Values"][0], "/api/*", "{rules}");

    // Every active task definition family's latest revision, run or not,
    // with its containers' environment and secrets.
    let name = task.rsplit('/').next().unwrap().replace(':', "_");
    let def = read(&format!(
        "us-east-1/ecs-describe-task-definition/{name}.json"
    ));
    assert_eq!(def["taskDefinition"]["taskDefinitionArn"], task.as_str());
    let container = &def["taskDefinition"]["containerDefinitions"][0];
    assert_eq!(container["environment"][2]["name"], "LOG_LEVEL", "{def}");
    assert_eq!(
        container["secrets"][0]["valueFrom"],
        secret.as_str(),
        "{def}"
    );

    // moto has no VPC Block Public Access: the call is listed as failed,
    // and its file holds the error, not an answer.
    let bpa = read("us-east-1/ec2-describe-vpc-block-public-access-options.json");
    assert!(bpa.get("Error").is_some(), "{bpa}");

    // The rules fed by these files judge the collected folder.
    let (report, _) = scan_json(&moto, &[snap_s]);
    let fails = |rule: &str, needle: &str| {
        findings(&report).iter().any(|f| {
            f["rule"] == rule
                && f["status"] == "fail"
                && f["resource"]["id"]
                    .as_str()
                    .is_some_and(|id| id.contains(needle))
        })
    };
    assert!(
        fails("ec2-user-data-literal-secret", &instance),
        "instance user data"
    );
    assert!(
        fails("ec2-user-data-literal-secret", &template),
        "launch template user data"
    );
    assert!(
        fails("elb-tls-policy-outdated", &lb),
        "TLS 1.0 negotiation policy"
    );
    assert!(
        fails("elbv2-listener-plaintext-http", "shop"),
        "a forwarding rule behind a redirecting HTTP listener"
    );
    assert!(
        fails("ecs-task-env-literal-secret", "billing-worker"),
        "a key pair in a task definition's environment"
    );
    let text = serde_json::to_string(&report).unwrap();
    assert!(
        !text.contains("tR8vKq2mLz9XwPn4bY6cJf1hGs3dVa7eUo5iNk0E"),
        "the secret key is redacted"
    );

    let out = pillar(
        &moto,
        &[
            "iam",
            "who-can",
            "secretsmanager:GetSecretValue",
            &secret,
            snap_s,
        ],
    );
    let who = String::from_utf8_lossy(&out.stdout);
    assert!(who.contains("210987654321"), "{who}");
}
