"""Seed an insecure account in the moto emulator, through the AWS API.

    python3 seed_insecure.py ENDPOINT_URL

Every planted problem names the pillar rule that should report it; the
script prints those rule ids, one per line, for the test to check (a
problem moto cannot represent is left out and said so in a comment).
Runs inside a loopback-only network namespace with dummy credentials.
"""

import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGION = "us-east-1"


def client(name):
    return boto3.client(name, endpoint_url=ENDPOINT, region_name=REGION)


expected = []


def plant(rule):
    expected.append(rule)


iam = client("iam")
s3 = client("s3")
ec2 = client("ec2")
kms = client("kms")
sm = client("secretsmanager")

# --- identity ------------------------------------------------------------
# A user with full administrator access attached directly, two active
# access keys, and a console password but no MFA device.
iam.create_user(UserName="alice")
iam.attach_user_policy(
    UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
)
iam.create_access_key(UserName="alice")
iam.create_access_key(UserName="alice")
iam.create_login_profile(UserName="alice", Password="Sup3r-secret-pw!")
plant("iam-policy-admin-attached")
plant("iam-user-policy-attached-directly")
plant("iam-user-multiple-active-keys")
plant("iam-user-console-without-mfa")

# A weak password policy: short, no symbols, no reuse prevention.
iam.update_account_password_policy(MinimumPasswordLength=6)
plant("iam-password-policy-weak")

# A role any AWS principal can assume.
iam.create_role(
    RoleName="open-door",
    AssumeRolePolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
)
plant("iam-role-trust-public")

# --- data ----------------------------------------------------------------
# A bucket with a policy open to everyone, no Block Public Access, no
# versioning, no access logging and no TLS-only statement.
s3.create_bucket(Bucket="pillar-open-bucket")
s3.put_bucket_policy(
    Bucket="pillar-open-bucket",
    Policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::pillar-open-bucket/*",
                }
            ],
        }
    ),
)
plant("s3-bucket-public-policy")
plant("s3-bucket-public-access-block-off")
# Versioning is not planted: moto wraps its GetBucketVersioning answer in a
# `GetBucketVersioningResponse` root the Rust SDK rejects, so under moto the
# rule is *not assessed* (the test checks that it never passes).
plant("s3-bucket-access-logging-disabled")
plant("s3-bucket-tls-not-enforced")
# A bucket whose ACL lets everyone read. (moto stores `public-read-write`
# as `public-read`; `public-read` is enough for the rule.)
s3.create_bucket(Bucket="pillar-acl-bucket", ACL="public-read")
plant("s3-bucket-public-acl")
# No account-level Block Public Access (moto starts without one).
plant("s3-account-public-access-block-off")

# A customer managed KMS key without automatic rotation.
kms.create_key(Description="no rotation")
plant("kms-key-rotation-disabled")

# A secret that never rotates.
sm.create_secret(Name="db-password", SecretString="not-a-real-secret")
plant("secretsmanager-secret-rotation-disabled")

# EBS encryption by default off (the default) and an unencrypted volume,
# with a snapshot shared with everyone.
ec2.disable_ebs_encryption_by_default()
plant("ec2-ebs-default-encryption-disabled")
vol = ec2.create_volume(AvailabilityZone=REGION + "a", Size=8, Encrypted=False)
plant("ec2-ebs-volume-unencrypted")
snap = ec2.create_snapshot(VolumeId=vol["VolumeId"], Description="shared")
ec2.modify_snapshot_attribute(
    SnapshotId=snap["SnapshotId"],
    Attribute="createVolumePermission",
    OperationType="add",
    GroupNames=["all"],
)
plant("ec2-ebs-snapshot-public")

# --- network -------------------------------------------------------------
# A VPC without flow logs, with a security group open to the internet on
# SSH and MySQL.
vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
plant("ec2-vpc-flow-logs-disabled")
sg = ec2.create_security_group(GroupName="wide-open", Description="ssh and db from anywhere", VpcId=vpc)
ec2.authorize_security_group_ingress(
    GroupId=sg["GroupId"],
    IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ],
)
plant("ec2-sg-admin-port-open")
plant("ec2-sg-database-port-open")

# An instance that allows IMDSv1 (tokens optional).
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
ec2.run_instances(
    ImageId="ami-12c6146b",
    MinCount=1,
    MaxCount=1,
    InstanceType="t3.micro",
    SubnetId=subnet,
    SecurityGroupIds=[sg["GroupId"]],
    MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
)
plant("ec2-instance-imdsv1-allowed")

# --- organization ------------------------------------------------------
# The account runs an organization whose only SCP is FullAWSAccess, with
# a workload OU and a resource control policy that is not attached yet.
org = client("organizations")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
org.create_organizational_unit(ParentId=root, Name="workloads")
org.create_policy(
    Name="deny-external-s3",
    Description="not attached",
    Type="RESOURCE_CONTROL_POLICY",
    Content=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-example"}},
                }
            ],
        }
    ),
)
plant("organizations-scp-guardrails-missing")

# --- detection -----------------------------------------------------------
# No CloudTrail trail, no GuardDuty detector, no Config recorder: nothing
# to create. (moto implements the list/describe calls, so these are judged.)
plant("cloudtrail-multi-region-missing")
plant("guardduty-disabled")
plant("config-recorder-disabled")

for rule in expected:
    print(rule)
