//! Local modules called with their inputs, remote modules reported as not
//! scanned, and Terraform's JSON syntax (`.tf.json`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pillar_model::Known;
use pillar_sources::{load_paths, terraform, LoadOptions};
use std::path::PathBuf;

fn infra() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/iac-fixtures/modules/infra")
}

#[test]
fn local_modules_get_their_inputs_and_remote_ones_are_reported() {
    let loaded = terraform::load(&infra(), &LoadOptions::default());
    let inv = &loaded.inventory;
    let mut buckets: Vec<(&str, &str, Option<String>)> = inv
        .buckets
        .iter()
        .map(|b| {
            (
                b.resource.id.as_str(),
                b.name.as_str(),
                b.versioning.get().cloned().flatten(),
            )
        })
        .collect();
    buckets.sort();
    assert_eq!(
        buckets,
        vec![
            (
                "module.data.aws_s3_bucket.this",
                "example-data",
                Some("Enabled".to_owned())
            ),
            ("module.logs.aws_s3_bucket.this", "example-logs", None),
        ]
    );
    // The child inherits the root's provider region.
    assert!(inv
        .buckets
        .iter()
        .all(|b| b.resource.region.as_deref() == Some("eu-west-1")));
    // The .tf.json child: its ingress reads the caller's input.
    assert_eq!(inv.security_groups.len(), 1);
    let sg = &inv.security_groups[0];
    assert_eq!(sg.resource.id, "module.bastion.aws_security_group.this");
    assert_eq!(
        sg.ingress[0].ipv4_ranges,
        Known::Known(vec!["0.0.0.0/0".to_owned()])
    );
    let loc = sg.location.as_ref().unwrap();
    assert!(loc.file.ends_with("modules/sg/main.tf.json"), "{loc:?}");
    assert_eq!(loc.line, Some(7));
    // Locations point into the module's own files.
    assert!(inv.buckets[0]
        .location
        .as_ref()
        .unwrap()
        .file
        .ends_with("modules/bucket/main.tf"));
    // The registry module is reported, once.
    let remote: Vec<_> = loaded
        .skipped
        .iter()
        .filter(|s| s.reason.contains("remote modules are not downloaded"))
        .collect();
    assert_eq!(remote.len(), 1, "{:?}", loaded.skipped);
    assert_eq!(remote[0].line, Some(26));
    assert_eq!(loaded.skipped.len(), 1, "{:?}", loaded.skipped);
}

#[test]
fn a_called_module_folder_is_not_also_a_root() {
    let loaded = load_paths(&[infra()], &LoadOptions::default());
    assert_eq!(loaded.sources.len(), 1, "{:?}", loaded.sources);
    assert_eq!(loaded.inventory.buckets.len(), 2);
}

#[test]
fn a_module_calling_itself_stops() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"me\" {\n  source = \"./\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let loaded = terraform::load(dir.path(), &LoadOptions::default());
    assert_eq!(loaded.inventory.buckets.len(), 1);
    assert!(loaded
        .skipped
        .iter()
        .any(|s| s.reason.contains("calls itself")));
}

#[test]
fn tf_json_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.tf.json"), "{\n  \"resource\": [\n").unwrap();
    std::fs::write(
        dir.path().join("ok.tf.json"),
        "{\"resource\": {\"aws_kms_key\": {\"k\": {\"enable_key_rotation\": \"${true}\"}}}}",
    )
    .unwrap();
    let loaded = terraform::load(dir.path(), &LoadOptions::default());
    assert_eq!(loaded.skipped.len(), 1, "{:?}", loaded.skipped);
    assert!(loaded.skipped[0].reason.starts_with("invalid JSON"));
    assert!(loaded.skipped[0].line.is_some());
    assert_eq!(loaded.inventory.kms_keys.len(), 1);
    assert_eq!(
        loaded.inventory.kms_keys[0].rotation_enabled,
        Known::Known(true)
    );
}

mod property {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any text in a `.tf.json` file, and any JSON shape, loads or is
        /// refused with a line: never a panic.
        #[test]
        fn tf_json_never_panics(text in "\\PC{0,200}", depth in 0usize..40) {
            let nested = format!(
                "{{\"resource\": {{\"aws_s3_bucket\": {{\"b\": {{\"tags\": {}1{}}}}}}}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            for t in [text.as_str(), nested.as_str()] {
                let dir = tempfile::tempdir().unwrap();
                std::fs::write(dir.path().join("main.tf.json"), t).unwrap();
                let loaded = pillar_sources::terraform::load(dir.path(), &pillar_sources::LoadOptions::default());
                for s in &loaded.skipped {
                    prop_assert!(s.line.is_some() || s.reason.contains("one JSON object"), "{s}");
                }
            }
        }
    }
}

#[test]
fn module_outputs_resolve_and_count_for_each_expand() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |p: &str, text: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "main.tf",
        r#"
# Declared before the module whose output it needs: loaded after it.
module "rules" {
  source   = "./modules/rule"
  group_id = module.net.sg_id
  port     = 22
}

module "net" {
  source = "./modules/net"
  cidr   = "10.0.0.0/16"
}

module "bucket" {
  source   = "./modules/bucket"
  for_each = toset(["logs", "data"])
  name     = "acme-${each.key}"
}

module "worker" {
  source = "./modules/net"
  count  = 2
  cidr   = "10.${count.index + 1}.0.0/16"
}

resource "aws_flow_log" "net" {
  vpc_id          = module.net.vpc_id
  log_destination = "arn:aws:logs:us-east-1:111122223333:log-group:flows"
  traffic_type    = "ALL"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = module.bucket["data"].name
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_versioning" "missing" {
  bucket = module.nowhere.name
  versioning_configuration {
    status = "Enabled"
  }
}
"#,
    );
    write(
        "modules/net/main.tf",
        r#"
variable "cidr" {}
resource "aws_vpc" "this" {
  cidr_block = var.cidr
}
resource "aws_security_group" "this" {
  name   = "net-${var.cidr}"
  vpc_id = aws_vpc.this.id
}
output "vpc_id" { value = aws_vpc.this.id }
output "sg_id" { value = aws_security_group.this.id }
"#,
    );
    write(
        "modules/rule/main.tf",
        r#"
variable "group_id" {}
variable "port" {}
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  security_group_id = var.group_id
  from_port         = var.port
  to_port           = var.port
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
"#,
    );
    write(
        "modules/bucket/main.tf",
        r#"
variable "name" {}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
output "name" { value = aws_s3_bucket.this.bucket }
"#,
    );
    let loaded = terraform::load(root, &LoadOptions::default());
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    let inv = &loaded.inventory;

    // count and for_each: one instance each, addressed by index or key.
    let mut vpcs: Vec<(&str, Vec<String>)> = inv
        .vpcs
        .iter()
        .map(|v| (v.resource.id.as_str(), v.cidr_blocks.clone()))
        .collect();
    vpcs.sort();
    assert_eq!(
        vpcs,
        vec![
            ("module.net.aws_vpc.this", vec!["10.0.0.0/16".to_owned()]),
            (
                "module.worker[0].aws_vpc.this",
                vec!["10.1.0.0/16".to_owned()]
            ),
            (
                "module.worker[1].aws_vpc.this",
                vec!["10.2.0.0/16".to_owned()]
            ),
        ]
    );
    let mut buckets: Vec<(&str, &str, Option<String>)> = inv
        .buckets
        .iter()
        .map(|b| {
            (
                b.resource.id.as_str(),
                b.name.as_str(),
                b.versioning.get().cloned().flatten(),
            )
        })
        .collect();
    buckets.sort();
    // The root's versioning joins the module's bucket through its output;
    // the one naming an undeclared module is judged on a stand-in.
    assert_eq!(buckets.len(), 3, "{buckets:?}");
    assert_eq!(
        buckets[0],
        (
            "aws_s3_bucket_versioning.missing",
            "(bucket of aws_s3_bucket_versioning.missing)",
            Some("Enabled".to_owned())
        )
    );
    assert_eq!(
        &buckets[1..],
        &[
            (
                "module.bucket[\"data\"].aws_s3_bucket.this",
                "acme-data",
                Some("Enabled".to_owned())
            ),
            (
                "module.bucket[\"logs\"].aws_s3_bucket.this",
                "acme-logs",
                None
            ),
        ]
    );

    // A module input read from another module's output (declared later).
    let net_sg = inv
        .security_groups
        .iter()
        .find(|g| g.resource.id == "module.net.aws_security_group.this")
        .unwrap();
    assert_eq!(net_sg.ingress.len(), 1, "{:?}", inv.security_groups);
    assert_eq!(net_sg.ingress[0].from_port, Known::Known(Some(22)));

    // The root's flow log joins the module's VPC.
    let net = inv
        .vpcs
        .iter()
        .find(|v| v.resource.id == "module.net.aws_vpc.this")
        .unwrap();
    let rules = pillar_checks::all();
    let result = pillar_checks::run(inv, &rules, &pillar_checks::RunOptions::default());
    let flow: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == "ec2-vpc-flow-logs-disabled")
        .map(|f| (f.resource.id.as_str(), f.status))
        .collect();
    assert!(
        flow.contains(&(net.resource.id.as_str(), pillar_model::Status::Pass)),
        "{flow:?}"
    );
    assert!(
        flow.contains(&("module.worker[0].aws_vpc.this", pillar_model::Status::Fail)),
        "{flow:?}"
    );
}
