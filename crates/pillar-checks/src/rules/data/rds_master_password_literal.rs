//! `rds-master-password-literal`

use super::store_password::{how_judged, judge, Subject, Wording};
use crate::meta::{Meta, Rule};
use crate::out::Out;
use pillar_model::{Domain, Inventory, Severity};
use serde_json::json;

/// The rule.
pub struct RdsMasterPasswordLiteral;
/// Registered instance.
pub static RULE: RdsMasterPasswordLiteral = RdsMasterPasswordLiteral;

static META: Meta = Meta {
    id: "rds-master-password-literal",
    title: "RDS DB instance or cluster master password is written as a literal in IaC",
    severity: Severity::High,
    domain: Domain::DataProtection,
    service: "rds",
    wa: &["SEC02-BP03"],
    cis: &[],
    rationale: "A master password written in a Terraform file, a variable default or a \
        CloudFormation template is in every clone of the repository, in its history, in \
        Terraform state and plans, and in CI logs; it is the database's most privileged \
        credential and is rarely rotated. RDS can generate and keep the master password in \
        Secrets Manager and rotate it, or the template can read it from Secrets Manager at \
        deploy time.",
    console: "RDS console > Databases > the instance or cluster > Modify > Credentials \
        management: choose 'Managed in AWS Secrets Manager' (optionally with your KMS key) > \
        Continue > Apply immediately. Then remove the password from the IaC source and from \
        its history, and give the applications the secret's ARN.",
    cli: "aws rds modify-db-instance --db-instance-identifier <db-id> \\\n  \
        --manage-master-user-password --apply-immediately\n\
        aws rds modify-db-cluster --db-cluster-identifier <cluster-id> \\\n  \
        --manage-master-user-password --apply-immediately\n\
        # then remove the literal from the template or .tf files",
    terraform: "resource \"aws_db_instance\" \"main\" {\n  \
        # ...\n  \
        # not: password = \"...\"\n  \
        manage_master_user_password = true\n}\n\n\
        # CloudFormation: ManageMasterUserPassword: true, or\n\
        # MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'",
    docs: concat!(
        "## What it does\n",
        "Reports RDS DB instances and Aurora clusters whose master user password is written \
         as a literal in the IaC source: Terraform `aws_db_instance.password` or \
         `aws_rds_cluster.master_password` (and their `_wo` forms) set to a string, directly \
         or through a variable, and CloudFormation `AWS::RDS::DBInstance` / \
         `AWS::RDS::DBCluster` `MasterUserPassword` set to a plain string (directly or \
         through a parameter). It passes when RDS manages the password \
         (`manage_master_user_password = true`, `ManageMasterUserPassword: true`), when the \
         value comes at deploy time (a `{{resolve:secretsmanager:…}}` or \
         `{{resolve:ssm-secure:…}}` dynamic reference, a `Ref` to a parameter without a \
         default such as a `NoEcho` one, a variable without a value, another resource's \
         attribute such as a `random_password`), and when no password is set (replicas, \
         restores). Placeholders such as `changeme` fail too: written into the resource, they \
         are the password. ",
        how_judged!(),
        "## Why is this bad?\n",
        "The master user can read and change every database on the instance. A password in \
         source control spreads to every clone, fork, build log and state file, stays in the \
         history after it is removed, and outlives the people who could see it.\n\n",
        "## How to fix\n",
        "Set `manage_master_user_password = true` (CloudFormation `ManageMasterUserPassword: \
         true`) so RDS keeps the password in Secrets Manager, or read it from Secrets Manager \
         with a dynamic reference; then remove the literal from the source and its history, \
         and treat the old password as exposed.\n\n",
        "## References\n",
        "- Amazon RDS User Guide: Password management with Amazon RDS and AWS Secrets Manager\n",
        "- AWS CloudFormation User Guide: Get values stored in other services using dynamic \
         references\n",
        "- Terraform AWS provider: aws_db_instance `manage_master_user_password`\n",
        "- Well-Architected SEC02-BP03 Store and use secrets securely\n",
    ),
    since: "0.1.0",
};

impl Rule for RdsMasterPasswordLiteral {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, inv: &Inventory, out: &mut Out) {
        for db in &inv.db_instances {
            let wording = if db.resource.kind == "AWS::RDS::DBCluster" {
                &CLUSTER
            } else {
                &INSTANCE
            };
            let mut extra = serde_json::Map::new();
            extra.insert("db".to_owned(), json!(db.id));
            extra.insert("engine".to_owned(), json!(db.engine));
            let subject = Subject {
                resource: &db.resource,
                location: db.location.as_ref(),
                name: &db.id,
                detail: "",
            };
            judge(out, &subject, wording, &db.master_password, extra);
        }
    }
}

const FIX: &str = "set manage_master_user_password (ManageMasterUserPassword) or use a \
    Secrets Manager dynamic reference";

static INSTANCE: Wording = Wording {
    noun: "DB instance",
    secret: "master password",
    managed: "RDS manages the master password in Secrets Manager",
    fix: FIX,
};

static CLUSTER: Wording = Wording {
    noun: "DB cluster",
    ..INSTANCE
};

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::{DbInstance, MasterPassword, Status};

    fn judge(mp: MasterPassword) -> Vec<(Status, String, String)> {
        let inv = Inventory {
            db_instances: vec![DbInstance {
                id: "orders".to_owned(),
                master_password: mp,
                ..DbInstance::default()
            }],
            ..Inventory::default()
        };
        let mut out = Out::new(&META);
        RULE.check(&inv, &mut out);
        out.into_findings()
            .into_iter()
            .map(|f| (f.status, f.message, f.evidence.to_string()))
            .collect()
    }

    #[test]
    fn literal_fails_redacted_and_the_rest_pass() {
        let got = judge(MasterPassword::Literal {
            attribute: "password".to_owned(),
            value: "Vq8!mT3zLr6x-orders".to_owned(),
            written_at: None,
        });
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, Status::Fail);
        assert!(got[0].1.contains("`password`"), "{got:?}");
        assert!(!got[0].2.contains("Vq8!mT3zLr6x"), "{got:?}");
        assert!(got[0].2.contains("\"placeholder\":false"), "{got:?}");
        let got = judge(MasterPassword::Literal {
            attribute: "MasterUserPassword".to_owned(),
            value: "changeme".to_owned(),
            written_at: None,
        });
        assert_eq!(got[0].0, Status::Fail);
        assert!(got[0].2.contains("\"placeholder\":true"), "{got:?}");
        for ok in [
            MasterPassword::NotSet,
            MasterPassword::Managed,
            MasterPassword::Reference("var.db_password is not set".to_owned()),
        ] {
            let got = judge(ok.clone());
            assert_eq!(got.len(), 1, "{ok:?}");
            assert_eq!(got[0].0, Status::Pass, "{ok:?}");
        }
        assert!(judge(MasterPassword::NotInSource).is_empty());
    }

    #[test]
    fn debug_hides_the_value() {
        let mp = MasterPassword::Literal {
            attribute: "password".to_owned(),
            value: "Vq8!mT3zLr6x-orders".to_owned(),
            written_at: None,
        };
        assert!(!format!("{mp:?}").contains("Vq8!"));
    }
}
