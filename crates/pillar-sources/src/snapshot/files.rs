//! The file names of a snapshot (see `docs/snapshot-layout.md`).

use pillar_model::Service;

/// Every file a snapshot may hold. Per-resource kinds live in a folder of
/// the same name, one file per resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Meta,
    CallerIdentity,
    AuthDetails,
    CredentialReport,
    PasswordPolicy,
    AccountSummary,
    AccessKeys,
    AccessKeyLastUsed,
    MfaDevices,
    Buckets,
    BucketLocation,
    BucketAcl,
    BucketPolicy,
    BucketPublicAccessBlock,
    BucketEncryption,
    BucketVersioning,
    BucketLogging,
    BucketLifecycle,
    AccountPublicAccessBlock,
    Organization,
    OrgPolicies,
    OrgRcps,
    OrgParents,
    OrgPolicy,
    OrgPolicyTargets,
    Vpcs,
    Subnets,
    RouteTables,
    InternetGateways,
    NatGateways,
    EgressOnlyInternetGateways,
    VpcBpaOptions,
    VpcBpaExclusions,
    NetworkAcls,
    SecurityGroups,
    PrefixLists,
    PrefixListEntries,
    NetworkInterfaces,
    Instances,
    InstanceUserData,
    LaunchTemplateVersions,
    Addresses,
    Volumes,
    EbsSnapshots,
    EbsSnapshotAttribute,
    EbsEncryptionByDefault,
    FlowLogs,
    LoadBalancersV2,
    Listeners,
    ListenerRules,
    TargetGroups,
    TargetHealth,
    TargetGroupAttributes,
    ClassicLoadBalancers,
    ClassicLbPolicies,
    WebAcls,
    WebAclResources,
    KmsKeys,
    KmsAliases,
    KmsDescribeKey,
    KmsRotation,
    KmsKeyPolicy,
    Secrets,
    SecretPolicy,
    DbInstances,
    DbSnapshots,
    DbSnapshotAttributes,
    DbClusterSnapshots,
    DbClusterSnapshotAttributes,
    Functions,
    LambdaPolicy,
    LambdaUrlConfig,
    Trails,
    TrailStatus,
    EventSelectors,
    Detectors,
    Detector,
    SecurityHub,
    SecurityHubStandards,
    ConfigRecorders,
    ConfigRecorderStatus,
    Analyzers,
    EventRules,
    EventRuleTargets,
    LogGroups,
    Queues,
    QueueAttributes,
    Topics,
    TopicAttributes,
    VpcEndpoints,
    EcsClusters,
    EcsTasks,
    EcsTaskDefinition,
}

/// Files (collections) at the snapshot root.
pub(crate) const ROOT_FILES: &[(&str, Kind)] = &[
    ("pillar-snapshot.json", Kind::Meta),
    ("sts-get-caller-identity.json", Kind::CallerIdentity),
    (
        "iam-get-account-authorization-details.json",
        Kind::AuthDetails,
    ),
    ("iam-get-credential-report.json", Kind::CredentialReport),
    ("iam-get-account-password-policy.json", Kind::PasswordPolicy),
    ("iam-get-account-summary.json", Kind::AccountSummary),
    ("s3api-list-buckets.json", Kind::Buckets),
    (
        "s3control-get-public-access-block.json",
        Kind::AccountPublicAccessBlock,
    ),
    (
        "organizations-describe-organization.json",
        Kind::Organization,
    ),
    ("organizations-list-policies.json", Kind::OrgPolicies),
    ("organizations-list-policies-rcp.json", Kind::OrgRcps),
];

/// Per-resource folders at the snapshot root.
pub(crate) const ROOT_DIRS: &[(&str, Kind)] = &[
    ("iam-list-access-keys", Kind::AccessKeys),
    ("iam-get-access-key-last-used", Kind::AccessKeyLastUsed),
    ("iam-list-mfa-devices", Kind::MfaDevices),
    ("s3api-get-bucket-location", Kind::BucketLocation),
    ("s3api-get-bucket-acl", Kind::BucketAcl),
    ("s3api-get-bucket-policy", Kind::BucketPolicy),
    (
        "s3api-get-public-access-block",
        Kind::BucketPublicAccessBlock,
    ),
    ("s3api-get-bucket-encryption", Kind::BucketEncryption),
    ("s3api-get-bucket-versioning", Kind::BucketVersioning),
    ("s3api-get-bucket-logging", Kind::BucketLogging),
    (
        "s3api-get-bucket-lifecycle-configuration",
        Kind::BucketLifecycle,
    ),
    ("organizations-describe-policy", Kind::OrgPolicy),
    ("organizations-list-parents", Kind::OrgParents),
    (
        "organizations-list-targets-for-policy",
        Kind::OrgPolicyTargets,
    ),
];

/// Files (collections) in a region folder.
pub(crate) const REGION_FILES: &[(&str, Kind)] = &[
    ("ec2-describe-vpcs.json", Kind::Vpcs),
    ("ec2-describe-subnets.json", Kind::Subnets),
    ("ec2-describe-route-tables.json", Kind::RouteTables),
    (
        "ec2-describe-internet-gateways.json",
        Kind::InternetGateways,
    ),
    ("ec2-describe-nat-gateways.json", Kind::NatGateways),
    (
        "ec2-describe-egress-only-internet-gateways.json",
        Kind::EgressOnlyInternetGateways,
    ),
    (
        "ec2-describe-vpc-block-public-access-options.json",
        Kind::VpcBpaOptions,
    ),
    (
        "ec2-describe-vpc-block-public-access-exclusions.json",
        Kind::VpcBpaExclusions,
    ),
    ("ec2-describe-network-acls.json", Kind::NetworkAcls),
    ("ec2-describe-security-groups.json", Kind::SecurityGroups),
    ("ec2-describe-managed-prefix-lists.json", Kind::PrefixLists),
    (
        "ec2-describe-network-interfaces.json",
        Kind::NetworkInterfaces,
    ),
    ("ec2-describe-instances.json", Kind::Instances),
    (
        "ec2-describe-launch-template-versions.json",
        Kind::LaunchTemplateVersions,
    ),
    ("ec2-describe-addresses.json", Kind::Addresses),
    ("ec2-describe-volumes.json", Kind::Volumes),
    ("ec2-describe-snapshots.json", Kind::EbsSnapshots),
    (
        "ec2-get-ebs-encryption-by-default.json",
        Kind::EbsEncryptionByDefault,
    ),
    ("ec2-describe-flow-logs.json", Kind::FlowLogs),
    ("elbv2-describe-load-balancers.json", Kind::LoadBalancersV2),
    ("elbv2-describe-target-groups.json", Kind::TargetGroups),
    (
        "elb-describe-load-balancers.json",
        Kind::ClassicLoadBalancers,
    ),
    ("wafv2-list-web-acls.json", Kind::WebAcls),
    ("kms-list-keys.json", Kind::KmsKeys),
    ("kms-list-aliases.json", Kind::KmsAliases),
    ("secretsmanager-list-secrets.json", Kind::Secrets),
    ("rds-describe-db-instances.json", Kind::DbInstances),
    ("rds-describe-db-snapshots.json", Kind::DbSnapshots),
    (
        "rds-describe-db-cluster-snapshots.json",
        Kind::DbClusterSnapshots,
    ),
    ("lambda-list-functions.json", Kind::Functions),
    ("cloudtrail-describe-trails.json", Kind::Trails),
    ("guardduty-list-detectors.json", Kind::Detectors),
    ("securityhub-describe-hub.json", Kind::SecurityHub),
    (
        "securityhub-get-enabled-standards.json",
        Kind::SecurityHubStandards,
    ),
    (
        "configservice-describe-configuration-recorders.json",
        Kind::ConfigRecorders,
    ),
    (
        "configservice-describe-configuration-recorder-status.json",
        Kind::ConfigRecorderStatus,
    ),
    ("accessanalyzer-list-analyzers.json", Kind::Analyzers),
    ("events-list-rules.json", Kind::EventRules),
    ("logs-describe-log-groups.json", Kind::LogGroups),
    ("sqs-list-queues.json", Kind::Queues),
    ("sns-list-topics.json", Kind::Topics),
    ("ec2-describe-vpc-endpoints.json", Kind::VpcEndpoints),
    ("ecs-list-clusters.json", Kind::EcsClusters),
];

/// Per-resource folders in a region folder.
pub(crate) const REGION_DIRS: &[(&str, Kind)] = &[
    (
        "ec2-get-managed-prefix-list-entries",
        Kind::PrefixListEntries,
    ),
    (
        "ec2-describe-snapshot-attribute",
        Kind::EbsSnapshotAttribute,
    ),
    (
        "ec2-describe-instance-attribute-userdata",
        Kind::InstanceUserData,
    ),
    ("elbv2-describe-listeners", Kind::Listeners),
    ("elbv2-describe-rules", Kind::ListenerRules),
    ("elbv2-describe-target-health", Kind::TargetHealth),
    (
        "elbv2-describe-target-group-attributes",
        Kind::TargetGroupAttributes,
    ),
    (
        "elb-describe-load-balancer-policies",
        Kind::ClassicLbPolicies,
    ),
    ("wafv2-list-resources-for-web-acl", Kind::WebAclResources),
    ("kms-describe-key", Kind::KmsDescribeKey),
    ("kms-get-key-rotation-status", Kind::KmsRotation),
    ("kms-get-key-policy", Kind::KmsKeyPolicy),
    (
        "rds-describe-db-snapshot-attributes",
        Kind::DbSnapshotAttributes,
    ),
    (
        "rds-describe-db-cluster-snapshot-attributes",
        Kind::DbClusterSnapshotAttributes,
    ),
    ("lambda-get-policy", Kind::LambdaPolicy),
    ("lambda-get-function-url-config", Kind::LambdaUrlConfig),
    ("cloudtrail-get-trail-status", Kind::TrailStatus),
    ("cloudtrail-get-event-selectors", Kind::EventSelectors),
    ("guardduty-get-detector", Kind::Detector),
    ("events-list-targets-by-rule", Kind::EventRuleTargets),
    ("sqs-get-queue-attributes", Kind::QueueAttributes),
    ("secretsmanager-get-resource-policy", Kind::SecretPolicy),
    ("sns-get-topic-attributes", Kind::TopicAttributes),
    ("ecs-describe-tasks", Kind::EcsTasks),
    ("ecs-describe-task-definition", Kind::EcsTaskDefinition),
];

fn lookup(table: &[(&str, Kind)], name: &str) -> Option<Kind> {
    table.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

pub(crate) fn root_file(name: &str) -> Option<Kind> {
    lookup(ROOT_FILES, name)
}

pub(crate) fn root_dir(name: &str) -> Option<Kind> {
    lookup(ROOT_DIRS, name)
}

pub(crate) fn region_file(name: &str) -> Option<Kind> {
    lookup(REGION_FILES, name)
}

pub(crate) fn region_dir(name: &str) -> Option<Kind> {
    lookup(REGION_DIRS, name)
}

/// The per-resource file name for a resource name: `/` and `:` become `_`.
pub(crate) fn file_key(name: &str) -> String {
    name.replace(['/', ':'], "_")
}

/// Whether a folder name looks like an AWS region (`us-east-1`,
/// `us-gov-west-1`, `cn-north-1`, `il-central-1`).
pub(crate) fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    parts.len() >= 3
        && first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && parts
            .get(1..parts.len() - 1)
            .unwrap_or_default()
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

impl Kind {
    /// Whether network reachability (`pillar net`) reads this file: the
    /// identity, the VPC's network, instances and their interfaces,
    /// Elastic IPs, load balancers with their listeners and targets, DB
    /// instances and VPC Block Public Access.
    pub(crate) fn network(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Meta | CallerIdentity
                | Vpcs
                | Subnets
                | RouteTables
                | InternetGateways
                | NatGateways
                | EgressOnlyInternetGateways
                | VpcBpaOptions
                | VpcBpaExclusions
                | NetworkAcls
                | SecurityGroups
                | PrefixLists
                | PrefixListEntries
                | NetworkInterfaces
                | Instances
                | Addresses
                | LoadBalancersV2
                | Listeners
                | TargetGroups
                | TargetHealth
                | TargetGroupAttributes
                | ClassicLoadBalancers
                | DbInstances
        )
    }

    /// The collection this file completes, for coverage. Only collection
    /// (list/describe-all) files cover a service.
    pub(crate) fn covers(self) -> Option<Service> {
        use Kind::*;
        Some(match self {
            AuthDetails => Service::Iam,
            Buckets => Service::S3,
            OrgPolicies | OrgRcps => Service::Organizations,
            Vpcs
            | Subnets
            | RouteTables
            | InternetGateways
            | NatGateways
            | EgressOnlyInternetGateways
            | NetworkAcls
            | SecurityGroups
            | PrefixLists
            | NetworkInterfaces
            | Addresses => Service::Network,
            Instances => Service::Instances,
            Volumes | EbsSnapshots => Service::Ebs,
            LoadBalancersV2 | TargetGroups | ClassicLoadBalancers => Service::LoadBalancers,
            WebAcls => Service::Waf,
            KmsKeys => Service::Kms,
            Secrets => Service::Secrets,
            DbInstances | DbSnapshots | DbClusterSnapshots => Service::Rds,
            Functions => Service::Lambda,
            Trails => Service::CloudTrail,
            FlowLogs => Service::FlowLogs,
            LogGroups => Service::Logs,
            EventRules => Service::Events,
            Queues => Service::Sqs,
            Topics => Service::Sns,
            VpcEndpoints => Service::VpcEndpoints,
            EcsClusters => Service::Ecs,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-2",
            "us-isob-east-1",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "snapshot",
            "us-east",
            "us-east-x",
            "USA-east-1",
            "-east-1",
            "us--1",
            "iam-list-access-keys",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn keys() {
        assert_eq!(file_key("rds:db-2024/x"), "rds_db-2024_x");
    }
}
