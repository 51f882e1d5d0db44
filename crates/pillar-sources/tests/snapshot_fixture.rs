#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The hand-written fixture snapshot covers every file of the layout.

use pillar_model::{Known, Service};
use pillar_sources::{load_paths, LoadOptions, Loaded};
use std::path::PathBuf;

const FIXTURE: &str = "tests/fixtures/snapshot";

fn load() -> Loaded {
    load_paths(&[PathBuf::from(FIXTURE)], &LoadOptions::default())
}

#[test]
fn fixture_loads_without_skips() {
    let loaded = load();
    assert!(loaded.skipped.is_empty(), "{:#?}", loaded.skipped);
    // 93 files: all but the unknown JSON file and NOTES.txt are read.
    assert_eq!(loaded.files_read, 91);
    assert_eq!(loaded.sources, vec![format!("snapshot {FIXTURE}")]);
}

#[test]
fn fixture_inventory_snapshot() {
    let loaded = load();
    insta::assert_json_snapshot!("fixture_inventory", loaded.inventory);
}

#[test]
fn parent_folder_finds_the_snapshot() {
    let loaded = load_paths(&[PathBuf::from("tests/fixtures")], &LoadOptions::default());
    assert_eq!(loaded.sources, vec![format!("snapshot {FIXTURE}")]);
    assert_eq!(loaded.inventory.security_groups.len(), 2);
}

#[test]
fn region_folder_alone_is_a_snapshot() {
    let loaded = load_paths(
        &[PathBuf::from(format!("{FIXTURE}/us-east-1"))],
        &LoadOptions::default(),
    );
    assert_eq!(loaded.inventory.security_groups.len(), 2);
    assert!(loaded.inventory.users.is_empty());
}

#[test]
fn fixture_values() {
    let inv = load().inventory;
    assert_eq!(
        inv.collected_at.unwrap().to_rfc3339(),
        "2026-11-01T00:00:00+00:00"
    );
    assert!(inv.covers(Service::FlowLogs, "us-east-1"));
    assert!(inv.covers(Service::Iam, "eu-west-3"), "iam is global");
    assert!(!inv.covers(Service::FlowLogs, "eu-west-3"));

    let account = &inv.accounts[0];
    assert_eq!(account.id, Known::Known("111122223333".to_owned()));
    assert_eq!(account.s3_public_access_block, Known::Known(None));
    assert_eq!(
        account.organization_id,
        Known::Known(Some("o-exampleorgid".to_owned()))
    );
    let root = account.root().into_option().flatten().unwrap();
    assert!(root.password_enabled, "not_supported reads as enabled");
    assert!(root.access_key_1_active);

    // Security group: exact line of its id, ARN id, rules.
    let web = inv
        .security_groups
        .iter()
        .find(|g| g.id == "sg-0web")
        .unwrap();
    assert_eq!(
        web.resource.id,
        "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0web"
    );
    let loc = web.location.as_ref().unwrap();
    assert_eq!(
        loc.file,
        "tests/fixtures/snapshot/us-east-1/ec2-describe-security-groups.json"
    );
    let text = std::fs::read_to_string(&loc.file).unwrap();
    let line = text.lines().nth(loc.line.unwrap() as usize - 1).unwrap();
    assert!(line.contains("\"sg-0web\""), "{line}");
    let ssh = &web.ingress[0];
    assert_eq!(ssh.protocol, Known::Known("tcp".to_owned()));
    assert_eq!(ssh.from_port, Known::Known(Some(22)));
    assert_eq!(ssh.ipv4_ranges, Known::Known(vec!["0.0.0.0/0".to_owned()]));
    assert_eq!(ssh.ipv6_ranges, Known::Known(vec!["::/0".to_owned()]));
    assert_eq!(web.egress[0].from_port, Known::Known(None));

    // IAM: per-user files win over the report; the report fills the rest.
    let alice = inv.users.iter().find(|u| u.name == "alice").unwrap();
    let keys = alice.access_keys.get().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].id, "AKIAALICEKEY00000001");
    assert!(keys[0].last_used.get().unwrap().is_some());
    assert_eq!(keys[1].last_used, Known::Known(None), "never used");
    assert_eq!(alice.mfa_devices, Known::Known(Vec::new()));
    assert_eq!(alice.password_enabled, Known::Known(true));
    assert!(!alice.password_last_used.is_known(), "no_information");
    assert_eq!(alice.inline_policies.len(), 1);
    let bob = inv.users.iter().find(|u| u.name == "bob").unwrap();
    assert!(bob.mfa_devices.get().unwrap()[0].is_virtual);
    assert_eq!(bob.access_keys, Known::Known(Vec::new()));
    assert_eq!(bob.password_last_used, Known::Known(None));

    let support = inv
        .roles
        .iter()
        .find(|r| r.name == "AWSServiceRoleForSupport")
        .unwrap();
    assert!(support.is_service_linked());
    assert!(
        support.assume_role_policy.is_known(),
        "url-encoded trust policy"
    );
    let public = inv.roles.iter().find(|r| r.name == "public-role").unwrap();
    assert_eq!(public.last_used, Known::Known(None));
    assert!(public.assume_role_policy.get().unwrap().statements()[0].principal_is_public());
    let admin = inv
        .policies
        .iter()
        .find(|p| p.name == "AdministratorAccess")
        .unwrap();
    assert!(admin.aws_managed);
    let boundary = inv.policies.iter().find(|p| p.name == "boundary").unwrap();
    assert!(!boundary.aws_managed);
    let doc = boundary.document.get().unwrap();
    assert_eq!(doc.statements()[0].action, vec!["s3:GetObject".to_owned()]);

    // S3: errors are data.
    let site = inv
        .buckets
        .iter()
        .find(|b| b.name == "public-site")
        .unwrap();
    assert_eq!(site.region.as_deref(), Some("us-east-1"));
    assert!(site.acl.get().unwrap().iter().any(|g| g.is_public()));
    assert_eq!(site.public_access_block, Known::Known(None));
    assert_eq!(site.encryption, Known::Known(None));
    assert_eq!(site.versioning, Known::Known(None));
    assert_eq!(site.logging, Known::Known(None));
    assert_eq!(site.lifecycle_rules, Known::Known(Vec::new()));
    let logs = inv
        .buckets
        .iter()
        .find(|b| b.name == "private-logs")
        .unwrap();
    assert_eq!(logs.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        logs.acl,
        Known::Unknown("AccessDenied: Access Denied".to_owned())
    );
    assert_eq!(logs.policy, Known::Known(None));

    // Joins by name in the region folder.
    let kms = inv
        .kms_keys
        .iter()
        .find(|k| k.manager == "CUSTOMER")
        .unwrap();
    assert!(kms.rotatable());
    assert_eq!(kms.rotation_enabled, Known::Known(false));
    assert_eq!(kms.aliases, vec!["alias/app".to_owned()]);
    let aws_key = inv.kms_keys.iter().find(|k| k.manager == "AWS").unwrap();
    assert!(aws_key
        .rotation_enabled
        .reason()
        .unwrap()
        .starts_with("AccessDeniedException"));
    assert!(!aws_key.policy.is_known());
    let snap = &inv.db_snapshots.iter().find(|s| !s.cluster).unwrap();
    assert_eq!(snap.restore_accounts, Known::Known(vec!["all".to_owned()]));
    let thumb = inv
        .functions
        .iter()
        .find(|f| f.name == "thumbnailer")
        .unwrap();
    assert_eq!(thumb.url_auth_type.as_deref(), Some("NONE"));
    assert!(thumb.policy.get().unwrap().is_some());
    let rotate = inv.functions.iter().find(|f| f.name == "rotate").unwrap();
    assert_eq!(rotate.policy, Known::Known(None));
    assert_eq!(rotate.url_auth_type, None);
    let alb = inv
        .load_balancers
        .iter()
        .find(|l| l.kind == "application")
        .unwrap();
    assert_eq!(alb.listeners.get().unwrap()[0].port, Some(80));
    assert_eq!(
        inv.target_groups[0].targets,
        Known::Known(vec![("i-0web".to_owned(), Some(80))])
    );
    assert!(inv.trails[0].status.get().unwrap().is_logging);
    assert_eq!(
        inv.trails[0].records_all_management_events(),
        Known::Known(true)
    );

    let region = &inv.regions[0];
    assert_eq!(region.security_hub, Known::Known(None));
    assert_eq!(region.ebs_encryption_by_default, Known::Known(false));
    assert!(region.guardduty_detectors.get().unwrap()[0].enabled);
    assert_eq!(
        region.config_recorders.get().unwrap()[0].recording,
        Known::Known(false)
    );
    assert!(region.access_analyzers.get().unwrap()[0].active);
}
