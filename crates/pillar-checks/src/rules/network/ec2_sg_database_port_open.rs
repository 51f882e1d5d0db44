//! `ec2-sg-database-port-open`

use crate::meta::{Meta, Rule};
use crate::net::{scan_ingress, sg_rule_covers_port, OpenRule, Proto};
use crate::out::Out;
use crate::rules::network::ec2_sg_admin_port_open::families_text;
use pillar_model::{Domain, Inventory, Severity, Status};
use serde_json::json;

/// The rule.
pub struct Ec2SgDatabasePortOpen;
/// Registered instance.
pub static RULE: Ec2SgDatabasePortOpen = Ec2SgDatabasePortOpen;

/// Default listening ports of data stores, with the engine for evidence.
/// Each is the engine's documented default.
const DATA_PORTS: &[(Proto, u16, &str)] = &[
    (Proto::Tcp, 1433, "Microsoft SQL Server"),
    (Proto::Tcp, 1521, "Oracle Database"),
    (Proto::Tcp, 3306, "MySQL / MariaDB / Aurora MySQL"),
    (Proto::Tcp, 5432, "PostgreSQL / Aurora PostgreSQL"),
    (Proto::Tcp, 5439, "Amazon Redshift"),
    (Proto::Tcp, 5984, "Apache CouchDB"),
    (Proto::Tcp, 6379, "Redis / Valkey / ElastiCache"),
    (Proto::Tcp, 8086, "InfluxDB"),
    (Proto::Tcp, 8182, "Amazon Neptune"),
    (Proto::Tcp, 9042, "Apache Cassandra / Amazon Keyspaces"),
    (Proto::Tcp, 9200, "Elasticsearch / OpenSearch REST"),
    (Proto::Tcp, 9300, "Elasticsearch transport"),
    (Proto::Tcp, 11211, "Memcached"),
    (Proto::Udp, 11211, "Memcached"),
    (Proto::Tcp, 27017, "MongoDB / Amazon DocumentDB"),
    (Proto::Tcp, 27018, "MongoDB shard"),
];

static META: Meta = Meta {
    id: "ec2-sg-database-port-open",
    title: "Security group allows database, cache or search ports from the whole internet",
    severity: Severity::High,
    domain: Domain::InfrastructureProtection,
    service: "ec2",
    wa: &["SEC05-BP01", "SEC05-BP02"],
    cis: &[],
    rationale: "Data stores belong in private network layers reachable only from the application \
        tier. A database, cache or search port open to 0.0.0.0/0 or ::/0 invites brute force, \
        unauthenticated access (Redis, Memcached, Elasticsearch, MongoDB are often deployed \
        without authentication) and mass data theft or ransom.",
    console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound \
        rules: replace the 0.0.0.0/0 or ::/0 source of the database port with the security group \
        of the application tier.",
    cli: "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port <port> --cidr 0.0.0.0/0\n\
        aws ec2 authorize-security-group-ingress --group-id <sg-id> --protocol tcp --port <port> \\\n  \
        --source-group <app-tier-sg-id>",
    terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"db_from_app\" {\n  \
        security_group_id            = aws_security_group.db.id\n  \
        ip_protocol                  = \"tcp\"\n  \
        from_port                    = 5432\n  \
        to_port                      = 5432\n  \
        referenced_security_group_id = aws_security_group.app.id # not cidr_ipv4 = \"0.0.0.0/0\"\n}",
    docs: "## What it does\n\
        Reports every security group with an inbound rule that lets the whole IPv4 or IPv6 \
        internet reach the default port of a common database, cache or search engine: SQL \
        Server 1433, Oracle 1521, MySQL/MariaDB 3306, PostgreSQL 5432, Redshift 5439, CouchDB \
        5984, Redis/Valkey 6379, InfluxDB 8086, Neptune 8182, Cassandra/Keyspaces 9042, \
        Elasticsearch/OpenSearch 9200 and 9300, Memcached 11211 (TCP and UDP), MongoDB/DocumentDB \
        27017 and 27018. One finding per group lists each exposed port with its engine. Rules \
        with protocol `-1` count; prefix lists are expanded; unresolved values make the group \
        *unknown*.\n\n\
        ## Why is this bad?\n\
        Internet scanners index exposed data stores continuously; many engines ship without \
        authentication or with default credentials, and Memcached over UDP is abused for \
        amplification attacks. A data store should only accept connections from the tier that \
        uses it.\n\n\
        ## How to fix\n\
        Remove the world-open rule and allow the port only from the application tier's security \
        group (or a private CIDR). Put the data store in private subnets.\n\n\
        ## References\n\
        - Amazon VPC User Guide: Security group rules\n\
        - Amazon RDS User Guide: Controlling access with security groups\n\
        - Well-Architected SEC05-BP01 Create network layers; SEC05-BP02 Control traffic flow \
        within your network layers\n",
    since: "0.1.0",
};

impl Rule for Ec2SgDatabasePortOpen {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for sg in &inv.security_groups {
            let mut exposed = Vec::new();
            let mut names: Vec<String> = Vec::new();
            let mut all_open: Vec<OpenRule<'_>> = Vec::new();
            let mut unknown = Vec::new();
            for &(proto, port, engine) in DATA_PORTS {
                let scan = scan_ingress(inv, &sg.ingress, |r| sg_rule_covers_port(r, proto, port));
                unknown.extend(scan.unknown);
                if scan.open.is_empty() {
                    continue;
                }
                let (families, _) = families_text(&scan.open);
                names.push(format!(
                    "{} {port} ({engine})",
                    proto.as_str().to_ascii_uppercase()
                ));
                exposed.push(json!({
                    "protocol": proto.as_str(),
                    "port": port,
                    "engine": engine,
                    "families": families,
                    "rule_indexes": scan.open.iter().map(|o| o.index).collect::<Vec<_>>(),
                }));
                for o in scan.open {
                    if !all_open.iter().any(|x| x.index == o.index) {
                        all_open.push(o);
                    }
                }
            }
            if !exposed.is_empty() {
                all_open.sort_by_key(|o| o.index);
                let (_, text) = families_text(&all_open);
                let location = all_open
                    .iter()
                    .find_map(|o| o.rule.location.clone())
                    .or_else(|| sg.location.clone());
                out.report(
                    Status::Fail,
                    sg.resource.clone(),
                    location,
                    format!(
                        "exposes {} to the whole internet ({text})",
                        names.join(", ")
                    ),
                    json!({
                        "group_id": sg.id,
                        "exposed": exposed,
                        "rules": all_open.iter().map(|o| {
                            let mut e = o.evidence();
                            if let Some(m) = e.as_object_mut() {
                                m.insert("index".into(), json!(o.index));
                            }
                            e
                        }).collect::<Vec<_>>(),
                    }),
                    "",
                );
            } else if unknown.is_empty() {
                out.pass(
                    sg,
                    "no inbound rule opens a database, cache or search port to the internet",
                );
            } else {
                unknown.dedup();
                out.unknown(sg, unknown.join("; "));
            }
        }
    }
}
