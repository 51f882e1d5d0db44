//! `rds-instance-storage-unencrypted`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct RdsInstanceStorageUnencrypted;
/// Registered instance.
pub static RULE: RdsInstanceStorageUnencrypted = RdsInstanceStorageUnencrypted;

static META: Meta = Meta {
    id: "rds-instance-storage-unencrypted",
    title: "RDS DB instance storage is not encrypted",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "rds",
    wa: &["SEC08-BP02"],
    cis: &["2.3.1"],
    rationale: "An unencrypted DB instance leaves its storage, automated backups, read replicas \
        and snapshots unencrypted; encryption cannot be switched on in place afterwards.",
    console: "RDS console > Snapshots > take a snapshot of the instance > Actions > Copy \
        snapshot > Enable encryption with a KMS key > Restore the encrypted snapshot to a new \
        instance and cut over.",
    cli: "aws rds create-db-snapshot --db-instance-identifier <db-id> --db-snapshot-identifier <db-id>-plain\n\
        aws rds copy-db-snapshot --source-db-snapshot-identifier <db-id>-plain \\\n  \
        --target-db-snapshot-identifier <db-id>-enc --kms-key-id <key-arn>\n\
        aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <db-id>-new \\\n  \
        --db-snapshot-identifier <db-id>-enc",
    terraform: "resource \"aws_db_instance\" \"main\" {\n  \
        # ...\n  \
        storage_encrypted = true\n  \
        kms_key_id        = aws_kms_key.rds.arn\n}",
    docs: "## What it does\n\
        Reports RDS DB instances whose storage is not encrypted. Instances where it is \
        unresolved are *unknown*.\n\n\
        ## Why is this bad?\n\
        Encryption at rest protects the data files, backups, replicas and snapshots, and puts \
        their use behind a KMS key policy with every use logged.\n\n\
        ## How to fix\n\
        Restore from an encrypted copy of a snapshot and switch the application over; set \
        `storage_encrypted = true` on every new instance.\n\n\
        ## References\n\
        - Amazon RDS User Guide: Encrypting Amazon RDS resources\n\
        - CIS AWS Foundations Benchmark v3.0.0, 2.3.1\n\
        - Well-Architected SEC08-BP02 Enforce encryption at rest\n",
    since: "0.1.0",
};

impl Rule for RdsInstanceStorageUnencrypted {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for db in &inv.db_instances {
            match &db.storage_encrypted {
                Known::Known(true) => out.pass(db, "storage is encrypted"),
                Known::Known(false) => out.fail(
                    db,
                    format!("DB instance {} ({}) stores data unencrypted", db.id, db.engine),
                    json!({ "db_instance": db.id, "engine": db.engine, "storage_encrypted": false }),
                ),
                Known::Unknown(r) => out.unknown(db, format!("storage encryption unknown: {r}")),
            }
        }
    }
}
