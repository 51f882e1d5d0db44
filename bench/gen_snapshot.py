#!/usr/bin/env python3
"""Generate a large synthetic AWS CLI snapshot for benchmarking `pillar scan`.

    bench/gen_snapshot.py OUT_DIR [--scale 1.0] [--seed 42]

Writes the folder layout of docs/snapshot-layout.md (AWS CLI v2 JSON shapes,
4-space indented as the CLI prints them, `{"Error": ...}` files for calls
that returned "not configured") with about 100,000 resources at scale 1.0,
spread over four regions, with a realistic mix of good and bad settings so
every rule has work to do. Standard library only; the output depends only
on --scale and --seed.
"""

import argparse
import base64
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

ACCT = "210987654321"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
NOW = datetime(2026, 11, 1, 9, 0, 0, tzinfo=timezone.utc)

# Resource counts at scale 1.0 (totals over all regions).
BASE = {
    "security_groups": 10_000,
    "instances": 20_000,  # one ENI each
    "buckets": 5_000,
    "roles": 2_000,
    "users": 1_000,
    "managed_policies": 2_000,
    "groups": 50,
    "vpcs": 200,
    "subnets": 4_000,
    "route_tables": 1_200,
    "volumes": 5_000,
    "ebs_snapshots": 2_000,
    "kms_keys": 1_000,
    "secrets": 500,
    "functions": 500,
    "load_balancers": 2_000,
    "target_groups": 3_000,
    "db_instances": 3_000,
    "db_snapshots": 3_000,
    "log_groups": 8_000,
    "elastic_ips": 3_000,
    "event_rules": 1_000,
}


class Gen:
    def __init__(self, out, scale, seed):
        self.out = out
        self.rnd = random.Random(seed)
        self.n = {k: max(1, int(round(v * scale))) for k, v in BASE.items()}
        self.count = {}
        self.files = 0
        self.bytes = 0
        self.seq = 0

    # ------------------------------------------------------------ helpers
    def write(self, rel, obj):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = json.dumps(obj, indent=4) + "\n"
        with open(path, "w") as f:
            f.write(text)
        self.files += 1
        self.bytes += len(text)

    def tally(self, kind, k=1):
        self.count[kind] = self.count.get(kind, 0) + k

    def hid(self, prefix, width=17):
        self.seq += 1
        return f"{prefix}-{self.seq:0{width}x}"

    def split(self, total, parts=len(REGIONS)):
        """Split a total over the regions (first regions get the remainder)."""
        base, rem = divmod(total, parts)
        return [base + (1 if i < rem else 0) for i in range(parts)]

    def ago(self, lo, hi=None):
        days = lo if hi is None else self.rnd.uniform(lo, hi)
        return NOW - timedelta(days=days)

    @staticmethod
    def iso(dt):
        return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")

    @staticmethod
    def iso_ms(dt):
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")

    @staticmethod
    def err(code, msg):
        return {"Error": {"Code": code, "Message": msg}}

    def chance(self, p):
        return self.rnd.random() < p

    # ------------------------------------------------------------- global
    def meta(self):
        self.write("pillar-snapshot.json", {
            "collected_at": "2026-11-01T09:00:00Z", "account_id": ACCT, "regions": REGIONS})
        self.write("sts-get-caller-identity.json", {
            "UserId": "AROABENCHAUDIT0000001:pillar", "Account": ACCT,
            "Arn": f"arn:aws:sts::{ACCT}:assumed-role/audit/pillar"})

    ACTIONS = [
        "s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "ec2:DescribeInstances",
        "ec2:StartInstances", "ec2:StopInstances", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
        "sqs:SendMessage", "sqs:ReceiveMessage", "sns:Publish", "lambda:InvokeFunction", "logs:PutLogEvents",
        "logs:CreateLogStream", "kms:Decrypt", "kms:GenerateDataKey", "secretsmanager:GetSecretValue",
        "ssm:GetParameter", "cloudwatch:PutMetricData", "iam:PassRole", "sts:AssumeRole", "ecr:GetAuthorizationToken",
        "ecr:BatchGetImage", "rds:DescribeDBInstances", "xray:PutTraceSegments",
    ]

    def policy_doc(self):
        r = self.rnd.random()
        if r < 0.03:
            return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        if r < 0.12:
            svc = self.rnd.choice(["s3", "ec2", "iam", "dynamodb", "kms", "lambda"])
            return {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": f"{svc}:*", "Resource": "*"}]}
        stmts = []
        for i in range(self.rnd.randint(1, 4)):
            acts = sorted(self.rnd.sample(self.ACTIONS, self.rnd.randint(1, 6)))
            res = self.rnd.choice(["*", f"arn:aws:s3:::bench-bucket-{self.rnd.randint(0, 4999):05d}/*",
                                   f"arn:aws:dynamodb:us-east-1:{ACCT}:table/t{i}",
                                   f"arn:aws:sqs:eu-west-1:{ACCT}:q{i}"])
            st = {"Sid": f"S{i}", "Effect": "Allow", "Action": acts, "Resource": res}
            if self.chance(0.2):
                st["Condition"] = {"StringEquals": {"aws:RequestedRegion": self.rnd.choice(REGIONS)}}
            stmts.append(st)
        if self.chance(0.1):
            stmts.append({"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
        return {"Version": "2012-10-17", "Statement": stmts}

    def trust(self):
        r = self.rnd.random()
        if r < 0.70:
            svc = self.rnd.choice(["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com",
                                   "states.amazonaws.com", "events.amazonaws.com"])
            return {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"}]}
        if r < 0.90:
            return {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "sts:AssumeRole",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
        if r < 0.99:
            other = f"{self.rnd.randint(100000000000, 999999999999)}"
            st = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"}, "Action": "sts:AssumeRole"}
            if self.chance(0.5):
                st["Condition"] = {"StringEquals": {"sts:ExternalId": f"ext-{self.rnd.randint(0, 10**9)}"}}
            return {"Version": "2012-10-17", "Statement": [st]}
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}

    def iam(self):
        n = self.n
        policies = []
        for i in range(n["managed_policies"]):
            name = f"bench-policy-{i:05d}"
            created = self.ago(30, 2000)
            policies.append({
                "PolicyName": name, "PolicyId": f"ANPABENCH{i:012d}", "Arn": f"arn:aws:iam::{ACCT}:policy/{name}",
                "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True, "CreateDate": self.iso(created), "UpdateDate": self.iso(created),
                "PolicyVersionList": [{"Document": self.policy_doc(), "VersionId": "v1", "IsDefaultVersion": True,
                                       "CreateDate": self.iso(created)}]})
        admin = {"PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK",
                 "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "Path": "/", "DefaultVersionId": "v1",
                 "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
                 "CreateDate": "2015-02-06T18:39:46+00:00", "UpdateDate": "2015-02-06T18:39:46+00:00",
                 "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "VersionId": "v1",
                     "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46+00:00"}]}
        all_pols = policies + [admin]

        def attach(k):
            chosen = self.rnd.sample(all_pols, min(k, len(all_pols))) if k else []
            for p in chosen:
                p["AttachmentCount"] += 1
            return [{"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]} for p in chosen]

        groups = []
        for i in range(n["groups"]):
            name = f"bench-group-{i:03d}"
            groups.append({"Path": "/", "GroupName": name, "GroupId": f"AGPABENCH{i:012d}",
                           "Arn": f"arn:aws:iam::{ACCT}:group/{name}", "CreateDate": self.iso(self.ago(100, 2000)),
                           "GroupPolicyList": [], "AttachedManagedPolicies": attach(self.rnd.randint(1, 3))})
        self.tally("iam groups", len(groups))

        roles = []
        for i in range(n["roles"]):
            name = f"bench-role-{i:05d}"
            created = self.ago(10, 2000)
            role = {"Path": "/", "RoleName": name, "RoleId": f"AROABENCH{i:012d}",
                    "Arn": f"arn:aws:iam::{ACCT}:role/{name}", "CreateDate": self.iso(created),
                    "AssumeRolePolicyDocument": self.trust(), "InstanceProfileList": [],
                    "RolePolicyList": [{"PolicyName": f"inline-{j}", "PolicyDocument": self.policy_doc()}
                                       for j in range(self.rnd.randint(1, 2))],
                    "AttachedManagedPolicies": attach(self.rnd.randint(1, 3)), "Tags": [],
                    "RoleLastUsed": ({"LastUsedDate": self.iso(self.ago(0, 200)), "Region": self.rnd.choice(REGIONS)}
                                     if self.chance(0.8) else {})}
            roles.append(role)
        self.tally("iam roles", len(roles))

        users, report = [], []
        header = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                  "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                  "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                  "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                  "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
                  "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")
        report.append(header)
        report.append(f"<root_account>,arn:aws:iam::{ACCT}:root,2018-01-01T00:00:00+00:00,not_supported,"
                      f"{self.iso(self.ago(40))},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,"
                      "N/A,N/A,N/A,N/A,false,N/A,false,N/A")
        keys_total = 0
        for i in range(n["users"]):
            name = f"bench-user-{i:05d}"
            created = self.ago(30, 2500)
            console = self.chance(0.6)
            mfa = console and self.chance(0.7)
            user = {"Path": "/", "UserName": name, "UserId": f"AIDABENCH{i:012d}",
                    "Arn": f"arn:aws:iam::{ACCT}:user/{name}", "CreateDate": self.iso(created),
                    "GroupList": [g["GroupName"] for g in self.rnd.sample(groups, min(len(groups), self.rnd.randint(0, 2)))],
                    "AttachedManagedPolicies": attach(self.rnd.choice([0, 0, 0, 1, 2])), "Tags": []}
            if self.chance(0.15):
                user["UserPolicyList"] = [{"PolicyName": "inline", "PolicyDocument": self.policy_doc()}]
            users.append(user)
            keys = []
            for k in range(self.rnd.choice([0, 1, 1, 1, 2])):
                kid = f"AKIABENCH{i:05d}{k:02d}XQZW"  # 20 characters
                kc = self.ago(1, 600)
                used = self.ago(0, min(400.0, (NOW - kc).days)) if self.chance(0.85) else None
                keys.append((kid, "Active" if self.chance(0.9) else "Inactive", kc, used))
            keys_total += len(keys)
            self.write(f"iam-list-access-keys/{name}.json", {"AccessKeyMetadata": [
                {"UserName": name, "AccessKeyId": kid, "Status": st, "CreateDate": self.iso(kc)}
                for kid, st, kc, _u in keys]})
            for kid, _st, _kc, used in keys:
                last = ({"LastUsedDate": self.iso(used), "ServiceName": "s3", "Region": "us-east-1"} if used
                        else {"ServiceName": "N/A", "Region": "N/A"})
                self.write(f"iam-get-access-key-last-used/{kid}.json", {"UserName": name, "AccessKeyLastUsed": last})
            self.write(f"iam-list-mfa-devices/{name}.json", {"MFADevices": [
                {"UserName": name, "SerialNumber": f"arn:aws:iam::{ACCT}:mfa/{name}",
                 "EnableDate": self.iso(created)}] if mfa else []})
            cols = [name, user["Arn"], self.iso(created)]
            cols += ["true", self.iso(self.ago(0, 300)), self.iso(created), "N/A"] if console else \
                ["false", "N/A", "N/A", "N/A"]
            cols.append("true" if mfa else "false")
            for k in range(2):
                if k < len(keys):
                    _kid, st, kc, used = keys[k]
                    cols += ["true" if st == "Active" else "false", self.iso(kc)]
                    cols += [self.iso(used), "us-east-1", "s3"] if used else ["N/A", "N/A", "N/A"]
                else:
                    cols += ["false", "N/A", "N/A", "N/A", "N/A"]
            cols += ["false", "N/A", "false", "N/A"]
            report.append(",".join(cols))
        self.tally("iam users", len(users))
        self.tally("iam access keys", keys_total)
        self.tally("iam managed policies", len(all_pols))

        self.write("iam-get-account-authorization-details.json", {
            "UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": all_pols})
        self.write("iam-get-credential-report.json", {
            "Content": base64.b64encode("\n".join(report).encode()).decode(), "ReportFormat": "text/csv",
            "GeneratedTime": self.iso(NOW - timedelta(minutes=5))})
        self.write("iam-get-account-password-policy.json", {"PasswordPolicy": {
            "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
            "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True, "ExpirePasswords": False, "PasswordReusePrevention": 24}})
        self.write("iam-get-account-summary.json", {"SummaryMap": {
            "Users": len(users), "Groups": len(groups), "Roles": len(roles), "Policies": len(policies),
            "AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "MFADevicesInUse": 0}})

    def s3(self):
        owner = {"DisplayName": "bench", "ID": "b" * 64}
        buckets = []
        for i in range(self.n["buckets"]):
            name = f"bench-bucket-{i:05d}"
            region = REGIONS[i % len(REGIONS)]
            buckets.append({"Name": name, "CreationDate": self.iso(self.ago(10, 3000))})
            self.write(f"s3api-get-bucket-location/{name}.json",
                       {"LocationConstraint": None if region == "us-east-1" else region})
            grants = [{"Grantee": {"DisplayName": "bench", "ID": owner["ID"], "Type": "CanonicalUser"},
                       "Permission": "FULL_CONTROL"}]
            if self.chance(0.05):
                grants.append({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                               "Permission": "READ"})
            self.write(f"s3api-get-bucket-acl/{name}.json", {"Owner": owner, "Grants": grants})
            stmts = []
            if self.chance(0.05):
                stmts.append({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                              "Resource": f"arn:aws:s3:::{name}/*"})
            if self.chance(0.4):
                stmts.append({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                              "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                              "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
            self.write(f"s3api-get-bucket-policy/{name}.json",
                       {"Policy": json.dumps({"Version": "2012-10-17", "Statement": stmts})} if stmts
                       else self.err("NoSuchBucketPolicy", "The bucket policy does not exist"))
            self.write(f"s3api-get-public-access-block/{name}.json",
                       {"PublicAccessBlockConfiguration": {
                           "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                           "RestrictPublicBuckets": True}} if self.chance(0.5)
                       else self.err("NoSuchPublicAccessBlockConfiguration",
                                     "The public access block configuration was not found"))
            rule = ({"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": f"arn:aws:kms:{region}:{ACCT}:key/00000000-0000-4000-8000-{i:012d}"},
                "BucketKeyEnabled": True} if self.chance(0.2)
                else {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False})
            self.write(f"s3api-get-bucket-encryption/{name}.json",
                       {"ServerSideEncryptionConfiguration": {"Rules": [rule]}})
            self.write(f"s3api-get-bucket-versioning/{name}.json",
                       {"Status": "Enabled", "MFADelete": "Disabled"} if self.chance(0.4) else {})
            self.write(f"s3api-get-bucket-logging/{name}.json",
                       {"LoggingEnabled": {"TargetBucket": "bench-bucket-00000", "TargetPrefix": f"{name}/"}}
                       if self.chance(0.2) else {})
            self.write(f"s3api-get-bucket-lifecycle-configuration/{name}.json",
                       {"TransitionDefaultMinimumObjectSize": "all_storage_classes_128K", "Rules": [
                           {"ID": "expire", "Filter": {"Prefix": ""}, "Status": "Enabled",
                            "Expiration": {"Days": self.rnd.choice([30, 90, 365, 730])}}]}
                       if self.chance(0.3) else
                       self.err("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"))
        self.write("s3api-list-buckets.json", {"Buckets": buckets, "Owner": owner})
        self.write("s3control-get-public-access-block.json", {"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True}})
        self.tally("s3 buckets", len(buckets))

    def organizations(self):
        e = self.err("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
        self.write("organizations-describe-organization.json", e)
        self.write("organizations-list-policies.json", e)

    # ------------------------------------------------------------ regional
    def region(self, ri, region):
        rnd, n = self.rnd, self.n
        p = region + "/"
        part = {k: max(1, self.split(v)[ri]) for k, v in n.items()}
        azs = [f"{region}{s}" for s in "abc"]

        # VPCs, IGWs, subnets, route tables, NACLs, NAT gateways
        vpcs = []
        for v in range(part["vpcs"]):
            vpcs.append({"id": self.hid("vpc"), "cidr": f"10.{v % 256}.0.0/16", "subnets": [], "sgs": [],
                         "igw": self.hid("igw"), "public": []})
        subnets = []
        for s in range(part["subnets"]):
            vpc = vpcs[s % len(vpcs)]
            sid = self.hid("subnet")
            public = s % 3 == 0
            k = len(vpc["subnets"])
            subnets.append({
                "AvailabilityZoneId": f"{region[:2]}{region.split('-')[1][0]}1-az{k % 3 + 1}",
                "MapCustomerOwnedIpOnLaunch": False, "OwnerId": ACCT, "AssignIpv6AddressOnCreation": False,
                "Ipv6CidrBlockAssociationSet": [], "Tags": [{"Key": "Name", "Value": f"subnet-{s}"}],
                "SubnetArn": f"arn:aws:ec2:{region}:{ACCT}:subnet/{sid}", "EnableDns64": False,
                "Ipv6Native": False, "SubnetId": sid, "State": "available", "VpcId": vpc["id"],
                "CidrBlock": f"{vpc['cidr'].rsplit('.', 2)[0]}.{k % 256}.0/24", "AvailableIpAddressCount": 250,
                "AvailabilityZone": azs[k % 3], "DefaultForAz": False, "MapPublicIpOnLaunch": public and rnd.random() < 0.5})
            vpc["subnets"].append(sid)
            if public:
                vpc["public"].append(sid)
        self.write(p + "ec2-describe-vpcs.json", {"Vpcs": [{
            "OwnerId": ACCT, "InstanceTenancy": "default",
            "CidrBlockAssociationSet": [{"AssociationId": self.hid("vpc-cidr-assoc"), "CidrBlock": v["cidr"],
                                         "CidrBlockState": {"State": "associated"}}],
            "IsDefault": False, "Tags": [], "VpcId": v["id"], "State": "available", "CidrBlock": v["cidr"],
            "DhcpOptionsId": "dopt-00000000000000001"} for v in vpcs]})
        self.write(p + "ec2-describe-subnets.json", {"Subnets": subnets})
        self.write(p + "ec2-describe-internet-gateways.json", {"InternetGateways": [{
            "Attachments": [{"State": "available", "VpcId": v["id"]}], "InternetGatewayId": v["igw"],
            "OwnerId": ACCT, "Tags": []} for v in vpcs]})
        nats = []
        for v in vpcs:
            if v["public"]:
                nats.append({"CreateTime": self.iso(self.ago(300)), "NatGatewayAddresses": [{
                    "AllocationId": self.hid("eipalloc"), "NetworkInterfaceId": self.hid("eni"),
                    "PrivateIp": "10.0.0.5", "PublicIp": f"3.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}",
                    "AssociationId": self.hid("eipassoc"), "IsPrimary": True, "Status": "succeeded"}],
                    "NatGatewayId": self.hid("nat"), "State": "available", "SubnetId": v["public"][0],
                    "VpcId": v["id"], "Tags": [], "ConnectivityType": "public"})
                v["nat"] = nats[-1]["NatGatewayId"]
        self.write(p + "ec2-describe-nat-gateways.json", {"NatGateways": nats})
        self.write(p + "ec2-describe-egress-only-internet-gateways.json", {"EgressOnlyInternetGateways": []})
        rtbs = []
        per_vpc = max(1, part["route_tables"] // len(vpcs))
        for v in vpcs:
            for t in range(per_vpc):
                rid = self.hid("rtb")
                routes = [{"DestinationCidrBlock": v["cidr"], "GatewayId": "local", "Origin": "CreateRouteTable",
                           "State": "active"}]
                if t == 1:
                    routes.append({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": v["igw"],
                                   "Origin": "CreateRoute", "State": "active"})
                elif t >= 2 and v.get("nat"):
                    routes.append({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": v["nat"],
                                   "Origin": "CreateRoute", "State": "active"})
                assocs = []
                if t == 0:
                    assocs.append({"Main": True, "RouteTableAssociationId": self.hid("rtbassoc"),
                                   "RouteTableId": rid, "AssociationState": {"State": "associated"}})
                targets = v["public"] if t == 1 else [s for j, s in enumerate(v["subnets"])
                                                       if s not in v["public"] and t >= 2 and j % max(1, per_vpc - 2) == t - 2]
                for s in targets:
                    assocs.append({"Main": False, "RouteTableAssociationId": self.hid("rtbassoc"),
                                   "RouteTableId": rid, "SubnetId": s, "AssociationState": {"State": "associated"}})
                rtbs.append({"Associations": assocs, "PropagatingVgws": [], "RouteTableId": rid, "Routes": routes,
                             "Tags": [], "VpcId": v["id"], "OwnerId": ACCT})
        self.write(p + "ec2-describe-route-tables.json", {"RouteTables": rtbs})

        def entry(num, egress, proto, action, cidr, ports=None):
            e = {"CidrBlock": cidr, "Egress": egress, "Protocol": proto, "RuleAction": action, "RuleNumber": num}
            if ports:
                e["PortRange"] = {"From": ports[0], "To": ports[1]}
            return e

        nacls = []
        for v in vpcs:
            nacls.append({"Associations": [{"NetworkAclAssociationId": self.hid("aclassoc"),
                                            "NetworkAclId": "", "SubnetId": s} for s in v["subnets"]
                                           if s not in v["public"]],
                          "Entries": [entry(100, True, "-1", "allow", "0.0.0.0/0"),
                                      entry(32767, True, "-1", "deny", "0.0.0.0/0"),
                                      entry(100, False, "-1", "allow", "0.0.0.0/0"),
                                      entry(32767, False, "-1", "deny", "0.0.0.0/0")],
                          "IsDefault": True, "NetworkAclId": self.hid("acl"), "Tags": [], "VpcId": v["id"],
                          "OwnerId": ACCT})
            entries = [entry(100, False, "6", "allow", "0.0.0.0/0", (443, 443)),
                       entry(110, False, "6", "allow", "0.0.0.0/0", (1024, 65535)),
                       entry(32767, False, "-1", "deny", "0.0.0.0/0"),
                       entry(100, True, "-1", "allow", "0.0.0.0/0"), entry(32767, True, "-1", "deny", "0.0.0.0/0")]
            if rnd.random() < 0.2:
                entries.insert(1, entry(105, False, "6", "allow", "0.0.0.0/0", (22, 22)))
            nacls.append({"Associations": [{"NetworkAclAssociationId": self.hid("aclassoc"), "NetworkAclId": "",
                                            "SubnetId": s} for s in v["public"]],
                          "Entries": entries, "IsDefault": False, "NetworkAclId": self.hid("acl"), "Tags": [],
                          "VpcId": v["id"], "OwnerId": ACCT})
        for a in nacls:
            for assoc in a["Associations"]:
                assoc["NetworkAclId"] = a["NetworkAclId"]
        self.write(p + "ec2-describe-network-acls.json", {"NetworkAcls": nacls})

        # Security groups
        sgs = []
        for i in range(part["security_groups"]):
            vpc = vpcs[i % len(vpcs)]
            gid = self.hid("sg")
            default = not vpc["sgs"]
            vpc["sgs"].append(gid)
            ingress = []
            if default:
                ingress.append({"IpProtocol": "-1", "UserIdGroupPairs": [{"UserId": ACCT, "GroupId": gid}],
                                "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []})
            else:
                for _ in range(rnd.randint(1, 6)):
                    r = rnd.random()
                    port = rnd.choice([22, 3389, 5432, 3306, 1433, 6379, 27017, 9200]) if r < 0.12 else \
                        rnd.choice([80, 443, 8080, 8443, 9000])
                    rule = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [],
                            "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}
                    if r < 0.02:
                        rule = {"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": []}
                    elif r < 0.12 or port in (80, 443) and rnd.random() < 0.5:
                        rule["IpRanges"].append({"CidrIp": "0.0.0.0/0"})
                        if rnd.random() < 0.3:
                            rule["Ipv6Ranges"].append({"CidrIpv6": "::/0"})
                    elif len(vpc["sgs"]) > 1 and rnd.random() < 0.5:
                        rule["UserIdGroupPairs"].append({"UserId": ACCT, "GroupId": rnd.choice(vpc["sgs"][:-1])})
                    else:
                        rule["IpRanges"].append({"CidrIp": f"10.{rnd.randint(0, 255)}.0.0/16",
                                                 "Description": "internal"})
                    ingress.append(rule)
            sgs.append({"GroupId": gid, "IpPermissionsEgress": [{
                "IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [], "PrefixListIds": []}], "Tags": [], "VpcId": vpc["id"],
                "SecurityGroupArn": f"arn:aws:ec2:{region}:{ACCT}:security-group/{gid}", "OwnerId": ACCT,
                "GroupName": "default" if default else f"sg-{i}", "Description": "bench", "IpPermissions": ingress})
        self.write(p + "ec2-describe-security-groups.json", {"SecurityGroups": sgs})
        self.write(p + "ec2-describe-managed-prefix-lists.json", {"PrefixLists": []})
        self.tally("vpcs", len(vpcs))
        self.tally("subnets", len(subnets))
        self.tally("route tables", len(rtbs))
        self.tally("internet gateways", len(vpcs))
        self.tally("nat gateways", len(nats))
        self.tally("network acls", len(nacls))
        self.tally("security groups", len(sgs))

        # Instances, ENIs, volumes
        reservations, enis, volumes = [], [], []
        subnet_vpc = {s["SubnetId"]: s for s in subnets}
        vol_budget = part["volumes"]
        instances = [subnets[rnd.randrange(len(subnets))] for _ in range(part["instances"])]
        vpc_by_id = {v["id"]: v for v in vpcs}
        for i, sub in enumerate(instances):
            vpc = vpc_by_id[sub["VpcId"]]
            iid, eni_id = self.hid("i"), self.hid("eni")
            ip = f"{vpc['cidr'].split('.')[0]}.{vpc['cidr'].split('.')[1]}.{rnd.randint(0, 255)}.{rnd.randint(4, 254)}"
            public = sub["MapPublicIpOnLaunch"] or (sub["SubnetId"] in vpc["public"] and rnd.random() < 0.3)
            pub = f"54.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}" if public else None
            groups = [{"GroupName": "bench", "GroupId": g} for g in rnd.sample(vpc["sgs"], min(len(vpc["sgs"]),
                                                                                          rnd.randint(1, 3)))]
            assoc = {"IpOwnerId": "amazon", "PublicDnsName": "", "PublicIp": pub} if pub else None
            ni = {"Attachment": {"AttachTime": self.iso(self.ago(50)), "AttachmentId": self.hid("eni-attach"),
                                 "DeleteOnTermination": True, "DeviceIndex": 0, "NetworkCardIndex": 0,
                                 "Status": "attached"},
                  "Description": "", "Groups": groups, "Ipv6Addresses": [], "MacAddress": "0e:00:00:00:00:01",
                  "NetworkInterfaceId": eni_id, "OwnerId": ACCT, "PrivateIpAddress": ip,
                  "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}], "SourceDestCheck": True,
                  "Status": "in-use", "SubnetId": sub["SubnetId"], "VpcId": vpc["id"], "InterfaceType": "interface"}
            if assoc:
                ni["Association"] = assoc
                ni["PrivateIpAddresses"][0]["Association"] = assoc
            # describe-network-interfaces names the instance in the attachment;
            # describe-instances does not.
            enis.append(dict(ni, Attachment=dict(ni["Attachment"], InstanceId=iid, InstanceOwnerId=ACCT),
                             AvailabilityZone=sub["AvailabilityZone"], RequesterManaged=False, TagSet=[]))
            bdm = []
            if vol_budget > 0:
                vol_budget -= 1
                vid = self.hid("vol")
                enc = rnd.random() < 0.7
                vol = {"Iops": 3000, "Tags": [], "VolumeType": "gp3", "MultiAttachEnabled": False,
                       "Throughput": 125, "VolumeId": vid, "Size": rnd.choice([8, 20, 100, 500]), "SnapshotId": "",
                       "AvailabilityZone": sub["AvailabilityZone"], "State": "in-use",
                       "CreateTime": self.iso_ms(self.ago(5, 900)), "Encrypted": enc,
                       "Attachments": [{"DeleteOnTermination": True, "VolumeId": vid, "InstanceId": iid,
                                        "Device": "/dev/xvda", "State": "attached",
                                        "AttachTime": self.iso(self.ago(5))}]}
                if enc:
                    vol["KmsKeyId"] = f"arn:aws:kms:{region}:{ACCT}:key/00000000-0000-4000-8000-000000000001"
                volumes.append(vol)
                bdm.append({"DeviceName": "/dev/xvda", "Ebs": {"AttachTime": self.iso(self.ago(5)),
                                                               "DeleteOnTermination": True, "Status": "attached",
                                                               "VolumeId": vid}})
            inst = {"AmiLaunchIndex": 0, "ImageId": "ami-0123456789abcdef0", "InstanceId": iid,
                    "InstanceType": rnd.choice(["t3.micro", "m6i.large", "c7g.xlarge"]),
                    "LaunchTime": self.iso(self.ago(1, 900)), "Monitoring": {"State": "disabled"},
                    "Placement": {"AvailabilityZone": sub["AvailabilityZone"], "GroupName": "", "Tenancy": "default"},
                    "PrivateIpAddress": ip, "ProductCodes": [], "PublicDnsName": "",
                    "State": {"Code": 16, "Name": "running"} if rnd.random() < 0.9 else {"Code": 80, "Name": "stopped"},
                    "SubnetId": sub["SubnetId"], "VpcId": vpc["id"], "Architecture": "x86_64",
                    "BlockDeviceMappings": bdm, "NetworkInterfaces": [ni], "SecurityGroups": groups,
                    "Tags": [{"Key": "Name", "Value": f"bench-{i}"}],
                    "MetadataOptions": {"State": "applied", "HttpTokens": "optional" if rnd.random() < 0.3 else "required",
                                        "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled",
                                        "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"}}
            if pub:
                inst["PublicIpAddress"] = pub
            if rnd.random() < 0.5:
                inst["IamInstanceProfile"] = {"Arn": f"arn:aws:iam::{ACCT}:instance-profile/bench-role-{rnd.randint(0, 1999):05d}",
                                              "Id": "AIPABENCH000000000001"}
            if i % 5 == 0 or not reservations:
                reservations.append({"ReservationId": self.hid("r"), "OwnerId": ACCT, "Groups": [], "Instances": []})
            reservations[-1]["Instances"].append(inst)
        for _ in range(vol_budget):
            vid = self.hid("vol")
            volumes.append({"Iops": 3000, "Tags": [], "VolumeType": "gp3", "MultiAttachEnabled": False,
                            "Throughput": 125, "VolumeId": vid, "Size": 50, "SnapshotId": "",
                            "AvailabilityZone": azs[0], "State": "available",
                            "CreateTime": self.iso_ms(self.ago(5, 900)), "Encrypted": False, "Attachments": []})
        self.write(p + "ec2-describe-instances.json", {"Reservations": reservations})
        self.write(p + "ec2-describe-network-interfaces.json", {"NetworkInterfaces": enis})
        self.write(p + "ec2-describe-volumes.json", {"Volumes": volumes})
        self.tally("instances", len(instances))
        self.tally("network interfaces", len(enis))
        self.tally("volumes", len(volumes))

        eips = [{"AllocationId": self.hid("eipalloc"), "Domain": "vpc", "PublicIpv4Pool": "amazon",
                 "NetworkBorderGroup": region, "Tags": [],
                 "PublicIp": f"18.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"}
                for _ in range(part["elastic_ips"])]
        self.write(p + "ec2-describe-addresses.json", {"Addresses": eips})
        self.tally("elastic ips", len(eips))

        snaps = []
        for _ in range(part["ebs_snapshots"]):
            sid = self.hid("snap")
            vol = volumes[rnd.randrange(len(volumes))]
            snaps.append({"Tags": [], "StorageTier": "standard", "SnapshotId": sid, "VolumeId": vol["VolumeId"],
                          "State": "completed", "StartTime": self.iso_ms(self.ago(1, 700)), "Progress": "100%",
                          "OwnerId": ACCT, "Description": "", "VolumeSize": vol["Size"], "Encrypted": vol["Encrypted"]})
            perms = [{"Group": "all"}] if rnd.random() < 0.02 else \
                ([{"UserId": "123456789012"}] if rnd.random() < 0.05 else [])
            self.write(p + f"ec2-describe-snapshot-attribute/{sid}.json",
                       {"CreateVolumePermissions": perms, "SnapshotId": sid})
        self.write(p + "ec2-describe-snapshots.json", {"Snapshots": snaps})
        self.write(p + "ec2-get-ebs-encryption-by-default.json",
                   {"EbsEncryptionByDefault": ri % 2 == 0, "SseType": "sse-ebs"})
        self.tally("ebs snapshots", len(snaps))

        flows = [{"CreationTime": self.iso_ms(self.ago(100)), "DeliverLogsStatus": "SUCCESS",
                  "FlowLogId": self.hid("fl"), "FlowLogStatus": "ACTIVE", "ResourceId": v["id"],
                  "TrafficType": "ALL", "LogDestinationType": "s3",
                  "LogDestination": "arn:aws:s3:::bench-bucket-00001", "MaxAggregationInterval": 600}
                 for v in vpcs if rnd.random() < 0.5]
        self.write(p + "ec2-describe-flow-logs.json", {"FlowLogs": flows})
        self.tally("flow logs", len(flows))

        # Load balancers
        lbs, tgs = [], []
        for i in range(part["load_balancers"]):
            vpc = vpcs[i % len(vpcs)]
            name = f"bench-lb-{ri}-{i:04d}"
            lid = f"{rnd.getrandbits(64):016x}"
            arn = f"arn:aws:elasticloadbalancing:{region}:{ACCT}:loadbalancer/app/{name}/{lid}"
            scheme = "internet-facing" if vpc["public"] and rnd.random() < 0.5 else "internal"
            subs = (vpc["public"] if scheme == "internet-facing" else vpc["subnets"])[:2]
            lbs.append({"LoadBalancerArn": arn, "DNSName": f"{name}.{region}.elb.amazonaws.com",
                        "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K", "CreatedTime": self.iso_ms(self.ago(10, 900)),
                        "LoadBalancerName": name, "Scheme": scheme, "VpcId": vpc["id"], "State": {"Code": "active"},
                        "Type": "application",
                        "AvailabilityZones": [{"ZoneName": subnet_vpc[s]["AvailabilityZone"], "SubnetId": s,
                                               "LoadBalancerAddresses": []} for s in subs],
                        "SecurityGroups": vpc["sgs"][1:2] or vpc["sgs"][:1], "IpAddressType": "ipv4"})
            listeners = []
            for port, proto in ([(80, "HTTP"), (443, "HTTPS")] if rnd.random() < 0.5 else [(443, "HTTPS")]):
                tg_name = f"bench-tg-{ri}-{len(tgs):05d}"
                tg_arn = f"arn:aws:elasticloadbalancing:{region}:{ACCT}:targetgroup/{tg_name}/{rnd.getrandbits(64):016x}"
                tgs.append({"TargetGroupArn": tg_arn, "TargetGroupName": tg_name, "Protocol": "HTTP", "Port": 8080,
                            "VpcId": vpc["id"], "HealthCheckProtocol": "HTTP", "HealthCheckPort": "traffic-port",
                            "LoadBalancerArns": [arn], "TargetType": "instance"})
                li = {"ListenerArn": arn.replace(":loadbalancer/", ":listener/") + f"/{rnd.getrandbits(64):016x}",
                      "LoadBalancerArn": arn, "Port": port, "Protocol": proto,
                      "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn}]}
                if proto == "HTTPS":
                    li["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
                    li["Certificates"] = [{"CertificateArn": f"arn:aws:acm:{region}:{ACCT}:certificate/bench"}]
                listeners.append(li)
            self.write(p + f"elbv2-describe-listeners/{name}.json", {"Listeners": listeners})
        while len(tgs) < part["target_groups"]:
            tg_name = f"bench-tg-{ri}-{len(tgs):05d}"
            tgs.append({"TargetGroupArn": f"arn:aws:elasticloadbalancing:{region}:{ACCT}:targetgroup/{tg_name}/0",
                        "TargetGroupName": tg_name, "Protocol": "HTTP", "Port": 80, "VpcId": vpcs[0]["id"],
                        "LoadBalancerArns": [], "TargetType": "instance"})
        for tg in tgs:
            targets = [{"Target": {"Id": reservations[rnd.randrange(len(reservations))]["Instances"][0]["InstanceId"],
                                   "Port": 8080}, "HealthCheckPort": "8080", "TargetHealth": {"State": "healthy"}}
                       for _ in range(rnd.randint(0, 3))]
            self.write(p + f"elbv2-describe-target-health/{tg['TargetGroupName']}.json",
                       {"TargetHealthDescriptions": targets})
        self.write(p + "elbv2-describe-load-balancers.json", {"LoadBalancers": lbs})
        self.write(p + "elbv2-describe-target-groups.json", {"TargetGroups": tgs})
        self.write(p + "elb-describe-load-balancers.json", {"LoadBalancerDescriptions": []})
        protected = [lb["LoadBalancerArn"] for lb in lbs if rnd.random() < 0.4]
        acl_name = f"bench-waf-{ri}"
        self.write(p + "wafv2-list-web-acls.json", {"WebACLs": [{
            "Name": acl_name, "Id": "00000000-0000-4000-8000-000000000000", "Description": "",
            "LockToken": "00000000-0000-4000-8000-000000000001",
            "ARN": f"arn:aws:wafv2:{region}:{ACCT}:regional/webacl/{acl_name}/00000000-0000-4000-8000-000000000000"}]})
        self.write(p + f"wafv2-list-resources-for-web-acl/{acl_name}.json", {"ResourceArns": protected})
        self.tally("load balancers", len(lbs))
        self.tally("target groups", len(tgs))

        # KMS
        keys = []
        for i in range(part["kms_keys"]):
            kid = f"{rnd.getrandbits(32):08x}-{rnd.getrandbits(16):04x}-4{rnd.getrandbits(12):03x}-8{rnd.getrandbits(12):03x}-{rnd.getrandbits(48):012x}"
            arn = f"arn:aws:kms:{region}:{ACCT}:key/{kid}"
            keys.append({"KeyId": kid, "KeyArn": arn})
            self.write(p + f"kms-describe-key/{kid}.json", {"KeyMetadata": {
                "AWSAccountId": ACCT, "KeyId": kid, "Arn": arn, "CreationDate": self.iso_ms(self.ago(10, 2000)),
                "Enabled": True, "Description": "", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled",
                "Origin": "AWS_KMS", "KeyManager": "CUSTOMER" if rnd.random() < 0.8 else "AWS",
                "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT",
                "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": False}})
            self.write(p + f"kms-get-key-rotation-status/{kid}.json",
                       {"KeyRotationEnabled": rnd.random() < 0.6, "KeyId": arn})
            stmts = [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                      "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"}]
            if rnd.random() < 0.05:
                stmts.append({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"})
            self.write(p + f"kms-get-key-policy/{kid}.json",
                       {"Policy": json.dumps({"Version": "2012-10-17", "Statement": stmts}, indent=4),
                        "PolicyName": "default"})
        self.write(p + "kms-list-keys.json", {"Keys": keys})
        self.write(p + "kms-list-aliases.json", {"Aliases": [
            {"AliasName": f"alias/bench-{i}", "AliasArn": f"arn:aws:kms:{region}:{ACCT}:alias/bench-{i}",
             "TargetKeyId": k["KeyId"]} for i, k in enumerate(keys)]})
        self.tally("kms keys", len(keys))

        # Secrets
        secrets = []
        for i in range(part["secrets"]):
            s = {"ARN": f"arn:aws:secretsmanager:{region}:{ACCT}:secret:bench/{ri}/{i}-AbCdEf",
                 "Name": f"bench/{ri}/{i}", "LastChangedDate": self.iso_ms(self.ago(1, 500)),
                 "SecretVersionsToStages": {"00000000-0000-4000-8000-000000000000": ["AWSCURRENT"]},
                 "CreatedDate": self.iso_ms(self.ago(500, 900))}
            if rnd.random() < 0.5:
                s.update({"RotationEnabled": True, "RotationRules": {"AutomaticallyAfterDays": 30},
                          "LastRotatedDate": self.iso_ms(self.ago(1, 30))})
            secrets.append(s)
        self.write(p + "secretsmanager-list-secrets.json", {"SecretList": secrets})
        self.tally("secrets", len(secrets))

        # RDS
        dbs = []
        for i in range(part["db_instances"]):
            vpc = vpcs[i % len(vpcs)]
            ident = f"bench-db-{ri}-{i:04d}"
            enc = rnd.random() < 0.7
            d = {"DBInstanceIdentifier": ident, "DBInstanceClass": "db.t3.medium", "Engine": "postgres",
                 "DBInstanceStatus": "available",
                 "Endpoint": {"Address": f"{ident}.abc.{region}.rds.amazonaws.com", "Port": 5432},
                 "BackupRetentionPeriod": rnd.choice([0, 1, 7, 14]),
                 "VpcSecurityGroups": [{"VpcSecurityGroupId": rnd.choice(vpc["sgs"]), "Status": "active"}],
                 "DBSubnetGroup": {"DBSubnetGroupName": f"sg-{i}", "VpcId": vpc["id"], "SubnetGroupStatus": "Complete",
                                   "Subnets": [{"SubnetIdentifier": s, "SubnetStatus": "Active"}
                                               for s in vpc["subnets"][:2]]},
                 "PubliclyAccessible": rnd.random() < 0.05, "StorageEncrypted": enc,
                 "DBInstanceArn": f"arn:aws:rds:{region}:{ACCT}:db:{ident}",
                 "IAMDatabaseAuthenticationEnabled": False, "DeletionProtection": rnd.random() < 0.5}
            if enc:
                d["KmsKeyId"] = keys[i % len(keys)]["KeyArn"]
            dbs.append(d)
        self.write(p + "rds-describe-db-instances.json", {"DBInstances": dbs})
        dsnaps = []
        for i in range(part["db_snapshots"]):
            db = dbs[i % len(dbs)]
            ident = f"{db['DBInstanceIdentifier']}-snap-{i}"
            dsnaps.append({"DBSnapshotIdentifier": ident, "DBInstanceIdentifier": db["DBInstanceIdentifier"],
                           "SnapshotCreateTime": self.iso_ms(self.ago(1, 300)), "Engine": "postgres",
                           "Status": "available", "SnapshotType": "manual", "Encrypted": db["StorageEncrypted"],
                           "DBSnapshotArn": f"arn:aws:rds:{region}:{ACCT}:snapshot:{ident}"})
            self.write(p + f"rds-describe-db-snapshot-attributes/{ident}.json", {"DBSnapshotAttributesResult": {
                "DBSnapshotIdentifier": ident, "DBSnapshotAttributes": [
                    {"AttributeName": "restore", "AttributeValues": ["all"] if rnd.random() < 0.02 else []}]}})
        self.write(p + "rds-describe-db-snapshots.json", {"DBSnapshots": dsnaps})
        self.write(p + "rds-describe-db-cluster-snapshots.json", {"DBClusterSnapshots": []})
        self.tally("db instances", len(dbs))
        self.tally("db snapshots", len(dsnaps))

        # Lambda
        funcs = []
        for i in range(part["functions"]):
            name = f"bench-fn-{ri}-{i:04d}"
            arn = f"arn:aws:lambda:{region}:{ACCT}:function:{name}"
            env = {"LOG_LEVEL": "info", "TABLE": f"table-{i}"}
            if rnd.random() < 0.05:
                env["DB_PASSWORD"] = f"bench-pass-{i}"
            funcs.append({"FunctionName": name, "FunctionArn": arn, "Runtime": "python3.12",
                          "Role": f"arn:aws:iam::{ACCT}:role/bench-role-{rnd.randint(0, 1999):05d}",
                          "Handler": "app.handler", "CodeSize": 1024, "Timeout": 30, "MemorySize": 256,
                          "LastModified": "2026-09-01T10:00:00.000+0000", "Version": "$LATEST",
                          "Environment": {"Variables": env}, "PackageType": "Zip", "Architectures": ["arm64"]})
            if rnd.random() < 0.1:
                self.write(p + f"lambda-get-policy/{name}.json", {"Policy": json.dumps({
                    "Version": "2012-10-17", "Id": "default", "Statement": [{
                        "Sid": "public", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
                        "Resource": arn, "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}]}),
                    "RevisionId": "00000000-0000-4000-8000-000000000000"})
                self.write(p + f"lambda-get-function-url-config/{name}.json", {
                    "FunctionUrl": f"https://{i:032d}.lambda-url.{region}.on.aws/", "FunctionArn": arn,
                    "AuthType": "NONE", "CreationTime": "2026-08-18T10:14:07.512391Z",
                    "LastModifiedTime": "2026-08-18T10:14:07.512391Z", "InvokeMode": "BUFFERED"})
            else:
                nf = self.err("ResourceNotFoundException", "The resource you requested does not exist.")
                self.write(p + f"lambda-get-policy/{name}.json", nf)
                self.write(p + f"lambda-get-function-url-config/{name}.json", nf)
        self.write(p + "lambda-list-functions.json", {"Functions": funcs})
        self.tally("functions", len(funcs))

        # CloudTrail: the org-wide multi-region trail (shown in every region)
        # and one regional trail.
        home = f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/bench-main"
        trails = [{"Name": "bench-main", "S3BucketName": "bench-bucket-00002", "IncludeGlobalServiceEvents": True,
                   "IsMultiRegionTrail": True, "HomeRegion": "us-east-1", "TrailARN": home,
                   "LogFileValidationEnabled": True, "HasCustomEventSelectors": False,
                   "HasInsightSelectors": False, "IsOrganizationTrail": False,
                   "KmsKeyId": keys[0]["KeyArn"]},
                  {"Name": f"bench-regional-{ri}", "S3BucketName": "bench-bucket-00003",
                   "IncludeGlobalServiceEvents": False, "IsMultiRegionTrail": False, "HomeRegion": region,
                   "TrailARN": f"arn:aws:cloudtrail:{region}:{ACCT}:trail/bench-regional-{ri}",
                   "LogFileValidationEnabled": False, "HasCustomEventSelectors": False,
                   "HasInsightSelectors": False, "IsOrganizationTrail": False}]
        self.write(p + "cloudtrail-describe-trails.json", {"trailList": trails})
        for t in trails:
            self.write(p + f"cloudtrail-get-trail-status/{t['Name']}.json", {
                "IsLogging": True, "LatestDeliveryTime": self.iso_ms(self.ago(0.01)),
                "StartLoggingTime": self.iso_ms(self.ago(700))})
            self.write(p + f"cloudtrail-get-event-selectors/{t['Name']}.json", {
                "TrailARN": t["TrailARN"], "EventSelectors": [{"ReadWriteType": "All",
                                                               "IncludeManagementEvents": True,
                                                               "DataResources": [],
                                                               "ExcludeManagementEventSources": []}]})
        self.tally("trails", 1 + (1 if ri == 0 else 0))

        # Detection services
        det = f"{rnd.getrandbits(128):032x}"
        self.write(p + "guardduty-list-detectors.json", {"DetectorIds": [det] if ri != 3 else []})
        if ri != 3:
            self.write(p + f"guardduty-get-detector/{det}.json", {
                "CreatedAt": "2025-03-02T14:21:09.117Z", "FindingPublishingFrequency": "SIX_HOURS",
                "Status": "ENABLED", "UpdatedAt": "2026-06-10T08:02:44.501Z", "Tags": {}})
        if ri == 0:
            self.write(p + "securityhub-describe-hub.json", {
                "HubArn": f"arn:aws:securityhub:{region}:{ACCT}:hub/default",
                "SubscribedAt": "2025-01-01T00:00:00.000Z", "AutoEnableControls": True,
                "ControlFindingGenerator": "SECURITY_CONTROL"})
            self.write(p + "securityhub-get-enabled-standards.json", {"StandardsSubscriptions": []})
        else:
            e = self.err("InvalidAccessException", f"Account {ACCT} is not subscribed to AWS Security Hub")
            self.write(p + "securityhub-describe-hub.json", e)
            self.write(p + "securityhub-get-enabled-standards.json", e)
        self.write(p + "configservice-describe-configuration-recorders.json", {"ConfigurationRecorders": [{
            "name": "default", "roleARN": f"arn:aws:iam::{ACCT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": ri == 0, "resourceTypes": []}}]})
        self.write(p + "configservice-describe-configuration-recorder-status.json", {"ConfigurationRecordersStatus": [{
            "name": "default", "recording": ri != 2, "lastStatus": "SUCCESS"}]})
        self.write(p + "accessanalyzer-list-analyzers.json", {"analyzers": [{
            "arn": f"arn:aws:access-analyzer:{region}:{ACCT}:analyzer/bench", "name": "bench", "type": "ACCOUNT",
            "createdAt": "2025-05-19T11:02:33+00:00", "tags": {}, "status": "ACTIVE"}] if ri < 2 else []})
        rules = []
        for i in range(part["event_rules"]):
            name = f"bench-rule-{ri}-{i:04d}"
            pattern = {"source": [rnd.choice(["aws.ec2", "aws.guardduty", "aws.s3", "aws.health"])]}
            rules.append({"Name": name, "Arn": f"arn:aws:events:{region}:{ACCT}:rule/{name}",
                          "EventPattern": json.dumps(pattern), "State": "ENABLED", "EventBusName": "default"})
            self.write(p + f"events-list-targets-by-rule/{name}.json", {"Targets": [
                {"Id": "t", "Arn": f"arn:aws:sns:{region}:{ACCT}:bench-topic"}]})
        self.write(p + "events-list-rules.json", {"Rules": rules})
        self.tally("event rules", len(rules))
        groups = [{"logGroupName": f"/bench/{ri}/{i}", "creationTime": 1700000000000 + i,
                   "metricFilterCount": 0, "arn": f"arn:aws:logs:{region}:{ACCT}:log-group:/bench/{ri}/{i}:*",
                   "storedBytes": i * 1000, "logGroupClass": "STANDARD",
                   **({"retentionInDays": 365} if rnd.random() < 0.5 else {})}
                  for i in range(part["log_groups"])]
        self.write(p + "logs-describe-log-groups.json", {"logGroups": groups})
        self.tally("log groups", len(groups))

    def run(self):
        self.meta()
        self.iam()
        self.s3()
        self.organizations()
        for ri, region in enumerate(REGIONS):
            self.region(ri, region)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output folder (created; existing files are overwritten)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every resource count (default 1.0)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    args = ap.parse_args()
    if args.scale <= 0:
        ap.error("--scale must be positive")
    gen = Gen(args.out, args.scale, args.seed)
    gen.run()
    width = max(len(k) for k in gen.count)
    for kind in sorted(gen.count):
        print(f"{kind:<{width}}  {gen.count[kind]:>8,}")
    total = sum(gen.count.values())
    print(f"{'total resources':<{width}}  {total:>8,}")
    print(f"{gen.files:,} files, {gen.bytes / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
