//! `ec2-ebs-volume-unencrypted`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct Ec2EbsVolumeUnencrypted;
/// Registered instance.
pub static RULE: Ec2EbsVolumeUnencrypted = Ec2EbsVolumeUnencrypted;

static META: Meta = Meta {
    id: "ec2-ebs-volume-unencrypted",
    title: "EBS volume is not encrypted",
    severity: Severity::Medium,
    domain: Domain::DataProtection,
    service: "ec2",
    wa: &["SEC08-BP02"],
    cis: &[],
    rationale: "An unencrypted EBS volume, and every snapshot of it, stores data in the clear; \
        anyone who can snapshot, copy or share it can read it, with no KMS key policy or \
        CloudTrail key usage in the way.",
    console: "EC2 console > Volumes > select the volume > Actions > Create snapshot; then \
        Snapshots > the snapshot > Actions > Copy snapshot > Encrypt this snapshot; create a \
        volume from the encrypted copy, stop the instance, and swap the volumes.",
    cli: "aws ec2 create-snapshot --volume-id <vol-id>\n\
        aws ec2 copy-snapshot --source-region <region> --source-snapshot-id <snap-id> --encrypted --kms-key-id <key-arn>\n\
        aws ec2 create-volume --snapshot-id <encrypted-snap-id> --availability-zone <az> --encrypted",
    terraform: "resource \"aws_ebs_volume\" \"data\" {\n  \
        availability_zone = \"us-east-1a\"\n  \
        size              = 100\n  \
        encrypted         = true\n  \
        kms_key_id        = aws_kms_key.ebs.arn\n}",
    docs: "## What it does\n\
        Reports EBS volumes that are not encrypted. Volumes whose encryption is unresolved are \
        *unknown*.\n\n\
        ## Why is this bad?\n\
        Encryption at rest with KMS puts access to the data behind a key policy and logs every \
        use of the key; unencrypted volumes and their snapshots have neither protection.\n\n\
        ## How to fix\n\
        Migrate the data through an encrypted snapshot copy, and turn on EBS encryption by \
        default so new volumes are always encrypted.\n\n\
        ## References\n\
        - Amazon EBS User Guide: Amazon EBS encryption\n\
        - Well-Architected SEC08-BP02 Enforce encryption at rest\n",
    since: "0.1.0",
};

impl Rule for Ec2EbsVolumeUnencrypted {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for vol in &inv.volumes {
            match &vol.encrypted {
                Known::Known(true) => out.pass(vol, "the volume is encrypted"),
                Known::Known(false) => out.fail(
                    vol,
                    "EBS volume is not encrypted",
                    json!({
                        "volume_id": vol.id,
                        "state": vol.state,
                        "size_gib": vol.size_gib,
                        "attached_to": vol.instance_ids,
                    }),
                ),
                Known::Unknown(r) => out.unknown(vol, format!("encryption unknown: {r}")),
            }
        }
    }
}
