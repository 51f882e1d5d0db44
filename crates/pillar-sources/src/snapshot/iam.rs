//! IAM, STS and the snapshot's own metadata file.

use super::parse::{Data, Fail};
use super::util::{policy, tags, time, Ctx, Lines, Tag};
use base64::Engine as _;
use pillar_model::{
    AccessKey, CredentialReportEntry, IamGroup, IamRole, IamUser, InlinePolicy, InstanceProfile,
    Known, ManagedPolicy, MfaDevice, PasswordPolicy, Timestamp,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// `pillar-snapshot.json`, written by the collector.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Meta {
    #[serde(deserialize_with = "time")]
    pub collected_at: Option<Timestamp>,
    pub account_id: Option<String>,
    pub regions: Vec<String>,
}

/// `sts get-caller-identity`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct CallerIdentity {
    pub account: Option<String>,
    pub arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AuthDetailsOut {
    user_detail_list: Vec<UserDetail>,
    group_detail_list: Vec<GroupDetail>,
    role_detail_list: Vec<RoleDetail>,
    policies: Vec<PolicyDetail>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Inline {
    policy_name: String,
    policy_document: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Attached {
    policy_arn: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Boundary {
    permissions_boundary_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct UserDetail {
    user_name: String,
    arn: String,
    #[serde(deserialize_with = "time")]
    create_date: Option<Timestamp>,
    user_policy_list: Vec<Inline>,
    group_list: Vec<String>,
    attached_managed_policies: Vec<Attached>,
    permissions_boundary: Option<Boundary>,
    tags: Vec<Tag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct GroupDetail {
    group_name: String,
    arn: String,
    group_policy_list: Vec<Inline>,
    attached_managed_policies: Vec<Attached>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RoleLastUsed {
    #[serde(deserialize_with = "time")]
    last_used_date: Option<Timestamp>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RoleDetail {
    path: String,
    role_name: String,
    arn: String,
    assume_role_policy_document: Value,
    role_policy_list: Vec<Inline>,
    attached_managed_policies: Vec<Attached>,
    permissions_boundary: Option<Boundary>,
    role_last_used: Option<RoleLastUsed>,
    tags: Vec<Tag>,
    instance_profile_list: Vec<ProfileDetail>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ProfileDetail {
    instance_profile_name: String,
    arn: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PolicyVersion {
    document: Value,
    version_id: String,
    is_default_version: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PolicyDetail {
    policy_name: String,
    arn: String,
    default_version_id: Option<String>,
    attachment_count: Option<u32>,
    policy_version_list: Vec<PolicyVersion>,
}

/// Everything `get-account-authorization-details` gives.
#[derive(Debug, Default)]
pub(crate) struct AuthDetails {
    pub users: Vec<IamUser>,
    pub groups: Vec<IamGroup>,
    pub roles: Vec<IamRole>,
    pub policies: Vec<ManagedPolicy>,
    /// Instance profiles, from each role's `InstanceProfileList`.
    pub instance_profiles: Vec<InstanceProfile>,
    /// Parts that could not be read: (line, reason).
    pub warnings: Vec<(Option<u32>, String)>,
}

/// The account id inside an ARN (`arn:aws:iam::123456789012:user/x`).
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

fn id_of(arn: &str, name: &str) -> String {
    if arn.is_empty() {
        name.to_owned()
    } else {
        arn.to_owned()
    }
}

fn inline(
    list: Vec<Inline>,
    owner: &str,
    line: Option<u32>,
    warnings: &mut Vec<(Option<u32>, String)>,
) -> Vec<InlinePolicy> {
    list.into_iter()
        .filter_map(|p| match policy(p.policy_document) {
            Ok(document) => Some(InlinePolicy {
                name: p.policy_name,
                document,
            }),
            Err(e) => {
                warnings.push((
                    line,
                    format!("inline policy {} of {owner}: {e}", p.policy_name),
                ));
                None
            }
        })
        .collect()
}

fn boundary(b: Option<Boundary>) -> Option<String> {
    b.and_then(|b| b.permissions_boundary_arn)
}

fn attached(list: Vec<Attached>) -> Vec<String> {
    list.into_iter().map(|a| a.policy_arn).collect()
}

pub(crate) fn auth_details(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: AuthDetailsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let mut d = AuthDetails::default();
    let global = Ctx {
        region: None,
        ..*ctx
    };
    for u in out.user_detail_list {
        let location = global.loc(&mut lines, &u.user_name);
        let line = location.as_ref().and_then(|l| l.line);
        let id = id_of(&u.arn, &u.user_name);
        let account = arn_account(&u.arn);
        d.users.push(IamUser {
            resource: global
                .rref("AWS::IAM::User", id, account)
                .named(u.user_name.clone()),
            location,
            inline_policies: inline(u.user_policy_list, &u.user_name, line, &mut d.warnings),
            name: u.user_name,
            arn: u.arn,
            created: u.create_date,
            attached_policies: attached(u.attached_managed_policies),
            groups: u.group_list,
            permissions_boundary: boundary(u.permissions_boundary),
            tags: tags(u.tags),
            ..IamUser::default()
        });
    }
    for g in out.group_detail_list {
        let location = global.loc(&mut lines, &g.group_name);
        let line = location.as_ref().and_then(|l| l.line);
        let id = id_of(&g.arn, &g.group_name);
        let account = arn_account(&g.arn);
        d.groups.push(IamGroup {
            resource: global
                .rref("AWS::IAM::Group", id, account)
                .named(g.group_name.clone()),
            location,
            inline_policies: inline(g.group_policy_list, &g.group_name, line, &mut d.warnings),
            name: g.group_name,
            arn: g.arn,
            attached_policies: attached(g.attached_managed_policies),
            ..IamGroup::default()
        });
    }
    for r in out.role_detail_list {
        let location = global.loc(&mut lines, &r.role_name);
        let line = location.as_ref().and_then(|l| l.line);
        let id = id_of(&r.arn, &r.role_name);
        let account = arn_account(&r.arn);
        let assume_role_policy = match policy(r.assume_role_policy_document) {
            Ok(doc) => Known::Known(doc),
            Err(e) => Known::Unknown(format!("trust policy: {e}")),
        };
        for p in r.instance_profile_list {
            if p.arn.is_empty() {
                continue;
            }
            match d.instance_profiles.iter_mut().find(|x| x.arn == p.arn) {
                Some(known) => known.roles.push(r.arn.clone()),
                None => d.instance_profiles.push(InstanceProfile {
                    resource: global
                        .rref(
                            "AWS::IAM::InstanceProfile",
                            p.arn.clone(),
                            arn_account(&p.arn),
                        )
                        .named(p.instance_profile_name.clone()),
                    location: None,
                    name: p.instance_profile_name,
                    arn: p.arn,
                    roles: vec![r.arn.clone()],
                }),
            }
        }
        d.roles.push(IamRole {
            resource: global
                .rref("AWS::IAM::Role", id, account)
                .named(r.role_name.clone()),
            location,
            inline_policies: inline(r.role_policy_list, &r.role_name, line, &mut d.warnings),
            name: r.role_name,
            arn: r.arn,
            path: r.path,
            assume_role_policy,
            attached_policies: attached(r.attached_managed_policies),
            permissions_boundary: boundary(r.permissions_boundary),
            // An empty `RoleLastUsed` means no use in the tracking window.
            last_used: match r.role_last_used {
                Some(u) => Known::Known(u.last_used_date),
                None => Known::unknown("RoleLastUsed not in the file"),
            },
            tags: tags(r.tags),
            ..IamRole::default()
        });
    }
    for p in out.policies {
        let location = global.loc(&mut lines, &p.arn);
        let default_id = p.default_version_id.clone();
        let version = p
            .policy_version_list
            .into_iter()
            .find(|v| v.is_default_version || default_id.as_deref() == Some(v.version_id.as_str()));
        let document = match version {
            Some(v) => match policy(v.document) {
                Ok(doc) => Known::Known(doc),
                Err(e) => Known::Unknown(e),
            },
            None => Known::unknown("the default policy version is not in the file"),
        };
        let account = arn_account(&p.arn).filter(|a| *a != "aws");
        d.policies.push(ManagedPolicy {
            resource: global
                .rref("AWS::IAM::ManagedPolicy", p.arn.clone(), account)
                .named(p.policy_name.clone()),
            location,
            aws_managed: p.arn.contains(":iam::aws:policy/"),
            name: p.policy_name,
            arn: p.arn,
            document,
            attachment_count: p.attachment_count,
            ..ManagedPolicy::default()
        });
    }
    Ok(Data::Auth(Box::new(d)))
}

// ------------------------------------------------------ credential report

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ReportOut {
    content: String,
    #[serde(deserialize_with = "time")]
    generated_time: Option<Timestamp>,
}

/// One credential report cell: a time, `N/A` (never / not applicable) or
/// `no_information` (before tracking began) / `not_supported`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Cell {
    Time(Timestamp),
    #[default]
    NotApplicable,
    NoInformation,
}

impl Cell {
    fn parse(s: &str) -> Cell {
        match super::util::parse_time(s) {
            Some(t) => Cell::Time(t),
            None if s == "N/A" || s.is_empty() => Cell::NotApplicable,
            None => Cell::NoInformation,
        }
    }

    pub fn time(&self) -> Option<Timestamp> {
        match self {
            Cell::Time(t) => Some(*t),
            _ => None,
        }
    }

    /// As a "last used" value: `N/A` is never used, `no_information` unknown.
    pub fn last_used(&self, what: &str) -> Known<Option<Timestamp>> {
        match self {
            Cell::Time(t) => Known::Known(Some(*t)),
            Cell::NotApplicable => Known::Known(None),
            Cell::NoInformation => Known::Unknown(format!(
                "{what}: no_information in the credential report (used before tracking began)"
            )),
        }
    }
}

/// The credential report with the raw cells rules may need beyond
/// [`CredentialReportEntry`].
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub rows: Vec<CredentialReportEntry>,
    /// Per row: password last used, key 1 last used, key 2 last used.
    pub cells: Vec<[Cell; 3]>,
    pub generated: Option<Timestamp>,
}

fn truthy(s: &str) -> bool {
    matches!(s, "true" | "TRUE" | "True" | "not_supported")
}

pub(crate) fn credential_report(bytes: &[u8]) -> Result<Data, Fail> {
    let out: ReportOut = serde_json::from_slice(bytes)?;
    let cleaned: String = out.content.split_whitespace().collect();
    let csv_bytes = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| Fail::Other(format!("credential report content is not base64: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| Fail::Other(format!("credential report is not CSV: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let idx = [
        "user",
        "arn",
        "user_creation_time",
        "password_enabled",
        "password_last_used",
        "mfa_active",
        "access_key_1_active",
        "access_key_1_last_rotated",
        "access_key_1_last_used_date",
        "access_key_2_active",
        "access_key_2_last_rotated",
        "access_key_2_last_used_date",
    ]
    .map(col);
    if idx.first().copied().flatten().is_none() {
        return Err(Fail::Other(
            "credential report has no `user` column".to_owned(),
        ));
    }
    let mut report = Report {
        generated: out.generated_time,
        ..Report::default()
    };
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            Fail::Other(format!(
                "credential report row {}: {e}",
                n.saturating_add(2)
            ))
        })?;
        let get = |i: usize| -> &str {
            idx.get(i)
                .copied()
                .flatten()
                .and_then(|c| record.get(c))
                .unwrap_or("")
        };
        let pw_used = Cell::parse(get(4));
        let k1_used = Cell::parse(get(8));
        let k2_used = Cell::parse(get(11));
        report.rows.push(CredentialReportEntry {
            user: get(0).to_owned(),
            arn: get(1).to_owned(),
            created: Cell::parse(get(2)).time(),
            password_enabled: truthy(get(3)),
            password_last_used: pw_used.time(),
            mfa_active: truthy(get(5)),
            access_key_1_active: truthy(get(6)),
            access_key_1_last_rotated: Cell::parse(get(7)).time(),
            access_key_1_last_used: k1_used.time(),
            access_key_2_active: truthy(get(9)),
            access_key_2_last_rotated: Cell::parse(get(10)).time(),
            access_key_2_last_used: k2_used.time(),
        });
        report.cells.push([pw_used, k1_used, k2_used]);
    }
    Ok(Data::Report(Box::new(report)))
}

// ---------------------------------------------------------- small files

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PasswordPolicyOut {
    password_policy: Option<PasswordPolicyShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PasswordPolicyShape {
    minimum_password_length: Option<u32>,
    require_symbols: bool,
    require_numbers: bool,
    require_uppercase_characters: bool,
    require_lowercase_characters: bool,
    allow_users_to_change_password: bool,
    max_password_age: Option<u32>,
    password_reuse_prevention: Option<u32>,
    hard_expiry: bool,
}

pub(crate) fn password_policy(bytes: &[u8]) -> Result<Data, Fail> {
    let out: PasswordPolicyOut = serde_json::from_slice(bytes)?;
    let p = out
        .password_policy
        .ok_or_else(|| Fail::Other("no PasswordPolicy in the file".to_owned()))?;
    Ok(Data::PasswordPolicy(Some(PasswordPolicy {
        minimum_length: p.minimum_password_length,
        require_symbols: p.require_symbols,
        require_numbers: p.require_numbers,
        require_uppercase: p.require_uppercase_characters,
        require_lowercase: p.require_lowercase_characters,
        allow_users_to_change: p.allow_users_to_change_password,
        max_age_days: p.max_password_age,
        reuse_prevention: p.password_reuse_prevention,
        hard_expiry: p.hard_expiry,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SummaryOut {
    summary_map: Option<BTreeMap<String, i64>>,
}

pub(crate) fn account_summary(bytes: &[u8]) -> Result<Data, Fail> {
    let out: SummaryOut = serde_json::from_slice(bytes)?;
    out.summary_map
        .map(Data::Summary)
        .ok_or_else(|| Fail::Other("no SummaryMap in the file".to_owned()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AccessKeysOut {
    access_key_metadata: Vec<AccessKeyShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AccessKeyShape {
    access_key_id: String,
    status: String,
    #[serde(deserialize_with = "time")]
    create_date: Option<Timestamp>,
}

pub(crate) fn access_keys(bytes: &[u8]) -> Result<Data, Fail> {
    let out: AccessKeysOut = serde_json::from_slice(bytes)?;
    Ok(Data::AccessKeys(
        out.access_key_metadata
            .into_iter()
            .map(|k| AccessKey {
                id: k.access_key_id,
                active: k.status == "Active",
                created: k.create_date,
                last_used: Known::default(),
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LastUsedOut {
    access_key_last_used: Option<LastUsedShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LastUsedShape {
    #[serde(deserialize_with = "time")]
    last_used_date: Option<Timestamp>,
}

pub(crate) fn access_key_last_used(bytes: &[u8]) -> Result<Data, Fail> {
    let out: LastUsedOut = serde_json::from_slice(bytes)?;
    // No `LastUsedDate` means the key was never used.
    out.access_key_last_used
        .map(|u| Data::LastUsed(u.last_used_date))
        .ok_or_else(|| Fail::Other("no AccessKeyLastUsed in the file".to_owned()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MfaOut {
    #[serde(rename = "MFADevices")]
    mfa_devices: Vec<MfaShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct MfaShape {
    serial_number: String,
    #[serde(deserialize_with = "time")]
    enable_date: Option<Timestamp>,
}

pub(crate) fn mfa_devices(bytes: &[u8]) -> Result<Data, Fail> {
    let out: MfaOut = serde_json::from_slice(bytes)?;
    Ok(Data::Mfa(
        out.mfa_devices
            .into_iter()
            .map(|m| MfaDevice {
                // Virtual devices are ARNs `arn:aws:iam::<acct>:mfa/<name>`.
                is_virtual: m.serial_number.contains(":mfa/"),
                serial: m.serial_number,
                enabled: m.enable_date,
            })
            .collect(),
    ))
}
