//! The other regional services: load balancers, WAF, KMS, Secrets Manager,
//! RDS, Lambda, CloudTrail, GuardDuty, Security Hub, Config, IAM Access
//! Analyzer, EventBridge, CloudWatch Logs, SQS, SNS, ECS.

use super::call::{key, Ctx};
use super::clients::Regional;
use super::json::{boolean, int, s, strings, time};
use super::spawn_all;
use serde_json::{json, Value};
use std::sync::Arc;

fn path(c: &Regional, name: &str) -> String {
    format!("{}/{name}.json", c.region)
}

fn per(c: &Regional, dir: &str, name: &str) -> String {
    format!("{}/{dir}/{}.json", c.region, key(name))
}

// ------------------------------------------------------ load balancers

/// A listener's or a rule's actions, as `describe-listeners` and
/// `describe-rules` print them.
fn actions(list: &[aws_sdk_elasticloadbalancingv2::types::Action]) -> Vec<Value> {
    list.iter()
        .map(|a| {
            json!({
                "Type": s(a.r#type().map(|x| x.as_str())),
                "TargetGroupArn": s(a.target_group_arn()),
                "RedirectConfig": a.redirect_config().map_or(Value::Null, |r| json!({
                    "Protocol": s(r.protocol()),
                })),
                "ForwardConfig": a.forward_config().map_or(Value::Null, |f| json!({
                    "TargetGroups": f.target_groups().iter().map(|g| json!({
                        "TargetGroupArn": s(g.target_group_arn()),
                        "Weight": int(g.weight()),
                    })).collect::<Vec<_>>(),
                })),
            })
        })
        .collect()
}

pub(crate) async fn load_balancers(ctx: Arc<Ctx>, c: Arc<Regional>) {
    use aws_sdk_elasticloadbalancingv2::types as t;
    let lbs = ctx
        .call(
            &path(&c, "elbv2-describe-load-balancers"),
            every!(c.elbv2.describe_load_balancers()),
            |v| {
                let list: Vec<Value> = v
                    .iter()
                    .map(|lb: &t::LoadBalancer| {
                        json!({
                            "LoadBalancerArn": s(lb.load_balancer_arn()),
                            "DNSName": s(lb.dns_name()),
                            "LoadBalancerName": s(lb.load_balancer_name()),
                            "Scheme": s(lb.scheme().map(|x| x.as_str())),
                            "VpcId": s(lb.vpc_id()),
                            "Type": s(lb.r#type().map(|x| x.as_str())),
                            "AvailabilityZones": lb.availability_zones().iter().map(|z| json!({
                                "ZoneName": s(z.zone_name()),
                                "SubnetId": s(z.subnet_id()),
                            })).collect::<Vec<_>>(),
                            "SecurityGroups": strings(lb.security_groups()),
                        })
                    })
                    .collect();
                json!({ "LoadBalancers": list })
            },
        )
        .await
        .unwrap_or_default();
    let pairs: Vec<(String, String)> = lbs
        .iter()
        .filter_map(|lb| {
            Some((
                lb.load_balancer_name()?.to_owned(),
                lb.load_balancer_arn()?.to_owned(),
            ))
        })
        .collect();
    let client = c.clone();
    spawn_all(&ctx, pairs, move |ctx, (name, arn)| {
        let c = client.clone();
        async move {
            let listeners = ctx
                .call(
                    &per(&c, "elbv2-describe-listeners", &name),
                    every!(c.elbv2.describe_listeners().load_balancer_arn(&arn)),
                    |v| {
                        let list: Vec<Value> = v
                            .iter()
                            .map(|l: &t::Listener| {
                                json!({
                                    "ListenerArn": s(l.listener_arn()),
                                    "LoadBalancerArn": s(l.load_balancer_arn()),
                                    "Port": int(l.port()),
                                    "Protocol": s(l.protocol().map(|x| x.as_str())),
                                    "SslPolicy": s(l.ssl_policy()),
                                    "DefaultActions": actions(l.default_actions()),
                                })
                            })
                            .collect();
                        json!({ "Listeners": list })
                    },
                )
                .await
                .unwrap_or_default();
            // Each listener's rules: a forwarding rule on a redirecting
            // listener still serves its path over that listener's protocol.
            for arn in listeners.iter().filter_map(|l| l.listener_arn()) {
                ctx.call(
                    &per(&c, "elbv2-describe-rules", arn),
                    every!(c.elbv2.describe_rules().listener_arn(arn)),
                    |v| {
                        let list: Vec<Value> = v
                            .iter()
                            .map(|r: &t::Rule| {
                                json!({
                                    "RuleArn": s(r.rule_arn()),
                                    "Priority": s(r.priority()),
                                    "IsDefault": r.is_default(),
                                    "Conditions": r.conditions().iter().map(|k| json!({
                                        "Field": s(k.field()),
                                        "Values": strings(k.values()),
                                    })).collect::<Vec<_>>(),
                                    "Actions": actions(r.actions()),
                                })
                            })
                            .collect();
                        json!({ "Rules": list })
                    },
                )
                .await;
            }
        }
    })
    .await;

    let groups = ctx
        .call(
            &path(&c, "elbv2-describe-target-groups"),
            every!(c.elbv2.describe_target_groups()),
            |v| {
                let list: Vec<Value> = v
                    .iter()
                    .map(|g: &t::TargetGroup| {
                        json!({
                            "TargetGroupArn": s(g.target_group_arn()),
                            "TargetGroupName": s(g.target_group_name()),
                            "Protocol": s(g.protocol().map(|x| x.as_str())),
                            "Port": int(g.port()),
                            "VpcId": s(g.vpc_id()),
                            "TargetType": s(g.target_type().map(|x| x.as_str())),
                            "IpAddressType": s(g.ip_address_type().map(|x| x.as_str())),
                            "LoadBalancerArns": strings(g.load_balancer_arns()),
                        })
                    })
                    .collect();
                json!({ "TargetGroups": list })
            },
        )
        .await
        .unwrap_or_default();
    let pairs: Vec<(String, String)> = groups
        .iter()
        .filter_map(|g| {
            Some((
                g.target_group_name()?.to_owned(),
                g.target_group_arn()?.to_owned(),
            ))
        })
        .collect();
    let client = c.clone();
    spawn_all(&ctx, pairs, move |ctx, (name, arn)| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "elbv2-describe-target-health", &name),
                c.elbv2
                    .describe_target_health()
                    .target_group_arn(&arn)
                    .send(),
                |o| {
                    let list: Vec<Value> = o
                        .target_health_descriptions()
                        .iter()
                        .map(|d| {
                            json!({
                                "Target": d.target().map_or(Value::Null, |t| json!({
                                    "Id": s(t.id()),
                                    "Port": int(t.port()),
                                })),
                                "HealthCheckPort": s(d.health_check_port()),
                            })
                        })
                        .collect();
                    json!({ "TargetHealthDescriptions": list })
                },
            )
            .await;
            // `preserve_client_ip.enabled` decides whether an NLB target
            // sees the client's address, so whether its security group
            // is judged against the internet.
            ctx.call(
                &per(&c, "elbv2-describe-target-group-attributes", &name),
                c.elbv2
                    .describe_target_group_attributes()
                    .target_group_arn(&arn)
                    .send(),
                |o| {
                    let list: Vec<Value> = o
                        .attributes()
                        .iter()
                        .map(|a| json!({ "Key": s(a.key()), "Value": s(a.value()) }))
                        .collect();
                    json!({ "Attributes": list })
                },
            )
            .await;
        }
    })
    .await;

    let classic = ctx
        .call(
            &path(&c, "elb-describe-load-balancers"),
            every!(c.elb.describe_load_balancers()),
            |v| {
                let list: Vec<Value> = v
                .iter()
                .map(|lb: &aws_sdk_elasticloadbalancing::types::LoadBalancerDescription| {
                    json!({
                        "LoadBalancerName": s(lb.load_balancer_name()),
                        "DNSName": s(lb.dns_name()),
                        "Scheme": s(lb.scheme()),
                        "VPCId": s(lb.vpc_id()),
                        "Subnets": strings(lb.subnets()),
                        "SecurityGroups": strings(lb.security_groups()),
                        "AvailabilityZones": strings(lb.availability_zones()),
                        "ListenerDescriptions": lb.listener_descriptions().iter().map(|d| json!({
                            "Listener": d.listener().map_or(Value::Null, |l| json!({
                                "Protocol": l.protocol(),
                                "LoadBalancerPort": l.load_balancer_port(),
                                "InstanceProtocol": s(l.instance_protocol()),
                                "InstancePort": l.instance_port(),
                                "SSLCertificateId": s(l.ssl_certificate_id()),
                            })),
                            "PolicyNames": strings(d.policy_names()),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
                json!({ "LoadBalancerDescriptions": list })
            },
        )
        .await
        .unwrap_or_default();
    // The SSL negotiation policies (protocols and ciphers) behind each
    // classic load balancer's HTTPS and SSL listeners.
    let names: Vec<String> = classic
        .iter()
        .filter_map(|lb| lb.load_balancer_name().map(str::to_owned))
        .collect();
    spawn_all(&ctx, names, move |ctx, name| {
        let c = c.clone();
        async move {
            ctx.call(
                &per(&c, "elb-describe-load-balancer-policies", &name),
                c.elb
                    .describe_load_balancer_policies()
                    .load_balancer_name(&name)
                    .send(),
                |o| {
                    let list: Vec<Value> = o
                        .policy_descriptions()
                        .iter()
                        .map(|p| {
                            json!({
                                "PolicyName": s(p.policy_name()),
                                "PolicyTypeName": s(p.policy_type_name()),
                                "PolicyAttributeDescriptions": p
                                    .policy_attribute_descriptions()
                                    .iter()
                                    .map(|a| json!({
                                        "AttributeName": s(a.attribute_name()),
                                        "AttributeValue": s(a.attribute_value()),
                                    }))
                                    .collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    json!({ "PolicyDescriptions": list })
                },
            )
            .await;
        }
    })
    .await;
}

// ------------------------------------------------------------------ WAF

/// Regional web ACLs and what each protects. `list-web-acls` has no
/// paginator in the SDK: follow `NextMarker` by hand.
pub(crate) async fn waf(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let waf = c.wafv2.clone();
    let fetch = async move {
        let mut all = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = waf
                .list_web_acls()
                .scope(aws_sdk_wafv2::types::Scope::Regional)
                .set_next_marker(marker.clone())
                .send()
                .await?;
            all.extend(out.web_acls().iter().cloned());
            match out.next_marker() {
                // An empty page with a marker would loop for ever.
                Some(m)
                    if !m.is_empty()
                        && !out.web_acls().is_empty()
                        && Some(m) != marker.as_deref() =>
                {
                    marker = Some(m.to_owned());
                }
                _ => break,
            }
        }
        Ok::<
            _,
            aws_sdk_wafv2::error::SdkError<
                aws_sdk_wafv2::operation::list_web_acls::ListWebACLsError,
            >,
        >(all)
    };
    let acls = ctx
        .call(&path(&c, "wafv2-list-web-acls"), fetch, |v: &Vec<aws_sdk_wafv2::types::WebAclSummary>| {
            let list: Vec<Value> = v
                .iter()
                .map(|a| json!({"Name": s(a.name()), "Id": s(a.id()), "ARN": s(a.arn()), "Description": s(a.description())}))
                .collect();
            json!({ "WebACLs": list })
        })
        .await
        .unwrap_or_default();
    let pairs: Vec<(String, String)> = acls
        .iter()
        .filter_map(|a| Some((a.name()?.to_owned(), a.arn()?.to_owned())))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, pairs, move |ctx, (name, arn)| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "wafv2-list-resources-for-web-acl", &name),
                c.wafv2
                    .list_resources_for_web_acl()
                    .web_acl_arn(&arn)
                    .send(),
                |o| json!({"ResourceArns": strings(o.resource_arns())}),
            )
            .await;
        }
    })
    .await;
}

// ------------------------------------------------------------------ KMS

pub(crate) async fn kms(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let keys = ctx
        .call(
            &path(&c, "kms-list-keys"),
            c.kms.list_keys().into_paginator().items().send().try_collect(),
            |v| {
                let list: Vec<Value> = v
                    .iter()
                    .map(|k: &aws_sdk_kms::types::KeyListEntry| json!({"KeyId": s(k.key_id()), "KeyArn": s(k.key_arn())}))
                    .collect();
                json!({ "Keys": list })
            },
        )
        .await
        .unwrap_or_default();
    ctx.call(
        &path(&c, "kms-list-aliases"),
        every!(c.kms.list_aliases()),
        |v| {
            let list: Vec<Value> = v
                .iter()
                .map(|a: &aws_sdk_kms::types::AliasListEntry| {
                    json!({
                        "AliasName": s(a.alias_name()),
                        "AliasArn": s(a.alias_arn()),
                        "TargetKeyId": s(a.target_key_id()),
                    })
                })
                .collect();
            json!({ "Aliases": list })
        },
    )
    .await;
    let ids: Vec<String> = keys
        .iter()
        .filter_map(|k| k.key_id().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, ids, move |ctx, id| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "kms-describe-key", &id),
                c.kms.describe_key().key_id(&id).send(),
                |o| {
                    let m = o.key_metadata().map_or(Value::Null, |m| {
                        // Deprecated for KeySpec, but still returned and printed; old
                        // snapshots have only this one.
                        #[allow(deprecated)]
                        let cmk_spec = s(m.customer_master_key_spec().map(|x| x.as_str()));
                        json!({
                            "AWSAccountId": s(m.aws_account_id()),
                            "KeyId": m.key_id(),
                            "Arn": s(m.arn()),
                            "CreationDate": time(m.creation_date()),
                            "Enabled": m.enabled(),
                            "Description": s(m.description()),
                            "KeyUsage": s(m.key_usage().map(|x| x.as_str())),
                            "KeyState": s(m.key_state().map(|x| x.as_str())),
                            "Origin": s(m.origin().map(|x| x.as_str())),
                            "KeyManager": s(m.key_manager().map(|x| x.as_str())),
                            "CustomerMasterKeySpec": cmk_spec,
                            "KeySpec": s(m.key_spec().map(|x| x.as_str())),
                            "MultiRegion": boolean(m.multi_region()),
                        })
                    });
                    json!({ "KeyMetadata": m })
                },
            )
            .await;
            ctx.call(
                &per(&c, "kms-get-key-rotation-status", &id),
                c.kms.get_key_rotation_status().key_id(&id).send(),
                |o| {
                    json!({
                        "KeyRotationEnabled": o.key_rotation_enabled(),
                        "KeyId": s(o.key_id()),
                        "RotationPeriodInDays": int(o.rotation_period_in_days()),
                        "NextRotationDate": time(o.next_rotation_date()),
                    })
                },
            )
            .await;
            ctx.call(
                &per(&c, "kms-get-key-policy", &id),
                c.kms
                    .get_key_policy()
                    .key_id(&id)
                    .policy_name("default")
                    .send(),
                |o| json!({"Policy": s(o.policy()), "PolicyName": s(o.policy_name())}),
            )
            .await;
        }
    })
    .await;
}

// ------------------------------------------------------ Secrets Manager

pub(crate) async fn secrets(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let pages = ctx
        .call(
            &path(&c, "secretsmanager-list-secrets"),
            c.secrets
                .list_secrets()
                .into_paginator()
                .send()
                .try_collect(),
            |pages| {
                let list: Vec<Value> = pages
                    .iter()
                    .flat_map(|p| p.secret_list())
                    .map(|x| {
                        json!({
                            "ARN": s(x.arn()),
                            "Name": s(x.name()),
                            "KmsKeyId": s(x.kms_key_id()),
                            "RotationEnabled": boolean(x.rotation_enabled()),
                            "RotationRules": x.rotation_rules().map_or(Value::Null, |r| json!({
                                "AutomaticallyAfterDays": r.automatically_after_days(),
                            })),
                            "LastRotatedDate": time(x.last_rotated_date()),
                            "LastChangedDate": time(x.last_changed_date()),
                            "CreatedDate": time(x.created_date()),
                        })
                    })
                    .collect();
                json!({ "SecretList": list })
            },
        )
        .await
        .unwrap_or_default();
    // The resource policy of each secret; the file is named after the
    // secret, and the loader matches it by the ARN inside.
    let secrets: Vec<(String, String)> = pages
        .iter()
        .flat_map(|p| p.secret_list())
        .filter_map(|x| Some((x.name()?.to_owned(), x.arn()?.to_owned())))
        .collect();
    spawn_all(&ctx, secrets, move |ctx, (name, arn)| {
        let c = c.clone();
        async move {
            ctx.call(
                &per(&c, "secretsmanager-get-resource-policy", &name),
                c.secrets.get_resource_policy().secret_id(&arn).send(),
                |o| {
                    json!({
                        "ARN": s(o.arn()),
                        "Name": s(o.name()),
                        "ResourcePolicy": s(o.resource_policy()),
                    })
                },
            )
            .await;
        }
    })
    .await;
}

// ------------------------------------------------------------------ RDS

fn rds_attributes<'a>(list: impl Iterator<Item = (Option<&'a str>, &'a [String])>) -> Vec<Value> {
    list.map(|(name, values)| json!({"AttributeName": s(name), "AttributeValues": strings(values)}))
        .collect()
}

pub(crate) async fn rds(ctx: Arc<Ctx>, c: Arc<Regional>) {
    use aws_sdk_rds::types as t;
    ctx.call(
        &path(&c, "rds-describe-db-instances"),
        c.rds.describe_db_instances().into_paginator().items().send().try_collect(),
        |v| {
            let list: Vec<Value> = v
                .iter()
                .map(|d: &t::DbInstance| {
                    json!({
                        "DBInstanceIdentifier": s(d.db_instance_identifier()),
                        "DBInstanceArn": s(d.db_instance_arn()),
                        "Engine": s(d.engine()),
                        "DBInstanceStatus": s(d.db_instance_status()),
                        "PubliclyAccessible": boolean(d.publicly_accessible()),
                        "StorageEncrypted": boolean(d.storage_encrypted()),
                        "KmsKeyId": s(d.kms_key_id()),
                        "BackupRetentionPeriod": int(d.backup_retention_period()),
                        "DeletionProtection": boolean(d.deletion_protection()),
                        "IAMDatabaseAuthenticationEnabled": boolean(d.iam_database_authentication_enabled()),
                        "Endpoint": d.endpoint().map_or(Value::Null, |e| json!({
                            "Address": s(e.address()),
                            "Port": int(e.port()),
                        })),
                        "DbInstancePort": int(d.db_instance_port()),
                        "VpcSecurityGroups": d.vpc_security_groups().iter().map(|g| json!({
                            "VpcSecurityGroupId": s(g.vpc_security_group_id()),
                            "Status": s(g.status()),
                        })).collect::<Vec<_>>(),
                        "DBSubnetGroup": d.db_subnet_group().map_or(Value::Null, |g| json!({
                            "DBSubnetGroupName": s(g.db_subnet_group_name()),
                            "VpcId": s(g.vpc_id()),
                            "Subnets": g.subnets().iter().map(|x| json!({
                                "SubnetIdentifier": s(x.subnet_identifier()),
                            })).collect::<Vec<_>>(),
                        })),
                    })
                })
                .collect();
            json!({ "DBInstances": list })
        },
    )
    .await;
    let snapshots = ctx
        .call(
            &path(&c, "rds-describe-db-snapshots"),
            every!(c.rds.describe_db_snapshots()),
            |v| {
                let list: Vec<Value> = v
                    .iter()
                    .map(|x: &t::DbSnapshot| {
                        json!({
                            "DBSnapshotIdentifier": s(x.db_snapshot_identifier()),
                            "DBInstanceIdentifier": s(x.db_instance_identifier()),
                            "DBSnapshotArn": s(x.db_snapshot_arn()),
                            "SnapshotType": s(x.snapshot_type()),
                            "Encrypted": boolean(x.encrypted()),
                            "KmsKeyId": s(x.kms_key_id()),
                        })
                    })
                    .collect();
                json!({ "DBSnapshots": list })
            },
        )
        .await
        .unwrap_or_default();
    let ids: Vec<String> = snapshots
        .iter()
        .filter_map(|x| x.db_snapshot_identifier().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, ids, move |ctx, id| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "rds-describe-db-snapshot-attributes", &id),
                c.rds.describe_db_snapshot_attributes().db_snapshot_identifier(&id).send(),
                |o| {
                    let r = o.db_snapshot_attributes_result().map_or(Value::Null, |r| {
                        json!({
                            "DBSnapshotIdentifier": s(r.db_snapshot_identifier()),
                            "DBSnapshotAttributes": rds_attributes(
                                r.db_snapshot_attributes().iter().map(|a| (a.attribute_name(), a.attribute_values()))
                            ),
                        })
                    });
                    json!({ "DBSnapshotAttributesResult": r })
                },
            )
            .await;
        }
    })
    .await;
    let clusters = ctx
        .call(
            &path(&c, "rds-describe-db-cluster-snapshots"),
            every!(c.rds.describe_db_cluster_snapshots()),
            |v| {
                let list: Vec<Value> = v
                    .iter()
                    .map(|x: &t::DbClusterSnapshot| {
                        json!({
                            "DBClusterSnapshotIdentifier": s(x.db_cluster_snapshot_identifier()),
                            "DBClusterIdentifier": s(x.db_cluster_identifier()),
                            "DBClusterSnapshotArn": s(x.db_cluster_snapshot_arn()),
                            "SnapshotType": s(x.snapshot_type()),
                            "StorageEncrypted": boolean(x.storage_encrypted()),
                            "KmsKeyId": s(x.kms_key_id()),
                        })
                    })
                    .collect();
                json!({ "DBClusterSnapshots": list })
            },
        )
        .await
        .unwrap_or_default();
    let ids: Vec<String> = clusters
        .iter()
        .filter_map(|x| x.db_cluster_snapshot_identifier().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, ids, move |ctx, id| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "rds-describe-db-cluster-snapshot-attributes", &id),
                c.rds
                    .describe_db_cluster_snapshot_attributes()
                    .db_cluster_snapshot_identifier(&id)
                    .send(),
                |o| {
                    let r = o.db_cluster_snapshot_attributes_result().map_or(Value::Null, |r| {
                        json!({
                            "DBClusterSnapshotIdentifier": s(r.db_cluster_snapshot_identifier()),
                            "DBClusterSnapshotAttributes": rds_attributes(
                                r.db_cluster_snapshot_attributes().iter().map(|a| (a.attribute_name(), a.attribute_values()))
                            ),
                        })
                    });
                    json!({ "DBClusterSnapshotAttributesResult": r })
                },
            )
            .await;
        }
    })
    .await;
}

// --------------------------------------------------------------- Lambda

pub(crate) async fn lambda(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let functions = ctx
        .call(
            &path(&c, "lambda-list-functions"),
            every!(c.lambda.list_functions()),
            |v| {
                let list: Vec<Value> = v
                    .iter()
                    .map(|f: &aws_sdk_lambda::types::FunctionConfiguration| {
                        let env = f.environment().map_or(Value::Null, |e| {
                            let mut vars: Vec<(&String, &String)> = e
                                .variables()
                                .map(|m| m.iter().collect())
                                .unwrap_or_default();
                            vars.sort();
                            let map: serde_json::Map<String, Value> = vars
                                .into_iter()
                                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                .collect();
                            json!({ "Variables": map })
                        });
                        json!({
                            "FunctionName": s(f.function_name()),
                            "FunctionArn": s(f.function_arn()),
                            "Runtime": s(f.runtime().map(|x| x.as_str())),
                            "Role": s(f.role()),
                            "Handler": s(f.handler()),
                            "Environment": env,
                            "KMSKeyArn": s(f.kms_key_arn()),
                            "LastModified": s(f.last_modified()),
                        })
                    })
                    .collect();
                json!({ "Functions": list })
            },
        )
        .await
        .unwrap_or_default();
    let names: Vec<String> = functions
        .iter()
        .filter_map(|f| f.function_name().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, names, move |ctx, name| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "lambda-get-policy", &name),
                c.lambda.get_policy().function_name(&name).send(),
                |o| json!({"Policy": s(o.policy()), "RevisionId": s(o.revision_id())}),
            )
            .await;
            ctx.call(
                &per(&c, "lambda-get-function-url-config", &name),
                c.lambda
                    .get_function_url_config()
                    .function_name(&name)
                    .send(),
                |o| {
                    json!({
                        "FunctionUrl": o.function_url(),
                        "FunctionArn": o.function_arn(),
                        "AuthType": o.auth_type().as_str(),
                    })
                },
            )
            .await;
        }
    })
    .await;
}

// ----------------------------------------------------------- CloudTrail

/// `cloudtrail get-event-selectors`, advanced selectors as written.
pub(crate) fn event_selectors(
    o: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> Value {
    let basic: Vec<Value> = o
        .event_selectors()
        .iter()
        .map(|e| {
            json!({
                "ReadWriteType": s(e.read_write_type().map(|x| x.as_str())),
                "IncludeManagementEvents": boolean(e.include_management_events()),
                "DataResources": e.data_resources().iter().map(|d| json!({
                    "Type": s(d.r#type()),
                    "Values": strings(d.values()),
                })).collect::<Vec<_>>(),
                "ExcludeManagementEventSources": strings(e.exclude_management_event_sources()),
            })
        })
        .collect();
    let advanced: Vec<Value> = o
        .advanced_event_selectors()
        .iter()
        .map(|a| {
            let fields: Vec<Value> = a
                .field_selectors()
                .iter()
                .map(|f| {
                    let mut m = serde_json::Map::new();
                    m.insert("Field".to_owned(), Value::String(f.field().to_owned()));
                    for (name, list) in [
                        ("Equals", f.equals()),
                        ("StartsWith", f.starts_with()),
                        ("EndsWith", f.ends_with()),
                        ("NotEquals", f.not_equals()),
                        ("NotStartsWith", f.not_starts_with()),
                        ("NotEndsWith", f.not_ends_with()),
                    ] {
                        // The CLI prints only the operators that are set.
                        if !list.is_empty() {
                            m.insert(name.to_owned(), strings(list));
                        }
                    }
                    Value::Object(m)
                })
                .collect();
            json!({"Name": s(a.name()), "FieldSelectors": fields})
        })
        .collect();
    let mut out = serde_json::Map::new();
    out.insert("TrailARN".to_owned(), s(o.trail_arn()));
    // The CLI prints the kind of selectors the trail has.
    if !basic.is_empty() || advanced.is_empty() {
        out.insert("EventSelectors".to_owned(), Value::Array(basic));
    }
    if !advanced.is_empty() {
        out.insert("AdvancedEventSelectors".to_owned(), Value::Array(advanced));
    }
    Value::Object(out)
}

pub(crate) async fn cloudtrail(ctx: Arc<Ctx>, c: Arc<Regional>) {
    // Not paginated. Trails of other regions are listed too (shadow
    // trails); their ARN reaches them from here.
    let trails = ctx
        .call(
            &path(&c, "cloudtrail-describe-trails"),
            c.cloudtrail.describe_trails().send(),
            |o| {
                let list: Vec<Value> = o
                    .trail_list()
                    .iter()
                    .map(|t| {
                        json!({
                            "Name": s(t.name()),
                            "S3BucketName": s(t.s3_bucket_name()),
                            "S3KeyPrefix": s(t.s3_key_prefix()),
                            "IncludeGlobalServiceEvents": boolean(t.include_global_service_events()),
                            "IsMultiRegionTrail": boolean(t.is_multi_region_trail()),
                            "HomeRegion": s(t.home_region()),
                            "TrailARN": s(t.trail_arn()),
                            "LogFileValidationEnabled": boolean(t.log_file_validation_enabled()),
                            "CloudWatchLogsLogGroupArn": s(t.cloud_watch_logs_log_group_arn()),
                            "CloudWatchLogsRoleArn": s(t.cloud_watch_logs_role_arn()),
                            "KmsKeyId": s(t.kms_key_id()),
                            "HasCustomEventSelectors": boolean(t.has_custom_event_selectors()),
                            "IsOrganizationTrail": boolean(t.is_organization_trail()),
                        })
                    })
                    .collect();
                json!({ "trailList": list })
            },
        )
        .await;
    let pairs: Vec<(String, String)> = trails
        .iter()
        .flat_map(|o| o.trail_list())
        .filter_map(|t| {
            let name = t.name()?.to_owned();
            let target = t.trail_arn().map_or_else(|| name.clone(), str::to_owned);
            Some((name, target))
        })
        .collect();
    let client = c.clone();
    spawn_all(&ctx, pairs, move |ctx, (name, target)| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "cloudtrail-get-trail-status", &name),
                c.cloudtrail.get_trail_status().name(&target).send(),
                |o| {
                    json!({
                        "IsLogging": boolean(o.is_logging()),
                        "LatestDeliveryError": s(o.latest_delivery_error()),
                        "LatestDeliveryTime": time(o.latest_delivery_time()),
                        "StartLoggingTime": time(o.start_logging_time()),
                        "StopLoggingTime": time(o.stop_logging_time()),
                    })
                },
            )
            .await;
            ctx.call(
                &per(&c, "cloudtrail-get-event-selectors", &name),
                c.cloudtrail
                    .get_event_selectors()
                    .trail_name(&target)
                    .send(),
                event_selectors,
            )
            .await;
        }
    })
    .await;
}

// --------------------------------------------- detection and governance

pub(crate) async fn guardduty(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let ids = ctx
        .call(
            &path(&c, "guardduty-list-detectors"),
            every!(c.guardduty.list_detectors()),
            |v: &Vec<String>| json!({"DetectorIds": strings(v)}),
        )
        .await
        .unwrap_or_default();
    let client = c.clone();
    spawn_all(&ctx, ids, move |ctx, id| {
        let c = client.clone();
        async move {
            ctx.call(
                &per(&c, "guardduty-get-detector", &id),
                c.guardduty.get_detector().detector_id(&id).send(),
                |o| {
                    json!({
                        "CreatedAt": s(o.created_at()),
                        "FindingPublishingFrequency": s(o.finding_publishing_frequency().map(|x| x.as_str())),
                        "ServiceRole": s(o.service_role()),
                        "Status": s(o.status().map(|x| x.as_str())),
                        "UpdatedAt": s(o.updated_at()),
                    })
                },
            )
            .await;
        }
    })
    .await;
}

pub(crate) async fn securityhub(ctx: Arc<Ctx>, c: Arc<Regional>) {
    ctx.call(
        &path(&c, "securityhub-describe-hub"),
        c.securityhub.describe_hub().send(),
        |o| {
            json!({
                "HubArn": s(o.hub_arn()),
                "SubscribedAt": s(o.subscribed_at()),
                "AutoEnableControls": boolean(o.auto_enable_controls()),
            })
        },
    )
    .await;
    ctx.call(
        &path(&c, "securityhub-get-enabled-standards"),
        every!(c.securityhub.get_enabled_standards()),
        |v| {
            let list: Vec<Value> = v
                .iter()
                .map(|x: &aws_sdk_securityhub::types::StandardsSubscription| {
                    json!({
                        "StandardsSubscriptionArn": s(x.standards_subscription_arn()),
                        "StandardsArn": s(x.standards_arn()),
                        "StandardsStatus": s(x.standards_status().map(|x| x.as_str())),
                    })
                })
                .collect();
            json!({ "StandardsSubscriptions": list })
        },
    )
    .await;
}

pub(crate) async fn config(ctx: Arc<Ctx>, c: Arc<Regional>) {
    ctx.call(
        &path(&c, "configservice-describe-configuration-recorders"),
        c.config.describe_configuration_recorders().send(),
        |o| {
            let list: Vec<Value> = o
                .configuration_recorders()
                .iter()
                .map(|r| {
                    json!({
                        "arn": s(r.arn()),
                        "name": s(r.name()),
                        "roleARN": s(r.role_arn()),
                        "recordingGroup": r.recording_group().map_or(Value::Null, |g| json!({
                            "allSupported": g.all_supported(),
                            "includeGlobalResourceTypes": g.include_global_resource_types(),
                        })),
                    })
                })
                .collect();
            json!({ "ConfigurationRecorders": list })
        },
    )
    .await;
    ctx.call(
        &path(&c, "configservice-describe-configuration-recorder-status"),
        c.config.describe_configuration_recorder_status().send(),
        |o| {
            let list: Vec<Value> = o
                .configuration_recorders_status()
                .iter()
                .map(|r| {
                    json!({
                        "name": s(r.name()),
                        "recording": r.recording(),
                        "lastStatus": s(r.last_status().map(|x| x.as_str())),
                        "lastStartTime": time(r.last_start_time()),
                        "lastErrorCode": s(r.last_error_code()),
                    })
                })
                .collect();
            json!({ "ConfigurationRecordersStatus": list })
        },
    )
    .await;
}

pub(crate) async fn access_analyzer(ctx: Arc<Ctx>, c: Arc<Regional>) {
    ctx.call(
        &path(&c, "accessanalyzer-list-analyzers"),
        every!(c.analyzer.list_analyzers()),
        |v| {
            let list: Vec<Value> = v
                .iter()
                .map(|a: &aws_sdk_accessanalyzer::types::AnalyzerSummary| {
                    json!({
                        "arn": a.arn(),
                        "name": a.name(),
                        "type": a.r#type().as_str(),
                        "createdAt": time(Some(a.created_at())),
                        "status": a.status().as_str(),
                    })
                })
                .collect();
            json!({ "analyzers": list })
        },
    )
    .await;
}

/// EventBridge rules of the default bus and their targets. `list-rules`
/// has no paginator in the SDK: follow `NextToken` by hand.
pub(crate) async fn events(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let ev = c.events.clone();
    let fetch = async move {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = ev.list_rules().set_next_token(token.clone()).send().await?;
            all.extend(out.rules().iter().cloned());
            match out.next_token() {
                Some(t) if !t.is_empty() && Some(t) != token.as_deref() => {
                    token = Some(t.to_owned())
                }
                _ => break,
            }
        }
        Ok::<
            _,
            aws_sdk_eventbridge::error::SdkError<
                aws_sdk_eventbridge::operation::list_rules::ListRulesError,
            >,
        >(all)
    };
    let rules = ctx
        .call(
            &path(&c, "events-list-rules"),
            fetch,
            |v: &Vec<aws_sdk_eventbridge::types::Rule>| {
                let list: Vec<Value> = v
                    .iter()
                    .map(|r| {
                        json!({
                            "Name": s(r.name()),
                            "Arn": s(r.arn()),
                            "EventPattern": s(r.event_pattern()),
                            "State": s(r.state().map(|x| x.as_str())),
                            "ScheduleExpression": s(r.schedule_expression()),
                            "EventBusName": s(r.event_bus_name()),
                        })
                    })
                    .collect();
                json!({ "Rules": list })
            },
        )
        .await
        .unwrap_or_default();
    let names: Vec<String> = rules
        .iter()
        .filter_map(|r| r.name().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, names, move |ctx, name| {
        let c = client.clone();
        async move {
            let ev = c.events.clone();
            let rule = name.clone();
            let fetch = async move {
                let mut all = Vec::new();
                let mut token: Option<String> = None;
                loop {
                    let out = ev
                        .list_targets_by_rule()
                        .rule(&rule)
                        .set_next_token(token.clone())
                        .send()
                        .await?;
                    all.extend(out.targets().iter().cloned());
                    match out.next_token() {
                        Some(t) if !t.is_empty() && Some(t) != token.as_deref() => {
                            token = Some(t.to_owned())
                        }
                        _ => break,
                    }
                }
                Ok::<_, aws_sdk_eventbridge::error::SdkError<
                    aws_sdk_eventbridge::operation::list_targets_by_rule::ListTargetsByRuleError,
                >>(all)
            };
            ctx.call(
                &per(&c, "events-list-targets-by-rule", &name),
                fetch,
                |v: &Vec<aws_sdk_eventbridge::types::Target>| {
                    let list: Vec<Value> = v
                        .iter()
                        .map(|t| json!({"Id": t.id(), "Arn": t.arn()}))
                        .collect();
                    json!({ "Targets": list })
                },
            )
            .await;
        }
    })
    .await;
}

pub(crate) async fn logs(ctx: Arc<Ctx>, c: Arc<Regional>) {
    ctx.call(
        &path(&c, "logs-describe-log-groups"),
        every!(c.logs.describe_log_groups()),
        |v| {
            let list: Vec<Value> = v
                .iter()
                .map(|g: &aws_sdk_cloudwatchlogs::types::LogGroup| {
                    json!({
                        "logGroupName": s(g.log_group_name()),
                        "creationTime": g.creation_time(),
                        "retentionInDays": int(g.retention_in_days()),
                        "arn": s(g.arn()),
                        "logGroupArn": s(g.log_group_arn()),
                        "kmsKeyId": s(g.kms_key_id()),
                    })
                })
                .collect();
            json!({ "logGroups": list })
        },
    )
    .await;
}

// ------------------------------------------------------- SQS, SNS, ECS

/// Queue and topic attributes as the CLI prints them: `{"Attributes":
/// {name: text}}`, the access policy being JSON text under `Policy`.
fn attributes<K: AsRef<str>>(map: Option<&std::collections::HashMap<K, String>>) -> Value {
    let map: serde_json::Map<String, Value> = map
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_ref().to_owned(), Value::String(v.clone())))
        .collect();
    json!({ "Attributes": map })
}

pub(crate) async fn queues(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let pages = ctx
        .call(
            &path(&c, "sqs-list-queues"),
            c.sqs.list_queues().into_paginator().send().try_collect(),
            |pages| {
                let urls: Vec<&String> = pages.iter().flat_map(|p| p.queue_urls()).collect();
                json!({ "QueueUrls": urls })
            },
        )
        .await
        .unwrap_or_default();
    let urls: Vec<String> = pages.iter().flat_map(|p| p.queue_urls()).cloned().collect();
    spawn_all(&ctx, urls, move |ctx, url| {
        let c = c.clone();
        async move {
            let name = url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(&url)
                .to_owned();
            ctx.call(
                &per(&c, "sqs-get-queue-attributes", &name),
                c.sqs
                    .get_queue_attributes()
                    .queue_url(&url)
                    .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
                    .send(),
                |o| attributes(o.attributes()),
            )
            .await;
        }
    })
    .await;
}

pub(crate) async fn topics(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let pages = ctx
        .call(
            &path(&c, "sns-list-topics"),
            c.sns.list_topics().into_paginator().send().try_collect(),
            |pages| {
                let list: Vec<Value> = pages
                    .iter()
                    .flat_map(|p| p.topics())
                    .map(|t| json!({"TopicArn": s(t.topic_arn())}))
                    .collect();
                json!({ "Topics": list })
            },
        )
        .await
        .unwrap_or_default();
    let arns: Vec<String> = pages
        .iter()
        .flat_map(|p| p.topics())
        .filter_map(|t| t.topic_arn().map(str::to_owned))
        .collect();
    spawn_all(&ctx, arns, move |ctx, arn| {
        let c = c.clone();
        async move {
            let name = arn.rsplit(':').next().unwrap_or(&arn).to_owned();
            ctx.call(
                &per(&c, "sns-get-topic-attributes", &name),
                c.sns.get_topic_attributes().topic_arn(&arn).send(),
                |o| attributes(o.attributes()),
            )
            .await;
        }
    })
    .await;
}

/// A task definition as `describe-task-definition` prints it: roles and each
/// container's environment, secrets and environment files.
fn task_definition(d: &aws_sdk_ecs::types::TaskDefinition) -> Value {
    json!({
        "taskDefinitionArn": s(d.task_definition_arn()),
        "family": s(d.family()),
        "revision": d.revision(),
        "taskRoleArn": s(d.task_role_arn()),
        "executionRoleArn": s(d.execution_role_arn()),
        "containerDefinitions": d.container_definitions().iter().map(|k| json!({
            "name": s(k.name()),
            "image": s(k.image()),
            "environment": k.environment().iter().map(|e| json!({
                "name": s(e.name()),
                "value": s(e.value()),
            })).collect::<Vec<_>>(),
            "secrets": k.secrets().iter().map(|e| json!({
                "name": e.name(),
                "valueFrom": e.value_from(),
            })).collect::<Vec<_>>(),
            "environmentFiles": k.environment_files().iter().map(|e| json!({
                "value": e.value(),
                "type": e.r#type().as_str(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// `describe-tasks` takes at most 100 tasks a call.
const ECS_TASKS_PER_CALL: usize = 100;

pub(crate) async fn ecs(ctx: Arc<Ctx>, c: Arc<Regional>) {
    let pages = ctx
        .call(
            &path(&c, "ecs-list-clusters"),
            c.ecs.list_clusters().into_paginator().send().try_collect(),
            |pages| {
                let arns: Vec<&String> = pages.iter().flat_map(|p| p.cluster_arns()).collect();
                json!({ "clusterArns": arns })
            },
        )
        .await
        .unwrap_or_default();
    let clusters: Vec<String> = pages
        .iter()
        .flat_map(|p| p.cluster_arns())
        .cloned()
        .collect();
    // Task definitions are shared between tasks and clusters: read once.
    let seen = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    // The latest active revision of every family, run or not: a task
    // definition holds its containers' environment before any task starts.
    let families = ctx
        .call(
            &path(&c, "ecs-list-task-definition-families"),
            every!(c
                .ecs
                .list_task_definition_families()
                .status(aws_sdk_ecs::types::TaskDefinitionFamilyStatus::Active)),
            |v: &Vec<String>| json!({ "families": v }),
        )
        .await
        .unwrap_or_default();
    let (client, known) = (c.clone(), seen.clone());
    spawn_all(&ctx, families, move |ctx, family| {
        let (c, seen) = (client.clone(), known.clone());
        async move {
            let call = c
                .ecs
                .describe_task_definition()
                .task_definition(&family)
                .send();
            match ctx.run(call).await {
                Ok(o) => {
                    let Some(d) = o.task_definition() else { return };
                    let arn = d.task_definition_arn().unwrap_or(&family).to_owned();
                    if seen.lock().map_or(true, |mut s| s.insert(arn.clone())) {
                        let name = arn.rsplit('/').next().unwrap_or(&arn);
                        let file = per(&c, "ecs-describe-task-definition", name);
                        let v = json!({ "taskDefinition": task_definition(d) });
                        ctx.write(&file, &super::call::prune(v));
                    }
                }
                Err(e) => ctx.fail(&per(&c, "ecs-describe-task-definition", &family), e),
            }
        }
    })
    .await;
    spawn_all(&ctx, clusters, move |ctx, cluster| {
        let c = c.clone();
        let seen = seen.clone();
        async move {
            let name = cluster.rsplit('/').next().unwrap_or(&cluster).to_owned();
            let Some(pages) = ctx
                .call(
                    &per(&c, "ecs-list-tasks", &name),
                    c.ecs
                        .list_tasks()
                        .cluster(&cluster)
                        .into_paginator()
                        .send()
                        .try_collect(),
                    |pages| {
                        let arns: Vec<&String> = pages.iter().flat_map(|p| p.task_arns()).collect();
                        json!({ "taskArns": arns })
                    },
                )
                .await
            else {
                return;
            };
            let arns: Vec<String> = pages.iter().flat_map(|p| p.task_arns()).cloned().collect();
            if arns.is_empty() {
                return;
            }
            // Every task, in calls of 100, into one file.
            let file = per(&c, "ecs-describe-tasks", &name);
            let mut tasks = Vec::new();
            for chunk in arns.chunks(ECS_TASKS_PER_CALL) {
                let call = c
                    .ecs
                    .describe_tasks()
                    .cluster(&cluster)
                    .set_tasks(Some(chunk.to_vec()))
                    .send();
                match ctx.run(call).await {
                    Ok(o) => tasks.extend(o.tasks().iter().cloned()),
                    Err(e) => {
                        ctx.fail(&file, e);
                        return;
                    }
                }
            }
            let list: Vec<Value> = tasks
                .iter()
                .map(|t| {
                    json!({
                        "taskArn": s(t.task_arn()),
                        "clusterArn": s(t.cluster_arn()),
                        "taskDefinitionArn": s(t.task_definition_arn()),
                        "lastStatus": s(t.last_status()),
                        "enableExecuteCommand": t.enable_execute_command(),
                        "overrides": t.overrides().map_or(Value::Null, |o| json!({
                            "taskRoleArn": s(o.task_role_arn()),
                        })),
                    })
                })
                .collect();
            ctx.write(&file, &super::call::prune(json!({ "tasks": list })));
            let defs: Vec<String> = tasks
                .iter()
                .filter_map(|t| t.task_definition_arn().map(str::to_owned))
                .filter(|d| seen.lock().map_or(true, |mut s| s.insert(d.clone())))
                .collect();
            for def in defs {
                let family = def.rsplit('/').next().unwrap_or(&def).to_owned();
                ctx.call(
                    &per(&c, "ecs-describe-task-definition", &family),
                    c.ecs
                        .describe_task_definition()
                        .task_definition(&def)
                        .send(),
                    |o| json!({ "taskDefinition": o.task_definition().map_or(Value::Null, task_definition) }),
                )
                .await;
            }
        }
    })
    .await;
}
