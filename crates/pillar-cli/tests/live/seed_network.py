"""Seed network-reachability scenarios in the moto emulator, through the
AWS API: instances whose security group opens SSH (TCP 22) to the whole
internet, and whose other layers (public address, route to the internet
gateway, network ACL both ways) decide whether the internet really reaches
them.

    python3 seed_network.py ENDPOINT_URL

Prints one line per scenario: `NAME INSTANCE_ID reachable|blocked`, what
AWS would do (the Amazon VPC User Guide's rules for internet gateways,
route tables, network ACLs and security groups). Runs inside a
loopback-only network namespace with dummy credentials.
"""

import sys

import boto3

ENDPOINT = sys.argv[1]
ec2 = boto3.client("ec2", endpoint_url=ENDPOINT, region_name="us-east-1")

vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)

# Route tables: one with a default route to the internet gateway, one
# without any (only the implicit local route).
public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]

ANY = [{"CidrIp": "0.0.0.0/0"}]


def group(name, ranges):
    g = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=g,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": ranges}],
    )
    return g


def acl(entries):
    """A network ACL with the given (number, egress, action, from, to)
    entries for TCP from/to anywhere; nothing else (the implicit deny)."""
    a = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for number, egress, action, lo, hi in entries:
        ec2.create_network_acl_entry(
            NetworkAclId=a,
            RuleNumber=number,
            Protocol="6",
            RuleAction=action,
            Egress=egress,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": lo, "To": hi},
        )
    return a


def use_acl(subnet, a):
    acls = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )["NetworkAcls"]
    for current in acls:
        for assoc in current.get("Associations", []):
            if assoc.get("SubnetId") == subnet:
                ec2.replace_network_acl_association(
                    AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=a
                )
                return


def scenario(name, cidr, route_table, sg, public_ip, acl_id=None):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
    ec2.associate_route_table(RouteTableId=route_table, SubnetId=subnet)
    if acl_id:
        use_acl(subnet, acl_id)
    instance = ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": subnet,
                "Groups": [sg],
                "AssociatePublicIpAddress": public_ip,
            }
        ],
        MetadataOptions={"HttpTokens": "required"},
    )["Instances"][0]["InstanceId"]
    return instance


open_ssh = group("net-open-ssh", ANY)
# The whole internet written as two halves: still every address.
halves = group("net-halves-ssh", [{"CidrIp": "0.0.0.0/1"}, {"CidrIp": "128.0.0.0/1"}])

lines = []
# Every layer lets SSH through: public address, default route to the IGW,
# the VPC's default network ACL (allow all both ways), an open group.
lines.append(("all-layers-open", scenario("all-layers-open", "10.77.1.0/24", public_rt, open_ssh, True), "reachable"))
# The same, with the group written as 0.0.0.0/1 + 128.0.0.0/1.
lines.append(("split-cidr-group", scenario("split-cidr-group", "10.77.2.0/24", public_rt, halves, True), "reachable"))
# A network ACL denies TCP 22 inbound before allowing everything.
deny22 = acl([(100, False, "deny", 22, 22), (200, False, "allow", 0, 65535), (100, True, "allow", 0, 65535)])
lines.append(("nacl-denies-ssh", scenario("nacl-denies-ssh", "10.77.3.0/24", public_rt, open_ssh, True, deny22), "blocked"))
# A network ACL lets SSH in but not the replies out to ephemeral ports
# (network ACLs are stateless).
no_return = acl([(100, False, "allow", 22, 22), (100, True, "allow", 0, 1023)])
lines.append(("nacl-blocks-replies", scenario("nacl-blocks-replies", "10.77.4.0/24", public_rt, open_ssh, True, no_return), "blocked"))
# A public address, but the subnet's route table has no route to the
# internet gateway: replies cannot leave.
lines.append(("no-route-to-igw", scenario("no-route-to-igw", "10.77.5.0/24", private_rt, open_ssh, True), "blocked"))
# In a public subnet, but no public address (an Elastic IP away).
lines.append(("no-public-address", scenario("no-public-address", "10.77.6.0/24", public_rt, open_ssh, False), "blocked"))

# Behind an internet-facing Network Load Balancer: the instance has no
# public address and sits in a private subnet; its group lets SSH in from
# the VPC only. Whether the internet reaches it depends on the target
# group's `preserve_client_ip.enabled` (ELB User Guide for Network Load
# Balancers, "Client IP preservation"): off, the packets come from the
# load balancer's private address, which the group allows; on, they keep
# the client's internet address, which it does not.
elbv2 = boto3.client("elbv2", endpoint_url=ENDPOINT, region_name="us-east-1")
vpc_only = group("net-vpc-only-ssh", [{"CidrIp": "10.77.0.0/16"}])
lb_subnets = []
for cidr, zone in (("10.77.20.0/24", "us-east-1a"), ("10.77.21.0/24", "us-east-1b")):
    sn = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=sn)
    lb_subnets.append(sn)
nlb = elbv2.create_load_balancer(
    Name="net-nlb", Subnets=lb_subnets, Scheme="internet-facing", Type="network"
)["LoadBalancers"][0]["LoadBalancerArn"]


def behind_nlb(name, cidr, port, preserve):
    instance = scenario(name, cidr, private_rt, vpc_only, False)
    tg = elbv2.create_target_group(
        Name=name, Protocol="TCP", Port=22, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_target_group_attributes(
        TargetGroupArn=tg,
        Attributes=[{"Key": "preserve_client_ip.enabled", "Value": preserve}],
    )
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance, "Port": 22}])
    elbv2.create_listener(
        LoadBalancerArn=nlb,
        Protocol="TCP",
        Port=port,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    return instance


lines.append(("nlb-hides-client-ip", behind_nlb("nlb-hides-client-ip", "10.77.22.0/24", 22, "false"), "reachable"))
lines.append(("nlb-preserves-client-ip", behind_nlb("nlb-preserves-client-ip", "10.77.23.0/24", 2222, "true"), "blocked"))

for name, instance, verdict in lines:
    print(name, instance, verdict)
