//! Typed AWS resources. Field names follow the AWS API where one exists.
//!
//! Every resource carries a [`ResourceRef`] and, when it came from a file, a
//! [`Location`]. Structs default every field so fixtures and sources may
//! omit what they do not know; a [`Known`] field left out is unknown
//! ("not collected").

use crate::known::Known;
use crate::policy::PolicyDocument;
use crate::reference::{Location, ResourceRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A point in time, UTC.
pub type Timestamp = DateTime<Utc>;
/// Resource tags.
pub type Tags = BTreeMap<String, String>;

/// Access to the identity and origin every resource has.
pub trait Resource {
    /// The resource's identity.
    fn resource(&self) -> &ResourceRef;
    /// Where it was declared or read, when it came from a file.
    fn location(&self) -> Option<&Location>;
}

macro_rules! resources {
    ($($ty:ident),* $(,)?) => {$(
        impl Resource for $ty {
            fn resource(&self) -> &ResourceRef { &self.resource }
            fn location(&self) -> Option<&Location> { self.location.as_ref() }
        }
    )*};
}

resources!(
    IamUser,
    IamGroup,
    IamRole,
    ManagedPolicy,
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    NatGateway,
    EgressOnlyInternetGateway,
    NetworkAcl,
    SecurityGroup,
    ManagedPrefixList,
    NetworkInterface,
    Instance,
    LaunchTemplate,
    ElasticIp,
    LoadBalancer,
    TargetGroup,
    Bucket,
    KmsKey,
    Secret,
    Volume,
    EbsSnapshot,
    DbInstance,
    StoreCredential,
    DbSnapshot,
    Function,
    Trail,
    FlowLog,
    LogGroup,
    WebAcl,
    Scp,
    EventRule,
);

// ---------------------------------------------------------------- identity

/// An inline policy embedded in a user, group or role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InlinePolicy {
    /// Policy name.
    pub name: String,
    /// Policy document.
    pub document: PolicyDocument,
}

/// An IAM access key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessKey {
    /// Access key id (not secret).
    pub id: String,
    /// True when `Active`.
    pub active: bool,
    /// When it was created.
    pub created: Option<Timestamp>,
    /// When it was last used; `Known(None)` means never.
    pub last_used: Known<Option<Timestamp>>,
}

/// An MFA device of a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MfaDevice {
    /// Serial number or ARN.
    pub serial: String,
    /// True for virtual devices.
    pub is_virtual: bool,
    /// When it was enabled.
    pub enabled: Option<Timestamp>,
}

/// An IAM user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IamUser {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// User name.
    pub name: String,
    /// User ARN.
    pub arn: String,
    /// When it was created.
    pub created: Option<Timestamp>,
    /// Whether the user has a console password.
    pub password_enabled: Known<bool>,
    /// When the password was last used; `Known(None)` means never.
    pub password_last_used: Known<Option<Timestamp>>,
    /// MFA devices.
    pub mfa_devices: Known<Vec<MfaDevice>>,
    /// Access keys.
    pub access_keys: Known<Vec<AccessKey>>,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
    /// Names of groups the user belongs to.
    pub groups: Vec<String>,
    /// Permissions boundary policy ARN.
    pub permissions_boundary: Option<String>,
    /// Tags.
    pub tags: Tags,
}

/// An IAM group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IamGroup {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Group name.
    pub name: String,
    /// Group ARN.
    pub arn: String,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
}

/// An IAM role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IamRole {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Role name.
    pub name: String,
    /// Role ARN.
    pub arn: String,
    /// Path, e.g. `/aws-service-role/`.
    pub path: String,
    /// Trust policy.
    pub assume_role_policy: Known<PolicyDocument>,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
    /// Permissions boundary policy ARN.
    pub permissions_boundary: Option<String>,
    /// When the role was last used; `Known(None)` means never.
    pub last_used: Known<Option<Timestamp>>,
    /// Tags.
    pub tags: Tags,
}

impl IamRole {
    /// Service-linked roles are created and managed by AWS.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// An IAM instance profile: what hands a role to EC2 instances (an
/// instance's `iam_instance_profile` names it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceProfile {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Profile name.
    pub name: String,
    /// Profile ARN.
    pub arn: String,
    /// ARNs of its roles (AWS allows one).
    pub roles: Vec<String>,
}

/// A managed policy (customer or AWS managed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManagedPolicy {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Policy name.
    pub name: String,
    /// Policy ARN.
    pub arn: String,
    /// True for policies AWS owns (`arn:aws:iam::aws:policy/…`).
    pub aws_managed: bool,
    /// The default version's document.
    pub document: Known<PolicyDocument>,
    /// How many principals it is attached to.
    pub attachment_count: Option<u32>,
}

/// The account password policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    /// Minimum length.
    pub minimum_length: Option<u32>,
    /// Require a symbol.
    pub require_symbols: bool,
    /// Require a number.
    pub require_numbers: bool,
    /// Require an upper-case letter.
    pub require_uppercase: bool,
    /// Require a lower-case letter.
    pub require_lowercase: bool,
    /// Let users change their own password.
    pub allow_users_to_change: bool,
    /// Maximum age in days.
    pub max_age_days: Option<u32>,
    /// Number of previous passwords that cannot be reused.
    pub reuse_prevention: Option<u32>,
    /// Whether expired passwords need an administrator reset.
    pub hard_expiry: bool,
}

/// One row of the IAM credential report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialReportEntry {
    /// User name; `<root_account>` for root.
    pub user: String,
    /// ARN.
    pub arn: String,
    /// When the user was created.
    pub created: Option<Timestamp>,
    /// Console password enabled (`not_supported` for root reads as true).
    pub password_enabled: bool,
    /// Password last used.
    pub password_last_used: Option<Timestamp>,
    /// MFA active.
    pub mfa_active: bool,
    /// Access key 1 active.
    pub access_key_1_active: bool,
    /// Access key 1 last rotated.
    pub access_key_1_last_rotated: Option<Timestamp>,
    /// Access key 1 last used.
    pub access_key_1_last_used: Option<Timestamp>,
    /// Access key 2 active.
    pub access_key_2_active: bool,
    /// Access key 2 last rotated.
    pub access_key_2_last_rotated: Option<Timestamp>,
    /// Access key 2 last used.
    pub access_key_2_last_used: Option<Timestamp>,
}

impl CredentialReportEntry {
    /// Whether this is the root user's row.
    pub fn is_root(&self) -> bool {
        self.user == "<root_account>"
    }
}

/// S3 Block Public Access settings (bucket or account level).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicAccessBlock {
    /// BlockPublicAcls.
    pub block_public_acls: bool,
    /// IgnorePublicAcls.
    pub ignore_public_acls: bool,
    /// BlockPublicPolicy.
    pub block_public_policy: bool,
    /// RestrictPublicBuckets.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four settings on.
    pub fn all(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

/// An Organizations service control policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scp {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Policy name.
    pub name: String,
    /// Policy document.
    pub document: Known<PolicyDocument>,
    /// Roots, OUs and accounts it is attached to.
    pub targets: Vec<String>,
}

/// Account-wide settings of one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Account {
    /// Account id.
    pub id: Known<String>,
    /// Password policy; `Known(None)` when the account has none.
    pub password_policy: Known<Option<PasswordPolicy>>,
    /// `iam get-account-summary` map (e.g. `AccountMFAEnabled`).
    pub summary: Known<BTreeMap<String, i64>>,
    /// The credential report rows.
    pub credential_report: Known<Vec<CredentialReportEntry>>,
    /// Account-level S3 Block Public Access; `Known(None)` when not configured.
    pub s3_public_access_block: Known<Option<PublicAccessBlock>>,
    /// Whether the account belongs to an organization.
    pub organization_id: Known<Option<String>>,
    /// Where the account sits in its organization: its own id, then each
    /// parent OU, then the root id (`organizations list-parents`); empty
    /// when not collected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub org_path: Vec<String>,
    /// The organization's management account
    /// (`organizations describe-organization`, `MasterAccountId`): SCPs and
    /// RCPs do not restrict it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_account_id: Option<String>,
}

impl Account {
    /// The root user's credential report row.
    pub fn root(&self) -> Known<Option<&CredentialReportEntry>> {
        self.credential_report
            .as_ref()
            .map(|rows| rows.iter().find(|r| r.is_root()))
    }
}

// ------------------------------------------------------------ per region

/// A GuardDuty detector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Detector {
    /// Detector id.
    pub id: String,
    /// True when `ENABLED`.
    pub enabled: bool,
    /// Finding publishing frequency.
    pub finding_publishing_frequency: Option<String>,
}

/// A Security Hub hub.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityHub {
    /// Hub ARN.
    pub arn: String,
    /// When it was enabled.
    pub subscribed_at: Option<Timestamp>,
    /// Enabled standards ARNs.
    pub standards: Vec<String>,
}

/// An AWS Config configuration recorder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigRecorder {
    /// Recorder name.
    pub name: String,
    /// Records every supported resource type.
    pub all_supported: bool,
    /// Includes global resource types.
    pub include_global_resource_types: bool,
    /// Whether it is recording now.
    pub recording: Known<bool>,
    /// Last status (`SUCCESS`, `FAILURE`, `PENDING`).
    pub last_status: Option<String>,
}

/// An IAM Access Analyzer analyzer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analyzer {
    /// Analyzer ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// `ACCOUNT`, `ORGANIZATION`, or an unused-access type.
    pub kind: String,
    /// True when `ACTIVE`.
    pub active: bool,
}

/// Settings that exist once per account and region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionSettings {
    /// Region name.
    pub region: String,
    /// Account id, when known.
    pub account: Option<String>,
    /// EBS encryption by default.
    pub ebs_encryption_by_default: Known<bool>,
    /// GuardDuty detectors (none means GuardDuty is off).
    pub guardduty_detectors: Known<Vec<Detector>>,
    /// Security Hub; `Known(None)` when not enabled.
    pub security_hub: Known<Option<SecurityHub>>,
    /// AWS Config recorders.
    pub config_recorders: Known<Vec<ConfigRecorder>>,
    /// IAM Access Analyzer analyzers.
    pub access_analyzers: Known<Vec<Analyzer>>,
}

// --------------------------------------------------------------- network

/// A VPC.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Vpc {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// VPC id.
    pub id: String,
    /// IPv4 CIDR blocks.
    pub cidr_blocks: Vec<String>,
    /// IPv6 CIDR blocks.
    pub ipv6_cidr_blocks: Vec<String>,
    /// The region's default VPC.
    pub is_default: bool,
    /// Tags.
    pub tags: Tags,
}

/// A subnet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Subnet {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Subnet id.
    pub id: String,
    /// VPC id.
    pub vpc_id: String,
    /// IPv4 CIDR.
    pub cidr_block: Option<String>,
    /// IPv6 CIDRs.
    pub ipv6_cidr_blocks: Vec<String>,
    /// Availability zone.
    pub availability_zone: Option<String>,
    /// Auto-assign public IPv4 addresses on launch.
    pub map_public_ip_on_launch: Known<bool>,
    /// Tags.
    pub tags: Tags,
}

/// Where a route sends traffic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Route {
    /// IPv4 destination.
    pub destination_cidr: Option<String>,
    /// IPv6 destination.
    pub destination_ipv6_cidr: Option<String>,
    /// Managed prefix list destination.
    pub destination_prefix_list: Option<String>,
    /// Target id: `igw-…`, `nat-…`, `eigw-…`, `pcx-…`, `tgw-…`, `local`,
    /// an ENI or instance id.
    pub target: String,
    /// `active` or `blackhole`.
    pub state: String,
}

/// A route table association.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteTableAssociation {
    /// The VPC's main table.
    pub main: bool,
    /// Associated subnet.
    pub subnet_id: Option<String>,
    /// Associated gateway (edge association).
    pub gateway_id: Option<String>,
}

/// A route table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteTable {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Route table id.
    pub id: String,
    /// VPC id.
    pub vpc_id: String,
    /// Routes.
    pub routes: Vec<Route>,
    /// Associations.
    pub associations: Vec<RouteTableAssociation>,
}

/// An internet gateway.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InternetGateway {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Gateway id.
    pub id: String,
    /// VPCs it is attached to.
    pub vpc_ids: Vec<String>,
}

/// A NAT gateway.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NatGateway {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Gateway id.
    pub id: String,
    /// VPC id.
    pub vpc_id: String,
    /// Subnet id.
    pub subnet_id: String,
    /// Public IPs.
    pub public_ips: Vec<String>,
    /// `public` or `private`.
    pub connectivity: String,
}

/// An egress-only internet gateway (IPv6 out only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EgressOnlyInternetGateway {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Gateway id.
    pub id: String,
    /// VPCs it is attached to.
    pub vpc_ids: Vec<String>,
}

/// VPC Block Public Access options of one account and region
/// (`ec2 describe-vpc-block-public-access-options`). Per the Amazon VPC User
/// Guide ("Block public access to VPCs and subnets"): `block-bidirectional`
/// blocks all traffic through internet gateways and egress-only internet
/// gateways of the region, `block-ingress` blocks inbound internet traffic
/// (outbound through NAT and egress-only gateways stays allowed), `off`
/// blocks nothing; VPCs and subnets may be excluded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcBlockPublicAccess {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Region (empty when unknown, e.g. a Terraform provider region).
    pub region: String,
    /// Account id, when known.
    pub account: Option<String>,
    /// `off`, `block-bidirectional` or `block-ingress`.
    pub mode: String,
    /// `default-state`, `update-in-progress` or `update-complete` (empty
    /// when the source does not say, e.g. IaC).
    pub state: String,
    /// `allowed` or `not-allowed` (an organization-level declarative policy
    /// may forbid exclusions); empty when unknown.
    pub exclusions_allowed: String,
}

/// A VPC Block Public Access exclusion
/// (`ec2 describe-vpc-block-public-access-exclusions`): a VPC or subnet
/// exempted from the region's block mode.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcBpaExclusion {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Exclusion id (`exclusion-…`), or the IaC address.
    pub id: String,
    /// Region (empty when unknown).
    pub region: String,
    /// `allow-bidirectional` or `allow-egress`.
    pub mode: String,
    /// The VPC or subnet id excluded.
    pub target_id: String,
    /// `create-complete`, `update-complete`, `create-in-progress`, … (empty
    /// when the source does not say, e.g. IaC: taken as in effect).
    pub state: String,
}

/// Port range, inclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortRange {
    /// First port.
    pub from: u16,
    /// Last port.
    pub to: u16,
}

/// One NACL entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NaclEntry {
    /// Rule number (evaluated ascending, first match wins).
    pub rule_number: u32,
    /// Outbound when true.
    pub egress: bool,
    /// Protocol number as a string; `-1` for all.
    pub protocol: Known<String>,
    /// Allow when true, deny otherwise.
    pub allow: bool,
    /// IPv4 CIDR.
    pub cidr_block: Known<Option<String>>,
    /// IPv6 CIDR.
    pub ipv6_cidr_block: Known<Option<String>>,
    /// Port range for TCP/UDP; `None` means all ports.
    pub port_range: Known<Option<PortRange>>,
}

/// A network ACL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkAcl {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// NACL id.
    pub id: String,
    /// VPC id.
    pub vpc_id: String,
    /// The VPC's default NACL.
    pub is_default: bool,
    /// Entries, both directions.
    pub entries: Vec<NaclEntry>,
    /// Associated subnets.
    pub subnet_ids: Vec<String>,
}

/// One security group rule (ingress or egress).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SgRule {
    /// Origin in a file (IaC rule resources).
    pub location: Option<Location>,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all.
    pub protocol: Known<String>,
    /// First port (ICMP type for ICMP); `None` for all.
    pub from_port: Known<Option<i32>>,
    /// Last port (ICMP code for ICMP); `None` for all.
    pub to_port: Known<Option<i32>>,
    /// IPv4 CIDRs.
    pub ipv4_ranges: Known<Vec<String>>,
    /// IPv6 CIDRs.
    pub ipv6_ranges: Known<Vec<String>>,
    /// Managed prefix list ids.
    pub prefix_list_ids: Vec<String>,
    /// Referenced security group ids.
    pub group_ids: Vec<String>,
    /// Description.
    pub description: Option<String>,
}

/// A security group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityGroup {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Group id.
    pub id: String,
    /// Group name (`default` for the VPC's default group).
    pub name: String,
    /// Description.
    pub description: String,
    /// VPC id.
    pub vpc_id: String,
    /// Inbound rules.
    pub ingress: Vec<SgRule>,
    /// Outbound rules.
    pub egress: Vec<SgRule>,
    /// Tags.
    pub tags: Tags,
}

/// A customer- or AWS-managed prefix list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManagedPrefixList {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Prefix list id.
    pub id: String,
    /// Name.
    pub name: String,
    /// CIDR entries.
    pub entries: Known<Vec<String>>,
}

/// A private IPv4 address of an ENI and its public association.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivateIp {
    /// Private address.
    pub address: String,
    /// The ENI's primary address.
    pub primary: bool,
    /// Associated public address (auto-assigned or Elastic IP).
    pub public_ip: Option<String>,
}

/// An elastic network interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkInterface {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// ENI id.
    pub id: String,
    /// Subnet id.
    pub subnet_id: String,
    /// VPC id.
    pub vpc_id: String,
    /// Interface type (`interface`, `nat_gateway`, …).
    pub interface_type: String,
    /// Private addresses.
    pub private_ips: Vec<PrivateIp>,
    /// IPv6 addresses.
    pub ipv6_addresses: Vec<String>,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// Attached instance.
    pub instance_id: Option<String>,
    /// Description (names the owner for service ENIs).
    pub description: String,
}

/// Instance metadata service options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional`.
    pub http_tokens: String,
    /// `enabled` or `disabled`.
    pub http_endpoint: String,
    /// Response hop limit.
    pub hop_limit: Option<i64>,
}

/// An EC2 instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Instance {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Instance id.
    pub id: String,
    /// `running`, `stopped`, …
    pub state: String,
    /// Subnet id.
    pub subnet_id: Option<String>,
    /// VPC id.
    pub vpc_id: Option<String>,
    /// Primary private IPv4.
    pub private_ip: Option<String>,
    /// Public IPv4 (auto-assigned or Elastic IP).
    pub public_ip: Option<String>,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// ENI ids.
    pub network_interfaces: Vec<String>,
    /// Metadata options.
    pub metadata_options: Known<MetadataOptions>,
    /// Instance profile ARN.
    pub iam_instance_profile: Option<String>,
    /// Image id.
    pub image_id: Option<String>,
    /// Tags.
    pub tags: Tags,
    /// User data as the EC2 API holds it (base64 text, possibly of gzip);
    /// `Known(None)` when the instance has none.
    pub user_data: Known<Option<String>>,
    /// IPv6 addresses of the primary network interface, when no ENI of the
    /// inventory stands for it (IaC): the declared addresses, or
    /// [`IPV6_ASSIGNED_AT_LAUNCH`] for each one EC2 assigns from the
    /// subnet's range.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv6_addresses: Vec<String>,
    /// Why whether the instance gets a public IPv4 address is not known
    /// (IaC: `associate_public_ip_address` or the subnet's
    /// `map_public_ip_on_launch` is an unresolved value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip_unknown: Option<String>,
}

/// Stand-in for the public IPv4 address EC2 assigns to an instance's
/// primary network interface at launch (IaC: the address is not known
/// before apply; that the instance gets one is).
pub const PUBLIC_IPV4_ASSIGNED_AT_LAUNCH: &str = "assigned at launch";

/// Stand-in for an IPv6 address EC2 assigns from the subnet's range at
/// launch (IaC: `ipv6_address_count`, `Ipv6AddressCount`). Addresses from
/// an Amazon-provided or BYOIP IPv6 block are globally unique unicast.
pub const IPV6_ASSIGNED_AT_LAUNCH: &str = "IPv6 address assigned at launch";

/// Stand-in for the address of an Elastic IP allocated at apply time
/// (IaC), named after the declaring resource.
pub fn elastic_ip_allocated_at_apply(declared_by: &str) -> String {
    format!("Elastic IP {declared_by}, allocated at apply")
}

/// An EC2 launch template version (its user data; the rest of its launch
/// data is not modelled).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LaunchTemplate {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Launch template id.
    pub id: String,
    /// Launch template name.
    pub name: String,
    /// Version number, when known.
    pub version: Option<i64>,
    /// User data as the EC2 API holds it (base64 text, possibly of gzip);
    /// `Known(None)` when the version has none.
    pub user_data: Known<Option<String>>,
}

/// An Elastic IP address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElasticIp {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Allocation id.
    pub allocation_id: String,
    /// The public address.
    pub public_ip: String,
    /// Associated instance.
    pub instance_id: Option<String>,
    /// Associated ENI.
    pub network_interface_id: Option<String>,
    /// Associated private address.
    pub private_ip: Option<String>,
}

/// A load balancer listener.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Listener {
    /// Listener ARN.
    pub arn: String,
    /// Port.
    pub port: Option<u16>,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, …
    pub protocol: String,
    /// TLS policy.
    pub ssl_policy: Option<String>,
    /// Target groups of the default actions.
    pub target_groups: Vec<String>,
    /// Default action types (`forward`, `redirect`, …).
    pub default_actions: Vec<String>,
    /// Protocol of the default redirect action: `HTTPS`, `HTTP` or
    /// `#{protocol}` (the request's own, AWS's default). `None` when there is
    /// no redirect, or the source did not say (unresolved in IaC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_protocol: Option<String>,
    /// Classic Load Balancer: the policies the listener uses (`PolicyNames`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policy_names: Vec<String>,
    /// Where the listener is declared, when it came from a file and is not
    /// part of its load balancer's declaration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Application Load Balancer: the listener's rules other than the
    /// default one (`DescribeRules`, `aws_lb_listener_rule`,
    /// `AWS::ElasticLoadBalancingV2::ListenerRule`). A rule whose
    /// conditions match acts before the default action. Unknown when not
    /// collected (`Default`); not serialized when known to be none, so
    /// a serialized listener without `rules` has none.
    #[serde(
        default = "known_no_listener_rules",
        skip_serializing_if = "no_listener_rules"
    )]
    pub rules: Known<Vec<ListenerRule>>,
}

fn no_listener_rules(r: &Known<Vec<ListenerRule>>) -> bool {
    r.get().is_some_and(Vec::is_empty)
}

fn known_no_listener_rules() -> Known<Vec<ListenerRule>> {
    Known::Known(Vec::new())
}

/// A non-default rule of an Application Load Balancer listener.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListenerRule {
    /// Rule ARN (IaC: the resource address or logical id).
    pub arn: String,
    /// Priority, as written (`1`…`50000`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Action types in order (`forward`, `redirect`, `fixed-response`,
    /// `authenticate-oidc`, …).
    pub actions: Vec<String>,
    /// Protocol of the redirect action, as for
    /// [`Listener::redirect_protocol`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_protocol: Option<String>,
    /// Target groups its forward actions send to (`TargetGroupArn`,
    /// `ForwardConfig.TargetGroups`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<String>,
    /// Where the rule is declared, when it came from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A load balancer (ALB, NLB, GWLB or classic).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadBalancer {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// ARN (classic: name).
    pub arn: String,
    /// Name.
    pub name: String,
    /// `application`, `network`, `gateway` or `classic`.
    pub kind: String,
    /// `internet-facing` or `internal`.
    pub scheme: Known<String>,
    /// VPC id.
    pub vpc_id: Option<String>,
    /// Subnets.
    pub subnets: Vec<String>,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// DNS name.
    pub dns_name: Option<String>,
    /// `ipv4`, `dualstack` or `dualstack-without-public-ipv4` (ELBv2
    /// `IpAddressType`); `None` when not known (taken as `ipv4`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<String>,
    /// Listeners.
    pub listeners: Known<Vec<Listener>>,
    /// Classic Load Balancer SSL negotiation policies
    /// (`SSLNegotiationPolicyType`) defined on it; not serialized unless
    /// some are known.
    #[serde(skip_serializing_if = "no_tls_policies")]
    pub tls_policies: Known<Vec<TlsNegotiationPolicy>>,
}

fn no_tls_policies(p: &Known<Vec<TlsNegotiationPolicy>>) -> bool {
    p.get().is_none_or(Vec::is_empty)
}

/// A Classic Load Balancer SSL negotiation policy: which protocols and
/// ciphers its HTTPS/SSL listeners accept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsNegotiationPolicy {
    /// Policy name.
    pub name: String,
    /// `Reference-Security-Policy`: the predefined policy it copies.
    pub reference_policy: Option<String>,
    /// `Protocol-*` attributes as written (`Protocol-TLSv1` → `"true"`).
    pub protocols: BTreeMap<String, String>,
    /// Listener ports using the policy, when known.
    pub listener_ports: Vec<u16>,
    /// Where the policy is declared, when it came from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl LoadBalancer {
    /// Whether the scheme is known to be internet-facing.
    pub fn internet_facing(&self) -> Known<bool> {
        self.scheme.clone().map(|s| s == "internet-facing")
    }
}

/// A target group and its registered targets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TargetGroup {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// ARN.
    pub arn: String,
    /// `instance`, `ip`, `lambda`, `alb`.
    pub target_type: String,
    /// Protocol.
    pub protocol: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// Registered target ids with their port.
    pub targets: Known<Vec<(String, Option<u16>)>>,
    /// `ipv4` (the default) or `ipv6`: the family the load balancer talks
    /// to the targets in.
    pub ip_address_type: Option<String>,
    /// The `preserve_client_ip.enabled` attribute, when read (else the
    /// default for the target type and protocol applies).
    pub preserve_client_ip: Option<bool>,
}

// ------------------------------------------------------------------ data

/// One ACL grant of a bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Grant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    /// Group URI for group grantees.
    pub uri: Option<String>,
    /// Canonical id for user grantees.
    pub id: Option<String>,
    /// `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`, `FULL_CONTROL`.
    pub permission: String,
}

impl Grant {
    /// Grants to `AllUsers` or `AuthenticatedUsers` (any AWS account).
    pub fn is_public(&self) -> bool {
        self.uri.as_deref().is_some_and(|u| {
            u.ends_with("/global/AllUsers") || u.ends_with("/global/AuthenticatedUsers")
        })
    }
}

/// Default encryption of a bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    /// KMS key, for KMS algorithms.
    pub kms_key_id: Option<String>,
    /// S3 Bucket Keys enabled.
    pub bucket_key_enabled: bool,
}

/// Server access logging of a bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BucketLogging {
    /// Target bucket.
    pub target_bucket: String,
    /// Target prefix.
    pub target_prefix: String,
}

/// A lifecycle rule's expiration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifecycleRule {
    /// Rule id.
    pub id: Option<String>,
    /// True when `Enabled`.
    pub enabled: bool,
    /// Prefix the rule applies to (empty: whole bucket).
    pub prefix: String,
    /// Current versions expire after this many days.
    pub expiration_days: Option<i64>,
}

/// An S3 bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bucket {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Bucket name.
    pub name: String,
    /// Region.
    pub region: Option<String>,
    /// Creation date.
    pub created: Option<Timestamp>,
    /// ACL grants.
    pub acl: Known<Vec<Grant>>,
    /// Bucket policy; `Known(None)` when there is none.
    pub policy: Known<Option<PolicyDocument>>,
    /// Bucket-level Block Public Access; `Known(None)` when not configured.
    pub public_access_block: Known<Option<PublicAccessBlock>>,
    /// Default encryption; `Known(None)` when not configured.
    pub encryption: Known<Option<BucketEncryption>>,
    /// Versioning status: `Enabled`, `Suspended`, or `None` if never enabled.
    pub versioning: Known<Option<String>>,
    /// MFA delete enabled.
    pub mfa_delete: Known<bool>,
    /// Server access logging; `Known(None)` when off.
    pub logging: Known<Option<BucketLogging>>,
    /// Lifecycle rules.
    pub lifecycle_rules: Known<Vec<LifecycleRule>>,
    /// Tags.
    pub tags: Tags,
}

/// A KMS key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KmsKey {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Key id.
    pub id: String,
    /// Key ARN.
    pub arn: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, …
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, …
    pub spec: String,
    /// Key origin (`AWS_KMS`, `EXTERNAL`, …).
    pub origin: String,
    /// Automatic rotation enabled.
    pub rotation_enabled: Known<bool>,
    /// Key policy.
    pub policy: Known<PolicyDocument>,
    /// Aliases.
    pub aliases: Vec<String>,
}

impl KmsKey {
    /// Customer-managed symmetric keys are the ones AWS can rotate.
    pub fn rotatable(&self) -> bool {
        self.manager == "CUSTOMER"
            && self.spec == "SYMMETRIC_DEFAULT"
            && self.origin != "EXTERNAL"
            && self.state == "Enabled"
    }
}

/// A Secrets Manager secret (metadata only, never the value).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Secret {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Rotation enabled.
    pub rotation_enabled: Known<bool>,
    /// Rotation interval in days.
    pub rotation_days: Option<i64>,
    /// Last rotated.
    pub last_rotated: Option<Timestamp>,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// Resource policy; `Known(None)` when none.
    pub policy: Known<Option<PolicyDocument>>,
    /// Where the resource policy itself is declared or read (a separate
    /// policy resource or file), when not at `location`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_location: Option<Location>,
}

/// An EBS volume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Volume {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Volume id.
    pub id: String,
    /// Encrypted.
    pub encrypted: Known<bool>,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// Size, GiB.
    pub size_gib: Option<i64>,
    /// `in-use`, `available`, …
    pub state: String,
    /// Attached instances.
    pub instance_ids: Vec<String>,
}

/// An EBS snapshot owned by the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EbsSnapshot {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Snapshot id.
    pub id: String,
    /// Source volume.
    pub volume_id: Option<String>,
    /// Encrypted.
    pub encrypted: Known<bool>,
    /// Owner account.
    pub owner_id: Option<String>,
    /// `createVolumePermission` entries: `all` (public) or account ids.
    pub create_volume_permissions: Known<Vec<String>>,
}

/// An RDS DB instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DbInstance {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Identifier.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// Engine.
    pub engine: String,
    /// Publicly accessible.
    pub publicly_accessible: Known<bool>,
    /// Storage encrypted.
    pub storage_encrypted: Known<bool>,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// Backup retention, days.
    pub backup_retention_days: Option<i64>,
    /// Deletion protection.
    pub deletion_protection: Option<bool>,
    /// IAM database authentication.
    pub iam_auth: Option<bool>,
    /// Port.
    pub port: Option<u16>,
    /// VPC security groups.
    pub security_groups: Vec<String>,
    /// Subnets of its subnet group.
    pub subnet_ids: Vec<String>,
    /// VPC id.
    pub vpc_id: Option<String>,
    /// How the master user password is given, as written in IaC. AWS never
    /// returns it, so a snapshot leaves it `not_in_source` (not serialised).
    #[serde(skip_serializing_if = "MasterPassword::is_not_in_source")]
    pub master_password: MasterPassword,
}

/// How an RDS DB instance or cluster gets its master user password in an
/// IaC source (Terraform `password` / `master_password`, CloudFormation
/// `MasterUserPassword`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MasterPassword {
    /// The source cannot hold it (a snapshot of the account).
    #[default]
    NotInSource,
    /// No password in the resource (a replica, a restore, a secondary
    /// cluster member).
    NotSet,
    /// RDS manages it in Secrets Manager (`manage_master_user_password`,
    /// `ManageMasterUserPassword`).
    Managed,
    /// Supplied at deploy time, not written: a dynamic reference, a
    /// parameter or variable without a value, another resource's attribute.
    /// The text says which.
    Reference(String),
    /// Written as a literal value (directly, or as a variable's or
    /// parameter's default, or in a `.tfvars` file).
    Literal {
        /// The argument that holds it (`password`, `MasterUserPassword`).
        attribute: String,
        /// The value. Never printed: `Debug` hides it.
        value: String,
        /// Where the value is written when that is not the resource itself
        /// (a variable's or parameter's default, a `.tfvars` line); `None`
        /// when it is written in the resource.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        written_at: Option<WrittenAt>,
    },
    /// Read from a plaintext (`String`) Parameter Store parameter through a
    /// CloudFormation `{{resolve:ssm:…}}` dynamic reference: not written in
    /// the source, but stored unencrypted. Holds the parameter's name (and
    /// version), never the value.
    PlaintextParameter(String),
}

/// Where a literal secret is written, when not in the resource's block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WrittenAt {
    /// What holds it: "the default of variable `db_password`",
    /// "`db_password` in terraform.tfvars".
    pub what: String,
    /// The file and line.
    pub location: Option<Location>,
}

impl MasterPassword {
    /// Whether the source cannot hold it (the default).
    pub fn is_not_in_source(&self) -> bool {
        matches!(self, MasterPassword::NotInSource)
    }
}

impl std::fmt::Debug for MasterPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MasterPassword::NotInSource => f.write_str("NotInSource"),
            MasterPassword::NotSet => f.write_str("NotSet"),
            MasterPassword::Managed => f.write_str("Managed"),
            MasterPassword::Reference(r) => f.debug_tuple("Reference").field(r).finish(),
            MasterPassword::Literal {
                attribute,
                written_at,
                ..
            } => f
                .debug_struct("Literal")
                .field("attribute", attribute)
                .field("value", &"<hidden>")
                .field("written_at", written_at)
                .finish(),
            MasterPassword::PlaintextParameter(name) => {
                f.debug_tuple("PlaintextParameter").field(name).finish()
            }
        }
    }
}

/// A password or auth token of a managed data store, broker or directory
/// other than RDS, as its IaC source gives it: a Redshift cluster's or a
/// DocumentDB cluster's master password, an ElastiCache replication
/// group's `AUTH` token, an Amazon MQ broker user's password, a Directory
/// Service directory's administrator password, a DMS endpoint's password.
/// AWS never returns these, so only IaC sources fill this collection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoreCredential {
    /// Identity of the store (`AWS::Redshift::Cluster`, …).
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// The store's name or identifier.
    pub id: String,
    /// The service: `redshift`, `docdb`, `elasticache`, `mq`, `ds`, `dms`.
    pub service: String,
    /// The user it belongs to, when a store has several (Amazon MQ).
    pub user: Option<String>,
    /// How the secret is given.
    pub password: MasterPassword,
}

/// An RDS DB or cluster snapshot owned by the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DbSnapshot {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Identifier.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// True for cluster snapshots.
    pub cluster: bool,
    /// Encrypted.
    pub encrypted: Known<bool>,
    /// `restore` attribute values: `all` (public) or account ids.
    pub restore_accounts: Known<Vec<String>>,
}

/// A Lambda function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Function {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Runtime.
    pub runtime: Option<String>,
    /// Execution role ARN.
    pub role: Option<String>,
    /// Environment variables (values as configured).
    pub environment: Known<BTreeMap<String, String>>,
    /// KMS key for the environment.
    pub kms_key_arn: Option<String>,
    /// Resource policy; `Known(None)` when none.
    pub policy: Known<Option<PolicyDocument>>,
    /// Function URL auth type (`NONE` or `AWS_IAM`), when a URL exists.
    pub url_auth_type: Option<String>,
}

// ------------------------------------------------------------- detection

/// A CloudTrail event selector (basic form).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    /// Include management events.
    pub include_management_events: bool,
    /// Data resources: (type, values).
    pub data_resources: Vec<(String, Vec<String>)>,
}

/// CloudTrail trail status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrailStatus {
    /// Logging now.
    pub is_logging: bool,
    /// Latest delivery error.
    pub latest_delivery_error: Option<String>,
    /// Latest delivery.
    pub latest_delivery_time: Option<Timestamp>,
}

/// A CloudTrail trail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Trail {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Home region.
    pub home_region: Option<String>,
    /// Multi-region trail.
    pub is_multi_region: Known<bool>,
    /// Organization trail.
    pub is_organization_trail: Known<bool>,
    /// Includes global service events (IAM, STS…).
    pub include_global_service_events: Known<bool>,
    /// Log file integrity validation.
    pub log_file_validation: Known<bool>,
    /// SSE-KMS key; `Known(None)` when not encrypted with KMS.
    pub kms_key_id: Known<Option<String>>,
    /// Destination bucket.
    pub s3_bucket: Known<Option<String>>,
    /// Key prefix in the destination bucket (`S3KeyPrefix`); `Known(None)`
    /// when logs go under `AWSLogs/` at the bucket root.
    pub s3_key_prefix: Known<Option<String>>,
    /// CloudWatch Logs log group ARN.
    pub cloudwatch_logs_group_arn: Option<String>,
    /// Status.
    pub status: Known<TrailStatus>,
    /// Basic event selectors.
    pub event_selectors: Known<Vec<EventSelector>>,
    /// Advanced event selectors, as written.
    pub advanced_event_selectors: Vec<Value>,
}

impl Trail {
    /// Whether the selectors record all management events (read and
    /// write). Trails with no selectors record all management events.
    pub fn records_all_management_events(&self) -> Known<bool> {
        if !self.advanced_event_selectors.is_empty() {
            let any = self.advanced_event_selectors.iter().any(|sel| {
                let fields = sel.get("FieldSelectors").and_then(Value::as_array);
                let mgmt = fields.is_some_and(|f| {
                    f.iter().any(|fs| {
                        fs.get("Field").and_then(Value::as_str) == Some("eventCategory")
                            && fs
                                .get("Equals")
                                .and_then(Value::as_array)
                                .is_some_and(|e| e.iter().any(|v| v == "Management"))
                    })
                });
                let filtered = fields.is_some_and(|f| {
                    f.iter().any(|fs| {
                        matches!(
                            fs.get("Field").and_then(Value::as_str),
                            Some("readOnly") | Some("eventSource")
                        )
                    })
                });
                mgmt && !filtered
            });
            return Known::Known(any);
        }
        self.event_selectors.clone().map(|sels| {
            sels.is_empty()
                || sels
                    .iter()
                    .any(|s| s.include_management_events && s.read_write_type == "All")
        })
    }
}

/// A VPC flow log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowLog {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Flow log id.
    pub id: String,
    /// VPC, subnet or ENI it watches.
    pub resource_id: String,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: String,
    /// `ACTIVE` when delivering.
    pub status: String,
    /// Destination ARN or log group.
    pub destination: Option<String>,
}

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogGroup {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Retention in days; `None` keeps logs forever.
    pub retention_days: Option<i64>,
    /// KMS key.
    pub kms_key_id: Option<String>,
}

/// An EventBridge rule and its targets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventRule {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Event pattern, parsed.
    pub event_pattern: Option<Value>,
    /// Enabled.
    pub enabled: bool,
    /// Target ARNs.
    pub targets: Known<Vec<String>>,
}

/// A WAFv2 (or classic) web ACL and what it protects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebAcl {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// `REGIONAL` or `CLOUDFRONT`.
    pub scope: String,
    /// ARNs of associated resources (ALBs, API stages…).
    pub associated_resources: Known<Vec<String>>,
}

// ------------------------------------------------- messaging and containers

/// An SQS queue and its access policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Queue {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Name.
    pub name: String,
    /// ARN (`arn:aws:sqs:REGION:ACCOUNT:NAME`).
    pub arn: String,
    /// Queue URL.
    pub url: String,
    /// Access policy (`Attributes.Policy`); `Known(None)` when none.
    pub policy: Known<Option<PolicyDocument>>,
    /// Where the resource policy itself is declared or read (a separate
    /// policy resource or file), when not at `location`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_location: Option<Location>,
    /// KMS key (`KmsMasterKeyId`), when SSE-KMS is on.
    pub kms_key_id: Option<String>,
    /// SSE with SQS-owned keys (`SqsManagedSseEnabled`).
    pub sqs_managed_sse: Option<bool>,
}

/// An SNS topic and its access policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Topic {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Name.
    pub name: String,
    /// ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`).
    pub arn: String,
    /// Access policy (`Attributes.Policy`); `Known(None)` when none.
    pub policy: Known<Option<PolicyDocument>>,
    /// Where the resource policy itself is declared or read (a separate
    /// policy resource or file), when not at `location`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_location: Option<Location>,
    /// KMS key (`KmsMasterKeyId`), when encrypted.
    pub kms_key_id: Option<String>,
}

/// A VPC endpoint and its endpoint policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcEndpoint {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Endpoint id (`vpce-…`).
    pub id: String,
    /// `Gateway`, `Interface`, `GatewayLoadBalancer`…
    pub endpoint_type: String,
    /// VPC id.
    pub vpc_id: Option<String>,
    /// Service name, e.g. `com.amazonaws.us-east-1.s3`.
    pub service_name: String,
    /// State (`available`…).
    pub state: String,
    /// Endpoint policy (`PolicyDocument`); `Known(None)` when the endpoint
    /// has none (full access).
    pub policy: Known<Option<PolicyDocument>>,
}

/// A running (or recently stopped) ECS task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EcsTask {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Task ARN.
    pub arn: String,
    /// Cluster ARN.
    pub cluster_arn: String,
    /// Task definition ARN.
    pub task_definition_arn: String,
    /// `lastStatus` (`RUNNING`, `STOPPED`…).
    pub last_status: String,
    /// ECS Exec is enabled on the task (`enableExecuteCommand`).
    pub enable_execute_command: bool,
    /// The role the task's containers run as: the task's override, else
    /// its task definition's `taskRoleArn`; unknown when the definition was
    /// not collected.
    pub task_role_arn: Known<Option<String>>,
}

resources!(Queue, Topic, VpcEndpoint, EcsTask);

/// An ECS task definition revision (`ecs describe-task-definition`,
/// `aws_ecs_task_definition`, `AWS::ECS::TaskDefinition`): what its
/// containers are given as plain `environment` values, and which variables
/// come from `secrets` (`valueFrom` a Secrets Manager secret or an SSM
/// parameter).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EcsTaskDefinition {
    /// Identity.
    pub resource: ResourceRef,
    /// Origin in a file.
    pub location: Option<Location>,
    /// Task definition ARN (IaC: the address or logical id).
    pub arn: String,
    /// Family.
    pub family: String,
    /// Revision (0 when not known, as in IaC).
    pub revision: u32,
    /// The container definitions; unknown when they cannot be read (a
    /// value known only after apply).
    pub containers: Known<Vec<EcsContainer>>,
}

/// One container of an ECS task definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EcsContainer {
    /// Container name.
    pub name: String,
    /// Where the container is declared, when known.
    pub location: Option<Location>,
    /// `environment`: variable name to value, in plain text.
    pub environment: BTreeMap<String, String>,
    /// Names of the variables in `secrets` (values read from Secrets
    /// Manager or SSM at start, not stored in the definition).
    pub secrets: Vec<String>,
}

resources!(EcsTaskDefinition);
