//! EC2 calls of one region: networking, instances, EBS, flow logs.

use super::call::{key, Ctx};
use super::clients::Regional;
use super::json::{boolean, int, s, tags, time};
use super::spawn_all;
use aws_sdk_ec2::types as t;
use serde_json::{json, Value};
use std::sync::Arc;

fn ec2_tags(list: &[t::Tag]) -> Value {
    tags(list.iter().map(|t| (t.key(), t.value())))
}

fn vpc(v: &t::Vpc) -> Value {
    json!({
        "VpcId": s(v.vpc_id()),
        "OwnerId": s(v.owner_id()),
        "CidrBlock": s(v.cidr_block()),
        "State": s(v.state().map(|x| x.as_str())),
        "IsDefault": boolean(v.is_default()),
        "CidrBlockAssociationSet": v.cidr_block_association_set().iter()
            .map(|a| json!({"AssociationId": s(a.association_id()), "CidrBlock": s(a.cidr_block())}))
            .collect::<Vec<_>>(),
        "Ipv6CidrBlockAssociationSet": v.ipv6_cidr_block_association_set().iter()
            .map(|a| json!({"AssociationId": s(a.association_id()), "Ipv6CidrBlock": s(a.ipv6_cidr_block())}))
            .collect::<Vec<_>>(),
        "Tags": ec2_tags(v.tags()),
    })
}

fn subnet(x: &t::Subnet) -> Value {
    json!({
        "SubnetId": s(x.subnet_id()),
        "SubnetArn": s(x.subnet_arn()),
        "OwnerId": s(x.owner_id()),
        "VpcId": s(x.vpc_id()),
        "CidrBlock": s(x.cidr_block()),
        "Ipv6CidrBlockAssociationSet": x.ipv6_cidr_block_association_set().iter()
            .map(|a| json!({"AssociationId": s(a.association_id()), "Ipv6CidrBlock": s(a.ipv6_cidr_block())}))
            .collect::<Vec<_>>(),
        "AvailabilityZone": s(x.availability_zone()),
        "MapPublicIpOnLaunch": boolean(x.map_public_ip_on_launch()),
        "DefaultForAz": boolean(x.default_for_az()),
        "Tags": ec2_tags(x.tags()),
    })
}

fn route(r: &t::Route) -> Value {
    json!({
        "DestinationCidrBlock": s(r.destination_cidr_block()),
        "DestinationIpv6CidrBlock": s(r.destination_ipv6_cidr_block()),
        "DestinationPrefixListId": s(r.destination_prefix_list_id()),
        "GatewayId": s(r.gateway_id()),
        "NatGatewayId": s(r.nat_gateway_id()),
        "EgressOnlyInternetGatewayId": s(r.egress_only_internet_gateway_id()),
        "TransitGatewayId": s(r.transit_gateway_id()),
        "VpcPeeringConnectionId": s(r.vpc_peering_connection_id()),
        "NetworkInterfaceId": s(r.network_interface_id()),
        "InstanceId": s(r.instance_id()),
        "LocalGatewayId": s(r.local_gateway_id()),
        "CarrierGatewayId": s(r.carrier_gateway_id()),
        "CoreNetworkArn": s(r.core_network_arn()),
        "Origin": s(r.origin().map(|x| x.as_str())),
        "State": s(r.state().map(|x| x.as_str())),
    })
}

fn route_table(rt: &t::RouteTable) -> Value {
    json!({
        "RouteTableId": s(rt.route_table_id()),
        "OwnerId": s(rt.owner_id()),
        "VpcId": s(rt.vpc_id()),
        "Routes": rt.routes().iter().map(route).collect::<Vec<_>>(),
        "Associations": rt.associations().iter().map(|a| json!({
            "Main": boolean(a.main()),
            "RouteTableAssociationId": s(a.route_table_association_id()),
            "RouteTableId": s(a.route_table_id()),
            "SubnetId": s(a.subnet_id()),
            "GatewayId": s(a.gateway_id()),
        })).collect::<Vec<_>>(),
        "Tags": ec2_tags(rt.tags()),
    })
}

fn attachments(list: &[t::InternetGatewayAttachment]) -> Value {
    list.iter()
        .map(|a| json!({"State": s(a.state().map(|x| x.as_str())), "VpcId": s(a.vpc_id())}))
        .collect()
}

fn nacl(n: &t::NetworkAcl) -> Value {
    json!({
        "NetworkAclId": s(n.network_acl_id()),
        "OwnerId": s(n.owner_id()),
        "VpcId": s(n.vpc_id()),
        "IsDefault": boolean(n.is_default()),
        "Entries": n.entries().iter().map(|e| json!({
            "RuleNumber": int(e.rule_number()),
            "Egress": boolean(e.egress()),
            "Protocol": s(e.protocol()),
            "RuleAction": s(e.rule_action().map(|x| x.as_str())),
            "CidrBlock": s(e.cidr_block()),
            "Ipv6CidrBlock": s(e.ipv6_cidr_block()),
            "PortRange": e.port_range().map_or(Value::Null, |p| json!({"From": int(p.from()), "To": int(p.to())})),
        })).collect::<Vec<_>>(),
        "Associations": n.associations().iter().map(|a| json!({
            "NetworkAclAssociationId": s(a.network_acl_association_id()),
            "NetworkAclId": s(a.network_acl_id()),
            "SubnetId": s(a.subnet_id()),
        })).collect::<Vec<_>>(),
        "Tags": ec2_tags(n.tags()),
    })
}

fn permission(p: &t::IpPermission) -> Value {
    json!({
        "IpProtocol": s(p.ip_protocol()),
        "FromPort": int(p.from_port()),
        "ToPort": int(p.to_port()),
        "IpRanges": p.ip_ranges().iter()
            .map(|r| json!({"CidrIp": s(r.cidr_ip()), "Description": s(r.description())}))
            .collect::<Vec<_>>(),
        "Ipv6Ranges": p.ipv6_ranges().iter()
            .map(|r| json!({"CidrIpv6": s(r.cidr_ipv6()), "Description": s(r.description())}))
            .collect::<Vec<_>>(),
        "PrefixListIds": p.prefix_list_ids().iter()
            .map(|r| json!({"PrefixListId": s(r.prefix_list_id()), "Description": s(r.description())}))
            .collect::<Vec<_>>(),
        "UserIdGroupPairs": p.user_id_group_pairs().iter()
            .map(|g| json!({
                "GroupId": s(g.group_id()),
                "GroupName": s(g.group_name()),
                "UserId": s(g.user_id()),
                "VpcId": s(g.vpc_id()),
                "VpcPeeringConnectionId": s(g.vpc_peering_connection_id()),
                "Description": s(g.description()),
            }))
            .collect::<Vec<_>>(),
    })
}

fn security_group(g: &t::SecurityGroup) -> Value {
    json!({
        "GroupId": s(g.group_id()),
        "GroupName": s(g.group_name()),
        "Description": s(g.description()),
        "OwnerId": s(g.owner_id()),
        "VpcId": s(g.vpc_id()),
        "SecurityGroupArn": s(g.security_group_arn()),
        "IpPermissions": g.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "IpPermissionsEgress": g.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
        "Tags": ec2_tags(g.tags()),
    })
}

fn association(a: Option<&t::NetworkInterfaceAssociation>) -> Value {
    a.map_or(Value::Null, |a| {
        json!({
            "PublicIp": s(a.public_ip()),
            "AllocationId": s(a.allocation_id()),
            "AssociationId": s(a.association_id()),
            "IpOwnerId": s(a.ip_owner_id()),
        })
    })
}

fn group_ids(list: &[t::GroupIdentifier]) -> Value {
    list.iter()
        .map(|g| json!({"GroupId": s(g.group_id()), "GroupName": s(g.group_name())}))
        .collect()
}

fn network_interface(n: &t::NetworkInterface) -> Value {
    json!({
        "NetworkInterfaceId": s(n.network_interface_id()),
        "OwnerId": s(n.owner_id()),
        "SubnetId": s(n.subnet_id()),
        "VpcId": s(n.vpc_id()),
        "AvailabilityZone": s(n.availability_zone()),
        "InterfaceType": s(n.interface_type().map(|x| x.as_str())),
        "Description": s(n.description()),
        "Status": s(n.status().map(|x| x.as_str())),
        "PrivateIpAddress": s(n.private_ip_address()),
        "PrivateIpAddresses": n.private_ip_addresses().iter().map(|p| json!({
            "PrivateIpAddress": s(p.private_ip_address()),
            "Primary": boolean(p.primary()),
            "Association": association(p.association()),
        })).collect::<Vec<_>>(),
        "Association": association(n.association()),
        "Ipv6Addresses": n.ipv6_addresses().iter()
            .map(|a| json!({"Ipv6Address": s(a.ipv6_address())}))
            .collect::<Vec<_>>(),
        "Groups": group_ids(n.groups()),
        "Attachment": n.attachment().map_or(Value::Null, |a| json!({
            "AttachmentId": s(a.attachment_id()),
            "InstanceId": s(a.instance_id()),
            "InstanceOwnerId": s(a.instance_owner_id()),
            "DeviceIndex": int(a.device_index()),
            "Status": s(a.status().map(|x| x.as_str())),
        })),
        "RequesterManaged": boolean(n.requester_managed()),
        "TagSet": ec2_tags(n.tag_set()),
    })
}

fn instance(i: &t::Instance) -> Value {
    json!({
        "InstanceId": s(i.instance_id()),
        "ImageId": s(i.image_id()),
        "InstanceType": s(i.instance_type().map(|x| x.as_str())),
        "LaunchTime": time(i.launch_time()),
        "State": i.state().map_or(Value::Null, |st| json!({
            "Code": int(st.code()),
            "Name": s(st.name().map(|x| x.as_str())),
        })),
        "SubnetId": s(i.subnet_id()),
        "VpcId": s(i.vpc_id()),
        "PrivateIpAddress": s(i.private_ip_address()),
        "PublicIpAddress": s(i.public_ip_address()),
        "SecurityGroups": group_ids(i.security_groups()),
        "NetworkInterfaces": i.network_interfaces().iter().map(|n| json!({
            "NetworkInterfaceId": s(n.network_interface_id()),
            "SubnetId": s(n.subnet_id()),
            "VpcId": s(n.vpc_id()),
            "PrivateIpAddress": s(n.private_ip_address()),
            "Groups": group_ids(n.groups()),
        })).collect::<Vec<_>>(),
        "MetadataOptions": i.metadata_options().map_or(Value::Null, |m| json!({
            "State": s(m.state().map(|x| x.as_str())),
            "HttpTokens": s(m.http_tokens().map(|x| x.as_str())),
            "HttpPutResponseHopLimit": int(m.http_put_response_hop_limit()),
            "HttpEndpoint": s(m.http_endpoint().map(|x| x.as_str())),
        })),
        "IamInstanceProfile": i.iam_instance_profile().map_or(Value::Null, |p| json!({
            "Arn": s(p.arn()),
            "Id": s(p.id()),
        })),
        "Tags": ec2_tags(i.tags()),
    })
}

/// `{"<Key>": [items…]}` for a list call.
fn list<T>(name: &str, items: &[T], one: impl Fn(&T) -> Value) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(
        name.to_owned(),
        Value::Array(items.iter().map(one).collect()),
    );
    Value::Object(map)
}

/// Every EC2 collection of one region, then the per-resource calls
/// (prefix list entries, snapshot permissions).
pub(crate) async fn ec2(ctx: Arc<Ctx>, c: Arc<Regional>, account: Option<String>) {
    let r = &c.region;
    let ec2 = &c.ec2;
    let f = |name: &str| format!("{r}/ec2-{name}.json");
    ctx.call(&f("describe-vpcs"), every!(ec2.describe_vpcs()), |v| {
        list("Vpcs", v, vpc)
    })
    .await;
    ctx.call(
        &f("describe-subnets"),
        every!(ec2.describe_subnets()),
        |v| list("Subnets", v, subnet),
    )
    .await;
    ctx.call(
        &f("describe-route-tables"),
        every!(ec2.describe_route_tables()),
        |v| list("RouteTables", v, route_table),
    )
    .await;
    ctx.call(
        &f("describe-internet-gateways"),
        every!(ec2.describe_internet_gateways()),
        |v| {
            list("InternetGateways", v, |g: &t::InternetGateway| {
                json!({
                    "InternetGatewayId": s(g.internet_gateway_id()),
                    "OwnerId": s(g.owner_id()),
                    "Attachments": attachments(g.attachments()),
                    "Tags": ec2_tags(g.tags()),
                })
            })
        },
    )
    .await;
    ctx.call(
        &f("describe-nat-gateways"),
        every!(ec2.describe_nat_gateways()),
        |v| {
            list("NatGateways", v, |n: &t::NatGateway| {
                json!({
                    "NatGatewayId": s(n.nat_gateway_id()),
                    "VpcId": s(n.vpc_id()),
                    "SubnetId": s(n.subnet_id()),
                    "State": s(n.state().map(|x| x.as_str())),
                    "ConnectivityType": s(n.connectivity_type().map(|x| x.as_str())),
                    "NatGatewayAddresses": n.nat_gateway_addresses().iter().map(|a| json!({
                        "AllocationId": s(a.allocation_id()),
                        "NetworkInterfaceId": s(a.network_interface_id()),
                        "PrivateIp": s(a.private_ip()),
                        "PublicIp": s(a.public_ip()),
                    })).collect::<Vec<_>>(),
                    "Tags": ec2_tags(n.tags()),
                })
            })
        },
    )
    .await;
    ctx.call(
        &f("describe-egress-only-internet-gateways"),
        every!(ec2.describe_egress_only_internet_gateways()),
        |v| {
            list(
                "EgressOnlyInternetGateways",
                v,
                |g: &t::EgressOnlyInternetGateway| {
                    json!({
                        "EgressOnlyInternetGatewayId": s(g.egress_only_internet_gateway_id()),
                        "Attachments": attachments(g.attachments()),
                        "Tags": ec2_tags(g.tags()),
                    })
                },
            )
        },
    )
    .await;
    ctx.call(
        &f("describe-network-acls"),
        every!(ec2.describe_network_acls()),
        |v| list("NetworkAcls", v, nacl),
    )
    .await;
    ctx.call(
        &f("describe-security-groups"),
        every!(ec2.describe_security_groups()),
        |v| list("SecurityGroups", v, security_group),
    )
    .await;
    let prefix_lists = ctx
        .call(
            &f("describe-managed-prefix-lists"),
            every!(ec2.describe_managed_prefix_lists()),
            |v| {
                list("PrefixLists", v, |p: &t::ManagedPrefixList| {
                    json!({
                        "PrefixListId": s(p.prefix_list_id()),
                        "AddressFamily": s(p.address_family()),
                        "State": s(p.state().map(|x| x.as_str())),
                        "PrefixListArn": s(p.prefix_list_arn()),
                        "PrefixListName": s(p.prefix_list_name()),
                        "MaxEntries": int(p.max_entries()),
                        "Version": p.version(),
                        "OwnerId": s(p.owner_id()),
                        "Tags": ec2_tags(p.tags()),
                    })
                })
            },
        )
        .await
        .unwrap_or_default();
    ctx.call(
        &f("describe-network-interfaces"),
        every!(ec2.describe_network_interfaces()),
        |v| list("NetworkInterfaces", v, network_interface),
    )
    .await;
    let reservations = ctx
        .call(
            &f("describe-instances"),
            every!(ec2.describe_instances()),
            |v| {
                list("Reservations", v, |res: &t::Reservation| {
                    json!({
                        "ReservationId": s(res.reservation_id()),
                        "OwnerId": s(res.owner_id()),
                        "Instances": res.instances().iter().map(instance).collect::<Vec<_>>(),
                    })
                })
            },
        )
        .await
        .unwrap_or_default();
    user_data(&ctx, &c, &reservations).await;
    // Every template's latest and default version (no template named:
    // the API then answers for all of them), with its user data.
    ctx.call(
        &f("describe-launch-template-versions"),
        every!(ec2.describe_launch_template_versions().versions("$Latest").versions("$Default")),
        |v| {
            list("LaunchTemplateVersions", v, |x: &t::LaunchTemplateVersion| {
                json!({
                    "LaunchTemplateId": s(x.launch_template_id()),
                    "LaunchTemplateName": s(x.launch_template_name()),
                    "VersionNumber": x.version_number().map_or(Value::Null, Value::from),
                    "DefaultVersion": boolean(x.default_version()),
                    "LaunchTemplateData": x.launch_template_data().map_or(Value::Null, |d| json!({
                        "UserData": s(d.user_data()),
                    })),
                })
            })
        },
    )
    .await;
    // Not paginated: one call returns every address.
    ctx.call(
        &f("describe-addresses"),
        ec2.describe_addresses().send(),
        |o| {
            list("Addresses", o.addresses(), |a: &t::Address| {
                json!({
                    "AllocationId": s(a.allocation_id()),
                    "AssociationId": s(a.association_id()),
                    "PublicIp": s(a.public_ip()),
                    "InstanceId": s(a.instance_id()),
                    "NetworkInterfaceId": s(a.network_interface_id()),
                    "NetworkInterfaceOwnerId": s(a.network_interface_owner_id()),
                    "PrivateIpAddress": s(a.private_ip_address()),
                    "Domain": s(a.domain().map(|x| x.as_str())),
                    "Tags": ec2_tags(a.tags()),
                })
            })
        },
    )
    .await;
    ctx.call(
        &f("describe-volumes"),
        every!(ec2.describe_volumes()),
        |v| {
            list("Volumes", v, |x: &t::Volume| {
                json!({
                    "VolumeId": s(x.volume_id()),
                    "Size": int(x.size()),
                    "State": s(x.state().map(|s| s.as_str())),
                    "VolumeType": s(x.volume_type().map(|s| s.as_str())),
                    "AvailabilityZone": s(x.availability_zone()),
                    "CreateTime": time(x.create_time()),
                    "Encrypted": boolean(x.encrypted()),
                    "KmsKeyId": s(x.kms_key_id()),
                    "SnapshotId": s(x.snapshot_id()),
                    "Attachments": x.attachments().iter().map(|a| json!({
                        "InstanceId": s(a.instance_id()),
                        "VolumeId": s(a.volume_id()),
                        "Device": s(a.device()),
                        "State": s(a.state().map(|s| s.as_str())),
                    })).collect::<Vec<_>>(),
                    "Tags": ec2_tags(x.tags()),
                })
            })
        },
    )
    .await;
    // `--owner-ids self` asks for the account's own snapshots, the only
    // ones whose createVolumePermission it may read. Emulators may ignore
    // the filter and answer with the snapshots behind public AMIs too
    // (moto does: 1,177 of them, owned by Amazon's accounts), so the answer
    // is filtered on OwnerId as well; against AWS this drops nothing.
    let owned = |x: &t::Snapshot| match (&account, x.owner_id()) {
        (Some(me), Some(owner)) => me == owner,
        _ => true,
    };
    let snapshots = ctx
        .call(
            &f("describe-snapshots"),
            every!(ec2.describe_snapshots().owner_ids("self")),
            |v| {
                let own: Vec<t::Snapshot> = v.iter().filter(|x| owned(x)).cloned().collect();
                list("Snapshots", &own, |x: &t::Snapshot| {
                    json!({
                        "SnapshotId": s(x.snapshot_id()),
                        "VolumeId": s(x.volume_id()),
                        "State": s(x.state().map(|s| s.as_str())),
                        "StartTime": time(x.start_time()),
                        "OwnerId": s(x.owner_id()),
                        "VolumeSize": int(x.volume_size()),
                        "Encrypted": boolean(x.encrypted()),
                        "KmsKeyId": s(x.kms_key_id()),
                        "Description": s(x.description()),
                        "Tags": ec2_tags(x.tags()),
                    })
                })
            },
        )
        .await
        .unwrap_or_default();
    ctx.call(
        &f("get-ebs-encryption-by-default"),
        ec2.get_ebs_encryption_by_default().send(),
        |o| json!({"EbsEncryptionByDefault": boolean(o.ebs_encryption_by_default())}),
    )
    .await;
    ctx.call(
        &f("describe-flow-logs"),
        every!(ec2.describe_flow_logs()),
        |v| {
            list("FlowLogs", v, |x: &t::FlowLog| {
                json!({
                    "FlowLogId": s(x.flow_log_id()),
                    "ResourceId": s(x.resource_id()),
                    "TrafficType": s(x.traffic_type().map(|s| s.as_str())),
                    "FlowLogStatus": s(x.flow_log_status()),
                    "DeliverLogsStatus": s(x.deliver_logs_status()),
                    "LogDestinationType": s(x.log_destination_type().map(|s| s.as_str())),
                    "LogDestination": s(x.log_destination()),
                    "LogGroupName": s(x.log_group_name()),
                    "CreationTime": time(x.creation_time()),
                })
            })
        },
    )
    .await;
    // Endpoint policies bind requests that go through the endpoint; the
    // CLI prints `PolicyDocument` as the JSON text EC2 returns.
    ctx.call(
        &f("describe-vpc-endpoints"),
        every!(ec2.describe_vpc_endpoints()),
        |v| {
            list("VpcEndpoints", v, |x: &t::VpcEndpoint| {
                json!({
                    "VpcEndpointId": s(x.vpc_endpoint_id()),
                    "VpcEndpointType": s(x.vpc_endpoint_type().map(|s| s.as_str())),
                    "VpcId": s(x.vpc_id()),
                    "ServiceName": s(x.service_name()),
                    "State": s(x.state().map(|s| s.as_str())),
                    "PolicyDocument": s(x.policy_document()),
                    "RouteTableIds": x.route_table_ids(),
                    "SubnetIds": x.subnet_ids(),
                    "OwnerId": s(x.owner_id()),
                    "Tags": ec2_tags(x.tags()),
                })
            })
        },
    )
    .await;

    block_public_access(&ctx, &c).await;

    let ids: Vec<String> = prefix_lists
        .iter()
        .filter_map(|p| p.prefix_list_id().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, ids, move |ctx, id| {
        let c = client.clone();
        async move {
            ctx.call(
                &format!("{}/ec2-get-managed-prefix-list-entries/{}.json", c.region, key(&id)),
                every!(c.ec2.get_managed_prefix_list_entries().prefix_list_id(&id)),
                |v| {
                    list("Entries", v, |e: &t::PrefixListEntry| {
                        json!({"Cidr": s(e.cidr()), "Description": s(e.description())})
                    })
                },
            )
            .await;
        }
    })
    .await;
    let ids: Vec<String> = snapshots
        .iter()
        .filter(|x| owned(x))
        .filter_map(|x| x.snapshot_id().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(&ctx, ids, move |ctx, id| {
        let c = client.clone();
        async move {
            ctx.call(
                &format!("{}/ec2-describe-snapshot-attribute/{}.json", c.region, key(&id)),
                c.ec2
                    .describe_snapshot_attribute()
                    .snapshot_id(&id)
                    .attribute(t::SnapshotAttributeName::CreateVolumePermission)
                    .send(),
                |o| {
                    json!({
                        "SnapshotId": s(o.snapshot_id()),
                        "CreateVolumePermissions": o.create_volume_permissions().iter().map(|p| json!({
                            "Group": s(p.group().map(|g| g.as_str())),
                            "UserId": s(p.user_id()),
                        })).collect::<Vec<_>>(),
                    })
                },
            )
            .await;
        }
    })
    .await;
}

/// The regions enabled for the account (`ec2 describe-regions`).
pub(crate) async fn enabled_regions(
    ctx: &Ctx,
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<String>, super::call::ApiError> {
    let out = ctx.run(ec2.describe_regions().send()).await?;
    let mut list: Vec<String> = out
        .regions()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_owned))
        .collect();
    list.sort();
    Ok(list)
}

/// VPC Block Public Access: the account's mode in the region and the VPCs
/// and subnets excluded from it. `describe-vpc-block-public-access-exclusions`
/// has no paginator in the SDK: follow `NextToken` by hand.
async fn block_public_access(ctx: &Ctx, c: &Regional) {
    let r = &c.region;
    ctx.call(
        &format!("{r}/ec2-describe-vpc-block-public-access-options.json"),
        c.ec2.describe_vpc_block_public_access_options().send(),
        |o| {
            let x = o.vpc_block_public_access_options();
            json!({"VpcBlockPublicAccessOptions": x.map_or(Value::Null, |x| json!({
                "AwsAccountId": s(x.aws_account_id()),
                "AwsRegion": s(x.aws_region()),
                "State": s(x.state().map(|v| v.as_str())),
                "InternetGatewayBlockMode": s(x.internet_gateway_block_mode().map(|v| v.as_str())),
                "Reason": s(x.reason()),
                "LastUpdateTimestamp": time(x.last_update_timestamp()),
                "ManagedBy": s(x.managed_by().map(|v| v.as_str())),
                "ExclusionsAllowed": s(x.exclusions_allowed().map(|v| v.as_str())),
            }))})
        },
    )
    .await;
    let ec2 = c.ec2.clone();
    let fetch = async move {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = ec2
                .describe_vpc_block_public_access_exclusions()
                .set_next_token(token.clone())
                .send()
                .await?;
            all.extend(out.vpc_block_public_access_exclusions().iter().cloned());
            match out.next_token() {
                // An empty page with a token would loop for ever.
                Some(n)
                    if !n.is_empty()
                        && !out.vpc_block_public_access_exclusions().is_empty()
                        && Some(n) != token.as_deref() =>
                {
                    token = Some(n.to_owned());
                }
                _ => break,
            }
        }
        Ok::<
            _,
            aws_sdk_ec2::error::SdkError<
                aws_sdk_ec2::operation::describe_vpc_block_public_access_exclusions::DescribeVpcBlockPublicAccessExclusionsError,
            >,
        >(all)
    };
    ctx.call(
        &format!("{r}/ec2-describe-vpc-block-public-access-exclusions.json"),
        fetch,
        |v: &Vec<t::VpcBlockPublicAccessExclusion>| {
            list("VpcBlockPublicAccessExclusions", v, |x: &t::VpcBlockPublicAccessExclusion| {
                json!({
                    "ExclusionId": s(x.exclusion_id()),
                    "InternetGatewayExclusionMode": s(x.internet_gateway_exclusion_mode().map(|v| v.as_str())),
                    "ResourceArn": s(x.resource_arn()),
                    "State": s(x.state().map(|v| v.as_str())),
                    "Reason": s(x.reason()),
                    "CreationTimestamp": time(x.creation_timestamp()),
                    "LastUpdateTimestamp": time(x.last_update_timestamp()),
                    "Tags": ec2_tags(x.tags()),
                })
            })
        },
    )
    .await;
}

/// Each instance's user data (`describe-instance-attribute --attribute
/// userData`), base64 as EC2 returns it, for the hard-coded secret rules.
/// Terminated instances have none to read.
async fn user_data(ctx: &Arc<Ctx>, c: &Arc<Regional>, reservations: &[t::Reservation]) {
    let ids: Vec<String> = reservations
        .iter()
        .flat_map(|r| r.instances())
        .filter(|i| i.state().and_then(|s| s.name()) != Some(&t::InstanceStateName::Terminated))
        .filter_map(|i| i.instance_id().map(str::to_owned))
        .collect();
    let client = c.clone();
    spawn_all(ctx, ids, move |ctx, id| {
        let c = client.clone();
        async move {
            ctx.call(
                &format!(
                    "{}/ec2-describe-instance-attribute-userdata/{}.json",
                    c.region,
                    key(&id)
                ),
                c.ec2
                    .describe_instance_attribute()
                    .instance_id(&id)
                    .attribute(t::InstanceAttributeName::UserData)
                    .send(),
                |o| {
                    json!({
                        "InstanceId": s(o.instance_id()),
                        "UserData": o.user_data().map_or(Value::Null, |u| json!({"Value": s(u.value())})),
                    })
                },
            )
            .await;
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_group_rules_read_back_as_the_loader_expects() {
        let sg = t::SecurityGroup::builder()
            .group_id("sg-1")
            .group_name("web")
            .description("web tier")
            .vpc_id("vpc-1")
            .ip_permissions(
                t::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .build();
        let v = super::super::call::prune(list("SecurityGroups", &[sg], security_group));
        assert_eq!(
            v["SecurityGroups"][0]["IpPermissions"][0],
            json!({
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [],
            })
        );
        let text = serde_json::to_vec(&v).unwrap_or_default();
        let loaded =
            crate::snapshot::load_file_bytes("us-east-1/ec2-describe-security-groups.json", &text);
        assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
        assert_eq!(loaded.inventory.security_groups.len(), 1);
    }
}
