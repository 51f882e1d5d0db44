//! Secret arguments of managed data stores in IaC, shared by the Terraform
//! and CloudFormation mappers: how a master password or auth token is
//! given ([`master_password`]), which resource types and arguments hold
//! one ([`STORES`]), and where a literal value was really written
//! ([`settle`]): in the resource, in a variable's or parameter's default,
//! in a `.tfvars` file of the repository, or on the command line at scan
//! time (`--var`, `--cfn-param`), which is not in the repository at all.

use crate::terraform::value::V;
use pillar_model::{Inventory, Location, MasterPassword, WrittenAt};

/// The CloudFormation dynamic reference to a plaintext Parameter Store
/// parameter. CloudFormation User Guide, "Get values stored in other
/// services using dynamic references": `ssm` reads `String` and
/// `StringList` parameters, stored unencrypted; `ssm-secure` reads
/// `SecureString` ones; `secretsmanager` reads Secrets Manager secrets.
const SSM_PLAINTEXT: &str = "{{resolve:ssm:";

/// How a store gets its password, from the evaluated "managed by AWS"
/// switch (`manage_master_user_password`, `ManageMasterUserPassword`, …)
/// and the password argument (name, value), Terraform's or
/// CloudFormation's. A string is a literal (a variable's or parameter's
/// default included; [`settle`] says where it is written) unless it holds
/// a CloudFormation dynamic reference: `ssm` (a plaintext `String`
/// parameter) is its own case, `ssm-secure` and `secretsmanager` are
/// supplied at deploy time. An unknown value (a variable or parameter
/// without one, another resource's attribute) is supplied at deploy time.
pub(crate) fn master_password(manage: Option<&V>, password: Option<(&str, &V)>) -> MasterPassword {
    if manage.is_some_and(|m| m.to_bool() == Ok(true)) {
        return MasterPassword::Managed;
    }
    match password {
        None => MasterPassword::NotSet,
        Some((_, V::Unknown(why))) => MasterPassword::Reference(why.clone()),
        Some((attribute, v)) => match v.to_text() {
            Ok(t) if t.is_empty() => MasterPassword::NotSet,
            Ok(t) if t.contains(SSM_PLAINTEXT) => MasterPassword::PlaintextParameter(ssm_name(&t)),
            Ok(t) if t.contains("{{resolve:") => {
                MasterPassword::Reference("a CloudFormation dynamic reference".to_owned())
            }
            Ok(value) => MasterPassword::Literal {
                attribute: attribute.to_owned(),
                value,
                written_at: None,
            },
            Err(why) => MasterPassword::Reference(why),
        },
    }
}

/// The parameter named by the first `{{resolve:ssm:NAME[:VERSION]}}`.
fn ssm_name(text: &str) -> String {
    let after = text.split_once(SSM_PLAINTEXT).map_or("", |(_, rest)| rest);
    after
        .split_once("}}")
        .map_or(after, |(name, _)| name)
        .to_owned()
}

/// A managed store whose one secret argument is judged (Amazon MQ, whose
/// brokers have several users, is mapped on its own).
pub(crate) struct StoreSpec {
    /// Service short name, as in the model.
    pub service: &'static str,
    /// The CloudFormation resource type (the model's kind too).
    pub cfn: &'static str,
    /// Its identifier property.
    pub cfn_id: &'static str,
    /// Its "managed by AWS" switch, when the service has one.
    pub cfn_manage: Option<&'static str>,
    /// Its password property.
    pub cfn_password: &'static str,
    /// The Terraform resource type.
    pub tf: &'static str,
    /// Its identifier argument.
    pub tf_id: &'static str,
    /// Its "managed by AWS" switch, when it has one.
    pub tf_manage: Option<&'static str>,
    /// Its password arguments, the plain one first, then the write-only.
    pub tf_password: &'static [&'static str],
}

/// The stores judged, from the Terraform AWS provider's and CloudFormation's
/// resource references: Redshift (`manage_master_password`,
/// `ManageMasterPassword`), DocumentDB (`manage_master_user_password`,
/// `ManageMasterUserPassword`, as the DocumentDB API's ModifyDBCluster
/// has it), ElastiCache replication groups' `AUTH` token, Directory
/// Service directories (Simple AD and AWS Managed Microsoft AD) and DMS
/// endpoints.
pub(crate) const STORES: &[StoreSpec] = &[
    StoreSpec {
        service: "redshift",
        cfn: "AWS::Redshift::Cluster",
        cfn_id: "ClusterIdentifier",
        cfn_manage: Some("ManageMasterPassword"),
        cfn_password: "MasterUserPassword",
        tf: "aws_redshift_cluster",
        tf_id: "cluster_identifier",
        tf_manage: Some("manage_master_password"),
        tf_password: &["master_password", "master_password_wo"],
    },
    StoreSpec {
        service: "docdb",
        cfn: "AWS::DocDB::DBCluster",
        cfn_id: "DBClusterIdentifier",
        cfn_manage: Some("ManageMasterUserPassword"),
        cfn_password: "MasterUserPassword",
        tf: "aws_docdb_cluster",
        tf_id: "cluster_identifier",
        tf_manage: Some("manage_master_user_password"),
        tf_password: &["master_password", "master_password_wo"],
    },
    StoreSpec {
        service: "elasticache",
        cfn: "AWS::ElastiCache::ReplicationGroup",
        cfn_id: "ReplicationGroupId",
        cfn_manage: None,
        cfn_password: "AuthToken",
        tf: "aws_elasticache_replication_group",
        tf_id: "replication_group_id",
        tf_manage: None,
        tf_password: &["auth_token"],
    },
    StoreSpec {
        service: "ds",
        cfn: "AWS::DirectoryService::MicrosoftAD",
        cfn_id: "Name",
        cfn_manage: None,
        cfn_password: "Password",
        tf: "aws_directory_service_directory",
        tf_id: "name",
        tf_manage: None,
        tf_password: &["password"],
    },
    StoreSpec {
        service: "ds",
        cfn: "AWS::DirectoryService::SimpleAD",
        cfn_id: "Name",
        cfn_manage: None,
        cfn_password: "Password",
        tf: "",
        tf_id: "",
        tf_manage: None,
        tf_password: &[],
    },
    StoreSpec {
        service: "dms",
        cfn: "AWS::DMS::Endpoint",
        cfn_id: "EndpointIdentifier",
        cfn_manage: None,
        cfn_password: "Password",
        tf: "aws_dms_endpoint",
        tf_id: "endpoint_id",
        tf_manage: None,
        tf_password: &["password"],
    },
];

/// A value a variable or parameter took, and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Supplied {
    /// The value, as text.
    pub value: String,
    /// Where it came from.
    pub from: Source,
}

/// Where a variable's or parameter's value came from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Given when pillar ran (`--var db_password`, `--cfn-param X`, a
    /// `--var-file` outside the repository): not in the repository.
    ScanTime(String),
    /// Written in a file of the repository.
    Written(WrittenAt),
}

impl Supplied {
    /// A value written at `file:line`, described by `what`.
    pub fn written(value: String, what: String, file: &str, line: u32) -> Supplied {
        Supplied {
            value,
            from: Source::Written(WrittenAt {
                what,
                location: Some(Location::new(file, (line > 0).then_some(line))),
            }),
        }
    }
}

/// Shortest value matched inside a longer literal; shorter ones (an
/// environment name) would match by chance.
const MIN_PART: usize = 8;

/// Where a literal was written: the variable or parameter whose value it
/// is (the whole value first, then a long enough part of it), or `None`
/// when it is written in the resource. Matched by value, after
/// evaluation: a literal written in the resource that equals a variable's
/// value is taken for that variable's (the same password in two places).
fn source_of<'a>(value: &str, supplied: &'a [Supplied]) -> Option<&'a Source> {
    supplied
        .iter()
        .find(|s| s.value == value)
        .or_else(|| {
            supplied
                .iter()
                .find(|s| s.value.len() >= MIN_PART && value.contains(s.value.as_str()))
        })
        .map(|s| &s.from)
}

/// Settles one secret against the values supplied: a literal given at scan
/// time is not in the repository (supplied at deploy time, as far as the
/// repository goes); one from a default or a `.tfvars` file is a literal
/// written there.
fn settle_one(mp: &mut MasterPassword, supplied: &[Supplied]) {
    let MasterPassword::Literal {
        value, written_at, ..
    } = mp
    else {
        return;
    };
    match source_of(value, supplied) {
        None => {}
        Some(Source::Written(at)) => *written_at = Some(at.clone()),
        Some(Source::ScanTime(how)) => {
            *mp = MasterPassword::Reference(format!(
                "given at scan time with {how}, not written in the repository"
            ));
        }
    }
}

/// Settles the secrets of the DB instances and store credentials from
/// `db` and `store` on (those one load added).
pub(crate) fn settle(inv: &mut Inventory, db: usize, store: usize, supplied: &[Supplied]) {
    if supplied.is_empty() {
        return;
    }
    for d in inv.db_instances.iter_mut().skip(db) {
        settle_one(&mut d.master_password, supplied);
    }
    for c in inv.store_credentials.iter_mut().skip(store) {
        settle_one(&mut c.password, supplied);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(v: &str) -> MasterPassword {
        MasterPassword::Literal {
            attribute: "password".to_owned(),
            value: v.to_owned(),
            written_at: None,
        }
    }

    #[test]
    fn ssm_plaintext_is_its_own_case_and_secure_ones_are_references() {
        let v = V::Str("{{resolve:ssm:/prod/db/password:3}}".to_owned());
        assert_eq!(
            master_password(None, Some(("MasterUserPassword", &v))),
            MasterPassword::PlaintextParameter("/prod/db/password:3".to_owned())
        );
        let v = V::Str("{{resolve:ssm-secure:/prod/db/password:3}}".to_owned());
        assert!(matches!(
            master_password(None, Some(("MasterUserPassword", &v))),
            MasterPassword::Reference(_)
        ));
    }

    #[test]
    fn scan_time_values_leave_the_repository_and_written_ones_point_at_their_line() {
        let supplied = vec![
            Supplied {
                value: "Given-at-scan-1".to_owned(),
                from: Source::ScanTime("--var db_password".to_owned()),
            },
            Supplied::written(
                "Tfvars-value-22".to_owned(),
                "`other` in terraform.tfvars".to_owned(),
                "terraform.tfvars",
                2,
            ),
            Supplied {
                value: "prod".to_owned(),
                from: Source::ScanTime("--var env".to_owned()),
            },
        ];
        let mut mp = lit("Given-at-scan-1");
        settle_one(&mut mp, &supplied);
        assert!(matches!(&mp, MasterPassword::Reference(w) if w.contains("--var db_password")));
        let mut mp = lit("x-Tfvars-value-22");
        settle_one(&mut mp, &supplied);
        assert!(
            matches!(&mp, MasterPassword::Literal { written_at: Some(w), .. }
            if w.location == Some(Location::new("terraform.tfvars", Some(2))))
        );
        // A short value matches only whole: "prod" inside a literal is chance.
        let mut mp = lit("production-secret");
        settle_one(&mut mp, &supplied);
        assert!(matches!(
            &mp,
            MasterPassword::Literal {
                written_at: None,
                ..
            }
        ));
    }
}
