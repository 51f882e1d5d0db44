//! S3 (bucket list and per-bucket settings), S3 Control and Organizations.

use super::parse::{Data, Fail};
use super::util::{policy_text, time, Ctx, Lines};
use pillar_model::{
    Bucket, BucketEncryption, BucketLogging, Grant, LifecycleRule, PublicAccessBlock, Scp,
    Timestamp,
};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BucketsOut {
    buckets: Vec<BucketShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BucketShape {
    name: String,
    #[serde(deserialize_with = "time")]
    creation_date: Option<Timestamp>,
    bucket_region: Option<String>,
}

pub(crate) fn buckets(bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    let out: BucketsOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let ctx = Ctx {
        region: None,
        ..*ctx
    };
    let list = out
        .buckets
        .into_iter()
        .map(|b| {
            // Bucket ARNs carry neither region nor account.
            let arn = format!("arn:{}:s3:::{}", ctx.partition, b.name);
            let mut resource = ctx.rref("AWS::S3::Bucket", arn, None).named(b.name.clone());
            resource.region.clone_from(&b.bucket_region);
            Bucket {
                resource,
                location: ctx.loc(&mut lines, &b.name),
                name: b.name,
                region: b.bucket_region,
                created: b.creation_date,
                ..Bucket::default()
            }
        })
        .collect();
    Ok(Data::Buckets(list))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LocationOut {
    location_constraint: Option<String>,
}

pub(crate) fn bucket_location(bytes: &[u8]) -> Result<Data, Fail> {
    let out: LocationOut = serde_json::from_slice(bytes)?;
    // A null constraint is us-east-1; the legacy `EU` is eu-west-1.
    let region = match out.location_constraint.as_deref() {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(r) => r.to_owned(),
    };
    Ok(Data::Text(Some(region)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AclOut {
    grants: Vec<GrantShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct GrantShape {
    grantee: GranteeShape,
    permission: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GranteeShape {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "URI")]
    uri: Option<String>,
    #[serde(rename = "ID")]
    id: Option<String>,
}

pub(crate) fn bucket_acl(bytes: &[u8]) -> Result<Data, Fail> {
    let out: AclOut = serde_json::from_slice(bytes)?;
    Ok(Data::Grants(
        out.grants
            .into_iter()
            .map(|g| Grant {
                grantee_type: g.grantee.kind,
                uri: g.grantee.uri,
                id: g.grantee.id,
                permission: g.permission,
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PolicyOut {
    policy: Option<String>,
}

/// `{"Policy": "<JSON text>"}` (bucket, Lambda and KMS key policies).
pub(crate) fn policy_file(bytes: &[u8]) -> Result<Data, Fail> {
    let out: PolicyOut = serde_json::from_slice(bytes)?;
    Ok(match out.policy {
        Some(text) => match policy_text(&text) {
            Ok(doc) => Data::Policy(Some(doc)),
            Err(e) => Data::Invalid(e),
        },
        None => Data::Invalid("no Policy in the file".to_owned()),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PabOut {
    public_access_block_configuration: Option<PabShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PabShape {
    block_public_acls: bool,
    ignore_public_acls: bool,
    block_public_policy: bool,
    restrict_public_buckets: bool,
}

pub(crate) fn public_access_block(bytes: &[u8]) -> Result<Data, Fail> {
    let out: PabOut = serde_json::from_slice(bytes)?;
    let p = out
        .public_access_block_configuration
        .ok_or_else(|| Fail::Other("no PublicAccessBlockConfiguration in the file".to_owned()))?;
    Ok(Data::Pab(Some(PublicAccessBlock {
        block_public_acls: p.block_public_acls,
        ignore_public_acls: p.ignore_public_acls,
        block_public_policy: p.block_public_policy,
        restrict_public_buckets: p.restrict_public_buckets,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EncryptionOut {
    server_side_encryption_configuration: Option<EncryptionConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EncryptionConfig {
    rules: Vec<EncryptionRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct EncryptionRule {
    apply_server_side_encryption_by_default: Option<EncryptionDefault>,
    bucket_key_enabled: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EncryptionDefault {
    #[serde(rename = "SSEAlgorithm")]
    sse_algorithm: String,
    #[serde(rename = "KMSMasterKeyID")]
    kms_master_key_id: Option<String>,
}

pub(crate) fn bucket_encryption(bytes: &[u8]) -> Result<Data, Fail> {
    let out: EncryptionOut = serde_json::from_slice(bytes)?;
    let rule = out
        .server_side_encryption_configuration
        .unwrap_or_default()
        .rules
        .into_iter()
        .find_map(|r| {
            r.apply_server_side_encryption_by_default
                .map(|d| (d, r.bucket_key_enabled))
        });
    Ok(Data::Encryption(rule.map(|(d, key)| BucketEncryption {
        algorithm: d.sse_algorithm,
        kms_key_id: d.kms_master_key_id,
        bucket_key_enabled: key,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VersioningOut {
    #[serde(rename = "Status")]
    status: Option<String>,
    #[serde(rename = "MFADelete")]
    mfa_delete: Option<String>,
}

pub(crate) fn bucket_versioning(bytes: &[u8]) -> Result<Data, Fail> {
    let out: VersioningOut = serde_json::from_slice(bytes)?;
    Ok(Data::Versioning {
        status: out.status,
        mfa_delete: out.mfa_delete.as_deref() == Some("Enabled"),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LoggingOut {
    logging_enabled: Option<LoggingShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LoggingShape {
    target_bucket: String,
    target_prefix: String,
}

pub(crate) fn bucket_logging(bytes: &[u8]) -> Result<Data, Fail> {
    let out: LoggingOut = serde_json::from_slice(bytes)?;
    Ok(Data::Logging(out.logging_enabled.map(|l| BucketLogging {
        target_bucket: l.target_bucket,
        target_prefix: l.target_prefix,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LifecycleOut {
    rules: Vec<LifecycleShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LifecycleShape {
    #[serde(rename = "ID")]
    id: Option<String>,
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "Prefix")]
    prefix: Option<String>,
    #[serde(rename = "Filter")]
    filter: Option<LifecycleFilter>,
    #[serde(rename = "Expiration")]
    expiration: Option<Expiration>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LifecycleFilter {
    prefix: Option<String>,
    and: Option<LifecycleFilterAnd>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LifecycleFilterAnd {
    prefix: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Expiration {
    days: Option<i64>,
}

pub(crate) fn bucket_lifecycle(bytes: &[u8]) -> Result<Data, Fail> {
    let out: LifecycleOut = serde_json::from_slice(bytes)?;
    Ok(Data::Lifecycle(
        out.rules
            .into_iter()
            .map(|r| {
                let filter = r.filter.unwrap_or_default();
                let prefix = filter
                    .prefix
                    .or(filter.and.and_then(|a| a.prefix))
                    .or(r.prefix)
                    .unwrap_or_default();
                LifecycleRule {
                    id: r.id,
                    enabled: r.status == "Enabled",
                    prefix,
                    expiration_days: r.expiration.and_then(|e| e.days),
                }
            })
            .collect(),
    ))
}

// --------------------------------------------------------- organizations

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct OrganizationOut {
    organization: Option<OrganizationShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct OrganizationShape {
    id: String,
    master_account_id: Option<String>,
}

pub(crate) fn organization(bytes: &[u8]) -> Result<Data, Fail> {
    let out: OrganizationOut = serde_json::from_slice(bytes)?;
    let org = out
        .organization
        .ok_or_else(|| Fail::Other("no Organization in the file".to_owned()))?;
    Ok(Data::Organization {
        id: org.id,
        management: org.master_account_id.filter(|m| !m.is_empty()),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PoliciesOut {
    policies: Vec<PolicySummary>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PolicySummary {
    id: String,
    arn: String,
    name: String,
    #[serde(rename = "Type")]
    kind: Option<String>,
}

/// `organizations list-policies --filter KIND` (SCPs or RCPs).
pub(crate) fn org_policies(bytes: &[u8], ctx: &Ctx<'_>, kind: &str) -> Result<Vec<Scp>, Fail> {
    let out: PoliciesOut = serde_json::from_slice(bytes)?;
    let mut lines = Lines::new(bytes);
    let ctx = Ctx {
        region: None,
        ..*ctx
    };
    let list = out
        .policies
        .into_iter()
        .filter(|p| p.kind.as_deref().is_none_or(|k| k == kind))
        .map(|p| {
            let id = if p.arn.is_empty() {
                p.id.clone()
            } else {
                p.arn
            };
            Scp {
                resource: ctx
                    .rref("AWS::Organizations::Policy", id, None)
                    .named(p.name.clone()),
                location: ctx.loc(&mut lines, &p.id),
                name: p.name,
                ..Scp::default()
            }
        })
        .collect();
    Ok(list)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DescribePolicyOut {
    policy: Option<DescribedPolicy>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DescribedPolicy {
    content: Option<String>,
}

pub(crate) fn org_policy(bytes: &[u8]) -> Result<Data, Fail> {
    let out: DescribePolicyOut = serde_json::from_slice(bytes)?;
    Ok(match out.policy.and_then(|p| p.content) {
        Some(text) => match policy_text(&text) {
            Ok(doc) => Data::Policy(Some(doc)),
            Err(e) => Data::Invalid(e),
        },
        None => Data::Invalid("no Policy.Content in the file".to_owned()),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetsOut {
    targets: Vec<TargetShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct TargetShape {
    target_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ParentsOut {
    parents: Vec<ParentShape>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ParentShape {
    id: String,
}

/// `organizations list-parents --child-id ID`: the parent's id.
pub(crate) fn org_parents(bytes: &[u8]) -> Result<Data, Fail> {
    let out: ParentsOut = serde_json::from_slice(bytes)?;
    Ok(Data::Strings(
        out.parents
            .into_iter()
            .map(|p| p.id)
            .filter(|id| !id.is_empty())
            .collect(),
    ))
}

pub(crate) fn org_policy_targets(bytes: &[u8]) -> Result<Data, Fail> {
    let out: TargetsOut = serde_json::from_slice(bytes)?;
    Ok(Data::Strings(
        out.targets.into_iter().map(|t| t.target_id).collect(),
    ))
}
