//! Helpers shared by the identity, detection and response rules: ages,
//! ARNs, accounts, users with their credential-report fallback, principals
//! with their policies, and policy statements as evidence.

use pillar_model::resources::{CredentialReportEntry, IamUser, InlinePolicy, Timestamp};
use pillar_model::{Inventory, Known, Location, ResourceRef, Service, Statement};
use serde_json::{json, Map, Value};

/// Whole days from `t` to `now` (negative when `t` is in the future).
pub(crate) fn age_days(now: Timestamp, t: Timestamp) -> i64 {
    (now - t).num_days()
}

/// The account field of an ARN (`arn:aws:iam::111122223333:role/x`), when
/// it is a 12-digit account id.
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// The region field of an ARN, when present.
pub(crate) fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The account a resource belongs to: its reference's account, else the
/// account in its ARN.
pub(crate) fn resource_account<'a>(r: &'a ResourceRef, arn: &'a str) -> Option<&'a str> {
    r.account
        .as_deref()
        .or_else(|| arn_account(arn))
        .or_else(|| arn_account(&r.id))
}

/// The accounts an account-wide rule judges: every account in the
/// inventory (by id, `None` when its id is unknown); when there is none but
/// `service` was collected (e.g. a Terraform source), one anonymous account.
pub(crate) fn judged_accounts(inv: &Inventory, service: Service) -> Vec<Option<&str>> {
    let ids: Vec<Option<&str>> = inv
        .accounts
        .iter()
        .map(|a| a.id.get().map(String::as_str))
        .collect();
    if ids.is_empty() && inv.covers_any(service) {
        vec![None]
    } else {
        ids
    }
}

/// Whether something of account `item` counts for account `account`
/// (either side unknown counts).
pub(crate) fn same_account(item: Option<&str>, account: Option<&str>) -> bool {
    match (item, account) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// One access key, from `IamUser::access_keys` or a credential-report row.
#[derive(Debug, Clone)]
pub(crate) struct KeyView {
    /// Access key id, or `access_key_1`/`access_key_2` from the report.
    pub id: String,
    /// Active.
    pub active: bool,
    /// Created (the report's `last_rotated`).
    pub created: Option<Timestamp>,
    /// Last used; `Known(None)` means never.
    pub last_used: Known<Option<Timestamp>>,
}

/// An IAM user as the user rules see it: the `IamUser` when collected, its
/// credential-report row when there is one, either alone otherwise.
#[derive(Debug, Clone)]
pub(crate) struct UserView<'a> {
    /// Identity for findings.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// User name.
    pub name: &'a str,
    /// The collected user.
    pub user: Option<&'a IamUser>,
    /// The credential-report row.
    pub row: Option<&'a CredentialReportEntry>,
}

impl UserView<'_> {
    /// Whether the user has a console password.
    pub fn password_enabled(&self) -> Known<bool> {
        match (self.user.map(|u| &u.password_enabled), self.row) {
            (Some(Known::Known(v)), _) => Known::Known(*v),
            (_, Some(row)) => Known::Known(row.password_enabled),
            (Some(Known::Unknown(r)), None) => Known::unknown(format!("password status: {r}")),
            (None, None) => Known::unknown("password status not collected"),
        }
    }

    /// When the password was last used; `Known(None)` means never.
    pub fn password_last_used(&self) -> Known<Option<Timestamp>> {
        match (self.user.map(|u| &u.password_last_used), self.row) {
            (Some(Known::Known(v)), _) => Known::Known(*v),
            (_, Some(row)) => Known::Known(row.password_last_used),
            (Some(Known::Unknown(r)), None) => Known::unknown(format!("password last use: {r}")),
            (None, None) => Known::unknown("password last use not collected"),
        }
    }

    /// Whether the user has an MFA device.
    pub fn mfa_active(&self) -> Known<bool> {
        match (self.user.map(|u| &u.mfa_devices), self.row) {
            (Some(Known::Known(devices)), _) => Known::Known(!devices.is_empty()),
            (_, Some(row)) => Known::Known(row.mfa_active),
            (Some(Known::Unknown(r)), None) => Known::unknown(format!("MFA devices: {r}")),
            (None, None) => Known::unknown("MFA devices not collected"),
        }
    }

    /// When the user was created.
    pub fn created(&self) -> Option<Timestamp> {
        self.user
            .and_then(|u| u.created)
            .or_else(|| self.row.and_then(|r| r.created))
    }

    /// The user's access keys.
    pub fn keys(&self) -> Known<Vec<KeyView>> {
        match (self.user.map(|u| &u.access_keys), self.row) {
            (Some(Known::Known(keys)), _) => Known::Known(
                keys.iter()
                    .map(|k| KeyView {
                        id: k.id.clone(),
                        active: k.active,
                        created: k.created,
                        last_used: k.last_used.clone(),
                    })
                    .collect(),
            ),
            (_, Some(row)) => {
                let slots = [
                    (
                        "access_key_1",
                        row.access_key_1_active,
                        row.access_key_1_last_rotated,
                        row.access_key_1_last_used,
                    ),
                    (
                        "access_key_2",
                        row.access_key_2_active,
                        row.access_key_2_last_rotated,
                        row.access_key_2_last_used,
                    ),
                ];
                Known::Known(
                    slots
                        .into_iter()
                        .filter(|(_, active, rotated, _)| *active || rotated.is_some())
                        .map(|(id, active, rotated, used)| KeyView {
                            id: id.to_owned(),
                            active,
                            created: rotated,
                            last_used: Known::Known(used),
                        })
                        .collect(),
                )
            }
            (Some(Known::Unknown(r)), None) => Known::unknown(format!("access keys: {r}")),
            (None, None) => Known::unknown("access keys not collected"),
        }
    }

    /// Report a finding on this user.
    pub fn report(
        &self,
        out: &mut crate::out::Out,
        status: pillar_model::Status,
        message: impl Into<String>,
        evidence: Value,
    ) {
        out.report(
            status,
            self.resource.clone(),
            self.location.clone(),
            message,
            evidence,
            "",
        );
    }
}

/// Every IAM user: collected users joined with their credential-report
/// rows (by ARN, else by name within the account), then report rows of
/// users that were not collected. The root row is never included.
pub(crate) fn user_views(inv: &Inventory) -> Vec<UserView<'_>> {
    let rows: Vec<(Option<&str>, &CredentialReportEntry)> = inv
        .accounts
        .iter()
        .filter_map(|a| {
            a.credential_report
                .get()
                .map(|rows| (a.id.get().map(String::as_str), rows))
        })
        .flat_map(|(acct, rows)| rows.iter().filter(|r| !r.is_root()).map(move |r| (acct, r)))
        .collect();
    let mut used = vec![false; rows.len()];
    let mut views = Vec::new();
    for user in &inv.users {
        let acct = resource_account(&user.resource, &user.arn);
        let found = rows.iter().position(|(row_acct, row)| {
            (!user.arn.is_empty() && row.arn == user.arn)
                || (row.user == user.name && same_account(*row_acct, acct))
        });
        let row = found.and_then(|i| {
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
            rows.get(i).map(|(_, r)| *r)
        });
        views.push(UserView {
            resource: user.resource.clone(),
            location: user.location.clone(),
            name: &user.name,
            user: Some(user),
            row,
        });
    }
    for ((acct, row), taken) in rows.iter().zip(used) {
        if taken {
            continue;
        }
        let account = acct
            .map(str::to_owned)
            .or_else(|| arn_account(&row.arn).map(str::to_owned));
        views.push(UserView {
            resource: ResourceRef::new("AWS::IAM::User", row.arn.clone())
                .named(row.user.clone())
                .in_account(account),
            location: None,
            name: &row.user,
            user: None,
            row: Some(row),
        });
    }
    views
}

/// A user, group or role with its policies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Principal<'a> {
    /// `user`, `group` or `role`.
    pub kind: &'static str,
    /// Identity.
    pub resource: &'a ResourceRef,
    /// Origin in a file.
    pub location: Option<&'a Location>,
    /// Name.
    pub name: &'a str,
    /// Attached managed policy ARNs.
    pub attached: &'a [String],
    /// Inline policies.
    pub inline: &'a [InlinePolicy],
}

/// Every user, group and role; service-linked roles are left out (AWS
/// owns their policies and they cannot be changed).
pub(crate) fn principals(inv: &Inventory) -> Vec<Principal<'_>> {
    let users = inv.users.iter().map(|u| Principal {
        kind: "user",
        resource: &u.resource,
        location: u.location.as_ref(),
        name: &u.name,
        attached: &u.attached_policies,
        inline: &u.inline_policies,
    });
    let groups = inv.groups.iter().map(|g| Principal {
        kind: "group",
        resource: &g.resource,
        location: g.location.as_ref(),
        name: &g.name,
        attached: &g.attached_policies,
        inline: &g.inline_policies,
    });
    let roles = inv
        .roles
        .iter()
        .filter(|r| !r.is_service_linked())
        .map(|r| Principal {
            kind: "role",
            resource: &r.resource,
            location: r.location.as_ref(),
            name: &r.name,
            attached: &r.attached_policies,
            inline: &r.inline_policies,
        });
    users.chain(groups).chain(roles).collect()
}

/// A statement as evidence, in the policy grammar's own field names.
pub(crate) fn statement_json(s: &Statement) -> Value {
    let mut m = Map::new();
    if let Some(sid) = &s.sid {
        m.insert("Sid".into(), json!(sid));
    }
    m.insert(
        "Effect".into(),
        json!(if s.allow { "Allow" } else { "Deny" }),
    );
    for (key, list) in [
        ("Action", &s.action),
        ("NotAction", &s.not_action),
        ("Resource", &s.resource),
        ("NotResource", &s.not_resource),
    ] {
        if !list.is_empty() {
            m.insert(key.into(), json!(list));
        }
    }
    if let Some(p) = &s.principal {
        m.insert("Principal".into(), p.clone());
    }
    if let Some(p) = &s.not_principal {
        m.insert("NotPrincipal".into(), p.clone());
    }
    if let Some(c) = &s.condition {
        m.insert("Condition".into(), c.clone());
    }
    Value::Object(m)
}

pub(crate) use crate::access::restricting_keys;

#[cfg(test)]
mod tests {
    use super::*;
    use pillar_model::PolicyDocument;

    fn stmt(v: Value) -> Statement {
        PolicyDocument(json!({ "Statement": [v] }))
            .statements()
            .remove(0)
    }

    #[test]
    fn arn_parts() {
        assert_eq!(
            arn_account("arn:aws:iam::111122223333:role/x"),
            Some("111122223333")
        );
        assert_eq!(
            arn_account("arn:aws:iam::aws:policy/AdministratorAccess"),
            None
        );
        assert_eq!(
            arn_region("arn:aws:logs:us-east-1:111122223333:log-group:x"),
            Some("us-east-1")
        );
        assert_eq!(arn_region("arn:aws:iam::111122223333:role/x"), None);
    }

    #[test]
    fn restricting_keys_ignore_negated_ifexists_and_wildcards() {
        let s = stmt(json!({"Effect": "Allow", "Condition": {
            "StringEquals": {"sts:ExternalId": "abc", "aws:PrincipalOrgID": "*"},
            "StringNotEquals": {"aws:SourceAccount": "111122223333"},
            "StringEqualsIfExists": {"aws:SourceArn": "arn:aws:s3:::b"}
        }}));
        let keys = [
            "sts:externalid",
            "aws:principalorgid",
            "aws:sourceaccount",
            "aws:sourcearn",
        ];
        assert_eq!(
            restricting_keys(&s, &keys),
            vec!["sts:ExternalId".to_owned()]
        );
    }
}
