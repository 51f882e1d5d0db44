//! `ec2-ebs-snapshot-public`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct Ec2EbsSnapshotPublic;
/// Registered instance.
pub static RULE: Ec2EbsSnapshotPublic = Ec2EbsSnapshotPublic;

static META: Meta = Meta {
    id: "ec2-ebs-snapshot-public",
    title: "EBS snapshot is shared publicly",
    severity: Severity::Critical,
    domain: Domain::DataProtection,
    service: "ec2",
    wa: &["SEC08-BP04", "SEC03-BP07"],
    cis: &[],
    rationale: "A snapshot whose createVolumePermission includes the group all can be copied \
        and mounted by any AWS account. Public snapshots are routinely harvested for \
        credentials, keys and customer data.",
    console: "EC2 console > Snapshots > select the snapshot > Actions > Snapshot settings > \
        Modify permissions > Private > Save changes. Enable Block public access for snapshots \
        under EC2 Dashboard > Data protection and security.",
    cli: "aws ec2 modify-snapshot-attribute --snapshot-id <snap-id> \\\n  \
        --attribute createVolumePermission --operation-type remove --group-names all\n\
        aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region <region>",
    terraform:
        "# Remove any aws_snapshot_create_volume_permission with account_id = \"all\" and block\n\
        # public sharing for the Region:\n\
        resource \"aws_ebs_snapshot_block_public_access\" \"this\" {\n  \
        state = \"block-all-sharing\"\n}",
    docs: "## What it does\n\
        Reports EBS snapshots owned by the account whose `createVolumePermission` attribute \
        contains the group `all`. Snapshots whose permissions were not read are *unknown*.\n\n\
        ## Why is this bad?\n\
        Anyone can create a volume from a public snapshot and read everything on it, including \
        deleted files still on disk blocks.\n\n\
        ## How to fix\n\
        Make the snapshot private, share it with specific accounts if needed, and turn on EBS \
        snapshot Block Public Access in every Region.\n\n\
        ## References\n\
        - Amazon EBS User Guide: Share an Amazon EBS snapshot\n\
        - Amazon EBS User Guide: Block public access for Amazon EBS snapshots\n\
        - Well-Architected SEC08-BP04 Enforce access control; SEC03-BP07 Analyze public and \
        cross-account access\n",
    since: "0.1.0",
};

impl Rule for Ec2EbsSnapshotPublic {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for snap in &inv.ebs_snapshots {
            match &snap.create_volume_permissions {
                Known::Known(perms) if perms.iter().any(|p| p.eq_ignore_ascii_case("all")) => out
                    .fail(
                        snap,
                        "EBS snapshot can be restored by any AWS account",
                        json!({
                            "snapshot_id": snap.id,
                            "volume_id": snap.volume_id,
                            "encrypted": snap.encrypted,
                            "create_volume_permissions": perms,
                        }),
                    ),
                Known::Known(_) => out.pass(snap, "the snapshot is not public"),
                Known::Unknown(r) => {
                    out.unknown(snap, format!("createVolumePermission unknown: {r}"))
                }
            }
        }
    }
}
