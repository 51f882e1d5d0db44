//! The judgement shared by the rules on a managed store's password or
//! token as IaC gives it (`rds-master-password-literal`,
//! `redshift-master-password-literal`, …): a literal fails (pointing at
//! where it is written: the resource, a variable's or parameter's default,
//! a `.tfvars` line), a plaintext Parameter Store parameter fails with its
//! own message, a managed or deploy-time password passes. Evidence holds
//! the value redacted by `pillar secrets`' redaction, never the value.

use crate::out::Out;

/// The part of these rules' docs that says how a value is judged, by where
/// it is written.
macro_rules! how_judged {
    () => {
        "A value counts as written in the repository when it is in the resource, in a Terraform \
         variable's `default` or a CloudFormation parameter's `Default`, or in a `.tfvars` file \
         of the scanned folder (`terraform.tfvars`, `*.auto.tfvars`, or a `--var-file` inside \
         the repository, the folder holding `.git`): the finding then points at the line that \
         holds it. A value given only when pillar runs (`--var`, `--cfn-param`, a \
         `--var-file` outside the repository) is not in the repository and passes. A \
         `{{resolve:ssm:…}}` dynamic reference reads a plaintext `String` parameter, stored \
         unencrypted and readable by anyone allowed `ssm:GetParameter` (CloudFormation User \
         Guide, \"Get a plaintext value from Systems Manager Parameter Store\"): not a \
         hard-coded literal, but still a secret kept in plaintext, so it fails with its own \
         message; `{{resolve:ssm-secure:…}}` (a SecureString) and \
         `{{resolve:secretsmanager:…}}` pass. Evidence names the argument with the value \
         redacted to its first and last characters, by the redaction of `pillar secrets`; \
         never the value. AWS never returns the secret, so resources read from an account \
         snapshot are not judged.\n\n"
    };
}
pub(crate) use how_judged;
use pillar_model::{Location, MasterPassword, ResourceRef, Status, StoreCredential};
use serde_json::{json, Map, Value};

/// How a rule names its store and secret, and the fix.
pub(crate) struct Wording {
    /// "DB instance", "Redshift cluster", …
    pub noun: &'static str,
    /// "master password", "AUTH token", …
    pub secret: &'static str,
    /// A pass's message when the service manages the secret.
    pub managed: &'static str,
    /// The fix, after "; ".
    pub fix: &'static str,
}

/// What is judged: the store's identity, place and name, and `detail`
/// telling several secrets of one store apart (a broker's user).
pub(crate) struct Subject<'a> {
    /// Identity.
    pub resource: &'a ResourceRef,
    /// The store's place in its file.
    pub location: Option<&'a Location>,
    /// Name shown in messages.
    pub name: &'a str,
    /// Fingerprint detail (empty for one secret per store).
    pub detail: &'a str,
}

impl<'a> Subject<'a> {
    /// A store credential of the model.
    pub fn of(c: &'a StoreCredential) -> Subject<'a> {
        Subject {
            resource: &c.resource,
            location: c.location.as_ref(),
            name: &c.id,
            detail: c.user.as_deref().unwrap_or(""),
        }
    }
}

/// Judges one secret; `extra` is added to a failure's evidence.
pub(crate) fn judge(
    out: &mut Out,
    s: &Subject<'_>,
    w: &Wording,
    password: &MasterPassword,
    extra: Map<String, Value>,
) {
    // A store with several secrets (a broker's users) names the one judged.
    let (what, whose) = if s.detail.is_empty() {
        (format!("{} {}", w.noun, s.name), String::new())
    } else {
        (
            format!("{} {} user `{}`", w.noun, s.name, s.detail),
            format!("user `{}`: ", s.detail),
        )
    };
    let report = |out: &mut Out, status, loc: Option<&Location>, msg: String, ev: Value| {
        let msg = if status == Status::Pass {
            format!("{whose}{msg}")
        } else {
            msg
        };
        out.report(status, s.resource.clone(), loc.cloned(), msg, ev, s.detail);
    };
    match password {
        // AWS never returns the secret: nothing to judge.
        MasterPassword::NotInSource => {}
        MasterPassword::NotSet => report(
            out,
            Status::Pass,
            s.location,
            format!("no {} is set here", w.secret),
            Value::Null,
        ),
        MasterPassword::Managed => report(
            out,
            Status::Pass,
            s.location,
            w.managed.to_owned(),
            Value::Null,
        ),
        MasterPassword::Reference(why) => report(
            out,
            Status::Pass,
            s.location,
            format!("the {} is supplied at deploy time ({why})", w.secret),
            Value::Null,
        ),
        MasterPassword::PlaintextParameter(name) => {
            let mut ev = extra;
            ev.insert("parameter".to_owned(), json!(name));
            ev.insert("reference".to_owned(), json!("ssm"));
            report(
                out,
                Status::Fail,
                s.location,
                format!(
                    "{what} reads its {} from the plaintext Parameter Store parameter `{name}` \
                     (a `{{{{resolve:ssm:…}}}}` reference reads String parameters, stored \
                     unencrypted); use a SecureString read with `ssm-secure` instead, or {}",
                    w.secret, w.fix
                ),
                Value::Object(ev),
            );
        }
        MasterPassword::Literal {
            attribute,
            value,
            written_at,
        } => {
            let mut ev = extra;
            ev.insert("attribute".to_owned(), json!(attribute));
            ev.insert(
                "value".to_owned(),
                json!(pillar_secrets::engine::redact(value.as_bytes())),
            );
            ev.insert(
                "placeholder".to_owned(),
                json!(pillar_secrets::filter::is_placeholder(value.as_bytes())),
            );
            let (at, loc) = match written_at {
                Some(w) => {
                    ev.insert("written_in".to_owned(), json!(w.what));
                    if let Some(r) = s.location {
                        ev.insert("resource_location".to_owned(), json!(r.to_string()));
                    }
                    let place = w
                        .location
                        .as_ref()
                        .map_or_else(String::new, |l| format!(" at {l}"));
                    (format!(" through {}{place}", w.what), w.location.as_ref())
                }
                None => (String::new(), s.location),
            };
            report(
                out,
                Status::Fail,
                loc.or(s.location),
                format!(
                    "{what} has its {} written as a literal in `{attribute}`{at}; {}",
                    w.secret, w.fix
                ),
                Value::Object(ev),
            );
        }
    }
}

/// Judges every credential of `service`.
pub(crate) fn judge_service(
    out: &mut Out,
    inv: &pillar_model::Inventory,
    service: &str,
    w: &Wording,
) {
    for c in inv
        .store_credentials
        .iter()
        .filter(|c| c.service == service)
    {
        let mut extra = Map::new();
        extra.insert("store".to_owned(), json!(c.id));
        if let Some(u) = &c.user {
            extra.insert("user".to_owned(), json!(u));
        }
        judge(out, &Subject::of(c), w, &c.password, extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::{Inventory, WrittenAt};

    const SECRET: &str = "Vq8!mT3zLr6x-orders";

    fn run(password: MasterPassword) -> Vec<pillar_model::Finding> {
        let inv = Inventory {
            store_credentials: vec![StoreCredential {
                resource: ResourceRef::new("AWS::Redshift::Cluster", "aws_redshift_cluster.dw"),
                location: Some(Location::new("dw.tf", Some(3))),
                id: "dw".to_owned(),
                service: "redshift".to_owned(),
                user: None,
                password,
            }],
            ..Inventory::default()
        };
        let rule = crate::all()
            .into_iter()
            .find(|r| r.meta().id == "redshift-master-password-literal")
            .unwrap();
        let mut out = Out::new(rule.meta());
        rule.check(&inv, &mut out);
        out.into_findings()
    }

    #[test]
    fn a_literal_from_tfvars_points_at_its_line_redacted() {
        let f = run(MasterPassword::Literal {
            attribute: "master_password".to_owned(),
            value: SECRET.to_owned(),
            written_at: Some(WrittenAt {
                what: "`dw_password` in terraform.tfvars".to_owned(),
                location: Some(Location::new("terraform.tfvars", Some(2))),
            }),
        });
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].location.as_ref().unwrap().to_string(),
            "terraform.tfvars:2"
        );
        assert!(
            f[0].message.contains("terraform.tfvars:2"),
            "{}",
            f[0].message
        );
        let text = serde_json::to_string(&f).unwrap();
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("dw.tf:3"), "{text}");
    }

    #[test]
    fn a_plaintext_parameter_fails_with_its_own_message() {
        let f = run(MasterPassword::PlaintextParameter(
            "/dw/password".to_owned(),
        ));
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.contains("plaintext Parameter Store"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("{{resolve:ssm:…}}"),
            "{}",
            f[0].message
        );
        let f = run(MasterPassword::Managed);
        assert_eq!(f[0].status, Status::Pass);
    }
}
