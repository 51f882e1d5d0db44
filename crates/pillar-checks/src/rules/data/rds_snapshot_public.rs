//! `rds-snapshot-public`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct RdsSnapshotPublic;
/// Registered instance.
pub static RULE: RdsSnapshotPublic = RdsSnapshotPublic;

static META: Meta = Meta {
    id: "rds-snapshot-public",
    title: "RDS snapshot is shared publicly",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "rds",
    wa: &["SEC08-BP04", "SEC03-BP07"],
    cis: &[],
    rationale: "A DB or cluster snapshot whose restore attribute includes all can be restored \
        by any AWS account, giving them a full copy of the database.",
    console: "RDS console > Snapshots > select the snapshot > Actions > Share snapshot > DB \
        snapshot visibility: Private > Save.",
    cli: "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot-id> \\\n  \
        --attribute-name restore --values-to-remove all\n\
        # cluster snapshots:\n\
        aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier <snapshot-id> \\\n  \
        --attribute-name restore --values-to-remove all",
    terraform: "# Snapshot sharing is not managed by aws_db_snapshot; remove the public share with\n\
        # the CLI command, and keep snapshots encrypted with a customer managed key\n\
        # (encrypted snapshots cannot be shared publicly):\n\
        resource \"aws_db_instance\" \"main\" {\n  \
        storage_encrypted = true\n  \
        kms_key_id        = aws_kms_key.rds.arn\n}",
    docs: "## What it does\n\
        Reports RDS DB and cluster snapshots owned by the account whose `restore` attribute \
        contains `all`. Snapshots whose attributes were not read are *unknown*.\n\n\
        ## Why is this bad?\n\
        Anyone can restore a public snapshot into their own account and read every table.\n\n\
        ## How to fix\n\
        Make the snapshot private and share with named accounts only; encrypt snapshots with a \
        customer managed KMS key, which RDS never allows to be shared publicly.\n\n\
        ## References\n\
        - Amazon RDS User Guide: Sharing a DB snapshot\n\
        - Well-Architected SEC08-BP04 Enforce access control; SEC03-BP07 Analyze public and \
        cross-account access\n",
    since: "0.1.0",
};

impl Rule for RdsSnapshotPublic {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for snap in &inv.db_snapshots {
            match &snap.restore_accounts {
                Known::Known(accts) if accts.iter().any(|a| a.eq_ignore_ascii_case("all")) => out
                    .fail(
                        snap,
                        format!(
                            "{} snapshot {} can be restored by any AWS account",
                            if snap.cluster { "cluster" } else { "DB" },
                            snap.id
                        ),
                        json!({
                            "snapshot": snap.id,
                            "cluster": snap.cluster,
                            "encrypted": snap.encrypted,
                            "restore_accounts": accts,
                        }),
                    ),
                Known::Known(_) => out.pass(snap, "the snapshot is not public"),
                Known::Unknown(r) => out.unknown(snap, format!("restore attribute unknown: {r}")),
            }
        }
    }
}
