//! Account-wide calls: STS, IAM, S3, S3 Control, Organizations. File names
//! and shapes follow `docs/snapshot-layout.md`.

use super::call::{key, prune, ApiError, Ctx};
use super::clients::Global;
use super::json::{boolean, int, policy_document, s, strings, time};
use super::spawn_all;
use aws_sdk_organizations::types::PolicyType;
use base64::Engine as _;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// `sts get-caller-identity`: the account id. It needs no permission, so
/// a failure means no usable credentials or no way to the API.
pub(crate) async fn caller_identity(ctx: &Ctx, g: &Global) -> Result<Option<String>, ApiError> {
    let file = "sts-get-caller-identity.json";
    match ctx.run(g.sts.get_caller_identity().send()).await {
        Ok(o) => {
            ctx.write(
                file,
                &prune(
                    json!({"UserId": s(o.user_id()), "Account": s(o.account()), "Arn": s(o.arn())}),
                ),
            );
            Ok(o.account().map(str::to_owned))
        }
        Err(e) => {
            ctx.fail(file, e.clone());
            Err(e)
        }
    }
}

// ------------------------------------------------------------------ IAM

fn inline(list: &[aws_sdk_iam::types::PolicyDetail]) -> Value {
    list.iter()
        .map(|p| {
            json!({
                "PolicyName": s(p.policy_name()),
                "PolicyDocument": policy_document(p.policy_document()),
            })
        })
        .collect()
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Value {
    list.iter()
        .map(|p| json!({"PolicyName": s(p.policy_name()), "PolicyArn": s(p.policy_arn())}))
        .collect()
}

fn boundary(b: Option<&aws_sdk_iam::types::AttachedPermissionsBoundary>) -> Value {
    b.map_or(Value::Null, |b| {
        json!({
            "PermissionsBoundaryType": s(b.permissions_boundary_type().map(|t| t.as_str())),
            "PermissionsBoundaryArn": s(b.permissions_boundary_arn()),
        })
    })
}

fn iam_tags(list: &[aws_sdk_iam::types::Tag]) -> Value {
    list.iter()
        .map(|t| json!({"Key": t.key(), "Value": t.value()}))
        .collect()
}

/// `iam get-account-authorization-details`, every page merged as the CLI
/// does, policy documents decoded to JSON objects.
pub(crate) fn authorization_details(
    pages: &[aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput],
) -> Value {
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut roles = Vec::new();
    let mut policies = Vec::new();
    for page in pages {
        for u in page.user_detail_list() {
            users.push(json!({
                "Path": s(u.path()),
                "UserName": s(u.user_name()),
                "UserId": s(u.user_id()),
                "Arn": s(u.arn()),
                "CreateDate": time(u.create_date()),
                "UserPolicyList": inline(u.user_policy_list()),
                "GroupList": strings(u.group_list()),
                "AttachedManagedPolicies": attached(u.attached_managed_policies()),
                "PermissionsBoundary": boundary(u.permissions_boundary()),
                "Tags": iam_tags(u.tags()),
            }));
        }
        for g in page.group_detail_list() {
            groups.push(json!({
                "Path": s(g.path()),
                "GroupName": s(g.group_name()),
                "GroupId": s(g.group_id()),
                "Arn": s(g.arn()),
                "CreateDate": time(g.create_date()),
                "GroupPolicyList": inline(g.group_policy_list()),
                "AttachedManagedPolicies": attached(g.attached_managed_policies()),
            }));
        }
        for r in page.role_detail_list() {
            let last_used = r.role_last_used().map_or(
                Value::Null,
                |u| json!({"LastUsedDate": time(u.last_used_date()), "Region": s(u.region())}),
            );
            roles.push(json!({
                "Path": s(r.path()),
                "RoleName": s(r.role_name()),
                "RoleId": s(r.role_id()),
                "Arn": s(r.arn()),
                "CreateDate": time(r.create_date()),
                "AssumeRolePolicyDocument": policy_document(r.assume_role_policy_document()),
                "RolePolicyList": inline(r.role_policy_list()),
                "AttachedManagedPolicies": attached(r.attached_managed_policies()),
                "PermissionsBoundary": boundary(r.permissions_boundary()),
                "Tags": iam_tags(r.tags()),
                "RoleLastUsed": last_used,
            }));
        }
        for p in page.policies() {
            let versions: Vec<Value> = p
                .policy_version_list()
                .iter()
                .map(|v| {
                    json!({
                        "Document": policy_document(v.document()),
                        "VersionId": s(v.version_id()),
                        "IsDefaultVersion": v.is_default_version(),
                        "CreateDate": time(v.create_date()),
                    })
                })
                .collect();
            policies.push(json!({
                "PolicyName": s(p.policy_name()),
                "PolicyId": s(p.policy_id()),
                "Arn": s(p.arn()),
                "Path": s(p.path()),
                "DefaultVersionId": s(p.default_version_id()),
                "AttachmentCount": int(p.attachment_count()),
                "PermissionsBoundaryUsageCount": int(p.permissions_boundary_usage_count()),
                "IsAttachable": p.is_attachable(),
                "CreateDate": time(p.create_date()),
                "UpdateDate": time(p.update_date()),
                "PolicyVersionList": versions,
            }));
        }
    }
    json!({
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
    })
}

/// IAM: authorization details, credential report, password policy,
/// account summary, and per user their keys (with last use) and MFA.
pub(crate) async fn iam(ctx: Arc<Ctx>, g: Arc<Global>) {
    let details = ctx
        .call(
            "iam-get-account-authorization-details.json",
            g.iam
                .get_account_authorization_details()
                // The largest page IAM allows: fewer round trips.
                .max_items(1000)
                .into_paginator()
                .send()
                .try_collect(),
            |pages| authorization_details(pages),
        )
        .await;
    // Only the user names are needed from here on: the pages (every policy
    // document of the account) are freed before the per-user calls.
    let users: Vec<String> = details
        .iter()
        .flatten()
        .flat_map(|p| p.user_detail_list())
        .filter_map(|u| u.user_name().map(str::to_owned))
        .collect();
    drop(details);

    // `generate-credential-report` asks IAM to build the report (at most
    // every four hours) so `get-credential-report` can return it. It
    // creates only that report and changes nothing in the account.
    for _ in 0..10 {
        let state = ctx
            .run(g.iam.generate_credential_report().send())
            .await
            .ok()
            .and_then(|o| o.state().map(|s| s.as_str().to_owned()));
        match state.as_deref() {
            Some("COMPLETE") | None => break,
            Some(_) => tokio::time::sleep(Duration::from_secs(2)).await,
        }
    }
    ctx.call(
        "iam-get-credential-report.json",
        g.iam.get_credential_report().send(),
        |o| {
            json!({
                "Content": o.content().map(|b| base64::engine::general_purpose::STANDARD.encode(b.as_ref())),
                "ReportFormat": s(o.report_format().map(|f| f.as_str())),
                "GeneratedTime": time(o.generated_time()),
            })
        },
    )
    .await;
    ctx.call(
        "iam-get-account-password-policy.json",
        g.iam.get_account_password_policy().send(),
        |o| {
            let p = o.password_policy().map_or(Value::Null, |p| {
                json!({
                    "MinimumPasswordLength": int(p.minimum_password_length()),
                    "RequireSymbols": p.require_symbols(),
                    "RequireNumbers": p.require_numbers(),
                    "RequireUppercaseCharacters": p.require_uppercase_characters(),
                    "RequireLowercaseCharacters": p.require_lowercase_characters(),
                    "AllowUsersToChangePassword": p.allow_users_to_change_password(),
                    "ExpirePasswords": p.expire_passwords(),
                    "MaxPasswordAge": int(p.max_password_age()),
                    "PasswordReusePrevention": int(p.password_reuse_prevention()),
                    "HardExpiry": boolean(p.hard_expiry()),
                })
            });
            json!({ "PasswordPolicy": p })
        },
    )
    .await;
    ctx.call(
        "iam-get-account-summary.json",
        g.iam.get_account_summary().send(),
        |o| {
            let mut map: Vec<(&str, i32)> = o
                .summary_map()
                .map(|m| m.iter().map(|(k, v)| (k.as_str(), *v)).collect())
                .unwrap_or_default();
            map.sort_unstable();
            let obj: serde_json::Map<String, Value> = map
                .into_iter()
                .map(|(k, v)| (k.to_owned(), Value::from(v)))
                .collect();
            json!({ "SummaryMap": obj })
        },
    )
    .await;

    spawn_all(&ctx, users, |ctx, user| {
        let iam = g.iam.clone();
        async move { iam_user(&ctx, &iam, &user).await }
    })
    .await;
}

async fn iam_user(ctx: &Ctx, iam: &aws_sdk_iam::Client, user: &str) {
    let k = key(user);
    let keys = ctx
        .call(
            &format!("iam-list-access-keys/{k}.json"),
            every!(iam.list_access_keys().user_name(user)),
            |keys| {
                let list: Vec<Value> = keys
                    .iter()
                    .map(|m| {
                        json!({
                            "UserName": s(m.user_name()),
                            "AccessKeyId": s(m.access_key_id()),
                            "Status": s(m.status().map(|s| s.as_str())),
                            "CreateDate": time(m.create_date()),
                        })
                    })
                    .collect();
                json!({ "AccessKeyMetadata": list })
            },
        )
        .await
        .unwrap_or_default();
    for id in keys.iter().filter_map(|m| m.access_key_id()) {
        ctx.call(
            &format!("iam-get-access-key-last-used/{}.json", key(id)),
            iam.get_access_key_last_used().access_key_id(id).send(),
            |o| {
                let used = o.access_key_last_used().map_or(Value::Null, |u| {
                    json!({
                        "LastUsedDate": time(u.last_used_date()),
                        "ServiceName": u.service_name(),
                        "Region": u.region(),
                    })
                });
                json!({"UserName": s(o.user_name()), "AccessKeyLastUsed": used})
            },
        )
        .await;
    }
    ctx.call(
        &format!("iam-list-mfa-devices/{k}.json"),
        every!(iam.list_mfa_devices().user_name(user)),
        |devices| {
            let list: Vec<Value> = devices
                .iter()
                .map(|d| {
                    json!({
                        "UserName": d.user_name(),
                        "SerialNumber": d.serial_number(),
                        "EnableDate": time(Some(d.enable_date())),
                    })
                })
                .collect();
            json!({ "MFADevices": list })
        },
    )
    .await;
}

// ------------------------------------------------------------------- S3

fn pab(c: Option<&aws_sdk_s3::types::PublicAccessBlockConfiguration>) -> Value {
    c.map_or(Value::Null, |c| {
        json!({
            "BlockPublicAcls": boolean(c.block_public_acls()),
            "IgnorePublicAcls": boolean(c.ignore_public_acls()),
            "BlockPublicPolicy": boolean(c.block_public_policy()),
            "RestrictPublicBuckets": boolean(c.restrict_public_buckets()),
        })
    })
}

/// S3: the bucket list, then each bucket's settings from its own region.
pub(crate) async fn s3(ctx: Arc<Ctx>, g: Arc<Global>) {
    let buckets = ctx
        .call(
            "s3api-list-buckets.json",
            every!(g.s3.list_buckets()),
            |list| {
                let items: Vec<Value> = list
                    .iter()
                    .map(|b| {
                        json!({
                            "Name": s(b.name()),
                            "CreationDate": time(b.creation_date()),
                            "BucketRegion": s(b.bucket_region()),
                        })
                    })
                    .collect();
                json!({ "Buckets": items })
            },
        )
        .await
        .unwrap_or_default();
    let list: Vec<(String, Option<String>)> = buckets
        .iter()
        .filter_map(|b| {
            b.name()
                .map(|n| (n.to_owned(), b.bucket_region().map(str::to_owned)))
        })
        .collect();
    let home = super::clients::home_region(&g.config);
    spawn_all(&ctx, list, |ctx, (name, listed_region)| {
        let g = g.clone();
        let home = home.clone();
        async move { bucket(&ctx, &g, &name, listed_region, &home).await }
    })
    .await;
}

async fn bucket(ctx: &Ctx, g: &Global, name: &str, listed_region: Option<String>, home: &str) {
    let k = key(name);
    let location = ctx
        .call(
            &format!("s3api-get-bucket-location/{k}.json"),
            g.s3.get_bucket_location().bucket(name).send(),
            |o| json!({"LocationConstraint": s(o.location_constraint().map(|c| c.as_str()))}),
        )
        .await;
    // A missing constraint is us-east-1; the legacy `EU` is eu-west-1.
    let region = match location.as_ref().and_then(|o| o.location_constraint()) {
        Some(c) if c.as_str() == "EU" => "eu-west-1".to_owned(),
        Some(c) if !c.as_str().is_empty() => c.as_str().to_owned(),
        Some(_) => "us-east-1".to_owned(),
        None if location.is_some() => "us-east-1".to_owned(),
        None => listed_region.unwrap_or_else(|| home.to_owned()),
    };
    let s3 = g.s3_in(&region);
    ctx.call(
        &format!("s3api-get-bucket-acl/{k}.json"),
        s3.get_bucket_acl().bucket(name).send(),
        |o| {
            let grants: Vec<Value> = o
                .grants()
                .iter()
                .map(|gr| {
                    let grantee = gr.grantee().map_or(Value::Null, |g| {
                        json!({
                            "Type": g.r#type().as_str(),
                            "URI": s(g.uri()),
                            "ID": s(g.id()),
                            "DisplayName": s(g.display_name()),
                        })
                    });
                    json!({"Grantee": grantee, "Permission": s(gr.permission().map(|p| p.as_str()))})
                })
                .collect();
            let owner = o
                .owner()
                .map_or(Value::Null, |ow| json!({"ID": s(ow.id()), "DisplayName": s(ow.display_name())}));
            json!({"Owner": owner, "Grants": grants})
        },
    )
    .await;
    ctx.call(
        &format!("s3api-get-bucket-policy/{k}.json"),
        s3.get_bucket_policy().bucket(name).send(),
        |o| json!({"Policy": s(o.policy())}),
    )
    .await;
    ctx.call(
        &format!("s3api-get-public-access-block/{k}.json"),
        s3.get_public_access_block().bucket(name).send(),
        |o| json!({"PublicAccessBlockConfiguration": pab(o.public_access_block_configuration())}),
    )
    .await;
    ctx.call(
        &format!("s3api-get-bucket-encryption/{k}.json"),
        s3.get_bucket_encryption().bucket(name).send(),
        |o| {
            let rules: Vec<Value> = o
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let default =
                        r.apply_server_side_encryption_by_default()
                            .map_or(Value::Null, |d| {
                                json!({
                                    "SSEAlgorithm": d.sse_algorithm().as_str(),
                                    "KMSMasterKeyID": s(d.kms_master_key_id()),
                                })
                            });
                    json!({
                        "ApplyServerSideEncryptionByDefault": default,
                        "BucketKeyEnabled": boolean(r.bucket_key_enabled()),
                    })
                })
                .collect();
            json!({"ServerSideEncryptionConfiguration": {"Rules": rules}})
        },
    )
    .await;
    ctx.call(
        &format!("s3api-get-bucket-versioning/{k}.json"),
        s3.get_bucket_versioning().bucket(name).send(),
        |o| {
            json!({
                "Status": s(o.status().map(|v| v.as_str())),
                "MFADelete": s(o.mfa_delete().map(|v| v.as_str())),
            })
        },
    )
    .await;
    ctx.call(
        &format!("s3api-get-bucket-logging/{k}.json"),
        s3.get_bucket_logging().bucket(name).send(),
        |o| {
            let on = o.logging_enabled().map_or(
                Value::Null,
                |l| json!({"TargetBucket": l.target_bucket(), "TargetPrefix": l.target_prefix()}),
            );
            json!({ "LoggingEnabled": on })
        },
    )
    .await;
    ctx.call(
        &format!("s3api-get-bucket-lifecycle-configuration/{k}.json"),
        s3.get_bucket_lifecycle_configuration().bucket(name).send(),
        |o| {
            let rules: Vec<Value> = o
                .rules()
                .iter()
                .map(|r| {
                    let filter = r.filter().map_or(Value::Null, |f| {
                        json!({
                            "Prefix": s(f.prefix()),
                            "And": f.and().map_or(Value::Null, |a| json!({"Prefix": s(a.prefix())})),
                        })
                    });
                    let expiration = r.expiration().map_or(Value::Null, |e| {
                        json!({"Days": int(e.days()), "Date": time(e.date())})
                    });
                    // Deprecated for Filter, but legacy rules still carry it.
                    #[allow(deprecated)]
                    let prefix = s(r.prefix());
                    json!({
                        "ID": s(r.id()),
                        "Status": r.status().as_str(),
                        "Prefix": prefix,
                        "Filter": filter,
                        "Expiration": expiration,
                    })
                })
                .collect();
            json!({ "Rules": rules })
        },
    )
    .await;
}

/// Account-level S3 Block Public Access.
pub(crate) async fn s3control(ctx: Arc<Ctx>, g: Arc<Global>, account: String) {
    ctx.call(
        "s3control-get-public-access-block.json",
        g.s3control
            .get_public_access_block()
            .account_id(account)
            .send(),
        |o| {
            let c = o
                .public_access_block_configuration()
                .map_or(Value::Null, |c| {
                    json!({
                        "BlockPublicAcls": boolean(c.block_public_acls()),
                        "IgnorePublicAcls": boolean(c.ignore_public_acls()),
                        "BlockPublicPolicy": boolean(c.block_public_policy()),
                        "RestrictPublicBuckets": boolean(c.restrict_public_buckets()),
                    })
                });
            json!({ "PublicAccessBlockConfiguration": c })
        },
    )
    .await;
}

// -------------------------------------------------------- Organizations

fn policy_summary(p: &aws_sdk_organizations::types::PolicySummary) -> Value {
    json!({
        "Id": s(p.id()),
        "Arn": s(p.arn()),
        "Name": s(p.name()),
        "Description": s(p.description()),
        "Type": s(p.r#type().map(|t| t.as_str())),
        "AwsManaged": p.aws_managed(),
    })
}

/// Organizations: the organization, its SCPs and their targets.
pub(crate) async fn organizations(ctx: Arc<Ctx>, g: Arc<Global>, account: Option<String>) {
    let org = &g.organizations;
    ctx.call(
        "organizations-describe-organization.json",
        org.describe_organization().send(),
        |o| {
            let v = o.organization().map_or(Value::Null, |o| {
                json!({
                    "Id": s(o.id()),
                    "Arn": s(o.arn()),
                    "FeatureSet": s(o.feature_set().map(|f| f.as_str())),
                    "MasterAccountArn": s(o.master_account_arn()),
                    "MasterAccountId": s(o.master_account_id()),
                })
            });
            json!({ "Organization": v })
        },
    )
    .await;
    // The account's place in the organization (account -> OUs -> root), so
    // that only the SCPs and RCPs attached to its own levels apply. A
    // handful of levels (AWS allows five levels of OUs); bounded.
    if let Some(account) = account {
        let mut child = account;
        for _ in 0..8 {
            if child.starts_with("r-") {
                break;
            }
            let parent = ctx
                .call(
                    &format!("organizations-list-parents/{}.json", key(&child)),
                    org.list_parents()
                        .child_id(&child)
                        .into_paginator()
                        .send()
                        .try_collect(),
                    |pages| {
                        let list: Vec<Value> = pages
                            .iter()
                            .flat_map(|p| p.parents())
                            .map(|x| json!({"Id": s(x.id()), "Type": s(x.r#type().map(|t| t.as_str()))}))
                            .collect();
                        json!({ "Parents": list })
                    },
                )
                .await
                .and_then(|pages| {
                    pages
                        .iter()
                        .flat_map(|p| p.parents())
                        .find_map(|x| x.id().map(str::to_owned))
                });
            match parent {
                Some(p) if p != child => child = p,
                _ => break,
            }
        }
    }
    // Service control policies and resource control policies: the same
    // calls with another filter, into two files.
    let mut ids: Vec<String> = Vec::new();
    for (file, filter) in [
        (
            "organizations-list-policies.json",
            PolicyType::ServiceControlPolicy,
        ),
        (
            "organizations-list-policies-rcp.json",
            PolicyType::ResourceControlPolicy,
        ),
    ] {
        let pages = ctx
            .call(
                file,
                org.list_policies()
                    .filter(filter)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    let list: Vec<Value> = pages
                        .iter()
                        .flat_map(|p| p.policies())
                        .map(policy_summary)
                        .collect();
                    json!({ "Policies": list })
                },
            )
            .await
            .unwrap_or_default();
        ids.extend(
            pages
                .iter()
                .flat_map(|p| p.policies())
                .filter_map(|p| p.id().map(str::to_owned)),
        );
    }
    ids.sort();
    ids.dedup();
    spawn_all(&ctx, ids, |ctx, id| {
        let org = g.organizations.clone();
        async move {
            let k = key(&id);
            ctx.call(
                &format!("organizations-describe-policy/{k}.json"),
                org.describe_policy().policy_id(&id).send(),
                |o| {
                    let v = o.policy().map_or(Value::Null, |p| {
                        json!({
                            "PolicySummary": p.policy_summary().map_or(Value::Null, policy_summary),
                            "Content": s(p.content()),
                        })
                    });
                    json!({ "Policy": v })
                },
            )
            .await;
            ctx.call(
                &format!("organizations-list-targets-for-policy/{k}.json"),
                org.list_targets_for_policy()
                    .policy_id(&id)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    let list: Vec<Value> = pages
                        .iter()
                        .flat_map(|p| p.targets())
                        .map(|t| {
                            json!({
                                "TargetId": s(t.target_id()),
                                "Arn": s(t.arn()),
                                "Name": s(t.name()),
                                "Type": s(t.r#type().map(|x| x.as_str())),
                            })
                        })
                        .collect();
                    json!({ "Targets": list })
                },
            )
            .await;
        }
    })
    .await;
}
