"""Create a role the account's own principals may assume, for the
assume-role profile test, and print its ARN.

    python3 seed_role.py ENDPOINT_URL ROLE_NAME
"""

import json
import sys

import boto3

iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
trust = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
role = iam.create_role(RoleName=sys.argv[2], AssumeRolePolicyDocument=json.dumps(trust))
iam.attach_role_policy(RoleName=sys.argv[2], PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
print(role["Role"]["Arn"])
