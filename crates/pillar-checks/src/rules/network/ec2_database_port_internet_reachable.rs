//! `ec2-database-port-internet-reachable`

use super::reach::{self, DATABASE_PORTS};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};

/// The rule.
pub struct Ec2DatabasePortInternetReachable;
/// Registered instance.
pub static RULE: Ec2DatabasePortInternetReachable = Ec2DatabasePortInternetReachable;

static META: Meta = Meta {
    id: "ec2-database-port-internet-reachable",
    title: "A database or cache port is reachable from the internet",
    severity: Severity::Critical,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01", "SEC05-BP02"],
    cis: &[],
    rationale: "Databases and caches reachable from the internet are brute-forced, exploited and \
        ransomed by automated campaigns; many caches (Redis, Memcached) have no authentication \
        by default.",
    console: "Edit the inbound rule of the security group named in the path to admit only the \
        application's security group; turn off Publicly accessible on RDS; move the database to \
        a subnet without a route to the internet gateway.",
    cli: "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port <port> --cidr 0.0.0.0/0\n\
        aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible --apply-immediately",
    terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"db\" {\n  \
        security_group_id            = aws_security_group.db.id\n  \
        ip_protocol                  = \"tcp\"\n  \
        from_port                    = 5432\n  \
        to_port                      = 5432\n  \
        referenced_security_group_id = aws_security_group.app.id\n}",
    docs: "## What it does\n\
        Computes which internet sources really reach each instance, network interface and DB \
        instance (public address, internet gateway, return route, network ACL both ways, \
        security groups; targets of internet-facing load balancers too) and fails those \
        reachable on a database or cache port: 1433 SQL Server, 1521 Oracle, 2049 NFS, 3306 \
        MySQL, 5432 PostgreSQL, 5439 Redshift, 6379 Redis, 9042 Cassandra, 9200 Elasticsearch, \
        11211 Memcached, 27017 MongoDB, 50000 DB2. The finding carries the sources and the path \
        hop by hop.\n\n\
        ## Why is this bad?\n\
        Data stores belong in private subnets reachable only from the application tier; a \
        reachable port is one leaked password or unauthenticated default away from a breach.\n\n\
        ## How to fix\n\
        Admit only the application's security group, remove the public address (RDS: not \
        publicly accessible) and keep data stores in subnets without an internet route.\n\n\
        ## References\n\
        - Amazon RDS User Guide: Working with a DB instance in a VPC\n\
        - Amazon VPC User Guide: Security groups; Network ACLs\n\
        - Well-Architected SEC05-BP01, SEC05-BP02\n",
    since: "0.1.0",
};

impl Rule for Ec2DatabasePortInternetReachable {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        let a = super::reach::analysis(inv, out);
        reach::report(
            &a,
            out,
            "no database or cache port is reachable from the internet",
            |e| {
                reach::covered(e, &DATABASE_PORTS)
                    .into_iter()
                    .map(|(port, name)| {
                        (
                            format!("{name} (TCP {port}) is reachable {}", reach::how(e)),
                            reach::evidence(e, Some(port)),
                            format!("tcp/{port}/{}", e.family.as_str()),
                        )
                    })
                    .collect()
            },
        );
    }
}
