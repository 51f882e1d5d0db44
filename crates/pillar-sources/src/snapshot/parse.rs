//! One file's bytes → typed data. Runs in parallel; no joins here.

use super::files::Kind;
use super::iam::{AuthDetails, CallerIdentity, Meta, Report};
use super::services::KeyMeta;
use super::util::Ctx;
use super::{ec2, iam, messaging, s3, services};
use pillar_model::*;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a file holds once parsed.
#[derive(Debug)]
pub(crate) enum Data {
    Meta(Meta),
    Identity(CallerIdentity),
    Auth(Box<AuthDetails>),
    Report(Box<Report>),
    PasswordPolicy(Option<PasswordPolicy>),
    Summary(BTreeMap<String, i64>),
    AccessKeys(Vec<AccessKey>),
    LastUsed(Option<Timestamp>),
    Mfa(Vec<MfaDevice>),
    Buckets(Vec<Bucket>),
    /// A single optional string: bucket region, organization id, URL auth type.
    Text(Option<String>),
    Grants(Vec<Grant>),
    Policy(Option<PolicyDocument>),
    Pab(Option<PublicAccessBlock>),
    Encryption(Option<BucketEncryption>),
    Versioning {
        status: Option<String>,
        mfa_delete: bool,
    },
    Logging(Option<BucketLogging>),
    Lifecycle(Vec<LifecycleRule>),
    Scps(Vec<Scp>),
    /// Resource control policies (without documents and targets yet).
    Rcps(Vec<Scp>),
    Strings(Vec<String>),
    Bool(bool),
    Vpcs(Vec<Vpc>),
    Subnets(Vec<Subnet>),
    RouteTables(Vec<RouteTable>),
    InternetGateways(Vec<InternetGateway>),
    NatGateways(Vec<NatGateway>),
    EgressOnlyInternetGateways(Vec<EgressOnlyInternetGateway>),
    VpcBpa(Option<VpcBlockPublicAccess>),
    VpcBpaExclusions(Vec<VpcBpaExclusion>),
    NetworkAcls(Vec<NetworkAcl>),
    SecurityGroups(Vec<SecurityGroup>),
    PrefixLists(Vec<ManagedPrefixList>),
    NetworkInterfaces(Vec<NetworkInterface>),
    Instances(Vec<Instance>),
    LaunchTemplates(Vec<LaunchTemplate>),
    ElasticIps(Vec<ElasticIp>),
    Volumes(Vec<Volume>),
    EbsSnapshots(Vec<EbsSnapshot>),
    FlowLogs(Vec<FlowLog>),
    LoadBalancers(Vec<LoadBalancer>),
    Listeners(Vec<Listener>),
    ListenerRules(Vec<ListenerRule>),
    TlsPolicies(Vec<TlsNegotiationPolicy>),
    TargetGroups(Vec<TargetGroup>),
    Targets(Vec<(String, Option<u16>)>),
    /// A target group's `preserve_client_ip.enabled`, when listed.
    PreserveClientIp(Option<bool>),
    WebAcls(Vec<WebAcl>),
    KmsKeys(Vec<KmsKey>),
    Aliases(Vec<(String, String)>),
    KeyMeta(KeyMeta),
    Secrets(Vec<Secret>),
    DbInstances(Vec<DbInstance>),
    DbSnapshots(Vec<DbSnapshot>),
    Functions(Vec<Function>),
    Trails(Vec<Trail>),
    TrailStatus(TrailStatus),
    Selectors(Vec<EventSelector>, Vec<Value>),
    Detector(Detector),
    Hub(Option<SecurityHub>),
    Recorders(Vec<ConfigRecorder>),
    RecorderStatus(Vec<(String, Option<bool>, Option<String>)>),
    Analyzers(Vec<Analyzer>),
    EventRules(Vec<EventRule>),
    LogGroups(Vec<LogGroup>),
    /// `organizations describe-organization`: its id and management account.
    Organization {
        id: String,
        management: Option<String>,
    },
    /// SQS, SNS, VPC endpoints, ECS (see `messaging.rs`).
    Messaging(super::messaging::Parsed),
    /// The collector recorded a failed call (`{"Error": {...}}`) whose code
    /// does not mean "not configured".
    ApiError {
        code: String,
        message: String,
    },
    /// The file parsed but a value inside it is unusable (e.g. policy text
    /// that is not JSON): the value is unknown for this reason.
    Invalid(String),
}

/// Why a file could not be read.
#[derive(Debug)]
pub(crate) enum Fail {
    Json(serde_json::Error),
    Other(String),
}

impl From<serde_json::Error> for Fail {
    fn from(e: serde_json::Error) -> Self {
        Fail::Json(e)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ErrorFile {
    error: ErrorShape,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ErrorShape {
    code: String,
    message: String,
}

/// Codes that mean "not configured": the value is known to be absent.
pub(crate) const ABSENT_CODES: &[&str] = &[
    "NoSuchEntity",
    "NoSuchBucketPolicy",
    "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchLifecycleConfiguration",
    "ResourceNotFoundException",
    "InvalidAccessException",
    "AWSOrganizationsNotInUseException",
];

/// Whether the file is the collector's error form. Cheap: looks at the
/// first key only, so large files are parsed once.
fn is_error_file(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii_start();
    let Some(rest) = trimmed.strip_prefix(b"{") else {
        return false;
    };
    rest.trim_ascii_start().starts_with(b"\"Error\"")
}

/// The value a "not configured" error stands for, for kinds where absence
/// has a meaning.
fn absent(kind: Kind) -> Option<Data> {
    use Kind::*;
    Some(match kind {
        PasswordPolicy => Data::PasswordPolicy(None),
        BucketPolicy | LambdaPolicy => Data::Policy(None),
        BucketPublicAccessBlock | AccountPublicAccessBlock => Data::Pab(None),
        BucketEncryption => Data::Encryption(None),
        BucketLifecycle => Data::Lifecycle(Vec::new()),
        Organization | LambdaUrlConfig => Data::Text(None),
        SecurityHub => Data::Hub(None),
        SecurityHubStandards => Data::Strings(Vec::new()),
        // Not in an organization: no SCPs apply.
        OrgPolicies => Data::Scps(Vec::new()),
        OrgRcps => Data::Rcps(Vec::new()),
        _ => return None,
    })
}

/// Parse one file of a kind.
pub(crate) fn parse(kind: Kind, bytes: &[u8], ctx: &Ctx<'_>) -> Result<Data, Fail> {
    if bytes.trim_ascii().is_empty() {
        return Err(Fail::Other("empty file".to_owned()));
    }
    if is_error_file(bytes) {
        let e: ErrorFile = serde_json::from_slice(bytes)?;
        if ABSENT_CODES.contains(&e.error.code.as_str()) {
            if let Some(d) = absent(kind) {
                return Ok(d);
            }
        }
        return Ok(Data::ApiError {
            code: e.error.code,
            message: e.error.message,
        });
    }
    use Kind as K;
    match kind {
        K::Meta => Ok(Data::Meta(serde_json::from_slice(bytes)?)),
        K::CallerIdentity => Ok(Data::Identity(serde_json::from_slice(bytes)?)),
        K::AuthDetails => iam::auth_details(bytes, ctx),
        K::CredentialReport => iam::credential_report(bytes),
        K::PasswordPolicy => iam::password_policy(bytes),
        K::AccountSummary => iam::account_summary(bytes),
        K::AccessKeys => iam::access_keys(bytes),
        K::AccessKeyLastUsed => iam::access_key_last_used(bytes),
        K::MfaDevices => iam::mfa_devices(bytes),
        K::Buckets => s3::buckets(bytes, ctx),
        K::BucketLocation => s3::bucket_location(bytes),
        K::BucketAcl => s3::bucket_acl(bytes),
        K::BucketPolicy | K::KmsKeyPolicy | K::LambdaPolicy => s3::policy_file(bytes),
        K::BucketPublicAccessBlock | K::AccountPublicAccessBlock => s3::public_access_block(bytes),
        K::BucketEncryption => s3::bucket_encryption(bytes),
        K::BucketVersioning => s3::bucket_versioning(bytes),
        K::BucketLogging => s3::bucket_logging(bytes),
        K::BucketLifecycle => s3::bucket_lifecycle(bytes),
        K::Organization => s3::organization(bytes),
        K::OrgPolicies => s3::org_policies(bytes, ctx, "SERVICE_CONTROL_POLICY").map(Data::Scps),
        K::OrgRcps => s3::org_policies(bytes, ctx, "RESOURCE_CONTROL_POLICY").map(Data::Rcps),
        K::OrgPolicy => s3::org_policy(bytes),
        K::OrgParents => s3::org_parents(bytes),
        K::OrgPolicyTargets => s3::org_policy_targets(bytes),
        K::Vpcs => ec2::vpcs(bytes, ctx),
        K::Subnets => ec2::subnets(bytes, ctx),
        K::RouteTables => ec2::route_tables(bytes, ctx),
        K::InternetGateways => ec2::internet_gateways(bytes, ctx),
        K::NatGateways => ec2::nat_gateways(bytes, ctx),
        K::EgressOnlyInternetGateways => ec2::egress_only_gateways(bytes, ctx),
        K::VpcBpaOptions => ec2::vpc_bpa_options(bytes, ctx),
        K::VpcBpaExclusions => ec2::vpc_bpa_exclusions(bytes, ctx),
        K::NetworkAcls => ec2::network_acls(bytes, ctx),
        K::SecurityGroups => ec2::security_groups(bytes, ctx),
        K::PrefixLists => ec2::prefix_lists(bytes, ctx),
        K::PrefixListEntries => ec2::prefix_list_entries(bytes),
        K::NetworkInterfaces => ec2::network_interfaces(bytes, ctx),
        K::Instances => ec2::instances(bytes, ctx),
        K::InstanceUserData => ec2::instance_user_data(bytes),
        K::LaunchTemplateVersions => ec2::launch_template_versions(bytes, ctx),
        K::Addresses => ec2::addresses(bytes, ctx),
        K::Volumes => ec2::volumes(bytes, ctx),
        K::EbsSnapshots => ec2::ebs_snapshots(bytes, ctx),
        K::EbsSnapshotAttribute => ec2::snapshot_attribute(bytes),
        K::EbsEncryptionByDefault => ec2::ebs_encryption_by_default(bytes),
        K::FlowLogs => ec2::flow_logs(bytes, ctx),
        K::LoadBalancersV2 => services::load_balancers(bytes, ctx),
        K::Listeners => services::listeners(bytes),
        K::ListenerRules => services::listener_rules(bytes),
        K::TargetGroups => services::target_groups(bytes, ctx),
        K::TargetHealth => services::target_health(bytes),
        K::TargetGroupAttributes => services::target_group_attributes(bytes),
        K::ClassicLoadBalancers => services::classic_load_balancers(bytes, ctx),
        K::ClassicLbPolicies => services::classic_lb_policies(bytes, ctx),
        K::WebAcls => services::web_acls(bytes, ctx),
        K::WebAclResources => services::web_acl_resources(bytes),
        K::KmsKeys => services::kms_keys(bytes, ctx),
        K::KmsAliases => services::kms_aliases(bytes),
        K::KmsDescribeKey => services::kms_describe_key(bytes),
        K::KmsRotation => services::kms_rotation(bytes),
        K::Secrets => services::secrets(bytes, ctx),
        K::DbInstances => services::db_instances(bytes, ctx),
        K::DbSnapshots => services::db_snapshots(bytes, ctx, false),
        K::DbClusterSnapshots => services::db_snapshots(bytes, ctx, true),
        K::DbSnapshotAttributes | K::DbClusterSnapshotAttributes => {
            services::db_snapshot_attributes(bytes)
        }
        K::Functions => services::functions(bytes, ctx),
        K::LambdaUrlConfig => services::lambda_url_config(bytes),
        K::Trails => services::trails(bytes, ctx),
        K::TrailStatus => services::trail_status(bytes),
        K::EventSelectors => services::event_selectors(bytes),
        K::Detectors => services::detectors(bytes),
        K::Detector => services::detector(bytes),
        K::SecurityHub => services::security_hub(bytes),
        K::SecurityHubStandards => services::security_hub_standards(bytes),
        K::ConfigRecorders => services::config_recorders(bytes),
        K::ConfigRecorderStatus => services::config_recorder_status(bytes),
        K::Analyzers => services::analyzers(bytes),
        K::EventRules => services::event_rules(bytes, ctx),
        K::EventRuleTargets => services::rule_targets(bytes),
        K::LogGroups => services::log_groups(bytes, ctx),
        K::Queues => messaging::queues(bytes, ctx),
        K::Topics => messaging::topics(bytes, ctx),
        K::QueueAttributes | K::TopicAttributes => messaging::attributes(bytes, ctx),
        K::SecretPolicy => messaging::secret_policy(bytes, ctx),
        K::VpcEndpoints => messaging::vpc_endpoints(bytes, ctx),
        K::EcsClusters => messaging::clusters(bytes),
        K::EcsTasks => messaging::tasks(bytes, ctx),
        K::EcsTaskDefinition => messaging::task_definition(bytes, ctx),
    }
}

/// A lower-case reason and position for a failed file.
pub(crate) fn describe(fail: &Fail) -> (String, Option<u32>, Option<u32>) {
    match fail {
        Fail::Other(msg) => (msg.clone(), None, None),
        Fail::Json(e) => {
            let full = e.to_string();
            let msg = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m);
            let msg = tidy(msg);
            let prefix = match e.classify() {
                serde_json::error::Category::Data => "unexpected content",
                serde_json::error::Category::Io => "cannot read",
                _ => "invalid JSON",
            };
            let line = u32::try_from(e.line()).ok().filter(|l| *l > 0);
            let column = u32::try_from(e.column()).ok().filter(|_| line.is_some());
            (format!("{prefix}: {msg}"), line, column)
        }
    }
}

/// Make a serde message read as ours: no Rust type names, lower case.
fn tidy(msg: &str) -> String {
    let mut out = msg.replace("EOF", "end of file");
    // `expected struct FooOut` names a Rust type: say what the JSON needs.
    while let Some(pos) = out.find("struct ") {
        let end = out
            .get(pos + 7..)
            .and_then(|rest| rest.find(|c: char| !c.is_alphanumeric() && c != '_'))
            .map_or(out.len(), |e| pos + 7 + e);
        out.replace_range(pos..end, "an object");
    }
    out.replace("expected a an object", "expected an object")
}
