"""Seed resource policies that only the newer collectors read: an SQS
queue anyone may send to, an SNS topic only the account may publish to,
and an S3 gateway endpoint whose policy admits one bucket. Prints the
queue ARN, the topic ARN and the endpoint id, one per line.

    python3 seed_messaging.py ENDPOINT_URL
"""

import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGION = "us-east-1"


def client(name):
    return boto3.client(name, endpoint_url=ENDPOINT, region_name=REGION)


sqs = client("sqs")
sns = client("sns")
ec2 = client("ec2")

queue = sqs.create_queue(QueueName="public-orders")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sqs.set_queue_attributes(
    QueueUrl=queue,
    Attributes={
        "Policy": json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AnyoneMaySend",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "sqs:SendMessage",
                        "Resource": queue_arn,
                    }
                ],
            }
        )
    },
)

topic_arn = sns.create_topic(Name="alerts")["TopicArn"]
sns.set_topic_attributes(
    TopicArn=topic_arn,
    AttributeName="Policy",
    AttributeValue=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountPublishes",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                }
            ],
        }
    ),
)

vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
endpoint = ec2.create_vpc_endpoint(
    VpcId=vpc,
    ServiceName="com.amazonaws.us-east-1.s3",
    VpcEndpointType="Gateway",
    RouteTableIds=[rt],
    PolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::approved-bucket/*",
                }
            ],
        }
    ),
)["VpcEndpoint"]["VpcEndpointId"]

print(queue_arn)
print(topic_arn)
print(endpoint)
