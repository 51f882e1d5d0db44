//! `rds-instance-publicly-accessible`

use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Known, Severity};
use serde_json::json;

/// The rule.
pub struct RdsInstancePubliclyAccessible;
/// Registered instance.
pub static RULE: RdsInstancePubliclyAccessible = RdsInstancePubliclyAccessible;

static META: Meta = Meta {
    id: "rds-instance-publicly-accessible",
    title: "RDS DB instance is publicly accessible",
    severity: Severity::Critical,
    domain: Domain::InfrastructureProtection,
    service: "rds",
    wa: &["SEC05-BP01"],
    cis: &["2.3.3"],
    rationale: "A publicly accessible DB instance gets a DNS name that resolves to a public IP. \
        Its security group and password are then all that stand between the internet and the \
        data; databases belong in a private network layer.",
    console: "RDS console > Databases > select the instance > Modify > Connectivity > Additional \
        configuration > Public access: Not publicly accessible > Continue > Apply immediately.",
    cli: "aws rds modify-db-instance --db-instance-identifier <db-id> \\\n  \
        --no-publicly-accessible --apply-immediately",
    terraform: "resource \"aws_db_instance\" \"main\" {\n  \
        # ...\n  \
        publicly_accessible    = false\n  \
        db_subnet_group_name   = aws_db_subnet_group.private.name\n}",
    docs: "## What it does\n\
        Reports RDS DB instances with `PubliclyAccessible` set. Instances where it is unresolved \
        are *unknown*.\n\n\
        ## Why is this bad?\n\
        With public access the endpoint resolves to a public address, and in a subnet with a \
        route to an internet gateway the database is reachable from the internet wherever its \
        security group allows, exposing it to credential guessing and engine exploits.\n\n\
        ## How to fix\n\
        Turn public access off and keep DB subnet groups in private subnets; reach the database \
        from the application tier, a bastion-less Session Manager port forward, or a VPN.\n\n\
        ## References\n\
        - Amazon RDS User Guide: Working with a DB instance in a VPC (hiding a DB instance from \
        the internet)\n\
        - CIS AWS Foundations Benchmark v3.0.0, 2.3.3\n\
        - Well-Architected SEC05-BP01 Create network layers\n",
    since: "0.1.0",
};

impl Rule for RdsInstancePubliclyAccessible {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for db in &inv.db_instances {
            match &db.publicly_accessible {
                Known::Known(true) => out.fail(
                    db,
                    format!(
                        "DB instance {} ({}) is publicly accessible",
                        db.id, db.engine
                    ),
                    json!({
                        "db_instance": db.id,
                        "engine": db.engine,
                        "port": db.port,
                        "publicly_accessible": true,
                        "security_groups": db.security_groups,
                        "subnet_ids": db.subnet_ids,
                    }),
                ),
                Known::Known(false) => out.pass(db, "the DB instance is not publicly accessible"),
                Known::Unknown(r) => out.unknown(db, format!("publicly_accessible unknown: {r}")),
            }
        }
    }
}
