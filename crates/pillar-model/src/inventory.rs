//! The inventory: everything the sources read, in one place.

use crate::known::Known;
use crate::resources::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A collection a source read completely for one region (`global` for IAM
/// and other global services). Rules that join resources (a VPC and its
/// flow logs, a bucket and its logging) only judge when the collection they
/// depend on was read; otherwise they report *not assessed*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// IAM users, groups, roles, policies.
    Iam,
    /// EC2 networking (VPCs, subnets, route tables, gateways, NACLs, SGs, ENIs).
    Network,
    /// EC2 instances.
    Instances,
    /// EBS volumes and snapshots.
    Ebs,
    /// Elastic Load Balancing.
    LoadBalancers,
    /// S3 buckets.
    S3,
    /// KMS keys.
    Kms,
    /// Secrets Manager.
    Secrets,
    /// RDS.
    Rds,
    /// Lambda.
    Lambda,
    /// CloudTrail trails.
    CloudTrail,
    /// VPC flow logs.
    FlowLogs,
    /// CloudWatch Logs log groups.
    Logs,
    /// EventBridge rules.
    Events,
    /// WAF web ACLs and their associations.
    Waf,
    /// Organizations SCPs.
    Organizations,
    /// SQS queues.
    Sqs,
    /// SNS topics.
    Sns,
    /// VPC endpoints.
    VpcEndpoints,
    /// ECS clusters and their tasks.
    Ecs,
}

/// One collection read for one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Coverage {
    /// What was read.
    pub service: Service,
    /// Region, or `global`.
    pub region: String,
}

/// Everything known about the workload under review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Inventory {
    /// When the data was collected; rules measure ages from here.
    pub collected_at: Option<DateTime<Utc>>,
    /// Collections read completely, per region.
    pub coverage: BTreeSet<Coverage>,
    /// Account-wide settings.
    pub accounts: Vec<Account>,
    /// Per-region settings.
    pub regions: Vec<RegionSettings>,
    /// IAM users.
    pub users: Vec<IamUser>,
    /// IAM groups.
    pub groups: Vec<IamGroup>,
    /// IAM roles.
    pub roles: Vec<IamRole>,
    /// Managed policies.
    pub policies: Vec<ManagedPolicy>,
    /// Service control policies.
    pub scps: Vec<Scp>,
    /// VPCs.
    pub vpcs: Vec<Vpc>,
    /// Subnets.
    pub subnets: Vec<Subnet>,
    /// Route tables.
    pub route_tables: Vec<RouteTable>,
    /// Internet gateways.
    pub internet_gateways: Vec<InternetGateway>,
    /// NAT gateways.
    pub nat_gateways: Vec<NatGateway>,
    /// Egress-only internet gateways.
    pub egress_only_internet_gateways: Vec<EgressOnlyInternetGateway>,
    /// Network ACLs.
    pub network_acls: Vec<NetworkAcl>,
    /// Security groups.
    pub security_groups: Vec<SecurityGroup>,
    /// Managed prefix lists.
    pub prefix_lists: Vec<ManagedPrefixList>,
    /// Network interfaces.
    pub network_interfaces: Vec<NetworkInterface>,
    /// EC2 instances.
    pub instances: Vec<Instance>,
    /// Elastic IPs.
    pub elastic_ips: Vec<ElasticIp>,
    /// Load balancers.
    pub load_balancers: Vec<LoadBalancer>,
    /// Target groups.
    pub target_groups: Vec<TargetGroup>,
    /// S3 buckets.
    pub buckets: Vec<Bucket>,
    /// KMS keys.
    pub kms_keys: Vec<KmsKey>,
    /// Secrets Manager secrets.
    pub secrets: Vec<Secret>,
    /// EBS volumes.
    pub volumes: Vec<Volume>,
    /// EBS snapshots.
    pub ebs_snapshots: Vec<EbsSnapshot>,
    /// RDS instances.
    pub db_instances: Vec<DbInstance>,
    /// RDS snapshots.
    pub db_snapshots: Vec<DbSnapshot>,
    /// Lambda functions.
    pub functions: Vec<Function>,
    /// CloudTrail trails.
    pub trails: Vec<Trail>,
    /// VPC flow logs.
    pub flow_logs: Vec<FlowLog>,
    /// CloudWatch log groups.
    pub log_groups: Vec<LogGroup>,
    /// EventBridge rules.
    pub event_rules: Vec<EventRule>,
    /// WAF web ACLs.
    pub web_acls: Vec<WebAcl>,
    /// Resource control policies (same shape as SCPs; they bound what
    /// anyone may do to the organization's resources).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rcps: Vec<Scp>,
    /// IAM instance profiles (which role an EC2 instance runs as).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instance_profiles: Vec<InstanceProfile>,
    /// SQS queues.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<Queue>,
    /// SNS topics.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    /// VPC endpoints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// ECS tasks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ecs_tasks: Vec<EcsTask>,
    /// ECS task definition revisions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ecs_task_definitions: Vec<EcsTaskDefinition>,
    /// EC2 launch template versions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub launch_templates: Vec<LaunchTemplate>,
    /// VPC Block Public Access options, one per account and region read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vpc_bpa: Vec<VpcBlockPublicAccess>,
    /// VPC Block Public Access exclusions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vpc_bpa_exclusions: Vec<VpcBpaExclusion>,
    /// Passwords and auth tokens of managed data stores other than RDS,
    /// as IaC gives them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub store_credentials: Vec<StoreCredential>,
    /// In-source suppressions read from Terraform and CloudFormation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<crate::suppression::Suppression>,
}

impl Inventory {
    /// The reference time for ages: collection time, else now.
    pub fn now(&self) -> DateTime<Utc> {
        self.collected_at.unwrap_or_else(Utc::now)
    }

    /// Record that a collection was read for a region.
    pub fn cover(&mut self, service: Service, region: impl Into<String>) {
        self.coverage.insert(Coverage {
            service,
            region: region.into(),
        });
    }

    /// Whether a collection was read for a region (or globally).
    pub fn covers(&self, service: Service, region: &str) -> bool {
        self.coverage.contains(&Coverage {
            service,
            region: region.to_owned(),
        }) || self.coverage.contains(&Coverage {
            service,
            region: "global".to_owned(),
        })
    }

    /// Whether a collection was read anywhere.
    pub fn covers_any(&self, service: Service) -> bool {
        self.coverage.iter().any(|c| c.service == service)
    }

    /// Regions a collection was read for.
    pub fn covered_regions(&self, service: Service) -> Vec<&str> {
        self.coverage
            .iter()
            .filter(|c| c.service == service)
            .map(|c| c.region.as_str())
            .collect()
    }

    /// A managed policy by ARN.
    pub fn policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.iter().find(|p| p.arn == arn)
    }

    /// A bucket by name.
    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets.iter().find(|b| b.name == name)
    }

    /// The account id, when exactly one account is known.
    pub fn account_id(&self) -> Option<&str> {
        self.accounts
            .iter()
            .find_map(|a| a.id.get().map(String::as_str))
    }

    /// Append everything from another inventory (a second source).
    pub fn merge(&mut self, other: Inventory) {
        let Inventory {
            collected_at,
            coverage,
            accounts,
            regions,
            users,
            groups,
            roles,
            policies,
            scps,
            vpcs,
            subnets,
            route_tables,
            internet_gateways,
            nat_gateways,
            egress_only_internet_gateways,
            network_acls,
            security_groups,
            prefix_lists,
            network_interfaces,
            instances,
            elastic_ips,
            load_balancers,
            target_groups,
            buckets,
            kms_keys,
            secrets,
            volumes,
            ebs_snapshots,
            db_instances,
            db_snapshots,
            functions,
            trails,
            flow_logs,
            log_groups,
            event_rules,
            web_acls,
            instance_profiles,
            rcps,
            queues,
            topics,
            vpc_endpoints,
            ecs_tasks,
            ecs_task_definitions,
            launch_templates,
            vpc_bpa,
            vpc_bpa_exclusions,
            store_credentials,
            suppressions,
        } = other;
        self.collected_at = match (self.collected_at, collected_at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.coverage.extend(coverage);
        self.accounts.extend(accounts);
        self.regions.extend(regions);
        self.users.extend(users);
        self.groups.extend(groups);
        self.roles.extend(roles);
        self.policies.extend(policies);
        self.scps.extend(scps);
        self.vpcs.extend(vpcs);
        self.subnets.extend(subnets);
        self.route_tables.extend(route_tables);
        self.internet_gateways.extend(internet_gateways);
        self.nat_gateways.extend(nat_gateways);
        self.egress_only_internet_gateways
            .extend(egress_only_internet_gateways);
        self.network_acls.extend(network_acls);
        self.security_groups.extend(security_groups);
        self.prefix_lists.extend(prefix_lists);
        self.network_interfaces.extend(network_interfaces);
        self.instances.extend(instances);
        self.elastic_ips.extend(elastic_ips);
        self.load_balancers.extend(load_balancers);
        self.target_groups.extend(target_groups);
        self.buckets.extend(buckets);
        self.kms_keys.extend(kms_keys);
        self.secrets.extend(secrets);
        self.volumes.extend(volumes);
        self.ebs_snapshots.extend(ebs_snapshots);
        self.db_instances.extend(db_instances);
        self.db_snapshots.extend(db_snapshots);
        self.functions.extend(functions);
        self.trails.extend(trails);
        self.flow_logs.extend(flow_logs);
        self.log_groups.extend(log_groups);
        self.event_rules.extend(event_rules);
        self.web_acls.extend(web_acls);
        self.instance_profiles.extend(instance_profiles);
        self.rcps.extend(rcps);
        self.queues.extend(queues);
        self.topics.extend(topics);
        self.vpc_endpoints.extend(vpc_endpoints);
        self.ecs_tasks.extend(ecs_tasks);
        self.ecs_task_definitions.extend(ecs_task_definitions);
        self.vpc_bpa.extend(vpc_bpa);
        self.vpc_bpa_exclusions.extend(vpc_bpa_exclusions);
        self.launch_templates.extend(launch_templates);
        self.store_credentials.extend(store_credentials);
        self.suppressions.extend(suppressions);
    }

    /// Whether nothing at all was read.
    pub fn is_empty(&self) -> bool {
        self.coverage.is_empty() && self.accounts.is_empty() && self.regions.is_empty()
    }
}

/// Helper for rules: a known boolean that is true.
pub fn known_true(k: &Known<bool>) -> bool {
    matches!(k, Known::Known(true))
}
