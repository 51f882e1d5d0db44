"""Seed what the collector reads per item beyond the core services: a
secret whose resource policy lets another account read it, an instance
and a launch template whose user data hold an access key pair, and a
classic load balancer whose HTTPS listener negotiates with a policy that
still allows TLS 1.0, an application load balancer whose HTTP listener
redirects by default but forwards one path in a rule, and an ECS task
definition that holds a key pair in its environment.
Prints the secret ARN, the instance id, the load balancer name, the
launch template id, the HTTP listener ARN and the task definition ARN, one
per line.

    python3 seed_extras.py ENDPOINT_URL
"""

import base64
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGION = "us-east-1"


def client(name):
    return boto3.client(name, endpoint_url=ENDPOINT, region_name=REGION)


sm = client("secretsmanager")
ec2 = client("ec2")
elb = client("elb")

secret = sm.create_secret(Name="app/db-password", SecretString="not-a-real-password")["ARN"]
sm.put_resource_policy(
    SecretId=secret,
    ResourcePolicy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PartnerReads",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": "*",
                }
            ],
        }
    ),
)

# A made-up key pair in the shape AWS issues (AKIA + 16, then 40 of base64).
script = (
    "#!/bin/bash\n"
    "export AWS_ACCESS_KEY_ID=AKIAQ7ZLMNRT4XWPKV3D\n"
    "export AWS_SECRET_ACCESS_KEY=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\n"
    "aws s3 sync s3://app-config /etc/app\n"
)
image = ec2.describe_images()["Images"][0]["ImageId"]
instance = ec2.run_instances(
    ImageId=image,
    MinCount=1,
    MaxCount=1,
    InstanceType="t3.micro",
    # boto3 base64-encodes UserData itself.
    UserData=script,
)["Instances"][0]["InstanceId"]

# Launch template data takes user data already in base64.
template = ec2.create_launch_template(
    LaunchTemplateName="worker",
    LaunchTemplateData={"UserData": base64.b64encode(script.encode()).decode()},
)["LaunchTemplate"]["LaunchTemplateId"]

name = "legacy-web"
elb.create_load_balancer(
    LoadBalancerName=name,
    Listeners=[
        {
            "Protocol": "HTTPS",
            "LoadBalancerPort": 443,
            "InstanceProtocol": "HTTP",
            "InstancePort": 80,
            "SSLCertificateId": "arn:aws:iam::123456789012:server-certificate/legacy",
        }
    ],
    AvailabilityZones=["us-east-1a"],
)
elb.create_load_balancer_policy(
    LoadBalancerName=name,
    PolicyName="legacy-tls",
    PolicyTypeName="SSLNegotiationPolicyType",
    PolicyAttributes=[
        {"AttributeName": "Protocol-TLSv1", "AttributeValue": "true"},
        {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"},
        {"AttributeName": "ECDHE-RSA-AES128-GCM-SHA256", "AttributeValue": "true"},
    ],
)
elb.set_load_balancer_policies_of_listener(
    LoadBalancerName=name, LoadBalancerPort=443, PolicyNames=["legacy-tls"]
)

elbv2 = client("elbv2")
vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc][:2]
alb = elbv2.create_load_balancer(Name="shop", Subnets=subnets, Scheme="internet-facing")[
    "LoadBalancers"
][0]["LoadBalancerArn"]
group = elbv2.create_target_group(Name="shop-api", Protocol="HTTP", Port=8080, VpcId=vpc)[
    "TargetGroups"
][0]["TargetGroupArn"]
http = elbv2.create_listener(
    LoadBalancerArn=alb,
    Protocol="HTTP",
    Port=80,
    DefaultActions=[
        {
            "Type": "redirect",
            "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
        }
    ],
)["Listeners"][0]["ListenerArn"]
elbv2.create_rule(
    ListenerArn=http,
    Priority=10,
    Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
    Actions=[{"Type": "forward", "TargetGroupArn": group}],
)

ecs = client("ecs")
task = ecs.register_task_definition(
    family="billing-worker",
    containerDefinitions=[
        {
            "name": "worker",
            "image": "public.ecr.aws/docker/library/busybox:latest",
            "memory": 128,
            "environment": [
                {"name": "AWS_ACCESS_KEY_ID", "value": "AKIAQ7ZLMNRT4XWPKV3D"},
                {"name": "AWS_SECRET_ACCESS_KEY", "value": "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"},
                {"name": "LOG_LEVEL", "value": "info"},
            ],
            "secrets": [
                {
                    "name": "DB_PASSWORD",
                    "valueFrom": secret,
                }
            ],
        }
    ],
)["taskDefinition"]["taskDefinitionArn"]

print(secret)
print(instance)
print(name)
print(template)
print(http)
print(task)
