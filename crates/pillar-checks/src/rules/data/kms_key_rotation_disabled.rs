//! `kms-key-rotation-disabled`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct KmsKeyRotationDisabled;
/// Registered instance.
pub static RULE: KmsKeyRotationDisabled = KmsKeyRotationDisabled;

static META: Meta = Meta {
    id: "kms-key-rotation-disabled",
    title: "Customer managed KMS key does not rotate automatically",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "kms",
    wa: &["SEC08-BP01"],
    cis: &["3.6"],
    rationale: "Automatic rotation creates new key material on a schedule while keeping old \
        material for decryption, limiting how much data any one key version protects, with no \
        change for applications.",
    console: "KMS console > Customer managed keys > select the key > Key rotation > check \
        Automatically rotate this KMS key every year (or set a rotation period) > Save.",
    cli: "aws kms enable-key-rotation --key-id <key-id> [--rotation-period-in-days 365]",
    terraform: "resource \"aws_kms_key\" \"data\" {\n  \
        description         = \"data encryption\"\n  \
        enable_key_rotation = true\n}",
    docs: "## What it does\n\
        Reports enabled, customer managed, symmetric KMS keys with AWS-generated key material \
        (the keys AWS can rotate) whose automatic rotation is off. Keys with imported material, \
        asymmetric and HMAC keys, AWS managed keys and disabled keys are skipped. Unknown \
        rotation status gives *unknown*.\n\n\
        ## Why is this bad?\n\
        Cryptographic best practice and many compliance regimes limit how long one key \
        version is used; without rotation a single key material protects everything ever \
        encrypted under the key.\n\n\
        ## How to fix\n\
        Enable automatic key rotation on the key.\n\n\
        ## References\n\
        - AWS KMS Developer Guide: Rotate AWS KMS keys\n\
        - CIS AWS Foundations Benchmark v3.0.0, 3.6\n\
        - Well-Architected SEC08-BP01 Implement secure key management\n",
    since: "0.1.0",
};

impl Rule for KmsKeyRotationDisabled {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for key in inv.kms_keys.iter().filter(|k| k.rotatable()) {
            match &key.rotation_enabled {
                Known::Known(true) => out.pass(key, "automatic rotation is on"),
                Known::Known(false) => out.fail(
                    key,
                    "customer managed KMS key has automatic rotation off",
                    json!({ "key_id": key.id, "aliases": key.aliases, "rotation_enabled": false }),
                ),
                Known::Unknown(r) => out.unknown(key, format!("rotation status unknown: {r}")),
            }
        }
    }
}
