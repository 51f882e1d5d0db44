//! The AWS emulator (moto server) for integration tests of the `aws`
//! feature: live scanning, `collect` and incident response.
//!
//! Each test starts its own `moto_server` on a free loopback port, so tests
//! never see each other's accounts. The emulator only starts inside a
//! loopback-only network namespace (`scripts/netns-run.sh`), so no request
//! of the SDK or of boto3 can leave the machine. Outside one, or without
//! `moto_server` on the PATH, [`Moto::start`] returns `None` and says why;
//! with `PILLAR_REQUIRE_MOTO=1` (set by `.ci/run`) it fails the test instead.
//!
//! Known emulator limits the tests write around (moto 5): after a
//! security-group swap on an ENI it shows the union of old and new groups;
//! it implements neither GuardDuty findings, CloudTrail `LookupEvents` nor
//! IAM policy simulation; its credential report has no root row; it stores a
//! `public-read-write` bucket ACL as `public-read`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server, killed on drop.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
}

/// Whether this process runs in a network namespace whose only interface
/// is loopback (`/proc/net/dev` is per network namespace; `/sys/class/net`
/// is not, without a remount).
pub fn loopback_only() -> bool {
    let Ok(dev) = std::fs::read_to_string("/proc/net/dev") else {
        return false;
    };
    dev.lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .all(|name| name.trim() == "lo")
}

fn skip_or_fail(why: &str) -> Option<Moto> {
    if std::env::var("PILLAR_REQUIRE_MOTO").as_deref() == Ok("1") {
        panic!("moto emulator required (PILLAR_REQUIRE_MOTO=1) but {why}");
    }
    eprintln!("SKIPPED: {why} (run: scripts/netns-run.sh cargo test -p pillar-cli --features aws)");
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Moto {
    /// Starts a fresh emulator, or `None` (with a message) when this
    /// environment cannot run one safely.
    pub fn start() -> Option<Moto> {
        if !loopback_only() {
            return skip_or_fail("not inside a loopback-only network namespace");
        }
        let bin = std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) => return skip_or_fail(&format!("cannot start {bin}: {e}")),
        };
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// Dummy credentials, region and the emulator's endpoint for a child
    /// process (the `pillar` binary or a boto3 script).
    pub fn env(&self, cmd: &mut Command) {
        aws_env(cmd);
        cmd.env("PILLAR_TEST_ENDPOINT", &self.endpoint);
    }

    /// Runs a Python (boto3) script against the emulator, with the endpoint
    /// as its first argument; fails the test if the script fails.
    pub fn python(&self, script: &Path, args: &[&str]) -> String {
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(&self.endpoint).args(args);
        self.env(&mut cmd);
        let out = cmd.output().expect("run python3");
        assert!(
            out.status.success(),
            "{} failed:\n{}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Dummy credentials and region, no instance metadata, no profile files.
pub fn aws_env(cmd: &mut Command) {
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL");
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
