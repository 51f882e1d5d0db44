"""Seeds the moto emulator with one incident scenario, or reads back the
state the scenario's playbook changes (as JSON on stdout).

    account.py ENDPOINT seed key|ec2|s3|root
    account.py ENDPOINT read key|ec2|s3|root

Moto limit written around here: after a security-group swap on an ENI,
moto reports the union of the old and new groups when the instance itself
was launched with groups (SecurityGroupIds); the instance is therefore
launched with its groups on the network interface spec instead, which
moto reports exactly (the API semantics are the same on AWS).
"""
import json
import sys

import boto3

ENDPOINT, CMD, SCENARIO = sys.argv[1], sys.argv[2], sys.argv[3]
REGION = "us-east-1"


def client(name):
    return boto3.client(name, endpoint_url=ENDPOINT, region_name=REGION)


iam, ec2, s3 = client("iam"), client("ec2"), client("s3")


def seed_key():
    iam.create_user(UserName="ci-deploy")
    keys = [iam.create_access_key(UserName="ci-deploy")["AccessKey"]["AccessKeyId"] for _ in range(2)]
    iam.create_login_profile(UserName="ci-deploy", Password="Initial-Passw0rd!")
    iam.attach_user_policy(UserName="ci-deploy", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.tag_user(UserName="ci-deploy", Tags=[{"Key": "team", "Value": "build"}])
    # A bystander whose key must not be touched.
    iam.create_user(UserName="bystander")
    iam.create_access_key(UserName="bystander")
    return {"keys": keys}


def read_key():
    def keys(user):
        return {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}

    policies = {}
    for name in iam.list_user_policies(UserName="ci-deploy")["PolicyNames"]:
        policies[name] = iam.get_user_policy(UserName="ci-deploy", PolicyName=name)["PolicyDocument"]
    try:
        iam.get_login_profile(UserName="ci-deploy")
        login = True
    except iam.exceptions.NoSuchEntityException:
        login = False
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="ci-deploy")["Tags"]}
    return {"keys": keys("ci-deploy"), "bystander_keys": keys("bystander"), "inline_policies": policies,
            "login_profile": login, "tags": tags}


def seed_ec2():
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=trust)
    iam.create_instance_profile(InstanceProfileName="app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app-role")
    inst = ec2.run_instances(
        ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg]}],
        IamInstanceProfile={"Name": "app-profile"},
        BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 8}}],
        MetadataOptions={"HttpTokens": "optional"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app"}]}],
    )["Instances"][0]["InstanceId"]
    asg = client("autoscaling")
    asg.create_launch_configuration(LaunchConfigurationName="app-lc", ImageId=ami, InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName="app-asg", LaunchConfigurationName="app-lc",
                                  MinSize=0, MaxSize=3, DesiredCapacity=0, VPCZoneIdentifier=subnet)
    asg.attach_instances(AutoScalingGroupName="app-asg", InstanceIds=[inst])
    elb = client("elbv2")
    tg = elb.create_target_group(Name="app-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance")[
        "TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": inst, "Port": 80}])
    return {"instance": inst, "vpc": vpc, "web_sg": sg, "target_group": tg}


def instance_id():
    for r in ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["app"]}])["Reservations"]:
        for i in r["Instances"]:
            return i["InstanceId"]
    raise SystemExit("no instance tagged Name=app")


def read_ec2():
    inst_id = instance_id()
    inst = ec2.describe_instances(InstanceIds=[inst_id])["Reservations"][0]["Instances"][0]
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "attachment.instance-id", "Values": [inst_id]}])
    eni_groups = {n["NetworkInterfaceId"]: sorted(g["GroupId"] for g in n["Groups"]) for n in enis["NetworkInterfaces"]}
    groups = {}
    for gid in sorted({g for gs in eni_groups.values() for g in gs}):
        g = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
        groups[gid] = {"name": g["GroupName"], "ingress": len(g["IpPermissions"]),
                       "egress": len(g["IpPermissionsEgress"])}
    tp = ec2.describe_instance_attribute(InstanceId=inst_id, Attribute="disableApiTermination")[
        "DisableApiTermination"]["Value"]
    asg = client("autoscaling")
    in_asg = [a["AutoScalingGroupName"] for a in asg.describe_auto_scaling_instances(InstanceIds=[inst_id])[
        "AutoScalingInstances"]]
    elb = client("elbv2")
    registered = []
    for tg in elb.describe_target_groups()["TargetGroups"]:
        for d in elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]:
            if d["Target"]["Id"] == inst_id:
                registered.append(tg["TargetGroupName"])
    snaps = ec2.describe_snapshots(OwnerIds=["self"], Filters=[{"Name": "tag:pillar:evidence", "Values": ["true"]}])
    volumes = [m["Ebs"]["VolumeId"] for m in inst.get("BlockDeviceMappings", []) if "Ebs" in m]
    role_policies = iam.list_role_policies(RoleName="app-role")["PolicyNames"]
    tags = {t["Key"]: t["Value"] for t in inst.get("Tags", [])}
    return {"instance": inst_id, "state": inst["State"]["Name"], "eni_groups": eni_groups, "groups": groups,
            "termination_protection": tp, "asg": in_asg, "target_groups": sorted(registered),
            "evidence_snapshots": sorted(s["VolumeId"] for s in snaps["Snapshots"]), "volumes": sorted(volumes),
            "role_policies": role_policies, "tags": tags}


def seed_s3():
    s3.create_bucket(Bucket="public-assets")
    s3.put_bucket_acl(Bucket="public-assets", ACL="public-read")
    s3.put_bucket_policy(Bucket="public-assets", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-assets/*"}]}))
    s3.put_bucket_tagging(Bucket="public-assets", Tagging={"TagSet": [{"Key": "team", "Value": "web"}]})
    s3.create_bucket(Bucket="other-bucket")
    return {"bucket": "public-assets"}


def read_s3():
    def pab(bucket):
        try:
            return s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        except s3.exceptions.ClientError as e:
            if e.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration":
                return None
            raise
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket="public-assets")["TagSet"]}
    return {"public_access_block": pab("public-assets"), "other_public_access_block": pab("other-bucket"),
            "tags": tags}


def seed_root():
    iam.create_account_alias(AccountAlias="pillar-test")
    return {}


def read_root():
    return {"aliases": iam.list_account_aliases()["AccountAliases"],
            "users": sorted(u["UserName"] for u in iam.list_users()["Users"])}


fn = globals()[f"{CMD}_{SCENARIO}"]
print(json.dumps(fn(), sort_keys=True, default=str))
