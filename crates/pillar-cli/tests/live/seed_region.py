"""Plant one problem in a given region of the moto emulator: a security
group open to SSH from anywhere, in that region's default VPC.

    python3 seed_region.py ENDPOINT_URL REGION

Prints the group id. Runs inside a loopback-only network namespace with
dummy credentials.
"""

import sys

import boto3

ENDPOINT, REGION = sys.argv[1], sys.argv[2]
ec2 = boto3.client("ec2", endpoint_url=ENDPOINT, region_name=REGION)
vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
group = ec2.create_security_group(
    GroupName="pillar-far-ssh", Description="ssh from anywhere", VpcId=vpc["VpcId"]
)["GroupId"]
ec2.authorize_security_group_ingress(
    GroupId=group,
    IpPermissions=[
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        }
    ],
)
print(group)
