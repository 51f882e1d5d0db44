//! Join parsed files into one inventory: per-resource files are attached
//! to their resources through hash maps keyed by (kind, region, name).

use super::files::{file_key, Kind};
use super::iam::{Cell, Report};
use super::parse::Data;
use super::Outcome;
use crate::Loaded;
use pillar_model::*;
use std::collections::HashMap;

type Key = (Kind, Option<String>, String);

#[derive(Default)]
struct Builder {
    per_resource: HashMap<Key, Data>,
    /// Region-wide single files (settings), by (kind, region).
    singles: HashMap<(Kind, Option<String>), Data>,
    collections: Vec<(super::Job, Data)>,
    skipped: Vec<Skipped>,
}

fn api_reason(code: &str, message: &str) -> String {
    if message.is_empty() {
        code.to_owned()
    } else {
        format!("{code}: {message}")
    }
}

/// Turn optional parsed data into a known value.
fn known<T>(data: Option<Data>, f: impl FnOnce(Data) -> Option<T>) -> Known<T> {
    match data {
        None => Known::default(),
        Some(Data::ApiError { code, message }) => Known::Unknown(api_reason(&code, &message)),
        Some(Data::Invalid(reason)) => Known::Unknown(reason),
        Some(d) => f(d).map_or_else(|| Known::unknown("unexpected file content"), Known::Known),
    }
}

impl Builder {
    fn take(&mut self, kind: Kind, region: Option<&str>, name: &str) -> Option<Data> {
        self.per_resource
            .remove(&(kind, region.map(str::to_owned), file_key(name)))
    }

    fn single(&mut self, kind: Kind, region: Option<&str>) -> Option<Data> {
        self.singles.remove(&(kind, region.map(str::to_owned)))
    }

    fn strings(&mut self, kind: Kind, region: Option<&str>, name: &str) -> Known<Vec<String>> {
        known(self.take(kind, region, name), |d| match d {
            Data::Strings(v) => Some(v),
            _ => None,
        })
    }

    fn policy(
        &mut self,
        kind: Kind,
        region: Option<&str>,
        name: &str,
    ) -> Known<Option<PolicyDocument>> {
        known(self.take(kind, region, name), |d| match d {
            Data::Policy(p) => Some(p),
            _ => None,
        })
    }
}

/// Whether a kind is a single region-wide or account-wide file whose data
/// is joined later rather than a collection of resources.
fn is_single(kind: Kind) -> bool {
    use Kind::*;
    matches!(
        kind,
        Meta | CallerIdentity
            | CredentialReport
            | PasswordPolicy
            | AccountSummary
            | AccountPublicAccessBlock
            | Organization
            | EbsEncryptionByDefault
            | KmsAliases
            | Detectors
            | SecurityHub
            | SecurityHubStandards
            | ConfigRecorders
            | ConfigRecorderStatus
            | Analyzers
    )
}

pub(crate) fn assemble(
    outcomes: Vec<Outcome>,
    regions: &[String],
    account_id: Option<String>,
) -> Loaded {
    let mut b = Builder::default();
    let mut inv = Inventory::default();
    let mut files_read = 0usize;
    for outcome in outcomes {
        let (job, data) = match outcome {
            Ok(v) => v,
            Err(s) => {
                b.skipped.push(s);
                continue;
            }
        };
        files_read += 1;
        if let Some(key) = &job.key {
            b.per_resource
                .insert((job.kind, job.region.clone(), key.clone()), data);
            continue;
        }
        if let Data::ApiError { code, message } = &data {
            b.skipped.push(Skipped::new(
                job.display.clone(),
                format!(
                    "the collector recorded an error: {}",
                    api_reason(code, message)
                ),
            ));
        } else if let Some(service) = job.kind.covers() {
            inv.cover(
                service,
                job.region.clone().unwrap_or_else(|| "global".to_owned()),
            );
        }
        if is_single(job.kind) {
            b.singles.insert((job.kind, job.region.clone()), data);
        } else {
            b.collections.push((job, data));
        }
    }

    // Account-wide files.
    let meta = match b.single(Kind::Meta, None) {
        Some(Data::Meta(m)) => Some(m),
        _ => None,
    };
    let identity = match b.single(Kind::CallerIdentity, None) {
        Some(Data::Identity(i)) => Some(i),
        _ => None,
    };
    let account_id = account_id
        .or_else(|| meta.as_ref().and_then(|m| m.account_id.clone()))
        .or_else(|| identity.and_then(|i| i.account));
    let report = match b.single(Kind::CredentialReport, None) {
        Some(Data::Report(r)) => Ok(*r),
        Some(Data::ApiError { code, message }) => Err(api_reason(&code, &message)),
        _ => Err("not collected".to_owned()),
    };
    inv.collected_at = meta
        .and_then(|m| m.collected_at)
        .or_else(|| report.as_ref().ok().and_then(|r| r.generated));
    // The account's place in its organization: follow list-parents up to
    // the root (a handful of levels; bounded against loops).
    let mut org_path = Vec::new();
    if let Some(id) = &account_id {
        let mut child = id.clone();
        org_path.push(child.clone());
        for _ in 0..8 {
            let Known::Known(parents) = b.strings(Kind::OrgParents, None, &child) else {
                break;
            };
            let Some(parent) = parents.into_iter().next() else {
                break;
            };
            if org_path.contains(&parent) {
                break;
            }
            org_path.push(parent.clone());
            child = parent;
        }
        if org_path.len() < 2 {
            org_path.clear();
        }
    }
    let organization = b.single(Kind::Organization, None);
    let management_account_id = match &organization {
        Some(Data::Organization { management, .. }) => management.clone(),
        _ => None,
    };
    let account = Account {
        id: account_id.clone().map_or_else(Known::default, Known::Known),
        org_path,
        password_policy: known(b.single(Kind::PasswordPolicy, None), |d| match d {
            Data::PasswordPolicy(p) => Some(p),
            _ => None,
        }),
        summary: known(b.single(Kind::AccountSummary, None), |d| match d {
            Data::Summary(s) => Some(s),
            _ => None,
        }),
        credential_report: match &report {
            Ok(r) => Known::Known(r.rows.clone()),
            Err(e) => Known::Unknown(e.clone()),
        },
        s3_public_access_block: known(
            b.single(Kind::AccountPublicAccessBlock, None),
            |d| match d {
                Data::Pab(p) => Some(p),
                _ => None,
            },
        ),
        organization_id: known(organization, |d| match d {
            Data::Text(t) => Some(t),
            Data::Organization { id, .. } => Some(Some(id)),
            _ => None,
        }),
        management_account_id,
        ..Account::default()
    };
    inv.accounts.push(account);

    for region in regions {
        let settings = region_settings(&mut b, region, account_id.clone());
        inv.regions.push(settings);
    }

    let report = report.ok();
    let collections = std::mem::take(&mut b.collections);
    let mut aliases: HashMap<(Option<String>, String), Vec<String>> = HashMap::new();
    for region in regions {
        if let Some(Data::Aliases(list)) = b.single(Kind::KmsAliases, Some(region)) {
            for (alias, key) in list {
                aliases
                    .entry((Some(region.clone()), key))
                    .or_default()
                    .push(alias);
            }
        }
    }
    let mut trails: Vec<(Trail, bool)> = Vec::new();
    for (job, data) in collections {
        let region = job.region.as_deref();
        match data {
            Data::Auth(auth) => {
                let auth = *auth;
                for (line, reason) in auth.warnings {
                    b.skipped
                        .push(Skipped::new(job.display.clone(), reason).at(line, None));
                }
                for mut u in auth.users {
                    fill_user(&mut b, &mut u, report.as_ref());
                    inv.users.push(u);
                }
                inv.groups.extend(auth.groups);
                inv.roles.extend(auth.roles);
                inv.policies.extend(auth.policies);
                inv.instance_profiles.extend(auth.instance_profiles);
            }
            Data::Buckets(list) => {
                for mut bucket in list {
                    fill_bucket(&mut b, &mut bucket);
                    inv.buckets.push(bucket);
                }
            }
            Data::Scps(list) | Data::Rcps(list) => {
                let rcp = matches!(job.kind, Kind::OrgRcps);
                for mut scp in list {
                    let id = scp
                        .resource
                        .id
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    scp.document = known(b.take(Kind::OrgPolicy, None, &id), |d| match d {
                        Data::Policy(p) => p,
                        _ => None,
                    });
                    if let Known::Known(t) = b.strings(Kind::OrgPolicyTargets, None, &id) {
                        scp.targets = t;
                    }
                    if rcp {
                        inv.rcps.push(scp);
                    } else {
                        inv.scps.push(scp);
                    }
                }
            }
            Data::Vpcs(v) => inv.vpcs.extend(v),
            Data::Subnets(v) => inv.subnets.extend(v),
            Data::RouteTables(v) => inv.route_tables.extend(v),
            Data::InternetGateways(v) => inv.internet_gateways.extend(v),
            Data::NatGateways(v) => inv.nat_gateways.extend(v),
            Data::EgressOnlyInternetGateways(v) => inv.egress_only_internet_gateways.extend(v),
            Data::VpcBpa(v) => inv.vpc_bpa.extend(v),
            Data::VpcBpaExclusions(v) => inv.vpc_bpa_exclusions.extend(v),
            Data::NetworkAcls(v) => inv.network_acls.extend(v),
            Data::SecurityGroups(v) => inv.security_groups.extend(v),
            Data::PrefixLists(v) => {
                for mut p in v {
                    p.entries = b.strings(Kind::PrefixListEntries, region, &p.id);
                    inv.prefix_lists.push(p);
                }
            }
            Data::NetworkInterfaces(v) => inv.network_interfaces.extend(v),
            Data::Instances(v) => {
                for mut i in v {
                    i.user_data =
                        known(b.take(Kind::InstanceUserData, region, &i.id), |d| match d {
                            Data::Text(t) => Some(t),
                            _ => None,
                        });
                    inv.instances.push(i);
                }
            }
            Data::LaunchTemplates(v) => inv.launch_templates.extend(v),
            Data::ElasticIps(v) => inv.elastic_ips.extend(v),
            Data::Volumes(v) => inv.volumes.extend(v),
            Data::EbsSnapshots(v) => {
                for mut s in v {
                    s.create_volume_permissions =
                        b.strings(Kind::EbsSnapshotAttribute, region, &s.id);
                    inv.ebs_snapshots.push(s);
                }
            }
            Data::FlowLogs(v) => inv.flow_logs.extend(v),
            Data::LoadBalancers(v) => {
                for mut lb in v {
                    if lb.kind != "classic" {
                        lb.listeners =
                            known(b.take(Kind::Listeners, region, &lb.name), |d| match d {
                                Data::Listeners(l) => Some(l),
                                _ => None,
                            });
                        if let Known::Known(ls) = &mut lb.listeners {
                            for l in ls.iter_mut() {
                                l.rules =
                                    known(
                                        b.take(Kind::ListenerRules, region, &l.arn),
                                        |d| match d {
                                            Data::ListenerRules(r) => Some(r),
                                            _ => None,
                                        },
                                    );
                            }
                        }
                    } else {
                        let mut policies = known(
                            b.take(Kind::ClassicLbPolicies, region, &lb.name),
                            |d| match d {
                                Data::TlsPolicies(p) => Some(p),
                                _ => None,
                            },
                        );
                        if let (Known::Known(ps), Known::Known(ls)) = (&mut policies, &lb.listeners)
                        {
                            for p in ps.iter_mut() {
                                p.listener_ports = ls
                                    .iter()
                                    .filter(|l| l.policy_names.contains(&p.name))
                                    .filter_map(|l| l.port)
                                    .collect();
                            }
                        }
                        lb.tls_policies = policies;
                    }
                    inv.load_balancers.push(lb);
                }
            }
            Data::TargetGroups(v) => {
                for mut tg in v {
                    let name = tg.resource.name.clone().unwrap_or_default();
                    tg.targets = known(b.take(Kind::TargetHealth, region, &name), |d| match d {
                        Data::Targets(t) => Some(t),
                        _ => None,
                    });
                    // Absent (or a failed call): the AWS default for the
                    // target type and protocol applies (pillar-net).
                    if let Some(Data::PreserveClientIp(flag)) =
                        b.take(Kind::TargetGroupAttributes, region, &name)
                    {
                        tg.preserve_client_ip = flag;
                    }
                    inv.target_groups.push(tg);
                }
            }
            Data::WebAcls(v) => {
                for mut w in v {
                    w.associated_resources = b.strings(Kind::WebAclResources, region, &w.name);
                    inv.web_acls.push(w);
                }
            }
            Data::KmsKeys(v) => {
                for mut k in v {
                    if let Some(Data::KeyMeta(m)) = b.take(Kind::KmsDescribeKey, region, &k.id) {
                        k.manager = m.manager;
                        k.state = m.state;
                        k.spec = m.spec;
                        k.origin = m.origin;
                    }
                    k.rotation_enabled =
                        known(b.take(Kind::KmsRotation, region, &k.id), |d| match d {
                            Data::Bool(x) => Some(x),
                            _ => None,
                        });
                    k.policy = known(b.take(Kind::KmsKeyPolicy, region, &k.id), |d| match d {
                        Data::Policy(p) => p,
                        _ => None,
                    });
                    if let Some(list) = aliases.remove(&(job.region.clone(), k.id.clone())) {
                        k.aliases = list;
                    }
                    inv.kms_keys.push(k);
                }
            }
            Data::Secrets(v) => inv.secrets.extend(v),
            Data::DbInstances(v) => inv.db_instances.extend(v),
            Data::DbSnapshots(v) => {
                for mut s in v {
                    let kind = if s.cluster {
                        Kind::DbClusterSnapshotAttributes
                    } else {
                        Kind::DbSnapshotAttributes
                    };
                    s.restore_accounts = b.strings(kind, region, &s.id);
                    inv.db_snapshots.push(s);
                }
            }
            Data::Functions(v) => {
                for mut f in v {
                    f.policy = b.policy(Kind::LambdaPolicy, region, &f.name);
                    if let Some(Data::Text(auth)) = b.take(Kind::LambdaUrlConfig, region, &f.name) {
                        f.url_auth_type = auth;
                    }
                    inv.functions.push(f);
                }
            }
            Data::Trails(v) => {
                for mut t in v {
                    t.status = known(b.take(Kind::TrailStatus, region, &t.name), |d| match d {
                        Data::TrailStatus(s) => Some(s),
                        _ => None,
                    });
                    let selectors = b.take(Kind::EventSelectors, region, &t.name);
                    if let Some(Data::Selectors(_, advanced)) = &selectors {
                        t.advanced_event_selectors.clone_from(advanced);
                    }
                    t.event_selectors = known(selectors, |d| match d {
                        Data::Selectors(basic, _) => Some(basic),
                        _ => None,
                    });
                    let home = t.home_region.is_some() && t.home_region.as_deref() == region;
                    trails.push((t, home));
                }
            }
            Data::EventRules(v) => {
                for mut r in v {
                    r.targets = known(
                        b.take(Kind::EventRuleTargets, region, &r.name),
                        |d| match d {
                            Data::Strings(t) => Some(t),
                            _ => None,
                        },
                    );
                    inv.event_rules.push(r);
                }
            }
            Data::LogGroups(v) => inv.log_groups.extend(v),
            Data::Messaging(p) => {
                let mut take = |kind: Kind, name: &str| b.take(kind, region, name);
                super::messaging::join(p, &mut inv, &mut take);
            }
            _ => {}
        }
    }
    inv.trails = dedupe_trails(trails);
    // Task definitions no task named are resources of their own.
    let keys: Vec<Key> = b
        .per_resource
        .keys()
        .filter(|k| k.0 == Kind::EcsTaskDefinition)
        .cloned()
        .collect();
    let defs = keys
        .into_iter()
        .filter_map(|k| b.per_resource.remove(&k))
        .collect();
    super::messaging::join_task_definitions(defs, &mut inv);
    // Secret resource policies are joined by the ARN inside each file.
    let keys: Vec<Key> = b
        .per_resource
        .keys()
        .filter(|k| k.0 == Kind::SecretPolicy)
        .cloned()
        .collect();
    let files = keys
        .into_iter()
        .filter_map(|k| {
            let data = b.per_resource.remove(&k)?;
            Some((k.1, k.2, data))
        })
        .collect();
    for arn in super::messaging::join_secret_policies(files, &mut inv.secrets) {
        b.skipped.push(Skipped::new(
            "secretsmanager-get-resource-policy",
            format!("the resource policy of {arn} names a secret that secretsmanager-list-secrets does not list"),
        ));
    }
    Loaded {
        inventory: inv,
        skipped: b.skipped,
        files_read,
        sources: Vec::new(),
    }
}

/// Every region lists multi-region trails; keep one per ARN, preferring
/// the copy read in the trail's home region.
fn dedupe_trails(trails: Vec<(Trail, bool)>) -> Vec<Trail> {
    let mut best: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Trail> = Vec::new();
    for (t, in_home) in trails {
        let key = if t.arn.is_empty() {
            t.name.clone()
        } else {
            t.arn.clone()
        };
        match best.get(&key) {
            Some(&i) if in_home => {
                if let Some(slot) = out.get_mut(i) {
                    *slot = t;
                }
            }
            Some(_) => {}
            None => {
                best.insert(key, out.len());
                out.push(t);
            }
        }
    }
    out
}

fn region_settings(b: &mut Builder, region: &str, account: Option<String>) -> RegionSettings {
    let r = Some(region);
    let ebs = known(b.single(Kind::EbsEncryptionByDefault, r), |d| match d {
        Data::Bool(x) => Some(x),
        _ => None,
    });
    let detector_ids = known(b.single(Kind::Detectors, r), |d| match d {
        Data::Strings(v) => Some(v),
        _ => None,
    });
    let guardduty = match detector_ids {
        Known::Known(ids) => {
            let mut list = Vec::new();
            let mut missing = None;
            for id in ids {
                match known(b.take(Kind::Detector, r, &id), |d| match d {
                    Data::Detector(det) => Some(det),
                    _ => None,
                }) {
                    Known::Known(mut det) => {
                        det.id = id;
                        list.push(det);
                    }
                    Known::Unknown(why) => {
                        missing.get_or_insert(format!("detector {id}: {why}"));
                    }
                }
            }
            missing.map_or(Known::Known(list), Known::Unknown)
        }
        Known::Unknown(why) => Known::Unknown(why),
    };
    let standards = match b.single(Kind::SecurityHubStandards, r) {
        Some(Data::Strings(v)) => v,
        _ => Vec::new(),
    };
    let security_hub = known(b.single(Kind::SecurityHub, r), |d| match d {
        Data::Hub(h) => Some(h.map(|mut h| {
            h.standards = standards;
            h
        })),
        _ => None,
    });
    let statuses = match b.single(Kind::ConfigRecorderStatus, r) {
        Some(Data::RecorderStatus(s)) => Known::Known(s),
        Some(Data::ApiError { code, message }) => Known::Unknown(api_reason(&code, &message)),
        _ => Known::default(),
    };
    let config_recorders = known(b.single(Kind::ConfigRecorders, r), |d| match d {
        Data::Recorders(list) => Some(
            list.into_iter()
                .map(|mut rec| {
                    match &statuses {
                        Known::Known(all) => {
                            let found = all.iter().find(|(n, _, _)| *n == rec.name);
                            rec.recording = match found {
                                Some((_, Some(on), _)) => Known::Known(*on),
                                _ => Known::unknown("recorder status not collected"),
                            };
                            rec.last_status = found.and_then(|(_, _, s)| s.clone());
                        }
                        Known::Unknown(why) => rec.recording = Known::Unknown(why.clone()),
                    }
                    rec
                })
                .collect(),
        ),
        _ => None,
    });
    let access_analyzers = known(b.single(Kind::Analyzers, r), |d| match d {
        Data::Analyzers(a) => Some(a),
        _ => None,
    });
    RegionSettings {
        region: region.to_owned(),
        account,
        ebs_encryption_by_default: ebs,
        guardduty_detectors: guardduty,
        security_hub,
        config_recorders,
        access_analyzers,
        ..RegionSettings::default()
    }
}

fn fill_bucket(b: &mut Builder, bucket: &mut Bucket) {
    let name = bucket.name.clone();
    if let Some(Data::Text(Some(region))) = b.take(Kind::BucketLocation, None, &name) {
        bucket.resource.region = Some(region.clone());
        bucket.region = Some(region);
    }
    bucket.acl = known(b.take(Kind::BucketAcl, None, &name), |d| match d {
        Data::Grants(g) => Some(g),
        _ => None,
    });
    bucket.policy = b.policy(Kind::BucketPolicy, None, &name);
    bucket.public_access_block =
        known(
            b.take(Kind::BucketPublicAccessBlock, None, &name),
            |d| match d {
                Data::Pab(p) => Some(p),
                _ => None,
            },
        );
    bucket.encryption = known(b.take(Kind::BucketEncryption, None, &name), |d| match d {
        Data::Encryption(e) => Some(e),
        _ => None,
    });
    match b.take(Kind::BucketVersioning, None, &name) {
        Some(Data::Versioning { status, mfa_delete }) => {
            bucket.versioning = Known::Known(status);
            bucket.mfa_delete = Known::Known(mfa_delete);
        }
        other => {
            bucket.versioning = known(other, |_| None);
            bucket.mfa_delete = bucket.versioning.clone().map(|_| false);
        }
    }
    bucket.logging = known(b.take(Kind::BucketLogging, None, &name), |d| match d {
        Data::Logging(l) => Some(l),
        _ => None,
    });
    bucket.lifecycle_rules = known(b.take(Kind::BucketLifecycle, None, &name), |d| match d {
        Data::Lifecycle(l) => Some(l),
        _ => None,
    });
}

/// Fill a user's credentials: the per-user files win; the credential
/// report fills what they do not give.
fn fill_user(b: &mut Builder, user: &mut IamUser, report: Option<&Report>) {
    let row = report.and_then(|r| {
        r.rows
            .iter()
            .position(|row| row.user == user.name)
            .and_then(|i| Some((r.rows.get(i)?, r.cells.get(i)?)))
    });
    if let Some((row, cells)) = row {
        user.password_enabled = Known::Known(row.password_enabled);
        user.password_last_used = cells[0].last_used("password_last_used");
    }
    // Report key slots: (active, last rotated = created, last used).
    let slots: Vec<(usize, bool, Timestamp, &Cell)> = row
        .map(|(row, cells)| {
            [
                (
                    1usize,
                    row.access_key_1_active,
                    row.access_key_1_last_rotated,
                    &cells[1],
                ),
                (
                    2usize,
                    row.access_key_2_active,
                    row.access_key_2_last_rotated,
                    &cells[2],
                ),
            ]
            .into_iter()
            .filter_map(|(n, a, t, c)| t.map(|t| (n, a, t, c)))
            .collect()
        })
        .unwrap_or_default();
    user.access_keys = match b.take(Kind::AccessKeys, None, &user.name) {
        Some(Data::AccessKeys(mut keys)) => {
            for key in &mut keys {
                key.last_used = match b.take(Kind::AccessKeyLastUsed, None, &key.id) {
                    Some(Data::LastUsed(t)) => Known::Known(t),
                    Some(Data::ApiError { code, message }) => {
                        Known::Unknown(api_reason(&code, &message))
                    }
                    Some(Data::Invalid(why)) => Known::Unknown(why),
                    _ => slots
                        .iter()
                        .find(|(_, _, t, _)| Some(*t) == key.created)
                        .map_or_else(Known::default, |(_, _, _, c)| {
                            c.last_used("access key last used")
                        }),
                };
            }
            Known::Known(keys)
        }
        Some(Data::ApiError { code, message }) => Known::Unknown(api_reason(&code, &message)),
        Some(Data::Invalid(why)) => Known::Unknown(why),
        _ => match row {
            // The report has no key ids: name the slot.
            Some(_) => Known::Known(
                slots
                    .iter()
                    .map(|(n, active, t, c)| AccessKey {
                        id: format!("access_key_{n}"),
                        active: *active,
                        created: Some(*t),
                        last_used: c.last_used("access key last used"),
                    })
                    .collect(),
            ),
            None => Known::default(),
        },
    };
    user.mfa_devices = match b.take(Kind::MfaDevices, None, &user.name) {
        Some(Data::Mfa(d)) => Known::Known(d),
        Some(Data::ApiError { code, message }) => Known::Unknown(api_reason(&code, &message)),
        Some(Data::Invalid(why)) => Known::Unknown(why),
        _ => match row {
            // The report says whether MFA is active, not which device.
            Some((r, _)) if r.mfa_active => Known::Known(vec![MfaDevice::default()]),
            Some(_) => Known::Known(Vec::new()),
            None => Known::default(),
        },
    };
}
